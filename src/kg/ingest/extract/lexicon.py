"""The knowledge extraction reads a record with, taken from the graph's code lists.

Nothing here is a word list in code: population groups, instrument, organization, event
and research types, milestone types, roles, ILO standards and known organizations come
from ``data/`` (``code-lists.ttl``, ``ilo-standards.ttl``, ``organizations.ttl``,
``national-institutions.ttl``, and the organizations earlier records brought), read from the store with
``kg/ingest/sparql/lexicon-*.rq``. Each concept's labels and hidden labels are the words
ingest recognises; head words name the nouns that head a title or a body's name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.ingest.catalog import Catalog, norm
from kg.sparql import files

SPARQL = "kg.ingest"

SCHEMES = {
    "population-group": "groups",
    "instrument-type": "instrument_types",
    "organization-type": "organization_types",
    "event-type": "event_types",
    "research-type": "research_types",
    "milestone-type": "milestones",
    "role": "roles",
    "ilo-standard": "standards",
    "c102-branch": "branches",
}


@dataclass
class Concept:
    key: str
    iri: str
    label: str = ""
    words: list[str] = field(default_factory=list)  # labels and hidden labels (what text may say)
    heads: list[str] = field(default_factory=list)  # head words (kg:headWord)
    verbs: list[str] = field(default_factory=list)  # verbs whose subject takes this role (kg:verbCue)
    broader: str | None = None  # key of the broader concept


@dataclass
class KnownOrganization:
    iri: str
    name: str
    names: list[str]
    acronym: str | None
    type: str | None  # organization-type key
    country: str | None  # alpha-3
    graph: str | None = None


# Organization types that work across countries: a record of any country can name them.
INTERNATIONAL = frozenset({"un-agency", "international-financial-institution", "regional-organization",
                           "international-organization", "development-partner"})


def known_in(candidates: list[KnownOrganization], country: str | None) -> KnownOrganization | None:
    """The one of the bodies bearing a name that a record of ``country`` can mean: its own country's first,
    then an international one. Another country's "Council of Ministers" is not this record's."""
    for k in candidates:
        if k.country and k.country == country:
            return k
    return next((k for k in candidates if not k.country or k.type in INTERNATIONAL), None)


@dataclass
class Lexicon:
    groups: dict[str, Concept] = field(default_factory=dict)
    instrument_types: dict[str, Concept] = field(default_factory=dict)
    organization_types: dict[str, Concept] = field(default_factory=dict)
    event_types: dict[str, Concept] = field(default_factory=dict)
    research_types: dict[str, Concept] = field(default_factory=dict)
    milestones: dict[str, Concept] = field(default_factory=dict)
    roles: dict[str, Concept] = field(default_factory=dict)
    standards: dict[str, Concept] = field(default_factory=dict)  # key: c102
    branches: dict[str, Concept] = field(default_factory=dict)  # the nine branches of C102
    organizations: list[KnownOrganization] = field(default_factory=list)
    country_names: dict[str, str] = field(default_factory=dict)  # norm(name) -> alpha-3
    country_labels: dict[str, str] = field(default_factory=dict)  # alpha-3 -> English name
    demonyms: dict[str, str] = field(default_factory=dict)  # "German" -> DEU
    place_names: set[str] = field(default_factory=set)  # norm(a capital or province the country words list)

    # -- lookups built once ------------------------------------------------------------

    def word_index(self, table: str) -> dict[str, str]:
        """norm(word) -> concept key for one code list (longer words win where two lists share one)."""
        out: dict[str, str] = {}
        for c in getattr(self, table).values():
            for w in [c.label, *c.words]:
                if w:
                    out.setdefault(key(w), c.key)
        return out

    def head_index(self, table: str) -> dict[str, list[str]]:
        """norm(head word) -> concept keys whose names it heads."""
        out: dict[str, list[str]] = {}
        concepts = getattr(self, table)
        for c in concepts.values():
            for w in c.heads:
                out.setdefault(key(w), []).append(c.key)
        for keys in out.values():  # the most specific concept first: "guiding opinions" before "guidelines"
            keys.sort(key=lambda k: -len(self.ancestors(table, k)))
        return out

    def cue_index(self, table: str) -> dict[str, str]:
        """norm(hidden label) -> key, for the lists whose hidden labels are cue phrases (roles, org types)."""
        return {key(w): c.key for c in getattr(self, table).values() for w in c.words if key(w) != key(c.label)}

    def scheme_words(self) -> set[str]:
        """What names a scheme in lower case: a C102 branch ("maternity", "old-age") or a benefit word ("pension")."""
        words = set()
        for c in self.branches.values():
            first = re.sub(r"\b(?:benefits?|care)$", "", key(c.label)).strip()
            if first:
                words.add(first)
        scheme = self.instrument_types.get("scheme")
        if scheme is not None:
            words |= {key(h) for h in scheme.heads if " " not in h and h.isascii()}
        return words

    def ancestors(self, table: str, key: str) -> list[str]:
        concepts = getattr(self, table)
        out = []
        while key in concepts and concepts[key].broader and concepts[key].broader not in out:
            key = concepts[key].broader
            out.append(key)
        return out


def key(text: str) -> str:
    """The form words are looked up by: as :func:`norm`, with hyphens as spaces and one kind of apostrophe.

    It matches what :func:`phrase_pattern` lets through ("self employed" for "self-employed").
    """
    return " ".join(norm(text).replace("’", "'").replace("-", " ").split())


def _key(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


def load(store: ox.Store, base: str, catalog: Catalog | None = None, exclude: frozenset[str] = frozenset()) -> Lexicon:
    """The lexicon from ``store`` (the built store, or an in-memory one of ``data/``).

    Organizations described in the graphs of ``exclude`` (those a re-ingest replaces) are left
    out: the record's new version describes them again, or no longer names them.
    """
    lex = Lexicon()

    def rows(name: str) -> Iterable[dict[str, str | None]]:
        result = store.query(files.text(SPARQL, name, base), use_default_graph_as_union=True)
        names = [v.value for v in result.variables]
        for sol in result:
            yield {n: (sol[n].value if sol[n] is not None else None) for n in names}

    for row in rows("lexicon-words"):
        table = SCHEMES.get(_key(row["scheme"] or ""))
        if table is None:
            continue
        concepts: dict[str, Concept] = getattr(lex, table)
        key = _key(row["concept"])
        c = concepts.setdefault(key, Concept(key, row["concept"]))
        word, kind = row["word"] or "", row["kind"]
        if kind == "pref" and not c.label:
            c.label = word
        if kind == "head":
            if word not in c.heads:
                c.heads.append(word)
        elif kind == "verb":
            if word not in c.verbs:
                c.verbs.append(word)
        elif word not in c.words:
            c.words.append(word)
        if row["broader"]:
            c.broader = _key(row["broader"])

    by_iri: dict[str, KnownOrganization] = {}
    for row in rows("lexicon-organizations"):
        if row["g"] in exclude:
            continue
        iri = row["o"]
        known = by_iri.get(iri)
        if known is None:
            known = by_iri[iri] = KnownOrganization(iri, "", [], None, _key(row["type"]) if row["type"] else None,
                                                    row["country"], row["g"])
        name = row["name"] or ""
        if row["kind"] == "acronym":
            known.acronym = known.acronym or name
        elif row["kind"] == "pref" and not known.name:
            known.name = name
        elif name not in known.names:
            known.names.append(name)
    lex.organizations = sorted(by_iri.values(), key=lambda k: k.iri)
    if catalog is not None:
        lex.country_names = dict(catalog.country_names)
        lex.country_labels = {a3: c.name for a3, c in catalog.countries.items()}
        lex.demonyms = dict(catalog.demonyms)
        lex.place_names = {norm(w) for w in catalog.place_countries}
    return lex


def phrase_pattern(words: Iterable[str]) -> re.Pattern[str] | None:
    """A case-insensitive pattern matching any of ``words`` as whole words, longest first."""
    words = sorted({w for w in words if w}, key=lambda w: (-len(w), w))
    if not words:
        return None
    body = "|".join(_loose(w) for w in words)
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", re.IGNORECASE)


def _loose(word: str) -> str:
    """A word as a pattern: any apostrophe for an apostrophe, any run of spaces or hyphens for a space."""
    out = []
    for ch in word:
        if ch in "'’":
            out.append("['’]")
        elif ch in " -":
            out.append(r"[\s\-]+")
        else:
            out.append(re.escape(ch))
    return "".join(out)

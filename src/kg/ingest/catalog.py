"""What ingest needs to know of the graph: code lists, countries, known bodies and places.

Read once per run with SPARQL from an Oxigraph store: the built store, or an
in-memory store of ``data/*.ttl`` when none is built. Parsers use it to split
theme tags, read SDG bullets and indicator wordings; :mod:`kg.ingest.country`
and :mod:`kg.ingest.reconcile` use its names.

Matching is on :func:`norm` forms: case-folded, one space between words,
typographic quotes and dashes made plain.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pyoxigraph as ox

from kg.sparql import files

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
                         "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2013": "-", "\u2014": "-",
                         "\u2011": "-", "\u2010": "-", "\u00a0": " "})


def plain(text: str) -> str:
    """Typographic quotes, dashes and no-break spaces as their plain forms."""
    return text.translate(_QUOTES)


def norm(text: str) -> str:
    """A matching key: NFKC, plain quotes and dashes, case-folded, single spaces."""
    return " ".join(plain(unicodedata.normalize("NFKC", text)).casefold().split())


@dataclass(frozen=True)
class Country:
    iri: str
    alpha3: str
    alpha2: str
    name: str
    names: tuple[str, ...]  # every label: common, official, alternative


@dataclass(frozen=True)
class Known:
    """A described resource ingest may link to: an organization, place or instrument."""

    iri: str
    name: str
    acronym: str | None = None
    country: str | None = None  # alpha-3
    graph: str | None = None
    donor: bool = False  # a development partner: its country is the donor's


@dataclass
class Catalog:
    base: str
    themes: dict[str, tuple[str, str]] = field(default_factory=dict)  # norm(label) -> (iri, label)
    theme_graphs: dict[str, set[str]] = field(default_factory=dict)  # theme iri -> graphs that type it kg:Theme
    goals: dict[str, tuple[str, str]] = field(default_factory=dict)  # "1" -> (iri, title)
    targets: dict[str, tuple[str, str]] = field(default_factory=dict)  # "1.3" -> (iri, text)
    pb: dict[str, dict[str, str]] = field(default_factory=dict)  # biennium -> code -> iri
    pb_wordings: list[tuple[str, str, str]] = field(default_factory=list)  # (norm wording, biennium, code)
    result_types: dict[str, str] = field(default_factory=dict)  # "1" -> iri
    result_type_headings: dict[str, str] = field(default_factory=dict)  # norm heading -> "1"
    bienniums: dict[str, str] = field(default_factory=dict)  # "2020-21" -> iri
    programmes: dict[str, tuple[str, str]] = field(default_factory=dict)  # norm label -> (iri, label)
    policy_areas: set[str] = field(default_factory=set)  # norm of kg:policyArea values
    countries: dict[str, Country] = field(default_factory=dict)  # alpha-3 -> Country
    country_names: dict[str, str] = field(default_factory=dict)  # norm(name) -> alpha-3
    instrument_types: dict[str, str] = field(default_factory=dict)  # norm(label) -> iri
    organization_types: dict[str, str] = field(default_factory=dict)  # norm(label) -> iri
    organizations: list[Known] = field(default_factory=list)
    places: list[Known] = field(default_factory=list)
    demonyms: dict[str, str] = field(default_factory=dict)  # "Jordanian" -> JOR
    government_abbreviations: dict[str, tuple[str, ...]] = field(default_factory=dict)  # "GoM" -> (MWI, MOZ, ...)
    place_countries: dict[str, str] = field(default_factory=dict)  # "Vientiane" -> LAO (capitals and known places)

    @property
    def theme_labels(self) -> list[str]:
        return [label for _, label in self.themes.values()]

    @cached_property
    def organization_names(self) -> set[str]:
        """Normalised names of the organizations the graph describes."""
        return {norm(o.name) for o in self.organizations if o.name}

    @cached_property
    def organization_acronyms(self) -> dict[str, Known]:
        """The organizations the graph describes, by acronym (the first one for an acronym)."""
        found: dict[str, Known] = {}
        for o in self.organizations:
            if o.acronym:
                found.setdefault(o.acronym, o)
        return found

    def in_scheme(self, label: str) -> bool:
        """Whether a theme tag is a theme of the code lists (not one an ingested record added)."""
        known = self.themes.get(norm(label))
        if known is None:
            return False
        prefix = f"{self.base}graph/data/outcome-"
        return any(not g.startswith(prefix) for g in self.theme_graphs.get(known[0], ()))

    def theme_defined(self, iri: str, exclude: set[str]) -> bool:
        """Whether a graph outside ``exclude`` describes the theme."""
        return any(g not in exclude for g in self.theme_graphs.get(iri, ()))

    def country_by_alpha2(self, alpha2: str) -> Country | None:
        for c in self.countries.values():
            if c.alpha2 == alpha2:
                return c
        return None


# -- loading -------------------------------------------------------------------------

SPARQL = "kg.ingest"  # the package whose sparql/ folder holds the catalogue's queries


def load(store: ox.Store, base: str) -> Catalog:
    """Read the code lists and known resources from ``store`` (IRIs minted under ``base``)."""
    cat = Catalog(base=base)

    def query(name: str):
        return store.query(files.text(SPARQL, name, base), use_default_graph_as_union=True)

    def rows(name: str) -> Iterable[list[str | None]]:
        result = query(name)
        names = [v.value for v in result.variables]
        for sol in result:
            yield [sol[n].value if sol[n] is not None else None for n in names]

    for iri, label in rows("themes-by-pref-label"):
        cat.themes.setdefault(norm(label), (iri, label))
    for iri, label in rows("themes-by-label"):
        cat.themes.setdefault(norm(label), (iri, label))
    for iri, graph in rows("theme-graphs"):
        cat.theme_graphs.setdefault(iri, set()).add(graph)

    for iri, code, title in rows("sdg-goals"):
        cat.goals[code] = (iri, title)
    for iri, code, text in rows("sdg-targets"):
        cat.targets[code] = (iri, text or "")

    for iri, code, scheme in rows("pb-elements"):
        biennium = _scheme_biennium(scheme, base) or _iri_biennium(iri, base)
        if biennium:
            cat.pb.setdefault(biennium, {})[code] = iri
    for iri, code, wording in rows("pb-element-wordings"):
        biennium = _iri_biennium(iri, base)
        if biennium and code.count(".") == 2:
            cat.pb_wordings.append((norm(wording), biennium, code))
    cat.pb_wordings.sort()

    for iri, code in rows("result-types"):
        cat.result_types[code] = iri
    for code, heading in rows("result-type-headings"):
        cat.result_type_headings[norm(heading)] = code
    for iri, code in rows("bienniums"):
        cat.bienniums[code] = iri
    for iri, label in rows("programmes"):
        cat.programmes[norm(label)] = (iri, label)
    for (area,) in rows("policy-areas"):
        cat.policy_areas.add(norm(area))

    names: dict[str, list[str]] = {}
    basics: dict[str, tuple[str, str, str, str]] = {}
    for iri, a3, a2, label in rows("countries"):
        basics[a3] = (iri, a3, a2, label)
    for a3, name in rows("country-names"):
        names.setdefault(a3, []).append(name)
    for a3, (iri, _, a2, label) in sorted(basics.items()):
        all_names = tuple(sorted(set(names.get(a3, [])) | {label}))
        cat.countries[a3] = Country(iri, a3, a2, label, all_names)
        for n in all_names:
            cat.country_names.setdefault(norm(n), a3)

    for a3, kind, word in rows("country-words"):
        if kind == "demonym":
            cat.demonyms.setdefault(word, a3)
        elif kind == "government":
            cat.government_abbreviations[word] = tuple(sorted({*cat.government_abbreviations.get(word, ()), a3}))
        else:
            cat.place_countries.setdefault(word, a3)

    for iri, label in rows("instrument-types"):
        cat.instrument_types[norm(label)] = iri
    for iri, label in rows("organization-types"):
        cat.organization_types[norm(label)] = iri

    country_of = {c.iri: a3 for a3, c in cat.countries.items()}
    for sol in query("known-organizations"):
        name = sol["name"].value if sol["name"] is not None else ""
        cat.organizations.append(Known(
            sol["o"].value, name, sol["acr"].value if sol["acr"] is not None else None,
            country_of.get(sol["c"].value) if sol["c"] is not None else None, sol["g"].value,
            sol["donor"] is not None and sol["donor"].value == "true"))
    for sol in query("known-places"):
        cat.places.append(Known(sol["p"].value, sol["name"].value, None,
                                country_of.get(sol["c"].value) if sol["c"] is not None else None, sol["g"].value))
    return cat


def _iri_biennium(iri: str, base: str) -> str | None:
    m = re.match(re.escape(base) + r"id/pb-(\d{4}-\d{2})/", iri)
    return m.group(1) if m else None


def _scheme_biennium(scheme: str | None, base: str) -> str | None:
    if not scheme:
        return None
    m = re.match(re.escape(base) + r"id/scheme/pb-(\d{4}-\d{2})$", scheme)
    return m.group(1) if m else None


def memory_store(paths: Iterable[Path], base: str, graph_of) -> ox.Store:
    """An in-memory store of the given Turtle files, each in its named graph (for projects not built)."""
    from kg.rdf import iris

    store = ox.Store()
    for path in paths:
        text = iris.rebase(path.read_text(encoding="utf-8"), base)
        g = ox.NamedNode(graph_of(path))
        store.extend(ox.Quad(q.subject, q.predicate, q.object, g)
                     for q in ox.parse(text, format=ox.RdfFormat.TURTLE, rename_blank_nodes=True,
                                       without_named_graphs=True))
    return store

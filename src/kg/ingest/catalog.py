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

_PREFIXES = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX kg:   <https://w3id.org/spkg/def/kg#>
PREFIX org:  <http://www.w3.org/ns/org#>
PREFIX sdgo: <http://metadata.un.org/sdg/ontology#>
PREFIX schema: <https://schema.org/>
PREFIX xsd:  <http://www.w3.org/2001/XMLSchema#>
"""


def load(store: ox.Store, base: str) -> Catalog:
    """Read the code lists and known resources from ``store`` (IRIs minted under ``base``)."""
    cat = Catalog(base=base)
    prefixes = _PREFIXES.replace("https://w3id.org/spkg/def/kg#", f"{base}def/kg#")

    def rows(sparql: str) -> Iterable[list[str | None]]:
        result = store.query(prefixes + sparql, use_default_graph_as_union=True)
        names = [v.value for v in result.variables]
        for sol in result:
            yield [sol[n].value if sol[n] is not None else None for n in names]

    for iri, label in rows("""SELECT ?t ?l WHERE { ?t a kg:Theme ; skos:prefLabel ?l FILTER(LANGMATCHES(LANG(?l), "en")) }"""):
        cat.themes.setdefault(norm(label), (iri, label))
    for iri, label in rows("""SELECT ?t ?l WHERE { ?t a kg:Theme ; rdfs:label ?l FILTER(LANGMATCHES(LANG(?l), "en")) }"""):
        cat.themes.setdefault(norm(label), (iri, label))
    for iri, graph in rows("SELECT ?t ?g WHERE { GRAPH ?g { ?t a kg:Theme } }"):
        cat.theme_graphs.setdefault(iri, set()).add(graph)

    for iri, code, title in rows("""SELECT ?g ?n ?l WHERE { ?g a sdgo:Goal ; skos:notation ?n ; skos:prefLabel ?l
                                     FILTER(DATATYPE(?n) = xsd:string && LANGMATCHES(LANG(?l), "en")) }"""):
        cat.goals[code] = (iri, title)
    for iri, code, text in rows("""SELECT ?t ?n ?l WHERE { ?t a sdgo:Target ; skos:notation ?n
                                    OPTIONAL { ?t skos:prefLabel ?l FILTER(LANGMATCHES(LANG(?l), "en")) }
                                    FILTER(DATATYPE(?n) = xsd:string) }"""):
        cat.targets[code] = (iri, text or "")

    for iri, code, scheme in rows("""SELECT ?e ?n ?s WHERE { ?e a kg:ProgrammeAndBudgetElement ; skos:notation ?n
                                      OPTIONAL { ?e skos:inScheme ?s } }"""):
        biennium = _scheme_biennium(scheme, base) or _iri_biennium(iri, base)
        if biennium:
            cat.pb.setdefault(biennium, {})[code] = iri
    for iri, code, wording in rows("""SELECT ?e ?n ?w WHERE { ?e a kg:ProgrammeAndBudgetElement ; skos:notation ?n .
                                        { ?e skos:prefLabel ?w } UNION { ?e skos:definition ?w } }"""):
        biennium = _iri_biennium(iri, base)
        if biennium and code.count(".") == 2:
            cat.pb_wordings.append((norm(wording), biennium, code))
    cat.pb_wordings.sort()

    for iri, code in rows("SELECT ?r ?n WHERE { ?r a kg:ResultType ; skos:notation ?n }"):
        cat.result_types[code] = iri
    for code, heading in rows("SELECT ?n ?d WHERE { ?r a kg:ResultType ; skos:notation ?n ; skos:definition ?d }"):
        cat.result_type_headings[norm(heading)] = code
    for iri, code in rows("SELECT ?b ?n WHERE { ?b a kg:Biennium ; skos:notation ?n }"):
        cat.bienniums[code] = iri
    for iri, label in rows("SELECT ?p ?l WHERE { ?p a kg:Programme ; rdfs:label ?l }"):
        cat.programmes[norm(label)] = (iri, label)
    for (area,) in rows("SELECT DISTINCT ?a WHERE { ?x kg:policyArea ?a }"):
        cat.policy_areas.add(norm(area))

    names: dict[str, list[str]] = {}
    basics: dict[str, tuple[str, str, str, str]] = {}
    for iri, a3, a2, label in rows("""SELECT ?c ?a3 ?a2 ?l WHERE { ?c a kg:Country ; kg:isoAlpha3 ?a3 ; kg:isoAlpha2 ?a2 ;
                                        skos:prefLabel ?l FILTER(LANGMATCHES(LANG(?l), "en")) }"""):
        basics[a3] = (iri, a3, a2, label)
    for a3, name in rows("""SELECT ?a3 ?n WHERE { ?c a kg:Country ; kg:isoAlpha3 ?a3 .
                                { ?c skos:prefLabel ?n } UNION { ?c skos:altLabel ?n } UNION { ?c rdfs:label ?n }
                                UNION { ?c kg:officialName ?n } FILTER(LANGMATCHES(LANG(?n), "en")) }"""):
        names.setdefault(a3, []).append(name)
    for a3, (iri, _, a2, label) in sorted(basics.items()):
        all_names = tuple(sorted(set(names.get(a3, [])) | {label}))
        cat.countries[a3] = Country(iri, a3, a2, label, all_names)
        for n in all_names:
            cat.country_names.setdefault(norm(n), a3)

    for iri, label in rows("SELECT ?t ?l WHERE { ?t a kg:InstrumentType ; skos:prefLabel ?l }"):
        cat.instrument_types[norm(label)] = iri
    for iri, label in rows("SELECT ?t ?l WHERE { ?t a kg:OrganizationType ; skos:prefLabel ?l }"):
        cat.organization_types[norm(label)] = iri

    country_of = {c.iri: a3 for a3, c in cat.countries.items()}
    result = store.query(prefixes + """
        SELECT ?o ?name ?acr ?c ?g WHERE {
          GRAPH ?g { ?o a org:FormalOrganization }
          OPTIONAL { ?o skos:prefLabel ?name }
          OPTIONAL { ?o kg:acronym ?acr }
          OPTIONAL { ?o kg:country ?c }
        } ORDER BY ?o""", use_default_graph_as_union=True)
    for sol in result:
        name = sol["name"].value if sol["name"] is not None else ""
        cat.organizations.append(Known(
            sol["o"].value, name, sol["acr"].value if sol["acr"] is not None else None,
            country_of.get(sol["c"].value) if sol["c"] is not None else None, sol["g"].value))
    result = store.query(prefixes + """
        SELECT ?p ?name ?c ?g WHERE {
          GRAPH ?g { ?p a schema:Place ; schema:name ?name }
          OPTIONAL { ?p kg:country ?c }
        } ORDER BY ?p""", use_default_graph_as_union=True)
    for sol in result:
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

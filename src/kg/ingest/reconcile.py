"""Reconciliation: the same body, place or instrument gets one IRI across records.

For each organization, instrument or place mention, in this order:

1. a resource the graph describes (curated data, confirmed suggestions): an
   organization by acronym, then by name (skos:prefLabel or rdfs:label); an
   instrument by title; a place by name within the record's country;
2. an IRI this batch already gave the same acronym, name or title;
3. an IRI an earlier ingest suggested for it (kg:acronym or kg:suggestedName
   of the suggestions in the store);
4. otherwise a new IRI: an organization is keyed by its acronym (by its name
   when it has none), an instrument by country, date and short title, a place
   by the country's alpha-2 code and its name (``place/cn-beijing``).

An acronym matches only within one country: "MOH" of Malawi is not "MOH" of
Zambia. When a national body's acronym is taken by another country's body, its
key gets the country's code in front (``organization/zmb-moh``).

The graphs the batch replaces are left out of every lookup, so re-ingesting a
record finds what other records say, not what its own last version said: the
same input gives the same IRIs. kg:matchMethod says only whether the resource
is described in the graph ("acronym", "name", "title", "country") or not yet
("new", whether or not other records suggest the same IRI), so a record's file
does not depend on which other records were ingested with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.rdf import iris
from kg.ingest.catalog import Catalog, Known, norm
from kg.ingest.extract.lexicon import INTERNATIONAL

_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_DCT_TITLE = ox.NamedNode("http://purl.org/dc/terms/title")
_RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
_SKOS_ALT = ox.NamedNode("http://www.w3.org/2004/02/skos/core#altLabel")
_NAME_PROPERTIES = (_RDFS_LABEL, ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel"), _SKOS_ALT, _DCT_TITLE)


def _short_title(title: str) -> str:
    """A title without its leading article, brackets and trailing years: the words an IRI is made of."""
    import re

    t = re.sub(r"\(.*?\)", " ", title)
    t = re.sub(r"^(?:the|a|an)\s+", "", t.strip(), flags=re.I)
    return t


@dataclass(frozen=True)
class Match:
    iri: str
    method: str  # acronym, name, title, country: described in the graph; new: not described yet
    existing: bool  # the graph describes the resource already


@dataclass
class Reconciler:
    catalog: Catalog
    store: ox.Store | None
    exclude: set[str]  # graph IRIs being replaced
    base: str
    _orgs_by_acronym: dict[str, list[Known]] = field(default_factory=dict)
    _orgs_by_name: dict[str, list[Known]] = field(default_factory=dict)
    _places: dict[tuple[str, str | None], Known] = field(default_factory=dict)
    _batch: dict[tuple[str, str], tuple[str, str | None]] = field(default_factory=dict)
    # Bodies and instruments an earlier record of the batch describes: later records link to them
    # without describing them again, so a thing keeps one title and one set of names.
    described: dict[str, set[str]] = field(default_factory=dict)  # IRI -> the names it was given

    def __post_init__(self) -> None:
        for org in self.catalog.organizations:
            if org.graph in self.exclude:
                continue
            if org.acronym:
                self._orgs_by_acronym.setdefault(org.acronym.upper(), []).append(org)
            if org.name:
                self._orgs_by_name.setdefault(norm(org.name), []).append(org)
        for place in self.catalog.places:
            if place.graph not in self.exclude:
                self._places.setdefault((norm(place.name), place.country), place)
        v = f"{self.base}def/kg#"
        self._kg_acronym = ox.NamedNode(v + "acronym")
        self._kg_name = ox.NamedNode(v + "suggestedName")
        self._kg_suggests = ox.NamedNode(v + "suggests")
        self._kg_for = ox.NamedNode(v + "suggestedFor")
        self._kg_country = ox.NamedNode(v + "country")
        self._kg_org_mention = ox.NamedNode(v + "OrganizationMention")
        self._kg_instrument = ox.NamedNode(v + "PolicyInstrument")

    # -- what extraction found ------------------------------------------------------------------

    def body(self, org, record_country: str | None) -> Match:
        """The IRI of an extracted organization: the one the graph gives it, else one from its own names.

        A body the graph does not describe is keyed by its country and acronym (or name),
        so its IRI is the same whichever records are ingested with it, and in any order.
        """
        if org.known:
            return Match(org.known, "name", True)
        if org.fixed_iri:
            return Match(org.fixed_iri, "curated", self._described(org.fixed_iri))
        country = org.country or (record_country if org.type not in INTERNATIONAL else None)
        for name in [org.name, *org.names]:
            if name:
                for known in self._orgs_by_name.get(norm(name), []):
                    if _same_country(known.country, org.country, record_country, None):
                        return Match(known.iri, "name", True)
        if org.acronym:
            for known in self._orgs_by_acronym.get(org.acronym.upper(), []):
                if known.country and known.country == country:
                    return Match(known.iri, "acronym", True)
        stem = iris.slug(org.acronym or org.name or org.key)
        key = f"{country.lower()}-{stem}" if country else stem
        iri = iris.thing("organization", key, self.base)
        return Match(iri, "new", self._described(iri))  # described already under another name: linked, not described twice

    def _described(self, iri: str) -> bool:
        """Whether a graph outside the batch describes ``iri`` (gives it a type): a record that names it by a
        curated id then links to it, as it would in a batch after the record that describes it."""
        if self.store is None:
            return False
        return any(q.graph_name.value not in self.exclude for q in self.store.quads_for_pattern(ox.NamedNode(iri), _RDF_TYPE, None, None)
                   if isinstance(q.graph_name, ox.NamedNode))

    def _of_country(self, node: ox.NamedNode, record_country: str | None) -> bool:
        """Whether an instrument the graph describes can be the record's: Iraq's "social security law" is not
        Jordan's. One with no country, or a record with none, leaves the title alone to decide."""
        countries = {q.object.value for q in self.store.quads_for_pattern(node, self._kg_country, None, None)}
        country = self.catalog.countries.get(record_country or "")
        return not countries or country is None or country.iri in countries

    def names_from_records(self, iri: str) -> set[str]:
        """The names other records (outside the batch) give ``iri``: what a record leaves out of its own
        alternative labels, so that its file is the same alone as after those records in one batch."""
        if self.store is None:
            return set()
        records = iris.graph("data", "outcome-", self.base)
        return {q.object.value for p in (*_NAME_PROPERTIES, self._kg_acronym) for q in self.store.quads_for_pattern(ox.NamedNode(iri), p, None, None)
                if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value.startswith(records)
                and q.graph_name.value not in self.exclude}

    def title(self, inst, record_country: str | None) -> Match:
        """The IRI of an extracted instrument: the one the graph gives one of its names, else country + title."""
        if inst.fixed_iri:
            return Match(inst.fixed_iri, "curated", self._described(inst.fixed_iri))
        if self.store is not None:
            for name in [inst.title, *inst.names]:
                for predicate in (_DCT_TITLE, _RDFS_LABEL, _SKOS_ALT):
                    for q in self.store.quads_for_pattern(None, predicate, ox.Literal(name, language="en"), None):
                        if q.graph_name.value in self.exclude:
                            continue
                        if any(True for _ in self.store.quads_for_pattern(q.subject, _RDF_TYPE, self._kg_instrument, None)) \
                                and self._of_country(q.subject, record_country):
                            return Match(q.subject.value, "title", True)
        stem = iris.slug(_short_title(inst.title))[:70]
        key = f"{record_country.lower()}-{stem}" if record_country else stem
        iri = iris.thing("instrument", key, self.base)
        return Match(iri, "new", self._described(iri))


def _same_country(known: str | None, mentioned: str | None, record: str | None, type_hint: str | None) -> bool:
    """Whether a described body with country ``known`` can be the one mentioned."""
    if known is None or type_hint == "International organization":
        return True
    wanted = mentioned or record
    return wanted is None or wanted == known

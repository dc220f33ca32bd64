"""Incremental validation: check a batch against the shapes without re-validating the whole graph.

The data graph the SHACL engine sees is the batch's graphs plus what they touch, fetched
from the store (the built one, or an in-memory one of data/*.ttl):

- for every node the batch describes, what other graphs say about it too
  (so "at most one label" counts them all);
- for every IRI the batch links to, its ``rdf:type`` (so ``sh:class`` checks
  work: a link to a theme or country no file describes has no type, and fails);
- nodes elsewhere that link to something a re-ingested record no longer
  describes, with their descriptions (their link now dangles).

Only the batch's nodes and those dangling referrers are focus nodes, so the
cost grows with the batch, not with the graph. The ``rdf:type`` superclasses
the ontology implies are added for the run, as :mod:`kg.validate.core` does.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import RDF, Graph, URIRef
from rdflib.term import Node

from kg.rdf import sources as src
from kg.validate.engine import materialise_types, run, uses_sparql
from kg.validate.report import Report, results_of

_TYPE = ox.NamedNode(str(RDF.type))


@dataclass
class Context:
    """The graph outside the batch: a store, minus the graphs the batch replaces.

    ``exclude`` also holds the derived graphs (the entailments): what they say follows
    from the stated graphs, so it neither describes a node nor keeps a link alive.
    """

    store: ox.Store
    exclude: set[str] = field(default_factory=set)

    def _quads(self, s=None, p=None, o=None) -> Iterable[ox.Quad]:
        for q in self.store.quads_for_pattern(s, p, o, None):
            if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value in self.exclude:
                continue
            yield q

    def describe(self, iri: str) -> list[tuple[Node, Node, Node]]:
        return [(src.to_rdflib(q.subject), src.to_rdflib(q.predicate), src.to_rdflib(q.object))
                for q in self._quads(ox.NamedNode(iri))]

    def types(self, iri: str) -> list[Node]:
        return [src.to_rdflib(q.object) for q in self._quads(ox.NamedNode(iri), _TYPE)]

    def referrers(self, iri: str) -> set[str]:
        return {q.subject.value for q in self._quads(None, None, ox.NamedNode(iri))
                if isinstance(q.subject, ox.NamedNode)}

    def subjects_of(self, graph_iri: str) -> set[str]:
        return {q.subject.value for q in self.store.quads_for_pattern(None, None, None, ox.NamedNode(graph_iri))
                if isinstance(q.subject, ox.NamedNode)}


def validate_batch(batch: Mapping[str, Graph], context: Context, shapes: Graph, ontology: Graph, *,
                   replaced: Iterable[str] = (), engine: str = "turbo") -> tuple[Report, set[Node]]:
    """Validate the batch's graphs (graph IRI -> graph) in their context.

    ``replaced``: graph IRIs whose old version the batch replaces (their old
    subjects may leave dangling links behind). Returns the report and the focus
    nodes that were checked.
    """
    started = time.perf_counter()
    data = Graph()
    for g in batch.values():
        for t in g:
            data.add(t)
    subjects = {s for s in data.subjects() if isinstance(s, URIRef)}
    focus: set[Node] = set(subjects)

    # What other graphs say about the batch's nodes.
    for s in subjects:
        for t in context.describe(str(s)):
            data.add(t)
    # Links left dangling by a re-ingest: old subjects no longer described anywhere.
    for graph_iri in replaced:
        for old in sorted(context.subjects_of(graph_iri)):
            if URIRef(old) in subjects or context.describe(old):
                continue
            for referrer in context.referrers(old):
                if URIRef(referrer) in focus:
                    continue
                focus.add(URIRef(referrer))
                for t in context.describe(referrer):
                    data.add(t)
    # The types of everything linked to.
    linked = {o for o in data.objects() if isinstance(o, URIRef)} - subjects
    for iri in linked:
        for cls in context.types(str(iri)):
            data.add((iri, RDF.type, cls))
    materialise_types(data, ontology)
    ont = ontology if uses_sparql(shapes) else None
    results_graph = run(data, shapes, engine=engine, ontology=ont, focus_nodes=sorted(focus, key=str))
    results = results_of(results_graph, shapes, None)
    report = Report(conforms=not any(r.severity == "Violation" for r in results), results=results,
                    seconds=time.perf_counter() - started)
    return report, focus

"""Running the SHACL engine: a data graph, a shapes graph, the ontology's class hierarchy.

Instead of pyshacl's RDFS inference (several times slower), the ``rdf:type``
superclasses that the ontology's ``rdfs:subClassOf`` implies are added to the
data graph for the run and taken out again. Only ``sh:Violation`` results make
the data non-conforming; warnings and infos are reported but do not gate.

The functions take graphs, so a batch can be checked without the whole store:
``validate_graph(batch, shapes, ontology)``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping

import pyshacl
from pyshacl.entrypoints import meta_validate
from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.term import Node

from kg.validate.report import SH, Locator, Report, results_of

logger = logging.getLogger(__name__)


def superclasses(ontology_graph: Graph) -> dict[Node, set[Node]]:
    """Class -> all its named superclasses (transitive ``rdfs:subClassOf``)."""
    direct: dict[Node, set[Node]] = {}
    for sub, sup in ontology_graph.subject_objects(RDFS.subClassOf):
        if isinstance(sub, URIRef) and isinstance(sup, URIRef) and sub != sup:
            direct.setdefault(sub, set()).add(sup)
    closure: dict[Node, set[Node]] = {}
    for cls in direct:
        seen: set[Node] = set()
        todo = list(direct[cls])
        while todo:
            c = todo.pop()
            if c not in seen:
                seen.add(c)
                todo.extend(direct.get(c, ()))
        seen.discard(cls)
        closure[cls] = seen
    return closure


def materialise_types(data_graph: Graph, ontology_graph: Graph) -> list[tuple[Node, Node, Node]]:
    """Add implied ``rdf:type`` superclass triples; return the ones added."""
    closure = superclasses(ontology_graph)
    added = []
    for node, cls in list(data_graph.subject_objects(RDF.type)):
        for sup in closure.get(cls, ()):
            t = (node, RDF.type, sup)
            if t not in data_graph:
                data_graph.add(t)
                added.append(t)
    return added


def needs_advanced(shapes_graph: Graph) -> bool:
    """SHACL-AF features (rules, custom targets, functions) need pyshacl's advanced mode."""
    if any(shapes_graph.triples((None, SH.rule, None))) or any(shapes_graph.triples((None, SH.target, None))):
        return True
    af_types = (SH.SPARQLFunction, SH.SPARQLTargetType, SH.TargetType, SH.SPARQLRule, SH.TripleRule)
    return any(any(shapes_graph.triples((None, RDF.type, t))) for t in af_types)


def uses_sparql(shapes_graph: Graph) -> bool:
    """SPARQL constraints may look at the class hierarchy, so they get the ontology."""
    return any(any(shapes_graph.triples((None, p, None))) for p in (SH.select, SH.ask, SH.sparql))


def validate_graph(data_graph: Graph, shapes_graph: Graph, ontology_graph: Graph | None = None, *,
                   locate: Locator | None = None, prefixes: Mapping[str, str] | None = None) -> Report:
    """Validate ``data_graph`` against ``shapes_graph``; the data graph is left as it was."""
    started = time.perf_counter()
    added = materialise_types(data_graph, ontology_graph) if ontology_graph is not None else []
    try:
        ont = ontology_graph if (ontology_graph is not None and uses_sparql(shapes_graph)) else None
        _, results_graph, _ = pyshacl.validate(
            data_graph, shacl_graph=shapes_graph, ont_graph=ont, inference="none",
            advanced=needs_advanced(shapes_graph), allow_warnings=True,
        )
    finally:
        for t in added:
            data_graph.remove(t)
    results = results_of(results_graph, shapes_graph, locate)
    seconds = time.perf_counter() - started
    logger.info("validated %d triples in %.2fs: %d results", len(data_graph), seconds, len(results))
    return Report(
        conforms=not any(r.severity == "Violation" for r in results),
        results=results,
        prefixes=dict(prefixes or {}),
        seconds=seconds,
    )


def check_shapes(shapes_graph: Graph, *, locate: Locator | None = None,
                 prefixes: Mapping[str, str] | None = None) -> Report:
    """Check the shapes themselves against SHACL-for-SHACL (pyshacl's meta-SHACL)."""
    _, results_graph, _ = meta_validate(shapes_graph, inference="none")
    results = results_of(results_graph, Graph(), locate)
    return Report(conforms=not any(r.severity == "Violation" for r in results), results=results,
                  prefixes=dict(prefixes or {}))

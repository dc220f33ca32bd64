"""Running the SHACL engine: a data graph, a shapes graph, the ontology's class hierarchy.

Instead of pyshacl's RDFS inference (several times slower), the ``rdf:type``
superclasses that the ontology's ``rdfs:subClassOf`` implies are added to the
data graph for the run and taken out again. Only ``sh:Violation`` results make
the data non-conforming; warnings and infos are reported but do not gate.

The functions take graphs, so a batch can be checked without the whole store:
``validate_graph(batch, shapes, ontology)``.

Two engines run the shapes (the setting ``shacl_engine``): ``turbo``, pyshacl-turbo's
Rust engine behind pySHACL's API, and ``pyshacl``, the reference. They give the same
results (tests/graph/test_shapes.py checks every broken-data case on both,
tests/graph/test_shacl_engines.py generated data with faults planted). :func:`run`,
:func:`run_text` and, for meta-SHACL, :func:`check_shapes` are the only places that call either.

``kg validate`` gives pyshacl-turbo the files' text (:func:`run_text`), which it parses in
Rust: no rdflib graph of the data is made. Not a pyoxigraph store, which pyshacl-turbo also
reads: a store keeps typed literals in canonical form (``"1000.0"^^xsd:decimal`` comes back
as ``"1000"``), which ``sh:pattern``, ``sh:in`` and the reported values would see, and its
strings as ``xsd:string`` where the shapes' are plain literals.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Mapping

import pyoxigraph as ox
import pyshacl
from pyshacl.entrypoints import meta_validate
from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.term import Node

from kg.sparql import files
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


def run(data_graph: Graph, shapes_graph: Graph, *, engine: str = "turbo", ontology: Graph | None = None,
        focus_nodes: Iterable[Node] | None = None) -> Graph:
    """The SHACL results graph of ``shapes_graph`` on ``data_graph``, by ``engine``; the data is left as it was.

    ``ontology``, for SPARQL constraints that read the class hierarchy, is mixed into the data
    for the run. pyshacl does that itself (``ont_graph``); pyshacl-turbo's own mixing writes the
    data out and reads it back into a second graph (twice the time of the validation here), so
    for it the ontology's triples are added to the data and taken out again.
    """
    focus = list(focus_nodes) if focus_nodes is not None else None
    options = {"shacl_graph": shapes_graph, "inference": "none", "advanced": needs_advanced(shapes_graph),
               "allow_warnings": True, "focus_nodes": focus}
    if engine == "pyshacl":
        _, results_graph, _ = pyshacl.validate(data_graph, ont_graph=ontology, **options)
        return results_graph
    if engine != "turbo":
        raise ValueError(f"unknown SHACL engine {engine!r}")
    import pyshacl_turbo  # only when asked for: the reference engine must run without it

    added = [t for t in ontology if t not in data_graph] if ontology is not None else []
    for t in added:
        data_graph.add(t)
    try:
        _, results_graph, _ = pyshacl_turbo.validate(data_graph, **options)
    finally:
        for t in added:
            data_graph.remove(t)
    return results_graph


def implied_types(store: ox.Store, ontology_graph: Graph, data_graphs: Iterable[str]) -> str:
    """N-Triples of the ``rdf:type`` superclasses the ontology implies for the nodes of ``data_graphs``
    (graph IRIs of ``store``) and no graph of the store states: what :func:`materialise_types`
    adds to an rdflib graph, in one SPARQL query (no Python per triple)."""
    pairs = [(ox.NamedNode(cls), ox.NamedNode(sup)) for cls, sups in sorted(superclasses(ontology_graph).items())
             for sup in sorted(sups)]
    graphs = [ox.NamedNode(g) for g in data_graphs]
    if not pairs or not graphs:
        return ""
    implied = store.query(files.fill(files.text("kg.validate", "implied-types"), graphs=graphs, pairs=pairs))
    return implied.serialize(format=ox.RdfFormat.N_TRIPLES).decode()


def run_text(data: str, shapes_graph: Graph, rdf_format: str = "turtle") -> Graph:
    """The SHACL results graph of ``shapes_graph`` on ``data`` (Turtle or N-Triples text), by pyshacl-turbo.

    The text goes to the engine as its own input record (``pyshacl_turbo.rdf.Input``, what the
    engine makes of a graph or a store it is given), so the engine parses it in Rust, keeps
    literals as written and blank-node labels as given, and nothing of the data passes
    through rdflib. The native engine releases the GIL while it runs."""
    import pyshacl_turbo
    from pyshacl_turbo.rdf import Input

    _, results_graph, _ = pyshacl_turbo.validate(Input(data, rdf_format, None, {}, preserve_ids=True),
                                                 shacl_graph=shapes_graph, inference="none",
                                                 advanced=needs_advanced(shapes_graph), allow_warnings=True)
    return results_graph


def validate_graph(data_graph: Graph, shapes_graph: Graph, ontology_graph: Graph | None = None, *,
                   locate: Locator | None = None, prefixes: Mapping[str, str] | None = None,
                   engine: str = "turbo") -> Report:
    """Validate ``data_graph`` against ``shapes_graph``; the data graph is left as it was."""
    started = time.perf_counter()
    added = materialise_types(data_graph, ontology_graph) if ontology_graph is not None else []
    try:
        ont = ontology_graph if (ontology_graph is not None and uses_sparql(shapes_graph)) else None
        results_graph = run(data_graph, shapes_graph, engine=engine, ontology=ont)
    finally:
        for t in added:
            data_graph.remove(t)
    results = results_of(results_graph, shapes_graph, locate)
    seconds = time.perf_counter() - started
    logger.info("validated %d triples in %.2fs with %s: %d results", len(data_graph), seconds, engine, len(results))
    return Report(
        conforms=not any(r.severity == "Violation" for r in results),
        results=results,
        prefixes=dict(prefixes or {}),
        seconds=seconds,
    )


def check_shapes(shapes_graph: Graph, *, locate: Locator | None = None,
                 prefixes: Mapping[str, str] | None = None, engine: str = "turbo") -> Report:
    """Check the shapes themselves against SHACL-for-SHACL (meta-SHACL), with ``engine``.

    Every build, validation, ingest and partner write does this first: 9 s with pyshacl,
    0.14 s with pyshacl-turbo on shapes/ today."""
    if engine == "pyshacl":
        _, results_graph, _ = meta_validate(shapes_graph, inference="none")
    else:
        import pyshacl_turbo

        _, results_graph, _ = pyshacl_turbo.meta_validate(shapes_graph, inference="none")
    results = results_of(results_graph, Graph(), locate)
    return Report(conforms=not any(r.severity == "Violation" for r in results), results=results,
                  prefixes=dict(prefixes or {}))

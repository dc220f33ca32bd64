"""Validate a large graph in shards, on every core.

The SHACL engine works on one rdflib graph in one process: at 100,000 outcomes that is
minutes of one core and gigabytes of rdflib objects. Our shapes look only at a
focus node's own triples (and the blank nodes below them) and at the
``rdf:type`` of the nodes it links to. So the data can be cut into shards of
subjects, each validated on its own with just enough context:

- every triple of the shard's subjects, with the blank nodes they lead to;
- the ``rdf:type`` (with its implied superclasses) of every node they link to.

A context node may then look incomplete to a shape that targets its class; its
results are dropped, because it is validated in its own shard. The data is held
once, in an in-memory Oxigraph store; shards are cut from it in forked worker
processes, which only read it.

Shapes that look further (property paths over other nodes, sh:equals across
nodes, SPARQL constraints: an annotation's quote checked against its record's
text) would need more context: :func:`split` sets them apart, and they run once
on the whole graph beside the shards.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections.abc import Iterable, Sequence

import pyoxigraph as ox
from rdflib import RDF, SH, BNode, Graph, URIRef
from rdflib.term import Node

from kg.rdf import sources as src
from kg.validate.engine import run, superclasses
from kg.validate.report import Result, results_of

logger = logging.getLogger(__name__)

_TYPE = ox.NamedNode(str(RDF.type))
# Constraint parameters that look beyond a node's own values and their types.
_FAR_REACHING = (SH.sparql, SH.equals, SH.disjoint, SH.lessThan, SH.lessThanOrEquals, SH.target,
                 SH.targetSubjectsOf, SH.targetObjectsOf, SH.inversePath, SH.zeroOrMorePath,
                 SH.oneOrMorePath, SH.zeroOrOnePath, SH.alternativePath, SH.closed)

# Set before the pool forks; the workers read it (fork shares it, nothing is pickled).
_job: dict = {}


_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)


def _looks_far(shapes: Graph, shape: Node) -> bool:
    """Whether ``shape`` (with the shapes, lists and constraints below it) looks beyond a node's own triples."""
    seen, todo = set(), [shape]
    while todo:
        n = todo.pop()
        if n in seen:
            continue
        seen.add(n)
        for p, o in shapes.predicate_objects(n):
            if p in _FAR_REACHING and not (n == shape and p in _TARGETS):
                return True
            if p == SH.path and isinstance(o, BNode):  # a sequence or other complex path walks through other nodes
                return True
            if isinstance(o, (URIRef, BNode)) and p not in (RDF.type, SH.prefixes):
                todo.append(o)
    return False


def split(shapes: Graph) -> tuple[Graph, Graph]:
    """The shapes as two graphs: those a shard can check, and those that need the whole graph.

    Each graph keeps every shape (so references and prefixes resolve) but only its own
    shapes keep their targets.
    """
    targeted = {s for p in _TARGETS for s in shapes.subjects(p, None)}
    far = {s for s in targeted if _looks_far(shapes, s)}
    local_graph, far_graph = Graph(), Graph()
    for t in shapes:
        s, p, _ = t
        if p in _TARGETS and s in targeted:
            (far_graph if s in far else local_graph).add(t)
        else:
            local_graph.add(t)
            far_graph.add(t)
    return local_graph, far_graph


def has_targets(shapes: Graph) -> bool:
    return any(any(shapes.triples((None, p, None))) for p in _TARGETS)


def shardable(shapes: Graph) -> bool:
    """True when every shape looks only at a node's own triples and its values' types."""
    return not has_targets(split(shapes)[1])


def load_store(sources: Iterable[src.Source], settings) -> ox.Store:
    store = ox.Store()
    for source in sources:
        store.extend(src.parse_oxigraph(source, settings))
    return store


def cut(store: ox.Store, shard_subjects: int) -> list[list[str]]:
    """IRI subjects in shards of about ``shard_subjects`` each (sorted: the same data cuts the same way)."""
    subjects = sorted({q.subject.value for q in store.quads_for_pattern(None, None, None, None)
                       if isinstance(q.subject, ox.NamedNode)})
    return [subjects[i:i + shard_subjects] for i in range(0, len(subjects), shard_subjects)] or [[]]


def orphan_blank_nodes(store: ox.Store) -> list[str]:
    """Blank-node subjects no IRI leads to: they get a shard of their own."""
    referenced = {q.object.value for q in store.quads_for_pattern(None, None, None, None)
                  if isinstance(q.object, ox.BlankNode)}
    return sorted({q.subject.value for q in store.quads_for_pattern(None, None, None, None)
                   if isinstance(q.subject, ox.BlankNode) and q.subject.value not in referenced})


def shard_graph(store: ox.Store, subjects: Sequence[ox.NamedNode | ox.BlankNode],
                closure: dict[Node, set[Node]]) -> tuple[Graph, set[Node]]:
    """The shard's data graph and the nodes it owns (its subjects and the blank nodes below them)."""
    conv = src.converter()
    g = Graph()
    owned: set[Node] = set()
    linked: set[ox.NamedNode] = set()
    todo = list(subjects)
    while todo:
        s = todo.pop()
        s_node = conv(s)
        if s_node in owned:
            continue
        owned.add(s_node)
        for q in store.quads_for_pattern(s, None, None, None):
            o = q.object
            g.add((s_node, conv(q.predicate), conv(o)))
            if isinstance(o, ox.BlankNode):
                todo.append(o)
            elif isinstance(o, ox.NamedNode):
                linked.add(o)
    for o in linked:
        o_node = conv(o)
        if o_node in owned:
            continue
        for q in store.quads_for_pattern(o, _TYPE, None, None):
            g.add((o_node, RDF.type, conv(q.object)))
    for node, cls in list(g.subject_objects(RDF.type)):
        for sup in closure.get(cls, ()):
            g.add((node, RDF.type, sup))
    return g, owned


def _validate_shard(index: int) -> list[Result]:
    store, shards, shapes, closure, engine = _job["store"], _job["shards"], _job["shapes"], _job["closure"], _job["engine"]
    subjects = [ox.BlankNode(v[2:]) if v.startswith("_:") else ox.NamedNode(v) for v in shards[index]]
    data, owned = shard_graph(store, subjects, closure)
    results_graph = run(data, shapes, engine=engine)
    owned_names = {_nt(n) for n in owned}
    return [r for r in results_of(results_graph, shapes, None) if r.focus_node in owned_names]


def _nt(node: Node) -> str:
    return f"<{node}>" if isinstance(node, URIRef) else f"_:{node}"


def validate_store(store: ox.Store, shapes: Graph, ontology: Graph, *, workers: int,
                   shard_subjects: int = 20000, engine: str = "turbo") -> list[Result]:
    """Results of validating everything in ``store``, shard by shard, on ``workers`` processes.

    The shapes that look beyond a node (:func:`split`) run once, on the whole graph.
    """
    local, far = split(shapes)
    results = list(_validate_whole(store, far, shapes, ontology, engine)) if has_targets(far) else []
    if not has_targets(local):
        return results
    shapes = local
    shards = cut(store, shard_subjects)
    orphans = orphan_blank_nodes(store)
    if orphans:
        shards.append([f"_:{b}" for b in orphans])
    _job.update(store=store, shards=shards, shapes=shapes, closure=superclasses(ontology), engine=engine)
    try:
        if workers > 1 and len(shards) > 1 and "fork" in multiprocessing.get_all_start_methods():
            with multiprocessing.get_context("fork").Pool(min(workers, len(shards))) as pool:
                parts = pool.map(_validate_shard, range(len(shards)), chunksize=1)
        else:
            parts = [_validate_shard(i) for i in range(len(shards))]
    finally:
        _job.clear()
    logger.info("validated %d shards on %d processes", len(shards), workers)
    return results + [r for part in parts for r in part]


def _validate_whole(store: ox.Store, far: Graph, shapes: Graph, ontology: Graph, engine: str) -> list[Result]:
    subjects: list[ox.NamedNode | ox.BlankNode] = sorted(
        {q.subject for q in store.quads_for_pattern(None, None, None, None)}, key=str)
    data, _ = shard_graph(store, subjects, superclasses(ontology))
    results_graph = run(data, far, engine=engine)
    return results_of(results_graph, shapes, None)


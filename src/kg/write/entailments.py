"""The entailments graph: what the ontology's mappings imply, as triples a store without reasoning can query.

spkg reuses standard vocabularies by ``rdfs:subClassOf`` and ``rdfs:subPropertyOf``
(``kg:PolicyInstrument`` is an ``eli:LegalResource``, ``kg:sdgTarget`` a
``dcterms:subject``, ``kg:acronym`` a ``skos:altLabel``). The store does no
reasoning, so a partner's query in those vocabularies would find nothing. This
module writes what the mappings imply into one named graph of its own,
``{base}graph/entailments``:

- ``rdf:type`` of every superclass (``rdfs:subClassOf``, ``owl:equivalentClass``,
  transitive) of every stated type;
- every superproperty (``rdfs:subPropertyOf``, ``owl:equivalentProperty``,
  transitive) of every stated triple;
- the other direction of ``owl:inverseOf`` (and that direction's superproperties).

Only the axioms of the ontology graphs (``{base}graph/ontology/...``) count: a partner
graph cannot add axioms. Only what no other graph states is written, about IRIs
only (a blank node cannot be named across requests). No domain or range is
applied: ``rdfs:domain`` would type a subject by what it is used with, which is
what made activities entities in round 1 of the review.

The work is three ``CONSTRUCT`` queries (one per axiom kind) whose ``VALUES`` hold
the closure of the axioms, computed here: one pass is complete, because no rule
produces a triple another rule reads (types come only from stated types; the
property pairs already fold superproperties and inverses together). They run
store-side, on the embedded store or an external one alike; the caller replaces
the graph with the answer (:func:`materialise`, :func:`refresh_remote`), after
``kg build`` loads and after each ingest or partner write (``loader.update_store``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable

import pyoxigraph as ox

from kg.sparql import files

logger = logging.getLogger(__name__)

RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
SUBCLASS, SUBPROPERTY = RDFS + "subClassOf", RDFS + "subPropertyOf"
EQUIVALENT_CLASS, EQUIVALENT_PROPERTY, INVERSE = OWL + "equivalentClass", OWL + "equivalentProperty", OWL + "inverseOf"


def graph_iri(base: str) -> str:
    """The named graph the entailments live in."""
    return f"{base}graph/entailments"


class Closure:
    """The axioms of the ontology graphs, closed: what each class and property implies."""

    def __init__(self, axioms: Iterable[tuple[str, str, str]]) -> None:
        supers: dict[str, set[str]] = {}
        props: dict[str, set[str]] = {}
        inverse: dict[str, set[str]] = {}
        for s, p, o in axioms:
            if p == SUBCLASS:
                supers.setdefault(s, set()).add(o)
            elif p == EQUIVALENT_CLASS:
                supers.setdefault(s, set()).add(o)
                supers.setdefault(o, set()).add(s)
            elif p == SUBPROPERTY:
                props.setdefault(s, set()).add(o)
            elif p == EQUIVALENT_PROPERTY:
                props.setdefault(s, set()).add(o)
                props.setdefault(o, set()).add(s)
            elif p == INVERSE:
                inverse.setdefault(s, set()).add(o)
                inverse.setdefault(o, set()).add(s)
        self.types = sorted((c, d) for c in supers for d in _reach(c, supers) if d != c)
        forward, backward = [], []
        for p in sorted(set(props) | set(inverse)):
            # (property, reads forward?) reachable from (p, forward): up the hierarchy, or across an inverse.
            seen = {(p, True)}
            todo = [(p, True)]
            while todo:
                q, fwd = todo.pop()
                for nxt in [(r, fwd) for r in props.get(q, ())] + [(r, not fwd) for r in inverse.get(q, ())]:
                    if nxt not in seen:
                        seen.add(nxt)
                        todo.append(nxt)
            forward += [(p, q) for q, fwd in seen if fwd and q != p]
            backward += [(p, q) for q, fwd in seen if not fwd]
        self.properties = sorted(forward)
        self.inverses = sorted(backward)


def _reach(start: str, edges: dict[str, set[str]]) -> set[str]:
    seen: set[str] = set()
    todo = list(edges.get(start, ()))
    while todo:
        c = todo.pop()
        if c not in seen:
            seen.add(c)
            todo.extend(edges.get(c, ()))
    return seen


def closure(store, base: str) -> Closure:
    """The closed axioms of the ontology graphs of ``store`` (an ``ox.Store`` or a remote store)."""
    rows = store.query(files.text("kg.write", "entailment-axioms", base), use_default_graph_as_union=True)
    return Closure((row["s"].value, row["p"].value, row["o"].value) for row in rows)


def compute(store, base: str, pairs_per_query: int | None = None) -> list[ox.Triple]:
    """The entailed triples of everything ``store`` holds (its entailments graph left out), without repeats.

    ``pairs_per_query``: ask about that many (class, superclass) or (property, superproperty) pairs
    per query (an engine that bounds one answer, :attr:`kg.store.engine.Engine.entailment_pairs`);
    None: all in one query each.
    """
    c = closure(store, base)
    found: dict[ox.Triple, None] = {}
    for name, pairs in (("entailed-types", c.types), ("entailed-properties", c.properties),
                        ("entailed-inverses", c.inverses)):
        rows = [(ox.NamedNode(a), ox.NamedNode(b)) for a, b in pairs]
        step = pairs_per_query or len(rows) or 1
        for start in range(0, len(rows), step):
            sparql = files.fill(files.text("kg.write", name, base), pairs=rows[start:start + step])
            for t in store.query(sparql, use_default_graph_as_union=True):
                found[ox.Triple(t.subject, t.predicate, t.object)] = None
    return list(found)


def materialise(store: ox.Store, base: str) -> int:
    """Replace the entailments graph of an embedded (private, staged) store; the number of triples written."""
    started = time.perf_counter()
    graph = ox.NamedNode(graph_iri(base))
    if store.contains_named_graph(graph):
        store.remove_graph(graph)
    triples = compute(store, base)
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples)
    logger.info("entailments: %d triples in %.2fs", len(triples), time.perf_counter() - started)
    return len(triples)


def refresh_remote(client, base: str) -> int:
    """Replace the entailments graph of an external store (one update request); the number of triples written."""
    started = time.perf_counter()
    triples = compute(client, base, client.engine.entailment_pairs)
    client.replace_graphs({graph_iri(base): triples or None})
    logger.info("entailments: %d triples in %.2fs", len(triples), time.perf_counter() - started)
    return len(triples)

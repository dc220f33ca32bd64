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


def update(store: ox.Store, base: str, changed: Iterable[ox.Triple], count: int | None = None) -> int:
    """Bring the entailments graph of an embedded (private, staged) store up to date after a change of the
    triples ``changed`` (those of the graphs replaced, as they were and as they are, and those added), the
    ontology graphs unchanged; the number of triples in the graph.

    What :func:`materialise` would write, worked out for the triples the change can touch only: an
    entailed triple comes from one stated triple, so only one implied by a changed triple, or a changed
    triple itself (stated now, or no longer), can come or go. The whole store's entailments took a
    one-triple partner write 10 s once a partner kept 12,000 organizations (thirteenth #16 probe, W2).
    """
    started = time.perf_counter()
    c = closure(store, base)
    rules = _Rules(c)
    graph = ox.NamedNode(graph_iri(base))

    def stated(t: ox.Triple) -> bool:
        return any(q.graph_name != graph for q in store.quads_for_pattern(t.subject, t.predicate, t.object, None)
                   if isinstance(q.graph_name, ox.NamedNode))

    candidates: dict[ox.Triple, None] = {}
    for t in changed:
        candidates[t] = None
        for d in rules.implied(t):
            candidates[d] = None
    added, removed = [], []
    for d in candidates:
        want = not stated(d) and any(stated(source) for source in rules.sources(d))
        has = next(iter(store.quads_for_pattern(d.subject, d.predicate, d.object, graph)), None) is not None
        if want and not has:
            added.append(ox.Quad(d.subject, d.predicate, d.object, graph))
        elif has and not want:
            removed.append(ox.Quad(d.subject, d.predicate, d.object, graph))
    for q in removed:
        store.remove(q)
    if len(added) > 10_000:
        store.bulk_extend(added)
    else:  # a bulk load costs a quarter of a second however few it loads
        store.extend(added)
    if count is None:
        count = sum(1 for _ in store.quads_for_pattern(None, None, None, graph))
    else:
        count += len(added) - len(removed)
    logger.info("entailments: +%d -%d of %d candidates, %d triples in %.2fs", len(added), len(removed),
                len(candidates), count, time.perf_counter() - started)
    return count


class _Rules:
    """The three CONSTRUCTs (entailed-types, -properties, -inverses) one triple at a time, both ways."""

    def __init__(self, c: Closure) -> None:
        self.supers: dict[str, list[str]] = {}
        self.subs: dict[str, list[str]] = {}
        for a, b in c.types:
            self.supers.setdefault(a, []).append(b)
            self.subs.setdefault(b, []).append(a)
        self.up: dict[str, list[str]] = {}
        self.down: dict[str, list[str]] = {}
        for p, q in c.properties:
            self.up.setdefault(p, []).append(q)
            self.down.setdefault(q, []).append(p)
        self.across: dict[str, list[str]] = {}
        self.back: dict[str, list[str]] = {}
        for p, q in c.inverses:
            self.across.setdefault(p, []).append(q)
            self.back.setdefault(q, []).append(p)

    def implied(self, t: ox.Triple) -> list[ox.Triple]:
        """The triples ``t``, stated, implies."""
        return _follow(t, self.supers, self.up, self.across)

    def sources(self, d: ox.Triple) -> list[ox.Triple]:
        """The triples that, stated, imply ``d``."""
        return _follow(d, self.subs, self.down, self.back)


def _follow(t: ox.Triple, classes: dict[str, list[str]], properties: dict[str, list[str]],
            inverses: dict[str, list[str]]) -> list[ox.Triple]:
    """``t``'s neighbours one step along the class, property and inverse maps (upwards: what it implies;
    downwards: what implies it)."""
    s, p, o = t.subject, t.predicate.value, t.object
    if not isinstance(s, ox.NamedNode):
        return []
    out = []
    if p == _TYPE and isinstance(o, ox.NamedNode):
        out += [ox.Triple(s, t.predicate, ox.NamedNode(c)) for c in classes.get(o.value, ())]
    if not isinstance(o, ox.BlankNode):
        out += [ox.Triple(s, ox.NamedNode(q), o) for q in properties.get(p, ())]
    if isinstance(o, ox.NamedNode):
        out += [ox.Triple(o, ox.NamedNode(q), s) for q in inverses.get(p, ())]
    return out

_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def refresh_remote(client, base: str) -> int:
    """Replace the entailments graph of an external store (one update request); the number of triples written."""
    started = time.perf_counter()
    triples = compute(client, base, client.engine.entailment_pairs)
    client.replace_graphs({graph_iri(base): triples or None})
    logger.info("entailments: %d triples in %.2fs", len(triples), time.perf_counter() - started)
    return len(triples)

"""Linked data: what the document about a resource says, and in which formats.

:func:`describe` gathers, for one IRI, everything a client needs to show it
without a second request:

* its own triples (and the blank nodes they lead to, so a list or a nested
  node comes whole), each with the named graphs it is stated in;
* its incoming links from other resources (the first :data:`MAX_INCOMING`;
  the total is counted);
* the labels (``rdfs:label``, ``skos:prefLabel``) of every IRI on either side,
  of the predicates and of the types, and the types of the neighbours (for
  pages; not part of the RDF).

:func:`document_graph` adds a few triples about the document itself (its
topic, licence and the dataset it belongs to) and :func:`serialize` writes the
result as Turtle, JSON-LD, N-Triples or RDF/XML. Nothing here knows HTTP.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, RDFS, SKOS, VOID, XSD
from rdflib.term import Node

from kg.rdf import iris, xmlchars
from kg.config import Settings
from kg.errors import AnswerTooLarge, BadParameter
from kg.rdf.sources import converter
from kg.sparql import files
from kg.store import Store
from kg.write import entailments

MAX_OWN = 5000          # own triples of one resource, at most
MAX_INCOMING = 500      # incoming links listed, at most (the total is counted)
MAX_BNODES = 500        # blank nodes followed from one resource, at most
#: Characters of terms in one resource's own facts (its blank nodes' included), at most: a partner's
#: 4,500 links to 8,100-character IRIs made a 120 MB page. A fact past it is left out (own_truncated);
#: the first fact always comes, whatever its size.
MAX_OWN_CHARS = 4_000_000

LABELS = (RDFS.label, SKOS.prefLabel)  # the labels sparql/labels-of.rq reads
SPARQL = "kg.publish"  # the package whose sparql/ folder holds this layer's queries
PROV = Namespace("http://www.w3.org/ns/prov#")
SH = Namespace("http://www.w3.org/ns/shacl#")
ORG = Namespace("http://www.w3.org/ns/org#")
TIME = Namespace("http://www.w3.org/2006/time#")
SPDX = Namespace("http://spdx.org/rdf/terms#")

#: What the data is published under (spkg's own data; sources keep their terms).
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
LICENSE_NAME = "CC BY 4.0"

#: Serialisation formats of a document: short name (kg.web.negotiation) -> rdflib format.
RDF_FORMATS = {"ttl": "turtle", "jsonld": "json-ld", "nt": "nt", "rdf": "xml"}


def prefixes(base: str) -> dict[str, str]:
    """The prefixes spkg writes RDF with."""
    return {
        "kg": str(iris.vocab(base)),
        "rdf": str(RDF), "rdfs": str(RDFS), "owl": str(OWL), "xsd": str(XSD),
        "dcterms": str(DCTERMS), "dcat": str(DCAT), "void": str(VOID), "foaf": str(FOAF),
        "skos": str(SKOS), "prov": str(PROV), "org": str(ORG), "time": str(TIME),
        "eli": str(iris.ELI), "schema": str(iris.SCHEMA), "sdg": str(iris.SDG), "sdgo": str(iris.SDGO),
        "sh": str(SH), "spdx": str(SPDX), "vann": str(iris.VANN), "sd": str(iris.SD),
    }


def new_graph(base: str) -> Graph:
    g = Graph(bind_namespaces="none")
    for prefix, ns in prefixes(base).items():
        g.bind(prefix, ns)
    return g


Triple = tuple[Node, Node, Node]


@dataclass
class Description:
    """One resource's document: the graph and where each fact came from."""

    iri: URIRef
    graph: Graph
    provenance: dict[Triple, set[str]] = field(default_factory=dict)  # own and incoming facts -> graph IRIs
    incoming_total: int = 0
    incoming_shown: int = 0
    own_truncated: bool = False
    neighbour_types: dict[URIRef, set[URIRef]] = field(default_factory=dict)
    partners: str = ""  # the prefix of partners' graphs

    @property
    def found(self) -> bool:
        return bool(self.provenance)

    def own(self) -> list[Triple]:
        return [t for t in self.provenance if t[0] == self.iri]

    def incoming(self) -> list[Triple]:
        return [t for t in self.provenance if t[2] == self.iri and t[0] != self.iri]

    def graphs(self) -> dict[str, int]:
        """Named graph IRI -> how many of the resource's facts it states."""
        counts: dict[str, int] = defaultdict(int)
        for gs in self.provenance.values():
            for g in gs:
                counts[g] += 1
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))

    def naming(self) -> Graph:
        """The document without the resource's labels that only partners state, when its own graphs give one:
        what names things on its page (a partner's label is a fact of the document, not the resource's name)."""
        labels = [t for t in self.own() if t[1] in LABELS]
        theirs = [t for t in labels if self.partners and all(g.startswith(self.partners) for g in self.provenance[t])]
        if not theirs or len(theirs) == len(labels):
            return self.graph
        g = Graph()
        for t in self.graph:
            g.add(t)
        for t in theirs:
            g.remove(t)
        return g

    def types(self) -> list[URIRef]:
        return sorted(o for o in self.graph.objects(self.iri, RDF.type) if isinstance(o, URIRef))


def named_node(iri: str, parameter: str = "iri") -> ox.NamedNode:
    """``iri`` as a term for a query; BadParameter if it is not an absolute IRI."""
    if not iri or "://" not in iri and not iri.startswith("urn:"):
        raise BadParameter(f"{iri!r} is not an absolute IRI", parameter=parameter)
    try:
        return ox.NamedNode(iri)
    except ValueError as e:
        raise BadParameter(f"{iri!r} is not a valid IRI ({e})", parameter=parameter) from None


def query(name: str, **values) -> str:
    """The text of ``kg/publish/sparql/<name>.rq``, its placeholders filled (:func:`kg.sparql.files.fill`)."""
    return files.fill(files.text(SPARQL, name), **values)


def rows(store: Store, sparql: str, cap: int | None = None,
         **bindings: ox.NamedNode | ox.BlankNode | ox.Literal) -> list[dict[str, Node]]:
    """A SELECT query's solutions as dicts of rdflib terms; ``bindings`` fill variables safely.

    With ``cap``, a query with more solutions raises :class:`~kg.errors.AnswerTooLarge` as soon as it
    passes it (the store stops working on it), instead of holding them all."""
    subs = {ox.Variable(k): v for k, v in bindings.items()} or None
    result = store.query(sparql, substitutions=subs)
    names = [v.value for v in result.variables]
    conv = converter()  # the index lists' rows repeat their graphs, keys and classes: 690,000 terms, 11 s
    out = []
    for solution in result:
        if cap is not None and len(out) >= cap:
            raise AnswerTooLarge(f"a page would draw on more than {cap:,} rows of one query, more than a page shows",
                                 hint="ask /sparql with a LIMIT, or use a canned query of /api/queries")
        row = {}
        for name in names:
            term = solution[name]
            if term is not None:
                row[name] = conv(term)
        out.append(row)
    return out


def _ox(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD.string)))
    raise TypeError(term)


def exists(store: Store, iri: str) -> bool:
    """Whether the store says anything about ``iri`` (as subject or object)."""
    return bool(rows(store, query("resource-exists"), x=named_node(iri)))


def describe(store: Store, iri: str, settings: Settings | None = None, *,
             max_incoming: int = MAX_INCOMING) -> Description:
    """The document of ``iri``: own triples, incoming links, neighbours' labels."""
    subject = named_node(iri)
    base = settings.base if settings is not None else iris.DEFAULT_BASE
    desc = Description(URIRef(iri), new_graph(base), partners=iris.partner_graphs(base))
    g, prov = desc.graph, desc.provenance

    def add(s: Node, p: Node, o: Node, graph: Node | None) -> None:
        g.add((s, p, o))
        if graph is not None:
            prov.setdefault((s, p, o), set()).add(str(graph))

    own_facts = query("resource-own-facts", limit=MAX_OWN + 1)
    # The data's facts first, then the entailed, then partners': a partner's never crowd the others out
    ranks = {"partners": ox.Literal(iris.partner_graphs(base)), "entailed": ox.NamedNode(entailments.graph_iri(base))}
    own = rows(store, own_facts, s=subject, **ranks)
    desc.own_truncated = len(own) > MAX_OWN
    chars = 0

    def fits(r: dict[str, Node]) -> bool:
        nonlocal chars
        chars += len(r["s"]) + len(r["p"]) + len(r["o"])
        if chars > MAX_OWN_CHARS and len(g):
            desc.own_truncated = True
            return False
        return True

    frontier: list[BNode] = []
    for r in own[:MAX_OWN]:
        if not fits(r):
            break
        add(r["s"], r["p"], r["o"], r["g"])
        if isinstance(r["o"], BNode):
            frontier.append(r["o"])
    # Blank nodes reached from the resource come whole (lists, nested nodes), within the same bounds.
    seen: set[BNode] = set()
    while frontier and len(seen) < MAX_BNODES and not desc.own_truncated:
        b = frontier.pop()
        if b in seen:
            continue
        seen.add(b)
        for r in rows(store, own_facts, s=_ox(b), **ranks):
            if not fits(r):
                break
            g.add((r["s"], r["p"], r["o"]))
            if isinstance(r["o"], BNode):
                frontier.append(r["o"])

    for r in rows(store, query("resource-incoming-links", limit=max_incoming), o=subject, **ranks):
        add(r["s"], r["p"], r["o"], r["g"])
    counted = rows(store, query("resource-incoming-link-count"), o=subject)
    desc.incoming_total = int(counted[0]["n"]) if counted else 0
    desc.incoming_shown = len(desc.incoming())

    neighbours = {n for t in g for n in t if isinstance(n, URIRef)}
    add_labels(store, g, neighbours, base)
    desc.neighbour_types = types_of(store, neighbours - {desc.iri})
    return desc


def _iris(nodes: Iterable[URIRef]) -> list[ox.NamedNode]:
    return [ox.NamedNode(str(n)) for n in nodes]


def _chunks(nodes: Iterable[URIRef], size: int = 400) -> Iterable[list[URIRef]]:
    batch: list[URIRef] = []
    for n in sorted(nodes):
        batch.append(n)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def add_labels(store: Store, graph: Graph, nodes: Iterable[URIRef], base: str = iris.DEFAULT_BASE) -> None:
    """Add the labels of ``nodes`` to ``graph``: those the project's own graphs state, or partners' for a node
    they give none (the tenth #16 probe: a partner's rdfs:label renamed a country on every list and in the CSV)."""
    partners = ox.Literal(iris.partner_graphs(base))
    for batch in _chunks(nodes):
        ours: dict[Node, set[tuple[Node, Node]]] = defaultdict(set)
        theirs: dict[Node, set[tuple[Node, Node]]] = defaultdict(set)
        for r in rows(store, query("labels-of", nodes=_iris(batch)), partners=partners):
            (ours if "ours" in r else theirs)[r["x"]].add((r["p"], r["l"]))
        for x in theirs.keys() - ours.keys():
            ours[x] = theirs[x]
        for x, labels in ours.items():
            for p, label in labels:
                graph.add((x, p, label))


def types_of(store: Store, nodes: Iterable[URIRef]) -> dict[URIRef, set[URIRef]]:
    found: dict[URIRef, set[URIRef]] = defaultdict(set)
    for batch in _chunks(nodes):
        for r in rows(store, query("types-of", nodes=_iris(batch))):
            found[r["x"]].add(r["t"])
    return dict(found)


# -- the document ------------------------------------------------------------------------

def dataset_iri(base: str) -> str:
    """The IRI of the spkg dataset (described by the DCAT/VoID catalogue)."""
    return iris.thing("dataset", "spkg", base)


def document_graph(desc: Description, settings: Settings) -> Graph:
    """The description plus a few triples about the document (topic, licence, dataset)."""
    g = new_graph(settings.base)
    for t in desc.graph:
        g.add(t)
    doc = iris.document_of(str(desc.iri), settings.base)
    if doc:
        d = URIRef(doc)
        g.add((d, RDF.type, FOAF.Document))
        g.add((d, FOAF.primaryTopic, desc.iri))
        g.add((d, DCTERMS.license, URIRef(LICENSE)))
        g.add((d, VOID.inDataset, URIRef(dataset_iri(settings.base))))
        for graph_iri in desc.graphs():
            g.add((d, DCTERMS.source, URIRef(graph_iri)))
        if desc.own_truncated:  # said in the data itself: a client that reads RDF sees no HTML notice
            g.add((d, RDFS.comment, Literal(f"This document is cut: the store holds more facts about <{desc.iri}> "
                                            f"than a document shows (at most {MAX_OWN:,}, or {MAX_OWN_CHARS:,} "
                                            f"characters; the resource's own graphs come before partners'); "
                                            f"ask the SPARQL endpoint for all of them.", lang="en")))
        if desc.incoming_total > desc.incoming_shown:
            g.add((d, RDFS.comment, Literal(f"This document shows {desc.incoming_shown:,} of the "
                                            f"{desc.incoming_total:,} links to <{desc.iri}> (the data's first); "
                                            f"ask the SPARQL endpoint for all of them.", lang="en")))
    return g


def serialize(graph: Graph, fmt: str, base: str = iris.DEFAULT_BASE) -> bytes:
    """``graph`` as ``ttl``, ``jsonld``, ``nt`` or ``rdf`` (RDF/XML)."""
    if fmt not in RDF_FORMATS:
        raise ValueError(f"unknown RDF format {fmt!r}")
    if fmt == "jsonld":
        used = _used_prefixes(graph, prefixes(base))
        doc = json.loads(graph.serialize(format="json-ld", context=used, auto_compact=True))
        # rdflib's node order follows Python's hash order; sort it so the same graph gives the same bytes.
        if isinstance(doc, dict) and isinstance(doc.get("@graph"), list):
            doc["@graph"].sort(key=lambda node: json.dumps(node, sort_keys=True))
        return (json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()
    out = graph.serialize(format=RDF_FORMATS[fmt], encoding="utf-8")
    out = out if isinstance(out, bytes) else out.encode()
    return xmlchars.safe_document(out) if fmt == "rdf" else out


def _used_prefixes(graph: Graph, candidates: Mapping[str, str]) -> dict[str, str]:
    iris_used = {str(n) for t in graph for n in t if isinstance(n, URIRef)}
    iris_used |= {str(o.datatype) for o in graph.objects() if isinstance(o, Literal) and o.datatype}
    return {p: ns for p, ns in candidates.items() if any(i.startswith(ns) for i in iris_used)}


def parse(data: bytes | str, fmt: str) -> Graph:
    """Read what :func:`serialize` wrote (for tests and clients)."""
    g = Graph()
    g.parse(data=data, format=RDF_FORMATS[fmt])
    return g


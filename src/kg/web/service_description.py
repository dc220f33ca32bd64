"""What ``GET /sparql`` without a query answers: a SPARQL 1.1 Service Description.

The description (W3C SPARQL 1.1 Service Description, with VoID counts) says
what the endpoint supports: the query language, the result formats, the
union default graph, federation (only when SERVICE is allowed), and the
dataset: the triples in the default graph and each named graph with its
triple count. It comes in any RDF format of :mod:`.negotiation`; a browser
is sent to the query editor instead (303 to ``/query``, :mod:`.editor`): one place to query.

Counts come from the build manifest, or else from the store once (a query
through the workers), and are kept.
"""

from __future__ import annotations

import asyncio
import json

import pyoxigraph as ox

from kg.config import Settings
from kg.query.executor import Executor
from kg.sparql import files
from kg.web import negotiation as neg
from kg.web.editor import editor_url

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
DCT_TITLE = ox.NamedNode("http://purl.org/dc/terms/title")
DCT_DESCRIPTION = ox.NamedNode("http://purl.org/dc/terms/description")
XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
PREFIXES = {"sd": SD, "void": VOID, "formats": "http://www.w3.org/ns/formats/", "dcterms": "http://purl.org/dc/terms/"}
SPARQL = "kg.web"  # the package whose sparql/ folder holds the count queries


def _sd(name: str) -> ox.NamedNode:
    return ox.NamedNode(SD + name)


def _void(name: str) -> ox.NamedNode:
    return ox.NamedNode(VOID + name)


def _count(n: int) -> ox.Literal:
    return ox.Literal(str(n), datatype=XSD_INTEGER)


def description(endpoint: str, graphs: dict[str, int], union_triples: int, *, federation: bool) -> list[ox.Triple]:
    """The service description of ``endpoint`` as triples."""
    t = ox.Triple
    service = ox.NamedNode(endpoint)
    dataset, default = ox.BlankNode("dataset"), ox.BlankNode("defaultGraph")
    out = [
        t(service, RDF_TYPE, _sd("Service")),
        t(service, _sd("endpoint"), service),
        t(service, DCT_TITLE, ox.Literal("spkg: ILO social-protection results knowledge graph", language="en")),
        t(service, _sd("supportedLanguage"), _sd("SPARQL11Query")),
        t(service, _sd("feature"), _sd("UnionDefaultGraph")),
        t(service, _sd("defaultEntailmentRegime"), ox.NamedNode("http://www.w3.org/ns/entailment/Simple")),
        t(service, _sd("defaultDataset"), dataset),
        t(dataset, RDF_TYPE, _sd("Dataset")),
        t(dataset, RDF_TYPE, _void("Dataset")),
        t(dataset, _void("sparqlEndpoint"), service),
        t(dataset, _void("triples"), _count(sum(graphs.values()))),
        t(dataset, _sd("defaultGraph"), default),
        t(default, RDF_TYPE, _sd("Graph")),
        t(default, RDF_TYPE, _void("Dataset")),
        t(default, DCT_DESCRIPTION, ox.Literal("the union of all named graphs", language="en")),
        t(default, _void("triples"), _count(union_triples)),
    ]
    if federation:
        out.append(t(service, _sd("feature"), _sd("BasicFederatedQuery")))
    for f in neg.RESULTS + neg.GRAPHS:
        out.append(t(service, _sd("resultFormat"), ox.NamedNode(f.iri)))
    for i, (name, n) in enumerate(sorted(graphs.items())):
        named, graph = ox.BlankNode(f"named{i}"), ox.BlankNode(f"graph{i}")
        out += [
            t(dataset, _sd("namedGraph"), named),
            t(named, RDF_TYPE, _sd("NamedGraph")),
            t(named, _sd("name"), ox.NamedNode(name)),
            t(named, _sd("graph"), graph),
            t(graph, RDF_TYPE, _sd("Graph")),
            t(graph, RDF_TYPE, _void("Dataset")),
            t(graph, _void("triples"), _count(n)),
        ]
    return out


def _manifest(settings: Settings) -> tuple[dict[str, int], int] | None:
    from kg.store import read_manifest

    try:
        manifest = read_manifest(settings)
        graphs = {str(g): int(n) for g, n in manifest["graphs"].items()}
        return graphs, int(manifest.get("triples", sum(graphs.values())))
    except (TypeError, KeyError, ValueError, AttributeError, OSError):
        return None


class ServiceDescription:
    """Answers a bare ``GET /sparql``: the description by content negotiation, or the page."""

    def __init__(self, settings: Settings, executor: Executor) -> None:
        self.settings = settings
        self.executor = executor
        self._counts: tuple[dict[str, int], int] | None = None
        self._lock = asyncio.Lock()

    async def counts(self) -> tuple[dict[str, int], int]:
        """(triples per named graph, triples in the default graph), read once.

        From the manifest ``kg build`` writes beside the store when there is
        one (instant; the default graph is then counted as the sum of the
        named graphs), else counted by two queries (seconds on millions of
        triples).
        """
        async with self._lock:
            if self._counts is None:
                manifest = _manifest(self.settings)
                if manifest is not None:
                    self._counts = manifest
                else:
                    rows = await self._select(files.text(SPARQL, "graph-triple-counts"))
                    graphs = {r["g"]["value"]: int(r["n"]["value"]) for r in rows}
                    union = int((await self._select(files.text(SPARQL, "default-graph-triple-count")))[0]["n"]["value"])
                    self._counts = graphs, union
        return self._counts

    async def _select(self, query: str) -> list[dict]:
        answer = await self.executor.run(query, results_type=neg.BY_NAME["json"].media_type, graph_type=None,
                                         limit=1_000_000)
        body = answer.body
        if body is None:  # a streamed answer (a store with very many graphs)
            body = b"".join([chunk async for chunk in answer.stream])
        return json.loads(body)["results"]["bindings"]

    async def __call__(self, request) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        offers = neg.GRAPHS + (neg.PAGE,)
        chosen = neg.negotiate(request.accept, request.formats, offers)
        if chosen is None:
            raise neg.not_acceptable("the service description", offers, formats=request.formats)
        headers = [(b"content-type", chosen.content_type.encode()), (b"vary", b"Accept")]
        if chosen is neg.PAGE:
            return 303, [(b"location", editor_url(request.url).encode()), (b"vary", b"Accept")], b""
        graphs, union = await self.counts()
        triples = description(request.url, graphs, union, federation=bool(self.settings.allowlist))
        fmt = ox.RdfFormat.from_media_type(chosen.media_type)
        body = ox.serialize(triples, format=fmt, prefixes=PREFIXES if chosen.name in ("ttl", "trig") else None)
        return 200, headers, body

"""``/graphs``: the SPARQL 1.1 Graph Store HTTP Protocol over :mod:`kg.write.partners`.

``GET``/``HEAD`` ``?graph=IRI`` or ``?default`` read a graph (no token; the
format by Accept or ``format=``), as a CONSTRUCT run by a query worker: the
same time budget (503), result limit and per-client budget (429) as
``/sparql``, streamed when large. ``PUT``, ``POST`` and ``DELETE`` on
``?graph=IRI`` write a partner graph with ``Authorization: Bearer <token>``;
``?default`` is read-only (405). The order of checks means a refused write
costs nothing: the token (401, 403), the media type (415) and the size (413)
are checked before the body is read to the end, and the body is parsed (400,
413: in a process of its own, :mod:`kg.write.parsing`) and validated (422,
with the SHACL report) before anything is written. A client that goes away
mid-upload is 499 (nobody is told; it is no server error).
"""

from __future__ import annotations

import asyncio
import json
import logging
import weakref

import pyoxigraph as ox
from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response, StreamingResponse

from kg.query import budget
from kg.sparql import files
from kg.write import parsing, partners as graphstore, tokens
from kg.web import state
from kg.errors import BadParameter, KGError, NotFound, UnsupportedMediaType, ValidationFailed
from kg.web import bodies, caching
from kg.web import errors as http_errors
from kg.web import negotiation as neg

logger = logging.getLogger(__name__)
router = APIRouter()
SPARQL = "kg.web"  # the package whose sparql/ folder holds the queries

#: What a graph can be read as (triples only: no TriG or N-Quads).
OFFERS = tuple(neg.BY_NAME[n] for n in ("ttl", "nt", "jsonld", "rdf"))
REPORT_OFFERS = (neg.BY_NAME["jsonld"], neg.BY_NAME["ttl"])
UPLOAD_HINT = "split the graph, or raise the max_upload_bytes setting"


def _target(request: Request) -> str | None:
    """The graph IRI (``?graph=``) or None for ``?default``; exactly one must be given."""
    params = request.query_params
    graphs = params.getlist("graph")
    default = "default" in params
    if default == bool(graphs) or len(graphs) > 1:
        raise BadParameter("give exactly one of ?graph=IRI or ?default", parameter="graph")
    if default:
        return None
    try:
        ox.NamedNode(graphs[0])  # the store would refuse it later, as a 500
    except ValueError as e:
        raise BadParameter(f"graph={graphs[0]!r} is not an IRI ({e})", parameter="graph") from None
    return graphs[0]


def _identity_coding(coding: str | None) -> None:
    """415 for a compressed body (RFC 9110, 15.5.16): it would be read as the bytes of a graph."""
    if coding and coding.strip().lower() != "identity":
        raise UnsupportedMediaType(f"a body sent with Content-Encoding {coding!r} is not taken",
                                   hint="send the graph uncompressed (max_upload_bytes bounds it)")


async def _read_body(request: Request, limit: int) -> bytes:
    """The body, refused (413, a partner's "payload too large") once it passes ``limit`` bytes."""
    return await bodies.read_capped(request, limit, too_large=graphstore.PayloadTooLarge, hint=UPLOAD_HINT)


def _failure(exc: KGError, request: Request) -> Response:
    response = http_errors.error_response(exc)
    if exc.status == 401:
        response.headers["www-authenticate"] = 'Bearer realm="spkg"'
    return response


def _invalid(exc: ValidationFailed, request: Request) -> Response:
    """422 with the SHACL report: Turtle or JSON-LD by Accept, the JSON error shape for application/json."""
    accept = request.headers.get("accept")
    report = exc.report
    chosen = neg.choose(accept, REPORT_OFFERS)
    if chosen is None or (accept and "application/json" in accept and "ld+json" not in accept):
        status, body = http_errors.error_body(exc)
        body["report"] = report.to_dict() if report is not None else None
        return Response(json.dumps(body, ensure_ascii=False), status_code=422, media_type=http_errors.JSON)
    g = graphstore.report_graph(report)
    data = g.serialize(format="json-ld" if chosen.name == "jsonld" else "turtle")
    return Response(data, status_code=422, media_type=chosen.content_type)


def _read_query(graph: str | None) -> str:
    """The CONSTRUCT that reads a graph (``None``: the default graph, the union of the named graphs)."""
    if graph is None:
        return files.text(SPARQL, "graph-store-default-triples")
    return files.fill(files.text(SPARQL, "graph-store-triples"), graph=ox.NamedNode(graph))


#: The dataset version each executor's workers were last seen to have by a /graphs read.
_SEEN: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _fresh_workers(executor, version) -> None:
    """Query workers hold the store they opened: a newer version (another process wrote) reopens it."""
    seen = _SEEN.get(executor)
    if seen is not None and version is not None and seen != version:
        executor.refresh()
    if version is not None:
        _SEEN[executor] = version


@router.api_route("/graphs", methods=["GET", "HEAD"], include_in_schema=False)
async def read(request: Request) -> Response:
    """A graph, read as /sparql reads: by a query worker, within ``query_timeout``, ``result_limit``
    and the client's query-time budget (429), streamed when it is large."""
    spkg = state.of(request)
    settings = spkg.settings
    ticket = budget.NO_BUDGET
    answer = None
    try:
        graph = _target(request)
        chosen = neg.negotiate(request.headers.get("accept"), request.query_params.getlist("format") or None, OFFERS)
        if chosen is None:
            raise neg.not_acceptable("a graph", OFFERS)
        # A graph changes only with the dataset version: its ETag says which one.
        version = caching.site(request).version()
        tag = caching.etag(version, "graphs", graph, chosen.media_type)
        headers = {"vary": "Accept", **caching.validators(tag, version.built_at)}
        if caching.not_modified(caching.lower_headers(request), tag, version.built_at):
            return Response(status_code=304, headers=headers)
        _fresh_workers(spkg.executor, version)
        ticket = budget.admit(spkg.budget, request.scope)  # 429 once the client has used its query time
        try:
            answer = await spkg.executor.run(_read_query(graph), results_type=None, graph_type=chosen.media_type,
                                             meter=ticket)
        except BaseException as e:
            ticket.settle_error(e, settings.query_timeout)
            raise
        if answer.stream is None:
            ticket.settle_answer(answer)
            if graph is not None and not answer.rows:
                raise NotFound(f"no graph <{graph}>")
    except KGError as e:
        return _failure(e, request)
    if answer.truncated:
        headers["sparql-results-truncated"] = "true"
    if answer.stream is None:
        if request.method == "HEAD":
            headers["content-length"] = str(len(answer.body))
            return Response(b"", media_type=chosen.content_type, headers=headers)
        return Response(answer.body, media_type=chosen.content_type, headers=headers)
    if request.method == "HEAD":  # large: its length is not known without sending it
        await answer.stream.aclose()
        ticket.settle_answer(answer)
        return Response(b"", media_type=chosen.content_type, headers=headers)
    return StreamingResponse(_streamed(answer, ticket), media_type=chosen.content_type, headers=headers)


async def _streamed(answer, ticket):
    """The chunks of a streamed answer; the worker and the budget are settled however it ends."""
    chunks = answer.stream.__aiter__()
    try:
        async for chunk in chunks:
            yield chunk
    except (KGError, asyncio.TimeoutError) as e:  # too late for an error answer: the body ends early
        logger.warning("streamed graph broken off: %s", e)
    finally:
        ticket.settle_answer(answer)
        await chunks.aclose()
        await answer.stream.aclose()


@router.api_route("/graphs", methods=["PUT", "POST", "DELETE"], include_in_schema=False)
async def change(request: Request) -> Response:
    settings = state.of(request).settings
    try:
        graph = _target(request)
        if graph is None:
            graphstore.check_writable(settings, None, None)  # type: ignore[arg-type]  # raises 405
        partner = tokens.authenticate(settings, request.headers.get("authorization"))
        graphstore.check_writable(settings, graph, partner)
        pace = state.of(request).write_pace
        if pace is not None:
            pace.charge(partner.name)  # before the body is read: a refused write costs nothing
        triples = None
        content_type = request.headers.get("content-type")
        if request.method != "DELETE":
            parsing.body_format(content_type)  # 415 before the body is read
            _identity_coding(request.headers.get("content-encoding"))
        # The body is read before the write waits its turn (a slow upload holds no turn; the fifth #16 probe
        # held both with 600 B/s), and parsed in its turn (a waiting write holds bytes, not triples).
        body = await _read_body(request, settings.max_upload_bytes) if request.method != "DELETE" else None
        small = request.method == "PUT" and len(body or b"") <= graphstore.SMALL_BODY
        async with graphstore.waiting_turn(partner.name, small) as deadline:
            if body is not None:
                # In a process of its own: a body that crashes or blows up the parser costs this request only.
                triples = await parsing.parse_isolated(body, content_type, graph)
                body = None
            result = await run_in_threadpool(graphstore.write_in_turn, settings, request.method, graph, partner,
                                             triples, deadline)
    except ValidationFailed as e:
        return _invalid(e, request)
    except KGError as e:
        return _failure(e, request)
    # This process's query workers reopen now; other processes follow the manifest. What they reopen is
    # remembered: a `kg build` after this write, before any read, must make them reopen again (with no
    # version seen yet, the next read took the workers for fresh and read the replaced store's files).
    executor = state.of(request).executor
    executor.refresh()
    try:
        _SEEN[executor] = caching.site(request).version()
    except KGError:  # no store to read: the next read finds out
        _SEEN.pop(executor, None)
    headers = {"x-kg-triples": str(result.after), "x-kg-activity": result.activity}
    if result.created:
        from urllib.parse import quote

        headers["location"] = f"{request.url.path}?graph={quote(graph, safe='')}"
        return Response(status_code=201, headers=headers)
    return Response(status_code=204, headers=headers)

"""``/graphs``: the SPARQL 1.1 Graph Store HTTP Protocol over :mod:`kg.write.partners`.

``GET``/``HEAD`` ``?graph=IRI`` or ``?default`` read a graph (no token; the
format by Accept or ``format=``). ``PUT``, ``POST`` and ``DELETE`` on
``?graph=IRI`` write a partner graph with ``Authorization: Bearer <token>``;
``?default`` is read-only (405). The order of checks means a refused write
costs nothing: the token (401, 403) and the size (413) are checked before the
body is read to the end, and the body is parsed (400, 415) and validated (422,
with the SHACL report) before anything is written.
"""

from __future__ import annotations

import json

import pyoxigraph as ox
from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from kg.write import partners as graphstore, tokens
from kg.web import state
from kg.errors import BadParameter, KGError, ValidationFailed
from kg.web import caching
from kg.web import errors as http_errors
from kg.web import negotiation as neg

router = APIRouter()

#: What a graph can be read as (triples only: no TriG or N-Quads).
OFFERS = tuple(neg.BY_NAME[n] for n in ("ttl", "nt", "jsonld", "rdf"))
REPORT_OFFERS = (neg.BY_NAME["jsonld"], neg.BY_NAME["ttl"])


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


async def _read_body(request: Request, limit: int) -> bytes:
    """The body, refused (413) once it passes ``limit`` bytes: Content-Length first, then as it arrives."""
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > limit:
        raise graphstore.PayloadTooLarge(f"the body is {int(length):,} bytes; the limit is {limit:,}",
                                         hint="split the graph, or raise the max_upload_bytes setting")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise graphstore.PayloadTooLarge(f"the body is over the limit of {limit:,} bytes",
                                             hint="split the graph, or raise the max_upload_bytes setting")
        chunks.append(chunk)
    return b"".join(chunks)


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


@router.api_route("/graphs", methods=["GET", "HEAD"], include_in_schema=False)
async def read(request: Request) -> Response:
    settings = state.of(request).settings
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
        triples = await run_in_threadpool(graphstore.get, settings, graph)
        body = graphstore.serialize(triples, chosen.media_type)
    except KGError as e:
        return _failure(e, request)
    if request.method == "HEAD":
        headers["content-length"] = str(len(body))
        return Response(b"", media_type=chosen.content_type, headers=headers)
    return Response(body, media_type=chosen.content_type, headers=headers)


@router.api_route("/graphs", methods=["PUT", "POST", "DELETE"], include_in_schema=False)
async def change(request: Request) -> Response:
    settings = state.of(request).settings
    try:
        graph = _target(request)
        if graph is None:
            graphstore.check_writable(settings, None, None)  # type: ignore[arg-type]  # raises 405
        partner = tokens.authenticate(settings, request.headers.get("authorization"))
        graphstore.check_writable(settings, graph, partner)
        triples = None
        if request.method != "DELETE":
            body = await _read_body(request, settings.max_upload_bytes)
            triples = graphstore.parse_body(body, request.headers.get("content-type"), graph)
        result = await run_in_threadpool(graphstore.write, settings, request.method, graph, partner, triples)
    except ValidationFailed as e:
        return _invalid(e, request)
    except KGError as e:
        return _failure(e, request)
    # This process's query workers reopen now; other processes follow the manifest.
    state.of(request).executor.refresh()
    headers = {"x-kg-triples": str(result.after), "x-kg-activity": result.activity}
    if result.created:
        from urllib.parse import quote

        headers["location"] = f"{request.url.path}?graph={quote(graph, safe='')}"
        return Response(status_code=201, headers=headers)
    return Response(status_code=204, headers=headers)

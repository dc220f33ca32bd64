"""``/sparql``: the query side of the SPARQL 1.1 Protocol, as a lean raw ASGI app.

* ``GET /sparql?query=…``, ``POST`` with ``application/x-www-form-urlencoded``
  (``query=…``) or ``application/sparql-query`` (the query as the body);
  ``default-graph-uri`` / ``named-graph-uri`` (repeatable, in the URL or the
  form) replace the query's FROM / FROM NAMED; with neither, the default
  graph is the union of the named graphs (unless the query has FROM).
* The result format comes from ``format=`` or ``Accept`` (:mod:`.negotiation`).
* ``GET /sparql`` without a query: the service description, or the query
  page for a browser.
* Updates are refused (403), bad requests are 4xx with the one JSON error
  shape (:mod:`.errors`), and each query, answered or refused, is counted
  (:mod:`kg.web.metrics`) and logged as one JSON line (:mod:`kg.web.querylog`).
* A result cut at ``result_limit`` rows (or triples) is signalled by the
  header ``SPARQL-Results-Truncated: true`` whenever the cut is known before
  the response starts, which is always the case for answers up to 1 MiB;
  larger answers stream, and when they are cut the body ends with the marker
  ``SPARQL-Results-Truncated: the result was cut at N rows`` in a comment
  (SPARQL XML, RDF/XML, Turtle, N-Triples, TriG, N-Quads). SPARQL JSON, CSV,
  TSV and JSON-LD have no room for a trailing marker (pyoxigraph's JSON
  reader refuses anything after the bindings), so for them only the header
  tells, and only when the answer was not streamed.
* Each answer has ``Server-Timing: query;dur=…`` (milliseconds until the
  answer was ready) and ``Vary: Accept``.

Queries run in :class:`kg.query.executor.Executor`'s worker processes. This is a
raw ASGI app, not a FastAPI route, because it is the hot path: parsing the
request by hand costs a fraction of a framework's routing and validation.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from kg.query import budget
from kg.sparql import guard as sparql_guard
from kg.errors import (
    BadParameter,
    BodyTooLarge,
    KGError,
    MethodNotAllowed,
    QueryTimeout,
    QueryTooLong,
    UnsupportedMediaType,
)
from kg.query.executor import Answer
from kg.store import Version
from kg.web import caching, observability
from kg.web.editor import editor_url
from kg.web import negotiation as neg
from kg.web.errors import ClientGone, error_bytes
from kg.web.state import Spkg
from kg.write import parsing

logger = logging.getLogger(__name__)

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
TRUNCATED = (b"sparql-results-truncated", b"true")
VARY = (b"vary", b"Accept")


@dataclass
class Request:
    """A parsed protocol request."""

    method: str
    query: str | None
    default_graphs: list[str] | None = None
    named_graphs: list[str] | None = None
    formats: list[str] | None = None    # format= values
    accept: str | None = None
    url: str = ""                       # the endpoint's own URL, as the client called it
    params: dict[str, list[str]] = field(default_factory=dict)


def _params(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, value in pairs:
        out.setdefault(key, []).append(value)
    return out


def _parse_qs(raw: bytes, where: str) -> dict[str, list[str]]:
    if not raw:
        return {}
    try:
        return _params(parse_qsl(raw.decode("utf-8"), keep_blank_values=True, encoding="utf-8",
                                 errors="strict", max_num_fields=1000))
    except UnicodeDecodeError:
        raise BadParameter(f"the {where} is not valid UTF-8") from None
    except ValueError as e:
        raise BadParameter(f"cannot read the {where}: {e}") from None


def _single(params: dict[str, list[str]], name: str) -> str | None:
    values = params.get(name)
    if not values:
        return None
    if len(values) > 1:
        what = "two queries" if name == "query" else f"{len(values)} values for '{name}'"
        raise BadParameter(f"{what}: the request has {len(values)} '{name}' parameters; send exactly one",
                           parameter=name)
    return values[0]


class SparqlEndpoint:
    """The ASGI app behind ``/sparql``."""

    def __init__(self, spkg: Spkg, describe) -> None:
        settings = self.settings = spkg.settings
        self.executor = spkg.executor
        self.describe = describe           # async (request) -> (status, headers, body): SD or page
        self.max_length = settings.max_query_length
        self.max_body = settings.max_query_length * 3 + 64 * 1024
        self.budget = spkg.budget
        self.watch = spkg.versions
        # The version the workers open; a later change (build, ingest, partner write) refreshes them.
        self._version: Version | None = self.watch.current()

    async def __call__(self, scope, receive, send) -> None:
        method = scope["method"]
        head_only = method == "HEAD"
        started = time.perf_counter()
        query = None
        describing = False  # a bare GET: the service description, not a query
        try:
            request = await self._request(scope, receive)
            version = self.current_version()
            query = request.query
            if query is None:
                describing = True
                status, headers, body = await self.describe(request)
                return await _respond(send, status, headers, body, head_only)
            if method in ("GET", "HEAD") and _wants_page(request):  # a browser: the editor runs it, in the site
                headers = [(b"location", editor_url(request.url, query).encode()), VARY]
                return await _respond(send, 303, headers, b"", head_only)
            results, graphs = self._negotiate(request)
            validators = self._validators(version, request, results, graphs)
            if validators and caching.matches(_header(scope, b"if-none-match"), validators[0][1].decode()):
                return await _respond(send, 304, validators + [VARY], b"", True)
            ticket = budget.admit(self.budget, scope)  # 429 once the client has used its query time
            answer = await self._run(request, results, graphs, ticket)
        except KGError as e:
            if not describing:
                self._log(scope, query, started, None, e.status, e)
            status, body, headers = error_bytes(e)
            headers += [(b"content-type", b"application/json"), VARY]
            return await _respond(send, status, headers, body, head_only)
        headers = [(b"content-type", neg_content_type(answer.media_type)), VARY,
                   (b"server-timing", f"query;dur={answer.seconds * 1000:.1f}".encode()), *validators]
        if answer.stream is None:
            if answer.truncated:
                headers.append(TRUNCATED)
            self._log(scope, query, started, answer, 200)
            return await _respond(send, 200, headers, answer.body, head_only)
        await self._stream(scope, receive, send, answer, headers, head_only, query, started, ticket)

    # -- request parsing ------------------------------------------------------------------

    async def _request(self, scope, receive) -> Request:
        method = scope["method"]
        accept = content_type = host = None
        for key, value in scope["headers"]:
            if key == b"accept":
                accept = value.decode("latin-1")
            elif key == b"content-type":
                content_type = value.decode("latin-1")
            elif key == b"host":
                host = value.decode("latin-1")
        url_params = _parse_qs(scope.get("query_string", b""), "URL query string")
        if method in ("GET", "HEAD"):
            params = url_params
            if "update" in params:
                raise sparql_guard.update_refused()
            query = _single(params, "query")
        elif method == "POST":
            media, _, rest = (content_type or "").partition(";")
            media = media.strip().lower()
            body = await self._body(receive, _header(scope, b"content-length"))
            if media == FORM:
                params = _parse_qs(body, "form body")
                if "update" in params:
                    raise sparql_guard.update_refused()
                for key, values in url_params.items():
                    params.setdefault(key, []).extend(values)
                query = _single(params, "query")
            elif media == SPARQL_QUERY:
                params = url_params
                if "update" in params:  # as for GET and forms: never run a query in an update's place
                    raise sparql_guard.update_refused()
                if "query" in params:
                    raise BadParameter("two queries: the body holds a query and the URL has a 'query' parameter",
                                       parameter="query")
                query = _decode(body, rest)
            elif media == SPARQL_UPDATE:
                raise sparql_guard.update_refused()
            else:
                got = f"Content-Type {content_type!r}" if content_type else "no Content-Type"
                raise UnsupportedMediaType(
                    f"POST /sparql needs Content-Type {FORM} (with query=…) or {SPARQL_QUERY} "
                    f"(the query as the body); got {got}")
            if query is None:
                raise BadParameter("missing query: send the SPARQL text in the 'query' parameter", parameter="query")
        else:
            raise MethodNotAllowed(f"{method} is not allowed on /sparql; use GET or POST",
                                   allow=("GET", "POST", "HEAD", "OPTIONS"))
        if query is not None:
            query = query.removeprefix("\ufeff")  # a byte order mark, as some editors save a file: no SPARQL
            if not query.strip():
                raise BadParameter("the query is empty", parameter="query")
            if len(query) > self.max_length:
                raise QueryTooLong(f"the query is {len(query)} characters long; the limit is {self.max_length} "
                                   "(setting max_query_length)", parameter="query")
            if len(query) <= sparql_guard.CHECK_INLINE:
                sparql_guard.check_nesting(query)  # deeper nesting kills the engine's parser
            else:  # a long query's lexing would hold every other request back
                await asyncio.to_thread(sparql_guard.check_nesting, query)
        return Request(method, query, params.get("default-graph-uri"), params.get("named-graph-uri"),
                       params.get("format"), accept, _url(scope, host), params)

    async def _body(self, receive, declared: str | None) -> bytes:
        if declared is not None and declared.isascii() and declared.isdigit() and int(declared) > self.max_body:
            raise BodyTooLarge(f"the request body is {int(declared)} bytes; the limit is {self.max_body} "
                               "(setting max_query_length)")  # refused before any of it is read
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise ClientGone("the client went away before sending the whole request")
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                raise BodyTooLarge(f"the request body is larger than {self.max_body} bytes "
                                   "(setting max_query_length)")
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    # -- running ------------------------------------------------------------------------

    def current_version(self) -> Version | None:
        """The dataset version; when a rebuild changed it, the workers reopen the store."""
        version = self.watch.current()
        if version != self._version:
            if self._version is not None:
                self.executor.refresh()
            self._version = version
        return version

    def _negotiate(self, request: Request):
        results = neg.negotiate(request.accept, request.formats, neg.RESULTS)
        graphs = neg.negotiate(request.accept, request.formats, neg.GRAPHS)
        if results is None and graphs is None:
            raise neg.not_acceptable("query results", neg.RESULTS + neg.GRAPHS, formats=request.formats)
        return results, graphs

    def _validators(self, version: Version | None, request: Request, results, graphs) -> list:
        """ETag and Last-Modified of the answer, tied to the dataset version.

        None when the answer may depend on something else: SERVICE reaches other endpoints.
        """
        if version is None or "service" in request.query.lower():
            return []
        tag = caching.query_etag(version, request.query, results.media_type if results else None,
                                 graphs.media_type if graphs else None,
                                 request.default_graphs, request.named_graphs)
        return caching.raw_headers(tag, version.built_at)

    async def _run(self, request: Request, results, graphs, ticket: budget.Ticket = budget.NO_BUDGET) -> Answer:
        try:
            answer = await self.executor.run(
                request.query,
                results_type=results.media_type if results else None,
                graph_type=graphs.media_type if graphs else None,
                default_graphs=request.default_graphs, named_graphs=request.named_graphs,
                base_iri=self.settings.base, meter=ticket)
        except BaseException as e:
            ticket.settle_error(e, self.settings.query_timeout)
            if not isinstance(e, KGError):
                raise
            form = getattr(e, "form", None)
            if form:
                what = "CONSTRUCT/DESCRIBE results" if form == "graph" else f"{form.upper()} results"
                offers = neg.GRAPHS if form == "graph" else neg.RESULTS
                raise neg.not_acceptable(what, offers, formats=request.formats) from None
            raise
        if answer.stream is None:
            ticket.settle_answer(answer)  # a streamed one is charged when its stream ends
        return answer

    async def _stream(self, scope, receive, send, answer: Answer, headers, head_only, query, started,
                      ticket: budget.Ticket = budget.NO_BUDGET) -> None:
        """Send a streamed answer, within the query's time budget."""
        deadline = answer.stream.deadline
        loop = asyncio.get_running_loop()
        gone = asyncio.Event()

        async def watch() -> None:
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    gone.set()
                    return

        watcher = loop.create_task(watch())
        chunks = answer.stream.__aiter__()
        status = 200
        try:
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            if head_only:
                await send({"type": "http.response.body", "body": b""})
                return
            async for chunk in chunks:
                if gone.is_set():
                    status = 499
                    return
                await asyncio.wait_for(send({"type": "http.response.body", "body": chunk, "more_body": True}),
                                       max(0.0, deadline - loop.time()))
            await send({"type": "http.response.body", "body": b""})
        except (KGError, asyncio.TimeoutError) as e:
            # Too late for an error response: the client sees the stream end early.
            status = e.status if isinstance(e, KGError) else QueryTimeout.status
            logger.warning("streamed answer to query %s broken off: %s", _hash(query), e)
        finally:
            ticket.settle_answer(answer)
            await chunks.aclose()
            await answer.stream.aclose()  # frees (or replaces) the worker if the stream did not end
            watcher.cancel()
            self._log(scope, query, started, answer, status)

    def _log(self, scope, query: str | None, started: float, answer: Answer | None, status: int,
             error: BaseException | None = None) -> None:
        observability.query_done(scope, "/sparql", status=status, seconds=time.perf_counter() - started,
                                 query=query, answer=answer, error=error)


def _wants_page(request: Request) -> bool:
    """A browser's GET: HTML preferred to every result format, or asked for with format=html."""
    if request.formats:
        return any(f.lower() in ("html", "text/html") for f in request.formats)
    return neg.preferred_to_all(request.accept, neg.PAGE, neg.RESULTS + neg.GRAPHS)


def _header(scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return None


def _url(scope, host: str | None) -> str:
    if not host:
        server = scope.get("server") or ("localhost", None)
        host = server[0] if server[1] in (None, 80, 443) else f"{server[0]}:{server[1]}"
    return f"{scope.get('scheme', 'http')}://{host}{scope.get('root_path', '')}{scope['path']}"


def _hash(query: str) -> str:
    return hashlib.sha256(query.encode("utf-8", "surrogatepass")).hexdigest()[:12]


def _decode(body: bytes, content_type_params: str) -> str:
    """The query of a direct POST: UTF-8, the only encoding the protocol allows (415 for another, 400 if not)."""
    parsing.require_utf8(f"{SPARQL_QUERY};{content_type_params}", "a query")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadParameter("the query is not valid UTF-8", parameter="query") from None


_CONTENT_TYPES = {f.media_type: f.content_type.encode() for f in neg.FORMATS}


def neg_content_type(media_type: str) -> bytes:
    return _CONTENT_TYPES.get(media_type) or media_type.encode()


async def _respond(send, status: int, headers, body: bytes, head_only: bool = False) -> None:
    headers = list(headers)
    headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if head_only else body})


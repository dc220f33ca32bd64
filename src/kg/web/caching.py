"""ETags, Last-Modified and conditional requests, tied to the dataset's version.

Everything the server answers from the store changes only when ``kg build``
makes a new version, so a validator derived from the version (and from what
was asked: path, query, format) is exact. The first half of this module is
plain functions on strings, usable from a raw ASGI app such as ``/sparql``::

    from kg.store import VersionWatch
    from kg.web import caching

    watch = VersionWatch(settings)                     # once
    version = watch.current()                          # per request; None without a store
    etag = caching.query_etag(version, query, results_type, graph_type, default_graphs, named_graphs)
    if caching.matches(if_none_match_header, etag):
        ... answer 304 with caching.raw_headers(etag, version.built_at)
    ... else add caching.raw_headers(etag, version.built_at) to the 200 response

The second half (:func:`site`, :func:`answer`, :func:`error`) serves the pages
and documents of :mod:`kg.web.pages` and :mod:`kg.web.dumps`.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from email.utils import format_datetime, parsedate_to_datetime

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from kg.store import Version
from kg.errors import KGError, NotFound
from kg.query import budget as client_budget
from kg.web import errors as http_errors
from kg.web import negotiation as neg
from kg.site.state import Site

#: Pages, documents and query results: cache, but check with the server each time.
REVALIDATE = "public, no-cache"
#: Versioned dump files never change.
IMMUTABLE = "public, max-age=31536000, immutable"


def _code_version() -> str:
    try:
        from importlib import metadata

        return metadata.version("spkg")
    except Exception:  # pragma: no cover - not installed
        return "0"


CODE = _code_version()


def etag(version: Version, *parts: object, weak: bool = True) -> str:
    """An entity tag for one representation of the data at ``version``.

    ``parts`` name the representation (path, query string, media type...). The
    tag starts with the version so it can be read, and changes with the data,
    the base and the code that renders it.
    """
    h = hashlib.sha256()
    for part in (version.content_hash, version.base, CODE, *parts):
        h.update(repr(part).encode("utf-8", "surrogatepass") + b"\0")
    tag = f'"{version.name}-{h.hexdigest()[:16]}"'
    return f"W/{tag}" if weak else tag


def query_etag(version: Version, query: str, results_type: str | None, graph_type: str | None,
               default_graphs: list[str] | None = None, named_graphs: list[str] | None = None) -> str:
    """The ETag of a SPARQL result: the query text, the negotiated types and the dataset arguments."""
    return etag(version, "sparql", query, results_type, graph_type, tuple(default_graphs or ()),
                tuple(named_graphs or ()))


def etag_bytes(data: bytes) -> str:
    """A short digest of some bytes (static files)."""
    return hashlib.sha256(data).hexdigest()[:20]


def _opaque(tag: str) -> str:
    tag = tag.strip()
    return tag[2:] if tag.startswith("W/") else tag


def matches(if_none_match: str | None, current: str) -> bool:
    """RFC 9110 If-None-Match: weak comparison against a list of tags, or ``*``."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    wanted = _opaque(current)
    return any(_opaque(t) == wanted for t in if_none_match.split(",") if t.strip())


def http_date(dt: datetime) -> str:
    return format_datetime(dt.astimezone(timezone.utc).replace(microsecond=0), usegmt=True)


def not_modified(headers: Mapping[str, str], current_etag: str, last_modified: datetime | None) -> bool:
    """Whether a GET/HEAD with these (lower-case) headers gets 304.

    If-None-Match wins; If-Modified-Since counts only without it, and only with a date not in the future.
    """
    inm = headers.get("if-none-match")
    if inm is not None:
        return matches(inm, current_etag)
    ims = headers.get("if-modified-since")
    if ims and last_modified is not None:
        try:
            since = parsedate_to_datetime(ims)
        except (TypeError, ValueError):
            return False
        if since.tzinfo is None:
            since = since.replace(tzinfo=timezone.utc)
        if since > datetime.now(timezone.utc):  # RFC 9110 13.1.3: a date past the server's clock is invalid
            return False
        return last_modified.replace(microsecond=0) <= since
    return False


def validators(tag: str, last_modified: datetime | None, cache_control: str = REVALIDATE) -> dict[str, str]:
    out = {"etag": tag, "cache-control": cache_control}
    if last_modified is not None:
        out["last-modified"] = http_date(last_modified)
    return out


def raw_headers(tag: str, last_modified: datetime | None, cache_control: str = REVALIDATE) -> list[tuple[bytes, bytes]]:
    """:func:`validators` as raw ASGI headers."""
    return [(k.encode(), v.encode("latin-1")) for k, v in validators(tag, last_modified, cache_control).items()]


# -- pages and documents (Starlette) ----------------------------------------------------------

def site(request: Request) -> Site:
    """The app's :class:`~kg.site.state.Site` (:attr:`kg.web.state.Spkg.site`)."""
    return request.app.spkg.site


def lower_headers(request: Request) -> dict[str, str]:
    return {k.lower(): v for k, v in request.headers.items()}


def wants_html(request: Request) -> bool:
    """Whether an error should be a page: the client prefers HTML to JSON."""
    chosen = neg.choose(request.headers.get("accept"), (neg.BY_NAME["json"], neg.PAGE))
    return chosen is neg.PAGE


def error(request: Request, exc: KGError, *, html: bool | None = None, suggestion: str = "") -> Response:
    """An error as the one JSON shape, or as a page that suggests search for browsers."""
    if html is None:
        html = wants_html(request)
    if not html:
        return http_errors.error_response(exc)
    s = site(request)
    title = {404: "Not found", 400: "Bad request", 406: "Not acceptable"}.get(exc.status, exc.title.capitalize())
    body = s.renderer.render("error.html", title=title, message=exc.message, hint=exc.hint,
                             suggestion=suggestion)
    response = HTMLResponse(body, status_code=exc.status)
    for key, value in http_errors.error_headers(exc):  # Retry-After of a 429, as the JSON shape has it
        response.headers[key.decode()] = value.decode()
    return response


#: Paths whose errors stay JSON whatever the client prefers: the protocols and the API that programs call.
_PROGRAM_PATHS = ("/sparql", "/graphs", "/api/", "/-/")


async def browser_error(request: Request, exc: Exception) -> Response:
    """An error no route answered (an unknown path, a method not allowed): a page of the site for a
    browser outside the programs' paths, else the one JSON shape."""
    path = request.url.path[len(request.scope.get("root_path", "")):] or "/"
    status, body = http_errors.error_body(exc)
    if not wants_html(request) or path.startswith(_PROGRAM_PATHS):
        return http_errors.error_response(exc)
    page = KGError("there is no page at this address" if status == 404 else body["error"])
    page.status, page.title = status, body.get("title") or ("not found" if status == 404 else "error")
    response = error(request, page, html=True)
    for key, value in http_errors.error_headers(exc):
        response.headers[key.decode()] = value.decode()
    return response


def answer(request: Request, offers: tuple[neg.Format, ...], produce: Callable[[neg.Format], bytes | str], *,
           fixed: neg.Format | None = None, key: object = None, suggestion: str = "") -> Response:
    """Negotiate, answer 304 when the client's copy is current, else produce the body.

    ``fixed``: the format an explicit URL suffix asked for (no negotiation, no Vary).
    """
    formats = request.query_params.getlist("format") or None
    try:
        chosen = fixed or neg.negotiate(request.headers.get("accept"), formats, offers)
        if chosen is None:
            raise neg.not_acceptable("this resource", offers, formats=formats)
        s = site(request)
        version = s.version()
        tag = etag(version, request.url.path, str(request.url.query), chosen.name, key)
        headers = validators(tag, version.built_at)
        if fixed is None and len(offers) > 1:
            headers["vary"] = "Accept"
        if not_modified(lower_headers(request), tag, version.built_at):
            return Response(status_code=304, headers=headers)
        body = request.app.spkg.kept_pages.get(tag)
        if body is None:
            body = _produce(request, produce, chosen, tag)
    except KGError as e:
        html = (fixed is neg.PAGE) if fixed is not None else wants_html(request)
        return error(request, e, html=html, suggestion=suggestion)
    return Response(body, media_type=chosen.content_type.split(";")[0], headers={
        **headers, "content-type": chosen.content_type})


def _produce(request: Request, produce: Callable[[neg.Format], bytes | str], chosen: neg.Format,
             tag: str) -> bytes | str:
    """The body, made on the client's query-time budget (a page is queries too: the eleventh #16 probe's
    document of 5,200 partner links took 4.7 s a view, and six visitors slowed every other page); one that
    took long is kept for the next visitor of the same version and address."""
    with charged(request) as ticket:
        body = produce(chosen)
    if ticket.seconds >= COSTLY_PAGE:
        request.app.spkg.kept_pages.put(tag, body)
    return body


class _Charge:
    seconds = 0.0


@contextlib.contextmanager
def charged(request: Request, *, admit: bool = True):
    """Work done in the HTTP process for a request, on its client's query-time budget as the workers'
    time is: :class:`~kg.errors.BudgetExceeded` (429) before the block when the client is over it, and the
    block's wall time charged when it ends (``as c``: ``c.seconds`` then). Pages, the editor's answers,
    its labels. Queries the block runs (``Context.bounded``) are the client's: the executor counts their worker
    time against the budget while they run. ``admit=False``: charged only, for the last part of a request
    already admitted (its page)."""
    budget = request.app.spkg.budget
    ticket = client_budget.admit(budget, request.scope) if admit else None  # 429 past the budget
    charge = _Charge()
    began = time.monotonic()
    try:
        if ticket is not None:
            with client_budget.counting(ticket):  # queries run in the block are the client's (/search's)
                yield charge
        else:
            yield charge
    finally:
        charge.seconds = time.monotonic() - began
        if ticket is not None:
            ticket.settle(charge.seconds)
        elif budget is not None:
            budget.charge(client_budget.client_key(request.scope), charge.seconds)


class KeptPages:
    """Pages and documents that took long to make, by ETag (which names the dataset version), least recent out first, within a byte budget."""

    def __init__(self, max_bytes: int = 64 << 20, max_entry: int = 4 << 20) -> None:
        self.max_bytes, self.max_entry = max_bytes, max_entry
        self._bodies: OrderedDict[str, bytes | str] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, tag: str) -> bytes | str | None:
        with self._lock:
            body = self._bodies.get(tag)
            if body is not None:
                self._bodies.move_to_end(tag)
            return body

    def put(self, tag: str, body: bytes | str) -> None:
        size = len(body)
        if size > self.max_entry:
            return
        with self._lock:
            if tag in self._bodies:
                return
            self._bodies[tag] = body
            self._bytes += size
            while self._bytes > self.max_bytes:
                _, old = self._bodies.popitem(last=False)
                self._bytes -= len(old)


COSTLY_PAGE = 0.25  # seconds: a body that took this long to make is kept (per version, address and format)

__all__ = ["etag", "etag_bytes", "query_etag", "matches", "not_modified", "http_date", "validators", "raw_headers",
           "site", "answer", "charged", "error", "NotFound", "REVALIDATE", "IMMUTABLE"]

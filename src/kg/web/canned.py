"""``/api/queries``: the canned queries of ``queries/`` as a REST API.

* ``GET /api/queries`` — the catalogue: name, summary, description, tags,
  parameters (type, required, default, example) and links, as JSON;
* ``GET /api/queries/{name}`` (or ``{name}.json`` / ``{name}.csv``, or
  ``format=json|csv``, or ``Accept``) — run one query. Its parameters come
  from the URL, are checked and turned into typed RDF terms by
  :func:`kg.sparql.catalogue.bind` (a wrong value is a 400 naming the parameter) and
  bound in the query worker, never pasted into the query text.
* ``limit`` (default :data:`DEFAULT_LIMIT`, at most the setting
  ``result_limit``) and ``offset`` page through long answers; the response
  has ``Link`` headers with ``rel="next"`` / ``rel="prev"`` / ``rel="first"``.

Queries run in the executor's workers, so they get the time budget (503 past
it). Errors have the one JSON shape of :mod:`.errors`.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import logging
import re
import time
from collections import Counter
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from kg.query import budget
from kg.query.executor import Answer
from kg.rdf import iris
from kg.web import state
from kg.errors import BadParameter, KGError, NotAcceptable
from kg.web import caching, observability
from kg.web.answer_cache import Kept
from kg.web import errors as http_errors
from kg.web import negotiation as neg
from kg.sparql.catalogue import PARAM_TYPES, CannedQuery, strip_sparql, bind, get_query

logger = logging.getLogger(__name__)
router = APIRouter()
GET = ["GET", "HEAD"]

DEFAULT_LIMIT = 100
RESERVED = ("limit", "offset", "format")
FORMATS = {"json": "application/json", "csv": "text/csv"}
SPARQL_JSON = "application/sparql-results+json"
XSD = "http://www.w3.org/2001/XMLSchema#"
_LIMIT_RE = re.compile(r"\b(LIMIT|OFFSET)\b", re.IGNORECASE)
def catalogue(request: Request) -> dict[str, CannedQuery]:
    """The app's catalogue of canned queries, loaded once (:attr:`kg.web.state.Spkg.catalogue`)."""
    return state.of(request).catalogue


def describe(query: CannedQuery, root: str = "") -> dict:
    """A canned query's header as JSON, with its URLs."""
    example = {p.name: p.example for p in query.params if p.example}
    url = f"{root}/api/queries/{query.name}"
    return {
        "name": query.name,
        "summary": query.summary,
        "description": query.description,
        "tags": query.tags,
        "form": query.form,
        "params": [{"name": p.name, "type": p.type, "required": p.required, "default": p.default,
                    "example": p.example, "description": p.description, "expected": p.expected}
                   for p in query.params],
        "url": url,
        "example_url": f"{url}?{urlencode(example)}" if example else url,
        "csv_url": f"{url}.csv",
        "sparql": query.text,
    }


@router.api_route("/api", methods=GET, include_in_schema=False)
def api_root(request: Request) -> Response:
    """Where the API is: its page (/docs) for a browser, the list of canned queries for a program."""
    root = request.scope.get("root_path", "")
    return RedirectResponse(f"{root}/docs" if caching.wants_html(request) else f"{root}/api/queries", status_code=303)


@router.api_route("/api/queries", methods=GET, include_in_schema=False)
def list_queries(request: Request) -> Response:
    try:
        queries = catalogue(request)
    except KGError as e:
        return http_errors.error_response(e)
    body = {"queries": [describe(q, request.scope.get("root_path", "")) for q in queries.values()],
            "param_types": {t.name: {"expected": t.expected, "example": t.example} for t in PARAM_TYPES.values()}}
    return Response(json.dumps(body, ensure_ascii=False, indent=1), media_type="application/json")


def _format(request: Request, suffix: str | None) -> str:
    if suffix:
        return suffix
    fmt = request.query_params.get("format")
    if fmt:
        if fmt not in FORMATS:
            raise BadParameter(f"format {fmt!r} is not one of {', '.join(FORMATS)}", parameter="format")
        return fmt
    offers = (neg.BY_NAME["json"], neg.BY_NAME["csv"])
    chosen = neg.choose(request.headers.get("accept"), offers)
    if chosen is None and request.headers.get("accept"):
        raise NotAcceptable("the canned queries answer application/json or text/csv")
    return "csv" if chosen is neg.BY_NAME["csv"] else "json"


def _int(request: Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    value = int(raw) if re.fullmatch(r"\s*[+-]?\d+\s*", raw) else None
    if value is None or not low <= value <= high:
        raise BadParameter(f"parameter {name!r} got {raw!r}: expected a whole number from {low:,} to {high:,}",
                           parameter=name)
    return value


def given_once(request: Request) -> None:
    """BadParameter when the query string names a parameter twice: which value was meant is a guess."""
    counts = Counter(k for k, _ in request.query_params.multi_items())
    for name, n in counts.items():
        if n > 1:
            raise BadParameter(f"parameter {name!r} is given {n} times; give it once", parameter=name)


def plain(term: dict) -> object:
    """A SPARQL JSON term as a plain JSON value: numbers and booleans as such, the rest as text."""
    value = term.get("value")
    datatype = term.get("datatype", "")
    if term.get("type") == "literal" and datatype.startswith(XSD):
        kind = datatype.rsplit("#", 1)[-1]
        try:
            if kind in ("integer", "int", "long", "short", "nonNegativeInteger", "positiveInteger"):
                return int(value)
            if kind in ("decimal", "double", "float"):
                return float(value)
        except ValueError:
            return value
        if kind == "boolean":
            return value == "true"
    return value


def _done(request: Request, name: str, started: float, status: int, answer=None, error=None) -> None:
    """Count and log one canned query (:func:`kg.web.observability.query_done`)."""
    known = state.of(request)._catalogue or {}
    params = {k: v for k, v in request.query_params.items() if k not in RESERVED}
    observability.query_done(request.scope, "/api/queries/{name}", status=status,
                             seconds=time.perf_counter() - started, name=name if name in known else None,
                             params=params, answer=answer, error=error)


def _page_url(request: Request, offset: int, limit: int) -> str:
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in ("offset", "limit")]
    params += [("limit", str(limit)), ("offset", str(offset))]
    return f"{request.url.path}?{urlencode(params)}"


@router.api_route("/api/queries/{name}", methods=GET, include_in_schema=False)
async def run_query(name: str, request: Request) -> Response:
    settings = state.of(request).settings
    started = time.perf_counter()
    stem, dot, ext = name.rpartition(".")
    suffix = None
    if dot and ext in FORMATS:
        name, suffix = stem, ext
    if suffix is None and "format" not in request.query_params and caching.wants_html(request):
        # a browser (the dashboard's "API" links): the same query in the site's form, its answer a table
        root = request.scope.get("root_path", "")
        return RedirectResponse(f"{root}/query?{urlencode([('name', name), *request.query_params.items()])}",
                                status_code=303)
    try:
        query = get_query(catalogue(request), name)
        given_once(request)
        fmt = _format(request, suffix)
        limit = _int(request, "limit", DEFAULT_LIMIT, 1, settings.result_limit)
        offset = _int(request, "offset", 0, 0, 10**9)
        raw = {k: v for k, v in request.query_params.items() if k not in RESERVED}
        bound = bind(query, raw, settings.base)
        site = caching.site(request)
        version = site.version()
        tag = caching.etag(version, "api", name, sorted(raw.items()), fmt, limit, offset)
        headers = caching.validators(tag, version.built_at)
        if caching.not_modified(caching.lower_headers(request), tag, version.built_at):
            return Response(status_code=304, headers=headers)
        spkg = state.of(request)
        # 429 once the client has used its query time; an answer kept for this version costs nothing
        kept, paged_in_sparql, answer = await _kept_answer(
            spkg, query, bound, limit, offset, version,
            meter=lambda: budget.metered(spkg.budget, request.scope, settings.query_timeout))
    except KGError as e:
        _done(request, name, started, e.status, error=e)
        return http_errors.error_response(e)
    _done(request, name, started, 200, answer=answer)
    body = kept.body
    if kept.form == "graph":  # CONSTRUCT / DESCRIBE: the triples, whole
        return Response(body, media_type="text/turtle", headers=headers)
    data = json.loads(body)
    if kept.form == "ask":
        return Response(json.dumps({"query": name, "boolean": data.get("boolean")}), media_type="application/json",
                        headers=headers)
    columns = data["head"]["vars"]
    bindings = data["results"]["bindings"]
    if not paged_in_sparql:
        bindings = bindings[offset:]
    more = len(bindings) > limit
    bindings = bindings[:limit]
    links = [f'<{_page_url(request, 0, limit)}>; rel="first"']
    next_url = _page_url(request, offset + limit, limit) if more else None
    prev_url = _page_url(request, max(0, offset - limit), limit) if offset > 0 else None
    if next_url:
        links.append(f'<{next_url}>; rel="next"')
    if prev_url:
        links.append(f'<{prev_url}>; rel="prev"')
    headers["link"] = ", ".join(links)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(columns)
        for b in bindings:
            writer.writerow([b[c]["value"] if c in b else "" for c in columns])
        headers["content-disposition"] = f'inline; filename="{name}.csv"'
        return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)
    result = {
        "query": name,
        "params": {k: v for k, v in raw.items() if v},
        "columns": columns,
        "rows": [{c: plain(b[c]) for c in columns if c in b} for b in bindings],
        "limit": limit,
        "offset": offset,
        "count": len(bindings),
        "next": next_url,
        "prev": prev_url,
    }
    return Response(json.dumps(result, ensure_ascii=False), media_type="application/json", headers=headers)


async def _kept_answer(spkg, query: CannedQuery, bound: dict, limit: int, offset: int, version, *,
                       meter=contextlib.nullcontext, pin: bool = False) -> tuple[Kept, bool, Answer | None]:
    """The store's answer to ``query`` with ``bound`` for one page, kept per dataset version
    (:mod:`kg.web.answer_cache`); whether the page was cut in SPARQL (``LIMIT``/``OFFSET``);
    and the executor's answer when this call computed it (``meter()`` around the computing)."""
    settings = spkg.settings
    text = iris.rebase(query.text, settings.base)
    paged_in_sparql = query.form == "SELECT" and not _LIMIT_RE.search(strip_sparql(text))
    if paged_in_sparql:
        text = f"{text.rstrip()}\nLIMIT {limit + 1} OFFSET {offset}\n"
    computed: list[Answer] = []

    async def compute() -> Kept:
        with meter() as ticket:
            answer = await spkg.executor.run(
                text, results_type=SPARQL_JSON, graph_type="text/turtle", substitutions=bound,
                limit=(limit + 1) if paged_in_sparql else settings.result_limit)
            if ticket is not None:
                ticket.answer = answer
            computed.append(answer)
            return Kept(answer.form, await answer.read())

    key = (query.name, tuple(sorted((k, str(v)) for k, v in bound.items())), limit, offset)
    kept, _ = await spkg.answers.get(f"{version.name}|{version.built_at}", key, compute, pin=pin)
    return kept, paged_in_sparql, computed[0] if computed else None


async def warm(spkg) -> None:
    """Compute the first page of each canned query, with no parameters and with its example,
    for the current dataset version (called by the page warmer, kg.web.app)."""
    try:
        version, queries = spkg.site.version(), spkg.catalogue
    except KGError as e:  # no store yet, or a broken query file: /api/queries says so when asked
        logger.warning("canned queries not computed ahead: %s", e.message)
        return
    for query in queries.values():
        examples = {p.name: p.example for p in query.params if p.example}
        choices = ([{}] if not any(p.required and p.default is None for p in query.params) else []) + \
            ([examples] if examples else [])
        for raw in choices:
            try:
                await _kept_answer(spkg, query, bind(query, raw, spkg.settings.base), DEFAULT_LIMIT, 0, version,
                                   pin=True)
            except KGError as e:  # slower than query_timeout at this size: computed when asked for
                logger.warning("canned query %s (%s) not computed ahead: %s", query.name, raw or "no parameters",
                               e.message)


# -- the OpenAPI document and its page -------------------------------------------------------

def openapi_document(request: Request) -> dict:
    from kg.web import openapi
    from kg.web.caching import CODE

    spkg = state.of(request)
    if spkg.openapi is None:
        spkg.openapi = openapi.build(spkg.catalogue, title="spkg", version=CODE,
                                     result_limit=spkg.settings.result_limit)
    return spkg.openapi


@router.api_route("/openapi.json", methods=GET, include_in_schema=False)
def openapi_json(request: Request) -> Response:
    try:
        doc = openapi_document(request)
    except KGError as e:
        return http_errors.error_response(e)
    return Response(json.dumps(doc, ensure_ascii=False, indent=1), media_type="application/json")


def _try_href(path: str, op: dict) -> str | None:
    """A link that runs the operation with its examples (GET without path parameters only)."""
    if "{" in path:
        return None
    values = []
    for p in op.get("parameters", []):
        example = p.get("example")
        if p.get("in") == "query" and example is not None and p["name"] not in RESERVED:
            values.append((p["name"], str(example)))
    return f"{path}?{urlencode(values)}" if values else path


@router.api_route("/docs", methods=GET, include_in_schema=False)
def docs(request: Request) -> Response:
    from starlette.responses import HTMLResponse

    try:
        doc = openapi_document(request)
    except KGError as e:
        return caching.error(request, e, html=True)
    operations = []
    for path, item in doc["paths"].items():
        for method, op in item.items():
            params = []
            for p in op.get("parameters", []):
                schema = p.get("schema", {})
                params.append({"name": p["name"], "in": p["in"], "required": p.get("required", False),
                               "type": schema.get("x-spkg-type") or schema.get("format") or schema.get("type"),
                               "description": p.get("description", ""), "default": schema.get("default"),
                               "example": p.get("example")})
            operations.append({
                "path": path, "method": method.upper(), "summary": op.get("summary", ""),
                "description": op.get("description", ""), "tags": op.get("tags", []), "params": params,
                "id": op.get("operationId") or path,
                "responses": [(code, r.get("description", ""), list(r.get("content", {})))
                              for code, r in op.get("responses", {}).items()],
                "try": _try_href(path, op) if method == "get" else None,
                "csv": f"{path}.csv" if op.get("x-spkg-query") else None,
                "form": f"/query?name={op['x-spkg-query']}" if op.get("x-spkg-query") else None,
            })
    s = caching.site(request)
    try:
        version = s.version().name
    except KGError:
        version = None
    body = s.renderer.render("api_docs.html", version=version, active="api", doc=doc, operations=operations)
    return HTMLResponse(body)

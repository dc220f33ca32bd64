"""``/query``: the query editor, a plain HTML form that works without JavaScript.

* ``GET /query`` — the editor with a starter query (the known prefixes first)
  and the canned queries as examples;
* ``GET /query?query=…`` — run the SPARQL (in the executor's workers, with
  the time budget) and show the answer as a table under the form, IRIs
  linked to their pages, with CSV/TSV/JSON download links to ``/sparql``.
  The query stays in the URL, so a link reproduces it. A syntax error shows
  its line and column; a timeout says so;
* ``GET /query?example=NAME`` — the editor with a canned query's text, its
  example parameters as a commented ``VALUES`` line (remove the ``#`` to use them);
* ``GET /query?name=NAME&param=…`` — a canned query as a form: one field per
  parameter, the answer as a table, links to the API's JSON and CSV.

When JavaScript runs, ``/-/static/editor.js`` puts YASGUI (vendored in
``kg/site/static/vendor/yasgui/``, served by :func:`vendored_yasgui`) in the
form's place: it runs queries against ``/sparql``, offers the known prefixes
and completes spkg's classes and properties from
``GET /query/vocabulary.json`` (:func:`vocabulary`, the ontology's terms with
their labels). The page's ``#editor-config`` holds what it needs as JSON.
"""

from __future__ import annotations

import json
import re
import time
from urllib.parse import urlencode, urljoin, urlsplit

from fastapi import APIRouter, Request
from rdflib import URIRef
from starlette.concurrency import run_in_threadpool
from starlette.responses import HTMLResponse, JSONResponse, Response

from kg.query import budget
from kg.publish import ld
from kg.sparql import guard as sparql_guard
from kg.web import state
from kg.errors import AnswerTooLarge, BadParameter, KGError, NotFound, QueryTimeout
from kg.web import bodies, caching, observability, security
from kg.web.canned import catalogue, given_once
from kg.web.openapi import LABELS_BODY_CAP, MAX_LABELLED
from kg.sparql.catalogue import PARAM_TYPES, CannedQuery, bind, convert, get_query
from kg.site import STATIC
from kg.site.terms import fetch_labels

router = APIRouter()
GET = ["GET", "HEAD"]

DISPLAY_LIMIT = 1000  # rows the server's table shows at most (the downloads have the whole answer)
#: What the server's table may hold in all (cell text, labels, links): its parsing, labels and HTML are made
#: in the HTTP process (the thirteenth #16 probe: 60 IRI columns x 1,000 rows were a 9.2 MB page, 2 s).
#: Rows stop once past it, as they do at DISPLAY_LIMIT; a literal shows its first CELL_CHARS characters.
PAGE_TABLE_BYTES = 1 << 20
CELL_CHARS = 1000
EDITOR_ANSWER_CAP = 16 * 1024 * 1024  # bytes held; only the rows shown are parsed; a bigger answer is refused
SPARQL_JSON = "application/sparql-results+json"
NTRIPLES = "application/n-triples"
_WHERE = re.compile(r"^(.*\bWHERE\s*\{)[ \t]*$", re.IGNORECASE | re.MULTILINE)
YASGUI = STATIC / "vendor" / "yasgui"
YASGUI_FILES = {"yasgui.min.js": "text/javascript; charset=utf-8", "yasgui.min.css": "text/css; charset=utf-8"}


def starter(base: str) -> str:
    """The query the editor opens with: the known prefixes, then a question worth asking."""
    prefixes = ld.prefixes(base)
    wanted = ("kg", "rdfs", "skos", "xsd", "org", "prov", "eli", "sdg")
    lines = [f"PREFIX {p}: <{prefixes[p]}>" for p in wanted]
    return "\n".join(lines) + """

# Outcomes and the SDG targets they address
SELECT ?outcome ?date ?country ?target
WHERE {
  ?outcome a kg:Outcome ;
           kg:reportedDate ?date ;
           kg:sdgTarget ?target .
  OPTIONAL { ?outcome kg:country ?country }
}
ORDER BY DESC(?date)
LIMIT 100
"""


def example_text(query: CannedQuery, base: str) -> str:
    """A canned query as the editor shows it: no ``#+`` header, its example parameters
    as one commented ``VALUES`` line right after ``WHERE {`` (one edit binds them all)."""
    body = "\n".join(line for line in query.text.splitlines() if not line.startswith("#+")).strip() + "\n"
    body = f"# {query.summary}\n{body}"
    examples = [(p, p.example or PARAM_TYPES[p.type].example) for p in query.params]
    if not examples:
        return body
    terms = [str(convert(p.type, ex, base)) for p, ex in examples]
    names = " ".join(f"?{p.name}" for p, _ in examples)
    said = ", ".join(f"{p.name} = {ex}" for p, ex in examples)
    line = f"  # VALUES ({names}) {{ ({' '.join(terms)}) }}   # {said}: remove the first # to use"
    match = _WHERE.search(body)
    if not match:
        return body + f"\n{line.strip()}\n"
    return body[:match.end()] + "\n" + line + body[match.end():]


def _cell(term: dict, urls, short: dict[str, str]) -> dict:
    kind = term.get("type")
    value = term.get("value", "")
    if kind == "uri":
        text = value
        for prefix, ns in short.items():
            if value.startswith(ns) and len(value) > len(ns):
                text = f"{prefix}:{value[len(ns):]}"
                break
        return {"kind": "iri", "text": text, "href": urls.page(value), "iri": value}
    if kind == "bnode":
        return {"kind": "bnode", "text": f"_:{value}"}
    extra = ""
    if term.get("xml:lang"):
        extra = f"@{term['xml:lang']}"
    elif term.get("datatype") and not term["datatype"].endswith("#string"):
        extra = term["datatype"].rsplit("#", 1)[-1]
    if len(value) > CELL_CHARS:
        return {"kind": "literal", "text": value[:CELL_CHARS] + "…", "extra": extra, "cut": len(value)}
    return {"kind": "literal", "text": value, "extra": extra}


def _size(cell: dict | None) -> int:
    """About what a cell weighs in the page: its text, link and label, and the markup around them."""
    if cell is None:
        return 40
    return 60 + len(cell["text"]) + 2 * len(cell.get("href", "")) + len(cell.get("extra", ""))


def _bounded(rows: list[list], cells, budget: int) -> tuple[list, bool]:
    """The first rows whose cells (made by ``cells``) fit in ``budget`` bytes; whether rows were left out."""
    shown, used = [], 0
    for row in rows:
        made = cells(row)
        used += sum(_size(c) for c in made)
        if used > budget and shown:
            return shown, True
        shown.append(made)
    return shown, False


def _table(answer_body: bytes, form: str, urls, base: str) -> dict:
    """The rows the page shows, parsed lazily from the answer: only those (within PAGE_TABLE_BYTES) cost."""
    import pyoxigraph as ox

    short = {p: ns for p, ns in ld.prefixes(base).items() if p not in ("sdg",)}

    def cell(term) -> dict | None:
        if term is None:
            return None
        if isinstance(term, ox.NamedNode):
            return _cell({"type": "uri", "value": term.value}, urls, short)
        if isinstance(term, ox.BlankNode):
            return _cell({"type": "bnode", "value": term.value}, urls, short)
        return _cell({"type": "literal", "value": term.value, "datatype": term.datatype.value,
                      "xml:lang": term.language}, urls, short)

    if form == "graph":
        triples = ox.parse(answer_body, format=ox.RdfFormat.N_TRIPLES)
        rows, cut = _bounded(triples, lambda t: [cell(t.subject), cell(t.predicate), cell(t.object)],
                             PAGE_TABLE_BYTES)
        return {"columns": ["subject", "predicate", "object"], "rows": rows, "page_cut": cut}
    answer = ox.parse_query_results(answer_body, format=ox.QueryResultsFormat.JSON)
    if isinstance(answer, ox.QueryBoolean):
        return {"boolean": bool(answer), "columns": [], "rows": []}
    columns = [v.value for v in answer.variables]
    rows, cut = _bounded(answer, lambda solution: [cell(solution[c]) for c in columns], PAGE_TABLE_BYTES)
    return {"columns": columns, "rows": rows, "page_cut": cut}


def _add_labels(result: dict, store, base: str) -> None:
    """Put each IRI's label (rdfs:label and the like, where the graph has one) beside it in ``result``'s cells."""
    cells = [c for row in result["rows"] for c in row if c is not None and c["kind"] == "iri"]
    labels = fetch_labels(store, {URIRef(c["iri"]) for c in cells}, base)
    for c in cells:
        label = labels.get(URIRef(c["iri"]))
        if label and label != c["text"]:
            c["label"] = label


async def _run(request: Request, text: str, substitutions=None) -> tuple[dict | None, KGError | None]:
    s = caching.site(request)
    started = time.perf_counter()
    executor = state.of(request).executor
    try:
        if len(text) <= sparql_guard.CHECK_INLINE:
            sparql_guard.check_nesting(text)  # deeper nesting kills the engine's parser
        else:  # a long query's lexing would hold every other request back
            await run_in_threadpool(sparql_guard.check_nesting, text)
        with budget.metered(state.of(request).budget, request.scope,
                            s.settings.query_timeout) as ticket:  # 429 once the client has used its query time
            ticket.answer = answer = await executor.run(text, results_type=SPARQL_JSON, graph_type=NTRIPLES,
                                                        limit=DISPLAY_LIMIT, substitutions=substitutions)
            body = await answer.read(EDITOR_ANSWER_CAP)
        # Parsing the answer, its labels and the page are this process's work: the client's too (probe 13, G1).
        with caching.charged(request):
            result = await run_in_threadpool(_table, body, answer.form, s.urls, s.settings.base)
            body = None
            try:
                await run_in_threadpool(_add_labels, result, s.store(), s.settings.base)
            except KGError:  # no site store to read labels from (an endpoint over another store): IRIs alone
                pass
    except KGError as e:
        observability.query_done(request.scope, "/query", status=e.status, seconds=time.perf_counter() - started,
                                 query=text, error=e)
        return None, e
    observability.query_done(request.scope, "/query", status=200, seconds=time.perf_counter() - started,
                             query=text, answer=answer)
    result.update(truncated=bool(answer.truncated) or result.get("page_cut", False), seconds=answer.seconds,
                  form=answer.form, count=len(result["rows"]))
    return result, None


def _error_view(e: KGError, text: str) -> dict:
    view = {"title": e.title, "message": e.message, "hint": e.hint, "status": e.status,
            "line": getattr(e, "line", None), "column": getattr(e, "column", None),
            "timeout": isinstance(e, QueryTimeout), "retry_after": getattr(e, "retry_after", None)}
    if view["line"]:
        lines = text.splitlines()
        n = view["line"]
        if 1 <= n <= len(lines):
            view["excerpt"] = [(i, lines[i - 1]) for i in range(max(1, n - 2), min(len(lines), n + 1) + 1)]
    return view


def _examples(request: Request) -> list[dict]:
    try:
        queries = catalogue(request)
    except KGError:
        return []
    return [{"name": q.name, "summary": q.summary, "tags": q.tags, "params": q.params,
             "href": f"/query?{urlencode({'example': q.name})}",
             "form_href": f"/query?{urlencode({'name': q.name})}"} for q in queries.values()]


async def _render(request: Request, template: str, status: int = 200, **context) -> Response:
    s = caching.site(request)
    try:
        version = s.version().name
    except KGError:
        version = None
    if context.get("result") is None:
        body = s.renderer.render(template, version=version, active="query", **context)
    else:  # a table of up to PAGE_TABLE_BYTES: off the event loop, on the client's budget (admitted by the query)
        with caching.charged(request, admit=False):
            body = await run_in_threadpool(s.renderer.render, template, version=version, active="query", **context)
    headers = {"cache-control": "no-cache"}
    if template == "editor.html":  # the page that loads YASGUI: see security.EDITOR_CSP
        headers["content-security-policy"] = security.EDITOR_CSP
    retry_after = (context.get("error") or {}).get("retry_after")
    if retry_after is not None:  # 429: the client's query-time budget is used up
        headers["retry-after"] = str(retry_after)
    return HTMLResponse(body, status_code=status, headers=headers)


@router.api_route("/query", methods=GET, include_in_schema=False)
async def editor(request: Request) -> Response:
    s = caching.site(request)
    settings = s.settings
    params = request.query_params
    if params.get("name"):
        return await _canned_form(request, params["name"])
    text = params.get("query")
    result = error = None
    status = 200
    if text is not None and text.strip():
        if len(text) > settings.max_query_length:
            error = _error_view(BadParameter(f"the query is {len(text)} characters long; the limit is "
                                             f"{settings.max_query_length}"), text)
            status = 400
        else:
            result, exc = await _run(request, text)
            if exc is not None:
                error, status = _error_view(exc, text), exc.status
    elif params.get("example"):
        try:
            text = example_text(get_query(catalogue(request), params["example"]), settings.base)
        except KGError as e:
            error, status, text = _error_view(e, ""), e.status, starter(settings.base)
    else:
        text = starter(settings.base)
    downloads = []
    if result is not None or (error or {}).get("title") == AnswerTooLarge.title:  # too large to show: download it
        kinds = (("CSV", "csv"), ("TSV", "tsv"), ("JSON", "json")) if (result or {}).get("form") != "graph" else \
            (("Turtle", "ttl"), ("N-Triples", "nt"), ("JSON-LD", "jsonld"))
        downloads = [{"label": label, "href": f"/sparql?{urlencode({'query': text, 'format': f})}", "format": f}
                     for label, f in kinds]
    examples = _examples(request)
    return await _render(request, "editor.html", status=status, query=text, result=result, error=error,
                         downloads=downloads, examples=examples,
                         prefixes=ld.prefixes(settings.base), timeout=settings.query_timeout,
                         limit=DISPLAY_LIMIT,
                         permalink=f"/query?{urlencode({'query': text})}" if result is not None or error else None,
                         yasgui_config=_yasgui_config(request, examples))


def _yasgui_config(request: Request, examples: list[dict]) -> str:
    """What editor.js needs to set YASGUI up, as JSON (the page holds it in an attribute: no inline script)."""
    s = caching.site(request)
    base = s.settings.base
    try:
        queries = catalogue(request)
    except KGError:
        queries = {}
    texts = {e["name"]: example_text(queries[e["name"]], base) for e in examples if e["name"] in queries}
    config = {
        "endpoint": s.urls.sparql(),
        "editor": s.urls.query(),
        "vocabulary": s.urls.query() + "/vocabulary.json",
        "labels": s.urls.query() + "/labels",
        "prefixes": ld.prefixes(base),
        "examples": [{"name": e["name"], "summary": e["summary"], "query": texts[e["name"]]}
                     for e in examples if e["name"] in texts],
    }
    return json.dumps(config, ensure_ascii=False)


@router.api_route("/query/vocabulary.json", methods=GET, include_in_schema=False)
def vocabulary(request: Request) -> Response:
    """spkg's own classes and properties, with their labels: the editor's autocompletion (no outside service)."""
    s = caching.site(request)
    try:
        terms = s.cached("editor-vocabulary", lambda: _vocabulary_terms(s.context()))
    except KGError as e:
        return caching.error(request, e)
    return JSONResponse(terms, headers={"cache-control": "no-cache"})


def _vocabulary_terms(ctx) -> dict:
    found: dict[str, list[dict]] = {"classes": [], "properties": []}
    kg_ns = ctx.kg
    for r in ctx.rows("editor-vocabulary"):
        iri = str(r["term"])
        found["classes" if str(r["kind"]) == "class" else "properties"].append({
            "iri": iri, "prefixed": "kg:" + iri[len(kg_ns):],
            "label": str(r["label"]) if "label" in r else None,
            "comment": str(r["comment"]) if "comment" in r else None,
        })
    return found


@router.api_route("/query/labels", methods=["POST"], include_in_schema=False)
async def labels(request: Request) -> Response:
    """The labels and pages of the IRIs a result table shows: ``{"iris": [...]}`` in, ``{iri: {"label", "page"}}``
    out. YASR draws the table in the browser; editor.js puts each label beside its IRI and links the IRI to
    its page on this site, as the server's table does."""
    s = caching.site(request)
    try:
        # Read within the cap (the 13th #16 probe's 50 MB body took 1.2 GB and the event loop for 9 s).
        body = await bodies.read_capped(request, LABELS_BODY_CAP, hint=f"send at most {MAX_LABELLED} IRIs")
        asked = _asked_iris(body)
        iris = [i for i in dict.fromkeys(asked) if _is_iri(i)]
        with caching.charged(request):  # a 1,000-IRI look-up takes seconds of this process (probe 13, L5)
            found = await run_in_threadpool(fetch_labels, s.store(), {URIRef(i) for i in iris}, s.settings.base)
    except KGError as e:
        return caching.error(request, e, html=False)
    return JSONResponse({i: {"label": found.get(URIRef(i)), "page": s.urls.page(i)} for i in iris},
                        headers={"cache-control": "no-cache"})


def _asked_iris(body: bytes) -> list[str]:
    """The IRIs of a labels request's JSON body, or :class:`BadParameter` saying what is wrong with it."""
    wanted = f'send {{"iris": [...]}}: a list of at most {MAX_LABELLED} IRIs'
    try:
        data = json.loads(body)
    except RecursionError:  # the decoder recurses per level: nested deeper than the stack, no list of IRIs
        raise BadParameter(f"the JSON body is nested too deep; {wanted}") from None
    except ValueError as e:  # not UTF-8, or not JSON
        raise BadParameter(f"the body is not JSON ({e}); {wanted}") from None
    asked = data.get("iris") if isinstance(data, dict) else None
    if not isinstance(asked, list) or len(asked) > MAX_LABELLED or not all(isinstance(i, str) for i in asked):
        raise BadParameter(wanted)
    return asked


def _is_iri(text: str) -> bool:
    import pyoxigraph as ox

    try:
        ox.NamedNode(text)
    except ValueError:
        return False
    return True


@router.api_route("/-/static/vendor/yasgui/{name}", methods=GET, include_in_schema=False)
def vendored_yasgui(name: str, request: Request) -> Response:
    """The vendored YASGUI files (``/-/static/{name}`` serves only spkg's own, flat)."""
    if name not in YASGUI_FILES:
        return caching.error(request, NotFound(f"no static file vendor/yasgui/{name!r}"))
    data = (YASGUI / name).read_bytes()
    tag = f'"{caching.etag_bytes(data)}"'
    headers = {"etag": tag, "cache-control": "public, max-age=3600"}
    if caching.matches(request.headers.get("if-none-match"), tag):
        return Response(status_code=304, headers=headers)
    return Response(data, headers={**headers, "content-type": YASGUI_FILES[name]})


async def _canned_form(request: Request, name: str) -> Response:
    s = caching.site(request)
    settings = s.settings
    try:
        query = get_query(catalogue(request), name)
    except KGError as e:
        return caching.error(request, e, html=True)
    raw = {k: v for k, v in request.query_params.items() if k != "name"}
    result = error = None
    status = 200
    try:
        given_once(request)
        bound = bind(query, raw, settings.base)
    except KGError as e:
        error, status, bound = _error_view(e, ""), e.status, None
    if bound is not None:
        from kg.rdf import iris

        result, exc = await _run(request, iris.rebase(query.text, settings.base), bound)
        if exc is not None:
            error, status = _error_view(exc, ""), exc.status
    given = {k: v for k, v in raw.items() if v}
    api = f"/api/queries/{query.name}"
    return await _render(request, "canned_form.html", status=status, q=query, values=raw, result=result,
                         error=error, param_types=PARAM_TYPES, examples=_examples(request),
                         json_href=f"{api}.json?{urlencode(given)}" if given else f"{api}.json",
                         csv_href=f"{api}.csv?{urlencode(given)}" if given else f"{api}.csv",
                         editor_href=f"/query?{urlencode({'example': query.name})}")


def editor_url(sparql_url: str, query: str | None = None) -> str:
    """The query editor beside the endpoint at ``sparql_url`` (under any root path), with ``query`` in it:
    a path, without the host, so that no Host header a client sends is echoed into a Location."""
    url = urljoin(urlsplit(sparql_url).path, "query")
    return f"{url}?{urlencode({'query': query})}" if query is not None else url

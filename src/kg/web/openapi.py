"""The OpenAPI 3.1 document of the spkg web API, built from the canned-query headers.

Each canned query (``queries/*.rq``, :mod:`kg.sparql.catalogue`) becomes a path
``/api/queries/{name}`` whose parameters, types, defaults and examples are
those of its ``#+`` header; the other endpoints (``/sparql``, ``/id``,
``/doc``, ``/dumps``, ``/-/health``...) are described by hand below. No
FastAPI here: :mod:`kg.web` serves the document at ``/openapi.json`` and
renders it at ``/docs``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from kg.sparql.catalogue import M49_REGIONS, PARAM_TYPES, CannedQuery, Param

__all__ = ["LABELS_BODY_CAP", "MAX_LABELLED", "MAX_OFFSET", "build", "param_schema"]

OPENAPI_VERSION = "3.1.0"

#: The largest ``offset`` a canned query takes (:mod:`kg.web.canned` checks it).
MAX_OFFSET = 10**9
#: IRIs per ``POST /query/labels`` (:mod:`kg.web.editor` checks it): a page of YASR's table shows far fewer.
MAX_LABELLED = 1000
#: Bytes of a ``POST /query/labels`` body: 1,000 IRIs of about 1,000 characters each.
LABELS_BODY_CAP = 1 << 20

#: JSON Schema ``format`` of the parameter types that have one.
_FORMATS = {"date": "date", "iri": "iri", "integer": None}


def _any_case(word: str) -> str:
    return "".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else re.escape(c) for c in word)


#: Where a type's pattern is looser than what the server takes, the pattern that says
#: it exactly (the server checks the goal's range and the region's name in code).
_EXACT_PATTERNS = {
    "sdg-goal": r"^(0?[1-9]|1[0-7])$",
    "sdg-target": r"^(0?[1-9]|1[0-7])\.(\d{1,2}|[a-z])$",
    "region": "^(" + "|".join([*map(_any_case, M49_REGIONS), *M49_REGIONS.values()]) + ")$",
}


def param_schema(param: Param) -> dict[str, Any]:
    """The JSON Schema of one canned-query parameter (always a string in the URL)."""
    ptype = PARAM_TYPES[param.type]
    schema: dict[str, Any] = {"type": "integer" if param.type == "integer" else "string",
                              "description": f"{param.type}: {ptype.expected}"}
    if ptype.pattern is not None and param.type != "integer":
        schema["pattern"] = _EXACT_PATTERNS.get(param.type, ptype.pattern.pattern)
    fmt = _FORMATS.get(param.type)
    if fmt:
        schema["format"] = fmt
    if param.default is not None:
        schema["default"] = int(param.default) if param.type == "integer" else param.default
    schema["examples"] = [param.example or ptype.example]
    schema["x-spkg-type"] = param.type
    return schema


def _error(description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


_ERRORS = {
    "400": _error("A parameter is missing or has the wrong type; the error names it (`parameter`)."),
    "429": _error("The client used up its query time for now; `Retry-After` says when to come back."),
    "503": _error("The query ran past its time budget (setting `query_timeout`) or the server is busy."),
}


def _query_operation(query: CannedQuery, result_limit: int) -> dict:
    params: list[dict] = []
    for p in query.params:
        item = {"name": p.name, "in": "query", "required": p.required,
                "description": p.description or p.expected, "schema": param_schema(p)}
        if p.example:
            item["example"] = p.example
        params.append(item)
    params += [
        {"name": "limit", "in": "query", "required": False, "description": "Most rows in one page.",
         "schema": {"type": "integer", "minimum": 1, "maximum": result_limit, "default": 100}},
        {"name": "offset", "in": "query", "required": False, "description": "Rows to skip (for the next page).",
         "schema": {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0}},
        {"name": "format", "in": "query", "required": False,
         "description": "json or csv (instead of Accept, or of the .json/.csv suffix).",
         "schema": {"type": "string", "enum": ["json", "csv"]}},
    ]
    description = query.description
    answer = {"application/json": {"schema": {"$ref": "#/components/schemas/QueryAnswer"}},
              "text/csv": {"schema": {"type": "string"}}}
    if query.form == "ASK":
        answer = {"application/json": {"schema": {"type": "object", "required": ["query", "boolean"]}}}
    elif query.form in ("CONSTRUCT", "DESCRIBE"):
        answer = {"text/turtle": {"schema": {"type": "string"}}}
    if query.form == "SELECT":
        description += ("\n\nPages of `limit` rows: the `Link` header has `rel=\"next\"` and `rel=\"prev\"` "
                        "when there are more. Also at `.json` and `.csv`.")
    return {
        "operationId": re.sub(r"-(\w)", lambda m: m.group(1).upper(), query.name),
        "summary": query.summary,
        "description": description,
        "tags": query.tags or ["queries"],
        "parameters": params,
        "responses": {
            "200": {
                "description": "The rows of the answer.",
                "headers": {"Link": {"description": "Links to the first, next and previous pages.",
                                     "schema": {"type": "string"}},
                            "ETag": {"description": "Changes with the dataset version.",
                                     "schema": {"type": "string"}}},
                "content": answer,
            },
            **_ERRORS,
            "406": _error("Neither JSON nor CSV fits `Accept`."),
        },
        "x-spkg-query": query.name,
    }


def _body(content: Mapping[str, str | dict]) -> dict:
    """Response content by media type: a description (any text) or a JSON Schema."""
    return {t: {"schema": d if isinstance(d, dict) else {"type": "string", "description": d}}
            for t, d in content.items()}


def _simple(summary: str, description: str, content: Mapping[str, str | dict], tags: list[str],
            params: list[dict] | None = None, responses: Mapping[str, dict] | None = None) -> dict:
    op: dict[str, Any] = {"summary": summary, "description": description, "tags": tags,
                          "responses": {"200": {"description": "OK", "content": _body(content)},
                                        **(responses or {})}}
    if params:
        op["parameters"] = params
    return op


def _path_param(name: str, description: str, example: str) -> dict:
    return {"name": name, "in": "path", "required": True, "description": description,
            "schema": {"type": "string", "pattern": r"^[a-z0-9][a-z0-9.\-]*$"}, "example": example}


def _redirect(description: str) -> dict:
    return {"description": description, "headers": {"Location": {"schema": {"type": "string"}}}}


def _page_error(description: str) -> dict:
    """An error that is a page for browsers and the JSON error shape for the rest (by Accept)."""
    return {"description": description, "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}},
        "text/html": {"schema": {"type": "string", "description": "the error page"}}}}


_JSON_LD = {"type": ["object", "array"], "description": "JSON-LD"}
_NOT_ACCEPTABLE = _page_error("No format the resource has fits `Accept` or `format=`.")
_PAGE_ERRORS = {"400": _page_error("The path or a parameter cannot be right."), "406": _NOT_ACCEPTABLE}


def _hand_written(result_limit: int) -> dict[str, dict]:
    labels_bytes, labels_max = LABELS_BODY_CAP, MAX_LABELLED
    sparql_params = [
        {"name": "query", "in": "query", "required": False, "description": "The SPARQL query (SELECT, ASK, "
         "CONSTRUCT, DESCRIBE). Without it: the service description, or the query page for browsers.",
         "schema": {"type": "string"}, "example": "SELECT * WHERE { ?s ?p ?o } LIMIT 10"},
        {"name": "default-graph-uri", "in": "query", "required": False, "schema": {"type": "string",
                                                                                 "format": "iri"}},
        {"name": "named-graph-uri", "in": "query", "required": False, "schema": {"type": "string",
                                                                               "format": "iri"}},
        {"name": "format", "in": "query", "required": False, "description": "json, xml, csv, tsv, ttl, nt, "
         "jsonld, rdf, trig, nq (instead of Accept).", "schema": {"type": "string"}, "example": "csv"},
    ]
    results = {"application/sparql-results+json": {"$ref": "#/components/schemas/SparqlResults"},
               "application/sparql-results+xml": "SPARQL XML results", "text/csv": "SPARQL CSV results",
               "text/tab-separated-values": "SPARQL TSV results", "text/turtle": "CONSTRUCT/DESCRIBE as Turtle",
               "application/n-triples": "N-Triples", "application/ld+json": _JSON_LD,
               "application/rdf+xml": "RDF/XML", "application/trig": "TriG", "application/n-quads": "N-Quads",
               "text/html": "without a query: the query page (browsers)"}
    rdf = {"text/html": "the page", "text/turtle": "Turtle", "application/ld+json": _JSON_LD,
           "application/n-triples": "N-Triples", "application/rdf+xml": "RDF/XML"}
    sparql_errors = {**_ERRORS, "400": _error("Syntax error (with `line` and `column`) or a bad parameter."),
                     "403": _error("SPARQL Update, or SERVICE to an endpoint the allowlist does not name."),
                     "405": _error("Only GET, HEAD, POST and OPTIONS."),
                     "406": _error("No result format fits `Accept` or `format=`."),
                     "502": _error("A SERVICE endpoint failed or answered garbage.")}
    post_errors = {**sparql_errors, "413": _error("A body over the limit, refused before it is read."),
                   "415": _error("A body that is neither a form nor application/sparql-query.")}
    graph_params = [
        {"name": "graph", "in": "query", "required": False, "description": "The named graph (or `default`).",
         "schema": {"type": "string", "format": "iri"}, "example": "https://w3id.org/spkg/graph/data/organizations"},
        {"name": "default", "in": "query", "required": False, "allowEmptyValue": True,
         "description": "The default graph, the union of all (read only).", "schema": {"type": "string"}},
    ]
    triples = {"text/turtle": "Turtle", "application/n-triples": "N-Triples", "application/ld+json": _JSON_LD,
               "application/rdf+xml": "RDF/XML"}
    write_errors = {"400": _error("Not exactly one of `graph` and `default`, or a body that does not parse."),
                    "401": _error("No partner token, or an unknown one."),
                    "403": _error("A graph outside the partner's prefix."),
                    "405": _error("The default graph is read only."),
                    "413": _error("A body over `max_upload_bytes`, refused before it is read."),
                    "415": _error("A body that is not RDF."),
                    "422": _error("The graph does not conform to the shapes (with the SHACL report)."),
                    "503": _error("Another write is in progress.")}

    def graph_write(method: str, summary: str) -> dict:
        op: dict[str, Any] = {"operationId": f"graphs{method.capitalize()}", "summary": summary, "tags": ["graphs"],
                              "description": "With `Authorization: Bearer <token>` (`kg token`).",
                              "parameters": graph_params,
                              "responses": {"201": {"description": "Created."}, "204": {"description": "Done."},
                                            **write_errors}}
        if method != "delete":
            op["requestBody"] = {"required": True, "content": {t: {"schema": {"type": "string"}} for t in
                                                               ("text/turtle", "application/n-triples")}}
        return op
    editor_errors = {str(code): {"description": what, "content": _body({"text/html": "the editor, with the error"})}
                     for code, what in ((400, "A syntax error or a bad parameter."), (403, "An update or SERVICE."),
                                        (404, "No canned query of that name."),
                                        (406, "No result format fits."),
                                        (502, "A SERVICE endpoint failed."),
                                        (503, "The query ran past its time budget or the server is busy."))}
    return {
        "/api/queries": {"get": {
            "operationId": "listQueries", "summary": "The catalogue of canned queries",
            "description": "Every canned query with its summary, description, tags and parameters.",
            "tags": ["queries"],
            "responses": {"200": {"description": "The catalogue.", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/QueryList"}}}}}}},
        "/sparql": {
            "get": {**_simple("SPARQL 1.1 Protocol endpoint (query)",
                              f"Runs a read-only SPARQL query over the union of the named graphs. Results past "
                              f"{result_limit} rows are cut (`SPARQL-Results-Truncated: true`). Without a query: "
                              "the service description (RDF) or the query page (browsers).",
                              results, ["sparql"], sparql_params, sparql_errors), "operationId": "sparqlGet"},
            "post": {"operationId": "sparqlPost", "summary": "SPARQL query by POST",
                     "description": "`application/x-www-form-urlencoded` with `query=…`, or "
                                    "`application/sparql-query` with the query as the body.",
                     "tags": ["sparql"],
                     "requestBody": {"required": True, "content": {
                         "application/x-www-form-urlencoded": {"schema": {
                             "type": "object", "properties": {"query": {"type": "string"}}, "required": ["query"]}},
                         "application/sparql-query": {"schema": {"type": "string"}}}},
                     "responses": {"200": {"description": "OK", "content": _body(results)}, **post_errors}},
        },
        "/graphs": {
            "get": {**_simple("A graph (SPARQL 1.1 Graph Store Protocol)", "A named graph, or the default graph "
                              "(the union of all), in the format `Accept` or `format=` asks for.", triples,
                              ["graphs"], graph_params,
                              {"400": _error("Not exactly one of `graph` and `default`, or not an IRI."),
                               "404": _error("No such graph."), "406": _error("No RDF format fits `Accept`.")}),
                    "operationId": "graphsGet"},
            "put": graph_write("put", "Replace a partner graph"),
            "post": graph_write("post", "Add to a partner graph"),
            "delete": graph_write("delete", "Delete a partner graph"),
        },
        "/id/{type}/{key}": {"get": {
            "operationId": "thing", "summary": "An IRI spkg mints: 303 See Other to its document",
            "description": "Every thing has an IRI `{base}id/{type}/{key}`; dereferencing it redirects to "
                           "`/doc/{type}/{key}`.", "tags": ["linked data"],
            "parameters": [_path_param("type", "The kind of thing.", "organization"),
                           _path_param("key", "The thing's key.", "mohrss")],
            "responses": {"303": _redirect("See Other: the document."),
                          "400": _page_error("Not a spkg IRI: types and keys are lower case."),
                          "404": _page_error("spkg has no such thing.")}}},
        "/doc/{type}/{key}": {"get": {**_simple(
            "The document about a thing", "Its own triples, incoming links and neighbours' labels; HTML for "
            "browsers, RDF by `Accept`, `format=` or a suffix (`.ttl`, `.jsonld`, `.nt`, `.rdf`, `.html`).",
            rdf, ["linked data"], [_path_param("type", "The kind of thing.", "organization"),
                                   _path_param("key", "The thing's key.", "mohrss")],
            {**_PAGE_ERRORS, "404": _page_error("spkg has no such thing.")}), "operationId": "document"}},
        "/dumps/": {"get": {**_simple(
            "The versioned dumps", "The list of dump files, with sizes and checksums (HTML); the latest "
            "manifest as JSON.", {"text/html": "the page", "application/json": {"type": "object"}}, ["dumps"],
            responses={"404": _page_error("No dumps have been written yet."), "406": _NOT_ACCEPTABLE}),
            "operationId": "dumps"}},
        "/dumps/latest/{file}": {"get": {
            "operationId": "latestDump", "summary": "The latest dump of the whole graph",
            "description": "302 Found to the current file of that kind, which answers with ETag, 304 and byte "
                           "ranges.", "tags": ["dumps"],
            "parameters": [{"name": "file", "in": "path", "required": True, "schema": {"type": "string"},
                            "example": "spkg.nq.gz"}],
            "responses": {"302": _redirect("The current dump file."), "400": _page_error("Not a dump name."),
                          "404": _page_error("No such dump.")}}},
        "/-/health": {"get": {**_simple(
            "Liveness and worker status", "Whether the store is open and how many query workers are alive.",
            {"application/json": {"$ref": "#/components/schemas/Health"}}, ["server"],
            responses={"503": _error("No query worker is running.")}), "operationId": "health"}},
        "/openapi.json": {"get": {**_simple("This document", "The OpenAPI 3.1 description of the API.",
                                            {"application/json": {"type": "object"}}, ["server"]),
                                  "operationId": "openapi"}},
        "/docs": {"get": {**_simple("The API documentation", "This document as a page, with links to try "
                                    "each query.", {"text/html": "the page"}, ["server"]), "operationId": "docs"}},
        "/query": {"get": {**_simple(
            "The query editor", "Write and run SPARQL, or run a canned query with a form (`name=`).",
            {"text/html": "the page"}, ["sparql"],
            [{"name": "query", "in": "query", "required": False, "schema": {"type": "string"}},
             {"name": "name", "in": "query", "required": False, "description": "A canned query to run with a form.",
              "schema": {"type": "string"}}], editor_errors), "operationId": "editor"}},
        "/query/labels": {"post": {
            "operationId": "editorLabels", "summary": "Labels and pages of IRIs (the query editor's table)",
            "description": f"The label (where the graph has one) and the page on this site of each IRI sent; "
                           f"strings that are no IRI are left out. At most {labels_max} IRIs in a body of at "
                           f"most {labels_bytes:,} bytes; the time it takes counts against the client's query "
                           "time, as a query's does.",
            "tags": ["sparql"],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["iris"], "properties": {"iris": {
                    "type": "array", "maxItems": labels_max, "items": {"type": "string", "format": "iri"}}}}}}},
            "responses": {"200": {"description": "By IRI: its label (null without one) and its page.",
                                  "content": {"application/json": {"schema": {
                                      "type": "object", "additionalProperties": {
                                          "type": "object", "required": ["label", "page"], "properties": {
                                              "label": {"type": ["string", "null"]},
                                              "page": {"type": "string"}}}}}}},
                          "400": _error("Not JSON, or not an object with a list of at most "
                                        f"{labels_max} strings under `iris`."),
                          "413": _error(f"A body over {labels_bytes:,} bytes, refused as soon as it passes that."),
                          "429": _ERRORS["429"], "503": _error("The store cannot be read just now.")}}},
        "/": {"get": {**_simple("The dashboard", "Counts and charts, computed once per dataset version; a client "
                                "that asks for RDF is sent to the dataset's description.",
                                {"text/html": "the page"}, ["pages"],
                                responses={"303": _redirect("See Other: the DCAT/VoID description.")}),
                      "operationId": "dashboard"}},
        "/outcomes": {"get": {**_simple(
            "Outcomes, with filters", "The list of outcomes, filtered by country, SDG target, theme or year reported "
            "(a year, 2021, or a span of years, 2020-2021).",
            {"text/html": "the page"}, ["pages"],
            [{"name": n, "in": "query", "required": False, "schema": {"type": "string"}, "example": e}
             for n, e in (("country", "chn"), ("sdg", "1.3"), ("theme", "old-age"), ("year", "2021"))],
            _PAGE_ERRORS), "operationId": "outcomes"}},
    }


def build(catalogue: Mapping[str, CannedQuery], *, title: str = "spkg", version: str = "0",
          result_limit: int = 100000, server_url: str | None = None) -> dict:
    """The OpenAPI 3.1 document: every canned query and the hand-described endpoints."""
    paths = _hand_written(result_limit)
    for query in catalogue.values():
        paths[f"/api/queries/{query.name}"] = {"get": _query_operation(query, result_limit)}
    doc: dict[str, Any] = {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": title,
            "version": version,
            "summary": "Linked data of the ILO's social-protection results: canned queries, SPARQL, documents",
            "description": "Canned queries from `queries/*.rq`: parameters are bound as typed RDF terms, "
                           "never pasted into the query text. Answers in JSON or CSV, in pages.",
            "license": {"name": "CC-BY-4.0", "identifier": "CC-BY-4.0"},
        },
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "paths": dict(sorted(paths.items())),
        "tags": [{"name": t} for t in sorted({t for p in paths.values() for op in p.values()
                                               for t in op.get("tags", [])})],
        "components": {"schemas": {
            "Error": {"type": "object", "required": ["ok", "error", "status"], "properties": {
                "ok": {"const": False}, "error": {"type": "string"}, "status": {"type": "integer"},
                "title": {"type": "string"}, "hint": {"type": "string"}, "parameter": {"type": "string"},
                "line": {"type": "integer"}, "column": {"type": "integer"}}},
            "QueryAnswer": {"type": "object", "required": ["query", "columns", "rows", "limit", "offset"],
                            "properties": {
                                "query": {"type": "string"}, "params": {"type": "object"},
                                "columns": {"type": "array", "items": {"type": "string"}},
                                "rows": {"type": "array", "items": {"type": "object"}},
                                "limit": {"type": "integer"}, "offset": {"type": "integer"},
                                "count": {"type": "integer"},
                                "next": {"type": ["string", "null"]}, "prev": {"type": ["string", "null"]}}},
            "Health": {"type": "object", "required": ["ok", "status", "workers"], "properties": {
                "ok": {"type": "boolean"}, "status": {"type": "integer"},
                "workers": {"type": "object",
                            "properties": {n: {"type": "integer"} for n in ("size", "alive", "idle")}},
                **{n: {"type": "integer"} for n in ("queries", "timeouts", "restarts", "busy_refusals",
                                                                    "requeued", "promoted")}}},
            "SparqlResults": {"type": "object", "required": ["head"], "description": "SPARQL 1.1 Query Results "
                              "JSON: `results` for SELECT, `boolean` for ASK.", "properties": {
                "head": {"type": "object"}, "results": {"type": "object", "required": ["bindings"]},
                "boolean": {"type": "boolean"}}},
            "QueryList": {"type": "object", "properties": {"queries": {"type": "array", "items": {
                "type": "object", "properties": {"name": {"type": "string"}, "summary": {"type": "string"},
                                                 "params": {"type": "array"}}}}}},
        }},
    }
    if server_url:
        doc["servers"] = [{"url": server_url}]
    return doc

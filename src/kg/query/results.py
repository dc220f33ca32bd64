"""Running a SPARQL query on a store and writing its results.

SELECT results come as an aligned text table, CSV, TSV or SPARQL 1.1 JSON;
ASK as ``true``/``false`` (or SPARQL JSON); CONSTRUCT and DESCRIBE as Turtle
or N-Triples. pyoxigraph's own serialisers write every standard format; only
the text table is ours.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Mapping

import pyoxigraph as ox

from kg.errors import QueryError, StoreError
from kg.store import QueryResult, Store

logger = logging.getLogger(__name__)

SOLUTION_FORMATS = {
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
    "json": ox.QueryResultsFormat.JSON,
}
GRAPH_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES}
FORMATS = ("table", *SOLUTION_FORMATS, *GRAPH_FORMATS)

_XSD = "http://www.w3.org/2001/XMLSchema#"
_BARE_DATATYPES = {f"{_XSD}integer", f"{_XSD}decimal", f"{_XSD}double", f"{_XSD}boolean"}
_PREFIX_DECL = re.compile(r"PREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.IGNORECASE)
_LOCAL = re.compile(r"^[A-Za-z0-9_][\w-]*$")


def query_prefixes(sparql: str) -> dict[str, str]:
    """The query's own PREFIX declarations: results are written with them."""
    return {m.group(1) or "": m.group(2) for m in _PREFIX_DECL.finditer(sparql)}


def kind(result: QueryResult) -> str:
    """``select``, ``ask`` or ``graph``."""
    if isinstance(result, ox.QuerySolutions):
        return "select"
    if isinstance(result, ox.QueryBoolean):
        return "ask"
    return "graph"


def run_query(store: Store, sparql: str, fmt: str | None = None) -> str:
    """Run ``sparql`` on ``store`` and render the result (default format by query form)."""
    started = time.perf_counter()
    result = store.query(sparql)
    try:
        text = render_result(result, fmt, prefixes=query_prefixes(sparql))
    except OSError as e:  # results are computed lazily: store or SERVICE failures show up here
        raise StoreError(f"query failed: {e}") from None
    logger.info("query ran in %.3fs", time.perf_counter() - started)
    return text


def render_result(result: QueryResult, fmt: str | None = None, *, prefixes: Mapping[str, str] | None = None) -> str:
    """Write a query result; ``fmt`` None means table for SELECT/ASK, Turtle for graphs."""
    what = kind(result)
    fmt = fmt or ("turtle" if what == "graph" else "table")
    if fmt not in FORMATS:
        raise QueryError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    allowed = tuple(GRAPH_FORMATS) if what == "graph" else ("table", *SOLUTION_FORMATS)
    if fmt not in allowed:
        form = "CONSTRUCT/DESCRIBE" if what == "graph" else what.upper()
        raise QueryError(f"format {fmt!r} does not apply to {form} results; use one of {', '.join(allowed)}")
    prefixes = dict(prefixes or {})
    if what == "graph":
        return ox.serialize(result, format=GRAPH_FORMATS[fmt], prefixes=prefixes).decode()
    if fmt == "table":
        return ("true" if bool(result) else "false") + "\n" if what == "ask" else table(result, prefixes)
    text = result.serialize(format=SOLUTION_FORMATS[fmt]).decode()
    return text if text.endswith("\n") else text + "\n"


def table(solutions: ox.QuerySolutions, prefixes: Mapping[str, str] | None = None) -> str:
    """An aligned text table with a row count, terms written as in SPARQL."""
    names = [v.value for v in solutions.variables]
    rows = [[term_text(sol[name], prefixes) for name in names] for sol in solutions]
    widths = [max([len(n)] + [len(r[i]) for r in rows]) for i, n in enumerate(names)]

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths)) + " |"

    out = [line(names), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *(line(r) for r in rows)]
    out.append("1 row" if len(rows) == 1 else f"{len(rows)} rows")
    return "\n".join(out) + "\n"


def term_text(term: object, prefixes: Mapping[str, str] | None = None) -> str:
    """One term for people: prefixed name or <iri>, "string"@lang, bare numbers."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return _iri(term.value, prefixes or {})
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        dt = term.datatype.value
        if dt in _BARE_DATATYPES:
            return term.value
        quoted = '"' + term.value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
        if term.language:
            return f"{quoted}@{term.language}"
        if dt == f"{_XSD}string":
            return quoted
        return f"{quoted}^^{_iri(dt, {'xsd': _XSD, **(prefixes or {})})}"
    return str(term)


def _iri(iri: str, prefixes: Mapping[str, str]) -> str:
    for prefix, ns in sorted(prefixes.items(), key=lambda kv: -len(kv[1])):
        if ns and iri.startswith(ns) and _LOCAL.match(iri[len(ns):]):
            return f"{prefix}:{iri[len(ns):]}"
    return f"<{iri}>"

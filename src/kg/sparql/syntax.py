"""SPARQL syntax errors as people read them: a short message with line and column."""

from __future__ import annotations

import re

import pyoxigraph as ox

from kg.errors import QuerySyntaxError
from kg.sparql import guard as sparql_guard

_AT = re.compile(r"^error at (\d+):(\d+): (.*)$", re.S)


def undeclared_prefix(sparql: str) -> tuple[str, int, int] | None:
    """The first prefixed name whose prefix the query never declares (one linear pass of the lexer)."""
    toks = list(sparql_guard.tokens(sparql))

    def declaring(i: int) -> bool:
        return i > 0 and toks[i - 1].kind == "word" and toks[i - 1].text.upper() == "PREFIX"

    declared = {t.text.partition(":")[0] for i, t in enumerate(toks) if t.kind == "pname" and declaring(i)}
    for i, t in enumerate(toks):
        if t.kind != "pname" or declaring(i):
            continue
        prefix = t.text.partition(":")[0]
        if prefix not in declared:
            line = sparql.count("\n", 0, t.start) + 1
            column = t.start - (sparql.rfind("\n", 0, t.start) + 1) + 1
            return prefix, line, column
    return None


def query_syntax_error(e: SyntaxError, sparql: str) -> QuerySyntaxError:
    """pyoxigraph's "error at L:C: expected …" as a short message with line and column."""
    msg = e.msg or str(e)
    if undeclared := undeclared_prefix(sparql):
        prefix, line, column = undeclared
        return QuerySyntaxError(f"line {line}, column {column}: unknown prefix '{prefix}'", line=line, column=column)
    m = _AT.match(msg)
    if not m:
        return QuerySyntaxError(" ".join(msg.split()))
    line, column = int(m.group(1)), int(m.group(2))
    lines = sparql.split("\n")
    rest = " ".join([lines[line - 1][column - 1:], *lines[line:]]) if line <= len(lines) else ""
    expected = " ".join(m.group(3).split())
    if len(expected) > 100:
        expected = expected[:100].rsplit(",", 1)[0] + ", …"
    # The parser reports the furthest point it reached, often the very end.
    found = f"unexpected {rest.split()[0][:30]!r}, " if rest.strip() else ""
    where = "" if rest.strip() else " at the end of the query"
    return QuerySyntaxError(f"line {line}, column {column}: {found}{expected}{where}", line=line, column=column)


_ASK_AS_SELECT = "SELECT (1 AS ?__spkg_ask)"
_PARSE_BASE = "http://spkg.invalid/"  # relative IRIs parse; the base is never used for anything else
_parser = None


def check(sparql: str) -> None:
    """Raise pyoxigraph's SyntaxError if ``sparql`` is not a SPARQL 1.1 query, as the embedded store would.

    An external store's own parser is not asked: each engine refuses different texts with
    different words (Virtuoso predeclares prefixes such as ``foaf:``, names no column, and runs
    ``CLEAR ALL`` sent as a query), so spkg reads every query with one parser, on every
    store. The text is parsed over an empty in-memory store and never evaluated: the answer
    to a SELECT, CONSTRUCT or DESCRIBE is lazy and dropped unread; an ASK (answered at once)
    is parsed as the SELECT of the same pattern, its error's column mapped back.
    """
    global _parser
    if _parser is None:
        _parser = ox.Store()
    text, shift = sparql, None
    if sparql_guard.query_form(sparql) == "ASK":
        ask = next(t for t in sparql_guard.tokens(sparql) if t.kind == "word" and t.text.upper() == "ASK")
        text = sparql[:ask.start] + _ASK_AS_SELECT + sparql[ask.start + 3:]
        line = sparql.count("\n", 0, ask.start) + 1
        shift = (line, ask.start - sparql.rfind("\n", 0, ask.start), len(_ASK_AS_SELECT) - 3)
    try:
        _parser.query(text, base_iri=_PARSE_BASE)
    except SyntaxError as e:
        msg = e.msg or str(e)
        m = _AT.match(msg)
        if shift and m and int(m.group(1)) == shift[0] and int(m.group(2)) > shift[1]:
            column = max(shift[1], int(m.group(2)) - shift[2])
            msg = f"error at {m.group(1)}:{column}: {m.group(3)}"
        error = SyntaxError(msg)
        error.msg = msg
        raise error from None

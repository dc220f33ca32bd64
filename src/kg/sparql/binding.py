"""Binding a query's variables with a ``VALUES`` block at the start of its WHERE group.

An external store has no pyoxigraph ``substitutions`` (they are not a protocol
feature), so the values travel in the text, as a ``VALUES`` block. The embedded
store gets the block too, beside its substitutions: pyoxigraph plans a query
without the substituted values, so a canned query with a parameter it was not
asked before scanned every outcome (1.7 s for one country's outcomes at
100,000); a ``VALUES`` block is planned first (0.14 s), and the answer is the
same, since the substitutions bind the variable in every solution anyway.

Terms are written by pyoxigraph (N-Triples syntax, valid SPARQL): values are
typed terms, never raw request text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pyoxigraph as ox

_SKIP = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
                   r'|<[^<>"{}|^`\\\s]*>|#[^\n]*|[{}()]')
_CONSTRUCT_TEMPLATE = re.compile(r"CONSTRUCT\s*$", re.IGNORECASE)


def where_brace(sparql: str) -> int:
    """The offset of the brace that opens the query's WHERE group; ValueError if there is none."""
    depth = nested = 0
    template = False
    for m in _SKIP.finditer(sparql):
        token = m.group(0)
        if token == "(":
            depth += 1
        elif token == ")":
            depth -= 1
        elif token == "{" and depth == 0:
            if template:
                nested += 1
            elif _CONSTRUCT_TEMPLATE.search(sparql[:m.start()]):
                template, nested = True, 1  # CONSTRUCT { template } WHERE { ... }: skip the template
            else:
                return m.start()
        elif token == "}" and template:
            nested -= 1
            if nested == 0:
                template = False
    raise ValueError("cannot find the WHERE clause to bind the query's parameters in")


def term(t) -> str:
    """A pyoxigraph term in SPARQL syntax; ValueError for a blank node (a label means nothing to a store)."""
    if isinstance(t, ox.BlankNode):
        raise ValueError("a blank node cannot be bound by its label")
    return str(t)


def bind_values(sparql: str, substitutions: Mapping) -> str:
    """``sparql`` with each variable bound to its value, as pyoxigraph's ``substitutions`` do.

    A ``VALUES`` block as the first element of the WHERE group joins before
    anything else, so every pattern sees the value (for the queries spkg binds:
    parameters of the top-level group, not of subqueries).
    """
    if not substitutions:
        return sparql
    names = [f"?{v.value if isinstance(v, ox.Variable) else v}" for v in substitutions]
    values = " ".join(term(t) for t in substitutions.values())
    at = where_brace(sparql) + 1
    return f"{sparql[:at]} VALUES ({' '.join(names)}) {{ ({values}) }} {sparql[at:]}"


def planned_with_values(sparql: str, substitutions: Mapping) -> str:
    """For pyoxigraph, which also gets the ``substitutions``: the text with the block when it can have one,
    else as it is (the substitutions alone give the same answer, only slower)."""
    try:
        return bind_values(sparql, substitutions)
    except ValueError:
        return sparql

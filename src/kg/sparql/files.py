"""The SPARQL the product runs, read from ``.rq`` files next to the code that runs them.

Each layer keeps its queries in a ``sparql/`` folder of its package
(``kg/site/sparql/outcome-page-facts.rq``, ``kg/publish/sparql/…``): one query
per file, named for what it answers, starting with a comment that says what it
answers and where it is used, declaring its prefixes, so that it runs as it is
in any SPARQL console. :func:`text` reads one (cached), with the IRIs minted
under spkg's default base rewritten to the configured one.

Values are *bound*, not pasted: a caller hands IRIs and literals to the store as
``substitutions`` (pyoxigraph binds only variables the query returns, so a
bound variable is in the SELECT clause). What cannot be bound, a list of values
for a ``VALUES`` block, a ``LIMIT``, an optional pattern, is a placeholder
``{{name}}`` in the file, filled by :func:`fill`, which writes pyoxigraph terms
(IRIs and literals, escaped by pyoxigraph) and integers only, never raw text.
"""

from __future__ import annotations

import functools
import importlib.resources
import re
from collections.abc import Iterable

import pyoxigraph as ox

from kg.config import DEFAULT_BASE
from kg.rdf import iris

__all__ = ["PLACEHOLDER", "fill", "placeholders", "text"]

Term = ox.NamedNode | ox.Literal

#: ``{{name}}``: where :func:`fill` puts a value.
PLACEHOLDER = re.compile(r"\{\{([a-z][a-z0-9_]*)\}\}")
_NAME = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")


@functools.cache
def text(package: str, name: str, base: str = DEFAULT_BASE) -> str:
    """The query in ``<package>/sparql/<name>.rq``, its spkg IRIs under ``base``.

    ``package`` is a dotted package name (``"kg.site"``); ``name`` is the file
    name without ``.rq`` (lower case words joined by ``-``).
    """
    if not _NAME.match(name):
        raise ValueError(f"{name!r} is not the name of a query file (lower-case words joined by '-')")
    source = importlib.resources.files(package).joinpath("sparql", f"{name}.rq")
    try:
        sparql = source.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FileNotFoundError(f"no query file sparql/{name}.rq in package {package}") from None
    return iris.rebase(sparql, base)


def placeholders(sparql: str) -> list[str]:
    """The names of the ``{{name}}`` placeholders of a query text, in order, each once."""
    return list(dict.fromkeys(PLACEHOLDER.findall(sparql)))


def fill(sparql: str, **values: Term | int | Iterable | None) -> str:
    """``sparql`` with each ``{{name}}`` placeholder replaced by ``values[name]``, written as SPARQL.

    A value is

    * an IRI or a literal (:class:`pyoxigraph.NamedNode`, :class:`pyoxigraph.Literal`);
    * an ``int`` (for ``LIMIT`` and ``OFFSET``, or a number to compare with);
    * a sequence of terms, or of tuples of terms: the rows of a ``VALUES`` block
      (``VALUES ?x { {{nodes}} }``, ``VALUES (?s ?p) { {{pairs}} }``);
    * ``None``: the lines that hold the placeholder are left out (an optional
      pattern, such as a filter that was not asked for).

    Every placeholder must get a value and every value a placeholder.
    """
    wanted = placeholders(sparql)
    if missing := [n for n in wanted if n not in values]:
        raise KeyError(f"no value for the placeholder(s) {', '.join(missing)} of the query")
    if extra := [n for n in values if n not in wanted]:
        raise KeyError(f"the query has no placeholder(s) {', '.join(extra)}")
    dropped = {n for n, v in values.items() if v is None}
    if dropped:
        sparql = "".join(line for line in sparql.splitlines(keepends=True)
                         if not dropped & set(PLACEHOLDER.findall(line)))
    written = {n: _write(n, v) for n, v in values.items() if v is not None}
    return PLACEHOLDER.sub(lambda m: written[m.group(1)], sparql)


def _write(name: str, value: object) -> str:
    if isinstance(value, bool):
        raise TypeError(f"placeholder {name!r}: a boolean is not a SPARQL value here")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (ox.NamedNode, ox.Literal)):
        return _term(name, value)
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise TypeError(f"placeholder {name!r} takes pyoxigraph IRIs or literals, an int or rows of them, "
                        f"not {type(value).__name__}")
    rows = []
    for row in value:
        if isinstance(row, tuple):
            rows.append("(" + " ".join(_term(name, t) for t in row) + ")")
        else:
            rows.append(_term(name, row))
    return " ".join(rows)


def _term(name: str, term: object) -> str:
    """An IRI or a literal in SPARQL syntax (pyoxigraph writes N-Triples, which is valid SPARQL)."""
    if not isinstance(term, (ox.NamedNode, ox.Literal)):
        raise TypeError(f"placeholder {name!r} takes pyoxigraph IRIs and literals, not {type(term).__name__}")
    return str(term)

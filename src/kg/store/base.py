"""The store interface: what the SPARQL endpoint, pages, dumps and ingest read through.

:class:`Store` is the small protocol; :class:`StoreAdapter` implements it over any
pyoxigraph-like store (the embedded :class:`~kg.store.embedded.OxigraphStore`, or
:class:`~kg.store.remote.RemoteStore` for an external SPARQL store).
:func:`dataset_arguments` is the one rule for a request's dataset, used here and by
the query workers.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, runtime_checkable

import pyoxigraph as ox

from kg.errors import BadParameter, QueryError, StoreError
from kg.sparql import binding
from kg.sparql import guard as sparql_guard
from kg.sparql.syntax import query_syntax_error

# What a query returns: pyoxigraph's result objects. A remote store can make
# the same from an HTTP answer (pyoxigraph.parse_query_results, pyoxigraph.parse);
# graph results may be any iterable of pyoxigraph.Triple.
QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples | Iterable[ox.Triple]


@runtime_checkable
class Store(Protocol):
    def query(self, sparql: str, *, default_graph_uris: list[str] | None = None,
              named_graph_uris: list[str] | None = None,
              use_default_graph_as_union: bool = True,
              substitutions: dict | None = None) -> QueryResult:
        """Run a SPARQL query; the dataset arguments follow the SPARQL protocol.

        ``substitutions`` binds variables to typed terms (canned-query parameters),
        so values are never pasted into the query text.
        """
        ...

    def triple_count(self) -> int:
        """Triples in all named graphs, counted per graph."""
        ...

    def dump_quads(self, output) -> bool:
        """Every quad as N-Quads to ``output`` (a path or a binary file) by the store itself; False if it cannot."""
        ...

    def named_graphs(self) -> list[str]:
        ...

    def close(self) -> None:
        ...


def dataset_arguments(sparql: str, default_graph_uris: list[str] | None, named_graph_uris: list[str] | None,
                      union: bool = True) -> dict:
    """pyoxigraph's keyword arguments for the dataset a request asks for (SPARQL 1.1 Protocol).

    A dataset given with the request replaces the query's FROM / FROM NAMED: what it
    does not name is empty. Without one, a query that declares no dataset of its own
    sees the union of the named graphs as its default graph (``union``).
    """
    if default_graph_uris is not None or named_graph_uris is not None:
        return {"default_graph": _iris(default_graph_uris or [], "default-graph-uri"),
                "named_graphs": _iris(named_graph_uris or [], "named-graph-uri")}
    if not sparql_guard.declares_dataset(sparql):
        return {"use_default_graph_as_union": union}
    return {}


class StoreAdapter:
    """The :class:`Store` interface over a pyoxigraph-like store (embedded, or :class:`kg.store.remote.RemoteStore`)."""

    _store: ox.Store | None

    @property
    def _s(self) -> ox.Store:
        if self._store is None:
            raise StoreError("the store is closed")
        return self._store

    def query(self, sparql: str, *, default_graph_uris: list[str] | None = None,
              named_graph_uris: list[str] | None = None,
              use_default_graph_as_union: bool = True,
              substitutions: dict | None = None) -> QueryResult:
        kwargs = dataset_arguments(sparql, default_graph_uris, named_graph_uris, use_default_graph_as_union)
        if substitutions:
            kwargs["substitutions"] = substitutions
            sparql = binding.planned_with_values(sparql, substitutions)  # planned with the values: see there
        try:
            return self._s.query(sparql, **kwargs)
        except SyntaxError as e:
            raise query_syntax_error(e, sparql) from None
        except ValueError as e:
            raise QueryError(str(e)) from None
        except OSError as e:
            raise StoreError(f"query failed: {e}") from None

    def triple_count(self) -> int:
        return len(self._s)

    def dump_quads(self, output) -> bool:
        """Write every quad to ``output`` (a path or a binary file) as N-Quads without Python touching each
        one, where the store can (the embedded one does); False when it cannot (then ask with SPARQL)."""
        return False

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self._s.named_graphs())

    def graph_counts(self) -> dict[str, int]:
        """Triples per named graph."""
        return graph_counts(self._s)

    def close(self) -> None:
        # pyoxigraph has no close(): dropping the last reference releases RocksDB.
        self._store = None

    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _iris(values: list[str], parameter: str) -> list[ox.NamedNode]:
    out = []
    for v in values:
        try:
            out.append(ox.NamedNode(v))
        except ValueError as e:
            raise BadParameter(f"{parameter} {v!r} is not an IRI ({e})", parameter=parameter) from None
    return out


def graph_counts(store: ox.Store) -> dict[str, int]:
    """Triples per named graph."""
    rows = store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    return {row["g"].value: int(row["n"].value) for row in rows}

"""Canned queries with their catalogue example, bound by pyoxigraph's substitutions alone and with
the VALUES block beside them (kg.sparql.binding), in process on a built store opened read-only.

    .venv/bin/python benchmarks/bench_bind.py benchmarks/out/p100000/.kg/store 3 [query ...]

Prints, per query with an example, the wall time of each run of either form (alternating) and the rows.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pyoxigraph as ox

from kg.sparql import binding
from kg.sparql.catalogue import bind, load_catalogue

QUERIES = Path(__file__).resolve().parents[1] / "queries"


def _timed(store: ox.Store, text: str, substitutions: dict) -> tuple[float, int]:
    started = time.perf_counter()
    result = store.query(text, substitutions=substitutions, use_default_graph_as_union=True)
    rows = len(list(result)) if isinstance(result, ox.QuerySolutions) else 1
    return time.perf_counter() - started, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", help="a built store folder, e.g. benchmarks/out/p100000/.kg/store")
    parser.add_argument("runs", type=int, nargs="?", default=3)
    parser.add_argument("queries", nargs="*", help="canned query names (default: every one with an example)")
    args = parser.parse_args()
    store = ox.Store.read_only(args.store)
    catalogue = load_catalogue(QUERIES)
    for name in args.queries or sorted(catalogue):
        query = catalogue[name]
        examples = {p.name: p.example for p in query.params if p.example}
        if not examples:
            continue
        substitutions = {ox.Variable(k): v for k, v in bind(query, examples).items()}
        planned = binding.planned_with_values(query.text, substitutions)
        alone, both = [], []
        for _ in range(args.runs):
            alone.append(_timed(store, query.text, substitutions))
            both.append(_timed(store, planned, substitutions))
        print(f"{name} {examples}: substitutions alone {[round(t, 3) for t, _ in alone]} s, "
              f"with VALUES {[round(t, 3) for t, _ in both]} s, rows {alone[0][1]} / {both[0][1]}", flush=True)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""spkg's external stores side by side: Oxigraph server and Virtuoso 7 on the same generated data.

    .venv/bin/python benchmarks/bench_stores.py --n 10000 --rounds 2

Each round, for each store in turn (so each figure has its reference from the same
round): a fresh store (`oxigraph serve --union-default-graph` on a new folder, or
`scripts/virtuoso start` on a new folder), then `kg build --no-validate` of the
generated project onto it (timed: parse, load, manifest), then, straight against the
store's SPARQL endpoint (not through spkg), benchmarks/queries/lookup.rq for
--lookups outcomes in turn and agg-country.rq --agg times, one client, JSON results read
whole. The store is stopped before the next one starts. Results go to
benchmarks/results/stores-<N>.json and a Markdown table to stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

sys.path.insert(0, str(common.ROOT / "tests" / "support"))
import external  # noqa: E402  (start_oxigraph, free_port)

KG = str(Path(sys.executable).parent / "kg")


def start(store: str, folder: Path) -> tuple[dict[str, str], callable]:
    """Settings (KG_* environment) for a fresh store in ``folder``, and how to stop it."""
    if store == "oxigraph":
        server = external.start_oxigraph(folder / "oxigraph")
        env = {f"KG_{k.upper()}": v for k, v in server.settings.items()}
        return env, server.stop
    done = subprocess.run([str(external.SCRIPT), "start", str(folder / "virtuoso")], capture_output=True, text=True,
                          check=True, timeout=300)
    env = {}
    for line in done.stdout.splitlines():
        name, _, value = line.removeprefix("export ").partition("=")
        env[name] = value
    return env, lambda: subprocess.run([str(external.SCRIPT), "stop", str(folder / "virtuoso")], check=False,
                                       capture_output=True, timeout=120)


def ask(url: str, query: str) -> int:
    request = urllib.request.Request(url, data=urllib.parse.urlencode({"query": query}).encode(),
                                     headers={"accept": "application/sparql-results+json",
                                              "content-type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(request, timeout=600) as r:
        return len(json.loads(r.read())["results"]["bindings"])


def count(url: str) -> int:
    request = urllib.request.Request(url, data=urllib.parse.urlencode(
        {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}).encode(),
        headers={"accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=600) as r:
        return int(json.loads(r.read())["results"]["bindings"][0]["n"]["value"])


def timed(url: str, queries: list[str]) -> tuple[list[float], list[int]]:
    times, rows = [], []
    for q in queries:
        t0 = time.perf_counter()
        rows.append(ask(url, q))
        times.append((time.perf_counter() - t0) * 1000)
    return times, rows


def one(store: str, project: Path, lookups: list[str], agg: str, n_agg: int) -> dict:
    folder = Path(tempfile.mkdtemp(prefix=f"stores-{store}-", dir=common.OUT))
    env, stop = start(store, folder)
    try:
        t0 = time.perf_counter()
        subprocess.run([KG, "build", "--no-validate", "-q", "--project-dir", str(project),
                        "--store", str(folder / "kg-store")], env={**os.environ, **env}, check=True)
        load = time.perf_counter() - t0
        url = env["KG_STORE_URL"]
        triples = count(url)
        ask(url, lookups[0])  # one warm-up lookup
        lt, lrows = timed(url, lookups)
        at, arows = timed(url, [agg] * n_agg)
    finally:
        stop()
        shutil.rmtree(folder, ignore_errors=True)
    lt_sorted = sorted(lt)
    return {"store": store, "load_s": round(load, 1), "triples": triples,
            "lookup_median_ms": round(statistics.median(lt), 1),
            "lookup_p90_ms": round(lt_sorted[int(0.9 * (len(lt_sorted) - 1))], 1),
            "lookup_rows": sum(lrows), "agg_median_ms": round(statistics.median(at), 1),
            "agg_rows": arows[0]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=10000, help="outcomes generated (benchmarks/generate.py N)")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--lookups", type=int, default=50)
    ap.add_argument("--agg", type=int, default=5)
    ap.add_argument("--stores", default="oxigraph,virtuoso")
    a = ap.parse_args()
    project = common.project_dir(a.n)
    if not (project / "bench-iris.txt").exists():
        subprocess.run([sys.executable, str(common.BENCH / "generate.py"), str(a.n), "--out", str(project)],
                       check=True)
    common.OUT.mkdir(parents=True, exist_ok=True)
    queries = {q.name: q for q in common.load_queries(["lookup", "agg-country"])}
    params = common.Params(project)
    lookups = [params.render(queries["lookup"], i) for i in range(a.lookups)]
    agg = queries["agg-country"].text
    results = []
    for r in range(1, a.rounds + 1):
        for store in a.stores.split(","):
            row = {"round": r, **one(store, project, lookups, agg, a.agg)}
            print(json.dumps(row), file=sys.stderr, flush=True)
            results.append(row)
    out = common.BENCH / "results" / f"stores-{a.n}.json"
    out.write_text(json.dumps({"n": a.n, "lookups": a.lookups, "agg": a.agg, "results": results}, indent=1) + "\n")
    print("| round | store | triples | load (kg build, s) | lookup median / p90 (ms) | agg-country median (ms) | agg rows |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for row in results:
        name = {"oxigraph": "Oxigraph server", "virtuoso": "Virtuoso 7"}[row["store"]]
        print(f"| {row['round']} | {name} | {row['triples']:,} | {row['load_s']} | {row['lookup_median_ms']} / "
              f"{row['lookup_p90_ms']} | {row['agg_median_ms']} | {row['agg_rows']} |")


if __name__ == "__main__":
    main()

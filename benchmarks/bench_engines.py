#!/usr/bin/env python3
"""In-process SPARQL engines on the same data and queries: rdflib's engine vs pyoxigraph.

    .venv/bin/python benchmarks/bench_engines.py --n 10000

Each engine runs in its own child process (so that its memory is its own):
it loads every Turtle file of the generated project (ontology/, shapes/, data/)
into one in-memory default graph, then runs each query of benchmarks/queries/
several times with varying parameters, materialising every result. Reported:
load time, RSS after load, per-query median time and result size. A query that
takes longer than --budget seconds on its first run is run only once.
Results go to benchmarks/results/engines-<N>.json and a Markdown table to stdout.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402


def _rss_mb() -> float:
    return common.tree_rss_mb(__import__("os").getpid())


def run_engine(engine: str, project: Path, names: list[str] | None, repeat: int, budget: float) -> dict:
    files = common.project_files(project)
    queries = common.load_queries(names)
    params = common.Params(project)
    gc.collect()
    rss0 = _rss_mb()
    t0 = time.perf_counter()
    if engine == "rdflib":
        import rdflib
        g = rdflib.Graph()
        for path, _ in files:
            g.parse(path, format="turtle")
        size = len(g)

        def run(text: str) -> int:
            res = g.query(text)
            if res.type in ("CONSTRUCT", "DESCRIBE"):
                return len(res.graph)
            if res.type == "ASK":
                return 1
            return sum(1 for _ in res)
    elif engine in ("pyoxigraph", "pyoxigraph-disk"):
        import pyoxigraph as ox
        on_disk = engine == "pyoxigraph-disk"
        if on_disk:  # like spkg's store: RocksDB on disk, one named graph per file, union default graph
            import tempfile
            tmp = tempfile.mkdtemp(prefix="engines-", dir=common.OUT)
            store = ox.Store(tmp)
        else:
            store = ox.Store()
        for path, graph in files:
            store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE,
                            to_graph=ox.NamedNode(graph) if on_disk else None)
        if on_disk:
            store.flush()
            del store
            store = ox.Store.read_only(tmp)
        size = len(store)
        kwargs = {"use_default_graph_as_union": True} if on_disk else {}

        def run(text: str) -> int:
            res = store.query(text, **kwargs)
            if isinstance(res, ox.QueryBoolean):
                return 1
            return sum(1 for _ in res)
    else:
        raise SystemExit(f"unknown engine {engine}")
    load_s = time.perf_counter() - t0
    gc.collect()
    if engine == "pyoxigraph-disk":
        import atexit
        import shutil
        atexit.register(shutil.rmtree, tmp, True)
    out = {"engine": engine, "triples": size, "load_s": load_s, "rss_mb": _rss_mb() - rss0, "queries": {}}
    for q in queries:
        variants = params.variants(q, limit=max(repeat, 1))
        times, sizes = [], []
        for i in range(repeat):
            text = variants[i % len(variants)]
            t = time.perf_counter()
            sizes.append(run(text))
            times.append(time.perf_counter() - t)
            if sum(times) > budget:
                break
        out["queries"][q.name] = {"runs": len(times), "median_s": statistics.median(times),
                                  "min_s": min(times), "first_s": times[0], "rows": sizes[0]}
        print(f"  {engine:10} {q.name:16} {common.fmt_s(statistics.median(times)):>10}  rows {sizes[0]}",
              file=sys.stderr, flush=True)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=10000, help="outcomes in the generated graph (default 10000)")
    ap.add_argument("--queries", nargs="*", help="query names (default: all in benchmarks/queries/)")
    ap.add_argument("--repeat", type=int, default=7, help="runs per query (default 7)")
    ap.add_argument("--budget", type=float, default=60.0, help="seconds per query and engine before stopping repeats")
    ap.add_argument("--engines", nargs="*", default=["pyoxigraph", "rdflib", "pyoxigraph-disk"],
                    help="pyoxigraph (in memory, one default graph), rdflib (Graph, in memory), pyoxigraph-disk "
                         "(RocksDB on disk, a named graph per file queried as the union default graph, like spkg)")
    ap.add_argument("--engine", help=argparse.SUPPRESS)  # child mode
    ap.add_argument("--report", action="store_true", help="print the table of the saved results and exit")
    args = ap.parse_args(argv)
    if args.report:
        print(markdown(json.loads((common.RESULTS / f"engines-{args.n}.json").read_text())))
        return 0

    project = common.ensure_project(args.n)
    if args.engine:
        print(json.dumps(run_engine(args.engine, project, args.queries, args.repeat, args.budget)))
        return 0

    path = common.RESULTS / f"engines-{args.n}.json"
    results = json.loads(path.read_text()) if path.exists() else {"engines": {}}
    results.update({"n": args.n, "machine": common.machine(), "versions": common.versions()})
    for engine in args.engines:
        cmd = [sys.executable, __file__, "--n", str(args.n), "--engine", engine, "--repeat", str(args.repeat),
               "--budget", str(args.budget)]
        if args.queries:
            cmd += ["--queries", *args.queries]
        print(f"engine {engine} ...", file=sys.stderr, flush=True)
        r = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, check=True)
        results["engines"][engine] = json.loads(r.stdout.strip().splitlines()[-1])
    common.save_json(f"engines-{args.n}.json", results)
    print(markdown(results))
    return 0


def markdown(results: dict) -> str:
    eng = results["engines"]
    names = list(eng)
    order = [n for n in ("pyoxigraph", "rdflib", "pyoxigraph-disk") if n in eng] + \
        [n for n in eng if n not in ("pyoxigraph", "rdflib", "pyoxigraph-disk")]
    names = order
    lines = [f"{results['n']:,} generated outcomes ({next(iter(eng.values()))['triples']:,} triples with the "
             "reference data); median of up to 7 runs with varying parameters, every result materialised. "
             "`pyoxigraph` and `rdflib`: everything in one in-memory default graph. `pyoxigraph-disk`: "
             "RocksDB on disk, opened read-only, one named graph per file queried as the union default "
             "graph: how spkg's store is built and queried.", ""]
    lines.append("| | " + " | ".join(names) + (" | rdflib / pyoxigraph |" if set(names) >= {"rdflib", "pyoxigraph"} else " |"))
    lines.append("|---" * (len(names) + 1 + (1 if set(names) >= {"rdflib", "pyoxigraph"} else 0)) + "|")
    both = set(names) >= {"rdflib", "pyoxigraph"}

    def ratio(a: float, b: float) -> str:
        return f"{a / b:,.0f}x" if b > 0 else "n/a"

    row = "| load (parse Turtle) | " + " | ".join(common.fmt_s(eng[n]["load_s"]) for n in names)
    lines.append(row + (f" | {ratio(eng['rdflib']['load_s'], eng['pyoxigraph']['load_s'])} |" if both else " |"))
    row = "| memory after load (RSS growth) | " + " | ".join(f"{eng[n]['rss_mb']:,.0f} MB" for n in names)
    lines.append(row + (f" | {ratio(eng['rdflib']['rss_mb'], eng['pyoxigraph']['rss_mb'])} |" if both else " |"))
    for q in eng[names[0]]["queries"]:
        cells = []
        for n in names:
            r = eng[n]["queries"].get(q)
            rows = {e["queries"][q]["rows"] for e in eng.values() if q in e["queries"]}
            mark = "" if len(rows) == 1 else " ≠"
            cells.append(f"{common.fmt_s(r['median_s'])} ({r['rows']:,} rows{mark})" if r else "n/a")
        line = f"| `{q}` | " + " | ".join(cells)
        if both:
            a, b = eng["rdflib"]["queries"].get(q), eng["pyoxigraph"]["queries"].get(q)
            line += f" | {ratio(a['median_s'], b['median_s']) if a and b else 'n/a'} |"
        else:
            line += " |"
        lines.append(line)
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())

#!/usr/bin/env python3
"""SPARQL endpoints side by side: spkg (`kg serve`), Oxigraph server and rdflib-endpoint.

    .venv/bin/python benchmarks/bench_endpoint.py                          # the default plan
    .venv/bin/python benchmarks/bench_endpoint.py --run spkg@100000 spkg@10000
    .venv/bin/python benchmarks/bench_endpoint.py --report                 # only print the tables

Each entry of --run is SERVER@OUTCOMES. For each, in one go:

1. load   the generated project benchmarks/out/p<N> (generated if missing): spkg with
          `kg build --no-validate`, Oxigraph with `oxigraph load` (one named graph per
          file, as spkg does), rdflib-endpoint parses at start-up. Time and peak RSS.
2. start  the server on 127.0.0.1 and time until it answers a query (start-up).
3. check  every query once per parameter value (warm-up) and record result sizes, so
          the servers can be seen to do the same work.
4. load-test each query of benchmarks/queries/ at concurrency 1, 4 and 8 for --duration
          seconds (and at most --max-requests requests) with wrk (a Lua script POSTs
          form-encoded queries, rotating the parameter values), or with an asyncio +
          httpx client (--client httpx). Median and p90 latency, throughput. Between
          cells the script waits until the server is idle again.
5. RSS    of the server's whole process tree is sampled every 0.2 s throughout.

All traffic goes to 127.0.0.1 only. Results are merged into
benchmarks/results/endpoint.json (keyed SERVER@N, so a later run adds rows), and the
Markdown tables are printed. Servers are described in the SERVERS table below: add
one there to measure it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

VENV_BIN = common.ROOT / ".venv" / "bin"
PEERS_BIN = common.PEERS_VENV / "bin"
CONCURRENCY = (1, 4, 8)
RESULTS_FILE = "endpoint.json"


# -- the servers -----------------------------------------------------------------------

@dataclass
class Server:
    name: str
    description: str
    # (project, workdir) -> {"load_s": .., "load_peak_rss_mb": ..} or {} when the server loads at start
    prepare: Callable[[Path, Path], dict]
    # (project, workdir, port) -> argv of the server process
    command: Callable[[Path, Path, int], list[str]]
    path: str = "/sparql"
    available: Callable[[], str | None] = lambda: None   # None when usable, else why not
    env: dict = field(default_factory=dict)


def _measure(cmd: list[str], log: Path) -> dict:
    """Run a loading command; wall time and peak RSS of its tree."""
    with open(log, "a") as out:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        s = common.RssSampler(p.pid).start()
        rc = p.wait()
        wall = time.perf_counter() - t0
        peak = s.stop()
    if rc != 0:
        raise RuntimeError(f"{cmd[0]} exited {rc}; see {log}")
    return {"wall_s": wall, "peak_mb": peak}


def spkg_available() -> str | None:
    kg = VENV_BIN / "kg"
    if not kg.exists():
        return "no .venv/bin/kg (run scripts/setup)"
    r = subprocess.run([str(kg), "serve", "--help"], capture_output=True, text=True)
    if r.returncode != 0:
        return "`kg serve` does not exist yet"
    return None


def spkg_prepare(project: Path, work: Path) -> dict:
    r = _measure([str(VENV_BIN / "kg"), "--project-dir", str(project), "--store", str(work / "store"), "-q",
                  "build", "--no-validate"], work / "load.log")
    return {"load_s": r["wall_s"], "load_peak_rss_mb": r["peak_mb"], "load_how": "kg build --no-validate"}


SPKG_EXTRA_ARGS: list[str] = []  # from --spkg-args, e.g. "--workers 3 --query-timeout 120"


def spkg_command(project: Path, work: Path, port: int) -> list[str]:
    return [str(VENV_BIN / "kg"), "--project-dir", str(project), "--store", str(work / "store"),
            "serve", "--host", "127.0.0.1", "--port", str(port), *SPKG_EXTRA_ARGS]


def oxigraph_available() -> str | None:
    return None if (PEERS_BIN / "oxigraph").exists() else "no benchmarks/.venv-peers/bin/oxigraph (see README)"


def oxigraph_prepare(project: Path, work: Path) -> dict:
    total, peak = 0.0, 0.0
    for path, graph in common.project_files(project):
        r = _measure([str(PEERS_BIN / "oxigraph"), "load", "--location", str(work / "store"), "--file", str(path),
                      "--graph", graph], work / "load.log")
        total += r["wall_s"]
        peak = max(peak, r["peak_mb"])
    return {"load_s": total, "load_peak_rss_mb": peak, "load_how": "oxigraph load, one call per file/graph"}


def oxigraph_command(project: Path, work: Path, port: int) -> list[str]:
    # read-only, like spkg's query workers (the read-write server answers queries the same way)
    return [str(PEERS_BIN / "oxigraph"), "serve-read-only", "--location", str(work / "store"),
            "--bind", f"127.0.0.1:{port}", "--union-default-graph"]


def rdflib_endpoint_available() -> str | None:
    return None if (PEERS_BIN / "rdflib-endpoint").exists() else "no benchmarks/.venv-peers/bin/rdflib-endpoint"


def rdflib_endpoint_command(project: Path, work: Path, port: int) -> list[str]:
    files = [str(p) for p, _ in common.project_files(project)]
    return [str(PEERS_BIN / "rdflib-endpoint"), "serve", *files, "--host", "127.0.0.1", "--port", str(port)]


SERVERS: dict[str, Server] = {
    "spkg": Server("spkg", "kg serve (FastAPI/uvicorn over the embedded pyoxigraph store)",
                   spkg_prepare, spkg_command, "/sparql", spkg_available),
    "oxigraph": Server("oxigraph", "Oxigraph server (Rust), --union-default-graph",
                       oxigraph_prepare, oxigraph_command, "/query", oxigraph_available),
    "rdflib-endpoint": Server("rdflib-endpoint", "rdflib-endpoint (FastAPI over an in-memory rdflib Dataset)",
                              lambda project, work: {}, rdflib_endpoint_command, "/",
                              rdflib_endpoint_available),
}


# -- HTTP helpers ------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post(url: str, query: str, accept: str, timeout: float = 300.0) -> tuple[int, bytes]:
    import httpx
    r = httpx.post(url, data={"query": query}, headers={"Accept": accept}, timeout=timeout)
    return r.status_code, r.content


def result_size(body: bytes, accept: str) -> int:
    if accept == "application/sparql-results+json":
        data = json.loads(body)
        return len(data["results"]["bindings"]) if "results" in data else 1
    return sum(1 for line in body.splitlines() if line.strip() and not line.startswith(b"#"))


def wait_ready(url: str, proc: subprocess.Popen, limit: float) -> float:
    import httpx
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < limit:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before it was ready")
        try:
            r = httpx.post(url, data={"query": "ASK { ?s ?p ?o }"},
                           headers={"Accept": "application/sparql-results+json"}, timeout=5)
            if r.status_code == 200:
                return time.perf_counter() - t0
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"server not ready after {limit:.0f} s")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    except ProcessLookupError:
        pass


# -- load generators --------------------------------------------------------------------

WRK_LUA = r"""
local bodies = {}
local idx = 0
local count = 0
local max_requests = __MAX__
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Accept"] = "__ACCEPT__"

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then bodies[#bodies + 1] = line end
  end
end

function request()
  idx = idx % #bodies + 1
  return wrk.format(nil, nil, nil, bodies[idx])
end

function response(status, headers, body)
  count = count + 1
  if count >= max_requests then wrk.thread:stop() end
end

"""
WRK_LUA += common.WRK_REPORT_LUA


def run_wrk(url: str, bodies: list[str], accept: str, conc: int, duration: float, max_requests: int,
            tmp: Path) -> dict:
    body_file = tmp / "bodies.txt"
    body_file.write_text("\n".join(bodies) + "\n")
    script = tmp / "post.lua"
    script.write_text(WRK_LUA.replace("__ACCEPT__", accept).replace("__MAX__", str(max_requests)))
    cmd = ["wrk", "-t1", f"-c{conc}", f"-d{max(1, round(duration))}s", "--timeout", "300s", "-s", str(script),
           url, "--", str(body_file)]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 400)
    line = next((ln for ln in r.stdout.splitlines() if ln.startswith("WRKJSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk failed: {r.stdout}\n{r.stderr}")
    w = json.loads(line[len("WRKJSON "):])
    secs = w["duration_us"] / 1e6
    errors = w["connect"] + w["read"] + w["write"] + w["status"] + w["timeout"]
    ok = max(0, w["requests"] - w["status"])  # wrk counts non-2xx/3xx answers as requests too
    return {"requests": w["requests"], "ok": ok, "seconds": round(secs, 2), "rps": ok / secs if secs else 0.0,
            "rps_all": w["requests"] / secs if secs else 0.0,
            "p50_ms": w["p50_us"] / 1000, "p90_ms": w["p90_us"] / 1000, "p99_ms": w["p99_us"] / 1000,
            "errors": errors, "client": "wrk"}


async def _httpx_cell(url: str, bodies: list[str], accept: str, conc: int, duration: float,
                      max_requests: int) -> dict:
    import httpx
    latencies: list[float] = []
    errors = 0
    counter = 0
    deadline = time.perf_counter() + duration
    headers = {"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"}
    limits = httpx.Limits(max_connections=conc, max_keepalive_connections=conc)
    async with httpx.AsyncClient(limits=limits, timeout=300) as client:
        async def worker() -> None:
            nonlocal errors, counter
            while time.perf_counter() < deadline and counter < max_requests:
                body = bodies[counter % len(bodies)]
                counter += 1
                t = time.perf_counter()
                try:
                    r = await client.post(url, content=body, headers=headers)
                    await r.aread()
                    if r.status_code != 200:
                        errors += 1
                except httpx.HTTPError:
                    errors += 1
                latencies.append(time.perf_counter() - t)
        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(conc)))
        secs = time.perf_counter() - t0
    lat = sorted(latencies)

    def pct(p: float) -> float:
        return lat[min(len(lat) - 1, int(round(p / 100 * (len(lat) - 1))))] * 1000 if lat else 0.0
    ok = len(lat) - errors
    return {"requests": len(lat), "ok": ok, "seconds": round(secs, 2), "rps": ok / secs if secs else 0.0,
            "rps_all": len(lat) / secs if secs else 0.0,
            "p50_ms": pct(50), "p90_ms": pct(90), "p99_ms": pct(99), "errors": errors, "client": "httpx"}


def run_httpx(url: str, bodies: list[str], accept: str, conc: int, duration: float, max_requests: int,
              tmp: Path) -> dict:
    return asyncio.run(_httpx_cell(url, bodies, accept, conc, duration, max_requests))


# -- one server at one size ---------------------------------------------------------------

def measure(server: Server, n: int, args: argparse.Namespace) -> dict:
    project = common.ensure_project(n)
    manifest = json.loads((project / "manifest.json").read_text())
    queries = common.load_queries(args.queries)
    params = common.Params(project)
    work = Path(tempfile.mkdtemp(prefix=f"ep-{server.name}-{n}-", dir=common.OUT))
    out: dict = {"server": server.name, "description": server.description, "outcomes": n,
                 "extra_args": SPKG_EXTRA_ARGS[:] if server.name == "spkg" else [],
                 "generated_triples": manifest["triples"], "when": time.strftime("%Y-%m-%d %H:%M"),
                 "loadavg_before": round(os.getloadavg()[0], 2), "queries": {}}
    client = run_wrk if args.client == "wrk" else run_httpx
    proc = None
    try:
        log(f"{server.name}@{n}: load")
        out.update(server.prepare(project, work))
        port = free_port()
        url = f"http://127.0.0.1:{port}{server.path}"
        cmd = server.command(project, work, port)
        log(f"{server.name}@{n}: start {' '.join(cmd[:4])} ...")
        t0 = time.perf_counter()
        with open(work / "server.log", "w") as slog:
            proc = subprocess.Popen(cmd, stdout=slog, stderr=subprocess.STDOUT, start_new_session=True,
                                    env={**os.environ, **server.env})
        sampler = common.RssSampler(proc.pid).start()
        ready = wait_ready(url, proc, args.start_limit)
        if "load_s" not in out:  # loads at start-up: that is its load time
            out["load_s"] = ready
            out["load_how"] = "parse at start-up (time to first answer)"
            out["load_peak_rss_mb"] = sampler.peak_mb
        out["startup_s"] = ready
        common.wait_idle(proc.pid)
        out["rss_idle_mb"] = common.tree_rss_mb(proc.pid)
        out["pss_idle_mb"] = common.tree_pss_mb(proc.pid)
        out["processes"] = len(common.tree_pids(proc.pid))
        sampler.reset_peak()
        log(f"{server.name}@{n}: ready in {ready:.2f} s, RSS {out['rss_idle_mb']:.0f} MB")
        for q in queries:
            bodies_q = params.variants(q, limit=args.variants)
            sizes = []
            t_first = time.perf_counter()
            failed = None
            for text in bodies_q[: args.warmup]:
                status, body = post(url, text, q.accept)
                if status != 200:
                    failed = f"HTTP {status} after {time.perf_counter() - t_first:.1f} s: {body[:200].decode(errors='replace')}"
                    break
                sizes.append(result_size(body, q.accept))
            if failed:  # e.g. the server's query timeout: record it, measure the other queries
                log(f"  {q.name:16} warm-up failed: {failed}")
                out["queries"][q.name] = {"error": failed, "cells": {}}
                common.wait_idle(proc.pid, limit=args.drain_limit)
                continue
            entry: dict = {"rows_first": sizes[0], "rows_mean": statistics.mean(sizes),
                           "warmup_s": round(time.perf_counter() - t_first, 3), "warmup_n": len(sizes),
                           "cells": {}}
            bodies = [urllib.parse.urlencode({"query": b}) for b in bodies_q]
            per_request = entry["warmup_s"] / entry["warmup_n"]
            for c in args.concurrency:
                # a slow server gets longer cells, so that a few requests finish at each concurrency
                duration = min(max(args.duration, 3 * per_request * c), max(args.max_cell, args.duration))
                r = client(url, bodies, q.accept, c, duration, args.max_requests, work)
                r["idle_wait_s"] = round(common.wait_idle(proc.pid, limit=args.drain_limit), 1)
                entry["cells"][str(c)] = r
                log(f"  {q.name:16} c={c}: {r['rps']:8.1f} req/s  p50 {r['p50_ms']:8.2f} ms  "
                    f"p90 {r['p90_ms']:8.2f} ms  n={r['requests']}  errors={r['errors']}")
            out["queries"][q.name] = entry
        out["rss_peak_serving_mb"] = sampler.peak_mb
        out["pss_peak_serving_mb"] = sampler.peak_pss_mb
        sampler.stop()
    finally:
        if proc is not None:
            stop(proc)
        shutil.rmtree(work, ignore_errors=True)
    return out


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# -- the tables ---------------------------------------------------------------------------

def _f(x: float | None, unit: str = "") -> str:
    if x is None:
        return "–"
    if x >= 100:
        return f"{x:,.0f}{unit}"
    if x >= 10:
        return f"{x:.1f}{unit}"
    return f"{x:.2f}{unit}"


def _rps(cell: dict | None) -> str:
    if not cell:
        return "–"
    if cell["requests"] == 0:
        return "0¹"
    return _f(cell["rps"]) + ("³" if cell.get("errors") else "")


def _lat(entry: dict, c: str) -> str:
    if entry.get("error"):
        return "error²"
    cell = entry["cells"].get(c)
    if not cell:
        return "–"
    if cell["requests"] == 0:
        # nothing finished within the cell: give the warm-up's mean time per request instead
        n = entry.get("warmup_n") or 1
        return f"≈{entry['warmup_s'] / n * 1000:,.0f}¹"
    return f"{_f(cell['p50_ms'])} / {_f(cell['p90_ms'])}"


def markdown(results: dict) -> str:
    runs = results.get("runs", {})
    if not runs:
        return "(no endpoint runs yet)"
    keys = sorted(runs, key=lambda k: (runs[k]["outcomes"], list(SERVERS).index(runs[k]["server"])
                                       if runs[k]["server"] in SERVERS else 99))
    lines = ["#### Load, start-up and memory", "",
             "| server @ outcomes | triples (generated) | load | start-up (to first answer) | processes | "
             "RSS idle after start | peak RSS while serving (PSS) | peak RSS while loading |",
             "|---|---|---|---|---|---|---|---|"]
    for k in keys:
        r = runs[k]
        lines.append(f"| {k} | {r['generated_triples']:,} | {_f(r.get('load_s'), ' s')} ({r.get('load_how', '')}) | "
                     f"{_f(r.get('startup_s'), ' s')} | {r.get('processes', '')} | {_f(r.get('rss_idle_mb'), ' MB')} | "
                     f"{_f(r.get('rss_peak_serving_mb'), ' MB')}"
                     + (f" ({_f(r['pss_peak_serving_mb'], ' MB')})" if r.get("pss_peak_serving_mb") else "")
                     + f" | {_f(r.get('load_peak_rss_mb'), ' MB')} |")
    lines += ["", "When (and the 1-minute load average before): " + "; ".join(
        f"{k} {runs[k]['when'] if not runs[k].get('partial_reruns') else runs[k].get('first_when', '')}"
        f" ({runs[k].get('first_loadavg', runs[k]['loadavg_before'])})"
        + "".join(f", re-measured {', '.join(r['queries'])} at {r['when'][11:]} ({r['loadavg_before']})"
                  for r in runs[k].get("partial_reruns", []))
        for k in keys) + "."]
    qnames = [q for q in common.ORDER if any(q in runs[k]["queries"] for k in keys)]
    qnames += [q for k in keys for q in runs[k]["queries"] if q not in qnames]
    lines += ["", "#### Throughput (requests/s) at concurrency 1 / 4 / 8", "",
              "| query | " + " | ".join(keys) + " |", "|---" * (len(keys) + 1) + "|"]
    for q in qnames:
        cells = []
        for k in keys:
            e = runs[k]["queries"].get(q)
            if not e:
                cells.append("–")
                continue
            if e.get("error"):
                cells.append("error²")
                continue
            cells.append(" / ".join(_rps(e["cells"].get(str(c))) for c in CONCURRENCY))
        lines.append(f"| `{q}` | " + " | ".join(cells) + " |")
    lines += ["", "#### Latency at concurrency 1: median / p90 (ms)", "",
              "| query | " + " | ".join(keys) + " |", "|---" * (len(keys) + 1) + "|"]
    for q in qnames:
        cells = []
        for k in keys:
            e = runs[k]["queries"].get(q)
            cells.append(_lat(e, "1") if e else "–")
        lines.append(f"| `{q}` | " + " | ".join(cells) + " |")
    lines += ["", "#### Latency at concurrency 8: median / p90 (ms)", "",
              "| query | " + " | ".join(keys) + " |", "|---" * (len(keys) + 1) + "|"]
    for q in qnames:
        cells = []
        for k in keys:
            e = runs[k]["queries"].get(q)
            cells.append(_lat(e, "8") if e else "–")
        lines.append(f"| `{q}` | " + " | ".join(cells) + " |")
    lines += ["", "#### Result sizes (rows or triples of the first parameter value; must agree across servers)", "",
              "| query | " + " | ".join(keys) + " |", "|---" * (len(keys) + 1) + "|"]
    for q in qnames:
        lines.append(f"| `{q}` | " + " | ".join(
            str(runs[k]["queries"][q].get("rows_first", "error²")) if q in runs[k]["queries"] else "–"
            for k in keys) + " |")
    errs = [(k, q, c, e["cells"][c]["errors"]) for k in keys for q, e in runs[k]["queries"].items()
            for c in e.get("cells", {}) if e["cells"][c]["errors"]]
    if errs:
        lines += ["", "³ Some requests failed (non-2xx answers such as 503 busy/timeout, or client timeouts); "
                      "throughput counts successful answers only, latency percentiles include the failed ones: "
                  + "; ".join(f"{k} `{q}` c={c}: {n}" for k, q, c, n in errs)]
    if any(cell["requests"] == 0 for k in keys for e in runs[k]["queries"].values()
           for cell in e.get("cells", {}).values()):
        lines += ["", "¹ No request finished within the cell's duration (throughput well under 0.1 req/s); "
                      "the latency shown is the mean time of the warm-up requests, run one at a time."]
    failed = [(k, q, e["error"]) for k in keys for q, e in runs[k]["queries"].items() if e.get("error")]
    if failed:
        lines += ["", "² A single request failed during warm-up, so the query was not load-tested: "
                  + "; ".join(f"{k} `{q}`: {err}" for k, q, err in failed)]
    lines += ["", targets(results)]
    return "\n".join(lines)


def targets(results: dict) -> str:
    """The spkg targets, checked where the measurements exist."""
    runs = results.get("runs", {})

    def rps(key: str, q: str, c: int) -> float | None:
        try:
            return runs[key]["queries"][q]["cells"][str(c)]["rps"]
        except KeyError:
            return None
    rows = ["#### spkg targets (100,000 outcomes)", "", "| target | measured | verdict |", "|---|---|---|"]

    def row(name: str, measured: str, ok: bool | None) -> None:
        rows.append(f"| {name} | {measured} | {'pending' if ok is None else 'met' if ok else '**not met**'} |")

    s, o, rl = "spkg@100000", "oxigraph@100000", "rdflib-endpoint@10000"
    v = rps(s, "lookup", 8)
    row("lookup by IRI ≥ 3,000 req/s at c=8", _f(v, " req/s"), None if v is None else v >= 3000)
    a, b = rps(s, "agg-sdg-target", 4), rps(o, "agg-sdg-target", 4)
    row("outcomes per SDG target ≥ 0.8x Oxigraph server at c=4",
        f"{_f(a)} vs {_f(b)} req/s = {a / b:.2f}x" if a and b else f"spkg {_f(a)}, oxigraph {_f(b)}",
        None if not (a and b) else a >= 0.8 * b)
    c = rps(rl, "agg-sdg-target", 4)
    row("outcomes per SDG target ≥ 20x rdflib-endpoint (at 10,000) at c=4",
        f"{_f(a)} vs {_f(c)} req/s = {a / c:,.0f}x" if a and c else f"spkg {_f(a)}, rdflib-endpoint {_f(c)}",
        None if not (a and c) else a >= 20 * c)
    if s in runs:
        worse = [q for q in runs[s]["queries"] if (rps(s, q, 4) or 0) <= (rps(s, q, 1) or 0)]
        row("throughput at c=4 above c=1 (every query)", "all above" if not worse else "not for: " + ", ".join(worse),
            not worse)
    else:
        row("throughput at c=4 above c=1 (every query)", "–", None)
    m = runs.get(s, {}).get("rss_peak_serving_mb")
    pss = runs.get(s, {}).get("pss_peak_serving_mb")
    row("serving RSS ≤ 1 GB (peak, whole process tree; PSS counts shared pages once)",
        _f(m, " MB") + (f" (PSS {_f(pss, ' MB')})" if pss else ""), None if m is None else m <= 1024)
    st = runs.get(s, {}).get("startup_s")
    row("start-up from a built store < 5 s", _f(st, " s"), None if st is None else st < 5)
    # kg build vs pyoxigraph's bulk_load, as bench_validate.py measures them back to back
    ld = ref = None
    vpath = common.RESULTS / "validate.json"
    if vpath.exists():
        vruns = json.loads(vpath.read_text()).get("runs", {})
        ld = vruns.get("100000/build-novalid", {}).get("wall_s")
        ref = vruns.get("100000/oxload", {}).get("wall_s")
    row("load (kg build --no-validate) within 1.5x of pyoxigraph bulk_load (bench_validate.py, back to back)",
        f"{_f(ld, ' s')} vs {_f(ref, ' s')}" + (f" = {ld / ref:.2f}x" if ld and ref else ""),
        None if not (ld and ref) else ld <= 1.5 * ref)
    a10, c10 = rps("spkg@10000", "agg-sdg-target", 4), rps(rl, "agg-sdg-target", 4)
    if a10 and c10:
        rows.append(f"| (same size, for reference: spkg@10000 vs rdflib-endpoint@10000, outcomes per SDG target "
                    f"at c=4) | {_f(a10)} vs {_f(c10)} req/s = {a10 / c10:,.1f}x | |")
    return "\n".join(rows)


DEFAULT_PLAN = ["oxigraph@10000", "rdflib-endpoint@10000", "spkg@10000", "oxigraph@100000", "spkg@100000"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--run", nargs="*", default=DEFAULT_PLAN, help="SERVER@OUTCOMES entries (default: %(default)s)")
    ap.add_argument("--queries", nargs="*", help="query names (default: all)")
    ap.add_argument("--concurrency", nargs="*", type=int, default=list(CONCURRENCY))
    ap.add_argument("--duration", type=float, default=10.0, help="seconds per cell (default 10)")
    ap.add_argument("--max-cell", type=float, default=120.0,
                    help="longest cell: a server slower than duration/3 per request gets up to this many seconds")
    ap.add_argument("--max-requests", type=int, default=200000, help="requests per cell at most")
    ap.add_argument("--results", default=RESULTS_FILE, help="file in benchmarks/results/ (default %(default)s)")
    ap.add_argument("--variants", type=int, default=1000, help="parameter values rotated through (default 1000)")
    ap.add_argument("--warmup", type=int, default=3, help="requests per query before measuring")
    ap.add_argument("--client", choices=("wrk", "httpx"), default="wrk" if shutil.which("wrk") else "httpx")
    ap.add_argument("--start-limit", type=float, default=1800.0, help="seconds a server may take to answer")
    ap.add_argument("--drain-limit", type=float, default=300.0, help="seconds to wait for a server to go idle")
    ap.add_argument("--spkg-args", default="", help="extra `kg serve` arguments, e.g. '--query-timeout 120'")
    ap.add_argument("--report", action="store_true", help="print the tables of the saved results and exit")
    args = ap.parse_args(argv)
    SPKG_EXTRA_ARGS[:] = args.spkg_args.split()
    # a SIGTERM (e.g. from `timeout`) unwinds like Ctrl-C, so the servers started here are stopped
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))

    path = common.RESULTS / args.results
    results = json.loads(path.read_text()) if path.exists() else {"runs": {}}
    if args.report:
        print(markdown(results))
        return 0
    results["machine"] = common.machine()
    results["versions"] = common.versions()
    results["settings"] = {"duration_s": args.duration, "client": args.client, "concurrency": args.concurrency,
                           "variants": args.variants}
    for entry in args.run:
        name, _, n = entry.partition("@")
        if name not in SERVERS or not n.isdigit():
            raise SystemExit(f"bad --run entry {entry!r}: SERVER@N with SERVER in {list(SERVERS)}")
        server = SERVERS[name]
        why = server.available()
        if why:
            log(f"skip {entry}: {why}")
            continue
        try:
            new = measure(server, int(n), args)
            old = results["runs"].get(entry)
            if args.queries and old:  # a partial re-run: keep the other queries' measurements
                new["queries"] = {**old["queries"], **new["queries"]}
                for k in ("rss_peak_serving_mb", "pss_peak_serving_mb"):  # the peak over all queries
                    new[k] = max(new.get(k) or 0, old.get(k) or 0)
                new["first_when"] = old.get("first_when", old["when"])
                new["first_loadavg"] = old.get("first_loadavg", old["loadavg_before"])
                new["partial_reruns"] = old.get("partial_reruns", []) + [
                    {"when": new["when"], "queries": args.queries, "loadavg_before": new["loadavg_before"]}]
            results["runs"][entry] = new
            results.get("failures", {}).pop(entry, None)
        except Exception as e:  # keep the other entries' results
            log(f"{entry} FAILED: {e}")
            results.setdefault("failures", {})[entry] = str(e)
        common.save_json(args.results, results)
    print(markdown(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

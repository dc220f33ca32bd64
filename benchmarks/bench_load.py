#!/usr/bin/env python3
"""A bounded load test of the real server (`kg serve`), and per-client fairness under a heavy client.

    .venv/bin/python benchmarks/bench_load.py mix                 # the mix at 1, 8, 32, 64 clients
    .venv/bin/python benchmarks/bench_load.py fairness            # light p99 beside a heavy client
    .venv/bin/python benchmarks/bench_load.py --report            # the tables of the saved results

``mix``: closed-loop clients (each sends its next request when the last one is
answered) over a realistic mix of HTML pages, canned queries, raw SPARQL
(lookups by IRI and a one-country aggregate) and dumps (a small file, and a
64 KiB byte range of the big one), for ``--duration`` seconds per level. Per
kind: throughput, p50 and p99 latency, and the errors, with the 503s of the
query queue and the 429s of the client budget counted apart. Then the SPARQL
part alone, against spkg and against Oxigraph server on the same data, at the
same levels. Each simulated client has its own address (``X-Forwarded-For``,
which uvicorn trusts from 127.0.0.1), as on a public endpoint.

``fairness``: one heavy client runs full-scan aggregates flat out (several
connections, honouring Retry-After) while a light client sends lookups by IRI
at a fixed rate (open loop: latency counts from when a request was due, so a
stalled server cannot hide its stalls); with the client budget off and on.

Everything goes to 127.0.0.1; every phase stops by itself after a fixed time.
The 100,000-outcome store is built once into benchmarks/out/load/p<N>/ (with
its dumps) and reused. ``--src DIR`` runs spkg from another source tree (e.g. a
``git archive`` snapshot of a commit), so a run measures committed code.
Results: benchmarks/results/load-mix-<N>.json and load-fairness-<N>.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import signal
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_endpoint as be  # noqa: E402  (server start/stop helpers, Oxigraph loading)
import common  # noqa: E402

KG = str(be.VENV_BIN / "kg")
JSON = "application/sparql-results+json"
LEVELS = (1, 8, 32, 64)
KINDS = ("page-doc", "page-index", "canned", "sparql-lookup", "sparql-agg", "dump-small", "dump-range")
# Requests per 100 of the mix (an analyst crowd: mostly pages and lookups, some API and dumps).
WEIGHTS = {"page-doc": 20, "page-index": 5, "canned": 20, "sparql-lookup": 40, "sparql-agg": 5,
           "dump-small": 5, "dump-range": 5}
SPARQL_WEIGHTS = {"sparql-lookup": 40, "sparql-agg": 5}
# Index pages: rendered once per dataset version at start-up, or (a later page of a long list,
# a filtered /outcomes) from data kept per version. See `pages` for each one alone.
INDEX_PAGES = ("/", "/sdg-targets", "/outcomes", "/organizations", "/instruments", "/instruments?page=2",
               "/outcomes?country={code}")
DUMPS_FROM = 1000  # outcomes of the build whose dumps are served (see prepare)

LOOKUP = "SELECT ?p ?o WHERE { <%s> ?p ?o }"
# An analyst's aggregate: one country's outcomes per SDG target (GROUP BY over a few hundred outcomes).
COUNTRY_AGG = """PREFIX kg: <https://w3id.org/spkg/def/kg#>
SELECT ?target (COUNT(DISTINCT ?o) AS ?n) WHERE {
  ?o kg:country <%s> ; kg:sdgTarget ?target .
} GROUP BY ?target ORDER BY DESC(?n)"""


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# -- the data and the servers --------------------------------------------------------------

def workdir(n: int) -> Path:
    return common.OUT / "load" / f"p{n}"


def spkg_env(src: str | None, work: Path, **settings) -> dict:
    env = {**os.environ, "KG_DUMPS_PATH": str(work / "dumps")}
    if src:
        env["PYTHONPATH"] = str(Path(src).resolve() / "src")
    env.update({f"KG_{k.upper()}": str(v) for k, v in settings.items()})
    return env


def prepare(n: int, src: str | None, peer: bool) -> tuple[Path, Path]:
    """The project, and a work folder with the built store, its dumps and (for the peer) Oxigraph's store."""
    project = common.ensure_project(n)
    work = workdir(n)
    work.mkdir(parents=True, exist_ok=True)
    env = spkg_env(src, work)
    base = [KG, "--project-dir", str(project), "--store", str(work / "store"), "-q"]
    if not (work / "store").is_dir():
        log(f"building the {n:,}-outcome store (kg build --no-validate)")
        subprocess.run(base + ["build", "--no-validate"], env=env, check=True)
    if not list((work / "dumps").glob("*.json")):
        # The load test asks for the ontology file (the same at any size) and a 64 KiB range of
        # the big file, so the dumps of a 1,000-outcome build serve as well, and are written in
        # seconds (100,000 outcomes take 7 minutes: bench_dump.py).
        small = common.ensure_project(DUMPS_FROM)
        store = common.OUT / "load" / f"p{DUMPS_FROM}" / "store"
        small_base = [KG, "--project-dir", str(small), "--store", str(store), "-q"]
        log(f"writing the dumps of the {DUMPS_FROM:,}-outcome project (kg dump)")
        if not store.is_dir():
            subprocess.run(small_base + ["build", "--no-validate"], env=env, check=True)
        subprocess.run(small_base + ["dump"], env=env, check=True)
    if peer and be.oxigraph_available() is None and not (work / "oxigraph").is_dir():
        log("loading Oxigraph server's store")
        (work / "oxigraph").mkdir()
        be.oxigraph_prepare(project, work / "oxigraph")
    return project, work


class Served:
    """A server process on a free 127.0.0.1 port, stopped on exit."""

    def __init__(self, cmd: list[str], env: dict, path: str, log_file: Path) -> None:
        self.cmd, self.env, self.path, self.log_file = cmd, env, path, log_file
        self.port = be.free_port()
        self.cmd = [a.replace("{port}", str(self.port)) for a in cmd]

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Served:
        with open(self.log_file, "w") as out:
            self.proc = subprocess.Popen(self.cmd, stdout=out, stderr=subprocess.STDOUT, env=self.env,
                                         start_new_session=True)
        try:
            self.startup = be.wait_ready(self.base + self.path, self.proc, 600)
            # spkg computes its dashboard in the background at start-up (full scans): wait until it is done
            self.settled = common.wait_idle(self.proc.pid, quiet_fraction=0.15, window=1.0, limit=600)
        except BaseException:
            be.stop(self.proc)
            raise
        return self

    def __exit__(self, *exc) -> None:
        be.stop(self.proc)


def spkg_server(project: Path, work: Path, src: str | None, **settings) -> Served:
    cmd = [KG, "--project-dir", str(project), "--store", str(work / "store"), "-q", "serve",
           "--host", "127.0.0.1", "--port", "{port}"]
    return Served(cmd, spkg_env(src, work, **settings), "/sparql", work / "spkg.log")


def oxigraph_server(work: Path) -> Served:
    cmd = be.oxigraph_command(Path(), work / "oxigraph", 0)
    cmd[-2] = "127.0.0.1:{port}"  # --bind
    return Served(cmd, dict(os.environ), "/query", work / "oxigraph.log")


# -- the requests -----------------------------------------------------------------------

@dataclass(frozen=True)
class Req:
    kind: str
    method: str
    path: str
    headers: tuple = ()
    form: tuple = ()


def requests_for(kinds: dict[str, int], project: Path, sparql_path: str, count: int = 4000) -> list[Req]:
    """A deterministic sequence of ``count`` requests drawn with ``kinds``' weights, parameters varying."""
    params = common.Params(project)
    outcomes = params.outcomes
    countries = params.countries
    rng = random.Random(8)
    population = [k for k, w in kinds.items() for _ in range(w)]
    html = (("accept", "text/html"),)
    out = []
    for i in range(count):
        kind = rng.choice(population)
        outcome = outcomes[rng.randrange(len(outcomes))]
        country = countries[rng.randrange(len(countries))]
        key = outcome.rsplit("/", 1)[1]
        if kind == "page-doc":
            out.append(Req(kind, "GET", f"/doc/outcome/{key}", html))
        elif kind == "page-index":
            code = country.rsplit("/", 1)[1].upper()
            out.append(Req(kind, "GET", rng.choice(INDEX_PAGES).format(code=code), html))
        elif kind == "canned":  # three outcome reports to one country list
            code = country.rsplit("/", 1)[1].upper()
            path = rng.choice((f"/api/queries/get-outcome-report?outcome={outcome}",) * 3
                              + (f"/api/queries/list-outcomes-by-country?country={code}&limit=20",))
            out.append(Req(kind, "GET", path))
        elif kind == "sparql-lookup":
            out.append(Req(kind, "POST", sparql_path, (("accept", JSON),), (("query", LOOKUP % outcome),)))
        elif kind == "sparql-agg":
            out.append(Req(kind, "POST", sparql_path, (("accept", JSON),), (("query", COUNTRY_AGG % country),)))
        elif kind == "dump-small":
            out.append(Req(kind, "GET", "/dumps/latest/spkg-ontology.ttl"))
        elif kind == "dump-range":
            out.append(Req(kind, "GET", "/dumps/latest/spkg.nt.gz", (("range", "bytes=0-65535"),)))
    return out


# -- the load generator ------------------------------------------------------------------

@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(int)))


def _outcome(status: int, body: bytes) -> str:
    if status < 400:
        return "ok"
    if status == 503:
        return "503-busy" if b"server busy" in body else "503-timeout" if b"timeout" in body else "503-other"
    if status == 429:
        return "429"
    return f"error-{status}"


async def closed_loop(base: str, reqs: list[Req], clients: int, duration: float, spoof: bool = True) -> dict:
    """``clients`` connections, each sending its next request when the last is answered, for ``duration`` s."""
    import httpx

    tally = Tally()
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=180, follow_redirects=True) as http:
        stop_at = time.perf_counter() + duration

        async def client(i: int) -> None:
            who = {"x-forwarded-for": f"10.99.{i // 250}.{i % 250 + 1}"} if spoof else {}
            k = i * 997
            while time.perf_counter() < stop_at:
                r = reqs[k % len(reqs)]
                k += 1
                t = time.perf_counter()
                try:
                    resp = await http.request(r.method, r.path, headers={**dict(r.headers), **who},
                                              data=dict(r.form) if r.form else None)
                    result = _outcome(resp.status_code, resp.content)
                except httpx.HTTPError as e:
                    result = f"error-{type(e).__name__}"
                tally.latencies[r.kind].append(time.perf_counter() - t)
                tally.statuses[r.kind][result] += 1

        t0 = time.perf_counter()
        await asyncio.gather(*(client(i) for i in range(clients)))
        wall = time.perf_counter() - t0
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    out = {"clients": clients, "seconds": round(wall, 2),
           "loadgen_cpu_s": round(cpu1.ru_utime + cpu1.ru_stime - cpu0.ru_utime - cpu0.ru_stime, 1), "kinds": {}}
    for kind, lats in tally.latencies.items():
        out["kinds"][kind] = summary(lats, tally.statuses[kind], wall)
    every = [x for lats in tally.latencies.values() for x in lats]
    allstat: dict[str, int] = defaultdict(int)
    for st in tally.statuses.values():
        for k, v in st.items():
            allstat[k] += v
    out["all"] = summary(every, allstat, wall)
    return out


def summary(lats: list[float], statuses: dict[str, int], wall: float) -> dict:
    lat = sorted(lats)

    def pct(p: float) -> float | None:
        return round(lat[min(len(lat) - 1, int(p / 100 * len(lat)))] * 1000, 2) if lat else None
    ok = statuses.get("ok", 0)
    return {"requests": len(lat), "ok": ok, "rps": round(ok / wall, 1) if wall else 0.0,
            "p50_ms": pct(50), "p99_ms": pct(99), "max_ms": round(lat[-1] * 1000, 1) if lat else None,
            "statuses": dict(statuses)}


# -- mix -------------------------------------------------------------------------------------

def run_mix(args: argparse.Namespace) -> dict:
    project, work = prepare(args.n, args.src, args.peer)
    result = {"outcomes": args.n, "when": time.strftime("%Y-%m-%d %H:%M"), "src": args.src,
              "duration_s": args.duration, "weights": WEIGHTS, "dumps_from_outcomes": DUMPS_FROM,
              "levels": {}, "sparql": {}}
    mix = requests_for(WEIGHTS, project, "/sparql")
    sparql = requests_for(SPARQL_WEIGHTS, project, "/sparql")
    with spkg_server(project, work, args.src) as spkg:
        result["spkg_startup_s"] = round(spkg.startup, 2)
        warm(spkg.base, mix)
        for c in args.levels:
            result["levels"][str(c)] = level(spkg.base, mix, c, args.duration, "spkg mix")
        for c in args.levels:
            result["sparql"].setdefault("spkg", {})[str(c)] = level(spkg.base, sparql, c, args.duration, "spkg sparql")
    if args.peer and be.oxigraph_available() is None:
        oxi_reqs = requests_for(SPARQL_WEIGHTS, project, "/query")
        with oxigraph_server(work) as oxi:
            warm(oxi.base, oxi_reqs)
            for c in args.levels:
                result["sparql"].setdefault("oxigraph", {})[str(c)] = level(oxi.base, oxi_reqs, c, args.duration,
                                                                            "oxigraph sparql", spoof=False)
    return result


def warm(base: str, reqs: list[Req]) -> None:
    """One request per kind and route (per path for index pages and dumps), so caches are filled first."""
    import httpx

    seen: dict[tuple[str, str], Req] = {}
    for r in reqs:
        route = r.path if r.kind.startswith(("page-index", "dump")) else r.path.split("?")[0].rsplit("/", 1)[0]
        seen.setdefault((r.kind, route), r)
    with httpx.Client(base_url=base, timeout=600, follow_redirects=True) as http:
        for r in seen.values():
            http.request(r.method, r.path, headers=dict(r.headers), data=dict(r.form) if r.form else None)


def level(base: str, reqs: list[Req], clients: int, duration: float, what: str, spoof: bool = True) -> dict:
    load = round(os.getloadavg()[0], 2)
    out = asyncio.run(closed_loop(base, reqs, clients, duration, spoof))
    out["loadavg_before"] = load
    a = out["all"]
    log(f"{what} c={clients}: {a['rps']} req/s, p50 {a['p50_ms']} ms, p99 {a['p99_ms']} ms, "
        f"{a['statuses']} (load {load})")
    return out


# -- fairness --------------------------------------------------------------------------------

HEAVY = [common.load_queries([name])[0].text for name in ("agg-sdg-target", "agg-country")]
ANALYST_EVERY = 15.0  # seconds between another client's aggregates (fairness)
LIGHT_OUTSTANDING = 64  # lookups on the wire at most (fairness)


async def fairness_phase(base: str, lookups: list[str], seconds: float, rate: float, heavy_clients: int) -> dict:
    import httpx

    light: list[tuple[float, float, str]] = []    # (due, latency, outcome)
    analyst: list[tuple[float, float, str]] = []  # another client's occasional aggregate
    heavy: dict[str, int] = defaultdict(int)
    heavy_busy = 0.0
    limits = httpx.Limits(max_connections=LIGHT_OUTSTANDING + heavy_clients + 2,
                          max_keepalive_connections=LIGHT_OUTSTANDING + heavy_clients + 2)
    # At most LIGHT_OUTSTANDING lookups on the wire: a stalled server would otherwise pile up thousands
    # in httpx's pool and the client would eat a core; a lookup waiting for a slot still counts from its due time.
    slots = asyncio.Semaphore(LIGHT_OUTSTANDING)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=180) as http:
        t0 = time.perf_counter()
        stop_at = t0 + seconds

        async def one_light(i: int, due: float) -> None:
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            async with slots:
                try:
                    r = await http.post("/sparql", data={"query": LOOKUP % lookups[i % len(lookups)]},
                                        headers={"accept": JSON, "x-forwarded-for": "10.1.0.1"},
                                        timeout=max(1.0, stop_at + 60 - time.perf_counter()))
                    result = _outcome(r.status_code, r.content)
                except httpx.HTTPError as e:
                    result = f"error-{type(e).__name__}"
            light.append((due - t0, time.perf_counter() - due, result))

        async def heavy_client(j: int) -> None:
            nonlocal heavy_busy
            k = j
            while time.perf_counter() < stop_at:
                t = time.perf_counter()
                try:
                    r = await http.post("/sparql", data={"query": HEAVY[k % len(HEAVY)]},
                                        headers={"accept": JSON, "x-forwarded-for": "10.2.0.1"},
                                        timeout=max(1.0, stop_at - t))
                except httpx.TimeoutException:
                    break
                k += 1
                result = _outcome(r.status_code, r.content)
                heavy[result] += 1
                if result == "ok":
                    heavy_busy += time.perf_counter() - t
                if r.status_code in (429, 503):  # a well-behaved client waits as told
                    wait = float(r.headers.get("retry-after", "1"))
                    await asyncio.sleep(min(wait, max(0.0, stop_at - time.perf_counter())))

        async def analyst_client() -> None:
            # one aggregate at a time, every ANALYST_EVERY s (or as soon as the last one is answered)
            k = 0
            while time.perf_counter() < stop_at - ANALYST_EVERY:
                due = t0 + k * ANALYST_EVERY
                await asyncio.sleep(max(0.0, due - time.perf_counter()))
                t = time.perf_counter()
                try:
                    r = await http.post("/sparql", data={"query": HEAVY[k % len(HEAVY)]},
                                        headers={"accept": JSON, "x-forwarded-for": "10.3.0.1"},
                                        timeout=max(1.0, stop_at - t))
                    result = _outcome(r.status_code, r.content)
                except httpx.HTTPError as e:
                    result = f"error-{type(e).__name__}"
                analyst.append((t - t0, time.perf_counter() - t, result))
                k = max(k + 1, int((time.perf_counter() - t0) / ANALYST_EVERY) + 1)

        n = int(seconds * rate)
        tasks = [asyncio.ensure_future(one_light(i, t0 + i / rate)) for i in range(n)]
        tasks += [asyncio.ensure_future(heavy_client(j)) for j in range(heavy_clients)]
        if heavy_clients:
            tasks.append(asyncio.ensure_future(analyst_client()))
        await asyncio.gather(*tasks, return_exceptions=True)
    return {"light": light, "heavy": dict(heavy), "analyst": analyst}


def light_summary(light: list, start: float = 0.0) -> dict:
    part = [x for x in light if x[0] >= start]
    lat = sorted(x[1] for x in part)
    statuses: dict[str, int] = defaultdict(int)
    for x in part:
        statuses[x[2]] += 1

    def pct(p: float) -> float | None:
        return round(lat[min(len(lat) - 1, int(p / 100 * len(lat)))] * 1000, 2) if lat else None
    return {"requests": len(lat), "p50_ms": pct(50), "p99_ms": pct(99), "max_ms": pct(100),
            "statuses": dict(statuses)}


def run_fairness(args: argparse.Namespace) -> dict:
    project, work = prepare(args.n, args.src, False)
    lookups = common.Params(project).outcomes
    result = {"outcomes": args.n, "when": time.strftime("%Y-%m-%d %H:%M"), "src": args.src,
              "phase_s": args.phase, "light_rate": args.rate, "heavy_clients": args.heavy_clients, "phases": []}
    plan = [("alone", 0.0, 0)] + [(f"budget {b:g} s" if b else "no budget", b, args.heavy_clients)
                                  for b in args.budgets]
    for name, seconds, heavy_clients in plan:
        with spkg_server(project, work, args.src, client_query_seconds=seconds) as spkg:
            asyncio.run(fairness_phase(spkg.base, lookups, 2.0, 20, 0))  # warm the lookup path
            load = round(os.getloadavg()[0], 2)
            duration = args.phase if heavy_clients else min(args.phase, 30.0)
            got = asyncio.run(fairness_phase(spkg.base, lookups, duration, args.rate, heavy_clients))
        phase = {"phase": name, "client_query_seconds": seconds, "seconds": duration, "loadavg_before": load,
                 "light": light_summary(got["light"]), "heavy": got["heavy"]}
        if heavy_clients:
            phase["light_after_60s"] = light_summary(got["light"], 60.0)
            phase["analyst"] = [(round(at, 1), round(lat, 2), res) for at, lat, res in got["analyst"]]
        log(f"fairness {name}: light {phase['light']} heavy {got['heavy']} (load {load})")
        result["phases"].append(phase)
    return result


# -- pages: first and second view of each index page ------------------------------------------

PROBE_PAGES = ("/", "/sdg-targets", "/organizations", "/instruments", "/instruments?page=2", "/outcomes",
               "/outcomes?country=CHN", "/doc/outcome/chn302-2021-07-16")


def run_pages(args: argparse.Namespace) -> dict:
    """Why the mix leaves some index pages out: how long each takes, cold then cached, one at a time."""
    import httpx

    project, work = prepare(args.n, args.src, False)
    result = {"outcomes": args.n, "when": time.strftime("%Y-%m-%d %H:%M"), "src": args.src, "pages": []}
    with spkg_server(project, work, args.src) as spkg, httpx.Client(base_url=spkg.base, timeout=args.page_limit) as http:
        for path in PROBE_PAGES:
            row = {"path": path, "loadavg_before": round(os.getloadavg()[0], 2)}
            for view in ("first_s", "second_s"):
                t = time.perf_counter()
                try:
                    answer = http.get(path, headers={"accept": "text/html"})
                    row["status"], row["bytes"] = answer.status_code, len(answer.content)
                    row[view] = round(time.perf_counter() - t, 3)
                except httpx.TimeoutException:
                    row[view] = None   # longer than --page-limit
                    break
            log(f"page {row}")
            result["pages"].append(row)
    return result


# -- report ---------------------------------------------------------------------------------

def _ms(x: float | None) -> str:
    return "—" if x is None else f"{x:,.0f}" if x >= 100 else f"{x:.1f}"


def _cell(k: dict | None) -> str:
    if not k:
        return ""
    return f"{k['rps']:,.1f} · {k['p50_ms']:,.1f} / {k['p99_ms']:,.0f}"


def _errors(k: dict) -> str:
    st = k["statuses"]
    errors = sum(v for s, v in st.items() if s.startswith(("error", "503-other", "503-timeout")))
    return f"{errors} / {st.get('503-busy', 0)} / {st.get('429', 0)}"


def markdown(mix: dict | None, fair: dict | None, pages: dict | None = None) -> str:
    out = []
    if mix:
        levels = list(mix["levels"])
        out.append(f"Mix at {mix['outcomes']:,} outcomes, {mix['duration_s']:g} s per level ({mix['when']}); "
                   "cells: req/s · p50 / p99 ms.\n")
        out.append("| kind | " + " | ".join(f"c={c}" for c in levels) + " |")
        out.append("|---|" + "---|" * len(levels))
        for kind in KINDS + ("all",):
            cells = [_cell(mix["levels"][c]["kinds"].get(kind) if kind != "all" else mix["levels"][c]["all"])
                     for c in levels]
            out.append(f"| {kind} | " + " | ".join(cells) + " |")
        out.append("| errors / 503 busy / 429 | " + " | ".join(_errors(mix["levels"][c]["all"]) for c in levels) + " |")
        out.append("| load generator CPU s | " + " | ".join(str(mix["levels"][c]["loadgen_cpu_s"]) for c in levels)
                   + " |")
        out.append("| load average before | " + " | ".join(str(mix["levels"][c]["loadavg_before"]) for c in levels)
                   + " |")
        out.append("")
        servers = list(mix["sparql"])
        ratio = " : ".join(str(w) for w in SPARQL_WEIGHTS.values())
        out.append(f"SPARQL part alone (lookups : aggregate = {ratio}), side by side; cells: req/s · p50 / p99 ms.\n")
        out.append("| server | kind | " + " | ".join(f"c={c}" for c in levels) + " |")
        out.append("|---|---|" + "---|" * len(levels))
        for s in servers:
            for kind in ("sparql-lookup", "sparql-agg", "all"):
                cells = [_cell(mix["sparql"][s][c]["kinds"].get(kind) if kind != "all" else mix["sparql"][s][c]["all"])
                         for c in levels if c in mix["sparql"][s]]
                out.append(f"| {s} | {kind} | " + " | ".join(cells) + " |")
            out.append(f"| {s} | errors / 503 busy / 429 | "
                       + " | ".join(_errors(mix["sparql"][s][c]["all"]) for c in levels if c in mix["sparql"][s])
                       + " |")
            out.append(f"| {s} | load average before | "
                       + " | ".join(str(mix["sparql"][s][c]["loadavg_before"]) for c in levels if c in mix["sparql"][s])
                       + " |")
        out.append("")
    if fair:
        out.append(f"Fairness at {fair['outcomes']:,} outcomes ({fair['when']}): lookups by IRI at "
                   f"{fair['light_rate']:g} req/s (open loop) beside {fair['heavy_clients']} connections of one "
                   "client running full-scan aggregates.\n")
        out.append("| phase | light p50 / p99 ms (whole phase) | light p99 after 60 s | light errors | "
                   "heavy answers / 429 / 503 | another client's aggregate: median (max) s | load avg before |")
        out.append("|---|---|---|---|---|---|---|")
        for p in fair["phases"]:
            li, after = p["light"], p.get("light_after_60s")
            bad = sum(v for s, v in li["statuses"].items() if s != "ok")
            h = p["heavy"]
            heavy = f"{h.get('ok', 0)} / {h.get('429', 0)} / {sum(v for s, v in h.items() if s.startswith('503'))}" \
                if p["client_query_seconds"] or h else "—"
            an = sorted(x[1] for x in p.get("analyst", []) if x[2] == "ok")
            an_bad = sum(1 for x in p.get("analyst", []) if x[2] != "ok")
            analyst = (f"{an[len(an) // 2]:.1f} ({an[-1]:.1f}), {len(an)} answered" if an else "—") + \
                (f", {an_bad} refused" if an_bad else "")
            out.append(f"| {p['phase']} ({p['seconds']:g} s) | {_ms(li['p50_ms'])} / {_ms(li['p99_ms'])} | "
                       f"{_ms(after['p99_ms']) if after else '—'} | {bad:,} | {heavy} | {analyst} | "
                       f"{p['loadavg_before']} |")
    if pages:
        out.append(f"\nPages at {pages['outcomes']:,} outcomes, one request at a time ({pages['when']}).\n")
        out.append("| page | first view | second view | size | load avg before |")
        out.append("|---|---|---|---|---|")
        for p in pages["pages"]:
            first = f"{p['first_s']:,.2f} s" if p.get("first_s") is not None else "over the limit"
            second = f"{p['second_s']:,.3f} s" if p.get("second_s") is not None else "—"
            size = f"{p['bytes'] / 1e6:,.2f} MB" if p.get("bytes") is not None else "—"
            out.append(f"| `{p['path']}` | {first} | {second} | {size} | {p['loadavg_before']} |")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("what", nargs="?", choices=("mix", "fairness", "pages"), help="which measurement")
    ap.add_argument("--n", type=int, default=100000, help="outcomes (default 100000)")
    ap.add_argument("--src", default=None, help="run spkg from this source tree (a folder holding src/kg)")
    ap.add_argument("--levels", type=int, nargs="+", default=list(LEVELS), help="concurrent clients")
    ap.add_argument("--duration", type=float, default=20.0, help="seconds per level (mix)")
    ap.add_argument("--no-peer", dest="peer", action="store_false", help="skip Oxigraph server")
    ap.add_argument("--phase", type=float, default=120.0, help="seconds per fairness phase")
    ap.add_argument("--rate", type=float, default=50.0, help="light lookups per second (fairness)")
    ap.add_argument("--heavy-clients", type=int, default=4, help="connections of the heavy client (fairness)")
    ap.add_argument("--budgets", type=float, nargs="+", default=[0.0, 120.0, 60.0],
                    help="client_query_seconds of the fairness phases (0: off)")
    ap.add_argument("--page-limit", type=float, default=900.0, help="seconds a page may take (pages)")
    ap.add_argument("--tag", default="", help="suffix of the results file, for variants (e.g. an experiment)")
    ap.add_argument("--report", action="store_true", help="print the tables of the saved results")
    args = ap.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    tag = f"-{args.tag}" if args.tag else ""
    mix_file, fair_file, pages_file = (f"load-{w}-{args.n}{tag}.json" for w in ("mix", "fairness", "pages"))
    if args.what == "mix":
        common.save_json(mix_file, {**run_mix(args), "machine": common.machine()})
    elif args.what == "fairness":
        common.save_json(fair_file, {**run_fairness(args), "machine": common.machine()})
    elif args.what == "pages":
        common.save_json(pages_file, {**run_pages(args), "machine": common.machine()})
    elif not args.report:
        ap.error("say mix, fairness, pages or --report")

    def read(name: str) -> dict | None:
        p = common.RESULTS / name
        return json.loads(p.read_text()) if p.exists() else None
    print(markdown(read(mix_file), read(fair_file), read(pages_file)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

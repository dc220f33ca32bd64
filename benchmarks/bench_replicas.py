#!/usr/bin/env python3
"""Stateless replicas: one vs two `kg serve` over one external Oxigraph server, behind nginx.

    .venv/bin/python benchmarks/bench_replicas.py                   # ~15 min at the defaults
    .venv/bin/python benchmarks/bench_replicas.py --duration 10 --concurrency 8
    .venv/bin/python benchmarks/bench_replicas.py --report          # print the tables again

In one go, everything on 127.0.0.1:

1. data     the generated project benchmarks/out/p<N> (benchmarks/generate.py; made if
            missing), 10,000 outcomes by default, linked into WORK/project (the
            replicas write partner graphs under its partners/ in step 6).
2. store    `oxigraph serve --location WORK/oxigraph --union-default-graph` (the binary
            of spkg's .venv), then `kg build --no-validate` into it through
            KG_STORE_URL / KG_STORE_UPDATE_URL / KG_STORE_GRAPH_STORE_URL (and
            KG_QUERY_TIMEOUT=300: see BUILD_ENV): wall time, peak RSS of `kg`, CPU time
            of the Oxigraph server.
3. replicas two `kg serve` on two ports: same project folder (WORK/project), same `--store WORK/store`
            (so the same build manifest WORK/build.json), same store settings, default
            workers. The per-client query budget is turned off (KG_CLIENT_QUERY_SECONDS=0):
            all the load comes from one address, which would otherwise get 429 answers
            once it had used its budget of worker time.
4. nginx    two nginx instances made from docs/replicas-nginx.conf (the example users
            run), ports replaced: "one" has an upstream of replica A only, "two" of A and
            B. Each runs in the foreground with -p WORK/nginx-X/ -c WORK/nginx-X/nginx.conf.
5. load     wrk through nginx, for each target and concurrency, one cell through "one"
            and one through "two" back to back (alternating which goes first), each
            --duration seconds: requests/s (2xx/3xx answers), p50, p99, errors (socket
            errors, timeouts and 4xx/5xx answers). Each pair is run --repeats times
            (default 3) and the tables show the median run. Before each cell the script waits
            until the replicas, the store and nginx are idle, and records the 1-minute
            load average; during it, the CPU seconds of every part (replicas, store,
            nginx, wrk) and of the whole machine, so what else ran is visible.
            Targets: `page` (GET /doc/outcome/KEY as HTML), `canned` (GET
            /api/queries/get-outcome-report?outcome=IRI), `lookup` (POST /sparql, SELECT
            ?p ?o WHERE { <IRI> ?p ?o }), each rotating through 1,000 outcomes.
6. check    consistency, before and after step 5: the same requests (SPARQL in three formats, canned queries,
            pages in two formats, the home page) sent to each replica directly give the
            same body and the same ETag, replica A's ETag gets a 304 from replica B, and
            answers through the balancer carry one ETag. Then a write: a partner graph
            PUT through replica A is read through replica B (how long until B sees it,
            and whether the ETags agree after), and DELETEd through B.

Results go to benchmarks/results/replicas.json; the Markdown tables are printed. The
working folder (WORK, under benchmarks/out/) is removed at the end unless --keep.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

VENV_BIN = common.ROOT / ".venv" / "bin"
NGINX_EXAMPLE = common.ROOT / "docs" / "replicas-nginx.conf"
RESULTS_FILE = "replicas.json"
CLK = os.sysconf("SC_CLK_TCK")
SEED = f"{common.BASE}id/outcome/chn302-2021-07-16"
RDFS_COMMENT = "http://www.w3.org/2000/01/rdf-schema#comment"
# Where the example config has its replicas and its listening address.
EXAMPLE_A, EXAMPLE_B, EXAMPLE_LISTEN = "127.0.0.1:8001", "127.0.0.1:8002", "127.0.0.1:8080"


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def loadavg() -> float:
    return round(os.getloadavg()[0], 2)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- processes ---------------------------------------------------------------------------

@dataclass
class Running:
    """A process this script started, in its own session (so its children go with it)."""

    name: str
    proc: subprocess.Popen
    log: Path

    @property
    def pid(self) -> int:
        return self.proc.pid

    def cpu(self) -> float:
        return common.tree_cpu_seconds(self.pid)

    def stop(self, sig: int = signal.SIGTERM, wait: float = 40.0) -> None:
        if self.proc.poll() is not None:
            return
        try:
            os.killpg(self.pid, sig)
            self.proc.wait(wait)
        except subprocess.TimeoutExpired:
            os.killpg(self.pid, signal.SIGKILL)
            self.proc.wait()
        except ProcessLookupError:
            pass


def start(name: str, cmd: list[str], log_file: Path, env: dict | None = None) -> Running:
    with open(log_file, "w") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True, env={**os.environ, **(env or {})})
    return Running(name, proc, log_file)


def http_client():
    import httpx
    # trust_env=False: no proxy from the environment; everything goes to 127.0.0.1 directly
    return httpx.Client(timeout=120, trust_env=False)


def wait_http(url: str, running: Running, limit: float = 120.0) -> float:
    import httpx
    t0 = time.perf_counter()
    with http_client() as c:
        while time.perf_counter() - t0 < limit:
            if running.proc.poll() is not None:
                raise RuntimeError(f"{running.name} exited with {running.proc.returncode}; see {running.log}")
            try:
                if c.get(url).status_code == 200:
                    return time.perf_counter() - t0
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
    raise RuntimeError(f"{running.name} did not answer {url} within {limit:.0f} s; see {running.log}")


def wait_idle(parts: list[Running], quiet: float = 0.1, window: float = 1.0, limit: float = 120.0) -> float:
    """Wait until all the parts together use less than `quiet` of a core; returns seconds waited."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < limit:
        c0 = sum(p.cpu() for p in parts)
        time.sleep(window)
        if (sum(p.cpu() for p in parts) - c0) / window < quiet:
            break
    return round(time.monotonic() - t0, 1)


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine has spent not idle (all cores), from /proc/stat."""
    with open("/proc/stat") as fh:
        fields = [int(x) for x in fh.readline().split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields[:8]) - idle) / CLK


# -- the store, the build and the replicas ------------------------------------------------------

def store_env(port: int) -> dict[str, str]:
    base = f"http://127.0.0.1:{port}"
    return {"KG_STORE_URL": f"{base}/query", "KG_STORE_UPDATE_URL": f"{base}/update",
            "KG_STORE_GRAPH_STORE_URL": f"{base}/store"}


def kg(project: Path, work: Path, *args: str) -> list[str]:
    return [str(VENV_BIN / "kg"), "--project-dir", str(project), "--store", str(work / "store"), *args]


# The build's write requests wait for the store as long as a query may run (query_timeout, 30 s).
# Its first request carries up to store_batch_triples (500,000) triples; on this busy 2-core
# machine Oxigraph sometimes took longer than 30 s over it, and the build stopped. The build
# alone gets more time; the replicas keep the default.
BUILD_ENV = {"KG_QUERY_TIMEOUT": "300"}


def build(project: Path, work: Path, env: dict, oxigraph: Running) -> dict:
    cmd = kg(project, work, "build", "--no-validate")
    before = {"loadavg": loadavg(), "store_cpu": oxigraph.cpu()}
    t0 = time.perf_counter()
    with open(work / "build.log", "w") as out:
        p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                             env={**os.environ, **env, **BUILD_ENV})
        sampler = common.RssSampler(p.pid).start()
        rc = p.wait()
    wall = time.perf_counter() - t0
    peak = sampler.stop()
    if rc != 0:
        tail = (work / "build.log").read_text(errors="replace")[-2000:]
        raise RuntimeError(f"kg build exited {rc}:\n{tail}")
    text = (work / "build.log").read_text()
    m = re.search(r"([\d,]+) triples in (\d+) graphs", text)
    return {"command": "kg build --no-validate (into the Oxigraph server)", "env": BUILD_ENV, "wall_s": round(wall, 2),
            "kg_peak_rss_mb": round(peak), "store_cpu_s": round(oxigraph.cpu() - before["store_cpu"], 2),
            "triples": int(m.group(1).replace(",", "")) if m else None, "graphs": int(m.group(2)) if m else None,
            "several_requests": "several requests" in text, "loadavg_before": before["loadavg"]}


def own_project(generated: Path, work: Path) -> Path:
    """WORK/project: the generated project's folders, linked. The replicas' project folder.

    The write check makes `kg serve` write a partner graph and its audit record under the
    project's partners/, which `kg build` loads: they go here, not into the shared
    benchmarks/out/p<N> that the other benchmarks build.
    """
    project = work / "project"
    project.mkdir()
    for folder in ("ontology", "shapes", "data", "queries"):
        (project / folder).symlink_to((generated / folder).resolve(), target_is_directory=True)
    return project


def nginx_config(listen: int, replicas: list[int]) -> str:
    """docs/replicas-nginx.conf with this run's ports: `replicas` become its upstream servers."""
    text = NGINX_EXAMPLE.read_text(encoding="utf-8")
    servers = [ln for ln in text.splitlines() if ln.strip().startswith("server 127.0.0.1:")]
    if [ln.split()[1] for ln in servers] != [EXAMPLE_A, EXAMPLE_B]:
        raise SystemExit(f"{NGINX_EXAMPLE}: expected the upstream servers {EXAMPLE_A} and {EXAMPLE_B}")
    lines = []
    for ln in text.splitlines():
        if ln == servers[0]:
            lines += [ln.replace(EXAMPLE_A, f"127.0.0.1:{p}") for p in replicas]
        elif ln in servers:
            continue
        else:
            lines.append(ln.replace(f"listen {EXAMPLE_LISTEN};", f"listen 127.0.0.1:{listen};"))
    out = "\n".join(lines) + "\n"
    if out.count(f"listen 127.0.0.1:{listen};") != 1:
        raise SystemExit(f"{NGINX_EXAMPLE}: expected one `listen {EXAMPLE_LISTEN};` to replace")
    return out


def start_nginx(name: str, work: Path, listen: int, replicas: list[int]) -> Running:
    prefix = work / f"nginx-{name}"
    prefix.mkdir()
    conf = prefix / "nginx.conf"
    conf.write_text(nginx_config(listen, replicas))
    cmd = ["nginx", "-p", f"{prefix}/", "-c", str(conf), "-e", str(prefix / "error.log"), "-g", "daemon off;"]
    t = subprocess.run([*cmd[:-2], "-t", "-q"], capture_output=True, text=True)
    if t.returncode != 0:
        raise RuntimeError(f"nginx -t: {t.stderr}")
    return start(f"nginx-{name}", cmd, prefix / "stdout.log")


# -- load ---------------------------------------------------------------------------------

WRK_LUA = r"""
-- Requests read from a file, one per line: METHOD <tab> PATH [<tab> form-encoded BODY],
-- sent in turn (each connection continues where the last request left off).
local reqs = {}
local idx = 0
wrk.headers["Accept"] = "__ACCEPT__"

function init(args)
  for line in io.lines(args[1]) do
    local method, path, body = line:match("^(%u+)\t([^\t]+)\t?(.*)$")
    if method then
      local headers = nil
      if body ~= "" then
        headers = {["Content-Type"] = "application/x-www-form-urlencoded"}
      else
        body = nil
      end
      reqs[#reqs + 1] = wrk.format(method, path, headers, body)
    end
  end
end

function request()
  idx = idx % #reqs + 1
  return reqs[idx]
end

"""
WRK_LUA += common.WRK_REPORT_LUA


@dataclass
class Target:
    name: str
    what: str
    accept: str
    lines: list[str] = field(default_factory=list)  # METHOD \t PATH [\t BODY]


def targets(params: common.Params, variants: int) -> list[Target]:
    iris = params.outcomes[:variants]
    lookup = common.load_queries(["lookup"])[0]
    page = Target("page", "GET /doc/outcome/KEY, HTML", "text/html",
                  [f"GET\t/doc/outcome/{iri.rsplit('/', 1)[1]}" for iri in iris])
    canned = Target("canned", "GET /api/queries/get-outcome-report?outcome=IRI, JSON", "application/json",
                    [f"GET\t/api/queries/get-outcome-report?{urllib.parse.urlencode({'outcome': iri})}"
                     for iri in iris])
    sparql = Target("lookup", "POST /sparql, SELECT ?p ?o WHERE { <IRI> ?p ?o }, JSON",
                    "application/sparql-results+json",
                    [f"POST\t/sparql\t{urllib.parse.urlencode({'query': params.render(lookup, i)})}"
                     for i in range(len(iris))])
    return [page, canned, sparql]


def run_wrk(port: int, target: Target, conc: int, duration: float, tmp: Path) -> dict:
    reqs = tmp / f"{target.name}.txt"
    if not reqs.exists():
        reqs.write_text("\n".join(target.lines) + "\n")
    script = tmp / f"{target.name}.lua"
    script.write_text(WRK_LUA.replace("__ACCEPT__", target.accept))
    cmd = ["wrk", "-t1", f"-c{conc}", f"-d{max(1, round(duration))}s", "--timeout", "60s", "-s", str(script),
           f"http://127.0.0.1:{port}", "--", str(reqs)]
    ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 120)
    ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    line = next((ln for ln in r.stdout.splitlines() if ln.startswith("WRKJSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk failed: {r.stdout}\n{r.stderr}")
    w = json.loads(line[len("WRKJSON "):])
    secs = w["duration_us"] / 1e6
    ok = max(0, w["requests"] - w["status"])  # wrk counts answers >= 400 as requests and as status errors
    return {"requests": w["requests"], "ok": ok, "seconds": round(secs, 2), "rps": round(ok / secs, 1),
            "p50_ms": w["p50_us"] / 1000, "p90_ms": w["p90_us"] / 1000, "p99_ms": w["p99_us"] / 1000,
            "mean_ms": round(w["mean_us"] / 1000, 2), "max_ms": w["max_us"] / 1000,
            "errors": w["connect"] + w["read"] + w["write"] + w["status"] + w["timeout"],
            "errors_by_kind": {k: w[k] for k in ("connect", "read", "write", "status", "timeout") if w[k]},
            "wrk_cpu_s": round((ru1.ru_utime + ru1.ru_stime) - (ru0.ru_utime + ru0.ru_stime), 2)}


def cell(setup: str, port: int, target: Target, conc: int, args: argparse.Namespace, parts: dict[str, Running],
         tmp: Path) -> dict:
    waited = wait_idle(list(parts.values()), limit=args.drain_limit)
    before_load = loadavg()
    cpu0 = {k: p.cpu() for k, p in parts.items()}
    busy0 = machine_busy_seconds()
    r = run_wrk(port, target, conc, args.duration, tmp)
    busy = machine_busy_seconds() - busy0
    cpu = {k: round(p.cpu() - cpu0[k], 2) for k, p in parts.items()}
    cpu["wrk"] = r.pop("wrk_cpu_s")
    ours = sum(cpu.values())
    r.update({"setup": setup, "loadavg_before": before_load, "idle_wait_s": waited, "cpu_s": cpu,
              "machine_busy_s": round(busy, 2), "other_cpu_s": round(max(0.0, busy - ours), 2),
              "when": time.strftime("%H:%M:%S")})
    log(f"  {target.name:7} c={conc:<3} {setup}: {r['rps']:8.1f} req/s  p50 {r['p50_ms']:8.1f} ms  "
        f"p99 {r['p99_ms']:8.1f} ms  errors {r['errors']}  load {before_load}  "
        f"cpu {' '.join(f'{k}={v}' for k, v in cpu.items())} other={r['other_cpu_s']}")
    return r


# -- consistency ----------------------------------------------------------------------------

def _digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()[:16]


def _meaning(body: bytes, content_type: str) -> object:
    """The answer compared by meaning: parsed JSON, or the set of lines (N-Triples, CSV rows)."""
    if "json" in content_type:
        try:
            return json.loads(body)
        except ValueError:
            pass
    return sorted(body.splitlines())


def checks(params: common.Params) -> list[tuple[str, str, str, dict, dict]]:
    """(name, method, path, query-string or form, headers) of the requests compared across replicas."""
    iri = params.outcomes[0]
    key = iri.rsplit("/", 1)[1]
    agg = common.load_queries(["agg-sdg-target"])[0].text
    return [
        ("sparql lookup (JSON)", "GET", "/sparql", {"query": f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}"},
         {"accept": "application/sparql-results+json"}),
        ("sparql aggregate (CSV)", "POST", "/sparql", {"query": agg}, {"accept": "text/csv"}),
        ("sparql DESCRIBE (N-Triples)", "GET", "/sparql", {"query": f"DESCRIBE <{iri}>"},
         {"accept": "application/n-triples"}),
        ("canned get-outcome-report (JSON)", "GET", "/api/queries/get-outcome-report", {"outcome": iri}, {}),
        ("canned list-outcomes-by-country (CSV)", "GET", "/api/queries/list-outcomes-by-country.csv",
         {"country": "CHN"}, {}),
        ("outcome page (HTML)", "GET", f"/doc/outcome/{key}", {}, {"accept": "text/html"}),
        ("outcome document (Turtle)", "GET", f"/doc/outcome/{key}.ttl", {}, {}),
        ("home page (HTML)", "GET", "/", {}, {"accept": "text/html"}),
    ]


def _send(c, port: int, method: str, path: str, data: dict, headers: dict):
    url = f"http://127.0.0.1:{port}{path}"
    if method == "POST":
        return c.post(url, data=data, headers=headers)
    return c.get(url, params=data, headers=headers)


def consistency(params: common.Params, replicas: list[int], balancer: int, project: Path, work: Path,
                env: dict) -> dict:
    out: dict = {"requests": [], "balancer": {}, "write": {}}
    with http_client() as c:
        for name, method, path, data, headers in checks(params):
            answers = [_send(c, p, method, path, data, headers) for p in replicas]
            etags = [a.headers.get("etag") for a in answers]
            same_body = len({a.content for a in answers}) == 1
            row = {"name": name, "status": [a.status_code for a in answers], "etag": etags,
                   "bytes": [len(a.content) for a in answers], "sha256": [_digest(a.content) for a in answers],
                   "same_body": same_body, "same_etag": len(set(etags)) == 1 and etags[0] is not None}
            if not same_body:
                row["same_meaning"] = len({json.dumps(_meaning(a.content, a.headers.get("content-type", "")),
                                                      sort_keys=True, default=str) for a in answers}) == 1
            # a client that cached replica A's answer revalidates it at replica B
            if etags[0]:
                again = _send(c, replicas[1], method, path, data, {**headers, "if-none-match": etags[0]})
                row["a_etag_at_b"] = again.status_code
            out["requests"].append(row)
            log(f"  {name:40} status {row['status']}  same body {same_body}  same ETag {row['same_etag']}  "
                f"A's ETag at B -> {row.get('a_etag_at_b')}")
        # through the balancer: 8 requests (both replicas answer some), one ETag
        name, method, path, data, headers = checks(params)[0]
        tags = {_send(c, balancer, method, path, data, headers).headers.get("etag") for _ in range(8)}
        sd = c.get(f"http://127.0.0.1:{balancer}/sparql", headers={"accept": "text/turtle"})
        out["balancer"] = {"requests": 8, "distinct_etags": len(tags),
                           "service_description_names_balancer":
                               f"http://127.0.0.1:{balancer}/sparql".encode() in sd.content}
        log(f"  through nginx: 8 requests, {len(tags)} distinct ETag(s); service description names "
            f"the balancer's address: {out['balancer']['service_description_names_balancer']}")
        out["write"] = write_check(c, replicas, project, work, env)
    return out


def write_check(c, replicas: list[int], project: Path, work: Path, env: dict) -> dict:
    """A partner graph PUT through replica A, read through replica B, DELETEd through B."""
    prefix = f"{common.BASE}graph/partner/bench-replicas/"
    graph = prefix + "note"
    r = subprocess.run(kg(project, work, "token", "add", "bench-replicas", "--prefix", prefix),
                       capture_output=True, text=True, env={**os.environ, **env}, timeout=60)
    if r.returncode != 0:
        return {"error": f"kg token add: {r.stderr.strip()}"}
    token = r.stdout.split()[0]
    auth = {"authorization": f"Bearer {token}"}
    a, b = replicas[0], replicas[1]
    q = {"query": f"SELECT ?c WHERE {{ <{SEED}> <{RDFS_COMMENT}> ?c }}"}
    csv = {"accept": "text/csv"}
    out: dict = {}
    try:
        before = _send(c, b, "GET", "/sparql", q, csv)
        note = f'<{SEED}> <{RDFS_COMMENT}> "written through replica A" .'
        t0 = time.perf_counter()
        put = c.put(f"http://127.0.0.1:{a}/graphs", params={"graph": graph}, content=note,
                    headers={**auth, "content-type": "text/turtle"})
        put_s = time.perf_counter() - t0
        out.update({"put_through_a": put.status_code, "put_ms": round(put_s * 1000, 1)})
        seen, tries, first, first_read_s = None, 0, None, None
        t1 = time.perf_counter()
        while time.perf_counter() - t1 < 10:
            tries += 1
            t2 = time.perf_counter()
            rb = _send(c, b, "GET", "/sparql", q, csv)
            if first is None:
                first, first_read_s = "replica A" in rb.text, time.perf_counter() - t2
            if "replica A" in rb.text:
                seen = time.perf_counter() - t1
                break
            time.sleep(0.01)
        ra = _send(c, a, "GET", "/sparql", q, csv)
        rb = _send(c, b, "GET", "/sparql", q, csv)
        out.update({"b_saw_it_on_first_read": bool(first), "b_first_read_ms": round(first_read_s * 1000, 1),
                    "b_saw_it_after_ms": round(seen * 1000, 1) if seen is not None else None,
                    "reads_of_b": tries, "same_answer_after": ra.content == rb.content,
                    "same_etag_after": ra.headers.get("etag") == rb.headers.get("etag"),
                    "etag_changed": rb.headers.get("etag") != before.headers.get("etag")})
        gone = c.delete(f"http://127.0.0.1:{b}/graphs", params={"graph": graph}, headers=auth)
        ra = _send(c, a, "GET", "/sparql", q, csv)
        out.update({"delete_through_b": gone.status_code, "a_after_delete_equals_before": ra.content == before.content})
    finally:
        subprocess.run(kg(project, work, "token", "revoke", "bench-replicas"), capture_output=True,
                       env={**os.environ, **env}, timeout=60)
    log(f"  write: PUT through A {out.get('put_through_a')} in {out.get('put_ms')} ms; B saw it on its first read: "
        f"{out.get('b_saw_it_on_first_read')} (that read took {out.get('b_first_read_ms')} ms); same answer and ETag "
        f"after: {out.get('same_answer_after')}/{out.get('same_etag_after')}; DELETE through B "
        f"{out.get('delete_through_b')}, A back to the first answer: {out.get('a_after_delete_equals_before')}")
    return out


# -- the run -------------------------------------------------------------------------------

def versions() -> dict:
    def first_line(cmd: list[str]) -> str | None:
        try:
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
        except OSError:
            return None
        return (r.stdout or r.stderr).strip().splitlines()[0] if (r.stdout or r.stderr).strip() else None
    v = common.versions()
    v.pop("oxigraph (server, peers venv)", None)
    v.pop("rdflib-endpoint (peers venv)", None)
    v.pop("rdflib (peers venv)", None)
    v["oxigraph (server, .venv)"] = first_line([str(VENV_BIN / "oxigraph"), "--version"])
    v["nginx"] = first_line(["nginx", "-v"])
    v["spkg commit"] = first_line(["git", "-C", str(common.ROOT), "log", "-1", "--format=%h %cI"])
    v["spkg src/ changed since the commit"] = bool(first_line(["git", "-C", str(common.ROOT), "status", "--porcelain",
                                                             "src"]))
    return v


def measure(args: argparse.Namespace) -> dict:
    for tool in ("nginx", "wrk"):
        if not shutil.which(tool):
            raise SystemExit(f"no {tool}: run benchmarks/setup-peers (apt-get install nginx wrk)")
    if not (VENV_BIN / "oxigraph").exists():
        raise SystemExit("no .venv/bin/oxigraph: pip install -e '.[test]' (package oxigraph)")
    generated = common.ensure_project(args.n)
    params = common.Params(generated)
    work = Path(tempfile.mkdtemp(prefix="replicas-", dir=common.OUT))
    project = own_project(generated, work)
    out: dict = {"outcomes": args.n, "when": time.strftime("%Y-%m-%d %H:%M"), "loadavg_start": loadavg(),
                 "machine": common.machine(), "versions": versions(), "duration_s": args.duration,
                 "concurrency": args.concurrency, "repeats": args.repeats, "variants": args.variants,
                 "replica_settings": {"workers": 3, "http_workers": 1, "client_query_seconds": 0,
                                      "note": "kg serve defaults, except the per-client query budget"},
                 "nginx_config": "docs/replicas-nginx.conf with this run's ports (worker_processes auto)",
                 "nginx_config_sha256": hashlib.sha256(NGINX_EXAMPLE.read_bytes()).hexdigest()[:16]}
    parts: dict[str, Running] = {}
    try:
        store_port = free_port()
        (work / "oxigraph").mkdir()
        parts["store"] = start("oxigraph", [str(VENV_BIN / "oxigraph"), "serve", "--location", str(work / "oxigraph"),
                                            "--bind", f"127.0.0.1:{store_port}", "--union-default-graph"],
                               work / "oxigraph.log")
        wait_http(f"http://127.0.0.1:{store_port}/query?query=ASK%7B%7D", parts["store"])
        env = {**store_env(store_port), "KG_CLIENT_QUERY_SECONDS": "0"}
        log(f"build {generated.name} (linked in {project}) into oxigraph serve on :{store_port}")
        out["build"] = build(project, work, env, parts["store"])
        log(f"  built {out['build']['triples']:,} triples in {out['build']['wall_s']} s "
            f"(load average before {out['build']['loadavg_before']})")

        ports = [free_port(), free_port()]
        for label, port in zip("AB", ports):
            parts[f"replica-{label}"] = start(f"replica-{label}", kg(project, work, "serve", "--port", str(port)),
                                              work / f"replica-{label}.log", env)
        for label, port in zip("AB", ports):
            s = wait_http(f"http://127.0.0.1:{port}/-/health", parts[f"replica-{label}"])
            log(f"replica {label} on :{port} ready in {s:.1f} s")
        listen = {"one": free_port(), "two": free_port()}
        parts["nginx-one"] = start_nginx("one", work, listen["one"], ports[:1])
        parts["nginx-two"] = start_nginx("two", work, listen["two"], ports)
        for name in ("one", "two"):
            wait_http(f"http://127.0.0.1:{listen[name]}/-/health", parts[f"nginx-{name}"])
        out["ports"] = {"store": store_port, "replicas": ports, "nginx": listen}

        log("consistency before the load")
        waited = wait_idle(list(parts.values()), limit=args.drain_limit)  # start-up work (home page figures)
        log(f"  (waited {waited} s for the start-up work to finish)")
        out["consistency"] = consistency(params, ports, listen["two"], project, work, env)

        tmp = work / "wrk"
        tmp.mkdir()
        out["cells"] = {}
        flip = False
        for target in targets(params, args.variants):
            if args.targets and target.name not in args.targets:
                continue
            # warm both replicas on this target (first requests open connections, fill caches)
            with http_client() as c:
                for port in ports:
                    for ln in target.lines[:20]:
                        method, path, *body = ln.split("\t")
                        url = f"http://127.0.0.1:{port}{path}"
                        hdr = {"accept": target.accept}
                        if method == "POST":
                            c.post(url, content=body[0], headers={**hdr, "content-type":
                                                                  "application/x-www-form-urlencoded"})
                        else:
                            c.get(url, headers=hdr)
            entry = out["cells"][target.name] = {"what": target.what, "by_concurrency": {}}
            for conc in args.concurrency:
                row: dict[str, list[dict]] = {"one": [], "two": []}
                for _ in range(args.repeats):
                    order = ("two", "one") if flip else ("one", "two")
                    flip = not flip
                    for setup in order:
                        row[setup].append(cell(setup, listen[setup], target, conc, args, parts, tmp))
                entry["by_concurrency"][str(conc)] = row

        log("consistency after the load")
        wait_idle(list(parts.values()), limit=args.drain_limit)
        out["consistency_after"] = consistency(params, ports, listen["two"], project, work, env)
        out["loadavg_end"] = loadavg()
        out["logs_tail"] = {k: p.log.read_text(errors="replace")[-600:] for k, p in parts.items()
                            if "error" in p.log.read_text(errors="replace").lower()}
    finally:
        for name in ("nginx-two", "nginx-one", "replica-B", "replica-A", "store"):
            if name in parts:
                parts[name].stop(signal.SIGQUIT if name.startswith("nginx") else signal.SIGTERM)
        if args.keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return out


# -- the tables -------------------------------------------------------------------------------

def _n(x: float) -> str:
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


def median_run(runs: list[dict]) -> dict:
    return sorted(runs, key=lambda r: r["rps"])[len(runs) // 2]


def markdown(res: dict) -> str:
    b = res["build"]
    repeats = res.get("repeats", 1)
    lines = [f"{res['outcomes']:,} outcomes, {res['when']}; wrk through nginx, {res['duration_s']:.0f} s per cell, "
             f"{repeats} run(s) of each pair (one and two replicas back to back, alternating which goes first); "
             "req/s, p50 and p99 of the median run, the req/s of every run in brackets; errors summed over the runs. "
             "One replica = an nginx upstream of replica A only; two = A and B (both running throughout).", "",
             "| target | c | replicas | req/s (runs) | p50 ms | p99 ms | errors | two / one | load avg before |",
             "|---|---|---|---|---|---|---|---|---|"]
    for name, entry in res["cells"].items():
        for conc, row in entry["by_concurrency"].items():
            med = {s: median_run(row[s]) for s in ("one", "two")}
            ratio = med["two"]["rps"] / med["one"]["rps"] if med["one"]["rps"] else float("nan")
            for setup in ("one", "two"):
                m, runs = med[setup], row[setup]
                every = ", ".join(_n(r["rps"]) for r in runs)
                loads = ", ".join(str(r["loadavg_before"]) for r in runs)
                lines.append(f"| `{name}` | {conc} | {1 if setup == 'one' else 2} | {_n(m['rps'])} ({every}) | "
                             f"{_n(m['p50_ms'])} | {_n(m['p99_ms'])} | {sum(r['errors'] for r in runs)} | "
                             f"{f'{ratio:.2f}x' if setup == 'two' else ''} | {loads} |")
    lines += ["", "CPU seconds used during the median run of each cell, on the same 2 cores; `other` is the machine's "
              "busy time that none of these processes used (other people's work):", "",
              "| target | c | replicas | replica A | replica B | store | nginx | wrk | other | machine busy (of "
              f"{2 * res['duration_s']:.0f} s) |", "|---|---|---|---|---|---|---|---|---|---|"]
    for name, entry in res["cells"].items():
        for conc, row in entry["by_concurrency"].items():
            for setup in ("one", "two"):
                c = median_run(row[setup])
                cpu = c["cpu_s"]
                nginx = cpu.get("nginx-one", 0) + cpu.get("nginx-two", 0)
                lines.append(f"| `{name}` | {conc} | {1 if setup == 'one' else 2} | {cpu['replica-A']:.1f} | "
                             f"{cpu['replica-B']:.1f} | {cpu['store']:.1f} | {nginx:.1f} | {cpu['wrk']:.1f} | "
                             f"{c['other_cpu_s']:.1f} | {c['machine_busy_s']:.1f} |")
    lines += ["", f"Build into the Oxigraph server: {b['triples']:,} triples in {b['wall_s']} s "
              f"(`kg` peak RSS {b['kg_peak_rss_mb']} MB, Oxigraph server {b['store_cpu_s']} s CPU; "
              f"load average before {b['loadavg_before']}).", ""]
    for key, title in (("consistency", "before the load"), ("consistency_after", "after the load")):
        cons = res.get(key)
        if not cons:
            continue
        lines += [f"Consistency {title}: each request sent to replica A and to replica B directly.", "",
                  "| request | status A / B | same body | same ETag | A's ETag at B |", "|---|---|---|---|---|"]
        for r in cons["requests"]:
            body = "yes" if r["same_body"] else ("same meaning" if r.get("same_meaning") else "**no**")
            lines.append(f"| {r['name']} | {r['status'][0]} / {r['status'][1]} | {body} | "
                         f"{'yes' if r['same_etag'] else '**no**'} | {r.get('a_etag_at_b', '–')} |")
        w = cons.get("write", {})
        lines += ["", f"Through nginx: {cons['balancer']['requests']} requests, {cons['balancer']['distinct_etags']} "
                  f"distinct ETag(s); service description names the balancer's address: "
                  f"{cons['balancer']['service_description_names_balancer']}. "
                  f"Write: PUT through A → {w.get('put_through_a')} ({w.get('put_ms')} ms); B answered with it on its "
                  f"first read: {w.get('b_saw_it_on_first_read')} ({w.get('b_first_read_ms')} ms); "
                  f"same answer / ETag on A and B after: "
                  f"{w.get('same_answer_after')} / {w.get('same_etag_after')}; DELETE through B → "
                  f"{w.get('delete_through_b')}, A back to the first answer: {w.get('a_after_delete_equals_before')}.", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=10000, help="outcomes in the generated project (default 10000)")
    ap.add_argument("--duration", type=float, default=15.0, help="seconds per cell (default 15)")
    ap.add_argument("--concurrency", nargs="*", type=int, default=[8, 32])
    ap.add_argument("--repeats", type=int, default=3,
                    help="runs of each cell pair, one/two in alternating order; the tables show the median (default 3)")
    ap.add_argument("--targets", nargs="*", help="page, canned, lookup (default: all)")
    ap.add_argument("--variants", type=int, default=1000, help="outcomes rotated through (default 1000)")
    ap.add_argument("--drain-limit", type=float, default=120.0, help="seconds to wait for idle before a cell")
    ap.add_argument("--results", default=RESULTS_FILE, help="file in benchmarks/results/ (default %(default)s)")
    ap.add_argument("--keep", action="store_true", help="keep the working folder (store, logs, nginx configs)")
    ap.add_argument("--report", action="store_true", help="print the tables of the saved results and exit")
    args = ap.parse_args(argv)
    # stop what was started (finally blocks) on SIGTERM, and on Ctrl-C even when run in the background
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    signal.signal(signal.SIGINT, signal.default_int_handler)
    if args.report:
        print(markdown(json.loads((common.RESULTS / args.results).read_text())))
        return 0
    res = measure(args)
    common.save_json(args.results, res)
    print(markdown(res))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

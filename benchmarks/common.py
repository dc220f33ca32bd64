"""Shared helpers of the benchmark scripts: queries, parameters, project files, memory sampling.

Standard library only (the scripts that need pyoxigraph or rdflib import them themselves).
"""

from __future__ import annotations

import json
import os
import platform
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks"
OUT = BENCH / "out"
RESULTS = BENCH / "results"
QUERIES = BENCH / "queries"
PEERS_VENV = BENCH / ".venv-peers"
BASE = "https://w3id.org/spkg/"

FOLDERS = ("ontology", "shapes", "data")

#: The end of every wrk script: one line, WRKJSON {...}, with the counts and latencies.
WRK_REPORT_LUA = r"""
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,' ..
    '"p50_us":%d,"p90_us":%d,"p99_us":%d,"mean_us":%.1f,"max_us":%d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.mean, latency.max))
end
"""


# -- queries ------------------------------------------------------------------------

@dataclass(frozen=True)
class Query:
    name: str
    kind: str      # light / medium / heavy
    summary: str
    text: str

    @property
    def form(self) -> str:
        body = "\n".join(ln for ln in self.text.splitlines() if not ln.lstrip().startswith(("#", "PREFIX")))
        m = re.search(r"\b(SELECT|CONSTRUCT|DESCRIBE|ASK)\b", body, re.I)
        return m.group(1).upper() if m else "SELECT"

    @property
    def accept(self) -> str:
        return "application/n-triples" if self.form in ("CONSTRUCT", "DESCRIBE") else "application/sparql-results+json"

    @property
    def parameterised(self) -> bool:
        return "{{" in self.text


ORDER = ["lookup", "construct-card", "describe", "report-optional", "text-contains", "text-filter",
         "agg-country", "agg-sdg-target", "path-population"]


def load_queries(names: list[str] | None = None) -> list[Query]:
    found = {}
    for p in sorted(QUERIES.glob("*.rq")):
        text = p.read_text(encoding="utf-8")
        meta = dict(re.findall(r"^#\+ (\w+): (.*)$", text, re.M))
        found[p.stem] = Query(p.stem, meta.get("kind", "?"), meta.get("summary", ""), text)
    order = [n for n in ORDER if n in found] + [n for n in found if n not in ORDER]
    if names:
        unknown = [n for n in names if n not in found]
        if unknown:
            raise SystemExit(f"unknown queries {unknown}; have {order}")
        order = [n for n in order if n in names]
    return [found[n] for n in order]


class Params:
    """Values for {{outcome}} and {{country}}, taken from the generated data (bench-iris.txt)."""

    def __init__(self, project: Path) -> None:
        lines = (project / "bench-iris.txt").read_text(encoding="utf-8").split()
        self.outcomes = [ln for ln in lines if ln]
        seen: dict[str, None] = {}
        for iri in self.outcomes:
            seen.setdefault(iri.rsplit("/", 1)[1][:3], None)
        self.countries = [f"{BASE}id/country/{c}" for c in seen]

    def render(self, q: Query, i: int) -> str:
        text = q.text.replace("{{outcome}}", self.outcomes[i % len(self.outcomes)])
        return text.replace("{{country}}", self.countries[i % len(self.countries)])

    def variants(self, q: Query, limit: int = 1000) -> list[str]:
        if not q.parameterised:
            return [q.text]
        n = len(self.countries) if "{{country}}" in q.text and "{{outcome}}" not in q.text else len(self.outcomes)
        return [self.render(q, i) for i in range(min(n, limit))]


# -- project files ---------------------------------------------------------------------

def project_dir(n: int) -> Path:
    return OUT / f"p{n}"


def project_files(project: Path) -> list[tuple[Path, str]]:
    """(file, named graph) of every Turtle file kg build loads, in its order."""
    out = []
    for folder in FOLDERS:
        for p in sorted((project / folder).glob("*.ttl")):
            out.append((p, f"{BASE}graph/{folder}/{p.stem}"))
    return out


def ensure_project(n: int) -> Path:
    """Generate benchmarks/out/p<N> if it is missing (or refresh its symlinks)."""
    project = project_dir(n)
    sys.path.insert(0, str(BENCH))
    import generate  # noqa: PLC0415
    try:
        fresh = json.loads((project / "manifest.json").read_text())["generator_sha256"] == generate.generator_hash()
    except (OSError, ValueError, KeyError):
        fresh = False
    if not fresh or not (project / "data" / f"generated-{n}.ttl").exists():
        subprocess.run([sys.executable, str(BENCH / "generate.py"), str(n), "--out", str(project)], check=True,
                       stdout=subprocess.DEVNULL)
    else:
        generate.link_project(project, n)
    return project


# -- memory of a process tree --------------------------------------------------------------

def _children_map() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat", "rb") as fh:
                stat = fh.read().decode(errors="replace")
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        kids.setdefault(ppid, []).append(int(d))
    return kids


def tree_pids(pid: int) -> list[int]:
    kids = _children_map()
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, ()))
    return out


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _cpu_ticks(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            fields = fh.read().decode(errors="replace").rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    except (OSError, ValueError, IndexError):
        return 0


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_pss_mb(pid: int) -> float:
    """Proportional set size of the tree: shared pages counted once overall, not once per process."""
    return sum(_pss_kb(p) for p in tree_pids(pid)) / 1024


def tree_rss_mb(pid: int) -> float:
    return sum(_rss_kb(p) for p in tree_pids(pid)) / 1024


def tree_cpu_seconds(pid: int) -> float:
    return sum(_cpu_ticks(p) for p in tree_pids(pid)) / os.sysconf("SC_CLK_TCK")


class RssSampler:
    """Samples the summed RSS of a process tree every `interval` seconds; keeps the peak."""

    def __init__(self, pid: int, interval: float = 0.2) -> None:
        self.pid = pid
        self.interval = interval
        self.peak_mb = 0.0
        self.last_mb = 0.0
        self.peak_pss_mb = 0.0
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            pids = tree_pids(self.pid)
            mb = sum(_rss_kb(p) for p in pids) / 1024
            self.last_mb = mb
            self.peak_mb = max(self.peak_mb, mb)
            if len(pids) > 1:
                self.peak_pss_mb = max(self.peak_pss_mb, sum(_pss_kb(p) for p in pids) / 1024)
            else:
                self.peak_pss_mb = self.peak_mb
            self._stop.wait(self.interval)

    def start(self) -> RssSampler:
        self._t.start()
        return self

    def reset_peak(self) -> None:
        self.peak_mb = self.last_mb
        self.peak_pss_mb = 0.0

    def stop(self) -> float:
        self._stop.set()
        self._t.join()
        return self.peak_mb


def wait_idle(pid: int, *, quiet_fraction: float = 0.1, window: float = 0.5, limit: float = 180.0) -> float:
    """Wait until the process tree uses less than `quiet_fraction` of a core; returns seconds waited."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < limit:
        c0 = tree_cpu_seconds(pid)
        time.sleep(window)
        if (tree_cpu_seconds(pid) - c0) / window < quiet_fraction:
            break
    return time.monotonic() - t0


# -- environment ------------------------------------------------------------------------

def _version(python: Path, module: str) -> str | None:
    code = f"import importlib.metadata as m; print(m.version({module!r}))"
    try:
        r = subprocess.run([str(python), "-c", code], capture_output=True, text=True, timeout=60)
    except OSError:
        return None
    return r.stdout.strip() or None


def machine() -> dict:
    mem_kb = 0
    with open("/proc/meminfo") as fh:
        for line in fh:
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    cpu = ""
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next((ln.split(":", 1)[1].strip() for ln in fh if ln.startswith("model name")), "")
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "memory_gib": round(mem_kb / 1024 / 1024, 1), "cpu": cpu,
            "kernel": platform.release(), "python": platform.python_version()}


def versions() -> dict:
    venv = ROOT / ".venv" / "bin" / "python"
    peers = PEERS_VENV / "bin" / "python"
    out = {"python": platform.python_version()}
    for mod in ("rdflib", "pyshacl", "pyoxigraph", "fastapi", "uvicorn", "httpx"):
        out[mod] = _version(venv, mod)
    if peers.exists():
        out["oxigraph (server, peers venv)"] = _version(peers, "oxigraph")
        out["rdflib-endpoint (peers venv)"] = _version(peers, "rdflib-endpoint")
        out["rdflib (peers venv)"] = _version(peers, "rdflib")
    try:
        out["wrk"] = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.split()[1]
    except (OSError, IndexError):
        out["wrk"] = None
    return out


def save_json(name: str, data: object) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / name
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def fmt_s(x: float | None) -> str:
    if x is None:
        return "n/a"
    if x < 0.001:
        return f"{x * 1e6:.0f} µs"
    if x < 1:
        return f"{x * 1000:.1f} ms"
    return f"{x:.2f} s"

#!/usr/bin/env python3
"""Time `kg validate` and `kg build` on generated graphs of 1,000 / 10,000 / 100,000 outcomes.

    .venv/bin/python benchmarks/bench_validate.py                 # all sizes
    .venv/bin/python benchmarks/bench_validate.py --sizes 1000 10000 --steps validate

Steps, for each size N (project folder benchmarks/out/p<N>, generated if missing):

    validate        kg validate --project-dir P            (pyshacl over data/)
    build           kg build --project-dir P               (validate, then load; fails fast if invalid)
    build-novalid   kg build --project-dir P --no-validate (parse + bulk load only)
    oxload          pyoxigraph Store.bulk_load of the same files into the same named graphs:
                    the reference for `kg build`'s load

Each command runs under /usr/bin/time -v in its own process group; wall time and
peak RSS (the largest of: time's maxrss, and the summed RSS of the process tree
sampled every 0.2 s) are recorded. A command is stopped when it passes --timeout
seconds (default 900) or --max-rss-gb (default 20); the report then says so and
gives the trend measured at the smaller sizes. `build` is skipped at a size where
`validate` was stopped (it would validate the same way). Results are written to
benchmarks/results/validate.json after every step, and a Markdown table at the end.

With --before REF, `validate` and `build` also run with the code of git commit REF (its src/
on PYTHONPATH, the same venv), right after the current code's run, as the step
`validate@REF` / `build@REF`: each figure beside its reference, back to back. CPU seconds
(user + system, from /usr/bin/time) are recorded too: on a shared machine they move less
with the load than wall time does.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

KG = common.ROOT / ".venv" / "bin" / "kg"
PY = common.ROOT / ".venv" / "bin" / "python"

OXLOAD = r"""
import sys, time, pyoxigraph as ox
store_dir, *pairs = sys.argv[1:]
store = ox.Store(store_dir)
t = time.perf_counter()
for path, graph in zip(pairs[::2], pairs[1::2]):
    store.bulk_load(path=path, format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(graph))
store.flush()
print(len(store), time.perf_counter() - t)
"""


def run_measured(cmd: list[str], *, timeout: float, max_rss_gb: float, log: Path, cwd: Path | None = None,
                 env: dict[str, str] | None = None) -> dict:
    """Run cmd under /usr/bin/time -v; wall seconds, peak RSS, exit code, stopped reason."""
    timefile = log.with_suffix(".time")
    full = ["/usr/bin/time", "-v", "-o", str(timefile), *cmd] if Path("/usr/bin/time").exists() else cmd
    load_before = os.getloadavg()[0]
    with open(log, "w") as out:
        t0 = time.perf_counter()
        p = subprocess.Popen(full, stdout=out, stderr=subprocess.STDOUT, cwd=cwd, start_new_session=True,
                             env={**os.environ, **env} if env else None)
        sampler = common.RssSampler(p.pid).start()
        stopped = None
        while p.poll() is None:
            time.sleep(0.2)
            if time.perf_counter() - t0 > timeout:
                stopped = f"timeout after {timeout:.0f} s"
            elif sampler.peak_mb > max_rss_gb * 1024:
                stopped = f"RSS over {max_rss_gb} GB"
            if stopped:
                os.killpg(p.pid, signal.SIGTERM)
                try:
                    p.wait(10)
                except subprocess.TimeoutExpired:
                    os.killpg(p.pid, signal.SIGKILL)
                    p.wait()
                break
        wall = time.perf_counter() - t0
        peak = sampler.stop()
    maxrss_kb, cpu = 0, None
    if timefile.exists():
        timing = timefile.read_text()
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", timing)
        maxrss_kb = int(m.group(1)) if m else 0
        user, system = (re.search(rf"{k} time \(seconds\): ([\d.]+)", timing) for k in ("User", "System"))
        cpu = round(float(user.group(1)) + float(system.group(1)), 2) if user and system else None
    return {"cmd": " ".join(cmd), "wall_s": round(wall, 2), "cpu_s": cpu,
            "peak_rss_mb": round(max(peak, maxrss_kb / 1024), 1),
            "exit": p.returncode, "stopped": stopped, "log": str(log.relative_to(common.ROOT)),
            "loadavg_before": round(load_before, 2)}


def step_cmd(step: str, project: Path, store_tmp: Path) -> list[str]:
    step = step.partition("@")[0]
    if step == "validate":
        return [str(KG), "--project-dir", str(project), "validate", "--format", "json"]
    if step == "build":
        return [str(KG), "--project-dir", str(project), "--store", str(store_tmp), "build"]
    if step == "build-novalid":
        return [str(KG), "--project-dir", str(project), "--store", str(store_tmp), "build", "--no-validate"]
    if step == "oxload":
        args = []
        for path, graph in common.project_files(project):
            args += [str(path), graph]
        return [str(PY), "-c", OXLOAD, str(store_tmp), *args]
    raise SystemExit(f"unknown step {step}")


def summarise(step: str, r: dict, log: Path) -> None:
    step = step.partition("@")[0]
    text = log.read_text(errors="replace") if log.exists() else ""
    if step == "validate" and r["exit"] in (0, 1) and not r["stopped"]:
        try:
            rep = json.loads(text[text.index("{"):])
            r["violations"] = rep["violations"]
            r["conforms"] = rep["conforms"]
            files: dict[str, int] = {}
            for x in rep["results"]:
                if x.get("severity") == "Violation":
                    files[x.get("file") or "?"] = files.get(x.get("file") or "?", 0) + 1
            r["violations_by_file"] = files
        except (ValueError, KeyError):
            pass
        summary = {k: r[k] for k in ("conforms", "violations") if k in r}
        log.with_suffix(".summary.json").write_text(json.dumps({**summary, "by_file": r.get("violations_by_file")}, indent=2))
    if step == "oxload" and r["exit"] == 0:
        n, s = text.split()[-2:]
        r["triples"], r["load_s"] = int(n), round(float(s), 2)
    if step.startswith("build"):
        m = re.search(r"([\d,]+) triples in \d+ graphs", text)
        if m:
            r["triples"] = int(m.group(1).replace(",", ""))
        if "validation failed" in text:
            r["note"] = "validation failed: store not built (time is validation only)"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", nargs="*", type=int, default=[1000, 10000, 100000])
    ap.add_argument("--steps", nargs="*", default=["validate", "build", "build-novalid", "oxload"])
    ap.add_argument("--timeout", type=float, default=900.0, help="seconds before a command is stopped")
    ap.add_argument("--max-rss-gb", type=float, default=20.0)
    ap.add_argument("--results", default="validate.json")
    ap.add_argument("--before", metavar="REF", help="also run validate and build with the code of this git commit")
    ap.add_argument("--before-steps", nargs="*", default=["validate", "build"], help="the steps --before applies to")
    ap.add_argument("--report", action="store_true", help="print the table of the saved results and exit")
    args = ap.parse_args(argv)
    if args.report:
        print(markdown(json.loads((common.RESULTS / args.results).read_text())))
        return 0
    if not KG.exists():
        raise SystemExit(f"{KG} not found: run scripts/setup first")

    path = common.RESULTS / args.results
    results = json.loads(path.read_text()) if path.exists() else {}
    results.setdefault("runs", {})
    results["machine"] = common.machine()
    results["versions"] = common.versions()
    logs = common.OUT / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    before_env = before_code(args.before) if args.before else None
    steps = [x for step in args.steps
             for x in ([step, f"{step}@{args.before}"] if args.before and step in args.before_steps else [step])]
    for n in args.sizes:
        project = common.ensure_project(n)
        manifest = json.loads((project / "manifest.json").read_text())
        for step in steps:
            key = f"{n}/{step}"
            if step == "build" and results["runs"].get(f"{n}/validate", {}).get("stopped"):
                results["runs"][key] = {"skipped": "validate was stopped at this size"}
                continue
            store_tmp = Path(tempfile.mkdtemp(prefix=f"kgbench-{n}-{step}-", dir=common.OUT)) / "store"
            log = logs / f"{step}-{n}.log"
            print(f"[{time.strftime('%H:%M:%S')}] {key} ...", file=sys.stderr, flush=True)
            try:
                r = run_measured(step_cmd(step, project, store_tmp), timeout=args.timeout,
                                 max_rss_gb=args.max_rss_gb, log=log, env=before_env if "@" in step else None)
            finally:
                shutil.rmtree(store_tmp.parent, ignore_errors=True)
            r["outcomes"] = n
            r["generated_triples"] = manifest["triples"]
            summarise(step, r, log)
            results["runs"][key] = r
            print(f"    {r['wall_s']:.1f} s, peak RSS {r['peak_rss_mb']:,.0f} MB, exit {r['exit']}"
                  + (f", STOPPED: {r['stopped']}" if r["stopped"] else ""), file=sys.stderr, flush=True)
            common.save_json(args.results, results)
    print(markdown(results))
    return 0


def before_code(ref: str) -> dict[str, str]:
    """The environment that runs `kg` with the src/ of git commit ``ref`` (extracted under out/)."""
    commit = subprocess.run(["git", "rev-parse", "--short", ref], cwd=common.ROOT, check=True,
                            capture_output=True, text=True).stdout.strip()
    tree = common.OUT / f"src-{commit}"
    if not (tree / "src" / "kg").is_dir():
        tree.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "archive", commit, "src"], cwd=common.ROOT, check=True, capture_output=True)
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive.stdout, check=True)
    return {"PYTHONPATH": str(tree / "src")}


def trend(runs: dict, step: str, n_target: int) -> str:
    """Extrapolate wall time / RSS to n_target from the two largest completed sizes."""
    done = sorted((r["outcomes"], r) for k, r in runs.items()
                  if k.endswith(f"/{step}") and "wall_s" in r and not r.get("stopped"))
    if len(done) < 2:
        return ""
    (n1, a), (n2, b) = done[-2], done[-1]
    if n2 >= n_target or n1 == n2:
        return ""
    k = math.log(b["wall_s"] / a["wall_s"]) / math.log(n2 / n1)
    t = b["wall_s"] * (n_target / n2) ** k
    kr = math.log(max(b["peak_rss_mb"], 1) / max(a["peak_rss_mb"], 1)) / math.log(n2 / n1)
    m = b["peak_rss_mb"] * (n_target / n2) ** kr
    return f"trend from {n1:,} and {n2:,}: time ~ N^{k:.2f} -> ~{t / 60:.0f} min, RSS ~ {m / 1024:.1f} GB at {n_target:,}"


def markdown(results: dict) -> str:
    runs = results["runs"]
    order = ["validate", "build", "build-novalid", "oxload"]

    def place(key: str):  # by size, then step, each step's @REF row after it
        n, step = key.split("/")
        base, _, ref = step.partition("@")
        return int(n), order.index(base) if base in order else len(order), ref

    runs = {k: runs[k] for k in sorted(runs, key=place)}
    lines = ["| outcomes | triples (generated) | step | wall time | CPU time | peak RSS | result | load avg before |",
             "|---|---|---|---|---|---|---|---|"]
    for key, r in runs.items():
        n, step = key.split("/")
        if "skipped" in r:
            lines.append(f"| {int(n):,} | | {step} | | | | skipped: {r['skipped']} | |")
            continue
        if r.get("stopped"):
            res = f"**stopped: {r['stopped']}**; {trend(runs, step, int(n))}"
        elif step.startswith("validate"):
            res = ("conforms" if r.get("conforms") else
                   f"{r.get('violations', '?')} violations ({', '.join(f'{f}: {c}' for f, c in r.get('violations_by_file', {}).items())})")
        elif step == "oxload":
            res = f"{r.get('triples', 0):,} triples loaded"
        else:
            res = r.get("note") or (f"{r.get('triples', 0):,} triples in store" if r["exit"] == 0 else f"exit {r['exit']}")
        cpu = f"{r['cpu_s']:.1f} s" if r.get("cpu_s") is not None else ""
        lines.append(f"| {int(n):,} | {r['generated_triples']:,} | `{step}` | {r['wall_s']:.1f} s | {cpu} | "
                     f"{r['peak_rss_mb']:,.0f} MB | {res} | {r.get('loadavg_before', '')} |")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())

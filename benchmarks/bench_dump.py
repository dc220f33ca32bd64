#!/usr/bin/env python3
"""`kg dump` at scale, beside Oxigraph's own `oxigraph dump` of the same data.

    .venv/bin/python benchmarks/bench_dump.py            # 100,000 outcomes (~10 min)
    .venv/bin/python benchmarks/bench_dump.py --n 10000
    .venv/bin/python benchmarks/bench_dump.py --n 10000 --src /tmp/old-src --tag before

Uses the stores of `bench_load.py` (built once into benchmarks/out/load/p<N>/, Oxigraph
server's beside it) and writes the dumps to benchmarks/out/dump/p<N>/. Per file: when it
was done and its size; for the whole run: wall time and peak memory (max RSS of the
process). The reference, `oxigraph dump` (the CLI of the same Oxigraph version as
pyoxigraph, from .venv/bin), writes N-Quads, uncompressed (it has no gzip), from the same
store folder, right after. Load averages are recorded before each. Results:
benchmarks/results/dump-<N>.json.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_load  # noqa: E402  (the stores and the environment of the load test)
import common  # noqa: E402

OXIGRAPH = Path(sys.executable).parent / "oxigraph"
WROTE = re.compile(r"wrote (\S+): ([\d,]+) (?:triples|quads), ([\d,]+) bytes")


def timed(cmd: list[str], env: dict, on_line=None) -> dict:
    """Run ``cmd``; its wall time, peak RSS and (through ``on_line``) each output line as it comes."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for line in proc.stdout:
        if on_line:
            on_line(line.rstrip(), time.perf_counter() - started)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"{cmd[0]} failed with exit code {proc.returncode}")
    # CPU seconds (user + system, the process and the children it waited for): what the machine's other
    # jobs do not change much, unlike the wall time on a shared machine.
    return {"wall_s": round(time.perf_counter() - started, 1), "cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
            "max_rss_mb": round(usage.ru_maxrss / 1024)}


def run(n: int, src: str | None) -> dict:
    project, work = bench_load.prepare(n, src, peer=False)
    out = common.OUT / "dump" / f"p{n}"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    files, steps = [], []

    def seen(line: str, at: float) -> None:
        steps.append([round(at, 1), line.strip()])
        m = WROTE.search(line)
        if m:
            files.append({"file": m.group(1), "items": int(m.group(2).replace(",", "")),
                          "bytes": int(m.group(3).replace(",", "")), "done_at_s": round(at, 1)})
            bench_load.log(f"spkg {line.strip()} ({at:.0f} s)")

    env = {**bench_load.spkg_env(src, work, dumps_path=str(out / "spkg")), "PYTHONUNBUFFERED": "1"}
    result = {"outcomes": n, "when": time.strftime("%Y-%m-%d %H:%M"), "src": src,
              "loadavg_before": round(os.getloadavg()[0], 2)}
    spkg = timed([bench_load.KG, "--project-dir", str(project), "--store", str(work / "store"), "dump"], env, seen)
    result["spkg"] = {**spkg, "files": files, "steps": steps}
    bench_load.log(f"spkg kg dump: {spkg}")
    # The same store folder, read by Oxigraph's own CLI (the version pyoxigraph is).
    peer_file = out / "oxigraph.nq"
    result["oxigraph_loadavg_before"] = round(os.getloadavg()[0], 2)
    peer = timed([str(OXIGRAPH), "dump", "--location", str(work / "store"), "--file", str(peer_file)],
                 dict(os.environ))
    result["oxigraph"] = {**peer, "bytes": peer_file.stat().st_size}
    result["ratio"] = round(spkg["wall_s"] / peer["wall_s"], 2)
    bench_load.log(f"oxigraph dump: {result['oxigraph']}")
    peer_file.unlink()
    return result


def markdown(r: dict) -> str:
    out = [f"`kg dump` at {r['outcomes']:,} outcomes ({r['when']}, load average before {r['loadavg_before']}):\n",
           "| file | items | size | done after |", "|---|---|---|---|"]
    for f in r["spkg"]["files"]:
        out.append(f"| `{f['file']}` | {f['items']:,} | {f['bytes'] / 1e6:,.1f} MB | {f['done_at_s']:,.0f} s |")
    out.append(f"\nspkg, all files and the DCAT/VoID description: {r['spkg']['wall_s']:,.0f} s "
               f"({r['spkg'].get('cpu_s', '?')} s CPU), peak RSS {r['spkg']['max_rss_mb']:,} MB.")
    if "oxigraph" in r:
        o = r["oxigraph"]
        out.append(f"Oxigraph `oxigraph dump`, N-Quads only, uncompressed: {o['wall_s']:,.0f} s "
                   f"({o.get('cpu_s', '?')} s CPU), "
                   f"{o['bytes'] / 1e6:,.1f} MB, peak RSS {o['max_rss_mb']:,} MB (load average before "
                   f"{r.get('oxigraph_loadavg_before', '?')}); spkg/Oxigraph {r.get('ratio', '?')}x.")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=100000, help="outcomes (default 100000)")
    ap.add_argument("--src", default=None, help="run spkg from this source tree (a folder holding src/kg)")
    ap.add_argument("--report", action="store_true", help="print the table of the saved result")
    ap.add_argument("--tag", default="", help="saved as dump-<N>-<tag>.json (e.g. before, with --src)")
    args = ap.parse_args(argv)
    name = f"dump-{args.n}{'-' + args.tag if args.tag else ''}.json"
    if args.report:
        import json

        print(markdown(json.loads((common.RESULTS / name).read_text())))
        return 0
    result = run(args.n, args.src)
    common.save_json(name, result)
    print(markdown(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

#!/usr/bin/env python3
"""Write the result tables of benchmarks/results/*.json into benchmarks/README.md.

    .venv/bin/python benchmarks/report.py           # update README.md in place
    .venv/bin/python benchmarks/report.py --check   # exit 1 if README.md is not up to date

The README has marked blocks, <!-- RESULTS:name --> ... <!-- /RESULTS:name -->, for
name = validate, engines, endpoint; everything between the markers is replaced.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_endpoint  # noqa: E402
import bench_engines  # noqa: E402
import bench_validate  # noqa: E402
import common  # noqa: E402

README = common.BENCH / "README.md"


def sections() -> dict[str, str]:
    out = {}
    v = common.RESULTS / "validate.json"
    out["validate"] = bench_validate.markdown(json.loads(v.read_text())) if v.exists() else "(not run yet)"
    e = sorted(common.RESULTS.glob("engines-*.json"))
    out["engines"] = "\n\n".join(bench_engines.markdown(json.loads(p.read_text())) for p in e) or "(not run yet)"
    p = common.RESULTS / bench_endpoint.RESULTS_FILE
    out["endpoint"] = bench_endpoint.markdown(json.loads(p.read_text())) if p.exists() else "(not run yet)"
    return out


def render(text: str, blocks: dict[str, str]) -> str:
    for name, body in blocks.items():
        pattern = re.compile(rf"<!-- RESULTS:{name} -->.*?<!-- /RESULTS:{name} -->", re.S)
        text = pattern.sub(lambda m: f"<!-- RESULTS:{name} -->\n{body}\n<!-- /RESULTS:{name} -->", text, count=1)
    return text


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args(argv)
    old = README.read_text(encoding="utf-8")
    new = render(old, sections())
    if args.check:
        return 0 if new == old else 1
    README.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

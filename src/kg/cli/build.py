"""`kg build`: parse, validate and load ontology/, shapes/ and data/ into the store."""

from __future__ import annotations

import argparse
import sys

from kg.cli import err, out
from kg.config import Settings

HELP = "parse, validate and load ontology/, shapes/ and data/ into the store"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--no-validate", action="store_true", help="load without checking the data against shapes/")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from kg.errors import KGError, ValidationFailed, storage_error
    from kg.validate import format_report
    from kg.write.build import build
    from kg.write.recovery import recover  # a write killed midway is finished or undone first

    say = (lambda m: None) if args.quiet else (lambda m: out(f"  {m}"))
    try:
        for message in recover(settings):
            print(message, file=sys.stderr)
        report = build(settings, validate=not args.no_validate, progress=say)
    except ValidationFailed as e:
        out(format_report(e.report))
        print(f"error: {e.message}; the store was not changed", file=sys.stderr)
        print("hint: fix the data files listed above (or build with --no-validate); "
              "`kg serve` shows them on /quality", file=sys.stderr)
        return e.exit_code
    except (KGError, OSError) as e:
        fault = e if isinstance(e, KGError) else storage_error(e)
        if fault is None:
            raise
        err(fault)
        if not settings.external:  # an external store may have taken part of a build (README)
            print("the store was not changed", file=sys.stderr)
        return fault.exit_code
    if args.quiet:
        return 0
    if report.validation is not None and report.validation.results:
        out(format_report(report.validation))
    width = max(len(g) for g in report.graph_triples) if report.graph_triples else 0
    out(f"built {settings.store_url if settings.external else report.store_dir} in {report.seconds:.2f}s")
    for graph, n in report.graph_triples.items():
        out(f"  {graph.ljust(width)}  {n:>9,} triples")
    summary = f"{len(report.files)} files, {report.total_triples:,} triples in {len(report.graph_triples)} graphs"
    verdict = report.validation.summary() if report.validation is not None else "not validated"
    out(f"{summary}; {verdict}")
    return 0

"""`kg ingest FILE|FOLDER... [--format text|html|csv|json]`: the command around :func:`kg.ingest.batch.ingest`.

Exit codes: 0 every record was ingested (warnings are shown); 1 a record is
invalid (nothing was written, or with --skip-invalid the valid ones were); 2 an
input cannot be read at all, or there is no project; 130 interrupted (data/ is
left as it was).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import TextIO

from kg.config import Settings
from kg.ingest import INPUT_FORMATS

STATUSES = ("new", "updated", "unchanged", "curated", "valid", "duplicate", "invalid")
HELP = "read records (text, HTML, CSV, JSON) into validated Turtle files in data/ and load them into the store"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("inputs", nargs="+", metavar="FILE|FOLDER",
                   help="record files, or folders searched for .txt, .html, .csv and .json files")
    p.add_argument("--format", choices=INPUT_FORMATS, default=None,
                   help="read every input as this format (default: by file extension)")
    p.add_argument("--skip-invalid", action="store_true",
                   help="write the valid records when some are invalid (default: write nothing)")
    p.add_argument("--dry-run", action="store_true", help="extract and validate, but write nothing")
    p.add_argument("--report", choices=("text", "json"), default="text", help="report format (default: text)")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from kg.ingest.batch import ingest

    quiet = getattr(args, "quiet", False)
    progress = _Progress(sys.stderr, enabled=not quiet)
    say = (lambda m: None) if quiet else (lambda m: print(f"  {m}", file=sys.stderr))
    try:
        report = ingest(args.inputs, settings, fmt=args.format, skip_invalid=args.skip_invalid,
                        dry_run=args.dry_run, progress=progress, say=say)
    except KeyboardInterrupt:
        progress.close()
        print("interrupted: data/ and the store are as they were", file=sys.stderr)
        return 130
    finally:
        progress.close()
    if args.report == "json":
        print(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(render(report, quiet=quiet))
    if report.invalid:
        n, total = len(report.invalid), report.records
        if args.skip_invalid:
            print(f"error: {n} of {total} record{'s' * (total != 1)} invalid and skipped; the valid ones were "
                  "written", file=sys.stderr)
        else:
            valid = total - n
            print(f"error: {n} of {total} record{'s' * (total != 1)} invalid; nothing was written", file=sys.stderr)
            print("hint: fix what is listed above" + (f", or use --skip-invalid to write the {valid} valid "
                                                     f"record{'s' * (valid != 1)}" if valid else ""), file=sys.stderr)
        return 1
    return 0


def render(report, *, quiet: bool = False) -> str:
    lines: list[str] = []
    for res in report.results:
        r = res.record
        shown = [i for i in res.issues if i.severity == "error" or not quiet]
        if quiet and not shown:
            continue
        target = f"outcome {res.key}" if res.key else "(no outcome)"
        detail = ""
        if res.status not in ("invalid", "duplicate"):
            detail = f"  ({res.triples} triples, {res.suggestions} suggestions)"
        lines.append(f"{r.name} -> {target}: {res.status}{detail}")
        for issue in shown:
            where = issue.where(r.source)
            field = f" {issue.field}:" if issue.field else ""
            lines.append(f"  {issue.severity} {where}:{field} {issue.message}")
            if issue.hint and issue.severity == "error":
                lines.append(f"    ({issue.hint})" if issue.hint.startswith("shape ") else f"    hint: {issue.hint}")
    if quiet:
        return "\n".join(lines)
    if report.written:
        lines.append(f"wrote {len(report.written)} file{'s' * (len(report.written) != 1)}: "
                     + ", ".join(report.written[:6]) + (" ..." if len(report.written) > 6 else ""))
    store = {
        "updated": f"store updated ({report.store_triples:,} triples)" if report.store_triples is not None
        else "store updated",
        "unchanged": "store unchanged",
        "not built": "no store built yet: run kg build",
        "stale": "the store is older than data/: run kg build",
        "dry run": "dry run: nothing written",
        "not written": "nothing written",
    }[report.store]
    statuses = ", ".join(f"{report.count(s)} {s}" for s in STATUSES if report.count(s))
    rate = report.records / report.seconds if report.seconds else 0.0
    lines.append(f"summary: {report.records} record{'s' * (report.records != 1)} ({statuses}), "
                 f"{report.triples:,} triples, {report.warnings} warning{'s' * (report.warnings != 1)}, "
                 f"{report.errors} error{'s' * (report.errors != 1)}; {store}; "
                 f"{report.seconds:.1f}s ({rate:.1f} records/s)")
    return "\n".join(lines)


class _Progress:
    """Records/s and ETA on stderr: a live line on a terminal, a line every few seconds otherwise."""

    def __init__(self, stream: TextIO, *, enabled: bool = True) -> None:
        self.stream = stream
        self.enabled = enabled
        self.tty = stream.isatty()
        self.stage: str | None = None
        self.started = 0.0
        self.last = 0.0
        self.open = False

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled or total < 20:
            return
        now = time.perf_counter()
        if stage != self.stage:
            self.close()
            self.stage, self.started, self.last = stage, now, 0.0
        if done < total and now - self.last < (0.2 if self.tty else 5.0):
            return
        self.last = now
        elapsed = now - self.started
        rate = done / elapsed if elapsed > 0 else 0.0
        eta = (total - done) / rate if rate > 0 else 0.0
        unit = "files" if stage == "read" else "records"
        text = f"{stage}: {done:,}/{total:,} {unit}  {rate:,.0f} {unit}/s  ETA {eta:,.0f}s"
        if self.tty:
            self.stream.write("\r" + text.ljust(70))
            self.open = True
            if done >= total:
                self.close()
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self.open:
            self.stream.write("\n")
            self.stream.flush()
            self.open = False

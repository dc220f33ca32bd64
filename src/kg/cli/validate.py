"""`kg validate`: check data/ against shapes/ and the quality rules of shapes/rules/ without touching the store."""

from __future__ import annotations

import argparse

from kg.cli import out
from kg.config import Settings

HELP = "check data/ against shapes/ and the quality rules (shapes/rules/) without touching the store"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=("text", "json"), default="text", help="report format (default: text)")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from kg.validate import format_report, validate_files

    report = validate_files(settings)
    out(format_report(report, args.format))
    return 0 if report.conforms else 1

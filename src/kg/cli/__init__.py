"""The ``kg`` command: one module per subcommand, each imported only to add its arguments.

A command module has ``HELP``, ``add_arguments(parser)`` and ``run(args, settings)``;
it imports what it needs inside ``run``, so that ``kg --help`` and ``kg query`` never
load FastAPI, pyshacl or the ingest pipeline. ``main`` parses, configures logging (the
only place that does) and turns a :class:`KGError` into ``error: …`` on stderr and the
error's exit code. Exit codes: 0 fine, 1 the data violates the shapes, 2 bad input,
bad query or no store.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

from kg import config
from kg.errors import KGError, storage_error

logger = logging.getLogger(__name__)

#: The subcommands, in the order `kg --help` lists them; each is the module kg.cli.<name>.
COMMANDS = ("build", "validate", "query", "dump", "serve", "ingest", "token")


def out(text: str = "") -> None:
    print(text, file=sys.stdout)


def err(e: KGError) -> None:
    print(f"error: {e.message}", file=sys.stderr)
    if e.hint:
        print(f"hint: {e.hint}", file=sys.stderr)


def command(name: str):
    """The module of subcommand ``name``."""
    return importlib.import_module(f"kg.cli.{name}")


def make_parser() -> argparse.ArgumentParser:
    # Global options are accepted before and after the subcommand.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--project-dir", default=argparse.SUPPRESS, help="folder holding ontology/, shapes/, data/")
    common.add_argument("--base", default=argparse.SUPPRESS, help="base namespace of the IRIs (ends with '/')")
    common.add_argument("--store", default=argparse.SUPPRESS, help="folder of the store (default .kg/store)")
    common.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS, help="print only errors")
    common.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help="log debug details")
    parser = argparse.ArgumentParser(prog="kg", parents=[common],
                                     description="Build, validate and query the spkg knowledge graph.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        cmd = command(name)
        p = sub.add_parser(name, help=cmd.HELP, description=cmd.HELP, parents=[common])
        cmd.add_arguments(p)
    return parser


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is now (tests swap it between runs)."""

    @property
    def stream(self):  # type: ignore[override]
        return sys.stderr

    @stream.setter
    def stream(self, value: object) -> None:
        pass


def _configure_logging(quiet: bool, verbose: bool) -> None:
    level = logging.DEBUG if verbose else logging.ERROR if quiet else logging.WARNING
    root = logging.getLogger("kg")
    root.setLevel(level)
    if not any(isinstance(h, _StderrHandler) for h in root.handlers):
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # argparse exits on --help and on usage errors
        return int(e.code or 0)
    if args.command is None:
        parser.print_help()
        return 2
    args.quiet = getattr(args, "quiet", False)
    _configure_logging(args.quiet, getattr(args, "verbose", False))
    try:
        settings = config.load_settings(
            project_dir=getattr(args, "project_dir", None),
            base=getattr(args, "base", None),
            store_path=getattr(args, "store", None),
        )
        return command(args.command).run(args, settings)
    except KGError as e:
        err(e)
        return e.exit_code
    except OSError as e:  # a full or read-only disk: what and where, not a traceback
        if (fault := storage_error(e)) is None:
            raise
        err(fault)
        return fault.exit_code

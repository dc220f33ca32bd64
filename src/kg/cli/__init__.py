"""The ``kg`` command: ``kg build``, ``kg validate``, ``kg query``, ``kg dump``, ``kg serve``.

Each subcommand is a :class:`Command` in :data:`COMMANDS`; ``main`` parses,
configures logging (the only place that does) and turns a :class:`KGError`
into ``error: …`` on stderr and the error's exit code. Exit codes: 0 fine,
1 the data violates the shapes, 2 bad input, bad query or no store.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kg import config
from kg.sparql import catalogue as queries
from kg.query import results
from kg.errors import BadParameter, KGError, LoadError, QuerySyntaxError, ValidationFailed, storage_error
from kg.write.build import build
from kg.store import open_store
from kg.validate.core import format_report, validate_files

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace, config.Settings], int]


# The subcommand registry. `kg serve` will be one more entry here; its run
# function should import the web layer lazily, so that the other commands
# never import FastAPI.
COMMANDS: dict[str, Command] = {}


def command(name: str, help: str, add_arguments: Callable[[argparse.ArgumentParser], None] = lambda p: None):
    def register(run: Callable[[argparse.Namespace, config.Settings], int]):
        COMMANDS[name] = Command(name, help, add_arguments, run)
        return run
    return register


def _out(text: str = "") -> None:
    print(text, file=sys.stdout)


def _err(e: KGError) -> None:
    print(f"error: {e.message}", file=sys.stderr)
    if e.hint:
        print(f"hint: {e.hint}", file=sys.stderr)


# -- kg build ----------------------------------------------------------------------

def _build_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--no-validate", action="store_true", help="load without checking the data against shapes/")


@command("build", "parse, validate and load ontology/, shapes/ and data/ into the store", _build_args)
def _build(args: argparse.Namespace, settings: config.Settings) -> int:
    say = (lambda m: None) if args.quiet else (lambda m: _out(f"  {m}"))
    try:
        from kg.write.recovery import recover  # a write killed midway is finished or undone first

        for message in recover(settings):
            print(message, file=sys.stderr)
        report = build(settings, validate=not args.no_validate, progress=say)
    except ValidationFailed as e:
        _out(format_report(e.report))
        print(f"error: {e.message}; the store was not changed", file=sys.stderr)
        print("hint: fix the data files listed above (or build with --no-validate)", file=sys.stderr)
        return e.exit_code
    except (KGError, OSError) as e:
        fault = e if isinstance(e, KGError) else storage_error(e)
        if fault is None:
            raise
        _err(fault)
        if not settings.external:  # an external store may have taken part of a build (README)
            print("the store was not changed", file=sys.stderr)
        return fault.exit_code
    if args.quiet:
        return 0
    if report.validation is not None and report.validation.results:
        _out(format_report(report.validation))
    width = max(len(g) for g in report.graph_triples) if report.graph_triples else 0
    _out(f"built {settings.store_url if settings.external else report.store_dir} in {report.seconds:.2f}s")
    for graph, n in report.graph_triples.items():
        _out(f"  {graph.ljust(width)}  {n:>9,} triples")
    summary = f"{len(report.files)} files, {report.total_triples:,} triples in {len(report.graph_triples)} graphs"
    verdict = report.validation.summary() if report.validation is not None else "not validated"
    _out(f"{summary}; {verdict}")
    return 0


# -- kg validate -------------------------------------------------------------------

def _validate_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=("text", "json"), default="text", help="report format (default: text)")


@command("validate", "check data/ against shapes/ without touching the store", _validate_args)
def _validate(args: argparse.Namespace, settings: config.Settings) -> int:
    report = validate_files(settings)
    _out(format_report(report, args.format))
    return 0 if report.conforms else 1


# -- kg query ------------------------------------------------------------------------

def _query_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("query", help="SPARQL text, a .rq file (a path, or a name in queries/), or - for stdin")
    p.add_argument("--format", choices=results.FORMATS, default=None,
                   help="output format (default: table for SELECT/ASK, turtle for CONSTRUCT/DESCRIBE)")
    p.add_argument("--param", "-p", action="append", default=[], metavar="NAME=VALUE",
                   help="a parameter of a canned query from queries/ (see its #+ header), e.g. -p target=1.3")


def _read_query(arg: str, settings: config.Settings) -> tuple[str, str | None]:
    """(query text, file name or None)."""
    if arg == "-":
        return sys.stdin.read(), None
    looks_like_file = arg.endswith((".rq", ".sparql")) and "\n" not in arg
    for candidate in (Path(arg), settings.root / arg, settings.queries_dir / arg):
        if looks_like_file and candidate.is_file():
            return candidate.read_text(encoding="utf-8"), arg
    if looks_like_file:
        raise LoadError(f"no query file {arg}", hint="give a path, or the name of a file in queries/")
    return arg, None


@command("query", "run a SPARQL query on the built store", _query_args)
def _query(args: argparse.Namespace, settings: config.Settings) -> int:
    sparql, name = _read_query(args.query, settings)
    raw_params = _parse_params(args.param)
    with open_store(settings) as store:
        try:
            if name is not None and sparql.lstrip().startswith("#+"):
                canned = queries.parse_query(sparql, path=name)
                result = queries.run(store, canned, raw_params, base=settings.base)
                text = results.render_result(result, args.format, prefixes=results.query_prefixes(sparql))
            elif raw_params:
                raise LoadError("--param applies to canned queries (.rq files with a #+ header) only")
            else:
                text = results.run_query(store, sparql, args.format)
        except QuerySyntaxError as e:
            if name is None:
                raise
            raise QuerySyntaxError(f"{name}: {e.message}", line=e.line, column=e.column) from None
    sys.stdout.write(text)
    return 0


def _parse_params(pairs: list[str]) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise BadParameter(f"--param {pair!r} is not NAME=VALUE", parameter=name.strip() or pair)
        params[name.strip()] = value
    return params


# -- kg dump ------------------------------------------------------------------------

def _dump_run(args: argparse.Namespace, settings: config.Settings) -> int:
    from kg.cli import dump as dumps_cli
    return dumps_cli.run(args, settings)


def _dump_args(p: argparse.ArgumentParser) -> None:
    from kg.cli import dump as dumps_cli
    dumps_cli.add_arguments(p)


command("dump", "write versioned, checksummed dumps of the built store with their DCAT/VoID description",
        _dump_args)(_dump_run)


# -- kg serve -----------------------------------------------------------------------

def _serve_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default=None, help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=None, help="port to listen on (default 8000)")
    p.add_argument("--workers", type=int, default=None, help="query worker processes per HTTP process")
    p.add_argument("--query-timeout", type=float, default=None, help="seconds a query may run")


@command("serve", "serve the built store: SPARQL endpoint, pages and dumps over HTTP", _serve_args)
def _serve(args: argparse.Namespace, settings: config.Settings) -> int:
    from kg.web.server import serve  # the web layer loads only for this command

    settings = settings.replace(host=args.host, port=args.port, workers=args.workers,
                                query_timeout=args.query_timeout)
    serve(settings, log_level="warning" if args.quiet else "info")
    return 0


# -- main -------------------------------------------------------------------------

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
    for cmd in COMMANDS.values():
        p = sub.add_parser(cmd.name, help=cmd.help, description=cmd.help, parents=[common])
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
        return COMMANDS[args.command].run(args, settings)
    except KGError as e:
        _err(e)
        return e.exit_code
    except OSError as e:  # a full or read-only disk: what and where, not a traceback
        if (fault := storage_error(e)) is None:
            raise
        _err(fault)
        return fault.exit_code


# `kg ingest` lives with the ingest package; it registers itself in COMMANDS.
from kg.cli import ingest as _ingest_cli  # noqa: E402

_ingest_cli.register()

# `kg token` (partners' write tokens for /graphs) registers itself the same way.
from kg.cli import token as _tokens_cli  # noqa: E402

_tokens_cli.register()

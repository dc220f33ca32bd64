"""`kg query`: run a SPARQL query (text, a .rq file, or a canned query with parameters) on the built store."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kg.config import Settings
from kg.errors import BadParameter, LoadError, QuerySyntaxError

HELP = "run a SPARQL query on the built store"
#: Output formats (kg.query.results renders them; listed here so that `kg query --help` stays light).
FORMATS = ("table", "csv", "tsv", "json", "turtle", "ntriples")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("query", help="SPARQL text, a .rq file (a path, or a name in queries/), or - for stdin")
    p.add_argument("--format", choices=FORMATS, default=None,
                   help="output format (default: table for SELECT/ASK, turtle for CONSTRUCT/DESCRIBE)")
    p.add_argument("--param", "-p", action="append", default=[], metavar="NAME=VALUE",
                   help="a parameter of a canned query from queries/ (see its #+ header), e.g. -p target=1.3")


def read_query(arg: str, settings: Settings) -> tuple[str, str | None]:
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


def run(args: argparse.Namespace, settings: Settings) -> int:
    from kg.query import results
    from kg.sparql import catalogue as queries
    from kg.store import open_store

    sparql, name = read_query(args.query, settings)
    raw_params = parse_params(args.param)
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


def parse_params(pairs: list[str]) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise BadParameter(f"--param {pair!r} is not NAME=VALUE", parameter=name.strip() or pair)
        params[name.strip()] = value
    return params

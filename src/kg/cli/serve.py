"""`kg serve`: the SPARQL endpoint, pages and dumps over HTTP (the web layer loads only here)."""

from __future__ import annotations

import argparse

from kg.config import Settings

HELP = "serve the built store: SPARQL endpoint, pages and dumps over HTTP"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default=None, help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=None, help="port to listen on (default 8000)")
    p.add_argument("--workers", type=int, default=None, help="query worker processes per HTTP process")
    p.add_argument("--query-timeout", type=float, default=None, help="seconds a query may run")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from kg.web.server import serve  # the web layer loads only for this command

    settings = settings.replace(host=args.host, port=args.port, workers=args.workers,
                                query_timeout=args.query_timeout)
    serve(settings, log_level="warning" if args.quiet else "info")
    return 0

"""`kg token add NAME --prefix IRI`, `kg token list`, `kg token revoke NAME`: partners' write tokens.

`add` prints the new token once (only its hash is kept, in ``.kg/tokens.json``).
Exit codes: 0 done; 2 a bad name or prefix, or no such partner.
"""

from __future__ import annotations

import argparse
import sys

from kg.config import Settings
from kg.errors import ConfigError
from kg.rdf import iris

HELP = "manage partners' write tokens for /graphs (add prints a token once; list; revoke)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    # One flat parser (not nested subparsers), so the global options work after the action too.
    p.add_argument("action", choices=("add", "list", "revoke"),
                   help="add: make a token for a partner and print it once; list: partners and prefixes "
                        "(never tokens); revoke: delete a partner's token")
    p.add_argument("name", nargs="?", help="the partner's name, e.g. ilo-geneva (add, revoke)")
    p.add_argument("--prefix", help="(add) the graph IRI prefix the partner may write, "
                                    "e.g. https://w3id.org/spkg/graph/partner/ilo-geneva/")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from kg.write import tokens

    if args.action in ("add", "revoke") and not args.name:
        raise ConfigError(f"kg token {args.action} needs the partner's name")
    if args.action == "add":
        if not args.prefix:
            raise ConfigError("kg token add needs --prefix IRI",
                              hint=f"e.g. --prefix {iris.partner_graphs(settings.base)}{args.name}/")
        partner, token = tokens.add(settings, args.name, args.prefix)
        print(token)
        print(f"partner {partner.name} may write graphs under <{partner.prefix}>; "
              "the token is shown only now: keep it safe", file=sys.stderr)
        return 0
    if args.action == "list":
        for p in tokens.load(settings):
            print(f"{p.name}\t{p.prefix}\t{p.created}")
        return 0
    if not tokens.revoke(settings, args.name):
        raise ConfigError(f"no partner {args.name!r}", hint="kg token list shows them")
    print(f"revoked the token of {args.name}", file=sys.stderr)
    return 0

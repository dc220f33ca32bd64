"""``kg dump``: write the versioned dumps of the built store, or check them.

Exit codes: 0 written (or verified), 1 ``--verify`` found a problem, 2 no store.
"""

from __future__ import annotations

import argparse
import sys

from kg.config import Settings

HELP = "write versioned, checksummed dumps of the store (Turtle, N-Triples, N-Quads, JSON-LD) and their DCAT/VoID"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", default=None, metavar="DIR",
                   help="folder to write to (default: setting dumps_path, .kg/dumps)")
    p.add_argument("--keep", type=int, default=3, metavar="N",
                   help="dataset versions to keep in the folder; older ones are deleted (default: 3)")
    p.add_argument("--verify", action="store_true",
                   help="write nothing: check the latest dumps against their sizes and SHA-256 checksums")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from kg.publish import dumps

    if args.out:
        settings = settings.replace(dumps_path=args.out)
    quiet = getattr(args, "quiet", False)
    if args.verify:
        problems = dumps.verify(settings)
        for problem in problems:
            print(f"error: {problem}", file=sys.stderr)
        if not problems and not quiet:
            latest = dumps.read_latest(settings)
            print(f"{len(latest['files'])} files of version {latest['version']} match their checksums")
        return 1 if problems else 0
    say = (lambda m: None) if quiet else (lambda m: print(f"  {m}"))
    manifest = dumps.write(settings, keep=max(1, args.keep), progress=say)
    if not quiet:
        print(f"dataset version {manifest['version']} in {settings.dumps_dir}")
        for entry in manifest["files"]:
            triples = f"{entry['triples']:>9,} triples" if "triples" in entry else " " * 17
            print(f"  {entry['name']:<44} {entry['bytes']:>11,} bytes {triples}  sha256 {entry['sha256'][:16]}…")
    return 0

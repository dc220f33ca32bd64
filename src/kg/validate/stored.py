"""The validation report ``kg build`` keeps beside the store, so that pages can show it without validating.

``.kg/validation.json`` beside ``.kg/build.json`` (a store folder with another name X gets
``X.validation.json``, as its manifest is ``X.build.json``). It holds the report of the
build that made the store (SHACL results, warnings included, and the quality rules'
findings) with the content hash of the data it checked, which is the dataset version's:
a reader compares it with the current version to tell a current report from one the
store has moved on from (``kg ingest`` and partner writes change the data without
``kg build``). A build refused for violations keeps its report too (a reader sees that it
does not conform and is not the store's version: the data that was refused); a build
without validation removes it.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, fields
from datetime import datetime, timezone
from pathlib import Path

from kg.config import Settings
from kg.store import manifest_path
from kg.validate.report import Report, Result, RuleRun

FORMAT = 1


@dataclass(frozen=True)
class Kept:
    """A kept report and what it was made from."""

    report: Report
    content_hash: str        # of the data it checked: the dataset version's content hash
    validated_at: str        # ISO 8601, UTC


def path(settings: Settings) -> Path:
    manifest = manifest_path(settings)
    return manifest.with_name(manifest.name.replace("build.json", "validation.json"))


def write(settings: Settings, report: Report, content_hash: str) -> Path:
    """Keep ``report`` (of the data whose content hash is ``content_hash``), replacing the file atomically."""
    target = path(settings)
    target.parent.mkdir(parents=True, exist_ok=True)
    _sweep(target)
    body = {
        "format": FORMAT,
        "content_hash": content_hash,
        "validated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "seconds": round(report.seconds, 3),
        "prefixes": dict(report.prefixes),
        **report.to_dict(),
    }
    tmp = target.with_name(f"{target.name}.new-{os.getpid()}")
    try:
        tmp.write_text(json.dumps(body, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def _sweep(target: Path) -> None:
    """Remove the temp files of writers that were killed before they renamed theirs."""
    for p in target.parent.glob(f"{target.name}.new-*"):
        pid = p.name.rpartition("-")[2]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            p.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process: alive
    return True


def remove(settings: Settings) -> None:
    path(settings).unlink(missing_ok=True)


def token(settings: Settings) -> str:
    """Changes whenever the kept report does (for caches and ETags): its modification time and size."""
    try:
        st = path(settings).stat()
    except OSError:
        return "none"
    return f"{st.st_mtime_ns}-{st.st_size}"


def read(settings: Settings) -> Kept | None:
    """The kept report, or None when there is none (or it cannot be read: a build will write it again)."""
    try:
        body = json.loads(path(settings).read_text(encoding="utf-8"))
        if body.get("format") != FORMAT:
            return None
        report = Report(
            conforms=bool(body["conforms"]),
            results=tuple(Result(**_known(Result, r)) for r in body.get("results", [])),
            prefixes=dict(body.get("prefixes") or {}),
            seconds=float(body.get("seconds") or 0.0),
            rules=tuple(RuleRun(**_known(RuleRun, r)) for r in body.get("rules", [])),
        )
        return Kept(report, str(body["content_hash"]), str(body.get("validated_at", "")))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _known(cls, data: dict) -> dict:
    names = {f.name for f in fields(cls)}
    return {k: v for k, v in data.items() if k in names}

"""The query log: one JSON line per SPARQL or canned query, to the logger ``kg.web.querylog``.

A line looks like::

    {"time": "2025-01-31T09:12:03.415Z", "client": "10.0.0.7", "route": "/sparql",
     "query_hash": "3f1c0a9e2b7d", "query_length": 212, "form": "select", "status": 200,
     "rows": 14, "duration_ms": 3.2, "timed_out": false, "truncated": false, "worker": 4121}

Canned queries add ``name`` and ``params``; refused ones ``error`` (the error's
title) and ``reason`` (:func:`kg.web.metrics.reason`). The query text itself is
left out unless the setting ``log_query_text`` is on (queries may hold what a
client would rather not see in a log file); the hash is enough to find
repeated queries. Parameter values are cut at :data:`MAX_VALUE` characters,
and credentials among them are redacted (:mod:`kg.web.redaction`).

The library only logs, at INFO; ``kg serve`` (or whoever embeds the app)
decides where the lines go.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import datetime, timezone

from kg.web.redaction import REDACTED, is_secret_param, redact

logger = logging.getLogger(__name__)

MAX_VALUE = 200


def query_hash(query: str) -> str:
    """A short, stable name for a query text (the first 12 hex digits of its SHA-256)."""
    return hashlib.sha256(query.encode("utf-8", "surrogatepass")).hexdigest()[:12]


def enabled() -> bool:
    return logger.isEnabledFor(logging.INFO)


def _value(name: str, value: str) -> str:
    if is_secret_param(name):
        return REDACTED
    value = redact(value)
    return value if len(value) <= MAX_VALUE else value[:MAX_VALUE] + "…"


def line(*, route: str, status: int, seconds: float, client: str | None = None, query: str | None = None,
         include_text: bool = False, name: str | None = None, params: dict[str, str] | None = None,
         form: str | None = None, rows: int | None = None, timed_out: bool = False, truncated: bool | None = None,
         worker: int | None = None, error: str | None = None, reason: str | None = None) -> str:
    """The JSON line for one query (no trailing newline)."""
    now = datetime.now(timezone.utc)
    entry: dict = {"time": now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z",
                   "client": client, "route": route}
    if query is not None:
        entry["query_hash"] = query_hash(query)
        entry["query_length"] = len(query)
        if include_text:
            entry["query"] = redact(query)
    if name is not None:
        entry["name"] = name
        entry["params"] = {k: _value(k, v) for k, v in (params or {}).items()}
    entry.update(form=form, status=status, rows=rows, duration_ms=round(seconds * 1000, 1),
                 timed_out=timed_out, truncated=bool(truncated))
    if worker:
        entry["worker"] = worker
    if error is not None:
        entry["error"] = error
    if reason is not None:
        entry["reason"] = reason
    return json.dumps(entry, ensure_ascii=False)


def record(**fields) -> None:
    """Log one query (see :func:`line` for the fields); nothing is built when INFO is off."""
    if logger.isEnabledFor(logging.INFO):
        logger.info("%s", line(**fields))

"""Counters and histograms in the Prometheus text format (0.0.4), written by hand.

What is counted (all names start with ``spkg_``):

* ``http_requests_total{route,status}`` and ``http_request_duration_seconds{route}``
  — every request, by route template (``/doc/{kind}/{name}``, never the raw
  path: a hostile client cannot blow up the label set; a path no route
  matches is ``unmatched``);
* ``canned_query_duration_seconds{query}`` — each canned query by name;
* ``query_timeouts_total{route}`` — queries stopped at the time budget;
* ``queries_rejected_total{route,reason}`` — refused queries, by :func:`reason`;
* ``store_triples``, ``store_named_graphs`` — from the build manifest;
* ``query_workers{state}``, ``query_worker_restarts_total``, ``queries_requeued_total``,
  ``queries_promoted_total``
  — the query worker pool (:mod:`kg.query.executor`): workers idle, running a light, heavy or
  on-trial query, or starting; restarts after a kill; never-seen queries stopped at the
  end of their trial and queued again as heavy.

One :class:`Metrics` per app, hence per HTTP process: with ``http_workers`` > 1
each process counts its own requests. All updates happen on the event loop's
thread, so plain dict arithmetic is enough (and costs well under a microsecond).
"""

from __future__ import annotations

import json
import os
from bisect import bisect_left
from pathlib import Path

from kg.errors import (
    QuerySyntaxError,
    QueryTimeout,
    QueryTooLong,
    ServerBusy,
    ServiceRefused,
    UnknownQuery,
    UpdateRefused,
)

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

#: Upper bounds of the latency buckets, in seconds: from a cached page to the 30 s query budget.
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)

UNMATCHED = "unmatched"

# The first class an error is an instance of names the reason (QueryTooLong before its parent BadParameter).
_REASONS = (
    (QueryTooLong, "too_long"),
    (QuerySyntaxError, "syntax"),
    (UpdateRefused, "update"),
    (ServiceRefused, "service"),
    (ServerBusy, "queue_full"),
    (UnknownQuery, "unknown_query"),
)


def reason(exc: BaseException | None, status: int) -> str | None:
    """Why a query was refused, or None when it was not (answered, timed out, or failed on our side)."""
    if exc is None and status < 400:  # the common case, first
        return None
    if isinstance(exc, QueryTimeout):
        return None
    for cls, name in _REASONS:
        if isinstance(exc, cls):
            return name
    if status == 429:
        return "budget"
    if 400 <= status < 500 and status != 499:  # 499: the client went away
        return "bad_request"
    return None


class Histogram:
    """Observations counted per bucket (not cumulated until exposition)."""

    __slots__ = ("counts", "total")

    def __init__(self) -> None:
        self.counts = [0] * (len(BUCKETS) + 1)
        self.total = 0.0

    def observe(self, seconds: float) -> None:
        self.counts[bisect_left(BUCKETS, seconds)] += 1
        self.total += seconds


class Metrics:
    """One app's counters."""

    def __init__(self, manifest: Path | None = None) -> None:
        self.requests: dict[tuple[str, int], int] = {}
        self.latency: dict[str, Histogram] = {}
        self.canned: dict[str, Histogram] = {}
        self.timeouts: dict[str, int] = {"/sparql": 0, "/api/queries/{name}": 0}
        self.rejected: dict[tuple[str, str], int] = {}
        self.manifest = manifest
        self._store: tuple[tuple[int, int], tuple[int, int] | None] | None = None

    # -- recording ------------------------------------------------------------------------

    def request(self, route: str, status: int, seconds: float) -> None:
        key = (route, status)
        self.requests[key] = self.requests.get(key, 0) + 1
        histogram = self.latency.get(route)
        if histogram is None:
            histogram = self.latency[route] = Histogram()
        histogram.observe(seconds)

    def query(self, route: str, status: int, seconds: float, *, timed_out: bool = False,
              refused: str | None = None, canned: str | None = None) -> None:
        """A query's outcome; ``canned`` is the name of a canned query that exists."""
        if timed_out:
            self.timeouts[route] = self.timeouts.get(route, 0) + 1
        if refused:
            key = (route, refused)
            self.rejected[key] = self.rejected.get(key, 0) + 1
        if canned is not None:
            histogram = self.canned.get(canned)
            if histogram is None:
                histogram = self.canned[canned] = Histogram()
            histogram.observe(seconds)

    # -- the store's size ------------------------------------------------------------------

    def store_size(self) -> tuple[int, int] | None:
        """(triples, named graphs) from the build manifest, read again only when the file changed."""
        if self.manifest is None:
            return None
        try:
            st = os.stat(self.manifest)
        except OSError:
            return None
        stamp = (st.st_mtime_ns, st.st_size)
        if self._store is None or self._store[0] != stamp:
            self._store = stamp, _read_size(self.manifest)
        return self._store[1]

    # -- exposition -----------------------------------------------------------------------

    def render(self, executor=None) -> str:
        out: list[str] = []
        _family(out, "http_requests_total", "counter", "HTTP requests answered, by route template and status.",
                [({"route": r, "status": str(s)}, n) for (r, s), n in sorted(self.requests.items())])
        _histograms(out, "http_request_duration_seconds",
                    "Time from the request to the end of the response, by route template.",
                    "route", self.latency)
        _histograms(out, "canned_query_duration_seconds", "Time to answer a canned query (/api/queries/{name}).",
                    "query", self.canned)
        _family(out, "query_timeouts_total", "counter", "Queries stopped at the time budget (query_timeout).",
                [({"route": r}, n) for r, n in sorted(self.timeouts.items())])
        _family(out, "queries_rejected_total", "counter",
                "Queries refused, by reason: syntax, update, service, too_long, queue_full, budget, "
                "unknown_query, bad_request.",
                [({"route": r, "reason": why}, n) for (r, why), n in sorted(self.rejected.items())])
        size = self.store_size()
        if size is not None:
            _family(out, "store_triples", "gauge", "Triples in the store (build manifest).", [({}, size[0])])
            _family(out, "store_named_graphs", "gauge", "Named graphs in the store (build manifest).",
                    [({}, size[1])])
        if executor is not None:
            _workers(out, executor)
        return "\n".join(out) + "\n"


def _workers(out: list[str], executor) -> None:
    states = executor.states()
    _family(out, "query_workers", "gauge", "Query worker processes, by what they do now "
            "(idle, light, heavy, trial: a never-seen query; starting: after a kill).",
            [({"state": state}, n) for state, n in states.items()])
    _family(out, "query_worker_restarts_total", "counter", "Query workers killed (budget, abandoned stream, "
            "trial) and started again.", [({}, executor.stats.restarts)])
    _family(out, "queries_requeued_total", "counter", "Light queries and never-seen ones on trial stopped at "
            "their limit, no heavy slot being free, then queued as heavy.", [({}, executor.stats.requeued)])
    _family(out, "queries_promoted_total", "counter", "Light queries and never-seen ones on trial that ran past "
            "their limit in a free heavy slot.", [({}, executor.stats.promoted)])


def _read_size(manifest: Path) -> tuple[int, int] | None:
    try:
        data = json.loads(manifest.read_text())
        graphs = data["graphs"]
        return int(data.get("triples", sum(int(n) for n in graphs.values()))), len(graphs)
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _labels(labels: dict[str, str]) -> str:
    if not labels:
        return ""
    return "{" + ",".join(f'{k}="{_escape(v)}"' for k, v in labels.items()) + "}"


def _number(value: float) -> str:
    return str(value) if isinstance(value, int) else repr(float(value))


def _family(out: list[str], name: str, kind: str, help_text: str, samples) -> None:
    out.append(f"# HELP spkg_{name} {help_text}")
    out.append(f"# TYPE spkg_{name} {kind}")
    for labels, value in samples:
        out.append(f"spkg_{name}{_labels(labels)} {_number(value)}")


def _histograms(out: list[str], name: str, help_text: str, label: str, histograms: dict[str, Histogram]) -> None:
    out.append(f"# HELP spkg_{name} {help_text}")
    out.append(f"# TYPE spkg_{name} histogram")
    for key, h in sorted(histograms.items()):
        running = 0
        for bound, count in zip((*map(repr, BUCKETS), "+Inf"), h.counts):
            running += count
            out.append(f"spkg_{name}_bucket{_labels({label: key, 'le': bound})} {running}")
        out.append(f"spkg_{name}_sum{_labels({label: key})} {_number(h.total)}")
        out.append(f"spkg_{name}_count{_labels({label: key})} {running}")

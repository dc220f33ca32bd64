"""What the server tells about itself: ``/-/metrics``, ``/-/settings`` and the query log.

* ``GET /-/metrics`` — Prometheus text format 0.0.4 (:mod:`kg.web.metrics`);
* ``GET /-/settings`` — the effective settings, without the secret ones
  (:meth:`kg.config.Settings.public`), as JSON; folders only relative to the
  project folder, never as absolute paths (:func:`shown_settings`).

:class:`Metered` counts and times every request: it is the outermost
middleware, and ``/sparql``'s fast path is wrapped in it too (it skips the
middleware stack). :func:`query_done` is called by the routes that run queries
(``/sparql``, ``/api/queries/{name}``, ``/query``) once per query: it feeds the
query metrics and writes the line of :mod:`kg.web.querylog`.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from fastapi import APIRouter, Request
from starlette.responses import Response

from kg.web import querylog
from kg.web import state
from kg.errors import QueryTimeout, StoreTimeout
from kg.web.metrics import CONTENT_TYPE, UNMATCHED, Metrics, reason

router = APIRouter()


class Metered:
    """Raw ASGI wrapper: count each request by route template and status, and time it
    to the end of its response. ``route`` fixes the label (for ``/sparql``'s fast path);
    otherwise it is the template of the route Starlette matched."""

    def __init__(self, app, metrics: Metrics, route: str | None = None) -> None:
        self.app = app
        self.metrics = metrics
        self.route = route

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = time.perf_counter()
        status = 500  # what the client gets when an exception escapes before a response starts

        async def send_status(message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            route = self.route or getattr(scope.get("route"), "path", None) or UNMATCHED
            self.metrics.request(route, status, time.perf_counter() - started)


def query_done(scope, route: str, *, status: int, seconds: float, query: str | None = None,
               name: str | None = None, params: dict[str, str] | None = None, answer=None,
               error: BaseException | None = None) -> None:
    """One query finished (answered, refused or stopped): count it and log it.

    ``name`` is a canned query that exists (it becomes a metric label, so never a
    name a client made up); ``answer`` is the executor's
    :class:`~kg.query.executor.Answer` when there is one.
    """
    # A 503 with no error is a streamed answer cut at the time budget (kg.web.sparql); on an
    # external store the store's own timeout (504) usually ends a slow query first.
    timed_out = isinstance(error, (QueryTimeout, StoreTimeout)) or (error is None and status == QueryTimeout.status)
    refused = reason(error, status)
    spkg = state.of(scope)
    spkg.metrics.query(route, status, seconds, timed_out=timed_out, refused=refused, canned=name)
    if not querylog.enabled():
        return
    client = scope.get("client")
    querylog.record(
        route=route, status=status, seconds=seconds, client=client[0] if client else None, query=query,
        include_text=spkg.settings.log_query_text, name=name, params=params,
        form=answer.form if answer is not None else None, rows=answer.rows if answer is not None else None,
        timed_out=timed_out, truncated=answer.truncated if answer is not None else False,
        worker=answer.worker if answer is not None else None,
        error=getattr(error, "title", None) if error is not None else None, reason=refused)


@router.api_route("/-/metrics", methods=["GET", "HEAD"], include_in_schema=False)
def metrics_page(request: Request) -> Response:
    spkg = state.of(request)
    return Response(spkg.metrics.render(spkg.executor), media_type=CONTENT_TYPE,
                    headers={"cache-control": "no-store"})


#: Settings that name folders of the server: shown relative to the project folder, never as absolute paths.
PATH_SETTINGS = ("project_dir", "store_path", "dumps_path")
HIDDEN_PATH = "(an absolute path, not shown)"


def shown_settings(settings) -> dict:
    """The public settings as /-/settings shows them: a folder of the server's only relative to the project."""
    shown = settings.public()
    root = settings.root
    for name in PATH_SETTINGS:
        value = shown.get(name)
        if not isinstance(value, str) or not os.path.isabs(value):
            continue
        try:
            shown[name] = str(Path(value).resolve().relative_to(root)) if name != "project_dir" else "."
        except ValueError:  # outside the project folder
            shown[name] = HIDDEN_PATH
    return shown


@router.api_route("/-/settings", methods=["GET", "HEAD"], include_in_schema=False)
def settings_page(request: Request) -> Response:
    body = json.dumps(shown_settings(state.of(request).settings), ensure_ascii=False, indent=1)
    return Response(body, media_type="application/json", headers={"cache-control": "no-store"})

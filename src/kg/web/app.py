"""The web layer: a thin adapter from HTTP to the core, built by :func:`create_app`.

Routers are mounted here and nowhere else:

* ``/sparql`` — the SPARQL 1.1 Protocol (:mod:`.sparql`), a raw ASGI app on
  the hot path, with the service description and query page on a bare GET;
* ``/-/health`` (:mod:`.health`); ``/-/metrics`` and ``/-/settings`` (:mod:`.observability`);
* ``/api/queries``, ``/openapi.json``, ``/docs`` — the canned queries as an API (:mod:`.canned`);
* ``/query`` — the query editor (:mod:`.editor`);
* ``/graphs`` — the Graph Store Protocol for partner graphs (:mod:`.graphs`);
* ``/quality`` — what validation found, per data file (:mod:`.quality`).

Every response carries CORS headers for any origin (:mod:`.cors`) and
security headers (:mod:`.security`) and is counted (:mod:`.observability`);
every error has one JSON shape (:mod:`.errors`). Queries run in the worker
processes of a :class:`kg.query.executor.Executor`, started and stopped with the
app's lifespan (so tests use ``with TestClient(create_app(settings))``).
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import sys
import threading
import time
from contextlib import asynccontextmanager
from urllib.parse import quote

from fastapi import FastAPI
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import RedirectResponse
from starlette.routing import Match, Route, get_route_path

from kg.store import remote
from kg.web import redaction
from kg.config import Settings, load_settings
from kg.query.executor import Executor
from kg.web import caching, canned, editor, errors, graphs, health, observability, pages, quality, security
from kg.web.bounded import BoundedStore
from kg.web.cors import CORS
from kg.web.service_description import ServiceDescription
from kg.web.sparql import SparqlEndpoint
from kg.web.state import Spkg
from kg.errors import StoreError
from kg.store import is_built

logger = logging.getLogger(__name__)

__all__ = ["SpkgApp", "app_factory", "create_app"]


class SpkgApp(FastAPI):
    """FastAPI with a direct line to the SPARQL endpoint.

    ``/sparql`` is the hot path: requests for it skip Starlette's middleware
    stack and router (about 20 µs of a ~100 µs request) and go straight to
    :class:`~kg.web.sparql.SparqlEndpoint`, wrapped in CORS and the error
    guard. Middleware added with ``add_middleware`` therefore does not see
    ``/sparql``; the route is still registered, for ``root_path`` deployments.
    The wrappers it does get are set up in :func:`create_app`.
    """

    sparql_app = None
    spkg: Spkg  # the running app's state (kg.web.state): an attribute, as it is read on every query

    async def __call__(self, scope, receive, send) -> None:
        if self.sparql_app is not None and scope["type"] == "http" and scope["path"] == "/sparql":
            scope["app"] = self  # as Starlette would: the query log finds the app there
            return await self.sparql_app(scope, receive, send)
        await super().__call__(scope, receive, send)


def warm(app: FastAPI, loop: asyncio.AbstractEventLoop) -> None:
    """Compute what costs full scans for the current dataset version: the site's pages, then the
    canned queries' first pages; then settle the heap they leave."""
    pages.warm(app.spkg.site)  # the home page's figures first
    asyncio.run_coroutine_threadsafe(canned.warm(app.spkg), loop).result()
    settle_heap()


def _keep_pages_warm(app: FastAPI, loop: asyncio.AbstractEventLoop, stop: threading.Event,
                     every: float = 5.0) -> None:
    """Compute the dashboard's figures, the index pages and the canned queries at start-up and after each
    new dataset version.

    They cost full scans (about 24 s for the dashboard at 100,000 outcomes); done here, no
    visitor waits for them.
    """
    done = None
    while not stop.is_set():
        try:
            site = app.spkg.site
            version = site.version()
            if version != done:
                started = time.monotonic()
                warm(app, loop)
                done = version
                logger.info("pages of dataset version %s ready in %.1f s", version.name, time.monotonic() - started)
        except Exception:  # a missing or half-swapped store: try again later, keep serving
            if stop.is_set():  # its loop cancelled the queries, or its workers died under them: no fault
                logger.info("warming stopped: the server is stopping")
                break
            logger.warning("could not compute the dashboard and index pages yet", exc_info=True)
        stop.wait(every)


def prepare_routes(app: FastAPI) -> None:
    """Have FastAPI build its routes now: it builds an included router's on the first request
    that reaches it (15-30 ms here), which the first visitor would wait for."""
    nowhere = {"type": "http", "method": "GET", "path": "/-/prepare", "root_path": "", "headers": []}
    for route in app.router.routes:
        route.matches(nowhere)  # a path no route has, so every router is walked


def settle_heap() -> None:
    """Collect once now and set what survives aside from later collections.

    Warming leaves millions of long-lived objects at 100,000 outcomes (the cached pages and
    their data); without this, the next full collection (about 0.6 s there) lands on
    whichever request happens to come next. Unfreezing first lets the previous version's
    cycles be collected.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def store_location(settings: Settings) -> str:
    """What the query workers open: the embedded store's folder, or the external store's endpoints.

    The external store's credentials reach the workers through the environment they inherit.
    """
    if not settings.external:
        return str(settings.store_dir)
    if settings.store_auth:
        os.environ[remote.AUTH_ENV] = settings.store_auth
    return remote.Endpoints.of(settings).spec()


def create_app(settings: Settings) -> FastAPI:
    """The spkg web app over the store at ``settings.store_dir``."""
    # On an external store a worker's own HTTP timeout (query_timeout) ends a slow query
    # first, with a 504 that says so; the kill is the backstop.
    timeout = settings.query_timeout + (2.0 if settings.external else 0.0)
    executor = Executor(store_location(settings), size=settings.workers, timeout=timeout,
                        limit=settings.result_limit, allowlist=settings.allowlist,
                        queue=settings.query_queue, allocator=settings.worker_allocator,
                        memory=settings.query_memory)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if settings.external and not is_built(settings):
            raise StoreError(f"no store built in {settings.store_url}", hint="run `kg build` first")
        await executor.start()
        prepare_routes(app)
        # The site's aggregates run in the query workers (kg.web.bounded), bounded as /sparql's queries are.
        site = app.spkg.site
        site.bounded = BoundedStore(executor, asyncio.get_running_loop(), site.store, endpoint.current_version)
        stop = threading.Event()
        threading.Thread(target=_keep_pages_warm, args=(app, asyncio.get_running_loop(), stop), daemon=True,
                         name="page-warmer").start()
        try:
            yield
        finally:
            stop.set()
            await executor.close()

    # FastAPI's /docs loads Swagger UI from a CDN: spkg serves its own OpenAPI 3.1
    # document, built from the canned-query headers, and a server-rendered /docs (kg.web.canned).
    app = SpkgApp(title="spkg", summary="SPARQL endpoint of the ILO social-protection knowledge graph",
                  lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.spkg = spkg = Spkg(settings, executor)
    # uvicorn's access log prints URLs whole: a token put in one must not reach the log.
    redaction.install("uvicorn.access", "uvicorn.error")
    endpoint = SparqlEndpoint(spkg, ServiceDescription(settings, executor))
    app.router.routes.append(Route("/sparql", endpoint))
    app.include_router(health.router)
    app.include_router(canned.router)
    app.include_router(editor.router)
    app.include_router(pages.router)
    app.include_router(quality.router)
    app.include_router(graphs.router)
    app.include_router(observability.router)
    _slash_redirects_by_path(app.router)
    errors.install(app)
    app.add_exception_handler(StarletteHTTPException, caching.browser_error)  # a page for browsers
    app.add_middleware(CORS)
    app.add_middleware(security.SecurityHeaders)
    app.add_middleware(observability.Metered, metrics=spkg.metrics)  # last added: outermost, times everything
    app.sparql_app = observability.Metered(CORS(errors.Guard(endpoint), also=(security.NOSNIFF,)), spkg.metrics,
                                           route="/sparql")
    return app


def _slash_redirects_by_path(router) -> None:
    """``/outcomes/`` -> ``/outcomes`` (and the other way) as Starlette does, but with a path for Location:
    Starlette writes the URL whole, with the Host header a client sent (the eighth #16 probe)."""
    router.redirect_slashes = False
    not_found = router.default

    async def default(scope, receive, send) -> None:
        path = get_route_path(scope)
        if scope["type"] == "http" and path != "/":
            other = dict(scope, path=scope["path"].rstrip("/") if path.endswith("/") else scope["path"] + "/")
            if any(route.matches(other)[0] is not Match.NONE for route in router.routes):
                query = scope.get("query_string", b"").decode("latin-1")
                location = quote(other["path"]) + (f"?{query}" if query else "")
                return await RedirectResponse(location, status_code=307)(scope, receive, send)
        await not_found(scope, receive, send)

    router.default = default


def app_factory() -> FastAPI:
    """For ``uvicorn --factory kg.web.app:app_factory``: settings from ``KG_*`` variables."""
    _log_queries_to_stderr()
    return create_app(load_settings())


def _log_queries_to_stderr() -> None:
    """The query log (kg.web.querylog) as bare JSON lines on stderr, in every HTTP process of `kg serve`.

    Each process configures its own: uvicorn starts extra HTTP processes afresh.
    """
    log = logging.getLogger("kg.web.querylog")
    if not log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False  # one line per query, not a second one through the kg logger

"""The running app's state: one object owns it, as Datasette's ``Datasette`` instance does.

:class:`Spkg` holds the settings, the query executor, the one watcher of the dataset
version in this process, the per-client budget, the metrics, and (made on first use)
the site's read side, the canned-query catalogue and its answers kept per version. Routes reach it with
:func:`of` (``request.app.spkg``); nothing else keeps app-wide state.
"""

from __future__ import annotations

import threading

from kg.config import Settings
from kg.query.budget import Budget
from kg.write.pace import WritePace
from kg.query.executor import Executor
from kg.site.state import Site
from kg.sparql.catalogue import CannedQuery, load_catalogue
from kg.store import VersionWatch, manifest_path
from kg.web.answer_cache import AnswerCache
from kg.web.caching import KeptPages
from kg.web.metrics import Metrics


class Spkg:
    def __init__(self, settings: Settings, executor: Executor) -> None:
        self.settings = settings
        self.executor = executor
        #: The dataset version: one watcher per process, so every part agrees when the data changed.
        self.versions = VersionWatch(settings)
        #: /sparql, /api/queries and /query share it: a client's query time adds up in one account.
        self.budget = Budget(settings.client_query_seconds) if settings.client_query_seconds > 0 else None
        #: How often each partner writes through /graphs.
        self.write_pace = WritePace(settings.partner_writes_per_minute) if settings.partner_writes_per_minute > 0 \
            else None
        self.metrics = Metrics(manifest_path(settings))
        #: Pages that took long to make, for the next visitor of the same version (kg.web.caching).
        self.kept_pages = KeptPages()
        self._lock = threading.Lock()
        self._site: Site | None = None
        self._catalogue: dict[str, CannedQuery] | None = None
        self.openapi: dict | None = None  # the OpenAPI document, built on first request (kg.web.canned)
        #: Canned queries' answers, per dataset version (kg.web.canned): they change only with the data.
        self.answers = AnswerCache()

    @property
    def site(self) -> Site:
        """The site's read side (store, renderer, caches), made on first use."""
        if self._site is None:
            with self._lock:
                if self._site is None:
                    self._site = Site(self.settings, self.versions)
        return self._site

    @property
    def catalogue(self) -> dict[str, CannedQuery]:
        """The canned queries of ``queries/``, loaded once."""
        if self._catalogue is None:
            with self._lock:
                if self._catalogue is None:
                    self._catalogue = load_catalogue(self.settings.queries_dir)
        return self._catalogue


def of(request) -> Spkg:
    """The state of the app serving ``request`` (a Starlette request, or an ASGI scope)."""
    app = request["app"] if isinstance(request, dict) else request.app
    return app.spkg

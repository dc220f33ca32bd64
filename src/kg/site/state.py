"""The read side of the site: the store, the dataset version, the renderer and caches.

One :class:`Site` per web app. It opens the store read-only the first time it
is needed and again after ``kg build`` swapped in a new one (it watches the
build manifest), so pages, ETags and the store always agree on the version.
Expensive views (the ontology documentation, the catalogue) are cached per
version. No FastAPI here.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

from kg.config import Settings
from kg.store import Version, VersionWatch
from kg.errors import StoreError
from kg.site import Renderer
from kg.site.urls import Urls
from kg.site.views import Context
from kg.store import Store, open_store, read_manifest

T = TypeVar("T")
CACHE_SIZE = 64


class Site:
    def __init__(self, settings: Settings, versions: VersionWatch | None = None) -> None:
        self.settings = settings
        self.urls = Urls(settings.base)
        self.renderer = Renderer(self.urls)
        self.watch = versions or VersionWatch(settings)  # the app passes its own: one watcher per process
        self._lock = threading.Lock()
        self._store: Store | None = None
        self._manifest: dict | None = None
        self._opened_for: str | None = None
        self._cache: OrderedDict[tuple[str, str], object] = OrderedDict()
        self._making: dict[tuple[str, str], threading.Event] = {}
        #: The store as the query workers see it, set by the web app (kg.web.bounded): aggregates run there.
        self.bounded: Store | None = None

    def version(self) -> Version:
        v = self.watch.current()
        if v is None:
            raise StoreError(f"no built store at {self.settings.store_dir}", hint="run `kg build` first")
        return v

    def _open(self) -> tuple[Store, dict, Version]:
        version = self.version()
        with self._lock:
            if self._store is None or self._opened_for != f"{version.name}|{version.built_at}":
                # The old handle is dropped, not closed: requests still using it finish on it.
                self._store = open_store(self.settings)
                self._manifest = read_manifest(self.settings)
                self._opened_for = f"{version.name}|{version.built_at}"
                self._cache.clear()
            return self._store, self._manifest or {}, version

    def store(self) -> Store:
        return self._open()[0]

    def manifest(self) -> dict:
        return self._open()[1]

    def context(self) -> Context:
        store, manifest, _ = self._open()
        return Context(store, self.settings, self.urls, manifest, self.bounded)

    def cached(self, key: str, make: Callable[[], T]) -> T:
        """``make()``'s value for ``key`` at the current version, made once.

        Callers that arrive while another is making it wait for that one: after a
        rebuild, a crowd on a page that costs seconds must not compute it once each.
        """
        version = self.version()
        k = (f"{version.name}|{version.built_at}", key)
        while True:
            with self._lock:
                if k in self._cache:
                    self._cache.move_to_end(k)
                    return self._cache[k]  # type: ignore[return-value]
                making = self._making.get(k)
                if making is None:
                    making = self._making[k] = threading.Event()
                    break
            making.wait()  # then look again; if the maker failed, the next caller makes it
        try:
            value = make()
            with self._lock:
                self._cache[k] = value
                while len(self._cache) > CACHE_SIZE:
                    self._cache.popitem(last=False)
            return value
        finally:
            with self._lock:
                del self._making[k]
            making.set()

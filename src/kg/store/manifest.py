"""The build manifest beside the store, and the dataset version read from it.

``kg build``, ``kg ingest`` and partner writes rewrite ``.kg/build.json`` each time
the store changes; everything that depends on the data (ETags, caches, pages, dumps)
follows the version it gives. :class:`VersionWatch` reads it cheaply on each request.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from importlib import metadata
from pathlib import Path

from kg.config import Settings
from kg.errors import StoreError


def package_version() -> str:
    """spkg's own version (the installed package's), ``0+unknown`` in a source tree that is not installed."""
    try:
        return metadata.version("spkg")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def manifest_path(settings: Settings) -> Path:
    """The manifest beside the store: what was built, from what, when.

    ``.kg/build.json`` for the default ``.kg/store``; a store folder with
    another name X gets ``X.build.json``, so two stores never share one.
    """
    store = settings.store_dir
    return store.with_name("build.json" if store.name == "store" else f"{store.name}.build.json")


def read_manifest(settings: Settings) -> dict | None:
    try:
        return json.loads(manifest_path(settings).read_text())
    except FileNotFoundError:
        return None


def next_built_at(previous: dict | None) -> str:
    """``built_at`` for a new store: now, to the second, and later than the store it replaces.

    A version is its date, content hash and ``built_at``: a partner write and a `kg build` of the same files in
    one second made the same version, so readers kept the store they had opened (its files replaced:
    "Sst file size mismatch"). One second past the last one then."""
    now = datetime.now(timezone.utc).replace(microsecond=0)
    try:
        last = datetime.fromisoformat((previous or {})["built_at"])
        last = (last if last.tzinfo else last.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)
    except (KeyError, TypeError, ValueError):
        last = None
    if last is not None and now <= last:
        now = last.replace(microsecond=0) + timedelta(seconds=1)
    return now.isoformat(timespec="seconds")


@dataclass(frozen=True)
class Version:
    """The dataset's version, from the build manifest."""

    name: str               # 2026-11-27-eba5a671
    built_at: datetime
    content_hash: str
    base: str

    @property
    def date(self) -> str:
        return self.built_at.date().isoformat()


def dataset_version(manifest: dict) -> Version:
    """The version of the build described by ``manifest`` (see :func:`kg.store.manifest.read_manifest`)."""
    try:
        built_at = datetime.fromisoformat(manifest["built_at"])
        digest = manifest["content_hash"].split(":", 1)[-1]
    except (KeyError, TypeError, ValueError) as e:
        raise StoreError(f"the build manifest is unreadable ({e})", hint="run `kg build` again") from None
    if built_at.tzinfo is None:
        built_at = built_at.replace(tzinfo=timezone.utc)
    built_at = built_at.astimezone(timezone.utc)
    return Version(f"{built_at.date().isoformat()}-{digest[:8]}", built_at, manifest["content_hash"],
                   manifest.get("base", ""))


def current_version(settings: Settings) -> Version:
    manifest = read_manifest(settings)
    if manifest is None:
        raise StoreError(f"no build manifest beside {settings.store_dir}", hint="run `kg build` first")
    return dataset_version(manifest)


class VersionWatch:
    """The current dataset version, re-read only when the build manifest file changes.

    Cheap enough to ask on every request (one ``stat``); thread-safe for reading.
    """

    def __init__(self, settings: Settings) -> None:
        self.path = manifest_path(settings)
        self._token: tuple[int, int] | None = None
        self._version: Version | None = None

    def token(self) -> tuple[int, int] | None:
        try:
            st = self.path.stat()
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_size)

    def current(self) -> Version | None:
        token = self.token()
        if token is None:
            return None
        if token != self._token:
            try:
                manifest = json.loads(self.path.read_text())
                version = dataset_version(manifest)
            except (OSError, ValueError, StoreError):
                return None
            self._version, self._token = version, token
        return self._version

"""The store: where the graph lives and how it is read (the layer above :mod:`kg.sparql`).

``base`` (the :class:`Store` interface and the one dataset rule), ``embedded``
(pyoxigraph's RocksDB store), ``remote`` (an external SPARQL 1.1 store), ``manifest``
(the build manifest and the dataset version), ``swap`` (installing a new store,
repairing after a killed writer). The functions here choose the embedded or the
external store from the settings: the one place that does.
"""

from __future__ import annotations

import pyoxigraph as ox

from kg.config import Settings
from kg.store.base import QueryResult, Store, StoreAdapter, dataset_arguments, graph_counts
from kg.store.embedded import OxigraphStore, is_store_folder, raw_read_only
from kg.store.manifest import (
    Version,
    VersionWatch,
    current_version,
    dataset_version,
    manifest_path,
    package_version,
    read_manifest,
)

__all__ = [
    "OxigraphStore",
    "QueryResult",
    "Store",
    "StoreAdapter",
    "Version",
    "VersionWatch",
    "current_version",
    "dataset_arguments",
    "dataset_version",
    "graph_counts",
    "is_built",
    "manifest_path",
    "open_store",
    "package_version",
    "raw_store",
    "read_manifest",
]


def open_store(settings: Settings) -> StoreAdapter:
    """The store to read from: the embedded one (read-only) or the external one."""
    if settings.external:
        from kg.store.remote import ExternalStore

        return ExternalStore(settings)
    return OxigraphStore(settings.store_dir, read_only=True)


def raw_store(settings: Settings) -> ox.Store:
    """A pyoxigraph-like store for code that walks quads (ingest, /graphs): read-only embedded, or remote."""
    if settings.external:
        from kg.store import remote

        return remote.RemoteStore(remote.Endpoints.of(settings))  # type: ignore[return-value]
    return raw_read_only(settings.store_dir)


def is_built(settings: Settings) -> bool:
    """A dataset has been built: a store folder, or (external store) a build manifest."""
    return read_manifest(settings) is not None if settings.external else is_store_folder(settings.store_dir)

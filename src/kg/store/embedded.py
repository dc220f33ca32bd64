"""The embedded store: pyoxigraph's RocksDB store in a folder of the project (``.kg/store``)."""

from __future__ import annotations

import time
from pathlib import Path

import pyoxigraph as ox

from kg.config import Settings
from kg.errors import StoreError
from kg.store.base import StoreAdapter


class OxigraphStore(StoreAdapter):
    """pyoxigraph's RocksDB store at ``settings.store_dir``."""

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        if not is_store_folder(path):
            raise StoreError(f"no store at {path}", hint="run `kg build` first")
        try:
            self._store = read_only_store(str(path)) if read_only else ox.Store(str(path))
        except OSError as e:
            raise StoreError(f"cannot open the store at {path}: {e}") from None
        self.path = path
        self.read_only = read_only

    def dump_quads(self, output) -> bool:
        self._s.dump(output, ox.RdfFormat.N_QUADS)  # pyoxigraph's own writer: three times faster than a query
        return True

    @classmethod
    def open(cls, settings: Settings) -> OxigraphStore:
        return cls(settings.store_dir)

    @classmethod
    def open_read_only(cls, settings: Settings) -> OxigraphStore:
        """For server workers and `kg query`: many readers may share one store."""
        return cls(settings.store_dir, read_only=True)


def raw_read_only(directory: Path) -> ox.Store:
    """The raw pyoxigraph store, read-only (many readers may share it)."""
    if not is_store_folder(directory):
        raise StoreError(f"no store at {directory}", hint="run `kg build` first")
    try:
        return read_only_store(str(directory))
    except OSError as e:
        raise StoreError(f"cannot open the store at {directory}: {e}") from None


#: Tries of a read-only open that lands in a swap (see read_only_store), 50 ms apart.
SWAP_TRIES = 20


def read_only_store(directory: str) -> ox.Store:
    """``ox.Store.read_only``, opened again when it lands between the two renames of a store swap
    (kg.write.swap): RocksDB then reads one folder's MANIFEST and the other's files and says
    "Corruption: ... No such file" (tenth #16 probe: 2 opens in 278). The swap takes milliseconds."""
    for attempt in range(SWAP_TRIES):
        try:
            return ox.Store.read_only(directory)
        except (OSError, RuntimeError) as e:
            if "No such file" not in str(e) or attempt == SWAP_TRIES - 1:
                raise
            time.sleep(0.05)  # the other process's rename, not a condition this one can watch
    raise AssertionError("unreachable")  # pragma: no cover


def is_store_folder(path: Path) -> bool:
    """A built store is a folder with something in it."""
    return path.is_dir() and any(path.iterdir())

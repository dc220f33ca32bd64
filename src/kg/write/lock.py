"""The write lock: one change to the store at a time (`kg ingest`, a partner write).

The lock is a file beside the store (``.kg/ingest.lock``) held with ``flock``, so it
is released when its process dies, however it dies. A writer either fails at once
(``wait=0``: a person at the command line learns that another ingest runs) or waits a
little for the other writer (a partner's PUT behind another partner's).
"""

from __future__ import annotations

import fcntl
import time
from collections.abc import Iterator
from contextlib import contextmanager

from kg.config import Settings
from kg.errors import StoreError

POLL = 0.05  # seconds between tries while waiting


@contextmanager
def holding(settings: Settings, *, wait: float = 0.0, busy: str = "another write or kg ingest is changing the store",
            hint: str = "try again in a moment") -> Iterator[None]:
    """Hold the write lock for the ``with`` block; :class:`StoreError` (``busy``) if it is not free within ``wait`` s."""
    folder = settings.store_dir.parent
    folder.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait
    with open(folder / "ingest.lock", "w") as fh:
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise StoreError(busy, hint=hint) from None
                time.sleep(POLL)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)

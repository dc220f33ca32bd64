"""Finish or undo what a killed writer left behind, before anything reads or writes.

A `kg build`, `kg ingest` or partner write killed at any step leaves at most:
temp folders and files beside the store, a store swapped in before its
manifest, and a journaled batch of files in ``data/`` or ``partners/``.
:func:`recover` puts all of it right (:func:`kg.store.core.recover`, then
:func:`kg.write.journal.recover` for each folder), so the store in place, its
manifest and the files agree again. `kg serve`, `kg build`, `kg ingest` and
every partner write call it first; it is a few ``stat`` calls when there is
nothing to do.
"""

from __future__ import annotations

from kg.store import core as store
from kg.config import Settings


def recover(settings: Settings) -> list[str]:
    """Messages for the user about what was repaired (empty when nothing was)."""
    from kg.write import journal as commit

    messages = store.recover(settings)
    for folder in (settings.data_dir, settings.partners_dir):
        if folder.is_dir():
            messages += commit.recover(folder, settings)
    return messages

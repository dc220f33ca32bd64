"""Finish or undo what a killed writer left behind, before anything reads or writes.

A `kg build`, `kg ingest` or partner write killed at any step leaves at most:
temp folders and files beside the store, a store swapped in before its
manifest, and a journaled batch of files in ``data/`` or ``partners/``.
:func:`recover` puts all of it right (:func:`kg.store.swap.repair`, then
:func:`kg.write.journal.roll_back` for each folder), so the store in place, its
manifest and the files agree again. `kg serve`, `kg build`, `kg ingest` and
every partner write call it first; it is a few ``stat`` calls when there is
nothing to do. It is the only function of that name.
"""

from __future__ import annotations

from kg.config import Settings
from kg.store import swap
from kg.write import journal


def recover(settings: Settings) -> list[str]:
    """Messages for the user about what was repaired (empty when nothing was)."""
    messages = swap.repair(settings)
    for folder in (settings.data_dir, settings.partners_dir):
        if folder.is_dir():
            messages += journal.roll_back(folder, settings)
    return messages

"""Canned queries' answers, kept for the dataset version they were computed on.

A canned query's answer only changes when the data does (``kg build``, ``kg ingest``, a
partner write: a new dataset version). At 100,000 outcomes the listings and aggregates
take 1-20 s each, so the first answer for a query and its parameters is kept, and the
next client with the same question gets it at once (#17). The page warmer computes each
query with no parameters and with its example at start-up (:func:`kg.web.canned.warm`).

Bounded in entries and bytes; an answer larger than ``max_entry`` bytes is not kept. The
warmer's answers are *pinned*: kept for their version whatever other clients ask (else 300
requests differing in ``limit`` pushed the dashboard's counts out, and the next visitor paid
for them again: ninth #16 probe); they are a few dozen, within ``max_bytes`` of their own.
Clients asking for the same missing answer wait for the one computing it; if that one
fails (its time budget, a timeout), each waiter then tries on its own account, so one
client's 429 is never handed to another.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from dataclasses import dataclass
from typing import Awaitable, Callable, Hashable

__all__ = ["AnswerCache", "Kept"]


@dataclass(frozen=True)
class Kept:
    """A query's answer as the store gave it: its form (``bindings``, ``ask``, ``graph``) and body."""

    form: str
    body: bytes


class AnswerCache:
    def __init__(self, *, max_entries: int = 256, max_bytes: int = 64 << 20, max_entry: int = 4 << 20) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.max_entry = max_entry
        self._kept: OrderedDict[tuple[str, Hashable], Kept] = OrderedDict()
        self._bytes = 0
        self._pinned: dict[tuple[str, Hashable], Kept] = {}
        self._pinned_bytes = 0
        self._making: dict[tuple[str, Hashable], asyncio.Event] = {}

    def peek(self, version: str, key: Hashable) -> Kept | None:
        """The kept answer, if any, without computing one."""
        kept = self._pinned.get((version, key))
        if kept is not None:
            return kept
        kept = self._kept.get((version, key))
        if kept is not None:
            self._kept.move_to_end((version, key))
        return kept

    async def get(self, version: str, key: Hashable, make: Callable[[], Awaitable[Kept]], *,
                  pin: bool = False) -> tuple[Kept, bool]:
        """The answer for ``key`` at ``version`` and whether it was kept; ``make()`` computes it when not.
        ``pin``: keep it for the version, out of reach of the other entries' eviction."""
        k = (version, key)
        while True:
            kept = self.peek(version, key)
            if kept is not None:
                if pin and k not in self._pinned:  # a visitor asked before the warmer did
                    self._bytes -= len(self._kept.pop(k).body)
                    self._keep(k, kept, pin)
                return kept, True
            making = self._making.get(k)
            if making is None:
                making = self._making[k] = asyncio.Event()
                break
            await making.wait()  # then look again: kept, or the maker failed and this caller makes it
        try:
            kept = await make()
            self._keep(k, kept, pin)
            return kept, False
        finally:
            del self._making[k]
            making.set()

    def _keep(self, k: tuple[str, Hashable], kept: Kept, pin: bool = False) -> None:
        if len(kept.body) > self.max_entry:
            return
        for old in [o for o in self._kept if o[0] != k[0]]:  # a new version: the old answers are stale
            self._bytes -= len(self._kept.pop(old).body)
        for old in [o for o in self._pinned if o[0] != k[0]]:
            self._pinned_bytes -= len(self._pinned.pop(old).body)
        if pin and self._pinned_bytes + len(kept.body) <= self.max_bytes:
            self._pinned[k] = kept
            self._pinned_bytes += len(kept.body)
            return
        self._kept[k] = kept
        self._bytes += len(kept.body)
        while len(self._kept) > self.max_entries or self._bytes > self.max_bytes:
            _, dropped = self._kept.popitem(last=False)
            self._bytes -= len(dropped.body)

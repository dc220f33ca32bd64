"""How often one partner may write: at most ``partner_writes_per_minute`` writes in any minute.

Every write makes a new dataset version: the query workers reopen the store and the page
warmers compute the site's pages and canned answers again (54 queries for a one-triple write
here; minutes at 100,000 outcomes). A partner writing in a loop kept the whole site re-warming
and moved other clients' median latency 2-5x (ninth #16 probe). Past its pace a write gets 429
with Retry-After, before its body is read, so a well-behaved client waits and goes on.

Counted per HTTP process (as the query budget is): with ``http_workers`` > 1 a partner may
write that many times more.
"""

from __future__ import annotations

import collections
import math
import threading
import time

from kg.errors import WritesTooFrequent

WINDOW = 60.0  # seconds


class WritePace:
    def __init__(self, per_minute: int, clock=time.monotonic) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self._writes: dict[str, collections.deque[float]] = {}
        self._lock = threading.Lock()

    def charge(self, partner: str) -> None:
        """Count one write of ``partner``; WritesTooFrequent (429) when it has made its writes of the minute."""
        now = self.clock()
        with self._lock:
            writes = self._writes.setdefault(partner, collections.deque())
            while writes and writes[0] <= now - WINDOW:
                writes.popleft()
            if len(writes) >= self.per_minute:
                wait = max(1, math.ceil(writes[0] + WINDOW - now))
                raise WritesTooFrequent(
                    f"partner {partner!r} made {len(writes)} writes in the last minute, the most it may "
                    f"(setting partner_writes_per_minute): each write makes the site compute its pages again",
                    retry_after=wait, hint=f"retry in {wait} s, or send several graphs' changes in fewer writes")
            writes.append(now)

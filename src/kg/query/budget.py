"""Per-client query-time budgets: one client running heavy queries cannot starve the others.

Each client (its remote address; an IPv6 address counts by its /64) may use
``seconds`` of query-worker time per rolling :data:`WINDOW`. The account is a
leaky bucket: a client's used time drains at ``seconds / WINDOW`` per second,
so a client that used the whole budget has it back one window later, and
one that is over it gets its next query after ``(used - seconds) / rate``
(the ``Retry-After`` of the 429).

* Worker time counts from the moment a worker takes the query (time in the
  queue is free, so a client waiting behind a heavy one pays nothing for it)
  and is charged when the query ends; a query stopped at ``query_timeout``
  costs the whole timeout. Admission looks at what is charged *and* at the
  time the client's running queries have had a worker so far
  (:meth:`Ticket.start`, called by the executor), so a client holding two
  workers with 30 s queries is over a 60 s budget after 30 s, while they run,
  not after they end. Counting queries from their admission instead was
  tried and measured: under congestion it refused the *victims*, whose
  lookups sat in the queue behind someone else's aggregates
  (benchmarks/README.md, "Load test and per-client fairness").
* O(1) per request, bounded memory: clients are kept in order of last use,
  and the least recent ones are forgotten once their bucket has drained
  (or, past :data:`MAX_CLIENTS`, regardless: a forgotten client starts
  afresh, which is better than running out of memory under address spraying).

The client address is what uvicorn puts in the ASGI scope: behind a reverse
proxy, uvicorn replaces it with the proxy's ``X-Forwarded-For`` when the
proxy's address is in ``FORWARDED_ALLOW_IPS`` (default 127.0.0.1).

No HTTP here: the web layer calls :meth:`Budget.admit` before a query and
:meth:`Ticket.settle` after it, and turns :class:`~kg.errors.BudgetExceeded`
into the 429. The executor starts (and, for a query sent back to the queue,
pauses) the ticket it is given, or the one :func:`metered` made current.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import contextvars
import ipaddress
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from kg.errors import BudgetExceeded, QueryTimeout

WINDOW = 60.0          # seconds: the budget is per rolling minute
MAX_CLIENTS = 100_000  # accounts kept at most (about 230 bytes each: 23 MB)


@dataclass(slots=True)
class _Account:
    used: float = 0.0         # seconds charged, drained since `last`
    last: float = 0.0         # clock time of the last drain
    running: int = 0          # admitted queries not settled yet (kept until they are, below MAX_CLIENTS)
    working: set = field(default_factory=set)  # tickets of queries that have (or had) a worker, not settled


class Ticket:
    """One admitted query; :meth:`settle` it exactly once (later calls do nothing).

    :meth:`start` when a worker takes the query and :meth:`pause` when it gives it
    back unfinished: until the ticket is settled, the time it has had a worker
    counts against the client's budget at each admission.
    """

    __slots__ = ("budget", "client", "settled", "answer", "since", "spent")

    def __init__(self, budget: Budget | None, client: str) -> None:
        self.budget, self.client, self.settled = budget, client, False
        self.answer = None  # the executor's Answer, for metered()
        self.since: float | None = None  # clock time a worker took the query (None: no worker now)
        self.spent = 0.0                 # worker time of earlier turns (a trial sent back to the queue)

    def start(self) -> None:
        """A worker took the query: its time counts from now."""
        if self.budget is not None and not self.settled:
            self.budget._start(self)

    def pause(self) -> None:
        """The worker gave the query back (to wait for another): its time so far stays counted."""
        if self.budget is not None and not self.settled:
            self.budget._pause(self)

    def in_flight(self, now: float) -> float:
        """Worker time this unsettled query has had until ``now``."""
        return self.spent + (max(0.0, now - self.since) if self.since is not None else 0.0)

    def settle(self, seconds: float = 0.0) -> None:
        """Charge ``seconds`` of worker time to the client."""
        if self.settled or self.budget is None:
            return
        self.settled = True
        self.budget._settle(self, seconds)

    def settle_answer(self, answer) -> None:
        """Charge the worker time of an executor :class:`~kg.query.executor.Answer` that has just ended:
        until its worker finished it (a streamed answer's client may read on after that, at no cost)."""
        started = getattr(answer, "started", 0.0)
        ended = getattr(answer, "ended", 0.0) or asyncio.get_running_loop().time()
        self.settle(ended - started if started else 0.0)

    def settle_error(self, error: BaseException, timeout: float) -> None:
        """A query that failed: a timeout used ``timeout`` seconds of a worker, anything else next to nothing."""
        self.settle(timeout if isinstance(error, QueryTimeout) else 0.0)


NO_BUDGET = Ticket(None, "")  # what admit() gives when budgets are off


class Budget:
    """``seconds`` of query time per client per rolling ``window``."""

    def __init__(self, seconds: float, *, window: float = WINDOW, clock: Callable[[], float] = time.monotonic,
                 max_clients: int = MAX_CLIENTS) -> None:
        if seconds <= 0 or window <= 0:
            raise ValueError("a budget needs positive seconds and window")
        self.seconds = seconds
        self.window = window
        self.rate = seconds / window
        self.clock = clock
        self.max_clients = max_clients
        self._accounts: collections.OrderedDict[str, _Account] = collections.OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._accounts)

    def admit(self, client: str) -> Ticket:
        """A ticket for one query; :class:`~kg.errors.BudgetExceeded` when ``client`` is over budget,
        counting the time its running queries have had so far."""
        with self._lock:
            now = self.clock()
            account = self._touch(client, now)
            used = account.used + sum(t.in_flight(now) for t in account.working)
            if used >= self.seconds:
                wait = math.floor((used - self.seconds) / self.rate) + 1
                raise BudgetExceeded(
                    f"this client used {used:.0f} s of query time in the last {self.window:.0f} s; "
                    f"the budget is {self.seconds:g} s (setting client_query_seconds); try again in {wait} s",
                    retry_after=wait, hint="wait for Retry-After seconds, or make the queries more selective")
            account.running += 1
            return Ticket(self, client)

    def used(self, client: str) -> float:
        """Seconds charged to ``client`` and not yet drained, plus its running queries' time so far."""
        with self._lock:
            account = self._accounts.get(client)
            if account is None:
                return 0.0
            now = self.clock()
            return max(0.0, account.used - (now - account.last) * self.rate) + \
                sum(t.in_flight(now) for t in account.working)

    def in_flight(self, client: str) -> int:
        """Queries of ``client`` admitted and not settled yet."""
        with self._lock:
            account = self._accounts.get(client)
            return account.running if account is not None else 0

    def charge(self, client: str, seconds: float) -> None:
        """Charge ``seconds`` to ``client`` outside any query (tests, or time spent elsewhere)."""
        with self._lock:
            now = self.clock()
            self._touch(client, now).used += seconds

    def _settle(self, ticket: Ticket, seconds: float) -> None:
        with self._lock:
            now = self.clock()
            account = self._touch(ticket.client, now)
            if account.running:  # else it was forgotten meanwhile (past MAX_CLIENTS): charge it afresh
                account.running -= 1
            account.working.discard(ticket)
            ticket.since = None
            account.used += max(0.0, seconds)

    def _start(self, ticket: Ticket) -> None:
        with self._lock:
            now = self.clock()
            account = self._touch(ticket.client, now)
            if ticket.since is None:
                ticket.since = now
            account.working.add(ticket)

    def _pause(self, ticket: Ticket) -> None:
        with self._lock:
            if ticket.since is not None:
                ticket.spent += max(0.0, self.clock() - ticket.since)
                ticket.since = None

    def _touch(self, client: str, now: float) -> _Account:
        """The client's account, drained to ``now`` and made the most recent; forget drained idle ones."""
        accounts = self._accounts
        account = accounts.get(client)
        if account is None:
            account = accounts[client] = _Account(last=now)
        else:
            accounts.move_to_end(client)
            account.used = max(0.0, account.used - (now - account.last) * self.rate)
            account.last = now
        # Amortised O(1): each account is forgotten at most once per use.
        while len(accounts) > 1:
            oldest_key, oldest = next(iter(accounts.items()))
            drained = oldest.used <= (now - oldest.last) * self.rate
            if not (drained and oldest.running == 0) and len(accounts) <= self.max_clients:
                break
            del accounts[oldest_key]
        return account


def client_key(scope) -> str:
    """The client an ASGI request is charged to: its address, an IPv6 one by its /64."""
    client = scope.get("client")
    host = client[0] if client else ""
    if ":" in host:
        try:
            return str(ipaddress.IPv6Network(f"{host}/64", strict=False))
        except ValueError:
            return host
    return host


def admit(budget: Budget | None, scope) -> Ticket:
    """A ticket for a query from the request ``scope`` (:data:`NO_BUDGET` when budgets are off)."""
    return NO_BUDGET if budget is None else budget.admit(client_key(scope))


_CURRENT: contextvars.ContextVar[Ticket | None] = contextvars.ContextVar("kg_budget_ticket", default=None)


def current() -> Ticket | None:
    """The ticket of the :func:`metered` block this code runs in (the executor starts it), or None."""
    return _CURRENT.get()


@contextlib.contextmanager
def counting(ticket: Ticket):
    """Make ``ticket`` :func:`current` in the block, for work that runs queries of its own (a page's
    aggregates): the executor starts it when a worker takes one, so their time counts while they run;
    the caller settles it. Threads and tasks started from the block (a page's queries reach the event loop
    by ``run_coroutine_threadsafe``) carry it with the rest of the context."""
    token = _CURRENT.set(ticket)
    try:
        yield ticket
    finally:
        _CURRENT.reset(token)


@contextlib.contextmanager
def metered(budget: Budget | None, scope, timeout: float):
    """Admit a query from ``scope`` and charge it when the block ends.

    Set ``ticket.answer`` inside the block once the answer has been read whole::

        with metered(b, request.scope, settings.query_timeout) as ticket:
            ticket.answer = answer = await executor.run(...)
            body = ...

    Inside the block the ticket is :func:`current`: the executor starts it when a
    worker takes the query, so the time counts while the query runs.
    """
    ticket = admit(budget, scope)
    token = _CURRENT.set(ticket)
    try:
        yield ticket
    except BaseException as e:
        ticket.settle_error(e, timeout)
        raise
    finally:
        _CURRENT.reset(token)
    ticket.settle_answer(ticket.answer)

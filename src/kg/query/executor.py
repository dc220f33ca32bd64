"""A pool of query worker processes, with a time budget that really stops a query.

pyoxigraph has no query timeout, and a query running in a thread cannot be
stopped. So queries run in worker processes (:mod:`kg.query.workers`), each with the
store open read-only; when a query runs past its budget the worker is killed
(SIGKILL), which frees its core at once, and a fresh one is started in its
place. The caller gets :class:`~kg.errors.QueryTimeout`.

::

    HTTP process (asyncio)                       worker processes
    Executor.run(query) ── JOB ──► socketpair ──► Store.read_only(...).query()
                        ◄─ COMPLETE | HEAD DATA… END | ERROR ──

  (frames and messages: :mod:`kg.query.wire`; an ERROR is raised here as the
  exception the worker had, through the registry :data:`kg.query.wire.ERRORS`)

* One :class:`Executor` per HTTP process; it owns ``size`` workers, started
  with :func:`spawn_command` (a fresh interpreter that imports only
  pyoxigraph and :mod:`kg.query.workers`: about 0.15 s and 20-30 MB each).
* Scheduling: an idle worker takes the next query. Queries whose shape (the
  text without IRIs, strings and numbers) cost more than :data:`HEAVY_AFTER`
  last time (the worker's CPU time, so a busy machine does not make a lookup
  heavy; wall time where the work is another server's) are *heavy*: at most ``size - 1`` of them run
  at once, so one client hammering an aggregate (or a template with changing
  parameters) leaves a worker free for lookups. A shape never seen takes a
  heavy slot when one is free; otherwise it is *on trial* on the free worker:
  one at a time, and if it has not answered within :data:`TRIAL` seconds it
  is stopped, remembered as heavy and queued again for a heavy slot (else a
  client's first burst of new aggregates would take every worker). A query
  of a light shape gets :data:`LIGHT_LIMIT` seconds the same way (a shape
  made light by a small variant would otherwise let its large ones take every
  worker). Past its limit a query is heavy: it carries on in a heavy slot if
  one is free, else it is stopped and queued for one; its answer is held
  back until then, so a stopped query has sent nothing. Slots are
  counted when a worker is handed out, never later. A free worker goes to
  the waiting query, of those that may run, whose client holds the fewest
  workers (then the oldest), so one client's queue of queries does not keep
  another's lookup waiting. At most ``queue`` queries wait, each for at most
  :data:`QUEUE_WAIT` budgets; a full queue still takes a query from a client
  with fewer waiting than the client with most, whose newest then gets
  :class:`~kg.errors.ServerBusy` (503), as does any query beyond that.
* The budget starts when a worker takes the query and covers streaming the
  answer too (a client that reads too slowly loses the rest of it).
* Streaming: an answer larger than ``window`` comes as DATA frames into a
  :class:`_Spool`: what the client has not taken yet waits in memory up to
  :data:`HIGH_WATER` bytes and in a temporary file beyond, so the worker
  writes at its own pace and is free for the next query as soon as the
  answer is complete, while a slow client still reads (a slow reader costs a
  file, not a worker). Past :data:`SPOOL_LIMIT` bytes spooled across all
  answers, a spool stops reading its worker's socket instead: a slow client
  then slows its worker rather than filling the disk. Smaller answers come in
  one frame, with their row count and cut flag, which lets the HTTP layer set
  exact headers.
* Workers get jemalloc preloaded when it is installed (setting
  ``worker_allocator``): pyoxigraph's aggregates allocate a lot.

No FastAPI here: :mod:`kg.web` turns an :class:`Answer` into a response.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

from kg.store import remote
from kg.query import budget as client_budget
from kg.query import wire
from kg.errors import AnswerTooLarge, KGError, QueryOutOfMemory, QueryTimeout, ServerBusy, StoreError

logger = logging.getLogger(__name__)

HEAVY_AFTER = 0.1            # seconds: a query that cost this much last time is "heavy" (see Meta.cost)
MAX_SHAPES = 16384           # histories kept (shapes, and shapes per client), the least recent forgotten first
TRIAL = 0.25                 # seconds a never-seen query may hold the worker kept for light ones
LIGHT_LIMIT = 2.0            # seconds a query of a shape known as light may run before it counts as heavy
BEYOND_CAP_LIMIT = 0.5       # seconds the one short query a client may run beyond its cap has (see Executor._role)
HIGH_WATER = 1024 * 1024     # bytes of DATA held in memory (more go to a spool file, or pause the worker)
CHUNK = 64 * 1024            # bytes of a spooled answer handed to the HTTP layer at a time
SPOOL_LIMIT = 256 * 1024 * 1024  # bytes spooled across all answers before slow readers slow their workers
WINDOW = 1024 * 1024         # answers up to this size come in one piece (exact headers)
START_TIMEOUT = 60.0         # seconds a new worker may take to open the store
QUEUE_WAIT = 2.0             # a query may wait this many budgets for a free worker
WHOLE_ANSWER_CAP = 64 * 1024 * 1024  # bytes of an answer read whole in the HTTP process (Answer.read)


def allocator_library(choice: str) -> str | None:
    """The malloc library to preload into workers for ``choice`` (setting ``worker_allocator``).

    pyoxigraph allocates through the C library; glibc's malloc makes big
    aggregates up to twice slower than jemalloc (measured: agg-country on the
    10k benchmark store 0.40 s with glibc, 0.19-0.25 s with jemalloc). "auto"
    uses jemalloc when it is installed (Debian: libjemalloc2), else the system's.
    """
    if choice in ("", "system"):
        return None
    if choice == "auto":
        import ctypes.util

        return ctypes.util.find_library("jemalloc")
    return choice


def spawn_command(fd: int, store_path: str, allowlist: tuple[str, ...], memory: int = 0) -> list[str]:
    """The command line of a worker process.

    The worker imports :mod:`kg.query.workers` without running ``kg/__init__``
    (which pulls in rdflib and pyshacl): it registers a bare ``kg`` package
    pointing at this folder first. Start-up drops from ~0.7 s to ~0.15 s and
    each worker saves about 25 MB.
    """
    boot = (
        "import sys, types; "
        "p = types.ModuleType('kg'); p.__path__ = [sys.argv[1]]; sys.modules.setdefault('kg', p); "
        "from kg.query.workers import main; main(int(sys.argv[2]), sys.argv[3], sys.argv[5:], int(sys.argv[4]))"
    )
    return [sys.executable, "-c", boot, str(Path(__file__).parents[1]), str(fd), store_path, str(memory), *allowlist]


@dataclass
class Answer:
    """What a query gave: the head now, the body whole or as a stream."""

    form: str                       # "select", "ask" or "graph"
    media_type: str
    rows: int | None                # rows or triples; None for ASK or until a stream ends
    truncated: bool | None          # None: a streamed answer whose end is not known yet
    body: bytes | None = None
    stream: _Stream | None = None
    seconds: float = 0.0            # until the head was known
    worker: int = 0                 # pid, for the log
    started: float = 0.0            # loop time a worker took the query: kg.query.budget charges from it
    ended: float = 0.0              # loop time the worker finished a streamed answer (0: not yet)

    async def read(self, cap: int = WHOLE_ANSWER_CAP) -> bytes:
        """The whole body, for callers that hold it (a page's table, an API's JSON): AnswerTooLarge past
        ``cap`` bytes, so that a small query with a huge answer costs its worker, not the HTTP process."""
        def too_large() -> AnswerTooLarge:
            return AnswerTooLarge(f"the answer is larger than {cap:,} bytes, more than this page or API holds",
                                  hint="ask /sparql, which streams answers of any size, or add a LIMIT")

        if self.stream is None:
            if len(self.body or b"") > cap:
                raise too_large()
            return self.body or b""
        chunks, size = [], 0
        async for chunk in self.stream:
            size += len(chunk)
            if size > cap:
                await self.stream.aclose()
                raise too_large()
            chunks.append(chunk)
        return b"".join(chunks)


# -- the connection to one worker ---------------------------------------------------

class _Wakeable:
    """Something a coroutine waits on until the event loop's callbacks :meth:`_wake` it, or a deadline."""

    waiter: asyncio.Future | None = None

    def _wake(self) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(None)

    async def _sleep(self, deadline: float) -> None:
        """Until woken or ``deadline`` (loop time), whichever comes first."""
        loop = asyncio.get_running_loop()
        self.waiter = fut = loop.create_future()
        timer = loop.call_at(deadline, _wake_up, fut)
        try:
            await fut
        finally:
            timer.cancel()
            self.waiter = None


class _Conn(_Wakeable, asyncio.Protocol):
    """Frames from one worker's socket, handed to whoever waits for them."""

    def __init__(self) -> None:
        self.buf = bytearray()
        self.frames: collections.deque[tuple[int, bytes]] = collections.deque()
        self.held = 0
        self.transport: asyncio.Transport | None = None
        self.paused = False
        self.lost = False
        self.sink: _Spool | None = None  # a streamed answer's spool takes the frames while attached

    def connection_made(self, transport) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        buf = self.buf
        buf += data
        size = wire.FRAME.size
        while len(buf) >= size:
            n, kind = wire.FRAME.unpack_from(buf)
            if len(buf) < size + n:
                break
            payload = bytes(buf[size:size + n])
            del buf[:size + n]
            if self.sink is not None:
                self.sink.push(kind, payload)  # may detach itself (the answer's last frame)
            else:
                self.frames.append((kind, payload))
                self.held += n
        if self.frames:
            self._wake()
            if self.held > HIGH_WATER and not self.paused and self.transport is not None:
                self.pause()

    def pause(self) -> None:
        if not self.paused and self.transport is not None:
            self.paused = True
            self.transport.pause_reading()

    def resume(self) -> None:
        if self.paused and self.transport is not None:
            self.paused = False
            self.transport.resume_reading()

    def connection_lost(self, exc) -> None:
        self.lost = True
        if self.sink is not None:
            self.sink.worker_lost()
        self._wake()

    async def frame(self, deadline: float) -> tuple[int, bytes] | None:
        """The next frame; None when the deadline passes; EOFError if the worker died."""
        while not self.frames:
            if self.lost:
                raise EOFError
            if asyncio.get_running_loop().time() >= deadline:
                return None
            await self._sleep(deadline)
        kind, payload = self.frames.popleft()
        self.held -= len(payload)
        if self.held < HIGH_WATER // 2:
            self.resume()
        return kind, payload


class _Spool(_Wakeable):
    """A streamed answer's frames after its HEAD: the DATA the client has not taken yet (in memory up to
    HIGH_WATER bytes, then in a temporary file) and the frame that ended it.

    The worker's connection pushes frames here as they arrive, whatever the client's pace; the last one
    (END or ERROR) calls ``on_end`` at once, which gives the worker back to the pool (the tenth #16
    probe: four clients reading large answers slowly held every worker and the site's lookups waited).
    """

    spooled = 0  # unread bytes across every spool, against SPOOL_LIMIT

    def __init__(self, conn: _Conn, on_end) -> None:
        self.conn, self.on_end = conn, on_end
        self.file = tempfile.SpooledTemporaryFile(max_size=HIGH_WATER)
        self.written = self.taken = 0
        self.end: tuple[int, bytes] | None = None  # the END or ERROR frame, once it came
        self.lost = False                          # the worker died before its last frame
        conn.sink = self
        while conn.frames and conn.sink is self:  # frames that came with the HEAD
            kind, payload = conn.frames.popleft()
            conn.held -= len(payload)
            self.push(kind, payload)

    @property
    def unread(self) -> int:
        return self.written - self.taken

    def push(self, kind: int, payload: bytes) -> None:
        if kind == wire.DATA:
            self.file.seek(self.written)
            self.file.write(payload)
            self.written += len(payload)
            _Spool.spooled += len(payload)
            if self.unread > HIGH_WATER and _Spool.spooled > SPOOL_LIMIT:
                self.conn.pause()
        else:
            self.end = (kind, payload)
            self.detach()
            self.on_end(kind, payload)
        self._wake()

    def worker_lost(self) -> None:
        self.lost = True
        self._wake()

    def detach(self) -> None:
        """Stop taking the worker's frames (its answer ended, or the worker is being replaced)."""
        if self.conn.sink is self:
            self.conn.sink = None
            self.conn.resume()

    def take(self, size: int) -> bytes:
        """Up to ``size`` unread bytes (b"" when there are none yet)."""
        n = min(size, self.unread)
        if not n:
            return b""
        self.file.seek(self.taken)
        chunk = self.file.read(n)
        self.taken += len(chunk)
        _Spool.spooled -= len(chunk)
        if not self.unread:  # caught up: the next bytes start the file again
            self.file.seek(0)
            self.file.truncate()
            self.written = self.taken = 0
        if self.conn.sink is self and self.unread < HIGH_WATER // 2:
            self.conn.resume()
        return chunk

    async def wait(self, deadline: float) -> bool:
        """Wait for more (data, the end, the worker's death); False when the deadline passed first."""
        loop = asyncio.get_running_loop()
        if loop.time() >= deadline:
            return False
        await self._sleep(deadline)
        return loop.time() < deadline or bool(self.unread) or self.end is not None

    async def ended(self, deadline: float) -> bool:
        """Wait until the worker's last frame came (or the worker died); False when the deadline passed first."""
        while self.end is None and not self.lost:
            if not await self.wait(deadline) and self.end is None:
                return False
        return True

    def close(self) -> None:
        self.detach()
        _Spool.spooled -= self.unread
        self.written = self.taken = 0
        self.file.close()


def _wake_up(fut: asyncio.Future) -> None:
    if not fut.done():
        fut.set_result(None)


@dataclass(eq=False)
class _Worker:
    proc: subprocess.Popen
    conn: _Conn
    pid: int = 0
    role: str = ""     # what it runs now: "light", "heavy" or "trial" (see Executor._role)
    key: int = 0
    client: str = ""   # whose query it runs (its budget's client; "" for the server's own)
    started: float = 0.0
    generation: int = 0

    def kill(self) -> None:
        try:
            self.proc.send_signal(signal.SIGKILL)
        except ProcessLookupError:  # pragma: no cover - already gone
            pass
        if self.conn.transport is not None:
            self.conn.transport.close()


# -- the pool -------------------------------------------------------------------------

@dataclass
class _Stats:
    queries: int = 0
    timeouts: int = 0
    restarts: int = 0
    busy_refusals: int = 0
    requeued: int = 0    # light queries and trials stopped past their limit, then queued as heavy
    promoted: int = 0    # light queries and trials that ran past their limit in a free heavy slot
    out_of_memory: int = 0  # queries stopped for needing more memory than a worker may use
    durations: collections.OrderedDict[int, float] = field(default_factory=collections.OrderedDict)  # by key, least recent first


class Executor:
    """Run SPARQL queries in ``size`` killable worker processes.

    Use inside one event loop: ``await start()``, many ``await run(...)``,
    ``await close()``.
    """

    def __init__(self, store_path: str | os.PathLike, *, size: int = 2, timeout: float = 30.0,
                 limit: int = 100000, allowlist: tuple[str, ...] = (), queue: int = 64,
                 window: int = WINDOW, allocator: str = "auto", memory: int = 0) -> None:
        if size < 1:
            raise ValueError("an executor needs at least one worker")
        self.store_path = str(store_path)
        self.size = size
        self.timeout = timeout
        self.limit = limit
        self.allowlist = tuple(allowlist)
        self.queue = queue
        self.window = window
        self.memory = memory  # MiB a worker may allocate (0: no cap); see kg.query.workers
        self.heavy_cap = max(1, size - 1)
        self.per_client = max(1, size - 1)  # workers one client's queries may hold at once
        self.env = dict(os.environ)
        library = allocator_library(allocator)
        if library:
            self.env["LD_PRELOAD"] = " ".join(p for p in (library, os.environ.get("LD_PRELOAD")) if p)
        self.stats = _Stats()
        self._workers: set[_Worker] = set()
        self._idle: list[_Worker] = []
        self._waiting: collections.deque[tuple[asyncio.Future, int, str]] = collections.deque()  # (future, shape key, client)
        self._heavy_running = 0
        self._trial_running = 0
        self._held: collections.Counter[str] = collections.Counter()  # workers each client's queries hold
        self._short_held: collections.Counter[str] = collections.Counter()  # of which light or on trial
        self._spawning: set[asyncio.Task] = set()
        self._closed = False
        self._started = False
        self._generation = 0   # bumped by refresh(); older workers hold an older store
        self.failed_starts = 0  # replacements that failed since the last one that started

    # -- life cycle ------------------------------------------------------------------

    async def start(self) -> None:
        """Start the workers; raise StoreError if the store cannot be opened."""
        if not remote.is_spec(self.store_path) and not Path(self.store_path).is_dir():
            raise StoreError(f"no store at {self.store_path}", hint="run `kg build` first")
        results = await asyncio.gather(*(self._spawn() for _ in range(self.size)), return_exceptions=True)
        errors = [r for r in results if isinstance(r, BaseException)]
        for r in results:
            if isinstance(r, _Worker):
                self._idle.append(r)
        if errors:
            await self.close()
            raise errors[0]
        self._started = True
        logger.debug("started %d query workers on %s", self.size, self.store_path)

    async def close(self) -> None:
        self._closed = True
        for task in list(self._spawning):
            task.cancel()
        for worker in list(self._workers):
            worker.kill()
        for worker in list(self._workers):
            await _reap(worker.proc)
        self._workers.clear()
        self._idle.clear()
        while self._waiting:
            fut = self._waiting.popleft()[0]
            if not fut.done():
                fut.set_exception(StoreError("the query workers were stopped"))

    @property
    def alive(self) -> int:
        return len(self._workers)

    @property
    def idle(self) -> int:
        return len(self._idle)

    @property
    def starting(self) -> int:
        """Workers being started in place of replaced ones (after a store swap, a timeout, ...)."""
        return len(self._spawning)

    def states(self) -> dict[str, int]:
        """How many workers are idle, running each role, or being started (for the metrics)."""
        counts = {"idle": len(self._idle), "light": 0, "heavy": 0, "trial": 0}
        for worker in self._workers:
            if worker.role:
                counts[worker.role] += 1
        counts["starting"] = max(0, self.size - sum(counts.values()))
        return counts

    async def _spawn(self) -> _Worker:
        loop = asyncio.get_running_loop()
        parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            proc = subprocess.Popen(spawn_command(child.fileno(), self.store_path, self.allowlist, self.memory),
                                    pass_fds=(child.fileno(),), stdin=subprocess.DEVNULL, env=self.env)
        finally:
            child.close()
        conn = _Conn()
        parent.setblocking(False)
        await loop.create_unix_connection(lambda: conn, sock=parent)
        worker = _Worker(proc, conn, generation=self._generation)
        self._workers.add(worker)
        try:
            frame = await conn.frame(loop.time() + START_TIMEOUT)
        except EOFError:
            frame = None
        except BaseException:
            self._drop(worker)
            raise
        if frame is None or frame[0] != wire.READY:
            self._drop(worker)
            if frame is not None and frame[0] == wire.ERROR:
                error = wire.WireError.decode(frame[1])
                raise StoreError(error.message, hint=error.hint or "run `kg build` first")
            raise StoreError(f"a query worker did not start (exit code {proc.poll()})")
        worker.pid = wire.Ready.decode(frame[1]).pid
        return worker

    def _drop(self, worker: _Worker) -> None:
        worker.kill()
        self._workers.discard(worker)
        if worker in self._idle:
            self._idle.remove(worker)
        asyncio.get_running_loop().create_task(_reap(worker.proc))

    def _replace(self, worker: _Worker) -> None:
        """Kill ``worker`` and start another in its place, in the background."""
        self._unassign(worker)
        self._drop(worker)
        if self._closed:
            return
        self.stats.restarts += 1
        task = asyncio.get_running_loop().create_task(self._respawn())
        self._spawning.add(task)
        task.add_done_callback(self._spawning.discard)

    async def _respawn(self) -> None:
        delay = 0.1
        while not self._closed:
            try:
                worker = await self._spawn()
            except StoreError as e:
                self.failed_starts += 1
                logger.error("cannot restart a query worker: %s; retrying in %.1fs", e, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
                continue
            self.failed_starts = 0
            self._release(worker)
            return

    # -- scheduling -------------------------------------------------------------------

    def _cost(self, key: int, client: str = "") -> float | None:
        """What a query of shape ``key`` cost last time, as far as ``client``'s query is concerned: the client's
        own history of the shape; where it has none, the shape's when that was light (else: never seen).
        The tenth #16 probe: one client's slow variants of a lookup's shape made it heavy for everyone, and
        everyone's lookups of that shape waited for a heavy slot. The server's own queries share one history."""
        durations = self.stats.durations
        if not client:
            return durations.get(key)
        own = durations.get(_own_key(key, client))
        if own is not None:
            return own
        shared = durations.get(key)
        return shared if shared is not None and shared < HEAVY_AFTER else None

    def _role(self, key: int, client: str = "") -> str | None:
        """How a query of shape ``key`` from ``client`` may run now, or None if it must wait.

        One client holds at most ``size - 1`` workers, whatever its queries' roles (the eleventh #16
        probe: two heavy queries and a third on trial from one address held every worker for 30 s; a
        shape a client made light with a small variant would do the same with large ones), but for one
        short query (light, or on trial) when none of its short ones runs: its lookup does not wait behind
        its own aggregate. That one has :data:`BEYOND_CAP_LIMIT` seconds (see run)."""
        role = self._role_by_cost(key, client)
        if role is not None and client and self._held[client] >= self.per_client:
            if role == "heavy" or self._short_held[client]:
                return None
        return role

    def _role_by_cost(self, key: int, client: str) -> str | None:
        heavy_free, trial_free = self._heavy_running < self.heavy_cap, self._trial_running == 0
        seconds = self._cost(key, client)
        if seconds is None:  # never seen: a heavy slot if one is free, else a short trial
            return "heavy" if heavy_free else "trial" if trial_free else None
        if seconds >= HEAVY_AFTER:
            return "heavy" if heavy_free else None
        return "light"

    def _assign(self, role: str, client: str = "") -> _Worker:
        # Counted here, as the worker is handed out: a waiter resumes later, and a
        # dispatch in between must already see the slot taken.
        worker = self._idle.pop()
        self._count(worker, role, client)
        return worker

    def _count(self, worker: _Worker, role: str, client: str) -> None:
        worker.role, worker.client = role, client
        if client:
            self._held[client] += 1
            if role != "heavy":
                self._short_held[client] += 1
        if role == "heavy":
            self._heavy_running += 1
        elif role == "trial":
            self._trial_running += 1

    def _promote(self, worker: _Worker) -> bool:
        """Move a light query or trial that ran past its limit into a free heavy slot, if its client may hold
        one more heavy query; False when it must be stopped and queued instead."""
        client = worker.client
        if self._heavy_running >= self.heavy_cap or (client and self._held[client] > self.per_client):
            return False
        self._unassign(worker)
        self._count(worker, "heavy", client)
        self.stats.promoted += 1
        self._dispatch()  # the client's short slot is free again
        return True

    def _unassign(self, worker: _Worker) -> None:
        if worker.role == "heavy":
            self._heavy_running -= 1
        elif worker.role == "trial":
            self._trial_running -= 1
        if worker.client:
            for held in (self._held, self._short_held) if worker.role != "heavy" else (self._held,):
                held[worker.client] -= 1
                if held[worker.client] <= 0:
                    del held[worker.client]
        worker.role, worker.client = "", ""

    async def _acquire(self, key: int, deadline: float, client: str = "") -> _Worker:
        if not self._started:
            raise StoreError("the query workers are not running", hint="start the app with its lifespan")
        if self._idle and self._waiting:
            self._dispatch()  # waiting queries that may run now go first; those left cannot use a free worker
        role = self._role(key, client) if self._idle else None
        if role is not None:
            worker = self._assign(role, client)
        else:
            if len(self._waiting) >= self.queue and not self._make_room(client):
                self.stats.busy_refusals += 1
                raise ServerBusy(f"all {self.size} query workers are busy and {self.queue} queries are waiting",
                                 hint="try again in a moment")
            loop = asyncio.get_running_loop()
            waiting_since = loop.time()
            fut = loop.create_future()
            entry = (fut, key, client)
            self._waiting.append(entry)
            self._dispatch()
            timer = loop.call_at(deadline, _wake_up, fut)
            try:
                await fut
            except BaseException:
                if entry in self._waiting:
                    self._waiting.remove(entry)
                elif fut.done() and not fut.cancelled() and fut.exception() is None \
                        and isinstance(fut.result(), _Worker):
                    self._release(fut.result())
                raise
            finally:
                timer.cancel()
            worker = fut.result()
            if worker is None:
                self._waiting.remove(entry)
                self.stats.busy_refusals += 1
                raise ServerBusy(f"no query worker became free within {loop.time() - waiting_since:.0f} s",
                                 hint="the server is overloaded; try again later")
        return worker

    def refresh(self) -> None:
        """The store was rebuilt: replace every worker, idle ones now, busy ones when they finish.

        Workers hold the store they opened read-only, which a rebuild has swapped away.
        """
        self._generation += 1
        for worker in list(self._idle):
            self._idle.remove(worker)
            self._replace(worker)

    def _release(self, worker: _Worker) -> None:
        self._unassign(worker)
        if self._closed or worker not in self._workers:
            return
        if worker.generation != self._generation:
            return self._replace(worker)
        self._idle.append(worker)
        self._dispatch()

    def _dispatch(self) -> None:
        """Hand idle workers to waiting queries that may run now (heavy ones within their cap): first to the
        clients that hold the fewest workers, then the oldest.

        The thirteenth #16 probe: oldest first, one address's queue of new shapes, each taking the last worker
        in turn for its trial or light limit, kept another client's lookup waiting 16-28 s. A waiter's role is
        decided now, not when it queued: its shape may have been measured meanwhile.
        """
        while self._idle:
            best = None
            for entry in self._waiting:
                fut, key, client = entry
                held = self._held[client] if client else 0
                if fut.done() or (best is not None and held >= best[0]):
                    continue
                role = self._role(key, client)
                if role is not None:
                    best = (held, entry, role)
                    if held == 0:
                        break
            if best is None:
                return
            _, entry, role = best
            self._waiting.remove(entry)
            entry[0].set_result(self._assign(role, entry[2]))

    def _make_room(self, client: str) -> bool:
        """Make room in the full queue for ``client``'s query if another client has more than one more query
        waiting than it: that client's newest gets ServerBusy (the thirteenth #16 probe: one address's queries
        filled the queue, and every other client's lookup got a 503)."""
        counts = collections.Counter(c for fut, _, c in self._waiting if not fut.done())
        if not counts:
            return False
        top, most = counts.most_common(1)[0]
        if most <= counts[client] + 1:
            return False
        for entry in reversed(self._waiting):
            if entry[2] == top and not entry[0].done():
                self._waiting.remove(entry)
                self.stats.busy_refusals += 1
                entry[0].set_exception(ServerBusy(f"all {self.size} query workers are busy and this client has "
                                                  f"the most of the {self.queue} queries waiting",
                                                  hint="send fewer queries at once"))
                return True
        return False  # pragma: no cover - counts came from these entries

    def _remember(self, key: int, seconds: float, client: str = "") -> None:
        """Note what a query of shape ``key`` cost, in the shape's history and in ``client``'s own."""
        durations = self.stats.durations
        for k in (key, _own_key(key, client)) if client else (key,):
            durations[k] = seconds
            durations.move_to_end(k)
        while len(durations) > MAX_SHAPES:  # the least recent go: a spray of new shapes forgets no one else's at once
            durations.popitem(last=False)

    # -- running ------------------------------------------------------------------------

    async def run(self, query: str, *, results_type: str | None, graph_type: str | None,
                  default_graphs: list[str] | None = None, named_graphs: list[str] | None = None,
                  timeout: float | None = None, limit: int | None = None,
                  substitutions: dict | None = None, base_iri: str | None = None,
                  meter=None) -> Answer:
        """Run ``query``; the answer comes as ``results_type`` (SELECT/ASK) or ``graph_type``.

        ``substitutions`` binds variables to RDF terms (a canned query's
        parameters, see :mod:`kg.sparql.catalogue`): variable name -> pyoxigraph
        NamedNode or Literal. They travel to the worker as plain tuples
        (:func:`kg.query.wire.encode_term`) and are bound there, never pasted
        into the query text.

        Either type may be None (the client accepts none of that kind):
        :class:`~kg.errors.NotAcceptable` then if the query is of that kind.

        ``base_iri``: what relative IRIs in the query resolve against. ``meter``: the
        client's :class:`kg.query.budget.Ticket` (default: the one of the
        :func:`kg.query.budget.metered` block this runs in), started when a worker
        takes the query, so the budget sees its time while it runs.
        """
        if meter is None:
            meter = client_budget.current()
        loop = asyncio.get_running_loop()
        started = loop.time()
        budget = self.timeout if timeout is None else timeout
        key = query_key(query)
        client = meter.client if meter is not None else ""
        job = wire.Job(query, results_type, graph_type, default_graphs, named_graphs,
                       self.limit if limit is None else limit, self.window,
                       {name: wire.encode_term(term) for name, term in substitutions.items()} if substitutions
                       else None, base_iri).encode()
        while True:
            # The budget starts when a worker takes the query; waiting for one
            # (behind slow queries, when all are busy) may take twice as long.
            worker = await self._acquire(key, started + QUEUE_WAIT * budget, client)
            worker.key, worker.started = key, loop.time()
            if meter is not None:
                meter.start()  # the client's budget counts the query's time from now
            deadline = worker.started + budget
            # Light queries and trials have a limit (the twelfth #16 probe: two addresses each made a new shape
            # light with LIMIT 1, then ran large variants of it as light queries on every worker).
            beyond_cap = client and self._held[client] > self.per_client  # its one short query beyond its cap
            limit = min(deadline, worker.started + (BEYOND_CAP_LIMIT if beyond_cap else _LIMITS.get(worker.role,
                                                                                                     budget)))
            try:
                worker.conn.transport.write(wire.frame(wire.JOB, job))
            except BaseException:
                self._replace(worker)
                raise
            frame = await self._frame(worker, limit)
            head = None
            if frame is not None and frame[0] == wire.HEAD and limit < deadline:
                # The limit covers the whole answer, not its first frame: the eleventh #16 probe's answers of
                # 270 MB passed a trial with their first MiB and kept the light queries' worker for 30 s.
                head = self._streamed(worker, frame[1], started, deadline, key, budget)
                if await head.stream.spool.ended(limit):
                    break
            elif frame is not None or limit >= deadline:
                break
            # Still running at its limit: heavy. It carries on in a free heavy slot, else is stopped and queued.
            self._remember(key, limit - worker.started, client)
            if self._promote(worker):
                if head is None:
                    frame = await self._frame(worker, deadline)
                break
            if meter is not None:
                meter.pause()  # waiting again is free; the time it ran stays counted
            self.stats.requeued += 1
            if head is None:
                self._replace(worker)
            else:
                await head.stream.aclose()  # stops the worker; the spooled part is dropped
        self.stats.queries += 1
        if head is not None:
            return head
        if frame is None:
            self._timed_out(worker, budget)
        kind, payload = frame
        if kind == wire.COMPLETE:
            complete = wire.Complete.decode(payload)
            meta = complete.meta
            now = loop.time()
            self._remember(key, meta.cost if meta.cost is not None else now - worker.started, client)
            self._release(worker)
            seconds = now - started
            return Answer(meta.form, meta.media_type, meta.rows, meta.truncated, body=complete.body,
                          seconds=seconds, worker=worker.pid, started=worker.started)
        if kind == wire.HEAD:
            return self._streamed(worker, payload, started, deadline, key, budget)
        if kind == wire.ERROR:
            self._release(worker)
            error = wire.WireError.decode(payload).exception(query)
            if isinstance(error, QueryOutOfMemory):
                self.stats.out_of_memory += 1
            raise error
        self._replace(worker)
        raise wire.WireError(wire.INTERNAL, f"unexpected frame {kind}").exception(query)

    async def _frame(self, worker: _Worker, until: float) -> tuple[int, bytes] | None:
        """The worker's next frame, or None if none came by ``until``; a worker that died or was given up is
        replaced."""
        try:
            return await worker.conn.frame(until)
        except EOFError:
            raise await self._died(worker) from None
        except BaseException:
            self._replace(worker)
            raise

    def _streamed(self, worker: _Worker, head: bytes, started: float, deadline: float, key: int,
                  budget: float) -> Answer:
        """The answer whose HEAD frame ``head`` just came: its body streams from the worker's spool."""
        meta = wire.Meta.decode(head)
        answer = Answer(meta.form, meta.media_type, None, None, seconds=asyncio.get_running_loop().time() - started,
                        worker=worker.pid, started=worker.started)
        answer.stream = _Stream(self, worker, answer, deadline, key, budget)
        return answer

    async def _died(self, worker: _Worker) -> KGError:
        """What to tell the client when a worker died running its query: out of memory (an allocation over
        the cap aborts the process) or a crash. The worker is replaced either way."""
        for _ in range(40):  # the process is gone or going: its exit status is a moment away at most
            if worker.proc.poll() is not None:
                break
            await asyncio.sleep(0.025)
        aborted = worker.proc.returncode == -signal.SIGABRT
        self._replace(worker)
        if aborted and self.memory:
            self.stats.out_of_memory += 1
            return QueryOutOfMemory.past(self.memory)
        return StoreError("the query worker died while running the query")

    def _timed_out(self, worker: _Worker, budget: float) -> None:
        self.stats.timeouts += 1
        self._remember(worker.key, budget, worker.client)
        self._replace(worker)
        raise QueryTimeout(f"the query ran for more than {budget:g} s and was stopped",
                           hint="make it more selective, or add a LIMIT")


class _Stream:
    """The body of a streamed answer; iterate it exactly once (or ``aclose`` it)."""

    def __init__(self, executor: Executor, worker: _Worker, answer: Answer, deadline: float,
                 key: int, budget: float) -> None:
        self.executor, self.worker, self.answer = executor, worker, answer
        self.deadline, self.key, self.budget = deadline, key, budget
        self.released = False    # the worker is back in the pool (or replaced)
        self.spool = _Spool(worker.conn, self._worker_done)

    def _worker_done(self, kind: int, payload: bytes) -> None:
        """The worker's last frame of this answer came: it is free for the next query."""
        self.released = True
        loop = asyncio.get_running_loop()
        self.answer.ended = loop.time()
        if kind == wire.END:
            meta = wire.Meta.decode(payload)
            self.answer.rows, self.answer.truncated = meta.rows, meta.truncated
            self.executor._remember(self.key, meta.cost if meta.cost is not None
                                    else self.answer.ended - self.worker.started, self.worker.client)
            self.executor._release(self.worker)
        elif kind == wire.ERROR:
            self.executor._release(self.worker)
        else:
            self.executor._replace(self.worker)

    def _let_go(self) -> None:
        """Stop taking the worker's frames: the caller hands the worker on (replaced, died, timed out)."""
        self.released = True
        self.spool.detach()

    def _give_up_worker(self) -> None:
        """Replace the worker if it is still writing this answer (the consumer went away or ran out of time)."""
        if not self.released:
            self._let_go()
            self.executor._replace(self.worker)

    async def __aiter__(self) -> AsyncIterator[bytes]:
        spool = self.spool
        try:
            while True:
                chunk = spool.take(CHUNK)
                if chunk:
                    yield chunk
                    continue
                if spool.end is not None:
                    kind, payload = spool.end
                    if kind == wire.ERROR:
                        raise wire.WireError.decode(payload).exception()
                    if kind != wire.END:
                        raise wire.WireError(wire.INTERNAL, f"unexpected frame {kind}").exception()
                    return
                if spool.lost:
                    self._let_go()
                    raise await self.executor._died(self.worker) from None
                if not await spool.wait(self.deadline):
                    self._let_go()
                    self.executor._timed_out(self.worker, self.budget)
        finally:
            self._give_up_worker()
            spool.close()

    async def aclose(self) -> None:
        self._give_up_worker()
        self.spool.close()


# A query's shape: its text without IRIs, strings and numbers, so one query
# template with different parameters counts as one (for "heavy" history).
_SHAPE = re.compile(r"<[^<>\s]*>|\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'|\b\d+(?:\.\d+)?\b")


# How long a query of each role may run before it counts as heavy (see Executor.run); heavy ones: their budget.
_LIMITS = {"trial": TRIAL, "light": LIGHT_LIMIT}


def query_key(query: str) -> int:
    """The key of a query's shape in the "heavy" history."""
    return hash(_SHAPE.sub("", query))


def _own_key(key: int, client: str) -> int:
    """The key of one client's history of a shape."""
    return hash((key, client))


async def _reap(proc: subprocess.Popen) -> None:
    for _ in range(200):
        if proc.poll() is not None:
            return
        await asyncio.sleep(0.01)
    logger.warning("query worker %s did not exit", proc.pid)  # pragma: no cover


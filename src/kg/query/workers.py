"""The query worker process: runs SPARQL on the read-only store, writes results.

A worker is a separate Python process started by :mod:`kg.query.executor`. It opens
the store with ``pyoxigraph.Store.read_only`` and then, in a loop, reads one
job from its socket, runs it and writes the answer back. It never touches
HTTP: the job names the result formats already chosen (media types), and the
answer is bytes in that format, written by pyoxigraph's own serialisers.

The frames and messages are in :mod:`kg.query.wire`: a :class:`~kg.query.wire.Job`
comes in; READY goes out once the store is open; then per job either COMPLETE
(meta + whole body, the common case: the answer fitted in the window) or HEAD,
DATA…, END (a large answer, streamed), or ERROR (a :class:`~kg.query.wire.WireError`,
before or during the stream: exceptions cross through the registry
:data:`kg.query.wire.ERRORS`).

The result cap (``limit`` rows or triples): SELECT rows are counted in the
serialised bytes as pyoxigraph writes them (exact for all four formats, see
the ``_*Rows`` classes), graph results through an ``islice``. A cut result is
closed properly (``]}}`` for JSON, ``</results></sparql>`` for XML) and, for
formats with room for a comment after the data, ends with the marker
``SPARQL-Results-Truncated`` (see :data:`MARKERS`).

The time budget is not kept here: the parent kills the process when it runs
out, which is the only way to stop a pyoxigraph query.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import sys
import time
from itertools import islice

import pyoxigraph as ox

from kg.rdf import xmlchars
from kg.store import embedded, remote
from kg.store.base import dataset_arguments
from kg.sparql import binding
from kg.sparql import guard as sparql_guard
from kg.errors import (
    BadParameter,
    KGError,
    NotAcceptable,
    QueryError,
    QueryOutOfMemory,
    RemoteServiceError,
    StoreBadAnswer,
    StoreError,
    StoreUnreachable,
)
from kg.query.wire import (  # noqa: F401 - FRAME and the kinds are this module's too (tests read frames)
    COMPLETE,
    DATA,
    END,
    ERROR,
    FRAME,
    HEAD,
    INTERNAL,
    JOB,
    READY,
    Complete,
    Job,
    Meta,
    Ready,
    WireError,
    decode_term,
    frame,
)

CHUNK = 64 * 1024          # DATA frames are about this big
HOLD_BACK = 16             # bytes kept unsent so a cut can reach back across a write

_MARKER = "SPARQL-Results-Truncated: the result was cut at {n} {what} (setting result_limit)"
#: How each format signals, at the end of a cut result, that it was cut. The
#: HTTP header ``SPARQL-Results-Truncated: true`` is sent as well whenever the
#: cut is known before the answer starts (any answer within the first window).
MARKERS = {
    "application/sparql-results+xml": b"<!-- %s -->\n",
    "application/rdf+xml": b"<!-- %s -->\n",
    "text/turtle": b"\n# %s\n",
    "application/n-triples": b"# %s\n",
    "application/trig": b"\n# %s\n",
    "application/n-quads": b"# %s\n",
}


class _Cut(Exception):
    """Raised inside pyoxigraph's write() once the row after the cap appears."""


# -- row counters: where in the serialised bytes does row ``limit + 1`` start? ---------
#
# Each ``feed(chunk)`` returns None, or the offset in ``chunk`` (possibly
# negative, reaching back into bytes already written) where the output must be
# cut because row ``limit + 1`` begins there.

class _LineRows:
    """TSV and CSV: one line per row after the header line.

    TSV escapes newlines inside terms; CSV quotes them, so a newline counts
    only outside double quotes (quote parity; ``""`` toggles twice).
    """

    def __init__(self, limit: int, quoted: bool) -> None:
        self.keep = limit + 1          # lines kept: header + limit rows
        self.seen = 0
        self.quoted = quoted
        self.in_quotes = False
        self.full = False

    @property
    def rows(self) -> int:
        return max(0, self.seen - 1)

    def feed(self, b: bytes) -> int | None:
        if self.full:
            return 0 if b else None
        if not self.quoted:
            spans = [(0, b)]
        else:
            spans, offset, inq = [], 0, self.in_quotes
            for seg in b.split(b'"'):
                if not inq:
                    spans.append((offset, seg))
                offset += len(seg) + 1
                inq = not inq
            self.in_quotes = not inq
        n = sum(seg.count(b"\n") for _, seg in spans)
        if self.seen + n < self.keep:
            self.seen += n
            return None
        for offset, seg in spans:
            pos = -1
            while True:
                pos = seg.find(b"\n", pos + 1)
                if pos < 0:
                    break
                self.seen += 1
                if self.seen == self.keep:
                    self.full = True
                    end = offset + pos + 1
                    return end if end < len(b) else None
        return None


class _XmlRows:
    """SPARQL XML: each row is a ``<result>`` element (text never holds a raw '<')."""

    TAG = b"<result>"

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.rows = 0
        self.tail = b""

    def feed(self, b: bytes) -> int | None:
        data = self.tail + b
        n = data.count(self.TAG)
        if self.rows + n > self.limit:
            pos = -1
            for _ in range(self.limit - self.rows + 1):
                pos = data.index(self.TAG, pos + 1)
            self.rows = self.limit
            return pos - len(self.tail)
        self.rows += n
        self.tail = data[-(len(self.TAG) - 1):]
        return None


_ESCAPE = re.compile(rb"\\.", re.S)


class _JsonRows:
    """SPARQL JSON as pyoxigraph writes it (compact): a row starts with ``{``
    right after ``[`` or ``,`` outside strings; nothing else in the document
    has that shape (term objects follow ``:``)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.rows = 0
        self.in_string = False
        self.prev = b""        # last byte outside strings
        self.carry = b""       # an unfinished escape at the end of the last chunk

    def feed(self, b: bytes) -> int | None:
        back = len(self.carry)         # data[i] is b[i - back]
        data = self.carry + b
        trailing = len(data) - len(data.rstrip(b"\\"))
        self.carry = data[-1:] if trailing % 2 else b""
        if self.carry:
            data = data[:-1]
        parts = (_ESCAPE.sub(b"", data) if b"\\" in data else data).split(b'"')
        outside = parts[1::2] if self.in_string else parts[0::2]
        joined = b"\x00".join(outside)
        n = joined.count(b",{") + joined.count(b"[{")
        if not self.in_string and self.prev in (b",", b"[") and parts[0][:1] == b"{":
            n += 1
        if self.rows + n > self.limit:
            return self._cut(data, self.limit - self.rows + 1) - back
        self.rows += n
        ends_inside = self.in_string ^ bool((len(parts) - 1) & 1)
        if not ends_inside:
            last = parts[-1]
            self.prev = last[-1:] if last else b'"'
        self.in_string = ends_inside
        return None

    def _cut(self, data: bytes, need: int) -> int:
        inq, esc = self.in_string, False
        prev = self.prev[0] if self.prev else 0
        for i, c in enumerate(data):
            if inq:
                if esc:
                    esc = False
                elif c == 92:
                    esc = True
                elif c == 34:
                    inq = False
            elif c == 34:
                inq = True
                prev = c
            else:
                if c == 123 and prev in (44, 91):
                    need -= 1
                    if need == 0:
                        self.rows = self.limit
                        return i - 1 if prev == 44 else i
                prev = c
        raise AssertionError("row start not found")  # pragma: no cover


def _row_counter(media_type: str, limit: int):
    if media_type == "application/sparql-results+json":
        return _JsonRows(limit)
    if media_type == "application/sparql-results+xml":
        return _XmlRows(limit)
    if media_type == "text/csv":
        return _LineRows(limit, quoted=True)
    return _LineRows(limit, quoted=False)


_XML = ("application/sparql-results+xml", "application/rdf+xml")
_CLOSE = {
    "application/sparql-results+json": b"]}}",
    "application/sparql-results+xml": b"</results></sparql>",
}


# -- the output sink ----------------------------------------------------------------

class _Sink:
    """A binary file for pyoxigraph's serialisers: counts rows, cuts, buffers, frames.

    Output is kept until ``window`` bytes have piled up: an answer that ends
    before that goes back as one COMPLETE frame (with its row count and cut
    flag, so the HTTP layer can set headers). A larger one is announced with
    HEAD and streamed in DATA frames; the socket's back-pressure keeps the
    worker's memory flat. XML is written with the characters XML 1.0 cannot carry replaced
    (:mod:`kg.rdf.xmlchars`), before rows are counted.
    """

    def __init__(self, sock: socket.socket, window: int, form: str, media_type: str, counter=None) -> None:
        self.sock = sock
        self.window = window
        self.form, self.media_type = form, media_type
        self.counter = counter
        self.xml = xmlchars.Filter() if media_type in _XML else None
        self.buf = bytearray()
        self.started = False
        self.cut = False

    def write(self, b) -> int:
        if self.cut:
            return len(b)  # pyoxigraph writes its buffer once more after an error
        written = len(b)
        if type(b) is not bytes:
            b = bytes(b)
        if self.xml is not None:
            b = self.xml.feed(b)
        if self.counter is not None:
            cut = self.counter.feed(b)
            if cut is not None:
                if cut < 0:
                    del self.buf[len(self.buf) + cut:]
                else:
                    self.buf += b[:cut]
                self.cut = True
                raise _Cut
        self.buf += b
        if not self.started:
            if len(self.buf) >= self.window:
                self.started = True
                send(self.sock, HEAD, Meta(self.form, self.media_type).encode())
                self._flush(keep=HOLD_BACK)
        elif len(self.buf) >= CHUNK + HOLD_BACK:
            self._flush(keep=HOLD_BACK)
        return written

    def flush(self) -> None:
        pass

    def _flush(self, keep: int = 0) -> None:
        n = len(self.buf) - keep
        if n > 0:
            send(self.sock, DATA, bytes(self.buf[:n]))
            del self.buf[:n]

    def finish(self, rows: int | None, truncated: bool, cost: float | None = None) -> None:
        meta = Meta(self.form, self.media_type, rows, truncated, cost)
        if not self.started:
            send(self.sock, COMPLETE, Complete(meta, bytes(self.buf)).encode())
        else:
            self._flush()
            send(self.sock, END, meta.encode())


def send(sock: socket.socket, kind: int, payload: bytes) -> None:
    if len(payload) < CHUNK:
        sock.sendall(frame(kind, payload))
    else:
        sock.sendall(FRAME.pack(len(payload), kind))
        sock.sendall(payload)


class _Reader:
    """Frames from the parent, read with as few system calls as possible."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buf = b""

    def _fill(self, n: int) -> bool:
        while len(self.buf) < n:
            part = self.sock.recv(max(65536, n - len(self.buf)))
            if not part:
                return False
            self.buf += part
        return True

    def frame(self) -> tuple[int, bytes] | None:
        if not self._fill(FRAME.size):
            return None
        size, kind = FRAME.unpack_from(self.buf)
        if not self._fill(FRAME.size + size):
            return None
        payload = self.buf[FRAME.size:FRAME.size + size]
        self.buf = self.buf[FRAME.size + size:]
        return kind, payload


def _error(sock: socket.socket, exc: BaseException) -> None:
    """Send ``exc`` to the parent, which raises it again (see :data:`kg.query.wire.ERRORS`)."""
    send(sock, ERROR, WireError.of(exc).encode())


# -- running one job ------------------------------------------------------------------

def run_job(store, job: Job, sock: socket.socket, allowlist: list[str]) -> None:
    """Run ``job`` and write the answer to ``sock``: its frames, or an ERROR frame.

    ``job.substitutions`` (optional) are bound with pyoxigraph's ``substitutions``
    (a canned query's parameters), never pasted into the text.
    """
    if not isinstance(job, Job):
        job = _hand_built(job)
    try:
        _answer(store, job, sock, allowlist)
    except (KGError, SyntaxError) as e:
        _error(sock, e)


def _hand_built(job: dict) -> Job:
    """A job built by hand as a dict of short keys (q, rf, gf, dg, ng, limit, win, subs), as tests do."""
    return Job(job["q"], job.get("rf"), job.get("gf"), job.get("dg"), job.get("ng"), job["limit"], job["win"],
               job.get("subs"))


def _answer(store, job: Job, sock: socket.socket, allowlist: list[str]) -> None:
    q = job.query
    services = sparql_guard.check_services(q, allowlist) if "service" in q.lower() else []
    kwargs = dataset_arguments(q, job.default_graphs, job.named_graphs, union=True)
    if job.base_iri:
        kwargs["base_iri"] = job.base_iri  # on every store: an external one gets it as the query's BASE
    if job.substitutions:
        try:
            kwargs["substitutions"] = {ox.Variable(k): decode_term(v) for k, v in job.substitutions.items()}
        except (ValueError, TypeError, IndexError) as e:
            raise BadParameter(f"cannot bind the query parameters: {e}") from None
        if isinstance(store, ox.Store):  # an external store binds them in the text itself (kg.store.remote)
            q = binding.planned_with_values(q, kwargs["substitutions"])
    limit = job.limit
    answered = False
    cost = _Cost(waits_elsewhere=bool(services) or not isinstance(store, ox.Store))
    try:
        result = store.query(q, **kwargs)
        answered = True
        if isinstance(result, (ox.QuerySolutions, ox.QueryBoolean)):
            form = "select" if isinstance(result, ox.QuerySolutions) else "ask"
            media_type = job.results_type
            if not media_type:
                raise _not_acceptable(form)
            counter = _row_counter(media_type, limit) if form == "select" else None
            sink = _Sink(sock, job.window, form, media_type, counter)
            truncated = False
            try:
                result.serialize(sink, format=ox.QueryResultsFormat.from_media_type(media_type))
            except _Cut:
                truncated = True
                sink.buf += _CLOSE.get(media_type, b"")
            rows = counter.rows if counter is not None else None
            what = "rows"
        else:
            media_type = job.graph_type
            if not media_type:
                raise _not_acceptable("graph")
            sink = _Sink(sock, job.window, "graph", media_type)
            triples = iter(result)
            counted = _Counted(islice(triples, limit))
            prefixes = _prefixes(q) if media_type in _PREFIXED else None
            ox.serialize(counted, sink, format=ox.RdfFormat.from_media_type(media_type), prefixes=prefixes)
            rows = counted.n
            truncated = rows == limit and next(triples, None) is not None
            what = "triples"
        if sink.xml is not None and not sink.cut:
            sink.buf += sink.xml.finish()
        if truncated and media_type in MARKERS:
            sink.buf += MARKERS[media_type] % _MARKER.format(n=rows, what=what).encode()
        if sink.xml is not None and sink.xml.count:
            sink.buf += xmlchars.note(sink.xml.count)
        sink.finish(rows, truncated, cost.seconds())
    except (StoreUnreachable, StoreBadAnswer) as e:  # an external store that is down or answers garbage
        if services:
            # The external store runs the SERVICE calls: its error is most likely theirs.
            raise RemoteServiceError(f"SERVICE call failed (as the external store reports it): {e.message}") from None
        raise
    except SyntaxError as e:
        if answered:  # the query was accepted: what failed to parse is an external store's answer
            raise StoreBadAnswer(f"the external store sent an answer spkg cannot read: {e.msg or e}") from None
        raise
    except OSError as e:
        if services:
            raise RemoteServiceError(f"SERVICE call failed: {_redirect_hidden(str(e))}") from None
        raise StoreError(f"query failed: {e}") from None
    except RuntimeError as e:
        if services:  # an answer pyoxigraph's SERVICE client cannot read ("Reached the buffer maximal size")
            raise RemoteServiceError(f"SERVICE call failed: the endpoint's answer could not be read: {e}") from None
        raise
    except ValueError as e:
        raise QueryError(str(e)) from None


class _Cost:
    """What a query costs, for the parent's "heavy" history (:mod:`kg.query.executor`): the CPU time
    it takes, which a busy machine does not inflate as it does the wall clock (a 20 ms lookup took
    135 ms beside a client's aggregates, and then waited behind them as heavy). A query that waits
    on another server (an external store, a SERVICE call) costs its wall time: that server does the work."""

    def __init__(self, waits_elsewhere: bool) -> None:
        self.clock = time.perf_counter if waits_elsewhere else time.process_time
        self.started = self.clock()

    def seconds(self) -> float:
        return self.clock() - self.started


# pyoxigraph names where an allowed endpoint redirected to: an address the client may not know (ninth #16 probe).
_REDIRECT_TARGET = re.compile(r"\s*The latest redirection target is \S+", re.IGNORECASE)


def _redirect_hidden(message: str) -> str:
    """``message`` without the address a SERVICE endpoint redirected to (redirects are never followed)."""
    return _REDIRECT_TARGET.sub(" (the endpoint answered with a redirect, which is not followed)", message)


def _not_acceptable(form: str) -> NotAcceptable:
    """The client accepts no format for this kind of answer; ``form`` tells the HTTP layer which."""
    err = NotAcceptable(f"no acceptable format for {form.upper()} results")
    err.form = form
    return err


class _Counted:
    """An iterator that counts what passes through it."""

    def __init__(self, it) -> None:
        self.it = it
        self.n = 0

    def __iter__(self):
        return self

    def __next__(self):
        item = next(self.it)
        self.n += 1
        return item


_PREFIXED = ("text/turtle", "application/trig")
_PREFIX_DECL = re.compile(r"PREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^>\s]*)>", re.IGNORECASE)


def _prefixes(sparql: str) -> dict[str, str]:
    """The query's own prefixes: Turtle output reads better with them."""
    return {m.group(1) or "": m.group(2) for m in _PREFIX_DECL.finditer(sparql) if m.group(2)}


# -- the process ----------------------------------------------------------------------

def _malloc_trim():
    """glibc's malloc_trim, or None."""
    try:
        import ctypes

        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):  # pragma: no cover - not glibc
        return None


def _die_with_parent() -> None:
    """Ask Linux to kill us when the parent goes (best effort)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except Exception:  # pragma: no cover - not Linux
        pass


def main(fd: int, store_path: str, allowlist: list[str], memory: int = 0) -> None:
    """Entry point of a worker process (see :func:`kg.query.executor.spawn_command`).

    ``memory``: MiB the process may allocate (``RLIMIT_DATA``: heap and private mappings, not the
    store's files). One small query can ask for gigabytes (a CONCAT doubling a string 14 times, a
    sort of a cartesian product); past the cap pyoxigraph's allocation fails and the process aborts,
    which the parent reports as that query's 503, or Python raises MemoryError, sent as the same.
    """
    if memory > 0:
        import resource

        cap = memory * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_DATA, (cap, cap))
    try:
        _serve(fd, store_path, allowlist, memory)
    except (BrokenPipeError, ConnectionResetError):
        pass  # the parent went away (or killed the connection): nothing left to do


def _open(store_path: str):
    """The embedded store read-only, or an external one (``remote:{...}``, see :mod:`kg.store.remote`)."""
    if remote.is_spec(store_path):
        return remote.RemoteStore(remote.Endpoints.from_spec(store_path, os.environ.get(remote.AUTH_ENV, "")))
    return embedded.read_only_store(store_path)


def _serve(fd: int, store_path: str, allowlist: list[str], memory: int = 0) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = os.getppid()
    _die_with_parent()
    if os.getppid() != parent:
        return
    sock = socket.socket(fileno=fd)
    try:
        store = _open(store_path)
    except KGError as e:
        _error(sock, StoreError(e.message, hint=e.hint))
        return
    except Exception as e:  # OSError, or RuntimeError for a corrupt store
        _error(sock, StoreError(f"cannot open the store at {store_path}: {e}"))
        return
    send(sock, READY, Ready(os.getpid()).encode())
    reader = _Reader(sock)
    trim = _malloc_trim()
    while True:
        incoming = reader.frame()
        if incoming is None or incoming[0] != JOB:
            return
        payload = incoming[1]
        started = time.monotonic()
        try:
            run_job(store, Job.decode(payload), sock, allowlist)
        except (BrokenPipeError, ConnectionResetError, KeyboardInterrupt, SystemExit):
            raise
        except MemoryError:
            try:
                _error(sock, QueryOutOfMemory.past(memory))
            except OSError:
                return
        except BaseException as e:  # a bug (or a panic in pyoxigraph): say so, keep serving
            try:
                send(sock, ERROR, WireError(INTERNAL, f"{type(e).__name__}: {e}").encode())
            except OSError:
                return
        if trim is not None and time.monotonic() - started > 0.1:
            trim(0)  # hand back what a big query's hash tables left in the heap


if __name__ == "__main__":  # pragma: no cover - started by kg.query.executor
    main(int(sys.argv[1]), sys.argv[2], sys.argv[4:], int(sys.argv[3]))

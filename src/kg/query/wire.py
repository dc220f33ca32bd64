"""What the HTTP process and its query workers say to each other: frames, messages, errors.

Both sides import this module: :mod:`kg.query.executor` (the parent, asyncio) and
:mod:`kg.query.workers` (a worker process, which must start fast: no rdflib here).

Frames (both directions, over a socketpair): :data:`FRAME` ``!IB`` (payload
length, kind), then the payload.

* parent → worker: JOB (:class:`Job`)
* worker → parent: READY (:class:`Ready`) once the store is open; then per job
  either COMPLETE (:class:`Complete`: the answer fitted in the window) or
  HEAD (:class:`Meta` without rows), DATA… (raw bytes), END (:class:`Meta`),
  or ERROR (:class:`WireError`, before or during the stream).

Every message is a frozen dataclass with ``encode() -> bytes`` and
``decode(bytes)``: :mod:`marshal` of its fields in declaration order (a tuple),
which is the fastest (a few microseconds per query, on a path that takes a few
hundred) and needs no pickle: only str, int, bool, None, bytes, tuples, lists
and dicts cross. The answer's :class:`Meta` is the one dict keyed by field names
(in HEAD, END, and first in COMPLETE's pair): the layout those frames have always
had, which tests of the worker's writers read as such.

Errors cross by name through one registry, :data:`ERRORS`: the worker turns an
exception into a :class:`WireError` (:meth:`WireError.of`), the parent rebuilds
the same exception from it (:meth:`WireError.exception`). An exception whose class
is not registered becomes an internal error (500), its message logged.
"""

from __future__ import annotations

import logging
import marshal
import struct
from collections.abc import Callable
from dataclasses import dataclass

import pyoxigraph as ox

from kg.errors import (
    BadParameter,
    KGError,
    NotAcceptable,
    QueryError,
    QueryOutOfMemory,
    QuerySyntaxError,
    RemoteServiceError,
    ServiceRefused,
    StoreBadAnswer,
    StoreError,
    StoreTimeout,
    StoreUnreachable,
    UpdateRefused,
)
from kg.sparql import guard as sparql_guard
from kg.sparql.syntax import query_syntax_error

logger = logging.getLogger(__name__)

FRAME = struct.Struct("!IB")
JOB, READY, COMPLETE, HEAD, DATA, END, ERROR = range(1, 8)


def frame(kind: int, payload: bytes) -> bytes:
    """One frame: header and payload."""
    return FRAME.pack(len(payload), kind) + payload


# -- messages ---------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Job:
    """A query to run, with everything the worker needs to answer it (JOB).

    ``results_type`` / ``graph_type``: the media type to answer a SELECT or ASK /
    a CONSTRUCT or DESCRIBE with, already negotiated; None if the client accepts
    none (then :class:`~kg.errors.NotAcceptable`). ``default_graphs`` /
    ``named_graphs``: the request's dataset (SPARQL protocol), None if it gave none.
    ``limit``: rows or triples kept. ``window``: bytes an answer may have and
    still come in one COMPLETE frame. ``substitutions``: variable name ->
    :func:`encode_term` tuple (a canned query's parameters), or None.
    ``base_iri``: what the query's relative IRIs resolve against (the service's
    base IRI, SPARQL 1.1 Protocol), or None.
    """

    query: str
    results_type: str | None
    graph_type: str | None
    default_graphs: list[str] | None
    named_graphs: list[str] | None
    limit: int
    window: int
    substitutions: dict[str, tuple] | None = None
    base_iri: str | None = None

    def encode(self) -> bytes:
        return marshal.dumps((self.query, self.results_type, self.graph_type, self.default_graphs,
                              self.named_graphs, self.limit, self.window, self.substitutions, self.base_iri))

    @classmethod
    def decode(cls, data: bytes) -> Job:
        return cls(*marshal.loads(data))


@dataclass(frozen=True, slots=True)
class Ready:
    """The worker opened the store and waits for jobs (READY)."""

    pid: int

    def encode(self) -> bytes:
        return marshal.dumps((self.pid,))

    @classmethod
    def decode(cls, data: bytes) -> Ready:
        return cls(*marshal.loads(data))


@dataclass(frozen=True, slots=True)
class Meta:
    """What an answer is (HEAD, END, and inside COMPLETE).

    ``form``: "select", "ask" or "graph". ``rows``: rows or triples, None for ASK
    and in HEAD (a streamed answer's count is known at its END, as is ``truncated``).
    ``cost``: the seconds the query took of the worker's CPU (of the wall clock where it waited
    on another server: an external store, a SERVICE call), known with ``rows``.
    """

    form: str
    media_type: str
    rows: int | None = None
    truncated: bool | None = None
    cost: float | None = None

    def fields(self) -> dict:
        return {"form": self.form, "media_type": self.media_type, "rows": self.rows, "truncated": self.truncated,
                "cost": self.cost}

    def encode(self) -> bytes:
        return marshal.dumps(self.fields())

    @classmethod
    def decode(cls, data: bytes) -> Meta:
        return cls(**marshal.loads(data))


@dataclass(frozen=True, slots=True)
class Complete:
    """A whole answer in one frame (COMPLETE): what it is, and its bytes."""

    meta: Meta
    body: bytes

    def encode(self) -> bytes:
        return marshal.dumps((self.meta.fields(), self.body))

    @classmethod
    def decode(cls, data: bytes) -> Complete:
        meta, body = marshal.loads(data)
        return cls(Meta(**meta), body)


@dataclass(frozen=True, slots=True)
class WireError:
    """An exception on its way from a worker to the parent (ERROR).

    ``kind``: the name of its class in :data:`ERRORS`, or :data:`INTERNAL`.
    ``attributes``: the exception's own attributes besides message and hint
    (``form`` of NotAcceptable, ``parameter`` of BadParameter, ``line`` and
    ``column`` of QuerySyntaxError), as (name, value) pairs.
    """

    kind: str
    message: str
    hint: str | None = None
    attributes: tuple[tuple[str, object], ...] = ()

    def encode(self) -> bytes:
        return marshal.dumps((self.kind, self.message, self.hint, self.attributes))

    @classmethod
    def decode(cls, data: bytes) -> WireError:
        return cls(*marshal.loads(data))

    @classmethod
    def of(cls, exc: BaseException) -> WireError:
        """``exc`` as it crosses: by its class's name if registered, else as an internal error."""
        name = type(exc).__name__
        if ERRORS.get(name) is not type(exc):
            return cls(INTERNAL, exc.message if isinstance(exc, KGError) else f"{name}: {exc}")
        if not isinstance(exc, KGError):
            return cls(name, getattr(exc, "msg", None) or str(exc))
        attributes = tuple((k, v) for k, v in vars(exc).items()
                           if k not in ("message", "hint") and _marshalable(v))
        return cls(name, exc.message, exc.hint, attributes)

    def exception(self, query: str = "") -> KGError:
        """The exception the worker had, for the parent to raise (``query``: the job's text)."""
        cls = ERRORS.get(self.kind)
        if cls is None:
            logger.error("query worker failed: %s", self.message)
            return KGError(f"internal error in a query worker: {self.message}")
        special = _REBUILD.get(cls)
        if special is not None:
            return special(self, query)
        # The worker's instance was built by its class's constructor already (which
        # differ: BadParameter takes parameter=, NotAcceptable gets form set after);
        # this copies its state rather than constructing it again.
        exc = cls.__new__(cls, self.message)
        exc.message, exc.hint = self.message, self.hint
        for name, value in self.attributes:
            setattr(exc, name, value)
        return exc


INTERNAL = "Internal"
_SIMPLE = (str, int, float, bool, type(None))


def _marshalable(value: object) -> bool:
    return isinstance(value, _SIMPLE) or (isinstance(value, tuple) and all(isinstance(v, _SIMPLE) for v in value))


# -- the error registry -----------------------------------------------------------------

def _from_syntax_error(error: WireError, query: str) -> KGError:
    """pyoxigraph's SyntaxError: an update refused (the endpoint is read-only), or a syntax error."""
    if sparql_guard.is_update(query):
        return sparql_guard.update_refused()
    exc = SyntaxError(error.message)
    exc.msg = error.message
    return query_syntax_error(exc, query)


#: Every exception a worker may send, by name; any other is an internal error.
ERRORS: dict[str, type[BaseException]] = {cls.__name__: cls for cls in (
    QueryError,
    QuerySyntaxError,
    QueryOutOfMemory,
    BadParameter,
    UpdateRefused,
    ServiceRefused,
    NotAcceptable,
    RemoteServiceError,
    StoreError,
    StoreUnreachable,
    StoreBadAnswer,
    StoreTimeout,
    SyntaxError,          # pyoxigraph's parser: rebuilt with the query's text (see _REBUILD)
)}

#: Registered classes the parent does not rebuild as they are, and what it builds instead.
_REBUILD: dict[type[BaseException], Callable[[WireError, str], KGError]] = {
    SyntaxError: _from_syntax_error,
}


# -- RDF terms (canned-query parameters) ----------------------------------------------

def encode_term(term) -> tuple:
    """A NamedNode or Literal as a marshal-able tuple: ("i", iri) or ("l", value, datatype, language)."""
    if isinstance(term, ox.NamedNode):
        return ("i", term.value)
    if isinstance(term, ox.Literal):
        return ("l", term.value, term.datatype.value if not term.language else None, term.language)
    raise TypeError(f"cannot bind a {type(term).__name__} as a query parameter")


def decode_term(data) -> ox.NamedNode | ox.Literal:
    """The term :func:`encode_term` encoded."""
    if data[0] == "i":
        return ox.NamedNode(data[1])
    _, value, datatype, language = data
    if language:
        return ox.Literal(value, language=language)
    return ox.Literal(value, datatype=ox.NamedNode(datatype)) if datatype else ox.Literal(value)

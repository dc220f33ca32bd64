"""Partner graphs: the core of the SPARQL 1.1 Graph Store Protocol (``/graphs``), without HTTP.

A write (PUT replaces a graph, POST merges into it, DELETE drops it) goes:

1. **parse** the body (Turtle, N-Triples, JSON-LD, RDF/XML) into triples, in a
   process of its own with depth, entity, memory and time limits
   (:func:`kg.write.parsing.parse_isolated`: a body that crashes or blows up the
   parser costs only its own request);
2. **validate** the graph as it would be, incrementally, with ingest's
   :func:`kg.validate.incremental.validate_batch`: the new graph plus what the
   store says about the nodes it describes and the types of what it links to,
   in a process of its own with memory and time caps (:mod:`kg.write.validating`);
   a violation raises :class:`~kg.errors.ValidationFailed` and nothing changes;
3. **persist** it as a file under ``partners/`` (one N-Quads file per graph,
   ``partners/{partner}/{slug}-{hash}.nq``) and append a PROV record of the
   write to ``partners/audit.nq`` (graph ``{base}graph/audit``: the record is appended, to the
   file and to the graph, so a write's cost does not grow with the history);
4. **load** both graphs into the store as ingest does
   (:func:`kg.write.loader.update_store`: a checkpoint copy swapped in, the
   manifest bumped, so running servers reopen); if that fails the files are
   put back as they were.

``partners/`` sits beside ``data/`` and, like it, is a source `kg build` loads:
data/ stays the curated, hand-reviewed source of truth (its files have one
named graph each, named after the file), while partner graphs are named by
their partners and written by the server. The files are written against the
default base, as data/ is, and rebased when read.

Only one write (or ``kg ingest``) changes the store at a time: both take the
lock file beside the store, a partner write only for step 3 and 4 (the commit),
so partners do not wait on each other's parse and validation.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import logging
import re
import threading
import time
import uuid
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from kg.rdf import iris, xmlchars
from kg.rdf import sources as src
from kg.config import DEFAULT_BASE, Settings
from kg.errors import (
    BadParameter,
    KGError,
    MethodNotAllowed,
    NotFound,
    ParseError,
    ServerBusy,
    ValidationFailed,
)
from kg.rdf import rfc3986
from kg.write import entailments, lock, parsing, tokens, validating
from kg.write.tokens import Forbidden, Partner
from kg.validate import Report

logger = logging.getLogger(__name__)

BODY_FORMATS = parsing.BODY_FORMATS  # the media types a body may have
media_type_of = parsing.media_type_of
OPERATIONS = ("PUT", "POST", "DELETE")
#: Writes worked out at once in one server process: each holds its body, its triples, its whole graph,
#: a copy to validate and its N-Quads in memory (eight 40 MB graphs at once took the server to 3.2 GB).
#: Two, and one per partner at a time: one partner's writes do not hold up another's; the others wait their
#: turn, at most PLAN_WAIT seconds, with their bodies read but not parsed (:func:`waiting_turn`).
PLANNING = threading.BoundedSemaphore(2)
_PARTNERS_IN_TURN: set[str] = set()  # partners with a write in its turn (changed on the event loop only)
#: One more turn, for a PUT of a small body when both turns are taken: a one-triple write waited behind two
#: partners' 1.6 MB graphs for as long as one took to work out (thirteenth #16 probe, W5: 75 s).
SMALL_TURN = threading.BoundedSemaphore(1)
SMALL_BODY = 64 * 1024  # bytes
PLAN_WAIT = 60.0  # seconds a write waits in all: for its turn, then for the write lock (others' commits)
_KEPT_TURNS = 1000  # partners whose last turn is remembered (for turns in rotation)
_TURN_POLL = 0.05  # seconds between looks at a free turn, for a write waiting on the event loop
TRIES = 3  # plans made without the lock before one is made holding it (see write())
#: Longest N-Quads line a graph file may have: pyoxigraph reads no term over 16 MiB (kg build reads the file).
MAX_LINE = 16 * 1024 * 1024 - 1024

_XSD = "http://www.w3.org/2001/XMLSchema#"
_PROV = "http://www.w3.org/ns/prov#"
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")


class PayloadTooLarge(KGError):
    status = 413
    title = "payload too large"


class QuotaExceeded(PayloadTooLarge):
    """A write that would take a partner's graphs past what one partner may keep."""

    title = "partner quota exceeded"


def audit_graph(base: str) -> str:
    return f"{base}graph/audit"


@dataclass(frozen=True)
class WriteResult:
    operation: str
    graph: str
    partner: str
    created: bool        # the graph did not exist before
    before: int          # triples before and after
    after: int
    activity: str        # the audit record's IRI
    report: Report


# -- files ---------------------------------------------------------------------------

def graph_file(settings: Settings, partner: Partner, graph_iri: str) -> Path:
    """``partners/{partner}/{slug}-{hash8}.nq``: readable, and distinct for distinct IRIs."""
    rest = graph_iri[len(partner.prefix):] if graph_iri.startswith(partner.prefix) else graph_iri
    # No leading dot: kg build skips dot files (they are write journals), and the graph with them.
    stem = iris.slug(rest).lstrip(".-")[:80] or "graph"
    digest = hashlib.sha256(_to_default(graph_iri, settings.base).encode()).hexdigest()[:8]
    return settings.partners_dir / partner.name / f"{stem}-{digest}.nq"


def _to_default(text: str, base: str) -> str:
    return text if base == DEFAULT_BASE else text.replace(base, DEFAULT_BASE)


# pyoxigraph writes a control character as \uXXXX (six bytes for one); N-Quads allows them
# raw (all but LF and CR), and raw they keep a long literal under the 16 MiB a parser reads.
_CONTROL_ESCAPE = re.compile(r"(\\\\)|\\u(00[01][0-9A-F]|007F)")


def _raw_controls(text: str) -> str:
    def one(m: re.Match) -> str:
        if m.group(1) or m.group(2) in ("000A", "000D"):
            return m.group(0)
        return chr(int(m.group(2), 16))

    return _CONTROL_ESCAPE.sub(one, text) if "\\u00" in text else text


def _nquads(triples: list[ox.Triple], graph_iri: str, base: str) -> bytes:
    """Sorted N-Quads lines (deterministic, diffable), written against the default base.

    :class:`PayloadTooLarge` when a line would be longer than `kg build` can read back.
    """
    g = ox.NamedNode(graph_iri)
    text = _raw_controls(ox.serialize([ox.Quad(t.subject, t.predicate, t.object, g) for t in triples],
                                      format=ox.RdfFormat.N_QUADS).decode("utf-8"))
    lines = sorted(set(line for line in text.split("\n") if line))
    longest = max((len(line) for line in lines), default=0)
    if longest > MAX_LINE // 4 and max(len(line.encode("utf-8")) for line in lines) > MAX_LINE:
        raise PayloadTooLarge(f"a statement of the graph is {longest:,} characters long once written as N-Quads; "
                              f"the most a graph file can hold is {MAX_LINE:,} bytes per statement",
                              hint="split the long literal, or keep it elsewhere and link to it")
    return _to_default("".join(line + "\n" for line in lines), base).encode("utf-8")


# -- parsing -------------------------------------------------------------------------

def parse_body(body: bytes, content_type: str | None, graph_iri: str) -> list[ox.Triple]:
    """The body's triples, parsed in this process; relative IRIs resolve against the graph IRI.

    With :mod:`kg.write.parsing`'s limits. The server parses bodies with
    :func:`kg.write.parsing.parse_isolated` instead: in a process of its own.
    """
    return parsing.parse(body, content_type, graph_iri)


# -- reading -------------------------------------------------------------------------

def _open_read_only(settings: Settings) -> ox.Store:
    from kg.store import raw_store# the embedded store read-only, or the external one

    return raw_store(settings)


#: A partner graph's file may hold this many times max_upload_bytes: POSTs merge into it, and each write
#: rewrites and reloads the whole graph, so without a cap small merges add up to any size.
GRAPH_FACTOR = 4
#: All of one partner's graph files together may hold this many times max_upload_bytes, in at most
#: PARTNER_GRAPHS graphs: without a quota one token could fill the disk a graph at a time.
PARTNER_FACTOR = 25
PARTNER_GRAPHS = 1000


def _check_quota(settings: Settings, partner: Partner, path: Path, new_size: int) -> None:
    """Refuse (413) a write that would take ``partner``'s graphs past their quota; ``path`` is the graph's file."""
    others = [f for f in (settings.partners_dir / partner.name).glob("*.nq") if f != path]
    if new_size and len(others) + 1 > PARTNER_GRAPHS:
        raise QuotaExceeded(f"partner {partner.name!r} has {len(others):,} graphs; the most a partner may have "
                            f"is {PARTNER_GRAPHS:,}", hint="merge graphs, or DELETE the ones no longer needed")
    cap = PARTNER_FACTOR * settings.max_upload_bytes
    total = sum(f.stat().st_size for f in others) + new_size
    if new_size and total > cap:
        raise QuotaExceeded(f"partner {partner.name!r}'s graphs would take {total:,} bytes as N-Quads; the most "
                            f"a partner may keep is {cap:,} ({PARTNER_FACTOR} x max_upload_bytes)",
                            hint="DELETE graphs no longer needed, or replace a graph (PUT) rather than add one")


def _check_size(triples: list[ox.Triple], graph_iri: str, settings: Settings) -> None:
    cap = GRAPH_FACTOR * settings.max_upload_bytes
    size, overhead = 0, len(graph_iri) + 8
    for t in triples:
        size += len(str(t.subject)) + len(str(t.predicate)) + len(str(t.object)) + overhead
        if size > cap:
            raise parsing.BodyTooExpensive(
                f"the graph would take more than {cap:,} bytes as N-Quads ({GRAPH_FACTOR} x max_upload_bytes)",
                hint="keep a partner graph smaller: split it into several graphs, or replace it (PUT) rather than merge")


def _graph_triples(store: ox.Store, graph_iri: str | None) -> list[ox.Triple]:
    if graph_iri is None:  # the default graph: the union of the named graphs
        return list({ox.Triple(q.subject, q.predicate, q.object)
                     for q in store.quads_for_pattern(None, None, None, None)
                     if not isinstance(q.graph_name, ox.DefaultGraph)} |
                    {ox.Triple(q.subject, q.predicate, q.object)
                     for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())})
    return [ox.Triple(q.subject, q.predicate, q.object)
            for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph_iri))]


def get(settings: Settings, graph_iri: str | None) -> list[ox.Triple]:
    """The triples of a named graph (``None``: the default graph, the union of all). NotFound if absent."""
    store = _open_read_only(settings)
    try:
        if graph_iri is not None and not store.contains_named_graph(ox.NamedNode(graph_iri)):
            raise NotFound(f"no graph <{graph_iri}>")
        return _graph_triples(store, graph_iri)
    finally:
        del store


def serialize(triples: list[ox.Triple], media_type: str) -> bytes:
    fmt = ox.RdfFormat.from_media_type(media_type)
    data = ox.serialize(triples, format=fmt)
    return xmlchars.safe_document(data) if fmt == ox.RdfFormat.RDF_XML else data


# -- writing -------------------------------------------------------------------------

#: Characters that show nothing or reorder what follows: format characters (bidirectional marks and
#: overrides, zero-width spaces and joiners, U+FEFF) and line and paragraph separators.
_INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


def check_writable(settings: Settings, graph_iri: str | None, partner: Partner) -> str:
    """The graph IRI if ``partner`` may write it; else MethodNotAllowed / Forbidden / ParseError.

    Every check compares the IRI in its normal form (RFC 3986: dot segments and
    percent-encodings resolved), as a store or an HTTP client would read it, and
    an IRI not in that form is refused: written as sent, its file would not be
    the graph's (``…/pa/../pb/x`` is ``…/pb/x`` to everyone else).
    """
    if graph_iri is None:
        raise MethodNotAllowed("the default graph is read-only: write a named graph with ?graph=IRI",
                               allow=("GET", "HEAD"))
    try:
        ox.NamedNode(graph_iri)
    except ValueError as e:
        raise ParseError(f"graph={graph_iri!r} is not an IRI ({e})") from None
    invisible = _INVISIBLE.search(graph_iri)
    if invisible:  # shown raw on pages, it would make a graph's name read as another's
        raise BadParameter(f"graph=<{graph_iri!r}> holds U+{ord(invisible.group()):04X}, a character that shows "
                           f"nothing or reorders the name (RFC 3987, 4.1 and 6.4)", parameter="graph")
    normal = rfc3986.normalize(graph_iri)
    reserved = [f"{settings.base}graph/{folder}/" for folder in src.FOLDERS]
    if normal == audit_graph(settings.base) or any(normal.startswith(r) for r in reserved):
        raise Forbidden(f"<{graph_iri}> is written by kg build or the server, not through /graphs")
    tokens.authorize(partner, normal)
    if normal != graph_iri:
        raise BadParameter(f"graph=<{graph_iri}> is not in normal form (RFC 3986): dot segments or "
                           f"percent-encoded letters; it names <{normal}>", parameter="graph")
    return graph_iri


@dataclass
class _Plan:
    """What a write will do, worked out (and validated) before the write lock is taken."""

    state: object                # the build manifest it was made against: a write since makes it stale
    exists: bool
    old: list[ox.Triple]
    new: list[ox.Triple]
    report: Report
    graph_bytes: bytes | None    # the graph's file, None when the graph goes


def _state(settings: Settings) -> object:
    from kg.store import read_manifest

    return read_manifest(settings)


def _plan(settings: Settings, operation: str, graph_iri: str, triples: list[ox.Triple] | None) -> _Plan:
    """Read the graph, make the new one and validate it: all of it without the lock."""
    state = _state(settings)  # before the store: a write in between makes the plan stale, never wrong
    store = _open_read_only(settings)
    try:
        exists = store.contains_named_graph(ox.NamedNode(graph_iri))
        old = _graph_triples(store, graph_iri) if exists else []
        if operation == "DELETE" and not exists:
            raise NotFound(f"no graph <{graph_iri}>")
        if operation == "PUT":
            new = list(dict.fromkeys(triples or []))
        elif operation == "POST":
            new = list(dict.fromkeys([*old, *(triples or [])]))
        else:
            new = []
        _check_size(new, graph_iri, settings)  # before validation, which costs far more than the graph's size
        report = validating.validate(settings, graph_iri, new,
                                     exclude={graph_iri, entailments.graph_iri(settings.base)},
                                     replaced=[graph_iri] if exists else [])
        if not report.conforms:
            raise ValidationFailed(f"the graph does not conform to the shapes: {report.summary()}", report)
    finally:
        del store  # release the store: a writer may swap it
    graph_bytes = _nquads(new, graph_iri, settings.base) if new else None
    return _Plan(state, exists, old, new, report, graph_bytes)


def _plan_unlocked(settings: Settings, operation: str, graph_iri: str,
                   triples: list[ox.Triple] | None) -> _Plan | None:
    """:func:`_plan` without the lock, or None when another write swapped the store while this one read
    it (its files are gone from under the read-only handle: FileNotFoundError from RocksDB): stale."""
    try:
        return _plan(settings, operation, graph_iri, triples)
    except OSError as e:
        logger.info("a write's plan read a store another write replaced (%s): planning again", e)
        return None


def write(settings: Settings, operation: str, graph_iri: str, partner: Partner,
          triples: list[ox.Triple] | None = None) -> WriteResult:
    """PUT (replace), POST (merge) or DELETE a partner graph: validated, persisted, audited, loaded.

    The body was parsed before (:mod:`kg.write.parsing`); the graph is read, merged
    and validated without the write lock, so partners' writes wait for each
    other only while one commits. The lock taken, a plan made against a store
    that another write has changed since is made again (validation included),
    at most :data:`TRIES` times without the lock, then once holding it. The write waits (for a turn and
    for the lock) at most :data:`PLAN_WAIT` seconds in all; then :class:`ServerBusy`, nothing written.
    """
    if operation not in OPERATIONS:
        raise MethodNotAllowed(f"{operation} is not a graph store operation",
                               allow=("GET", "HEAD", *OPERATIONS))
    check_writable(settings, graph_iri, partner)
    deadline = time.monotonic() + PLAN_WAIT
    if not PLANNING.acquire(timeout=PLAN_WAIT):
        raise _busy()
    try:
        return _write(settings, operation, graph_iri, partner, triples, deadline)  # checked above
    finally:
        PLANNING.release()


def _busy() -> ServerBusy:
    return ServerBusy(f"other writes have been worked out here for more than {PLAN_WAIT:g} s",
                      hint="send the write again in a minute")


class _Waiter:
    __slots__ = ("partner", "seq", "small")

    def __init__(self, partner: str, seq: int, small: bool = False) -> None:
        self.partner, self.seq, self.small = partner, seq, small


_WAITING: list[_Waiter] = []  # writes waiting for a turn, in the order they came (event loop only)
_LAST_TURN: dict[str, int] = {}  # partner -> the number of its last turn (event loop only)
_COUNTER = itertools.count()


def _next_in_line(small: bool = False) -> _Waiter | None:
    """The waiting write whose partner has had a turn least lately (then the one that came first), among
    partners with no write in its turn: a partner writing back to back does not keep another out (W5).
    ``small``: among the small writes only (for :data:`SMALL_TURN`)."""
    ready = [w for w in _WAITING if w.partner not in _PARTNERS_IN_TURN and (w.small or not small)]
    return min(ready, key=lambda w: (_LAST_TURN.get(w.partner, -1), w.seq), default=None)


@asynccontextmanager
async def waiting_turn(partner: str, small: bool = False):
    """A turn among the PLANNING writes, waited for on the event loop (no thread held while waiting), one
    per partner: a partner's second write waits for its first, so that one partner cannot hold every turn.
    Turns go round the partners (:func:`_next_in_line`), not to whichever write looks first. A ``small``
    write (a PUT of at most :data:`SMALL_BODY` bytes) may take :data:`SMALL_TURN` when both are taken.
    The server reads a body before it waits (a slow upload holds no turn) and parses it in its turn.

    Yields the write's deadline (``time.monotonic()``): what it waits for after its turn (the write lock)
    counts against the same :data:`PLAN_WAIT` (:func:`write_in_turn`)."""
    deadline = time.monotonic() + PLAN_WAIT
    me = _Waiter(partner, next(_COUNTER), small)
    _WAITING.append(me)
    try:
        while True:
            if _next_in_line() is me and PLANNING.acquire(blocking=False):
                turn = PLANNING
                break
            if small and _next_in_line(small=True) is me and SMALL_TURN.acquire(blocking=False):
                turn = SMALL_TURN
                break
            if time.monotonic() >= deadline:
                raise _busy()
            await asyncio.sleep(_TURN_POLL)
    finally:
        _WAITING.remove(me)
    _PARTNERS_IN_TURN.add(partner)
    _LAST_TURN[partner] = next(_COUNTER)
    if len(_LAST_TURN) > 4 * _KEPT_TURNS:  # partners are few (one per token); keep the dict bounded anyway
        for name in sorted(_LAST_TURN, key=_LAST_TURN.__getitem__)[:-_KEPT_TURNS]:
            del _LAST_TURN[name]
    try:
        yield deadline
    finally:
        _PARTNERS_IN_TURN.discard(partner)
        turn.release()


def write_in_turn(settings: Settings, operation: str, graph_iri: str, partner: Partner,
                  triples: list[ox.Triple] | None = None, deadline: float | None = None) -> WriteResult:
    """:func:`write` for a caller that holds a turn (:func:`waiting_turn`, whose ``deadline`` it keeps)."""
    check_writable(settings, graph_iri, partner)
    return _write(settings, operation, graph_iri, partner, triples,
                  time.monotonic() + PLAN_WAIT if deadline is None else deadline)


def _write(settings: Settings, operation: str, graph_iri: str, partner: Partner,
           triples: list[ox.Triple] | None, deadline: float) -> WriteResult:
    from kg.write.recovery import recover

    plan = _plan_unlocked(settings, operation, graph_iri, triples)
    for attempt in range(1, TRIES + 1):
        # The lock is waited for until the write's deadline, however many tries it takes (W5: three 10 s
        # waits after a 60 s turn answered past 100 s); past it, one look at a free lock and no wait.
        with lock.holding(settings, wait=max(0.0, deadline - time.monotonic()),
                          busy=f"other writes have held the store for the rest of the {PLAN_WAIT:g} s "
                               f"a write waits", hint="send the write again in a minute"):
            for message in recover(settings):  # an earlier write or ingest killed midway
                logger.warning("%s", message)
            if plan is None or (_state(settings) != plan.state and attempt == TRIES):
                # Planned holding the lock (the last try, or the store changed under the read): no other
                # write can make it stale.
                plan = _plan(settings, operation, graph_iri, triples)
            if attempt == TRIES or _state(settings) == plan.state:
                result = _commit(settings, operation, graph_iri, partner, plan)
                break
        plan = _plan_unlocked(settings, operation, graph_iri, triples)  # stale: again
    logger.info("%s <%s> by %s: %d -> %d triples", operation, graph_iri, partner.name, len(plan.old), len(plan.new))
    return result


def _commit(settings: Settings, operation: str, graph_iri: str, partner: Partner, plan: _Plan) -> WriteResult:
    """Write the files and load the store (holding the write lock): all of it, or none."""
    from kg.write import journal as commit
    from kg.write.loader import update_store

    old, new = plan.old, plan.new
    audit = audit_graph(settings.base)
    now = datetime.now(timezone.utc)
    activity = f"{settings.base}id/graph-write/{now.strftime('%Y%m%dT%H%M%S%fZ')}-{uuid.uuid4().hex[:8]}"
    record = _audit_record(activity, operation, graph_iri, partner, settings.base, now, len(old), len(new))

    # The files go in through ingest's journal, then the store: killed between the
    # two, the next start (kg.write.recovery) puts the files back, as the store never changed.
    path = graph_file(settings, partner, graph_iri)
    _check_quota(settings, partner, path, len(plan.graph_bytes or b""))  # holding the lock: no write in between
    audit_path = settings.partners_dir / "audit.nq"
    txn = commit.Transaction(settings.partners_dir)
    name = str(path.relative_to(settings.partners_dir))
    if plan.graph_bytes is not None:
        txn.write(name, plan.graph_bytes)
    elif path.exists():
        txn.delete(name)
    txn.append(audit_path.name, _nquads(record, audit, settings.base))
    txn.stage()
    txn.commit()
    try:
        # The triples themselves, not a text to parse again (a long literal would not fit a parser's buffer).
        update_store(settings, {graph_iri: new or None}, add={audit: record},
                     note={"last_graph_write": {"operation": operation, "graph": graph_iri,
                                                "partner": partner.name, "at": now.isoformat()}})
    except BaseException:
        txn.rollback()
        raise
    txn.mark_stored()
    txn.finish()
    return WriteResult(operation, graph_iri, partner.name, not plan.exists, len(old), len(new), activity, plan.report)


def _audit_record(activity: str, operation: str, graph_iri: str, partner: Partner, base: str, when: datetime,
                  before: int, after: int) -> list[ox.Triple]:
    kg = iris.vocab(base)
    a, agent = ox.NamedNode(activity), ox.NamedNode(partner.agent(base))
    at = ox.Literal(when.isoformat(timespec="microseconds"), datatype=ox.NamedNode(_XSD + "dateTime"))

    def n(value: int) -> ox.Literal:
        return ox.Literal(str(value), datatype=ox.NamedNode(_XSD + "integer"))

    return [
        ox.Triple(a, _RDF_TYPE, ox.NamedNode(_PROV + "Activity")),
        ox.Triple(a, _RDF_TYPE, ox.NamedNode(str(kg.GraphWrite))),
        ox.Triple(a, _RDFS_LABEL, ox.Literal(f"{operation} <{graph_iri}> by {partner.name}", language="en")),
        ox.Triple(a, ox.NamedNode(_PROV + "wasAssociatedWith"), agent),
        ox.Triple(a, ox.NamedNode(_PROV + "endedAtTime"), at),
        ox.Triple(a, ox.NamedNode(str(kg.operation)), ox.Literal(operation)),
        ox.Triple(a, ox.NamedNode(str(kg.writtenGraph)), ox.NamedNode(graph_iri)),
        ox.Triple(a, ox.NamedNode(str(kg.triplesBefore)), n(before)),
        ox.Triple(a, ox.NamedNode(str(kg.triplesAfter)), n(after)),
        ox.Triple(agent, _RDF_TYPE, ox.NamedNode(_PROV + "Agent")),
        ox.Triple(agent, _RDFS_LABEL, ox.Literal(partner.name, language="en")),
    ]


# -- the SHACL report as RDF -----------------------------------------------------------

def report_graph(report: Report) -> Graph:
    """The report as a ``sh:ValidationReport`` graph (for a 422 answer in Turtle or JSON-LD)."""
    from rdflib import RDF, BNode, Literal, URIRef
    from rdflib.util import from_n3

    from kg.validate import SH

    g = Graph()
    g.bind("sh", SH)
    root = BNode()
    g.add((root, RDF.type, SH.ValidationReport))
    g.add((root, SH.conforms, Literal(report.conforms)))

    def term(text: str | None):
        if not text:
            return None
        try:
            return from_n3(text)
        except Exception:  # e.g. a sequence path written as a SPARQL path: keep it as text
            return Literal(text)

    for r in report.results:
        node = BNode()
        g.add((root, SH.result, node))
        g.add((node, RDF.type, SH.ValidationResult))
        g.add((node, SH.resultSeverity, SH[r.severity]))
        for pred, value in ((SH.focusNode, r.focus_node), (SH.resultPath, r.path), (SH.value, r.value)):
            t = term(value)
            if t is not None:
                g.add((node, pred, t))
        shape = term(r.source_shape) if r.source_shape.startswith("<") and " " not in r.source_shape else None
        g.add((node, SH.sourceShape, shape if isinstance(shape, URIRef) else Literal(r.source_shape)))
        if r.component:
            g.add((node, SH.sourceConstraintComponent, SH[r.component]))
        if r.message:
            g.add((node, SH.resultMessage, Literal(r.message, lang="en")))
    return g

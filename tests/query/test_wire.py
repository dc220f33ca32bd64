"""The query-worker boundary (kg.query.wire): messages, the error registry, terms."""

from __future__ import annotations

import logging

import pyoxigraph as ox
import pytest

from kg.errors import ConfigError, KGError, QuerySyntaxError, StoreError, UpdateRefused
from kg.query import wire, workers
from kg.sparql.guard import update_refused
from kg.sparql.syntax import query_syntax_error

pytestmark = pytest.mark.storeless  # run once: the external-store pass has nothing to add

EX = "http://example.org/"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
JSON = "application/sparql-results+json"


def crossed(exc: BaseException, query: str = "") -> KGError:
    """``exc`` sent by a worker and raised again by the parent."""
    return wire.WireError.decode(wire.WireError.of(exc).encode()).exception(query)


# -- messages ------------------------------------------------------------------------------

MESSAGES = [
    wire.Job("SELECT * WHERE { ?s ?p ?o }", JSON, None, None, None, 100000, 1 << 20),
    wire.Job("CONSTRUCT WHERE { ?s ?p ?o }", None, "text/turtle", [f"{EX}g1"], [f"{EX}g1", f"{EX}g2"], 0, 10,
             {"s": wire.encode_term(ox.NamedNode(f"{EX}s")), "n": wire.encode_term(ox.Literal("3"))}),
    wire.Job("ASK {}", JSON, "text/turtle", [], [], 5, 1, {}),
    wire.Ready(12345),
    wire.Meta("select", JSON),
    wire.Meta("select", "text/csv", 10, True),
    wire.Meta("ask", JSON, None, False),
    wire.WireError("StoreTimeout", "too slow", "try later"),
    wire.WireError("NotAcceptable", "no acceptable format for GRAPH results", None, (("form", "graph"),)),
    wire.WireError(wire.INTERNAL, "RuntimeError: boom"),
]


@pytest.mark.parametrize("message", MESSAGES, ids=lambda m: type(m).__name__)
def test_every_message_round_trips(message):
    data = message.encode()
    assert isinstance(data, bytes)
    assert type(message).decode(data) == message


def test_complete_round_trips_with_its_body():
    message = wire.Complete(wire.Meta("graph", "text/turtle", 2, False), b"<a> <b> <c> .\n" * 2)
    assert wire.Complete.decode(message.encode()) == message


def test_frames_carry_length_and_kind():
    payload = wire.Ready(7).encode()
    data = wire.frame(wire.READY, payload)
    assert wire.FRAME.unpack_from(data) == (len(payload), wire.READY)
    assert data[wire.FRAME.size:] == payload
    assert len({wire.JOB, wire.READY, wire.COMPLETE, wire.HEAD, wire.DATA, wire.END, wire.ERROR}) == 7


# -- the error registry ----------------------------------------------------------------

#: Attributes some registered classes carry besides message and hint.
EXTRA = {"NotAcceptable": {"form": "select"}, "BadParameter": {"parameter": "default-graph-uri"},
         "QuerySyntaxError": {"line": 3, "column": 14}}


@pytest.mark.parametrize("name", sorted(n for n, cls in wire.ERRORS.items() if issubclass(cls, KGError)))
def test_every_registered_error_comes_back_as_itself(name):
    cls = wire.ERRORS[name]
    exc = cls(f"a {name} happened")
    exc.hint = f"the hint of {name}"
    for attr, value in EXTRA.get(name, {}).items():
        setattr(exc, attr, value)
    back = crossed(exc, "SELECT * WHERE { ?s ?p ?o }")
    assert type(back) is cls
    assert (back.message, back.hint, str(back), back.args) == (exc.message, exc.hint, str(exc), exc.args)
    assert vars(back) == vars(exc)
    assert back.status == exc.status


@pytest.mark.parametrize("name", sorted(n for n, cls in wire.ERRORS.items() if issubclass(cls, KGError)))
def test_registered_errors_without_a_hint_keep_none(name):
    back = crossed(wire.ERRORS[name]("no hint here"))
    assert back.hint is None and back.message == "no hint here"


def _pyoxigraph_syntax_error(query: str) -> SyntaxError:
    with pytest.raises(SyntaxError) as info:
        ox.Store().query(query)
    return info.value


def test_a_syntax_error_comes_back_with_line_and_column():
    query = "SELECT ?s\nWHERE { ?s ?p }"
    error = _pyoxigraph_syntax_error(query)
    assert wire.WireError.of(error).kind == "SyntaxError"
    back = crossed(error, query)
    expected = query_syntax_error(error, query)  # what the embedded store adapter raises
    assert type(back) is QuerySyntaxError
    assert (back.message, back.line, back.column) == (expected.message, expected.line, expected.column)
    assert back.line == 2


def test_a_syntax_error_in_an_update_is_a_refusal():
    query = f"INSERT DATA {{ <{EX}s> <{EX}p> <{EX}o> }}"
    back = crossed(_pyoxigraph_syntax_error(query), query)
    expected = update_refused()
    assert type(back) is UpdateRefused
    assert (back.message, back.hint, back.status) == (expected.message, expected.hint, 403)


class _Unregistered(StoreError):
    """A subclass of a registered class is not registered itself."""


@pytest.mark.parametrize("exc, text", [
    (RuntimeError("boom"), "RuntimeError: boom"),
    (ConfigError("bad setting"), "bad setting"),
    (_Unregistered("odd store"), "odd store"),
    (IndentationError("not pyoxigraph's"), "IndentationError: not pyoxigraph's"),
])
def test_an_unregistered_exception_is_an_internal_error(exc, text, caplog):
    error = wire.WireError.of(exc)
    assert error.kind == wire.INTERNAL and error.message == text
    with caplog.at_level(logging.ERROR, logger="kg.query.wire"):
        back = wire.WireError.decode(error.encode()).exception("SELECT * {}")
    assert type(back) is KGError and back.status == 500
    assert back.message == f"internal error in a query worker: {text}"
    assert any(text in r.getMessage() for r in caplog.records)


def test_an_unknown_kind_from_the_wire_is_an_internal_error():
    back = wire.WireError("NoSuchError", "what is this").exception()
    assert type(back) is KGError and back.status == 500 and "what is this" in back.message


# -- terms ---------------------------------------------------------------------------------

TERMS = [
    ox.NamedNode(f"{EX}geneva"),
    ox.Literal("42", datatype=ox.NamedNode(XSD_INTEGER)),
    ox.Literal("Genève", language="fr"),
    ox.Literal("plain"),
]


@pytest.mark.parametrize("term", TERMS, ids=str)
def test_terms_round_trip_through_a_job(term):
    job = wire.Job("SELECT * WHERE { ?s ?p ?o }", JSON, None, None, None, 10, 10, {"x": wire.encode_term(term)})
    back = wire.Job.decode(job.encode())
    assert wire.decode_term(back.substitutions["x"]) == term


def test_only_iris_and_literals_are_parameters():
    with pytest.raises(TypeError):
        wire.encode_term(ox.BlankNode())


# -- the worker's side: its answers and errors, as the parent reads them ---------------

class _Socket:
    def __init__(self):
        self.data = b""

    def sendall(self, b):
        self.data += b


def _frames(store, job: wire.Job) -> list[tuple[int, bytes]]:
    sock = _Socket()
    workers.run_job(store, job, sock, [])
    frames, i = [], 0
    while i < len(sock.data):
        n, kind = wire.FRAME.unpack_from(sock.data, i)
        frames.append((kind, sock.data[i + wire.FRAME.size:i + wire.FRAME.size + n]))
        i += wire.FRAME.size + n
    return frames


@pytest.fixture(scope="module")
def store():
    store = ox.Store()
    for g in ("g1", "g2"):
        store.add(ox.Quad(ox.NamedNode(f"{EX}{g}s"), ox.NamedNode(f"{EX}p"), ox.Literal(g), ox.NamedNode(f"{EX}{g}")))
    return store


def _rows(store, default_graphs=None, named_graphs=None, query="SELECT ?o WHERE { ?s ?p ?o }") -> int:
    [(kind, payload)] = _frames(store, wire.Job(query, JSON, None, default_graphs, named_graphs, 100, 1 << 20))
    assert kind == wire.COMPLETE
    return wire.Complete.decode(payload).meta.rows


def test_the_worker_applies_the_requests_dataset(store):
    assert _rows(store) == 2                               # no dataset: the union of the named graphs
    assert _rows(store, [f"{EX}g1"]) == 1                  # the request's dataset replaces the query's
    assert _rows(store, None, [f"{EX}g1"]) == 0            # named graphs only: the default graph is empty
    assert _rows(store, query=f"SELECT ?o FROM <{EX}g2> WHERE {{ ?s ?p ?o }}") == 1


def _error(store, job: wire.Job) -> KGError:
    [(kind, payload)] = _frames(store, job)
    assert kind == wire.ERROR
    return wire.WireError.decode(payload).exception(job.query)


def test_a_bad_graph_iri_is_a_bad_parameter(store):
    err = _error(store, wire.Job("SELECT * WHERE { ?s ?p ?o }", JSON, None, ["not an iri"], None, 10, 10))
    assert err.status == 400 and err.parameter == "default-graph-uri" and "not an iri" in err.message


def test_not_acceptable_keeps_its_form(store):
    err = _error(store, wire.Job("CONSTRUCT WHERE { ?s ?p ?o }", JSON, None, None, None, 10, 10))
    assert err.status == 406 and err.form == "graph"
    assert err.message == "no acceptable format for GRAPH results"


# -- XML output: characters XML 1.0 cannot carry (kg.rdf.xmlchars) ---------------------------

@pytest.mark.parametrize("size", [1, 2, 3, 7, 1000])
def test_forbidden_characters_are_replaced_wherever_the_chunks_split_them(size):
    from kg.rdf import xmlchars

    text = "ok \x00\x08\t\n\r\x0b\x1f é \ufffe\uffff \ufffd 北\x7f end".encode()
    stream = xmlchars.Filter()
    out = b"".join(stream.feed(text[i:i + size]) for i in range(0, len(text), size)) + stream.finish()
    assert out == xmlchars.replace(text)[0]
    assert out.decode() == "ok \ufffd\ufffd\t\n\r\ufffd\ufffd é \ufffd\ufffd \ufffd 北\x7f end"
    assert stream.count == 6

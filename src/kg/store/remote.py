"""An external SPARQL 1.1 store over HTTP, standing in for the embedded Oxigraph store.

:class:`RemoteStore` speaks the SPARQL 1.1 Protocol (queries), SPARQL 1.1
Update and, when configured, the Graph Store HTTP Protocol, and offers the part
of :class:`pyoxigraph.Store`'s API that spkg uses (``query``,
``quads_for_pattern``, ``contains_named_graph``, ``named_graphs``, ``len``),
returning pyoxigraph's own result objects. The query workers, pages, dumps,
ingest and ``/graphs`` therefore run on it unchanged.

What the store must do (README, "External store"):

* answer a query that names no dataset over the union of its named graphs
  (Oxigraph ``--union-default-graph``, Fuseki ``tdb2:unionDefaultGraph``; GraphDB,
  Virtuoso and Neptune do so by default). :func:`check_union` tells when not;
* run each update request as one transaction (all of the above do), which is
  what makes an ingest or a partner write all or nothing.

Canned-query parameters are bound with a ``VALUES`` block at the start of the
query's WHERE group (pyoxigraph's ``substitutions`` are not a protocol feature).
Answers are read whole, then parsed; every failure is one of three errors:
:class:`~kg.errors.StoreUnreachable` (502), :class:`~kg.errors.StoreBadAnswer`
(502) or :class:`~kg.errors.StoreTimeout` (504).

This module is imported by the query workers: it must stay light (no rdflib).
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import os
import re
import socket
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

import pyoxigraph as ox

from kg.errors import ConfigError, StoreBadAnswer, StoreError, StoreTimeout, StoreUnreachable
from kg.sparql import binding
from kg.sparql import guard as sparql_guard
from kg.sparql import syntax as sparql_syntax
from kg.store import engine as engines
from kg.store.base import StoreAdapter
from kg.store.manifest import read_manifest

SPEC = "remote:"            # how an executor names an external store to its workers
AUTH_ENV = "KG_STORE_AUTH"  # credentials reach workers through the environment, never argv

_ACCEPT = ("application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.8, "
           "application/sparql-results+xml;q=0.7")
_EMPTY_GRAPH = "urn:x-spkg:empty"  # an explicitly empty default graph, which the protocol cannot say
_ERROR_TEXT = 300                  # characters of a store's error page quoted in our message
WRITE_TIMEOUT = 900.0              # seconds a write may take: a build's first request carries a whole dataset
# Bytes of N-Quads in one load request: Oxigraph server refuses bodies over 128 MiB (a 100,000-outcome
# build's first 500,000 triples were 608 MB, with the records' verbatim texts).
REQUEST_BYTES = 64 << 20


@dataclass(frozen=True)
class Endpoints:
    """Where the external store answers, and how long spkg waits for it."""

    query: str
    update: str = ""
    graph_store: str = ""
    timeout: float = 30.0
    auth: str = field(default="", repr=False)

    def __post_init__(self) -> None:
        for name in ("query", "update", "graph_store"):
            url = getattr(self, name)
            if url and (urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname):
                setting = "store_url" if name == "query" else f"store_{name}_url"
                raise ConfigError(f"setting {setting!r} must be an http(s) URL, got {url!r}")

    @classmethod
    def of(cls, settings, *, work: bool = False) -> Endpoints:
        """The settings' store; ``work``: for a build's or a write's own queries (the entailments'
        CONSTRUCTs read the whole store), which wait as long as a write may, not a visitor's ``query_timeout``."""
        timeout = float(settings.query_timeout)
        return cls(settings.store_url, settings.store_update_url, settings.store_graph_store_url,
                   max(timeout, WRITE_TIMEOUT) if work else timeout, settings.store_auth)

    def spec(self) -> str:
        """This, minus the credentials, as one command-line argument for a worker."""
        return SPEC + json.dumps({"query": self.query, "update": self.update,
                                  "graph_store": self.graph_store, "timeout": self.timeout})

    @classmethod
    def from_spec(cls, spec: str, auth: str = "") -> Endpoints:
        return cls(**json.loads(spec[len(SPEC):]), auth=auth)


def is_spec(store_path: str) -> bool:
    return store_path.startswith(SPEC)


# -- HTTP ---------------------------------------------------------------------------------

def _authorization(auth: str) -> dict[str, str]:
    if not auth:
        return {}
    if auth.lower().startswith("bearer "):
        return {"Authorization": auth}
    return {"Authorization": "Basic " + base64.b64encode(auth.encode()).decode()}


class _Pool(threading.local):
    """One keep-alive connection per host and thread (workers are single-threaded)."""

    def __init__(self) -> None:
        self.connections: dict[tuple[str, str], http.client.HTTPConnection] = {}


class _Digest:
    """HTTP Digest (RFC 7616, MD5, qop=auth) for ``user:password``: what Virtuoso's *-auth endpoints ask."""

    def __init__(self, auth: str) -> None:
        self.user, _, self.password = auth.partition(":")
        self.challenge: dict[str, str] = {}
        self.count = 0
        self._lock = threading.Lock()

    def learn(self, header: str) -> bool:
        """Keep a ``WWW-Authenticate: Digest …`` challenge; False when it is not one spkg can answer."""
        if not header.lower().startswith("digest "):
            return False
        fields = dict((k.lower(), v1 or v2) for k, v1, v2 in
                      re.findall(r'(\w+)\s*=\s*(?:"([^"]*)"|([^\s,]+))', header[7:]))
        if fields.get("algorithm", "MD5").upper() != "MD5" or "nonce" not in fields:
            return False
        with self._lock:
            self.challenge, self.count = fields, 0
        return True

    def header(self, method: str, target: str) -> dict[str, str]:
        with self._lock:
            if not self.challenge:
                return {}
            self.count += 1
            c, nc, cnonce = self.challenge, f"{self.count:08x}", os.urandom(8).hex()
        md5 = lambda text: hashlib.md5(text.encode()).hexdigest()  # noqa: E731 (RFC 7616's MD5)
        ha1, ha2 = md5(f"{self.user}:{c.get('realm', '')}:{self.password}"), md5(f"{method}:{target}")
        if "auth" in c.get("qop", "").split(","):
            response, qop = md5(f"{ha1}:{c['nonce']}:{nc}:{cnonce}:auth:{ha2}"), f', qop=auth, nc={nc}, cnonce="{cnonce}"'
        else:
            response, qop = md5(f"{ha1}:{c['nonce']}:{ha2}"), ""
        opaque = f', opaque="{c["opaque"]}"' if "opaque" in c else ""
        return {"Authorization": f'Digest username="{self.user}", realm="{c.get("realm", "")}", '
                                 f'nonce="{c["nonce"]}", uri="{target}", algorithm=MD5, response="{response}"'
                                 f"{qop}{opaque}"}


class _Http:
    def __init__(self, timeout: float, auth: str) -> None:
        self.timeout = timeout
        self.headers = {"User-Agent": "spkg", **_authorization(auth)}
        self._pool = _Pool()
        self._digest = _Digest(auth) if auth and ":" in auth and not auth.lower().startswith("bearer ") else None
        self.server = ""  # the Server header of the last answer (which engine it is)

    def _connection(self, scheme: str, netloc: str, timeout: float) -> tuple[http.client.HTTPConnection, bool]:
        key = (scheme, netloc)
        conn = self._pool.connections.get(key)
        if conn is not None:
            conn.timeout = timeout
            if conn.sock is not None:
                conn.sock.settimeout(timeout)
            return conn, True
        kind = http.client.HTTPSConnection if scheme == "https" else http.client.HTTPConnection
        conn = kind(netloc, timeout=timeout)
        self._pool.connections[key] = conn
        return conn, False

    def _forget(self, scheme: str, netloc: str) -> None:
        conn = self._pool.connections.pop((scheme, netloc), None)
        if conn is not None:
            conn.close()

    def request(self, method: str, url: str, *, body: bytes | None = None, content_type: str | None = None,
                accept: str | None = None, params: Mapping[str, str] | None = None,
                write: bool = False) -> tuple[int, str, bytes]:
        """(status, content type, body); network failures raised as StoreUnreachable / StoreTimeout.

        ``write``: an update or an upload, which gets :data:`WRITE_TIMEOUT` and
        a timeout message that says it may still be applied.
        """
        timeout = max(self.timeout, WRITE_TIMEOUT) if write else self.timeout
        parts = urlsplit(url)
        target = parts.path or "/"
        query = "&".join(q for q in (parts.query, urlencode(params or {})) if q)
        if query:
            target += "?" + query
        headers = dict(self.headers)
        if content_type:
            headers["Content-Type"] = content_type
        if accept:
            headers["Accept"] = accept
        # Digest answers only writes: on Virtuoso a query authenticated as spkg's user would see
        # the system graphs the anonymous reader does not.
        digest = self._digest if write else None
        if digest is not None and digest.challenge:
            headers.update(digest.header(method, target))
        challenged = False
        for attempt in (1, 2, 3, 4):
            conn, reused = self._connection(parts.scheme, parts.netloc, timeout)
            try:
                conn.request(method, target, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
            except TimeoutError:
                self._forget(parts.scheme, parts.netloc)
                if write:
                    raise StoreTimeout(f"the external store at {url} did not confirm a write within {timeout:g} s",
                                       hint="it may still apply it: check the store, then run the command again"
                                       ) from None
                raise StoreTimeout(f"the external store at {url} did not answer within {timeout:g} s",
                                   hint="try again later, or simplify the query") from None
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as e:
                self._forget(parts.scheme, parts.netloc)
                if reused and attempt < 4:
                    continue  # a kept-alive connection the store had closed: once more on a new one
                raise StoreUnreachable(f"the external store at {url} closed the connection ({e})",
                                       hint="check that it runs; spkg tries again on the next request") from None
            except http.client.HTTPException as e:
                self._forget(parts.scheme, parts.netloc)
                raise StoreBadAnswer(f"the external store at {url} sent a broken HTTP answer ({e!r})") from None
            except OSError as e:
                self._forget(parts.scheme, parts.netloc)
                raise StoreUnreachable(f"cannot reach the external store at {url}: {e.strerror or e}",
                                       hint="check that it runs and that the store_* settings point at it") from None
            if response.will_close:
                self._forget(parts.scheme, parts.netloc)
            self.server = response.getheader("Server") or ""
            if response.status == 401 and not challenged and digest is not None:
                challenge = response.getheader("WWW-Authenticate") or ""
                if not challenge and headers.get("Authorization", "").startswith("Basic "):
                    del headers["Authorization"]  # Virtuoso refuses Basic without saying what it wants: ask
                    continue
                if digest.learn(challenge):
                    challenged = True  # a digest challenge (new, or a stale nonce): answer it once
                    headers.update(digest.header(method, target))
                    continue
            return response.status, (response.getheader("Content-Type") or "").split(";")[0].strip().lower(), data
        raise AssertionError("unreachable")  # pragma: no cover

    def close(self) -> None:
        for key in list(self._pool.connections):
            self._forget(*key)


def _reachable(endpoint: str, timeout: float = 5.0) -> bool:
    """Whether a TCP connection to ``endpoint``'s host and port opens (what an engine's HTTP client needs first)."""
    parts = urlsplit(endpoint)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        with socket.create_connection((parts.hostname or "", port), timeout=timeout):
            return True
    except (OSError, ValueError):
        return False


def _text(data: bytes) -> str:
    text = " ".join(data[:_ERROR_TEXT * 2].decode("utf-8", "replace").split())
    return text[:_ERROR_TEXT] + ("…" if len(text) > _ERROR_TEXT else "")


def _fail(status: int, url: str, data: bytes, what: str) -> StoreError:
    """The error for a non-2xx answer that is not the query's own fault."""
    if status in (401, 403):
        return StoreUnreachable(f"the external store at {url} refused spkg's credentials ({status})",
                                hint="check the store_auth setting")
    if status == 404:
        return StoreUnreachable(f"no {what} endpoint at {url} (404)", hint="check the store_* URL settings")
    if status in (408, 504):
        return StoreTimeout(f"the external store at {url} timed out ({status}): {_text(data)}")
    return StoreUnreachable(f"the external store at {url} answered {status}: {_text(data)}",
                            hint="see the store's own log")


# -- terms and queries ------------------------------------------------------------------

def term(t) -> str:
    """A pyoxigraph term in SPARQL syntax (N-Triples syntax is valid SPARQL)."""
    try:
        return binding.term(t)
    except ValueError:
        raise StoreError("an external store cannot be asked about a blank node by its label") from None


def bind_values(sparql: str, substitutions: Mapping) -> str:
    """:func:`kg.sparql.binding.bind_values`; a query it cannot bind is the store's error here."""
    try:
        return binding.bind_values(sparql, substitutions)
    except ValueError as e:
        raise StoreError(str(e)) from None


def _form(sparql: str, default_graph, named_graphs) -> list[tuple[str, str]]:
    form = [("query", sparql)]
    if default_graph is None and named_graphs is None:
        return form
    dg, ng = list(default_graph or ()), list(named_graphs or ())
    # The protocol has no way to say "an empty default graph" but naming a graph that does not exist.
    form += [("default-graph-uri", g.value) for g in dg] or [("default-graph-uri", _EMPTY_GRAPH)]
    # Nor "no named graphs" (Virtuoso reads no named-graph-uri as all of them): the same way.
    form += [("named-graph-uri", g.value) for g in ng] or [("named-graph-uri", _EMPTY_GRAPH)]
    return form


_BLANK_LABEL = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]*")


def _relabel_blank_nodes(answer) -> bool:
    """Give blank nodes whose labels are not RDF's (Virtuoso's ``nodeID://b10003``) a label that is.

    The same label always becomes the same new one (``x`` and its UTF-8 in hex), so a store's
    blank node keeps one name across answers, as the dumps need. True if any label changed.
    """
    changed = False
    for row in (answer.get("results") or {}).get("bindings") or () if isinstance(answer, dict) else ():
        for value in row.values() if isinstance(row, dict) else ():
            if isinstance(value, dict) and value.get("type") == "bnode" and isinstance(value.get("value"), str) \
                    and not _BLANK_LABEL.fullmatch(value["value"]):
                value["value"] = "x" + value["value"].encode().hex()
                changed = True
    return changed


def _parse(status_url: str, content_type: str, data: bytes):
    """A query answer as pyoxigraph objects; what cannot be read is StoreBadAnswer."""
    try:
        if content_type in ("application/sparql-results+json", "application/json"):
            answer = json.loads(data)  # a cheap check that the whole answer is there before it is streamed on
            if b'"bnode"' in data and _relabel_blank_nodes(answer):
                data = json.dumps(answer).encode()
            return ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
        try:
            results_format = ox.QueryResultsFormat.from_media_type(content_type)
        except ValueError:
            results_format = None
        if results_format is not None:
            return ox.parse_query_results(data, format=results_format)
        rdf_format = ox.RdfFormat.from_media_type(content_type)
        return [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(data, format=rdf_format)]
    except (SyntaxError, ValueError) as e:
        raise StoreBadAnswer(f"the external store at {status_url} sent an answer spkg cannot read "
                             f"({content_type or 'no content type'}): {e}") from None


# -- the store ---------------------------------------------------------------------------

class RemoteStore:
    """The external store, with the part of :class:`pyoxigraph.Store`'s API spkg uses."""

    remote = True

    def __init__(self, endpoints: Endpoints) -> None:
        self.endpoints = endpoints
        self._http = _Http(endpoints.timeout, endpoints.auth)
        self._engine: engines.Engine | None = None

    @property
    def engine(self) -> engines.Engine:
        """The store's profile (:mod:`kg.store.engine`), from its first answer."""
        if self._engine is None:
            if not self._http.server:
                self.query("ASK {}")
            self._engine = engines.detect(self._http.server)
        return self._engine

    # reading ----------------------------------------------------------------------------

    def query(self, sparql: str, *, default_graph=None, named_graphs=None,
              use_default_graph_as_union: bool = True, substitutions: Mapping | None = None,
              base_iri: str | None = None):
        """Like :meth:`pyoxigraph.Store.query`, but the store's default graph is already the union.

        ``use_default_graph_as_union=False`` asks for the real default graph,
        which spkg leaves empty: sent as a dataset of one graph that does not
        exist (and so, by the protocol, no named graphs either).
        """
        if substitutions:
            sparql = bind_values(sparql, substitutions)
        if default_graph is None and named_graphs is None and not use_default_graph_as_union \
                and not sparql_guard.declares_dataset(sparql):
            default_graph = []  # the real default graph, which spkg leaves empty
        # Every engine refuses the same texts, with the embedded store's words (line, column).
        sparql_syntax.check(sparql)
        if default_graph is None and named_graphs is None and sparql_guard.declares_dataset(sparql):
            # A union-default-graph store may put its union above the query's own FROM
            # (Oxigraph does): the query's dataset goes with the request instead.
            dg, ng = sparql_guard.dataset_iris(sparql)
            default_graph, named_graphs = [ox.NamedNode(g) for g in dg], [ox.NamedNode(g) for g in ng]
        if default_graph is not None or named_graphs is not None:
            # The request's dataset replaces the query's own (the protocol's rule; Virtuoso adds them up).
            sparql = sparql_guard.without_dataset(sparql)
        url = self.endpoints.query
        accept = _ACCEPT
        form = sparql_guard.query_form(sparql)
        if form in ("CONSTRUCT", "DESCRIBE"):
            accept = self.engine.graph_accept or _ACCEPT
        if base_iri and not sparql_guard.declares_base(sparql):
            # Relative IRIs resolve against spkg's base, as on the embedded store (a store would use
            # its own endpoint's IRI, or keep them relative: Virtuoso). One line, so lines keep their numbers.
            sparql = f"BASE <{base_iri}> {sparql}"
        if form == "DESCRIBE":
            sparql = self.engine.describe_prelude + sparql
        def ask(text: str):
            return self._http.request("POST", url, body=urlencode(_form(text, default_graph, named_graphs)).encode(),
                                      content_type="application/x-www-form-urlencoded", accept=accept)

        status, content_type, data = ask(sparql)
        if self._engine is None and self._http.server:
            self._engine = engines.detect(self._http.server)
        if not 200 <= status < 300:
            quieter = self._silenced(sparql, data)
            if quieter is not None:
                status, content_type, data = ask(quieter)
        if status == 400:
            # The store refused the query text; the caller reports it as a syntax error.
            error = SyntaxError(_text(data))
            error.msg = _text(data)
            raise error
        if not 200 <= status < 300:
            raise _fail(status, url, data, "SPARQL query")
        return _parse(url, content_type, data)

    def _silenced(self, sparql: str, data: bytes) -> str | None:
        """The query again without its ``SERVICE SILENT`` clauses whose endpoint cannot be reached, when the
        engine failed the whole query for one (:attr:`Engine.service_unreachable`); None otherwise. A silent
        SERVICE that fails gives one empty solution, as the empty group ``{}`` does (SPARQL 1.1 Federated
        Query, 4): Virtuoso 7 stops the query instead."""
        marker = self.engine.service_unreachable
        if not marker or marker not in _text(data):
            return None
        spans = [(start, end) for start, end, iri in sparql_guard.silent_services(sparql) if not _reachable(iri)]
        return sparql_guard.without_spans(sparql, spans) if spans else None

    def quads_for_pattern(self, subject=None, predicate=None, object=None, graph_name=None) -> list[ox.Quad]:
        if isinstance(graph_name, ox.DefaultGraph):
            return []  # spkg keeps everything in named graphs; the store's default graph is their union
        s, p, o = (term(t) if t is not None else v for t, v in ((subject, "?s"), (predicate, "?p"), (object, "?o")))
        g = term(graph_name) if graph_name is not None else "?g"
        rows = self.query(f"SELECT * WHERE {{ GRAPH {g} {{ {s} {p} {o} }} }}")
        return [ox.Quad(subject if subject is not None else r["s"], predicate if predicate is not None else r["p"],
                        object if object is not None else r["o"], graph_name if graph_name is not None else r["g"])
                for r in rows]

    def contains_named_graph(self, graph: ox.NamedNode) -> bool:
        return bool(self.query(f"ASK {{ GRAPH {term(graph)} {{ ?s ?p ?o }} }}"))

    def named_graphs(self) -> Iterator[ox.NamedNode]:
        # GROUP BY, not DISTINCT: Virtuoso 7 takes minutes over this DISTINCT, milliseconds over this.
        for row in self.query("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"):
            if isinstance(row["g"], ox.NamedNode):
                yield row["g"]

    def __len__(self) -> int:
        row = next(iter(self.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")))
        return int(row["n"].value)

    # writing ----------------------------------------------------------------------------

    def update(self, sparql: str) -> None:
        """One SPARQL Update request: one transaction in the store."""
        url = self.endpoints.update
        if not url:
            raise StoreError("spkg cannot write to the external store: setting 'store_update_url' is empty",
                             hint="set store_update_url to the store's SPARQL Update endpoint")
        status, _, data = self._http.request("POST", url, body=sparql.encode("utf-8"),
                                             content_type="application/sparql-update", write=True)
        if status == 400:
            raise StoreBadAnswer(f"the external store at {url} refused spkg's update: {_text(data)}")
        if not 200 <= status < 300:
            raise _fail(status, url, data, "SPARQL Update")

    def post_graph(self, graph: str, ntriples: bytes) -> None:
        """Graph Store Protocol POST: merge N-Triples into ``graph``."""
        url = self.endpoints.graph_store
        status, _, data = self._http.request("POST", url, body=ntriples, content_type="application/n-triples",
                                             params={"graph": graph}, write=True)
        if not 200 <= status < 300:
            raise _fail(status, url, data, "Graph Store Protocol")

    def replace_graphs(self, graphs: Mapping[str, Iterable[ox.Triple] | None], *,
                       add: Mapping[str, Iterable[ox.Triple]] | None = None) -> None:
        """Replace each named graph with its triples (None: drop it), and insert ``add``'s triples into
        graphs otherwise kept, in one update request.

        On an engine that bounds one insert (:attr:`Engine.insert_triples`), more
        triples than that go in several requests, the drops with the first.
        """
        engine = self.engine
        inserted = [*graphs.items(), *(add or {}).items()]
        quads = [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(g))
                 for g, triples in inserted if triples is not None for t in triples]
        chunks = _chunks(quads, engine.batch(len(quads) or 1))
        parts = [f"DROP SILENT GRAPH <{g}>" for g in graphs]
        first = next(chunks, [])
        if first:
            parts.append(engine.insert(_blocks(first)))
        self.update(" ;\n".join(parts))
        for chunk in chunks:
            self.update(engine.insert(_blocks(chunk)))

    def load(self, quads: Iterable[ox.Quad], *, batch: int,
             say: Callable[[str], None] = lambda m: None) -> int:
        """Replace everything in the store with ``quads``; returns the number of requests sent.

        One update request (``DROP SILENT ALL`` and the data) when the data fits
        in ``batch`` triples and :data:`REQUEST_BYTES`: readers see the old dataset or the new one. A
        larger dataset goes in several requests (through the Graph Store
        Protocol when it is configured), cut only where no blank node spans
        two requests.
        """
        engine = self.engine
        chunks = _chunks(quads, engine.batch(batch))
        first = next(chunks, [])
        by_bytes = len(first) < engine.batch(batch)  # if there is more, the first request was cut at its bytes
        drop = ["DROP SILENT ALL"] if engine.drop_all else [
            f"DROP SILENT GRAPH {term(g)}" for g in self.named_graphs() if not engine.is_system_graph(g.value)]
        self.update(" ;\n".join(drop + ([engine.insert(_blocks(first))] if first else [])) or "DROP SILENT ALL")
        sent = 1
        for chunk in chunks:
            if sent == 1:
                limit = (f"what one request may carry ({REQUEST_BYTES >> 20} MiB)" if by_bytes
                         else f"store_batch_triples ({batch:,})" if engine.batch(batch) == batch
                         else f"what one request to {engine.name} may carry ({engine.batch(batch):,} triples)")
                say(f"the dataset is larger than {limit}: it goes to the external store "
                    "in several requests, and its readers see it partly loaded until the build ends")
            if self.endpoints.graph_store:
                for g, block in _by_graph(chunk):
                    self.post_graph(g, "".join(f"{q.subject} {q.predicate} {q.object} .\n"
                                               for q in block).encode("utf-8"))
            else:
                self.update(engine.insert(_blocks(chunk)))
            sent += 1
        return sent

    def close(self) -> None:
        self._http.close()


def _graph_block(graph: str, triples: Iterable) -> str:
    lines = "".join(f"  {t.subject} {t.predicate} {t.object} .\n" for t in triples)
    return f" GRAPH <{graph}> {{\n{lines} }}\n" if lines else ""


def _by_graph(quads: list[ox.Quad]) -> Iterator[tuple[str, list[ox.Quad]]]:
    """Runs of consecutive quads in the same graph."""
    run: list[ox.Quad] = []
    for q in quads:
        if run and q.graph_name != run[0].graph_name:
            yield run[0].graph_name.value, run
            run = []
        run.append(q)
    if run:
        yield run[0].graph_name.value, run


def _blocks(quads: list[ox.Quad]) -> str:
    return "".join(_graph_block(g, run) for g, run in _by_graph(quads))


def _chunks(quads: Iterable[ox.Quad], batch: int, max_bytes: int = REQUEST_BYTES) -> Iterator[list[ox.Quad]]:
    """Lists of at most ``batch`` quads and about ``max_bytes`` of N-Quads, except that a graph with
    blank nodes is never cut.

    Blank node labels are scoped to one request, so a graph is cut only while
    none of its quads so far had a blank node.
    """
    chunk: list[ox.Quad] = []
    size = 0
    graph, blank = None, False
    for q in quads:
        if q.graph_name != graph:
            graph, blank = q.graph_name, False
        line = len(str(q)) + 2
        if chunk and (len(chunk) >= batch or size + line > max_bytes) and not blank:
            yield chunk
            chunk, size = [], 0
        blank = blank or isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode)
        chunk.append(q)
        size += line
    if chunk:
        yield chunk


def check_union(store: RemoteStore) -> None:
    """ConfigError unless a query without a dataset sees the named graphs' triples."""
    if store.query("ASK { GRAPH ?g { ?s ?p ?o } }") and not store.query("ASK { ?s ?p ?o }"):
        raise ConfigError(
            "the external store does not query the union of its named graphs by default",
            hint=store.engine.union_hint)


class ExternalStore(StoreAdapter):
    """The :class:`~kg.store.base.Store` interface over an external SPARQL 1.1 store (``settings.store_url``)."""

    def __init__(self, settings) -> None:
        if read_manifest(settings) is None:
            raise StoreError(f"spkg has not built its dataset in the external store at {settings.store_url}",
                             hint="run `kg build` first")
        self.client = RemoteStore(Endpoints.of(settings))
        self._store = self.client  # type: ignore[assignment]
        self.url = settings.store_url

    def close(self) -> None:
        self.client.close()
        super().close()

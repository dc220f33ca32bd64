"""Test stores and servers for the HTTP tests (tests/endpoint/ and friends).

The store is made by hand (pyoxigraph), not by ``kg build``: three small named
graphs with the values that must survive every route (a French and a Chinese
label, typed literals, an IRI with non-ASCII letters), and a ``big`` graph of
numbered nodes for heavy and large queries. The ``kg_store`` fixture
(tests/endpoint/conftest.py) is :func:`make_store`, once per session.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import external
import pyoxigraph as ox
from waiting import wait_until

from kg.config import Settings

EX = "http://example.org/"
G1, G2, G3, BIG = (f"{EX}graph/{n}" for n in ("one", "two", "three", "big"))
BIG_SIZE = 2000

DATA = f"""
@prefix ex: <{EX}> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

<{G1}> {{
  ex:geneva a ex:City ;
    rdfs:label "Genève"@fr , "Geneva"@en ;
    ex:population "203856"^^xsd:integer ;
    ex:area "15.93"^^xsd:decimal ;
    ex:founded "0058-01-01"^^xsd:date .
}}
<{G2}> {{
  ex:beijing a ex:City ;
    rdfs:label "北京"@zh , "Beijing"@en ;
    ex:population "21540000"^^xsd:integer ;
    ex:code "CN-11"^^ex:isoCode ;
    ex:note "two\\nlines, a \\"quote\\", a tab\\t and a comma" ;
    ex:twin ex:geneva .
}}
<{G3}> {{
  ex:ilo rdfs:label "Organisation internationale du Travail"@fr ;
    ex:seat ex:geneva .
  <{EX}ville/Zürich> rdfs:label "Zürich"@de .
}}
"""

# A query that never ends on BIG (8e9 combinations): for time budgets.
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
LIGHT = f"SELECT ?label WHERE {{ <{EX}geneva> <http://www.w3.org/2000/01/rdf-schema#label> ?label }}"


def make_store(path: Path, big: int = BIG_SIZE, *, session: bool = False) -> Path:
    """A persistent store at ``path`` with DATA and ``big`` numbered triples; closed again.

    In an external-store run the same data also goes to the Oxigraph server
    standing for ``path`` (tests/support/external.py), with a build manifest beside it.
    """
    memory = ox.Store()
    memory.load(DATA, format=ox.RdfFormat.TRIG)
    value = ox.NamedNode(f"{EX}value")
    memory.extend(ox.Quad(ox.NamedNode(f"{EX}n/{i}"), value, ox.Literal(str(i), datatype=ox.NamedNode(
        "http://www.w3.org/2001/XMLSchema#integer")), ox.NamedNode(BIG)) for i in range(big))
    return make_store_from(path, memory, session=session)


def make_store_from(path: Path, data: str | ox.Store, *, session: bool = False) -> Path:
    """A persistent store at ``path`` holding ``data`` (TriG text, or the quads of a store); closed again.

    The same mechanism as :func:`make_store`, for a test's own data: in an
    external-store run the quads also go to the Oxigraph server standing for
    ``path``, with a build manifest beside it. ``session``: that server lives
    until the end of the session, not just the current test (for a fixture
    wider than one test).
    """
    if isinstance(data, str):
        memory = ox.Store()
        memory.load(data, format=ox.RdfFormat.TRIG)
    else:
        memory = data
    if external.ENABLED:
        _load_external(path, memory, session=session)
    store = ox.Store(str(path))
    store.extend(memory)
    store.flush()
    del store
    return path


def reference_store() -> ox.Store:
    """The same small data in memory, to compare answers with."""
    store = ox.Store()
    store.load(DATA, format=ox.RdfFormat.TRIG)
    return store


def _load_external(path: Path, memory: ox.Store, *, session: bool) -> None:
    from kg.store import remote

    urls = external.store_settings(path, session=session)
    client = remote.RemoteStore(remote.Endpoints(urls["store_url"], urls["store_update_url"],
                                                 auth=urls.get("store_auth", "")))
    client.load(memory.quads_for_pattern(None, None, None, None), batch=10**9)
    client.close()
    graphs: dict[str, int] = {}
    for q in memory:
        graphs[q.graph_name.value] = graphs.get(q.graph_name.value, 0) + 1
    manifest = path.with_name("build.json" if path.name == "store" else f"{path.name}.build.json")
    manifest.write_text(json.dumps({"built_at": "2026-01-01T00:00:00+00:00", "content_hash": "sha256:" + "0" * 64,
                                    "base": "https://w3id.org/spkg/", "triples": len(memory), "graphs": graphs}))


def test_settings(store: Path, **changes) -> Settings:
    values = dict(store_path=str(store), workers=2, query_timeout=20.0, result_limit=100000,
                  **external.store_settings(store))
    values.update(changes)
    return Settings(**values)


test_settings.__test__ = False  # not a test


# -- a real server in a thread -------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def live_server(app, **options) -> Iterator[str]:
    """Serve ``app`` with uvicorn on a free 127.0.0.1 port in a thread; yield the base URL.

    ``options`` go to ``uvicorn.Config`` over the defaults (e.g. ``http=`` a protocol class).
    """
    import uvicorn

    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, **{"log_level": "warning", "access_log": False, "lifespan": "on",
                                    "timeout_graceful_shutdown": 2, **options})
    server = uvicorn.Server(config)
    thread = threading.Thread(target=lambda: asyncio.run(server.serve(sockets=[sock])), daemon=True)
    thread.start()

    def started() -> bool:
        if not thread.is_alive():
            raise RuntimeError("the test server's thread ended before it started")
        return server.started

    try:
        wait_until(started, interval=0.02, what="the test server (uvicorn in a thread) to start")
    except BaseException:
        server.should_exit = True
        sock.close()
        raise
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(15)
        sock.close()


def worker_pids() -> set[int]:
    """Query worker processes that are children of this process."""
    me = os.getpid()
    pids = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            if ppid != me:
                continue
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                if b"kg.query.workers" in f.read():
                    pids.add(int(entry))
        except (OSError, IndexError, ValueError):
            continue
    return pids


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def rss_mb(pids) -> float:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def process_tree(pid: int) -> set[int]:
    """``pid`` and all its descendants."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry))
            except (OSError, IndexError, ValueError):
                pass
    out, todo = set(), [pid]
    while todo:
        p = todo.pop()
        out.add(p)
        todo.extend(children.get(p, []))
    return out

"""spkg on an external SPARQL store: a real Oxigraph server started on 127.0.0.1 by the tests.

Whatever store the rest of the suite runs on, these tests always use an
external one: every feature end to end on it (endpoint, pages, canned
queries, dumps, ingest, partner contributions), its failures (down, slow,
garbage) answered with 502/504 and recovered from, and two replicas over one
store answering alike.
"""

from __future__ import annotations

import gzip
import http.server
import shutil
import threading
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
import corpus
from fixture_project import FIXTURE, GRAPH_COUNTS, TOTAL, VIOLATING, write
from waiting import wait_until
from warmer import watch_warmer
from external import free_port, start_oxigraph
from fastapi.testclient import TestClient

from kg import config
from kg.publish import dumps
from kg import store
from kg.store import remote
from kg.write.build import build
from kg.write import tokens
from kg.errors import (
    ConfigError,
    StoreBadAnswer,
    StoreError,
    StoreTimeout,
    StoreUnreachable,
    ValidationFailed,
)
from kg.web.app import create_app
from kg.ingest import batch

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
RECORDS = Path(__file__).resolve().parents[1] / "fixtures" / "records"
BASE = config.DEFAULT_BASE
SEED = f"{BASE}id/outcome/chn302-2021-07-16"
KG = f"{BASE}def/kg#"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
OUTCOMES = f"SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE {{ ?o a <{KG}Outcome> }}"


@pytest.fixture
def oxigraph(tmp_path):
    server = start_oxigraph(tmp_path / "oxigraph")
    yield server
    server.stop()


def settings_on(project: Path, server, **changes) -> config.Settings:
    return config.load_settings(environ={}, project_dir=str(project), **{**server.settings, **changes})


def count(s: store.Store, query: str = COUNT) -> int:
    return int(next(iter(s.query(query)))["n"].value)


@pytest.fixture
def small(tmp_path, oxigraph) -> config.Settings:
    """The hand-counted fixture project, built into the Oxigraph server."""
    project = tmp_path / "project"
    shutil.copytree(FIXTURE, project)
    s = settings_on(project, oxigraph)
    build(s)
    return s


@pytest.fixture
def real(tmp_path, oxigraph) -> config.Settings:
    """spkg's own ontology, shapes and data, built into the Oxigraph server."""
    project = tmp_path / "real"
    for folder in ("ontology", "shapes", "data", "queries"):
        shutil.copytree(ROOT / folder, project / folder, ignore=shutil.ignore_patterns("sources"))
    s = settings_on(project, oxigraph, workers=2, query_timeout=20.0)
    build(s, validate=False)
    return s


# -- build ---------------------------------------------------------------------------------

def test_build_loads_every_graph_into_the_server(small):
    with store.open_store(small) as s:
        assert s.graph_counts() == GRAPH_COUNTS
        assert count(s) == TOTAL
    manifest = store.read_manifest(small)
    assert manifest["triples"] == TOTAL and manifest["store"] == small.store_url
    assert not small.store_dir.exists()  # nothing embedded was made


def test_a_failed_build_leaves_the_server_as_it_was(small):
    write(small.root, "data/bad.ttl", VIOLATING)
    before = store.read_manifest(small)
    with pytest.raises(ValidationFailed):
        build(small)
    with store.open_store(small) as s:
        assert count(s) == TOTAL
    assert store.read_manifest(small) == before


def test_a_rebuild_replaces_what_the_server_held(small):
    (small.root / "data" / "organizations.ttl").unlink()
    build(small, validate=False)
    with store.open_store(small) as s:
        assert f"{BASE}graph/data/organizations" not in s.named_graphs()
        assert count(s) == TOTAL - GRAPH_COUNTS[f"{BASE}graph/data/organizations"]


@pytest.mark.parametrize("graph_store", [True, False], ids=["graph-store-protocol", "update-only"])
def test_a_build_in_many_requests_keeps_blank_nodes_whole(tmp_path, oxigraph, graph_store):
    project = tmp_path / "project"
    shutil.copytree(FIXTURE, project)
    changes = {"store_batch_triples": 7} if graph_store else {"store_batch_triples": 7, "store_graph_store_url": ""}
    s = settings_on(project, oxigraph, **changes)
    build(s)
    with store.open_store(s) as st:
        assert st.graph_counts() == GRAPH_COUNTS
        # The one anonymous property shape of shapes/core.ttl still has its path and its minCount.
        rows = list(st.query("PREFIX sh: <http://www.w3.org/ns/shacl#> SELECT ?path WHERE "
                             "{ ?shape sh:property ?p . FILTER isBlank(?p) ?p sh:path ?path ; sh:minCount 1 }"))
        assert len(rows) == 1


def test_a_store_without_a_union_default_graph_is_refused_with_what_to_set(tmp_path):
    server = start_oxigraph(union=False)
    try:
        project = tmp_path / "project"
        shutil.copytree(FIXTURE, project)
        with pytest.raises(ConfigError) as e:
            build(settings_on(project, server))
        assert "union" in e.value.message and "--union-default-graph" in e.value.hint
        assert store.read_manifest(settings_on(project, server)) is None
    finally:
        server.stop()


def test_writes_without_an_update_endpoint_say_which_setting_is_missing(small):
    s = config.Settings(**{**small.__dict__, "store_update_url": ""})
    with pytest.raises(StoreError) as e:
        build(s)
    assert "store_update_url" in str(e.value)


# -- every feature on the external store -------------------------------------------------

def test_endpoint_pages_canned_queries_and_dumps(real):
    manifest = store.read_manifest(real)
    with TestClient(create_app(real)) as client:
        r = client.get("/sparql", params={"query": COUNT}, headers={"accept": "application/sparql-results+json"})
        assert r.status_code == 200, r.text
        assert int(r.json()["results"]["bindings"][0]["n"]["value"]) == manifest["triples"]
        # The query's own FROM is honoured on a union-default-graph store.
        q = f"SELECT (COUNT(*) AS ?n) FROM <{BASE}graph/data/organizations> WHERE {{ ?s ?p ?o }}"
        r = client.get("/sparql", params={"query": q}, headers={"accept": "application/sparql-results+json"})
        assert int(r.json()["results"]["bindings"][0]["n"]["value"]) == manifest["graphs"][f"{BASE}graph/data/organizations"]

        page = client.get("/doc/outcome/chn302-2021-07-16")
        assert page.status_code == 200 and "Guiding Opinions" in page.text and "CHN302" in page.text
        assert client.get("/id/outcome/chn302-2021-07-16", follow_redirects=False).status_code == 303

        r = client.get("/api/queries/list-outcomes-by-sdg-target", params={"target": "1.3"})
        assert r.status_code == 200, r.text
        outcomes = [row["outcome"] for row in r.json()["rows"]]  # the corpus's three records that list 1.3
        assert SEED in outcomes and len(outcomes) == corpus.with_target("1.3")
        r = client.get("/api/queries/list-outcomes-by-sdg-target", params={"target": "8.5"})
        assert r.json()["rows"] == []

    written = dumps.write(real)
    nq = next(f for f in written["files"] if f["latest"] == "spkg.nq.gz")
    with gzip.open(real.dumps_dir / nq["name"], "rb") as f:
        quads = list(ox.parse(f, format=ox.RdfFormat.N_QUADS))
    assert len(quads) == manifest["triples"]


def test_ingest_writes_records_into_the_server(real):
    with store.open_store(real) as s:
        before = count(s, OUTCOMES)
    report = batch.ingest([RECORDS / "khm-step1-no-themes.txt"], real)
    assert report.store == "updated" and report.invalid == []
    with store.open_store(real) as s:
        assert count(s, OUTCOMES) == before + 1
        assert count(s) == store.read_manifest(real)["triples"]
        assert f"{BASE}graph/data/outcome-khm104-2021-03-15" in s.named_graphs()


def test_a_partner_pushes_a_graph_sees_it_rejected_served_and_removed(real):
    token = tokens.add(real, "ilo-geneva", f"{BASE}graph/partner/ilo-geneva/")[1]
    graph = f"{BASE}graph/partner/ilo-geneva/notes"
    auth = {"authorization": f"Bearer {token}", "content-type": "text/turtle"}
    note = f'<{SEED}> <http://www.w3.org/2000/01/rdf-schema#comment> "Checked by ILO Geneva."@en .\n'
    bad = f'<{SEED}> <{KG}cpoCode> "CHN30" .\n'
    ask = f'ASK {{ GRAPH <{graph}> {{ <{SEED}> ?p "Checked by ILO Geneva."@en }} }}'
    with TestClient(create_app(real)) as client:
        assert client.put("/graphs", params={"graph": graph}, content=note, headers=auth).status_code == 201
        assert client.get("/sparql", params={"query": ask}, headers={"accept": "application/sparql-results+json"}
                          ).json()["boolean"] is True
        r = client.put("/graphs", params={"graph": graph}, content=bad, headers=auth)
        assert r.status_code == 422 and "cpoCode" in r.text
        assert "Checked by ILO Geneva." in client.get("/graphs", params={"graph": graph},
                                                      headers={"accept": "text/turtle"}).text
        assert client.delete("/graphs", params={"graph": graph}, headers=auth).status_code == 204
        assert client.get("/graphs", params={"graph": graph}).status_code == 404
        audit = client.get("/graphs", params={"graph": f"{BASE}graph/audit"}, headers={"accept": "text/turtle"}).text
        assert audit.count("prov:Activity") + audit.count("<http://www.w3.org/ns/prov#Activity>") >= 2


# -- failures of the external store ----------------------------------------------------

SLOW_STORE = 10.0  # seconds the slow fake store takes to answer
LATE_STORE = 2.0  # seconds the late fake store takes to answer rightly


class _Fake(http.server.BaseHTTPRequestHandler):
    """A "store" that answers garbage or nothing in time, or a right answer late."""

    mode = "garbage"

    def do_POST(self):
        self.rfile.read(int(self.headers.get("content-length", 0)))
        if self.mode == "slow":
            time.sleep(SLOW_STORE)  # the point: a store that takes longer than the time budget
        if self.mode == "late":  # a right answer, later than a visitor's budget
            time.sleep(LATE_STORE)
            body = b'{"head": {}, "boolean": true}'
        else:
            body = b'{"head": {"vars": ["n"]}, "results": {"bindings": [ {"n": '
        try:
            self.send_response(200)
            self.send_header("content-type", "application/sparql-results+json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            pass

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_store():
    servers = []

    def start(mode: str) -> str:
        handler = type("Handler", (_Fake,), {"mode": mode})
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/query"

    yield start
    for s in servers:
        s.shutdown()
        s.server_close()


def _point_at(real: config.Settings, url: str, **changes) -> config.Settings:
    return config.Settings(**{**real.__dict__, "store_url": url, **changes})


def test_a_store_that_answers_garbage_gets_502(real, fake_store):
    s = _point_at(real, fake_store("garbage"))
    with TestClient(create_app(s)) as client:
        r = client.get("/sparql", params={"query": COUNT})
        assert r.status_code == 502 and "cannot read" in r.json()["error"]
        assert client.get("/doc/outcome/chn302-2021-07-16").status_code == 502
    with pytest.raises(StoreBadAnswer):
        remote.RemoteStore(remote.Endpoints(s.store_url)).query(COUNT)


def test_a_slow_store_gets_504_within_the_time_budget(real, fake_store):
    s = _point_at(real, fake_store("slow"), query_timeout=1.0)
    with TestClient(create_app(s)) as client:
        started = time.monotonic()
        r = client.get("/sparql", params={"query": COUNT})
        assert r.status_code == 504, r.text
        # within the 1 s budget (and its 2 s backstop), long before the store would answer; room for a loaded machine
        assert time.monotonic() - started < SLOW_STORE / 2
        assert client.app.spkg.executor.alive == s.workers  # no worker left hanging
    with pytest.raises(StoreTimeout):
        remote.RemoteStore(remote.Endpoints(s.store_url, timeout=0.5)).query(COUNT)


def test_a_builds_and_a_writes_own_queries_wait_as_long_as_a_write_not_a_visitors_budget(real, fake_store):
    """The entailments' CONSTRUCTs read the whole store: on Virtuoso at 10,000 outcomes, on a busy
    machine, longer than the 30 s a visitor's query gets, and the build failed."""
    s = _point_at(real, fake_store("late"), query_timeout=0.5)
    with pytest.raises(StoreTimeout):
        remote.RemoteStore(remote.Endpoints.of(s)).query("ASK {}")
    assert remote.Endpoints.of(s, work=True).timeout == remote.WRITE_TIMEOUT
    assert remote.RemoteStore(remote.Endpoints.of(s, work=True)).query("ASK {}")


def test_a_store_that_goes_down_gets_502_and_recovers_when_it_returns(tmp_path, monkeypatch):
    port = free_port()
    server = start_oxigraph(tmp_path / "db", port=port)
    project = tmp_path / "project"
    shutil.copytree(FIXTURE, project)
    s = settings_on(project, server, workers=1)
    build(s)
    warmed = watch_warmer(monkeypatch)
    try:
        with TestClient(create_app(s)) as client:
            assert client.get("/sparql", params={"query": COUNT}).status_code == 200
            assert client.get("/-/health").json()["store"]["reachable"] is True
            # The page warmer renders the index pages into the cache at start-up; let it finish
            # before the store goes, so that what the pages ask the store below is known.
            wait_until(warmed.is_set, timeout=60, what="the page warmer to finish at start-up")
            server.stop()
            assert client.get("/-/health").status_code == 502
            r = client.get("/sparql", params={"query": COUNT})
            assert r.status_code == 502 and "cannot reach" in r.json()["error"], r.text
            # Pages that go to the store: a resource page and a filtered list are never kept in the cache.
            # (/outcomes itself was rendered by the warmer: that copy may be served while the store is down.)
            assert client.get("/doc/outcome/chn302-2020").status_code == 502
            assert client.get("/outcomes", params={"year": "2020"}).status_code == 502
            server = start_oxigraph(tmp_path / "db", port=port)  # back, with its data
            r = client.get("/sparql", params={"query": COUNT}, headers={"accept": "text/csv"})
            assert r.status_code == 200 and r.text.split()[-1] == str(TOTAL)
    finally:
        server.stop()
    with pytest.raises(StoreUnreachable):
        remote.RemoteStore(remote.Endpoints(s.store_url)).query(COUNT)


# -- replicas --------------------------------------------------------------------------

def test_two_replicas_over_one_store_answer_alike_after_a_write(real):
    token = tokens.add(real, "ilo-geneva", f"{BASE}graph/partner/ilo-geneva/")[1]
    graph = f"{BASE}graph/partner/ilo-geneva/notes"
    q = f'SELECT ?c WHERE {{ <{SEED}> <http://www.w3.org/2000/01/rdf-schema#comment> ?c }}'
    accept = {"accept": "text/csv"}
    with TestClient(create_app(real)) as a, TestClient(create_app(real)) as b:
        first = [c.get("/sparql", params={"query": q}, headers=accept) for c in (a, b)]
        assert first[0].text == first[1].text and first[0].headers["etag"] == first[1].headers["etag"]
        r = a.put("/graphs", params={"graph": graph}, content=f'<{SEED}> <http://www.w3.org/2000/01/rdf-schema#comment> "via A"@en .',
                  headers={"authorization": f"Bearer {token}", "content-type": "text/turtle"})
        assert r.status_code == 201
        after = [c.get("/sparql", params={"query": q}, headers=accept) for c in (a, b)]
        assert [r.text.split("\r\n")[1] for r in after] == ["via A", "via A"]
        assert after[0].headers["etag"] == after[1].headers["etag"] != first[0].headers["etag"]

"""`kg.web.server.serve` for real: a subprocess on a free 127.0.0.1 port, several HTTP
processes, each with its query workers. Time budget, light-while-heavy, streaming and
memory, clean shutdown."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from http_fixtures import (  # noqa: F401
    BIG, CARTESIAN, EX, LIGHT, alive, free_port, kg_store, process_tree, rss_mb)

from kg.config import load_settings
from kg.web.server import environment, uvicorn_options

pytestmark = pytest.mark.slow
SRC = str(Path(__file__).resolve().parents[2] / "src")


@pytest.fixture(scope="module")
def served(kg_store, tmp_path_factory):
    """`serve()` in a subprocess: 2 HTTP processes x 2 query workers, a 5 s budget."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", "")}
    for key in list(env):
        if key.startswith("KG_"):
            del env[key]
    env.update(KG_STORE_PATH=str(kg_store), KG_PORT=str(port), KG_HTTP_WORKERS="2", KG_WORKERS="2",
               KG_QUERY_TIMEOUT="5", KG_RESULT_LIMIT="2000000")
    code = ("from kg.config import load_settings; from kg.web.server import serve; "
            "serve(load_settings(), log_level='warning')")
    started = time.monotonic()
    # The output goes to a file: a pipe nobody reads would fill with the query log and stall the server.
    output = tmp_path_factory.mktemp("serve") / "output.log"
    proc = subprocess.Popen([sys.executable, "-c", code], env=env, stdout=output.open("wb"), stderr=subprocess.STDOUT)
    proc.output = output
    url = f"http://127.0.0.1:{port}"
    while True:
        try:
            if httpx.post(f"{url}/sparql", data={"query": "ASK {}"}, timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() - started > 30:
            proc.kill()
            raise RuntimeError(f"kg serve did not start: {output.read_text()}")
        time.sleep(0.05)
    startup = time.monotonic() - started
    try:
        yield url, proc, startup
    finally:
        tree = process_tree(proc.pid)
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
        deadline = time.monotonic() + 10
        while any(alive(p) for p in tree) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(alive(p) for p in tree), "processes left after shutdown"


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:  # the process ended meanwhile
        return b""


def test_starts_quickly_with_several_processes(served):
    url, proc, startup = served
    assert startup < 15  # the target is < 5 s; this only catches a hang
    # The first answer may come before the second HTTP process has started its workers.
    deadline = time.monotonic() + 15
    while True:
        workers = [p for p in process_tree(proc.pid) if b"kg.query.workers" in _cmdline(p)]
        if len(workers) >= 4 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert len(workers) == 4  # 2 HTTP processes x 2 query workers
    health = httpx.get(f"{url}/-/health").json()
    assert health["ok"] is True and health["workers"]["alive"] == 2


def test_timeout_stops_a_heavy_query_while_light_ones_are_answered(served):
    url, proc, _ = served
    heavy: dict = {}

    def run_heavy() -> None:
        t = time.monotonic()
        r = httpx.post(f"{url}/sparql", data={"query": CARTESIAN}, timeout=60)
        heavy.update(status=r.status_code, body=r.json(), seconds=time.monotonic() - t)

    before = process_tree(proc.pid)
    thread = threading.Thread(target=run_heavy)
    thread.start()
    time.sleep(0.3)
    with httpx.Client(timeout=10) as client:
        while thread.is_alive():
            t = time.monotonic()
            r = client.get(f"{url}/sparql", params={"query": LIGHT})
            assert r.status_code == 200 and len(r.json()["results"]["bindings"]) == 2
            assert time.monotonic() - t < 2.0
            time.sleep(0.1)
    thread.join()
    assert heavy["status"] == 503
    assert heavy["body"]["title"] == "query timeout" and "more than 5 s" in heavy["body"]["error"]
    assert heavy["seconds"] < 15
    time.sleep(0.5)
    assert len(before - process_tree(proc.pid)) == 1  # the worker that ran it was killed (and replaced)


def test_large_results_stream_with_flat_memory(served):
    url, proc, _ = served
    query = (f"SELECT ?a ?x ?b ?y WHERE {{ GRAPH <{BIG}> {{ ?a <{EX}value> ?x . ?b <{EX}value> ?y }} "
             f"FILTER(?y < 300) }}")
    baseline = rss_mb(process_tree(proc.pid))
    peak, size, rows = baseline, 0, 0
    with httpx.stream("POST", f"{url}/sparql", data={"query": query},
                      headers={"accept": "text/tab-separated-values"}, timeout=60) as r:
        assert r.status_code == 200
        assert "content-length" not in r.headers and r.headers.get("transfer-encoding") == "chunked"
        tail = b""
        for i, chunk in enumerate(r.iter_raw(65536)):
            size += len(chunk)
            rows += chunk.count(b"\n")
            tail = (tail + chunk)[-64:]
            if i % 50 == 0:
                peak = max(peak, rss_mb(process_tree(proc.pid)))
                time.sleep(0.002)  # a reader slower than the server
    assert rows == 2000 * 300 + 1 and size > 30_000_000
    print(f"streamed {size >> 20} MB; RSS {baseline:.0f} -> {peak:.0f} MB")
    assert peak - baseline < 20, f"RSS grew from {baseline:.0f} MB to {peak:.0f} MB while streaming {size >> 20} MB"


def test_serve_refuses_without_a_store(tmp_path):
    from kg.errors import StoreError
    from kg.web.server import serve

    with pytest.raises(StoreError, match="kg build"):
        serve(load_settings({}, store_path=str(tmp_path / "none")))


def test_settings_reach_the_http_processes_through_the_environment(tmp_path):
    settings = load_settings({}, project_dir=str(tmp_path), store_path="x/store", workers=3, query_timeout=2.5,
                             service_allowlist="http://a.example/ http://b.example/sparql", port=8123)
    again = load_settings(environment(settings))
    assert again.store_dir == settings.store_dir and again.workers == 3 and again.query_timeout == 2.5
    assert again.allowlist == settings.allowlist and again.port == 8123
    options = uvicorn_options(settings)
    assert options["factory"] is True and options["workers"] == settings.http_workers
    assert options["access_log"] is False and json.dumps(options)


def test_every_query_is_one_json_line_in_the_query_log(served):
    url, proc, _ = served
    marker = "SELECT (COUNT(*) AS ?querylog) WHERE { ?s ?p ?o }"
    assert httpx.post(f"{url}/sparql", data={"query": marker}, timeout=30).status_code == 200
    deadline = time.monotonic() + 10
    entries: list[dict] = []
    while time.monotonic() < deadline:
        entries = []
        for line in proc.output.read_text().splitlines():
            if line.startswith("{"):
                entries.append(json.loads(line))
        if any(e.get("query_length") == len(marker) for e in entries):
            break
        time.sleep(0.1)
    entry = next(e for e in entries if e.get("query_length") == len(marker))
    assert entry["route"] == "/sparql" and entry["status"] == 200 and entry["rows"] == 1
    assert "query" not in entry  # the text only with log_query_text

"""Graceful shutdown of a real `kg serve`: SIGTERM while a slow query runs in a query worker.

Promised: new connections are refused at once; the query in flight finishes and its
answer arrives whole; then `kg serve` exits 0 and no process of it is left. A query
still running when ``shutdown_grace`` is over is cut, and the server exits all the same.
"""

from __future__ import annotations

import signal
import socket
import threading
import time

import httpx
import pytest
from fault_helpers import Served, descendants, gone
from http_fixtures import BIG, CARTESIAN, make_store
from waiting import WaitTimeout, wait_until

pytestmark = [pytest.mark.slow, pytest.mark.embedded]

N = 4500  # numbered triples: the slow query counts N * N pairs, a few seconds' work
SLOW = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{BIG}> {{ ?a ?b ?c }} GRAPH <{BIG}> {{ ?d ?e ?f }} }}"


@pytest.fixture(scope="module")
def slow_store(tmp_path_factory):
    return make_store(tmp_path_factory.mktemp("shutdown") / "store", big=N)


def _ask(url: str, query: str, into: dict) -> None:
    try:
        r = httpx.post(f"{url}/sparql", data={"query": query}, timeout=60,
                       headers={"accept": "application/sparql-results+json"})
        into.update(status=r.status_code, body=r.text, at=time.monotonic())
    except httpx.HTTPError as e:
        into.update(error=e, at=time.monotonic())


def _running(served: Served) -> None:
    """Wait until a query worker is busy, i.e. the query is in flight inside a worker."""
    wait_until(lambda: httpx.get(f"{served.url}/-/health", timeout=10).json()["workers"]["idle"] == 0,
               interval=0.02, what="the slow query to reach a query worker")


def _refused(port: int, within: float = 10) -> float | None:
    """When a new connection to ``port`` was first refused (None: never, within ``within`` s)."""
    def refused_now() -> float | None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
        except ConnectionRefusedError:
            return time.monotonic()
        except OSError:
            pass
        return None

    try:
        return wait_until(refused_now, timeout=within, interval=0.01, what=f"port {port} to refuse connections")
    except WaitTimeout:
        return None


@pytest.mark.parametrize("http_workers", [1, 2])
def test_sigterm_lets_the_query_in_flight_finish_refuses_new_ones_and_exits_0(slow_store, tmp_path,
                                                                                http_workers):
    served = Served(tmp_path, store_path=slow_store, query_timeout=60, shutdown_grace=30,
                    http_workers=http_workers)
    answer: dict = {}
    thread = threading.Thread(target=_ask, args=(served.url, SLOW, answer))
    thread.start()
    _running(served)
    tree = descendants(served.proc.pid)

    sent = time.monotonic()
    served.proc.send_signal(signal.SIGTERM)
    refused = _refused(served.port)
    thread.join(60)

    assert refused is not None, "new connections were still accepted after SIGTERM"
    assert "at" in answer and refused < answer["at"], "the query was not in flight when connections were refused"
    assert answer.get("status") == 200, answer
    assert httpx.Response(200, text=answer["body"]).json()["results"]["bindings"][0]["n"]["value"] == str(N * N)
    assert served.proc.wait(30) == 0
    assert time.monotonic() - sent < 30
    assert gone(tree), "worker processes left after kg serve exited"


def test_a_query_still_running_when_the_grace_is_over_is_cut(slow_store, tmp_path):
    served = Served(tmp_path, store_path=slow_store, query_timeout=60, shutdown_grace=1)
    answer: dict = {}
    thread = threading.Thread(target=_ask, args=(served.url, CARTESIAN, answer))  # never ends on its own
    thread.start()
    _running(served)
    tree = descendants(served.proc.pid)

    sent = time.monotonic()
    served.proc.send_signal(signal.SIGTERM)
    assert served.proc.wait(20) == 0
    assert time.monotonic() - sent < 10  # the grace (1 s) and the workers' stop, not the query's 60 s
    thread.join(10)
    assert answer.get("status") != 200
    assert gone(tree), "worker processes left after kg serve exited"

"""Per-client query-time budgets (kg.query.budget): 429 with Retry-After for the client over it, nobody else.

Time is a fake clock, never a sleep. Clients are told apart by address; in
process the address comes from ``X-Forwarded-For`` through uvicorn's own
proxy-headers middleware, which is what `kg serve` runs behind a proxy.
"""

from __future__ import annotations

import httpx
import pytest
from fastapi.testclient import TestClient
from http_fixtures import live_server
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from kg.query import budget
from kg.errors import BudgetExceeded, QueryTimeout, ServerBusy
from kg.config import load_settings
from kg.web.app import create_app

A, B = "192.0.2.1", "192.0.2.2"
ASK = "ASK { ?s ?p ?o }"
JSON = {"accept": "application/sparql-results+json"}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def over(b: budget.Budget, client: str) -> BudgetExceeded:
    with pytest.raises(BudgetExceeded) as caught:
        b.admit(client)
    return caught.value


# -- the accounting ----------------------------------------------------------------------

def test_a_client_over_budget_is_refused_and_another_is_not() -> None:
    b = budget.Budget(10, clock=Clock())
    b.admit(A).settle(12.0)
    assert over(b, A).status == 429
    b.admit(B).settle(0.5)


def test_retry_after_is_the_wait_until_the_client_is_under_budget_again() -> None:
    clock = Clock()
    b = budget.Budget(10, window=60, clock=clock)   # drains 1/6 s per second
    b.charge(A, 12.0)
    assert over(b, A).retry_after == 13              # 2 s over / (1/6 s per s) = 12 s, then strictly under
    clock.advance(12)
    assert over(b, A).retry_after == 1               # exactly at the budget: still refused
    clock.advance(1)
    b.admit(A).settle()


def test_the_budget_frees_after_the_window() -> None:
    clock = Clock()
    b = budget.Budget(10, window=60, clock=clock)
    b.charge(A, 10.0)
    over(b, A)
    clock.advance(60)
    assert b.used(A) == 0.0
    for _ in range(3):
        b.admit(A).settle(3.0)                      # the whole budget again
    assert b.used(A) == pytest.approx(9.0)


def test_time_waiting_for_a_worker_is_not_charged() -> None:
    clock = Clock()
    b = budget.Budget(10, clock=clock)
    tickets = [b.admit(A) for _ in range(4)]        # four lookups queued behind someone's aggregates
    clock.advance(30)
    assert b.in_flight(A) == 4
    b.admit(A).settle()                              # still welcome: nothing ran yet
    for t in tickets:
        t.settle(0.002)
    assert b.in_flight(A) == 0 and b.used(A) == pytest.approx(0.008)


def test_queries_running_at_once_are_charged_when_they_end() -> None:
    b = budget.Budget(10, clock=Clock())
    tickets = [b.admit(A) for _ in range(3)]         # admitted together, while under budget
    for t in tickets:
        t.settle(8.0)
    assert over(b, A).retry_after == 85              # 14 s over at 1/6 s per second, then strictly under


def test_a_ticket_settles_once_and_a_timeout_costs_the_whole_timeout() -> None:
    b = budget.Budget(100, clock=Clock())
    t = b.admit(A)
    t.settle_error(QueryTimeout("stopped"), timeout=30.0)
    t.settle(50.0)
    assert b.used(A) == 30.0
    b.admit(B).settle_error(ServerBusy("busy"), timeout=30.0)
    assert b.used(B) == 0.0


def test_idle_clients_are_forgotten_and_memory_is_bounded() -> None:
    clock = Clock()
    b = budget.Budget(10, clock=clock, max_clients=50)
    for i in range(40):
        b.admit(f"10.0.0.{i}").settle(1.0)
    assert len(b) == 40
    clock.advance(6)                                 # 1 s drains in 6 s
    b.admit("10.0.1.1").settle()
    assert len(b) == 1
    for i in range(200):                             # address spraying: the oldest give way
        b.admit(f"10.0.2.{i}").settle(5.0)
    assert len(b) == 50


def test_an_ipv6_client_counts_by_its_64() -> None:
    one = budget.client_key({"client": ("2001:db8:1:2::1", 5)})
    assert one == budget.client_key({"client": ("2001:db8:1:2:ffff::9", 6)}) == "2001:db8:1:2::/64"
    assert budget.client_key({"client": ("198.51.100.7", 5)}) == "198.51.100.7"
    assert budget.client_key({}) == ""


def test_zero_turns_the_budget_off() -> None:
    assert create_app(load_settings(environ={}).replace(client_query_seconds=0)).spkg.budget is None
    ticket = budget.admit(None, {"client": (A, 1)})
    ticket.settle(1e9)                               # nothing to charge


# -- over HTTP -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def served(real_settings):
    settings = real_settings.replace(client_query_seconds=10.0)
    app = create_app(settings)
    b = app.spkg.budget
    b.clock = clock = Clock()
    with TestClient(ProxyHeadersMiddleware(app, trusted_hosts="testclient")) as c:
        yield c, b, clock


def _as(client: str) -> dict:
    return {**JSON, "x-forwarded-for": client}


def _requests(c: TestClient, who: str) -> dict[str, httpx.Response]:
    return {
        "sparql": c.get("/sparql", params={"query": ASK}, headers=_as(who)),
        "post": c.post("/sparql", data={"query": ASK}, headers=_as(who)),
        "api": c.get("/api/queries/get-dashboard-counts", headers=_as(who)),
        "editor": c.get("/query", params={"query": ASK}, headers={"x-forwarded-for": who}),
    }


def test_over_budget_gets_429_with_retry_after_and_the_error_shape_others_do_not(served) -> None:
    c, b, clock = served
    clock.advance(3600)                              # forget earlier tests' charges
    b.charge(A, 12.0)
    for route, r in _requests(c, A).items():
        assert r.status_code == 429, route
        assert r.headers["retry-after"] == "13", route
        if route != "editor":
            body = r.json()
            assert body["ok"] is False and body["status"] == 429 and body["title"] == "query budget used up"
            assert "client_query_seconds" in body["error"]
    for route, r in _requests(c, B).items():
        assert r.status_code == 200, route


def test_over_http_the_budget_frees_after_the_window(served) -> None:
    c, b, clock = served
    clock.advance(3600)
    b.charge(A, 12.0)
    assert c.get("/sparql", params={"query": ASK}, headers=_as(A)).status_code == 429
    clock.advance(60)
    assert c.get("/sparql", params={"query": ASK}, headers=_as(A)).status_code == 200


def test_each_answer_charges_its_worker_time_to_its_client_only(served) -> None:
    c, b, clock = served
    clock.advance(3600)
    whole = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"   # more than 1 MiB: a streamed answer
    r = c.get("/sparql", params={"query": whole}, headers={**_as(A), "accept": "application/n-triples"})
    assert r.status_code == 200 and len(r.content) > 1024 * 1024
    assert 0 < b.used(A) < 10 and b.in_flight(A) == 0
    for r in _requests(c, A).values():
        assert r.status_code == 200
    assert b.in_flight(A) == 0 and b.used(B) == 0.0


@pytest.mark.slow
def test_kg_serve_behind_a_local_proxy_tells_clients_apart(real_settings) -> None:
    # uvicorn trusts X-Forwarded-For from 127.0.0.1 by default (FORWARDED_ALLOW_IPS)
    app = create_app(real_settings.replace(client_query_seconds=10.0))
    b = app.spkg.budget
    b.clock = Clock()
    b.charge(A, 11.0)
    with live_server(app) as url:
        refused = httpx.get(f"{url}/sparql", params={"query": ASK}, headers=_as(A))
        served_ = httpx.get(f"{url}/sparql", params={"query": ASK}, headers=_as(B))
    assert refused.status_code == 429 and refused.headers["retry-after"] == "7"
    assert served_.status_code == 200

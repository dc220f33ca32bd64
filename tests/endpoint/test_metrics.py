"""/-/metrics: the Prometheus text format, and values that move with the requests made.

Counters are read before and after some requests and compared, so the tests hold
whatever ran before them on the same app.
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from http_fixtures import CARTESIAN, LIGHT, test_settings

from kg.web import metrics
from kg.errors import BadParameter, QuerySyntaxError, QueryTimeout, QueryTooLong, ServerBusy, UpdateRefused
from kg.web.app import create_app
from kg.store import read_manifest

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')
JSON = {"accept": "application/sparql-results+json"}


def scrape(c) -> dict[tuple[str, frozenset], float]:
    """The samples of /-/metrics, checking the format on the way: every sample's family is
    declared by # HELP and # TYPE before it, and histogram buckets only grow."""
    r = c.get("/-/metrics")
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    declared: dict[str, str] = {}
    samples: dict[tuple[str, frozenset], float] = {}
    for line in r.text.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ", 3)
            declared[name] = kind
            continue
        if line.startswith("#") or not line:
            continue
        m = SAMPLE.match(line)
        assert m, f"not a sample line: {line!r}"
        name, labels = m.group(1), frozenset(LABEL.findall(m.group(3) or ""))
        family = re.sub(r"_(bucket|sum|count)$", "", name) if name not in declared else name
        assert family in declared, f"{name} has no # TYPE"
        samples[(name, labels)] = float(m.group(4))
    buckets: dict[tuple[str, frozenset], list[tuple[float, float]]] = {}
    for (name, labels), v in samples.items():
        if name.endswith("_bucket"):
            le = dict(labels)["le"]
            buckets.setdefault((name[:-len("_bucket")], labels - {("le", le)}), []).append((float(le), v))
    for (base, labels), series in buckets.items():
        counts = [v for _, v in sorted(series)]
        assert counts == sorted(counts), f"{base} buckets shrink"
        assert counts[-1] == samples[(base + "_count", labels)], "the +Inf bucket is the count"
    return samples


def value(samples, name: str, **labels) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


@pytest.fixture(scope="module")
def small(kg_store):
    settings = test_settings(kg_store, max_query_length=500, query_timeout=1.5, workers=2)
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        yield c


def test_requests_by_route_template_and_status_with_latency(small):
    before = scrape(small)
    for _ in range(2):
        assert small.get("/sparql", params={"query": LIGHT}, headers=JSON).status_code == 200
    assert small.get("/sparql", params={"query": "SELECT ?x WHERE {"}).status_code == 400
    assert small.get("/-/health").status_code == 200
    after = scrape(small)
    total = "spkg_http_requests_total"
    assert value(after, total, route="/sparql", status="200") - value(before, total, route="/sparql", status="200") == 2
    assert value(after, total, route="/sparql", status="400") - value(before, total, route="/sparql", status="400") == 1
    assert value(after, total, route="/-/health", status="200") - value(before, total, route="/-/health",
                                                                         status="200") == 1
    count = "spkg_http_request_duration_seconds_count"
    assert value(after, count, route="/sparql") - value(before, count, route="/sparql") == 3
    assert value(after, "spkg_http_request_duration_seconds_sum", route="/sparql") > 0


def test_rejected_queries_by_reason(small):
    before = scrape(small)
    small.get("/sparql", params={"query": "SELECT ?x WHERE {"})
    small.post("/sparql", data={"update": "INSERT DATA { <a:b> <a:c> <a:d> }"})
    small.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }" + " " * 600})
    small.get("/sparql", params={"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"})
    small.post("/sparql", content=b"x", headers={"content-type": "text/plain"})
    after = scrape(small)
    rejected = "spkg_queries_rejected_total"
    for reason in ("syntax", "update", "too_long", "service", "bad_request"):
        assert value(after, rejected, route="/sparql", reason=reason) - value(before, rejected, route="/sparql",
                                                                              reason=reason) == 1, reason


def test_a_timeout_is_counted(small):
    before = scrape(small)
    # 503: stopped at the budget; 504: an external store's own timeout came first (KG_TEST_STORE=external)
    assert small.get("/sparql", params={"query": CARTESIAN}, headers=JSON).status_code in (503, 504)
    after = scrape(small)
    name = "spkg_query_timeouts_total"
    assert value(after, name, route="/sparql") - value(before, name, route="/sparql") == 1
    assert value(after, "spkg_queries_rejected_total", route="/sparql", reason="queue_full") == \
        value(before, "spkg_queries_rejected_total", route="/sparql", reason="queue_full")


def test_the_query_workers_are_counted_by_state(small):
    before = scrape(small)
    status = small.get("/sparql", params={"query": CARTESIAN}, headers=JSON).status_code
    assert status in (503, 504)
    after = scrape(small)
    # 503: the budget killed one worker, and a fresh one took its place; 504: an external
    # store's own timeout came first (KG_TEST_STORE=external), and the worker lives on
    restarts = value(after, "spkg_query_worker_restarts_total") - value(before, "spkg_query_worker_restarts_total")
    assert restarts == (1 if status == 503 else 0)
    states = {s: value(after, "spkg_query_workers", state=s) for s in ("idle", "light", "heavy", "trial", "starting")}
    assert sum(states.values()) == 2 and states["light"] == states["heavy"] == states["trial"] == 0
    assert ("spkg_queries_requeued_total", frozenset()) in after
    assert ("spkg_queries_promoted_total", frozenset()) in after


def test_labels_never_carry_a_raw_path(small):
    before = scrape(small)
    assert small.get("/etc/passwd-0123456789").status_code == 404
    after = scrape(small)
    total = "spkg_http_requests_total"
    assert value(after, total, route="unmatched", status="404") - value(before, total, route="unmatched",
                                                                        status="404") == 1
    assert "passwd" not in small.get("/-/metrics").text


def test_canned_queries_by_name_store_size_and_page_routes(client, real_settings):
    before = scrape(client)
    for _ in range(2):
        assert client.get("/api/queries/list-outcomes-by-region?region=Asia&target=1.3").status_code == 200
    assert client.get("/api/queries/no-such-query-4711").status_code == 404
    assert client.get("/doc/organization/mohrss", headers={"accept": "text/html"}).status_code == 200
    after = scrape(client)
    count = "spkg_canned_query_duration_seconds_count"
    name = "list-outcomes-by-region"
    assert value(after, count, query=name) - value(before, count, query=name) == 2
    assert "no-such-query-4711" not in client.get("/-/metrics").text
    rejected = "spkg_queries_rejected_total"
    route = "/api/queries/{name}"
    assert value(after, rejected, route=route, reason="unknown_query") - \
        value(before, rejected, route=route, reason="unknown_query") == 1
    total = "spkg_http_requests_total"
    assert value(after, total, route="/doc/{kind}/{name}", status="200") - \
        value(before, total, route="/doc/{kind}/{name}", status="200") == 1

    manifest = read_manifest(real_settings)
    assert value(after, "spkg_store_triples") == manifest["triples"] > 0
    assert value(after, "spkg_store_named_graphs") == len(manifest["graphs"]) > 0


def test_reasons_for_every_kind_of_refusal():
    assert metrics.reason(QuerySyntaxError("x"), 400) == "syntax"
    assert metrics.reason(QueryTooLong("x"), 400) == "too_long"
    assert metrics.reason(BadParameter("x"), 400) == "bad_request"
    assert metrics.reason(UpdateRefused("x"), 403) == "update"
    assert metrics.reason(ServerBusy("x"), 503) == "queue_full"
    assert metrics.reason(None, 429) == "budget"
    assert metrics.reason(QueryTimeout("x"), 503) is None  # counted as a timeout instead
    assert metrics.reason(None, 200) is None and metrics.reason(None, 502) is None


def test_exposition_escapes_label_values_and_cumulates_buckets():
    m = metrics.Metrics()
    m.request('/a"b\\c\nd', 200, 0.003)
    m.request('/a"b\\c\nd', 200, 100.0)
    text = m.render()
    assert 'route="/a\\"b\\\\c\\nd"' in text
    assert 'le="0.005"} 1' in text and 'le="60.0"} 1' in text and 'le="+Inf"} 2' in text
    assert "spkg_store_triples" not in text  # no manifest: no made-up size

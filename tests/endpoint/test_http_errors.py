"""Every way a request to /sparql can go wrong: a 4xx that says what is wrong, in one JSON shape."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from http_fixtures import test_settings

from kg.web.app import create_app

Q = "SELECT * WHERE { ?s ?p ?o } LIMIT 1"


@pytest.fixture(scope="module")
def client(kg_store):
    with TestClient(create_app(test_settings(kg_store, max_query_length=500)), raise_server_exceptions=False) as c:
        yield c


def error(response, status: int) -> dict:
    """The one error shape: ok=false, a message, the status; JSON."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["ok"] is False and body["status"] == status
    assert isinstance(body["error"], str) and body["error"]
    assert response.headers["access-control-allow-origin"] == "*"
    return body


def test_syntax_error_has_line_and_column(client):
    body = error(client.get("/sparql", params={"query": "SELECT ?x WHERE {\n  ?x ?y }"}), 400)
    assert body["title"] == "query syntax error"
    assert body["line"] == 2 and isinstance(body["column"], int)
    assert body["error"].startswith("line 2, column ")


def test_unknown_prefix_is_named(client):
    body = error(client.get("/sparql", params={"query": "SELECT ?x WHERE { ?x foaf:name ?n }"}), 400)
    assert "foaf" in body["error"] and body["line"] == 1


@pytest.mark.parametrize("request_kw", [
    {"method": "POST", "url": "/sparql", "data": {"format": "json"}},
    {"method": "POST", "url": "/sparql", "content": b"",
     "headers": {"content-type": "application/x-www-form-urlencoded"}},
])
def test_missing_query(client, request_kw):
    body = error(client.request(**request_kw), 400)
    assert body["error"].startswith("missing query") and body["parameter"] == "query"


@pytest.mark.parametrize("query", ["", "   \n  "])
def test_empty_query(client, query):
    assert error(client.get("/sparql", params={"query": query}), 400)["error"] == "the query is empty"


def test_two_queries(client):
    body = error(client.get("/sparql", params=[("query", Q), ("query", Q)]), 400)
    assert body["error"].startswith("two queries")
    body = error(client.post("/sparql", params={"query": Q}, content=Q,
                             headers={"content-type": "application/sparql-query"}), 400)
    assert body["error"].startswith("two queries")
    body = error(client.post("/sparql", params={"query": Q}, data={"query": Q}), 400)
    assert body["error"].startswith("two queries")


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/json", "multipart/form-data; boundary=x"])
def test_wrong_content_type(client, content_type):
    headers = {"content-type": content_type} if content_type else {}
    body = error(client.post("/sparql", content=Q, headers=headers), 415)
    assert "application/sparql-query" in body["error"] and "application/x-www-form-urlencoded" in body["error"]


def test_unknown_charset(client):
    headers = {"content-type": "application/sparql-query; charset=klingon"}
    body = error(client.post("/sparql", content=Q, headers=headers), 415)
    assert "klingon" in body["error"]


def test_bad_utf8(client):
    body = error(client.post("/sparql", content=b"SELECT * WHERE { ?s ?p \xff }",
                             headers={"content-type": "application/sparql-query"}), 400)
    assert "utf-8" in body["error"].lower()
    body = error(client.get("/sparql?query=SELECT%20%3Fx%20%7B%7D%FF"), 400)
    assert "UTF-8" in body["error"]


def test_a_query_posted_with_a_byte_order_mark_is_answered(client):
    # The ninth #16 probe: 'line 1, column 8: expected one of VERSION, [_] at the end of the query'.
    r = client.post("/sparql", content=b"\xef\xbb\xbfASK {}", headers={"content-type": "application/sparql-query"})
    assert r.status_code == 200 and r.json()["boolean"] is True
    # by GET and in a form too (tenth probe)
    assert client.get("/sparql", params={"query": "\ufeffASK {}"}).json()["boolean"] is True
    assert client.post("/sparql", data={"query": "\ufeffASK {}"}).json()["boolean"] is True


@pytest.mark.parametrize("update", [
    "INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }",
    "PREFIX ex: <http://e/>\n# comment\nDELETE WHERE { ?s ?p ?o }",
    "CLEAR ALL",
    "LOAD <http://example.org/data.ttl>",
    "WITH <http://e/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
])
def test_update_is_refused(client, update):
    for response in (
        client.get("/sparql", params={"query": update}),
        client.post("/sparql", data={"query": update}),
        client.post("/sparql", data={"update": update}),
        client.post("/sparql", content=update, headers={"content-type": "application/sparql-update"}),
        client.post("/sparql", content=update, headers={"content-type": "application/sparql-query"}),
    ):
        body = error(response, 403)
        assert body["title"] == "update refused" and "read-only" in body["error"]


def test_a_query_mentioning_update_words_is_not_an_update(client):
    q = 'SELECT ?x WHERE { BIND("INSERT DATA" AS ?x) } # DELETE'
    assert client.get("/sparql", params={"query": q}).status_code == 200


def test_query_too_long(client):
    body = error(client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }" + " " * 600}), 400)
    assert "setting max_query_length" in body["error"]


def test_body_too_large(client):
    response = client.post("/sparql", content=b"#" * 400_000, headers={"content-type": "application/sparql-query"})
    body = error(response, 413)  # refused from its Content-Length, before it is read
    assert "the limit is" in body["error"] and response.headers["connection"] == "close"


def test_method_not_allowed(client):
    response = client.put("/sparql", content=Q)
    body = error(response, 405)
    assert "PUT" in body["error"] and "GET" in response.headers["allow"]
    error(client.delete("/sparql"), 405)


def test_unknown_format_parameter(client):
    body = error(client.get("/sparql", params={"query": Q, "format": "pdf"}), 400)
    assert "unknown format 'pdf'" in body["error"] and body["parameter"] == "format"


def test_not_acceptable(client):
    body = error(client.get("/sparql", params={"query": Q}, headers={"accept": "image/png"}), 406)
    assert "available:" in body["error"]
    body = error(client.get("/sparql", headers={"accept": "image/png"}), 406)
    assert "service description" in body["error"]


def test_bad_graph_iri(client):
    body = error(client.get("/sparql", params={"query": Q, "default-graph-uri": "not an iri"}), 400)
    assert "default-graph-uri" in body["error"]


def test_service_refused_by_default(client):
    q = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    body = error(client.get("/sparql", params={"query": q}), 403)
    assert "SERVICE calls are turned off" in body["error"] and "service_allowlist" in body["hint"]


def test_unknown_route_has_the_same_shape(client):
    body = error(client.get("/no/such/page"), 404)
    assert body["error"] == "Not Found"


def test_non_ascii_in_errors(client):
    body = error(client.get("/sparql", params={"query": 'SELECT ?x WHERE { ?x ?y "Genève" . ?x ?z 北京 }'}), 400)
    assert body["line"] == 1


def test_unexpected_exception_is_a_500_with_a_logged_traceback(kg_store, caplog):
    app = create_app(test_settings(kg_store, workers=1))
    with TestClient(app, raise_server_exceptions=False) as c:
        async def broken(*args, **kwargs):
            raise RuntimeError("secret internals")

        app.spkg.executor.run = broken
        body = error(c.get("/sparql", params={"query": Q}), 500)
        assert "secret" not in body["error"] and "server log" in body["error"]
        assert any("secret internals" in (r.exc_text or "") or (r.exc_info and "secret" in str(r.exc_info[1]))
                   for r in caplog.records)


def test_store_missing_at_start(tmp_path):
    from kg.errors import StoreError

    with pytest.raises(StoreError, match="no store"):
        with TestClient(create_app(test_settings(tmp_path / "none"))):
            pass


def test_health_is_503_without_workers(kg_store):
    app = create_app(test_settings(kg_store, workers=1))
    with TestClient(app) as c:
        assert c.get("/-/health").status_code == 200
        executor = app.spkg.executor
        workers, executor._workers = executor._workers, set()
        try:
            error(c.get("/-/health"), 503)
        finally:
            executor._workers = workers


def test_health_is_200_while_the_workers_are_replaced_after_a_store_swap(kg_store):
    # The #16 re-probe: /-/health said 503 "no query worker is running" for a moment after partner
    # writes (a strict liveness probe would restart the server). Replacing workers is not being down.
    app = create_app(test_settings(kg_store, workers=1))
    with TestClient(app) as c:
        executor = app.spkg.executor
        workers, executor._workers = executor._workers, set()
        executor._spawning.add(object())  # a replacement on its way
        try:
            r = c.get("/-/health")
            assert r.status_code == 200 and r.json()["workers"]["starting"] == 1
            executor.failed_starts = 1  # ... and failing to start: down
            error(c.get("/-/health"), 503)
        finally:
            executor._workers = workers
            executor._spawning.clear()
            executor.failed_starts = 0

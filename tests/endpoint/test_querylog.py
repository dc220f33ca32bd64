"""The query log: one JSON line per query on the logger ``kg.web.querylog``, parsed back here."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

import pytest
from fastapi.testclient import TestClient
from http_fixtures import LIGHT, test_settings

from kg.web.app import create_app

JSON = {"accept": "application/sparql-results+json"}
SECRET = "spkg_" + "S3cr3tT0k3n" * 4


def lines(caplog) -> list[dict]:
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == "kg.web.querylog"]


@pytest.fixture(scope="module")
def small(kg_store):
    with TestClient(create_app(test_settings(kg_store))) as c:
        yield c


def test_one_json_line_per_query_without_its_text(small, caplog):
    caplog.set_level("INFO", logger="kg.web.querylog")
    assert small.get("/sparql", params={"query": LIGHT}, headers=JSON).status_code == 200
    [entry] = lines(caplog)
    assert datetime.fromisoformat(entry["time"].replace("Z", "+00:00")).tzinfo is not None
    assert entry["client"] == "testclient" and entry["route"] == "/sparql"
    assert entry["query_hash"] == hashlib.sha256(LIGHT.encode()).hexdigest()[:12]
    assert entry["query_length"] == len(LIGHT)
    assert "query" not in entry and LIGHT not in caplog.text
    assert entry["form"] == "select" and entry["status"] == 200 and entry["rows"] == 2
    assert isinstance(entry["duration_ms"], float) and entry["duration_ms"] >= 0
    assert entry["timed_out"] is False and entry["truncated"] is False


def test_refused_queries_are_logged_with_the_reason(small, caplog):
    caplog.set_level("INFO", logger="kg.web.querylog")
    small.post("/sparql", data={"update": "INSERT DATA { <a:b> <a:c> <a:d> }"})
    small.get("/sparql", params={"query": "SELECT ?x WHERE {"})
    small.get("/sparql", headers={"accept": "text/turtle"})  # the service description: not a query
    update, syntax = lines(caplog)
    assert (update["status"], update["reason"], update["error"]) == (403, "update", "update refused")
    assert "query_hash" not in update  # refused before a query was read
    assert (syntax["status"], syntax["reason"]) == (400, "syntax") and syntax["query_length"] == 17


def test_the_text_only_when_the_setting_says_so_and_truncation(kg_store, caplog):
    caplog.set_level("INFO", logger="kg.web.querylog")
    with TestClient(create_app(test_settings(kg_store, log_query_text=True, result_limit=1))) as c:
        r = c.get("/sparql", params={"query": LIGHT}, headers=JSON)
    assert r.headers["sparql-results-truncated"] == "true"
    [entry] = lines(caplog)
    assert entry["query"] == LIGHT
    assert entry["truncated"] is True and entry["rows"] == 1


def test_canned_queries_log_name_and_parameters_with_credentials_redacted(client, caplog):
    caplog.set_level("INFO", logger="kg.web.querylog")
    ok = client.get("/api/queries/list-outcomes-by-region", params={"region": "Asia", "target": "1.3"})
    assert ok.status_code == 200
    client.get("/api/queries/list-outcomes-by-region", params={"region": "Asia", "access_token": SECRET})
    client.get("/query", params={"query": "ASK {}"})
    canned, refused, editor = lines(caplog)
    assert canned["route"] == "/api/queries/{name}" and canned["name"] == "list-outcomes-by-region"
    assert canned["params"] == {"region": "Asia", "target": "1.3"} and canned["status"] == 200
    assert canned["rows"] >= 1
    assert refused["params"]["access_token"] == "[redacted]" and refused["status"] == 400
    assert SECRET not in caplog.text
    assert editor["route"] == "/query" and editor["form"] == "ask" and editor["status"] == 200

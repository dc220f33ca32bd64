"""The OpenAPI 3.1 document (built from the canned-query headers) and the /docs page."""

from __future__ import annotations

import re

from ld_fixtures import ROOT

from kg.web import openapi
from kg.sparql.catalogue import load_catalogue


def test_document_structure() -> None:
    catalogue = load_catalogue(ROOT / "queries")
    doc = openapi.build(catalogue)
    assert doc["openapi"] == "3.1.0"
    assert doc["info"]["title"] and doc["info"]["version"]
    for name, query in catalogue.items():
        op = doc["paths"][f"/api/queries/{name}"]["get"]
        assert op["summary"] == query.summary
        params = {p["name"]: p for p in op["parameters"]}
        for p in query.params:
            assert params[p.name]["in"] == "query"
            assert params[p.name]["required"] is p.required
            assert params[p.name]["schema"]["x-spkg-type"] == p.type
            if p.example:
                assert params[p.name]["example"] == p.example
            if p.default is not None:
                assert "default" in params[p.name]["schema"]
        assert {"limit", "offset", "format"} <= set(params)
        assert {"200", "400", "503"} <= set(op["responses"])
        assert set(op["responses"]["200"]["content"]) == {"application/json", "text/csv"}
    for path in ("/sparql", "/id/{type}/{key}", "/doc/{type}/{key}", "/dumps/", "/-/health", "/api/queries",
                 "/openapi.json", "/docs", "/query", "/query/labels"):
        assert path in doc["paths"], path
    ids = [op["operationId"] for item in doc["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids)), "operation ids are unique"
    labels = doc["paths"]["/query/labels"]["post"]  # left out once, so never fuzzed (13th #16 probe)
    assert {"200", "400", "413", "429"} <= set(labels["responses"])
    # every $ref resolves
    text = repr(doc)
    for ref in set(re.findall(r"#/components/schemas/(\w+)", text)):
        assert ref in doc["components"]["schemas"]


def test_parameter_schemas_follow_the_types() -> None:
    catalogue = load_catalogue(ROOT / "queries")
    doc = openapi.build(catalogue)
    ops = {p: item["get"] for p, item in doc["paths"].items() if p.startswith("/api/queries/")}
    since = {p["name"]: p for p in ops["/api/queries/list-outcomes"]["parameters"]}["since"]["schema"]
    assert since["format"] == "date" and re.match(since["pattern"], "2021-07-16")
    target = {p["name"]: p for p in ops["/api/queries/list-outcomes-by-region"]["parameters"]}["target"]["schema"]
    assert re.match(target["pattern"], "1.3") and not re.match(target["pattern"], "one")


def test_served_and_documented_without_a_cdn(client) -> None:
    doc = client.get("/openapi.json").json()
    assert doc["openapi"] == "3.1.0" and "/api/queries/list-outcomes-by-region" in doc["paths"]
    page = client.get("/docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert "cdn" not in html.lower() and "<script" not in html
    assert not re.search(r'(src|href)="https?://(?!creativecommons|metadata\.un\.org)', html)
    for path in doc["paths"]:
        assert f"{path}</code>" in html.replace("&#39;", "'"), path
    assert 'href="/api/queries/list-outcomes-by-region?region=Asia&amp;target=1.3"' in html  # try it
    assert client.get("/redoc").status_code == 404

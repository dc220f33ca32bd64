"""The query editor's JSON routes (YASGUI's autocompletion and labels) and its own CSP, without a browser."""

from __future__ import annotations

from kg.web import security

KG = "https://w3id.org/spkg/def/kg#"


def test_vocabulary_lists_the_ontologys_classes_and_properties_with_labels(client):
    r = client.get("/query/vocabulary.json")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    found = r.json()
    classes = {t["prefixed"]: t for t in found["classes"]}
    properties = {t["prefixed"]: t for t in found["properties"]}
    assert classes["kg:Outcome"] == {"iri": KG + "Outcome", "prefixed": "kg:Outcome", "label": "Outcome",
                                     "comment": classes["kg:Outcome"]["comment"]}
    assert "kg:sdgTarget" in properties and properties["kg:sdgTarget"]["label"]
    assert not set(classes) & set(properties)
    assert all(t["iri"].startswith(KG) for t in found["classes"] + found["properties"])


def test_labels_of_the_iris_a_result_shows(client):
    mohrss = "https://w3id.org/spkg/id/organization/mohrss"
    nowhere = "https://example.org/not-in-the-graph"
    r = client.post("/query/labels", json={"iris": [mohrss, nowhere, "not an iri"]})
    assert r.status_code == 200
    found = r.json()
    assert found[mohrss] == {"label": "Ministry of Human Resources and Social Security",
                             "page": "/doc/organization/mohrss"}
    assert found[nowhere]["label"] is None
    assert "not an iri" not in found


def test_labels_refuses_what_is_not_a_list_of_iris(client):
    assert client.post("/query/labels", json={"iris": "x"}).status_code == 400
    assert client.post("/query/labels", content=b"{").status_code == 400
    assert client.post("/query/labels", json={"iris": ["x"] * 1001}).status_code == 400


def test_the_server_table_shows_labels_beside_iris(client):
    query = "SELECT ?o WHERE { VALUES ?o { <https://w3id.org/spkg/id/organization/mohrss> } }"
    text = client.get("/query", params={"query": query}).text
    assert '<span class="iri-label">Ministry of Human Resources and Social Security</span>' in text


def test_the_editor_page_allows_one_more_stylesheet_and_no_other_page_does(client):
    editor = client.get("/query").headers.get_list("content-security-policy")
    assert editor == [security.EDITOR_CSP]
    assert "'unsafe" not in security.EDITOR_CSP and "http" not in security.EDITOR_CSP
    assert client.get("/query?name=list-outcomes-by-region").headers.get_list("content-security-policy") == \
        [security.CSP]
    assert client.get("/").headers.get_list("content-security-policy") == [security.CSP]


def test_the_vendored_yasgui_is_served_with_its_licence_beside_it(client):
    from kg.web.editor import YASGUI

    for name, kind in (("yasgui.min.js", "text/javascript"), ("yasgui.min.css", "text/css")):
        r = client.get(f"/-/static/vendor/yasgui/{name}")
        assert r.status_code == 200 and r.headers["content-type"].startswith(kind)
        assert client.get(f"/-/static/vendor/yasgui/{name}", headers={"if-none-match": r.headers["etag"]}) \
            .status_code == 304
    assert client.get("/-/static/vendor/yasgui/LICENSE").status_code == 404
    assert "MIT" in (YASGUI / "LICENSE").read_text() and "4.6.2" in (YASGUI / "README.md").read_text()

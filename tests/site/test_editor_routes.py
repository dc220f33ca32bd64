"""The query editor's JSON routes (YASGUI's autocompletion and labels) and its own CSP, without a browser."""

from __future__ import annotations

import select
import socket
import time

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


def test_labels_refuses_a_body_over_its_cap_before_it_is_read(client):
    from kg.web.openapi import LABELS_BODY_CAP

    r = client.post("/query/labels", content=b" " * (LABELS_BODY_CAP + 1),
                    headers={"content-type": "application/json"})
    assert r.status_code == 413 and r.json()["status"] == 413 and r.json()["ok"] is False, r.text
    assert r.headers["connection"] == "close"


def test_labels_stops_reading_a_chunked_body_once_it_passes_the_cap(live_site):
    # The thirteenth #16 probe: a 50 MB body was read whole and parsed on the event loop (+1.2 GB, every
    # route stalled 9 s). Sent chunked (no Content-Length), the answer must come long before the end.
    from kg.web.openapi import LABELS_BODY_CAP

    host, port = live_site.removeprefix("http://").split(":")
    chunk = b"[]," * 20_000
    frame = b"%x\r\n%s\r\n" % (len(chunk), chunk)
    sent, most = 0, 40 * LABELS_BODY_CAP
    with socket.create_connection((host, int(port))) as sock:
        sock.sendall(f"POST /query/labels HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
                     "Transfer-Encoding: chunked\r\n\r\n".encode() + b'1\r\n{\r\n')
        while sent < most and not select.select([sock], [], [], 0)[0]:
            try:
                sock.sendall(frame)
            except OSError:  # the server answered and closed
                break
            sent += len(chunk)
        if sent >= most:  # never answered: end the body so that the server answers at all
            sock.sendall(b"0\r\n\r\n")
        sock.settimeout(60)
        answer = b""
        while b"\r\n\r\n" not in answer:
            data = sock.recv(65536)
            if not data:
                break
            answer += data
    assert answer.startswith(b"HTTP/1.1 413"), answer[:300]
    assert sent < most, f"the server read {sent:,} bytes before it answered"


def test_labels_says_what_is_wrong_with_json_nested_too_deep(client):
    # The thirteenth #16 probe: 100,000 levels of lists were a RecursionError in the decoder, a 500.
    r = client.post("/query/labels", content=b'{"iris": ' + b"[" * 100_000,
                    headers={"content-type": "application/json"})
    assert r.status_code == 400, r.text
    assert r.json()["status"] == 400 and "nested too deep" in r.json()["error"]


def test_labels_are_looked_up_on_the_clients_query_time_budget(real_settings):
    # The thirteenth #16 probe: 1,000-IRI look-ups took 1.7 s each, charged to no one.
    from fastapi.testclient import TestClient

    from kg.web.app import create_app

    app = create_app(real_settings.replace(client_query_seconds=1.0))  # drains 1/60 s a second: a look-up's ms stay
    with TestClient(app) as c:
        asked = {"iris": ["https://w3id.org/spkg/id/organization/mohrss"]}
        assert c.post("/query/labels", json=asked).status_code == 200
        assert app.spkg.budget.used("testclient") > 0  # the look-up's time was charged
        app.spkg.budget.charge("testclient", 10_000)
        r = c.post("/query/labels", json=asked)
        assert r.status_code == 429 and int(r.headers["retry-after"]) > 0 and r.json()["status"] == 429, r.text


def test_the_server_table_shows_labels_beside_iris(client):
    query = "SELECT ?o WHERE { VALUES ?o { <https://w3id.org/spkg/id/organization/mohrss> } }"
    text = client.get("/query", params={"query": query}).text
    assert '<span class="iri-label">Ministry of Human Resources and Social Security</span>' in text


WIDE = ("SELECT " + " ".join(f"?v{i}" for i in range(60)) + " WHERE { ?s a ?t . "
        + " ".join(f"BIND(?s AS ?v{i})" for i in range(60)) + " } LIMIT 1000")


def test_the_server_table_is_bounded_in_bytes_with_the_whole_answer_to_download(client):
    # The thirteenth #16 probe: 60 IRI columns x 1,000 rows made a 9.2 MB page (2 s of the HTTP process).
    from kg.web.editor import PAGE_TABLE_BYTES

    r = client.get("/query", params={"query": WIDE}, headers={"accept": "text/html"})
    assert r.status_code == 200, r.text[:300]
    assert len(r.content) < 3 * PAGE_TABLE_BYTES, f"the page is {len(r.content):,} bytes"
    assert "cut at" in r.text and 'data-format="csv"' in r.text  # says so, and the whole answer is a link away


def test_the_server_table_shows_the_start_of_a_long_literal(client):
    from kg.web.editor import CELL_CHARS

    query = ('SELECT ?k ?x WHERE { VALUES ?k { 1 2 } BIND("' + "a" * 64 + '" AS ?a0) '
             + " ".join(f"BIND(CONCAT(?a{i}, ?a{i}) AS ?a{i + 1})" for i in range(8)) + " BIND(?a8 AS ?x) }")
    r = client.get("/query", params={"query": query}, headers={"accept": "text/html"})
    assert r.status_code == 200, r.text[:300]
    assert "a" * CELL_CHARS + "…" in r.text and "a" * (CELL_CHARS + 1) not in r.text


def test_the_editor_s_table_is_made_on_the_clients_query_time_budget(real_settings, monkeypatch):
    # The thirteenth #16 probe: parsing an answer, its labels and the page were charged to no one (only the
    # worker's time was), so one address made 24 pages of 9-16 MB without a 429.
    from fastapi.testclient import TestClient

    from kg.web import editor
    from kg.web.app import create_app

    made = editor._add_labels

    def costly(*args):  # as a wide table's labels and cells cost: a second of this process
        time.sleep(1.0)
        return made(*args)

    monkeypatch.setattr(editor, "_add_labels", costly)
    app = create_app(real_settings.replace(client_query_seconds=1.0))  # drains 1/60 s a second: no matter here
    with TestClient(app) as c:
        query = "SELECT ?o WHERE { VALUES ?o { <https://w3id.org/spkg/id/organization/mohrss> } }"
        assert c.get("/query", params={"query": query}, headers={"accept": "text/html"}).status_code == 200
        assert app.spkg.budget.used("testclient") >= 0.9


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

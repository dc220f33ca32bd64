"""The SPARQL 1.1 Protocol at /sparql, in-process: every method, dataset, format and header."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest
import rdflib
from fastapi.testclient import TestClient
from http_fixtures import BIG, EX, G1, G2, G3, reference_store, test_settings
from waiting import wait_until
from rdflib.compare import isomorphic

from kg.web.app import create_app
from kg.web import negotiation as neg

SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
RDFS = "http://www.w3.org/2000/01/rdf-schema#"

CITIES = f"SELECT ?city ?label WHERE {{ ?city a <{EX}City> ; <{RDFS}label> ?label }} ORDER BY ?city ?label"
LABELS = f"SELECT ?s ?label WHERE {{ ?s <{RDFS}label> ?label }} ORDER BY ?s ?label"
TERMS = f"SELECT ?p ?o WHERE {{ <{EX}beijing> ?p ?o }} ORDER BY ?p ?o"
CARD = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o FILTER(?s IN (<{EX}geneva>, <{EX}beijing>)) }}"
ASK = f"ASK {{ <{EX}geneva> <{RDFS}label> \"Genève\"@fr }}"


@pytest.fixture(scope="module")
def client(kg_store):
    with TestClient(create_app(test_settings(kg_store, result_limit=1000)), raise_server_exceptions=False) as c:
        yield c


def get(client, query, **kw):
    return client.get("/sparql", params={"query": query, **kw.pop("params", {})}, **kw)


def json_rows(response) -> list[dict]:
    assert response.status_code == 200, response.text
    return [{k: v["value"] for k, v in b.items()} for b in response.json()["results"]["bindings"]]


def expected_graph(query: str) -> rdflib.Graph:
    import pyoxigraph as ox

    triples = reference_store().query(query, use_default_graph_as_union=True)
    return rdflib.Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode(), format="nt")


# -- methods ---------------------------------------------------------------------------

def test_get_form_post_and_direct_post_give_the_same_rows(client):
    by_get = json_rows(get(client, CITIES))
    by_form = json_rows(client.post("/sparql", data={"query": CITIES}))
    by_body = json_rows(client.post("/sparql", content=CITIES.encode(),
                                    headers={"content-type": "application/sparql-query"}))
    assert by_get == by_form == by_body
    assert {"city": f"{EX}geneva", "label": "Genève"} in by_get and len(by_get) == 4


def test_head_is_get_without_a_body(client):
    r = client.head("/sparql", params={"query": ASK})
    assert r.status_code == 200 and r.content == b""
    assert r.headers["content-type"] == "application/sparql-results+json"


# -- the dataset -----------------------------------------------------------------------

def test_default_graph_is_the_union_of_the_named_graphs(client):
    cities = {row["city"] for row in json_rows(get(client, CITIES))}
    assert cities == {f"{EX}geneva", f"{EX}beijing"}


def test_from_in_the_query_is_honoured(client):
    q = f"SELECT DISTINCT ?city FROM <{G2}> WHERE {{ ?city a <{EX}City> }}"
    assert json_rows(get(client, q)) == [{"city": f"{EX}beijing"}]


def test_default_graph_uri_overrides_from(client):
    q = f"SELECT DISTINCT ?city FROM <{G2}> WHERE {{ ?city a <{EX}City> }}"
    rows = json_rows(get(client, q, params={"default-graph-uri": G1}))
    assert rows == [{"city": f"{EX}geneva"}]
    both = json_rows(client.post("/sparql", data={"query": q, "default-graph-uri": [G1, G2]}))
    assert {r["city"] for r in both} == {f"{EX}geneva", f"{EX}beijing"}


def test_named_graph_uri_overrides_from_named(client):
    q = f"SELECT ?g WHERE {{ GRAPH ?g {{ ?s <{RDFS}label> ?l }} }} GROUP BY ?g ORDER BY ?g"
    everything = {r["g"] for r in json_rows(get(client, q))}
    assert everything == {G1, G2, G3}
    q_from = q.replace("WHERE", f"FROM NAMED <{G3}> WHERE")
    assert json_rows(get(client, q_from)) == [{"g": G3}]
    rows = json_rows(client.post("/sparql", content=q_from, params={"named-graph-uri": [G1, G2]},
                                 headers={"content-type": "application/sparql-query"}))
    assert rows == [{"g": G1}, {"g": G2}]


def test_named_graph_uri_alone_leaves_an_empty_default_graph(client):
    assert json_rows(get(client, CITIES, params={"named-graph-uri": G1})) == []


# -- result formats, parsed back ---------------------------------------------------------

def test_select_in_every_results_format(client):
    expected = [(r["s"], r["label"]) for r in json_rows(get(client, LABELS))]
    assert (f"{EX}beijing", "北京") in expected and (f"{EX}ville/Zürich", "Zürich") in expected

    xml = get(client, LABELS, headers={"accept": "application/sparql-results+xml"})
    assert xml.headers["content-type"] == "application/sparql-results+xml"
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    rows = [(res.find("r:binding[@name='s']/r:uri", ns).text, res.find("r:binding[@name='label']/r:literal", ns).text)
            for res in ET.fromstring(xml.content).findall(".//r:result", ns)]
    assert rows == expected

    csv_r = get(client, LABELS, headers={"accept": "text/csv"})
    assert csv_r.headers["content-type"] == "text/csv; charset=utf-8"
    table = list(csv.reader(io.StringIO(csv_r.content.decode("utf-8"), newline="")))
    assert table[0] == ["s", "label"] and [tuple(r) for r in table[1:]] == expected

    tsv = get(client, LABELS, headers={"accept": "text/tab-separated-values"})
    assert tsv.headers["content-type"] == "text/tab-separated-values; charset=utf-8"
    lines = tsv.content.decode("utf-8").rstrip("\n").split("\n")
    assert lines[0] == "?s\t?label" and len(lines) == len(expected) + 1
    assert f'<{EX}beijing>\t"北京"@zh' in lines


def test_select_results_keep_datatypes_and_languages(client):
    result = rdflib.query.Result.parse(io.BytesIO(get(client, TERMS).content), format="json")
    values = {row.o for row in result}
    assert rdflib.Literal("21540000", datatype=rdflib.XSD.integer) in values
    assert rdflib.Literal("CN-11", datatype=rdflib.URIRef(f"{EX}isoCode")) in values
    assert rdflib.Literal("北京", lang="zh") in values
    assert rdflib.Literal('two\nlines, a "quote", a tab\t and a comma') in values
    assert rdflib.URIRef(f"{EX}geneva") in values
    for fmt, accept in (("xml", "application/sparql-results+xml"), ("tsv", "text/tab-separated-values")):
        parsed = rdflib.query.Result.parse(io.BytesIO(get(client, TERMS, headers={"accept": accept}).content),
                                           format=fmt)
        assert {row.o for row in parsed} == values, fmt


def test_ask_in_every_results_format(client):
    assert get(client, ASK).json() == {"head": {}, "boolean": True}
    assert b"<boolean>true</boolean>" in get(client, ASK, headers={"accept": "application/xml"}).content
    assert get(client, ASK, headers={"accept": "text/csv"}).text.strip() == "true"
    assert get(client, ASK, headers={"accept": "text/tab-separated-values"}).text.strip() == "true"


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")  # rdflib's JSON-LD parser
@pytest.mark.parametrize("fmt", neg.GRAPHS, ids=[f.name for f in neg.GRAPHS])
def test_construct_in_every_rdf_format(client, fmt):
    r = get(client, CARD, headers={"accept": fmt.media_type})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == fmt.content_type
    if fmt.name in ("trig", "nq"):  # datasets: read with pyoxigraph, compare as triples
        import pyoxigraph as ox

        quads = ox.parse(r.content, format=ox.RdfFormat.from_media_type(fmt.media_type))
        nt = ox.serialize((ox.Triple(q.subject, q.predicate, q.object) for q in quads), format=ox.RdfFormat.N_TRIPLES)
        got = rdflib.Graph().parse(data=nt.decode(), format="nt")
    else:
        rdflib_format = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "rdf": "xml"}[fmt.name]
        got = rdflib.Graph().parse(data=r.content, format=rdflib_format)
    assert len(got) == 13
    assert isomorphic(got, expected_graph(CARD))


def test_describe_returns_a_graph(client):
    r = get(client, f"DESCRIBE <{EX}geneva>", headers={"accept": "application/n-triples"})
    graph = rdflib.Graph().parse(data=r.text, format="nt")
    assert (rdflib.URIRef(f"{EX}geneva"), rdflib.URIRef(f"{RDFS}label"), rdflib.Literal("Genève", lang="fr")) in graph


# -- negotiation -------------------------------------------------------------------------

@pytest.mark.parametrize("accept, media_type", [
    (None, "application/sparql-results+json"),
    ("*/*", "application/sparql-results+json"),
    ("text/csv", "text/csv"),
    ("text/*", "text/csv"),
    ("text/*;q=0.5, text/tab-separated-values", "text/tab-separated-values"),
    ("application/sparql-results+json;q=0.2, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
    ("application/xml;q=0.9,*/*;q=0.8", "application/sparql-results+xml"),
    ("application/json", "application/sparql-results+json"),
    ("*/*;q=0.1, text/tab-separated-values;q=0.5", "text/tab-separated-values"),
    ("text/csv;q=0, */*", "application/sparql-results+json"),
])
def test_accept_with_q_values_and_wildcards(client, accept, media_type):
    headers = {"accept": accept} if accept else {}
    r = get(client, CITIES, headers=headers)
    assert r.status_code == 200 and r.headers["content-type"].split(";")[0] == media_type
    assert r.headers["vary"] == "Accept"


@pytest.mark.parametrize("accept, media_type", [
    (None, "text/turtle"),
    ("application/json", "application/ld+json"),
    ("application/xml", "application/rdf+xml"),
    ("text/plain", "application/n-triples"),
    ("application/n-quads;q=0.9, application/trig", "application/trig"),
])
def test_accept_for_graphs(client, accept, media_type):
    headers = {"accept": accept} if accept else {}
    r = get(client, CARD, headers=headers)
    assert r.status_code == 200 and r.headers["content-type"].split(";")[0] == media_type


@pytest.mark.parametrize("value, query, media_type", [
    ("json", CITIES, "application/sparql-results+json"),
    ("xml", CITIES, "application/sparql-results+xml"),
    ("csv", CITIES, "text/csv"),
    ("tsv", CITIES, "text/tab-separated-values"),
    ("text/csv", CITIES, "text/csv"),
    ("ttl", CARD, "text/turtle"),
    ("nt", CARD, "application/n-triples"),
    ("jsonld", CARD, "application/ld+json"),
    ("json", CARD, "application/ld+json"),
    ("rdf", CARD, "application/rdf+xml"),
    ("xml", CARD, "application/rdf+xml"),
    ("trig", CARD, "application/trig"),
    ("nq", CARD, "application/n-quads"),
])
def test_format_parameter_wins_over_accept(client, value, query, media_type):
    r = get(client, query, params={"format": value}, headers={"accept": "application/sparql-results+xml"})
    assert r.status_code == 200 and r.headers["content-type"].split(";")[0] == media_type


def test_format_parameter_in_a_form_post(client):
    r = client.post("/sparql", data={"query": CITIES, "format": "csv"})
    assert r.headers["content-type"] == "text/csv; charset=utf-8"


def test_nothing_acceptable_is_406(client):
    r = get(client, CITIES, headers={"accept": "image/png"})
    assert r.status_code == 406
    assert r.json()["error"].startswith("the Accept header allows no format for query results")
    r = get(client, CARD, headers={"accept": "text/csv"})
    assert r.status_code == 406 and "CONSTRUCT/DESCRIBE" in r.json()["error"] and "text/turtle" in r.json()["error"]
    r = get(client, CITIES, params={"format": "ttl"})
    assert r.status_code == 406 and "format='ttl'" in r.json()["error"] and "SELECT" in r.json()["error"]


# -- non-ASCII ---------------------------------------------------------------------------

def test_non_ascii_survives_query_text_and_results(client):
    q = f'SELECT ?s WHERE {{ ?s <{RDFS}label> ?l FILTER(?l IN ("Genève"@fr, "北京"@zh, "Zürich"@de)) }} ORDER BY ?s'
    expected = [{"s": f"{EX}beijing"}, {"s": f"{EX}geneva"}, {"s": f"{EX}ville/Zürich"}]
    assert json_rows(get(client, q)) == expected
    assert json_rows(client.post("/sparql", data={"query": q})) == expected
    assert json_rows(client.post("/sparql", content=q.encode("utf-8"),
                                 headers={"content-type": "application/sparql-query; charset=utf-8"})) == expected
    latin = client.post("/sparql", content=q.replace("北京", "Beijing").replace('@zh', '@en').encode("latin-1"),
                        headers={"content-type": "application/sparql-query; charset=iso-8859-1"})
    # the Protocol's queries are UTF-8: another charset is refused with what to send instead
    assert latin.status_code == 415 and "utf-8" in latin.json()["hint"]
    iri = f"<{EX}ville/Zürich>"
    turtle = get(client, f"CONSTRUCT WHERE {{ {iri} ?p ?o }}", headers={"accept": "text/turtle"})
    graph = rdflib.Graph().parse(data=turtle.content, format="turtle")
    assert (rdflib.URIRef(f"{EX}ville/Zürich"), rdflib.URIRef(f"{RDFS}label"), rdflib.Literal("Zürich", lang="de")) \
        in graph


def test_characters_xml_cannot_carry_are_replaced_and_said_in_xml_answers(client):
    # RDF allows any character in a literal (a partner's data may hold control characters); XML 1.0
    # does not, not even as &#1;. The XML answers stay well-formed and say what was replaced.
    select = 'SELECT ?x WHERE { BIND("a\\u0001b\\u000Bc" AS ?x) }'
    r = get(client, select, headers={"accept": "application/sparql-results+xml"})
    assert r.status_code == 200
    ET.fromstring(r.content)  # well-formed
    assert "a\ufffdb\ufffdc" in r.text and "2 character(s) that XML 1.0 cannot carry" in r.text
    assert json_rows(get(client, select)) == [{"x": "a\u0001b\u000bc"}]  # JSON keeps the exact text
    graph = get(client, f'CONSTRUCT {{ <{EX}s> <{EX}p> ?x }} WHERE {{ BIND("a\\u0001b" AS ?x) }}',
                headers={"accept": "application/rdf+xml"})
    parsed = rdflib.Graph().parse(data=graph.content, format="xml")
    assert list(parsed.objects()) == [rdflib.Literal("a\ufffdb")] and "cannot carry" in graph.text
    # A streamed answer (past the 1 MiB sent in one piece), one replaced character per row.
    pad = "x" * 1500
    streamed = get(client, f'SELECT ?x WHERE {{ GRAPH <{BIG}> {{ ?a <{EX}value> ?v }} '
                           f'BIND(CONCAT(STR(?v), "\\u0002{pad}") AS ?x) }}',
                   headers={"accept": "application/sparql-results+xml"})
    assert len(streamed.content) > 1024 * 1024 and "content-length" not in streamed.headers
    rows = ET.fromstring(streamed.content).findall(".//{http://www.w3.org/2005/sparql-results#}literal")
    assert len(rows) >= 1000 and all(row.text.endswith("\ufffd" + pad) for row in rows)
    assert f"{len(rows)} character(s) that XML 1.0 cannot carry" in streamed.text


# -- result cap ---------------------------------------------------------------------------

def test_result_cap_is_signalled(kg_store):
    settings = test_settings(kg_store, result_limit=3, workers=1)
    with TestClient(create_app(settings)) as c:
        q = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 10"
        r = get(c, q)
        assert r.headers["sparql-results-truncated"] == "true"
        assert len(r.json()["results"]["bindings"]) == 3
        r = get(c, q, headers={"accept": "application/sparql-results+xml"})
        assert r.headers["sparql-results-truncated"] == "true"
        assert r.text.count("<result>") == 3 and "SPARQL-Results-Truncated" in r.text
        ET.fromstring(r.content)  # still well-formed
        r = get(c, "CONSTRUCT WHERE { ?s ?p ?o }", headers={"accept": "text/turtle"})
        assert r.headers["sparql-results-truncated"] == "true"
        assert len(rdflib.Graph().parse(data=r.text, format="turtle")) == 3
        assert "# SPARQL-Results-Truncated: the result was cut at 3 triples" in r.text
        r = get(c, f"SELECT ?s WHERE {{ ?s a <{EX}City> }}")
        assert "sparql-results-truncated" not in r.headers


# -- service description and query page ---------------------------------------------------

def test_bare_get_is_a_service_description(client):
    r = client.get("/sparql", headers={"accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["content-type"] == "text/turtle; charset=utf-8"
    g = rdflib.Graph().parse(data=r.text, format="turtle")
    service = rdflib.URIRef("http://testserver/sparql")
    assert (service, SD.endpoint, service) in g
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in g
    assert (service, SD.feature, SD.UnionDefaultGraph) in g
    assert (service, SD.feature, SD.BasicFederatedQuery) not in g  # SERVICE is off by default
    formats = set(g.objects(service, SD.resultFormat))
    assert rdflib.URIRef("http://www.w3.org/ns/formats/SPARQL_Results_TSV") in formats and len(formats) == 10
    dataset = g.value(service, SD.defaultDataset)
    assert g.value(dataset, VOID.triples).toPython() == 2000 + 16
    counts = {g.value(n, SD.name): g.value(g.value(n, SD.graph), VOID.triples).toPython()
              for n in g.objects(dataset, SD.namedGraph)}
    assert counts == {rdflib.URIRef(G1): 6, rdflib.URIRef(G2): 7, rdflib.URIRef(G3): 3,
                      rdflib.URIRef(f"{EX}graph/big"): 2000}
    default = g.value(dataset, SD.defaultGraph)
    assert g.value(default, VOID.triples).toPython() == 2016


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
@pytest.mark.parametrize("accept, parse_as", [("application/ld+json", "json-ld"), ("application/rdf+xml", "xml"),
                                              ("*/*", "turtle"), (None, "turtle")])
def test_service_description_by_content_negotiation(client, accept, parse_as):
    r = client.get("/sparql", headers={"accept": accept} if accept else {})
    g = rdflib.Graph().parse(data=r.content, format=parse_as)
    assert (None, SD.endpoint, rdflib.URIRef("http://testserver/sparql")) in g


def test_a_browser_is_sent_to_the_editor_with_its_query(client):
    # The #19 audit: a browser at /sparql got a bare form outside the site, and "Run query" downloaded a
    # file named "sparql". One place to query: the editor, in the site's layout, runs it.
    browser = {"accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
    r = client.get("/sparql", headers=browser, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/query"
    r = client.get("/sparql", params={"query": CITIES}, headers=browser, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/query?query=")
    # The #16 eighth probe: the Host a client sends is not echoed into the Location.
    evil = client.get("/sparql", params={"query": CITIES}, headers={**browser, "host": "evil.example"},
                      follow_redirects=False)
    assert evil.status_code == 303 and "evil.example" not in evil.headers["location"]
    page = client.get(r.headers["location"], headers=browser)
    assert page.status_code == 200 and "<table" in page.text and 'name="query"' in page.text
    assert client.get("/sparql", params={"query": CITIES, "format": "html"},
                      follow_redirects=False).status_code == 303
    # programs: the answer; HTML only as much liked as JSON is no browser's (ninth #16 probe: it was the editor)
    for accept in ("*/*", None, "application/sparql-results+json", "application/xml",
                   "text/html;q=1.0, application/json;q=1.0", "text/html, application/sparql-results+json"):
        r = client.get("/sparql", params={"query": CITIES}, headers={"accept": accept} if accept else {},
                       follow_redirects=False)
        assert r.status_code == 200, accept


def test_the_editor_refuses_an_answer_larger_than_it_holds_and_serves_on(client, monkeypatch):
    # The #16 re-probe (read from the code): /query held a whole answer in the HTTP process, rows capped
    # but not bytes, so a small query with huge strings could take gigabytes there. Now a 503 that says so.
    from kg.web import editor

    monkeypatch.setattr(editor, "EDITOR_ANSWER_CAP", 4096)
    huge = ('SELECT ?k ?x WHERE { VALUES ?k { 1 2 3 4 } BIND("' + "a" * 64 + '" AS ?a0) '
            + " ".join(f"BIND(CONCAT(?a{i}, ?a{i}) AS ?a{i + 1})" for i in range(8)) + " BIND(?a8 AS ?x) }")
    r = client.get("/query", params={"query": huge}, headers={"accept": "text/html"})
    assert r.status_code == 503 and "larger than" in r.text, r.text[:300]
    assert client.get("/query", params={"query": CITIES}, headers={"accept": "text/html"}).status_code == 200


# -- CORS, timing, health ------------------------------------------------------------------

def test_cors_for_any_origin_without_credentials(client):
    r = get(client, CITIES, headers={"origin": "https://partner.example"})
    assert r.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in r.headers
    assert "SPARQL-Results-Truncated" in r.headers["access-control-expose-headers"]
    pre = client.options("/sparql", headers={"origin": "https://partner.example",
                                             "access-control-request-method": "POST",
                                             "access-control-request-headers": "content-type"})
    assert pre.status_code == 204
    assert pre.headers["access-control-allow-origin"] == "*"
    assert "POST" in pre.headers["access-control-allow-methods"]
    assert pre.headers["access-control-allow-headers"] == "content-type"
    health = client.get("/-/health", headers={"origin": "https://x.example"})
    assert health.headers["access-control-allow-origin"] == "*"


def test_server_timing_header(client):
    assert get(client, ASK).headers["server-timing"].startswith("query;dur=")


def test_health(client):
    r = client.get("/-/health")
    assert r.status_code == 200
    body = r.json()
    assert body["ok"] is True and body["workers"]["size"] == 2 and body["workers"]["alive"] == 2


def test_query_log_line(client, caplog):
    caplog.set_level("INFO", logger="kg.web.querylog")
    get(client, CITIES)
    get(client, "SELECT ?x WHERE {")
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "kg.web.querylog"]
    assert any(e["form"] == "select" and e["rows"] == 4 and e["status"] == 200 for e in lines)
    assert any(e["status"] == 400 and e["reason"] == "syntax" for e in lines)


def test_json_results_are_valid_json_documents(client):
    body = get(client, CITIES).content
    assert json.loads(body)["head"]["vars"] == ["city", "label"]


def test_service_description_reads_counts_from_the_build_manifest(tmp_path):
    from http_fixtures import make_store

    store = make_store(tmp_path / "store", big=10)
    (tmp_path / "build.json").write_text(json.dumps({"triples": 26, "graphs": {G1: 6, G2: 7, G3: 3,
                                                                                f"{EX}graph/big": 10}}))
    with TestClient(create_app(test_settings(store, workers=1))) as c:
        g = rdflib.Graph().parse(data=c.get("/sparql", headers={"accept": "text/turtle"}).text, format="turtle")
    dataset = next(g.objects(None, SD.defaultDataset))
    assert g.value(dataset, VOID.triples).toPython() == 26
    assert len(list(g.objects(dataset, SD.namedGraph))) == 4


def test_streamed_answers_free_their_worker(kg_store):
    big = f"SELECT * WHERE {{ GRAPH <{EX}graph/big> {{ ?a ?p ?x }} GRAPH <{EX}graph/big> {{ ?b ?q ?y }} }} LIMIT 30000"
    with TestClient(create_app(test_settings(kg_store, workers=1))) as client:
        r = get(client, big, headers={"accept": "text/tab-separated-values"})
        assert r.status_code == 200 and "content-length" not in r.headers  # more than a window: streamed
        assert r.text.count("\n") == 30001
        assert client.head("/sparql", params={"query": big}).status_code == 200
        executor = client.app.spkg.executor
        wait_until(lambda: executor.idle == executor.size, what="every query worker idle after the streamed answers")
        assert json_rows(get(client, CITIES))

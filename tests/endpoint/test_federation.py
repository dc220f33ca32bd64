"""Real clients against a real server on 127.0.0.1: SPARQLWrapper, and engines calling us
through SERVICE (pyoxigraph, rdflib); and our own SERVICE calls, which are off unless
allowlisted and never reach internal addresses or follow redirects (SSRF).

No traffic leaves the loopback interface: the private and link-local addresses below
are refused by the guard before any connection is tried (and are never allowlisted).
"""

from __future__ import annotations

import http.server
import threading
import xml.dom.minidom

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic
from http_fixtures import EX, live_server, reference_store, test_settings
from SPARQLWrapper import JSON, POST, RDFXML, TURTLE, XML, SPARQLWrapper

from kg.sparql import guard
from kg.errors import QueryError, ServiceRefused
from kg.web.app import create_app

RDFS = "http://www.w3.org/2000/01/rdf-schema#"
TERMS = f"SELECT ?p ?o WHERE {{ <{EX}beijing> ?p ?o }}"
PATTERN = f"<{EX}beijing> ?p ?o"
CARD = f"CONSTRUCT {{ <{EX}geneva> ?p ?o }} WHERE {{ <{EX}geneva> ?p ?o }}"


@pytest.fixture(scope="module")
def server(kg_store):
    """Our endpoint, SERVICE off (the default)."""
    with live_server(create_app(test_settings(kg_store))) as url:
        yield url


def sorted_rows(rows):
    return sorted(rows, key=lambda r: sorted((k, str(v)) for k, v in r.items()))


# -- SPARQLWrapper -------------------------------------------------------------------

def test_sparqlwrapper_json_get_and_post(server):
    for method in ("GET", POST):
        sw = SPARQLWrapper(f"{server}/sparql")
        sw.setMethod(method)
        sw.setQuery(TERMS)
        sw.setReturnFormat(JSON)
        bindings = sw.query().convert()["results"]["bindings"]
        values = {(b["o"]["type"], b["o"]["value"], b["o"].get("xml:lang"), b["o"].get("datatype")) for b in bindings}
        assert ("literal", "北京", "zh", None) in values
        assert ("literal", "21540000", None, "http://www.w3.org/2001/XMLSchema#integer") in values
        assert ("literal", "CN-11", None, f"{EX}isoCode") in values
        assert ("uri", f"{EX}geneva", None, None) in values
        assert len(bindings) == 7


def test_sparqlwrapper_xml(server):
    sw = SPARQLWrapper(f"{server}/sparql")
    sw.setQuery(TERMS)
    sw.setReturnFormat(XML)
    doc = sw.query().convert()
    assert isinstance(doc, xml.dom.minidom.Document)
    literals = {(n.firstChild.data if n.firstChild else "", n.getAttribute("xml:lang"))
                for n in doc.getElementsByTagName("literal")}
    assert ("北京", "zh") in literals and ("Beijing", "en") in literals
    assert len(doc.getElementsByTagName("result")) == 7


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")  # inside SPARQLWrapper
def test_sparqlwrapper_construct(server):
    expected = rdflib.Graph().parse(
        data=ox.serialize(reference_store().query(CARD, use_default_graph_as_union=True),
                          format=ox.RdfFormat.N_TRIPLES).decode(), format="nt")
    sw = SPARQLWrapper(f"{server}/sparql")
    sw.setQuery(CARD)
    sw.setReturnFormat(RDFXML)
    graph = sw.query().convert()
    assert isomorphic(graph, expected)
    sw.setReturnFormat(TURTLE)
    turtle = sw.query().convert()
    assert isomorphic(rdflib.Graph().parse(data=turtle, format="turtle"), expected)
    assert (rdflib.URIRef(f"{EX}geneva"), rdflib.URIRef(f"{RDFS}label"), rdflib.Literal("Genève", lang="fr")) in graph


def test_sparqlwrapper_sees_errors(server):
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

    sw = SPARQLWrapper(f"{server}/sparql")
    sw.setQuery("SELECT ?x WHERE {")
    sw.setReturnFormat(JSON)
    with pytest.raises(QueryBadFormed, match="syntax error"):
        sw.query()


# -- engines calling us through SERVICE ----------------------------------------------------

def test_pyoxigraph_service_keeps_every_value_exactly(server):
    local = reference_store()
    expected = sorted(str(s["o"]) for s in local.query(TERMS, use_default_graph_as_union=True))
    federated = ox.Store().query(f"SELECT ?p ?o WHERE {{ SERVICE <{server}/sparql> {{ {PATTERN} }} }}")
    got = sorted(str(s["o"]) for s in federated)
    assert got == expected
    assert '"北京"@zh' in got and '"21540000"^^<http://www.w3.org/2001/XMLSchema#integer>' in got
    assert '"CN-11"^^<http://example.org/isoCode>' in got and f"<{EX}geneva>" in got


def test_pyoxigraph_service_joins_local_and_remote_data(server):
    local = ox.Store()
    local.add(ox.Quad(ox.NamedNode(f"{EX}geneva"), ox.NamedNode(f"{EX}canton"), ox.Literal("Genève", language="fr")))
    q = (f"SELECT ?canton ?label WHERE {{ ?city <{EX}canton> ?canton . "
         f"SERVICE <{server}/sparql> {{ ?city <{RDFS}label> ?label FILTER(lang(?label) = 'fr') }} }}")
    rows = [(str(s["canton"]), str(s["label"])) for s in local.query(q)]
    assert rows == [('"Genève"@fr', '"Genève"@fr')]


def _rdflib_term(term):
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    plain = term.datatype.value == "http://www.w3.org/2001/XMLSchema#string"
    return rdflib.Literal(term.value, datatype=None if plain else rdflib.URIRef(term.datatype.value))


def test_rdflib_service_keeps_every_value_exactly(server):
    local = reference_store()
    solutions = local.query(TERMS, use_default_graph_as_union=True)
    expected = {(_rdflib_term(s["p"]), _rdflib_term(s["o"])) for s in solutions}
    result = rdflib.Graph().query(f"SELECT ?p ?o WHERE {{ SERVICE <{server}/sparql> {{ {PATTERN} }} }}")
    got = {(row.p, row.o) for row in result}
    assert got == expected and len(got) == 7
    assert (rdflib.URIRef(f"{RDFS}label"), rdflib.Literal("北京", lang="zh")) in got


# -- our own SERVICE calls: allowlist and SSRF ------------------------------------------------

class _Recorder(http.server.BaseHTTPRequestHandler):
    """A tiny endpoint: /redirect answers 302 to ``target``; anything else is counted."""

    target = ""
    hits: list[str] = []

    def _any(self) -> None:
        self.rfile.read(int(self.headers.get("content-length") or 0))
        type(self).hits.append(self.path)
        if self.path.startswith("/redirect"):
            self.send_response(302)
            self.send_header("Location", type(self).target)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"literal","value":"leaked"}}]}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _any

    def log_message(self, *args) -> None:
        pass


def _tiny_server(handler):
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv, f"http://127.0.0.1:{srv.server_address[1]}"


def _post(url: str, query: str):
    import httpx

    return httpx.post(f"{url}/sparql", data={"query": query}, headers={"accept": "application/sparql-results+json"},
                      timeout=30)


def service(endpoint: str, pattern: str = f"<{EX}geneva> <{RDFS}label> ?label") -> str:
    return f"SELECT ?label WHERE {{ SERVICE <{endpoint}> {{ {pattern} }} }}"


def test_service_to_loopback_is_refused_unless_allowlisted(kg_store, server):
    with live_server(create_app(test_settings(kg_store, workers=1))) as closed:
        r = _post(closed, service(f"{server}/sparql"))
        assert r.status_code == 403 and "turned off" in r.json()["error"]
    allow = f"{server}/sparql"
    with live_server(create_app(test_settings(kg_store, workers=1, service_allowlist=allow))) as open_:
        r = _post(open_, service(f"{server}/sparql"))
        assert r.status_code == 200, r.text
        labels = {(b["label"]["value"], b["label"].get("xml:lang")) for b in r.json()["results"]["bindings"]}
        assert labels == {("Genève", "fr"), ("Geneva", "en")}
        sd = rdflib.Graph().parse(data=__import__("httpx").get(f"{open_}/sparql").text, format="turtle")
        assert (None, rdflib.URIRef("http://www.w3.org/ns/sparql-service-description#feature"),
                rdflib.URIRef("http://www.w3.org/ns/sparql-service-description#BasicFederatedQuery")) in sd
        port = int(server.rsplit(":", 1)[1])
        for target in (f"http://127.0.0.1:{port + 1}/sparql",      # another port
                       f"http://[::1]:{port}/sparql",               # loopback by another name
                       f"http://localhost:{port}/sparql",           # loopback by name
                       "http://10.0.0.1/sparql",                   # private
                       "http://192.168.1.10:8890/sparql",          # private
                       "http://169.254.169.254/latest/meta-data",  # link-local (cloud metadata)
                       "http://2130706433/sparql",                 # 127.0.0.1 as a number
                       f"{server}/sparql-admin",                   # not under the allowed path
                       f"http://127.0.0.1:{port}@10.0.0.1/sparql"):  # userinfo trick
            r = _post(open_, service(target))
            assert r.status_code == 403, (target, r.text)
            assert r.json()["title"] == "SERVICE refused"
        r = _post(open_, "SELECT * WHERE { BIND(<" + server + "/sparql> AS ?ep) SERVICE ?ep { ?s ?p ?o } }")
        assert r.status_code == 403 and "variable" in r.json()["error"]


@pytest.mark.embedded  # on an external store, that store makes the SERVICE calls (README, "External store")
def test_redirects_are_not_followed(kg_store):
    _Recorder.hits = []
    target, target_url = _tiny_server(_Recorder)
    redirector, redirect_url = _tiny_server(_Recorder)
    _Recorder.target = f"{target_url}/sparql"
    try:
        allow = f"{redirect_url}/redirect"
        with live_server(create_app(test_settings(kg_store, workers=1, service_allowlist=allow))) as url:
            r = _post(url, service(f"{redirect_url}/redirect", "?s ?p ?x"))
            assert r.status_code == 502, r.text
            assert "redirect" in r.json()["error"]
            assert target_url not in r.text  # nor where it pointed (ninth #16 probe: an internal address)
    finally:
        target.shutdown()
        redirector.shutdown()
    assert _Recorder.hits == ["/redirect"]  # the redirect target was never called


def test_service_failure_is_a_502_and_silent_is_honoured(kg_store, server):
    # On every store, Virtuoso 7 too (which stops the whole query there: spkg asks it again without that SERVICE).
    port = __import__("http_fixtures").free_port()  # nothing listens there
    allow = f"http://127.0.0.1:{port}/ {server}/sparql"
    with live_server(create_app(test_settings(kg_store, workers=1, service_allowlist=allow))) as url:
        r = _post(url, service(f"http://127.0.0.1:{port}/sparql"))
        assert r.status_code == 502 and r.json()["title"] == "remote SERVICE failed"
        silent = f"SERVICE SILENT <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }}"
        q = f"SELECT ?x WHERE {{ BIND(1 AS ?x) OPTIONAL {{ {silent} }} }}"
        r = _post(url, q)
        assert r.status_code == 200, r.text
        assert [b["x"]["value"] for b in r.json()["results"]["bindings"]] == ["1"]
        # A silent SERVICE that answers keeps its answer beside one that cannot be reached.
        both = (f"SELECT ?label WHERE {{ SERVICE SILENT <{server}/sparql> {{ <{EX}geneva> <{RDFS}label> ?label }}"
                f" {silent} }}")
        r = _post(url, both)
        assert r.status_code == 200, r.text
        assert {b["label"]["value"] for b in r.json()["results"]["bindings"]} == {"Genève", "Geneva"}


def test_silent_service_clauses_are_found_whole():
    q = """PREFIX ep: <http://partner.example/>
    SELECT * WHERE { OPTIONAL { SERVICE SILENT ep:one { ?a ?b "}" { ?c ?d ?e } } }
      SERVICE <http://loud.example/> { ?f ?g ?h } service silent ?var { ?i ?j ?k }
      SERVICE SILENT <http://two.example/s>
        { ?l ?m ?n } }"""
    spans = guard.silent_services(q)
    assert [iri for _, _, iri in spans] == ["http://partner.example/one", "http://two.example/s"]
    quiet = guard.without_spans(q, [(a, b) for a, b, _ in spans])
    assert "SILENT <" not in quiet and "ep:one" not in quiet and "SERVICE <http://loud.example/>" in quiet
    assert quiet.count("\n") == q.count("\n")  # line numbers kept for error messages
    assert guard.silent_services("SELECT * WHERE { ?s ?p ?o }") == []


# -- the guard, without a network ----------------------------------------------------------

PUBLIC = {"partner.example": ["93.184.216.34"], "inside.example": ["10.0.0.5"],
          "meta.example": ["169.254.169.254"], "mapped.example": ["::ffff:10.1.2.3"],
          "mixed.example": ["93.184.216.34", "192.168.0.2"], "localhost": ["127.0.0.1", "::1"]}


def resolve(host):
    return PUBLIC.get(host, [])


@pytest.mark.parametrize("iri, allowlist, ok", [
    ("http://partner.example/sparql", "http://partner.example/sparql", True),
    ("http://partner.example/sparql?default-graph-uri=x", "http://partner.example/sparql", True),
    ("http://partner.example/sparql/v2", "http://partner.example/sparql", True),
    ("http://partner.example/sparql-admin", "http://partner.example/sparql", False),
    ("http://partner.example/anything", "http://partner.example/", True),
    ("http://PARTNER.example/sparql", "http://partner.example/", True),
    ("http://partner.example:80/sparql", "http://partner.example/", True),
    ("http://partner.example:8080/sparql", "http://partner.example/", False),
    ("https://partner.example/sparql", "http://partner.example/", False),
    ("http://partner.example.evil.com/sparql", "http://partner.example", False),
    ("http://partner.example@evil.com/sparql", "http://partner.example", False),
    ("ftp://partner.example/sparql", "ftp://partner.example/", False),
    ("http://inside.example/sparql", "http://inside.example/", False),      # a name that points inside
    ("http://meta.example/latest", "http://meta.example/", False),
    ("http://mapped.example/sparql", "http://mapped.example/", False),
    ("http://mixed.example/sparql", "http://mixed.example/", False),
    ("http://10.0.0.5:8890/sparql", "http://10.0.0.5:8890/", True),         # named by its address
    ("http://10.0.0.5:8890/sparql", "http://partner.example/ http://10.0.0.5:8890/sparql", True),
    ("http://127.0.0.1:8001/sparql", "http://127.0.0.1:8001/", True),
    ("http://localhost:8001/sparql", "http://localhost:8001/", True),
    ("http://[::1]:8001/sparql", "http://[::1]:8001/", True),
    ("http://[::1]:8001/sparql", "http://127.0.0.1:8001/", False),
    ("http://nowhere.example/sparql", "http://nowhere.example/", False),    # does not resolve
])
def test_service_policy(iri, allowlist, ok):
    if ok:
        guard.check_service(iri, allowlist.split(), resolve)
    else:
        with pytest.raises(ServiceRefused):
            guard.check_service(iri, allowlist.split(), resolve)


def test_service_iris_are_found_as_the_engine_sees_them():
    q = """
    BASE <http://partner.example/>
    PREFIX ep: <http://partner.example/endpoints/>
    # SERVICE <http://in.a.comment/>
    SELECT * WHERE {
      BIND("SERVICE <http://in.a.string/>" AS ?s)
      SERVICE <sparql> { ?a ?b ?c }
      service silent ep:one { ?a ?b ?c }
      SERVICE ?var { ?a ?b ?c }
      ?x <http://ex/SERVICE> ?y .
    }"""
    assert guard.service_iris(q) == ["http://partner.example/sparql", "http://partner.example/endpoints/one", None]
    assert guard.service_iris("SELECT * WHERE { ?s ?p ?o }") == []
    with pytest.raises(QueryError, match="unknown prefix"):
        guard.service_iris("SELECT * WHERE { SERVICE nope:x { ?s ?p ?o } }")


@pytest.mark.parametrize("query, declares", [
    ("SELECT * FROM <http://g> WHERE { ?s ?p ?o }", True),
    ("SELECT * from named <http://g> WHERE { GRAPH ?g { ?s ?p ?o } }", True),
    ("SELECT * WHERE { ?s <http://ex/from> ?o }", False),
    ("PREFIX ex: <http://ex/> SELECT * WHERE { ?s ex:FROM ?from }", False),
    ('SELECT * WHERE { ?s ?p "FROM" } # FROM <x>', False),
])
def test_declares_dataset(query, declares):
    assert guard.declares_dataset(query) is declares


@pytest.mark.parametrize("text, update", [
    ("INSERT DATA { <a> <b> <c> }", True),
    ("PREFIX ex: <http://e/>\nBASE <http://b/>\n# SELECT\ndelete where { ?s ?p ?o }", True),
    ("DROP ALL", True),
    ('SELECT * WHERE { BIND("INSERT" AS ?x) }', False),
    ("ASK {}", False),
    ("# INSERT\nDESCRIBE <x>", False),
])
def test_is_update(text, update):
    assert guard.is_update(text) is update

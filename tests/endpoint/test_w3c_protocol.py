"""The query side of the W3C SPARQL 1.1 Protocol test suite, against /sparql.

The suite is the manifest of w3c/rdf-tests (sparql/sparql11/protocol/manifest.ttl,
published as http://www.w3.org/2009/sparql/docs/tests/data-sparql11/protocol/manifest.ttl);
``query_dataset_default_graph`` comes from the suite's older test description
(kasei/sparql11-protocolvalidator), which the SPARQL 1.2 suite took up again.
Each test here carries the name of one W3C test, sends the request that test
sends (to ``/sparql``, this service's endpoint, rather than the example's
``/sparql/``) and accepts what it accepts: a 2xx or 3xx with the expected
answer for the positive tests, any 4xx for the negative ones. Beyond the W3C
checks, a refused request must say in its body what was wrong, and the
dataset tests also ask a question whose answer would differ had the
protocol's dataset been ignored (the store answers over the union of its
graphs by default, which alone would make most W3C dataset tests pass).

The W3C tests read four small FOAF files, http://kasei.us/2009/09/sparql/data/data0.rdf
… data3.rdf. There is no network here: :data:`KASEI` is equivalent data written for
these tests, one profile document per graph, loaded under those four graph names
(http_fixtures.make_store_from, on the embedded store and, with
``KG_TEST_STORE=external``, on an Oxigraph server).
"""

from __future__ import annotations

import csv
import io
from urllib.parse import quote, urlencode

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from http_fixtures import make_store_from, test_settings

from kg.web.app import create_app

DATA = "http://kasei.us/2009/09/sparql/data/"
D0, D1, D2, D3 = (f"{DATA}data{n}.rdf" for n in range(4))
FOAF = "http://xmlns.com/foaf/0.1/"

# Each graph: a FOAF profile document (all four of the same type, which the dataset
# tests join on) about one person, who knows the people of the other documents.
KASEI = "\n".join(f"""
@prefix foaf: <{FOAF}> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<{DATA}data{n}.rdf> {{
  <{DATA}data{n}.rdf> a foaf:PersonalProfileDocument ;
    dcterms:title "Profile of {name}" ;
    foaf:maker <{DATA}data{n}.rdf#me> ;
    foaf:primaryTopic <{DATA}data{n}.rdf#me> .
  <{DATA}data{n}.rdf#me> a foaf:Person ;
    foaf:name "{name}" ;
    foaf:nick "{name.split()[0].lower()}" ;
    foaf:homepage <http://people.example/{name.split()[0].lower()}/> ;
    {" ; ".join(f"foaf:knows <{DATA}data{m}.rdf#me>" for m in range(4) if m != n)} .
}}
""" for n, name in enumerate(("Ada Lovelace", "Grace Hopper", "Alan Turing", "Edsger Dijkstra")))

BOOLEAN_TYPES = {"application/sparql-results+json", "application/sparql-results+xml"}
TABULAR_TYPES = BOOLEAN_TYPES | {"text/csv", "text/tab-separated-values"}
RDF_TYPES = {"application/rdf+xml", "text/turtle", "application/n-triples", "application/ld+json",
             "application/trig", "application/n-quads"}

BOTH_TYPED = f"ASK {{ <{D1}> a ?type . <{D2}> a ?type . }}"
NAMED_TYPED = f"ASK {{ GRAPH ?g1 {{ <{D1}> a ?type }} GRAPH ?g2 {{ <{D2}> a ?type }} }}"


@pytest.fixture(scope="module")
def w3c_store(tmp_path_factory: pytest.TempPathFactory):
    """A store holding only the four W3C test graphs (read-only for the tests)."""
    return make_store_from(tmp_path_factory.mktemp("w3c") / "store", KASEI, session=True)


@pytest.fixture(scope="module")
def client(w3c_store):
    with TestClient(create_app(test_settings(w3c_store, workers=1)), raise_server_exceptions=False) as c:
        # The W3C requests carry no Accept header: neither do these (httpx would add */*).
        del c.headers["accept"]
        yield c


# -- helpers ----------------------------------------------------------------------------------

def url(*pairs: tuple[str, str]) -> str:
    """/sparql with ``pairs`` as its query string, percent-encoded as the W3C tests write it."""
    return "/sparql" + (f"?{urlencode(pairs, quote_via=quote, safe='')}" if pairs else "")


def post_query(client, query: str, *pairs: tuple[str, str]):
    """A direct POST: the query as the body (application/sparql-query), ``pairs`` in the URL."""
    return client.post(url(*pairs), content=query.encode("utf-8"),
                       headers={"content-type": "application/sparql-query"})


def media_type(response) -> str:
    return response.headers["content-type"].split(";")[0].strip().lower()


def successful(response) -> None:
    """What every positive W3C test asks first: a 2xx or 3xx status."""
    assert 200 <= response.status_code < 400, (response.status_code, response.text)


def boolean(response) -> bool:
    """The answer of an ASK, read in the format the response says it is in (SPARQL JSON or XML)."""
    successful(response)
    assert media_type(response) in BOOLEAN_TYPES, response.headers["content-type"]
    answer = ox.parse_query_results(response.content, format=ox.QueryResultsFormat.from_media_type(media_type(response)))
    assert isinstance(answer, ox.QueryBoolean), answer
    return bool(answer)


def table(response) -> list[dict[str, str]]:
    """The rows of a SELECT (each variable's lexical value), from any of the tabular result formats."""
    successful(response)
    media = media_type(response)
    assert media in TABULAR_TYPES, response.headers["content-type"]
    if media == "text/csv":  # lossy, so pyoxigraph does not read it: it has plain values anyway
        return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"), newline="")))
    solutions = ox.parse_query_results(response.content, format=ox.QueryResultsFormat.from_media_type(media))
    assert isinstance(solutions, ox.QuerySolutions), solutions
    names = [v.value for v in solutions.variables]
    return [{n: row[n].value for n in names if row[n] is not None} for row in solutions]


def triples(response) -> list[ox.Triple]:
    """The graph a CONSTRUCT or DESCRIBE answered, read in the RDF format the response says it is in."""
    successful(response)
    media = media_type(response)
    assert media in RDF_TYPES, response.headers["content-type"]
    return [ox.Triple(q.subject, q.predicate, q.object)
            for q in ox.parse(response.content, format=ox.RdfFormat.from_media_type(media))]


def refused(response, *words: str) -> dict:
    """What every negative W3C test asks: a 4xx; and here also a JSON error naming what was wrong."""
    assert 400 <= response.status_code < 500, (response.status_code, response.text)
    assert media_type(response) == "application/json", response.headers.get("content-type")
    body = response.json()
    assert body["ok"] is False and body["status"] == response.status_code, body
    for word in words:
        assert word.lower() in body["error"].lower(), (word, body)
    return body


# -- positive tests: the three ways to send a query ---------------------------------------------

def test_query_get(client):
    """query_get: ``ASK {}`` in the URL of a GET, with data0.rdf as the default graph, is
    answered (2xx/3xx) with boolean results saying true."""
    assert boolean(client.get(url(("query", "ASK {}"), ("default-graph-uri", D0)))) is True


def test_query_post_form(client):
    """query_post_form: ``ASK {}`` as the ``query`` field of an application/x-www-form-urlencoded
    POST body (the default graph, data0.rdf, in the URL) is answered (2xx/3xx) with boolean
    results saying true."""
    r = client.post(url(("default-graph-uri", D0)), content=b"query=ASK%20%7B%7D",
                    headers={"content-type": "application/x-www-form-urlencoded"})
    assert boolean(r) is True


def test_query_post_direct(client):
    """query_post_direct: ``ASK {}`` as the whole body of a POST with Content-Type
    application/sparql-query is answered (2xx/3xx) with boolean results saying true."""
    assert boolean(post_query(client, "ASK {}")) is True


# -- positive tests: the dataset given with the request ------------------------------------------

def test_query_dataset_default_graph(client):
    """query_dataset_default_graph: a direct POST with ``default-graph-uri`` = data1.rdf in the URL
    asks whether data1.rdf's document has any triple in the default graph; the answer is true.

    Here also: the same request asking about data2.rdf's document is false, since that graph is
    not part of the dataset the request named."""
    assert boolean(post_query(client, f"ASK {{ <{D1}> ?p ?o }}", ("default-graph-uri", D1))) is True
    assert boolean(post_query(client, f"ASK {{ <{D2}> ?p ?o }}", ("default-graph-uri", D1))) is False


def test_query_dataset_default_graphs_get(client):
    """query_dataset_default_graphs_get: a GET naming data1.rdf and data2.rdf with two
    ``default-graph-uri`` parameters asks whether both documents have a common type in the
    default graph (the merge of the two); the answer is true.

    Here also: with data1.rdf alone as the default graph the same question is false."""
    r = client.get(url(("query", BOTH_TYPED), ("default-graph-uri", D1), ("default-graph-uri", D2)))
    assert boolean(r) is True
    assert boolean(client.get(url(("query", BOTH_TYPED), ("default-graph-uri", D1)))) is False


def test_query_dataset_default_graphs_post(client):
    """query_dataset_default_graphs_post: as query_dataset_default_graphs_get, with the query as a
    direct POST body (application/sparql-query) and the two ``default-graph-uri`` parameters in the
    URL; the answer is true.

    Here also: with data2.rdf alone as the default graph the same question is false."""
    r = post_query(client, BOTH_TYPED, ("default-graph-uri", D1), ("default-graph-uri", D2))
    assert boolean(r) is True
    assert boolean(post_query(client, BOTH_TYPED, ("default-graph-uri", D2))) is False


def test_query_dataset_named_graphs_post(client):
    """query_dataset_named_graphs_post: a direct POST with two ``named-graph-uri`` parameters
    (data1.rdf, data2.rdf) in the URL asks, through two GRAPH patterns, whether the two documents
    have a common type, each in a named graph; the answer is true.

    Here also: with data1.rdf as the only named graph the same question is false."""
    r = post_query(client, NAMED_TYPED, ("named-graph-uri", D1), ("named-graph-uri", D2))
    assert boolean(r) is True
    assert boolean(post_query(client, NAMED_TYPED, ("named-graph-uri", D1))) is False


def test_query_dataset_named_graphs_get(client):
    """query_dataset_named_graphs_get: as query_dataset_named_graphs_post, sent as a GET with the
    query and both ``named-graph-uri`` parameters in the URL; the answer is true.

    Here also: with data2.rdf as the only named graph the same question is false."""
    r = client.get(url(("query", NAMED_TYPED), ("named-graph-uri", D1), ("named-graph-uri", D2)))
    assert boolean(r) is True
    assert boolean(client.get(url(("query", NAMED_TYPED), ("named-graph-uri", D2)))) is False


def test_query_dataset_full(client):
    """query_dataset_full: a direct POST whose URL gives both a default graph (data3.rdf) and two
    named graphs (data1.rdf, data2.rdf) asks whether data3.rdf's document (in the default graph)
    and the documents of data1.rdf and data2.rdf (each in a named graph) share a type; the answer
    is true.

    Here also, over the same dataset: data1.rdf's document is not in the default graph, and no
    named graph holds data3.rdf's document."""
    dataset = (("default-graph-uri", D3), ("named-graph-uri", D1), ("named-graph-uri", D2))
    query = f"""ASK {{
  <{D3}> a ?type
  GRAPH ?g1 {{ <{D1}> a ?type }}
  GRAPH ?g2 {{ <{D2}> a ?type }}
}}"""
    assert boolean(post_query(client, query, *dataset)) is True
    assert boolean(post_query(client, f"ASK {{ <{D1}> ?p ?o }}", *dataset)) is False
    assert boolean(post_query(client, f"ASK {{ GRAPH ?g {{ <{D3}> ?p ?o }} }}", *dataset)) is False


def test_query_multiple_dataset(client):
    """query_multiple_dataset: the query names a dataset itself (FROM data3.rdf, no FROM NAMED)
    and the request names another (``named-graph-uri`` = data1.rdf and data2.rdf, in the URL of a
    direct POST); the protocol's dataset must win, so the query's two GRAPH patterns find the
    documents of data1.rdf and data2.rdf sharing a type: the answer is true.

    The manifest writes the second parameter with its '&' and '=' percent-encoded (``%26``,
    ``%3D``), which taken literally makes one ``named-graph-uri`` naming a graph that does not
    exist; its author's validator sends two parameters (w3c/rdf-tests issue #78), as done here.

    Here also: the same query without the request's dataset (its own FROM, hence no named graph)
    is false."""
    query = f"ASK FROM <{D3}> {{ GRAPH ?g1 {{ <{D1}> a ?type }} GRAPH ?g2 {{ <{D2}> a ?type }} }}"
    assert boolean(post_query(client, query, ("named-graph-uri", D1), ("named-graph-uri", D2))) is True
    assert boolean(post_query(client, query)) is False


# -- positive tests: the media type of each kind of answer --------------------------------------

def test_query_content_type_select(client):
    """query_content_type_select: ``SELECT (1 AS ?value) {}`` by direct POST (no Accept header) is
    answered (2xx/3xx) in a media type for tabular results: SPARQL XML or JSON, TSV, CSV or
    another valid one.

    Here also: the one row binds ?value to 1."""
    r = post_query(client, "SELECT (1 AS ?value) {}", ("default-graph-uri", D0))
    assert table(r) == [{"value": "1"}]


def test_query_content_type_ask(client):
    """query_content_type_ask: ``ASK {}`` by direct POST (no Accept header) is answered (2xx/3xx)
    in a media type for boolean results: SPARQL XML or JSON, or another valid one.

    Here also: the answer is true."""
    assert boolean(post_query(client, "ASK {}", ("default-graph-uri", D0))) is True


def test_query_content_type_describe(client):
    """query_content_type_describe: ``DESCRIBE <http://example.org/>`` by direct POST (no Accept
    header) is answered (2xx/3xx) in an RDF media type: RDF/XML, Turtle, N-Triples or another
    valid one.

    Here also: the body reads in that format, and holds nothing (data0.rdf does not mention
    that resource)."""
    r = post_query(client, "DESCRIBE <http://example.org/>", ("default-graph-uri", D0))
    assert triples(r) == []


def test_query_content_type_construct(client):
    """query_content_type_construct: ``CONSTRUCT { <s> <p> 1 } WHERE {}`` by direct POST (no
    Accept header) is answered (2xx/3xx) in an RDF media type: RDF/XML, Turtle, N-Triples or
    another valid one.

    Here also: the body reads in that format as one triple, its relative IRIs resolved against
    the service's base IRI (which the Protocol leaves to the service) and its object the integer 1."""
    r = post_query(client, "CONSTRUCT { <s> <p> 1 } WHERE {}", ("default-graph-uri", D0))
    [triple] = triples(r)
    assert "://" in triple.subject.value and triple.subject.value.endswith("s")
    assert "://" in triple.predicate.value and triple.predicate.value.endswith("p")
    assert triple.object == ox.Literal("1", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))


# -- negative tests: 4xx ------------------------------------------------------------------------

def test_bad_query_method(client):
    """bad_query_method: a query sent with PUT (query and default graph in the URL, a form
    Content-Type, no body) is refused with a 4xx, as only GET and POST carry queries.

    Here also: the error names the method and the ones to use, and Allow lists them."""
    r = client.put(url(("query", "ASK {}"), ("default-graph-uri", D0)),
                   headers={"content-type": "application/x-www-form-urlencoded"})
    refused(r, "PUT", "GET or POST")
    assert {"GET", "POST"} <= {m.strip() for m in r.headers["allow"].split(",")}


def test_bad_multiple_queries(client):
    """bad_multiple_queries: a GET with two ``query`` parameters (an ASK and a SELECT) is refused
    with a 4xx.

    Here also: the error says there are two queries and points at the ``query`` parameter."""
    body = refused(client.get(url(("query", "ASK {}"), ("query", "SELECT * {}"))), "two queries")
    assert body.get("parameter") == "query"


def test_bad_query_wrong_media_type(client):
    """bad_query_wrong_media_type: a POST of ``ASK {}`` with Content-Type text/plain (neither a
    form nor application/sparql-query) is refused with a 4xx.

    Here also: the error names the media type received and the two it accepts."""
    r = client.post(url(), content=b"ASK {}", headers={"content-type": "text/plain"})
    refused(r, "text/plain", "application/x-www-form-urlencoded", "application/sparql-query")


def test_bad_query_missing_form_type(client):
    """bad_query_missing_form_type: a POST whose body is URL-encoded (``query=ASK%20%7B%7D``) but
    that has no Content-Type (not application/x-www-form-urlencoded) is refused with a 4xx.

    Here also: the error says the Content-Type is missing and which ones to send."""
    r = client.post(url(), content=b"query=ASK%20%7B%7D")
    assert "content-type" not in r.request.headers  # as in the W3C request
    refused(r, "no Content-Type", "application/x-www-form-urlencoded")


def test_bad_query_missing_direct_type(client):
    """bad_query_missing_direct_type: a POST whose body is a query (``ASK {}``) but that has no
    Content-Type (not application/sparql-query) is refused with a 4xx.

    Here also: the error says the Content-Type is missing and which ones to send."""
    r = client.post(url(), content=b"ASK {}")
    assert "content-type" not in r.request.headers  # as in the W3C request
    refused(r, "no Content-Type", "application/sparql-query")


def test_bad_query_non_utf8(client):
    """bad_query_non_utf8: a direct POST of ``ASK {}`` encoded in UTF-16 (with its byte-order
    mark) and declared so (``application/sparql-query; charset=UTF-16``) is refused with a 4xx, as
    the Protocol allows only UTF-8.

    Here also: the error says the query must be UTF-8 and names the charset received."""
    body = "ASK {}".encode("utf-16")
    assert body[:2] in (b"\xff\xfe", b"\xfe\xff") and len(body) == 14
    r = client.post(url(), content=body, headers={"content-type": "application/sparql-query; charset=UTF-16"})
    refused(r, "UTF-8", "UTF-16")


def test_bad_query_syntax(client):
    """bad_query_syntax: a GET of the unfinished query ``ASK {`` is refused with a 4xx.

    Here also: the error is a syntax error and says where (line and column)."""
    body = refused(client.get(url(("query", "ASK {"))))
    assert body.get("title") == "query syntax error", body
    assert body.get("line") == 1 and isinstance(body.get("column"), int), body

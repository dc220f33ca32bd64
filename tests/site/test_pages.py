"""Dereferencing, content negotiation, pages, errors and caching, in process (TestClient)."""

from __future__ import annotations

import asyncio
import html
import re
from html.parser import HTMLParser
from urllib.parse import quote

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib import namespace as ns
from rdflib.compare import isomorphic

from kg.rdf import iris
from kg.site import tables
from kg import store
import corpus
from ld_fixtures import BASE, CHINA, INSTRUMENT, MOHRSS, OUTCOME, OUTCOME_GRAPH, TARGET_1_3, base_iris

KG = iris.vocab(BASE)
HTML = {"accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
RDF_TYPES = {
    "ttl": ("text/turtle", "turtle"),
    "jsonld": ("application/ld+json", "json-ld"),
    "nt": ("application/n-triples", "nt"),
    "rdf": ("application/rdf+xml", "xml"),
}
DOC = "/doc/organization/mohrss"


def parse(response, fmt: str) -> Graph:
    g = Graph()
    g.parse(data=response.content, format=RDF_TYPES[fmt][1])
    return g


class Page(HTMLParser):
    """The parts of a page the tests look at: headings, links, forms, anchors, images, scripts."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.headings: list[tuple[int, str]] = []
        self.links: list[tuple[str, str]] = []
        self.ids: set[str] = set()
        self.forms: list[dict] = []
        self.inputs: list[dict] = []
        self.images: list[dict] = []
        self.scripts = 0
        self._h: int | None = None
        self._a: str | None = None
        self._text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if re.fullmatch(r"h[1-6]", tag):
            self._h, self._text = int(tag[1]), []
        elif tag == "a" and "href" in a:
            self._a, self._text = a["href"], []
        elif tag == "form":
            self.forms.append(a)
        elif tag == "input":
            self.inputs.append(a)
        elif tag == "img":
            self.images.append(a)
        elif tag == "script":
            self.scripts += 1

    def handle_data(self, data):
        self._text.append(data)

    def handle_endtag(self, tag):
        text = " ".join("".join(self._text).split())
        if re.fullmatch(r"h[1-6]", tag) and self._h is not None:
            self.headings.append((self._h, text))
            self._h = None
        elif tag == "a" and self._a is not None:
            self.links.append((self._a, text))
            self._a = None

    def h1(self) -> str:
        return next(t for level, t in self.headings if level == 1)

    def hrefs(self) -> set[str]:
        return {h for h, _ in self.links}


def page(client, path: str) -> Page:
    r = client.get(path, headers=HTML)
    assert r.status_code == 200, (path, r.status_code, r.text[:300])
    assert r.headers["content-type"].startswith("text/html")
    return Page(r.text)


# -- dereferencing --------------------------------------------------------------------------

def test_thing_iri_answers_303_to_its_document(client) -> None:
    r = client.get("/id/organization/mohrss", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == DOC
    r = client.get("/id/organization/mohrss?format=ttl", follow_redirects=False)
    assert r.headers["location"] == f"{DOC}?format=ttl"
    r = client.get("/id/organization/mohrss.ttl", follow_redirects=False)
    assert r.headers["location"] == f"{DOC}.ttl"
    assert client.get("/id/organization/nobody", follow_redirects=False).status_code == 404


@pytest.mark.parametrize("fmt", sorted(RDF_TYPES))
def test_documents_negotiate_every_rdf_format(client, fmt: str) -> None:
    media_type = RDF_TYPES[fmt][0]
    r = client.get(DOC, headers={"accept": media_type})
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] == media_type
    assert r.headers["vary"] == "Accept"
    by_accept = parse(r, fmt)
    by_suffix = client.get(f"{DOC}.{fmt}")
    assert by_suffix.headers["content-type"].split(";")[0] == media_type
    by_param = client.get(f"{DOC}?format={fmt}")
    turtle = parse(client.get(f"{DOC}.ttl"), "ttl")
    assert isomorphic(by_accept, turtle)
    assert isomorphic(parse(by_suffix, fmt), turtle)
    assert isomorphic(parse(by_param, fmt), turtle)
    assert (URIRef(MOHRSS), URIRef(f"{KG}acronym"), Literal("MOHRSS")) in by_accept


def test_html_and_defaults(client) -> None:
    r = client.get(DOC, headers=HTML)
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    assert client.get(f"{DOC}.html").headers["content-type"].startswith("text/html")
    assert client.get(DOC, headers={"accept": "*/*"}).headers["content-type"].startswith("text/turtle")
    assert client.get(DOC).headers["content-type"].startswith("text/turtle")
    assert client.get(DOC, headers={"accept": "application/json"}).headers["content-type"] == "application/ld+json"
    r = client.get(DOC, headers={"accept": "image/png"})
    assert r.status_code == 406
    assert r.json()["ok"] is False and r.json()["status"] == 406


def test_the_document_has_incoming_links_and_neighbour_labels(client) -> None:
    g = parse(client.get(f"{DOC}.ttl"), "ttl")
    eli = ns.Namespace("http://data.europa.eu/eli/ontology#")
    assert (URIRef(INSTRUMENT), eli.passed_by, URIRef(MOHRSS)) in g, "incoming link"
    assert (URIRef(CHINA), ns.RDFS.label, Literal("China", lang="en")) in g, "label of a neighbour"
    assert g.value(URIRef(INSTRUMENT), ns.RDFS.label) is not None, "label of the incoming subject"
    doc = URIRef(f"{BASE}doc/organization/mohrss")
    assert (doc, ns.FOAF.primaryTopic, URIRef(MOHRSS)) in g
    assert (doc, ns.DCTERMS.source, URIRef(OUTCOME_GRAPH)) in g


def test_external_resources_have_documents(client) -> None:
    url = f"/about?iri={quote(TARGET_1_3, safe='')}"
    g = parse(client.get(url, headers={"accept": "text/turtle"}), "ttl")
    assert (URIRef(OUTCOME), URIRef(f"{KG}sdgTarget"), URIRef(TARGET_1_3)) in g
    assert g.value(URIRef(OUTCOME), ns.RDFS.label) is not None
    p = page(client, url)
    assert p.h1() == "Target 1.3"
    assert TARGET_1_3 in p.hrefs(), "the official IRI is linked out"
    assert client.get(f"/about?iri={quote(MOHRSS, safe='')}", follow_redirects=False).headers["location"] == DOC
    assert client.get("/about?iri=not-an-iri", headers=HTML).status_code == 400
    assert client.get(f"/about?iri={quote('http://example.org/nothing', safe='')}").status_code == 404


def test_every_iri_spkg_mints_answers(client, real_settings) -> None:
    minted = base_iris(real_settings)
    assert len(minted) > 500
    # Every outcome, record, body, instrument, event, study and code; of the many nodes of one
    # shape (evidence annotations: four IRIs a fact, over 3,000 in the corpus; qualified roles;
    # places; the 249 countries) the seed's all and a fixed sample of the others.
    def kind(iri: str) -> str:
        return iri[len(BASE):].split("/")[1] if iri.startswith(f"{BASE}id/") else ""

    every = {"annotation": 25, "attribution": 5, "association": 5, "statement": 5, "place": 5, "country": 5}
    sampled = [i for i in minted if kind(i) in every and "chn302" not in i and not i.endswith("/chn")]
    asked = sorted(set(minted) - set(sampled))
    for k, n in every.items():
        asked += sorted(i for i in sampled if kind(i) == k)[::n]
    failed = []
    for iri in asked:
        path = "/" + iri[len(BASE):].split("#")[0]
        r = client.get(path, headers=HTML, follow_redirects=True)
        if r.status_code != 200:
            failed.append((iri, r.status_code))
    assert not failed, failed[:10]


# -- errors -------------------------------------------------------------------------------

def test_unknown_iri_gets_a_404_page_that_suggests_search(client) -> None:
    r = client.get("/doc/organization/nobody", headers=HTML)
    assert r.status_code == 404
    p = Page(r.text)
    assert p.h1() == "Not found"
    search_inputs = [i for i in p.inputs if i.get("name") == "q" and i.get("value") == "nobody"]
    assert search_inputs, "the search box is filled with what was asked for"
    assert any(f.get("action") == "/search" for f in p.forms)
    r = client.get("/doc/organization/nobody", headers={"accept": "application/json"})
    assert r.status_code == 404
    assert r.json() == {"ok": False, "error": f"spkg has no resource {BASE}id/organization/nobody", "status": 404,
                        "title": "not found", "hint": "the search below looks through every label"}
    assert client.get("/doc/organization/nobody.ttl").headers["content-type"] == "application/json"


@pytest.mark.parametrize("path", [
    "/doc/organization/MOHRSS", "/doc/a/b/c", "/id/x", "/id/organization/mo%20hrss", "/doc/organization/-x",
    "/doc/organization/mohrss%00", "/graph/data/..x", "/shapes/Core",
])
def test_malformed_paths_are_400(client, path: str) -> None:
    r = client.get(path, headers={"accept": "application/json"})
    assert r.status_code == 400, (path, r.status_code)
    assert r.json()["ok"] is False


def _raw(client, path: str, raw: bytes) -> tuple[int, bytes]:
    """Send a path as is, bypassing the client's URL normalisation (.. segments)."""
    app = client.app
    messages: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        messages.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": path, "raw_path": raw, "query_string": b"", "root_path": "",
             "headers": [(b"host", b"testserver"), (b"accept", b"text/html")], "client": ("127.0.0.1", 1),
             "server": ("testserver", 80), "app": app}
    asyncio.run(app(scope, receive, send))
    start = next(m for m in messages if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
    return start["status"], body


@pytest.mark.parametrize("path, raw", [
    ("/doc/../../etc/passwd", b"/doc/../../etc/passwd"),
    ("/doc/../../etc/passwd", b"/doc/%2e%2e/%2e%2e/etc/passwd"),
    ("/id/../../etc/passwd", b"/id/../../etc/passwd"),
    ("/dumps/../pyproject.toml", b"/dumps/../pyproject.toml"),
    ("/dumps/../pyproject.toml", b"/dumps/..%2fpyproject.toml"),
    ("/-/static/../../../pyproject.toml", b"/-/static/../../../pyproject.toml"),
    ("/shapes/../../pyproject.toml", b"/shapes/../../pyproject.toml"),
    ("/graph/../../../etc/passwd", b"/graph/../../../etc/passwd"),
])
def test_path_traversal_is_refused(client, path: str, raw: bytes) -> None:
    status, body = _raw(client, path, raw)
    assert 400 <= status < 500, (path, status)
    assert b"[project]" not in body and b"root:" not in body
    r = client.get(raw.decode())   # and whatever the client makes of it
    assert 400 <= r.status_code < 500
    assert "[project]" not in r.text and "root:" not in r.text


# -- pages ---------------------------------------------------------------------------------

def test_pages_share_a_layout_with_navigation_and_footer(client) -> None:
    for path in ("/", "/outcomes", "/organizations", "/instruments", "/sdg-targets", DOC, "/def/kg", "/dumps/",
                 "/.well-known/void", "/shapes/core", "/search?q=china"):
        p = page(client, path)
        texts = {t for _, t in p.links}
        assert {"Home", "Outcomes", "Organizations", "Instruments", "SDG targets", "Query editor", "Download the data",
                "Ontology"} <= texts, path
        assert "/.well-known/void" in p.hrefs(), path
        assert "https://creativecommons.org/licenses/by/4.0/" in p.hrefs(), path
        assert [level for level, _ in p.headings].count(1) == 1, path
        assert p.scripts == 0, path
        assert all(img.get("alt") for img in p.images), path


def test_home_page_counts_and_latest_outcomes(client) -> None:
    p = page(client, "/")
    r = client.get("/", headers=HTML).text
    assert re.search(rf'<span class="n">{corpus.OUTCOMES}</span> <span class="what">outcomes</span>', r)
    assert re.search(rf'<span class="n">{len(corpus.COUNTRIES)}</span> <span class="what">countries</span>', r)
    assert re.search(rf'<span class="n">{len(corpus.SDG_TARGETS)}</span> <span class="what">SDG targets addressed</span>', r)
    assert "/doc/outcome/chn302-2021-07-16" in p.hrefs()
    assert {"/outcomes", "/organizations", "/instruments", "/sdg-targets"} <= p.hrefs()
    assert client.get("/", headers={"accept": "text/turtle"}, follow_redirects=False).headers["location"] == \
        "/.well-known/void"


def test_outcome_page_reads_like_the_record(client) -> None:
    p = page(client, "/doc/outcome/chn302-2021-07-16")
    h2 = [t for level, t in p.headings if level == 2]
    for heading in ("Outcome summary", "Outcome achieved", "The ILO's contribution", "Policy instrument",
                    "Organizations", "Research, surveys and events", "Gender equality and non-discrimination",
                    "SDG targets", "Themes", "Source record", "Mentioned by", "Where these facts come from"):
        assert heading in h2, heading
    assert h2.index("Outcome summary") < h2.index("Outcome achieved") < h2.index("The ILO's contribution")
    links = dict((text, href) for href, text in p.links)
    assert links["Guiding Opinions on Safeguarding the Labour Rights and Interests of Workers in New Employment Forms"] \
        == "/doc/instrument/chn-2021-07-16-guiding-opinions-new-employment-forms"
    assert links["Ministry of Human Resources and Social Security"] == DOC
    assert links["Target 1.3"] == f"/about?iri={quote(TARGET_1_3, safe='')}"
    assert links["China"] == "/doc/country/chn"
    assert "16 July 2021" in client.get("/doc/outcome/chn302-2021-07-16", headers=HTML).text
    assert "/graph/data/outcome-chn302" in p.hrefs(), "where the facts come from"
    assert "/doc/record/chn302-2021-07-16" in p.hrefs(), "the source record"
    assert "/doc/outcome/chn302-2021-07-16.ttl" in p.hrefs() and "/doc/outcome/chn302-2021-07-16.jsonld" in p.hrefs()
    sparql = [h for h in p.hrefs() if h.startswith("/sparql?")]
    assert sparql
    r = client.get(sparql[0], headers={"accept": "text/turtle"})
    assert r.status_code == 200, r.text
    g = Graph().parse(data=r.text, format="turtle")
    assert (URIRef(OUTCOME), URIRef(f"{KG}cpoCode"), Literal("CHN302")) in g


def test_resource_pages_link_the_click_path(client) -> None:
    instrument = page(client, "/doc/instrument/chn-2021-07-16-guiding-opinions-new-employment-forms")
    assert instrument.h1().startswith("Guiding Opinions")
    assert DOC in instrument.hrefs()
    mohrss = page(client, DOC)
    assert mohrss.h1() == "Ministry of Human Resources and Social Security"
    target = f"/about?iri={quote(TARGET_1_3, safe='')}"
    assert target in mohrss.hrefs()
    assert "/doc/outcome/chn302-2021-07-16" in page(client, target).hrefs()
    # external IRIs show their label, and are linked out
    outcome = page(client, "/doc/outcome/chn302-2021-07-16")
    assert ("http://metadata.un.org/sdg/1", "official IRI of Goal 1: No poverty (external) ↗") in outcome.links


def test_index_pages_and_filters(client) -> None:
    def outcomes(query: str) -> set[str]:
        return {h for h in page(client, f"/outcomes{query}").hrefs() if h.startswith("/doc/outcome/")}

    chn = "/doc/outcome/chn302-2021-07-16"
    pak = "/doc/outcome/pak226-2020-12-31"
    assert len(outcomes("")) == corpus.OUTCOMES  # the seed and the 40 published records, on one page
    for query in ("?country=chn", "?country=CHN", "?country=chn&sdg=3.8&theme=informal-economy&year=2021"):
        assert outcomes(query) == {chn}, query
    assert len(outcomes("?country=jor")) == corpus.outcomes_in("JOR") == 4
    assert {chn, pak} <= outcomes("?sdg=1.3") and len(outcomes("?sdg=1.3")) == corpus.with_target("1.3")
    assert chn in outcomes("?theme=old-age") and chn in outcomes("?year=2021")
    for query in ("?country=fra", "?sdg=8.5", "?year=1999"):
        assert outcomes(query) == set(), query
    for query in ("?year=later", "?sdg=x", "?country=%3Cx%3E"):
        assert client.get(f"/outcomes{query}", headers=HTML).status_code == 400, query

    orgs = page(client, "/organizations")
    assert {DOC, "/doc/organization/acftu", "/doc/organization/calss", "/doc/organization/ilo"} <= orgs.hrefs()
    assert "/doc/instrument/chn-2021-07-16-guiding-opinions-new-employment-forms" in page(client, "/instruments").hrefs()
    targets = client.get("/sdg-targets", headers=HTML).text
    assert targets.count('<tr class="hit">') == len(corpus.SDG_TARGETS)
    n = corpus.with_target("1.3")
    assert f'href="/outcomes?sdg=1.3" aria-label="{n} outcomes addressing target 1.3">{n}</a>' in targets
    assert len(re.findall(r"<tr", client.get("/sdg-targets?addressed=1", headers=HTML).text)) == \
        len(corpus.SDG_TARGETS) + 1


def test_search(client) -> None:
    p = page(client, "/search?q=mohrss")
    assert DOC in p.hrefs()
    assert page(client, "/search?q=" + "x" * 10).h1() == "Search"
    assert client.get("/search?q=" + "x" * 300, headers=HTML).status_code == 400


# -- ontology and shapes --------------------------------------------------------------------

def test_ontology_documents_every_class_and_property(client, real_settings) -> None:
    r = client.get("/def/kg", headers=HTML)
    text = r.text
    p = Page(text)
    ontology = Graph().parse(data=client.get("/def/kg.ttl").text, format="turtle")
    terms = {s for t in (ns.OWL.Class, ns.OWL.ObjectProperty, ns.OWL.DatatypeProperty)
             for s in ontology.subjects(ns.RDF.type, t) if str(s).startswith(str(KG))}
    assert len(terms) > 60
    for term in terms:
        local = str(term)[len(str(KG)):]
        assert local in p.ids, local
        label, comment = ontology.value(term, ns.RDFS.label), ontology.value(term, ns.RDFS.comment)
        assert label and comment, local
        section = text[text.index(f'id="{local}"'):]
        section = html.unescape(section[:section.index("</article>")])
        assert str(label) in section, local
        assert str(comment) in section, local
    section = text[text.index('id="cpoCode"'):]
    section = section[:section.index("</article>")]
    assert "/shapes/core#OutcomeShape-cpoCode" in section, "the shapes that constrain it"
    assert "Domain" in section and "/def/kg#Outcome" in section
    assert "CHN302" in section, "an example from the data"
    assert (URIRef(iris.ontology_iri(BASE)), ns.RDF.type, ns.OWL.Ontology) in ontology


def test_ontology_and_shapes_negotiate(client) -> None:
    assert client.get("/def/kg", headers={"accept": "text/turtle"}).headers["content-type"].startswith("text/turtle")
    assert client.get("/def/kg.jsonld").headers["content-type"] == "application/ld+json"
    assert client.get("/def/kg/2026-12-05", headers=HTML).status_code == 200  # the dated owl:versionIRI
    assert client.get("/def/kg/9.9.9", headers=HTML).status_code == 404
    assert client.get("/def/other", headers=HTML).status_code == 404
    p = page(client, "/shapes/core")
    assert "OutcomeShape" in p.ids and "OutcomeShape-cpoCode" in p.ids
    g = Graph().parse(data=client.get("/shapes/core", headers={"accept": "text/turtle"}).text, format="turtle")
    assert (URIRef(f"{BASE}shapes/core#OutcomeShape"), ns.RDF.type, ns.SH.NodeShape) in g
    assert client.get("/shapes/nothing", headers=HTML).status_code == 404
    assert {"/shapes/core", "/shapes/ranges", "/shapes/vocabularies", "/shapes/recommended"} <= page(client, "/shapes/").hrefs()


def test_named_graphs_answer(client, real_settings) -> None:
    manifest = store.read_manifest(real_settings)
    r = client.get("/graph/data/outcome-chn302.nt")
    assert len(Graph().parse(data=r.text, format="nt")) == manifest["graphs"][OUTCOME_GRAPH]
    p = page(client, "/graph/data/outcome-chn302")
    assert "data/outcome-chn302.ttl" in p.h1()
    assert client.get("/graph/data/nothing", headers=HTML).status_code == 404


# -- caching ------------------------------------------------------------------------------------

@pytest.mark.parametrize("path, headers", [
    ("/", HTML), ("/outcomes?sdg=1.3", HTML), (DOC, HTML), (DOC, {"accept": "text/turtle"}), (f"{DOC}.jsonld", {}),
    ("/def/kg", HTML), ("/.well-known/void", {"accept": "text/turtle"}), ("/dumps/", HTML),
])
def test_etag_and_conditional_get(client, real_settings, path: str, headers: dict) -> None:
    from kg.store import current_version

    r = client.get(path, headers=headers)
    assert r.status_code == 200
    tag = r.headers["etag"]
    assert tag.startswith(f'W/"{current_version(real_settings).name}-')
    assert r.headers["cache-control"] == "public, no-cache"
    assert r.headers["last-modified"].endswith("GMT")
    again = client.get(path, headers={**headers, "if-none-match": tag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == tag
    assert client.get(path, headers={**headers, "if-none-match": tag[2:]}).status_code == 304, "weak comparison"
    assert client.get(path, headers={**headers, "if-none-match": '"other", ' + tag}).status_code == 304
    assert client.get(path, headers={**headers, "if-none-match": '"other"'}).status_code == 200
    since = client.get(path, headers={**headers, "if-modified-since": r.headers["last-modified"]})
    assert since.status_code == 304
    # A date past the server's clock is invalid and ignored (RFC 9110 13.1.3; thirteenth #16 probe, C1).
    future = client.get(path, headers={**headers, "if-modified-since": "Fri, 31 Dec 9999 23:59:59 GMT"})
    assert future.status_code == 200 and future.content


def test_etags_differ_by_format_and_version(client) -> None:
    from datetime import datetime, timezone

    from kg.store import Version
    from kg.web import caching

    tags = {client.get(DOC, headers={"accept": t}).headers["etag"] for t, _ in RDF_TYPES.values()}
    tags.add(client.get(DOC, headers=HTML).headers["etag"])
    assert len(tags) == 5
    v1 = Version("2026-01-01-aaaaaaaa", datetime(2026, 1, 1, tzinfo=timezone.utc), "sha256:aa", BASE)
    v2 = Version("2026-01-02-bbbbbbbb", datetime(2026, 1, 2, tzinfo=timezone.utc), "sha256:bb", BASE)
    assert caching.etag(v1, "/x") != caching.etag(v2, "/x")
    assert caching.query_etag(v1, "ASK {}", "application/sparql-results+json", None) != \
        caching.query_etag(v1, "ASK {}", "text/csv", None)
    assert caching.matches("*", caching.etag(v1, "/x"))
    assert not caching.matches(None, caching.etag(v1, "/x"))


def test_head_and_static_files(client) -> None:
    r = client.head(DOC, headers=HTML)
    assert r.status_code == 200 and r.headers["etag"]
    css = client.get("/-/static/spkg.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert client.get("/-/static/spkg.css", headers={"if-none-match": css.headers["etag"]}).status_code == 304
    assert client.get("/-/static/logo.svg").headers["content-type"] == "image/svg+xml"
    assert client.get("/-/static/other.css").status_code == 404


def test_the_endpoint_routes_are_not_shadowed(client) -> None:
    assert client.get("/-/health").json()["ok"] is True
    r = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}, headers={"accept": "application/sparql-results+json"})
    assert r.status_code == 200 and r.json()["boolean"] is True


def test_long_index_pages_come_a_page_at_a_time(real_settings, monkeypatch) -> None:
    from fastapi.testclient import TestClient

    from kg.web.app import create_app
    from kg.web import pages

    with TestClient(create_app(real_settings)) as whole:
        everyone = [h for h in page(whole, "/organizations").hrefs() if h.startswith("/doc/organization/")]
    assert len(everyone) >= 4
    monkeypatch.setattr(pages, "PAGE_SIZE", 2)
    with TestClient(create_app(real_settings)) as client:
        seen, path, visited = [], "/organizations", []
        while path:
            text = client.get(path, headers=HTML).text
            visited.append(path)
            on_page = [h for h in Page(text).hrefs() if h.startswith("/doc/organization/")]
            seen += on_page
            nxt = re.search(r'<a rel="next" href="([^"]+)"', text)
            if nxt:
                assert len(set(on_page)) == 2, path  # full pages but the last
            path = html.unescape(nxt.group(1)) if nxt else None
        assert sorted(seen) == sorted(everyone) and len(seen) == len(set(seen))
        pages_n = -(-len(everyone) // 2)
        assert visited == ["/organizations"] + [f"/organizations?page={n}" for n in range(2, pages_n + 1)]
        last = client.get(visited[-1], headers=HTML).text
        assert f"Page {pages_n} of {pages_n}" in last and 'rel="prev"' in last
        assert client.get("/organizations?page=1", headers=HTML).text == client.get("/organizations", headers=HTML).text
        beyond = client.get(f"/organizations?page={pages_n + 1}", headers=HTML)
        assert beyond.status_code == 404 and f"has {pages_n} pages" in beyond.text
        for bad in ("0", "two", "-1", "1e3"):
            r = client.get(f"/instruments?page={bad}", headers={"accept": "application/json"})
            assert r.status_code == 400 and r.json()["parameter"] == "page", bad


def test_browsers_get_pages_where_programs_get_json(client) -> None:
    # The #19 audit: browsers got raw JSON for unknown paths, for /api and from the dashboard's "API" links.
    browser = {"accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
    missing = client.get("/no-such-page", headers=browser)
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("text/html")
    assert "Home" in {t for _, t in Page(missing.text).links}  # in the site's layout
    assert client.get("/no-such-page").json()["status"] == 404  # a program: the JSON error
    assert client.get("/-/no-such-thing", headers=browser).headers["content-type"].startswith("application/json")
    wrong = client.delete("/outcomes", headers=browser)
    assert wrong.status_code == 405 and wrong.headers["allow"] and wrong.headers["content-type"].startswith("text/html")

    assert client.get("/api", headers=browser, follow_redirects=False).headers["location"] == "/docs"
    assert client.get("/api", follow_redirects=False).headers["location"] == "/api/queries"
    r = client.get("/api/queries/list-outcomes-by-region", params={"region": "Asia"}, headers=browser,
                   follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/query?name=list-outcomes-by-region&region=Asia"
    form = client.get(r.headers["location"], headers=browser)
    assert form.status_code == 200 and "<table" in form.text
    assert client.get("/api/queries/list-outcomes-by-region", params={"region": "Asia"}).json()["rows"] is not None


def test_search_finds_outcomes_by_the_words_of_their_text(client) -> None:
    # The #19 audit: "pension" found a policy-area label but not the outcome about pension insurance.
    text = client.get("/search", params={"q": "Pension"}, headers=HTML).text
    said = text[text.index("whose text says"):]
    assert 'href="/doc/outcome/chn302-2021-07-16"' in said
    assert "<mark>pension</mark> insurance" in said  # the words around it, the match marked
    nothing = client.get("/search", params={"q": "no outcome says zqxv"}, headers=HTML).text
    assert "0 outcomes whose text says" in nothing


def test_the_outcomes_list_downloads_as_csv_with_its_filters(client) -> None:
    # The #19 audit: an analyst who does not read RDF could not download the data.
    import csv
    import io

    listed = client.get("/outcomes", params={"sdg": "1.3"}, headers=HTML).text
    link = html.unescape(re.search(r'<a href="(/outcomes\.csv[^"]*)" download>', listed).group(1))
    assert link == "/outcomes.csv?sdg=1.3"
    r = client.get(link)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == corpus.with_target("1.3") and all("1.3" in row["sdg_targets"].split("; ") for row in rows)
    china = next(row for row in rows if row["code"] == "CHN302")
    assert china["country"] == "China" and china["iri"].endswith("/id/outcome/chn302-2021-07-16")
    whole = list(csv.DictReader(io.StringIO(client.get("/outcomes.csv").text)))
    assert len(whole) == corpus.OUTCOMES
    assert client.get("/outcomes.csv", params={"country": "no such"}).status_code == 400


def test_the_sites_aggregates_run_in_the_query_workers_and_stop_at_the_timeout(real_settings) -> None:
    # The fifth #16 probe: a partner's graph made the counts of /organizations and the home page's
    # charts join hundreds of millions of rows in the HTTP process, for minutes, with nothing to stop them.
    import dataclasses

    from fastapi.testclient import TestClient

    from kg.errors import QueryTimeout
    from kg.web.app import create_app

    settings = dataclasses.replace(real_settings, query_timeout=1.0)
    endless = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    with TestClient(create_app(settings)) as client:
        ctx = client.app.spkg.site.context()
        assert ctx.bounded is not None
        with pytest.raises(QueryTimeout):
            ctx.run(endless, aggregate=True)
        counts = ctx.rows("dashboard-counts", aggregate=True)  # what the workers answer, as the store would
        assert counts == ctx.rows("dashboard-counts")
        assert client.get("/-/health").json()["ok"] is True and client.get("/", headers=HTML).status_code == 200


def _workbook(body: bytes):
    import io

    import openpyxl
    return openpyxl.load_workbook(io.BytesIO(body), read_only=True)


def test_the_outcomes_list_downloads_as_a_spreadsheet_with_its_filters(client) -> None:
    listed = client.get("/outcomes", params={"sdg": "1.3"}, headers=HTML).text
    link = html.unescape(re.search(r'<a href="(/outcomes\.xlsx[^"]*)" download>', listed).group(1))
    assert link == "/outcomes.xlsx?sdg=1.3"
    r = client.get(link)
    assert r.status_code == 200 and r.headers["content-type"] == tables.XLSX_MEDIA_TYPE
    assert r.headers["content-disposition"] == 'attachment; filename="spkg-outcomes.xlsx"'
    book = _workbook(r.content)
    assert book.sheetnames == ["Outcomes", "About"]
    rows = list(book["Outcomes"].iter_rows(values_only=True))
    assert rows[0] == tables.OUTCOME_COLUMNS and len(rows) - 1 == corpus.with_target("1.3")
    china = next(dict(zip(rows[0], row)) for row in rows[1:] if row[1] == "CHN302")
    assert china["country"] == "China" and china["iri"].endswith("/id/outcome/chn302-2021-07-16")
    about = dict(book["About"].iter_rows(values_only=True))
    assert about["The list online"].endswith("/outcomes?sdg=1.3") and about["Dataset version"]
    # a second request of the same version: 304, as for every page
    assert client.get(link, headers={"if-none-match": r.headers["etag"]}).status_code == 304
    assert client.get("/outcomes.xlsx", params={"year": "20x1"}).status_code == 400
    spanned = _workbook(client.get("/outcomes.xlsx", params={"year": "2020-2021", "theme": "x.xlsx"}).content)
    assert dict(spanned["About"].iter_rows(values_only=True))["The list online"].endswith(
        "/outcomes?year=2020-2021&theme=x.xlsx")


@pytest.mark.parametrize("name, page, first_column", [
    ("organizations", "/organizations", "name"), ("instruments", "/instruments", "title"),
    ("sdg-targets", "/sdg-targets", "target")])
def test_each_list_downloads_as_csv_and_spreadsheet_with_the_rows_of_its_page(client, name, page,
                                                                              first_column) -> None:
    import csv
    import io

    shown = client.get(page, headers=HTML).text
    assert f'href="/{name}.xlsx" download' in shown and f'href="/{name}.csv" download' in shown
    caption = int(re.search(r"<caption>(\d+)", shown).group(1))
    as_csv = list(csv.reader(io.StringIO(client.get(f"/{name}.csv").text)))
    as_xlsx = list(_workbook(client.get(f"/{name}.xlsx").content)[
        {"organizations": "Organizations", "instruments": "Policy instruments", "sdg-targets": "SDG targets"}[name]
    ].iter_rows(values_only=True))
    assert as_csv[0][0] == first_column and list(as_xlsx[0]) == as_csv[0]
    assert len(as_csv) == len(as_xlsx) >= caption + 1   # organizations: the joint bodies come too
    # numbers are numbers in the workbook, text stays text
    outcomes = as_csv[0].index("outcomes")
    assert all(isinstance(row[outcomes], int) for row in as_xlsx[1:])
    assert all(isinstance(row[-1], str) and row[-1].startswith("http") for row in as_xlsx[1:])


def test_a_label_that_looks_like_a_formula_stays_text_in_the_spreadsheet() -> None:
    """A partner's label '=HYPERLINK(…)' must not become a formula when the file is opened."""
    table = tables.Table("t", "T", ("name", "n"), [["=HYPERLINK(\"http://evil/\",\"x\")", 1], ["+1", 2],
                                                   ["bell \x07 and \ufffe", 3]])
    sheet = _workbook(tables.as_xlsx(table, [("About", "test")]))["T"]
    cells = list(sheet.iter_rows())
    assert [c.value for c in cells[1]] == ['=HYPERLINK("http://evil/","x")', 1] and cells[2][0].value == "+1"
    assert [c.data_type for c in cells[1]] == ["s", "n"], "text, not a formula ('f')"
    assert cells[3][0].value.startswith("bell ")


def test_a_csv_cell_a_spreadsheet_would_read_as_a_formula_stays_text() -> None:
    # The eleventh #16 probe: a partner's label '=HYPERLINK("http://evil/","x")' landed as is in /sdg-targets.csv.
    import csv
    import io

    from kg.site.tables import Table, as_csv

    table = Table("t", "T", ("label", "n"), [['=HYPERLINK("http://evil/","x")', 1], ["+1 on this", "-2"],
                                             ["@SUM(A1)", "Ministry"]])
    rows = list(csv.reader(io.StringIO(as_csv(table))))
    assert rows[1:] == [["'=HYPERLINK(\"http://evil/\",\"x\")", "1"], ["'+1 on this", "-2"], ["'@SUM(A1)", "Ministry"]]


def test_pages_are_made_on_the_clients_query_time_budget(real_settings) -> None:
    # The eleventh #16 probe: a document of 5,200 partner links took 4.7 s a view, and six visitors on it
    # slowed every other page; pages had no budget, unlike /sparql. A page is queries too.
    from fastapi.testclient import TestClient

    from kg.web.app import create_app

    app = create_app(real_settings)
    with TestClient(app) as c:
        assert c.get("/doc/outcome/chn302-2021-07-16", headers={"accept": "text/html"}).status_code == 200
        assert app.spkg.budget.used("testclient") > 0  # the page's time was charged
        app.spkg.budget.charge("testclient", 10_000)
        for accept in ("text/html", "text/turtle"):
            r = c.get("/doc/outcome/chn302-2021-07-16?v=again", headers={"accept": accept})
            assert r.status_code == 429 and int(r.headers["retry-after"]) > 0, accept


def test_search_is_admitted_on_the_budget_before_it_runs_and_its_queries_are_the_clients(real_settings,
                                                                                         monkeypatch) -> None:
    # The thirteenth #16 probe: /search ran its aggregates before the page's budget was checked, as the
    # server's own queries: one address ran 48 searches of 2.4 s in 19 s with no 429.
    from fastapi.testclient import TestClient

    from kg.query import budget
    from kg.site import views
    from kg.web.app import create_app

    searched = []
    search = views.search
    monkeypatch.setattr(views, "search", lambda ctx, q: searched.append(q) or search(ctx, q))
    app = create_app(real_settings)
    clients = []
    run = app.spkg.executor.run

    async def metered_run(*args, **kwargs):
        if "pension" in str(kwargs.get("substitutions")):  # the search's (the warmer's are the server's own)
            meter = kwargs.get("meter") or budget.current()
            clients.append(meter.client if meter is not None else "")
        return await run(*args, **kwargs)

    monkeypatch.setattr(app.spkg.executor, "run", metered_run)
    with TestClient(app) as c:
        assert c.get("/search", params={"q": "pension"}).status_code == 200
        assert searched == ["pension"] and clients and set(clients) == {"testclient"}, clients
        app.spkg.budget.charge("testclient", 10_000)
        r = c.get("/search", params={"q": "social"})
        assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
        assert searched == ["pension"]  # refused before it ran


def test_a_page_that_took_long_is_kept_for_the_next_visitor(real_settings, monkeypatch) -> None:
    from fastapi.testclient import TestClient

    from kg.publish import ld
    from kg.web import caching
    from kg.web.app import create_app

    made = []
    describe = ld.describe
    monkeypatch.setattr(ld, "describe", lambda *a, **k: made.append(a[1]) or describe(*a, **k))
    monkeypatch.setattr(caching, "COSTLY_PAGE", 0.0)  # as if every page were costly
    with TestClient(create_app(real_settings)) as c:
        first = c.get("/doc/outcome/chn302-2021-07-16?v=kept", headers={"accept": "text/html"})
        again = c.get("/doc/outcome/chn302-2021-07-16?v=kept", headers={"accept": "text/html"})
        assert first.status_code == again.status_code == 200 and first.text == again.text
        assert len(made) == 1 and first.headers["etag"] == again.headers["etag"]
        c.get("/doc/outcome/chn302-2021-07-16?v=kept", headers={"accept": "text/turtle"})
        assert len(made) == 2  # another format is another body

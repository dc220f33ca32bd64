"""Security headers on real responses: a CSP without inline script on every kind of page,
nosniff on everything (``/sparql``'s fast path included), no inline script or style in the
HTML, and, in Chromium with JavaScript on, not one CSP violation while the pages work."""

from __future__ import annotations

import re

import pytest
from chromium import ARGS, CHROMIUM, NEEDS_CHROMIUM, playwright_api
from http_fixtures import live_server

from kg.web import security

HTML = {"accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}

#: One URL per kind of page (and an HTML error page).
PAGES = [
    "/",                                                    # dashboard
    "/outcomes", "/organizations", "/instruments", "/sdg-targets", "/search?q=china",   # index pages
    "/doc/outcome/chn302-2021-07-16",                       # a resource page
    "/id/organization/nope-not-here",                       # an HTML 404
    "/def/kg", "/shapes/", "/dumps/",                       # ontology, shapes, dumps
    "/query", "/query?query=ASK%20%7B%7D", "/query?name=list-outcomes-by-region",   # editor, canned form
    "/docs",                                                # the API page
]

#: Responses that are not pages: they must still carry nosniff.
OTHERS = [
    ("GET", "/sparql?query=ASK%20%7B%7D", {"accept": "application/sparql-results+json"}),
    ("GET", "/sparql?query=SELECT", {}),                    # an error from the fast path
    ("GET", "/sparql", {"accept": "text/turtle"}),          # the service description
    ("OPTIONS", "/sparql", {"origin": "http://x.example", "access-control-request-method": "POST"}),
    ("OPTIONS", "/api/queries", {"origin": "http://x.example", "access-control-request-method": "GET"}),
    ("GET", "/api/queries", {}),
    ("GET", "/api/queries/list-outcomes-by-region.csv?region=Asia", {}),
    ("GET", "/doc/outcome/chn302-2021-07-16.ttl", {}),
    ("GET", "/-/static/spkg.css", {}),
    ("GET", "/-/static/editor.js", {}),
    ("GET", "/-/health", {}),
    ("GET", "/-/metrics", {}),
    ("GET", "/no/such/path", {}),
]


def directives(csp: str) -> dict[str, list[str]]:
    out = {}
    for part in csp.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_a_strict_csp_and_the_other_headers(client, path):
    r = client.get(path, headers=HTML, follow_redirects=True)
    assert r.headers["content-type"].startswith("text/html"), (path, r.status_code, r.headers["content-type"])
    csp = directives(r.headers["content-security-policy"])
    assert csp["script-src"] == ["'self'"], csp
    # the editor (YASGUI) also allows one fixed stylesheet, by its hash: see security.EDITOR_CSP
    loads_yasgui = path.startswith("/query") and "name=" not in path
    assert csp["style-src"] == ["'self'"] + ([security.YASGUI_COLUMN_RESIZER_STYLE] if loads_yasgui else []), csp
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["default-src"] == ["'none'"] and csp["base-uri"] == ["'none'"]
    assert not any("unsafe" in v for values in csp.values() for v in values)
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["referrer-policy"] == "same-origin"
    assert r.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("path", PAGES)
def test_pages_hold_no_inline_script_or_style(client, path):
    text = client.get(path, headers=HTML, follow_redirects=True).text
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text, re.I), "an inline <script>"
    assert not re.search(r"<style\b", text, re.I), "an inline <style> block"
    assert not re.search(r"<[^>]+\sstyle\s*=", text, re.I), "a style attribute"
    assert not re.search(r"<[^>]+\son[a-z]+\s*=", text, re.I), "an inline event handler"
    assert "javascript:" not in text.lower()


@pytest.mark.parametrize("method,path,headers", OTHERS)
def test_every_other_response_has_nosniff(client, method, path, headers):
    r = client.request(method, path, headers=headers)
    assert r.headers["x-content-type-options"] == "nosniff", (method, path, r.status_code)
    assert r.headers.get("access-control-allow-origin") == "*"


def test_sparql_fast_path_adds_nosniff_once(client):
    r = client.get("/sparql", params={"query": "ASK {}"}, headers={"accept": "application/sparql-results+json"})
    assert r.headers.get_list("x-content-type-options") == ["nosniff"]
    page = client.get("/sparql", headers=HTML)  # sent to the editor, a page of the site
    assert page.headers.get_list("content-security-policy") == [security.EDITOR_CSP]  # one policy, the editor's


# -- in a real browser, JavaScript on -------------------------------------------------------

@pytest.mark.slow
@NEEDS_CHROMIUM
def test_no_csp_violation_in_chromium_and_the_editor_still_works(real_settings):
    sync_api = playwright_api()

    from kg.web.app import create_app

    with live_server(create_app(real_settings)) as url, sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            context = browser.new_context()
            # Violations raise a DOM event on the document; collect them from the first script on.
            context.add_init_script("window.__csp = []; document.addEventListener('securitypolicyviolation',"
                                    " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));")
            page = context.new_page()
            console = []
            page.on("console", lambda m: console.append(m.text) if m.type in ("error", "warning") else None)
            for path in PAGES:
                page.goto(url + path)
                page.wait_for_load_state("load")
                assert page.evaluate("window.__csp") == [], path
            page.goto(url + "/query")
            page.wait_for_selector(".yasqe .CodeMirror")  # YASGUI runs
            page.click("a.example[data-name=list-outcomes-by-sdg-target]")
            page.wait_for_function("() => document.querySelectorAll('.yasgui .tabsList .tab').length >= 2")  # a function: a string would be eval'd, which the page's CSP refuses
            page.locator(".tabPanel.active .yasqe_queryButton").click()
            page.wait_for_selector(".tabPanel.active .yasr table.dataTable tbody tr td")  # the table, its <style>
            assert page.evaluate("window.__csp") == []
            refused = [m for m in console if "Content Security Policy" in m or "Refused to" in m]
            assert not refused, refused
        finally:
            browser.close()

"""/quality: what validation found, per data file and outcome, as HTML and JSON, from the report
`kg build` kept (tests/support/quality_fixture.py plants one fault per quality rule)."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import external
import pytest
import quality_fixture
from chromium import NEEDS_CHROMIUM
from fastapi.testclient import TestClient
from http_fixtures import live_server
from quality_fixture import ID, PLANTED, PLANTED_FILE

from kg import config
from kg.errors import ValidationFailed
from kg.site.quality import quality_view
from kg.store import current_version
from kg.validate import stored
from kg.validate.stored import Kept
from kg.web.app import create_app
from kg.write.build import build

HTML = {"accept": "text/html"}
JSON = {"accept": "application/json"}


def _settings(project: Path) -> config.Settings:
    return config.load_settings(environ={}, project_dir=str(project),
                                **external.store_settings(project / ".kg" / "store", session=True))


@pytest.fixture(scope="module")
def warned(tmp_path_factory) -> config.Settings:
    """The faulty project built, its near-duplicate rule made a warning so that the build goes through."""
    project = quality_fixture.make(tmp_path_factory.mktemp("quality") / "project")
    quality_fixture.plant(project)
    rule = project / "shapes" / "rules" / "near-duplicate-labels.rq"
    rule.write_text(rule.read_text(encoding="utf-8").replace("#+ severity: violation", "#+ severity: warning"),
                    encoding="utf-8")
    settings = _settings(project)
    build(settings)
    return settings


@pytest.fixture(scope="module")
def quality_client(warned):
    with TestClient(create_app(warned)) as c:
        yield c


class Tables(HTMLParser):
    """Each table's caption and the scope of its header cells."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[dict] = []
        self._in_caption = False

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append({"caption": "", "th": []})
        elif tag == "caption":
            self._in_caption = True
        elif tag == "th" and self.tables:
            self.tables[-1]["th"].append(dict(attrs).get("scope"))

    def handle_endtag(self, tag):
        if tag == "caption":
            self._in_caption = False

    def handle_data(self, data):
        if self._in_caption:
            self.tables[-1]["caption"] += data


def test_the_page_lists_the_findings_per_file_worst_first(quality_client):
    r = quality_client.get("/quality", headers=HTML)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    page = r.text
    total = sum(len(v) for v in PLANTED.values()) + 1  # one finding per planted node, and a SHACL warning
    assert f"{total} findings to check</strong>:\n0 violations,\n{total} warnings" in page
    assert page.index(f"<h2 id=\"file-1-h\">{PLANTED_FILE}</h2>") < page.index("data/outcome-vnm-a.ttl</h2>")
    for rule, nodes in PLANTED.items():
        assert f"<code>{rule}</code>" in page
        for iri in nodes:
            assert f'href="/doc/{iri.removeprefix(ID)}"' in page, iri
    assert 'href="/doc/outcome/raf-b">RAF904 (2017): a regional maternity protection paper</a>' in page
    assert "Another organization has the same name" in page and "Add an rdfs:comment" in page
    assert 'href="/shapes/core#OutcomeShape-comment"' in page  # a SHACL finding links to its shape
    assert "for this dataset version" in page


def test_the_tables_have_captions_and_header_cells(quality_client):
    parser = Tables()
    parser.feed(quality_client.get("/quality", headers=HTML).text)
    assert len(parser.tables) >= 3  # the rules, and one per file with findings
    for table in parser.tables:
        assert table["caption"].strip(), table
        assert table["th"] and all(scope == "col" for scope in table["th"]), table


def test_the_footer_links_the_page(quality_client):
    assert 'href="/quality"' in quality_client.get("/outcomes", headers=HTML).text


def test_json_by_negotiation(quality_client):
    r = quality_client.get("/quality", headers=JSON)
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    assert r.headers["vary"] == "Accept"
    data = r.json()
    assert data["status"]["state"] == "current" and data["totals"]["violations"] == 0
    assert data["totals"]["from_rules"] == sum(len(v) for v in PLANTED.values())
    first = data["groups"][0]
    assert first["file"] == PLANTED_FILE and first["graph"] == f"{quality_fixture.BASE}graph/data/outcome-raf-b"
    assert first["outcomes"] == [{"iri": f"{ID}outcome/raf-b", "label": "RAF904 (2017): a regional maternity "
                                  "protection paper", "href": "/doc/outcome/raf-b"}]
    paper = next(f for f in first["findings"] if f["focus_node"] == f"<{ID}instrument/raf-maternity-paper>")
    assert paper["check"] == "shapes/rules/instrument-without-date.rq" and paper["rule"]
    assert paper["href"] == "/doc/instrument/raf-maternity-paper" and paper["line"] and "shown" not in paper
    assert quality_client.get("/quality?format=json").json() == data
    again = quality_client.get("/quality", headers={**JSON, "if-none-match": r.headers["etag"]})
    assert again.status_code == 304


def test_a_refused_build_shows_what_refused_it(tmp_path):
    project = quality_fixture.make(tmp_path / "project")
    settings = config.load_settings(environ={}, project_dir=str(project),
                                    **external.store_settings(project / ".kg" / "store"))
    build(settings)
    version = current_version(settings).name
    quality_fixture.plant(project)
    with pytest.raises(ValidationFailed):
        build(settings)
    with TestClient(create_app(settings)) as c:
        page = c.get("/quality", headers=HTML).text
        data = c.get("/quality", headers=JSON).json()
    assert "kg build refused the data" in page and version in page
    assert "A file the store does not hold" in page  # the planted record never reached the store
    assert data["status"]["state"] == "refused" and data["totals"]["violations"] == 4
    first = data["groups"][0]["findings"][0]
    assert first["severity"] == "violation" and first["check"] == "shapes/rules/near-duplicate-labels.rq"


def test_without_validation_there_is_no_report(tmp_path):
    project = quality_fixture.make(tmp_path / "project")
    settings = config.load_settings(environ={}, project_dir=str(project),
                                    **external.store_settings(project / ".kg" / "store"))
    build(settings, validate=False)
    with TestClient(create_app(settings)) as c:
        r = c.get("/quality", headers=HTML)
        data = c.get("/quality", headers=JSON).json()
    assert r.status_code == 200 and "built without validation" in r.text
    assert data["status"]["state"] == "none" and data["groups"] == []


def test_a_report_of_other_data_says_so(warned, quality_client):
    """After kg ingest or a partner write the store moves on; the kept report is then of older data."""
    kept = stored.read(warned)
    moved = Kept(kept.report, "sha256:" + "0" * 64, kept.validated_at)
    site = quality_client.app.spkg.site
    view = quality_view(site.context(), moved, site.version())
    assert view["status"]["state"] == "stale" and "Run `kg build`" in view["status"]["note"]
    assert view["totals"] == quality_view(site.context(), kept, site.version())["totals"]


# -- in a browser ------------------------------------------------------------------------------------

NARROW = """() => ({
  wide: document.documentElement.scrollWidth, width: document.documentElement.clientWidth,
  h1: document.querySelectorAll('h1').length,
  heads: [...document.querySelectorAll('h1,h2,h3')].map(h => +h.tagName[1]),
  uncaptioned: [...document.querySelectorAll('table')].filter(t => !t.caption || !t.caption.textContent.trim()).length,
})"""


@pytest.mark.slow
@NEEDS_CHROMIUM
def test_the_page_fits_a_phone(warned, browser, tmp_path):
    from test_browser import audit  # the audit every page passes (tests/site/test_browser.py)

    with live_server(create_app(warned)) as url:
        page = browser.new_context(viewport={"width": 375, "height": 800}, java_script_enabled=False).new_page()
        try:
            assert page.goto(url + "/quality").status == 200
            audit(page)  # the site's accessibility checks: headings, alt text, link text, contrast
            seen = page.evaluate(NARROW)
            assert seen["wide"] <= seen["width"] == 375, "the page scrolls sideways at 375 px"
            assert seen["h1"] == 1 and seen["uncaptioned"] == 0
            assert all(b <= a + 1 for a, b in zip(seen["heads"], seen["heads"][1:])), seen["heads"]
            page.get_by_role("link", name=PLANTED_FILE).first.click()
            assert page.url.endswith("#file-1")
        except BaseException:
            page.screenshot(path=str(tmp_path / "quality.png"), full_page=True)
            print(f"screenshot of the failing page: {tmp_path / 'quality.png'}")
            raise
        finally:
            page.context.close()

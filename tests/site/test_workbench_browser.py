"""The workbench in a real headless browser: dashboard, editor, results, errors.

Same set-up as tests/site/test_browser.py (Debian's chromium through Playwright, a
real uvicorn server over the project's store: ``browser`` and ``live_site`` in
tests/site/conftest.py). The dashboard with JavaScript on; the editor's plain form and server-drawn
table with JavaScript off (YASGUI, which takes the form's place when JavaScript runs, is tested in
tests/site/test_editor_yasgui_browser.py). A screenshot is saved into a
temporary folder when a check fails.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import corpus
from chromium import NEEDS_CHROMIUM

pytestmark = [pytest.mark.slow, NEEDS_CHROMIUM]
pytest.importorskip("playwright.sync_api", reason="pip install playwright")


@pytest.fixture(params=[True], ids=["js"])
def page(browser, tmp_path_factory, request):
    context = browser.new_context(accept_downloads=True, java_script_enabled=request.param)
    p = context.new_page()
    failures = request.session.testsfailed
    yield p
    if request.session.testsfailed > failures:  # the call phase failed (its report is logged before teardown)
        folder = tmp_path_factory.mktemp("screenshots")
        shot = folder / f"{request.node.name}.png"
        try:
            p.screenshot(path=str(shot), full_page=True)
            print(f"screenshot: {shot}")
        except Exception:  # pragma: no cover - the page is gone
            pass
    context.close()


def test_home_page_shows_the_charts(page, live_site) -> None:
    page.goto(live_site + "/")
    charts = page.locator("figure.chart ol.bars")
    assert charts.count() == 4   # SDG targets, countries, regions, themes; the years are a timeline
    assert page.locator("#chart-year ol.bienniums a.column").count() > 0
    assert page.locator("#map-countries svg a path").count() > 0
    bar = page.locator("#chart-sdg a.bar").first
    assert bar.locator("rect").bounding_box()["width"] > 0
    assert page.locator("figure.chart [role=img] a").count() == 0  # no links inside an image (the #19 audit)
    assert "SDG 1.3" in page.locator("#chart-sdg").inner_text()
    page.locator("#chart-region a.bar").first.click()
    page.wait_for_load_state()
    assert "/query?name=list-outcomes-by-region" in page.url
    page.fill("#p-target", "1.3")
    page.click("#canned-form button[type=submit]")
    page.wait_for_selector("#results")
    assert "CHN302" in page.locator("#results").inner_text()


#: The editor without JavaScript: the plain form and the server's table (with it, YASGUI takes the
#: form's place: tests/site/test_editor_yasgui_browser.py).
without_javascript = pytest.mark.parametrize("page", [False], ids=["no-js"], indirect=True)


@without_javascript
def test_editor_example_run_rows_download(page, live_site) -> None:
    page.goto(live_site + "/query")
    page.click("a.example[data-name=list-outcomes-by-sdg-target]")
    page.wait_for_load_state()
    assert "kg:sdgTarget" in page.input_value("#query")
    page.click("#run")
    page.wait_for_selector("#results")
    assert "query=" in page.url, "the query is kept in the URL"
    rows = page.locator("#results tbody tr")
    # one row per outcome and target it lists: in the corpus, 1.3 three times, 3.8 and 8.2 once
    assert rows.count() == sum(corpus.with_target(t) for t in corpus.SDG_TARGETS) == 5
    assert "1.3" in rows.first.inner_text()
    with page.expect_download() as info:
        page.click("a.download[data-format=csv]")
    path = info.value.path()
    text = Path(path).read_text(encoding="utf-8")
    assert text.splitlines()[0].startswith("target,targetCode")
    assert "CHN302" in text


@without_javascript
def test_result_link_leads_to_the_resource_page(page, live_site) -> None:
    page.goto(live_site + "/query?example=list-organizations")
    page.click("#run")
    page.wait_for_selector("#results")
    page.click("#results a[href='/doc/organization/mohrss']")
    page.wait_for_load_state()
    assert page.url.endswith("/doc/organization/mohrss")
    assert "Ministry of Human Resources and Social Security" in page.locator("h1").inner_text()


@without_javascript
def test_broken_query_shows_the_error(page, live_site) -> None:
    page.goto(live_site + "/query")
    page.fill("#query", "SELECT ?s WHERE { ?s ?p }")
    page.click("#run")
    page.wait_for_selector("#query-error")
    box = page.locator("#query-error").inner_text()
    assert "syntax" in box.lower() and "Line 1" in box
    assert page.input_value("#query") == "SELECT ?s WHERE { ?s ?p }", "the query is kept for fixing"


@without_javascript
def test_one_edit_in_the_editor_answers_the_question(page, live_site) -> None:
    """README: open the region example, remove the '#' in front of VALUES, run."""
    page.goto(live_site + "/query?example=list-outcomes-by-region")
    text = page.input_value("#query")
    assert "  # VALUES (?region ?target)" in text
    page.fill("#query", text.replace("  # VALUES", "  VALUES", 1))
    page.click("#run")
    page.wait_for_selector("#results")
    rows = page.locator("#results tbody tr")
    assert rows.count() == 2  # PAK226 (2020) and CHN302 (2021): the two Asian records that list target 1.3
    assert "CHN302" in rows.nth(1).inner_text() and "Asia" in rows.nth(1).inner_text()


@without_javascript
def test_a_keyboard_user_can_leave_the_editor_and_run_the_query(page, live_site) -> None:
    # The #19 audit: Tab indented and nothing released focus, so Run was out of a keyboard user's reach.
    # Without JavaScript the textarea is the browser's own; YASGUI's: test_editor_yasgui_browser.py.
    page.goto(live_site + "/query")
    page.focus("#query")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "run"
    page.keyboard.press("Enter")
    page.wait_for_selector("#results")
    page.focus("#query")
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.id") != "query"

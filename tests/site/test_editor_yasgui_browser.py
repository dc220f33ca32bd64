"""The query editor with JavaScript: YASGUI from the vendored files, in a real headless browser.

Same set-up as tests/site/test_workbench_browser.py (Debian's chromium through Playwright, a real
uvicorn server over the project's store). Every request the page makes is checked to stay on the
site, and the console to stay free of errors (a Content-Security-Policy refusal is one). Waits are
for conditions, never fixed times: the CI machine is slow.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from chromium import NEEDS_CHROMIUM

pytestmark = [pytest.mark.slow, NEEDS_CHROMIUM]
pytest.importorskip("playwright.sync_api", reason="pip install playwright")

EDITOR = ".yasqe .CodeMirror"


@pytest.fixture
def page(browser, live_site):
    context = browser.new_context(accept_downloads=True)
    p = context.new_page()
    p.problems = []  # console errors, failed and outside requests
    p.on("console", lambda m: m.type == "error" and p.problems.append(f"console: {m.text}"))
    p.on("pageerror", lambda e: p.problems.append(f"page error: {e}"))
    p.on("requestfailed", lambda r: p.problems.append(f"failed: {r.url}"))
    p.on("request", lambda r: r.url.startswith((live_site, "data:", "blob:"))
         or p.problems.append(f"outside request: {r.url}"))
    yield p
    context.close()


def open_editor(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(EDITOR)


def editor_text(page) -> str:
    return page.evaluate("document.querySelector('.tabPanel.active .CodeMirror').CodeMirror.getValue()")


def set_editor_text(page, text: str) -> None:
    page.evaluate("t => document.querySelector('.tabPanel.active .CodeMirror').CodeMirror.setValue(t)", text)


def test_yasgui_loads_offline_with_no_console_error(page, live_site) -> None:
    open_editor(page, live_site + "/query")
    assert page.locator("#editor-form").is_hidden(), "YASGUI took the form's place"
    assert "kg:Outcome" in editor_text(page), "it opens with the starter query"
    assert page.locator("#known-prefixes li").count() > 0
    assert page.problems == []


def test_a_typed_query_runs_against_the_site_and_stays_in_the_url(page, live_site) -> None:
    open_editor(page, live_site + "/query")
    query = ("PREFIX kg: <https://w3id.org/spkg/def/kg#>\n"
             "SELECT ?outcome WHERE { ?outcome a kg:Outcome } ORDER BY ?outcome")
    set_editor_text(page, query)
    page.locator(".tabPanel.active .yasqe_queryButton").click()
    page.wait_for_selector(".tabPanel.active .yasr table.dataTable tbody tr td a.iri")
    assert "chn302-2021-07-16" in page.locator(".tabPanel.active .yasr table.dataTable").inner_text()
    assert parse_qs(urlsplit(page.url).query)["query"] == [query], "a link reproduces the query"
    page.locator(".tabPanel.active .yasqe_share").click()
    shared = page.locator(".yasqe_sharePopup input").input_value()
    assert shared == page.url, "the Share button gives the same link"
    assert page.problems == []


def test_results_show_labels_beside_iris_linked_to_their_pages(page, live_site) -> None:
    open_editor(page, live_site + "/query")
    set_editor_text(page, "SELECT ?org WHERE { VALUES ?org { <https://w3id.org/spkg/id/organization/mohrss> } }")
    page.locator(".tabPanel.active .yasqe_queryButton").click()
    label = page.locator(".tabPanel.active .yasr td .iri-label")
    label.wait_for()
    assert label.inner_text() == "Ministry of Human Resources and Social Security"
    page.locator(".tabPanel.active .yasr td a.iri[data-labelled]").click()
    page.wait_for_url("**/doc/organization/mohrss")
    assert page.problems == []


def test_autocompletion_offers_spkg_classes_from_the_ontology(page, live_site) -> None:
    open_editor(page, live_site + "/query")
    set_editor_text(page, "PREFIX kg: <https://w3id.org/spkg/def/kg#>\nSELECT * WHERE {\n  ?x a ")
    page.evaluate("""() => { const cm = document.querySelector('.tabPanel.active .CodeMirror').CodeMirror;
                             cm.focus(); cm.setCursor(cm.lineCount(), 0); }""")
    page.keyboard.type("kg:O")
    outcome = page.locator(".CodeMirror-hints li", has_text="kg:Outcome").first
    outcome.wait_for()
    assert outcome.inner_text() == "kg:Outcome · Outcome", "the class and its label"
    outcome.click()
    assert editor_text(page).rstrip().endswith("?x a kg:Outcome")
    assert page.problems == []


def test_autocompletion_adds_the_prefix_and_offers_spkg_properties(page, live_site) -> None:
    open_editor(page, live_site + "/query")
    set_editor_text(page, "SELECT * WHERE {\n  ?x ")
    page.evaluate("""() => { const cm = document.querySelector('.tabPanel.active .CodeMirror').CodeMirror;
                             cm.focus(); cm.setCursor(cm.lineCount(), 0); }""")
    page.keyboard.type("kg:sdg")
    page.locator(".CodeMirror-hints li", has_text="kg:sdgTarget").first.wait_for()
    assert editor_text(page).startswith("PREFIX kg: <https://w3id.org/spkg/def/kg#>\n"), "the known prefix, added"
    assert page.problems == []


def test_a_canned_example_opens_in_a_tab_and_runs(page, live_site) -> None:
    open_editor(page, live_site + "/query")
    page.click("a.example[data-name=list-outcomes-by-sdg-target]")
    page.wait_for_function("() => document.querySelectorAll('.yasgui .tabsList .tab').length >= 2")  # a function: a string would be eval'd, which the page's CSP refuses
    assert "kg:sdgTarget" in editor_text(page)
    assert "example=list-outcomes-by-sdg-target" in page.url
    page.keyboard.press("Control+Enter")
    page.wait_for_selector(".tabPanel.active .yasr table.dataTable tbody tr td")
    assert "query=" in page.url
    assert "CHN302" in page.locator(".tabPanel.active .yasr").inner_text()
    assert page.problems == []


def test_a_link_with_a_query_opens_it_and_shows_the_servers_answer(page, live_site) -> None:
    query = "SELECT ?s WHERE { ?s a <https://w3id.org/spkg/def/kg#Outcome> } LIMIT 2"
    open_editor(page, live_site + "/query?query=" + query.replace(" ", "+").replace("#", "%23"))
    assert editor_text(page) == query
    assert page.locator("#results tbody tr").count() == 2, "the server's table stays until another run"
    assert page.problems == []


def test_an_example_runs_by_keyboard_alone_and_its_results_download(page, live_site) -> None:
    open_editor(page, live_site + "/query")
    example = page.locator("a.example[data-name=list-outcomes-by-sdg-target]")
    example.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelectorAll('.yasgui .tabsList .tab').length >= 2")  # a function: a string would be eval'd, which the page's CSP refuses
    assert page.evaluate("document.activeElement === document.querySelector('.tabPanel.active .CodeMirror')"
                         ".CodeMirror.getInputField()"), "the example's tab has the focus"
    page.keyboard.press("Control+Enter")
    page.wait_for_selector(".tabPanel.active .yasr table.dataTable tbody tr td")
    # one row per outcome and target it lists: in the corpus, 1.3 three times, 3.8 and 8.2 once
    assert page.locator(".tabPanel.active .yasr table.dataTable tbody tr").count() == 5
    download = page.locator(".tabPanel.active .yasr_downloadIcon")
    download.focus()
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    text = open(info.value.path(), encoding="utf-8").read()
    assert text.splitlines()[0].startswith('"target","targetCode"') and "chn302" in text.lower()
    assert page.problems == []


def test_a_keyboard_user_can_leave_the_editor(page, live_site) -> None:
    open_editor(page, live_site + "/query")
    page.locator(EDITOR).click()
    page.evaluate("""() => { const cm = document.querySelector('.tabPanel.active .CodeMirror').CodeMirror;
                             cm.setCursor(cm.lineCount(), 0); }""")  # on the empty last line: nothing to complete
    before = editor_text(page)
    page.keyboard.press("Tab")
    assert editor_text(page) != before, "Tab indents in the editor"
    # YASQE's buttons (Share, Run) sit inside the .CodeMirror element: the text is in its input field
    in_editor = "document.activeElement === document.querySelector('.tabPanel.active .CodeMirror').CodeMirror" \
                ".getInputField()"
    assert page.evaluate(in_editor)
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")
    assert not page.evaluate(in_editor), "Esc then Tab leaves the editor"
    assert page.evaluate("document.activeElement.matches('.yasqe button')"), "to the editor's buttons"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.matches('.yasqe_queryButton')")
    page.keyboard.press("Enter")
    page.wait_for_selector(".tabPanel.active .yasr table.dataTable tbody tr td")
    assert "query=" in page.url
    page.locator(EDITOR).click()
    page.keyboard.press("Escape")
    page.keyboard.press("Shift+Tab")
    assert not page.evaluate(in_editor)
    assert page.evaluate("document.activeElement !== document.body")

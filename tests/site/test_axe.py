"""axe-core (Deque's accessibility engine, the one the #19 audit used) on every kind of page, in Chromium.

The WCAG 2.0 and 2.1 rules of levels A and AA, with the page's own JavaScript running as a visitor's
would, at a desktop width and at 375 px. axe is vendored (tests/support/vendor/axe-core) and put into
the page through the browser's debugging protocol (the context bypasses the page's CSP for that: the
product's CSP allows no script but its own).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from chromium import NEEDS_CHROMIUM
from site_pages import EVERY_KIND_OF_PAGE

pytestmark = [pytest.mark.slow, NEEDS_CHROMIUM]
pytest.importorskip("playwright.sync_api", reason="pip install playwright")

AXE = Path(__file__).parents[1] / "support" / "vendor" / "axe-core" / "axe.min.js"
WCAG_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
#: Findings that are not barriers, each with why. CodeMirror's scroll area (the query editor's) is scrolled
#: from the keyboard through the editor's own textarea, which has focus while one types: a tab stop of its
#: own would put a second stop inside the editor, between it and the Run button.
NOT_BARRIERS = {("scrollable-region-focusable", ".CodeMirror-scroll")}
RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return result.violations.map(v => ({rule: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => n.target.join(' ')), why: v.nodes.slice(0, 2).map(n => n.failureSummary)}));
}"""


def violations(page) -> list[dict]:
    found = []
    for v in page.evaluate(RUN, WCAG_A_AA):
        nodes = [n for n in v["nodes"] if (v["rule"], n.split(" > ")[-1]) not in NOT_BARRIERS]
        if nodes:
            found.append({**v, "nodes": nodes[:3]})
    return found


@pytest.fixture(scope="module", params=[(1280, 900), (375, 800)], ids=["desktop", "375px"])
def axe_page(browser, request):
    width, height = request.param
    context = browser.new_context(bypass_csp=True, viewport={"width": width, "height": height})
    yield context.new_page()
    context.close()


def test_no_page_breaks_a_wcag_a_or_aa_rule(axe_page, live_site) -> None:
    source = AXE.read_text(encoding="utf-8")
    found = {}
    for path in EVERY_KIND_OF_PAGE:
        axe_page.goto(live_site + path)
        axe_page.wait_for_load_state("load")
        axe_page.evaluate(source)
        if found_here := violations(axe_page):
            found[path] = found_here
    assert not found, f"axe-core found: {found}"


def test_axe_finds_what_it_is_meant_to(axe_page, live_site) -> None:
    """The check can fail: a page with a link inside role=img and an image without alt text."""
    axe_page.goto(live_site + "/")
    axe_page.evaluate("""() => {
      const figure = document.createElement('div');
      figure.innerHTML = '<svg role="img"><a href="/outcomes"><text>x</text></a></svg><img src="/-/static/logo.svg">';
      document.querySelector('main').append(figure);
    }""")
    axe_page.evaluate(AXE.read_text(encoding="utf-8"))
    rules = {v["rule"] for v in violations(axe_page)}
    assert "image-alt" in rules


def test_the_editor_with_an_answer_drawn_breaks_no_rule(axe_page, live_site) -> None:
    """YASGUI draws its results table, tabs and controls only once a query has run."""
    axe_page.goto(live_site + "/query?example=list-outcomes-by-sdg-target")
    axe_page.wait_for_function("() => { const cm = document.querySelector('.tabPanel.active .CodeMirror');"
                               " return cm && cm.CodeMirror.getValue().includes('kg:sdgTarget'); }")
    axe_page.locator(".tabPanel.active .CodeMirror").click()
    axe_page.keyboard.press("Control+Enter")
    axe_page.wait_for_selector(".tabPanel.active .yasr table.dataTable tbody tr td")
    axe_page.evaluate(AXE.read_text(encoding="utf-8"))
    found = violations(axe_page)
    assert not found, repr(found)

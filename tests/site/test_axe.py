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
RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return result.violations.map(v => ({rule: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
}"""


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
        if violations := axe_page.evaluate(RUN, WCAG_A_AA):
            found[path] = violations
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
    rules = {v["rule"] for v in axe_page.evaluate(RUN, WCAG_A_AA)}
    assert "image-alt" in rules

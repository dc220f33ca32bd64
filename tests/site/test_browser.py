"""The pages in a real headless browser (Debian's chromium, driven by Playwright).

A real uvicorn server on a free 127.0.0.1 port serves a store built from the
project's own files. With JavaScript switched off, a newcomer's click path:
home -> the China outcome -> the Guiding Opinions -> MOHRSS -> SDG target 1.3
-> back to the outcome, and back again with the browser's Back button. Every
page on the way is checked for one h1, heading order, alt text, link text,
language and contrast. A screenshot of the page is saved when a check fails.

Needs ``apt-get install chromium`` and ``pip install playwright`` (never
``playwright install``: the system browser is used).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from chromium import CHROMIUM, NEEDS_CHROMIUM
from site_pages import EVERY_KIND_OF_PAGE

# The server (``live_site``) and the browser (``browser``) come from tests/site/conftest.py.
pytestmark = [pytest.mark.slow, NEEDS_CHROMIUM]
pytest.importorskip("playwright.sync_api", reason="pip install playwright")


@pytest.fixture
def shots(tmp_path_factory, request):
    """A folder for screenshots; the test saves one there when it fails."""
    folder = tmp_path_factory.mktemp("screenshots")
    yield folder


def _luminance(rgb: tuple[float, float, float]) -> float:
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(fg: tuple, bg: tuple) -> float:
    a, b = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def _rgb(css: str) -> tuple[float, float, float]:
    inner = css[css.index("(") + 1:css.index(")")]
    parts = [float(p) for p in inner.replace("/", ",").replace(" ", ",").split(",") if p][:3]
    return tuple(parts)  # type: ignore[return-value]


AUDIT = """() => {
  const heads = [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => [+h.tagName[1], h.textContent.trim()]);
  const imgs = [...document.images].map(i => i.getAttribute('alt'));
  const links = [...document.querySelectorAll('a[href]')].map(a => (a.innerText || a.textContent || a.getAttribute('aria-label') || '').trim());
  function bg(el) {
    while (el) { const c = getComputedStyle(el).backgroundColor; if (c && !c.endsWith(', 0)') && c !== 'transparent') return c; el = el.parentElement; }
    return 'rgb(255, 255, 255)';
  }
  const samples = [];
  for (const el of document.querySelectorAll('main p, main a, main td, main th, main dt, main dd, main li, header a, footer p, footer a')) {
    if (!el.textContent.trim() || el.offsetParent === null) continue;
    samples.push([getComputedStyle(el).color, bg(el), el.tagName + ' ' + el.textContent.trim().slice(0, 40)]);
    if (samples.length > 400) break;
  }
  return {heads, imgs, links, samples, lang: document.documentElement.lang, scripts: document.scripts.length};
}"""


def audit(page) -> None:
    """Accessibility checks that hold for every page."""
    a = page.evaluate(AUDIT)
    assert a["lang"] == "en"
    assert a["scripts"] == 0, "pages need no JavaScript"
    levels = [level for level, _ in a["heads"]]
    assert levels.count(1) == 1 and levels[0] == 1, a["heads"]
    for before, after in zip(levels, levels[1:]):
        assert after <= before + 1, f"heading level jumps from h{before} to h{after}"
    assert all(alt for alt in a["imgs"]), "every image has alt text"
    assert all(a["links"]), "every link has text"
    low = [(s, round(contrast(_rgb(s[0]), _rgb(s[1])), 2)) for s in a["samples"]
           if contrast(_rgb(s[0]), _rgb(s[1])) < 4.5]
    assert not low, f"text below 4.5:1 contrast: {low[:5]}"


def h1(page) -> str:
    return page.locator("h1").inner_text().strip()


def test_click_path_without_javascript(live_site, browser, shots) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    checker = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()

    def check(url: str) -> None:
        checker.goto(url)
        audit(checker)

    try:
        page.goto(live_site + "/")
        assert h1(page).startswith("spkg")
        check(page.url)

        page.get_by_role("link", name="CHN302 (16 July 2021): new policy measure on the labour rights of workers "
                                       "in new employment forms").first.click()
        assert h1(page).startswith("CHN302 (16 July 2021)")
        assert page.url.endswith("/doc/outcome/chn302-2021-07-16")
        for heading in ("Outcome summary", "Outcome achieved", "The ILO's contribution", "SDG targets"):
            assert page.get_by_role("heading", name=heading).count() == 1, heading
        check(page.url)

        page.locator("#instrument-h + .card h3 a").click()
        assert h1(page) == ("Guiding Opinions on Safeguarding the Labour Rights and Interests of Workers in New "
                            "Employment Forms")
        check(page.url)

        page.get_by_role("link", name="Ministry of Human Resources and Social Security").first.click()
        assert h1(page) == "Ministry of Human Resources and Social Security"
        check(page.url)

        page.get_by_role("link", name="SDG target 1.3", exact=True).first.click()
        assert h1(page) == "Target 1.3"
        assert page.get_by_role("link", name="http://metadata.un.org/sdg/1.3 (external) ↗").count() == 1
        check(page.url)

        page.locator("#addressing-h ~ ul a").first.click()
        assert h1(page).startswith("CHN302 (16 July 2021)")

        for expected in ("Target 1.3", "Ministry of Human Resources and Social Security", "Guiding Opinions"):
            page.go_back()
            assert h1(page).startswith(expected)
    except BaseException:
        page.screenshot(path=str(shots / "failure.png"), full_page=True)
        print(f"screenshot of the failing page: {shots / 'failure.png'}")
        raise
    finally:
        context.close()
        checker.context.close()


@pytest.mark.parametrize("path", ["/outcomes", "/organizations", "/instruments", "/sdg-targets", "/def/kg",
                                  "/shapes/core", "/dumps/", "/.well-known/void", "/search?q=china",
                                  "/doc/organization/nobody"])
def test_other_pages_pass_the_audit(live_site, browser, shots, path: str) -> None:
    page = browser.new_context(viewport={"width": 1024, "height": 768}).new_page()
    try:
        response = page.goto(live_site + path)
        assert response.status == (404 if "nobody" in path else 200)
        audit(page)
    except BaseException:
        name = path.strip("/").replace("/", "_").replace("?", "_") or "home"
        page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
        print(f"screenshot of the failing page: {shots / name}.png")
        raise
    finally:
        page.context.close()


def test_filter_form_works_without_javascript(live_site, browser, shots) -> None:
    page = browser.new_context(java_script_enabled=False).new_page()
    try:
        page.goto(live_site + "/outcomes")
        page.select_option("#f-sdg", "1.3")
        page.get_by_role("button", name="Apply").click()
        assert "sdg=1.3" in page.url
        assert page.get_by_role("link", name="CHN302 (16 July 2021): new policy measure on the labour rights of "
                                             "workers in new employment forms").count() == 1
        page.goto(live_site + "/doc/organization/nobody")
        page.get_by_role("button", name="Search").last.click()
        assert "/search?q=nobody" in page.url
    except BaseException:
        page.screenshot(path=str(shots / "filters.png"), full_page=True)
        raise
    finally:
        page.context.close()


def test_chromium_is_the_system_one() -> None:
    assert shutil.which("chromium") == CHROMIUM or Path(CHROMIUM).exists()


def test_no_page_scrolls_sideways_on_a_375_px_screen(browser, live_site) -> None:
    page = browser.new_page(viewport={"width": 375, "height": 800})
    try:
        wide = {}
        for path in EVERY_KIND_OF_PAGE:
            page.goto(live_site + path)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 375:
                wide[path] = width
        assert not wide, f"pages wider than the screen (px): {wide}"
    finally:
        page.close()


def test_the_map_is_a_set_of_links_a_keyboard_reaches(live_site, browser, shots) -> None:
    """The home page's map, without JavaScript: Tab reaches each country with outcomes, named as
    '<country>: N outcomes', outlined when in focus, and Enter opens its list."""
    page = browser.new_context(java_script_enabled=False, viewport={"width": 1024, "height": 768}).new_page()
    try:
        page.goto(live_site + "/")
        first = page.locator("#map-countries svg a").first
        name = first.get_attribute("aria-label")
        assert name and ": " in name and "outcome" in name
        # walk the tab order until the map's first country has focus (it comes after the header and counts)
        for _ in range(200):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.closest('#map-countries svg') !== null"):
                break
        else:
            raise AssertionError("Tab never reached the map")
        assert page.evaluate("document.activeElement.getAttribute('aria-label')") == name
        stroke = page.evaluate("getComputedStyle(document.activeElement.querySelector('path')).strokeWidth")
        assert stroke == "2px", "a country in focus is outlined"
        page.keyboard.press("Enter")
        page.wait_for_url("**/outcomes?country=*")
        country = name.split(":")[0]
        assert page.locator("#f-country option[selected]").inner_text().startswith(country)
    except BaseException:
        page.screenshot(path=str(shots / "map.png"), full_page=True)
        raise
    finally:
        page.context.close()

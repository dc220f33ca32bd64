"""The dashboard (home page): counts, charts linking to lists and queries, figures cached per version."""

from __future__ import annotations

import concurrent.futures
import logging
import re
import threading
import time
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from waiting import wait_until
from warmer import watch_warmer

from kg.errors import StoreError



def test_charts_are_server_side_lists_of_links_with_bars(client) -> None:
    r = client.get("/", headers={"accept": "text/html"})
    assert r.status_code == 200
    html = r.text
    assert "<script" not in html
    for chart in ("chart-sdg", "chart-country", "chart-region", "chart-theme", "chart-year"):
        assert f'id="{chart}"' in html, chart
    assert html.count('<ol class="bars">') == 4 and html.count('<ol class="bienniums">') == 1
    # each bar is a link with its label and count, its picture hidden from screen readers (the #19 audit:
    # links inside role="img" were tab stops that screen readers did not announce); the map, which holds
    # the links, is the one picture not hidden
    assert 'role="img"' not in html
    assert html.count("<svg") == html.count('aria-hidden="true" focusable="false"') + 1
    assert 'href="/outcomes?sdg=1.3"' in html and 'href="/outcomes?sdg=3.8"' in html
    assert 'href="/outcomes?country=chn"' in html
    assert re.search(r'href="/outcomes\?theme=[a-z-]+"', html) and 'href="/outcomes?year=2021"' in html
    assert 'href="/query?name=list-outcomes-by-region&amp;region=142"' in html


def test_each_chart_links_to_the_query_behind_it_and_it_runs(client) -> None:
    html = client.get("/", headers={"accept": "text/html"}).text
    links = [unescape(h) for h in re.findall(r'href="(/query\?query=[^"]+)" class="query-link"', html)]
    assert len(links) == 6   # five charts and the map
    for link in links:
        query = parse_qs(urlsplit(link).query)["query"][0]
        r = client.get("/sparql", params={"query": query, "format": "json"})
        assert r.status_code == 200 and r.json()["results"]["bindings"], query


def test_region_bar_leads_to_the_answer(client) -> None:
    r = client.get("/query?name=list-outcomes-by-region&region=142&target=1.3", headers={"accept": "text/html"})
    assert r.status_code == 200
    assert "CHN302" in r.text and "China" in r.text and 'id="results"' in r.text


def test_figures_are_computed_once_per_version(client, monkeypatch) -> None:
    from kg.site import dashboard

    client.get("/")
    calls = []
    original = dashboard.figures
    monkeypatch.setattr(dashboard, "figures", lambda ctx: calls.append(1) or original(ctx))
    started = time.perf_counter()
    for _ in range(20):
        assert client.get("/").status_code == 200
    per_page = (time.perf_counter() - started) / 20
    assert calls == []
    assert per_page < 0.5  # a page from the cache; generous, for a loaded machine (calls == [] is the check)


def test_figures_are_ready_before_the_first_visit(tmp_path, monkeypatch) -> None:
    """The server computes them at start-up, so no visitor waits for the full scans."""
    import shutil
    from pathlib import Path

    from fastapi.testclient import TestClient

    from kg import config
    from kg.site import dashboard
    from kg.write.build import build
    from kg.web.app import create_app

    root = Path(__file__).resolve().parents[2]
    for folder in ("ontology", "shapes", "data"):
        shutil.copytree(root / folder, tmp_path / folder, ignore=shutil.ignore_patterns("sources"))
    settings = config.load_settings(environ={}, project_dir=str(tmp_path), workers=1)
    build(settings, validate=False)
    calls = []
    original = dashboard.figures

    def counted(ctx):
        calls.append(1)
        return original(ctx)

    monkeypatch.setattr(dashboard, "figures", counted)
    warmed = watch_warmer(monkeypatch)
    with TestClient(create_app(settings)) as client:
        wait_until(warmed.is_set, timeout=60, what="the page warmer to finish at start-up")
        assert calls == [1], "the figures were not computed at start-up"
        assert client.get("/").status_code == 200
        assert calls == [1], "the first visit computed the figures again"


def test_what_warming_leaves_is_set_aside_from_later_garbage_collections(tmp_path, monkeypatch) -> None:
    """At 100,000 outcomes the warmed pages and their data are millions of objects: a full collection
    of them (about 0.6 s) must not land on a visitor's request, so the warmer collects once and freezes."""
    import gc
    import shutil
    from pathlib import Path

    from fastapi.testclient import TestClient

    from kg import config
    from kg.web.app import create_app
    from kg.write.build import build

    root = Path(__file__).resolve().parents[2]
    for folder in ("ontology", "shapes", "data"):
        shutil.copytree(root / folder, tmp_path / folder, ignore=shutil.ignore_patterns("sources"))
    settings = config.load_settings(environ={}, project_dir=str(tmp_path), workers=1)
    build(settings, validate=False)
    gc.unfreeze()  # another test's app may have frozen this process's heap already
    assert gc.get_freeze_count() == 0
    try:
        with TestClient(create_app(settings)) as client:
            wait_until(lambda: gc.get_freeze_count() > 0, timeout=60, what="the warmer to freeze the warmed heap")
            assert client.get("/", headers={"accept": "text/html"}).status_code == 200
    finally:
        gc.unfreeze()


def test_index_pages_are_ready_before_the_first_visit_and_filters_reuse_them(tmp_path, monkeypatch) -> None:
    """/outcomes' filter options, /organizations and /instruments cost full scans: rendered once per version,
    at start-up."""
    import shutil
    from pathlib import Path

    from fastapi.testclient import TestClient

    from kg import config
    from kg.web.app import create_app
    from kg.site import views
    from kg.write.build import build

    root = Path(__file__).resolve().parents[2]
    for folder in ("ontology", "shapes", "data"):
        shutil.copytree(root / folder, tmp_path / folder, ignore=shutil.ignore_patterns("sources"))
    settings = config.load_settings(environ={}, project_dir=str(tmp_path), workers=1)
    build(settings, validate=False)
    calls: dict[str, int] = {}

    def counted(name, original):
        def wrapper(*args, **kwargs):
            value = original(*args, **kwargs)
            calls[name] = calls.get(name, 0) + 1
            return value
        return wrapper

    for name in ("outcome_facets", "organizations_index", "instruments_index"):
        monkeypatch.setattr(views, name, counted(name, getattr(views, name)))
    warmed = watch_warmer(monkeypatch)
    with TestClient(create_app(settings)) as client:
        wait_until(warmed.is_set, timeout=60, what="the page warmer to finish at start-up")
        assert calls == {"outcome_facets": 1, "organizations_index": 1, "instruments_index": 1}
        for path in ("/outcomes", "/outcomes?country=chn", "/outcomes?year=2021", "/organizations", "/instruments"):
            assert client.get(path, headers={"accept": "text/html"}).status_code == 200, path
        assert calls == {"outcome_facets": 1, "organizations_index": 1, "instruments_index": 1}
        # a filtered view still offers the options from the cache, with their counts
        html = client.get("/outcomes?country=chn", headers={"accept": "text/html"}).text
        assert re.search(r'<option value="chn" selected>[^<]*\(1\)</option>', html)


def test_a_crowd_waits_for_one_computation_of_a_costly_view(real_settings) -> None:
    from concurrent.futures import ThreadPoolExecutor

    import pytest

    from kg.site.state import Site

    site = Site(real_settings)
    calls = []

    def slow():
        calls.append(1)
        time.sleep(0.3)  # a costly view: the crowd arrives while it is being made (the point of the test)
        return object()

    with ThreadPoolExecutor(8) as pool:
        values = list(pool.map(lambda _: site.cached("slow", slow), range(8)))
    assert len(calls) == 1 and all(v is values[0] for v in values)

    def failing():
        raise RuntimeError("the store went away")

    with pytest.raises(RuntimeError):
        site.cached("flaky", failing)
    assert site.cached("flaky", lambda: 42) == 42  # the next caller makes it


def test_the_map_links_each_country_with_outcomes_and_names_it(client) -> None:
    html = client.get("/", headers={"accept": "text/html"}).text
    figure = html[html.index('id="map-countries"'):]
    figure = figure[:figure.index("</figure>")]
    svg = figure[figure.index("<svg"):figure.index("</svg>")]
    links = re.findall(r'<a href="([^"]+)" aria-label="([^"]+)" class="level-([1-5])', svg)
    # the corpus: 40 records from 17 countries (one with no country); every drawn country is a link with
    # its name and count, and every country is on the page, drawn or named under the map
    assert ("/outcomes?country=chn", "China: 1 outcome", "1") in links or any(
        href == "/outcomes?country=chn" and label.startswith("China: ") for href, label, _ in links)
    listed = re.findall(r'<li><a href="(/outcomes\?country=[a-z]{3})">', figure)
    assert len(listed) >= 15 and {href for href, _, _ in links} <= set(listed)
    assert "<script" not in html and 'role="img"' not in svg
    # the countries without outcomes are one grey shape that screen readers skip
    assert svg.count('<g aria-hidden="true" class="no-outcomes">') == 1
    # the legend is text, not a picture
    assert re.search(r'<ul class="legend"[^>]*>.*outcome', figure, re.S)


def test_the_timeline_has_a_column_per_year_and_a_link_per_biennium(client) -> None:
    html = client.get("/", headers={"accept": "text/html"}).text
    figure = html[html.index('id="chart-year"'):]
    figure = figure[:figure.index("</figure>")]
    years = [int(y) for y in re.findall(r'<span class="year">(\d{4})</span>', figure)]
    assert years == list(range(min(years), max(years) + 1)), "a column for every year, gaps included"
    assert 'href="/outcomes?year=2021" class="column"' in figure
    spans = re.findall(r'href="/outcomes\?year=(\d{4})-(\d{4})"', figure)
    assert spans and all(int(a) % 2 == 0 and int(b) == int(a) + 1 for a, b in spans if int(a) != min(years))


def test_a_biennium_link_lists_the_outcomes_of_both_years(client) -> None:
    both = client.get("/outcomes?year=2020-2021", headers={"accept": "text/html"})
    assert both.status_code == 200
    first, second = (client.get(f"/outcomes?year={y}", headers={"accept": "text/html"}).text for y in (2020, 2021))

    def count(html: str) -> int:
        return int(re.search(r"(\d+) outcomes? matching the filters", html)[1])
    assert count(both.text) == count(first) + count(second) > 0
    assert '<option value="2020-2021" selected>' in both.text
    for bad in ("2021-2020", "2020-21", "1800-2021"):
        assert client.get(f"/outcomes?year={bad}", headers={"accept": "text/html"}).status_code == 400, bad


def test_timeline_shows_gaps_and_keeps_a_hostile_span_short() -> None:
    from kg.site.dashboard import timeline
    from kg.site.urls import Urls

    groups = timeline({2015: 2, 2018: 1}, Urls("https://example.org/"))
    assert [g["label"] for g in groups] == ["2014-15", "2016-17", "2018-19"]
    assert [[c["year"] for c in g["columns"]] for g in groups] == [[2015], [2016, 2017], [2018]]
    assert groups[1]["href"] is None and groups[0]["href"] == "/outcomes?year=2015"
    assert groups[2]["href"] == "/outcomes?year=2018"
    # a partner's outcome dated 1900 or 9999: the chart does not grow to a century of empty columns
    hostile = timeline({1900: 1, 2020: 3, 2021: 1, 9999: 5}, Urls("https://example.org/"))
    assert [c["year"] for g in hostile for c in g["columns"]] == [1900, 2020, 2021]


@pytest.mark.storeless
@pytest.mark.parametrize("error", [concurrent.futures.CancelledError(), StoreError("the query worker died")])
def test_warming_that_fails_as_the_server_stops_logs_one_line_and_ends(monkeypatch, caplog, error):
    # A server stopping mid-warm-up printed a traceback: its loop cancels the queries, or closes the
    # workers under them ("the query worker died"). Neither is a fault once the server is stopping.
    from types import SimpleNamespace

    from kg.web import app as web_app

    stop = threading.Event()

    def warm_until_stopped(app, loop):
        stop.set()
        raise error

    monkeypatch.setattr(web_app, "warm", warm_until_stopped)
    site = SimpleNamespace(version=lambda: SimpleNamespace(name="v1"))
    fake = SimpleNamespace(spkg=SimpleNamespace(site=site))
    with caplog.at_level(logging.INFO, logger="kg.web.app"):
        web_app._keep_pages_warm(fake, None, stop, every=0.01)  # returns: the loop ended
    assert [r.getMessage() for r in caplog.records] == ["warming stopped: the server is stopping"]

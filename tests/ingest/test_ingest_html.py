"""Saved HTML pages: the page's text, without the site around it, read like a text record."""

from __future__ import annotations

import pytest

import datetime as dt

from ingest_helpers import RECORDS, parse

from kg.ingest import html
from kg.ingest.record import Located

pytestmark = pytest.mark.storeless  # run once: the external-store pass has nothing to add


def page(name: str, cat):
    return html.parse_html((RECORDS / name).read_text(encoding="utf-8"), name, cat)


def test_a_saved_platform_page_field_by_field(catalog):
    r = page("idn-page.html", catalog)
    assert r.format == "html"
    assert r.source_url == Located("https://www.social-protection.org/gimi/ResultAchieved.action?id=960", 7)
    assert r.title == Located("Result achieved", 16)
    assert r.result_type == Located("2", 17)
    assert r.pb_indicator_wording.line == 18
    assert r.pb_indicator_wording.value.endswith("increase adequacy of benefits (Step 2)")
    assert r.metadata_line == Located(
        "30.11.2021 IDN230 Public 2020-21 | 8.1.1 Employment injury Informal economy", 21)
    assert (r.reported_date.value, r.cpo_code.value, r.visibility.value, r.biennium.value, r.pb_indicator.value) == (
        dt.date(2021, 11, 30), "IDN230", "Public", "2020-21", "8.1.1")
    assert [t.value for t in r.themes] == ["Employment injury", "Informal economy"]
    assert r.summary == Located("The employment injury scheme now covers app-based drivers", 28)
    assert r.achievement == Located(
        "On 30 November 2021, the Social Security Agency for Employment (BPJS Ketenagakerjaan) opened employment "
        "injury insurance to app-based drivers, of whom 48,000 registered in the first two weeks.", 30)
    assert r.ilo_contribution == Located(
        "The ILO surveyed 1,100 drivers in Jakarta in July 2021 and presented the contribution options to the "
        "Ministry of Manpower & the drivers' associations.", 33)
    assert r.gender_note == Located(
        "About 6% of the registered drivers are women; the survey reported their needs separately.", 36)
    assert [(g.value, g.line) for g in r.sdg_goals] == [("1", 38), ("8", 39)]
    assert [(t.value, t.line) for t in r.sdg_targets] == [("1.3", 40)]
    assert r.errors == [] and r.truncated == []


def test_the_site_around_the_record_is_left_out(catalog):
    r = page("idn-page.html", catalog)
    for junk in ("Home", "Themes", "cookies", "Copyright", "trackingId", "menu()", "font-family"):
        assert junk not in r.text, junk
    assert r.text.startswith("Result achieved\n")


def test_a_page_and_a_text_of_the_same_record_give_the_same_fields(catalog):
    from_html = page("seed-chn302.html", catalog)
    from_text = parse("seed-chn302.txt", catalog)
    for field in ("policy_area", "programme", "title", "metadata_line", "reported_date", "cpo_code", "visibility",
                  "biennium", "pb_indicator", "summary", "achievement", "ilo_contribution", "gender_note"):
        a, b = getattr(from_html, field), getattr(from_text, field)
        assert (a.value if a else None) == (b.value if b else None), field
    for field in ("themes", "sdg_goals", "sdg_targets"):
        assert [x.value for x in getattr(from_html, field)] == [x.value for x in getattr(from_text, field)], field


def test_entities_breaks_pre_and_unclosed_tags():
    raw = ("<body><p>Women &amp; men<br>in two lines<p>An unclosed paragraph<ul><li>one<li>two</ul>"
           "<pre>kept\n  as is</pre><div hidden>gone</div><span style='display: none'>gone too</span></body>")
    lines, url = html.html_lines(raw)
    assert [ln.text for ln in lines if ln.text] == [
        "Women & men", "in two lines", "An unclosed paragraph", "\u2022 one", "\u2022 two", "kept", "  as is"]
    assert url is None


def test_the_saved_from_comment_gives_the_address_when_no_canonical_link_does():
    lines, url = html.html_lines("<!-- saved from url=(0030)https://example.org/r?id=5 -->\n<p>x</p>")
    assert url == ("https://example.org/r?id=5", 1)


def test_an_empty_page_is_an_error(catalog):
    r = html.parse_html("<html><head><title>x</title></head><body><nav>menu</nav></body></html>", "e.html", catalog)
    assert [i.message for i in r.errors] == ["the page has no text"]

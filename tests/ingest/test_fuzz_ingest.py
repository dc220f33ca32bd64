"""Property tests of the ingest parsers (text, HTML, CSV, JSON), with hypothesis.

1. Anything a partner could send, however broken, gives records whose
   problems are issues on the record; the only exceptions allowed are the
   project's own (:class:`kg.errors.KGError`).
2. What the text parser finds is in the text, on the line it names.
3. A record written out in each input form and parsed again gives back
   every value it was written with (round trip).

The catalogue (themes, SDGs, countries) comes from data/*.ttl in memory, so no
store is built. Bounded by tests/support/fuzzing.py.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import string

import pytest
from fuzzing import ONCE, bounded
from hypothesis import given
from hypothesis import strategies as st
from ld_fixtures import ROOT

from kg import config
from kg.rdf import iris
from kg.errors import KGError
from kg.ingest import catalog as catalog_mod
from kg.ingest.html import parse_html
from kg.ingest.record import SECTIONS, Located, Record
from kg.ingest.tabular import parse_csv, parse_json
from kg.ingest.text import HEADINGS, parse_text

BASE = config.DEFAULT_BASE
pytestmark = ONCE


def _catalog() -> catalog_mod.Catalog:
    paths = sorted((ROOT / "data").glob("*.ttl")) + sorted((ROOT / "ontology").glob("*.ttl"))
    store = catalog_mod.memory_store(paths, BASE, lambda p: iris.graph(p.parent.name, p.stem, BASE))
    return catalog_mod.load(store, BASE)


CATALOG = _catalog()


def parses_or_kg_error(parse, raw: str) -> list[Record]:
    """The parser's records; a KGError is allowed (and gives none), anything else fails the test."""
    try:
        out = parse(raw, "fuzz.input", CATALOG)
    except KGError:
        return []
    return out if isinstance(out, list) else [out]


# -- strategies: text that looks more or less like a record ----------------------------------

_HEADING_TEXT = [h for _, h in HEADINGS]
_META = st.builds("{} {}{} {} {} | {} {}".format,
                  st.sampled_from(["16.07.2021", "2021-07-16", "2017", "١٦.٠٧.٢٠٢١", "31.02.2021",
                                   "99.99.9999"]),
                  st.sampled_from(["CHN", "RAF", "ZZ", "ABCD"]), st.integers(0, 99999),
                  st.sampled_from(["Public", "Draft", "Secret", ""]), st.sampled_from(["2020-21", "2020-22", "x"]),
                  st.sampled_from(["8.3.1", "8", "1.2.3.4"]),
                  st.sampled_from(["Old-age", "with UN Agencies, excluding IFIs", "Unknown tag , Other", ""]))
_BULLET = st.builds("{} {}".format, st.sampled_from(["•", "-", "*", "\u25aa", "–"]),
                    st.sampled_from(["1.3 Implement nationally", "SDG 3", "Goal 18", "End poverty in all its forms",
                                     "3.8", "99.9 nothing"]))
_LINE = st.one_of(st.sampled_from(_HEADING_TEXT + ["Result achieved", "Number of countries that ...", "(Step 2)",
                                                   "---", "source: https://example.org/x", "note: saved", "",
                                                   "Social Protection", "civil societyOutcome achieved"]),
                  _META, _BULLET, st.text(max_size=80),
                  st.builds(lambda h: h[: len(h) // 2], st.sampled_from(_HEADING_TEXT)))
RECORD_LIKE = st.builds("\n".join, st.lists(_LINE, max_size=30))
LINE_ENDS = st.sampled_from(["\n", "\r\n", "\r"])
ANY_TEXT = st.one_of(st.text(), RECORD_LIKE,
                     st.builds(lambda text, end: text.replace("\n", end), RECORD_LIKE, LINE_ENDS))


# -- 1. nothing escapes but the project's errors -----------------------------------------------

@bounded(300)
@given(ANY_TEXT)
def test_text_parser_takes_any_text(raw: str) -> None:
    for record in parses_or_kg_error(parse_text, raw):
        assert all(issue.severity in ("error", "warning") for issue in record.issues)


_TAGS = st.sampled_from(["p", "div", "li", "ul", "pre", "script", "nav", "h2", "br", "td", "tr", "span"])
HTML_LIKE = st.builds(
    "".join,
    st.lists(st.one_of(
        st.builds("<{}>".format, _TAGS), st.builds("</{}>".format, _TAGS), _LINE,
        st.sampled_from(['<link rel="canonical" href="https://x">', '<meta property="og:url">',
                         "<!-- saved from url=(0014)about:blank -->",
                         '<div class="nav menu" hidden>', "<p style='display: none'>", "&amp;", "&#0;", "&#x110000;",
                         "<![CDATA[", "<!", "<?xml?>", "<", ">", '"'])),
        max_size=40))


@bounded(200)
@given(st.one_of(st.text(), HTML_LIKE))
def test_html_parser_takes_any_page(raw: str) -> None:
    for record in parses_or_kg_error(parse_html, raw):
        assert record.format == "html"


CSV_HEADER = "cpo_code,date,summary,achievement,themes,sdg_goals,sdg_targets,country,result_type,pb_indicator"
CSV_LIKE = st.builds(lambda rows, sep: CSV_HEADER.replace(",", sep) + "\n" + "\n".join(rows),
                     st.lists(st.text(alphabet=st.characters(codec="utf-8"), max_size=60), max_size=8),
                     st.sampled_from([",", ";", "\t"]))


@bounded(200)
@given(st.one_of(st.text(), CSV_LIKE))
def test_csv_parser_takes_any_text(raw: str) -> None:
    for record in parses_or_kg_error(parse_csv, raw):
        assert record.format == "csv"


JSON_SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
JSON_VALUES = st.recursive(JSON_SCALARS,
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                                        max_size=4),
                           max_leaves=12)
OUTCOME_KEYS = st.sampled_from(["summary", "achievement", "date", "cpo_code", "themes", "sdg_targets", "Summary",
                                "outcome summary", "outcomes", "x"])
JSON_DOCUMENTS = st.one_of(
    JSON_VALUES,
    st.lists(st.dictionaries(OUTCOME_KEYS, JSON_VALUES, max_size=5), max_size=3),
    st.fixed_dictionaries({"outcomes": st.lists(st.dictionaries(OUTCOME_KEYS, JSON_VALUES, max_size=5), max_size=3)},
                          optional={"note": st.sampled_from(['"outcomes"', "[", "outcomes: ["])}),
)


@bounded(300)
@given(JSON_DOCUMENTS, st.booleans(), st.sampled_from([None, 0, 2]), st.booleans())
def test_json_parser_takes_any_document(value, ascii_only: bool, indent, escape_keys: bool) -> None:
    raw = json.dumps(value, ensure_ascii=ascii_only, indent=indent)
    if escape_keys:  # the same document, its key written with JSON escapes
        raw = raw.replace('"outcomes"', '"\\u006futcomes"')
    for record in parses_or_kg_error(parse_json, raw):
        assert record.format == "json"


@bounded(100)
@given(st.text())
def test_json_parser_takes_any_text(raw: str) -> None:
    parses_or_kg_error(parse_json, raw)


# -- 2. what the text parser finds is where it says ------------------------------------------

def _physical_lines(raw: str) -> list[str]:
    return raw.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")


@bounded(300)
@given(ANY_TEXT)
def test_sections_are_verbatim_at_their_lines(raw: str) -> None:
    lines = _physical_lines(raw)
    for record in parses_or_kg_error(parse_text, raw):
        assert record.text in "\n".join(lines)
        for field in SECTIONS:
            value = getattr(record, field)
            if value is None:
                continue
            numbers = record.section_lines[field]
            texts = value.value.split("\n")
            assert len(texts) == len(numbers)
            for text, number in zip(texts, numbers):
                assert text.strip() in lines[number - 1], (field, number)


# -- 3. round trip -----------------------------------------------------------------------------

WORDS = ["the", "ministry", "workers", "platform", "coverage", "pension", "Genève", "北京", "3,145", "70%",
         "(CALSS)", "reform", "“quoted”", "social-security", "2021", "women", "a", "of", "in", "and"]
SENTENCE = st.builds(lambda first, rest: " ".join([first, *rest]) + ".",
                     st.sampled_from(["The", "A", "Its", "Some", "Many"]),
                     st.lists(st.sampled_from(WORDS), max_size=15))
PARAGRAPH = st.builds(" ".join, st.lists(SENTENCE, min_size=1, max_size=3))
_THEMES = sorted(CATALOG.theme_labels)
_TARGETS = sorted(CATALOG.targets)


@st.composite
def outcomes(draw) -> dict:
    """The values of one record, as the platform would show them."""
    letters = draw(st.text(alphabet=string.ascii_uppercase, min_size=3, max_size=3))
    first = draw(st.integers(2000, 2098))
    return {
        "date": draw(st.dates(dt.date(1990, 1, 1), dt.date(2099, 12, 31))),
        "cpo_code": f"{letters}{draw(st.integers(100, 999))}",
        "visibility": draw(st.sampled_from(["Public", "Private", "Internal"])),
        "biennium": f"{first}-{(first + 1) % 100:02d}",
        "pb_indicator": f"{draw(st.integers(1, 9))}.{draw(st.integers(1, 9))}.{draw(st.integers(1, 9))}",
        "themes": draw(st.lists(st.sampled_from(_THEMES), max_size=3, unique=True)),
        "summary": draw(SENTENCE),
        "achievement": draw(PARAGRAPH),
        "ilo_contribution": draw(PARAGRAPH),
        "gender_note": draw(PARAGRAPH),
        "sdg_targets": draw(st.lists(st.sampled_from(_TARGETS), max_size=3, unique=True)),
    }


def as_text(o: dict) -> str:
    """A record in the platform's text layout (tests/fixtures/records/seed-chn302.txt)."""
    meta = f"{o['date']:%d.%m.%Y} {o['cpo_code']} {o['visibility']} {o['biennium']} | {o['pb_indicator']}"
    lines = ["Result achieved", "", " ".join([meta, *o["themes"]]),
             "Outcome summary", o["summary"], "Outcome achieved", "", o["achievement"], "",
             "ILO's contribution to the outcome", "", o["ilo_contribution"], "",
             "Gender equality & non-discrimination", o["gender_note"]]
    lines += [f"  \u2022 {code} {CATALOG.targets[code][1]}" for code in o["sdg_targets"]]
    return "\n".join(lines)


def as_csv(o: dict) -> str:
    out = io.StringIO()
    columns = ["cpo_code", "date", "visibility", "biennium", "pb_indicator", "themes", "summary", "achievement",
               "ilo_contribution", "gender_note", "sdg_targets"]
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerow([o["date"].isoformat() if c == "date" else "; ".join(o[c]) if isinstance(o[c], list) else o[c]
                     for c in columns])
    return out.getvalue()


def as_json(o: dict) -> str:
    return json.dumps({"outcomes": [{**o, "date": o["date"].isoformat()}]}, ensure_ascii=False, indent=2)


def found(record: Record) -> dict:
    """The record's values in the form :func:`outcomes` draws them."""
    def value(x: Located | None):
        return None if x is None else x.value

    return {
        "date": value(record.reported_date), "cpo_code": value(record.cpo_code),
        "visibility": value(record.visibility), "biennium": value(record.biennium),
        "pb_indicator": value(record.pb_indicator), "themes": [t.value for t in record.themes],
        **{f: value(getattr(record, f)) for f in ("summary", "achievement", "ilo_contribution", "gender_note")},
        "sdg_targets": [t.value for t in record.sdg_targets],
    }


@pytest.mark.parametrize("write, parse", [(as_text, parse_text), (as_csv, parse_csv), (as_json, parse_json)],
                         ids=["text", "csv", "json"])
def test_a_record_round_trips(write, parse) -> None:
    @bounded(150)
    @given(outcomes())
    def round_trip(o: dict) -> None:
        records = parses_or_kg_error(parse, write(o))
        assert len(records) == 1
        record = records[0]
        assert not record.errors, record.errors
        assert found(record) == o

    round_trip()

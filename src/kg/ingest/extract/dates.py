"""Dates in prose, at the precision the text gives them.

Spotting and reading are done here, with patterns for the forms records use ("16 July 2021",
"July 16, 2021", "December 2020", "25-27 August 2020", "from 25 to 27 August 2020",
"24-26 Nov 2020", "Q2 of 2021", "2018-19", "in 2019", "16.07.2021", "diciembre de 2021",
"décembre 2020"), in English, French, Spanish and Portuguese. A bare four-digit number counts as a year only
after a preposition or in a date-like position, so "3,145 workers" or "Decree No. 2019" are
not years.
Month names and their abbreviations in those languages come from dateparser's language data.
"""

from __future__ import annotations

import calendar
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from kg.ingest.extract.model import DateValue
from kg.ingest.extract.prose import Prose

LANGUAGES = ("en", "fr", "es", "pt")


@functools.lru_cache(maxsize=1)
def _months() -> dict[str, int]:
    """Month names and abbreviations of the record languages (from dateparser's language data)."""
    from dateparser.languages.loader import default_loader

    out: dict[str, int] = {}
    for lang in LANGUAGES:
        info = default_loader.get_locale(lang).info
        for i, name in enumerate(calendar.month_name[1:], start=1):
            for word in info.get(name.lower(), []):
                w = word.lower().rstrip(".")
                if len(w) >= 3 and w.isalpha():
                    out.setdefault(w, i)
    out.pop("may", None)
    out["may"] = 5
    out["sept"] = 9
    return out


@functools.lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], ...]:
    month = "(?:" + "|".join(sorted((re.escape(m) for m in _months()), key=len, reverse=True)) + r")\.?"
    day = r"(?:[0-3]?\d)(?:st|nd|rd|th|er|º)?"
    year = r"(?:1[89]\d\d|20\d\d)"
    de = r"(?:\s+(?:de|del)\s+|\s+)"  # "diciembre de 2021", "1er décembre 2020"
    return (
        # ranges within a month: "25-27 August 2020", "25 to 27 August 2020", "from 25 to 27 August 2020"
        re.compile(rf"(?P<d1>{day})\s*(?:-|–|to|au|al|y|and)\s*(?P<d2>{day})\s+(?P<m>{month}){de}(?P<y>{year})", re.I),
        # ranges across months: "30 November - 2 December 2020"
        re.compile(rf"(?P<d1>{day})\s+(?P<m1>{month})\s*(?:-|–|to|au|al)\s*(?P<d2>{day})\s+(?P<m>{month}){de}(?P<y>{year})", re.I),
        # a day: "16 July 2021", "1er décembre 2020", "16 de julio de 2021"
        re.compile(rf"(?P<d>{day}){de}(?P<m>{month}),?{de}(?P<y>{year})", re.I),
        # "July 16, 2021"
        re.compile(rf"(?P<m>{month})\s+(?P<d>{day}),?\s+(?P<y>{year})", re.I),
        # numeric day: 16.07.2021, 16/07/2021
        re.compile(rf"(?<![\d.])(?P<d>[0-3]?\d)[./](?P<mn>[01]?\d)[./](?P<y>{year})(?![\d.])"),
        # month ranges: "April-June 2021"
        re.compile(rf"(?P<m1>{month})\s*(?:-|–|to)\s*(?P<m>{month}){de}(?P<y>{year})", re.I),
        # a month: "December 2020", "diciembre de 2021", "Dec. 2020"
        re.compile(rf"(?P<m>{month}){de}(?P<y>{year})", re.I),
        # a quarter: "Q2 of 2021", "second quarter of 2021"
        re.compile(rf"\b(?:Q(?P<q>[1-4])|(?P<qw>first|second|third|fourth) quarter)(?:\s+of)?\s+(?P<y>{year})", re.I),
        # a year range: "2019-2025", "2018-19"
        re.compile(rf"(?<![\d.,/-])(?P<y>{year})\s*[-–/]\s*(?P<y2>{year}|\d\d)(?!\d)(?![.,/-]\d)"),
        # a year after a preposition or at a sentence start: "in 2019", "by 2030", "since 2016", "In 2021,"
        re.compile(rf"(?:\b(?:in|by|since|from|until|till|during|of|early|late|mid|end|en|desde|hasta|año|year|fin|a|à|de|the)\s+|\bmid-|^|\(|,\s)(?P<yo>{year})(?![\d.,]\d)(?![-–/]\d)", re.I),
    )


_QUARTER_WORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4}


@dataclass(frozen=True)
class Spotted:
    date: DateValue
    start: int
    end: int


def find(prose: Prose) -> list[Spotted]:
    """Every date in the prose sections, longest reading first where two overlap."""
    found: list[Spotted] = []
    taken: list[tuple[int, int]] = []
    for sentence in prose.sentences:
        for spotted in _in(prose, sentence.start, sentence.end):
            if any(a < spotted.end and spotted.start < b for a, b in taken):
                continue
            taken.append((spotted.start, spotted.end))
            found.append(spotted)
    found.sort(key=lambda s: s.start)
    found += _months_of_the_year_before(prose, found, taken)
    return sorted(found, key=lambda s: s.start)


def _months_of_the_year_before(prose: Prose, found: list[Spotted], taken: list[tuple[int, int]]) -> list[Spotted]:
    """"In 2017 ... In April, the ILO organized …, and in May …": a month without a year after a preposition is in the
    year of the last date before it in the same section, within a few sentences; none when that date spans years."""
    out = []
    for m in _bare_month().finditer(prose.verbatim):
        a, b = m.start("what"), m.end()
        section = prose.section_at(a)
        if not section or any(x < b and a < y for x, y in taken):
            continue
        before = [f for f in found if f.end <= a and a - f.end < 600 and prose.section_at(f.start) == section]
        if not before or before[-1].date.end and before[-1].date.end[:4] != before[-1].date.value[:4]:
            continue
        year = int(before[-1].date.value[:4])
        months = _months()
        m2 = months[_month_word(m.group("m"))]
        m1 = months[_month_word(m.group("m1"))] if m.group("m1") else m2
        if m1 > m2:
            continue
        end = f"{year:04d}-{m2:02d}" if m.group("m1") else None
        out.append(Spotted(DateValue(f"{year:04d}-{m1:02d}", "month", prose.evidence(a, b), end), a, b))
    return out


@functools.lru_cache(maxsize=1)
def _bare_month() -> re.Pattern[str]:
    month = "(?:" + "|".join(sorted((re.escape(m) for m in _months() if len(m) > 3 or m == "may"), key=len, reverse=True)) + ")"
    return re.compile(rf"\b(?:[Ii]n|[Dd]uring|[Bb]y|[Ss]ince|[Uu]ntil|[Ee]arly|[Ll]ate|[Mm]id-?)\s+(?P<what>(?:(?P<m1>{month})\s*"
                      rf"(?:-|–|to)\s*)?(?P<m>{month}))\b(?!\s*,?\s*(?:\d|of\s+\d))", re.I)


def _in(prose: Prose, start: int, end: int) -> Iterator[Spotted]:
    text = prose.verbatim[start:end]
    seen: list[tuple[int, int]] = []
    for pattern in _patterns():
        for m in pattern.finditer(text):
            a, b = (start + m.start("yo"), start + m.end("yo")) if "yo" in m.groupdict() else (start + m.start(), start + m.end())
            if any(x < b and a < y for x, y in seen):
                continue
            value = _read(m)
            if value is None:
                continue
            seen.append((a, b))
            iso, precision, end_iso = value
            yield Spotted(DateValue(iso, precision, prose.evidence(a, b), end_iso), a, b)


def _read(m: re.Match[str]) -> tuple[str, str, str | None] | None:
    """(ISO value, precision, range end) of a match, or None when it is no real date."""
    g = m.groupdict()
    months = _months()
    try:
        y = int(g["y"] if g.get("y") else g["yo"])
        if g.get("d") is not None:
            mon = int(g["mn"]) if g.get("mn") else months[_month_word(g["m"])]
            d = int(re.match(r"\d+", g["d"]).group(0))
            calendar.weekday(y, mon, d)  # raises for an impossible day
            return f"{y:04d}-{mon:02d}-{d:02d}", "day", None
        if g.get("d1") is not None:
            mon2 = months[_month_word(g["m"])]
            mon1 = months[_month_word(g["m1"])] if g.get("m1") else mon2
            d1 = int(re.match(r"\d+", g["d1"]).group(0))
            d2 = int(re.match(r"\d+", g["d2"]).group(0))
            calendar.weekday(y, mon1, d1)
            calendar.weekday(y, mon2, d2)
            if (mon1, d1) > (mon2, d2):
                return None
            return f"{y:04d}-{mon1:02d}-{d1:02d}", "day", f"{y:04d}-{mon2:02d}-{d2:02d}"
        if g.get("m1") is not None:
            m1, m2 = months[_month_word(g["m1"])], months[_month_word(g["m"])]
            if m1 > m2:
                return None
            return f"{y:04d}-{m1:02d}", "month", f"{y:04d}-{m2:02d}"
        if g.get("m") is not None:
            return f"{y:04d}-{months[_month_word(g['m'])]:02d}", "month", None
        if g.get("q") or g.get("qw"):
            q = int(g["q"]) if g.get("q") else _QUARTER_WORDS[g["qw"].lower()]
            return f"{y:04d}-{3 * q - 2:02d}", "month", f"{y:04d}-{3 * q:02d}"
        if g.get("y2") is not None:
            y2 = int(g["y2"]) if len(g["y2"]) == 4 else (y // 100) * 100 + int(g["y2"])
            if not y < y2 <= y + 30:
                return None
            return f"{y:04d}", "year", f"{y2:04d}"
        return f"{y:04d}", "year", None
    except (KeyError, ValueError, TypeError, AttributeError):
        return None


def _month_word(word: str) -> str:
    return word.lower().rstrip(".")

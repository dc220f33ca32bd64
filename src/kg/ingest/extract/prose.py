"""A record's prose as extraction reads it: sections, sentences and clauses with their offsets.

Offsets are into the record's verbatim text (``Record.text``), so every piece of evidence
can be shown, and checked, as ``verbatim[start:end]``. Sentences are split on sentence
punctuation followed by a capital, a digit or an opening bracket, never after the
abbreviations records use ("No.", "approx.", "e.g."); a line break in a list (the
"Partnerships" section) ends a sentence too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.ingest.extract.model import Evidence
from kg.ingest.record import SECTIONS, Record

# Sections read for facts, in the order of the record. The summary repeats the achievement
# (often cut with "..."), so it is read, but its facts are merged with the others'.
READ = ("summary", "achievement", "ilo_contribution", "partners_contribution", "partnerships", "gender_note")

# Abbreviations after which a full stop does not end a sentence (language, not field, knowledge).
_ABBREVIATIONS = {
    "no", "nos", "nº", "n°", "approx", "e.g", "i.e", "etc", "mr", "mrs", "ms", "dr", "st", "vs", "art", "para",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "govt", "dept", "ref",
    "incl", "inc", "ltd", "co", "núm", "art", "p", "pp", "cf", "ca", "al", "u.s", "u.k", "s.a",
}
_BOUNDARY = re.compile(r"(?<=[.!?;])[\"”’)]?\s+(?=[\"“‘(\[]?[A-Z0-9À-ÖØ-Þ•(])|\n\s*\n|\n(?=\s*[•\-*]\s)|\n(?=[A-Z][^.\n]{0,80}\n)")
_WORD_BEFORE = re.compile(r"([\w.ºº°]+)[.!?;][\"”’)]?$")


@dataclass(frozen=True)
class Sentence:
    start: int  # offsets into the verbatim text
    end: int
    text: str
    section: str


@dataclass
class Prose:
    verbatim: str
    sections: list[tuple[str, int, int]]  # (field, start, end)
    sentences: list[Sentence]

    def evidence(self, start: int, end: int, section: str | None = None) -> Evidence:
        while start < end and self.verbatim[start].isspace():
            start += 1
        while end > start and self.verbatim[end - 1].isspace():
            end -= 1
        return Evidence(start, end, self.verbatim[start:end], section or self.section_at(start))

    def section_at(self, offset: int) -> str:
        for field, start, end in self.sections:
            if start <= offset < end:
                return field
        return ""

    def sentence_at(self, offset: int) -> Sentence | None:
        for s in self.sentences:
            if s.start <= offset < s.end:
                return s
        return None


def read(record: Record) -> Prose:
    """The prose sections of ``record``, located in its verbatim text, split into sentences."""
    verbatim = record.text
    spans: list[tuple[str, int, int]] = []
    used_to = 0
    for field in READ:
        if field not in SECTIONS:
            continue
        located = getattr(record, field, None)
        if located is None or not located.value.strip():
            continue
        text = located.value
        start = verbatim.find(text, used_to)
        if start < 0:
            start = verbatim.find(text)
        if start < 0:  # reflowed by the parser: find its first line, take as much as matches
            first = text.strip().split("\n", 1)[0][:60]
            start = verbatim.find(first)
            if start < 0:
                continue
            end = min(len(verbatim), start + len(text))
        else:
            end = start + len(text)
        spans.append((field, start, end))
        used_to = max(used_to, end)
    spans.sort(key=lambda s: s[1])
    sentences: list[Sentence] = []
    for field, start, end in spans:
        sentences += _sentences(verbatim, start, end, field)
    return Prose(verbatim, spans, sentences)


def _sentences(text: str, start: int, end: int, field: str) -> list[Sentence]:
    out = []
    chunk = text[start:end]
    cut = 0
    for m in _BOUNDARY.finditer(chunk):
        before = chunk[cut:m.start()]
        w = _WORD_BEFORE.search(before)
        if w and m.group(0).strip() == "" and w.group(1).lower().rstrip(".") in _ABBREVIATIONS \
                and chunk[m.start() - 1:m.start()] == ".":
            continue
        if w and re.fullmatch(r"[A-Z]", w.group(1)):  # an initial ("J. Smith")
            continue
        _add(out, text, start + cut, start + m.start(), field)
        cut = m.end()
    _add(out, text, start + cut, end, field)
    return out


def _add(out: list[Sentence], text: str, a: int, b: int, field: str) -> None:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    if b > a:
        out.append(Sentence(a, b, text[a:b], field))

"""Plain-text records as the platform shows them: sections, the metadata line, headings.

The layouts met so far (fixtures for each are in tests/fixtures/records/):

- the seed: area and programme headings, ``Result achieved``, the metadata line
  ``16.07.2021 CHN302 Public 2020-21 | 8.3.1`` followed by theme tags separated
  by spaces, the sections, then SDG goals and targets as bullets;
- 2020-21 records with a result-type heading (``... (Step 1)``) and the
  indicator wording (``Number of countries that ...``) above a metadata line
  with no tags, or with a qualifier (``| 8.1.1 with UN Agencies, excluding IFIs``);
- records with no metadata line at all (the country must be inferred);
- a heading that runs into the sentence before it (``civil societyOutcome achieved``);
- older records whose metadata line is a year, a CPO code and comma-separated
  tags (``2017 RAF904 Employment services , Family benefits , ...``), anywhere
  in the text, even last;
- dates written with other digits (Arabic-Indic ``١٦.٠٧.٢٠٢١``);
- records cut short: mid-sentence, mid-word, or inside a heading.

A saved copy may start with a front-matter block (``source: <url>``, ``note:
...``, then ``---``); it is read as the record's source address and note and is
not part of the record's verbatim text.

Everything here is deterministic string work; the only input beside the text is
the :class:`~kg.ingest.catalog.Catalog` (theme labels split the tag list, SDG
titles identify goal bullets, indicator wordings give an indicator code).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from kg.ingest.catalog import Catalog, norm, plain
from kg.ingest.record import SECTIONS, Located, Record

# (field, heading) pairs, longest heading first so "ILO's contribution to the
# outcome" wins over "ILO's contribution".
_HEADING_LIST: tuple[tuple[str, str], ...] = (
    ("title", "Result achieved"),
    ("summary", "Outcome summary"),
    ("achievement", "Outcome achieved"),
    ("ilo_contribution", "ILO's contribution to the outcome"),
    ("ilo_contribution", "ILO contribution to the outcome"),
    ("ilo_contribution", "ILO's contribution"),
    ("partners_contribution", "Other partners' contribution to the outcome"),
    ("partners_contribution", "Other partners' contribution"),
    ("partners_contribution", "Contribution of other partners"),
    ("partners_contribution", "Partners' contribution"),
    ("gender_note", "Gender equality & non-discrimination"),
    ("gender_note", "Gender equality and non-discrimination"),
    ("linked_projects", "Linked projects"),
    ("partnerships", "Partnerships"),
    ("sdgs", "Sustainable Development Goals"),
    # newer pages: "SDG", then "SDG SDG", "Goals" and "Targets" above the bullets
    ("sdgs", "SDG"),
    ("sdgs", "SDG SDG"),
    ("sdgs", "Goals"),
    ("sdgs", "Targets"),
)
HEADINGS = tuple(sorted(_HEADING_LIST, key=lambda fh: -len(fh[1])))
_HEADING_BY_NORM = {norm(h): f for f, h in HEADINGS}
# Run-ons: a heading glued to the text before it ("societyOutcome achieved") or
# after it ("Outcome achievedThe Government"). Only the section headings, which
# never occur capitalised like this inside prose.
_RUN_ON = re.compile(
    "(?P<h>" + "|".join(re.escape(h) for f, h in HEADINGS if f != "title") + ")"
    r"(?=$|\s*$|[A-Z])"
)

VISIBILITIES = ("Public", "Private", "Internal", "Restricted", "Confidential", "Draft")
QUALIFIER_WORDS = ("with", "without", "excluding", "including", "through", "in partnership with")

_BULLET = re.compile(r"^\s*[\u2022\u00b7\u25aa\u25e6\u25cf\u25a0\u2023\u2043*\-\u2013]\s+(?P<t>\S.*)$")
_TARGET = re.compile(r"^(?P<code>\d{1,2}\.(?:\d{1,2}|[a-z]))(?=\s|$)\s*(?P<t>.*)$")
_GOAL_NUMBER = re.compile(r"^(?:SDG|Goal)\s*(?P<n>\d{1,2})\b", re.I)
_STEP = re.compile(r"\(\s*Step\s*(?P<n>\d+)\s*\)\s*$", re.I)
_DATE = r"(?P<date>\d{1,2}[./\-]\d{1,2}[./\-]\d{4}|\d{4}-\d{2}-\d{2}|\d{4})"
_META = re.compile(rf"^\s*{_DATE}\s+(?P<rest>\S.*)$")
_CPO = re.compile(r"(?P<cpo>[A-Z]{3}\d{2,4})(?=\s|$|\|)\s*")
_BIENNIUM = re.compile(r"(?P<b>\d{4}-\d{2})(?=\s|$|\|)\s*")
_INDICATOR = re.compile(r"\|\s*(?P<i>\d+(?:\.\d+){1,2})(?=\s|$)\s*")
_FRONT = re.compile(r"^(?P<k>[a-z][a-z_-]*):\s*(?P<v>.*)$")
_TERMINAL = re.compile(r"[.!?)\]\"'\u201d\u2019:;]\s*$")
_ELLIPSIS = re.compile(r"(\.\.\.|\u2026)\s*$")


@dataclass(frozen=True)
class Line:
    text: str
    line: int  # 1-based line in the source file


def ascii_digits(text: str) -> str:
    """Digits of any script as ASCII digits; invisible direction marks removed."""
    out = []
    for ch in text:
        if ch.isdigit() and not ch.isascii():
            d = unicodedata.decimal(ch, None)
            out.append(str(d) if d is not None else ch)
        elif unicodedata.category(ch) == "Cf":
            continue
        elif ch in "\u066b\u060c":  # Arabic decimal separator, Arabic comma (seen as date separators)
            out.append(".")
        else:
            out.append(ch)
    return "".join(out)


# -- entry points -------------------------------------------------------------------

def parse_text(raw: str, source: str, catalog: Catalog, *, fmt: str = "text") -> Record:
    """Parse one record from its plain text (``source`` names it in messages)."""
    raw = raw.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    physical = raw.split("\n")
    start, front = _front_matter(physical)
    body_lines = [Line(t, i + 1) for i, t in enumerate(physical) if i >= start]
    verbatim = "\n".join(physical[start:]).strip("\n").rstrip()
    record = Record(source=source, format=fmt, text=verbatim)
    for key, located in front.items():
        if key in ("source", "url"):
            record.source_url = located
        elif key == "note":
            record.source_note = located
    return parse_lines(body_lines, record, catalog)


def _front_matter(lines: list[str]) -> tuple[int, dict[str, Located[str]]]:
    """(index of the first body line, front-matter values) of a saved copy."""
    found: dict[str, Located[str]] = {}
    for i, text in enumerate(lines[:30]):
        if text.strip() == "---":
            return (i + 1, found) if found else (0, {})
        m = _FRONT.match(text.strip())
        if m:
            found.setdefault(m.group("k"), Located(m.group("v").strip(), i + 1))
        elif text.strip():
            return 0, {}
    return 0, {}


def parse_lines(lines: list[Line], record: Record, catalog: Catalog) -> Record:
    """Fill ``record`` from the record's lines (each with its source line number)."""
    logical = _split_run_ons(lines, record)
    _Parser(record, catalog).run(logical)
    return record


# -- run-on headings ------------------------------------------------------------------

def _split_run_ons(lines: list[Line], record: Record) -> list[Line]:
    out: list[Line] = []
    for ln in lines:
        text = plain(ln.text)
        if norm(text) in _HEADING_BY_NORM or not text.strip():
            out.append(ln)
            continue
        pieces: list[str] = []
        pos = 0
        for m in _RUN_ON.finditer(text):
            i = m.start()
            before = text[pos:i]
            glued_before = i > 0 and not text[i - 1].isspace()
            after_sentence = i > 0 and re.search(r"[.!?:;)\u201d\"]\s+$", text[:i]) is not None
            glued_after = m.end() < len(text) and text[m.end()].isupper()
            if i == 0 and not glued_after:
                continue
            if i > 0 and not (glued_before or after_sentence):
                continue
            if before.strip():
                pieces.append(ln.text[pos:i])
            pieces.append(m.group("h"))
            pos = m.end()
            record.warn(f"heading {m.group('h')!r} runs into the text {'before' if i else 'after'} it; split there",
                        field=_HEADING_BY_NORM[norm(m.group("h"))], line=ln.line)
        if not pieces:
            out.append(ln)
            continue
        rest = ln.text[pos:]
        if rest.strip():
            pieces.append(rest)
        out += [Line(p.strip() if norm(p) in _HEADING_BY_NORM else p.rstrip(), ln.line) for p in pieces]
    return out


# -- the parser ---------------------------------------------------------------------------

class _Parser:
    def __init__(self, record: Record, catalog: Catalog) -> None:
        self.r = record
        self.cat = catalog
        self.sections: dict[str, list[Line]] = {}
        self.order: list[str] = []  # sections in the order met
        self.explicit_partners = False

    def run(self, lines: list[Line]) -> None:
        current: str | None = "pre"
        pre: list[Line] = []
        header: list[Line] = []  # between the title and the first section
        last_content: tuple[str, Line] | None = None
        cut = _cut_heading(lines)
        for ln in lines:
            text = ln.text
            stripped = text.strip()
            if cut is not None and ln is cut[1]:
                continue  # a heading cut short, last in the text: reported by _truncation
            field = _HEADING_BY_NORM.get(norm(stripped.rstrip(":")))
            if field is not None:
                if field == "title":
                    self.r.title = Located(stripped, ln.line)
                    if current == "pre":
                        self._pre_title(pre)
                    current = "header"
                    continue
                current = field
                if field in SECTIONS and field in self.sections:
                    self.r.warn(f"a second {stripped!r} heading; its text is added to the first", field=field,
                                line=ln.line)
                self.sections.setdefault(field, [])
                if field not in self.order:
                    self.order.append(field)
                if field == "partners_contribution":
                    self.explicit_partners = True
                last_content = (field, ln)
                continue
            if not stripped:
                if current in self.sections:
                    self.sections[current].append(ln)
                continue
            if self._metadata(ln):
                last_content = ("metadata_line", ln)
                continue
            if self._bullet(ln):
                last_content = ("sdg", ln)
                continue
            if current in ("pre", "header") and self._result_type(ln):
                last_content = ("header", ln)
                continue
            if current == "pre":
                pre.append(ln)
            elif current == "header":
                header.append(ln)
            elif current in ("linked_projects", "sdgs"):
                pass
            else:
                self.sections.setdefault(current, []).append(ln)
                last_content = (current, ln)
        if current == "pre" and pre:
            # No "Result achieved" title: what was read as preamble is prose.
            self.r.warn("no 'Result achieved' title and no section headings; the text is read as the outcome achieved",
                        field="achievement", line=pre[0].line)
            self.sections["achievement"] = pre
            self.order.append("achievement")
        self._sections()
        self._truncation(lines, last_content)

    # -- header area ------------------------------------------------------------------

    def _pre_title(self, pre: list[Line]) -> None:
        """Area and programme headings above "Result achieved"."""
        texts = [ln for ln in pre if ln.text.strip()]
        programme_at = None
        for i in range(len(texts)):
            for j in range(min(len(texts), i + 4), i, -1):
                joined = norm(" ".join(t.text for t in texts[i:j]))
                if joined in self.cat.programmes:
                    self.r.programme = Located(self.cat.programmes[joined][1], texts[i].line)
                    programme_at = (i, j)
                    break
            if programme_at:
                break
        for i, ln in enumerate(texts):
            if programme_at and programme_at[0] <= i < programme_at[1]:
                continue
            if norm(ln.text) in self.cat.policy_areas or (programme_at and i == programme_at[0] - 1):
                self.r.policy_area = Located(ln.text.strip(), ln.line)
                break
        if texts and not programme_at:
            self.r.warn("lines above 'Result achieved' match no known programme; not used: "
                        + " / ".join(t.text.strip() for t in texts)[:200], field="programme", line=texts[0].line)

    def _result_type(self, ln: Line) -> bool:
        text = " ".join(plain(ln.text).split())
        step = _STEP.search(text)
        if text.lower().startswith("number of"):
            self.r.pb_indicator_wording = Located(text, ln.line)
            return True
        if step:
            self.r.result_type_heading = Located(text, ln.line)
            self.r.result_type = Located(step.group("n"), ln.line)
            known = self.cat.result_type_headings.get(norm(text))
            if known is not None and known != step.group("n"):
                self.r.warn(f"result-type heading says Step {step.group('n')} but its wording is Step {known}'s",
                            field="result_type", line=ln.line)
            return True
        return False

    # -- metadata line ----------------------------------------------------------------

    def _metadata(self, ln: Line) -> bool:
        text = ascii_digits(plain(ln.text)).strip()
        m = _META.match(text)
        if not m:
            return False
        rest = m.group("rest")
        cpo = _CPO.match(rest)
        if cpo:
            rest = rest[cpo.end():]
        visibility = None
        vm = re.match(r"(?P<v>[A-Z][A-Za-z]+)(?=\s|$)\s*", rest)
        if vm and (vm.group("v") in VISIBILITIES or _BIENNIUM.match(rest[vm.end():])):
            visibility = vm.group("v")
            rest = rest[vm.end():]
        biennium = _BIENNIUM.match(rest)
        if biennium:
            rest = rest[biennium.end():]
        indicator = _INDICATOR.match(rest)
        if indicator:
            rest = rest[indicator.end():]
        if not (cpo or biennium or indicator):
            return False
        if self.r.metadata_line is not None:
            self.r.warn("a second metadata line; the first one is kept", field="metadata_line", line=ln.line)
            return True
        r = self.r
        r.metadata_line = Located(" ".join(ln.text.split()), ln.line)
        self._date(m.group("date"), ln.line)
        if cpo:
            code = cpo.group("cpo")
            if re.fullmatch(r"[A-Z]{3}\d{3}", code):
                r.cpo_code = Located(code, ln.line)
            else:
                r.error(f"CPO code {code!r} is not three letters and three digits", field="cpo_code", line=ln.line,
                        hint="check the metadata line; a CPO code looks like CHN302")
        if visibility:
            r.visibility = Located(visibility, ln.line)
        if biennium:
            r.biennium = Located(biennium.group("b"), ln.line)
        if indicator:
            r.pb_indicator = Located(indicator.group("i"), ln.line)
        self._qualifier_and_themes(rest.strip(), ln.line)
        return True

    def _date(self, raw: str, line: int) -> None:
        if re.fullmatch(r"\d{4}", raw):
            self.r.reported_year = Located(int(raw), line)
            return
        try:
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
                day = dt.date.fromisoformat(raw)
            else:
                d, mth, y = re.split(r"[./\-]", raw)
                day = dt.date(int(y), int(mth), int(d))
        except ValueError:
            self.r.error(f"{raw!r} is not a date", field="reported_date", line=line,
                         hint="the metadata line gives the date as DD.MM.YYYY")
            return
        self.r.reported_date = Located(day, line)

    def _qualifier_and_themes(self, rest: str, line: int) -> None:
        if not rest:
            return
        lowered = rest.lower()
        if any(lowered.startswith(w + " ") for w in QUALIFIER_WORDS):
            words = rest.split(" ")
            for k in range(1, len(words) + 1):
                tail = " ".join(words[k:])
                tags = split_themes(tail, self.cat)
                if all(known for _, known in tags):
                    self.r.partnership_qualifier = Located(" ".join(words[:k]).rstrip(" ,;"), line)
                    rest = tail
                    break
        for label, _ in split_themes(rest, self.cat):
            self.r.themes.append(Located(label, line))
            if not self.cat.in_scheme(label):
                self.r.warn(f"unknown theme tag {label!r}: kept, as a new theme of the theme scheme", field="themes",
                            line=line, hint="if it is a known tag spelt differently, correct it in the curation file; "
                                            "else add it to data/schemes.ttl")

    # -- SDG bullets ---------------------------------------------------------------------

    def _bullet(self, ln: Line) -> bool:
        m = _BULLET.match(ln.text)
        if not m:
            return False
        text = " ".join(plain(m.group("t")).split())
        t = _TARGET.match(ascii_digits(text))
        if t and t.group("code") in self.cat.targets:
            code = t.group("code")
            if code not in [x.value for x in self.r.sdg_targets]:
                self.r.sdg_targets.append(Located(code, ln.line))
            return True
        g = _GOAL_NUMBER.match(text)
        goal = g.group("n") if g and g.group("n") in self.cat.goals else self._goal_by_title(text)
        if goal is None:
            return False
        if goal not in [x.value for x in self.r.sdg_goals]:
            self.r.sdg_goals.append(Located(goal, ln.line))
        return True

    def _goal_by_title(self, text: str) -> str | None:
        n = norm(text).rstrip(" .")
        if len(n) < 12:
            return None
        for code, (_, title) in self.cat.goals.items():
            t = norm(title)
            if n == t or (len(n) >= 20 and t.startswith(n)):
                return code
        return None

    # -- sections -------------------------------------------------------------------------

    def _sections(self) -> None:
        ilo = self.sections.get("ilo_contribution")
        if ilo and not self.explicit_partners:
            ilo_lines, partners = _split_partners(ilo)
            if partners:
                self.sections["ilo_contribution"] = ilo_lines
                self.sections["partners_contribution"] = partners
                first = next(ln for ln in partners if ln.text.strip())
                self.r.warn("a paragraph after the ILO's contribution, set apart and not about the ILO, is read as "
                            "the other partners' contribution", field="partners_contribution", line=first.line)
        for field in SECTIONS:
            lines = self.sections.get(field)
            if not lines:
                continue
            while lines and not lines[0].text.strip():
                lines = lines[1:]
            while lines and not lines[-1].text.strip():
                lines = lines[:-1]
            if not lines:
                continue
            text = "\n".join(ln.text.rstrip() for ln in lines)
            setattr(self.r, field, Located(text, lines[0].line))
            self.r.section_lines[field] = [ln.line for ln in lines]
            self.sections[field] = lines
        if self.r.pb_indicator_wording is not None:
            self._indicator_from_wording()

    def _indicator_from_wording(self) -> None:
        wording = self.r.pb_indicator_wording
        assert wording is not None
        key = norm(_STEP.sub("", wording.value))
        found = sorted({(b, c) for w, b, c in self.cat.pb_wordings if key and key in w})
        if not found:
            self.r.warn("the indicator wording matches no known P&B indicator", field="pb_indicator",
                        line=wording.line)
            return
        if len(found) > 1:
            self.r.warn(f"the indicator wording fits several indicators: {', '.join(c for _, c in found)}",
                        field="pb_indicator", line=wording.line)
            return
        biennium, code = found[0]
        if self.r.pb_indicator is None:
            self.r.pb_indicator = Located(code, wording.line)
            self.r.warn(f"P&B indicator {code} read from the indicator wording (no metadata line gives it)",
                        field="pb_indicator", line=wording.line)
        elif self.r.pb_indicator.value != code:
            self.r.warn(f"the metadata line gives indicator {self.r.pb_indicator.value}, the wording {code}'s; "
                        "the metadata line is kept", field="pb_indicator", line=wording.line)

    # -- truncation ---------------------------------------------------------------------

    def _truncation(self, lines: list[Line], last: tuple[str, Line] | None) -> None:
        r = self.r
        for field in SECTIONS:
            value = getattr(r, field)
            if value is not None and _ELLIPSIS.search(value.value):
                line = r.section_lines[field][-1]
                r.truncated.append(Located(field, line))
                r.warn("the text ends in '...': it was cut", field=field, line=line)
        nonblank = [ln for ln in lines if ln.text.strip()]
        if not nonblank:
            r.error("the record is empty", hint="give the record's text")
            return
        final = nonblank[-1]
        cut = _cut_heading(lines)
        if cut is not None:
            field, _, heading = cut
            r.truncated.append(Located(field, final.line))
            r.warn(f"the text ends inside the heading {heading!r}: that section is cut", field=field,
                   line=final.line)
            if len(nonblank) < 2:
                return
            final = nonblank[-2]  # and the text before that heading may be cut too
        if last is None:
            return
        kind, ln = last
        if ln is not final:
            return
        if kind in SECTIONS:
            value = getattr(r, kind)
            if value is not None and not _TERMINAL.search(value.value) and not _ELLIPSIS.search(value.value):
                r.truncated.append(Located(kind, final.line))
                r.warn("the text stops mid-sentence: it was cut", field=kind, line=final.line)
        elif kind == "sdg":
            m = _BULLET.match(final.text)
            t = _TARGET.match(ascii_digits(" ".join(plain(m.group("t")).split()))) if m else None
            if t and t.group("code") in self.cat.targets:
                full = norm(self.cat.targets[t.group("code")][1])
                if full and norm(t.group("t")) != full:
                    field = "sdg_targets"
                    r.truncated.append(Located(field, final.line))
                    r.warn(f"SDG target {t.group('code')} is cut; its code is read", field=field, line=final.line)


def _cut_heading(lines: list[Line]) -> tuple[str, Line, str] | None:
    """(field, line, heading) when the last line of the text is a heading cut short."""
    nonblank = [ln for ln in lines if ln.text.strip()]
    if not nonblank:
        return None
    text = norm(nonblank[-1].text).rstrip(":")
    for field, heading in HEADINGS:
        h = norm(heading)
        if len(text) >= 5 and h.startswith(text) and text != h:
            return field, nonblank[-1], heading
    return None


def _split_partners(lines: list[Line]) -> tuple[list[Line], list[Line]]:
    """The ILO's paragraphs and, set apart by two blank lines, a paragraph about others."""
    blocks: list[list[Line]] = [[]]
    blanks = 0
    for ln in lines:
        if not ln.text.strip():
            blanks += 1
            blocks[-1].append(ln)
            continue
        if blanks >= 2 and any(x.text.strip() for x in blocks[-1]):
            blocks.append([])
        blanks = 0
        blocks[-1].append(ln)
    for k in range(1, len(blocks)):
        text = " ".join(ln.text for ln in blocks[k])
        if not re.search(r"\bILO\b|\bthe Office\b", text):
            return [x for b in blocks[:k] for x in b], [x for b in blocks[k:] for x in b]
    return lines, []


# -- theme tags ---------------------------------------------------------------------------

def split_themes(text: str, catalog: Catalog) -> list[tuple[str, bool]]:
    """Theme tags of a metadata line: (label, known). Known labels come as the catalog spells them.

    Tags are separated by commas in older records and by single spaces in newer
    ones, where labels themselves contain spaces ("Medical / health care
    Old-age"): there the longest known label wins at each point, and words that
    start no known label are kept together as one unknown tag, a capital letter
    starting the next.
    """
    text = text.strip().strip(",").strip()
    if not text:
        return []
    if "," in text:
        return [_one_tag(t, catalog) for t in (p.strip() for p in text.split(",")) if t]
    words = text.split()
    out: list[tuple[str, bool]] = []
    unknown: list[str] = []
    i = 0
    longest = max((len(label.split()) for label in catalog.theme_labels), default=1)
    while i < len(words):
        match = None
        for j in range(min(len(words), i + longest), i, -1):
            key = norm(" ".join(words[i:j]))
            if key in catalog.themes:
                match = (j, catalog.themes[key][1])
                break
        if match:
            if unknown:
                out.append((" ".join(unknown), False))
                unknown = []
            out.append((match[1], True))
            i = match[0]
            continue
        if unknown and words[i][:1].isupper():
            out.append((" ".join(unknown), False))
            unknown = []
        unknown.append(words[i])
        i += 1
    if unknown:
        out.append((" ".join(unknown), False))
    return out


def _one_tag(text: str, catalog: Catalog) -> tuple[str, bool]:
    known = catalog.themes.get(norm(text))
    return (known[1], True) if known else (" ".join(text.split()), False)

"""The tabular form for partner agencies: CSV and JSON, one row per outcome.

Columns (CSV header / JSON keys; names are case-insensitive, order free). Lists
in a cell are separated by ``;`` (in JSON they may also be arrays). Start from
``data/templates/outcomes-template.csv`` (or ``.json``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterator
from typing import Any

from kg.ingest.catalog import Catalog, norm
from kg.ingest.record import Located, Record
from kg.ingest.text import ascii_digits, split_themes

# (column, required, meaning, example)
COLUMNS: tuple[tuple[str, bool, str, str], ...] = (
    ("cpo_code", False, "Country Programme Outcome code: ISO alpha-3 or regional code (RAF, GLO) and 3 digits",
     "CHN302"),
    ("date", False, "reported date, DD.MM.YYYY or YYYY-MM-DD; or a year (YYYY) when only that is known", "16.07.2021"),
    ("visibility", False, "the record's status on the platform", "Public"),
    ("biennium", False, "P&B biennium, YYYY-YY", "2020-21"),
    ("pb_indicator", False, "P&B indicator code", "8.3.1"),
    ("partnership_qualifier", False, "text shown after the indicator, verbatim", "with UN Agencies, excluding IFIs"),
    ("result_type", False, "result type: the step number, or \"Step N\"", "Step 1"),
    ("themes", False, "theme tags as the platform names them, ;-separated", "Old-age; Informal economy"),
    ("country", False, "ISO alpha-3 code or English name; needed when the CPO code is regional or missing", "CHN"),
    ("summary", True, "Outcome summary, verbatim", "A new policy measure ... has been issued"),
    ("achievement", True, "Outcome achieved, verbatim", "On 16 July 2021, the Ministry ..."),
    ("ilo_contribution", False, "ILO's contribution to the outcome, verbatim", "The ILO commissioned ..."),
    ("partners_contribution", False, "other partners' contribution, verbatim", "UNICEF contributed ..."),
    ("gender_note", False, "Gender equality & non-discrimination, verbatim", "The ILO interventions target ..."),
    ("sdg_goals", False, "SDG goal numbers, ;-separated", "1; 3"),
    ("sdg_targets", False, "SDG target codes, ;-separated", "1.3; 3.8"),
    ("source_url", False, "address of the record's page", "https://www.social-protection.org/gimi/..."),
    ("language", False, "language of the texts (BCP 47), default en", "en"),
)
COLUMN_NAMES = tuple(c[0] for c in COLUMNS)
REQUIRED = tuple(c[0] for c in COLUMNS if c[1])
ALIASES = {"cpo": "cpo_code", "reported_date": "date", "indicator": "pb_indicator", "qualifier": "partnership_qualifier",
           "outcome_summary": "summary", "outcome_achieved": "achievement", "gender": "gender_note",
           "url": "source_url", "theme": "themes"}


def _column(name: str) -> str:
    key = re.sub(r"[\s-]+", "_", name.strip().lower())
    return ALIASES.get(key, key)


# -- CSV ----------------------------------------------------------------------------------

def parse_csv(raw: str, source: str, catalog: Catalog) -> list[Record]:
    raw = raw.lstrip("\ufeff")
    # Lines as the csv module counts them (\r, \n, \r\n; not str.splitlines' \x0c or \u2028),
    # so reader.line_num indexes them; newline="" keeps a \r inside a quoted cell.
    lines = io.StringIO(raw, newline="").readlines()
    try:
        dialect = csv.Sniffer().sniff(raw[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(raw, newline=""), dialect)
    try:
        return _csv_records(reader, lines, source, catalog)
    except csv.Error as e:
        return [_file_error(source, "csv", f"not valid CSV: {e}", reader.line_num or 1)]


def _csv_records(reader, lines: list[str], source: str, catalog: Catalog) -> list[Record]:
    try:
        header = next(reader)
    except StopIteration:
        return [_file_error(source, "csv", "the file is empty", 1)]
    columns = [_column(h) for h in header]
    problem = _header_problem(columns)
    if problem:
        return [_file_error(source, "csv", problem, 1, hint="start from data/templates/outcomes-template.csv")]
    records = []
    start = reader.line_num + 1
    row_number = 0
    for cells in reader:
        end = reader.line_num
        if not any(c.strip() for c in cells):
            start = end + 1
            continue
        row_number += 1
        verbatim = "".join(lines[start - 1:end]).rstrip("\r\n")
        values = {col: Located(cell, start) for col, cell in zip(columns, cells) if col in COLUMN_NAMES}
        record = Record(source=source, format="csv", text=verbatim, row=row_number)
        if len(cells) != len(columns):
            record.warn(f"the row has {len(cells)} cells for {len(columns)} columns", line=start)
        records.append(_fill(record, values, catalog))
        start = end + 1
    return records


def _header_problem(columns: list[str]) -> str | None:
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        return f"missing column{'s' * (len(missing) > 1)} {', '.join(missing)}"
    dup = sorted({c for c in columns if columns.count(c) > 1 and c})
    if dup:
        return f"column{'s' * (len(dup) > 1)} {', '.join(dup)} given twice"
    return None


def _file_error(source: str, fmt: str, message: str, line: int | None, hint: str | None = None) -> Record:
    record = Record(source=source, format=fmt, text="")
    record.error(message, line=line, hint=hint)
    return record


# -- JSON ---------------------------------------------------------------------------------

def parse_json(raw: str, source: str, catalog: Catalog) -> list[Record]:
    raw = raw.lstrip("\ufeff")
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as e:
        return [_file_error(source, "json", f"not valid JSON: {e.msg}", e.lineno)]
    except RecursionError:
        return [_file_error(source, "json", "not valid JSON: nested too deeply", 1)]
    # Where the list of outcomes starts in the text, found by walking the document
    # (not by searching it: a key may be written with escapes, or appear in a value).
    top = _skip_space(raw, 0)
    items: list[Any]
    if isinstance(value, dict) and isinstance(value.get("outcomes"), list):
        items = value["outcomes"]
        array_at = [at for key, _, at, _ in _members(raw, top) if key == "outcomes"][-1]  # the last one wins
    elif isinstance(value, list):
        items, array_at = value, top
    else:
        return [_file_error(source, "json", "expected a list of outcomes (or {\"outcomes\": [...]})", 1,
                            hint="start from data/templates/outcomes-template.json")]
    records = []
    for n, (item, (a, b)) in enumerate(zip(items, _elements(raw, array_at)), start=1):
        line = raw.count("\n", 0, a) + 1
        record = Record(source=source, format="json", text=raw[a:b], row=n)
        if not isinstance(item, dict):
            record.error("an outcome is a JSON object", line=line)
            records.append(record)
            continue
        key_at = {key: at for key, at, _, _ in _members(raw, a)}
        values: dict[str, Located[str]] = {}
        for k, v in item.items():
            col = _column(k)
            if col not in COLUMN_NAMES:
                record.warn(f"unknown key {k!r} ignored", line=line, hint=f"keys: {', '.join(COLUMN_NAMES)}")
                continue
            kline = raw.count("\n", 0, key_at[k]) + 1
            if isinstance(v, list):
                v = "; ".join(str(x) for x in v)
            values[col] = Located("" if v is None else str(v), kline)
        missing = [c for c in REQUIRED if not values.get(c, Located("")).value.strip()]
        if missing:
            record.error(f"no {', '.join(missing)}", field=missing[0], line=line,
                         hint="every outcome needs its summary and what was achieved")
        records.append(_fill(record, values, catalog))
    return records


# Walking a document json.loads has accepted: where each value is in the text.
_DECODER = json.JSONDecoder()


def _skip_space(raw: str, pos: int) -> int:
    while pos < len(raw) and raw[pos] in " \t\r\n":
        pos += 1
    return pos


def _next(raw: str, end: int) -> int:
    """Past the comma (if any) after a value that ends at ``end``."""
    pos = _skip_space(raw, end)
    return _skip_space(raw, pos + 1) if raw[pos] == "," else pos


def _elements(raw: str, at: int) -> Iterator[tuple[int, int]]:
    """(start, end) of each element of the array that starts at ``at``."""
    pos = _skip_space(raw, at + 1)
    while raw[pos] != "]":
        _, end = _DECODER.raw_decode(raw, pos)
        yield pos, end
        pos = _next(raw, end)


def _members(raw: str, at: int) -> Iterator[tuple[str, int, int, int]]:
    """(key, key start, value start, value end) of each member of the object that starts at ``at``."""
    pos = _skip_space(raw, at + 1)
    while raw[pos] != "}":
        key, key_end = _DECODER.raw_decode(raw, pos)
        value_at = _skip_space(raw, _skip_space(raw, key_end) + 1)  # past the ':'
        _, end = _DECODER.raw_decode(raw, value_at)
        yield key, pos, value_at, end
        pos = _next(raw, end)


# -- a row as a record -------------------------------------------------------------------

def _fill(r: Record, v: dict[str, Located[str]], cat: Catalog) -> Record:
    def get(col: str) -> Located[str] | None:
        x = v.get(col)
        return Located(x.value.strip(), x.line) if x is not None and x.value.strip() else None

    def items(col: str) -> list[Located[str]]:
        x = get(col)
        return [Located(p.strip(), x.line) for p in re.split(r"[;\n]", x.value) if p.strip()] if x else []

    if (lang := get("language")) is not None:
        r.language = lang.value
    if (cpo := get("cpo_code")) is not None:
        if re.fullmatch(r"[A-Z]{3}[0-9]{3}", cpo.value.upper()):
            r.cpo_code = Located(cpo.value.upper(), cpo.line)
        else:
            r.error(f"cpo_code {cpo.value!r} is not three letters and three digits", field="cpo_code", line=cpo.line,
                    hint="a CPO code looks like CHN302")
    if (date := get("date")) is not None:
        raw = ascii_digits(date.value)
        try:
            if re.fullmatch(r"\d{4}", raw):
                r.reported_year = Located(int(raw), date.line)
            elif re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
                r.reported_date = Located(dt.date.fromisoformat(raw), date.line)
            else:
                d, m, y = re.split(r"[./\-]", raw)
                r.reported_date = Located(dt.date(int(y), int(m), int(d)), date.line)
        except ValueError:
            r.error(f"date {date.value!r} is not a date", field="reported_date", line=date.line,
                    hint="write DD.MM.YYYY, YYYY-MM-DD or a year")
    for col, name in (("visibility", "visibility"), ("partnership_qualifier", "partnership_qualifier")):
        if (x := get(col)) is not None:
            setattr(r, name, x)
    if (b := get("biennium")) is not None:
        if re.fullmatch(r"\d{4}-\d{2}", b.value):
            r.biennium = b
        else:
            r.error(f"biennium {b.value!r} is not of the form YYYY-YY", field="biennium", line=b.line)
    if (ind := get("pb_indicator")) is not None:
        code = ind.value.removeprefix("Indicator").strip()
        if re.fullmatch(r"\d+(\.\d+){1,2}", code):
            r.pb_indicator = Located(code, ind.line)
        else:
            r.error(f"pb_indicator {ind.value!r} is not an indicator code such as 8.3.1", field="pb_indicator",
                    line=ind.line)
    if (rt := get("result_type")) is not None:
        m = re.fullmatch(r"(?:Step\s*)?(\d+)", rt.value, re.I)
        if m:
            r.result_type = Located(m.group(1), rt.line)
        else:
            r.error(f"result_type {rt.value!r} is not a step number", field="result_type", line=rt.line)
    for tag in items("themes"):
        got = split_themes(tag.value, cat) if "," in tag.value else [
            (cat.themes[norm(tag.value)][1], True) if norm(tag.value) in cat.themes else (tag.value, False)]
        for label, _ in got:
            r.themes.append(Located(label, tag.line))
            if not cat.in_scheme(label):
                r.warn(f"unknown theme tag {label!r}: kept, as a new theme of the theme scheme", field="themes",
                       line=tag.line)
    for col in ("summary", "achievement", "ilo_contribution", "partners_contribution", "gender_note"):
        if (x := get(col)) is not None:
            setattr(r, col, x)
            r.section_lines[col] = [x.line] * (x.value.count("\n") + 1)
    for goal in items("sdg_goals"):
        g = goal.value.removeprefix("SDG").removeprefix("Goal").strip()
        if g in cat.goals:
            r.sdg_goals.append(Located(g, goal.line))
        else:
            r.error(f"no SDG goal {goal.value!r}", field="sdg_goals", line=goal.line, hint="give numbers 1 to 17")
    for target in items("sdg_targets"):
        if target.value in cat.targets:
            r.sdg_targets.append(target)
        else:
            r.error(f"no SDG target {target.value!r}", field="sdg_targets", line=target.line,
                    hint="give target codes such as 1.3")
    if (c := get("country")) is not None:
        raw = c.value
        alpha3 = raw.upper() if raw.upper() in cat.countries else cat.country_names.get(norm(raw))
        if alpha3:
            r.country = Located(alpha3, c.line)
        else:
            r.error(f"country {raw!r} is no ISO 3166-1 country", field="country", line=c.line,
                    hint="give its alpha-3 code, e.g. MWI")
    if (url := get("source_url")) is not None:
        r.source_url = url
    return r

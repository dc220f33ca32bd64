"""The typed record: what a parser extracted from one "Result achieved" record.

Every field is a :class:`Located` value: the value and where it was read (line
in the source file, or in the curation file that corrected it), so a failing
record can be reported as ``file:line: field: what to fix``. Values are codes
and labels as the record gives them (``"8.3.1"``, ``"CHN"``, ``"Old-age"``);
:mod:`kg.ingest.to_rdf` turns them into IRIs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Located(Generic[T]):
    """A value and where it was read. ``file`` is None for the record's own source."""

    value: T
    line: int | None = None
    file: str | None = None


@dataclass(frozen=True)
class Issue:
    """Something to tell the user about one record: an ``error`` stops it, a ``warning`` does not."""

    severity: str  # "error" or "warning"
    message: str
    field: str | None = None
    line: int | None = None
    file: str | None = None
    hint: str | None = None

    def where(self, default_file: str) -> str:
        file = self.file or default_file
        return file if self.line is None else f"{file}:{self.line}"


# The record's text sections, by Record field name, with the outcome property
# (local name in the kg: namespace) that holds each one.
SECTIONS: dict[str, str] = {
    "summary": "summary",
    "achievement": "achievement",
    "ilo_contribution": "iloContribution",
    "partners_contribution": "partnersContribution",
    "partnerships": "partnerships",
    "gender_note": "genderNote",
}

# Fields reported as missing when a record lacks them, with the property named
# in the report. Partners' contribution is not here: most records have none.
EXPECTED: dict[str, str] = {
    "metadata_line": "metadataLine",
    "cpo_code": "cpoCode",
    "reported_date": "reportedDate",
    "biennium": "biennium",
    "pb_indicator": "pbIndicator",
    "summary": "summary",
    "achievement": "achievement",
    "ilo_contribution": "iloContribution",
    "gender_note": "genderNote",
    "sdg_goals": "sdgGoal",
    "sdg_targets": "sdgTarget",
    "country": "country",
}


@dataclass
class Record:
    """One record as extracted. ``source`` is the path as given, for messages."""

    source: str
    format: str  # text, html, csv, json
    text: str  # the record as received (verbatim text of the source record)
    row: int | None = None  # tabular input: the data row (1 = first row)
    language: str = "en"

    label: Located[str] | None = None  # the outcome's rdfs:label, when a curation file gives one
    source_url: Located[str] | None = None
    source_note: Located[str] | None = None
    policy_area: Located[str] | None = None
    programme: Located[str] | None = None  # programme label as the catalog spells it
    title: Located[str] | None = None  # "Result achieved"

    metadata_line: Located[str] | None = None
    reported_date: Located[dt.date] | None = None
    reported_year: Located[int] | None = None  # records that give a year only
    cpo_code: Located[str] | None = None
    visibility: Located[str] | None = None
    biennium: Located[str] | None = None  # "2020-21"
    pb_indicator: Located[str] | None = None  # "8.3.1"
    pb_indicator_wording: Located[str] | None = None
    partnership_qualifier: Located[str] | None = None
    themes: list[Located[str]] = field(default_factory=list)  # labels; unknown ones kept as written
    result_type_heading: Located[str] | None = None
    result_type: Located[str] | None = None  # step number, "1"

    summary: Located[str] | None = None
    achievement: Located[str] | None = None
    ilo_contribution: Located[str] | None = None
    partners_contribution: Located[str] | None = None
    partnerships: Located[str] | None = None  # the "Partnerships" list of newer pages
    gender_note: Located[str] | None = None

    sdg_goals: list[Located[str]] = field(default_factory=list)  # "1"
    sdg_targets: list[Located[str]] = field(default_factory=list)  # "1.3"

    country: Located[str] | None = None  # ISO alpha-3
    country_inferred: bool = False
    country_evidence: list[Located[str]] = field(default_factory=list)

    truncated: list[Located[str]] = field(default_factory=list)  # fields where the text is cut
    # section field -> source line of each line of its text (for mentions' lines)
    section_lines: dict[str, list[int]] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The source as shown in reports: ``file`` or ``file row N``."""
        return self.source if self.row is None else f"{self.source} row {self.row}"

    @property
    def file_name(self) -> str:
        return self.source.replace("\\", "/").rsplit("/", 1)[-1]

    def warn(self, message: str, *, field: str | None = None, line: int | None = None,
             hint: str | None = None, file: str | None = None) -> None:
        self.issues.append(Issue("warning", message, field, line, file, hint))

    def error(self, message: str, *, field: str | None = None, line: int | None = None,
              hint: str | None = None, file: str | None = None) -> None:
        self.issues.append(Issue("error", message, field, line, file, hint))

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]

    def get(self, name: str) -> Located | list[Located] | None:
        return getattr(self, name)

    def missing(self) -> list[str]:
        """Names of the expected fields this record does not give."""
        out = []
        for name in EXPECTED:
            if name == "metadata_line" and self.format in ("csv", "json"):
                continue  # the tabular form has columns instead
            value = getattr(self, name)
            if name == "reported_date" and value is None and self.reported_year is not None:
                continue  # a year is what older records give
            if value is None or value == []:
                out.append(name)
        return out

    def first_line(self) -> int | None:
        """The first line any field was read from (for record-level messages)."""
        lines = []
        for f in fields(self):
            v = getattr(self, f.name)
            items = v if isinstance(v, list) else [v]
            lines += [x.line for x in items if isinstance(x, Located) and x.line is not None and x.file is None]
        return min(lines) if lines else None


FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in fields(Record))

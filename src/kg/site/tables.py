"""The site's lists as tables for people who use spreadsheets: CSV, and an Excel workbook (.xlsx).

Each list page (outcomes, organizations, instruments, SDG targets) has a :class:`Table` made from
the same data the page shows (:mod:`kg.site.views`): labels, not IRIs, with each row's own IRI in
a last column so that a row can be found again in the graph. :func:`as_csv` and :func:`as_xlsx`
write it. The workbook is written by XlsxWriter, every text cell as a string (a label that starts
with ``=`` stays text, never becomes a formula; in the CSV such a text starts with an apostrophe),
with a header row that stays in view, filters, and a second sheet that says where the table came from.

No FastAPI here.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

import xlsxwriter

__all__ = ["Table", "as_csv", "as_xlsx", "outcomes", "organizations", "instruments", "sdg_targets",
           "OUTCOME_COLUMNS", "XLSX_MEDIA_TYPE"]

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CELL_CHARS = 32_767     # the most characters an Excel cell holds
WIDEST = 60             # characters: a column wider than this wraps its text

#: The columns of the outcomes list, for people who use spreadsheets.
OUTCOME_COLUMNS = ("reported", "code", "outcome", "country", "sdg_targets", "themes", "summary", "iri")


@dataclass
class Table:
    name: str                           # the file's name, without suffix: spkg-outcomes
    title: str                          # what the table is (the workbook's sheet name and its "About")
    columns: tuple[str, ...]
    rows: list[list[str | int]] = field(default_factory=list)


def _text(term) -> str:
    return term.text if term is not None else ""


def outcomes(rows: list[dict]) -> Table:
    """The rows of :func:`kg.site.views.outcome_rows`."""
    return Table("spkg-outcomes", "Outcomes", OUTCOME_COLUMNS, [
        [r["date"] or "", r["code"] or "", r["outcome"].text, _text(r["country"]),
         "; ".join(t["code"] for t in r["targets"]), "; ".join(t.text for t in r["themes"]),
         r["summary"] or "", r["outcome"].iri or ""] for r in rows])


def organizations(data: dict) -> Table:
    """The data of :func:`kg.site.views.organizations_index`: bodies, then joint bodies."""
    return Table("spkg-organizations", "Organizations",
                 ("name", "acronym", "type", "country", "joint_body", "outcomes", "iri"), [
                     [o["org"].text, o["acronym"] or "", _text(o["type"]), _text(o["country"]),
                      "yes" if o["joint"] else "no", o["outcomes"], o["org"].iri or ""]
                     for o in data["organizations"] + data["collaborations"]])


def instruments(data: dict) -> Table:
    """The data of :func:`kg.site.views.instruments_index`."""
    return Table("spkg-instruments", "Policy instruments",
                 ("title", "date", "type", "country", "issued_by", "outcomes", "iri"), [
                     [i["instrument"].text, i["date"] or "", _text(i["type"]), _text(i["country"]),
                      "; ".join(b.text for b in i["by"]) + (f"; and {i['more_by']:,} more" if i["more_by"] else ""),
                      i["outcomes"], i["instrument"].iri or ""]
                     for i in data["instruments"]])


def sdg_targets(data: dict) -> Table:
    """The data of :func:`kg.site.views.sdg_targets_index` (all targets, or those addressed)."""
    targets = data["addressed"] if data["addressed_only"] else data["targets"]
    return Table("spkg-sdg-targets-addressed" if data["addressed_only"] else "spkg-sdg-targets", "SDG targets",
                 ("target", "text", "goal", "outcomes", "iri"), [
                     [t["code"], t["text"], _text(t["goal"]), t["outcomes"], t["iri"]] for t in targets])


# A spreadsheet opening a CSV reads a cell that starts so as a formula (=HYPERLINK(...) from a partner's label
# was one, in the eleventh #16 probe): such a text gets a leading apostrophe, which spreadsheets show as text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _as_text(cell):
    if isinstance(cell, str) and cell.startswith(_FORMULA_START):
        try:
            float(cell)
        except ValueError:
            return "'" + cell
    return cell


def as_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.columns)
    writer.writerows([_as_text(cell) for cell in row] for row in table.rows)
    return out.getvalue()


def as_xlsx(table: Table, about: list[tuple[str, str]]) -> bytes:
    """The table as a workbook: its sheet, and an "About" sheet of ``about``'s (label, value) lines."""
    out = io.BytesIO()
    # constant_memory: rows go to a temporary file as they are written, so a long list costs little memory.
    book = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_formulas": False,
                                     "strings_to_urls": False, "strings_to_numbers": False})
    head = book.add_format({"bold": True, "bottom": 1})
    wrapped = book.add_format({"text_wrap": True, "valign": "top"})
    top = book.add_format({"valign": "top"})
    sheet = book.add_worksheet(table.title[:31])
    widths = [len(c) for c in table.columns]
    for row in table.rows:
        for k, value in enumerate(row):
            widths[k] = max(widths[k], min(WIDEST, len(str(value))))
    for k, width in enumerate(widths):
        sheet.set_column(k, k, width + 2, wrapped if width >= WIDEST else top)
    sheet.write_row(0, 0, table.columns, head)
    for r, row in enumerate(table.rows, start=1):
        for k, value in enumerate(row):
            if isinstance(value, int):
                sheet.write_number(r, k, value)
            else:
                sheet.write_string(r, k, value[:CELL_CHARS])
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(1, len(table.rows)), len(table.columns) - 1)
    notes = book.add_worksheet("About")
    notes.set_column(0, 0, 24, head)
    notes.set_column(1, 1, 90)
    for r, (label, value) in enumerate(about):
        notes.write_string(r, 0, label)
        notes.write_string(r, 1, value)
    book.close()
    return out.getvalue()

"""The tabular form (CSV, JSON) for partner agencies, and its template."""

from __future__ import annotations

import pytest

import csv
import datetime as dt
import json

from ingest_helpers import RECORDS, ROOT

from kg.ingest import tabular
from kg.ingest.record import Located

pytestmark = pytest.mark.storeless  # run once: the external-store pass has nothing to add

TEMPLATES = ROOT / "data" / "templates"


def rows(name: str, cat):
    raw = (RECORDS / name).read_text(encoding="utf-8")
    parse = tabular.parse_csv if name.endswith(".csv") else tabular.parse_json
    return parse(raw, name, cat)


def test_csv_rows_field_by_field(catalog):
    first, second = rows("outcomes.csv", catalog)
    assert (first.format, first.row, second.row) == ("csv", 1, 2)
    assert first.cpo_code == Located("PHL210", 2)
    assert first.reported_date == Located(dt.date(2021, 10, 4), 2)
    assert (first.visibility.value, first.biennium.value, first.pb_indicator.value) == ("Public", "2020-21", "8.3.1")
    assert [t.value for t in first.themes] == ["Unemployment", "Income security"]
    assert first.summary.value == "An unemployment benefit for informal workers has been piloted"
    assert first.ilo_contribution.value == "The ILO designed the pilot and its evaluation.\nIt also trained 30 SSS staff."
    assert first.gender_note.value == "Half of the pilot's participants are women."
    assert [g.value for g in first.sdg_goals] == ["1", "8"]
    assert [t.value for t in first.sdg_targets] == ["1.3", "8.5"]
    assert first.source_url.value == "https://example.org/records/phl210"
    assert first.partners_contribution is None and first.result_type is None
    assert first.errors == []


def test_csv_row_keeps_its_text_as_received_and_its_lines(catalog):
    first, second = rows("outcomes.csv", catalog)
    lines = (RECORDS / "outcomes.csv").read_text(encoding="utf-8").splitlines()
    assert first.text == "\n".join(lines[1:3])  # a quoted cell spans two lines
    assert second.text == lines[3]
    assert second.summary == Located("A health insurance scheme for migrant workers has been set up", 4)


def test_csv_row_with_a_year_a_step_and_a_country_but_no_cpo_code(catalog):
    _, second = rows("outcomes.csv", catalog)
    assert second.cpo_code is None and second.reported_date is None
    assert second.reported_year == Located(2020, 4)
    assert second.result_type == Located("1", 4)
    assert second.country == Located("NPL", 4)
    assert [t.value for t in second.themes] == ["Health care"]


def test_json_objects_field_by_field(catalog):
    first, second = rows("outcomes.json", catalog)
    assert (first.format, first.row) == ("json", 1)
    assert first.cpo_code == Located("MOZ106", 4)
    assert first.reported_date == Located(dt.date(2021, 2, 28), 5)
    assert first.result_type == Located("3", 9)
    assert [t.value for t in first.themes] == ["Financing", "Actuarial valuation"]
    assert [g.value for g in first.sdg_goals] == ["1"] and [t.value for t in first.sdg_targets] == ["1.3"]
    assert json.loads(first.text)["cpo_code"] == "MOZ106"  # the object as received
    assert second.country == Located("SEN", 18)
    assert second.reported_date.value == dt.date(2021, 6, 30)
    assert [t.value for t in second.themes] == ["Informal economy workers", "Health care"]
    assert first.errors == [] and second.errors == []


def test_a_plain_json_list_works_too(catalog):
    raw = '[{"summary": "S", "achievement": "A", "cpo_code": "TJK128", "date": "2021"}]'
    (r,) = tabular.parse_json(raw, "x.json", catalog)
    assert (r.cpo_code.value, r.reported_year.value, r.summary.value) == ("TJK128", 2021, "S")


def test_bad_values_are_reported_with_their_line(catalog):
    raw = ("summary,achievement,date,cpo_code,sdg_targets,country\n"
           "S,A,32.13.2021,CHN30,1.3;99.9,Atlantis\n")
    (r,) = tabular.parse_csv(raw, "x.csv", catalog)
    assert sorted((i.field, i.line) for i in r.errors) == [
        ("country", 2), ("cpo_code", 2), ("reported_date", 2), ("sdg_targets", 2)]
    assert [t.value for t in r.sdg_targets] == ["1.3"]


def test_a_missing_required_column_fails_the_file(catalog):
    (r,) = tabular.parse_csv("cpo_code,summary\nCHN302,S\n", "x.csv", catalog)
    assert [(i.message, i.line) for i in r.errors] == [("missing column achievement", 1)]
    (j,) = tabular.parse_json('{"x": 1}', "x.json", catalog)
    assert j.errors and "list of outcomes" in j.errors[0].message


def test_a_json_outcome_without_summary_is_an_error(catalog):
    (r,) = tabular.parse_json('[{"achievement": "A"}]', "x.json", catalog)
    assert [i.message for i in r.errors] == ["no summary"]


def test_the_csv_template_has_the_documented_columns_and_parses(catalog):
    with open(TEMPLATES / "outcomes-template.csv", encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    assert header == list(tabular.COLUMN_NAMES)
    records = tabular.parse_csv((TEMPLATES / "outcomes-template.csv").read_text(encoding="utf-8"), "t.csv", catalog)
    assert len(records) == 1 and records[0].errors == []
    assert records[0].cpo_code.value == "CHN302"


def test_the_json_template_has_the_documented_keys_and_parses(catalog):
    data = json.loads((TEMPLATES / "outcomes-template.json").read_text(encoding="utf-8"))
    assert list(data["outcomes"][0]) == list(tabular.COLUMN_NAMES)
    records = tabular.parse_json((TEMPLATES / "outcomes-template.json").read_text(encoding="utf-8"), "t.json", catalog)
    assert len(records) == 1 and records[0].errors == []


def test_every_column_is_documented():
    doc = (ROOT / "docs" / "ingest.md").read_text(encoding="utf-8")
    for name in tabular.COLUMN_NAMES:
        assert f"| `{name}` |" in doc, name

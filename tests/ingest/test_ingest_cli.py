"""`kg ingest` on the command line: exit codes, the report, progress."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest
from ingest_helpers import RECORDS, ROOT, snapshot

from kg import cli as kg_cli
from kg.cli import ingest as ingest_cli


@pytest.fixture
def kg_ingest(ingest_project):
    """``kg`` on the ingest project."""
    def call(*argv: str) -> int:
        return kg_cli.main(["--project-dir", str(ingest_project), *argv])

    return call


def test_ingest_is_a_command_of_kg():
    assert "ingest" in kg_cli.COMMANDS
    assert kg_cli.command("ingest").run is ingest_cli.run


def test_records_in_exit_0_with_a_summary(kg_ingest, capsys, ingest_project):
    code = kg_ingest("ingest", str(RECORDS / "khm-step1-no-themes.txt"), str(RECORDS / "vnm-qualifier.txt"))
    out, err = capsys.readouterr()
    assert code == 0
    assert "khm-step1-no-themes.txt -> outcome khm104-2021-03-15: new" in out
    assert "summary: 2 records (2 new)" in out and "0 errors" in out and "store updated" in out
    assert "wrote 4 files" in out
    assert "store updated: 4 graph(s) replaced" in err
    assert (ingest_project / "data" / "outcome-vnm151-2021-12-31.ttl").is_file()


def test_an_invalid_record_exits_1_and_writes_nothing(kg_ingest, capsys, ingest_project):
    before = snapshot(ingest_project / "data")
    code = kg_ingest("ingest", str(RECORDS / "khm-step1-no-themes.txt"), str(RECORDS / "invalid-biennium.txt"))
    out, err = capsys.readouterr()
    assert code == 1
    assert "invalid-biennium.txt:3: biennium: Link a biennium that data/schemes.ttl describes" in out
    assert "(shape ranges:OutcomeShape-biennium)" in out
    assert "error: 1 of 2 records invalid; nothing was written" in err
    assert "--skip-invalid to write the 1 valid record" in err
    assert snapshot(ingest_project / "data") == before


def test_skip_invalid_writes_the_rest_and_still_exits_1(kg_ingest, capsys, ingest_project):
    code = kg_ingest("ingest", "--skip-invalid", str(RECORDS / "khm-step1-no-themes.txt"),
              str(RECORDS / "invalid-biennium.txt"))
    _, err = capsys.readouterr()
    assert code == 1 and "invalid and skipped; the valid ones were written" in err
    assert (ingest_project / "data" / "outcome-khm104-2021-03-15.ttl").is_file()


def test_a_missing_input_exits_2(kg_ingest, capsys):
    assert kg_ingest("ingest", str(RECORDS / "no-such-file.txt")) == 2
    assert "error: no such file or folder" in capsys.readouterr().err


def test_a_folder_with_a_forced_format_and_a_json_report(kg_ingest, capsys, ingest_project):
    before = snapshot(ingest_project / "data")
    code = kg_ingest("ingest", "--format", "html", "--dry-run", "--report", "json", str(RECORDS))
    out, _ = capsys.readouterr()
    report = json.loads(out)
    assert code == 0
    assert sorted(r["source"].rsplit("/", 1)[-1] for r in report["results"]) == ["idn-page.html", "seed-chn302.html"]
    assert report["store"] == "dry run" and report["errors"] == 0
    assert snapshot(ingest_project / "data") == before


def test_quiet_shows_only_errors(kg_ingest, capsys):
    code = kg_ingest("ingest", "-q", str(RECORDS / "raf-older-year.txt"))
    out, err = capsys.readouterr()
    assert code == 0 and out.strip() == "" and err == ""


def test_progress_shows_the_rate_and_eta():
    stream = io.StringIO()
    progress = ingest_cli._Progress(stream)
    for done in (1, 50, 100):
        progress("extract", done, 100)
    lines = stream.getvalue().splitlines()
    assert lines and lines[-1].startswith("extract: 100/100 records") and "records/s" in lines[-1]
    assert "ETA" in lines[-1]


def test_python_dash_m_runs_the_command():
    done = subprocess.run([sys.executable, "-m", "kg", "ingest", "--help"], capture_output=True, text=True,
                          cwd=ROOT, timeout=60)
    assert done.returncode == 0 and "FILE|FOLDER" in done.stdout and "--skip-invalid" in done.stdout

"""`kg query FILE.rq --param NAME=VALUE` on the project's own graph."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from kg.cli import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = str(tmp_path_factory.mktemp("cli") / "store")
    assert main(["build", "-q", "--project-dir", str(ROOT), "--store", path]) == 0
    return path


def run(capsys: pytest.CaptureFixture[str], store_dir: str, *args: str) -> tuple[int, str, str]:
    code = main(["query", "--project-dir", str(ROOT), "--store", store_dir, *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_param_binds_a_typed_value(capsys: pytest.CaptureFixture[str], store_dir: str) -> None:
    code, out, _ = run(capsys, store_dir, "list-outcomes-by-sdg-target.rq", "-p", "target=3.8", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["targetCode"], r["cpoCode"], r["countryName"]) for r in rows] == [("3.8", "CHN302", "China")]


def test_param_that_matches_nothing_gives_no_rows(capsys: pytest.CaptureFixture[str], store_dir: str) -> None:
    code, out, _ = run(capsys, store_dir, "list-outcomes-by-sdg-target.rq", "--param", "target=9.1", "--format", "csv")
    assert code == 0
    assert list(csv.DictReader(io.StringIO(out))) == []


def test_bad_param_names_the_parameter(capsys: pytest.CaptureFixture[str], store_dir: str) -> None:
    code, _, err = run(capsys, store_dir, "list-outcomes-by-sdg-target.rq", "-p", "target=one.three")
    assert code == 2
    assert "parameter 'target'" in err and "1.3" in err


def test_param_on_plain_sparql_is_refused(capsys: pytest.CaptureFixture[str], store_dir: str) -> None:
    code, _, err = run(capsys, store_dir, "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "-p", "x=1")
    assert code == 2
    assert "canned queries" in err

"""The `kg` command, run in-process: exit codes and what users read."""

from __future__ import annotations

import json

import pytest
from fixture_project import BROKEN, GRAPH_COUNTS, TOTAL, UNKNOWN_PREFIX, VIOLATING, snapshot, write

from kg.cli import COMMANDS, main

STATUSES = """PREFIX kg: <https://w3id.org/spkg/def/kg#>
PREFIX outcome: <https://w3id.org/spkg/id/outcome/>
SELECT ?outcome ?status WHERE { ?outcome kg:status ?status } ORDER BY ?outcome"""


@pytest.fixture
def kg(project, capsys):
    """Run `kg --project-dir <project> ARGS…`; return (exit code, stdout, stderr)."""
    def run(*args: str) -> tuple[int, str, str]:
        code = main(["--project-dir", str(project), *args])
        out, err = capsys.readouterr()
        return code, out, err
    return run


@pytest.fixture
def built_kg(kg):
    assert kg("build", "-q")[0] == 0
    return kg


def test_build_prints_progress_and_summary(kg):
    code, out, err = kg("build")
    assert code == 0, err
    assert "loaded data/outcomes.ttl: 11 triples" in out
    for graph, n in GRAPH_COUNTS.items():
        assert any(line.split() == [graph, str(n), "triples"] for line in out.splitlines()), graph
    assert out.rstrip().endswith(
        f"4 files, {TOTAL} triples in {len(GRAPH_COUNTS)} graphs; 0 violations, 1 warning in 1 focus node; data conforms")
    assert "outcome:chn302-2022  (data/outcomes.ttl:16)" in out  # the warning is shown
    assert err == ""


def test_build_quiet_prints_nothing(kg):
    assert kg("build", "-q") == (0, "", "")


def test_build_with_violations_exits_1_and_keeps_the_old_store(project, built_kg):
    before = snapshot(project / ".kg" / "store")
    write(project, "data/bad.ttl", VIOLATING)
    code, out, err = built_kg("build")
    assert code == 1
    assert "outcome:bad-1  (data/bad.ttl:5)" in out
    assert "3 violations, 1 warning in 2 focus nodes; data does not conform" in out
    assert "the store was not changed" in err
    assert snapshot(project / ".kg" / "store") == before


@pytest.mark.parametrize("text, where", [
    (BROKEN, "error: data/broken.ttl:4:15: ] is not a valid RDF object"),
    (UNKNOWN_PREFIX, "error: data/broken.ttl:3:38: unknown prefix 'foo'"),
])
def test_build_with_bad_input_exits_2_with_file_and_line(project, built_kg, text, where):
    before = snapshot(project / ".kg" / "store")
    write(project, "data/broken.ttl", text)
    code, out, err = built_kg("build")
    assert code == 2
    assert err.splitlines()[0] == where
    assert err.splitlines()[1].startswith("hint: ")
    assert "the store was not changed" in err
    assert snapshot(project / ".kg" / "store") == before


def test_build_no_validate_loads_violating_data(project, kg):
    write(project, "data/bad.ttl", VIOLATING)
    code, out, _ = kg("build", "--no-validate")
    assert code == 0
    assert f"{TOTAL + 4 + 2} triples" in out  # the file's 4, and its outcome's 2 entailed superclasses and "not validated" in out


def test_global_options_work_after_the_subcommand(project, capsys):
    assert main(["build", "-q", "--project-dir", str(project), "--store", str(project / "elsewhere")]) == 0
    assert (project / "elsewhere").is_dir()
    assert not (project / ".kg" / "store").exists()


def test_validate_exit_codes(project, kg):
    code, out, _ = kg("validate")
    assert code == 0
    assert out.rstrip().endswith("0 violations, 1 warning in 1 focus node; data conforms")
    write(project, "data/bad.ttl", VIOLATING)
    code, out, _ = kg("validate")
    assert code == 1
    assert "Violation: Every result needs a title." in out
    write(project, "data/broken.ttl", BROKEN)
    code, out, err = kg("validate")
    assert (code, out) == (2, "")
    assert err.startswith("error: data/broken.ttl:4:15: ")


def test_validate_json(project, kg):
    write(project, "data/bad.ttl", VIOLATING)
    code, out, _ = kg("validate", "--format", "json")
    assert code == 1
    report = json.loads(out)
    assert (report["conforms"], report["violations"], report["warnings"]) == (False, 3, 1)
    assert {r["line"] for r in report["results"]} == {5, 16}


def test_query_table(built_kg):
    code, out, _ = built_kg("query", STATUSES)
    assert code == 0
    assert out == """\
| outcome             | status     |
|---------------------|------------|
| outcome:chn302-2020 | "achieved" |
| outcome:chn302-2022 | "planned"  |
2 rows
"""


def test_query_csv_and_tsv(built_kg):
    assert built_kg("query", STATUSES, "--format", "csv")[1] == (
        "outcome,status\r\n"
        "https://w3id.org/spkg/id/outcome/chn302-2020,achieved\r\n"
        "https://w3id.org/spkg/id/outcome/chn302-2022,planned\r\n")
    assert built_kg("query", STATUSES, "--format", "tsv")[1] == (
        "?outcome\t?status\n"
        '<https://w3id.org/spkg/id/outcome/chn302-2020>\t"achieved"\n'
        '<https://w3id.org/spkg/id/outcome/chn302-2022>\t"planned"\n')


def test_query_json_is_sparql_results_json(built_kg):
    code, out, _ = built_kg("query", STATUSES, "--format", "json")
    assert code == 0
    assert json.loads(out) == {
        "head": {"vars": ["outcome", "status"]},
        "results": {"bindings": [
            {"outcome": {"type": "uri", "value": "https://w3id.org/spkg/id/outcome/chn302-2020"},
             "status": {"type": "literal", "value": "achieved"}},
            {"outcome": {"type": "uri", "value": "https://w3id.org/spkg/id/outcome/chn302-2022"},
             "status": {"type": "literal", "value": "planned"}},
        ]},
    }


def test_query_table_writes_numbers_bare_and_languages_tagged(built_kg):
    q = ('PREFIX kg: <https://w3id.org/spkg/def/kg#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> '
         'SELECT ?year ?comment WHERE { ?o kg:year ?year . OPTIONAL { ?o rdfs:comment ?comment } } ORDER BY ?year')
    assert built_kg("query", q)[1].splitlines()[2:4] == [
        '| 2020 | "Rural pension scheme reached all provinces."@en |',
        "| 2022 |                                                  |",
    ]


def test_query_ask(built_kg):
    assert built_kg("query", "ASK { ?s a <https://w3id.org/spkg/def/kg#Organization> }") == (0, "true\n", "")
    assert built_kg("query", "ASK { ?s a <http://e/Nothing> }")[1] == "false\n"
    assert json.loads(built_kg("query", "ASK { ?s ?p ?o }", "--format", "json")[1]) == {"head": {}, "boolean": True}


CONSTRUCT = ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
             "CONSTRUCT { ?s rdfs:label ?l } "
             "WHERE { ?s rdfs:label ?l FILTER(?s = <https://w3id.org/spkg/id/organization/ilo>) }")


def test_query_construct_turtle_and_ntriples(built_kg):
    code, out, _ = built_kg("query", CONSTRUCT)
    assert code == 0
    assert out == ("@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
                   '<https://w3id.org/spkg/id/organization/ilo> rdfs:label "International Labour Organization"@en .\n')
    assert built_kg("query", CONSTRUCT, "--format", "ntriples")[1] == (
        "<https://w3id.org/spkg/id/organization/ilo> <http://www.w3.org/2000/01/rdf-schema#label> "
        '"International Labour Organization"@en .\n')


def test_query_format_that_does_not_fit_the_query_form_exits_2(built_kg):
    code, _, err = built_kg("query", CONSTRUCT, "--format", "csv")
    assert code == 2
    assert err.startswith("error: format 'csv' does not apply to CONSTRUCT/DESCRIBE results")
    assert built_kg("query", "ASK { ?s ?p ?o }", "--format", "turtle")[0] == 2


def test_query_from_a_file_in_queries(built_kg):
    code, out, _ = built_kg("query", "list-statuses.rq", "--format", "csv")
    assert code == 0
    assert out.splitlines()[0] == "outcome,status"


def test_query_from_a_path(project, built_kg, tmp_path):
    path = write(tmp_path, "q.rq", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert built_kg("query", str(path), "--format", "csv")[1] == f"n\r\n{TOTAL}\r\n"


def test_query_file_that_does_not_exist_exits_2(built_kg):
    code, _, err = built_kg("query", "nope.rq")
    assert code == 2
    assert err.startswith("error: no query file nope.rq")


def test_query_syntax_error_exits_2_with_line_and_column(project, built_kg):
    code, out, err = built_kg("query", "SELECT ?x WHERE { ?x foo:y ?z }")
    assert (code, out) == (2, "")
    assert err == "error: line 1, column 22: unknown prefix 'foo'\n"
    write(project, "queries/broken.rq", "SELECT ?x\nWHERE { ?x ?y ?z } ORDER ?x\n")
    code, _, err = built_kg("query", "broken.rq")
    assert code == 2
    assert err == "error: broken.rq: line 2, column 28: expected BY at the end of the query\n"


def test_query_before_build_says_run_kg_build(kg):
    code, _, err = kg("query", "ASK { ?s ?p ?o }")
    assert code == 2
    assert "run `kg build` first" in err


def test_both_shacl_engines_give_the_same_report(project, kg, monkeypatch):
    write(project, "data/bad.ttl", VIOLATING)
    reports = {}
    for engine in ("turbo", "pyshacl"):
        monkeypatch.setenv("KG_SHACL_ENGINE", engine)
        code, out, _ = kg("validate", "--format", "json")
        assert code == 1
        reports[engine] = {k: v for k, v in json.loads(out).items() if k != "seconds"}
    assert reports["turbo"] == reports["pyshacl"]
    monkeypatch.setenv("KG_SHACL_ENGINE", "jena")
    code, _, err = kg("validate")
    assert code == 2
    assert err.startswith("error: setting 'shacl_engine' must be one of turbo, pyshacl, got 'jena'")


def test_bad_base_is_a_config_error(kg):
    code, _, err = kg("--base", "no-slash", "validate")
    assert code == 2
    assert err.startswith("error: setting 'base' must be an absolute IRI ending with '/'")


def test_help_and_usage_errors_return_codes(capsys):
    assert main(["--help"]) == 0
    assert "build" in capsys.readouterr().out
    assert main(["frobnicate"]) == 2
    assert main([]) == 2


def test_subcommands_are_a_registry():
    assert {"build", "validate", "query", "dump"} <= set(COMMANDS)

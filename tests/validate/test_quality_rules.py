"""The quality rules (shapes/rules/*.rq): each finds its planted fault and nothing in clean data;
`kg validate` fails on a violation and says what and where; `kg build` keeps what it found."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import quality_fixture
from quality_fixture import ID, PLANTED, PLANTED_FILE, SEVERITY, line_of
from rdflib import Graph

from kg import validate
from kg.cli import main
from kg.errors import ParseError, ValidationFailed
from kg.store import read_manifest
from kg.validate import rules, stored
from kg.write.build import build

ROOT = Path(__file__).resolve().parents[2]
RULE_FILES = sorted((ROOT / "shapes" / "rules").glob("*.rq"))


def findings(report, rule: str) -> dict[str, object]:
    """focus IRI -> result, of one rule's findings in ``report``."""
    return {r.focus_node[1:-1]: r for r in report.results if r.source_shape == f"shapes/rules/{rule}.rq"}


# -- the rules, one by one ----------------------------------------------------------------------

def test_the_clean_project_has_no_findings(clean_settings):
    report = validate.validate_files(clean_settings)
    assert report.conforms and report.results == ()
    assert {run.name: run.findings for run in report.rules} == {name: 0 for name in PLANTED}


@pytest.mark.parametrize("rule", sorted(PLANTED))
def test_each_rule_finds_its_planted_fault(faulty_project, faulty_settings, rule):
    report = validate.validate_files(faulty_settings)
    found = findings(report, rule)
    assert set(found) == set(PLANTED[rule]), f"{rule}: found {sorted(found)}"
    for iri, result in found.items():
        file = PLANTED[rule][iri]
        assert result.severity == SEVERITY[rule]
        assert result.component == "QualityRule" and result.from_rule
        assert (result.file, result.line) == (file, line_of(faulty_project, file, iri))
        assert result.message and len(result.message) > 40, "a message says what is wrong and what to do"
    run = next(r for r in report.rules if r.name == rule)
    assert (run.findings, run.severity, run.file) == (len(PLANTED[rule]), SEVERITY[rule], f"shapes/rules/{rule}.rq")


def test_near_duplicates_name_each_other_and_the_label(faulty_settings):
    found = findings(validate.validate_files(faulty_settings), "near-duplicate-labels")
    molisa, twin = f"{ID}organization/molisa", f"{ID}organization/vnm-molisa"
    assert f"<{twin}>" in found[molisa].message and f"<{molisa}>" in found[twin].message
    assert "organization" in found[molisa].message and "one IRI" in found[molisa].message
    assert found[twin].value == '"The Ministry of Labour - Invalids & Social Affairs"@en'
    workshop = found[f"{ID}activity/vnm-a-workshop"]
    assert "Another event" in workshop.message  # a kg:Seminar is an event: the class hierarchy is followed


def test_the_other_rules_say_what_to_do(faulty_settings):
    report = validate.validate_files(faulty_settings)
    paper = findings(report, "instrument-without-date")[f"{ID}instrument/raf-maternity-paper"]
    assert "milestone" in paper.message and paper.value == '"Regional maternity protection policy paper"@en'
    outcome = findings(report, "outcome-without-country")[f"{ID}outcome/raf-b"]
    assert "kg:country" in outcome.message and outcome.value == '"RAF904"'


def test_a_different_country_is_no_duplicate(faulty_settings):
    found = findings(validate.validate_files(faulty_settings), "near-duplicate-labels")
    assert not any(iri.endswith("-moh") for iri in found), "the Ministries of Health of Malawi and Zambia are two"


def test_a_body_without_a_country_is_compared_with_every_country(clean_project, clean_settings):
    quality_fixture.write(clean_project, "data/outcome-x.ttl", quality_fixture.PREFIXES + """
orgn:moh a kg:Organization ; rdfs:label "ministry of health"@en .
""")
    found = findings(validate.validate_files(clean_settings), "near-duplicate-labels")
    assert set(found) == {f"{ID}organization/{k}" for k in ("moh", "mwi-moh", "zmb-moh")}


def test_sharded_validation_finds_the_same(faulty_settings, monkeypatch):
    whole = validate.validate_files(faulty_settings)
    monkeypatch.setattr("kg.validate.core.SHARD_ABOVE", 0)
    sharded = validate.validate_files(faulty_settings.replace(validate_shards=2))
    assert [r for r in sharded.results if r.from_rule] == [r for r in whole.results if r.from_rule]
    assert [(r.name, r.findings) for r in sharded.rules] == [(r.name, r.findings) for r in whole.rules]


# -- kg validate ---------------------------------------------------------------------------------

def test_kg_validate_fails_on_a_near_duplicate_and_says_what_and_where(faulty_project, capsys):
    code = main(["--project-dir", str(faulty_project), "validate"])
    out = capsys.readouterr().out
    assert code == 1
    assert "shapes/rules/near-duplicate-labels.rq (quality rule)" in out
    molisa_line = line_of(faulty_project, "data/outcome-vnm-a.ttl", f"{ID}organization/molisa")
    twin_line = line_of(faulty_project, PLANTED_FILE, f"{ID}organization/vnm-molisa")
    assert f"<https://w3id.org/spkg/id/organization/vnm-molisa>  ({PLANTED_FILE}:{twin_line})" in out \
        or f"orgn:vnm-molisa  ({PLANTED_FILE}:{twin_line})" in out
    assert f"(data/outcome-vnm-a.ttl:{molisa_line})" in out
    assert "Violation: Another organization has the same name" in out
    assert "value: \"The Ministry of Labour - Invalids & Social Affairs\"@en" in out
    # four near duplicates; a warning of each other rule and one of the shapes, on eight nodes
    assert out.rstrip().splitlines()[-1] == "4 violations, 3 warnings in 6 focus nodes; data does not conform"


def test_kg_validate_json_lists_findings_and_rules(faulty_project, capsys):
    assert main(["--project-dir", str(faulty_project), "validate", "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    rule_results = [r for r in data["results"] if r["component"] == "QualityRule"]
    assert {r["source_shape"] for r in rule_results} == {f"shapes/rules/{name}.rq" for name in PLANTED}
    twin = next(r for r in rule_results if r["focus_node"].endswith("organization/vnm-molisa>"))
    assert (twin["severity"], twin["file"]) == ("Violation", PLANTED_FILE) and twin["line"]
    assert {r["name"]: r["findings"] for r in data["rules"]} == {k: len(v) for k, v in PLANTED.items()}


def test_warnings_alone_do_not_fail(clean_project, capsys):
    quality_fixture.write(clean_project, "data/outcome-x.ttl", quality_fixture.PREFIXES + """
outcome:glo-x a kg:Outcome ; rdfs:label "GLO371: a global result"@en ; rdfs:comment "Global."@en .
""")
    assert main(["--project-dir", str(clean_project), "validate"]) == 0
    out = capsys.readouterr().out
    assert "shapes/rules/outcome-without-country.rq (quality rule)" in out and "Warning: The outcome has no" in out
    assert out.rstrip().endswith("0 violations, 1 warning in 1 focus node; data conforms")


@pytest.mark.parametrize("text, error", [
    ("SELECT ?focus ?message WHERE { }", "no '#+' header"),
    ("#+ summary: x\n#+ severity: fatal\nSELECT ?focus ?message WHERE { }", "'severity' is required"),
    ("#+ summary: x\n#+ severity: warning\n#+ tags: [a]\nSELECT ?focus ?message WHERE { }", "unknown header key 'tags'"),
    ("#+ summary: x\n#+ severity: warning\nSELECT ?node ?message WHERE { }", "must select ?focus"),
    ("#+ summary: x\n#+ severity: warning\nASK { ?s ?p ?o }", "a SELECT query"),
    ("#+ summary: x\n#+ severity: warning\nSELECT ?focus ?message WHERE { ?focus ?p }", "SPARQL syntax error"),
])
def test_a_broken_rule_is_an_input_error_naming_its_file(clean_project, capsys, text, error):
    quality_fixture.write(clean_project, "shapes/rules/broken-rule.rq", text)
    assert main(["--project-dir", str(clean_project), "validate"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: shapes/rules/broken-rule.rq") and error in err


def test_a_project_without_rules_validates_as_before(clean_project, clean_settings):
    for rule in (clean_project / "shapes" / "rules").glob("*.rq"):
        rule.unlink()
    (clean_project / "shapes" / "rules").rmdir()
    report = validate.validate_files(clean_settings)
    assert report.conforms and report.rules == ()


# -- the project's own rules -----------------------------------------------------------------------

@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: p.name)
def test_every_rule_of_the_project_parses_and_declares_severity(path):
    rule = rules.parse_rule(path.read_text(encoding="utf-8"), f"shapes/rules/{path.name}")
    assert rule.summary and rule.description and rule.severity in ("Violation", "Warning", "Info")
    assert path.stem in PLANTED, f"plant a fault for {path.name} in tests/support/quality_fixture.py"


def test_every_kg_term_a_rule_uses_is_in_the_ontology():
    ontology = Graph().parse(ROOT / "ontology" / "kg.ttl")
    declared = {str(s) for s in ontology.subjects()}
    kg = "https://w3id.org/spkg/def/kg#"
    for path in RULE_FILES:
        used = set(re.findall(r"\bkg:([A-Za-z_]+)", path.read_text(encoding="utf-8")))
        missing = sorted(t for t in used if kg + t not in declared)
        assert not missing, f"{path.name} uses kg: terms the ontology does not declare: {missing}"


def test_parse_errors_carry_the_file():
    with pytest.raises(ParseError) as e:
        rules.parse_rule("#+ summary: x\n", "shapes/rules/x.rq")
    assert e.value.file == "shapes/rules/x.rq"


# -- kg build keeps the report ------------------------------------------------------------------------

def test_build_keeps_the_report_keyed_to_the_dataset_version(faulty_project, faulty_settings):
    quality_fixture.write(faulty_project, "shapes/rules/near-duplicate-labels.rq",
                          (faulty_project / "shapes/rules/near-duplicate-labels.rq").read_text()
                          .replace("#+ severity: violation", "#+ severity: warning"))
    result = build(faulty_settings)
    kept = stored.read(faulty_settings)
    assert kept is not None and kept.content_hash == read_manifest(faulty_settings)["content_hash"]
    assert kept.report.results == result.validation.results
    assert kept.report.warnings == result.validation.warnings > 0
    assert {r.name for r in kept.report.rules} == set(PLANTED)
    assert stored.path(faulty_settings).parent == faulty_settings.store_dir.parent

    build(faulty_settings, validate=False)  # no validation, no report: the kept one would describe other data
    assert stored.read(faulty_settings) is None


def test_a_refused_build_keeps_what_refused_it(faulty_project, faulty_settings):
    aside = faulty_project / "outcome-raf-b.ttl.aside"
    (faulty_project / PLANTED_FILE).rename(aside)
    build(faulty_settings)
    served = read_manifest(faulty_settings)
    aside.rename(faulty_project / PLANTED_FILE)
    with pytest.raises(ValidationFailed):
        build(faulty_settings)
    assert read_manifest(faulty_settings) == served  # the store is the one before
    kept = stored.read(faulty_settings)
    assert not kept.report.conforms and kept.report.violations == len(PLANTED["near-duplicate-labels"])
    assert kept.content_hash != served["content_hash"]  # of the data refused, not of the store

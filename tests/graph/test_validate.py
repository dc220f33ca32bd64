"""SHACL validation: results, where they come from, and how they read."""

from __future__ import annotations

import json

import pytest
from fixture_project import VIOLATING, write
from rdflib import RDF, Graph, URIRef

from kg.rdf import sources
from kg import validate
from kg.errors import LoadError

pytestmark = pytest.mark.storeless  # run once: the external-store pass has nothing to add

SHP = "https://w3id.org/spkg/shapes/core#"
OUT = "https://w3id.org/spkg/id/outcome/"


def test_fixture_conforms_with_one_warning_at_its_line(settings):
    report = validate.validate_files(settings)
    assert report.conforms
    assert (report.violations, report.warnings, report.infos) == (0, 1, 0)
    (r,) = report.results
    assert r.severity == "Warning"
    assert r.source_shape == f"<{SHP}ResultShape-comment>"
    assert r.focus_node == f"<{OUT}chn302-2022>"
    assert r.path == "<http://www.w3.org/2000/01/rdf-schema#comment>"
    assert r.message == "Add an rdfs:comment that describes the result."
    assert (r.file, r.line) == ("data/outcomes.ttl", 16)
    assert report.summary() == "0 violations, 1 warning in 1 focus node; data conforms"


def test_violations_name_shape_focus_value_message_and_line(project, settings):
    write(project, "data/bad.ttl", VIOLATING)
    report = validate.validate_files(settings)
    assert not report.conforms
    got = {(r.source_shape, r.focus_node, r.value, r.message, r.file, r.line)
           for r in report.results if r.severity == "Violation"}
    bad = f"<{OUT}bad-1>"
    assert got == {
        (f"<{SHP}ResultShape-title>", bad, None, "Every result needs a title.", "data/bad.ttl", 5),
        (f"<{SHP}ResultShape-status>", bad, '"done"', 'Status must be "planned" or "achieved".', "data/bad.ttl", 5),
        (f"<{SHP}ResultShape-leadBy>", bad, f"<{OUT}chn302-2020>",
         "kg:leadBy must point to an organization.", "data/bad.ttl", 5),
    }
    assert report.summary() == "3 violations, 1 warning in 2 focus nodes; data does not conform"


def test_subclass_instances_are_targeted_without_rdfs_inference(project, settings):
    # bad-1 is only a kg:CountryOutcome; ResultShape targets kg:Result, two
    # rdfs:subClassOf steps up. Without materialised types it is not checked.
    write(project, "data/bad.ttl", VIOLATING)
    found = sources.discover(settings)
    data = sources.load_graph([s for s in found if s.rel == "data/bad.ttl"], settings)
    shapes = sources.load_graph([s for s in found if s.folder == "shapes"], settings)
    ontology = sources.load_graph([s for s in found if s.folder == "ontology"], settings)
    size = len(data)
    assert validate.validate_graph(data, shapes, None).conforms  # nothing targeted
    report = validate.validate_graph(data, shapes, ontology)
    assert report.violations == 3
    assert len(data) == size  # the inferred types were taken out again
    assert (URIRef(f"{OUT}bad-1"), RDF.type, URIRef("https://w3id.org/spkg/def/kg#Result")) not in data


def test_superclasses_are_transitive(settings):
    ontology = sources.load_graph(sources.discover(settings, ("ontology",)), settings)
    kg = "https://w3id.org/spkg/def/kg#"
    closure = validate.superclasses(ontology)
    assert closure[URIRef(kg + "CountryOutcome")] == {URIRef(kg + "Outcome"), URIRef(kg + "Result")}


def test_blank_node_focus_falls_back_to_its_file(project, settings):
    write(project, "data/anon.ttl", """\
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix kg: <https://w3id.org/spkg/def/kg#> .

[] a kg:Outcome ; kg:status "planned" ; rdfs:comment "No title." .
""")
    report = validate.validate_files(settings)
    (r,) = [r for r in report.results if r.severity == "Violation"]
    assert r.focus_node.startswith("_:")
    assert (r.file, r.line) == ("data/anon.ttl", None)
    assert r.where == "data/anon.ttl"


def test_anonymous_property_shape_is_named_after_its_parent(project, settings):
    write(project, "data/org.ttl",
          "<https://w3id.org/spkg/id/organization/nolabel> a <https://w3id.org/spkg/def/kg#Organization> .\n")
    report = validate.validate_files(settings)
    (r,) = [r for r in report.results if r.severity == "Violation"]
    assert r.source_shape == (f"<{SHP}OrganizationShape> sh:property "
                              "[ sh:path <http://www.w3.org/2000/01/rdf-schema#label> ]")
    assert (r.file, r.line) == ("data/org.ttl", 1)
    assert "shp:OrganizationShape sh:property [ sh:path rdfs:label ]" in validate.format_report(report)


def test_text_report_groups_by_shape_then_focus_node(project, settings):
    write(project, "data/bad.ttl", VIOLATING)
    text = validate.format_report(validate.validate_files(settings))
    assert text == """\
shp:ResultShape-leadBy
  outcome:bad-1  (data/bad.ttl:5)
    Violation: kg:leadBy must point to an organization.
      path: kg:leadBy   value: outcome:chn302-2020

shp:ResultShape-status
  outcome:bad-1  (data/bad.ttl:5)
    Violation: Status must be "planned" or "achieved".
      path: kg:status   value: "done"

shp:ResultShape-title
  outcome:bad-1  (data/bad.ttl:5)
    Violation: Every result needs a title.
      path: kg:title

shp:ResultShape-comment
  outcome:chn302-2022  (data/outcomes.ttl:16)
    Warning: Add an rdfs:comment that describes the result.
      path: rdfs:comment

3 violations, 1 warning in 2 focus nodes; data does not conform"""


def test_json_report(project, settings):
    write(project, "data/bad.ttl", VIOLATING)
    data = json.loads(validate.format_report(validate.validate_files(settings), "json"))
    assert (data["conforms"], data["violations"], data["warnings"], data["focus_nodes"]) == (False, 3, 1, 2)
    status = next(r for r in data["results"] if r["source_shape"] == f"<{SHP}ResultShape-status>")
    assert status == {
        "severity": "Violation",
        "source_shape": f"<{SHP}ResultShape-status>",
        "focus_node": f"<{OUT}bad-1>",
        "path": "<https://w3id.org/spkg/def/kg#status>",
        "value": '"done"',
        "message": 'Status must be "planned" or "achieved".',
        "file": "data/bad.ttl",
        "line": 5,
        "component": "InConstraintComponent",
    }


def test_info_results_are_counted_but_do_not_gate():
    data = Graph().parse(data="<http://e/a> a <http://e/C> .", format="turtle")
    shapes = Graph().parse(data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        <http://e/S> a sh:NodeShape ; sh:targetClass <http://e/C> ;
            sh:property [ sh:path <http://e/p> ; sh:minCount 1 ; sh:severity sh:Info ] .
    """, format="turtle")
    report = validate.validate_graph(data, shapes)
    assert report.conforms
    assert report.summary() == "0 violations, 0 warnings, 1 info in 1 focus node; data conforms"


@pytest.mark.parametrize("engine", ["turbo", "pyshacl"])
def test_a_bad_shapes_file_is_reported_with_its_line(project, settings, engine):
    write(project, "shapes/bad.ttl", """\
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix shp: <https://w3id.org/spkg/shapes/bad#> .

shp:CountShape a sh:PropertyShape ;
    sh:path <https://w3id.org/spkg/def/kg#title> ;
    sh:minCount "one" .
""")
    with pytest.raises(LoadError) as e:
        validate.validate_files(settings.replace(shacl_engine=engine))
    assert e.value.message.startswith("shapes/bad.ttl:4: ")
    assert "not a valid SHACL shape" in e.value.message
    assert "sh:minCount" in e.value.message

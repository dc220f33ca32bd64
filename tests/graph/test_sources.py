"""Finding and parsing the project's files."""

from __future__ import annotations

import shutil

import pyshacl
import pytest
from fixture_project import BROKEN, UNKNOWN_PREFIX, write
from rdflib import Graph, Literal, URIRef

from kg import config
from kg.rdf import sources
from kg.errors import LoadError, ParseError


def test_discover_lists_the_three_folders_in_order_and_skips_data_sources(settings):
    found = sources.discover(settings)
    assert [s.rel for s in found] == [
        "ontology/kg.ttl",
        "shapes/core.ttl",
        "data/organizations.ttl",
        "data/outcomes.ttl",
    ]
    assert found[3].graph_iri == "https://w3id.org/spkg/graph/data/outcomes"
    assert (found[3].folder, found[3].stem) == ("data", "outcomes")


def test_graph_iris_follow_the_configured_base(project):
    s = config.load_settings(environ={}, project_dir=str(project), base="https://example.org/kg/")
    assert sources.discover(s)[0].graph_iri == "https://example.org/kg/graph/ontology/kg"


def test_missing_folder_says_what_to_do(project, settings):
    shutil.rmtree(project / "shapes")
    with pytest.raises(LoadError) as e:
        sources.discover(settings)
    assert "no shapes/ folder" in e.value.message
    assert "--project-dir" in e.value.hint


def test_folder_without_files_says_what_to_do(project, settings):
    for p in (project / "data").glob("*.ttl"):
        p.unlink()
    with pytest.raises(LoadError) as e:
        sources.discover(settings)
    assert str(e.value).startswith("no .ttl files in data/ (add at least one Turtle file")


def _data(settings, name):
    return next(s for s in sources.discover(settings) if s.rel == f"data/{name}")


def test_syntax_error_gives_file_line_and_column(project, settings):
    write(project, "data/broken.ttl", BROKEN)
    with pytest.raises(ParseError) as e:
        list(sources.parse_oxigraph(_data(settings, "broken.ttl"), settings))
    assert (e.value.file, e.value.line, e.value.column) == ("data/broken.ttl", 4, 15)
    assert e.value.message == "data/broken.ttl:4:15: ] is not a valid RDF object"


def test_unknown_prefix_gives_file_line_and_column(project, settings):
    write(project, "data/broken.ttl", UNKNOWN_PREFIX)
    with pytest.raises(ParseError) as e:
        list(sources.triples(_data(settings, "broken.ttl"), settings))
    assert e.value.message == "data/broken.ttl:3:38: unknown prefix 'foo'"
    assert "@prefix foo:" in e.value.hint


def test_file_that_is_not_utf8_is_a_parse_error(project, settings):
    (project / "data" / "latin1.ttl").write_bytes(b'# ok\n<http://a> <http://b> "caf\xe9" .\n')
    with pytest.raises(ParseError) as e:
        list(sources.parse_oxigraph(_data(settings, "latin1.ttl"), settings))
    assert e.value.message == "data/latin1.ttl:2: not UTF-8 text (byte 0xe9)"


def test_unreadable_file_is_a_parse_error(project, settings):
    (project / "data" / "gone.ttl").symlink_to(project / "nowhere.ttl")
    with pytest.raises(ParseError) as e:
        sources.read_text(_data(settings, "gone.ttl"), settings)
    assert e.value.message.startswith("data/gone.ttl: cannot read file")


def test_quads_go_into_the_files_graph(settings):
    src = _data(settings, "organizations.ttl")
    quads = list(sources.parse_oxigraph(src, settings))
    assert len(quads) == 4
    assert {q.graph_name.value for q in quads} == {"https://w3id.org/spkg/graph/data/organizations"}


def test_other_base_rewrites_iris_before_parsing(project):
    s = config.load_settings(environ={}, project_dir=str(project), base="https://example.org/kg/")
    g = sources.load_graph([_data(s, "organizations.ttl")], s)
    assert URIRef("https://example.org/kg/id/organization/ilo") in set(g.subjects())
    assert not any(str(x).startswith("https://w3id.org/spkg/") for t in g for x in t)


def test_blank_nodes_of_two_files_stay_apart(project, settings):
    write(project, "data/a.ttl", '_:x <http://e/p> "a" .\n')
    write(project, "data/b.ttl", '_:x <http://e/p> "b" .\n')
    g = sources.load_graph([_data(settings, "a.ttl"), _data(settings, "b.ttl")], settings)
    assert len(set(g.subjects())) == 2


# -- the xsd:string trap ----------------------------------------------------------

def test_plain_strings_come_out_as_plain_rdflib_literals(settings):
    g = sources.load_graph([_data(settings, "outcomes.ttl")], settings)
    statuses = set(g.objects(None, URIRef("https://w3id.org/spkg/def/kg#status")))
    assert statuses == {Literal("achieved"), Literal("planned")}
    assert all(s.datatype is None for s in statuses)
    # rdflib does not equate the two forms, which is why we normalise.
    assert Literal("planned", datatype=URIRef("http://www.w3.org/2001/XMLSchema#string")) != Literal("planned")


def test_literal_constants_in_rdflib_sparql_match(settings):
    g = sources.load_graph([_data(settings, "outcomes.ttl")], settings)
    rows = list(g.query('SELECT ?o WHERE { ?o <https://w3id.org/spkg/def/kg#status> "planned" }'))
    assert [str(r[0]) for r in rows] == ["https://w3id.org/spkg/id/outcome/chn302-2022"]


def test_other_literals_keep_language_and_datatype(settings):
    g = sources.load_graph([_data(settings, "outcomes.ttl")], settings)
    assert Literal(2020) in set(g.objects())
    assert Literal("Rural pension scheme reached all provinces.", lang="en") in set(g.objects())


def test_sh_in_on_plain_strings_conforms_with_shapes_parsed_by_rdflib(settings):
    data = sources.load_graph([_data(settings, "outcomes.ttl"), _data(settings, "organizations.ttl")], settings)
    shapes = Graph().parse(data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix kg: <https://w3id.org/spkg/def/kg#> .
        [] a sh:NodeShape ;
            sh:targetSubjectsOf kg:status ;
            sh:property [ sh:path kg:status ; sh:in ( "planned" "achieved" ) ] .
    """, format="turtle")
    conforms, _, text = pyshacl.validate(data, shacl_graph=shapes)
    assert conforms, text


def test_subject_lines_reads_full_and_prefixed_subjects():
    text = (
        "@prefix ex: <http://e/> .\n"
        "PREFIX  x2: <http://f/>\n"
        "\n"
        "ex:a ex:p 1 .\n"
        "  ex:b ex:p 2 .\n"  # indented: not a subject line
        "<http://g/c> ex:p 3 .\n"
        "x2:d\\-1 ex:p 4 .\n"
        "ex:a ex:p 5 .\n"
    )
    assert sources.subject_lines(text) == {"http://e/a": 4, "http://g/c": 6, "http://f/d-1": 7}
    assert sources.declared_prefixes(text) == {"ex": "http://e/", "x2": "http://f/"}


def test_load_dataset_keeps_one_named_graph_per_file(settings):
    ds = sources.load_dataset(sources.discover(settings, ("data",)), settings)
    sizes = {str(g.identifier): len(g) for g in ds.graphs() if len(g)}
    assert sizes == {"https://w3id.org/spkg/graph/data/organizations": 4,
                     "https://w3id.org/spkg/graph/data/outcomes": 11}
    assert len(ds) == 15  # the default graph is their union

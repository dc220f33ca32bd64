"""Building the store (atomically) and querying it."""

from __future__ import annotations

import json

import pytest
from fixture_project import BROKEN, GRAPH_COUNTS, TOTAL, VIOLATING, snapshot, write

from kg import config
from kg import store
from kg.write.build import build
from kg.errors import BadParameter, ParseError, QuerySyntaxError, StoreError, ValidationFailed

ORGS = "https://w3id.org/spkg/graph/data/organizations"
OUTCOMES = "https://w3id.org/spkg/graph/data/outcomes"


def _rows(result):
    return sorted(tuple(term.value if term is not None else None for term in sol) for sol in result)


def _count(settings):
    with store.open_store(settings) as s:
        return s.triple_count()


def test_build_loads_each_file_into_its_own_graph(settings):
    messages = []
    report = build(settings, progress=messages.append)
    assert report.graph_triples == GRAPH_COUNTS
    assert report.total_triples == TOTAL
    assert [f.rel for f in report.files] == [
        "ontology/kg.ttl", "shapes/core.ttl", "data/organizations.ttl", "data/outcomes.ttl"]
    assert report.validation.conforms and report.validation.warnings == 1
    assert report.store_dir == settings.store_dir
    assert f"loaded data/outcomes.ttl: 11 triples -> <{OUTCOMES}>" in messages
    with store.open_store(settings) as s:
        assert s.named_graphs() == sorted(GRAPH_COUNTS)
        assert s.triple_count() == TOTAL
        assert s.graph_counts() == GRAPH_COUNTS


def test_store_satisfies_the_store_interface(built):
    with store.open_store(built) as s:
        assert isinstance(s, store.Store)


def test_default_graph_is_the_union_of_named_graphs(built):
    # The outcome (outcomes.ttl) and its lead's label (organizations.ttl) join.
    q = """
        PREFIX kg: <https://w3id.org/spkg/def/kg#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?title ?lead WHERE { ?o kg:title ?title ; kg:leadBy/rdfs:label ?lead }
    """
    with store.open_store(built) as s:
        assert _rows(s.query(q)) == [
            ("Pension coverage extended", "Ministry of Human Resources and Social Security"),
            ("Unemployment insurance reformed", "Ministry of Human Resources and Social Security"),
        ]
        assert _rows(s.query(q, use_default_graph_as_union=False)) == []


def test_dataset_parameters_pick_the_graphs(built):
    with store.open_store(built) as s:
        only_orgs = s.query("SELECT DISTINCT ?s WHERE { ?s ?p ?o }", default_graph_uris=[ORGS])
        assert _rows(only_orgs) == [("https://w3id.org/spkg/id/organization/ilo",),
                                    ("https://w3id.org/spkg/id/organization/mohrss",)]
        named = s.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", named_graph_uris=[OUTCOMES, ORGS])
        assert _rows(named) == [(ORGS,), (OUTCOMES,)]


def test_named_graphs_alone_leave_the_default_graph_empty(built):
    # SPARQL 1.1 Protocol: a dataset in the request is the whole dataset.
    with store.open_store(built) as s:
        assert _rows(s.query("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1", named_graph_uris=[ORGS])) == []


def test_from_in_the_query_is_honoured(built):
    q = f"SELECT DISTINCT ?s FROM <{ORGS}> WHERE {{ ?s ?p ?o }}"
    with store.open_store(built) as s:
        assert _rows(s.query(q)) == [("https://w3id.org/spkg/id/organization/ilo",),
                                     ("https://w3id.org/spkg/id/organization/mohrss",)]


def test_query_syntax_error_has_line_and_column(built):
    with store.open_store(built) as s:
        with pytest.raises(QuerySyntaxError) as e:
            s.query("SELECT ?x WHERE {\n  ?x ?y\n")
    assert (e.value.line, e.value.column) == (3, 1)
    assert e.value.message.startswith("line 3, column 1: expected one of")
    assert e.value.message.endswith("at the end of the query")


def test_query_with_undeclared_prefix_names_it(built):
    with store.open_store(built) as s:
        with pytest.raises(QuerySyntaxError) as e:
            s.query('PREFIX ex: <http://e/>\nSELECT ?x WHERE { ?x ex:p "a:b" ; foo:q ?z }')
    assert e.value.message == "line 2, column 35: unknown prefix 'foo'"


def test_opening_a_store_never_built_says_run_kg_build(settings):
    with pytest.raises(StoreError) as e:
        store.open_store(settings)
    assert "run `kg build` first" in str(e.value)
    assert not settings.store_dir.exists()


def test_closed_store_refuses_queries(built):
    s = store.open_store(built)
    s.close()
    with pytest.raises(StoreError):
        s.triple_count()


@pytest.mark.embedded
def test_read_write_open_works_too(built):
    with store.OxigraphStore.open(built) as s:
        assert s.triple_count() == TOTAL
        assert not s.read_only


# -- atomic build ----------------------------------------------------------------

def _leftovers(settings):
    return sorted(p.name for p in settings.store_dir.parent.iterdir() if ".new-" in p.name or ".old-" in p.name)


@pytest.mark.embedded
def test_failed_parse_leaves_the_old_store_untouched(project, built):
    before, manifest = snapshot(built.store_dir), (project / ".kg" / "build.json").read_text()
    write(project, "data/broken.ttl", BROKEN)
    with pytest.raises(ParseError):
        build(built, validate=False)  # the error comes from the bulk load itself
    assert snapshot(built.store_dir) == before
    assert (project / ".kg" / "build.json").read_text() == manifest
    assert _leftovers(built) == []
    assert _count(built) == TOTAL


@pytest.mark.embedded
def test_violations_leave_the_old_store_untouched(project, built):
    before = snapshot(built.store_dir)
    write(project, "data/bad.ttl", VIOLATING)
    with pytest.raises(ValidationFailed) as e:
        build(built)
    assert e.value.report.violations == 3
    assert snapshot(built.store_dir) == before
    assert _leftovers(built) == []
    assert _count(built) == TOTAL


def test_rebuild_replaces_the_store(project, built):
    write(project, "data/extra.ttl",
          "<https://w3id.org/spkg/id/organization/ituc> a <https://w3id.org/spkg/def/kg#Organization> ;\n"
          '    <http://www.w3.org/2000/01/rdf-schema#label> "ITUC" .\n')
    report = build(built)
    assert report.total_triples == TOTAL + 2
    assert _count(built) == TOTAL + 2
    assert _leftovers(built) == []
    with store.open_store(built) as s:
        assert "https://w3id.org/spkg/graph/data/extra" in s.named_graphs()


@pytest.mark.embedded
def test_a_reader_keeps_its_snapshot_while_a_rebuild_swaps(project, built):
    reader = store.open_store(built)
    (project / "data" / "outcomes.ttl").unlink()
    build(built)
    assert reader.triple_count() == TOTAL
    reader.close()
    # outcomes.ttl's 11 triples go, and with them what they entailed (the outcomes' superclasses)
    assert _count(built) == TOTAL - 11 - GRAPH_COUNTS["https://w3id.org/spkg/graph/entailments"]


def test_build_without_validation_loads_violating_data(project, settings):
    write(project, "data/bad.ttl", VIOLATING)
    report = build(settings, validate=False)
    assert report.validation is None
    assert report.total_triples == TOTAL + 4 + 2  # and its type's two superclasses, entailed


# -- manifest ----------------------------------------------------------------------

def test_manifest_records_the_build(project, built):
    m = json.loads((project / ".kg" / "build.json").read_text())
    assert m == store.read_manifest(built)
    assert m["triples"] == TOTAL
    assert m["graphs"] == GRAPH_COUNTS
    assert m["spkg_version"] == "0.1.0"
    assert m["content_hash"].startswith("sha256:")
    assert m["built_at"].endswith("+00:00")


def test_content_hash_changes_only_with_the_input(project, built):
    first = store.read_manifest(built)["content_hash"]
    build(built)
    assert store.read_manifest(built)["content_hash"] == first
    with (project / "data" / "outcomes.ttl").open("a") as f:
        f.write("# a comment changes the bytes\n")
    build(built)
    assert store.read_manifest(built)["content_hash"] != first


def test_a_store_with_another_name_gets_its_own_manifest(project):
    s = config.load_settings(environ={}, project_dir=str(project), store_path=".kg/other")
    build(s)
    assert (project / ".kg" / "other.build.json").is_file()
    assert not (project / ".kg" / "build.json").exists()


def test_other_base_names_graphs_under_it(project):
    s = config.load_settings(environ={}, project_dir=str(project), base="https://example.org/kg/")
    build(s)
    with store.open_store(s) as st:
        assert "https://example.org/kg/graph/data/outcomes" in st.named_graphs()
        assert bool(st.query("ASK { <https://example.org/kg/id/outcome/chn302-2020> ?p ?o }"))


def test_bad_dataset_argument_is_a_bad_parameter(built):
    with store.open_store(built) as s:
        with pytest.raises(BadParameter) as e:
            s.query("SELECT * WHERE { ?s ?p ?o }", default_graph_uris=["not an iri"])
    assert e.value.parameter == "default-graph-uri"
    assert "'not an iri'" in e.value.message


@pytest.mark.embedded
def test_build_clears_temp_folders_of_dead_builds(project, settings):
    # Pid 999999999 is beyond any pid_max, so no such process exists.
    stale = settings.store_dir.with_name("store.new-999999999")
    stale.mkdir(parents=True)
    (stale / "junk").write_text("x")
    build(settings)
    assert _leftovers(settings) == []


@pytest.mark.storeless
def test_a_read_only_open_that_lands_in_a_store_swap_opens_again(tmp_path, monkeypatch):
    # The tenth #16 probe: an open between the two renames of a swap read one folder's MANIFEST and the
    # other's files ("Corruption: IO error: No such file or directory"), a 500 for whoever opened then.
    import pyoxigraph as ox

    from kg.store import embedded

    ox.Store(str(tmp_path / "s")).add(ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"),
                                              ox.Literal("o"), ox.NamedNode("http://e/g")))
    real, calls = ox.Store.read_only, []

    def racing(path):
        calls.append(path)
        if len(calls) < 3:
            raise RuntimeError("Corruption: IO error: No such file or directory: While open a file for random "
                               "read: 000051.sst: No such file or directory")
        return real(path)

    monkeypatch.setattr(ox.Store, "read_only", staticmethod(racing))
    assert len(embedded.raw_read_only(tmp_path / "s")) == 1 and len(calls) == 3
    calls.clear()
    monkeypatch.setattr(ox.Store, "read_only", staticmethod(lambda path: (_ for _ in ()).throw(
        RuntimeError("Corruption: bad block"))))
    with pytest.raises(RuntimeError, match="bad block"):  # a store that is damaged is not opened again and again
        embedded.raw_read_only(tmp_path / "s")

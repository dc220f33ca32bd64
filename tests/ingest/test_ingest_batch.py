"""The ingest pipeline: validation gate, atomic writes, idempotence, curation, the store, incremental validation."""

from __future__ import annotations

import fcntl
import json
import os
import shutil

import pytest
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from ingest_helpers import BASE, RECORDS, parse, snapshot, store_count

from kg.rdf import sources as src
from kg import store
from kg.write.build import build
from kg.errors import StoreError
from kg.ingest import batch, country
from kg.write import journal as commit, loader
from kg.validate.incremental import Context, validate_batch
from kg.ingest.to_rdf import Builder, outcome_key
from kg.rdf.turtle import serialize
from kg.validate import load_shapes, validate_files

KG = Namespace(f"{BASE}def/kg#")
ID = f"{BASE}id/"
GOOD = ["khm-step1-no-themes.txt", "vnm-qualifier.txt", "mwi-no-metadata-gom.txt", "zmb-run-on.txt",
        "raf-older-year.txt", "jor-arabic-digits.txt", "tjk-truncated.txt", "idn-page.html", "outcomes.csv",
        "outcomes.json"]
KEYS = ["idn230-2021-11-30", "jor105-2021-03-15", "khm104-2021-03-15", "moz106-2021-02-28", "mwi-66cd06f9",
        "npl-2020-49721f32", "phl210-2021-10-04", "raf904-2017", "sen-2021-06-30-ac246825", "tjk128-2021-06-30",
        "vnm151-2021-12-31", "zmb-9154de26"]


def run(settings, *names, **options):
    return batch.ingest([RECORDS / n for n in names], settings, **options)


def outcome_count(settings) -> int:
    with store.OxigraphStore.open_read_only(settings) as s:
        q = "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?o a <https://w3id.org/spkg/def/kg#Outcome> }"
        return int(next(iter(s.query(q)))["n"].value)


def manifest(settings) -> dict:
    return json.loads(store.manifest_path(settings).read_text())


def write_curation(settings, key: str, text: str) -> None:
    folder = settings.data_dir / "curation"
    folder.mkdir(exist_ok=True)
    (folder / f"{key}.yaml").write_text(text, encoding="utf-8")


# -- a batch in, valid and loaded ------------------------------------------------------------

def test_a_batch_of_every_layout_is_written_validated_and_loaded(ingest_settings):
    s = ingest_settings
    before = outcome_count(s)
    report = run(s, *GOOD)
    assert report.invalid == []
    assert sorted(r.key for r in report.results) == KEYS
    assert {r.status for r in report.results} == {"new"}
    assert report.store == "updated"
    assert outcome_count(s) == before + 12
    for key in KEYS:
        assert (s.data_dir / f"outcome-{key}.ttl").is_file()
    suggesting = {r.key for r in report.results if r.suggestions}
    assert suggesting  # a record with no suggestion has no suggestions file
    for key in KEYS:
        assert (s.data_dir / f"outcome-{key}-suggestions.ttl").is_file() == (key in suggesting)
    assert not list(s.data_dir.glob(".ingest-*"))
    # What the incremental validation let through, the whole-project validation accepts.
    assert validate_files(s).conforms


def test_the_manifest_says_the_data_changed(ingest_settings):
    s = ingest_settings
    old = manifest(s)
    run(s, "khm-step1-no-themes.txt")
    new = manifest(s)
    assert new["content_hash"] != old["content_hash"]
    assert new["content_hash"] == src.content_hash(src.discover(s))
    assert new["triples"] == store_count(s)
    assert new["updated_at"] == new["built_at"] >= old["built_at"]
    assert new["last_ingest"] == {"records": 1, "graphs": sorted(
        f"{BASE}graph/data/outcome-khm104-2021-03-15{s}" for s in ("", "-suggestions"))}
    graph = f"{BASE}graph/data/outcome-khm104-2021-03-15"
    assert new["graphs"][graph] > 0 and {"path": "data/outcome-khm104-2021-03-15.ttl", "graph": graph} in new["files"]


def test_ingested_outcomes_answer_the_canned_queries(ingest_settings):
    from kg.sparql import catalogue as queries

    s = ingest_settings
    run(s, "khm-step1-no-themes.txt")
    with store.OxigraphStore.open_read_only(s) as st:
        catalogue = queries.load_catalogue(s.queries_dir)
        listed = queries.run(st, queries.get_query(catalogue, "list-outcomes"), {}, base=BASE)
        outcomes = {row["outcome"].value for row in listed}
        report = queries.run(st, queries.get_query(catalogue, "get-outcome-report"),
                             {"outcome": f"{ID}outcome/khm104-2021-03-15"}, base=BASE)
        fields = {row["field"].value for row in report}
    assert f"{ID}outcome/khm104-2021-03-15" in outcomes
    assert {"label", "cpoCode", "reportedDate", "visibility", "biennium", "pbIndicator", "resultType", "summary",
            "achievement", "iloContribution", "genderNote", "sdgGoal", "sdgTarget", "country",
            "sourceRecord", "sourceFile"} <= fields


# -- the seed: the hand-modelled file is the first curation -----------------------------------

def test_the_seed_round_trips_to_its_curated_outcome(ingest_settings, catalog):
    s = ingest_settings
    curated = (s.data_dir / "outcome-chn302.ttl").read_bytes()
    report = run(s, "seed-chn302.txt")
    (res,) = report.results
    assert (res.key, res.status, res.curated_by) == ("chn302-2021-07-16", "curated", "data/outcome-chn302.ttl")
    assert (s.data_dir / "outcome-chn302.ttl").read_bytes() == curated
    assert not (s.data_dir / "outcome-chn302-2021-07-16.ttl").exists()
    # the seed states its instrument, date and issuers plainly: nothing is left to suggest
    assert not (s.data_dir / "outcome-chn302-2021-07-16-suggestions.ttl").exists()
    assert report.invalid == [] and validate_files(s).conforms


def test_what_ingest_extracts_from_the_seed_agrees_with_the_curated_facts(catalog):
    g = Graph()
    g.parse(RECORDS.parents[2] / "data" / "outcome-chn302.ttl")
    r = parse("seed-chn302.txt", catalog)
    country.assign(r, catalog)
    key = outcome_key(r)
    assert key == "chn302-2021-07-16"
    built = Builder(catalog, BASE).facts(r, key)
    o, rec = built.outcome, built.record_iri
    assert o == URIRef(f"{ID}outcome/chn302-2021-07-16")
    facts = ("cpoCode", "reportedDate", "visibility", "biennium", "pbIndicator", "theme", "summary", "achievement",
             "iloContribution", "genderNote", "sdgGoal", "sdgTarget", "country", "programme")
    for name in facts:
        extracted = set(built.facts.objects(o, KG[name]))
        assert extracted and extracted == set(g.objects(o, KG[name])), name
    for name in ("metadataLine", "policyArea", "verbatimText"):
        assert set(built.facts.objects(rec, KG[name])) == set(g.objects(rec, KG[name])), name


# -- the validation gate ----------------------------------------------------------------------

def test_a_failing_record_stops_the_batch_and_says_what_to_fix(ingest_settings):
    s = ingest_settings
    data, count = snapshot(s.data_dir), store_count(s)
    report = run(s, "khm-step1-no-themes.txt", "invalid-biennium.txt")
    assert [r.record.file_name for r in report.invalid] == ["invalid-biennium.txt"]
    assert report.store == "not written" and report.written == []
    assert snapshot(s.data_dir) == data and store_count(s) == count
    errors = report.invalid[0].record.errors
    assert [(e.field, e.line) for e in errors] == [("biennium", 3), ("pb_indicator", 3)]
    assert "Link a biennium that data/schemes.ttl describes" in errors[0].message
    assert "biennium:2022-23" in errors[0].message
    ok = next(r for r in report.results if r.ok)
    assert ok.status == "valid"


def test_a_record_without_the_outcome_achieved_fails(ingest_settings):
    report = run(ingest_settings, "invalid-no-achievement.txt")
    (res,) = report.invalid
    assert [e.field for e in res.record.errors] == ["achievement"]
    assert "Outcome achieved" in res.record.errors[0].message


def test_skip_invalid_writes_the_valid_records_and_lists_the_rest(ingest_settings):
    s = ingest_settings
    report = run(s, "khm-step1-no-themes.txt", "invalid-biennium.txt", "invalid-no-achievement.txt",
                 skip_invalid=True)
    assert sorted(r.record.file_name for r in report.invalid) == ["invalid-biennium.txt", "invalid-no-achievement.txt"]
    assert report.written == ["data/outcome-khm104-2021-03-15.ttl", "data/outcome-khm104-2021-03-15-suggestions.ttl"]
    assert not (s.data_dir / "outcome-uzb110-2022-05-10.ttl").exists()
    assert report.store == "updated"


def test_dry_run_writes_nothing(ingest_settings):
    s = ingest_settings
    data, count = snapshot(s.data_dir), store_count(s)
    report = run(s, *GOOD, dry_run=True)
    assert report.store == "dry run" and report.invalid == []
    assert snapshot(s.data_dir) == data and store_count(s) == count


# -- idempotence ------------------------------------------------------------------------------

def test_reingesting_gives_the_same_bytes_and_the_same_triples(ingest_settings):
    s = ingest_settings
    run(s, *GOOD, "seed-chn302.txt")
    data, count, version = snapshot(s.data_dir), store_count(s), manifest(s)["content_hash"]
    again = run(s, *GOOD, "seed-chn302.txt")
    assert {r.status for r in again.results} == {"unchanged", "curated"}
    assert again.written == [] and again.store == "unchanged"
    assert snapshot(s.data_dir) == data
    assert store_count(s) == count and manifest(s)["content_hash"] == version


def test_a_changed_record_keeps_its_iri_and_replaces_its_graph(ingest_settings, tmp_path):
    s = ingest_settings
    run(s, "khm-step1-no-themes.txt")
    count = store_count(s)
    changed = tmp_path / "khm-step1-no-themes.txt"
    changed.write_text((RECORDS / "khm-step1-no-themes.txt").read_text(encoding="utf-8").replace(
        "with the Cambodian Labour Confederation (CLC) and employers' organizations",
        "with the Cambodian Labour Confederation and employers' organizations"), encoding="utf-8")
    report = batch.ingest([changed], s)
    (res,) = report.results
    assert (res.key, res.status) == ("khm104-2021-03-15", "updated")
    g = Graph()
    g.parse(s.data_dir / "outcome-khm104-2021-03-15-suggestions.ttl")
    assert not any("CLC" in str(o) for o in g.objects())
    assert store_count(s) < count  # the old suggestion is gone from the store, not duplicated


def test_the_same_record_twice_in_a_batch_is_ingested_once(ingest_settings):
    report = run(ingest_settings, "seed-chn302.txt", "seed-chn302.html")
    assert [r.status for r in report.results] == ["curated", "duplicate"]


# -- crashes and interruptions -------------------------------------------------------------------

class Boom(Exception):
    pass


def fail_on_call(n: int, exc: type[BaseException] = Boom):
    calls = {"n": 0}

    def replace(a, b):
        calls["n"] += 1
        if calls["n"] == n:
            raise exc("stopped midway")
        os.replace(a, b)

    return replace


@pytest.mark.parametrize("exc", [Boom, KeyboardInterrupt])
def test_a_crash_between_two_writes_leaves_data_as_it_was(ingest_settings, monkeypatch, exc):
    s = ingest_settings
    run(s, "khm-step1-no-themes.txt")  # so that the batch below both replaces and adds files
    data, count = snapshot(s.data_dir), store_count(s)
    monkeypatch.setattr(commit, "_replace", fail_on_call(3, exc))
    with pytest.raises(exc):
        run(s, "vnm-qualifier.txt", "khm-step1-no-themes.txt", "tjk-truncated.txt")
    assert snapshot(s.data_dir) == data
    assert store_count(s) == count
    assert not list(s.data_dir.glob(".ingest-*"))


def test_an_interrupted_store_update_puts_the_files_back(ingest_settings, monkeypatch):
    s = ingest_settings
    data, count, version = snapshot(s.data_dir), store_count(s), manifest(s)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(loader, "update_store", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run(s, "khm-step1-no-themes.txt")
    assert snapshot(s.data_dir) == data
    assert store_count(s) == count and manifest(s) == version


def test_a_killed_ingest_is_rolled_back_by_the_next_one(ingest_settings):
    s = ingest_settings
    data = s.data_dir
    old = (data / "organizations.ttl").read_bytes()
    # What a process killed between two renames leaves: one new file in place, one file replaced.
    folder = data / ".ingest-999999999"
    folder.mkdir()
    os.link(data / "organizations.ttl", folder / "organizations.ttl.old")
    (folder / "organizations.new").write_bytes(b"# half-written batch\n")
    os.replace(folder / "organizations.new", data / "organizations.ttl")
    (data / "outcome-new.ttl").write_bytes(b"# new\n")
    (folder / "outcome-later.ttl").write_bytes(b"# not moved yet\n")
    (folder / "journal.json").write_text(json.dumps({"pid": 999999999, "state": "committing", "files": [
        {"name": "organizations.ttl", "delete": False, "had_old": True},
        {"name": "outcome-new.ttl", "delete": False, "had_old": False},
        {"name": "outcome-later.ttl", "delete": False, "had_old": False}]}))
    messages = commit.roll_back(data)
    assert messages and "rolled back: 2 file(s)" in messages[0]
    assert (data / "organizations.ttl").read_bytes() == old
    assert not (data / "outcome-new.ttl").exists() and not (data / "outcome-later.ttl").exists()
    assert not folder.exists()


def test_only_one_ingest_at_a_time(ingest_settings):
    s = ingest_settings
    with open(s.store_dir.parent / "ingest.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(StoreError, match="another kg ingest or partner write is changing the store"):
            run(s, "khm-step1-no-themes.txt")


# -- curation -------------------------------------------------------------------------------------

CURATION = """\
outcome: mwi-66cd06f9
correct:
  label: "Malawi (March 2021): a single registry for social cash transfers"
  reported_date: 2021-03-31
  themes: [Social health protection, Income security]
  sdg_targets: ["1.3"]
remove: [partners_contribution]
confirm:
  - country
  - org-ministry-of-gender-children-disability-and-social-welfare
reject: [role-ilo-supporter]
add: |
  outcome:mwi-66cd06f9 kg:programme programme:social-protection-floors .
"""


def facts_of(settings, key):
    g = Graph()
    g.parse(settings.data_dir / f"outcome-{key}.ttl")
    s = Graph()
    suggestions = settings.data_dir / f"outcome-{key}-suggestions.ttl"
    if suggestions.is_file():  # a record whose every finding is a fact has none
        s.parse(suggestions)
    return g, s


def test_a_curation_file_corrects_confirms_rejects_and_adds(ingest_settings):
    s = ingest_settings
    write_curation(s, "mwi-66cd06f9", CURATION)
    report = run(s, "mwi-no-metadata-gom.txt")
    assert report.invalid == []
    g, sugg = facts_of(s, "mwi-66cd06f9")
    o = URIRef(f"{ID}outcome/mwi-66cd06f9")
    assert str(g.value(o, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))).startswith("Malawi (March 2021)")
    assert g.value(o, KG.reportedDate) == Literal("2021-03-31", datatype=URIRef(
        "http://www.w3.org/2001/XMLSchema#date"))
    assert set(g.objects(o, KG.theme)) == {URIRef(f"{ID}theme/social-health-protection"),
                                           URIRef(f"{ID}theme/income-security")}
    assert g.value(o, KG.countryInferred) is None  # confirmed: no longer an inference
    assert g.value(o, KG.partnersContribution) is None
    assert g.value(o, KG.programme) == URIRef(f"{ID}programme/social-protection-floors")
    # the ministry the graph knows (tests/fixtures/known/) is linked, its evidence confirmed
    ministry = URIRef(f"{ID}organization/mwi-mogcdsw")
    evidence = [a for a in g.subjects(URIRef("http://www.w3.org/ns/oa#hasBody"), ministry)]
    assert evidence
    assert {g.value(a, KG.curationStatus) for a in evidence} == {URIRef(f"{ID}curation-status/confirmed")}
    # the rejected role is gone; the removed paragraph's funder is not read (the verbatim text keeps it)
    assert (URIRef(f"{ID}attribution/mwi-66cd06f9-ilo-supporter"), None, None) not in g
    assert URIRef(f"{ID}organization/wfp") not in set(g.objects()) | set(sugg.objects())
    assert validate_files(s).conforms


def test_re_ingesting_keeps_the_curation(ingest_settings):
    s = ingest_settings
    write_curation(s, "mwi-66cd06f9", CURATION)
    run(s, "mwi-no-metadata-gom.txt")
    data = snapshot(s.data_dir)
    report = run(s, "mwi-no-metadata-gom.txt")
    assert [r.status for r in report.results] == ["unchanged"]
    assert snapshot(s.data_dir) == data
    assert "curation/mwi-66cd06f9.yaml" in data


def test_a_bad_curation_file_is_reported_with_its_line(ingest_settings):
    s = ingest_settings
    write_curation(s, "mwi-66cd06f9", "correct:\n  country: Atlantis\n  colour: blue\nconfirm: [org-nobody]\n")
    report = run(s, "mwi-no-metadata-gom.txt")
    (res,) = report.invalid
    errors = sorted((e.file, e.line, e.message.split(":")[0]) for e in res.record.errors)
    assert errors == [("data/curation/mwi-66cd06f9.yaml", 2, "country"),
                      ("data/curation/mwi-66cd06f9.yaml", 3, "no field 'colour' to correct")]
    assert any("'org-nobody' is no suggestion" in w.message for w in res.record.warnings)


# -- incremental validation ------------------------------------------------------------------------

@pytest.fixture
def shapes_and_ontology(ingest_settings):
    files = src.discover(ingest_settings)
    return (load_shapes(ingest_settings),
            src.load_graph([f for f in files if f.folder == "ontology"], ingest_settings))


def open_context(settings, exclude=()):
    import pyoxigraph as ox

    return Context(ox.Store.read_only(str(settings.store_dir)), set(exclude))


def test_incremental_validation_catches_a_link_to_an_undescribed_resource(ingest_settings, catalog,
                                                                          shapes_and_ontology):
    shapes, ontology = shapes_and_ontology
    r = parse("khm-step1-no-themes.txt", catalog)
    country.assign(r, catalog)
    built = Builder(catalog, BASE).facts(r, "khm104-2021-03-15")
    built.facts.add((built.outcome, KG.pbIndicator, URIRef(f"{ID}pb-2020-21/9.9.9")))
    built.facts.remove((built.outcome, KG.pbIndicator, URIRef(f"{ID}pb-2020-21/8.1.1")))
    built.facts.add((built.outcome, KG.sdgGoal, URIRef("https://metadata.un.org/sdg/1")))  # https: no such goal
    report, focus = validate_batch({"g": built.facts}, open_context(ingest_settings), shapes, ontology)
    assert not report.conforms
    shapes_hit = sorted({x.source_shape for x in report.results if x.severity == "Violation"})
    assert shapes_hit == ["<https://w3id.org/spkg/shapes/ranges#OutcomeShape-pbIndicator>",
                          "<https://w3id.org/spkg/shapes/ranges#OutcomeShape-sdgGoal>",
                          "<https://w3id.org/spkg/shapes/vocabularies#OutcomeShape-sdgGoal>"]
    # Only the batch's own nodes are checked, not the graph they link to.
    assert focus == set(built.facts.subjects())


def test_incremental_validation_sees_what_other_graphs_say_about_a_node(ingest_settings):
    s = ingest_settings
    write_curation(s, "khm104-2021-03-15",
                   'add: |\n  orgn:ilo skos:prefLabel "International Labor Organization"@en .\n')
    report = run(s, "khm-step1-no-themes.txt")
    (res,) = report.invalid
    (error,) = res.record.errors
    assert error.message.startswith("orgn:ilo: ")
    assert "one per language" in error.message and error.file == "data/curation/khm104-2021-03-15.yaml"


def test_a_link_left_dangling_by_a_reingest_is_caught(ingest_settings):
    s = ingest_settings
    key = "khm104-2021-03-15"
    assert run(s, "khm-step1-no-themes.txt").invalid == []
    iri = f"{ID}instrument/khm-national-pension-strategy-for-domestic-workers"
    (s.data_dir / "links.ttl").write_text(
        f"<{ID}outcome/chn302-2021-07-16> <{KG}instrument> <{iri}> .\n", encoding="utf-8")
    build(s)
    write_curation(s, key, "reject: [instrument-national-pension-strategy-for-domestic-workers]\n")
    data = snapshot(s.data_dir)
    report = run(s, "khm-step1-no-themes.txt")
    assert report.invalid and report.written == [] and snapshot(s.data_dir) == data
    messages = [e.message for e in report.invalid[0].record.errors]
    assert any(m.startswith("outcome:chn302-2021-07-16: ") and "kg:PolicyInstrument" in m for m in messages)


# -- without a (current) store --------------------------------------------------------------------

def test_without_a_store_the_files_are_written_and_build_is_asked_for(ingest_settings):
    s = ingest_settings
    shutil.rmtree(s.store_dir)
    store.manifest_path(s).unlink()
    report = run(s, "khm-step1-no-themes.txt", "vnm-qualifier.txt")
    assert report.store == "not built" and report.invalid == []
    assert (s.data_dir / "outcome-khm104-2021-03-15.ttl").is_file()
    build(s)  # and the data builds


def test_a_store_older_than_data_is_left_alone(ingest_settings):
    s = ingest_settings
    with open(s.data_dir / "organizations.ttl", "a", encoding="utf-8") as fh:
        fh.write("\n# edited after the build\n")
    count = store_count(s)
    report = run(s, "khm-step1-no-themes.txt")
    assert report.store == "stale" and report.invalid == []
    assert store_count(s) == count
    assert (s.data_dir / "outcome-khm104-2021-03-15.ttl").is_file()


# -- the writer --------------------------------------------------------------------------------------

def test_the_writer_is_deterministic_and_round_trips(catalog):
    texts = []
    for _ in range(2):
        r = parse("vnm-qualifier.txt", catalog)
        country.assign(r, catalog)
        built = Builder(catalog, BASE).facts(r, outcome_key(r))
        texts.append(serialize(built.facts, header="# h", first=(KG.Outcome, KG.SourceRecord)))
    assert texts[0] == texts[1]
    back = Graph()
    back.parse(data=texts[0], format="turtle")
    assert isomorphic(back, built.facts)
    lines = texts[0].splitlines()
    assert lines[0] == "# h" and any(ln == "outcome:vnm151-2021-12-31" for ln in lines)


def test_the_writer_escapes_what_turtle_needs(catalog):
    g = Graph()
    s = URIRef(f"{ID}outcome/x")
    g.add((s, KG.summary, Literal('a "quoted" \\ back\nslash """ end"', lang="en")))
    g.add((s, KG.cpoCode, Literal("tab\there, bell\x07")))
    back = Graph()
    back.parse(data=serialize(g), format="turtle")
    assert isomorphic(back, g)


# -- pages ---------------------------------------------------------------------------------------

def test_ingested_outcomes_have_pages_like_the_seed(ingest_project):
    from fastapi.testclient import TestClient

    from kg import config
    from kg.web.app import create_app

    s = config.load_settings(environ={}, project_dir=str(ingest_project), workers=1)
    run(s, "khm-step1-no-themes.txt", "mwi-no-metadata-gom.txt")
    html_accept = {"accept": "text/html"}
    with TestClient(create_app(s)) as client:
        for key, summary in (("khm104-2021-03-15", "extended pension coverage to domestic workers"),
                             ("mwi-66cd06f9", "A single registry for social cash transfers")):
            seen = client.get(f"/id/outcome/{key}", headers=html_accept, follow_redirects=False)
            assert seen.status_code == 303 and seen.headers["location"].endswith(f"/doc/outcome/{key}")
            page = client.get(f"/doc/outcome/{key}", headers=html_accept)
            assert page.status_code == 200 and summary in page.text
            turtle = client.get(f"/doc/outcome/{key}", headers={"accept": "text/turtle"})
            g = Graph()
            g.parse(data=turtle.text, format="turtle")
            assert (URIRef(f"{ID}outcome/{key}"), RDF.type, KG.Outcome) in g
        seed = client.get("/doc/outcome/chn302-2021-07-16", headers=html_accept)
        assert seed.status_code == 200


def test_a_failure_while_staging_touches_nothing(ingest_settings, monkeypatch):
    s = ingest_settings
    run(s, "khm-step1-no-themes.txt", "vnm-qualifier.txt")
    data = snapshot(s.data_dir)
    calls = {"n": 0}
    real = commit.Path.write_bytes

    def write_bytes(self, content):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        return real(self, content)

    changed = [RECORDS / "khm-step1-no-themes.txt", RECORDS / "vnm-qualifier.txt", RECORDS / "tjk-truncated.txt"]
    write_curation(s, "khm104-2021-03-15", 'correct:\n  label: "Cambodia: pensions for domestic workers"\n')
    monkeypatch.setattr(commit.Path, "write_bytes", write_bytes)
    with pytest.raises(KeyboardInterrupt):
        batch.ingest(changed, s)
    monkeypatch.undo()
    data["curation/khm104-2021-03-15.yaml"] = snapshot(s.data_dir)["curation/khm104-2021-03-15.yaml"]
    assert snapshot(s.data_dir) == data
    assert not list(s.data_dir.glob(".ingest-*"))


def test_template_project_is_built(ingest_template) -> None:
    assert (ingest_template / ".kg" / "build.json").is_file()
    assert (ingest_template / "data" / "outcome-chn302.ttl").is_file()


# -- the published corpus: a record ingested alone gives its published file ----------------------

@pytest.fixture(scope="module")
def corpus_project(tmp_path_factory):
    """The whole project (the published corpus, its curation files and source records) with a built store."""
    from ingest_helpers import settings_for
    from corpus import ROOT

    dest = tmp_path_factory.mktemp("corpus") / "project"
    for folder in ("ontology", "shapes", "queries", "data"):
        shutil.copytree(ROOT / folder, dest / folder)
    build(settings_for(dest))
    return dest


@pytest.mark.embedded  # about the files an ingest writes; the external run adds nothing
@pytest.mark.parametrize("record, key", [
    ("107_burkina_faso", "bfa126-2009"),  # "Council of Ministers": not Mozambique's, which the graph describes
    ("126_iraq", "irq-5f167d3f"),  # "social security law": Iraq's, not Jordan's
    ("104_mozambique", "moz106-2019-12-31"),  # a curated id for a strategy another record describes
    ("147_jordan", "jor105-2013"),  # a body another record describes, under the same IRI
    ("155_oman", "omn-5c00117e"),  # an instrument another record describes, under the same IRI
])
def test_a_published_record_ingested_alone_gives_its_published_file(corpus_project, record, key):
    from ingest_helpers import settings_for

    s = settings_for(corpus_project)
    published = (corpus_project / "data" / f"outcome-{key}.ttl").read_bytes()
    report = batch.ingest([corpus_project / "data" / "sources" / "records" / f"{record}.txt"], s)
    assert not report.invalid, [i.message for r in report.invalid for i in r.record.issues]
    assert (corpus_project / "data" / f"outcome-{key}.ttl").read_bytes() == published


# -- one instrument, one IRI: alone or in a batch ------------------------------------------------

@pytest.mark.embedded  # about the files an ingest writes; the external run adds nothing
def test_an_instrument_two_records_name_gets_one_iri_in_a_batch_and_alone(corpus_project, tmp_path):
    """raf904-2017 names the "National Social Protection Bill", which the other Zambia record calls the "Social
    Protection Bill" (their curation files give both names): every record's names are read before any is described,
    so the batch gives both records one bill, and each record ingested again alone gives the file the batch wrote."""
    from ingest_helpers import settings_for

    project = tmp_path / "project"
    shutil.copytree(corpus_project, project)
    s = settings_for(project)
    records = project / "data" / "sources" / "records"
    report = batch.ingest([records / "150_zambia.txt", records / "009_zambia.txt"], s)
    assert not report.invalid, [i.message for r in report.invalid for i in r.record.issues]
    keys = {"009_zambia": "raf904-2017", "150_zambia": "raf904-2017-12-31"}
    written = {k: (s.data_dir / f"outcome-{k}.ttl").read_bytes() for k in keys.values()}

    def bills(key: str) -> set[str]:
        return {str(o) for o in Graph().parse(data=written[key], format="turtle").all_nodes()
                if "/instrument/" in str(o) and str(o).endswith("social-protection-bill")}

    assert bills("raf904-2017") == bills("raf904-2017-12-31") and len(bills("raf904-2017")) == 1
    for stem, key in keys.items():
        report = batch.ingest([records / f"{stem}.txt"], s)
        assert not report.invalid
        assert (s.data_dir / f"outcome-{key}.ttl").read_bytes() == written[key], stem

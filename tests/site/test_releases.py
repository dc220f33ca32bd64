"""Releases that say what changed: built twice with a record added, the second release lists it
(its changes file, the /dumps/{version} page, the Atom feed, and dcterms:replaces in DCAT/VoID)."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS

from kg import config
from kg.ingest.batch import ingest
from kg.publish import dumps
from kg.web.app import create_app
from kg.write.build import build

ROOT = Path(__file__).resolve().parents[2]
RECORD = ROOT / "tests" / "fixtures" / "records" / "vnm-qualifier.txt"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    """A project dumped once, then again after `kg ingest` of one more record."""
    project = tmp_path_factory.mktemp("releases") / "project"
    for folder in ("ontology", "shapes", "queries"):
        shutil.copytree(ROOT / folder, project / folder)
    (project / "data").mkdir()
    for f in (ROOT / "data").glob("*.ttl"):
        shutil.copy2(f, project / "data" / f.name)
    settings = config.load_settings(environ={}, project_dir=str(project))
    build(settings)
    first = dumps.write(settings)
    report = ingest([RECORD], settings)
    assert not report.invalid, [i.message for r in report.results for i in r.record.errors]
    second = dumps.write(settings)
    return settings, first, second


def test_the_second_release_lists_the_outcome_added(released):
    settings, first, second = released
    assert first["change_summary"] == "the first release" and first["replaces"] is None
    assert second["replaces"] == first["version"]
    changes = dumps.read_changes(settings, second["version"])
    added = [x["iri"] for x in changes["things"]["outcomes"]["added"]]
    assert added == [f"{settings.base}id/outcome/vnm151-2021-12-31"]
    assert not changes["things"]["outcomes"]["removed"]
    assert any(g["graph"].endswith("outcome-vnm151-2021-12-31") and g["before"] == 0 for g in changes["graphs"])
    assert "outcomes: 1 added" in second["change_summary"]


def test_the_release_page_and_the_feed(released):
    settings, first, second = released
    with TestClient(create_app(settings)) as client:
        page = client.get(f"/dumps/{second['version']}", headers={"accept": "text/html"})
        assert page.status_code == 200
        assert "Added (1)" in page.text and f"/dumps/{first['version']}" in page.text
        as_json = client.get(f"/dumps/{second['version']}", headers={"accept": "application/json"}).json()
        assert as_json["replaces"] == first["version"]
        feed = client.get("/dumps/feed.atom")
        assert feed.status_code == 200 and feed.headers["content-type"].startswith("application/atom+xml")
        entries = ET.fromstring(feed.content).findall(f"{ATOM}entry")
        assert [e.find(f"{ATOM}title").text for e in entries] == [f"Release {second['version']}",
                                                                   f"Release {first['version']}"]
        assert "outcomes: 1 added" in entries[0].find(f"{ATOM}summary").text
        assert client.get("/dumps/2099-01-01-deadbeef").status_code == 404


def test_dcat_says_which_release_this_one_replaces(released):
    settings, first, second = released
    void = next(f for f in second["files"] if f["latest"] == "void.ttl")
    g = Graph().parse(settings.dumps_dir / void["name"], format="turtle")
    this, previous = (URIRef(f"{settings.base}dumps/{v}") for v in (second["version"], first["version"]))
    assert (this, DCTERMS.replaces, previous) in g
    notes = [str(o) for o in g.objects(this, URIRef("http://www.w3.org/ns/adms#versionNotes"))]
    assert notes and "outcomes: 1 added" in notes[0]
    assert json.loads((settings.dumps_dir / "latest.json").read_text())["version"] == second["version"]


def test_a_things_digest_does_not_depend_on_the_order_the_store_gives_its_triples():
    import pyoxigraph as ox

    from kg.publish import changes

    outcome = ox.NamedNode(changes.KINDS["outcomes"])
    s = ox.NamedNode("https://w3id.org/spkg/id/outcome/x")
    rows = [(ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), outcome),
            (ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), ox.Literal("B", language="fr")),
            (ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), ox.Literal("A", language="en"))]

    class Ordered:
        def __init__(self, order):
            self.order = order

        def query(self, sparql, substitutions=None):
            cls = next(iter(substitutions.values()))
            return [(s, p, o, cls) for p, o in self.order] if cls == outcome else []

    one, other = changes.index(Ordered(rows), changes.KINDS["outcomes"].split("def/")[0]), \
        changes.index(Ordered(rows[::-1]), changes.KINDS["outcomes"].split("def/")[0])
    assert one == other and one["outcomes"][s.value][0] == "A"


def test_an_index_digested_another_way_lists_no_changed_things_and_says_why():
    from kg.publish import changes

    iri = "https://w3id.org/spkg/id/outcome/x"
    old = {"outcomes": {iri: ["X", "0123"]}}  # a release written before the digest had a name
    new = {"digest": changes.DIGEST, "outcomes": {iri: ["X", "4567"]}}
    diff = changes.compare(old, new, {}, {})
    assert diff["things"]["outcomes"]["changed"] == [] and "another way" in diff["note"]
    assert changes.compare({**old, "digest": changes.DIGEST}, new, {}, {})["things"]["outcomes"]["changed"]

"""Validation in shards on several processes reports exactly what one graph does."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from corpus import seed_project
from kg import config
from kg import validate
from kg.validate import shards

pytestmark = pytest.mark.storeless  # run once: the external-store pass has nothing to add

ROOT = Path(__file__).resolve().parents[2]

# Three faults in the seed: a bad CPO code, a negative sample size, a seminar whose
# place is not a schema:Place (a type check on a linked node, in another shard).
FAULTS = [
    ('kg:cpoCode "CHN302"', 'kg:cpoCode "CHN30"'),
    ("kg:sampleSize 3145", "kg:sampleSize -3"),
    ("schema:location <https://w3id.org/spkg/id/place/cn-beijing>",
     "schema:location <https://w3id.org/spkg/id/organization/calss>"),
]


@pytest.fixture
def broken(tmp_path: Path) -> config.Settings:
    seed_project(tmp_path)  # the code lists and the seed, with the faults planted in the seed
    seed = tmp_path / "data" / "outcome-chn302.ttl"
    text = seed.read_text(encoding="utf-8")
    for old, new in FAULTS:
        assert old in text
        text = text.replace(old, new)
    seed.write_text(text, encoding="utf-8")
    return config.load_settings(environ={}, project_dir=str(tmp_path))


def test_shards_find_what_one_graph_finds(broken: config.Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    whole = validate.validate_files(broken)
    assert not whole.conforms
    monkeypatch.setattr("kg.validate.core.SHARD_ABOVE", 0)
    real_validate_store = shards.validate_store
    calls = []

    def small_shards(*args, **kwargs):
        calls.append(1)
        return real_validate_store(*args, **{**kwargs, "shard_subjects": 50})

    monkeypatch.setattr(shards, "validate_store", small_shards)
    sharded = validate.validate_files(broken.replace(validate_shards=2))
    assert calls, "the sharded path was not taken"
    assert sharded.results == whole.results
    shapes = {r.source_shape for r in sharded.results if r.severity == "Violation"}
    shape = "<https://w3id.org/spkg/shapes/{}>".format
    assert {shape("core#OutcomeShape-cpoCode"), shape("core#SurveyShape-sampleSize"),
            shape("ranges#EventShape-location")} <= shapes
    cpo = next(r for r in sharded.results if r.source_shape == shape("core#OutcomeShape-cpoCode"))
    seed = (ROOT / "data" / "outcome-chn302.ttl").read_text(encoding="utf-8").splitlines()
    outcome_line = next(i for i, line in enumerate(seed, 1) if line.startswith("<https://w3id.org/spkg/id/outcome/"))
    assert (cpo.file, cpo.line) == ("data/outcome-chn302.ttl", outcome_line)  # the line of the focus node


def test_far_reaching_shapes_are_not_sharded() -> None:
    g = Graph()
    g.parse(data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        <urn:s> a sh:NodeShape ; sh:targetClass <urn:C> ; sh:property [ sh:path ( <urn:a> <urn:b> ) ; sh:minCount 1 ] .
    """, format="turtle")
    assert not shards.shardable(g)
    own = Graph()
    own.parse(ROOT / "shapes" / "core.ttl")
    local, far = shards.split(own)
    assert shards.shardable(local)
    SH = "http://www.w3.org/ns/shacl#"
    far_shapes = {str(s) for s in far.subjects(URIRef(SH + "targetClass"), None)} | {
        str(s) for s in far.subjects(URIRef(SH + "targetSubjectsOf"), None)}
    # the quote-at-offsets check reads the record from the annotation: it runs on the whole graph
    assert "https://w3id.org/spkg/shapes/core#SourceRecordShape" in far_shapes
    assert "https://w3id.org/spkg/shapes/core#OutcomeShape" not in far_shapes

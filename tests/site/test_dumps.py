"""`kg dump`, the files under /dumps/ and the DCAT/VoID description."""

from __future__ import annotations

import argparse
import asyncio
import gzip
import hashlib
import json
import tracemalloc

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib import namespace as ns
from rdflib.compare import isomorphic

from kg.publish import void as catalog, dumps, ld
from kg.cli import dump as dumps_cli
from kg import store
import corpus
from ld_fixtures import BASE

SPDX = ns.Namespace("http://spdx.org/rdf/terms#")
KINDS = {"spkg.ttl", "spkg.nt.gz", "spkg.nq.gz", "spkg.jsonld", "spkg-ontology.ttl", "spkg-shapes.ttl"}
RDFLIB = {"ttl": "turtle", "nt": "nt", "nq": "nquads", "jsonld": "json-ld"}
OX = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "nq": ox.RdfFormat.N_QUADS,
      "jsonld": ox.RdfFormat.JSON_LD}

# The union of the graphs: a triple several graphs state (every record names its extraction run) once.
DISTINCT_TRIPLES = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"


@pytest.fixture(scope="module")
def latest(real_settings) -> dict:
    manifest = dumps.read_latest(real_settings)
    assert manifest is not None
    return manifest


def _bytes(settings, entry: dict) -> bytes:
    data = (settings.dumps_dir / entry["name"]).read_bytes()
    return gzip.decompress(data) if entry.get("compression") == "gzip" else data


def _store_count(settings, query: str) -> int:
    with store.OxigraphStore.open_read_only(settings) as st:
        return int(next(iter(st.query(query)))[0].value)


def test_dump_writes_versioned_files_with_checksums(real_settings, latest) -> None:
    version = store.current_version(real_settings)
    assert latest["version"] == version.name
    assert len(version.name.split("-")) == 4 and len(version.name.rsplit("-", 1)[1]) == 8
    by_key = {f["latest"]: f for f in latest["files"]}
    # the release's index of things and its changes since the one before come checksummed too
    assert KINDS | {"void.ttl", "void.jsonld", "SHA256SUMS", "index", "changes"} == set(by_key)
    for entry in latest["files"]:
        path = real_settings.dumps_dir / entry["name"]
        assert version.name in entry["name"]
        assert path.stat().st_size == entry["bytes"]
        assert hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"]
    sums = (real_settings.dumps_dir / by_key["SHA256SUMS"]["name"]).read_text().splitlines()
    listed = dict(reversed(line.split("  ", 1)) for line in sums)
    for entry in latest["files"]:
        if entry["latest"] != "SHA256SUMS":
            assert listed[entry["name"]] == entry["sha256"]
    assert dumps.verify(real_settings) == []


@pytest.mark.parametrize("key", sorted(KINDS))
def test_each_dump_parses_with_two_parsers_to_the_same_count(real_settings, latest, key: str) -> None:
    entry = next(f for f in latest["files"] if f["latest"] == key)
    fmt, data = entry["format"], _bytes(real_settings, entry)
    by_oxigraph = sum(1 for _ in ox.parse(data, format=OX[fmt]))
    if fmt == "nq":
        ds = Dataset()
        ds.parse(data=data, format="nquads")
        by_rdflib = sum(len(g) for g in ds.graphs() if g.identifier != ds.default_graph.identifier) \
            + len(ds.default_graph)
    else:
        by_rdflib = len(Graph().parse(data=data, format=RDFLIB[fmt]))
    assert by_oxigraph == by_rdflib == entry["triples"] > 0
    if entry["part"] == "all":
        if fmt == "nq":
            expected = _store_count(real_settings, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        else:
            expected = _store_count(real_settings, DISTINCT_TRIPLES)
        assert entry["triples"] == expected


def test_the_count_matches_the_endpoint(client, latest) -> None:
    r = client.get("/sparql", params={"query": DISTINCT_TRIPLES},
                   headers={"accept": "application/sparql-results+json"})
    n = int(r.json()["results"]["bindings"][0]["n"]["value"])
    nt = next(f for f in latest["files"] if f["latest"] == "spkg.nt.gz")
    assert nt["triples"] == n


def test_nquads_keep_the_named_graphs(real_settings, latest) -> None:
    entry = next(f for f in latest["files"] if f["latest"] == "spkg.nq.gz")
    graphs: dict[str, int] = {}
    for q in ox.parse(_bytes(real_settings, entry), format=ox.RdfFormat.N_QUADS):
        graphs[q.graph_name.value] = graphs.get(q.graph_name.value, 0) + 1
    assert graphs == store.read_manifest(real_settings)["graphs"]


def test_dumps_are_reproducible(real_settings, latest, tmp_path) -> None:
    again = dumps.write(real_settings.replace(dumps_path=str(tmp_path)))
    first = {f["latest"]: f["sha256"] for f in latest["files"]}
    for f in again["files"]:
        assert f["sha256"] == first[f["latest"]], f["name"]
    # and nothing else is left: the N-Quads the store was read into once (as big as the store) is gone
    listed = {f["name"] for f in again["files"]} | {f"spkg-{again['version']}.json", dumps.LATEST}
    assert {p.name for p in tmp_path.iterdir()} == listed


def test_the_release_index_from_the_nquads_is_the_one_the_store_gives(real_settings, tmp_path) -> None:
    # kg dump digests the things' triples from the N-Quads it writes; the next release compares digests
    from kg.publish import changes

    nquads = tmp_path / "all.nq"
    with store.OxigraphStore.open_read_only(real_settings) as st:
        dumps.write_quads(st, nquads)
        from_file = changes.index(st, real_settings.base, nquads)
        assert from_file == changes.index(st, real_settings.base)
    assert all(from_file[kind] for kind in changes.KINDS)


def test_a_triple_two_graphs_state_is_written_once_from_the_first(tmp_path) -> None:
    ex = "http://example.org/"
    both = ox.Triple(ox.NamedNode(f"{ex}s"), ox.NamedNode(f"{ex}p"), ox.Literal("in a and b"))
    only = ox.Triple(ox.NamedNode(f"{ex}s"), ox.NamedNode(f"{ex}p"), ox.Literal("in b only"))
    raw = ox.Store()
    for t, g in ((both, "b"), (only, "b"), (both, "a")):
        raw.add(ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(f"{ex}{g}")))
    repeated = dumps.duplicates(raw)
    assert repeated == {both: f"{ex}a"}
    nquads = tmp_path / "all.nq"
    raw.dump(str(nquads), ox.RdfFormat.N_QUADS)
    assert sorted(map(str, dumps.merged(nquads, repeated))) == sorted(map(str, (both, only)))


def test_verify_finds_damage_and_prune_keeps_n_versions(built, tmp_path) -> None:
    """On the small fixture project: write, damage, rebuild under a new version, prune."""
    settings = built.replace(dumps_path=str(tmp_path / "d"))
    args = argparse.Namespace(out=None, keep=1, verify=False, quiet=True)
    assert dumps_cli.run(args, settings) == 0
    first = dumps.read_latest(settings)
    victim = settings.dumps_dir / first["files"][0]["name"]
    data = bytearray(victim.read_bytes())
    data[-2] ^= 0x01            # same size, other bytes
    victim.write_bytes(bytes(data))
    assert dumps.verify(settings) and "SHA-256" in dumps.verify(settings)[0]
    assert dumps_cli.run(argparse.Namespace(out=None, keep=1, verify=True, quiet=True), settings) == 1

    manifest_file = store.manifest_path(settings)
    m = json.loads(manifest_file.read_text())
    m["built_at"] = "2099-01-01T00:00:00+00:00"
    manifest_file.write_text(json.dumps(m))
    assert dumps_cli.run(args, settings) == 0
    second = dumps.read_latest(settings)
    assert second["version"].startswith("2099-01-01-")
    names = {p.name for p in settings.dumps_dir.iterdir()}
    assert not any(f["name"] in names for f in first["files"]), "the older version was pruned"
    assert all(f["name"] in names for f in second["files"])
    assert dumps.verify(settings) == []


def test_dump_needs_a_store(settings) -> None:
    from kg.errors import StoreError

    with pytest.raises(StoreError):
        dumps.write(settings)


# -- HTTP ---------------------------------------------------------------------------------------

def test_dumps_page_and_latest_links(client, latest) -> None:
    r = client.get("/dumps/", headers={"accept": "text/html"})
    assert r.status_code == 200
    for entry in latest["files"]:
        assert f'href="/dumps/{entry["name"]}"' in r.text
        assert entry["sha256"] in r.text
        link = client.get(f"/dumps/latest/{entry['latest']}", follow_redirects=False)
        assert link.status_code == 302
        assert link.headers["location"] == f"/dumps/{entry['name']}"
    assert client.get("/dumps/latest/nothing.ttl", headers={"accept": "application/json"}).status_code == 404
    assert client.get("/dumps/", headers={"accept": "application/json"}).json()["version"] == latest["version"]
    assert client.get("/dumps", follow_redirects=False).headers["location"] == "/dumps/"


def test_download_with_validators(client, real_settings, latest) -> None:
    entry = next(f for f in latest["files"] if f["latest"] == "spkg.ttl")
    r = client.get(f"/dumps/{entry['name']}")
    assert r.status_code == 200
    assert hashlib.sha256(r.content).hexdigest() == entry["sha256"]
    assert r.headers["content-type"] == "text/turtle; charset=utf-8"
    assert int(r.headers["content-length"]) == entry["bytes"]
    assert r.headers["accept-ranges"] == "bytes"
    tag = r.headers["etag"]
    assert tag == f'"{latest["version"]}-{entry["sha256"][:16]}"'
    assert "immutable" in r.headers["cache-control"]
    assert client.get(f"/dumps/{entry['name']}", headers={"if-none-match": tag}).status_code == 304
    assert client.get(f"/dumps/{entry['name']}",
                      headers={"if-modified-since": r.headers["last-modified"]}).status_code == 304
    gz = next(f for f in latest["files"] if f["latest"] == "spkg.nt.gz")
    r = client.get(f"/dumps/{gz['name']}")
    assert r.headers["content-type"] == "application/gzip"
    assert "content-encoding" not in r.headers
    assert hashlib.sha256(r.content).hexdigest() == gz["sha256"]


def test_byte_ranges_resume_a_download(client, real_settings, latest) -> None:
    entry = next(f for f in latest["files"] if f["latest"] == "spkg.jsonld")
    url, data = f"/dumps/{entry['name']}", (real_settings.dumps_dir / entry["name"]).read_bytes()
    size = len(data)
    r = client.get(url, headers={"range": "bytes=0-99"})
    assert r.status_code == 206
    assert r.content == data[:100]
    assert r.headers["content-range"] == f"bytes 0-99/{size}"
    r = client.get(url, headers={"range": "bytes=1000-"})
    assert r.status_code == 206 and r.content == data[1000:]
    r = client.get(url, headers={"range": "bytes=-50"})
    assert r.status_code == 206 and r.content == data[-50:]
    tag = client.get(url).headers["etag"]
    assert client.get(url, headers={"range": "bytes=10-19", "if-range": tag}).status_code == 206
    stale = client.get(url, headers={"range": "bytes=10-19", "if-range": '"old"'})
    assert stale.status_code == 200 and stale.content == data
    r = client.get(url, headers={"range": f"bytes={size + 10}-"})
    assert r.status_code == 416
    assert r.headers["content-range"] == f"bytes */{size}"
    assert r.json()["status"] == 416
    for unreadable in ("lines=1-2", "bytes=--5", "bytes=5", "bytes=1-2,,", "bytes=a-b"):  # --5: ninth #16 probe
        r = client.get(url, headers={"range": unreadable})
        assert r.status_code == 200 and r.content == data, f"a Range we cannot read is ignored: {unreadable}"
    assert client.get(url, headers={"range": "bytes=0-0, 5-9"}).status_code in (200, 206)


def test_file_bodies_stream_in_small_chunks(real_settings, tmp_path) -> None:
    """Memory stays flat in the file size: the body goes out in 64 KiB pieces."""
    from kg.web.dumps import DumpFile

    big = tmp_path / "big.nt"
    chunk = b"<http://example.org/s> <http://example.org/p> \"o\" .\n" * 1300
    with big.open("wb") as f:
        for _ in range(500):      # ~33 MB
            f.write(chunk)
    size = big.stat().st_size
    sizes: list[int] = []

    async def receive():
        await asyncio.sleep(3600)  # a client that never disconnects: the response is never told to stop

    async def send(message):
        if message["type"] == "http.response.body":
            sizes.append(len(message.get("body", b"")))

    scope = {"type": "http", "method": "GET", "headers": [], "asgi": {"spec_version": "2.4"}, "path": "/x"}
    tracemalloc.start()
    asyncio.run(DumpFile(big, media_type="application/n-triples", stat_result=big.stat())(scope, receive, send))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert sum(sizes) == size
    assert max(sizes) <= 64 * 1024
    assert peak < 4 * 1024 * 1024, f"peak {peak} bytes for a {size}-byte file"


def test_only_listed_files_are_served(client, real_settings) -> None:
    (real_settings.dumps_dir / "secret.txt").write_text("not a dump")
    try:
        assert client.get("/dumps/secret.txt", headers={"accept": "application/json"}).status_code == 404
        assert client.get("/dumps/latest.json").status_code == 404
        assert client.get("/dumps/.hidden").status_code == 404
    finally:
        (real_settings.dumps_dir / "secret.txt").unlink()


# -- DCAT / VoID --------------------------------------------------------------------------------

def test_void_negotiates_and_parses(client) -> None:
    ttl = client.get("/.well-known/void", headers={"accept": "text/turtle"})
    assert ttl.headers["content-type"].startswith("text/turtle")
    jsonld = client.get("/.well-known/void", headers={"accept": "application/ld+json"})
    assert jsonld.headers["content-type"] == "application/ld+json"
    g1 = Graph().parse(data=ttl.text, format="turtle")
    g2 = Graph().parse(data=jsonld.text, format="json-ld")
    assert isomorphic(g1, g2)
    assert isomorphic(g1, Graph().parse(data=client.get("/.well-known/void.ttl").text, format="turtle"))
    assert client.get("/.well-known/void", headers={"accept": "text/html"}).headers["content-type"].startswith("text/html")
    assert client.get("/id/dataset/spkg", follow_redirects=False).headers["location"] == "/doc/dataset/spkg"
    assert client.get("/doc/dataset/spkg", headers={"accept": "text/turtle"}).status_code == 200


def test_void_describes_the_dataset_and_each_distribution(client, real_settings, latest) -> None:
    g = Graph().parse(data=client.get("/.well-known/void.ttl").text, format="turtle")
    dcat, void, dct = ns.DCAT, ns.VOID, ns.DCTERMS
    dataset = URIRef(ld.dataset_iri(BASE))
    for p in (dct.title, dct.description, dct.license, dct.publisher, dct.source, ns.OWL.versionInfo, dct.issued,
              dct.modified, void.sparqlEndpoint, void.triples, void.classPartition, void.propertyPartition):
        assert g.value(dataset, p) is not None, p
    assert g.value(dataset, dct.license) == URIRef(ld.LICENSE)
    assert str(g.value(dataset, ns.OWL.versionInfo)) == latest["version"]
    assert URIRef("http://metadata.un.org/sdg") in set(g.objects(dataset, dct.source))
    assert "Joshi" in str(g.value(URIRef("http://metadata.un.org/sdg"), dct.bibliographicCitation))
    assert int(g.value(dataset, void.triples)) == _store_count(real_settings, DISTINCT_TRIPLES)
    assert g.value(URIRef(catalog.catalog_iri(BASE)), dcat.dataset) == dataset
    partitions = {g.value(p, void["class"]): int(g.value(p, void.entities)) for p in g.objects(dataset, void.classPartition)}
    assert partitions[URIRef(f"{BASE}def/kg#Outcome")] == corpus.OUTCOMES

    dists = list(g.subjects(ns.RDF.type, dcat.Distribution))
    assert len(dists) == len(KINDS)
    for d in dists:
        url = str(g.value(d, dcat.downloadURL))
        name = url.rsplit("/", 1)[1]
        entry = next(f for f in latest["files"] if f["name"] == name)
        path = real_settings.dumps_dir / name
        assert int(g.value(d, dcat.byteSize)) == path.stat().st_size == entry["bytes"]
        assert int(g.value(d, void.triples)) == entry["triples"]
        checksum = g.value(d, SPDX.checksum)
        assert g.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        assert str(g.value(checksum, SPDX.checksumValue)) == hashlib.sha256(path.read_bytes()).hexdigest()
        assert g.value(d, dcat.mediaType) is not None
        assert client.get("/" + url[len(BASE):]).status_code == 200, "the download URL resolves on this server"


def test_the_written_description_matches_the_served_one(real_settings, latest) -> None:
    entry = next(f for f in latest["files"] if f["latest"] == "void.ttl")
    written = Graph().parse(data=(real_settings.dumps_dir / entry["name"]).read_text(), format="turtle")
    with store.OxigraphStore.open_read_only(real_settings) as st:
        fresh = catalog.describe(st, real_settings, store.read_manifest(real_settings), latest)
    assert isomorphic(written, fresh)
    jsonld = next(f for f in latest["files"] if f["latest"] == "void.jsonld")
    assert isomorphic(written, Graph().parse(data=(real_settings.dumps_dir / jsonld["name"]).read_bytes(),
                                             format="json-ld"))
    assert Literal(latest["version"]) in set(written.objects())
    # the dataset's triples, as the merged dump counted them, are what a DISTINCT over the store counts
    from kg.publish import ld

    dataset = URIRef(ld.dataset_iri(real_settings.base))
    with store.OxigraphStore.open_read_only(real_settings) as st:
        fresh = catalog.describe(st, real_settings, store.read_manifest(real_settings), None)
    assert written.value(dataset, URIRef("http://rdfs.org/ns/void#triples")).toPython() == \
        _store_count(real_settings, DISTINCT_TRIPLES) == \
        fresh.value(dataset, URIRef("http://rdfs.org/ns/void#triples")).toPython()


def test_dumps_before_kg_dump(built, tmp_path) -> None:
    """A store without dumps: the catalogue has no distributions and /dumps/ says what to run."""
    from fastapi.testclient import TestClient

    from kg.web.app import create_app

    settings = built.replace(dumps_path=str(tmp_path / "none"), workers=1)
    with TestClient(create_app(settings)) as c:
        assert "kg dump" in c.get("/dumps/", headers={"accept": "text/html"}).text
        g = Graph().parse(data=c.get("/.well-known/void.ttl").text, format="turtle")
        assert not list(g.subjects(ns.RDF.type, ns.DCAT.Distribution))
        assert c.get("/dumps/latest/spkg.ttl").status_code == 404

"""The DCAT catalogue and VoID description of the spkg dataset.

:func:`describe` builds one graph that says what the dataset is (title,
description, licence, publisher, sources, version, dates), where to get it
(the SPARQL endpoint; each dump with its media type, byte size, triple count
and SHA-256 checksum) and what is in it (VoID counts, one subset per named
graph, class and property partitions). ``kg dump`` writes it beside the dumps;
the server answers it at ``/.well-known/void``.

IRIs: the dataset ``{base}id/dataset/spkg``, the catalogue
``{base}id/catalog/spkg``, each dump ``{base}id/distribution/{file name}``
(downloaded from ``{base}dumps/{file name}``), the endpoint ``{base}sparql``.
"""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, RDFS, VOID, XSD

from kg.rdf import iris
from kg.publish import ld
from kg.config import Settings
from kg.store import dataset_version
from kg.store import Store

SD = iris.SD
SPDX = ld.SPDX
IANA = "http://www.iana.org/assignments/media-types/"
FORMATS_NS = "http://www.w3.org/ns/formats/"
DCAT_VERSION = URIRef(f"{DCAT}version")  # DCAT 3; rdflib's DCAT namespace is DCAT 2
ADMS_VERSION_NOTES = URIRef("http://www.w3.org/ns/adms#versionNotes")
CONFORMS = {"ttl": "Turtle", "nt": "N-Triples", "nq": "N-Quads", "jsonld": "JSON-LD"}

TITLE = "spkg: knowledge graph of the ILO's social-protection results"
DESCRIPTION = (
    "Results achieved by the ILO's social-protection programme as linked data: outcomes, the policy "
    "instruments they concern, the organizations, research, surveys and seminars behind them, their SDG "
    "targets and themes, with every fact traceable to the source record it was derived from. Comes with "
    "the spkg ontology, the SHACL shapes the data is validated with, ISO 3166-1 countries and the UN SDG "
    "goals, targets and indicators."
)
RIGHTS = (
    "spkg's own data (outcomes, instruments, organizations, activities, code lists, ontology and shapes) "
    "is published under CC BY 4.0. The SDG goals, targets and indicators come from the UN SDG Knowledge "
    "Organization System, free with citation: Amit Joshi, Luis Gonzalez Morales, Szymon Klarman, and "
    "Aaron Helton. 2019. A Knowledge Organization System for the United Nations Sustainable Development "
    "Goals. New York, NY. http://metadata.un.org/sdg. Their English texts come from open-sdg "
    "sdg-translations (MIT licence, Copyright (c) 2019 Open SDG). Country codes and names come from "
    "ISO 3166-1 as packaged by pycountry (Debian iso-codes, LGPL-2.1); Wikidata identifiers are CC0."
)
SDG_CITATION = ("Amit Joshi, Luis Gonzalez Morales, Szymon Klarman, and Aaron Helton. 2019. A Knowledge "
                "Organization System for the United Nations Sustainable Development Goals. New York, NY. "
                "http://metadata.un.org/sdg")

#: External sources: IRI, name, licence IRI (or None), note.
SOURCES = (
    ("http://metadata.un.org/sdg", "UN SDG Knowledge Organization System (IRIs, codes, links)", None,
     SDG_CITATION),
    ("https://github.com/open-sdg/sdg-translations", "open-sdg sdg-translations (English SDG texts)",
     "https://opensource.org/license/mit", "MIT licence, Copyright (c) 2019 Open SDG"),
    ("https://salsa.debian.org/iso-codes-team/iso-codes", "ISO 3166-1 codes and names (Debian iso-codes, via pycountry)",
     "https://www.gnu.org/licenses/old-licenses/lgpl-2.1.html", "LGPL-2.1"),
    ("https://www.wikidata.org/", "Wikidata identifiers of countries and the ILO",
     "https://creativecommons.org/publicdomain/zero/1.0/", "CC0"),
)


def catalog_iri(base: str) -> str:
    return iris.thing("catalog", "spkg", base)


def endpoint_iri(base: str) -> str:
    return f"{base}sparql"


def distribution_iri(base: str, file_name: str) -> str:
    return iris.thing("distribution", file_name.lower(), base)


def download_url(base: str, file_name: str) -> str:
    return f"{base}dumps/{file_name}"


def _int(n: int) -> Literal:
    return Literal(int(n), datatype=XSD.integer)


def _nonneg(n: int) -> Literal:
    return Literal(str(int(n)), datatype=XSD.nonNegativeInteger)


def _en(text: str) -> Literal:
    return Literal(text, lang="en")


def _count(store: Store, name: str) -> int:
    """The number the query ``kg/publish/sparql/<name>.rq`` counts."""
    found = ld.rows(store, ld.query(name))
    return int(found[0]["n"]) if found else 0


def _merged_triples(dump_manifest: dict | None, version: str) -> int | None:
    """The triples of this version's merged dump, when it is written: counted as it was, they spare a
    DISTINCT over the whole store (2.5 GB of memory at 100,000 outcomes)."""
    if not dump_manifest or dump_manifest.get("version") != version:
        return None
    return next((f["triples"] for f in dump_manifest.get("files", [])
                 if f.get("part") == "all" and f.get("format") in ("ttl", "nt") and f.get("triples")), None)


#: The VoID counts, each a query over the whole store.
COUNTS = ("void-entity-count", "void-subject-count", "void-object-count", "void-property-count", "void-class-count")


def statistics(store: Store, base: str) -> dict:
    """What :func:`describe` asks the store (rdflib terms and numbers): a few whole-store counts, which
    ``kg dump`` asks for in its second process while it writes the dumps."""
    vocab = iris.vocab(base)
    return {
        "created": ld.rows(store, ld.query("ontology-created")),
        "sources": ld.rows(store, ld.query("void-sources"), t=ld.named_node(f"{vocab}SourceRecord")),
        "examples": ld.rows(store, ld.query("void-example-resources"), t=ld.named_node(f"{vocab}Outcome")),
        "counts": {name: _count(store, name) for name in COUNTS},
        "class_partitions": ld.rows(store, ld.query("void-class-partitions")),
        "property_partitions": ld.rows(store, ld.query("void-property-partitions")),
    }


def describe(store: Store, settings: Settings, build_manifest: dict, dump_manifest: dict | None = None,
             stats: dict | None = None) -> Graph:
    """The catalogue graph; distributions come from ``dump_manifest`` if it is of this version.

    ``stats``: :func:`statistics` of the store, when the caller has them already."""
    base = settings.base
    stats = statistics(store, base) if stats is None else stats
    version = dataset_version(build_manifest)
    g = ld.new_graph(base)
    g.bind("sd", str(SD))
    dataset, catalog = URIRef(ld.dataset_iri(base)), URIRef(catalog_iri(base))
    endpoint, home = URIRef(endpoint_iri(base)), URIRef(base)
    licence = URIRef(ld.LICENSE)
    publisher = BNode("publisher")
    modified = Literal(version.built_at.isoformat(timespec="seconds").replace("+00:00", "Z"), datatype=XSD.dateTime)

    # -- catalogue and service -------------------------------------------------------------
    g.add((catalog, RDF.type, DCAT.Catalog))
    g.add((catalog, DCTERMS.title, _en("spkg catalogue")))
    g.add((catalog, DCTERMS.description, _en("The spkg dataset, its dumps and its SPARQL endpoint.")))
    g.add((catalog, DCTERMS.license, licence))
    g.add((catalog, DCTERMS.publisher, publisher))
    g.add((catalog, DCTERMS.modified, modified))
    g.add((catalog, FOAF.homepage, home))
    g.add((catalog, DCAT.dataset, dataset))
    g.add((catalog, DCAT.service, endpoint))
    g.add((publisher, RDF.type, FOAF.Agent))
    g.add((publisher, FOAF.name, _en("The spkg project")))
    g.add((publisher, FOAF.homepage, home))

    g.add((endpoint, RDF.type, DCAT.DataService))
    g.add((endpoint, RDF.type, SD.Service))
    g.add((endpoint, DCTERMS.title, _en("spkg SPARQL endpoint")))
    g.add((endpoint, DCAT.endpointURL, endpoint))
    g.add((endpoint, SD.endpoint, endpoint))
    g.add((endpoint, DCAT.servesDataset, dataset))
    g.add((endpoint, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    g.add((endpoint, DCTERMS.license, licence))

    # -- the dataset ---------------------------------------------------------------------------
    for t in (DCAT.Dataset, VOID.Dataset):
        g.add((dataset, RDF.type, t))
    g.add((dataset, DCTERMS.title, _en(TITLE)))
    g.add((dataset, DCTERMS.description, _en(DESCRIPTION)))
    g.add((dataset, DCTERMS.license, licence))
    g.add((dataset, DCTERMS.rights, _en(RIGHTS)))
    g.add((dataset, DCTERMS.publisher, publisher))
    g.add((dataset, OWL.versionInfo, Literal(version.name)))
    g.add((dataset, DCAT_VERSION, Literal(version.name)))
    g.add((dataset, DCTERMS.identifier, Literal(version.content_hash)))
    created = stats["created"]
    g.add((dataset, DCTERMS.issued, created[0]["d"] if created else Literal(version.date, datatype=XSD.date)))
    g.add((dataset, DCTERMS.modified, modified))
    g.add((dataset, FOAF.homepage, home))
    g.add((dataset, DCAT.landingPage, home))
    g.add((dataset, DCAT.accessService, endpoint))
    g.add((dataset, VOID.sparqlEndpoint, endpoint))
    g.add((dataset, VOID.uriSpace, Literal(f"{base}id/")))
    g.add((dataset, VOID.uriRegexPattern, Literal(f"^{base}(id|def|shapes|graph)/")))
    for kw in ("social protection", "ILO", "SDG", "linked data", "policy instruments"):
        g.add((dataset, DCAT.keyword, _en(kw)))
    vocabularies = {str(iris.vocab(base)), "http://www.w3.org/ns/org#", "http://www.w3.org/ns/prov#",
                    "http://www.w3.org/2004/02/skos/core#", "http://purl.org/dc/terms/", str(iris.ELI),
                    str(iris.SCHEMA), "http://www.w3.org/2006/time#", str(iris.SDGO)}
    for v in sorted(vocabularies):
        g.add((dataset, VOID.vocabulary, URIRef(v)))
    g.add((dataset, VOID.rootResource, URIRef(iris.ontology_iri(base))))

    # Sources: the records the outcomes were derived from, and the reference data.
    for r in stats["sources"]:
        g.add((dataset, DCTERMS.source, r["r"]))
    for iri, name, source_licence, note in SOURCES:
        s = URIRef(iri)
        g.add((dataset, DCTERMS.source, s))
        g.add((s, RDFS.label, _en(name)))
        g.add((s, RDFS.comment, _en(note)))
        if source_licence:
            g.add((s, DCTERMS.license, URIRef(source_licence)))
        if iri == "http://metadata.un.org/sdg":
            g.add((s, DCTERMS.bibliographicCitation, Literal(SDG_CITATION)))

    # Examples: the outcomes (a handful).
    for r in stats["examples"]:
        g.add((dataset, VOID.exampleResource, r["o"]))

    # -- VoID statistics --------------------------------------------------------------------------
    g.add((dataset, VOID.triples, _int(_merged_triples(dump_manifest, version.name)
                                       or _count(store, "void-triple-count"))))
    counts = stats["counts"]
    g.add((dataset, VOID.entities, _int(counts["void-entity-count"])))
    g.add((dataset, VOID.distinctSubjects, _int(counts["void-subject-count"])))
    g.add((dataset, VOID.distinctObjects, _int(counts["void-object-count"])))
    g.add((dataset, VOID.properties, _int(counts["void-property-count"])))
    g.add((dataset, VOID.classes, _int(counts["void-class-count"])))
    for i, r in enumerate(stats["class_partitions"]):
        part = BNode(f"class{i}")
        g.add((dataset, VOID.classPartition, part))
        g.add((part, VOID["class"], r["c"]))
        g.add((part, VOID.entities, _int(int(r["n"]))))
    for i, r in enumerate(stats["property_partitions"]):
        part = BNode(f"property{i}")
        g.add((dataset, VOID.propertyPartition, part))
        g.add((part, VOID.property, r["p"]))
        g.add((part, VOID.triples, _int(int(r["n"]))))

    # One subset per named graph (= per source file).
    files = {f["graph"]: f["path"] for f in build_manifest.get("files", [])}
    for graph, n in sorted(build_manifest.get("graphs", {}).items()):
        sub = URIRef(graph)
        g.add((dataset, VOID.subset, sub))
        g.add((sub, RDF.type, VOID.Dataset))
        g.add((sub, VOID.triples, _int(n)))
        if graph in files:
            g.add((sub, DCTERMS.title, Literal(files[graph])))
        g.add((sub, VOID.sparqlEndpoint, endpoint))

    # -- distributions -------------------------------------------------------------------------
    if dump_manifest and dump_manifest.get("version") == version.name:
        for entry in dump_manifest.get("files", []):
            if entry.get("kind") != "distribution":
                continue
            _distribution(g, base, dataset, entry, version, licence)
        _release(g, base, dataset, dump_manifest)
    return g


def release_iri(base: str, version: str) -> str:
    """A release of the dataset: the dataset as it was at one version; its page lists its files and changes."""
    return f"{base}dumps/{version}"


def _release(g: Graph, base: str, dataset: URIRef, manifest: dict) -> None:
    """This release as a version of the dataset (DCAT 3), what it replaces and what changed."""
    release = URIRef(release_iri(base, manifest["version"]))
    g.add((release, RDF.type, DCAT.Dataset))
    g.add((release, DCTERMS.title, _en(f"spkg release {manifest['version']}")))
    g.add((release, DCAT_VERSION, Literal(manifest["version"])))
    g.add((release, URIRef(f"{DCAT}isVersionOf"), dataset))
    g.add((dataset, URIRef(f"{DCAT}hasCurrentVersion"), release))
    g.add((dataset, URIRef(f"{DCAT}hasVersion"), release))
    note = manifest.get("change_summary")
    if note:
        g.add((release, ADMS_VERSION_NOTES, _en(f"Changes since the release before: {note}.")))
    if manifest.get("replaces"):
        previous = URIRef(release_iri(base, manifest["replaces"]))
        g.add((release, DCTERMS.replaces, previous))
        g.add((previous, DCAT_VERSION, Literal(manifest["replaces"])))
        g.add((dataset, URIRef(f"{DCAT}hasVersion"), previous))
        g.add((release, URIRef(f"{DCAT}previousVersion"), previous))


def _distribution(g: Graph, base: str, dataset: URIRef, entry: dict, version, licence: URIRef) -> None:
    dist = URIRef(distribution_iri(base, entry["name"]))
    url = URIRef(download_url(base, entry["name"]))
    part = entry.get("part", "all")
    owner = dataset
    if part != "all":
        owner = URIRef(iris.thing("dataset", f"spkg-{part}", base))
        g.add((dataset, VOID.subset, owner))
        g.add((owner, RDF.type, DCAT.Dataset))
        g.add((owner, RDF.type, VOID.Dataset))
        g.add((owner, DCTERMS.title, _en(f"spkg {part}")))
        g.add((owner, DCTERMS.isPartOf, dataset))
        g.add((owner, DCTERMS.license, licence))
        g.add((owner, OWL.versionInfo, Literal(version.name)))
        g.add((owner, VOID.triples, _int(entry["triples"])))
    g.add((owner, DCAT.distribution, dist))
    g.add((owner, VOID.dataDump, url))
    g.add((dist, RDF.type, DCAT.Distribution))
    g.add((dist, DCTERMS.title, _en(entry["title"])))
    g.add((dist, DCAT.downloadURL, url))
    g.add((dist, DCAT.accessURL, URIRef(f"{base}dumps/")))
    g.add((dist, DCAT.mediaType, URIRef(IANA + entry["media_type"])))
    g.add((dist, DCTERMS["format"], Literal(entry["media_type"])))
    if entry.get("format") in CONFORMS:
        g.add((dist, DCTERMS.conformsTo, URIRef(FORMATS_NS + CONFORMS[entry["format"]])))
    if entry.get("compression") == "gzip":
        g.add((dist, DCAT.compressFormat, URIRef(IANA + "application/gzip")))
    g.add((dist, DCAT.byteSize, _nonneg(entry["bytes"])))
    g.add((dist, VOID.triples, _int(entry["triples"])))
    checksum = BNode(f"checksum-{entry['name']}".replace(".", "-"))
    g.add((dist, SPDX.checksum, checksum))
    g.add((checksum, RDF.type, SPDX.Checksum))
    g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
    g.add((checksum, SPDX.checksumValue, Literal(entry["sha256"], datatype=XSD.hexBinary)))
    g.add((dist, DCTERMS.issued, Literal(version.date, datatype=XSD.date)))
    g.add((dist, DCTERMS.license, licence))
    g.add((dist, OWL.versionInfo, Literal(version.name)))

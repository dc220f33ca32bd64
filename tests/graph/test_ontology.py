"""Lint of the ontology: what careful hand-written vocabularies still get wrong.

W3C ORG once shipped `org:subOrganzationOf` (misspelt): Turtle accepted it and
minted an undeclared term. These checks catch that class of mistake.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, Graph, URIRef

pytestmark = pytest.mark.storeless  # run once: the external-store pass has nothing to add

ROOT = Path(__file__).resolve().parents[2]
KG = "https://w3id.org/spkg/def/kg#"
ONTOLOGY_IRI = URIRef("https://w3id.org/spkg/def/kg")


@pytest.fixture(scope="module")
def ontology() -> Graph:
    g = Graph()
    g.parse(ROOT / "ontology" / "kg.ttl")
    return g


@pytest.fixture(scope="module")
def imports() -> Graph:
    g = Graph()
    g.parse(ROOT / "ontology" / "imports.ttl")
    return g


def declared_terms(g: Graph) -> set[URIRef]:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property, RDFS.Datatype)
    return {s for k in kinds for s in g.subjects(RDF.type, k) if isinstance(s, URIRef) and str(s).startswith(KG)}


def kg_terms_used_in(path: Path) -> set[str]:
    """kg: terms written anywhere in a file, as full IRIs or as kg:Name."""
    text = path.read_text(encoding="utf-8")
    full = set(re.findall(r"<https://w3id\.org/spkg/def/kg#([A-Za-z0-9_]+)>", text))
    prefixed = set(re.findall(r"(?<![\w:/])kg:([A-Za-z][A-Za-z0-9_]*)", text))
    return full | prefixed


def test_ontology_header(ontology: Graph) -> None:
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in ontology
    for p in (RDFS.label, RDFS.comment, OWL.versionInfo, OWL.versionIRI):
        assert ontology.value(ONTOLOGY_IRI, p) is not None, f"ontology header lacks {p}"


def test_every_term_has_label_definition_and_is_defined_by(ontology: Graph) -> None:
    terms = declared_terms(ontology)
    assert len(terms) > 40
    for term in sorted(terms):
        labels = list(ontology.objects(term, RDFS.label))
        comments = list(ontology.objects(term, RDFS.comment))
        assert labels and all(lbl.language == "en" for lbl in labels), f"{term} needs an English rdfs:label"
        assert comments and len(str(comments[0])) > 20, f"{term} needs an rdfs:comment that defines it"
        assert ontology.value(term, RDFS.isDefinedBy) == ONTOLOGY_IRI, f"{term} needs rdfs:isDefinedBy"


def test_naming_conventions(ontology: Graph) -> None:
    for cls in ontology.subjects(RDF.type, OWL.Class):
        if str(cls).startswith(KG):
            assert str(cls)[len(KG)][0].isupper(), f"class {cls} should be CamelCase"
    for kind in (OWL.ObjectProperty, OWL.DatatypeProperty):
        for prop in ontology.subjects(RDF.type, kind):
            if str(prop).startswith(KG):
                assert str(prop)[len(KG)][0].islower(), f"property {prop} should be lowerCamel"


def test_inverse_pairs_are_symmetric(ontology: Graph) -> None:
    for a, b in ontology.subject_objects(OWL.inverseOf):
        if str(a).startswith(KG) and str(b).startswith(KG):
            assert (b, OWL.inverseOf, a) in ontology, f"{a} inverseOf {b} is stated one way only"


@pytest.mark.parametrize(
    "folder", ["ontology", "shapes", "data", "queries"],
)
def test_every_kg_term_used_is_declared(ontology: Graph, folder: str) -> None:
    declared = {str(t)[len(KG):] for t in declared_terms(ontology)}
    files = [p for p in sorted((ROOT / folder).glob("*")) if p.suffix in {".ttl", ".rq"}]
    for path in files:
        unknown = kg_terms_used_in(path) - declared
        assert not unknown, f"{path.relative_to(ROOT)} uses undeclared kg: terms {sorted(unknown)}"


def test_external_classes_and_properties_used_in_data_have_labels(ontology: Graph, imports: Graph) -> None:
    """Pages show labels, not IRIs: every predicate and class the data uses needs one."""
    labelled = set(ontology.subjects(RDFS.label, None)) | set(imports.subjects(RDFS.label, None))
    own = ROOT / "data"
    missing: set[str] = set()
    for path in sorted(own.glob("*.ttl")):
        if path.stem in {"sdg", "countries"}:
            continue  # generated reference data; its vocabulary is the UN's own
        g = Graph()
        g.parse(path)
        used = set(g.predicates()) | set(g.objects(None, RDF.type))
        missing |= {str(t) for t in used if t not in labelled}
    assert not missing, f"terms used in data/ without a label in ontology/: {sorted(missing)}"

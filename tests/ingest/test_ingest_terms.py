"""Every kg: term that ingest writes is declared in the ontology."""

from __future__ import annotations

import re

from rdflib import OWL, RDF, Graph
from ingest_helpers import ROOT

from kg.ingest import batch

KG = "https://w3id.org/spkg/def/kg#"


def declared(g: Graph) -> set[str]:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property)
    return {str(s)[len(KG):] for k in kinds for s in g.subjects(RDF.type, k) if str(s).startswith(KG)}


def test_every_kg_term_ingest_writes_is_declared(ingest_settings):
    report = batch.ingest([ROOT / "tests" / "fixtures" / "records"], ingest_settings, skip_invalid=True)
    assert report.written
    kg = Graph()
    kg.parse(ROOT / "ontology" / "kg.ttl")
    used: set[str] = set()
    for name in report.written:
        text = (ingest_settings.root / name).read_text(encoding="utf-8")
        used |= set(re.findall(r"(?<![\w:/])kg:([A-Za-z][A-Za-z0-9_]*)", text))
    assert used, "ingest wrote no kg: terms"
    assert used - declared(kg) == set()

"""The ontology and the data are consistent under OWL 2 RL.

An OWL RL reasoner (owlrl, the RDFLib project's implementation of the OWL 2 RL
rules) closes ontology/*.ttl (spkg's terms, and in imports.ttl the axioms of the
vocabularies it reuses: PROV-O's disjointness of prov:Entity and prov:Activity,
its domains and ranges, W3C ORG's hierarchy) together with the data, and reports
no inconsistency. owlrl marks an inconsistency with a node typed
``ERRNS:ErrorMessage`` carrying ``ERRNS:error`` text (rules such as cax-dw,
"disjoint classes have a common individual"), and with ``rdf:type owl:Nothing``.

data/sdg.ttl (the UN's 6,300 triples: SKOS concepts with no spkg axioms on them)
is left out: with it the closure takes minutes, and the rules it could trip are
checked on the rest (measured: the closure of ontology and the other data files,
about 9,000 triples, takes about 35 s here).

The second test shows the check would catch finding 2 of the review if it came
back: an activity with prov:wasDerivedFrom (domain prov:Entity) is inconsistent.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import owlrl
import pytest
from owlrl.Namespaces import ERRNS
from rdflib import OWL, RDF, Graph
from rdflib.term import _toPythonMapping

from fuzzing import ONCE

ROOT = Path(__file__).resolve().parents[2]
SKIPPED = {"sdg.ttl"}

pytestmark = [pytest.mark.slow, ONCE]  # no store involved: the embedded-store run covers it


def closure(g: Graph) -> Graph:
    # owlrl swaps rdflib's literal conversions for its own and leaves some behind
    # (gYearMonth gets a value), which changes how later tests compare dates.
    conversions = dict(_toPythonMapping)
    try:
        owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(g)
    finally:
        _toPythonMapping.clear()
        _toPythonMapping.update(conversions)
    return g


def inconsistencies(g: Graph) -> list[str]:
    errors = [str(m) for e in g.subjects(RDF.type, ERRNS.ErrorMessage) for m in g.objects(e, ERRNS.error)]
    return sorted(errors + [f"{n} is owl:Nothing" for n in g.subjects(RDF.type, OWL.Nothing)])


@cache
def ontology() -> Graph:
    g = Graph()
    for path in sorted((ROOT / "ontology").glob("*.ttl")):
        g.parse(path)
    return g


def test_ontology_and_data_are_consistent_under_owl_rl() -> None:
    g = Graph()
    g += ontology()
    files = [p for p in sorted((ROOT / "data").glob("*.ttl")) if p.name not in SKIPPED]
    assert any(p.name == "outcome-chn302.ttl" for p in files)
    for path in files:
        g.parse(path)
    stated = len(g)
    closed = closure(g)
    assert len(closed) > stated, "the closure adds what the axioms imply"
    assert not inconsistencies(closed), "\n".join(inconsistencies(closed)[:20])


def test_an_activity_derived_from_a_record_would_be_inconsistent() -> None:
    """Round 1's activities carried prov:wasDerivedFrom: PROV-O makes them entities too, and they are not."""
    g = Graph()
    g += ontology()
    g.parse(data="""
        @prefix kg:   <https://w3id.org/spkg/def/kg#> .
        @prefix prov: <http://www.w3.org/ns/prov#> .
        <https://w3id.org/spkg/id/event/x> a kg:Event ;
            prov:wasDerivedFrom <https://w3id.org/spkg/id/record/x> .
    """, format="turtle")
    found = inconsistencies(closure(g))
    assert any("Disjoint" in e and "https://w3id.org/spkg/id/event/x" in e for e in found), found

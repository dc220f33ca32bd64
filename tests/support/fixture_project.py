"""The small hand-written project in tests/fixtures/project/, and what the tests know about it.

tests/fixtures/project/ holds a tiny ontology (Result > Outcome > CountryOutcome,
Organization), shapes (named property shapes, a plain-string sh:in, one
anonymous property shape, one Warning) and two data files that conform with
exactly one warning. Counts used by the tests, by hand from those files:

    ontology/kg.ttl          20 triples
    shapes/core.ttl          39 triples
    data/organizations.ttl    4 triples
    data/outcomes.ttl        11 triples
    graph/entailments         3 triples  (kg build: the superclasses of the two outcomes' types,
                                          kg.write.entailments)
    total                    77 triples

The ``project``, ``settings`` and ``built`` fixtures (tests/conftest.py) give a
fresh copy of it; this module has the constants and small helpers to import.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from kg import config

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "project"
BASE = config.DEFAULT_BASE

GRAPH_COUNTS = {
    f"{BASE}graph/data/organizations": 4,
    f"{BASE}graph/data/outcomes": 11,
    f"{BASE}graph/ontology/kg": 20,
    f"{BASE}graph/shapes/core": 39,
    f"{BASE}graph/entailments": 3,
}
TOTAL = 77

# A data file that breaks three shapes; its one focus node starts on line 5.
VIOLATING = """\
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix kg:      <https://w3id.org/spkg/def/kg#> .
@prefix outcome: <https://w3id.org/spkg/id/outcome/> .

outcome:bad-1
    a kg:CountryOutcome ;
    kg:status "done" ;
    kg:leadBy outcome:chn302-2020 ;
    rdfs:comment "Has no title." .
"""

# A Turtle syntax error: `]` where an object should be, line 4 column 15.
BROKEN = """\
@prefix kg: <https://w3id.org/spkg/def/kg#> .

<https://w3id.org/spkg/id/outcome/x> kg:title "a" ;
    kg:status ] .
"""

# An undeclared prefix on line 3, column 38.
UNKNOWN_PREFIX = """\
@prefix kg: <https://w3id.org/spkg/def/kg#> .

<https://w3id.org/spkg/id/outcome/x> foo:title "a" .
"""


def write(project: Path, rel: str, text: str) -> Path:
    path = project / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with a digest of its bytes."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*")) if p.is_file()
    }

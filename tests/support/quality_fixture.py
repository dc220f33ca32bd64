"""A small project for the quality rules (shapes/rules/*.rq) and the /quality page, written by code.

:func:`make` writes a project whose data break no shape and no rule: a tiny ontology
(with kg:Seminar under kg:Event and kg:Survey under kg:Research, so that rules must
follow rdfs:subClassOf), one shapes file (a violation and a warning shape), the
project's real rules copied from shapes/rules/, organization types with skos:broader,
shared bodies (a UN agency and a development partner, both without a country: exempt)
and one record of Viet Nam (data/outcome-vnm-a.ttl). Two ministries of health share a
name but not a country: no finding.

:func:`plant` adds data/outcome-raf-b.ttl, one record with a planted fault for each
rule (:data:`PLANTED`) and one SHACL warning (an outcome with no comment).
"""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BASE = "https://w3id.org/spkg/"
ID = f"{BASE}id/"

PREFIXES = """\
@prefix rdf:     <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .
@prefix org:     <http://www.w3.org/ns/org#> .
@prefix eli:     <http://data.europa.eu/eli/ontology#> .
@prefix kg:      <https://w3id.org/spkg/def/kg#> .
@prefix orgn:    <https://w3id.org/spkg/id/organization/> .
@prefix otype:   <https://w3id.org/spkg/id/organization-type/> .
@prefix country: <https://w3id.org/spkg/id/country/> .
@prefix inst:    <https://w3id.org/spkg/id/instrument/> .
@prefix act:     <https://w3id.org/spkg/id/activity/> .
@prefix outcome: <https://w3id.org/spkg/id/outcome/> .
"""

ONTOLOGY = PREFIXES + """\
@prefix owl: <http://www.w3.org/2002/07/owl#> .

<https://w3id.org/spkg/def/kg> a owl:Ontology ; rdfs:label "spkg quality test ontology"@en .

kg:Outcome a owl:Class ; rdfs:label "Outcome"@en .
kg:Organization a owl:Class ; rdfs:label "Organization"@en .
kg:PolicyInstrument a owl:Class ; rdfs:label "Policy instrument"@en .
kg:Milestone a owl:Class ; rdfs:label "Milestone"@en .
kg:Activity a owl:Class ; rdfs:label "Activity"@en .
kg:Event a owl:Class ; rdfs:subClassOf kg:Activity ; rdfs:label "Event"@en .
kg:Seminar a owl:Class ; rdfs:subClassOf kg:Event ; rdfs:label "Seminar"@en .
kg:Research a owl:Class ; rdfs:subClassOf kg:Activity ; rdfs:label "Research"@en .
kg:Survey a owl:Class ; rdfs:subClassOf kg:Research ; rdfs:label "Survey"@en .
kg:Country a owl:Class ; rdfs:label "Country"@en .
kg:OrganizationType a owl:Class ; rdfs:label "Organization type"@en .
"""

SHAPES = """\
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix sh:   <http://www.w3.org/ns/shacl#> .
@prefix kg:   <https://w3id.org/spkg/def/kg#> .
@prefix core: <https://w3id.org/spkg/shapes/core#> .

core:OrganizationShape a sh:NodeShape ;
    sh:targetClass kg:Organization ;
    sh:property core:OrganizationShape-label .

core:OrganizationShape-label a sh:PropertyShape ;
    sh:path rdfs:label ;
    sh:minCount 1 ;
    sh:message "Give the organization a name (rdfs:label)." .

core:OutcomeShape a sh:NodeShape ;
    sh:targetClass kg:Outcome ;
    sh:property core:OutcomeShape-comment .

core:OutcomeShape-comment a sh:PropertyShape ;
    sh:path rdfs:comment ;
    sh:minCount 1 ;
    sh:severity sh:Warning ;
    sh:message "Add an rdfs:comment that describes the outcome." .
"""

CODE_LISTS = PREFIXES + """\
country:vnm a kg:Country ; rdfs:label "Viet Nam"@en .
country:mwi a kg:Country ; rdfs:label "Malawi"@en .
country:zmb a kg:Country ; rdfs:label "Zambia"@en .

otype:international-organization a kg:OrganizationType ; rdfs:label "International organization"@en .
otype:un-agency a kg:OrganizationType ; rdfs:label "UN agency"@en ;
    skos:broader otype:international-organization .
otype:development-partner a kg:OrganizationType ; rdfs:label "Development partner"@en .
otype:government-ministry a kg:OrganizationType ; rdfs:label "Government ministry"@en .
otype:trade-union a kg:OrganizationType ; rdfs:label "Trade union"@en .
"""

ORGANIZATIONS = PREFIXES + """\
orgn:ilo a kg:Organization ;
    rdfs:label "International Labour Organization"@en ;
    skos:altLabel "Bureau international du Travail"@fr ;
    org:classification otype:un-agency .

orgn:giz a kg:Organization ;
    rdfs:label "Deutsche Gesellschaft für Internationale Zusammenarbeit"@en ;
    org:classification otype:development-partner .
"""

RECORD_A = PREFIXES + """\
outcome:vnm-a a kg:Outcome ;
    rdfs:label "VNM-A (2021): a social assistance decree"@en ;
    rdfs:comment "Viet Nam reformed social assistance."@en ;
    kg:cpoCode "VNM101" ;
    kg:country country:vnm ;
    kg:instrument inst:vnm-decree-20 .

orgn:molisa a kg:Organization ;
    rdfs:label "Ministry of Labour, Invalids and Social Affairs"@en ;
    org:classification otype:government-ministry ;
    kg:country country:vnm .

orgn:mwi-moh a kg:Organization ;
    rdfs:label "Ministry of Health"@en ;
    org:classification otype:government-ministry ;
    kg:country country:mwi .

orgn:zmb-moh a kg:Organization ;
    rdfs:label "Ministry of Health"@en ;
    org:classification otype:government-ministry ;
    kg:country country:zmb .

inst:vnm-decree-20 a kg:PolicyInstrument ;
    rdfs:label "Decree 20 on social assistance"@en ;
    kg:country country:vnm ;
    kg:milestone <https://w3id.org/spkg/id/milestone/vnm-decree-20-issued> .

<https://w3id.org/spkg/id/milestone/vnm-decree-20-issued> a kg:Milestone ;
    rdfs:label "Decree 20: issued 2021-07"@en ;
    kg:date "2021-07"^^xsd:gYearMonth ;
    kg:earliestDate "2021-07-01"^^xsd:date ;
    kg:latestDate "2021-07-31"^^xsd:date .

inst:vnm-law-on-social-insurance a kg:PolicyInstrument ;
    rdfs:label "Law on Social Insurance"@en ;
    kg:country country:vnm ;
    eli:date_document "2014-11-20"^^xsd:date .

act:vnm-a-workshop a kg:Event ;
    rdfs:label "Validation workshop on the decree"@en ;
    kg:country country:vnm .

act:vnm-a-study a kg:Research ;
    rdfs:label "Study of social assistance coverage"@en ;
    kg:country country:vnm .
"""

# One record of a regional outcome, with one fault per rule.
RECORD_B = PREFIXES + """\
# No kg:country: a regional outcome (outcome-without-country), and no rdfs:comment (a SHACL warning).
outcome:raf-b a kg:Outcome ;
    rdfs:label "RAF904 (2017): a regional maternity protection paper"@en ;
    kg:cpoCode "RAF904" .

# The same ministry as orgn:molisa under another IRI (near-duplicate-labels).
orgn:vnm-molisa a kg:Organization ;
    rdfs:label "The Ministry of Labour - Invalids & Social Affairs"@en ;
    org:classification otype:government-ministry ;
    kg:country country:vnm .

# A national body without a country, and one with no type either (the SHACL warning of
# recommended:OrganizationShape in the project's shapes; no rule repeats it).
orgn:national-union a kg:Organization ;
    rdfs:label "National Federation of Trade Unions"@en ;
    org:classification otype:trade-union .

orgn:nobody-knows a kg:Organization ;
    rdfs:label "Social Welfare Board"@en .

# An instrument with no date at all (instrument-without-date).
inst:raf-maternity-paper a kg:PolicyInstrument ;
    rdfs:label "Regional maternity protection policy paper"@en .

# A seminar (an event, by subclass) named like the Viet Nam workshop (near-duplicate-labels).
act:raf-b-seminar a kg:Seminar ;
    rdfs:label "Validation Workshop on the Decree!"@en ;
    kg:country country:vnm .
"""

FILES = {
    "ontology/kg.ttl": ONTOLOGY,
    "shapes/core.ttl": SHAPES,
    "data/code-lists.ttl": CODE_LISTS,
    "data/organizations.ttl": ORGANIZATIONS,
    "data/outcome-vnm-a.ttl": RECORD_A,
}
PLANTED_FILE = "data/outcome-raf-b.ttl"

#: rule -> {focus IRI: file the node is written in}: what each rule finds once :func:`plant` ran.
PLANTED = {
    "near-duplicate-labels": {f"{ID}organization/molisa": "data/outcome-vnm-a.ttl",
                              f"{ID}organization/vnm-molisa": PLANTED_FILE,
                              f"{ID}activity/vnm-a-workshop": "data/outcome-vnm-a.ttl",
                              f"{ID}activity/raf-b-seminar": PLANTED_FILE},
    "instrument-without-date": {f"{ID}instrument/raf-maternity-paper": PLANTED_FILE},
    "outcome-without-country": {f"{ID}outcome/raf-b": PLANTED_FILE},
}
SEVERITY = {"near-duplicate-labels": "Violation", "instrument-without-date": "Warning",
            "outcome-without-country": "Warning"}


def make(dest: Path) -> Path:
    """Write the clean project at ``dest`` (the real rules copied in); return ``dest``."""
    for rel, text in FILES.items():
        write(dest, rel, text)
    rules = dest / "shapes" / "rules"
    rules.mkdir(parents=True, exist_ok=True)
    for rule in sorted((ROOT / "shapes" / "rules").glob("*.rq")):
        shutil.copy2(rule, rules / rule.name)
    return dest


def plant(project: Path) -> Path:
    """Add the record with the planted faults."""
    return write(project, PLANTED_FILE, RECORD_B)


def write(project: Path, rel: str, text: str) -> Path:
    path = project / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def line_of(project: Path, rel: str, iri: str) -> int:
    """The line of ``rel`` where ``iri`` (written with a prefix of :data:`PREFIXES`) starts a statement."""
    prefixes = {"orgn:": f"{ID}organization/", "inst:": f"{ID}instrument/", "act:": f"{ID}activity/",
                "outcome:": f"{ID}outcome/"}
    for number, line in enumerate((project / rel).read_text(encoding="utf-8").splitlines(), 1):
        for prefix, ns in prefixes.items():
            if line.startswith(prefix) and iri == ns + line[len(prefix):].split()[0]:
                return number
    raise AssertionError(f"{iri} is not a subject in {rel}")

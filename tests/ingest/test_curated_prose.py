"""A record checked fact by fact: the curation file's ``prose:`` stands in for extraction (kg.ingest.curated)."""

from __future__ import annotations

from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import SKOS
from ingest_helpers import BASE, RECORDS

from kg.ingest import batch
from kg.validate import validate_files

KG = Namespace(f"{BASE}def/kg#")
OA = Namespace("http://www.w3.org/ns/oa#")
ID = f"{BASE}id/"
KEY = "mwi-66cd06f9"  # tests/fixtures/records/mwi-no-metadata-gom.txt

CHECKED = """\
outcome: mwi-66cd06f9
correct:
  country: MWI
prose:
  organizations:
  - name: Ministry of Gender, Children, Disability and Social Welfare
    type: government-ministry
    country: MWI
    roles: [implementer]
    quote: The Ministry of Gender, Children, Disability and Social Welfare now enrols households
  - name: World Food Programme
    acronym: WFP
    type: un-agency
    roles: [funder]
    quote: The World Food Programme (WFP) financed the tablets
  instruments:
  - title: single registry for social cash transfers
    kind: programme
    quote: GoM launched a single registry for social cash transfers
    dates:
    - {value: 2021-03, precision: month, event: launched, quote: launched a single registry for social cash transfers in March 2021}
    issuers:
    - org: Ministry of Gender, Children, Disability and Social Welfare
      role: issuer
      quote: The Ministry of Gender
    outcome_instrument: true
  events:
  - kind: training
    topic: the registry and its data protection rules
    participants: 85
    organizers: [World Food Programme]
    quote: The ILO trained 85 district officers
  research:
  - kind: assessment
    topic: data protection
    quote: the data protection assessment of the registry
  population_groups:
  - {key: poor-households, quote: enrols households from one list}
"""


def run(settings):
    return batch.ingest([RECORDS / "mwi-no-metadata-gom.txt"], settings)


def write(settings, text: str) -> None:
    folder = settings.data_dir / "curation"
    folder.mkdir(exist_ok=True)
    (folder / f"{KEY}.yaml").write_text(text, encoding="utf-8")


def test_the_checked_facts_replace_extraction_each_with_its_words(ingest_settings):
    s = ingest_settings
    write(s, CHECKED)
    report = run(s)
    assert report.invalid == []
    g = Graph().parse(s.data_dir / f"outcome-{KEY}.ttl")
    o = URIRef(f"{ID}outcome/{KEY}")
    inst = g.value(o, KG.instrument)
    assert str(g.value(inst, URIRef("http://purl.org/dc/terms/title"))) == "single registry for social cash transfers"
    milestone = g.value(inst, KG.milestone)
    assert g.value(milestone, KG.earliestDate) == Literal("2021-03-01", datatype=URIRef(
        "http://www.w3.org/2001/XMLSchema#date"))
    assert {str(g.value(e, RDFS.label)) for e in g.objects(o, KG.supportedBy)} == {
        "Training: the registry and its data protection rules", "Assessment: data protection"}
    assert URIRef(f"{ID}population-group/poor-households") in set(g.objects(o, KG.concernsPopulation))
    assert URIRef(f"{ID}organization/wfp") in set(g.objects(o, KG.fundedBy))
    # nothing extraction found stands beside the checked facts: no suggestions, no extracted role
    assert not (s.data_dir / f"outcome-{KEY}-suggestions.ttl").exists()
    assert (URIRef(f"{ID}attribution/{KEY}-ilo-supporter"), None, None) not in g
    # every fact has its evidence at its words, confirmed
    statuses = {g.value(a, KG.curationStatus) for a in g.subjects(RDF.type, KG.EvidenceAnnotation)}
    assert statuses == {URIRef(f"{ID}curation-status/confirmed")}
    text = str(g.value(URIRef(f"{ID}record/{KEY}"), KG.verbatimText))
    for sel in g.subjects(RDF.type, OA.TextPositionSelector):
        quote = g.value(URIRef(str(sel).replace("-position", "-quote")), OA.exact)
        assert text[int(g.value(sel, OA.start)):int(g.value(sel, OA.end))] == str(quote)
    # a national instrument's display label says its country; its title stays as written
    assert str(g.value(inst, RDFS.label)) == "single registry for social cash transfers (Malawi)"
    # the ministry the graph knows (tests/fixtures/known/) is linked as implementer, not described again
    ministry = URIRef(f"{ID}organization/mwi-mogcdsw")
    assert ministry in set(g.objects(o, URIRef("http://www.w3.org/ns/prov#wasAttributedTo")))
    assert g.value(ministry, SKOS.prefLabel) is None
    assert validate_files(s).conforms


def test_id_and_label_tell_two_things_of_one_title_apart(ingest_settings):
    s = ingest_settings
    write(s, CHECKED.replace("""    kind: programme
""", """    id: mwi-cash-transfer-registry
    label: Single registry for social cash transfers (Malawi, 2021)
    kind: programme
"""))
    assert run(s).invalid == []
    g = Graph().parse(s.data_dir / f"outcome-{KEY}.ttl")
    inst = URIRef(f"{ID}instrument/mwi-cash-transfer-registry")
    assert (URIRef(f"{ID}outcome/{KEY}"), KG.instrument, inst) in g
    assert str(g.value(inst, RDFS.label)) == "Single registry for social cash transfers (Malawi, 2021)"


def test_a_quote_the_text_lacks_or_an_unlisted_body_is_an_error_with_its_line(ingest_settings):
    s = ingest_settings
    bad = CHECKED.replace("quote: The ILO trained 85 district officers", "quote: The ILO trained 58 district officers")
    bad = bad.replace("    topic: data protection\n", "    topic: data protection\n    performer: Irish embassy\n")
    write(s, bad)
    report = run(s)
    (res,) = report.invalid
    errors = {(e.file, e.line, e.message.split(":")[0]) for e in res.record.errors}
    lines = bad.splitlines()
    assert errors == {
        ("data/curation/mwi-66cd06f9.yaml", next(i + 1 for i, t in enumerate(lines) if "58 district" in t),
         "event training"),
        ("data/curation/mwi-66cd06f9.yaml", next(i + 1 for i, t in enumerate(lines) if "protection assessment" in t),
         "performer of a study")}
    assert not (s.data_dir / f"outcome-{KEY}.ttl").exists()  # nothing written

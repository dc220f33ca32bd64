"""The generated reference data: data/sdg.ttl and data/countries.ttl.

These tests read the committed Turtle files; only the last one runs the script
(``--check``) to show the files are what the script writes from data/sources/.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, SKOS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS

pytestmark = pytest.mark.storeless  # run once: the external-store pass has nothing to add

ROOT = Path(__file__).resolve().parents[2]
SDG_FILE = ROOT / "data" / "sdg.ttl"
COUNTRIES_FILE = ROOT / "data" / "countries.ttl"
SCRIPT = ROOT / "scripts" / "build_reference_data.py"

SDG = Namespace("http://metadata.un.org/sdg/")
SDGO = Namespace("http://metadata.un.org/sdg/ontology#")
KG = Namespace("https://w3id.org/spkg/def/kg#")
SCHEME = URIRef("http://metadata.un.org/sdg")
COUNTRY = Namespace("https://w3id.org/spkg/id/country/")
EU_COUNTRY = Namespace("http://publications.europa.eu/resource/authority/country/")
WD = Namespace("http://www.wikidata.org/entity/")
# a country is a thing, not a SKOS concept: linked with schema:sameAs
SAME_AS = URIRef("https://schema.org/sameAs")

# Counted by hand in the UN KOS file (data/sources/sdg/un-sdg-kos-goals-targets-indicators.ttl):
# 232 indicator IRIs; the repeated indicators (C2003xx, C2002xx) carry several codes, 244 codes in all.
N_GOALS, N_TARGETS, N_INDICATORS, N_INDICATOR_CODES = 17, 169, 232, 244
N_COUNTRIES = 249  # ISO 3166-1 entries in pycountry
TARGETS_PER_GOAL = [7, 8, 13, 10, 9, 8, 5, 12, 8, 10, 10, 11, 5, 10, 12, 12, 19]

TARGET_1_3 = (
    "Implement nationally appropriate social protection systems and measures for all, including floors, "
    "and by 2030 achieve substantial coverage of the poor and the vulnerable"
)
INDICATOR_1_3_1 = (
    "Proportion of population covered by social protection floors/systems, by sex, distinguishing children, "
    "unemployed persons, older persons, persons with disabilities, pregnant women, newborns, work-injury "
    "victims and the poor and the vulnerable"
)
TARGET_12_3 = (
    "By 2030, halve per capita global food waste at the retail and consumer levels and reduce food losses "
    "along production and supply chains, including post-harvest losses"
)


@pytest.fixture(scope="module")
def sdg() -> Graph:
    return Graph().parse(SDG_FILE, format="turtle")


@pytest.fixture(scope="module")
def countries() -> Graph:
    return Graph().parse(COUNTRIES_FILE, format="turtle")


def en(text: str) -> Literal:
    return Literal(text, lang="en")


def one(g: Graph, s, p):
    values = list(g.objects(s, p))
    assert len(values) == 1, (s, p, values)
    return values[0]


# -- files ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [SDG_FILE, COUNTRIES_FILE], ids=lambda p: p.name)
def test_generated_header(path: Path) -> None:
    head = path.read_text(encoding="utf-8")[:2000]
    assert head.startswith("# ")
    assert "GENERATED FILE: do not edit by hand" in head
    assert "scripts/build_reference_data.py" in head


def test_sdg_header_names_sources_and_citation() -> None:
    head = SDG_FILE.read_text(encoding="utf-8").split("@prefix", 1)[0]
    flat = " ".join(line.lstrip("# ").strip() for line in head.splitlines())
    assert "open-sdg/sdg-translations" in flat and "MIT" in flat
    assert "UNStats/LOD4Stats" in flat
    assert (
        "Amit Joshi, Luis Gonzalez Morales, Szymon Klarman, and Aaron Helton. 2019. A Knowledge Organization "
        "System for the United Nations Sustainable Development Goals. New York, NY. http://metadata.un.org/sdg"
    ) in flat


@pytest.mark.parametrize("path", [SDG_FILE, COUNTRIES_FILE], ids=lambda p: p.name)
def test_parses_with_oxigraph_same_triples(path: Path) -> None:
    pyoxigraph = pytest.importorskip("pyoxigraph")
    quads = list(pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE))
    assert len(quads) == len(Graph().parse(path, format="turtle"))


@pytest.mark.parametrize("path", [SDG_FILE, COUNTRIES_FILE], ids=lambda p: p.name)
def test_plain_strings_and_english_only(path: Path) -> None:
    g = Graph().parse(path, format="turtle")
    for _, _, o in g:
        if isinstance(o, Literal):
            assert o.datatype != URIRef("http://www.w3.org/2001/XMLSchema#string"), o
            assert o.language in (None, "en"), o
            assert str(o) == str(o).strip() and "  " not in str(o), o


# -- SDG --------------------------------------------------------------------------------


def test_sdg_counts(sdg: Graph) -> None:
    goals = set(sdg.subjects(RDF.type, SDGO.Goal))
    targets = set(sdg.subjects(RDF.type, SDGO.Target))
    indicators = set(sdg.subjects(RDF.type, SDGO.Indicator))
    assert (len(goals), len(targets), len(indicators)) == (N_GOALS, N_TARGETS, N_INDICATORS)
    concepts = goals | targets | indicators
    assert set(sdg.subjects(RDF.type, SKOS.Concept)) == concepts
    for c in concepts:
        assert (c, SKOS.inScheme, SCHEME) in sdg
        assert str(c).startswith(str(SDG))
    codes = {str(n) for i in indicators for n in sdg.objects(i, SKOS.notation) if n.datatype is None}
    assert len(codes) == N_INDICATOR_CODES


def test_every_concept_has_one_english_preflabel_and_a_label(sdg: Graph) -> None:
    for c in sdg.subjects(RDF.type, SKOS.Concept):
        label = one(sdg, c, SKOS.prefLabel)
        assert label.language == "en" and len(label) > 10
        assert one(sdg, c, RDFS.label).language == "en"


def test_goal_1(sdg: Graph) -> None:
    g1 = SDG["1"]
    assert (g1, RDF.type, SDGO.Goal) in sdg
    assert one(sdg, g1, SKOS.prefLabel) == en("End poverty in all its forms everywhere")
    assert one(sdg, g1, SKOS.altLabel) == en("No poverty")
    assert one(sdg, g1, RDFS.label) == en("Goal 1: No poverty")
    assert Literal("1") in set(sdg.objects(g1, SKOS.notation))
    assert (g1, SKOS.topConceptOf, SCHEME) in sdg
    assert (g1, SKOS.exactMatch, WD.Q50214636) in sdg


def test_target_1_3(sdg: Graph) -> None:
    t = URIRef("http://metadata.un.org/sdg/1.3")
    assert (t, RDF.type, SDGO.Target) in sdg
    assert one(sdg, t, SKOS.prefLabel) == en(TARGET_1_3)
    assert one(sdg, t, RDFS.label) == en("Target 1.3")
    notations = set(sdg.objects(t, SKOS.notation))
    assert Literal("1.3") in notations
    assert Literal("1.3", datatype=SDGO.SDGCodeCompact) in notations  # the UN's typed notation, kept
    assert one(sdg, t, SKOS.broader) == SDG["1"]
    assert one(sdg, t, SDGO.isTargetOf) == SDG["1"]
    assert set(sdg.objects(t, SDGO.hasIndicator)) == {SDG.C010301}


def test_indicator_1_3_1(sdg: Graph) -> None:
    i = URIRef("http://metadata.un.org/sdg/C010301")
    assert (i, RDF.type, SDGO.Indicator) in sdg
    assert one(sdg, i, SKOS.prefLabel) == en(INDICATOR_1_3_1)
    assert one(sdg, i, RDFS.label) == en("Indicator 1.3.1")
    assert Literal("1.3.1") in set(sdg.objects(i, SKOS.notation))
    assert one(sdg, i, SDGO.isIndicatorOf) == URIRef("http://metadata.un.org/sdg/1.3")
    assert one(sdg, i, SKOS.broader) == URIRef("http://metadata.un.org/sdg/1.3")
    assert one(sdg, i, SDGO.custodianAgency) == Literal("ILO")
    assert one(sdg, i, SDGO.tier) == SDGO.tier_II


def test_indicator_1_a_1(sdg: Graph) -> None:
    i = URIRef("http://metadata.un.org/sdg/C010a01")
    assert (i, RDF.type, SDGO.Indicator) in sdg
    assert Literal("1.a.1") in set(sdg.objects(i, SKOS.notation))
    assert one(sdg, i, RDFS.label) == en("Indicator 1.a.1")
    assert one(sdg, i, SDGO.isIndicatorOf) == URIRef("http://metadata.un.org/sdg/1.a")


def test_target_12_3_has_the_full_text(sdg: Graph) -> None:
    # The UN file's English label is truncated to "By 2030,d"; open-sdg has the full text.
    assert one(sdg, URIRef("http://metadata.un.org/sdg/12.3"), SKOS.prefLabel) == en(TARGET_12_3)


def test_repeated_indicator_has_one_iri_and_several_codes(sdg: Graph) -> None:
    i = SDG.C200202
    plain = {str(n) for n in sdg.objects(i, SKOS.notation) if n.datatype is None}
    assert plain == {"8.4.1", "12.2.1"}
    assert set(sdg.objects(i, SDGO.isIndicatorOf)) == {
        URIRef("http://metadata.un.org/sdg/8.4"),
        URIRef("http://metadata.un.org/sdg/12.2"),
    }
    assert one(sdg, i, RDFS.label) == en("Indicator 8.4.1 / 12.2.1")


def test_goal_target_indicator_links(sdg: Graph) -> None:
    goals = set(sdg.subjects(RDF.type, SDGO.Goal))
    targets = set(sdg.subjects(RDF.type, SDGO.Target))
    indicators = set(sdg.subjects(RDF.type, SDGO.Indicator))
    per_goal = [len(set(sdg.objects(SDG[str(n)], SDGO.hasTarget))) for n in range(1, 18)]
    assert per_goal == TARGETS_PER_GOAL
    for t in targets:
        goal = one(sdg, t, SDGO.isTargetOf)
        assert goal in goals and one(sdg, t, SKOS.broader) == goal
        assert (goal, SDGO.hasTarget, t) in sdg and (goal, SKOS.narrower, t) in sdg
        assert str(t).startswith(f"{goal}.")
    for i in indicators:
        parents = set(sdg.objects(i, SDGO.isIndicatorOf))
        assert parents and parents <= targets
        assert parents == set(sdg.objects(i, SKOS.broader))
        for t in parents:
            assert (t, SDGO.hasIndicator, i) in sdg and (t, SKOS.narrower, i) in sdg
    for t in targets:
        for i in sdg.objects(t, SDGO.hasIndicator):
            assert (i, SDGO.isIndicatorOf, t) in sdg
    # every target of the framework has at least one indicator here
    assert all(set(sdg.objects(t, SDGO.hasIndicator)) for t in targets)


def test_scheme(sdg: Graph) -> None:
    assert (SCHEME, RDF.type, SKOS.ConceptScheme) in sdg
    assert set(sdg.objects(SCHEME, SKOS.hasTopConcept)) == set(sdg.subjects(RDF.type, SDGO.Goal))
    assert "A Knowledge Organization System" in one(sdg, SCHEME, DCTERMS.title)
    assert "may be copied freely" in one(sdg, SCHEME, DCTERMS.license)
    citation = one(sdg, SCHEME, DCTERMS.bibliographicCitation)
    assert citation.startswith("Amit Joshi, Luis Gonzalez Morales, Szymon Klarman, and Aaron Helton. 2019.")
    assert len(set(sdg.objects(SCHEME, DCTERMS.source))) >= 2


# -- countries --------------------------------------------------------------------------


def test_country_count_and_keys(countries: Graph) -> None:
    subjects = set(countries.subjects(RDF.type, KG.Country))
    assert len(subjects) == N_COUNTRIES
    for c in subjects:
        a3 = str(one(countries, c, KG.isoAlpha3))
        assert c == COUNTRY[a3.lower()]
        assert len(str(one(countries, c, KG.isoAlpha2))) == 2
        numeric = str(one(countries, c, KG.isoNumeric))
        assert len(numeric) == 3 and numeric.isdigit()
        assert one(countries, c, RDFS.label) == one(countries, c, SKOS.prefLabel)
        assert (c, SAME_AS, EU_COUNTRY[a3]) in countries
    for p in (KG.isoAlpha3, KG.isoAlpha2, KG.isoNumeric):
        values = Counter(countries.objects(None, p))
        assert max(values.values()) == 1, p


def test_china(countries: Graph) -> None:
    chn = URIRef("https://w3id.org/spkg/id/country/chn")
    assert (chn, RDF.type, KG.Country) in countries
    assert one(countries, chn, RDFS.label) == en("China")
    assert one(countries, chn, SKOS.prefLabel) == en("China")
    assert one(countries, chn, KG.isoAlpha3) == Literal("CHN")
    assert one(countries, chn, KG.isoAlpha2) == Literal("CN")
    assert one(countries, chn, KG.isoNumeric) == Literal("156")
    assert one(countries, chn, KG.officialName) == en("People's Republic of China")
    assert set(countries.objects(chn, SAME_AS)) == {
        URIRef("http://publications.europa.eu/resource/authority/country/CHN"),
        URIRef("http://www.wikidata.org/entity/Q148"),
    }


def test_leading_zero_numeric_code(countries: Graph) -> None:
    assert one(countries, COUNTRY.afg, KG.isoNumeric) == Literal("004")


@pytest.mark.parametrize(
    "a3,qid",
    [
        ("CHN", "Q148"),
        ("LAO", "Q819"),
        ("MWI", "Q1020"),
        ("ZMB", "Q953"),
        ("VNM", "Q881"),
        ("JOR", "Q810"),
        ("TJK", "Q863"),
        ("MOZ", "Q1029"),
        ("IDN", "Q252"),
    ],
)
def test_wikidata_links(countries: Graph, a3: str, qid: str) -> None:
    wd = {o for o in countries.objects(COUNTRY[a3.lower()], SAME_AS) if str(o).startswith(str(WD))}
    assert wd == {WD[qid]}


def test_wikidata_items_are_not_shared(countries: Graph) -> None:
    links = Counter(o for o in countries.objects(None, SAME_AS) if str(o).startswith(str(WD)))
    assert links and max(links.values()) == 1


# -- the script -------------------------------------------------------------------------


def test_script_check_passes() -> None:
    if importlib.util.find_spec("pycountry") is None:
        pytest.skip("pycountry is not installed (pip install -e '.[reference]')")
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--check"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr

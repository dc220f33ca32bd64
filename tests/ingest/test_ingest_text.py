"""The plain-text parser, field by field, on a fixture for each layout variant.

Expected values are written by hand from the fixture files in tests/fixtures/records/.
"""

from __future__ import annotations

import datetime as dt

import pytest
from rdflib import Graph, Namespace, URIRef
from ingest_helpers import RECORDS, ROOT, parse

from kg.ingest import country, text
from kg.ingest.record import Located

pytestmark = pytest.mark.storeless  # run once: the external-store pass has nothing to add

KGNS = Namespace("https://w3id.org/spkg/def/kg#")
SEED_OUTCOME = URIRef("https://w3id.org/spkg/id/outcome/chn302-2021-07-16")


def values(items):
    return [x.value for x in items]


def issues(record, field=None):
    return [i.message for i in record.issues if field is None or i.field == field]


# -- the seed --------------------------------------------------------------------------------

def test_seed_fixture_is_the_text_the_seed_file_keeps_verbatim():
    g = Graph()
    g.parse(ROOT / "data" / "outcome-chn302.ttl")
    verbatim = g.value(URIRef("https://w3id.org/spkg/id/record/chn302-2021-07-16"), KGNS.verbatimText)
    assert (RECORDS / "seed-chn302.txt").read_text(encoding="utf-8") == str(verbatim)


def test_seed_metadata_line(catalog):
    r = parse("seed-chn302.txt", catalog)
    assert r.metadata_line == Located(
        "16.07.2021 CHN302 Public 2020-21 | 8.3.1 Medical / health care Old-age Employment injury Informal economy", 8)
    assert r.reported_date == Located(dt.date(2021, 7, 16), 8)
    assert r.cpo_code == Located("CHN302", 8)
    assert r.visibility == Located("Public", 8)
    assert r.biennium == Located("2020-21", 8)
    assert r.pb_indicator == Located("8.3.1", 8)
    assert r.partnership_qualifier is None
    assert values(r.themes) == ["Medical / health care", "Old-age", "Employment injury", "Informal economy"]
    assert r.reported_year is None


def test_seed_headings_sections_and_sdgs(catalog):
    r = parse("seed-chn302.txt", catalog)
    assert r.policy_area == Located("Social Protection", 1)
    assert r.programme == Located("Building social protection floors and comprehensive social security systems", 3)
    assert r.title == Located("Result achieved", 6)
    assert r.result_type is None and r.pb_indicator_wording is None
    assert (r.summary.line, r.achievement.line, r.ilo_contribution.line, r.gender_note.line) == (10, 13, 17, 20)
    assert r.partners_contribution is None
    assert r.summary.value == ("A new policy measure on safeguarding the labour rights and interets of workers in new "
                               "employment forms has been issued")
    assert r.achievement.value.startswith("On 16 July 2021, the Ministry of Human Resources")
    assert r.gender_note.value.endswith("depending on their hukou and labour market situation.")
    assert [(g.value, g.line) for g in r.sdg_goals] == [("1", 21), ("3", 22)]
    assert [(t.value, t.line) for t in r.sdg_targets] == [("1.3", 23), ("3.8", 24)]
    assert r.truncated == [] and r.issues == []


def test_seed_sections_equal_the_hand_modelled_literals(catalog):
    """The seed round-trips: each section is the curated file's literal, character for character."""
    g = Graph()
    g.parse(ROOT / "data" / "outcome-chn302.ttl")
    r = parse("seed-chn302.txt", catalog)
    for field, prop in (("summary", "summary"), ("achievement", "achievement"),
                        ("ilo_contribution", "iloContribution"), ("gender_note", "genderNote")):
        assert getattr(r, field).value == str(g.value(SEED_OUTCOME, KGNS[prop])), field


def test_seed_country_comes_from_the_cpo_code(catalog):
    r = parse("seed-chn302.txt", catalog)
    country.assign(r, catalog)
    assert r.country == Located("CHN", 8) and r.country_inferred is False


# -- result type, indicator wording, metadata line without themes ------------------------------

def test_result_type_heading_indicator_wording_and_a_line_without_themes(catalog):
    r = parse("khm-step1-no-themes.txt", catalog)
    assert r.result_type == Located("1", 3)
    assert r.result_type_heading.value.startswith("A new or revised policy or strategy to extend coverage")
    assert r.pb_indicator_wording.line == 5
    assert r.pb_indicator_wording.value.startswith("Number of countries that have adopted new or revised policies")
    assert r.metadata_line == Located("15.03.2021 KHM104 Public 2020-21 | 8.1.1", 6)
    assert (r.reported_date.value, r.cpo_code.value, r.biennium.value, r.pb_indicator.value) == (
        dt.date(2021, 3, 15), "KHM104", "2020-21", "8.1.1")
    assert r.themes == [] and r.partnership_qualifier is None
    assert r.summary == Located("The National Social Security Fund extended pension coverage to domestic workers", 12)
    assert r.gender_note == Located("Women make up 45% of the domestic workers covered in the first phase.", 23)
    assert [(g.value, g.line) for g in r.sdg_goals] == [("1", 24)]
    assert [(t.value, t.line) for t in r.sdg_targets] == [("1.3", 25)]
    assert r.issues == []


def test_qualifier_after_the_indicator_then_themes(catalog):
    r = parse("vnm-qualifier.txt", catalog)
    assert r.pb_indicator == Located("8.1.1", 6)
    assert r.partnership_qualifier == Located("with UN Agencies, excluding IFIs", 6)
    assert values(r.themes) == ["Old-age", "Unemployment"]
    assert r.result_type.value == "2"
    assert r.partners_contribution == Located(
        "UNDP and UNICEF supported the consultations with workers in the informal economy.", 22)
    assert r.issues == []


# -- no metadata line, no country named ------------------------------------------------------

def test_no_metadata_line_country_inferred_from_gom_and_a_ministry(catalog):
    r = parse("mwi-no-metadata-gom.txt", catalog)
    assert r.metadata_line is None and r.cpo_code is None and r.reported_date is None
    assert r.pb_indicator == Located("8.2.1", 5)  # from the indicator wording
    country.assign(r, catalog)
    assert r.country.value == "MWI" and r.country_inferred is True
    kinds = values(r.country_evidence)
    assert "government abbreviation: GoM" in kinds
    assert "body of the country: Ministry of Gender, Children, Disability and Social Welfare" in kinds
    assert "country inferred from the text: Malawi" in issues(r, "country")[0]


def test_unheaded_partners_paragraph_and_cut_texts(catalog):
    r = parse("mwi-no-metadata-gom.txt", catalog)
    assert r.ilo_contribution == Located(
        "The ILO trained 85 district officers of the Ministry of Gender, Children, Disability and Social Welfare on "
        "the registry and its data protection rules.", 19)
    assert r.partners_contribution.line == 22
    assert r.partners_contribution.value.startswith("The World Food Programme (WFP) financed the tablets")
    assert values(r.truncated) == ["partners_contribution", "sdg_targets"]
    assert values(r.sdg_goals) == ["1", "10"] and values(r.sdg_targets) == ["1.3"]


def test_country_is_not_guessed_from_an_ambiguous_abbreviation_alone(catalog):
    raw = "Result achieved\n\nOutcome summary\n\nA registry\n\nOutcome achieved\n\nGoM launched a registry.\n"
    r = text.parse_text(raw, "x.txt", catalog)
    country.assign(r, catalog)
    assert r.country is None
    assert "candidates" in issues(r, "country")[0]


def test_an_acronym_another_countrys_body_bears_names_no_country_when_the_text_spells_it_otherwise(catalog):
    # Namibia's Social Security Commission is the SSC of data/national-institutions.ttl; Jordan's Social
    # Security Corporation is SSC too (a Jordan record was taken for Namibia). Kenya, Uganda and others
    # have an NSSF: the acronym alone names none of them.
    raw = ("Result achieved\n\nOutcome summary\n\nA reform\n\nOutcome achieved\n\nThe Social Security "
           "Corporation (SSC) extended coverage; the SSC and the NSSF signed an agreement.\n")
    r = text.parse_text(raw, "x.txt", catalog)
    country.assign(r, catalog)
    assert r.country is None or r.country.value not in ("NAM", "KEN", "UGA", "TZA", "KHM", "LBN")
    raw = ("Result achieved\n\nOutcome summary\n\nA reform\n\nOutcome achieved\n\nThe SSNIT extended coverage "
           "to informal workers.\n")
    r = text.parse_text(raw, "x.txt", catalog)
    country.assign(r, catalog)
    assert r.country.value == "GHA"  # an acronym only one country's body bears still names it


def test_donor_governments_do_not_count(catalog):
    raw = ("Result achieved\n\nOutcome summary\n\nA strategy\n\nOutcome achieved\n\nWith funds from the Government "
           "of Luxembourg, the Government of Zambia adopted a strategy.\n")
    r = text.parse_text(raw, "x.txt", catalog)
    country.assign(r, catalog)
    assert r.country.value == "ZMB"


def test_a_development_partner_known_with_its_country_does_not_name_the_records_country(catalog):
    # Irish Aid is described with kg:country IRL; it says who paid, not where (009_zambia was taken for Ireland)
    raw = ("Result achieved\n\nOutcome summary\n\nA framework\n\nOutcome achieved\n\nThe framework was developed "
           "by government with financial support of Irish Aid. Irish Aid staff attended its launch. It guides social "
           "protection in Zambia.\n")
    r = text.parse_text(raw, "x.txt", catalog)
    country.assign(r, catalog)
    assert r.country.value == "ZMB"
    assert not any("Irish Aid" in e.value for e in r.country_evidence)


# -- run-on headings ------------------------------------------------------------------------

def test_headings_running_into_the_text_before_and_after(catalog):
    r = parse("zmb-run-on.txt", catalog)
    assert r.summary == Located("The Government of Zambia set up a grievance mechanism for social cash transfers "
                                "with civil society organisations", 6)
    assert r.achievement.line == 7 and r.achievement.value.startswith("In June 2021, the Government of Zambia")
    assert r.ilo_contribution == Located("The ILO drafted the operational guidelines of the mechanism with the ZCSN "
                                         "and trained its district focal points.", 8)
    assert r.gender_note == Located("Half of the district focal points are women.", 10)
    assert len(issues(r, "achievement")) == 1 and "runs into the text before" in issues(r, "achievement")[0]
    assert "runs into the text after" in issues(r, "ilo_contribution")[0]


# -- older records ---------------------------------------------------------------------------

def test_older_record_year_regional_code_and_comma_tags_last(catalog):
    r = parse("raf-older-year.txt", catalog)
    assert r.metadata_line.line == 16
    assert r.reported_year == Located(2017, 16) and r.reported_date is None
    assert r.cpo_code == Located("RAF904", 16)
    assert r.visibility is None and r.biennium is None and r.pb_indicator is None
    assert values(r.themes) == ["Employment services", "Family benefits", "Health care", "Pensions", "Social dialogue"]
    assert "2017 RAF904" not in r.ilo_contribution.value
    assert r.ilo_contribution.value.endswith("workers' and employers' organisations.")


def test_an_unknown_theme_tag_is_kept_and_reported(catalog):
    r = parse("raf-older-year.txt", catalog)
    assert "Pensions" in values(r.themes)
    assert issues(r, "themes") == ["unknown theme tag 'Pensions': kept, as a new theme of the theme scheme"]


def test_regional_cpo_code_gives_an_inferred_country(catalog):
    r = parse("raf-older-year.txt", catalog)
    country.assign(r, catalog)
    assert r.country.value == "ZMB" and r.country_inferred
    assert issues(r, "country")[0].startswith("CPO code RAF904 is Africa, not a country")


# -- other scripts, truncation -----------------------------------------------------------------

def test_date_in_arabic_indic_digits(catalog):
    r = parse("jor-arabic-digits.txt", catalog)
    assert r.reported_date == Located(dt.date(2021, 3, 15), 5)
    assert r.cpo_code.value == "JOR105" and r.pb_indicator.value == "8.2.1"
    assert values(r.themes) == ["Unemployment", "Maternity"]
    assert r.ilo_contribution.value == "The ILO reviewed the collection procedures and advised on the design of the platform."


def test_record_cut_mid_word_then_inside_a_heading(catalog):
    r = parse("tjk-truncated.txt", catalog)
    assert r.ilo_contribution.value.endswith("before the laun")
    assert "Gender equality" not in r.ilo_contribution.value
    assert r.gender_note is None
    assert sorted(values(r.truncated)) == ["gender_note", "ilo_contribution"]
    country.assign(r, catalog)
    assert r.missing() == ["gender_note", "sdg_goals", "sdg_targets"]


def test_front_matter_of_a_saved_copy(catalog):
    raw = "source: https://example.org/r/1\nnote: an excerpt\n---\nResult achieved\n\nOutcome summary\n\nX\n"
    r = text.parse_text(raw, "x.txt", catalog)
    assert r.source_url == Located("https://example.org/r/1", 1)
    assert r.source_note == Located("an excerpt", 2)
    assert r.text == "Result achieved\n\nOutcome summary\n\nX"
    assert r.summary == Located("X", 8)


# -- the metadata line in isolation ------------------------------------------------------------

@pytest.mark.parametrize("line, expected", [
    ("16.07.2021 CHN302 Public 2020-21 | 8.3.1 Old-age",
     ("2021-07-16", "CHN302", "Public", "2020-21", "8.3.1", None, ["Old-age"])),
    ("01.04.2020 LAO226 Public 2020-21 | 8.1.1", ("2020-04-01", "LAO226", "Public", "2020-21", "8.1.1", None, [])),
    ("31.12.2021 VNM151 Public 2020-21 | 8.1.1 with UN Agencies, excluding IFIs",
     ("2021-12-31", "VNM151", "Public", "2020-21", "8.1.1", "with UN Agencies, excluding IFIs", [])),
    ("2013 GLO371 Financing , Actuarial valuation , Model",
     ("2013", "GLO371", None, None, None, None, ["Financing", "Actuarial valuation", "Model"])),
    ("\u06f1\u06f6.\u06f0\u06f7.\u06f2\u06f0\u06f2\u06f1 CHN302 Public 2020-21 | 8.3.1",
     ("2021-07-16", "CHN302", "Public", "2020-21", "8.3.1", None, [])),
])
def test_metadata_line_variants(catalog, line, expected):
    raw = f"Result achieved\n\n{line}\n\nOutcome summary\n\nX\n"
    r = text.parse_text(raw, "x.txt", catalog)
    date = r.reported_date.value.isoformat() if r.reported_date else str(r.reported_year.value)
    got = (date, r.cpo_code.value, r.visibility.value if r.visibility else None,
           r.biennium.value if r.biennium else None, r.pb_indicator.value if r.pb_indicator else None,
           r.partnership_qualifier.value if r.partnership_qualifier else None, values(r.themes))
    assert got == expected
    assert r.metadata_line.line == 3


def test_a_bad_date_and_a_bad_cpo_code_are_errors(catalog):
    r = text.parse_text("Result achieved\n\n31.02.2021 CHN3021 Public 2020-21 | 8.3.1\n", "x.txt", catalog)
    errors = {i.field: i.message for i in r.errors}
    assert errors == {"reported_date": "'31.02.2021' is not a date",
                      "cpo_code": "CPO code 'CHN3021' is not three letters and three digits"}


@pytest.mark.parametrize("tags, expected", [
    ("Medical / health care Old-age Employment injury Informal economy",
     [("Medical / health care", True), ("Old-age", True), ("Employment injury", True), ("Informal economy", True)]),
    ("Old-age Social assistance Rural", [("Old-age", True), ("Social assistance", False), ("Rural", True)]),
    ("Old-age Pensions Cash transfers", [("Old-age", True), ("Pensions", False), ("Cash transfers", False)]),
    ("Employment services , Family benefits , pensions", [("Employment services", True), ("Family benefits", True),
                                                         ("pensions", False)]),
    ("old-age", [("Old-age", True)]),
])
def test_theme_tags(catalog, tags, expected):
    assert text.split_themes(tags, catalog) == expected


def test_digits_of_other_scripts_become_ascii():
    assert text.ascii_digits("\u0661\u0665.\u0660\u0663.\u0662\u0660\u0662\u0661") == "15.03.2021"
    assert text.ascii_digits("\u200f\u0967\u0968") == "12"  # right-to-left mark dropped, Devanagari digits

"""Every canned query in queries/ answers its competency question on the seed record.

The expected answers are written by hand from the seed record CHN302 (the
"Result achieved" record of 16.07.2021; its text is RECORD_TEXT below) and, for
names the record does not spell out (labels, IRIs, code-list wording), from the
hand-modelled data/outcome-chn302.ttl and data/schemes.ttl. Rows are compared
as sorted lists of plain Python values: IRIs and literals as their string
value, numbers as int/Decimal, booleans as bool; an unbound column is absent.

A query file without a golden answer here fails test_every_query_has_a_golden_answer.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from collections.abc import Iterator
from typing import Any

import pyoxigraph as ox
import pytest

from corpus import seed_project
from kg.config import load_settings
from kg.store import OxigraphStore
from kg.write.build import build
from kg.sparql.catalogue import CannedQuery, load_catalogue, run

ROOT = Path(__file__).resolve().parents[2]


# -- The store the queries run on (the one place to switch to `kg build`) -----------------


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphStore]:
    """The project's own graph with the seed as its one outcome (the answers below are the seed's), built by
    `kg build` (validated, one named graph per file). tests/query/test_queries_corpus.py asks the corpus."""
    project = seed_project(tmp_path_factory.mktemp("queries") / "project")
    settings = load_settings(environ={}, project_dir=str(project), store_path=str(project / ".kg" / "store"))
    build(settings)
    with OxigraphStore.open_read_only(settings) as s:
        yield s


@pytest.fixture(scope="module")
def catalogue() -> dict[str, CannedQuery]:
    return load_catalogue(ROOT / "queries")


# -- Plain values ---------------------------------------------------------------------

XSD = "http://www.w3.org/2001/XMLSchema#"
INTEGERS = {f"{XSD}{t}" for t in ("integer", "nonNegativeInteger", "positiveInteger", "int", "long")}


def plain(term: Any) -> Any:
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        if datatype in INTEGERS:
            return int(term.value)
        if datatype == f"{XSD}decimal":
            return Decimal(term.value)
        if datatype == f"{XSD}boolean":
            return term.value == "true"
    return term.value


def rows(result: ox.QuerySolutions) -> list[dict[str, Any]]:
    return [
        {v.value: plain(row[v]) for v in result.variables if row[v] is not None}
        for row in result
    ]


def ordered(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(items, key=lambda r: sorted((k, repr(v)) for k, v in r.items()))


# -- The seed record, as published ----------------------------------------------------------

RECORD_TEXT = """\
Social Protection

Building social protection floors
and comprehensive social security systems

Result achieved

16.07.2021 CHN302 Public 2020-21 | 8.3.1 Medical / health care Old-age Employment injury Informal economy
Outcome summary
A new policy measure on safeguarding the labour rights and interets of workers in new employment forms has been issued
Outcome achieved

On 16 July 2021, the Ministry of Human Resources and Social Security (MOHRSS) and seven other departments/organizations, including the All-China Federation of Trade Unions, jointly issued a new policy measure: Guiding Opinions on Safeguarding the Labour Rights and Interests of Workers in New Employment Forms. Among others, it includes reform directions for pension insurance, medical insurance, employment injury insurance and social security administration for workers in non-standard forms of employment.

ILO's contribution to the outcome

The ILO commissioned the Chinese Academy of Labour and Social Security (CALSS) to carry out a research to assess the social security coverage in China of workers in non-standard forms of employment (NSFE), with a focus on platform workers, migrant workers and women. The research in particular included a survey of 3,145 Chinese workers in NSFE (70% were platform workers), which collected first-hand data to understand their social security needs and status. In the context of this research, two seminars were organized. The first seminar in Beijing on social security for workers in flexible employment took place in December 2020. The second research seminar on 16 June 2021, permitted to validate and guide the findings of the research conducted by the CALSS.

Gender equality & non-discrimination
The ILO interventions target specifically women under its work on non-standard forms of employment, and have a special focus on migrant workers, which have seen an increase over the recent years. The current study on assessment of China social security coverage explicitly requires to provide disaggregated data on women access to social security, their needs and challenges, depending on their hukou and labour market situation.
  • End poverty in all its forms everywhere
  • Ensure healthy lives and promote well-being for all at all ages
  • 1.3 Implement nationally appropriate social protection systems and measures for all, including floors, and by 2030 achieve substantial coverage of the poor and the vulnerable
  • 3.8 Achieve universal health coverage, including financial risk protection, access to quality essential health-care services and access to safe, effective, quality and affordable essential medicines and vaccines for all"""

METADATA_LINE = ("16.07.2021 CHN302 Public 2020-21 | 8.3.1 Medical / health care Old-age "
                 "Employment injury Informal economy")
SUMMARY = ("A new policy measure on safeguarding the labour rights and interets of workers in new "
           "employment forms has been issued")
ACHIEVEMENT = (
    "On 16 July 2021, the Ministry of Human Resources and Social Security (MOHRSS) and seven other "
    "departments/organizations, including the All-China Federation of Trade Unions, jointly issued a "
    "new policy measure: Guiding Opinions on Safeguarding the Labour Rights and Interests of Workers "
    "in New Employment Forms. Among others, it includes reform directions for pension insurance, "
    "medical insurance, employment injury insurance and social security administration for workers "
    "in non-standard forms of employment.")
ILO_CONTRIBUTION = (
    "The ILO commissioned the Chinese Academy of Labour and Social Security (CALSS) to carry out a "
    "research to assess the social security coverage in China of workers in non-standard forms of "
    "employment (NSFE), with a focus on platform workers, migrant workers and women. The research in "
    "particular included a survey of 3,145 Chinese workers in NSFE (70% were platform workers), which "
    "collected first-hand data to understand their social security needs and status. In the context "
    "of this research, two seminars were organized. The first seminar in Beijing on social security "
    "for workers in flexible employment took place in December 2020. The second research seminar on "
    "16 June 2021, permitted to validate and guide the findings of the research conducted by the CALSS.")
GENDER_NOTE = (
    "The ILO interventions target specifically women under its work on non-standard forms of "
    "employment, and have a special focus on migrant workers, which have seen an increase over the "
    "recent years. The current study on assessment of China social security coverage explicitly "
    "requires to provide disaggregated data on women access to social security, their needs and "
    "challenges, depending on their hukou and labour market situation.")
GOAL_1_TEXT = "End poverty in all its forms everywhere"
GOAL_3_TEXT = "Ensure healthy lives and promote well-being for all at all ages"
TARGET_1_3_TEXT = ("Implement nationally appropriate social protection systems and measures for all, "
                   "including floors, and by 2030 achieve substantial coverage of the poor and the "
                   "vulnerable")
TARGET_3_8_TEXT = ("Achieve universal health coverage, including financial risk protection, access to "
                   "quality essential health-care services and access to safe, effective, quality and "
                   "affordable essential medicines and vaccines for all")
INSTRUMENT_TITLE = ("Guiding Opinions on Safeguarding the Labour Rights and Interests of Workers in New "
                    "Employment Forms")
SCOPE_NOTE = ("reform directions for pension insurance, medical insurance, employment injury insurance "
              "and social security administration for workers in non-standard forms of employment")
PROGRAMME_TITLE = "Building social protection floors and comprehensive social security systems"
RESEARCH_PURPOSE = ("to assess the social security coverage in China of workers in non-standard forms of "
                    "employment (NSFE)")
SURVEY_PURPOSE = "collected first-hand data to understand their social security needs and status"
SEMINAR_1_TOPIC = "social security for workers in flexible employment"
SEMINAR_2_PURPOSE = "permitted to validate and guide the findings of the research conducted by the CALSS"

# Not in the record: the P&B indicator's wording (ILO platform, data/schemes.ttl).
INDICATOR_8_3_1 = ("Number of Member States with new or revised integrated policy responses including "
                   "social protection to support and protect workers and employers during their life "
                   "and work transitions")

# -- IRIs and labels of the model (data/outcome-chn302.ttl, data/schemes.ttl) ---------------

ID = "https://w3id.org/spkg/id/"
KG = "https://w3id.org/spkg/def/kg#"
OUTCOME = f"{ID}outcome/chn302-2021-07-16"
OUTCOME_LABEL = ("CHN302 (16 July 2021): new policy measure on the labour rights of workers in new "
                 "employment forms")
RECORD = f"{ID}record/chn302-2021-07-16"
RECORD_LABEL = "Result achieved record CHN302 (16.07.2021)"
INSTRUMENT = f"{ID}instrument/chn-2021-07-16-guiding-opinions-new-employment-forms"
COLLABORATION = f"{ID}collaboration/chn-2021-07-16-mohrss-and-seven-others"  # deprecated pattern, no longer in the data
RESEARCH = f"{ID}activity/chn302-2021-07-16-research"
RESEARCH_LABEL = ("Research on social security coverage of workers in NSFE in China (CALSS, commissioned "
                  "by the ILO)")
SURVEY = f"{ID}activity/chn302-2021-07-16-survey"
SURVEY_LABEL = "Survey of 3,145 Chinese workers in NSFE"
SEMINAR_1 = f"{ID}activity/chn302-2021-07-16-seminar-1"
SEMINAR_1_LABEL = ("First seminar: social security for workers in flexible employment (Beijing, "
                   "December 2020)")
SEMINAR_2 = f"{ID}activity/chn302-2021-07-16-seminar-2"
SEMINAR_2_LABEL = "Second research seminar (16 June 2021): validating the research findings"
COMPONENT = f"{ID}sample-component/chn302-2021-07-16-survey-platform-workers"
CHN = f"{ID}country/chn"
BEIJING = f"{ID}place/cn-beijing"
BIENNIUM = f"{ID}biennium/2020-21"
PB_8_3_1 = f"{ID}pb-2020-21/8.3.1"
PROGRAMME = f"{ID}programme/social-protection-floors"
ILO, MOHRSS, ACFTU, CALSS = (f"{ID}organization/{k}" for k in ("ilo", "mohrss", "acftu", "calss"))
NSFE, PLATFORM, MIGRANT, WOMEN = (
    f"{ID}population-group/{k}" for k in ("workers-in-nsfe", "platform-workers", "migrant-workers", "women"))
NSFE_LABEL = "Workers in non-standard forms of employment"


def sdg(code: str) -> str:
    return f"http://metadata.un.org/sdg/{code}"


def theme(key: str) -> str:
    return f"{ID}theme/{key}"


def branch(key: str) -> str:
    return f"{ID}c102-branch/{key}"


def area(key: str) -> str:
    return f"{ID}policy-area/{key}"


# Columns several queries share.
CHN302 = {"outcome": OUTCOME, "cpoCode": "CHN302", "reportedDate": "2021-07-16"}
IN_CHINA = {"country": CHN, "countryName": "China"}

# -- Golden answers: query name -> [(raw parameter values, expected rows)] --------------------

OUTCOME_ROW = {**CHN302, "biennium": "2020-21", **IN_CHINA, "countryCode": "CHN", "summary": SUMMARY}

TARGET_ROWS = {
    "1.3": {"target": sdg("1.3"), "targetCode": "1.3", "targetText": TARGET_1_3_TEXT, **CHN302, **IN_CHINA},
    "3.8": {"target": sdg("3.8"), "targetCode": "3.8", "targetText": TARGET_3_8_TEXT, **CHN302, **IN_CHINA},
}

GOAL_ROWS = {
    "1": {"goal": sdg("1"), "goalCode": "1", "goalText": GOAL_1_TEXT, **CHN302, **IN_CHINA},
    "3": {"goal": sdg("3"), "goalCode": "3", "goalText": GOAL_3_TEXT, **CHN302, **IN_CHINA},
}

THEME_ROWS = {
    "medical-health-care": {"theme": theme("medical-health-care"), "themeLabel": "Medical / health care",
                            "branch": branch("medical-care"), "branchLabel": "Medical care",
                            **CHN302, **IN_CHINA},
    "old-age": {"theme": theme("old-age"), "themeLabel": "Old-age",
                "branch": branch("old-age"), "branchLabel": "Old-age benefit", **CHN302, **IN_CHINA},
    "employment-injury": {"theme": theme("employment-injury"), "themeLabel": "Employment injury",
                          "branch": branch("employment-injury"), "branchLabel": "Employment injury benefit",
                          **CHN302, **IN_CHINA},
    # "a cross-cutting population tag, not a branch of social security"
    "informal-economy": {"theme": theme("informal-economy"), "themeLabel": "Informal economy",
                         **CHN302, **IN_CHINA},
}

COUNTRY_ROW = {"country": CHN, "countryCode": "CHN", "countryName": "China", **CHN302, "summary": SUMMARY}

BIENNIUM_ROW = {"biennium": BIENNIUM, "bienniumCode": "2020-21", "start": "2020-01-01", "end": "2021-12-31",
                **CHN302, **IN_CHINA}

REPORT = [
    {"field": "label", "value": OUTCOME_LABEL},
    {"field": "cpoCode", "value": "CHN302"},
    {"field": "reportedDate", "value": "2021-07-16"},
    {"field": "visibility", "value": "Public"},
    {"field": "biennium", "value": BIENNIUM, "code": "2020-21", "label": "2020-21"},
    {"field": "pbIndicator", "value": PB_8_3_1, "code": "8.3.1", "label": INDICATOR_8_3_1},
    {"field": "theme", "value": theme("medical-health-care"), "label": "Medical / health care"},
    {"field": "theme", "value": theme("old-age"), "label": "Old-age"},
    {"field": "theme", "value": theme("employment-injury"), "label": "Employment injury"},
    {"field": "theme", "value": theme("informal-economy"), "label": "Informal economy"},
    {"field": "summary", "value": SUMMARY},
    {"field": "achievement", "value": ACHIEVEMENT},
    {"field": "iloContribution", "value": ILO_CONTRIBUTION},
    {"field": "genderNote", "value": GENDER_NOTE},
    {"field": "sdgGoal", "value": sdg("1"), "code": "1", "label": GOAL_1_TEXT},
    {"field": "sdgGoal", "value": sdg("3"), "code": "3", "label": GOAL_3_TEXT},
    {"field": "sdgTarget", "value": sdg("1.3"), "code": "1.3", "label": TARGET_1_3_TEXT},
    {"field": "sdgTarget", "value": sdg("3.8"), "code": "3.8", "label": TARGET_3_8_TEXT},
    {"field": "country", "value": CHN, "code": "CHN", "label": "China"},
    {"field": "programme", "value": PROGRAMME, "label": PROGRAMME_TITLE},
    {"field": "instrument", "value": INSTRUMENT, "label": INSTRUMENT_TITLE},
    {"field": "supportedBy", "value": RESEARCH, "label": RESEARCH_LABEL},
    {"field": "supportedBy", "value": SURVEY, "label": SURVEY_LABEL},
    {"field": "supportedBy", "value": SEMINAR_1, "label": SEMINAR_1_LABEL},
    {"field": "supportedBy", "value": SEMINAR_2, "label": SEMINAR_2_LABEL},
    {"field": "sourceRecord", "value": RECORD, "label": RECORD_LABEL},
    {"field": "sourceFile", "value": "outcome-CHN302.txt"},
]

SOURCE_RECORD_ROW = {
    "outcome": OUTCOME, "record": RECORD, "sourceFile": "outcome-CHN302.txt", "title": "Result achieved",
    "areaHeading": "Social Protection", "metadataLine": METADATA_LINE, "publisher": ILO,
    "publisherName": "International Labour Organization", "text": RECORD_TEXT,
}

# "MOHRSS and seven other departments/organizations, including the All-China Federation of Trade
# Unions, jointly issued": each named issuer with its role; eight issuers in all.
ISSUER_ROWS = [
    {"instrument": INSTRUMENT, "title": INSTRUMENT_TITLE, "dateDocument": "2021-07-16", "issuerCount": 8,
     "issuer": MOHRSS, "issuerName": "Ministry of Human Resources and Social Security", "issuerAcronym": "MOHRSS",
     "role": f"{ID}role/lead-issuer", "roleLabel": "Lead issuer"},
    {"instrument": INSTRUMENT, "title": INSTRUMENT_TITLE, "dateDocument": "2021-07-16", "issuerCount": 8,
     "issuer": ACFTU, "issuerName": "All-China Federation of Trade Unions", "issuerAcronym": "ACFTU",
     "role": f"{ID}role/co-issuer", "roleLabel": "Co-issuer"},
]

INSTRUMENT_COLUMNS = {
    "instrument": INSTRUMENT, "title": INSTRUMENT_TITLE, "dateDocument": "2021-07-16",
    "instrumentType": f"{ID}instrument-type/guiding-opinions", "instrumentTypeLabel": "Guiding opinions",
    "jurisdiction": CHN, "jurisdictionName": "China", "scopeNote": SCOPE_NOTE,
}
COVERAGE_ROWS = [
    {**INSTRUMENT_COLUMNS, "aspect": "policy area", "covered": area("pension-insurance"),
     "coveredLabel": "Pension insurance", "branch": branch("old-age"), "branchLabel": "Old-age benefit"},
    {**INSTRUMENT_COLUMNS, "aspect": "policy area", "covered": area("medical-insurance"),
     "coveredLabel": "Medical insurance", "branch": branch("medical-care"), "branchLabel": "Medical care"},
    {**INSTRUMENT_COLUMNS, "aspect": "policy area", "covered": area("employment-injury-insurance"),
     "coveredLabel": "Employment injury insurance", "branch": branch("employment-injury"),
     "branchLabel": "Employment injury benefit"},
    {**INSTRUMENT_COLUMNS, "aspect": "policy area", "covered": area("social-security-administration"),
     "coveredLabel": "Social security administration"},
    {**INSTRUMENT_COLUMNS, "aspect": "population group", "covered": NSFE, "coveredLabel": NSFE_LABEL},
]

RESEARCH_ROW = {
    "commissioner": ILO, "commissionerAcronym": "ILO", "research": RESEARCH, "researchLabel": RESEARCH_LABEL,
    "purpose": RESEARCH_PURPOSE, "targetPopulation": NSFE, "targetPopulationLabel": NSFE_LABEL,
    "performer": CALSS, "performerName": "Chinese Academy of Labour and Social Security",
    "performerAcronym": "CALSS", "outcome": OUTCOME, "cpoCode": "CHN302",
}

SURVEY_ROW = {
    "survey": SURVEY, "surveyLabel": SURVEY_LABEL, "research": RESEARCH, "purpose": SURVEY_PURPOSE,
    "sampleSize": 3145, "sampleDescription": "Chinese workers in NSFE", "population": NSFE,
    "populationLabel": NSFE_LABEL, "component": COMPONENT, "group": PLATFORM, "groupLabel": "Platform workers",
    "share": Decimal("0.70"),
}

# "The first seminar in Beijing ... took place in December 2020" (a month: 2020-12-01 to 2020-12-31);
# "The second research seminar on 16 June 2021" (a day).
EVENT_ROWS = [
    {"outcome": OUTCOME, "event": SEMINAR_1, "eventLabel": SEMINAR_1_LABEL, "eventType": f"{ID}event-type/seminar",
     "sequenceNumber": 1, "startDate": "2020-12", "datePrecision": "month", "earliestDate": "2020-12-01",
     "latestDate": "2020-12-31", "place": BEIJING, "placeName": "Beijing", "topic": SEMINAR_1_TOPIC, "partOf": RESEARCH},
    {"outcome": OUTCOME, "event": SEMINAR_2, "eventLabel": SEMINAR_2_LABEL, "eventType": f"{ID}event-type/seminar",
     "sequenceNumber": 2, "startDate": "2021-06-16", "datePrecision": "day", "earliestDate": "2021-06-16",
     "latestDate": "2021-06-16", "purpose": SEMINAR_2_PURPOSE, "partOf": RESEARCH},
]

ACTIVITY_ROWS = [
    {"outcome": OUTCOME, "activity": RESEARCH, "kind": f"{KG}Research", "kindLabel": "Research",
     "activityLabel": RESEARCH_LABEL, "commissionedBy": ILO, "performedBy": CALSS},
    {"outcome": OUTCOME, "activity": SURVEY, "kind": f"{KG}Survey", "kindLabel": "Survey",
     "activityLabel": SURVEY_LABEL, "partOf": RESEARCH, "performedBy": CALSS},
    {"outcome": OUTCOME, "activity": SEMINAR_1, "kind": f"{KG}Event", "kindLabel": "Event",
     "activityLabel": SEMINAR_1_LABEL, "partOf": RESEARCH},
    {"outcome": OUTCOME, "activity": SEMINAR_2, "kind": f"{KG}Event", "kindLabel": "Event",
     "activityLabel": SEMINAR_2_LABEL, "partOf": RESEARCH},
]

RESEARCH_GROUPS = [
    {"activity": RESEARCH, "activityLabel": RESEARCH_LABEL, "relation": "target population", "group": NSFE,
     "groupLabel": NSFE_LABEL},
    {"activity": RESEARCH, "activityLabel": RESEARCH_LABEL, "relation": "focus group", "group": PLATFORM,
     "groupLabel": "Platform workers", "broader": NSFE, "broaderLabel": NSFE_LABEL},
    {"activity": RESEARCH, "activityLabel": RESEARCH_LABEL, "relation": "focus group", "group": MIGRANT,
     "groupLabel": "Migrant workers"},
    {"activity": RESEARCH, "activityLabel": RESEARCH_LABEL, "relation": "focus group", "group": WOMEN,
     "groupLabel": "Women"},
]
SURVEY_GROUPS = [
    {"activity": SURVEY, "activityLabel": SURVEY_LABEL, "relation": "target population", "group": NSFE,
     "groupLabel": NSFE_LABEL},
]

ORGANIZATION_ROWS = [
    {"organization": ILO, "name": "International Labour Organization", "acronym": "ILO",
     "type": f"{ID}organization-type/un-agency", "typeLabel": "UN agency",
     "homepage": "https://www.ilo.org/"},
    {"organization": MOHRSS, "name": "Ministry of Human Resources and Social Security", "acronym": "MOHRSS",
     "type": f"{ID}organization-type/government-ministry", "typeLabel": "Government ministry",
     "country": CHN, "countryCode": "CHN", "countryName": "China"},
    {"organization": ACFTU, "name": "All-China Federation of Trade Unions", "acronym": "ACFTU",
     "type": f"{ID}organization-type/trade-union", "typeLabel": "Trade union",
     "country": CHN, "countryCode": "CHN", "countryName": "China"},
    {"organization": CALSS, "name": "Chinese Academy of Labour and Social Security", "acronym": "CALSS",
     "type": f"{ID}organization-type/research-institute", "typeLabel": "Research institute",
     "country": CHN, "countryCode": "CHN", "countryName": "China"},
]

PB_ROW = {"indicator": PB_8_3_1, "indicatorCode": "8.3.1", "indicatorText": INDICATOR_8_3_1, **CHN302, **IN_CHINA}

# The record's "Gender equality & non-discrimination" note, and the CALSS research
# "with a focus on platform workers, migrant workers and women".
GENDER_ROWS = [
    {**CHN302, **IN_CHINA, "evidence": "gender note", "genderNote": GENDER_NOTE},
    {**CHN302, **IN_CHINA, "evidence": "activity focused on women", "activity": RESEARCH,
     "activityLabel": RESEARCH_LABEL},
]

# China is in UN M49 Eastern Asia (030), part of Asia (142): data/regions.ttl.
ASIA = f"{ID}region/142"
ASIA_COLUMNS = {"region": ASIA, "regionCode": "142", "regionName": "Asia"}
REGION_ROWS = {
    "1.3": {**ASIA_COLUMNS, "target": sdg("1.3"), "targetCode": "1.3", **CHN302, **IN_CHINA},
    "3.8": {**ASIA_COLUMNS, "target": sdg("3.8"), "targetCode": "3.8", **CHN302, **IN_CHINA},
}
REGION_YEAR_ROW = {**ASIA_COLUMNS, "year": 2021, "outcomes": 1}

GUIDING_OPINIONS = {"via": INSTRUMENT, "viaLabel": INSTRUMENT_TITLE, **CHN302}
THE_RESEARCH = {"via": RESEARCH, "viaLabel": RESEARCH_LABEL, **CHN302}
INVOLVEMENT = {
    "mohrss": {"organization": MOHRSS, "name": "Ministry of Human Resources and Social Security",
               "role": "issued", **GUIDING_OPINIONS},
    "acftu": {"organization": ACFTU, "name": "All-China Federation of Trade Unions",
              "role": "issued", **GUIDING_OPINIONS},
    "ilo": {"organization": ILO, "name": "International Labour Organization", "role": "commissioned",
            **THE_RESEARCH},
    "calss": {"organization": CALSS, "name": "Chinese Academy of Labour and Social Security",
              "role": "carried out", **THE_RESEARCH},
    # "The research in particular included a survey": CALSS carried out the survey too.
    "calss-survey": {"organization": CALSS, "name": "Chinese Academy of Labour and Social Security",
                     "role": "carried out", "via": SURVEY, "viaLabel": SURVEY_LABEL, **CHN302},
}

# One outcome in one country (China, in Asia); ILO, MOHRSS, ACFTU and CALSS; the
# Guiding Opinions; targets 1.3 and 3.8; the research, the survey, two seminars.
# Organizations: the seed's three bodies, the 63 shared ones of data/organizations.ttl (the ILO among them)
# and the 105 national institutions of data/national-institutions.ttl.
SHARED_ORGANIZATIONS = 63 + 105
DASHBOARD_COUNTS = {"outcomes": 1, "countries": 1, "organizations": 3 + SHARED_ORGANIZATIONS, "instruments": 1, "sdgTargets": 2,
                    "activities": 4, "regions": 1}

GOLDEN: dict[str, list[tuple[dict[str, str], list[dict[str, Any]]]]] = {
    "list-outcomes-by-pb-indicator": [
        ({}, [PB_ROW]),
        ({"indicatorCode": "8.3.1"}, [PB_ROW]),
        ({"indicatorCode": "8.1.1"}, []),
    ],
    "list-gender-outcomes": [
        ({}, GENDER_ROWS),
        ({"country": "CHN"}, GENDER_ROWS),
        ({"country": "FRA"}, []),
    ],
    "list-outcomes-by-region": [
        ({}, [REGION_ROWS["1.3"], REGION_ROWS["3.8"]]),
        ({"region": "Asia", "target": "1.3"}, [REGION_ROWS["1.3"]]),  # the issue's question
        ({"region": "142"}, [REGION_ROWS["1.3"], REGION_ROWS["3.8"]]),
        ({"region": "Europe", "target": "1.3"}, []),
        ({"region": "Asia", "target": "8.5"}, []),
    ],
    "count-outcomes-by-region": [
        ({}, [REGION_YEAR_ROW]),
        ({"region": "asia"}, [REGION_YEAR_ROW]),
        ({"region": "Africa"}, []),
    ],
    "list-organization-involvement": [
        ({}, list(INVOLVEMENT.values())),
        ({"organization": MOHRSS}, [INVOLVEMENT["mohrss"]]),
        ({"organization": ILO}, [INVOLVEMENT["ilo"]]),
        # the per-instrument collaboration of round 1 is gone: its IRI takes part in nothing
        ({"organization": COLLABORATION}, []),
        ({"organization": f"{ID}organization/nobody"}, []),
    ],
    "get-dashboard-counts": [
        ({}, [DASHBOARD_COUNTS]),
    ],
    "list-outcomes": [
        ({}, [OUTCOME_ROW]),
        ({"since": "2021-07-16", "until": "2021-07-16"},  # both ends included
         [{**OUTCOME_ROW, "since": "2021-07-16", "until": "2021-07-16"}]),
        ({"since": "2021-07-17"}, []),
        ({"until": "2021-07-15"}, []),
    ],
    "list-outcomes-by-sdg-target": [
        ({}, [TARGET_ROWS["1.3"], TARGET_ROWS["3.8"]]),
        ({"target": "1.3"}, [TARGET_ROWS["1.3"]]),
        ({"target": "3.8"}, [TARGET_ROWS["3.8"]]),
        ({"target": "8.5"}, []),
    ],
    "list-outcomes-by-sdg-goal": [
        ({}, [GOAL_ROWS["1"], GOAL_ROWS["3"]]),
        ({"goal": "3"}, [GOAL_ROWS["3"]]),
        ({"goal": "8"}, []),
    ],
    "list-outcomes-by-theme": [
        ({}, list(THEME_ROWS.values())),
        ({"theme": "old-age"}, [THEME_ROWS["old-age"]]),
        ({"theme": "informal-economy"}, [THEME_ROWS["informal-economy"]]),
        ({"theme": "maternity"}, []),
    ],
    "list-outcomes-by-country": [
        ({}, [COUNTRY_ROW]),
        ({"country": "CHN"}, [COUNTRY_ROW]),
        ({"country": "chn"}, [COUNTRY_ROW]),
        ({"country": "FRA"}, []),
    ],
    "list-outcomes-by-biennium": [
        ({}, [BIENNIUM_ROW]),
        ({"biennium": "2020-21"}, [BIENNIUM_ROW]),
        ({"biennium": "2022-23"}, []),
    ],
    "get-outcome-report": [
        ({"outcome": OUTCOME}, [{"outcome": OUTCOME, **row} for row in REPORT]),
        ({"outcome": f"{ID}outcome/chn302-2021-07-17"}, []),
    ],
    "get-source-record": [
        ({"outcome": OUTCOME}, [SOURCE_RECORD_ROW]),
    ],
    "list-instrument-issuers": [
        ({}, ISSUER_ROWS),
        ({"instrument": INSTRUMENT}, ISSUER_ROWS),
        ({"instrument": COLLABORATION}, []),
    ],
    "list-instrument-coverage": [
        ({}, COVERAGE_ROWS),
        ({"instrument": INSTRUMENT}, COVERAGE_ROWS),
    ],
    "list-commissioned-research": [
        ({}, [RESEARCH_ROW]),
        ({"commissioner": ILO}, [RESEARCH_ROW]),
        ({"commissioner": CALSS}, []),
    ],
    "list-survey-samples": [
        ({}, [SURVEY_ROW]),
        ({"survey": SURVEY}, [SURVEY_ROW]),
        ({"survey": RESEARCH}, []),
    ],
    "list-outcome-events": [
        ({}, EVENT_ROWS),
        ({"outcome": OUTCOME}, EVENT_ROWS),
    ],
    "list-outcome-activities": [
        ({}, ACTIVITY_ROWS),
        ({"outcome": OUTCOME}, ACTIVITY_ROWS),
    ],
    "list-activity-focus-groups": [
        ({}, RESEARCH_GROUPS + SURVEY_GROUPS),
        ({"activity": RESEARCH}, RESEARCH_GROUPS),
        ({"activity": SURVEY}, SURVEY_GROUPS),
    ],
    "list-organizations": [
        ({}, ORGANIZATION_ROWS),
    ],
}

CASES = [(name, values, expected) for name, cases in GOLDEN.items() for values, expected in cases]


def case_id(name: str, values: dict[str, str]) -> str:
    given = ",".join(f"{k}={v.rsplit('/', 1)[-1]}" for k, v in values.items())
    return f"{name}:{given or 'all'}"


def test_every_query_has_a_golden_answer(catalogue: dict[str, CannedQuery]) -> None:
    assert sorted(GOLDEN) == sorted(catalogue)


@pytest.mark.parametrize(
    "name, values, expected", CASES,
    ids=[case_id(n, vals) for n, vals, _ in CASES])
def test_query_answers(store: ox.Store, catalogue: dict[str, CannedQuery], name: str,
                       values: dict[str, str], expected: list[dict[str, Any]]) -> None:
    query = catalogue[name]
    actual = rows(run(store, query, values))
    if name == "list-organizations":
        # the seed's bodies exactly; the other rows are the bodies of data/organizations.ttl and national-institutions.ttl
        assert len(actual) == 3 + SHARED_ORGANIZATIONS
        seed = {r["organization"] for r in expected}
        actual = [r for r in actual if r["organization"] in seed]
    assert ordered(actual) == ordered(expected)


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_query_order_is_stable(store: ox.Store, catalogue: dict[str, CannedQuery], name: str) -> None:
    """ORDER BY gives the same sequence every time; the example_rows hint holds."""
    query = catalogue[name]
    values = {p.name: p.example for p in query.params if p.example}
    first = rows(run(store, query, values))
    assert rows(run(store, query, values)) == first
    if query.example_rows is not None:
        assert len(first) == query.example_rows


def test_required_parameters_are_enforced(store: ox.Store, catalogue: dict[str, CannedQuery]) -> None:
    from kg.errors import BadParameter

    with pytest.raises(BadParameter) as info:
        run(store, catalogue["get-outcome-report"], {})
    assert info.value.parameter == "outcome"


def test_seed_facts_at_a_glance(store: ox.Store, catalogue: dict[str, CannedQuery]) -> None:
    """The facts the issue names, read straight from the answers."""
    survey = rows(run(store, catalogue["list-survey-samples"], {"survey": SURVEY}))[0]
    assert (survey["sampleSize"], survey["groupLabel"], survey["share"]) == (3145, "Platform workers", Decimal("0.70"))
    events = rows(run(store, catalogue["list-outcome-events"], {"outcome": OUTCOME}))
    assert [(e["startDate"], e["datePrecision"], e.get("placeName")) for e in events] == [
        ("2020-12", "month", "Beijing"), ("2021-06-16", "day", None)]
    issuers = rows(run(store, catalogue["list-instrument-issuers"], {"instrument": INSTRUMENT}))
    assert [(i["issuerAcronym"], i["issuerCount"], i["roleLabel"]) for i in issuers] == [
        ("ACFTU", 8, "Co-issuer"), ("MOHRSS", 8, "Lead issuer")]
    research = rows(run(store, catalogue["list-commissioned-research"], {"commissioner": ILO}))
    assert [(r["commissionerAcronym"], r["performerAcronym"]) for r in research] == [("ILO", "CALSS")]
    targets = rows(run(store, catalogue["list-outcomes-by-sdg-target"], {}))
    assert [t["targetCode"] for t in targets] == ["1.3", "3.8"]

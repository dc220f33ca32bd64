"""Mentions in the prose (organizations, instruments, places, dates, quantities) and their reconciliation."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from ingest_helpers import BASE, parse

from kg.ingest import country, mentions, text
from kg.ingest.reconcile import Reconciler

ID = f"{BASE}id/"


def extract(raw: str, cat, country_code: str | None = None):
    r = text.parse_text(f"Result achieved\n\nOutcome summary\n\nS\n\nOutcome achieved\n\n{raw}\n", "x.txt", cat)
    if country_code:
        from kg.ingest.record import Located
        r.country = Located(country_code, 1)
    return mentions.extract(r, cat)


def by_kind(found, kind):
    return [m for m in found if m.kind == kind]


@pytest.fixture(scope="module")
def seed(catalog):
    r = parse("seed-chn302.txt", catalog)
    country.assign(r, catalog)
    return r, mentions.extract(r, catalog)


# -- the seed's mentions, kind by kind --------------------------------------------------------

def test_seed_organizations_with_name_and_acronym(seed):
    _, found = seed
    orgs = {m.id: (m.name, m.acronym, m.line, m.field) for m in by_kind(found, "organization")}
    assert orgs == {
        "org-mohrss": ("Ministry of Human Resources and Social Security", "MOHRSS", 13, "achievement"),
        "org-all-china-federation-of-trade-unions": ("All-China Federation of Trade Unions", None, 13, "achievement"),
        "org-calss": ("Chinese Academy of Labour and Social Security", "CALSS", 17, "ilo_contribution"),
        "org-ilo": ("International Labour Organization", "ILO", 17, "ilo_contribution"),
    }
    mohrss = next(m for m in found if m.id == "org-mohrss")
    assert mohrss.text == "Ministry of Human Resources and Social Security (MOHRSS)"
    assert (mohrss.type_hint, mohrss.country) == ("Government ministry", "CHN")


def test_seed_dates_keep_their_precision(seed):
    _, found = seed
    assert [(m.text, m.value, m.precision, m.line) for m in by_kind(found, "date")] == [
        ("December 2020", "2020-12", "month", 17),
        ("16 June 2021", "2021-06-16", "day", 17),
        ("16 July 2021", "2021-07-16", "day", 13),
    ]


def test_seed_places(seed):
    _, found = seed
    assert [(m.name, m.country) for m in by_kind(found, "place")] == [("Beijing", "CHN"), ("China", "CHN")]


def test_seed_numbers_with_their_unit(seed):
    _, found = seed
    assert sorted((m.text, m.value, m.unit) for m in by_kind(found, "quantity")) == [
        ("3,145 Chinese workers", "3145", "Chinese workers"),
        ("70%", "70", "percent"),
        ("seven other departments/organizations", "7", "other departments/organizations"),
        ("two seminars", "2", "seminars"),
    ]


def test_seed_named_instrument_with_its_type_and_date(seed):
    _, found = seed
    (inst,) = by_kind(found, "instrument")
    assert inst.name == ("Guiding Opinions on Safeguarding the Labour Rights and Interests of Workers in New "
                         "Employment Forms")
    assert (inst.type_hint, inst.date, inst.country, inst.line) == ("Guiding opinions", "2021-07-16", "CHN", 13)


# -- patterns one by one ------------------------------------------------------------------------

@pytest.mark.parametrize("sentence, expected", [
    ("It was launched on 23rd July 2021.", [("2021-07-23", "day")]),
    ("A workshop took place from 25-27 August 2020.", [("2020-08-25", "day")]),
    ("A training was held on 24-26 Nov 2020.", [("2020-11-24", "day")]),
    ("It was signed on July 16, 2021.", [("2021-07-16", "day")]),
    ("It entered into force on 01.03.2021.", [("2021-03-01", "day")]),
    ("It was drafted in November 2020 and adopted in 2021.", [("2020-11", "month"), ("2021", "year")]),
    ("By 2030 all workers will be covered.", [("2030", "year")]),
    ("It was adopted on 31 February 2021.", []),
])
def test_dates(catalog, sentence, expected):
    assert [(m.value, m.precision) for m in by_kind(extract(sentence, catalog), "date")] == expected


@pytest.mark.parametrize("sentence, expected", [
    ("A survey of 3,145 workers was held.", [("3145", "workers")]),
    ("Women are 45% of members.", [("45", "percent")]),
    ("They are 70 percent of the workforce.", [("70", "percent")]),
    ("The budget is USD 2.5 million.", [("2500000", "USD")]),
    ("It reached 1.2 million people.", [("1200000", "people")]),
    ("A workshop (approx. 30 participants) was held.", [("30", "participants")]),
    ("Two seminars were held.", [("2", "seminars")]),
    ("Decree No. 224 and Convention No. 102 apply.", []),
    ("In 2020 workers were covered under Article 12 of the law.", []),
])
def test_quantities(catalog, sentence, expected):
    assert [(m.value, m.unit) for m in by_kind(extract(sentence, catalog), "quantity")] == expected


def test_acronym_letters_choose_where_the_name_starts(catalog):
    found = extract("A matrix was produced by the Technical Committee of the Tripartite Consultative Labour Council "
                    "(TCLC).", catalog)
    (org,) = by_kind(found, "organization")
    assert (org.name, org.acronym, org.id) == ("Tripartite Consultative Labour Council", "TCLC", "org-tclc")


def test_an_organization_name_with_a_comma_list(catalog):
    found = extract("Officers of the Ministry of Economic Planning, Development and Public Sector Reforms were "
                    "trained.", catalog, "MWI")
    (org,) = by_kind(found, "organization")
    assert org.name == "Ministry of Economic Planning, Development and Public Sector Reforms"
    assert (org.country, org.type_hint) == ("MWI", "Government ministry")


@pytest.mark.parametrize("sentence, name, type_hint", [
    ("The National Social Protection Strategy (NSPS) was adopted.", "National Social Protection Strategy", "Strategy"),
    ("It was adopted by the Prime Minister's Decree No.224 on 1 April 2020.", "Prime Minister's Decree No.224",
     "Decree"),
    ("A Consensus Building Matrix on the Social Protection Bill was produced.", "Social Protection Bill", None),
    ("They signed a Memorandum of Understanding with CSPR.", "Memorandum of Understanding", None),
    ("The amended Law on Employment was adopted.", "Law on Employment", "Law"),
    ("A social protection Monitoring and Evaluation (M&E) Framework was developed.",
     "Monitoring and Evaluation Framework", "Framework"),
])
def test_named_instruments(catalog, sentence, name, type_hint):
    (inst,) = by_kind(extract(sentence, catalog), "instrument")
    assert (inst.name, inst.type_hint) == (name, type_hint)


def test_an_event_title_is_no_instrument(catalog):
    found = extract("A Capacity Building and Roadmap Discussion Workshop was held in Thalat.", catalog, "LAO")
    assert by_kind(found, "instrument") == []
    assert [(m.name, m.country) for m in by_kind(found, "place")] == [("Thalat", "LAO")]


def test_a_government_abbreviation_is_the_government_of_the_country(catalog):
    found = extract("GoM launched a registry.", catalog, "MWI")
    (org,) = by_kind(found, "organization")
    assert (org.name, org.id, org.country) == ("Government of Malawi", "org-government-of-malawi", "MWI")


def test_a_bare_acronym_the_record_defined_is_one_organization(catalog):
    found = extract("The Civil Society for Poverty Reduction (CSPR) signed. CSPR then launched a campaign.", catalog)
    assert [(m.id, m.name) for m in by_kind(found, "organization")] == [
        ("org-cspr", "Civil Society for Poverty Reduction")]


def test_words_that_are_not_places(catalog):
    found = extract("In December 2020, in particular in National Social Protection programmes, it worked in NSFE.",
                    catalog, "CHN")
    assert by_kind(found, "place") == []


# -- reconciliation --------------------------------------------------------------------------------

@pytest.fixture
def reconciler(catalog, ingest_template):
    store = ox.Store.read_only(str(ingest_template / ".kg" / "store"))
    yield Reconciler(catalog, store, set(), BASE)
    del store


def test_seed_mentions_reconcile_with_the_curated_resources(seed, reconciler):
    r, found = seed
    got = {}
    for m in found:
        if m.kind == "organization":
            match = reconciler.organization(m, "CHN")
        elif m.kind == "instrument":
            match = reconciler.instrument(m)
        elif m.kind == "place":
            match = reconciler.place(m)
        else:
            continue
        got[m.id] = (match.iri.removeprefix(ID), match.method, match.existing)
    assert got == {
        "org-mohrss": ("organization/mohrss", "acronym", True),
        "org-all-china-federation-of-trade-unions": ("organization/acftu", "name", True),
        "org-calss": ("organization/calss", "acronym", True),
        "org-ilo": ("organization/ilo", "acronym", True),
        "instrument-guiding-opinions-safeguarding-labour-rights-interests-workers-new": (
            "instrument/chn-2021-07-16-guiding-opinions-new-employment-forms", "title", True),
        "place-beijing": ("place/cn-beijing", "name", True),
        "place-china": ("country/chn", "country", True),
    }


def test_the_same_body_gets_one_iri_across_records(catalog, reconciler):
    a = by_kind(extract("The Zambia Civil Society Network (ZCSN) signed.", catalog, "ZMB"), "organization")[0]
    b = by_kind(extract("The Zambia Civil Society Network signed.", catalog, "ZMB"), "organization")[0]
    first, second = reconciler.organization(a, "ZMB"), reconciler.organization(b, "ZMB")
    assert first.iri == second.iri == f"{ID}organization/zcsn"
    assert (first.method, second.method) == ("new", "new")  # neither is described in the graph yet


def test_an_acronym_of_another_countrys_body_gets_a_country_key(catalog, reconciler):
    m = by_kind(extract("The Ministry of Human Resources and Social Security (MOHRSS) of Zambia met.", catalog, "ZMB"),
                "organization")[0]
    match = reconciler.organization(m, "ZMB")
    assert match.iri == f"{ID}organization/zmb-mohrss" and match.method == "new"


def test_a_new_place_is_keyed_by_country_and_name(catalog, reconciler):
    (m,) = by_kind(extract("A workshop was held in Vientiane.", catalog, "LAO"), "place")
    assert reconciler.place(m).iri == f"{ID}place/la-vientiane"


def test_graphs_being_replaced_are_left_out(catalog, ingest_template):
    store = ox.Store.read_only(str(ingest_template / ".kg" / "store"))
    seed_graph = f"{BASE}graph/data/outcome-chn302"
    reconciler = Reconciler(catalog, store, {seed_graph}, BASE)
    m = by_kind(extract("The Chinese Academy of Labour and Social Security (CALSS) met.", catalog, "CHN"),
                "organization")[0]
    assert reconciler.organization(m, "CHN").method == "new"
    del reconciler, store

#!/usr/bin/env python3
"""Generate a synthetic spkg project of N outcomes, shaped like data/outcome-chn302.ttl.

    python benchmarks/generate.py 10000 --out benchmarks/out/p10000

writes

    DIR/data/generated-10000.ttl     the synthetic outcomes, about 65 triples each
    DIR/data/<real>.ttl              symlinks to the real data files (code lists, SDGs, countries, ...)
    DIR/ontology, DIR/shapes,        symlinks to the real folders, so that
    DIR/queries                      `kg build --project-dir DIR` and `kg validate --project-dir DIR` work
    DIR/bench-iris.txt               a sample of outcome IRIs for parameterised lookups
    DIR/manifest.json                counts, seed and SHA-256 of the generated file

The output is deterministic: one seeded random stream, no set or hash ordering,
so the same N and seed give the same bytes, and the outcomes of a smaller N are
a prefix of those of a larger one. Besides N and the seed it reads only reference
data: the SDG texts of data/sdg.ttl and the capitals of data/country-words.ttl,
never the records. Standard library only.

Every outcome follows the hand-made seed record (the vocabulary of ontology
version 0.2.0): an outcome with the ILO as supporter (a kg:Attribution), its
source record (with the verbatim text rebuilt from the outcome's fields),
usually a policy instrument (sometimes issued jointly: each named issuer with
eli:passed_by and its role, and kg:issuerCount), and the ILO's contribution as
research, a survey with a sample component and events (kg:Event with its
kg:eventType and day range). Every node the record states points back to it
with kg:statedIn; only the outcome, an entity, uses prov:wasDerivedFrom.
Organizations (about 2,800) are reused across outcomes; code-list concepts,
countries, capitals and SDG goals/targets are the real IRIs of data/*.ttl.
"""

from __future__ import annotations

import argparse
import calendar
import hashlib
import json
import os
import random
import re
import sys
import time
from datetime import date, timedelta
from itertools import accumulate
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SEED = 20261127

ID = "https://w3id.org/spkg/id/"
SDG = "http://metadata.un.org/sdg/"

PREFIXES = """\
@prefix rdf:     <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix eli:     <http://data.europa.eu/eli/ontology#> .
@prefix kg:      <https://w3id.org/spkg/def/kg#> .
@prefix org:     <http://www.w3.org/ns/org#> .
@prefix prov:    <http://www.w3.org/ns/prov#> .
@prefix schema:  <https://schema.org/> .
@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .
@prefix time:    <http://www.w3.org/2006/time#> .
@prefix sdg:     <http://metadata.un.org/sdg/> .
@prefix out:     <https://w3id.org/spkg/id/outcome/> .
@prefix rec:     <https://w3id.org/spkg/id/record/> .
@prefix inst:    <https://w3id.org/spkg/id/instrument/> .
@prefix attr:    <https://w3id.org/spkg/id/attribution/> .
@prefix orgn:    <https://w3id.org/spkg/id/organization/> .
@prefix act:     <https://w3id.org/spkg/id/activity/> .
@prefix smp:     <https://w3id.org/spkg/id/sample-component/> .
@prefix place:   <https://w3id.org/spkg/id/place/> .
@prefix country: <https://w3id.org/spkg/id/country/> .
@prefix bien:    <https://w3id.org/spkg/id/biennium/> .
@prefix instant: <https://w3id.org/spkg/id/instant/> .
@prefix pb:      <https://w3id.org/spkg/id/pb-2020-21/> .
@prefix rtype:   <https://w3id.org/spkg/id/result-type/> .
@prefix theme:   <https://w3id.org/spkg/id/theme/> .
@prefix pop:     <https://w3id.org/spkg/id/population-group/> .
@prefix area:    <https://w3id.org/spkg/id/policy-area/> .
@prefix itype:   <https://w3id.org/spkg/id/instrument-type/> .
@prefix otype:   <https://w3id.org/spkg/id/organization-type/> .
@prefix etype:   <https://w3id.org/spkg/id/event-type/> .
@prefix restype: <https://w3id.org/spkg/id/research-type/> .
@prefix role:    <https://w3id.org/spkg/id/role/> .
"""

# -- Reference data ---------------------------------------------------------------
# (alpha-3, short name, demonym-ish adjective, capital). Codes are checked against
# data/countries.ttl when it exists.
COUNTRIES = [
    ("DZA", "Algeria", "Algerian", "Algiers"), ("AGO", "Angola", "Angolan", "Luanda"),
    ("BEN", "Benin", "Beninese", "Porto-Novo"), ("BWA", "Botswana", "Botswana", "Gaborone"),
    ("BFA", "Burkina Faso", "Burkinabe", "Ouagadougou"), ("BDI", "Burundi", "Burundian", "Gitega"),
    ("CPV", "Cabo Verde", "Cabo Verdean", "Praia"), ("CMR", "Cameroon", "Cameroonian", "Yaounde"),
    ("TCD", "Chad", "Chadian", "N'Djamena"), ("CIV", "Cote d'Ivoire", "Ivorian", "Abidjan"),
    ("COD", "the Democratic Republic of the Congo", "Congolese", "Kinshasa"),
    ("EGY", "Egypt", "Egyptian", "Cairo"), ("ETH", "Ethiopia", "Ethiopian", "Addis Ababa"),
    ("GAB", "Gabon", "Gabonese", "Libreville"), ("GHA", "Ghana", "Ghanaian", "Accra"),
    ("GIN", "Guinea", "Guinean", "Conakry"), ("KEN", "Kenya", "Kenyan", "Nairobi"),
    ("LSO", "Lesotho", "Basotho", "Maseru"), ("LBR", "Liberia", "Liberian", "Monrovia"),
    ("MDG", "Madagascar", "Malagasy", "Antananarivo"), ("MWI", "Malawi", "Malawian", "Lilongwe"),
    ("MLI", "Mali", "Malian", "Bamako"), ("MRT", "Mauritania", "Mauritanian", "Nouakchott"),
    ("MAR", "Morocco", "Moroccan", "Rabat"), ("MOZ", "Mozambique", "Mozambican", "Maputo"),
    ("NAM", "Namibia", "Namibian", "Windhoek"), ("NER", "Niger", "Nigerien", "Niamey"),
    ("NGA", "Nigeria", "Nigerian", "Abuja"), ("RWA", "Rwanda", "Rwandan", "Kigali"),
    ("SEN", "Senegal", "Senegalese", "Dakar"), ("SLE", "Sierra Leone", "Sierra Leonean", "Freetown"),
    ("ZAF", "South Africa", "South African", "Pretoria"), ("SSD", "South Sudan", "South Sudanese", "Juba"),
    ("SDN", "Sudan", "Sudanese", "Khartoum"), ("TZA", "Tanzania", "Tanzanian", "Dodoma"),
    ("TGO", "Togo", "Togolese", "Lome"), ("TUN", "Tunisia", "Tunisian", "Tunis"),
    ("UGA", "Uganda", "Ugandan", "Kampala"), ("ZMB", "Zambia", "Zambian", "Lusaka"),
    ("ZWE", "Zimbabwe", "Zimbabwean", "Harare"),
    ("BGD", "Bangladesh", "Bangladeshi", "Dhaka"), ("KHM", "Cambodia", "Cambodian", "Phnom Penh"),
    ("CHN", "China", "Chinese", "Beijing"), ("FJI", "Fiji", "Fijian", "Suva"),
    ("IND", "India", "Indian", "New Delhi"), ("IDN", "Indonesia", "Indonesian", "Jakarta"),
    ("LAO", "Lao PDR", "Lao", "Vientiane"), ("MYS", "Malaysia", "Malaysian", "Kuala Lumpur"),
    ("MNG", "Mongolia", "Mongolian", "Ulaanbaatar"), ("MMR", "Myanmar", "Myanmar", "Yangon"),
    ("NPL", "Nepal", "Nepali", "Kathmandu"), ("PAK", "Pakistan", "Pakistani", "Islamabad"),
    ("PNG", "Papua New Guinea", "Papua New Guinean", "Port Moresby"),
    ("PHL", "the Philippines", "Filipino", "Manila"), ("LKA", "Sri Lanka", "Sri Lankan", "Colombo"),
    ("THA", "Thailand", "Thai", "Bangkok"), ("TLS", "Timor-Leste", "Timorese", "Dili"),
    ("VNM", "Viet Nam", "Vietnamese", "Hanoi"), ("WSM", "Samoa", "Samoan", "Apia"),
    ("JOR", "Jordan", "Jordanian", "Amman"), ("LBN", "Lebanon", "Lebanese", "Beirut"),
    ("IRQ", "Iraq", "Iraqi", "Baghdad"), ("OMN", "Oman", "Omani", "Muscat"),
    ("SAU", "Saudi Arabia", "Saudi", "Riyadh"), ("YEM", "Yemen", "Yemeni", "Sana'a"),
    ("KWT", "Kuwait", "Kuwaiti", "Kuwait City"), ("BHR", "Bahrain", "Bahraini", "Manama"),
    ("QAT", "Qatar", "Qatari", "Doha"),
    ("ARG", "Argentina", "Argentine", "Buenos Aires"), ("BOL", "Bolivia", "Bolivian", "La Paz"),
    ("BRA", "Brazil", "Brazilian", "Brasilia"), ("CHL", "Chile", "Chilean", "Santiago"),
    ("COL", "Colombia", "Colombian", "Bogota"), ("CRI", "Costa Rica", "Costa Rican", "San Jose"),
    ("DOM", "the Dominican Republic", "Dominican", "Santo Domingo"),
    ("ECU", "Ecuador", "Ecuadorian", "Quito"), ("SLV", "El Salvador", "Salvadoran", "San Salvador"),
    ("GTM", "Guatemala", "Guatemalan", "Guatemala City"), ("HTI", "Haiti", "Haitian", "Port-au-Prince"),
    ("HND", "Honduras", "Honduran", "Tegucigalpa"), ("JAM", "Jamaica", "Jamaican", "Kingston"),
    ("MEX", "Mexico", "Mexican", "Mexico City"), ("NIC", "Nicaragua", "Nicaraguan", "Managua"),
    ("PAN", "Panama", "Panamanian", "Panama City"), ("PRY", "Paraguay", "Paraguayan", "Asuncion"),
    ("PER", "Peru", "Peruvian", "Lima"), ("TTO", "Trinidad and Tobago", "Trinidadian", "Port of Spain"),
    ("URY", "Uruguay", "Uruguayan", "Montevideo"), ("BRB", "Barbados", "Barbadian", "Bridgetown"),
    ("BLZ", "Belize", "Belizean", "Belmopan"), ("GUY", "Guyana", "Guyanese", "Georgetown"),
    ("ALB", "Albania", "Albanian", "Tirana"), ("ARM", "Armenia", "Armenian", "Yerevan"),
    ("AZE", "Azerbaijan", "Azerbaijani", "Baku"),
    ("BIH", "Bosnia and Herzegovina", "Bosnian", "Sarajevo"), ("GEO", "Georgia", "Georgian", "Tbilisi"),
    ("KAZ", "Kazakhstan", "Kazakh", "Astana"), ("KGZ", "Kyrgyzstan", "Kyrgyz", "Bishkek"),
    ("MDA", "the Republic of Moldova", "Moldovan", "Chisinau"), ("MNE", "Montenegro", "Montenegrin", "Podgorica"),
    ("MKD", "North Macedonia", "Macedonian", "Skopje"), ("SRB", "Serbia", "Serbian", "Belgrade"),
    ("TJK", "Tajikistan", "Tajik", "Dushanbe"), ("TUR", "Turkiye", "Turkish", "Ankara"),
    ("UKR", "Ukraine", "Ukrainian", "Kyiv"), ("UZB", "Uzbekistan", "Uzbek", "Tashkent"),
]

# National organizations every country gets: (name template, acronym, organization type).
# "{adj}" is the country adjective, "{name}" the country name.
ORG_TEMPLATES = [
    ("Ministry of Labour and Social Protection", "MLSP", "government-ministry"),
    ("Ministry of Health", "MOH", "government-ministry"),
    ("Ministry of Finance", "MOF", "government-ministry"),
    ("Ministry of Social Affairs", "MOSA", "government-ministry"),
    ("Ministry of Gender, Children and Family Affairs", "MGCFA", "government-ministry"),
    ("Ministry of Planning and Economic Development", "MPED", "government-ministry"),
    ("Ministry of Agriculture", "MOA", "government-ministry"),
    ("National Social Security Fund", "NSSF", "government-ministry"),
    ("National Health Insurance Agency", "NHIA", "government-ministry"),
    ("Social Insurance Institute", "SII", "government-ministry"),
    ("Workers' Compensation Board", "WCB", "government-ministry"),
    ("National Employment Agency", "NEA", "government-ministry"),
    ("National Statistics Office", "NSO", "government-ministry"),
    ("Parliamentary Committee on Social Affairs", "PCSA", "government-ministry"),
    ("{adj} Confederation of Trade Unions", "CTU", "trade-union"),
    ("{adj} Federation of Workers' Unions", "FWU", "trade-union"),
    ("Union of Domestic Workers of {name}", "UDW", "trade-union"),
    ("Union of Health Workers", "UHW", "trade-union"),
    ("{adj} Employers' Federation", "EF", "civil-society-organization"),
    ("Chamber of Commerce and Industry", "CCI", "civil-society-organization"),
    ("National Association of Informal Traders", "NAIT", "civil-society-organization"),
    ("Network of Women in the Informal Economy", "NWIE", "civil-society-organization"),
    ("Institute of Social Security Studies", "ISSS", "research-institute"),
    ("National University, Department of Economics", "NUDE", "research-institute"),
    ("Centre for Labour and Social Policy Research", "CLSPR", "research-institute"),
]

# lookups made once: the generator asks them for every outcome
COUNTRY_BY_ISO = {c[0]: c for c in COUNTRIES}
ORG_TEMPLATES_OF_TYPE: dict[str, list[int]] = {}
for _i, (_, _, _kind) in enumerate(ORG_TEMPLATES):
    ORG_TEMPLATES_OF_TYPE.setdefault(_kind, []).append(_i)

INTERNATIONAL_ORGS = [
    ("United Nations Children's Fund", "UNICEF"), ("World Health Organization", "WHO"),
    ("World Bank", "WB"), ("United Nations Development Programme", "UNDP"),
    ("Food and Agriculture Organization of the United Nations", "FAO"),
    ("World Food Programme", "WFP"), ("International Organization for Migration", "IOM"),
    ("United Nations High Commissioner for Refugees", "UNHCR"), ("UN Women", "UNWOMEN"),
    ("European Union", "EU"), ("International Social Security Association", "ISSA"),
    ("Deutsche Gesellschaft fur Internationale Zusammenarbeit", "GIZ"),
    ("International Monetary Fund", "IMF"), ("Asian Development Bank", "ADB"),
    ("African Development Bank", "AFDB"),
]

# Theme key -> (weight, benefit phrase, scheme phrase, policy areas, SDG targets, population groups)
THEMES = {
    "old-age": (14, "old-age pensions", "national pension scheme", ["pension-insurance"], ["1.3", "1.3", "10.4"], ["women", "workers-in-nsfe"]),
    "medical-health-care": (10, "medical care", "health insurance scheme", ["medical-insurance"], ["3.8", "1.3"], ["workers-in-nsfe", "migrant-workers"]),
    "health-care": (6, "access to health care", "national health insurance scheme", ["medical-insurance"], ["3.8"], ["women", "migrant-workers"]),
    "social-health-protection": (8, "social health protection", "social health insurance programme", ["medical-insurance"], ["3.8", "1.3"], ["workers-in-nsfe", "women"]),
    "employment-injury": (6, "employment injury benefits", "employment injury insurance scheme", ["employment-injury-insurance"], ["8.8", "1.3"], ["platform-workers", "migrant-workers"]),
    "informal-economy": (9, "social security coverage for informal workers", "contributory scheme for the self-employed", ["social-security-administration"], ["8.3", "1.3", "8.5"], ["workers-in-nsfe", "platform-workers"]),
    "family-benefits": (5, "child and family allowances", "universal child benefit", [], ["1.3", "1.2", "10.2"], ["women"]),
    "maternity": (5, "maternity cash benefits", "maternity protection scheme", ["medical-insurance"], ["5.4", "3.8", "1.3"], ["women"]),
    "unemployment": (6, "unemployment benefits", "unemployment insurance scheme", [], ["8.5", "1.3", "8.b"], ["workers-in-nsfe", "migrant-workers"]),
    "employment-services": (3, "active labour market services", "public employment service", [], ["8.5", "8.b"], ["migrant-workers"]),
    "income-security": (5, "basic income security", "social assistance programme", [], ["1.3", "1.2", "10.4"], ["women", "workers-in-nsfe"]),
    "employment-policy": (3, "employment-intensive social protection", "national employment policy", [], ["8.5", "8.3"], ["workers-in-nsfe"]),
    "gender": (4, "gender-responsive social protection", "care leave scheme", [], ["5.4", "5.1", "5.c"], ["women"]),
    "ilo-standards": (3, "benefits in line with Convention No. 102", "social security legislation", ["social-security-administration"], ["1.3", "8.8"], ["workers-in-nsfe"]),
    "legislation": (5, "legal coverage of social security", "social security law", ["social-security-administration"], ["1.3", "16.6"], ["workers-in-nsfe", "migrant-workers"]),
    "social-dialogue": (3, "tripartite governance of social security", "social security board", ["social-security-administration"], ["8.8", "16.7"], ["workers-in-nsfe"]),
    "children": (3, "child benefits", "child grant programme", [], ["1.3", "4.2", "1.2"], ["women"]),
    "informal-economy-workers": (4, "coverage of informal economy workers", "simplified tax and contribution regime", ["social-security-administration"], ["8.3", "1.3"], ["platform-workers", "workers-in-nsfe"]),
    "rural": (3, "protection of rural workers", "rural pension scheme", ["pension-insurance"], ["1.3", "2.3", "1.4"], ["women", "migrant-workers"]),
    "financing": (5, "sustainable financing of social protection", "social protection financing strategy", ["social-security-administration"], ["1.a", "17.1", "10.4"], ["workers-in-nsfe"]),
    "actuarial-valuation": (3, "financial sustainability of the pension fund", "actuarial valuation of the social security fund", ["pension-insurance", "social-security-administration"], ["1.3", "10.4"], ["workers-in-nsfe"]),
    "model": (2, "costing of benefit options", "rapid assessment protocol model", ["social-security-administration"], ["1.a", "17.18"], ["women"]),
    "projections": (2, "long-term projections of expenditure", "social budget projections", ["social-security-administration"], ["1.a", "10.4"], ["women"]),
}
THEME_LABELS = {
    "old-age": "Old-age", "medical-health-care": "Medical / health care", "health-care": "Health care",
    "social-health-protection": "Social health protection", "employment-injury": "Employment injury",
    "informal-economy": "Informal economy", "family-benefits": "Family benefits", "maternity": "Maternity",
    "unemployment": "Unemployment", "employment-services": "Employment services",
    "income-security": "Income security", "employment-policy": "Employment policy", "gender": "Gender",
    "ilo-standards": "ILO standards", "legislation": "Legislation", "social-dialogue": "Social dialogue",
    "children": "Children", "informal-economy-workers": "Informal economy workers", "rural": "Rural",
    "financing": "Financing", "actuarial-valuation": "Actuarial valuation", "model": "Model",
    "projections": "Projections",
}
# Extra SDG targets drawn for any outcome, weighted towards the ones social protection reports most.
EXTRA_TARGETS = [("1.3", 30), ("3.8", 12), ("8.5", 10), ("5.4", 8), ("10.4", 8), ("8.8", 5), ("1.a", 4),
                 ("10.2", 4), ("5.1", 3), ("8.3", 3), ("1.1", 2), ("1.2", 2), ("1.5", 2), ("1.b", 2),
                 ("3.c", 1), ("5.c", 1), ("10.7", 2), ("16.6", 1), ("17.1", 1), ("8.7", 1), ("8.b", 1)]
POP_LABELS = {"workers-in-nsfe": "workers in non-standard forms of employment", "platform-workers": "platform workers",
              "migrant-workers": "migrant workers", "women": "women"}
ITYPES = [("law", "Law", 30), ("decree", "Decree", 25), ("strategy", "Strategy", 20),
          ("framework", "Framework", 15), ("guiding-opinions", "Guiding Opinions", 10)]
BIENNIUMS = ["2016-17", "2018-19", "2020-21", "2022-23"]
INDICATORS = [("8.1.1", 45), ("8.2.1", 25), ("8.3.1", 30)]
VERBS = ["adopted", "approved", "enacted", "launched", "endorsed", "validated"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
# (as the record words it, kg:eventType of data/code-lists.ttl)
EVENT_KINDS = [("national tripartite workshop", "workshop"), ("technical seminar", "seminar"),
               ("validation workshop", "validation-workshop"), ("high-level policy dialogue", "dialogue"),
               ("training seminar", "training"), ("consultation with social partners", "consultation")]
ORDINALS = ["First", "Second", "Third"]
ENGAGEMENTS = [
    "provided technical advice on the drafting of the {doc}, including a legal gap analysis against Convention No. 102 and Recommendation No. 202",
    "supported the costing of benefit options with its rapid assessment protocol and shared international experience on {benefit}",
    "facilitated tripartite consultations so that workers' and employers' organizations could shape the design of the {scheme}",
    "trained officials of the {agency} on the administration of contributions, registration of members and delivery of {benefit}",
    "prepared an actuarial review of the {scheme} to assess its financial sustainability over the next fifty years",
]
GENDER_NOTES = [
    "The reform pays particular attention to women, who are over-represented among informal and part-time workers and who bear most of the unpaid care work; contribution credits for periods of care were proposed.",
    "Sex-disaggregated data were collected throughout the assessment, and the design of the benefits took into account the specific needs of women, migrant workers and persons with disabilities.",
    "The consultations included representatives of women's organizations and of migrant workers, and the recommendations explicitly address gaps in maternity protection and in survivors' benefits.",
    "Non-discrimination provisions were included so that benefits are granted regardless of sex, nationality or employment status, in line with the principle of universality of protection.",
]
PARTNER_NOTES = [
    "{io} co-financed the technical assistance and took part in the joint UN programme on social protection.",
    "{io} contributed to the policy dialogue and supported the development of the management information system.",
    "The work was carried out jointly with {io} under the UN Joint Programme on integrated social protection.",
]
QUALIFIERS = ["with UN Agencies, excluding IFIs", "with IFIs", "with development partners"]


def table(items: list[tuple[str, int]]) -> tuple[list[str], list[int]]:
    """The keys and cumulative weights of a weighted list, for weighted(): made once, not per draw."""
    return [k for k, _ in items], list(accumulate(w for _, w in items))


def weighted(rng: random.Random, items: tuple[list[str], list[int]]) -> str:
    # cum_weights gives the same draw as weights= would, without summing them each time
    return rng.choices(items[0], cum_weights=items[1], k=1)[0]


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


SMALL_WORDS = {"a", "an", "and", "at", "by", "for", "in", "of", "on", "the", "to", "with"}


def titlecase(text: str) -> str:
    words = text.split(" ")
    return " ".join(w if (w in SMALL_WORDS and i) or w[:1].isupper() else w[:1].upper() + w[1:]
                    for i, w in enumerate(words))


def short_slug(text: str, limit: int = 50) -> str:
    """slug(text), cut at a word boundary to at most `limit` characters."""
    s = slug(text)
    if len(s) <= limit:
        return s
    return s[:limit].rsplit("-", 1)[0]


def esc(text: str) -> str:
    """A Turtle string literal (single-line form, with escapes)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"'


def en(text: str) -> str:
    return esc(text) + "@en"


def long_date(d: date) -> str:
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def biennium_of(year: int) -> str:
    start = year if year % 2 == 0 else year - 1
    return f"{start}-{str(start + 1)[2:]}"


def read_sdg_labels(path: Path) -> dict[str, str]:
    """notation -> English text of the SDG goals and targets in data/sdg.ttl (empty if absent)."""
    if not path.exists():
        return {}
    text = path.read_text(encoding="utf-8")
    out: dict[str, str] = {}
    for m in re.finditer(r'^<http://metadata\.un\.org/sdg/([0-9]+(?:\.[0-9a-z]+)?)>\n((?:    .*\n)+)', text, re.MULTILINE):
        label = re.search(r'skos:prefLabel "((?:[^"\\]|\\.)*)"@en', m.group(2))
        if label:
            out[m.group(1)] = label.group(1).replace('\\"', '"')
    return out


def read_capitals(path: Path) -> dict[str, tuple[str, str]]:
    """alpha-3 -> (place key, name) of the capitals data/country-words.ttl describes as kg:Place (empty if absent).

    Events held in a capital link that place, as the seed links place:cn-beijing, rather than a second
    node for the same city."""
    if not path.exists():
        return {}
    out: dict[str, tuple[str, str]] = {}
    text = path.read_text(encoding="utf-8")
    for m in re.finditer(r'^place:([a-z0-9-]+) a kg:Place ;\n((?:    .*\n)+)', text, re.MULTILINE):
        of = re.search(r'kg:capitalOf country:([a-z]{3})\b', m.group(2))
        name = re.search(r'schema:name "((?:[^"\\]|\\.)*)"@en', m.group(2))
        if of and name and of.group(1) not in out:
            out[of.group(1)] = (m.group(1), name.group(1).replace('\\"', '"'))
    return out


def and_list(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def day_range(lit: str, d: date) -> tuple[str, str]:
    """kg:earliestDate and kg:latestDate of an event dated `lit`: the days of its month for an
    xsd:gYearMonth, the day itself for an xsd:date."""
    if lit.endswith("gYearMonth"):
        last = calendar.monthrange(d.year, d.month)[1]
        return f'"{d.year}-{d.month:02d}-01"^^xsd:date', f'"{d.year}-{d.month:02d}-{last:02d}"^^xsd:date'
    return lit, lit


class Writer:
    """Turtle subject blocks; counts triples as it goes."""

    def __init__(self, fh) -> None:
        self.fh = fh
        self.triples = 0

    def block(self, subject: str, pairs: list[tuple[str, str | list[str]]]) -> None:
        lines = []
        for p, o in pairs:
            objs = o if isinstance(o, list) else [o]
            if not objs:
                continue
            self.triples += len(objs)
            lines.append(f"    {p} {' , '.join(objs)}")
        self.fh.write(subject + "\n" + " ;\n".join(lines) + " .\n\n")


class Generator:
    def __init__(self, n: int, seed: int, sdg_labels: dict[str, str],
                 capitals: dict[str, tuple[str, str]] | None = None) -> None:
        self.n = n
        self.rng = random.Random(seed)
        self.sdg_labels = sdg_labels
        self.capitals = capitals or {}
        rng = self.rng
        # Country activity is skewed: a few countries report many results.
        self.countries = COUNTRIES
        self.country_weights = [round(1000 / (1 + i) ** 0.6) for i in range(len(COUNTRIES))]
        order = list(range(len(COUNTRIES)))
        rng.shuffle(order)
        self.country_weights = [self.country_weights[order[i]] for i in range(len(COUNTRIES))]
        # Each country has a handful of CPO codes.
        self.cpos = {}
        for iso, *_ in COUNTRIES:
            nums = rng.sample(list(range(101, 160)) + list(range(201, 240)) + list(range(301, 330)) + list(range(801, 830)), 8)
            self.cpos[iso] = sorted(nums)
        self.country_cum = list(accumulate(self.country_weights))
        self.theme_items = table([(k, v[0]) for k, v in THEMES.items()])
        self.indicators = table(INDICATORS)
        self.extra_targets = table(EXTRA_TARGETS)
        self.itype_cum = list(accumulate(x[2] for x in ITYPES))
        self.used_orgs: dict[str, list[str]] = {}  # org key -> the records that name it (kg:statedIn)
        self.used_places: dict[str, tuple[str, str]] = {}  # capitals data/country-words.ttl lacks
        self.keys: dict[str, None] = {}  # a dict, not a set: bench-iris.txt takes its order
        self.minted: set[str] = set()
        self.titles: dict[tuple[str, str], int] = {}  # (country, slug of a title) -> instruments so far

    def unique(self, key: str) -> str:
        """key, or key-2, key-3, ... if it was minted before."""
        k, n = key, 1
        while k in self.minted:
            n += 1
            k = f"{key}-{n}"
        self.minted.add(k)
        return k

    def distinct_title(self, iso: str, title: str) -> str:
        """title, or an amendment of it when the country has an instrument of that name already: the
        near-duplicate rule (shapes/rules) rightly takes two instruments of one country with one name
        for one instrument."""
        k = (iso, slug(title))
        n = self.titles.get(k, 0)
        self.titles[k] = n + 1
        if n == 0:
            return title
        return f"Amendment to the {title}" if n == 1 else f"Amendment No. {n} to the {title}"

    # -- organizations -----------------------------------------------------------
    @staticmethod
    def org_key(iso: str, idx: int) -> str:
        # "-generated": the real data names bodies "{country}-{acronym}" too (data/national-institutions.ttl
        # has gha-nhia), and a synthetic body under a real one's IRI gave it a second skos:prefLabel.
        return f"{iso.lower()}-{ORG_TEMPLATES[idx][1].lower()}-generated"

    def org_name(self, iso: str, idx: int) -> str:
        _, name, adj, _ = self.country(iso)
        return ORG_TEMPLATES[idx][0].format(adj=adj, name=name)

    def country(self, iso: str) -> tuple[str, str, str, str]:
        return COUNTRY_BY_ISO[iso]

    def use_org(self, iso: str, idx: int) -> str:
        key = self.org_key(iso, idx)
        self.used_orgs.setdefault(key, [])
        return key

    def org_of_type(self, iso: str, kind: str) -> int:
        return self.rng.choice(ORG_TEMPLATES_OF_TYPE[kind])

    # -- one outcome ---------------------------------------------------------------
    def outcome(self, w: Writer, i: int) -> None:
        rng = self.rng
        c = rng.choices(self.countries, cum_weights=self.country_cum, k=1)[0]
        iso, cname, adj, capital = c
        if iso.lower() in self.capitals:  # the capital as data/country-words.ttl names it
            place_key, capital = self.capitals[iso.lower()]
        else:
            place_key = f"{iso.lower()}-{slug(capital)}"
        while True:
            cpo = f"{iso}{rng.choice(self.cpos[iso])}"
            d = date(2016, 1, 1) + timedelta(days=rng.randrange(2922))
            key = f"{cpo.lower()}-{d.isoformat()}"
            if key not in self.keys:
                self.keys[key] = None
                break
        bien = biennium_of(d.year)
        ind = weighted(rng, self.indicators)
        rtype = {"8.1.1": rng.choice(["step-1", "step-2"]), "8.2.1": "step-3", "8.3.1": None}[ind]
        primary = weighted(rng, self.theme_items)
        themes = [primary]
        for _ in range(rng.choice([0, 1, 1, 2, 2, 3])):
            t = weighted(rng, self.theme_items)
            if t not in themes:
                themes.append(t)
        _, benefit, scheme, areas, ttargets, pops = THEMES[primary]
        targets: list[str] = []
        for t in ttargets[: rng.randint(1, len(ttargets))]:
            if t not in targets:
                targets.append(t)
        for _ in range(rng.choice([0, 1, 1, 2])):
            t = weighted(rng, self.extra_targets)
            if t not in targets:
                targets.append(t)
        targets.sort(key=lambda s: [int(x) if x.isdigit() else 100 + ord(x) for x in s.split(".")])
        goals = []
        for t in targets:
            g = t.split(".")[0]
            if g not in goals:
                goals.append(g)
        group = rng.choice(pops)
        groups_text = POP_LABELS[group]

        # instrument (70 %), jointly issued by several bodies for a third of them
        has_instrument = rng.random() < 0.7
        itype, itype_label, _ = ITYPES[rng.choices(range(len(ITYPES)), cum_weights=self.itype_cum)[0]]
        inst_date = d - timedelta(days=rng.randrange(0, 60))
        title = f"{itype_label} on {titlecase(benefit)} for {titlecase(groups_text)}"
        if itype == "law":
            title = f"Law No. {rng.randint(1, 120)}/{inst_date.year} on the {titlecase(scheme)}"
        elif itype == "strategy":
            title = f"National Social Protection Strategy {inst_date.year}-{inst_date.year + 4}"
        if has_instrument:
            title = self.distinct_title(iso, title)
        lead_idx = self.org_of_type(iso, "government-ministry")
        lead = self.use_org(iso, lead_idx)
        lead_name = self.org_name(iso, lead_idx)
        joint = has_instrument and rng.random() < 0.35
        members: list[int] = []
        if joint:
            members = [lead_idx]
            want = 1 + rng.randint(1, 3)
            while len(members) < want:
                m = rng.randrange(len(ORG_TEMPLATES))
                if m not in members:
                    members.append(m)
            member_count = len(members) + rng.randint(0, 6)
        member_keys = [self.use_org(iso, m) for m in members]
        member_names = [self.org_name(iso, m) for m in members]
        verb = rng.choice(VERBS)

        summary_forms = [
            f"A new {itype_label.lower()} extending {benefit} to {groups_text} has been {verb}",
            f"{cname[0].upper() + cname[1:]} has reformed its {scheme} to increase the adequacy of {benefit}",
            f"The {lead_name} has operationalized measures to improve the governance of the {scheme}",
            f"An integrated policy response including {benefit} has been {verb} to support {groups_text}",
        ]
        summary = rng.choice(summary_forms)
        # a joint instrument's record names its other issuers and how many there were (kg:issuerCount)
        issuers = f"the {lead_name} of {cname}"
        if joint:
            issuers += (f" and {member_count - 1} other bodies, including "
                        + and_list([f"the {x}" for x in member_names[1:]]) + ", jointly")
        achievement = (
            f"On {long_date(d)}, {issuers} {verb} "
            + (f"the {title}" if has_instrument else f"a set of measures on {benefit}")
            + f". The measures extend {benefit} to {groups_text}, who were previously excluded from the {scheme}, "
            f"and set out reform directions for contribution collection, eligibility conditions and benefit levels. "
            f"It is expected to reach about {rng.randint(2, 900) * 1000:,} persons by {d.year + rng.randint(2, 6)}."
        )
        research = rng.random() < 0.45
        survey = research and rng.random() < 0.35
        n_seminars = rng.choice([0, 0, 0, 1, 2]) if research else rng.choice([0, 0, 0, 0, 1])
        inst_idx = self.org_of_type(iso, "research-institute")
        institute = self.use_org(iso, inst_idx) if research else None
        inst_name = self.org_name(iso, inst_idx)
        agency_idx = self.org_of_type(iso, "government-ministry")
        sample = rng.randint(300, 6000) if survey else 0
        share = rng.choice([0.25, 0.3, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8])
        comp_group = rng.choice(list(POP_LABELS))
        eng = rng.choice(ENGAGEMENTS).format(doc=title if has_instrument else f"policy on {benefit}", benefit=benefit,
                                             scheme=scheme, agency=self.org_name(iso, agency_idx))
        contribution = f"The ILO {eng}."
        if research:
            contribution += (f" The ILO commissioned the {inst_name} to carry out a research to assess the {benefit} "
                             f"of {groups_text} in {cname}, with a focus on {POP_LABELS[comp_group]}.")
        if survey:
            contribution += (f" The research included a survey of {sample:,} {adj} workers ({int(share * 100)}% were "
                             f"{POP_LABELS[comp_group]}), which collected first-hand data on their needs and status.")
        seminar_dates: list[tuple[str, str, str, str, tuple[str, str]]] = []  # (literal, text, kind, type, day range)
        for s in range(n_seminars):
            sd = d - timedelta(days=rng.randrange(20, 400))
            kind, etype = rng.choice(EVENT_KINDS)
            if rng.random() < 0.4:
                lit, txt = f'"{sd.year}-{sd.month:02d}"^^xsd:gYearMonth', f"{MONTHS[sd.month - 1]} {sd.year}"
            else:
                lit, txt = f'"{sd.isoformat()}"^^xsd:date', long_date(sd)
            seminar_dates.append((lit, txt, kind, etype, day_range(lit, sd)))
            contribution += f" A {kind} {'in ' + capital + ' ' if s == 0 else ''}took place in {txt}."
        gender = rng.choice(GENDER_NOTES)
        io = None
        if rng.random() < 0.3:
            io_idx = rng.randrange(len(INTERNATIONAL_ORGS))
            io = INTERNATIONAL_ORGS[io_idx]
            partners = rng.choice(PARTNER_NOTES).format(io=f"{io[0]} ({io[1]})")
            partners = partners[0].upper() + partners[1:]
        else:
            partners = None

        o = f"out:{key}"
        r = f"rec:{key}"
        iri_inst = "inst:" + self.unique(f"{iso.lower()}-{inst_date.isoformat()}-{short_slug(title)}")
        acts = []
        if research:
            acts.append(f"act:{key}-research")
        if survey:
            acts.append(f"act:{key}-survey")
        acts += [f"act:{key}-seminar-{s + 1}" for s in range(n_seminars)]

        label = f"{cpo} ({long_date(d)}): {summary[0].lower() + summary[1:]}"
        pairs = [
            ("a", "kg:Outcome"),
            ("rdfs:label", en(label)),
            ("kg:cpoCode", esc(cpo)),
            ("kg:reportedDate", f'"{d.isoformat()}"^^xsd:date'),
            ("kg:visibility", '"Public"'),
            ("kg:biennium", f"bien:{bien}"),
            ("kg:pbIndicator", f"pb:{ind}"),
        ]
        if rtype:
            pairs.append(("kg:resultType", f"rtype:{rtype}"))
        if ind == "8.1.1" and rng.random() < 0.2:
            pairs.append(("kg:partnershipQualifier", esc(rng.choice(QUALIFIERS))))
        pairs += [
            ("kg:theme", [f"theme:{t}" for t in themes]),
            ("kg:country", f"country:{iso.lower()}"),
            ("kg:programme", "<https://w3id.org/spkg/id/programme/social-protection-floors>"),
            ("kg:summary", en(summary)),
            ("kg:achievement", en(achievement)),
            ("kg:iloContribution", en(contribution)),
        ]
        if partners:
            pairs.append(("kg:partnersContribution", en(partners)))
        if gender:
            pairs.append(("kg:genderNote", en(gender)))
        pairs += [
            ("kg:sdgGoal", [f"sdg:{g}" for g in goals]),
            ("kg:sdgTarget", [f"<{SDG}{t}>" for t in targets]),
        ]
        if has_instrument:
            pairs.append(("kg:instrument", iri_inst))
        if acts:
            pairs.append(("kg:supportedBy", acts))
        concerns = [group] + ([comp_group] if research and comp_group != group else [])
        supporter = f"attr:{key}-ilo-supporter"
        pairs += [
            ("kg:concernsPopulation", [f"pop:{g}" for g in concerns]),
            ("prov:wasAttributedTo", "orgn:ilo"),
            ("prov:qualifiedAttribution", supporter),
            ("prov:wasDerivedFrom", r),
            ("prov:hadPrimarySource", r),
        ]
        w.block(o, pairs)
        # roles as `kg ingest` writes them: agent and role
        w.block(supporter, [("a", "kg:Attribution"), ("prov:agent", "orgn:ilo"), ("prov:hadRole", "role:supporter")])

        # -- source record, with the verbatim text rebuilt from the fields
        meta = f"{d.day:02d}.{d.month:02d}.{d.year} {cpo} Public {bien} | {ind} " + " ".join(THEME_LABELS[t] for t in themes)
        bullets = [self.sdg_labels.get(g, f"Goal {g}") for g in goals]
        bullets += [f"{t} {self.sdg_labels.get(t, '')}".rstrip() for t in targets]
        verbatim = (
            "Social Protection\n\nBuilding social protection floors\nand comprehensive social security systems\n\n"
            f"Result achieved\n\n{meta}\nOutcome summary\n{summary}\nOutcome achieved\n\n{achievement}\n\n"
            f"ILO's contribution to the outcome\n\n{contribution}\n"
            + (f"\nOther partners' contribution\n{partners}\n" if partners else "")
            + (f"\nGender equality & non-discrimination\n{gender}\n" if gender else "")
            + "".join(f"  \u2022 {b}\n" for b in bullets).rstrip("\n")
        )
        w.block(r, [
            ("a", "kg:SourceRecord"),
            ("rdfs:label", en(f"Result achieved record {cpo} ({d.day:02d}.{d.month:02d}.{d.year})")),
            ("dcterms:title", en("Result achieved")),
            ("kg:sourceFile", esc(f"outcome-{cpo}-{d.isoformat()}.txt")),
            ("kg:policyArea", '"Social Protection"'),
            ("kg:metadataLine", esc(meta)),
            ("dcterms:publisher", "orgn:ilo"),
            ("kg:verbatimText", en(verbatim)),
        ])

        # -- the organizations the record names point back to it
        for k in [lead] + member_keys + ([institute] if institute else []):
            if key not in self.used_orgs[k][-1:]:
                self.used_orgs[k].append(key)

        # -- instrument; a joint one names each issuer, with its role, and how many there were
        if has_instrument:
            ipairs = [
                ("a", "kg:PolicyInstrument"),
                ("rdfs:label", en(title)),
                ("dcterms:title", en(title)),
                ("kg:instrumentType", f"itype:{itype}"),
                ("eli:date_document", f'"{inst_date.isoformat()}"^^xsd:date'),
            ]
            if joint:
                ikey = iri_inst[len("inst:"):]
                roles = [(mk, ORG_TEMPLATES[m][1], "lead-issuer" if j == 0 else "co-issuer")
                         for j, (mk, m) in enumerate(zip(member_keys, members))]
                attrs = [f"attr:{ikey}-{slug(acr)}-{role}" for _, acr, role in roles]
                ipairs += [
                    ("eli:passed_by", [f"orgn:{mk}" for mk in member_keys]),
                    ("prov:qualifiedAttribution", attrs),
                    ("kg:issuerCount", str(member_count)),
                ]
            else:
                ipairs.append(("eli:passed_by", f"orgn:{lead}"))
            ipairs += [
                ("schema:legislationJurisdiction", f"country:{iso.lower()}"),
                ("kg:country", f"country:{iso.lower()}"),
            ]
            if areas:
                ipairs.append(("kg:coversArea", [f"area:{a}" for a in areas]))
            ipairs += [
                ("kg:coversPopulation", f"pop:{group}"),
                ("kg:scopeNote", en(f"{benefit} for {groups_text}, with reform directions for the {scheme}")),
                ("kg:statedIn", r),
            ]
            w.block(iri_inst, ipairs)
            if joint:
                for a, (mk, _, role) in zip(attrs, roles):
                    w.block(a, [("a", "kg:Attribution"), ("prov:agent", f"orgn:{mk}"), ("prov:hadRole", f"role:{role}")])

        # -- activities: each labelled with its outcome, as `kg ingest` does, so that two studies or
        # events of one country never share a name (the near-duplicate rule of shapes/rules)
        res_iri = f"act:{key}-research"
        if research:
            w.block(res_iri, [
                ("a", "kg:Research"),
                ("rdfs:label", en(f"Research on {benefit} of {groups_text} in {cname} "
                                  f"({ORG_TEMPLATES[inst_idx][1]}, commissioned by the ILO, outcome {key})")),
                ("kg:researchType", "restype:study"),
                ("kg:commissionedBy", "orgn:ilo"),
                ("kg:performedBy", f"orgn:{institute}"),
                ("kg:purpose", en(f"to assess the {benefit} of {groups_text} in {cname}")),
                ("kg:targetPopulation", f"pop:{group}"),
                ("kg:focusGroup", f"pop:{comp_group}"),
                ("kg:country", f"country:{iso.lower()}"),
                ("kg:statedIn", r),
            ])
        if survey:
            comp = f"smp:{key}-survey-{comp_group}"
            w.block(f"act:{key}-survey", [
                ("a", "kg:Survey"),
                ("rdfs:label", en(f"Survey of {sample:,} {adj} workers (outcome {key})")),
                ("kg:researchType", "restype:survey"),
                ("kg:partOf", res_iri),
                ("kg:performedBy", f"orgn:{institute}"),
                ("kg:sampleSize", str(sample)),
                ("kg:sampleDescription", en(f"{adj} workers")),
                ("kg:targetPopulation", f"pop:{group}"),
                ("kg:sampleComponent", comp),
                ("kg:purpose", en("collected first-hand data to understand their social security needs and status")),
                ("kg:country", f"country:{iso.lower()}"),
                ("kg:statedIn", r),
            ])
            w.block(comp, [
                ("a", "kg:SampleComponent"),
                ("rdfs:label", en(f"{POP_LABELS[comp_group][0].upper() + POP_LABELS[comp_group][1:]}: {int(share * 100)}% of the survey sample")),
                ("kg:populationGroup", f"pop:{comp_group}"),
                ("kg:share", f"{share:.2f}"),
                ("kg:statedIn", r),
            ])
        for s, (lit, txt, kind, etype, (earliest, latest)) in enumerate(seminar_dates):
            head = f"{ORDINALS[s]} {kind}" if n_seminars > 1 else kind[0].upper() + kind[1:]
            spairs = [
                ("a", "kg:Event"),
                ("rdfs:label", en(f"{head} on {benefit} ({txt}, outcome {key})")),
                ("kg:eventType", f"etype:{etype}"),
                ("kg:sequenceNumber", str(s + 1)),
            ]
            if research:
                spairs.append(("kg:partOf", res_iri))
            # the date at the record's precision, and the days it covers
            spairs += [("kg:topic", en(benefit)), ("schema:startDate", lit),
                       ("kg:earliestDate", earliest), ("kg:latestDate", latest)]
            if s == 0:
                if iso.lower() not in self.capitals:
                    self.used_places.setdefault(place_key, (capital, iso))
                spairs.append(("schema:location", f"place:{place_key}"))
            spairs += [("kg:country", f"country:{iso.lower()}"), ("kg:statedIn", r)]
            w.block(f"act:{key}-seminar-{s + 1}", spairs)


    # -- everything -------------------------------------------------------------------
    def run(self, w: Writer) -> None:
        w.fh.write(f"# Synthetic benchmark data: {self.n} outcomes generated by benchmarks/generate.py.\n"
                   "# Not real ILO results. Shaped like data/outcome-chn302.ttl.\n\n")
        w.fh.write(PREFIXES + "\n")
        # bienniums other than 2020-21 (which data/schemes.ttl defines)
        for b in BIENNIUMS:
            if b == "2020-21":
                continue
            y0 = int(b[:4])
            w.block(f"bien:{b}", [
                ("a", "kg:Biennium"),
                ("rdfs:label", en(b)),
                ("skos:notation", esc(b)),
                ("time:hasBeginning", f"instant:{y0}-01-01"),
                ("time:hasEnd", f"instant:{y0 + 1}-12-31"),
            ])
            # kg:Instant, as data/schemes.ttl has it: spkg's shapes check that class, not time:Instant
            w.block(f"instant:{y0}-01-01", [("a", "kg:Instant"), ("rdfs:label", en(f"1 January {y0}")),
                                            ("time:inXSDDate", f'"{y0}-01-01"^^xsd:date')])
            w.block(f"instant:{y0 + 1}-12-31", [("a", "kg:Instant"), ("rdfs:label", en(f"31 December {y0 + 1}")),
                                                ("time:inXSDDate", f'"{y0 + 1}-12-31"^^xsd:date')])
        for i in range(self.n):
            self.outcome(w, i)
        # organizations: the national ones that were used, in a fixed order
        w.fh.write("# -- Organizations -------------------------------------------------------------\n\n")
        for iso, cname, adj, capital in COUNTRIES:
            for idx, (_, acr, kind) in enumerate(ORG_TEMPLATES):
                key = self.org_key(iso, idx)
                if key not in self.used_orgs:
                    continue
                name = self.org_name(iso, idx)
                pairs = [
                    ("a", ["org:FormalOrganization", "prov:Organization"]),
                    ("rdfs:label", en(name)),
                    ("skos:prefLabel", en(name)),
                    ("kg:acronym", esc(acr)),
                    ("kg:country", f"country:{iso.lower()}"),
                    ("org:classification", f"otype:{kind}"),
                    ("kg:statedIn", [f"rec:{k}" for k in self.used_orgs[key]]),
                ]
                w.block(f"orgn:{key}", pairs)
        # places: capitals that data/country-words.ttl does not describe
        w.fh.write("# -- Places ----------------------------------------------------------------------\n\n")
        for pkey, (capital, iso) in self.used_places.items():
            w.block(f"place:{pkey}", [
                ("a", "kg:Place"),
                ("rdfs:label", en(capital)),
                ("schema:name", en(capital)),
                ("kg:country", f"country:{iso.lower()}"),
            ])


def generator_hash() -> str:
    """SHA-256 of this file: a project folder made by another version is stale."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()


def link_project(out: Path, n: int) -> None:
    """Make DIR a project folder: the real ontology/, shapes/, queries/ and data/*.ttl by symlink."""
    out.mkdir(parents=True, exist_ok=True)
    for folder in ("ontology", "shapes", "queries"):
        target = ROOT / folder
        link = out / folder
        if link.is_symlink() or link.exists():
            if link.is_symlink():
                link.unlink()
            else:
                continue
        if target.exists():
            link.symlink_to(target, target_is_directory=True)
    data = out / "data"
    data.mkdir(exist_ok=True)
    for p in data.iterdir():
        if p.is_symlink():
            p.unlink()
        elif p.name.startswith("generated-") and p.name != f"generated-{n}.ttl":
            p.unlink()  # one generated file per project folder
    for p in sorted((ROOT / "data").glob("*.ttl")):
        (data / p.name).symlink_to(p)


def generate(n: int, out: Path, seed: int = DEFAULT_SEED, quiet: bool = False) -> dict:
    t0 = time.perf_counter()
    link_project(out, n)
    sdg_labels = read_sdg_labels(ROOT / "data" / "sdg.ttl")
    capitals = read_capitals(ROOT / "data" / "country-words.ttl")
    countries_ttl = ROOT / "data" / "countries.ttl"
    if countries_ttl.exists():
        known = set(re.findall(r"<https://w3id\.org/spkg/id/country/([a-z]{3})>", countries_ttl.read_text(encoding="utf-8")))
        missing = [c[0] for c in COUNTRIES if c[0].lower() not in known]
        if missing:
            print(f"warning: not in data/countries.ttl: {missing}", file=sys.stderr)
    gen = Generator(n, seed, sdg_labels, capitals)
    path = out / "data" / f"generated-{n}.ttl"
    tmp = path.with_suffix(".ttl.tmp")
    with open(tmp, "w", encoding="utf-8", newline="\n", buffering=1 << 20) as fh:
        w = Writer(fh)
        gen.run(w)
    os.replace(tmp, path)
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    keys = list(gen.keys)  # insertion order = generation order
    step = max(1, len(keys) // 1000)
    iris = [f"{ID}outcome/{k}" for k in keys[::step]]
    (out / "bench-iris.txt").write_text("\n".join(iris) + "\n", encoding="utf-8")
    manifest = {
        "generator_sha256": generator_hash(),
        "outcomes": n,
        "seed": seed,
        "file": str(path.relative_to(out)),
        "bytes": path.stat().st_size,
        "triples": w.triples,
        "triples_per_outcome": round(w.triples / max(n, 1), 1),
        "organizations": len(gen.used_orgs),
        "places": len(gen.used_places),
        "sha256": digest.hexdigest(),
        "seconds": round(time.perf_counter() - t0, 2),
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    if not quiet:
        print(json.dumps(manifest, indent=2))
    return manifest


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, help="number of outcomes")
    ap.add_argument("--out", type=Path, help="project folder to write (default benchmarks/out/p<N>)")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = ap.parse_args(argv)
    out = args.out or ROOT / "benchmarks" / "out" / f"p{args.n}"
    generate(args.n, out.resolve(), args.seed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

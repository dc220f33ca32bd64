"""Write data/regions.ttl: the UN M49 regions and sub-regions, and the countries in each.

Source: United Nations Statistics Division, "Standard country or area codes for
statistical use (M49)", https://unstats.un.org/unsd/methodology/m49/ (the
"Geographic regions" table). The table below is that classification, written
by hand, region -> sub-region -> ISO 3166-1 alpha-3 codes. Only the two upper
levels are kept (no intermediate regions such as Sub-Saharan Africa).

Every country of data/countries.ttl must be placed, except those M49 does not
classify (Antarctica; Taiwan is not listed separately in M49): the script
checks that and exits 1 otherwise. Run it again with --check to see that the
committed file is current.

    .venv/bin/python scripts/build_regions.py           # rewrite data/regions.ttl
    .venv/bin/python scripts/build_regions.py --check   # exit 1 if it is out of date

Model (SKOS only): each region and sub-region is a skos:Collection with its M49
code as skos:notation; a region's skos:member are its sub-regions, a
sub-region's skos:member are the countries (``{base}id/country/{alpha-3}``).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "data" / "regions.ttl"
COUNTRIES = ROOT / "data" / "countries.ttl"
BASE = "https://w3id.org/spkg/"
NOT_CLASSIFIED = {"ATA", "TWN"}

# (M49 code, name, [(sub-region code, name, alpha-3 codes)])
REGIONS = [
    ("002", "Africa", [
        ("015", "Northern Africa", "DZA EGY LBY MAR SDN TUN ESH"),
        ("014", "Eastern Africa", "IOT BDI COM DJI ERI ETH ATF KEN MDG MWI MUS MYT MOZ REU RWA SYC SOM SSD "
                                  "UGA TZA ZMB ZWE"),
        ("017", "Middle Africa", "AGO CMR CAF TCD COG COD GNQ GAB STP"),
        ("018", "Southern Africa", "BWA SWZ LSO NAM ZAF"),
        ("011", "Western Africa", "BEN BFA CPV CIV GMB GHA GIN GNB LBR MLI MRT NER NGA SHN SEN SLE TGO"),
    ]),
    ("019", "Americas", [
        ("029", "Caribbean", "AIA ATG ABW BHS BRB BES VGB CYM CUB CUW DMA DOM GRD GLP HTI JAM MTQ MSR PRI "
                             "BLM KNA LCA MAF VCT SXM TTO TCA VIR"),
        ("013", "Central America", "BLZ CRI SLV GTM HND MEX NIC PAN"),
        ("005", "South America", "ARG BOL BVT BRA CHL COL ECU FLK GUF GUY PRY PER SGS SUR URY VEN"),
        ("021", "Northern America", "BMU CAN GRL SPM USA"),
    ]),
    ("142", "Asia", [
        ("143", "Central Asia", "KAZ KGZ TJK TKM UZB"),
        ("030", "Eastern Asia", "CHN HKG MAC PRK JPN MNG KOR"),
        ("035", "South-eastern Asia", "BRN KHM IDN LAO MYS MMR PHL SGP THA TLS VNM"),
        ("034", "Southern Asia", "AFG BGD BTN IND IRN MDV NPL PAK LKA"),
        ("145", "Western Asia", "ARM AZE BHR CYP GEO IRQ ISR JOR KWT LBN OMN QAT SAU PSE SYR TUR ARE YEM"),
    ]),
    ("150", "Europe", [
        ("151", "Eastern Europe", "BLR BGR CZE HUN POL MDA ROU RUS SVK UKR"),
        ("154", "Northern Europe", "ALA DNK EST FRO FIN GGY ISL IRL IMN JEY LVA LTU NOR SJM SWE GBR"),
        ("039", "Southern Europe", "ALB AND BIH HRV GIB GRC VAT ITA MLT MNE MKD PRT SMR SRB SVN ESP"),
        ("155", "Western Europe", "AUT BEL FRA DEU LIE LUX MCO NLD CHE"),
    ]),
    ("009", "Oceania", [
        ("053", "Australia and New Zealand", "AUS NZL NFK HMD CXR CCK"),
        ("054", "Melanesia", "FJI NCL PNG SLB VUT"),
        ("057", "Micronesia", "GUM KIR MHL FSM NRU MNP PLW UMI"),
        ("061", "Polynesia", "ASM COK PYF NIU PCN WSM TKL TON TUV WLF"),
    ]),
]

HEADER = """\
# UN M49 geographic regions and sub-regions, and the countries in each.
#
# GENERATED FILE: do not edit by hand. Written by scripts/build_regions.py from the
# table in that script (run it with --check to verify this file).
#
# Source: United Nations Statistics Division, Standard country or area codes for
# statistical use (M49), https://unstats.un.org/unsd/methodology/m49/ (geographic
# regions). Antarctica and Taiwan are not classified there and are in no region.
# Key: the M49 code (id/region/142 is Asia).

@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
"""


def region_iri(code: str) -> str:
    return f"<{BASE}id/region/{code}>"


def country_iri(alpha3: str) -> str:
    return f"<{BASE}id/country/{alpha3.lower()}>"


def render() -> str:
    out = [HEADER]
    for code, name, subs in REGIONS:
        members = " ,\n        ".join(region_iri(c) for c, _, _ in subs)
        out.append(f"\n{region_iri(code)} a skos:Collection ;\n    rdfs:label \"{name}\"@en ;\n"
                   f"    skos:prefLabel \"{name}\"@en ;\n    skos:notation \"{code}\" ;\n"
                   f"    skos:member\n        {members} .\n")
        for sub_code, sub_name, codes in subs:
            members = " ,\n        ".join(country_iri(a) for a in sorted(codes.split()))
            out.append(f"\n{region_iri(sub_code)} a skos:Collection ;\n    rdfs:label \"{sub_name}\"@en ;\n"
                       f"    skos:prefLabel \"{sub_name}\"@en ;\n    skos:notation \"{sub_code}\" ;\n"
                       f"    skos:member\n        {members} .\n")
    return "".join(out)


def check_coverage() -> list[str]:
    known = set(re.findall(r'kg:isoAlpha3 "([A-Z]{3})"', COUNTRIES.read_text(encoding="utf-8")))
    placed: list[str] = [a for _, _, subs in REGIONS for _, _, codes in subs for a in codes.split()]
    problems = [f"{a} is placed twice" for a in sorted({a for a in placed if placed.count(a) > 1})]
    problems += [f"{a} is not an ISO 3166-1 code of data/countries.ttl" for a in sorted(set(placed) - known)]
    problems += [f"{a} is in no region" for a in sorted(known - set(placed) - NOT_CLASSIFIED)]
    return problems


def main(argv: list[str]) -> int:
    problems = check_coverage()
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    text = render()
    if "--check" in argv:
        if not OUT.exists() or OUT.read_text(encoding="utf-8") != text:
            print(f"{OUT.relative_to(ROOT)} is out of date: run scripts/build_regions.py", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The record's country: from the CPO code, else inferred from the text.

A CPO code starts with the country's ISO alpha-3 code (CHN302 is China). Regional
and global codes (RAF904 Africa, GLO371 global) name no country, and records
without a metadata line have no code: then the text is read for evidence, each
kind with a weight:

====================================================  ======
evidence                                              weight
====================================================  ======
"Government of Zambia", "Royal Government of ..."          3
a ministry or body known to belong to a country            3
  (the table below, and every organization of the graph
  that has a kg:country, development partners left out)
a government abbreviation ("GoM": Malawi, Mozambique,      2
  Myanmar or Mongolia: each candidate gets the weight)
the country's name ("in Malawi", "Zambia's")               2
a demonym ("Zambian", "Chinese")                           1
====================================================  ======

Mentions in a donor's context ("financed by the Government of Luxembourg",
"support of Irish Aid") count for nothing. The country with the highest score
wins if it has at least 3 and beats the next by at least 1; otherwise the
record gets no country and the report lists the candidates. An inferred country
is flagged (kg:countryInferred true) and its evidence is kept for the report.
"""

from __future__ import annotations

import re
from functools import lru_cache

from kg.ingest.catalog import Catalog, norm, plain
from kg.ingest.record import SECTIONS, Located, Record

# ILO regional and global codes that start CPO codes.
REGIONAL = {
    "RAF": "Africa", "RAS": "Asia and the Pacific", "RLA": "Latin America and the Caribbean",
    "RAB": "Arab States", "REU": "Europe and Central Asia", "RER": "Europe", "GLO": "global",
    "INT": "interregional",
}

# Government abbreviations seen in records, with the countries they may stand for.
_DONOR = re.compile(r"(financ\w*|fund\w*|donor\w*|support(?:ed)?|grant\w*|contribution\w*)\s+(?:\w+\s+){0,3}$", re.I)
_GOVERNMENT = re.compile(r"\b(?:Royal\s+)?Government\s+of\s+(?:the\s+)?$")


def assign(record: Record, catalog: Catalog) -> None:
    """Set ``record.country`` from its CPO code, or infer it from its text."""
    cpo = record.cpo_code
    if cpo is not None:
        prefix = cpo.value[:3]
        if prefix in catalog.countries:
            record.country = Located(prefix, cpo.line, cpo.file)
            record.country_inferred = False
            return
        if prefix in REGIONAL:
            reason = f"CPO code {cpo.value} is {REGIONAL[prefix]}, not a country"
        else:
            reason = f"CPO code {cpo.value} starts with {prefix!r}, which is no ISO 3166-1 country"
            record.warn(reason, field="cpo_code", line=cpo.line)
    else:
        reason = "the record gives no CPO code"
    infer(record, catalog, reason)


def infer(record: Record, catalog: Catalog, reason: str) -> None:
    scores: dict[str, int] = {}
    evidence: dict[str, list[Located[str]]] = {}

    def add(alpha3: str, weight: int, what: str, line: int | None) -> None:
        if alpha3 not in catalog.countries or weight <= 0:
            return
        scores[alpha3] = scores.get(alpha3, 0) + weight
        evidence.setdefault(alpha3, []).append(Located(what, line))

    for field in SECTIONS:
        value = getattr(record, field)
        if value is None:
            continue
        text = plain(value.value)
        lines = record.section_lines.get(field) or [value.line] * (text.count("\n") + 1)

        def line_at(pos: int) -> int | None:
            k = text.count("\n", 0, pos)
            return lines[k] if k < len(lines) else lines[-1] if lines else None

        for m in country_name_pattern(catalog).finditer(text):
            alpha3 = _alpha3(m.group(0), catalog)
            if alpha3 is None:
                continue
            before = text[max(0, m.start() - 60):m.start()]
            if re.search(r"ILO\s*/\s*$|/\s*$", before):
                continue  # "ILO/Japan Project": a donor's project, not where the outcome is
            if _GOVERNMENT.search(before):
                start = before.rfind("Government")
                donor = _DONOR.search(before[:start] if start >= 0 else before)
                add(alpha3, 0 if donor else 3, f"government: {before[start:].strip()} {m.group(0)}", line_at(m.start()))
            else:
                add(alpha3, 0 if _DONOR.search(before) else 2, f"country named: {m.group(0)}", line_at(m.start()))
        for abbreviation, candidates in catalog.government_abbreviations.items():
            if abbreviation not in text:
                continue
            for m in re.finditer(rf"\b{re.escape(abbreviation)}\b", text):
                for alpha3 in candidates:
                    add(alpha3, 2, f"government abbreviation: {abbreviation}", line_at(m.start()))
        for place, alpha3 in catalog.place_countries.items():
            if place not in text:
                continue
            for m in re.finditer(rf"(?<![\w-]){re.escape(place)}(?![\w-])", text):
                before = text[max(0, m.start() - 40):m.start()]
                add(alpha3, 0 if _DONOR.search(before) else 2, f"place in the country: {place}", line_at(m.start()))
        for name, (alpha3, full) in _bodies(catalog).items():
            if name not in text:  # a plain substring test first: the graph may know thousands of bodies
                continue
            if full is not None and full not in text and re.search(rf"\(\s*{re.escape(name)}\s*\)", text):
                continue  # "Social Security Corporation (SSC)": the text's own SSC, not Namibia's
            for m in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text):
                add(alpha3, 3, f"body of the country: {name}", line_at(m.start()))
        named: list[tuple[int, int]] | None = None
        for demonym, alpha3 in catalog.demonyms.items():
            if demonym not in text:
                continue
            for m in re.finditer(rf"\b{demonym}\b(?!-(?:funded|financed|sponsored|supported))", text):
                named = _named_bodies(text, catalog) if named is None else named
                if any(a <= m.start() < b for a, b in named):
                    continue  # "Irish Aid", "German Technical Cooperation": a body's name, counted as that body
                before = text[max(0, m.start() - 40):m.start()]
                add(alpha3, 0 if _DONOR.search(before) else 1, f"demonym: {demonym}", line_at(m.start()))

    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    lead = ranked[0][1] - (ranked[1][1] if len(ranked) > 1 else 0) if ranked else 0
    # a clear winner: 3 points ahead of nothing-or-less, or one plain mention with no rival at all
    if ranked and ((ranked[0][1] >= 3 and lead >= 1) or (ranked[0][1] >= 2 and len(ranked) == 1)):
        alpha3 = ranked[0][0]
        ev = evidence[alpha3]
        record.country = Located(alpha3, ev[0].line)
        record.country_inferred = True
        record.country_evidence = ev
        kinds = "; ".join(sorted({e.value for e in ev}))
        record.warn(f"{reason}; country inferred from the text: {catalog.countries[alpha3].name} ({kinds})",
                    field="country", line=ev[0].line,
                    hint="confirm or correct it in the curation file (correct: country: XXX)")
        return
    if ranked:
        candidates = ", ".join(f"{catalog.countries[a].name} ({s})" for a, s in ranked[:4])
        record.warn(f"{reason}, and the text does not settle the country: candidates {candidates}",
                    field="country", hint="give it in the curation file (correct: country: XXX)")
    else:
        record.warn(f"{reason}, and the text names no country", field="country",
                    hint="give it in the curation file (correct: country: XXX)")


def _named_bodies(text: str, catalog: Catalog) -> list[tuple[int, int]]:
    """Where ``text`` names a body the graph knows (any, donors too)."""
    out = []
    for org in catalog.organizations:
        if org.name and org.name in text:
            out.extend((m.start(), m.end()) for m in re.finditer(rf"(?<![\w-]){re.escape(org.name)}(?![\w-])", text))
    return out


def _alpha3(name: str, catalog: Catalog) -> str | None:
    return catalog.country_names.get(norm(name))


@lru_cache(maxsize=8)
def _names_cached(names: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = sorted(names, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(n) for n in alternatives) + r")(?![\w-])")


def country_name_pattern(catalog: Catalog) -> re.Pattern[str]:
    """Every country name and alias, longest first (so "Papua New Guinea" beats "Guinea")."""
    cached = catalog.__dict__.get("_country_names_pattern")
    if cached is None:
        names = {plain(n) for c in catalog.countries.values() for n in c.names}
        # Names that are ordinary English words or phrases mislead more than they help.
        names -= {"Jersey", "Chad", "Turkey", "Georgia"}
        cached = catalog.__dict__["_country_names_pattern"] = _names_cached(tuple(sorted(names)))
    return cached


def _bodies(catalog: Catalog) -> dict[str, tuple[str, str | None]]:
    """Names and acronyms of the bodies the graph knows a country of: name -> (country, None), acronym ->
    (country, the body's name). One that bodies of several countries bear ("NSSF", "Council of
    Ministers") says nothing about the country, and is left out."""
    cached = catalog.__dict__.get("_bodies")
    if cached is None:
        countries: dict[str, set[str]] = {}
        full: dict[str, str | None] = {}
        for org in catalog.organizations:
            if org.country and not org.donor:  # "Irish Aid" says who paid, not where
                if org.name:
                    countries.setdefault(org.name, set()).add(org.country)
                    full.setdefault(org.name, None)
                if org.acronym:
                    countries.setdefault(org.acronym, set()).add(org.country)
                    full.setdefault(org.acronym, org.name)
        cached = {n: (next(iter(cs)), full[n]) for n, cs in countries.items() if len(cs) == 1}
        catalog.__dict__["_bodies"] = cached
    return cached

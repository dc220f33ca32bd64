"""Mentions in a record's prose: organizations, policy instruments, places, dates, quantities.

These are suggestions, not facts: ingest writes them to the record's
suggestions graph, where a curator confirms or rejects them (see
:mod:`kg.ingest.curation`). Each mention keeps the words as written, the
section and the source line.

What is recognised, by kind:

organization
    a capitalised name whose head word is an organization word (Ministry,
    Federation, Academy, Council, Fund, Society, Government, ...), with the
    acronym in brackets after it when there is one ("Ministry of Human
    Resources and Social Security (MOHRSS)" gives name and acronym; the
    acronym's letters pick where the name starts); a bare acronym the graph
    already knows (ILO, MOHRSS) or that the record defines; a government
    abbreviation (GoM) when the country is known.
instrument
    a capitalised title whose head word is an instrument word (Law, Act,
    Decree, Strategy, Policy, Framework, Plan, Bill, Guiding Opinions,
    Memorandum of Understanding, ...), with its acronym and, when the same
    sentence gives one, its date.
place
    a country named in the text, and "in"/"at" followed by one or two
    capitalised words that are no month, organization or title ("in Beijing").
date
    "16 July 2021", "23rd July 2021", "25-27 August 2020" (its first day),
    "July 16, 2021", "16.07.2021" (day); "December 2020" (month); "in 2019"
    (year): each with its precision.
quantity
    a number with its unit: "3,145 Chinese workers", "70%", "approx. 30
    participants", "USD 2 million", "two seminars".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from kg.rdf import iris
from kg.ingest.catalog import Catalog, norm, plain
from kg.ingest.country import ALIASES, GOVERNMENT_ABBREVIATIONS, country_name_pattern
from kg.ingest.record import SECTIONS, Record

KINDS = ("organization", "instrument", "place", "date", "quantity")


@dataclass(frozen=True)
class Mention:
    kind: str  # one of KINDS
    text: str  # the words as written
    field: str  # the Record section it is in
    line: int | None
    key: str  # unique within the record and kind: the suggestion's id is "{kind}-{key}"
    name: str | None = None
    acronym: str | None = None
    value: str | None = None  # dates: ISO form at their precision; quantities: a decimal
    precision: str | None = None  # dates: day, month or year
    unit: str | None = None
    type_hint: str | None = None  # instrument type or organization type label
    country: str | None = None  # alpha-3: the country mentioned, or an organization's country
    date: str | None = None  # instruments: the day the same sentence gives
    start: int = 0  # offset in the section text

    @property
    def id(self) -> str:
        return f"{_SHORT[self.kind]}-{self.key}"


_SHORT = {"organization": "org", "instrument": "instrument", "place": "place", "date": "date", "quantity": "quantity"}

MONTHS = {m.lower(): i + 1 for i, m in enumerate(
    ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
     "November", "December"))}
MONTHS.update({"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
               "oct": 10, "nov": 11, "dec": 12})
WEEKDAYS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}

ORG_HEADS = {
    "ministry", "ministries", "department", "federation", "confederation", "union", "unions", "academy",
    "institute", "institution", "council", "commission", "committee", "agency", "organization", "organisation",
    "fund", "bank", "office", "authority", "association", "society", "centre", "center", "cooperation",
    "corporation", "board", "university", "government", "secretariat", "bureau", "parliament", "assembly",
    "chamber", "network", "alliance", "foundation", "trust", "aid",
}
INSTRUMENT_HEADS = {
    "law": "law", "act": "law", "code": "law", "decree": "decree", "sub-decree": "decree", "order": "decree",
    "ordinance": "decree", "proclamation": "decree", "regulation": None, "regulations": None,
    "resolution": None, "strategy": "strategy", "policy": None, "framework": "framework", "plan": None,
    "bill": None, "guidelines": None, "guideline": None, "manual": None, "memorandum": None, "roadmap": None,
    "constitution": None, "circular": None, "directive": None,
}
KNOWN_ORGS: dict[str, str | None] = {  # international bodies: name -> acronym
    "International Labour Organization": "ILO", "International Labour Office": "ILO",
    "United Nations Children's Fund": "UNICEF", "United Nations Children Fund": "UNICEF",
    "World Food Programme": "WFP", "United Nations Development Programme": "UNDP",
    "World Health Organization": "WHO", "Food and Agriculture Organization": "FAO",
    "International Monetary Fund": "IMF", "United Nations Population Fund": "UNFPA",
    "International Social Security Association": "ISSA", "European Union": "EU",
    "German Technical Cooperation": "GIZ", "Asian Development Bank": "ADB", "African Development Bank": "AfDB",
    "International Organization for Migration": "IOM", "UN Women": None, "World Bank": None, "Irish Aid": None,
}
INTERNATIONAL_ACRONYMS = {a for a in KNOWN_ORGS.values() if a} | {"UNHCR", "UNAIDS", "OECD", "UNESCO", "UNRWA"}
CONNECTORS = {"of", "on", "for", "and", "the", "in", "to", "&", "de", "du", "des", "la", "le", "et", "y", "del"}
PREPOSITIONS = {"of", "on", "for", "in", "to"}
LEADING = {
    "the", "a", "an", "on", "in", "at", "by", "for", "from", "with", "through", "among", "during", "after",
    "before", "since", "under", "this", "that", "these", "those", "its", "their", "his", "her", "our", "it",
    "further", "furthermore", "moreover", "most", "also", "both", "recently", "currently", "while", "as",
    "following", "then", "finally", "overall", "in addition", "besides", "via", "and", "to", "of",
}
NOT_PLACES = ORG_HEADS | set(INSTRUMENT_HEADS) | {
    "national", "social", "protection", "security", "labour", "labor", "development", "programme", "program",
    "project", "english", "french", "addition", "particular", "line", "order", "partnership", "collaboration",
    "consultation", "support", "response", "cooperation", "accordance", "total", "general", "practice",
    "turn", "terms", "view", "light", "place", "charge", "favour", "favor", "time", "recent", "phase", "step",
    "output", "outcome", "goal", "target", "indicator", "ilo", "un", "january", "step", "parallel", "sum",
}
STOP_UNITS = {
    "of", "in", "to", "for", "and", "or", "the", "a", "an", "with", "on", "at", "by", "from", "was", "were", "is",
    "are", "have", "has", "had", "which", "who", "that", "this", "these", "it", "its", "as", "be", "been", "per",
    "each", "than", "more", "less", "also", "such", "into", "across", "over", "under", "their", "they",
}
_NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                 "ten": 10, "eleven": 11, "twelve": 12, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
                 "hundred": 100}
_MULTIPLIERS = {"thousand": 1000, "million": 10**6, "billion": 10**9, "m": 10**6, "bn": 10**9}
_CURRENCIES = {"USD": "USD", "US$": "USD", "$": "USD", "EUR": "EUR", "€": "EUR", "CHF": "CHF", "GBP": "GBP",
               "£": "GBP", "dollars": "USD", "euros": "EUR"}
_REFERENCE_WORDS = re.compile(
    r"(?:\bNo\.?|\bDecree|\bLaw|\bArticle|\bArt\.|\bConvention|\bRecommendation|\bGoal|\bSDGs?|\bTarget|\bStep|"
    r"\bindicator|\bOutput|\bOutcome|\bPhase|\bChapter|\bSection|\bpage|\bpara\.?|\bAct|\bResolution)\s*$", re.I)

_MON = "|".join(sorted(MONTHS, key=len, reverse=True))
_DAY_FORMS = [
    re.compile(rf"(?<!\d)(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?:\s*(?:-|\u2013|to|and)\s*\d{{1,2}}(?:st|nd|rd|th)?)?"
               rf"\s+(?:of\s+)?(?P<m>{_MON})\.?,?\s+(?P<y>\d{{4}})(?!\d)", re.I),
    re.compile(rf"\b(?P<m>{_MON})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,\s+(?P<y>\d{{4}})(?!\d)", re.I),
    re.compile(r"(?<![\d.])(?P<d>\d{1,2})[./](?P<mn>\d{1,2})[./](?P<y>\d{4})(?!\d)"),
]
_MONTH_YEAR = re.compile(rf"\b(?P<m>{_MON})\.?,?\s+(?P<y>\d{{4}})(?!\d)", re.I)
_YEAR = re.compile(r"\b(?:in|since|by|until|from|during|early|late|mid-?|end of)\s+(?P<y>(?:19|20)\d{2})\b(?![-\u2013/]\d)",
                   re.I)
_PERCENT = re.compile(r"(?<![\w.,])(?P<n>\d+(?:\.\d+)?)\s?(?:%|per\s?cent\b|percent\b)")
_MONEY = [
    re.compile(r"(?P<cur>USD|US\$|EUR|CHF|GBP|\$|\u20ac|\u00a3)\s?(?P<n>\d[\d,]*(?:\.\d+)?)"
               r"(?:\s?(?P<mult>million|billion|thousand|bn|m)\b)?"),
    re.compile(r"(?<![\w.,])(?P<n>\d[\d,]*(?:\.\d+)?)(?:\s(?P<mult>million|billion|thousand))?\s(?P<cur>USD|EUR|CHF|"
               r"dollars|euros)\b"),
]
_NUMBER = re.compile(r"(?<![\w.,/\-])(?P<n>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:\s+(?P<mult>million|billion|thousand))?"
                     r"\s+(?P<unit>[A-Za-z][\w\u2019'/-]*(?:\s+[A-Za-z][\w\u2019'/-]*){0,2})")
_WORD_NUMBER = re.compile(r"\b(?P<w>" + "|".join(_NUMBER_WORDS) + r")\s+(?P<unit>[a-z][\w\u2019'/-]*"
                          r"(?:\s+[a-z][\w\u2019'/-]*){0,2})", re.I)
_PLACE = re.compile(r"\b(?:in|at)\s+(?P<p>[A-Z][\w\u2019'-]+(?:\s+[A-Z][\w\u2019'-]+)?)(?P<after>\s+[A-Z]|\w)?")
_TOKEN = re.compile(
    r"\((?P<pacr>[A-Z][A-Za-z&./-]{0,10})\)"
    r"|(?P<no>No\.\s?\d[\w/.-]*\w|No\.\s?\d)"
    r"|(?P<word>[^\W\d_](?:[\w\u2019'&./-]*\w)?)"
    r"|(?P<num>\d[\d,.]*)"
    r"|(?P<punct>\S)"
)


@dataclass(frozen=True)
class _Tok:
    kind: str  # pacr, no, word, num, punct
    text: str
    start: int
    end: int


def extract(record: Record, catalog: Catalog) -> list[Mention]:
    """Every mention in the record's sections, one per thing (its first occurrence), in a stable order."""
    found: dict[tuple[str, str], Mention] = {}
    defined: dict[str, str] = {}  # acronyms the record defines -> what they stand for
    for field in SECTIONS:
        value = getattr(record, field)
        if value is None:
            continue
        text = plain(value.value)
        lines = record.section_lines.get(field) or [value.line]
        section = _Section(field, text, lines, record, catalog, defined)
        for m in section.mentions():
            found.setdefault((m.kind, m.key), m)
    return sorted(found.values(), key=lambda m: (KINDS.index(m.kind), m.key))


class _Section:
    def __init__(self, field: str, text: str, lines: list[int], record: Record, catalog: Catalog,
                 defined: dict[str, str]) -> None:
        self.field, self.text, self.lines, self.record, self.cat = field, text, lines, record, catalog
        self.defined = defined
        self.tokens = [_tok(m) for m in _TOKEN.finditer(text)]

    def line(self, pos: int) -> int | None:
        if not self.lines:
            return None
        k = self.text.count("\n", 0, pos)
        return self.lines[min(k, len(self.lines) - 1)]

    def mentions(self) -> list[Mention]:
        dates = self.dates()
        spans = [(d.start, d.start + len(d.text)) for d in dates]
        names = self.names(dates)
        return names + self.places(names) + dates + self.quantities(spans)

    # -- names: organizations and instruments ------------------------------------------

    def names(self, dates: list[Mention]) -> list[Mention]:
        out: list[Mention] = []
        covered: list[tuple[int, int]] = []
        country = self.record.country.value if self.record.country else None
        for run, acronym in _runs(self.tokens):
            got = self._classify(run, acronym)
            if got is None:
                continue
            kind, words, type_hint = got
            start, end = words[0].start, words[-1].end
            name = _join(words, self.text)
            inner = [t for t in words if t.kind == "pacr"]
            if inner:  # "Monitoring and Evaluation (M&E) Framework": the name without the bracket
                name = " ".join(re.sub(r"\([^()]*\)", " ", name).split())
                acronym = acronym or inner[0]
            if acronym is not None and kind == "organization":
                self.defined[acronym.text] = name
            if acronym is not None and words[-1] is run[-1]:
                end = acronym.end
            covered.append((start, end))
            text = self.text[start:end]
            if kind == "organization":
                out.append(self._organization(name, acronym.text if acronym else None, text, start, type_hint))
            else:
                date = _nearest_day(dates, start, self.text)
                out.append(Mention(
                    "instrument", text, self.field, self.line(start), _instrument_key(name), name=name,
                    acronym=acronym.text if acronym and words[-1] is run[-1] else None, type_hint=type_hint,
                    country=country, date=date, start=start))
        # Bare acronyms: known to the graph, defined by the record, or a government's.
        known = self.cat.organization_acronyms
        for t in self.tokens:
            if t.kind != "word" or not _is_acronym(t.text) or any(a <= t.start < b for a, b in covered):
                continue
            if t.text in GOVERNMENT_ABBREVIATIONS:
                if country and country in GOVERNMENT_ABBREVIATIONS[t.text]:
                    name = f"Government of {self.cat.countries[country].name}"
                    out.append(Mention("organization", t.text, self.field, self.line(t.start), iris.slug(name),
                                       name=name, acronym=None, country=country, start=t.start))
                continue
            if t.text in self.defined:
                name = self.defined[t.text]
            elif t.text in known:
                name = known[t.text].name
            elif t.text in INTERNATIONAL_ACRONYMS:
                name = next((n for n, a in KNOWN_ORGS.items() if a == t.text), t.text)
            else:
                continue
            out.append(self._organization(name, t.text, t.text, t.start, None))
        return out

    def _organization(self, name: str, acronym: str | None, text: str, start: int, type_hint: str | None) -> Mention:
        country = None
        head = name.split(" of ")[0].split()[-1].lower() if name else ""
        record_country = self.record.country.value if self.record.country else None
        government = re.match(r"(?:Royal\s+)?Government\s+of\s+(?:the\s+)?(?P<c>.+)$", name)
        if government:
            country = ALIASES.get(government.group("c")) or self.cat.country_names.get(norm(government.group("c")))
        elif head in ("ministry", "ministries", "department") or name.startswith(("National ", "State ")):
            country = record_country
        if acronym in INTERNATIONAL_ACRONYMS or name in KNOWN_ORGS:
            type_hint = "International organization"
            country = None
        key = (acronym or name).lower() if acronym and not government else iris.slug(name)
        return Mention("organization", text, self.field, self.line(start), iris.slug(key), name=name,
                       acronym=acronym, type_hint=type_hint or _org_type(name), country=country, start=start)

    def _classify(self, run: list[_Tok], acronym: _Tok | None) -> tuple[str, list[_Tok], str | None] | None:
        words = _strip_leading(run, self.cat)
        if not words:
            return None
        if acronym is not None:
            words = _acronym_suffix(words, acronym.text) or words
        return _classify_words(words, self.cat)

    # -- places ---------------------------------------------------------------------------

    def places(self, names: list[Mention]) -> list[Mention]:
        out: list[Mention] = []
        taken = [(m.start, m.start + len(m.text)) for m in names]
        for m in country_name_pattern(self.cat).finditer(self.text):
            alpha3 = ALIASES.get(m.group(0)) or self.cat.country_names.get(norm(m.group(0)))
            if alpha3 is None:
                continue
            name = self.cat.countries[alpha3].name
            out.append(Mention("place", m.group(0), self.field, self.line(m.start()), iris.slug(name), name=name,
                               country=alpha3, start=m.start()))
        country = self.record.country.value if self.record.country else None
        for m in _PLACE.finditer(self.text):
            if m.group("after"):
                continue  # a longer capitalised name: a title or a body, not a place
            words = m.group("p").split()
            if any(w.lower().rstrip("s") in NOT_PLACES or w.lower() in NOT_PLACES or w.lower() in MONTHS
                   or w.lower() in WEEKDAYS or _is_acronym(w) for w in words):
                continue
            start = m.start("p")
            if any(a <= start < b for a, b in taken):
                continue
            name = m.group("p")
            if ALIASES.get(name) or self.cat.country_names.get(norm(name)):
                continue  # a country: read above
            out.append(Mention("place", name, self.field, self.line(start), iris.slug(name), name=name,
                               country=country, start=start))
        return out

    # -- dates ------------------------------------------------------------------------------

    def dates(self) -> list[Mention]:
        out: list[Mention] = []
        spans: list[tuple[int, int]] = []

        def free(a: int, b: int) -> bool:
            return not any(a < y and x < b for x, y in spans)

        for pattern in _DAY_FORMS:
            for m in pattern.finditer(self.text):
                month = int(m.group("mn")) if "mn" in m.groupdict() and m.group("mn") else MONTHS.get(
                    m.group("m").lower().rstrip(".")) if m.groupdict().get("m") else None
                if not free(m.start(), m.end()):
                    continue
                spans.append((m.start(), m.end()))  # an impossible day (31 February) is no date at all
                try:
                    day = dt.date(int(m.group("y")), month or 0, int(m.group("d")))
                except (TypeError, ValueError):
                    continue
                out.append(self._date(m.group(0), m.start(), day.isoformat(), "day"))
        for m in _MONTH_YEAR.finditer(self.text):
            if not free(m.start(), m.end()):
                continue
            month = MONTHS[m.group("m").lower().rstrip(".")]
            spans.append((m.start(), m.end()))
            out.append(self._date(m.group(0), m.start(), f"{int(m.group('y')):04d}-{month:02d}", "month"))
        for m in _YEAR.finditer(self.text):
            a, b = m.start("y"), m.end("y")
            if not free(a, b):
                continue
            spans.append((a, b))
            out.append(self._date(m.group("y"), a, m.group("y"), "year"))
        return out

    def _date(self, text: str, start: int, value: str, precision: str) -> Mention:
        return Mention("date", " ".join(text.split()), self.field, self.line(start), value, value=value,
                       precision=precision, start=start)

    # -- quantities -------------------------------------------------------------------------

    def quantities(self, dates: list[tuple[int, int]]) -> list[Mention]:
        out: list[Mention] = []
        spans = list(dates)

        def free(a: int, b: int) -> bool:
            return not any(a < y and x < b for x, y in spans)

        def add(text: str, start: int, value: Decimal, unit: str) -> None:
            spans.append((start, start + len(text)))
            v = _decimal_text(value)
            out.append(Mention("quantity", " ".join(text.split()), self.field, self.line(start),
                               iris.slug(f"{v} {unit}"), value=v, unit=unit, start=start))

        for m in _PERCENT.finditer(self.text):
            if free(m.start(), m.end()):
                add(m.group(0), m.start(), Decimal(m.group("n")), "percent")
        for pattern in _MONEY:
            for m in pattern.finditer(self.text):
                if free(m.start(), m.end()):
                    value = _number(m.group("n"), m.group("mult"))
                    if value is not None:
                        add(m.group(0), m.start(), value, _CURRENCIES[m.group("cur")])
        for m in _NUMBER.finditer(self.text):
            if not free(m.start(), m.end("n")):
                continue
            raw = m.group("n")
            if re.fullmatch(r"(19|20)\d{2}", raw) or _REFERENCE_WORDS.search(self.text[max(0, m.start() - 14):m.start()]):
                continue
            unit = _unit(m.group("unit"))
            value = _number(raw, m.group("mult"))
            if unit is None or value is None or unit.lower() in MONTHS:
                continue
            text = self.text[m.start():m.start("unit") + len(unit)]
            add(text, m.start(), value, unit)
        for m in _WORD_NUMBER.finditer(self.text):
            if not free(m.start(), m.end()):
                continue
            unit = _unit(m.group("unit"))
            if unit is None:
                continue
            text = self.text[m.start():m.start("unit") + len(unit)]
            add(text, m.start(), Decimal(_NUMBER_WORDS[m.group("w").lower()]), unit)
        return out


# -- tokens and runs --------------------------------------------------------------------------

def _tok(m: re.Match[str]) -> _Tok:
    kind = m.lastgroup or "punct"
    return _Tok(kind, m.group("pacr") if kind == "pacr" else m.group(0), m.start(), m.end())


def _is_acronym(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    upper = sum(c.isupper() for c in letters)
    return len(letters) >= 2 and upper >= 2 and upper / len(letters) >= 0.6 and word[0].isupper()


def _is_cap(t: _Tok) -> bool:
    if t.kind == "no":
        return True
    if t.kind != "word" or not t.text[0].isupper():
        return False
    low = t.text.lower().rstrip(".")
    return low not in MONTHS and low not in WEEKDAYS


def _is_conn(t: _Tok) -> bool:
    return t.kind in ("word", "punct") and t.text.lower() in CONNECTORS


def _runs(tokens: list[_Tok]) -> list[tuple[list[_Tok], _Tok | None]]:
    """Maximal runs of capitalised words (with connectors between them), and the (ACRONYM) right after."""
    runs: list[tuple[list[_Tok], _Tok | None]] = []
    n = len(tokens)
    i = 0
    while i < n:
        if not _is_cap(tokens[i]):
            i += 1
            continue
        end = i
        j = i + 1
        while j < n:
            t = tokens[j]
            if _is_cap(t) and tokens[j - 1].end == t.start - 1 or _is_cap(t) and tokens[j - 1].end == t.start:
                end, j = j, j + 1
                continue
            if _is_cap(t):
                # a capital after a line break or two spaces still continues the name
                end, j = j, j + 1
                continue
            if _is_conn(t):
                k = j
                while k < n and _is_conn(tokens[k]):
                    k += 1
                if k < n and _is_cap(tokens[k]):
                    end, j = k, k + 1
                    continue
                break
            if t.kind == "pacr" and j + 1 < n and _is_cap(tokens[j + 1]):
                end, j = j + 1, j + 2
                continue
            if t.text == "," and j + 1 < n and _is_cap(tokens[j + 1]) and _in_org_of_list(tokens[i:end + 1], tokens[j + 1]):
                end, j = j + 1, j + 2
                continue
            break
        acronym = tokens[end + 1] if end + 1 < n and tokens[end + 1].kind == "pacr" else None
        runs.append((tokens[i:end + 1], acronym))
        i = end + 1
    return runs


def _in_org_of_list(run: list[_Tok], following: _Tok) -> bool:
    """"Ministry of Economic Planning, Development and ...": a comma inside an organization's "of" list."""
    words = [t.text.lower() for t in run]
    return (any(w in ORG_HEADS and nxt == "of" for w, nxt in zip(words, words[1:]))
            and following.text.lower() not in ORG_HEADS)


def _strip_leading(run: list[_Tok], catalog: Catalog) -> list[_Tok]:
    words = list(run)
    while words and (words[0].text.lower() in LEADING or words[0].text.lower() in CONNECTORS
                     or _possessive_country(words[0], catalog)):
        words = words[1:]
    return words


def _possessive_country(t: _Tok, catalog: Catalog) -> bool:
    m = re.fullmatch(r"(?P<n>.+?)['\u2019]s", t.text)
    return bool(m) and (m.group("n") in ALIASES or norm(m.group("n")) in catalog.country_names)


def _classify_words(words: list[_Tok], catalog: Catalog) -> tuple[str, list[_Tok], str | None] | None:
    """("organization" | "instrument", the words of the name, a type label) or None."""
    texts = [t.text for t in words]
    if len(words) == 1 and (_is_acronym(texts[0]) or texts[0] in KNOWN_ORGS):
        return None  # bare acronyms are read separately
    joined = " ".join(texts)
    if joined in KNOWN_ORGS or norm(joined) in catalog.organization_names:
        return "organization", words, None
    # Head: the last capitalised word before the first preposition.
    head_end = next((k for k, t in enumerate(words) if t.text.lower() in PREPOSITIONS), len(words))
    head_words = [t for t in words[:head_end] if t.kind == "word"]
    if head_words:
        head = head_words[-1].text.lower()
        if head == "opinions" and len(head_words) >= 2 and head_words[-2].text.lower() == "guiding":
            return "instrument", words, "Guiding opinions"
        kind_type = _instrument_head(head)
        if kind_type is not None and len(words) >= 2:
            return "instrument", words, kind_type[1]
        if head in ORG_HEADS and len(words) >= 2:
            return "organization", words, None
        if head == "memorandum" and len(words) >= 3:
            return "instrument", words, None
    # "Consensus Building Matrix on the Social Protection Bill": try after each preposition.
    for k in range(head_end, len(words)):
        if words[k].text.lower() in PREPOSITIONS:
            rest = words[k + 1:]
            while rest and rest[0].text.lower() in ("the", "a", "an"):
                rest = rest[1:]
            if rest:
                got = _classify_words(rest, catalog)
                if got is not None:
                    return got
            break
    return None


def _instrument_head(head: str) -> tuple[str, str | None] | None:
    for word, itype in INSTRUMENT_HEADS.items():
        if head == word or head.endswith("-" + word):
            return word, {"law": "Law", "decree": "Decree", "strategy": "Strategy",
                          "framework": "Framework"}.get(itype or "")
    return None


def _acronym_suffix(words: list[_Tok], acronym: str) -> list[_Tok] | None:
    """The longest tail of ``words`` whose initials spell ``acronym`` (connectors optional)."""
    letters = [c.upper() for c in acronym if c.isalpha()]
    for k in range(len(words)):
        if not _is_cap(words[k]):
            continue
        if _spells(letters, [t.text for t in words[k:] if t.kind != "pacr"]):
            return words[k:]
    return None


def _spells(letters: list[str], words: list[str]) -> bool:
    memo: dict[tuple[int, int], bool] = {}

    def go(i: int, j: int) -> bool:
        if (i, j) in memo:
            return memo[(i, j)]
        if j == len(words):
            return i == len(letters)
        w = words[j]
        parts = [p for p in re.split(r"[-/]", w) if p]
        ok = False
        if w.lower() in CONNECTORS:
            ok = go(i, j + 1) or (i < len(letters) and w[0].upper() == letters[i] and go(i + 1, j + 1))
        else:
            # a word gives its initial, or the initials of its hyphenated parts
            if i < len(letters) and w[0].upper() == letters[i] and go(i + 1, j + 1):
                ok = True
            elif len(parts) > 1 and i + len(parts) <= len(letters) and all(
                    p[0].upper() == letters[i + q] for q, p in enumerate(parts)) and go(i + len(parts), j + 1):
                ok = True
        memo[(i, j)] = ok
        return ok

    return go(0, 0)


def _join(words: list[_Tok], text: str) -> str:
    return " ".join(text[words[0].start:words[-1].end].split())


def _org_type(name: str) -> str | None:
    low = name.lower()
    head = low.split(" of ")[0]
    if "ministry" in head or "ministries" in head:
        return "Government ministry"
    if "trade union" in low or ("federation" in head and "union" in low) or "confederation" in head:
        return "Trade union"
    if any(w in head for w in ("academy", "institute", "research")):
        return "Research institute"
    if "civil society" in low or any(head.endswith(w) for w in ("society", "association", "network", "alliance")):
        return "Civil society organization"
    return None


def _instrument_key(name: str) -> str:
    words = [w for w in iris.slug(name).split("-") if w and w not in CONNECTORS | {"a", "an"}]
    return "-".join(words[:8])


def _nearest_day(dates: list[Mention], pos: int, text: str) -> str | None:
    """The day a date in the same sentence gives, nearest to ``pos``."""
    start = max(text.rfind(". ", 0, pos), text.rfind("\n", 0, pos)) + 1
    ends = [e for e in (text.find(". ", pos), text.find("\n", pos)) if e >= 0]
    end = min(ends) if ends else len(text)
    days = [d for d in dates if d.precision == "day" and start <= d.start < end]
    if not days:
        return None
    return min(days, key=lambda d: abs(d.start - pos)).value


def _unit(raw: str) -> str | None:
    words = raw.split()
    out: list[str] = []
    for w in words:
        clean = w.strip("'\u2019")
        if clean.lower() in STOP_UNITS or not clean:
            break
        out.append(clean)
    if not out:
        return None
    if out[0][0].isupper() and (len(out) == 1 or not out[1][0].islower()):
        return None  # "30 September": a capitalised word alone is no unit
    return " ".join(out)


def _number(raw: str, mult: str | None) -> Decimal | None:
    try:
        value = Decimal(raw.replace(",", ""))
    except InvalidOperation:
        return None
    if mult:
        value *= _MULTIPLIERS[mult.lower()]
    return value


def _decimal_text(value: Decimal) -> str:
    return format(value.normalize(), "f")

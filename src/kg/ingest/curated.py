"""A checked record's prose facts, as its curation file lists them, read into an :class:`Extraction`.

A curator who has checked a record fact by fact against its text writes what it states under
``prose:`` in the record's curation file (the same fields as the gold files of the ingest's
scorer: organizations, instruments, events, research, population groups, funders, ILO
standards, each with the words that state it). Those facts then stand in for what extraction
found, and go through the same reconciliation and the same writer: one body keeps one IRI
across records, and every fact gets its evidence annotation from its ``quote``, located in the
record's verbatim text (a quote the text does not contain is an error naming its line).
"""

from __future__ import annotations

import re
from typing import Any

from kg.ingest.catalog import norm
from kg.ingest.extract import prose as prose_reader
from kg.ingest.extract.lexicon import known_in
from kg.ingest.extract.model import (
    CURATED,
    DateValue,
    Event,
    Evidence,
    Extraction,
    GroupMention,
    Instrument,
    Milestone,
    Organization,
    Research,
    RoleLink,
    StandardCitation,
)
from kg.ingest.record import Issue, Record
from kg.rdf import iris

#: The lists a ``prose:`` section may hold.
LISTS = ("organizations", "instruments", "events", "research", "population_groups", "funders", "ilo_standards")
_PRECISION = {4: "year", 7: "month", 10: "day"}


class _Reader:
    def __init__(self, record: Record, known_names: dict, known_acronyms: dict, countries: dict[str, str], file: str,
                 source: str, base: str) -> None:
        self.record = record
        self.base = base
        self.countries = countries  # norm(a country's name) -> alpha-3
        self.text = prose_reader.read(record)
        self.known_names = known_names
        self.known_acronyms = known_acronyms
        self.file = file
        self.source = source  # the curation file's text, to point at the line of a quote
        self.out = Extraction()
        # the bodies the graph's reference data describes: an id: naming one links to it
        self.known_iris = {k.iri for ks in [*known_names.values(), *known_acronyms.values()] for k in ks}
        self.names: dict[str, str] = {}  # norm(name or acronym) -> organization key

    def error(self, message: str, near: str | None = None, hint: str | None = None) -> None:
        self.record.issues.append(Issue("error", message, "curation", self.line_of(near), self.file, hint))

    def line_of(self, words: str | None) -> int | None:
        if not words:
            return None
        at = self.source.find(words[:40])
        return self.source.count("\n", 0, at) + 1 if at >= 0 else None

    def evidence(self, quote: Any, what: str) -> Evidence | None:
        """The words of ``quote`` where the record's text has them (in its prose first)."""
        if not isinstance(quote, str) or not quote.strip():
            self.error(f"{what}: give the record's words that state it as quote:", what)
            return None
        verbatim = self.record.text
        starts = [m.start() for m in re.finditer(re.escape(quote), verbatim)]
        if not starts:
            self.error(f"{what}: the record's text has no {quote[:60]!r}", quote,
                       hint="copy the words character for character from the record (its quotes, dashes, typos)")
            return None
        start = next((s for s in starts if self.text.section_at(s)), starts[0])
        return self.text.evidence(start, start + len(quote))

    def fixed(self, kind: str, key: Any) -> str | None:
        """The IRI of ``id:`` (a key such as pak-kp-social-protection-policy), which tells two things apart."""
        if not key:
            return None
        try:
            return iris.thing(kind, str(key), self.base)
        except ValueError as e:
            self.error(f"id: {e}", str(key))
            return None

    def date(self, d: Any, ev: Evidence, what: str) -> DateValue | None:
        if d in (None, "", {}):
            return None
        if not isinstance(d, dict):
            d = {"value": d}
        value = str(d.get("value") or d.get("start") or "")
        end = d.get("end")
        precision = d.get("precision") or _PRECISION.get(len(value))
        if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value) or precision not in ("day", "month", "year") \
                or _PRECISION.get(len(value)) != precision:
            self.error(f"{what}: {value!r} is no date at precision {precision!r} (2021-07-16 day, 2020-12 month, "
                       "2020 year)", value or what)
            return None
        return DateValue(value, precision, ev, str(end) if end else None)

    # -- organizations ---------------------------------------------------------------------------

    def organization(self, o: dict) -> None:
        name, acronym = o.get("name"), o.get("acronym")
        if not name and not acronym:
            self.error("an organization needs a name or an acronym", o.get("quote"))
            return
        ev = self.evidence(o.get("quote"), f"organization {name or acronym}")
        if ev is None:
            return
        key = acronym or iris.slug(name)
        org = self.out.organizations.get(key)
        if org is None:
            fixed = self.fixed("organization", o.get("id"))
            known = fixed if fixed in self.known_iris else self._known(name, acronym, o.get("country"))
            org = Organization(key, name, acronym, o.get("type"), o.get("country"), [ev],
                               names=list(o.get("names") or []), known=known, confidence=CURATED,
                               fixed_iri=None if known else fixed)
            self.out.organizations[key] = org
        for n in [name, acronym, *org.names]:
            if n:
                self.names.setdefault(norm(n), key)
        for role in o.get("roles") or []:
            self.out.roles.append(RoleLink(key, role, ev, CURATED))

    def _known(self, name: str | None, acronym: str | None, country: str | None) -> str | None:
        """The IRI of a body the graph's reference data describes (the ILO, ...), by name or acronym."""
        country = country or (self.record.country.value if self.record.country else None)
        k = known_in(self.known_names.get(norm(name), []), country) if name else None
        if k is None and acronym:
            k = known_in(self.known_acronyms.get(acronym, []), country)
        return k.iri if k is not None else None

    def org_key(self, name: Any, what: str, near: str | None) -> str | None:
        if not name:
            return None
        key = self.names.get(norm(str(name)))
        if key is None:
            self.error(f"{what}: {name!r} is not among the organizations: list it there (name, acronym, quote)",
                       near or str(name))
        return key

    # -- the other lists -------------------------------------------------------------------------

    def instrument(self, i: dict) -> None:
        title = i.get("title")
        ev = self.evidence(i.get("quote"), f"instrument {title}")
        if not title or ev is None:
            if not title:
                self.error("an instrument needs its title as written", i.get("quote"))
            return
        inst = Instrument(iris.slug(title)[:60], title, i.get("kind"), [ev], names=list(i.get("names") or []),
                          number=i.get("number"), groups=list(i.get("covers_groups") or []), confidence=CURATED,
                          about_outcome=str(i.get("outcome_instrument")).lower() == "true",
                          fixed_iri=self.fixed("instrument", i.get("id")), label=i.get("label"))
        for d in i.get("dates") or []:
            dev = self.evidence(d.get("quote"), f"date of {title}") or ev
            value = self.date(d, dev, f"date of {title}")
            if value is not None:
                inst.milestones.append(Milestone(d.get("event") or "adopted", value, dev, CURATED))
        for who in i.get("issuers") or []:
            key = self.org_key(who.get("org"), f"issuer of {title}", who.get("quote"))
            iev = self.evidence(who.get("quote"), f"issuer of {title}") or ev
            if key:
                inst.issuers.append(RoleLink(key, who.get("role") or "issuer", iev, CURATED))
        self.out.instruments.append(inst)

    def event(self, e: dict) -> None:
        ev = self.evidence(e.get("quote"), f"event {e.get('title') or e.get('kind')}")
        if ev is None:
            return
        event = Event(e.get("kind") or "meeting", ev, e.get("title"), e.get("topic"),
                      self.date(e.get("date"), ev, "event date"), e.get("place"),
                      _int(e.get("participants")), confidence=CURATED)
        for name in e.get("organizers") or []:
            key = self.org_key(name, "organizer", e.get("quote"))
            if key:
                event.organizers.append(RoleLink(key, "organizer", ev, CURATED))
        self.out.events.append(event)

    def research(self, r: dict) -> None:
        ev = self.evidence(r.get("quote"), f"research {r.get('title') or r.get('topic') or r.get('kind')}")
        if ev is None:
            return
        res = Research(r.get("kind") or "study", ev, r.get("title"), r.get("topic"),
                       self.date(r.get("date"), ev, "research date"), sample_size=_int(r.get("sample_size")),
                       sample=r.get("sample"), confidence=CURATED)
        for field_name, links, role in (("performer", res.performers, "researcher"),
                                        ("commissioner", res.commissioners, "commissioner"),
                                        ("funders", res.funders, "funder")):
            value = r.get(field_name)
            for name in value if isinstance(value, list) else [value] if value else []:
                key = self.org_key(name, f"{field_name} of a study", r.get("quote"))
                if key:
                    links.append(RoleLink(key, role, ev, CURATED))
        for c in r.get("composition") or []:
            cev = self.evidence(c.get("quote"), "sample composition") or ev
            try:
                res.composition.append((c["group"], float(c["share"]), cev))
            except (KeyError, TypeError, ValueError):
                self.error("sample composition: give group: and share: (0.70 for 70%)", c.get("quote"))
        self.out.research.append(res)

    def group(self, g: dict) -> None:
        ev = self.evidence(g.get("quote"), f"population group {g.get('key')}")
        if ev is not None and g.get("key"):
            self.out.groups.append(GroupMention(g["key"], ev, CURATED))

    def funder(self, f: dict) -> None:
        key = self.names.get(norm(str(f.get("name") or "")))
        if key is None:  # a funder named only as such ("With the support of Norway": its government)
            country = self.countries.get(norm(str(f.get("name") or "")))
            self.organization({"name": f.get("name"), "quote": f.get("quote"), "country": f.get("country") or country,
                               "type": f.get("type") or ("government" if country else None), "id": f.get("id")})
            key = self.names.get(norm(str(f.get("name") or "")))
        ev = self.evidence(f.get("quote"), f"funder {f.get('name')}")
        if key and ev is not None and not any(r.org == key and r.role == "funder" for r in self.out.roles):
            self.out.roles.append(RoleLink(key, "funder", ev, CURATED))

    def standard(self, s: dict) -> None:
        ev = self.evidence(s.get("quote"), f"ILO standard {s.get('code')}")
        code = str(s.get("code") or "")
        if not re.fullmatch(r"[CRP]\d{1,3}", code):
            self.error(f"ILO standard: {code!r} is no code such as C102 or R202", s.get("quote"))
        elif ev is not None:
            self.out.standards.append(StandardCitation(code, ev, s.get("event"), confidence=CURATED))


def _int(value: Any) -> int | None:
    try:
        return int(str(value).replace(",", "")) if value not in (None, "") else None
    except ValueError:
        return None


def extraction(prose: dict[str, Any], record: Record, known_names: dict, known_acronyms: dict,
               countries: dict[str, str], file: str, source: str, base: str) -> Extraction:
    """The curated ``prose`` of ``record`` as an Extraction; problems go to the record's issues."""
    reader = _Reader(record, known_names, known_acronyms, countries, file, source, base)
    for name in prose:
        if name not in LISTS:
            reader.error(f"prose: has no list {name!r}", f"{name}:", hint=f"use {', '.join(LISTS)}")
    for o in prose.get("organizations") or []:
        reader.organization(o)
    for f in prose.get("funders") or []:
        reader.funder(f)
    for i in prose.get("instruments") or []:
        reader.instrument(i)
    for e in prose.get("events") or []:
        reader.event(e)
    for r in prose.get("research") or []:
        reader.research(r)
    for g in prose.get("population_groups") or []:
        reader.group(g)
    for s in prose.get("ilo_standards") or []:
        reader.standard(s)
    return reader.out

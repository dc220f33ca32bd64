"""What extraction finds in a record's prose: typed facts, each with the words it came from.

Every fact carries :class:`Evidence` (character offsets into the record's verbatim
text and the words there) and a confidence: ``fact`` when the text states it plainly,
``suggestion`` when it is uncertain and a person should check it. Organizations are
referred to by their key within the record, so one body is one object whatever name
the text uses.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

FACT = "fact"
SUGGESTION = "suggestion"
CURATED = "curated"  # stated by a person's curation file: a fact, confirmed


@dataclass(frozen=True, order=True)
class Evidence:
    """The exact words a fact comes from: ``text == verbatim[start:end]``."""

    start: int
    end: int
    text: str
    section: str  # the record field the words are in: achievement, ilo_contribution, ...


@dataclass(frozen=True)
class DateValue:
    """A date at the precision the text gives: ``2021-07-16`` (day), ``2020-12`` (month), ``2020`` (year).

    ``end`` is the last day, month or year of a range ("25-27 August 2020"), at the same precision.
    """

    value: str
    precision: str  # day | month | year
    evidence: Evidence
    end: str | None = None

    @property
    def earliest(self) -> dt.date:
        return _first_day(self.value, self.precision)

    @property
    def latest(self) -> dt.date:
        return _last_day(self.end or self.value, self.precision)


def _first_day(value: str, precision: str) -> dt.date:
    parts = [int(p) for p in value.split("-")]
    if precision == "year":
        return dt.date(parts[0], 1, 1)
    if precision == "month":
        return dt.date(parts[0], parts[1], 1)
    return dt.date(*parts)


def _last_day(value: str, precision: str) -> dt.date:
    parts = [int(p) for p in value.split("-")]
    if precision == "year":
        return dt.date(parts[0], 12, 31)
    if precision == "month":
        return dt.date(parts[0], parts[1], calendar.monthrange(parts[0], parts[1])[1])
    return dt.date(*parts)


@dataclass
class Milestone:
    """What happened to an instrument (or a standard) on a date: adopted on 1 April 2020."""

    type: str  # a milestone-type key: adopted, approved, entered-into-force, ...
    date: DateValue | None
    evidence: Evidence
    confidence: str = FACT
    by: list[str] = field(default_factory=list)  # organization keys that did it


@dataclass
class RoleLink:
    """An organization in a role, with the words that say so."""

    org: str  # organization key within the record
    role: str  # a role key: issuer, lead-issuer, funder, researcher, ...
    evidence: Evidence
    confidence: str = FACT


@dataclass
class Organization:
    key: str  # within the record: the acronym or a slug of the name
    name: str | None
    acronym: str | None
    type: str | None  # an organization-type key
    country: str | None  # alpha-3 of a national body
    evidence: list[Evidence] = field(default_factory=list)  # every mention
    names: list[str] = field(default_factory=list)  # other names used for it
    known: str | None = None  # the IRI of the body when the graph already describes it
    confidence: str = FACT
    fixed_iri: str | None = None  # the IRI a curation file gives it (a body the graph does not describe yet)

    @property
    def label(self) -> str:
        return self.name or self.acronym or self.key


@dataclass
class Instrument:
    key: str
    title: str  # as written
    kind: str | None  # an instrument-type key
    evidence: list[Evidence] = field(default_factory=list)
    names: list[str] = field(default_factory=list)  # other names: acronym, short forms
    number: str | None = None
    milestones: list[Milestone] = field(default_factory=list)
    issuers: list[RoleLink] = field(default_factory=list)
    issuer_count: int | None = None  # "MOHRSS and seven other departments": 8
    groups: list[str] = field(default_factory=list)  # population-group keys it covers
    confidence: str = FACT
    about_outcome: bool = False  # the instrument the outcome is about (named in the summary or first)
    fixed_iri: str | None = None  # the IRI a curation file gives it (two laws of one title in one country)
    label: str | None = None  # the display label a curation file gives it (when its title does not tell it apart)


@dataclass
class Event:
    kind: str  # an event-type key
    evidence: Evidence
    title: str | None = None
    topic: str | None = None
    date: DateValue | None = None
    place: str | None = None
    participants: int | None = None
    count: int | None = None  # "two seminars", "8 tripartite consultations"
    organizers: list[RoleLink] = field(default_factory=list)
    confidence: str = FACT


@dataclass
class Research:
    kind: str  # a research-type key
    evidence: Evidence
    title: str | None = None
    topic: str | None = None
    date: DateValue | None = None
    performers: list[RoleLink] = field(default_factory=list)
    commissioners: list[RoleLink] = field(default_factory=list)
    funders: list[RoleLink] = field(default_factory=list)
    sample_size: int | None = None
    sample: str | None = None
    composition: list[tuple[str, float, Evidence]] = field(default_factory=list)  # (group key, share, words)
    confidence: str = FACT
    # Its agents are stated plainly ("conducted by", "provided technical support to complete"), not inferred.
    agents_stated: bool = False
    # The words of its other mentions, merged into this one ("a review has been conducted" … "the review was prepared")
    mentions: list[Evidence] = field(default_factory=list)


@dataclass(frozen=True)
class GroupMention:
    key: str  # a population-group key
    evidence: Evidence
    confidence: str = FACT


@dataclass
class StandardCitation:
    code: str  # C102, R202
    evidence: Evidence
    milestone: str | None = None  # ratified, ...
    date: DateValue | None = None
    confidence: str = FACT


@dataclass
class CountryFinding:
    code: str | None  # alpha-3
    method: str  # cpo | named | inferred | none
    evidence: list[Evidence] = field(default_factory=list)
    confidence: str = FACT
    candidates: list[tuple[str, float]] = field(default_factory=list)


@dataclass
class Extraction:
    """Everything extraction found in one record."""

    organizations: dict[str, Organization] = field(default_factory=dict)
    instruments: list[Instrument] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    research: list[Research] = field(default_factory=list)
    groups: list[GroupMention] = field(default_factory=list)
    standards: list[StandardCitation] = field(default_factory=list)
    roles: list[RoleLink] = field(default_factory=list)  # organizations' roles in the outcome
    country: CountryFinding | None = None

    def funders(self) -> list[RoleLink]:
        return [r for r in self.roles if r.role == "funder"]

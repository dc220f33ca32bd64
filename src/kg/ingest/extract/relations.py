"""How the things a record names relate: when an instrument was adopted and by whom, who
funded, organised or carried out what, which events and studies took place, which groups
and standards the text concerns.

Each rule reads one sentence (a clause where the sentence lists several with ";") and
keeps the words it relied on as evidence. A relation the words state plainly (a milestone
verb next to its date, "funded by" before a body) is a fact; one read from looser
co-occurrence is a suggestion. The verbs and cue phrases are the hidden labels of the
lexicon's milestone, role, event and research code lists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.ingest.catalog import norm
from kg.ingest.extract.dates import Spotted
from kg.ingest.extract.entities import Things, slug
from kg.ingest.extract.lexicon import Lexicon, key as lex_key, phrase_pattern
from kg.ingest.extract.model import (
    FACT,
    DateValue,
    SUGGESTION,
    Event,
    Evidence,
    GroupMention,
    Instrument,
    Milestone,
    Organization,
    Research,
    RoleLink,
    StandardCitation,
)
from kg.ingest.extract.names import CONNECTORS
from kg.ingest.extract.prose import Prose, Sentence

# Milestones that make the body that did them the instrument's issuer; drafting makes a drafter.
ISSUING = {"issued", "adopted", "approved", "enacted", "passed", "signed", "endorsed", "validated", "ratified"}
DRAFTING = {"drafted", "developed", "finalized"}
# Auxiliaries before a participle: "was adopted", "has been approved" (passive: the agent follows "by").
_PASSIVE = re.compile(r"\b(?:was|were|is|are|been|being|be|get|got)\s+(?:\w+ly\s+)?$", re.I)
_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                 "ten": 10, "eleven": 11, "twelve": 12, "a dozen": 12, "several": None}
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "final": None, "last": None}
_PARTICIPANTS = re.compile(r"(?:approx(?:imately|\.)?\s*|about\s+|around\s+|some\s+|over\s+|more than\s+)?"
                           r"(\d[\d,]*)\s+(?:participants|attendees|people attended|persons)", re.I)
_SAMPLE = re.compile(r"\b(?:of|with|among|covering|interviewing|reaching)\s+(?:about\s+|some\s+|over\s+|around\s+)?"
                     r"(\d{1,3}(?:,\d{3})+|\d{2,7})\s+([^,;.()]{3,80}?)(?=\s*(?:\(|,|;|\.|\bwhich\b|\bwho\b|\bto\b|$))", re.I)
_SHARE = re.compile(r"(\d{1,3}(?:\.\d+)?)\s*(?:%|per\s*cent|percent)\s+(?:were|are|of them (?:were|are)|being)?\s*"
                    r"([a-z][a-z\- ]{2,60})", re.I)
_TOPIC = re.compile(r"^\s*(?:on|of|about|regarding|concerning|to assess|to review|assessing|for|sur|sobre)\s+"
                    r"(?P<topic>[^,;.()]{4,160})", re.I)
_COORDINATED_GROUP = re.compile(r"\b(?P<first>[a-z][\w\-]+)\s+(?:and|or)\s+(?P<second>[a-z][\w\-]+(?:[\s\-]based)?)\s+"
                                r"(?P<noun>workers|households|people|persons|families|employees|women|children)\b")
# "X commissioned Y to conduct …", "X requested the ILO to undertake …": X commissioned the work, Y did it
_COMMISSION = re.compile(r"\b(?P<verb>commissioned)\s+(?:the\s+)?$|\b(?P<verb2>commissioned|requested|asked|engaged|contracted|"
                         r"mandated|tasked|invited)\s+(?:the\s+)?(?P<rest>.{0,140}?)\s+to\s+(?:carry out|conduct|undertake|prepare|"
                         r"develop|do|perform|update|draft|produce)\b[^.;]*$", re.I)
# A work word right after "under" names a state ("under review"), and after "for", "pending" with its "by" a step of
# another body ("for review by the Cabinet"), not a piece of work: no article or other word stands between.
_BARE_WORK = re.compile(r"\b(under|for|pending)\s+$", re.I)
# Between a date and a verb: the verb opens a second predicate of the same subject ("…in 2016, and launched")
# What may stand before a cue that opens its sentence: "In 2020, with funding from …", "Also, in collaboration with …"
_OPENING = re.compile(r"(?i)\s*(?:(?:also|moreover|furthermore|in addition|additionally|in\s+(?:\w+\s+)?(?:19|20)\d\d|"
                      r"since\s+(?:19|20)\d\d)\s*,?\s*)?")
_JOINED_BY_AND = re.compile(r"\s*(?:,\s*)?(?:and|but)\s+(?:(?:then|later|subsequently|was|were|has been|had been|also|"
                            r"finally|eventually)\s+)*", re.I)
_JOINED_PREDICATE = re.compile(r"\s*,\s*(?:and|but)\s+(?:(?:then|later|subsequently|was|were|has been|had been|also)\s+)*",
                               re.I)
# Verbs whose subject did (or commissioned, or funded) the work named after them, in any tense; not one hyphened to
# the word before, an adjective ("Under the EU-funded project, the ILO conducted": the ILO's verb is "conducted")
_DOING = re.compile(r"(?<![\w-])(conduct(?:ed|s|ing)?|carr(?:ied|ies|ying|y)\s+out|undert(?:ook|akes|aking|aken|ake)|develop(?:ed|s|ing)?|"
                    r"prepar(?:ed|es|ing|e)|produc(?:ed|es|ing|e)|complet(?:ed|es|ing|e)|finali[sz](?:ed|es|ing|e)|"
                    r"launch(?:ed|es|ing)|initiat(?:ed|es|ing|e)|led|leads|leading|did|perform(?:ed|s|ing)?|made|"
                    r"draft(?:ed|s|ing)|elaborat(?:ed|es|ing|e)|wrote|writes|authored|commission(?:ed|s|ing)|"
                    r"fund(?:ed|s|ing)|financ(?:ed|es|ing)|sponsor(?:ed|s|ing)|support(?:ed|s|ing)|provid(?:ed|es|ing)|"
                    r"deliver(?:ed|s|ing)|present(?:ed|s|ing))\b[^.;]{0,60}$", re.I | re.S)
# Between a possessor and its work: "'s" and up to three describing words ("the ILO's recent actuarial …")
_POSSESSED = re.compile(r"['’]s\s+(?:(?!(?:support|request|assistance|help|contribution|inputs?|comments?|advice|on|of|for|"
                        r"to|and|the|a|an|with|in)\b)[\w-]+\s+){0,3}", re.I)
# Auxiliaries and adverbs between a subject and its verb: "has also jointly", "was recently"
_AUXILIARIES = re.compile(r"(?:\b(?:has|have|had|was|were|is|are|will|would|also|jointly|then|further|been|being|currently|"
                          r"already|later|together|\w+ly)\s+)*$", re.I)
# An insertion set off by commas between a subject and its verb: ", with ILO support,", ", in collaboration with UNICEF,"
_INSERTION = re.compile(r",\s*(?:with|in|through|together|jointly|under|thanks|supported|assisted|funded|financed|backed|"
                        r"alongside|as|on behalf|since|after|following|during)\b[^,;]{0,120},\s*$", re.I)
# People of a body between a cue and the body: "trained 50 staff of the Social Security Fund"
_PEOPLE_OF_BODY = (r"\s*(?:the\s+)?(?:\d[\d,]*\s+|some\s+|several\s+|senior\s+|key\s+|technical\s+)*(?:staff|officials|officers|"
                   r"members|representatives|employees|delegates|personnel|experts|managers|inspectors|specialists)\s+"
                   r"(?:of|from)\s+(?:the\s+)?")
# Words before an instrument that make it what a verb's work rests on, not its object: "draft legislation was developed
# on the basis of the policy paper", "regulations drafted in line with the Law"
_NOT_OBJECT = re.compile(r"\b(?:on\s+the\s+basis\s+of|based\s+on|in\s+line\s+with|in\s+accordance\s+with|pursuant\s+to|"
                         r"in\s+conformity\s+with|consistent\s+with|as\s+provided\s+(?:for\s+)?(?:in|by)|under)\b", re.I)
_PREPOSITION_BEFORE = re.compile(r"\b(?:by|through|under|in|with|of|for|to|from|on|at|into|within|per|towards?)\s+"
                                 r"(?:the\s+|a\s+|an\s+|its\s+|their\s+)?$", re.I)
_GENERIC_DET = re.compile(r"\b(?:this|that|these|those|the said|such|the|its|their)\s+(?:\w+\s+)?$", re.I)


@dataclass
class Span:
    start: int
    end: int
    kind: str  # org | instrument | date | milestone | role | event | research | country | place
    ref: object = None
    text: str = ""


def _relation_tables(lex: Lexicon) -> dict:
    """The lexicon's words by kind with their phrase patterns, as Relations reads them."""
    t: dict = {}
    t["milestone_of"] = {lex_key(w): k for k, c in lex.milestones.items() for w in [c.label, *c.words]}
    t["milestone_re"] = phrase_pattern(t["milestone_of"])
    t["role_of"] = {lex_key(w): k for k, c in lex.roles.items() for w in c.words}
    t["role_re"] = phrase_pattern(t["role_of"])
    t["verb_role_of"] = {lex_key(w): k for k, c in lex.roles.items() for w in c.verbs}
    t["verb_role_re"] = phrase_pattern(t["verb_role_of"])
    t["event_of"] = lex.word_index("event_types")
    t["event_re"] = phrase_pattern(t["event_of"])
    t["research_of"] = lex.word_index("research_types")
    t["research_re"] = phrase_pattern(t["research_of"])
    t["group_of"] = lex.word_index("groups")
    t["group_re"] = phrase_pattern(t["group_of"])
    t["standard_of"] = {lex_key(w): k for k, c in lex.standards.items() for w in [c.label, *c.words]}
    t["standard_re"] = phrase_pattern(t["standard_of"])
    # "The strategy has been submitted …": a type's own name after "the" is the one instrument of that type
    t["org_types_of"] = {w: keys for w, keys in lex.head_index("organization_types").items()}
    t["kind_of_head"] = {c.label.lower(): c.key for c in lex.instrument_types.values()
                         if re.fullmatch(r"[a-z\-]+", c.label.lower())}
    t["anaphora_re"] = re.compile(r"\b(?:the|this|that)\s+(?:new\s+|said\s+|above\s+)?(" + "|".join(
        map(re.escape, sorted(t["kind_of_head"], key=len, reverse=True))) + r")\b(?!\s+(?:of|on|for|to|and|in|reform|reforms|revision|amendments?|drafting|formulation|review|"
        r"process|committee|team|implementation|development)\b|[-’'])",
        re.I) if t["kind_of_head"] else None
    return t


class Relations:
    def __init__(self, prose: Prose, lex: Lexicon, things: Things, spotted: list[Spotted],
                 record_country: str | None, definitions: dict | None = None) -> None:
        self.prose = prose
        self.definitions = definitions or {}
        self.lex = lex
        self.things = things
        self.dates = spotted
        self.country = record_country
        tables = lex.__dict__.get("_relation_tables")
        if tables is None:  # the word tables and their patterns: made once per lexicon, not once per record
            tables = lex.__dict__["_relation_tables"] = _relation_tables(lex)
        self.__dict__.update(tables)
        self.roles: list[RoleLink] = []
        self.events: list[Event] = []
        self.research: list[Research] = []
        self.groups: list[GroupMention] = []
        self.standards: list[StandardCitation] = []
        self.used_dates: set[int] = set()

    # -- the spans of one sentence -----------------------------------------------------------

    def spans(self, s: Sentence) -> list[Span]:
        out: list[Span] = []
        for (a, b), key in self.things.org_at.items():
            if s.start <= a < s.end:
                out.append(Span(a, b, "org", key, self.prose.verbatim[a:b]))
        for (a, b), inst in self.things.instrument_at.items():
            if s.start <= a < s.end:
                out.append(Span(a, b, "instrument", inst, self.prose.verbatim[a:b]))
        for m in self.things.other:
            if s.start <= m.name.start < s.end and m.kind == "country":
                out.append(Span(m.name.start, m.name.end, "country", m.country, m.name.text))
        for d in self.dates:
            if s.start <= d.start < s.end:
                out.append(Span(d.start, d.end, "date", d, d.date.evidence.text))
        out.extend(self._anaphora(s, out))
        return sorted(out, key=lambda x: x.start)

    def _anaphora(self, s: Sentence, spans: list[Span]) -> list[Span]:
        """"The strategy", "this law": the record's one instrument of that type named before, if only one is.
        "It was designed by …": the one instrument the sentence before opens with."""
        out = []
        it = re.match(r"It\s+(?:was|were|has|had|is|will|would)\b", s.text)
        # "This tool was adopted by …", "The document was validated …": a word for any text, the one the sentence
        # before names
        this = re.match(r"(?P<w>(?:This|The|That)\s+(?:new\s+|final\s+)?(?:tool|document|instrument|text))\s+(?:was|were|has|"
                        r"had|is|will|would)\b", s.text)
        if it or this:
            before = [x for x in self.prose.sentences if x.end <= s.start and x.section == s.section]
            if before:
                prev = before[-1]
                named = {id(inst): inst for (a, _), inst in self.things.instrument_at.items() if prev.start <= a < prev.end}
                opening = [a for (a, _), inst in self.things.instrument_at.items() if prev.start <= a < prev.start + 60]
                if len(named) == 1 and (opening or this):
                    end = s.start + (2 if it else this.end("w"))
                    out.append(Span(s.start, end, "instrument", next(iter(named.values())), self.prose.verbatim[s.start:end]))
        if self.anaphora_re is None:
            return out
        for m in self.anaphora_re.finditer(s.text):
            a, b = s.start + m.start(1), s.start + m.end(1)
            if any(x.start < b and a < x.end for x in spans):
                continue
            kind = self.kind_of_head[m.group(1).lower()]
            before = {id(inst): inst for (x, _), inst in self.things.instrument_at.items() if x < a and inst.kind == kind}
            if len(before) == 1:
                inst = next(iter(before.values()))
                out.append(Span(s.start + m.start(), b, "instrument", inst, self.prose.verbatim[s.start + m.start():b]))
        return out

    def _inside_name(self, a: int, b: int, spans: list[Span]) -> bool:
        return any(x.kind in ("org", "instrument") and x.start <= a and b <= x.end for x in spans)

    def _clause(self, s: Sentence, pos: int) -> tuple[int, int]:
        """The clause of a sentence around ``pos``: between semicolons or list markers ("(ii)")."""
        text = s.text
        rel = pos - s.start
        left = max(text.rfind(";", 0, rel), _last_marker(text, rel))
        right_candidates = [i for i in (text.find(";", rel), _next_marker(text, rel)) if i >= 0]
        right = min(right_candidates) if right_candidates else len(text)
        return s.start + left + 1, s.start + right

    # -- the whole record ---------------------------------------------------------------------

    def run(self) -> None:
        for s in self.prose.sentences:
            spans = self.spans(s)
            self.milestones(s, spans)
            self.role_cues(s, spans)
            self.verb_roles(s, spans)
            self.research_in(s, spans)
            self.events_in(s, spans)
            self.groups_in(s, spans)
            self.standards_in(s, spans)
        self._ordinal_events()
        self._merge_research()
        self._merge_events()
        self._possessives()
        self._ilo_support()

    # -- instruments: milestones and issuers ----------------------------------------------------

    def milestones(self, s: Sentence, spans: list[Span]) -> None:
        if self.milestone_re is None:
            return
        instruments = [x for x in spans if x.kind == "instrument"]
        if not instruments:
            return
        # "a 2014 Draft SP Policy", "the 2019 Labour Act": a year before a title is the year it was made
        for x in instruments:
            year = next((d for d in spans if d.kind == "date" and d.ref.date.precision == "year" and not d.ref.date.end
                         and re.fullmatch(r"\s+", self.prose.verbatim[d.end:x.start] or "-")
                         and re.search(r"\b(?:the|a|an|its|their)\s+$", self.prose.verbatim[max(s.start, d.start - 8):d.start],
                                       re.I)), None)
            if year is not None:
                kind = "drafted" if re.match(r"(?i)draft\b", x.ref.title) or x.ref.kind == "bill" else "adopted"
                self._add_milestone(x.ref, Milestone(kind, year.ref.date, self.prose.evidence(year.start, x.end), FACT))
                self.used_dates.add(year.start)
        for m in self.milestone_re.finditer(s.text):
            a, b = s.start + m.start(), s.start + m.end()
            if self._inside_name(a, b, spans):
                continue
            mtype = self.milestone_of[lex_key(m.group(0))]
            if m.group(0).lower() == "started" and re.match(r"\s+(?:to\s+[a-z]+|[a-z]{3,}ing)\b", s.text[m.end():]):
                continue  # "the Board started registering employers": another activity begins, nothing is launched
            if self._draft_adjective(m.group(0), b):
                continue  # "validated the draft Social Security Strategy in March 2021": a draft's adjective, no verb
            lo, hi = self._clause(s, a)
            # "the Strategy 2016-2024": a span of years is the period it covers, not the day something happened
            # but "developed ... during 2018-2019" says when it was done: the span after "during" dates the verb
            dated = [x for x in spans if not (x.kind == "date" and x.ref.date.precision == "year" and x.ref.date.end)
                     or re.search(r"\b(?:during|throughout|over the (?:years|period))\s+(?:the\s+(?:years?|period)\s+)?$",
                                  self.prose.verbatim[max(s.start, x.start - 30):x.start], re.I)]
            # "Law No. 5 of 2010 ... approved in May 2020": the year a title bears is its name, not the verb's date
            # (an act made with no other date is dated by its title's year below)
            dated = [x for x in dated if not (x.kind == "date" and self._inside_name(x.start, x.end, spans))]
            # "developed a strategic plan, launched on 1 July 2017": a date past another verb of its own is that verb's
            own = [x for x in dated if not (x.kind == "date" and self._other_verb_between(s, m, x))]
            # "was developed in December 2016, and launched in February 2017": a date before ", and" closes the first
            # of two joined predicates; the verb after it has its own date or none
            own = [x for x in own if not (x.kind == "date" and x.end <= a and _JOINED_PREDICATE.fullmatch(
                self.prose.verbatim[x.end:a]))]
            # "was validated in August 2021 and adopted by the Government in January 2022": a date before "and" and a
            # verb that has a date of its own after it is the first predicate's
            if any(x.kind == "date" and b <= x.start < hi and self._gap(x, a, b, spans) < 60 for x in own):
                own = [x for x in own if not (x.kind == "date" and x.end <= a and _JOINED_BY_AND.fullmatch(
                    self.prose.verbatim[x.end:a]))]
            date = self._nearest_date(own, a, b, lo, hi, 90)
            if date is None:  # a date past a long "by" or "with the support of" phrase: read as close as its gap says
                later = self._nearest_date(own, a, b, b, hi, 160)
                if later is not None and self._gap(later, a, b, spans) < 60 and not self._other_verb_between(s, m, later):
                    date = later
            close = date is not None and self._gap(date, a, b, spans) < 60
            if not close:  # "On 16 July 2021, ... issued": a date that opens the clause is its verbs'
                leading = self._leading_date(dated, lo, hi)
                date, close = (leading, True) if leading is not None else (date, False)
            target = self._instrument_for(s, spans, a, b, lo, hi)
            if target is None:
                continue
            inst: Instrument = target.ref
            made_before = (len(inst.milestones), len(inst.issuers))
            passive = bool(_PASSIVE.search(self.prose.verbatim[max(s.start, a - 25):a])) or \
                (target.end <= a and self.prose.verbatim[target.end:a].strip(" ,") == "")
            # "undertook an assessment of the establishment of the scheme": a noun has no subject of its own
            nominal = not re.search(r"(?:ed|en|ne)$", m.group(0).split()[0].lower())
            agents = self._agents(s, spans, a, b, lo, hi, passive or nominal, target)
            if date is None and not agents:
                continue
            ev = self.prose.evidence(min(a, target.start, date.start if date else a),
                                     max(b, target.end, date.end if date else b))
            confidence = FACT if (date is None or close) else SUGGESTION
            if date is not None:
                self._add_milestone(inst, Milestone(mtype, date.ref.date, ev, confidence, [k for k, _ in agents]))
                self.used_dates.add(date.start)
                # "adopted by the Prime Minister's Decree No.224 on 1 April 2020": the act it was made by was issued then
                means = next((x for x in spans if x.kind == "instrument" and x.ref is not inst and x.start >= b and
                              re.fullmatch(r"\s*(?:by|through|under)\s+(?:the\s+|a\s+)?", self.prose.verbatim[b:x.start], re.I)
                              and x.ref.kind in ("decree", "law", "regulation")), None)
                if means is not None and mtype in ISSUING and (date.start >= means.end or date.end <= a):
                    mev = self.prose.evidence(min(a, date.start), max(means.end, date.end))
                    self._add_milestone(means.ref, Milestone("issued", date.ref.date, mev, confidence))
            elif mtype in ISSUING | DRAFTING and inst.kind in ("law", "bill", "decree"):
                # "the Universal Social Old Age Pension Bill 2019 was drafted by …": an act made (not amended) without
                # a date of its own was made in the year its title bears
                year = re.search(r"\b((?:19|20)\d\d)$", target.text)
                if year:
                    ya = target.start + year.start(1)
                    self._add_milestone(inst, Milestone(mtype, DateValue(year.group(1), "year", self.prose.evidence(ya, ya + 4)),
                                                        ev, FACT, [k for k, _ in agents]))
            role = "issuer" if mtype in ISSUING else "drafter" if mtype in DRAFTING else \
                "implementer" if mtype in ("implemented", "established", "launched") else None
            if role:
                joint = self._joint(s, a)
                for n, (key, span) in enumerate(agents):
                    r = role
                    if role == "issuer" and joint:
                        r = "lead-issuer" if n == 0 else "co-issuer"
                    # who did it is read from the verb's own subject or "by" phrase, however far its date
                    link = RoleLink(key, r, self.prose.evidence(min(span.start, a), max(span.end, b)), FACT)
                    if not any(x.org == key and x.role == r for x in inst.issuers):
                        inst.issuers.append(link)
                    self._role(key, "issuer" if r in ("lead-issuer", "co-issuer") else r, link.evidence, FACT)
                if joint:
                    inst.issuer_count = joint
            # "adopted the National Employment Policy and the Social Protection Action Plan in 2019", "The Policy and
            # the Plan were adopted in 2019": instruments joined by "and" share the verb, its date and its agents
            for other in self._coordinated(target, spans, lo, hi):
                for ms in inst.milestones[made_before[0]:]:
                    self._add_milestone(other.ref, Milestone(ms.type, ms.date, ms.evidence, ms.confidence, list(ms.by)))
                for link in inst.issuers[made_before[1]:]:
                    if not any(x.org == link.org and x.role == link.role for x in other.ref.issuers):
                        other.ref.issuers.append(link)

    def _coordinated(self, target: Span, spans: list[Span], lo: int, hi: int) -> list[Span]:
        """The instruments joined to one by "and" (no date, verb or other word between them)."""
        inst = [x for x in spans if x.kind == "instrument" and lo <= x.start and x.end <= hi]
        out: list[Span] = []
        k = next((i for i, x in enumerate(inst) if x is target), None)
        if k is None:
            return out
        joint = r"\s*(?:\([^()]{1,30}\))?\s*,?\s*(?:and|as well as)\s+(?:the\s+|a\s+|an\s+|its\s+|their\s+)?"
        for i in range(k + 1, len(inst)):  # after it
            if not re.fullmatch(joint, self.prose.verbatim[inst[i - 1].end:inst[i].start], re.I):
                break
            out.append(inst[i])
        for i in range(k - 1, -1, -1):  # before it
            if not re.fullmatch(joint, self.prose.verbatim[inst[i].end:inst[i + 1].start], re.I):
                break
            out.append(inst[i])
        return [x for x in out if x.ref is not target.ref]

    def _draft_adjective(self, word: str, end: int) -> bool:
        """"the draft Social Security Strategy": "draft" before a title is its adjective, no verb."""
        return word.lower() == "draft" and any(x == end + 1 for x, _ in self.things.instrument_at)

    def _other_verb_between(self, s: Sentence, m: re.Match, date: Span) -> bool:
        """Another milestone verb stands between a verb and a date, and not joined to it ("developed and finalized in
        2019" is one date for both; "developed a plan, launched on 1 July" dates the launch)."""
        a, b = s.start + m.start(), s.start + m.end()
        if date.start >= b:
            # "in drafting the Social Insurance Law, which was approved by Parliament in December 2021": a date in a
            # relative clause with a verb of its own is that verb's
            rel = re.search(r",\s*(?:which|that)\b", self.prose.verbatim[b:date.start])
            if rel and any(not self._draft_adjective(o.group(0), o.end()) for o in
                           self.milestone_re.finditer(self.prose.verbatim, b + rel.end(), date.start)):
                return True
        if not re.search(r"(?:ed|en|ne)$", m.group(0).split()[0].lower()):
            return False  # "The amendments to the Law were approved in 2020": a noun, the other verb's subject, shares its date
        lo, hi = (b, date.start) if date.start >= b else (date.end, a)
        if date.end <= a and "," in self.prose.verbatim[date.end:a]:
            # "adopted by the Decree on 1 April 2020, was launched": the date closes a phrase with a verb of its own
            seg = self.prose.verbatim[:date.start]
            start = max(seg.rfind(","), seg.rfind(";"), s.start - 1) + 1
            if any(o.start() != a and not self._draft_adjective(o.group(0), o.end())
                   for o in self.milestone_re.finditer(self.prose.verbatim, start, date.start)):
                return True
        for o in self.milestone_re.finditer(self.prose.verbatim, lo, hi):
            if o.start() == a or self._draft_adjective(o.group(0), o.end()):
                continue
            if date.start >= b:
                joined = self.prose.verbatim[b:o.start()]
            else:
                joined = self.prose.verbatim[o.end():a]
            if not re.fullmatch(r"\s*(?:,\s*)?(?:and|or|and/or|,)?\s*(?:(?:then|subsequently|later|also|finally|\w+ly)\s+)?",
                                joined, re.I):
                return True
        return False

    def _gap(self, date: Span, a: int, b: int, spans: list[Span]) -> int:
        """Characters between a verb and its date, not counting the names between them
        ("approved the National Master Plan on Social Assistance Reform (MPSAR) in April 2017")."""
        lo, hi = (b, date.start) if date.start >= b else (date.end, a)
        between = self.prose.verbatim[lo:hi]
        for x in spans:
            if x.kind in ("org", "instrument") and lo <= x.start and x.end <= hi:
                between = between.replace(x.text, " ")
        if self.role_re is not None and date.start >= b:
            # "developed by government through MCDSS in consultation with social partners and with financial support
            # of Irish Aid in December 2016": the words that say who took part do not part a verb from its date
            between = self.role_re.sub(" ", between)
        return len(re.sub(r"\([^()]{1,25}\)", " ", between))

    def _add_milestone(self, inst: Instrument, ms: Milestone) -> None:
        for old in inst.milestones:
            if old.type == ms.type and old.date == ms.date:
                return
            if old.date and ms.date and old.date.value == ms.date.value and old.type == ms.type:
                return
        inst.milestones.append(ms)

    def _nearest_date(self, spans: list[Span], a: int, b: int, lo: int, hi: int, limit: int) -> Span | None:
        best, dist = None, None
        for x in spans:
            if x.kind != "date" or not (lo <= x.start < hi):
                continue
            d = x.start - b if x.start >= b else a - x.end
            if d > limit:
                continue
            # a date inside an event's words belongs to the event ("workshop ... from 25-27 August")
            if dist is None or d < dist:
                best, dist = x, d
        return best

    def _leading_date(self, spans: list[Span], lo: int, hi: int) -> Span | None:
        """"On 16 July 2021, the Ministry ... issued ...": a date that opens the clause dates its verb."""
        for x in spans:
            if x.kind == "date" and lo <= x.start < hi:
                opening = self.prose.verbatim[lo:x.start].strip().lower()
                if opening in ("", "on", "in", "by", "since", "as of", "from", "le", "en", "el"):
                    return x
                return None
        return None

    def _instrument_for(self, s: Sentence, spans: list[Span], a: int, b: int, lo: int, hi: int) -> Span | None:
        before = [x for x in spans if x.kind == "instrument" and lo <= x.start and x.end <= a]
        after = [x for x in spans if x.kind == "instrument" and x.start >= b and x.start < hi]
        # "adopted by the Prime Minister's Decree": the decree is the means, the instrument is before
        if before and (a - before[-1].end) <= 160:
            pick = before[-1]
            # "The Strategy (NSPS), adopted by the Prime Minister's Decree on 1 April 2020, was launched": the decree is
            # the object of the insertion's preposition; the verb after it is the Strategy's
            # "The Royal Decree 52/2023 promulgating the Social Protection Law was issued": the object of a participle
            if re.fullmatch(r"[^,;]*,\s*(?:(?:was|were|has|have|had|is|are|been|being)\s+)+(?:\w+ly\s+)?",
                            self.prose.verbatim[pick.end:a], re.I):
                participle = r"\s*(?:\([^()]{1,30}\))?\s*,\s*(?:\w+ly\s+)?\w+ed\s+(?:by|under|through|in|with)\s+(?:the\s+|a\s+)?"
            elif re.fullmatch(r"\s*(?:(?:was|were|has|have|had|is|are|been|being)\s+)+(?:\w+ly\s+)?",
                              self.prose.verbatim[pick.end:a], re.I):
                participle = r"\s*(?:\([^()]{1,30}\))?\s+(?!(?:during|including|regarding|concerning|following|according)\b)" \
                             r"[a-z]+ing\s+(?:the\s+|a\s+|an\s+)?"
            else:
                participle = None
            if participle is not None:
                head = next((x for x in reversed(before[:-1]) if x.ref is not pick.ref and re.fullmatch(
                    participle, self.prose.verbatim[x.end:pick.start], re.I)), None)
                if head is not None:
                    pick = head
            # ("The Plan was adopted in 2019 under the National Policy": a title after a preposition is no object)
            if after and after[0].start - b <= 40 and pick.ref is not after[0].ref and \
                    not self.prose.verbatim[b:after[0].start].strip().lower().startswith(("by", "through", "under")) and \
                    not _NOT_OBJECT.search(self.prose.verbatim[b:after[0].start]) and \
                    not _PREPOSITION_BEFORE.search(self.prose.verbatim[b:after[0].start]):
                return after[0]
            return pick
        if after and after[0].start - b <= 120 and not _NOT_OBJECT.search(self.prose.verbatim[b:after[0].start]):
            return after[0]
        return None

    def _agents(self, s: Sentence, spans: list[Span], a: int, b: int, lo: int, hi: int, passive: bool,
                target: Span) -> list[tuple[str, Span]]:
        """Who did it: the body after "by", or the subject before an active verb."""
        # "approved in August 2018 by the Council of Ministers": the verb's date may stand before its "by"
        skip = b
        for x in spans:
            if x.kind == "date" and b <= x.start and re.fullmatch(r"\s*(?:in|on|since|as of)?\s*", self.prose.verbatim[b:x.start], re.I):
                skip = x.end
                break
        after = self.prose.verbatim[skip:hi]
        by = re.match(r"\s*(?:by|par|por)\s+(?:the\s+|la\s+|le\s+|el\s+)?", after) if skip > b else None
        if by is None:
            skip = b
            after = self.prose.verbatim[b:hi]
            by = re.match(r"\s*(?:\w+\s+){0,2}?(?:by|par|por)\s+(?:the\s+|la\s+|le\s+|el\s+)?", after)
        if by:
            start = skip + by.end()
            found = [x for x in spans if x.kind == "org" and start <= x.start <= start + 3]
            if found:
                return [(found[0].ref, found[0])]
            # "approved by parliament": a country's one legislature or cabinet, named in lower case
            unique = re.match(r"(parliament|national assembly|cabinet|council of ministers)\b(?!['’]s|\s+(?:of|committee|members?)\b)",
                              self.prose.verbatim[start:hi])
            if unique:
                span = self._unique_body(start, start + unique.end(), unique.group(1))
                spans.append(span)
                spans.sort(key=lambda x: x.start)
                return [(span.ref, span)]
            # "adopted by the Prime Minister's Decree": the possessor of the decree
            return []
        if passive:
            return []
        # "the Social Security Corporation, which is a public institution in charge of ..., established":
        # the subject stands before a relative clause set off by commas, which names no subject itself
        verb_at = a
        relative = re.search(r",\s*(?:which|who)\b[^;]*?,\s*(?:(?:has|have|had|also|then|jointly)\s+)*$",
                             self.prose.verbatim[lo:a], re.I)
        if relative is not None:
            verb_at = lo + relative.start()
        subject = []
        for x in spans:
            if x.kind != "org" or not (lo <= x.start and x.end <= verb_at) or (target.start <= x.start and x.end <= target.end):
                continue
            before = self.prose.verbatim[max(lo, x.start - 30):x.start].lower()
            if re.search(r"\b(?:to|for|from|of|under|on|at|in|by|with|within|between|among)\s+(?:the\s+)?$", before) \
                    and not re.search(r"\b(?:including|through|namely)\s+(?:the\s+)?$", before):
                continue
            subject.append(x)
        seen: set[str] = set()
        subject = [x for x in subject if not (x.ref in seen or seen.add(x.ref))]  # "… (MOHRSS)": one body
        if not subject:
            return []
        # the subject: the bodies before the verb, with no other verb between them and it
        between = self.prose.verbatim[subject[0].start:verb_at]
        for x in spans:
            if x.kind in ("org", "instrument", "date") and subject[0].start <= x.start and x.end <= verb_at:
                between = between.replace(self.prose.verbatim[x.start:x.end], " ")
        if re.search(r"\b(?:which|who|whose|that)\b|\b\w+ed\s+(?:the|a|an)\b", between, re.I) or len(between) > 220:
            return []
        return [(x.ref, x) for x in subject]

    def _joint(self, s: Sentence, a: int) -> int | None:
        """"MOHRSS and seven other departments ... jointly issued": how many issued it together."""
        before = self.prose.verbatim[s.start:a]
        m = re.search(r"\band\s+(\w+)\s+other\s+(?:\w+/)?\w+", before, re.I)
        n = None
        if m:
            word = m.group(1).lower()
            n = _NUMBER_WORDS.get(word) or (int(word) if word.isdigit() else None)
        if n:
            return n + 1
        if re.search(r"\bjointly\s*$", before.strip() + " ", re.I) or "jointly" in before[-30:].lower():
            return None
        return None

    def _possessives(self) -> None:
        """"the Prime Minister's Decree No.224": the possessor issued the decree."""
        for (a, b), inst in list(self.things.instrument_at.items()):
            m = re.match(r"^(?:the\s+)?(.+?)['’]s\s+\w", inst.title)
            if not m or not self.prose.verbatim[a:b].startswith(m.group(1)):
                continue
            possessor = m.group(1)
            key = self._org_named(possessor, a, a + len(possessor))
            if key is None:
                continue
            ev = self.prose.evidence(a, b)
            if not any(x.org == key for x in inst.issuers):
                inst.issuers.append(RoleLink(key, "issuer", ev))
            self._role(key, "issuer", ev, FACT)
            # an instrument adopted by means of this one has the same issuer
            for other in self.things.instruments:
                if other is inst:
                    continue
                for ms in other.milestones:
                    if inst.evidence and any(e.start >= ms.evidence.start and e.end <= ms.evidence.end + 40
                                             for e in inst.evidence) and ms.type in ISSUING:
                        if not any(x.org == key for x in other.issuers):
                            other.issuers.append(RoleLink(key, "lead-issuer", ev))
                        if inst.title not in other.names and inst.number and not other.number:
                            other.number = inst.number

    def _unique_body(self, a: int, b: int, word: str) -> Span:
        """The record's parliament or cabinet named in lower case: the body its capitalised name gives, if any."""
        kind = "parliament" if word in ("parliament", "national assembly") else "government"
        key = next((k for k, o in self.things.organizations.items()
                    if (o.name or "").lower() == word and o.acronym is None), None)
        if key is None:
            key = slug(word)
            self.things.organizations[key] = Organization(key, self.prose.verbatim[a:b], None, kind, self.country)
        self.things.organizations[key].evidence.append(self.prose.evidence(a, b))
        self.things.org_at[(a, b)] = key
        return Span(a, b, "org", key, self.prose.verbatim[a:b])

    def _org_named(self, name: str, a: int, b: int) -> str | None:
        words = name.split()
        low = name.lower()
        if low in ("prime minister", "president", "king", "emir", "sultan") or low.startswith(("minister of",)):
            key = slug(name)
            if key not in self.things.organizations:
                self.things.organizations[key] = Organization(key, name, None, "head-of-state-or-government"
                                                              if not low.startswith("minister") else "government-ministry",
                                                              self.country)
            self.things.organizations[key].evidence.append(self.prose.evidence(a, b))
            return key
        for (x, y), key in self.things.org_at.items():
            if x == a:
                return key
        del words
        return None

    # -- organizations' roles: cue phrases ------------------------------------------------------

    def _role(self, key: str, role: str, ev: Evidence, confidence: str) -> None:
        if not any(r.org == key and r.role == role for r in self.roles):
            self.roles.append(RoleLink(key, role, ev, confidence))

    def role_cues(self, s: Sentence, spans: list[Span]) -> None:
        if self.role_re is not None:
            for m in self.role_re.finditer(s.text):
                a, b = s.start + m.start(), s.start + m.end()
                role = self.role_of[lex_key(m.group(0))]
                # a cue in the sentence's opening phrase: "With funding from Japan, the ILO and the Fund carried out"
                opening = bool(_OPENING.fullmatch(s.text[:m.start()]))
                for key, span in self._listed_after(spans, b, s.end, countries=role in ("funder", "partner"),
                                                    opening=opening):
                    org = self.things.organizations.get(key)
                    if role == "funder" and "support" in m.group(0).lower() and org is not None and \
                            (self._is_ilo(key) or org.type == "un-agency"):
                        # "with the support of the ILO", "supported by UNICEF": a UN agency's support is its
                        # technical work, not money, unless the words say funding
                        self._role(key, "supporter", self.prose.evidence(a, span.end), FACT)
                        continue
                    self._role(key, role, self.prose.evidence(a, span.end), FACT)
        # "With RBSA funding", "with Irish Aid funding"
        for m in re.finditer(r"\b(?i:with|through|under)\s+(?:the\s+)?([A-Z][\w&.\- ]{1,60}?)\s+(?:funding|funds|financing|grants?|support|resources)\b",
                             s.text):
            a = s.start + m.start(1)
            b = s.start + m.end(1)
            name = m.group(1).strip()
            key = None
            for x in spans:
                if x.kind == "org" and x.start == a:
                    key = x.ref
            if key is None and re.fullmatch(r"[A-Z]{2,8}", name):
                key = name
                if key not in self.things.organizations:
                    self.things.organizations[key] = Organization(key, None, name, None, None,
                                                                  confidence=SUGGESTION)
                self.things.organizations[key].evidence.append(self.prose.evidence(a, b))
                self.things.org_at[(a, b)] = key
                spans.append(Span(a, b, "org", key, name))  # the research of this sentence finds its funder
                spans.sort(key=lambda x: x.start)
            if key is not None:
                # "with RBSA resources", "through a UNDP grant": money, as funding is; "with ILO support": work
                self._role(key, "funder" if re.search(r"fund|financ|resources|grant", m.group(0), re.I)
                           else "supporter", self.prose.evidence(s.start + m.start(), s.start + m.end()), FACT)
        # "the German-funded Baldia Project", "an EU-funded study": the donor named in an adjective
        for m in re.finditer(r"\b([A-Z][\w.]+)-(?:funded|financed|sponsored)\b", s.text):
            a, b = s.start + m.start(1), s.start + m.end(1)
            word = m.group(1)
            key = next((x.ref for x in spans if x.kind == "org" and x.start == a), None)
            code = self.lex.demonyms.get(word) or self.lex.country_names.get(norm(word))
            if key is None and code in self.lex.country_labels:
                key = self._country_body(Span(a, b, "country", code, self.lex.country_labels[code]))
            if key is not None:
                self._role(key, "funder", self.prose.evidence(a, s.start + m.end()), FACT)
        # "Other partners' contribution": the bodies a sentence there opens with are the outcome's partners
        if s.section == "partners_contribution":
            for x in self._opening_subject(spans, s.start, s.end):
                if not self._is_ilo(x.ref):
                    self._role(x.ref, "partner", self.prose.evidence(x.start, x.end), FACT)
        # the Partnerships list: every body named there is a partner
        if s.section == "partnerships":
            for x in spans:
                if x.kind == "org":
                    self._role(x.ref, "partner", self.prose.evidence(x.start, x.end), FACT)

    def verb_roles(self, s: Sentence, spans: list[Span]) -> None:
        """"UNICEF and the ILO supported …", "The Council of Ministers adopted …": the subject's role."""
        if self.verb_role_re is None:
            return
        orgs = [x for x in spans if x.kind in ("org", "country")]
        # "Pakistan Workers Federation (PWF) and ...": the acronym in brackets is the same body, not the next one
        orgs = [x for n, x in enumerate(orgs) if not (n and x.ref == orgs[n - 1].ref and
                                                      re.fullmatch(r"\s*\(", self.prose.verbatim[orgs[n - 1].end:x.start]))]
        i = 0
        while i < len(orgs):
            group = [orgs[i]]
            while i + 1 < len(orgs) and re.fullmatch(r"\s*(?:\([^)]*\))?\s*(?:,|,?\s*and|&)\s*(?:the\s+)?",
                                                     self.prose.verbatim[group[-1].end:orgs[i + 1].start], re.I):
                i += 1
                group.append(orgs[i])
            i += 1
            last = group[-1]
            if _INSERTION.search(self.prose.verbatim[s.start:group[0].start] + ",") and \
                    re.match(r"\s*(?:\([^)]*\))?\s*,", self.prose.verbatim[last.end:s.end]):
                continue  # "The Ministry, with the support of the ILO, organized": the ILO is not the subject
            after = self.prose.verbatim[last.end:min(s.end, last.end + 240)]
            # "X, with ILO support, organized", "X, which runs the scheme, implemented": past the insertion to the verb
            skip = re.match(r"(?:\s*\([^)]*\))?\s*,\s*(?:(?:with|in|through|together|jointly|under|thanks|supported|assisted|"
                            r"funded|financed|backed|alongside|as)\b[^,;]{0,120}|(?:which|who)\s+[^,;]{0,120}),(?=\s*\w)", after, re.I)
            if skip and not self.verb_role_re.match(after[skip.end():].lstrip()) and not re.match(
                    r"\s*(?:has|have|had|is|are|was|were|will|also|then|jointly)\b", after[skip.end():], re.I):
                skip = None
            offset = skip.end() if skip else 0
            after = after[offset:offset + 90]
            m = re.match(r"(?:\s*\([^)]*\))?\s*(?:,|\s-|-\s|–)?\s*(?:(?:which|who)\s+)?(?P<aux>(?:(?:has|have|had|was|were|is|are|will|would|also|jointly|"
                         r"technically|further|then|successfully|actively|already|been|officially|formally|recently|"
                         r"subsequently|finally|effectively|continuously|strongly|closely|directly)\s+)*)", after, re.I)
            rest = after[m.end():]
            v = self.verb_role_re.match(rest)
            # "PWF and EFP are notified members of the LEG": one qualifying word before a membership noun
            qualified = re.match(r"(?!(?:not|no|never|former|formerly|previous|ex)\b)[a-z][\w\-]+\s+(?=(?:an?\s+)?members?\s+of\b)",
                                 rest) if not v and {"is", "are", "was", "were"} & set(m.group("aux").lower().split()) else None
            if qualified:
                rest = rest[qualified.end():]
                m_end = m.end() + qualified.end()
                v = self.verb_role_re.match(rest)
            else:
                m_end = m.end()
            self._coordinated_verbs(s, group, last.end + offset + m_end, rest)
            if not v:
                continue
            aux = m.group("aux").lower().split()
            word = v.group(0)
            participle = re.match(r"(?i)\w+(?:ed|en)\b|(?:set|held|run|led|put|made)\b", word) is not None
            passive = (participle and any(a in ("was", "were", "is", "are", "be") for a in aux)) or \
                ("been" in aux and not word.lower().endswith("ing")) or rest[v.end():].lstrip().lower().startswith("by ")
            if passive:
                continue
            role = self.verb_role_of[lex_key(word)]
            if any(x.kind == "country" for x in group) and role not in ("funder", "partner"):
                continue
            a = last.end + offset + m_end
            for x in group:
                key = x.ref if x.kind == "org" else self._country_body(x)
                self._role(key, role, self.prose.evidence(x.start, a + v.end()), FACT)

    def _coordinated_verbs(self, s: Sentence, group: list[Span], at: int, rest: str) -> None:
        """"The ILO prepared an actuarial note and held a workshop": each role verb after "and" in the subject's clause
        is the subject's too, up to a relative clause or another subject."""
        if not re.match(r"[a-z]+(?:ed|ook|ade|eld|ote|ew|ave)\b", rest) or any(x.kind == "country" for x in group):
            return
        clause_end = min([i for i in (s.text.find(";", at - s.start),) if i >= 0] or [len(s.text)]) + s.start
        tail = self.prose.verbatim[at:clause_end]
        stop = re.search(r"\b(?:which|who|whose|that|while|whereas|but)\b", tail, re.I)
        tail = tail[:stop.start()] if stop else tail
        for c in re.finditer(r"(?:,\s*|\s)and\s+(?:(?:also|then|jointly|subsequently|later|\w+ly)\s+)*", tail):
            v = self.verb_role_re.match(tail, c.end())
            if v is None or re.match(r"(?i)\w+(?:ed|en)\s+by\b", tail[v.start():]):
                continue
            role = self.verb_role_of[lex_key(v.group(0))]
            for x in group:
                self._role(x.ref, role, self.prose.evidence(x.start, at + v.end()), FACT)

    def _listed_after(self, spans: list[Span], b: int, end: int, countries: bool = True,
                      opening: bool = False) -> list[tuple[str, Span]]:
        """The bodies (or countries, as their governments) listed right after a cue: "the Netherlands, Norway and the EU".

        A country stands for its government only as a funder or partner: "delegates from Nepal" are not its government.
        A cue that opens its sentence ("With funding from Japan, the ILO and the Fund carried out …") ends at a comma when
        the list would run on into the sentence's verb: the names after the comma are the clause's subject."""
        out: list[tuple[str, Span]] = []
        commas: list[int] = []  # the items that follow a comma
        pos = b
        last_was_final = False  # the item after "and" ends the list
        for x in spans:
            if x.start < pos or x.kind not in ("org", "country"):
                continue
            if x.kind == "country" and not countries:
                break
            gap = self.prose.verbatim[pos:x.start]
            if out and x.kind == "org" and x.ref == out[-1][0] and re.fullmatch(r"\s*\(", gap):
                close = re.match(r"\s*\)", self.prose.verbatim[x.end:end])
                pos = x.end + (close.end() if close else 0)  # "the Ministry ... (MLSS), the Zambia Congress ..."
                continue
            ok = re.fullmatch(r"\s*(?:the\s+)?(?:government\s+of\s+)?(?:the\s+)?", gap, re.I) or \
                re.fullmatch(_PEOPLE_OF_BODY, gap, re.I) or re.fullmatch(_KINDS_INCLUDING, gap) if not out else \
                re.fullmatch(r"\s*(?:,|and|&|as well as|,\s*and)\s*(?:the\s+)?(?:government\s+of\s+)?(?:the\s+)?", gap, re.I)
            if not ok or (out and last_was_final):
                break
            last_was_final = bool(out) and re.search(r"\b(?:and|as well as)\b|&", gap, re.I) is not None
            if out and "," in gap:
                commas.append(len(out))
            if x.kind == "country":
                key = self._country_body(x)
            else:
                key = x.ref
            out.append((key, x))
            pos = x.end
        runs_on = re.match(r"\s*,?\s*(?:and|as well as)\s+(?:the\s+|other\s+|several\s+|various\s+)?[a-z]",
                           self.prose.verbatim[pos:end])
        if opening and commas and (last_was_final or runs_on) and not re.match(r"\s*[,;(]", self.prose.verbatim[pos:end]):
            return out[:commas[0]]
        if len(out) > 1 and not last_was_final and not runs_on:
            # "Supported by the ILO, the National Statistics Office conducted …": a list ends with "and"; without it
            # the name after the comma starts the next clause ("the Ministry of Labour, the Ministry of Finance and the
            # social partners": a list whose last item is no body's name still ends with "and")
            return out[:1]
        return out

    def _country_body(self, x: Span) -> str:
        """A country named as a donor or partner stands for its government."""
        code = x.ref
        key = f"government-{code.lower()}" if code else slug(x.text)
        if key not in self.things.organizations:
            self.things.organizations[key] = Organization(key, x.text, None, "government", code)
        self.things.organizations[key].evidence.append(self.prose.evidence(x.start, x.end))
        self.things.org_at[(x.start, x.end)] = key
        return key

    def _ilo_support(self) -> None:
        """The ILO supports every outcome it reports; it is named in its contribution section."""
        for key, org in self.things.organizations.items():
            if org.acronym == "ILO" or (org.name or "").startswith("International Labour"):
                ev = next((e for e in org.evidence if e.section == "ilo_contribution"), org.evidence[0] if org.evidence else None)
                if ev is not None:
                    self._role(key, "supporter", ev, FACT)

    # -- research -----------------------------------------------------------------------------

    def research_in(self, s: Sentence, spans: list[Span]) -> None:
        if self.research_re is None:
            return
        titled = [m for m in self.things.other if m.kind == "research" and s.start <= m.name.start < s.end]
        used_titles: set[int] = set()
        event_words = [(e.start(), e.end()) for e in self.event_re.finditer(s.text)] if self.event_re else []
        previous_end = None
        for m in self.research_re.finditer(s.text):
            a, b = s.start + m.start(), s.start + m.end()
            if self._inside_name(a, b, spans):
                continue
            joined = previous_end is not None and _JOINED_WORK.fullmatch(s.text[previous_end:m.start()])
            previous_end = m.end()
            if joined:
                continue  # "a fiscal space analysis and social protection floor costing assessment": one piece of work
            kind = self.research_of[lex_key(m.group(0))]
            title = next((t for t in titled if t.name.start <= a and b <= t.name.end + 2), None)
            if title is None and self.event_re is not None and self.event_re.match(s.text, m.end() + 1):
                continue  # "research seminar": a kind of seminar
            if title is None and any(ea <= m.start() and m.end() <= eb and eb - ea > m.end() - m.start()
                                     for ea, eb in event_words):
                continue  # "study visit": an event whose name holds a research word
            if title is not None and (self._only_kind_words(title.name.text) or re.match(
                    r"\s*\([^)]{1,15}\)\s*[A-Z]", self.prose.verbatim[title.name.end:title.name.end + 30])):
                continue  # "Monitoring and Evaluation (M&E) Framework": part of a longer name
            if title is None and re.match(r"\s+(?:model|models|tool|tools|methodology|methodologies|techniques|"
                                          r"capacity|capacities|skills|unit|team|function|results|findings|matrix)\b",
                                          s.text[m.end():], re.I) and kind not in ("assessment",):
                continue  # "actuarial valuation model": a tool, not a study
            if title is None and kind == "report":
                continue  # a report is what a study produced; the study is what the record names
            bare = _BARE_WORK.search(self.prose.verbatim[max(s.start, a - 12):a]) if title is None else None
            if bare and (bare.group(1).lower() == "under" or re.match(r"\s+by\b", s.text[m.end():])):
                continue  # "the scheme is under review", "submitted for review by the Cabinet": a step, not a work
            named = self._named_before(s, spans, a, b) if title is None and m.group(0)[:1].islower() else None
            if title is not None:
                if title.name.start in used_titles:
                    continue
                used_titles.add(title.name.start)
                kind = title.type or kind
            lo, hi = self._clause(s, a)
            before = self.prose.verbatim[max(lo, a - 40):a]
            # "this research", "the study": the one already met
            if title is None and _GENERIC_DET.search(before) and self._earlier(kind) is not None \
                    and not re.search(r"\b(?:a|an|new|first|second)\s+\w*\s*$", before, re.I):
                r = self._earlier(kind)
                self._details(r, s, spans, a, b, lo, hi)
                r.mentions.append(self.prose.evidence(a, b))
                continue
            if named is not None:
                ev = self.prose.evidence(named[0], b)
                r = Research(kind, ev, title=ev.text)
            else:
                ev = self.prose.evidence(title.name.start if title else a, title.name.end if title else b)
                r = Research(kind, ev, title=title.name.text if title else None)
            self._details(r, s, spans, ev.start, b, lo, hi)
            self._listed_with(r, lo, ev.start, b)
            weak = kind in GENERIC_RESEARCH and r.title is None
            # "in particular: - Feasibility studies on ...": an item of a list of work delivered
            listed = bool(re.search(r"(?:^|[\s:;])[-•–*]\s+(?:[\w’'-]+\s+){0,2}$", self.prose.verbatim[s.start:a]))
            if listed:
                r.agents_stated = True
            explicit = r.agents_stated
            detailed = bool(explicit or r.date or r.sample_size or r.funders)
            # "research on policy coherence …", "assessment of the level of coordination …": a piece of work with its subject
            about = r.topic is not None and len(r.topic.split()) >= 3 and not re.search(
                r"\b(?:the|this|that|these|its|their|of|on|for|in|regular|overall|periodic|annual)\s+(?:\w+\s+)?$", before, re.I)
            if weak and not (explicit or r.sample_size or about) and not re.search(r"\b(?:a|an)\s+(?:\w+\s+){0,3}$", before, re.I):
                continue  # "an assessment", "a review": named as often in passing as for a piece of work
            if r.title is None and not weak and not detailed and not re.search(r"\b(?:a|an|the)\s+(?:\w+\s+){0,3}$", before, re.I):
                continue
            r.confidence = FACT if (r.title is not None or explicit or (detailed and not weak)) else SUGGESTION
            if r.confidence == SUGGESTION and weak and not (about or r.performers or r.commissioners or r.funders or r.date):
                continue  # "an assessment" and nothing else said of it: too often a kind of work, not one piece of it
            self.research.append(r)

    def _listed_with(self, r: Research, lo: int, a: int, b: int) -> None:
        """"The ILO funded research on A, an assessment of B and ...": work listed after the work a verb's subject did
        shares its agents, when the list is of works and their subjects alone."""
        if r.performers or r.commissioners or r.agents_stated or not self.research:
            return
        prev = self.research[-1]
        if not (lo <= prev.evidence.start and prev.evidence.end <= a) or not prev.agents_stated:
            return
        if not _LISTED_WORK.fullmatch(self.prose.verbatim[prev.evidence.end:a]):
            return
        for source, target in ((prev.performers, r.performers), (prev.commissioners, r.commissioners),
                               (prev.funders, r.funders)):
            for link in source:
                if any(x.org == link.org for x in target):
                    continue
                ev = self.prose.evidence(min(link.evidence.start, a), b)
                target.append(RoleLink(link.org, link.role, ev))
                self._role(link.org, link.role, ev, FACT)
        if prev.performers or prev.commissioners or prev.funders:
            r.agents_stated = True

    def _named_before(self, s: Sentence, spans: list[Span], a: int, b: int) -> tuple[int, int] | None:
        """"the Social Protection Floor study", "Administration study": capitalised words right before a
        lower-case research word are its title; a body's name there is who did it, not a title."""
        m = re.search(r"((?:[A-Z][\w’'\-]*\s+(?:(?:of|and|on|for|the)\s+){0,2}){1,6})$", self.prose.verbatim[s.start:a])
        if not m:
            return None
        start = s.start + m.start(1)
        words = m.group(1).split()
        while words and words[0].lower() in _TITLE_SKIP:
            start = self.prose.verbatim.index(words[1], start) if len(words) > 1 else a
            words = words[1:]
        if not words or words[-1].lower() in CONNECTORS:
            return None
        if len(words) == 1 and _SUBJECTLESS.match(self.prose.verbatim[s.start:a]):
            return None  # "Drafted technical note": a report's subjectless verb, not a title
        if re.fullmatch(r"[A-Z][a-z]+ed", words[0]) and re.fullmatch(r"[\s\-•–*:;]*", self.prose.verbatim[s.start:start]):
            return None  # "- Provided technical comments on the draft law": a line's verb, not a title's first word
        covered = [x for x in spans if x.start < a and x.end > start]
        if any(x.kind != "org" or x.start > start for x in covered):
            return None  # a place, a date or a body's name in the middle: not one title
        if covered and covered[-1].end >= a - 1:
            return None  # "ILO study": the body's study, no title
        if covered and re.match(r"(?:['’]s|-[a-z]+ed)\s", self.prose.verbatim[covered[-1].end:a]):
            return None  # "the ILO's actuarial valuation", "the ILO-commissioned study": whose work, not a title
        return start, b

    def _only_kind_words(self, title: str) -> bool:
        rest = self.research_re.sub(" ", title)
        return not [w for w in re.findall(r"[^\W\d_]+", rest) if w.lower() not in CONNECTORS]

    def _earlier(self, kind: str) -> Research | None:
        for r in reversed(self.research):
            if r.kind == kind or kind in ("study",) or r.kind in ("study",):
                return r
        return None

    def _subject_before(self, spans: list[Span], lo: int, vpos: int) -> list[Span]:
        """The bodies that are the subject of a verb at ``vpos``: "The ILO and UNICEF (jointly) conducted" (both),
        "The Ministry, with ILO support, conducted" (the Ministry: the insertion is no subject), "MoSD (MoSD) has"."""
        text = self.prose.verbatim
        end = lo + _AUXILIARIES.search(text[lo:vpos]).start()
        if re.search(r"(?:,\s*|\s)and\s+$", text[lo:end]):
            return self._opening_subject(spans, lo, end)
        insertion = _INSERTION.search(text[lo:end])
        if insertion:
            end = lo + insertion.start()
        orgs = [x for x in spans if x.kind == "org" and lo <= x.start and x.end <= end]
        if not orgs or not re.fullmatch(r"\s*(?:\([^()]{1,30}\))?\s*,?\s*", text[orgs[-1].end:end]):
            return []
        group = [orgs[-1]]
        for y in reversed(orgs[:-1]):
            gap = text[y.end:group[-1].start]
            if y.ref == group[-1].ref and re.fullmatch(r"\s*\(\s*", gap):
                group[-1] = y  # "Ministry of Social Development (MoSD)": the name and its acronym are one subject
                continue
            if not re.fullmatch(r"\s*(?:\([^()]{1,30}\))?\s*(?:,|,?\s*and|&|,?\s*as well as)\s*(?:the\s+)?", gap, re.I):
                break
            group.append(y)
        preposition = r"\b(?:to|for|from|of|under|on|at|in|by|with|within|between|among|through)\s+(?:the\s+)?$"
        # "Supported by the ILO, the National Statistics Office conducted": the phrase's object, then a comma, is no
        # part of the subject that follows it
        while len(group) > 1 and re.search(preposition, text[max(lo, group[-1].start - 30):group[-1].start], re.I) and \
                re.fullmatch(r"\s*(?:\([^()]{1,30}\))?\s*,\s*(?:the\s+)?", text[group[-1].end:group[-2].start], re.I):
            group.pop()
        first = group[-1]
        if re.search(preposition, text[max(lo, first.start - 30):first.start], re.I):
            return []  # the object of a preposition, not a subject
        seen: set[str] = set()
        return [x for x in reversed(group) if not (x.ref in seen or seen.add(x.ref))]

    def _opening_subject(self, spans: list[Span], lo: int, end: int) -> list[Span]:
        """"The ILO prepared an actuarial note and held a workshop": a verb after "and" has the clause's opening subject,
        when the clause opens with bodies and their own verb, and no relative clause stands between."""
        text = self.prose.verbatim
        orgs = [x for x in spans if x.kind == "org" and lo <= x.start and x.end <= end]
        if not orgs or not re.fullmatch(r"\s*(?:(?:in|on|by|during|since|after|following)\s+[^,]{1,40},\s*)?(?:the\s+)?",
                                        text[lo:orgs[0].start], re.I):
            return []
        subject = [orgs[0]]
        for y in orgs[1:]:
            if not re.fullmatch(r"\s*(?:\([^()]{1,30}\))?\s*(?:,|,?\s*and|&|\()?\s*(?:the\s+)?", text[subject[-1].end:y.start], re.I):
                break
            subject.append(y)
        verb = re.match(r"(?:\s*\([^()]{1,30}\))?\s*,?\s*(?:(?:has|have|had|also|then|jointly|\w+ly)\s+)*"
                        r"[a-z]+(?:ed|ook|ade|eld|ote|ew|ave)\b", text[subject[-1].end:end])
        if verb is None or re.search(r"\b(?:which|who|whose|that|while|whereas)\b|;", text[subject[-1].end:end], re.I):
            return []
        seen: set[str] = set()
        return [x for x in subject if not (x.ref in seen or seen.add(x.ref))]

    def _details(self, r: Research, s: Sentence, spans: list[Span], a: int, b: int, lo: int, hi: int) -> None:
        text_before = self.prose.verbatim[lo:a]
        supporter: RoleLink | None = None  # the subject of "supported a review", read as its performer for want of one
        # "X commissioned Y to carry out a research", "X requested the ILO to undertake an actuarial valuation"
        comm = _COMMISSION.search(text_before)
        orgs_before = [x for x in spans if x.kind == "org" and lo <= x.start and x.end <= a]
        if comm and orgs_before:
            cpos = lo + comm.start()
            commissioners = self._subject_before(spans, lo, cpos)
            if not commissioners and (comm.group("verb") or comm.group("verb2")).lower() == "commissioned":
                commissioners = [x for x in orgs_before if x.end <= cpos][-1:]
            performers = [x for x in orgs_before if x.start > cpos]
            for x in commissioners:
                self._link(r.commissioners, x, "commissioner", a, b)
            if performers:
                self._link(r.performers, performers[0], "researcher", a, b)
            r.agents_stated = True
        elif orgs_before and self._helped_to_do(r, orgs_before, a, b, lo):
            pass  # "The ILO supported the Ministry to conduct a survey": the Ministry did it
        elif orgs_before:
            verb = _DOING.search(text_before)  # the first such verb of the clause within 60 characters of the work
            while verb is not None and re.match(r"\s+by\b", text_before[verb.end(1):]):
                # "Supported by the ILO, the Office conducted a survey": a participle and its "by" phrase, not the verb
                verb = _DOING.search(text_before, verb.end(1))
            if verb:
                vpos = lo + verb.start(1)
                subject = self._subject_before(spans, lo, vpos)
                if not subject:  # a looser reading: the last body close before the verb
                    near = [x for x in orgs_before if x.end <= vpos]
                    subject = near[-1:] if near and vpos - near[-1].end <= 40 else []
                if subject:
                    word = verb.group(1).lower()
                    role = "commissioner" if word.startswith("commission") else \
                        "funder" if word.startswith(("fund", "financ", "sponsor")) else "researcher"
                    target = {"commissioner": r.commissioners, "funder": r.funders}.get(role, r.performers)
                    if not word.startswith(("support", "provid", "deliver", "present")):
                        for x in subject:
                            self._link(target, x, role, a, b)
                        r.agents_stated = True
                    elif not r.performers:
                        self._link(r.performers, subject[-1], "researcher", a, b)
                        if _SUPPORT_TO_DO.fullmatch(text_before[verb.end(1):]) or \
                                _SUPPORT_THROUGH.fullmatch(text_before[verb.end(1):]):
                            r.agents_stated = True  # "provided technical support to complete a costing"
                        else:
                            supporter = r.performers[-1]
        elif s.section == "ilo_contribution" and _SUBJECTLESS.match(self.prose.verbatim[s.start:a]):
            # "Drafted technical note and various studies": the contribution's lines leave out their subject, the ILO
            ilo_key = next((k for k in self.things.organizations if self._is_ilo(k)), None)
            if ilo_key is not None and not r.performers:
                ev = self.prose.evidence(s.start, b)
                r.performers.append(RoleLink(ilo_key, "researcher", ev))
                self._role(ilo_key, "researcher", ev, FACT)
                r.agents_stated = True
        # "the two ministries are jointly conducting a costing": the two bodies of that kind the text has just named
        if not r.performers and not r.commissioners:
            both = _BOTH_BODIES.search(text_before)
            if both:
                n = {"two": 2, "both": 2, "three": 3}[(both.group("n") or both.group("n2")).lower()]
                for key, x in self._the_bodies(s, both.group("kind"), lo + both.start(), n):
                    ev = self.prose.evidence(lo + both.start(), b)
                    r.performers.append(RoleLink(key, "researcher", ev))
                    self._role(key, "researcher", ev, FACT)
                    r.agents_stated = True
        # "the ILO-commissioned study", "an EU-funded assessment", "the ILO-led review": the body in an adjective
        adjective = re.search(r"\b([A-Z][\w.&]*)-(commissioned|funded|financed|sponsored|led|conducted|executed|produced|"
                              r"prepared|initiated)\s+(?:[\w-]+\s+){0,3}$", text_before)
        if adjective:
            x = next((x for x in spans if x.kind == "org" and x.start == lo + adjective.start(1)), None)
            if x is not None:
                word = adjective.group(2)
                role = "commissioner" if word == "commissioned" else "funder" if word in ("funded", "financed", "sponsored") \
                    else "researcher"
                self._link({"commissioner": r.commissioners, "funder": r.funders}.get(role, r.performers), x, role, a, b)
                r.agents_stated = True
        # "the ILO's actuarial valuation", "the Ministry's assessment": the possessor did the work
        if not r.performers:
            owner = next((x for x in reversed(orgs_before) if _POSSESSED.fullmatch(self.prose.verbatim[x.end:a])), None)
            if owner is not None:
                self._link(r.performers, owner, "researcher", a, b)
                r.agents_stated = True
        after = self.prose.verbatim[b:hi]
        # "carried out by the ILO and the World Bank", "a study by the ILO", "commissioned by the Ministry"
        by = re.match(r"(?:[^.;]{0,100}?\b(?P<verb>conducted|carried out|undertaken|prepared|developed|done|performed|led|"
                      r"written|authored|produced|completed|finali[sz]ed|implemented|executed|commissioned|jointly conducted|"
                      r"jointly undertaken)"
                      r"(?:\s+(?:jointly|in|on|during|between)(?:\s+[^.;,]{1,25}?)?)?)?\s+by\s+(?:the\s+)?", after, re.I)
        if by:
            commissioned = (by.group("verb") or "").lower() == "commissioned"
            listed = self._listed_after(spans, b + by.end(), hi, countries=False)
            # "commissioned by UNICEF and conducted by the ILO": a second participle and its own "by"
            second = re.match(r"(?:\s*\([^()]{1,30}\))?\s*,?\s*(?:and\s+)?(?P<verb>conducted|carried out|undertaken|prepared|"
                              r"developed|performed|written|authored|produced|completed|commissioned|funded|financed)"
                              r"\s+by\s+(?:the\s+)?", self.prose.verbatim[listed[-1][1].end:hi], re.I) if listed else None
            if listed and not commissioned and supporter is not None and all(x.ref != supporter.org for _, x in listed):
                # "The ILO supported a review … conducted by the Ministry": the "by" phrase names who did it
                r.performers.remove(supporter)
                self.roles = [x for x in self.roles if not (x.org == supporter.org and x.role == "researcher"
                                                            and x.evidence == supporter.evidence)]
            for _, x in listed:
                if commissioned:
                    self._link(r.commissioners, x, "commissioner", a, b)
                else:
                    self._link(r.performers, x, "researcher", a, b)
            if second is not None:
                verb = second.group("verb").lower()
                for _, x in self._listed_after(spans, listed[-1][1].end + second.end(), hi, countries=verb in ("funded", "financed")):
                    if verb in ("funded", "financed"):
                        self._link(r.funders, x, "funder", a, b)
                    elif verb == "commissioned":
                        self._link(r.commissioners, x, "commissioner", a, b)
                    else:
                        self._link(r.performers, x, "researcher", a, b)
            if listed:
                r.agents_stated = True
        for key, span in self._cued_near(s, spans, lo, hi):
            if not any(f.org == key for f in r.funders):
                r.funders.append(RoleLink(key, "funder", self.prose.evidence(span.start, span.end)))
        # "At the request of the Ministry, the ILO conducted …": a commissioner's cue in the clause
        for key, span in self._cued_near(s, spans, lo, hi, role="commissioner"):
            if not any(c.org == key for c in r.commissioners) and not any(p.org == key for p in r.performers):
                r.commissioners.append(RoleLink(key, "commissioner", self.prose.evidence(span.start, span.end)))
        if not r.performers and r.title:
            # "the ILO Social Protection Mapping Study 2019": the body a title starts with did the work
            x = next((x for x in spans if x.kind == "org" and x.start == r.evidence.start and x.end < r.evidence.end), None)
            if x is not None:
                self._link(r.performers, x, "researcher", r.evidence.start, r.evidence.end)
            else:  # the title is one name, the body's acronym its first word: "ILO Social Protection Mapping Study"
                first = re.match(r"([A-Z][\w&\-]*[A-Z][\w&\-]*)\s+[A-Z]", r.title)
                key = next((k for k, o in self.things.organizations.items() if first and o.acronym == first.group(1)), None)
                if key is not None:
                    ev = self.prose.evidence(r.evidence.start, r.evidence.start + len(first.group(1)))
                    r.performers.append(RoleLink(key, "researcher", ev))
                    self._role(key, "researcher", ev, FACT)
        if not r.performers and not r.commissioners and re.search(
                r"\b(?:including|such as|through|namely|in the form of|by way of)\s+(?:[\w-]+\s+){0,3}$", text_before, re.I):
            # "The ILO provided technical assistance to the Ministry, including an actuarial valuation": the help's giver
            for x in self._opening_subject(spans, lo, a):
                self._link(r.performers, x, "researcher", a, b)
        if not r.performers and not r.commissioners and not any(self._is_ilo(f.org) for f in r.funders):
            # in the ILO's contribution, the ILO is who did the work the sentence names, unless another body is named
            ilo = [x for x in spans if x.kind == "org" and self._is_ilo(x.ref) and x.end <= a]
            others = [x for x in spans if x.kind == "org" and not self._is_ilo(x.ref) and x.end <= a and x.start >= lo]
            if ilo and not others:
                self._link(r.performers, ilo[-1], "researcher", a, b)
            elif s.section == "ilo_contribution" and not [x for x in others if not self._object_of_preposition(x, lo)]:
                ilo_key = next((k for k in self.things.organizations if self._is_ilo(k)), None)
                # the section is the ILO's work: stated when the sentence names no other body but as a preposition's
                # object ("support to the Ministry", "a valuation of the Fund")
                alone = not any(x.kind == "org" and not self._is_ilo(x.ref) and not self._object_of_preposition(x, s.start)
                                for x in spans)
                if ilo_key is not None:
                    r.performers.append(RoleLink(ilo_key, "researcher", self.prose.evidence(a, b), FACT if alone else SUGGESTION))
                    if alone:
                        self._role(ilo_key, "researcher", self.prose.evidence(a, b), FACT)
        if r.date is None:
            d = self._nearest_date(spans, a, b, lo, hi, 70)
            if d is not None and d.start not in self.used_dates:
                r.date = d.ref.date
        if r.topic is None:
            t = _TOPIC.match(self.prose.verbatim[b:hi])
            if t:
                r.topic = t.group("topic").strip()
        if r.kind == "survey" and r.sample_size is None:
            m = _SAMPLE.search(self.prose.verbatim[a:hi])
            if m:
                r.sample_size = int(m.group(1).replace(",", ""))
                r.sample = m.group(2).strip()
                tail = self.prose.verbatim[a + m.end():hi]
                share = _SHARE.search(tail[:120])
                if share:
                    g = self._group_in(share.group(2))
                    if g:
                        sa = a + m.end() + share.start()
                        r.composition.append((g, float(share.group(1)) / 100,
                                              self.prose.evidence(sa, a + m.end() + share.end())))

    def _the_bodies(self, s: Sentence, word: str, pos: int, n: int) -> list[tuple[str, Span]]:
        """The ``n`` bodies of the kind ``word`` names ("ministries") named last before ``pos``: in its sentence, else in
        the sentence before (same section); none unless exactly ``n`` are."""
        types = self.org_types_of.get(lex_key(word)) or []
        if not types:
            return []
        before = [x for x in self.prose.sentences if x.end <= s.start and x.section == s.section][-1:]
        for lo, hi in [(s.start, pos)] + [(x.start, x.end) for x in before]:
            found: list[str] = []
            for (a, b), key in sorted(self.things.org_at.items()):
                org = self.things.organizations.get(key)
                if lo <= a and b <= hi and org is not None and org.type in types and key not in found:
                    found.append(key)
            if found:
                return [(k, None) for k in found] if len(found) == n else []
        return []

    def _helped_to_do(self, r: Research, orgs_before: list[Span], a: int, b: int, lo: int) -> bool:
        """"X supported / assisted / helped / enabled Y to conduct (in conducting) the work": Y is its performer."""
        text = self.prose.verbatim
        for y in reversed(orgs_before):
            if not _HELPED_BEFORE.search(text[max(lo, y.start - 40):y.start]):
                continue
            if not _TO_DO.fullmatch(text[y.end:a]):
                return False
            self._link(r.performers, y, "researcher", a, b)
            r.agents_stated = True
            return True
        return False

    def _object_of_preposition(self, x: Span, lo: int) -> bool:
        return re.search(r"\b(?:to|for|of|with|from|on|at|in|within|among|by)\s+(?:the\s+)?$",
                         self.prose.verbatim[max(lo, x.start - 30):x.start], re.I) is not None

    def _is_ilo(self, key: str) -> bool:
        org = self.things.organizations.get(key)
        return org is not None and (org.acronym == "ILO" or (org.name or "").startswith("International Labour"))

    def _link(self, target: list[RoleLink], span: Span, role: str, a: int, b: int) -> None:
        if not any(x.org == span.ref for x in target):
            ev = self.prose.evidence(min(span.start, a), max(span.end, b))
            target.append(RoleLink(span.ref, role, ev))
            self._role(span.ref, role, ev, FACT)

    def _cued_near(self, s: Sentence, spans: list[Span], lo: int, hi: int, role: str = "funder") -> list[tuple[str, Span]]:
        out = []
        for r in self.roles:
            if r.role == role and s.start <= r.evidence.start < s.end:
                # a country named as a donor ("with funding from Japan") stands for its government
                span = next((x for x in spans if x.kind == "org" and x.ref == r.org or
                             x.kind == "country" and x.ref and f"government-{x.ref.lower()}" == r.org), None)
                if span is None and r.org.startswith("government-"):
                    # "under the German-funded Baldia Project": a donor named by its demonym has no name of its own here
                    span = Span(r.evidence.start, r.evidence.end, "org", r.org, r.evidence.text)
                if span is not None:
                    out.append((r.org, span))
        return out

    def _group_in(self, text: str) -> str | None:
        if self.group_re is None:
            return None
        m = self.group_re.search(text)
        return self.group_of.get(lex_key(m.group(0))) if m else None

    # -- events -----------------------------------------------------------------------------------

    def events_in(self, s: Sentence, spans: list[Span]) -> None:
        if self.event_re is None:
            return
        titled = [m for m in self.things.other if m.kind == "event" and s.start <= m.name.start < s.end]
        matches = list(self.event_re.finditer(s.text))
        used_titles: set[int] = set()
        for i, m in enumerate(matches):
            a, b = s.start + m.start(), s.start + m.end()
            if self._inside_name(a, b, spans):
                continue
            # "capacity building workshops", "consultation meeting": the last noun names the event
            if i + 1 < len(matches):
                nxt = matches[i + 1]
                between = s.text[m.end():nxt.start()]
                if len(between) < 25 and re.fullmatch(r"[\sa-z\-]*", between):
                    continue
            kind = self.event_of[lex_key(m.group(0))]
            title = next((t for t in titled if t.name.start <= a and b <= t.name.end + 1), None)
            if title is not None and title.type:
                kind = title.type
            if re.search(r"\bin\s+(?:close\s+|full\s+|extensive\s+)?$", s.text[:m.start()], re.I) \
                    and re.match(r"\s+with\b", s.text[m.end():]):
                continue  # "developed in consultation with the social partners": how, not an event
            # ("Following tripartite consultations, the Government approved …": the phrase may end there)
            if re.search(r"\b(?:after|following|through|via|based\s+on|thanks\s+to)\s+(?:[a-z\-]+\s+){0,2}$",
                         s.text[max(0, m.start() - 40):m.start()], re.I) and norm(m.group(0)).endswith("s") \
                    and re.match(r"\s+(?:with|among|between)\b|\s*[,;]", s.text[m.end():]) \
                    and self.event_of.get(lex_key(m.group(0))) \
                    and not re.search(r"\b(?:two|three|four|five|six|seven|eight|nine|ten|\d+)\s+(?:[a-z\-]+\s+){0,2}$",
                                      s.text[max(0, m.start() - 40):m.start()], re.I):
                continue  # "after extensive consultations with the social partners": how a thing was made, not one event
            if self.research_re is not None and any(r.start() <= m.start() and m.end() <= r.end()
                                                    for r in self.research_re.finditer(s.text)):
                continue  # "Assessment-Based National Dialogue": a study's name
            if title is None and any(r.name.start <= a and b <= r.name.end for r in self.things.other
                                     if r.kind == "research"):
                continue  # "Assessment Based National Dialogue": the name of a study
            if title is not None:
                if title.name.start in used_titles:
                    continue
                used_titles.add(title.name.start)
            lo, hi = self._clause(s, a)
            before = self.prose.verbatim[max(lo, a - 30):a]
            ordinal = re.search(r"\b(first|second|third|fourth|fifth|final|last)\s+(?:\w+\s+){0,2}$", before, re.I)
            count_m = re.search(r"\b(two|three|four|five|six|seven|eight|nine|ten|\d{1,3})\s+(?:[\w-]+\s+){0,2}$", before, re.I)
            e = Event(kind, self.prose.evidence(title.name.start if title else a, title.name.end if title else b),
                      title=title.name.text if title else None)
            if count_m and not ordinal and norm(m.group(0)).endswith("s"):
                w = count_m.group(1).lower()
                e.count = _NUMBER_WORDS.get(w) or (int(w) if w.isdigit() else None)
            d = self._nearest_date(spans, a, b, lo, hi, 110)
            if d is not None and d.start >= b and re.search(r",\s*(?:and|while|whereas)\s", self.prose.verbatim[b:d.start]):
                d = None  # "… the technical meeting, and in May the second ABND": the next clause's date
            if d is not None:
                e.date = d.ref.date
                self.used_dates.add(d.start)
            e.place = self._place(spans, a, lo, hi)
            p = _PARTICIPANTS.search(self.prose.verbatim[b:hi])
            if p:
                e.participants = int(p.group(1).replace(",", ""))
            t = _TOPIC.match(self.prose.verbatim[b:hi])
            if t:
                e.topic = t.group("topic").strip()
            self._organizers(e, spans, a, b, lo, hi)
            generic = _GENERIC_DET.search(before) and not ordinal and title is None
            held = re.search(r"\b(?:organi[sz]ed|organi[sz]e|held|convened|hosted|facilitated|conducted|delivered|ran|"
                             r"carried out|co-organi[sz]ed|support(?:ed)? to|participated in|took part in|attended|during|coordination of)"
                             r"\s+(?:\w+\s+){0,4}$", self.prose.verbatim[max(lo, a - 60):a], re.I) or \
                (re.search(r"\bprovided\s+(?:[a-z\-]+\s+)?$", self.prose.verbatim[max(lo, a - 40):a]) and
                 re.match(r"\s+(?:to|for)\s+(?:[a-z]+\s+){0,2}?\d[\d,]*\s", self.prose.verbatim[b:hi]))
            # ("provided training to 35 staff": given to a number of people; "provided capacity building to the Ministry"
            # is support, no event)
            # "various seminars were facilitated", "A third ABND was organized": held, said after it
            held = held or re.match(r"[^.;]{0,40}?\b(?:was|were|had been|have been|has been)\s+(?:\w+ly\s+)?"
                                    r"(?:organi[sz]ed|held|convened|hosted|facilitated|conducted|delivered|provided|co-organi[sz]ed)\b",
                                    self.prose.verbatim[b:hi], re.I)
            said = held or e.count or e.date or e.place or e.participants
            if said and not e.organizers and s.section == "ilo_contribution" and \
                    not any(x.kind == "org" and not self._is_ilo(x.ref) for x in spans):
                # "Organized two tripartite workshops …", "Two workshops in Vientiane (45 participants)": the
                # contribution's events are the ILO's, when no other body is named
                ilo_key = next((k for k in self.things.organizations if self._is_ilo(k)), None)
                if ilo_key is not None:
                    ev = self.prose.evidence(a, b)
                    e.organizers.append(RoleLink(ilo_key, "organizer", ev))
                    self._role(ilo_key, "organizer", ev, FACT)
            detailed = bool(e.date or e.place or e.participants or e.organizers or title or ordinal or e.count or held)
            if not detailed:
                continue
            if generic and not (e.date or e.place):
                continue
            e.confidence = FACT if (e.date or title or e.place or e.participants or held or e.count) else SUGGESTION
            if e.confidence == SUGGESTION:
                continue  # an event with nothing but its kind named is too often a kind of activity
            e._ordinal = ordinal.group(1).lower() if ordinal else None  # type: ignore[attr-defined]
            self.events.append(e)
        self._sessions(s, spans, matches)

    def _sessions(self, s: Sentence, spans: list[Span], matches: list) -> None:
        """"the ILO organized the first ABND, with 45 participants", "in May the second ABND, with 60 participants",
        "A third ABND was organized": a gathering named by what it was about, said by its participants or by an
        ordinal and the verb of holding it: a meeting."""
        text = s.text
        for m in _SESSION.finditer(text):
            a, b = s.start + m.start("what"), s.start + m.end("what")
            if any(x.start() < m.end("what") and m.start("what") < x.end() for x in matches):
                continue  # the event's own word is there: read above
            if any(e.evidence.start <= a < e.evidence.end for e in self.events):
                continue
            lo, hi = self._clause(s, a)
            e = Event("meeting", self.prose.evidence(s.start + m.start(), b))
            if m.group("n"):
                e.participants = int(m.group("n").replace(",", ""))
            d = self._nearest_date(spans, s.start + m.start(), b, lo, hi, 40)
            if d is not None and d.start not in self.used_dates:
                e.date = d.ref.date
                self.used_dates.add(d.start)
            e._ordinal = m.group("ord").lower()  # type: ignore[attr-defined]
            self._organizers(e, spans, a, b, lo, hi)
            self.events.append(e)

    def _place(self, spans: list[Span], a: int, lo: int, hi: int) -> str | None:
        window = self.prose.verbatim[lo:hi]
        for m in re.finditer(r"\b(?:in|at|à|en)\s+(?:the\s+)?([A-Z][\w\-’']+(?:\s+[A-Z][\w\-’']+)?)", window):
            start = lo + m.start(1)
            name = m.group(1)
            if name.split()[0].lower() in _MONTH_WORDS or any(x.kind in ("org", "instrument", "date")
                                                              and x.start <= start < x.end for x in spans):
                continue
            if re.fullmatch(r"(?:19|20)\d\d", name) or name.split()[0] in ("Step", "Q1", "Q2", "Q3", "Q4", "Republic",
                                                                               "Kingdom", "State", "Province"):
                continue
            if lex_key(name) in self.lex.country_names:
                continue
            if abs(start - a) > 140:
                continue
            return name
        return None

    def _organizers(self, e: Event, spans: list[Span], a: int, b: int, lo: int, hi: int) -> None:
        after = self.prose.verbatim[b:hi]
        by = re.search(r"\b(?:organi[sz]ed|hosted|convened|co-organi[sz]ed|facilitated|held|led)\s+by\s+(?:the\s+)?", after, re.I)
        if by:
            x = next((x for x in spans if x.kind == "org" and b + by.end() <= x.start <= b + by.end() + 2), None)
            if x:
                self._org_link(e, x, a, b)
                return
        before = self.prose.verbatim[lo:a]
        verb = re.search(r"\b(organi[sz]ed|held|convened|hosted|conducted|facilitated|delivered|ran|carried out)\b[^.;]{0,50}$", before, re.I)
        if verb:
            vpos = lo + verb.start()
            subject = self._subject_before(spans, lo, vpos)
            if subject:
                for x in subject:
                    self._org_link(e, x, a, b)
                return
            subject = [x for x in spans if x.kind == "org" and lo <= x.start and x.end <= vpos]
            if subject and vpos - subject[-1].end <= 30:
                self._org_link(e, subject[-1], a, b)

    def _org_link(self, e: Event, span: Span, a: int, b: int) -> None:
        ev = self.prose.evidence(min(span.start, a), max(span.end, b))
        e.organizers.append(RoleLink(span.ref, "organizer", ev))
        self._role(span.ref, "organizer", ev, FACT)

    def _merge_research(self) -> None:
        """Mentions of one study: the same title, its acronym, or the same kind said again without new details."""
        acronyms = {a: n.text for a, n in self.definitions.items()}
        kept: list[Research] = []
        for r in self.research:
            target = None
            for k in kept:
                if r.title and k.title and _title(r.title) == _title(k.title):
                    target = k
                elif r.evidence.text in acronyms and k.title and _title(acronyms[r.evidence.text]) == _title(k.title):
                    target = k
                elif r.evidence.text in acronyms and k.evidence.text == r.evidence.text:
                    target = k
                elif r.title is None and k.kind == r.kind and not (r.date and k.date and r.date.value != k.date.value) \
                        and not (r.performers and k.performers and r.performers[0].org != k.performers[0].org):
                    target = k
                elif k.kind == r.kind and _names_the_other(r, k, acronyms):
                    target = k  # "the Assessment Based National Dialogue", then its full title, then "ABND"
                if target is not None:
                    break
            if target is None:
                kept.append(r)
                continue
            for attr in ("performers", "commissioners", "funders"):
                for link in getattr(r, attr):
                    if not any(x.org == link.org for x in getattr(target, attr)):
                        getattr(target, attr).append(link)
            for attr in ("title", "date", "topic", "sample_size", "sample"):
                if getattr(target, attr) is None and getattr(r, attr) is not None:
                    setattr(target, attr, getattr(r, attr))
            target.mentions += [r.evidence, *r.mentions]  # every passage that states it is its evidence
            if r.confidence == FACT:
                target.confidence = FACT
        self.research = kept

    def _merge_events(self) -> None:
        """One event said twice: the same kind and title, or the same kind and date."""
        kept: list[Event] = []
        titled: dict[str, list[Event]] = {}
        for x in self.events:
            if x.title:
                titled.setdefault(x.kind, []).append(x)
        for e in self.events:
            same = next((k for k in kept if k.kind == e.kind and (
                (e.title and k.title and _title(e.title) == _title(k.title)) or
                (e.date and k.date and e.date.value == k.date.value and not getattr(e, "_ordinal", None)))), None)
            if same is None and len(titled.get(e.kind, [])) == 1 and _one_event(e, titled[e.kind][0]):
                # "launched a Social Protection for Development campaign on 23 July 2021": the campaign it names
                same = titled[e.kind][0]  # kept where the loop meets it; what e knows moves to it now
            if same is None:
                kept.append(e)
                continue
            for attr in ("date", "place", "participants", "topic", "title"):
                if getattr(same, attr) is None and getattr(e, attr) is not None:
                    setattr(same, attr, getattr(e, attr))
            same.organizers += [o for o in e.organizers if not any(x.org == o.org for x in same.organizers)]
        self.events = kept

    def _ordinal_events(self) -> None:
        """"two seminars were organized. The first seminar ... The second ...": the two, not three."""
        for group in [e for e in self.events if e.count]:
            singles = [e for e in self.events if e.kind == group.kind and getattr(e, "_ordinal", None)]
            if singles:
                self.events.remove(group)

    # -- groups and standards ------------------------------------------------------------------

    def groups_in(self, s: Sentence, spans: list[Span]) -> None:
        if self.group_re is None:
            return
        for m in self.group_re.finditer(s.text):
            a, b = s.start + m.start(), s.start + m.end()
            if any(x.kind == "org" and x.start <= a and b <= x.end for x in spans):
                continue
            self._group(self.group_of[lex_key(m.group(0))], a, b, spans)
        # "domestic and home based workers", "poor and near-poor households": each modifier with the shared noun
        for m in _COORDINATED_GROUP.finditer(s.text):
            for modifier in (m.group("first"), m.group("second")):
                key = self.group_of.get(lex_key(f"{modifier} {m.group('noun')}"))
                if key is not None:
                    self._group(key, s.start + m.start(), s.start + m.end(), spans)

        # "non-Jordanians", "non-Omani workers": the country's foreign workers, whichever country's demonym it is
        if "expatriate-workers" in self.group_of.values():
            for m in re.finditer(r"\bnon-([A-Z][a-z]+?)(?:s\b|\s+(?:workers|nationals|employees|residents)\b)", s.text):
                if self.lex.demonyms.get(m.group(1)):
                    self._group("expatriate-workers", s.start + m.start(), s.start + m.end(), spans)

    def _group(self, key: str, a: int, b: int, spans: list[Span]) -> None:
        if not any(g.key == key for g in self.groups):
            self.groups.append(GroupMention(key, self.prose.evidence(a, b)))
        for x in spans:
            if x.kind == "instrument" and x.start <= a and b <= x.end and key not in x.ref.groups:
                x.ref.groups.append(key)

    def standards_in(self, s: Sentence, spans: list[Span]) -> None:
        found = []
        if self.standard_re is not None:
            for m in self.standard_re.finditer(s.text):
                found.append((s.start + m.start(), s.start + m.end(), self.standard_of[lex_key(m.group(0))]))
        for m in re.finditer(r"\b(Convention|Recommendation|Convenio|Recomendación|Recommandation)s?\s*(?:No\.?|Nos\.?|n[°º]\.?|núm\.?)?\s*(\d{1,3})\b", s.text):
            code = ("C" if m.group(1)[0] == "C" else "R") + f"{int(m.group(2)):03d}"
            if code.lower() in self.lex.standards:
                found.append((s.start + m.start(), s.start + m.end(), code.lower()))
        # "R 202", "C.102", "C-168": a standard's three-digit code written with a space, dot or hyphen, when it is a known code
        for m in re.finditer(r"(?<![\w.\-])([CR])(?:\s|\.\s?|-)(\d{3})(?![\w.,/\-]?\d)", s.text):
            code = f"{m.group(1)}{int(m.group(2)):03d}".lower()
            if code in self.lex.standards:
                found.append((s.start + m.start(), s.start + m.end(), code))
        for a, b, key in sorted(found):
            concept = self.lex.standards.get(key)
            code = concept.key.upper() if concept else key.upper()
            if any(st.code == code for st in self.standards):
                continue
            lo, hi = self._clause(s, a)
            window = self.prose.verbatim[lo:hi].lower()
            milestone = "ratified" if "ratif" in window else None
            st = StandardCitation(code, self.prose.evidence(a, b), milestone)
            if milestone:
                d = self._nearest_date(spans, a, b, lo, hi, 90)
                if d is not None:
                    st.date = d.ref.date
            self.standards.append(st)


# "supported the Ministry to conduct a survey", "assisted the Fund in carrying out its actuarial review": the body helped
# and the verb of doing the work (Relations._helped_to_do).
# After "provided": the help given to do the work, and nothing else ("provided technical support to complete a cost estimate",
# "provided advisory support to constituents including through research on ..."): the giver did the work
_SUPPORT_TO_DO = re.compile(r"\s+(?:[\w-]+\s+){0,2}(?:support|assistance|advice|inputs?|services)\s+(?:(?:to|for)\s+(?:the\s+)?"
                            r"(?!(?:complet|conduct|prepar|develop|undert|draft|produc|updat|finali[sz]|carr)\w*)[\w-]+\s+)?"
                            r"(?:(?:to|in)\s+(?:(?:complet|conduct|prepar|develop|undert|draft|produc|updat|finali[sz])\w*|carry\s+out|"
                            r"carrying\s+out)|including(?:\s+through)?)\s+(?:(?:a|an|the|its|their)\s+)?(?:[\w-]+\s+){0,3}", re.I)
# Between two works of one list: the first one's subject ("on policy coherence for refugees") and a comma or "and"
_LISTED_WORK = re.compile(r"(?:\s+(?:on|of|about|for|into|regarding|concerning)\s+(?:(?!(?:was|were|is|are|has|have|had|which|"
                          r"that|who|will|would)\b)[^,;:()])+)?\s*(?:,|,?\s+and|,?\s+as\s+well\s+as)\s+"
                          r"(?:(?:a|an|the)\s+)?(?:[a-z][\w-]*\s+){0,2}", re.I)
# "the two ministries (are jointly) conducting", "both institutions carried out": bodies named before, by their kind
_BOTH_BODIES = re.compile(r"\b(?:the\s+(?P<n>two|three)|(?P<n2>both)(?:\s+the)?)\s+(?P<kind>[a-z]+)\s+(?:(?:has|have|had|are|were|is|was|"
                          r"will|also|jointly|together|currently|then|\w+ly)\s+)*(?:conduct\w*|carr\w+\s+out|undert\w+|prepar\w+|"
                          r"develop\w*|produc\w+|complet\w+|finali[sz]\w+|perform\w*)\s+(?:[\w-]+\s+){0,4}$", re.I)
# "supported the Ministry of Labour through a mapping of …", "provided support, including a costing": the work is the help
_SUPPORT_THROUGH = re.compile(r"\s+(?:(?!(?:and|or|which|who|that|to|for|in|by)\b)[\w’'-]+\s+){0,6}?,?\s*(?:through|including|"
                              r"in\s+the\s+form\s+of|by\s+way\s+of)\s+(?:(?:a|an|the|its|their|two|three|several)\s+)?"
                              r"(?:[\w-]+\s+){0,3}", re.I)
_HELPED_BEFORE = re.compile(r"\b(?:supported|supports|supporting|assisted|assists|assisting|helped|helps|enabled|enables|"
                            r"advised|accompanied|guided|trained)\s+(?:the\s+)?$", re.I)
_TO_DO = re.compile(r"\s*(?:\([^()]{1,30}\))?\s*(?:to|in)\s+(?:\w+ly\s+)?(?:conduct|conducting|carry\s+out|carrying\s+out|"
                    r"undertake|undertaking|prepare|preparing|develop|developing|complete|completing|finali[sz]e|finali[sz]ing|"
                    r"perform|performing|produce|producing|draft|drafting|design|designing|do|doing|run|running)\s+"
                    r"(?:(?:a|an|the|its|their|his|her)\s+)?(?:[\w\-]+\s+){0,3}", re.I)
# A gathering named by its subject, with its participants or an ordinal and the verb of holding it (Relations._sessions).
_SESSION = re.compile(
    r"\b(?i:the|a|an)\s+(?P<ord>first|second|third|fourth|fifth|final|last)\s+(?P<what>[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*){0,3})"
    r"(?=\s*,?\s+(?:with\s+(?:approx(?:imately|\.)?\s*|about\s+|around\s+|some\s+|over\s+|more than\s+)?"
    r"(?P<n>\d[\d,]*)\s+participants|(?:was|were)\s+(?:organi[sz]ed|held|convened|hosted)\b))")
# Between a cue and the bodies it lists, their kind in lower case: "with other UN agencies including UNDP and UNICEF",
# "development partners, such as the World Bank".
_KINDS_INCLUDING = re.compile(r"\s*(?:the\s+)?(?:other\s+)?(?:[A-Za-z][\w\-]*\s+){0,3}?[A-Za-z]+s\s*,?\s*(?:including|such\s+as|"
                              r"namely|notably|in\s+particular)\s+(?:the\s+)?")
# Between two research words, what makes them one piece of work's: "and" and lower-case words, no article or
# number ("a fiscal space analysis and social protection floor costing assessment", "the costing and fiscal space
# assessment"); "an actuarial valuation and a legal review" are two.
_JOINED_WORK = re.compile(r"\s+(?:and|&)\s+(?:(?!(?:a|an|the|its|their|this|these|two|three|four|several|various|many|some|other|another|different|"
                          r"further|additional|related|also|then)\b)"
                          r"[a-z][\w\-]*\s+){0,4}")


def _names_the_other(r: Research, k: Research, acronyms: dict[str, str]) -> bool:
    """One mention is untitled and its words are the other's title, a leading part of it, or its acronym."""
    titled, plain = (r, k) if r.title and not k.title else (k, r) if k.title and not r.title else (None, None)
    if titled is None:
        return False
    words, title = _title(plain.evidence.text), _title(titled.title)
    if len(words.split()) >= 2 and title.startswith(words):
        return True
    acronym = plain.evidence.text
    full = acronyms.get(acronym) or next((v for a, v in acronyms.items() if a.split("-")[0] == acronym), None)
    if full:
        return title.startswith(_title(full)) or _title(full).startswith(title)
    initials = "".join(w[0] for w in re.findall(r"\b[A-Z][\w’']*", titled.title))
    return acronym.isupper() and len(acronym) >= 3 and initials.startswith(acronym)


def _one_event(e: Event, titled: Event) -> bool:
    """An untitled mention of the kind the record names once with a title, with nothing that tells them apart."""
    if e is titled or e.title or e.count or getattr(e, "_ordinal", None) or titled.count:
        return False
    return not (e.date and titled.date and e.date.value != titled.date.value) and not (
        e.place and titled.place and e.place != titled.place)


def _title(text: str) -> str:
    return " ".join(re.sub(r"\(.*?\)|[^\w ]", " ", text.lower()).split())


# Research words that name work in passing as often as a piece of work: only with a title, or a body doing it.
# Capitalised words that start a sentence or qualify a noun without naming anything
# A line of a report that opens with what was done and leaves out who did it: "Drafted technical note and ...".
_SUBJECTLESS = re.compile(r"\s*(?:[-•–*]\s*)?(?:Conducted|Carried out|Undertook|Drafted|Prepared|Developed|Produced|"
                          r"Completed|Finali[sz]ed|Elaborated|Wrote|Performed|Delivered)\b[^.;:]*$")
_TITLE_SKIP = {"the", "this", "that", "these", "those", "a", "an", "its", "their", "our", "such", "each", "another",
               "other", "new", "first", "second", "third", "further", "also", "in", "with", "and", "for", "of", "on"}
GENERIC_RESEARCH = {"study", "report", "review", "evaluation", "mapping", "assessment", "policy-note", "diagnostic"}

_MONTH_WORDS = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
                "november", "december"}


def _last_marker(text: str, rel: int) -> int:
    found = [m.start() for m in re.finditer(r"\((?:i{1,3}|iv|v|vi{0,3}|[a-h]|\d)\)", text[:rel])]
    return found[-1] - 1 if found else -1


def _next_marker(text: str, rel: int) -> int:
    m = re.search(r"\((?:i{1,3}|iv|v|vi{0,3}|[a-h]|\d)\)", text[rel + 1:])
    return rel + 1 + m.start() if m else -1


__all__ = ["Relations"]

"""Which names are organizations, instruments, events or studies, and which mentions are one thing.

A name's kind comes from its head word, looked up in the lexicon's code lists: "Ministry
of Social Development" is headed by *ministry* (an organization type), "National Social
Protection Strategy" by *strategy* (an instrument type), "Capacity Building … Workshop" by
*workshop* (an event type). A head followed by "of", "on" or "for" heads the name from the
front (Ministry of …, Law on …, Guiding Opinions on …); otherwise the last head word does.
Known bodies (the graph's organizations, by name, other name or acronym) are recognised
whatever their words. Names joined by "and" are split when each side is complete.

Mentions of one thing are merged: an acronym defined in brackets ("(MoSD)") stands for
its name wherever it appears again; repeated or shortened titles ("the NSPS strategy",
"National Social Protection Strategy 2019-2025") are one instrument.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from kg.ingest.catalog import norm
from kg.ingest.extract import names as names_mod
from kg.ingest.extract.lexicon import INTERNATIONAL, KnownOrganization, Lexicon, known_in, phrase_pattern
from kg.ingest.extract.lexicon import key as lex_key
from kg.ingest.extract.model import FACT, SUGGESTION, Evidence, Instrument, Organization
from kg.ingest.extract.names import CONNECTORS, Name
from kg.ingest.extract.prose import Prose, Sentence

# Prepositions after which a head word heads the name from the front ("Ministry of ...", "Law on ...").
HEAD_FIRST = {"of", "on", "for", "concerning", "regarding", "against", "de", "du", "des", "sur", "sobre", "para", "pour",
              "da", "do", "dos", "das", "del"}
# Prepositions of the languages whose heads come before their adjectives ("Política Nacional de Proteção Social",
# "Stratégie Nationale de Protection Sociale"): a head, one or two capitalised adjectives, then one of these.
ROMANCE_OF = {"de", "du", "des", "da", "do", "dos", "das", "del", "sobre", "para", "pour"}
# Words that, right after a head, start a place or a time rather than the rest of a name.
PLACE_PREPOSITIONS = {"in", "at", "from", "to", "en", "à", "a"}
# Instrument types whose lower-case mentions name one instrument ("the social security law"); a lower-case
# "social protection programme" is as often a kind of thing as a thing.
LOWER_CASE_HEADS = {"law", "bill", "decree", "code", "act", "constitution"}
# Words after which a complete name may run on into a place or another phrase ("... in Jordan").
RUN_ON = {"in", "at", "with", "from", "to", "under", "towards", "en", "à", "con", "avec"}
# Organization types (or head words) of which a country has one, so a bare "Parliament" names it.
UNIQUE_BODIES = {"parliament", "head-of-state-or-government", "council of ministers", "cabinet", "national assembly"}
# Instruments a country has one of, named by their head alone ("the Constitution", "the Labour Code"), as bodies are
# in UNIQUE_BODIES; other bare heads ("the Strategy", "Action Plan") name nothing on their own.
UNIQUE_INSTRUMENTS = {"constitution", "labour code"}
# Lower-case nouns after an acronym that make it a modifier of something generic ("UN agencies").
GENERIC_AFTER = {"agencies", "agency", "system", "entities", "family", "partners", "organizations", "organisations",
                 "country", "staff", "team", "teams", "constituents", "member", "members"}
KINDS = ("organization", "instrument", "event", "research")
# Lower-case nouns after a capitalised branch name ("the Health Insurance system") that make it the branch, not a scheme.
BRANCH_AFTER = {"system", "systems", "coverage", "sector", "sectors", "reform", "reforms", "branch", "branches",
                "contributions", "contribution", "schemes", "services", "institutions", "institution", "agencies",
                "legislation", "laws", "policies", "programmes", "programs", "benefits", "expenditure", "spending",
                "financing", "contributors", "members", "beneficiaries", "claims", "provisions", "rights"}
# People named by the body they belong to ("Representatives of the Ministry of Labour"): the body is the name.
PEOPLE_OF = {"representatives", "members", "staff", "officials", "officers", "employees", "delegates", "experts",
             "delegations", "heads", "leaders", "managers", "inspectors", "personnel", "specialists", "actuaries"}


@dataclass
class Mention:
    kind: str  # organization | instrument | event | research | acronym | country | unknown
    name: Name
    type: str | None = None  # the code-list key of its kind (ministry, strategy, workshop, ...)
    known: KnownOrganization | None = None
    country: str | None = None
    sentence: Sentence | None = None
    lower_case: bool = False  # a lower-case title ("the social insurance law")
    acronym: str | None = None  # the acronym the brackets after a lower-case title give it


@dataclass
class Heads:
    """The lexicon's head words, by kind, as n-gram lookups."""

    by_kind: dict[str, dict[str, list[str]]]
    longest: int

    def find(self, words: tuple[str, ...]) -> list[tuple[int, int, str, str]]:
        """(start, end, kind, type key) of every head n-gram in ``words``, longest first at each place.

        A plural is looked up as its singular too ("Committees").
        """
        low = [_fold(w) for w in words]
        out = []
        i = 0
        while i < len(low):
            hit = None
            for n in range(min(self.longest, len(low) - i), 0, -1):
                gram = " ".join(low[i:i + n])
                for kind in KINDS:
                    keys = self.by_kind[kind].get(gram) or self.by_kind[kind].get(_singular(gram))
                    if keys:
                        hit = (i, i + n, kind, keys[0])
                        break
                if hit:
                    break
            if hit:
                out.append(hit)
                i = hit[1]
            else:
                i += 1
        return out


def _singular(gram: str) -> str:
    if gram.endswith("ies"):
        return gram[:-3] + "y"
    if gram.endswith("s") and not gram.endswith("ss"):
        return gram[:-1]
    return gram


def _fold(word: str) -> str:
    return lex_key(word)


def heads(lex: Lexicon) -> Heads:
    by_kind: dict[str, dict[str, list[str]]] = {k: {} for k in KINDS}
    for w, keys in lex.head_index("organization_types").items():
        by_kind["organization"][w] = keys
    for w, keys in lex.head_index("instrument_types").items():
        by_kind["instrument"][w] = keys
    for kind, table in (("event", "event_types"), ("research", "research_types")):
        for w, key in lex.word_index(table).items():
            by_kind[kind].setdefault(w, [key])
    longest = max((len(w.split()) for d in by_kind.values() for w in d), default=1)
    return Heads(by_kind, longest)


class Recognizer:
    """Names in a record's sentences, each given a kind; one object per record."""

    def __init__(self, prose: Prose, lex: Lexicon, record_country: str | None, heads_: Heads,
                 known_names: dict[str, list[KnownOrganization]], known_acronyms: dict[str, list[KnownOrganization]],
                 org_cues: dict[str, str], listing_heads: frozenset[str] = frozenset(),
                 field_words: frozenset[str] = frozenset()) -> None:
        self.prose = prose
        self.lex = lex
        self.country = record_country
        self.heads = heads_
        self.known_names = known_names
        self.known_acronyms = known_acronyms
        self.org_cues = org_cues
        self.listing_heads = listing_heads
        self.field_words = field_words  # a branch's words: "social", "health", "insurance", ...
        self.definitions: dict[str, Name] = {}  # acronym -> the name it stands for
        self.bracket_names: dict[tuple[int, int], str] = {}  # a body's span -> the name the brackets after it give
        self.instrument_labels = {c.label.lower() for c in lex.instrument_types.values() if " " not in c.label}
        self.mentions: list[Mention] = []

    # -- names ------------------------------------------------------------------------------

    def run(self) -> list[Mention]:
        per_sentence = []
        for s in self.prose.sentences:
            found = names_mod.names(self.prose, s, self.listing_heads)
            for d in names_mod.acronym_definitions(self.prose, s, found):
                self.definitions.setdefault(d.acronym, d.name)
            per_sentence.append((s, found, names_mod.quoted_titles(self.prose, s)))
        for s, found, quoted in per_sentence:
            taken: list[tuple[int, int]] = []
            for q in quoted:
                m = self.classify(q, s)
                if m is not None and m.kind in ("instrument", "research", "event"):
                    self.mentions.append(m)
                    taken.append((q.start, q.end))
            for n in found:
                if any(a <= n.start and n.end <= b for a, b in taken):
                    continue
                if re.match(r"\.\.\.|…", self.prose.verbatim[n.end:n.end + 3]):
                    continue  # "the Social Health Protection Strategy 2021-20...": a summary cut inside the name
                n = self._with_trailing_head(self._without_people(n))
                for part in self.split(n):
                    m = self.classify(part, s)
                    if m is None:
                        m = self._named_in_brackets(part, found, s, taken)
                    if m is not None:
                        self.mentions.append(m)
        self._contribution_heading()
        return self.mentions

    def _contribution_heading(self) -> None:
        """A record whose prose never names the ILO still names it in its heading "ILO's contribution to the
        outcome": the body the section's subjectless lines are about."""
        if "ILO" not in self.known_acronyms or any(m.known is not None and m.known.acronym == "ILO" for m in self.mentions):
            return
        section = next(((a, b) for f, a, b in self.prose.sections if f == "ilo_contribution"), None)
        if section is None:
            return
        heading = re.search(r"\bILO\b(?=[’']?s?\s+[Cc]ontribution\b)[^\n]*\n\s*$", self.prose.verbatim[max(0, section[0] - 80):section[0]])
        if heading is None:
            return
        start = max(0, section[0] - 80) + heading.start()
        ilo = known_in(self.known_acronyms["ILO"], None)
        if ilo is not None:
            self.mentions.append(Mention("organization", Name(start, start + 3, "ILO", ("ILO",)), ilo.type, ilo))

    def _named_in_brackets(self, n: Name, found: list[Name], s: Sentence, taken: list[tuple[int, int]]) -> Mention | None:
        """"the State Great Khural (Parliament)", "the Majlis (Parliament)": a name that is nothing by its own words,
        with a body's name or kind in brackets right after it, is that body; the brackets say it again."""
        after = re.match(r"\s*\(\s*", self.prose.verbatim[n.end:n.end + 5])
        if after is None or len(n.words) > 6:
            return None
        inner = next((x for x in found if x.start == n.end + after.end()), None)
        if inner is None or not re.match(r"\s*\)", self.prose.verbatim[inner.end:inner.end + 3]):
            return None
        m = self.classify(inner, s)
        if m is None or m.kind != "organization" or m.known is not None or _is_acronym(inner.text) or \
                n.words[0].rstrip(".").lower() in ("mr", "mrs", "ms", "dr", "h.e", "prof", "minister", "director"):
            return None  # "Ms Lan (MOLISA)", "Mr Smith (Ministry of Labour)": a person and the body they are from
        taken.append((inner.start, inner.end))  # the bracketed name is this body's other name, not a second body
        self.bracket_names[(n.start, n.end)] = inner.text
        return Mention("organization", n, m.type, None, m.country, s)

    def _without_people(self, n: Name) -> Name:
        """"Representatives of the Ministry of Labour", "Staff of the Social Security Fund": the body they are of."""
        low = n.words_lower
        if len(low) >= 4 and low[0] in PEOPLE_OF and low[1] in ("of", "from"):
            i = 3 if low[2] in ("the", "la", "le", "el") else 2
            if len(low) - i >= 2:
                return self._sub(n, i, len(low))
        return n

    def _with_trailing_head(self, n: Name) -> Name:
        """"EHSAAS programme", "TRANSFORM rollout plan": a name followed by a lower-case instrument word names it."""
        if self.heads.find(n.words) and self.heads.find(n.words)[-1][1] == len(n.words):
            return n
        proper = any(w.isupper() and len(w) > 1 or any(c in w for c in "+/") for w in n.words) or \
            (len([w for w in n.words if w[:1].isupper()]) >= 2)
        if not proper:
            return n
        after = self.prose.verbatim[n.end:n.end + 40]
        m = re.match(r"\s+()([a-z]+)\b", after)
        if not m or m.group(2) not in self.instrument_labels:
            m = re.match(r"\s+(?:([a-z][a-z\-]+)\s+)?([a-z]+)\b", after)
        if not m or m.group(2) not in self.instrument_labels:
            return n
        if m.group(1) and (m.group(1) in CONNECTORS or m.group(1) in self.instrument_labels):
            return n
        end = n.end + m.end()
        following = re.match(r"\s+([a-z]+)", self.prose.verbatim[end:end + 20])
        if following and (self.heads.by_kind["research"].get(following.group(1)) or
                          self.heads.by_kind["event"].get(following.group(1))):
            return n  # "ILO policy note": the note is the thing
        words = n.words + tuple(w for w in (m.group(1), m.group(2)) if w)
        return Name(n.start, end, self.prose.verbatim[n.start:end], words, n.quoted)

    def split(self, n: Name) -> list[Name]:
        """A name cut where it joins two complete names ("X Committee and Y Committees") or runs into a place."""
        words = list(n.words)
        low = [w.lower() for w in words]
        provision = _PROVISION.match(" ".join(words))
        if provision:  # "Article 5 of the Labour Law": the act whose provision it is
            k = len(provision.group(0).split())
            if k < len(words):
                return self.split(self._sub(n, k, len(words)))
        hits = self.heads.find(n.words)
        # a head followed by a place or time preposition: the name ends at the head
        for start, end, kind, key in hits:
            if end < len(words) and low[end] in PLACE_PREPOSITIONS and kind in ("event", "organization", "instrument"):
                rest = words[end + 1:]
                if rest and (self._place_like(rest) or rest[0][:1].isdigit()):
                    left = self._sub(n, 0, end)
                    return [left] + ([] if rest[0][:1].isdigit() else [])
        # a complete name running on into "in Jordan", "with the Social Protection Floor"
        for k, w in enumerate(low):
            if w not in RUN_ON or k == 0 or k == len(words) - 1:
                continue
            left, right = words[:k], words[k + 1:]
            if not self._complete(left):
                continue
            rest = " ".join(right)
            if right[0].lower() in ("the", "la", "le", "el") or norm(rest) in self.lex.country_names \
                    or norm(rest) in self.lex.place_names or right[0][:1].isdigit() or re.fullmatch(r"Q[1-4]", right[0]):
                return self.split(self._sub(n, 0, k))
            if self._complete(right):  # "Memorandum of Understanding with Civil Society for Poverty Reduction"
                return self.split(self._sub(n, 0, k)) + self.split(self._sub(n, k + 1, len(words)))
        # an instrument and the body it is of: "Resolution 45/2019 of the Council of Ministers", "the Social Health
        # Insurance Program of the Government of …": two things, not a body named after its act
        for k, w in enumerate(low):
            if w != "of" or k == 0 or k == len(words) - 1:
                continue
            left = words[:k]
            left_hits = self.heads.find(tuple(left))
            if not left_hits or left_hits[-1][2] != "instrument" or not self._complete(left) or \
                    _past_number(tuple(left), left_hits[-1][1]) != len(left):
                continue
            r0 = k + 1
            while r0 < len(words) - 1 and low[r0] in ("the", "la", "le", "el", "les", "los"):
                r0 += 1
            right = self._sub(n, r0, len(words))
            if self._is_body(right):
                return self.split(self._sub(n, 0, k)) + self.split(right)
        # "the World Social Protection Report 2020-22 and the Social Protection Monitor": a title ending with its head
        # (and its number or years), then "and the" and another name, whatever that one is
        for k in range(1, len(words) - 2):
            if low[k] != "and" or low[k + 1] not in ("the", "la", "le", "el", "les", "los"):
                continue
            left = tuple(words[:k])
            left_hits = self.heads.find(left)
            if left_hits and left_hits[-1][2] != "organization" and \
                    all(re.fullmatch(r"[\d./\-–]+|No\.?", w) for w in left[left_hits[-1][1]:]):
                return self.split(self._sub(n, 0, k)) + self.split(self._sub(n, k + 2, len(words)))
        # coordination: both sides complete; "X and the Ministry of …" before any other "and"
        starts = {h[0] for h in hits}
        joins = [k for k, w in enumerate(low) if w in ("and", "&", "et", "y") and 0 < k < len(words) - 1]
        joins.sort(key=lambda k: (low[k + 1] not in ("the", "la", "le", "el", "les", "los") and k + 1 not in starts, k))
        for k in joins:
            left, right = words[:k], words[k + 1:]
            if (self._complete(left) or self._country(left)) and (self._complete(right) or self._country(right)) \
                    and not (self._country(left) and self._country(right)):
                # "UNICEF and Sweden": a body and a country (a donor's government) are two names; two countries'
                # names joined are left to the country rules ("Trinidad and Tobago")
                r0 = k + 1
                while r0 < len(words) - 1 and low[r0] in ("the", "la", "le", "el", "les", "los"):
                    r0 += 1  # "… and the World Food Programme": the article is not part of the name
                return self.split(self._sub(n, 0, k)) + self.split(self._sub(n, r0, len(words)))
        return [n]

    def _is_body(self, n: Name) -> bool:
        """A name that is a body's by itself: a known one, a country's government, or one headed by a body's word."""
        if known_in(self.known_names.get(norm(n.text), []), self.country) or n.text in self.definitions or \
                known_in(self.known_acronyms.get(n.text, []), self.country):
            return True
        if re.match(r"(?i)^(?:royal\s+)?government\s+of\s+", n.text):
            return True
        hits = self.heads.find(n.words)
        return bool(hits) and self._head(n.words, hits)[2] == "organization" and self._complete(list(n.words))

    def _complete(self, words: list[str]) -> bool:
        while words and words[0].lower() in ("the", "la", "le", "el"):
            words = words[1:]
        if not words or words[-1].lower() in CONNECTORS:
            return False
        text = " ".join(words)
        if _is_acronym(text) and (text in self.definitions or text in self.known_acronyms):
            return True
        if known_in(self.known_names.get(norm(text), []), self.country):
            return True
        hits = self.heads.find(tuple(words))
        if len(hits) == 1 and hits[0][:2] == (0, len(words)) and hits[0][2] == "organization":
            return True  # a bare "Government", "Parliament"
        if hits and hits[-1][2] == "instrument" and hits[-1][1] < len(words) and \
                _past_number(tuple(words), hits[-1][1]) == len(words):
            return True  # "Resolution 45/2019", "Law No. 45 of 2018"
        if not hits:
            return False
        if hits[-1][1] == len(words) or hits[0][1] >= len(words):
            return True
        k = _past_number(tuple(words), hits[0][1])
        return k < len(words) and words[k].lower() in HEAD_FIRST

    def _country(self, words: list[str]) -> bool:
        """A country's name alone ("Sweden", "the Netherlands")."""
        while words and words[0].lower() in ("the", "la", "le", "el"):
            words = words[1:]
        return bool(words) and norm(" ".join(words)) in self.lex.country_names

    def _place_like(self, words: list[str]) -> bool:
        return 1 <= len(words) <= 3 and all(w[:1].isupper() for w in words) and not self.heads.find(tuple(words))

    def _sub(self, n: Name, i: int, j: int) -> Name:
        """The words i..j of a name, with their offsets found in the text."""
        text = n.text
        pos = 0
        starts = []
        for w in n.words:
            k = text.find(w, pos)
            starts.append(k)
            pos = k + len(w)
        a = starts[i]
        b = starts[j - 1] + len(n.words[j - 1])
        return Name(n.start + a, n.start + b, text[a:b], tuple(n.words[i:j]), n.quoted)

    # -- kinds ---------------------------------------------------------------------------------

    def classify(self, n: Name, s: Sentence) -> Mention | None:
        text = n.text.strip()
        key = norm(text)
        k = known_in(self.known_names.get(key, []), self.country)
        if k is not None:
            return Mention("organization", n, k.type, k, k.country, s)
        if _is_acronym(text):
            if text in self.definitions:
                return Mention("acronym", n, sentence=s)
            k = known_in(self.known_acronyms.get(text, []), self.country)
            if k is not None:  # another country's body with these letters is not this one
                if self._generic_after(n):
                    return None
                return Mention("organization", n, k.type, k, k.country, s)
            return Mention("acronym", n, sentence=s)
        if key in self.lex.country_names:
            return Mention("country", n, country=self.lex.country_names[key], sentence=s)
        gov = re.match(r"(?i)^(?:the\s+)?(?:royal\s+)?government\s+of\s+(?:the\s+)?(.+)$", text)
        if gov:
            c = self.lex.country_names.get(norm(gov.group(1)))
            if c:
                return Mention("organization", n, "government", None, c, s)
        hits = self.heads.find(n.words)
        if not hits:
            return None
        head = self._head(n.words, hits)
        start, end, kind, type_key = head
        # a bare head ("Unit", "Government", "the Strategy") names nothing on its own
        content = [w for i, w in enumerate(n.words) if not (start <= i < end) and w.lower() not in CONNECTORS
                   and not re.fullmatch(r"[\d./\-]+|No\.?", w)]
        numbered = any(re.fullmatch(r"(?:No\.?)?\d[\d./\-]*", w) for w in n.words[end:])
        if not content and kind == "instrument" and (numbered or end - start >= 3):
            return Mention("instrument", n, type_key, sentence=s)  # "Decree 47/2018", "Memorandum of Understanding"
        if not content and not n.quoted:
            # a bare head names a body only where a country has one: its parliament, its prime minister
            gram = " ".join(_fold(w) for w in n.words[start:end])
            if kind == "instrument" and gram in UNIQUE_INSTRUMENTS:
                return Mention("instrument", n, type_key, sentence=s)  # "the Constitution": a country has one
            if kind == "organization" and (type_key in UNIQUE_BODIES or gram in UNIQUE_BODIES):
                return Mention("organization", n, self._org_type(n.words, hits), None, None, s)
            return None
        if kind == "organization":
            if self._generic_plural(n.words, head) or _ends_numbered(n.words):
                return None  # "Cabinet Decision No. 45": a body's act by its number, not a body
            type_key = self._org_type(n.words, hits)
            if type_key == "social-security-institution" and self._instrument_like_fund(n.words):
                return Mention("instrument", n, "fund", sentence=s)
            return Mention("organization", n, type_key, None, None, s)
        if kind == "instrument" and not self._instrument_shape(n.words, head) and not self._defined(n):
            return None
        if kind == "instrument" and type_key == "fund" and self._org_cue(n.words) == "social-security-institution":
            return Mention("organization", n, "social-security-institution", None, None, s)
        if kind == "instrument":
            if type_key == "scheme" and self._branch_name(n.words):
                after = re.match(r"\s+([a-z]+)", self.prose.verbatim[n.end:n.end + 30])
                if after and after.group(1) in BRANCH_AFTER:
                    return None  # "the Health Insurance system", "Social Security coverage": a branch, not a scheme
                if not (after and after.group(1) in self.instrument_labels) and not self._defined(n):
                    # "extended Social Insurance to …": a branch capitalised, or a scheme's name; curation says which
                    return Mention("instrument", n, type_key, sentence=s, lower_case=True)
            return Mention("instrument", n, type_key, sentence=s)
        return Mention(kind, n, type_key, sentence=s)

    def _branch_name(self, words: tuple[str, ...]) -> bool:
        """"Social Insurance", "Unemployment Insurance", "Old Age Pension": only a branch's words, nothing of its own."""
        return bool(self.field_words) and len(words) <= 4 and all(
            _fold(w) in self.field_words or w.lower() in CONNECTORS for w in re.split(r"[\s\-]+", " ".join(words)) if w)

    def _instrument_shape(self, words: tuple[str, ...], head) -> bool:
        """A title ends with its head ("… Strategy 2019-2025") or starts with it before "on"/"of"/a number
        ("Law on …", "Decree No. 224"); "Programme Profiles" is neither. A plural head is a kind, not a title."""
        start, end, _, _ = head
        rest = words[end:]
        after = words[_past_number(words, end):]
        if rest and not (rest[0].lower() in HEAD_FIRST or (after and after[0].lower() in HEAD_FIRST) or _NUMBERED.fullmatch(" ".join(rest)) or
                         all(re.fullmatch(r"(?:No\.?)?[\d./\-]+|\(.*\)|[A-Z]{2,}[\w/-]*", w) for w in rest)):
            return False
        head_word = words[end - 1]
        if head_word.lower().endswith("s") and _singular(head_word.lower()) != head_word.lower() and \
                head_word.lower() not in ("opinions", "guidelines", "regulations", "rules") and not rest:
            return False
        if any(w.lower() in ("convention", "recommendation", "ilo’s", "ilo's") for w in words):
            return False  # an ILO standard (kg.ingest.extract.relations reads those)
        return True

    def _defined(self, n: Name) -> bool:
        """A name the text gives an acronym to is one thing's title, whatever follows its head word
        ("Social Protection Strategy and Poverty Alleviation (SPSPA)"); an ILO standard is read elsewhere."""
        return n.text in {d.text for d in self.definitions.values()} and \
            not any(w.lower() in ("convention", "recommendation") for w in n.words)

    def _generic_plural(self, words: tuple[str, ...], head) -> bool:
        """"Social Security Institutions", "UN Agencies", "Members of Parliament": kinds of body, not one body."""
        first = words[0].lower()
        if len(words) > 2 and first.endswith("s") and words[1].lower() in ("of", "with", "from", "for") and \
                not self.heads.find((words[0],)):
            return True
        start, end, _, _ = head
        head_word = words[end - 1].lower()
        if head_word.endswith("s") and head_word not in ("nations", "affairs", "services", "ministers", "unions") \
                and end == len(words) and " ".join(words) not in {d.text for d in self.definitions.values()}:
            return True
        return False

    def _generic_after(self, n: Name) -> bool:
        after = self.prose.verbatim[n.end:n.end + 30].split()
        return bool(after) and after[0].strip(",.;:").lower() in GENERIC_AFTER

    def _head(self, words: tuple[str, ...], hits: list[tuple[int, int, str, str]]):
        low = [w.lower() for w in words]
        for h in hits:
            k = _past_number(words, h[1])
            if k < len(words) and low[k] in HEAD_FIRST and h[0] <= 1:
                return h  # "Law on …", "Decree No. 12/2019 on …"
        # the last head, unless only numbers follow it
        return hits[-1]

    def _org_cue(self, words) -> str | None:
        text = norm(" ".join(words))
        best = None
        for cue, key in self.org_cues.items():
            if re.search(rf"(?<![\w-]){re.escape(cue)}(?![\w-])", text):
                if best is None or len(cue) > len(best[0]):
                    best = (cue, key)
        return best[1] if best else None

    def _org_type(self, words, hits) -> str:
        cue = self._org_cue(words)
        org_heads = [h for h in hits if h[2] == "organization"]
        head_keys = set()
        for h in org_heads:
            gram = " ".join(_fold(w) for w in words[h[0]:h[1]])
            head_keys |= set(self.heads.by_kind["organization"].get(gram, []))
        if cue and cue in head_keys:
            return cue
        if cue == "employers-organization" or cue == "trade-union":
            return cue
        head = self._head(words, org_heads or hits)
        gram = " ".join(_fold(w) for w in words[head[0]:head[1]])
        keys = self.heads.by_kind["organization"].get(gram, [head[3]])
        if cue in keys:
            return cue
        return keys[0]

    def _instrument_like_fund(self, words) -> bool:
        low = [w.lower() for w in words]
        return low[-1] == "fund" and self._org_cue(words) != "social-security-institution" and \
            not any(w in ("national", "welfare", "provident", "pension", "trust") for w in low)


# A provision of an act before the act's name: "Article 5 of the", "Articles 12 and 13 of", "Chapter III of".
_PROVISION = re.compile(r"(?i)(?:articles?|art\s?\.|sections?|chapters?|clauses?|paragraphs?|sub-articles?)\s+"
                        r"(?:No\s?\.?\s?)?[\dIVXLivxl][\w./\-]*(?:\s+(?:and|to|,)\s+[\dIVXLivxl][\w./\-]*)*\s+of(?:\s+the)?\s")
# What may follow a title's head word: its number and the year it bears ("Law No. 45 of 2018", "Decree No 12").
_NUMBERED = re.compile(r"(?:No|Nº|N°)\s?\.?\s?\d[\w./\-]*(?:\s+of\s+(?:19|20)\d\d)?")


def _ends_numbered(words: tuple[str, ...]) -> bool:
    """A name that ends with a number sign and its number ("… No. 45", "… No 12 of 2019")."""
    for k, w in enumerate(words):
        if w.lower().rstrip(".") in ("no", "nº", "n°") and k > 0 and _past_number(words, k) == len(words) > k + 1:
            return True
    return False


def _past_number(words: tuple[str, ...], k: int) -> int:
    """The index past a title's number at ``k`` ("No . 12/2019", "45 of 2018"), or past the adjectives a Romance head
    takes before its preposition ("Política Nacional de …"), or ``k`` when neither stands there."""
    j = k
    for n in (1, 2):
        if k + n < len(words) and words[k + n].lower() in ROMANCE_OF and all(
                w[:1].isupper() and w.lower() not in HEAD_FIRST for w in words[k:k + n]):
            return k + n
    if j < len(words) and words[j].lower().rstrip(".") in ("no", "nº", "n°"):
        j += 1
        if j < len(words) and words[j] == ".":
            j += 1
    if j < len(words) and re.fullmatch(r"\d[\w./\-]*", words[j]):
        j += 1
        if j + 1 < len(words) and words[j].lower() == "of" and re.fullmatch(r"(?:19|20)\d\d", words[j + 1]):
            j += 2
        return j
    return k


def _is_acronym(text: str) -> bool:
    return bool(re.fullmatch(r"(?=(?:.*[A-Z]){2})[A-Za-z0-9&+\-./]{2,14}", text)) and not text.isdigit()


# -- merging mentions into things ------------------------------------------------------------------

def slug(text: str) -> str:
    t = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", t).strip("-")


def _but_kind_word(a: str, b: str, kind: str) -> bool:
    """"estidama++ fund" and "estidama++": one name with its kind's word after it, one without."""
    word = " " + kind.replace("-", " ")
    short, long_ = sorted((a, b), key=len)
    return bool(short) and long_ == short + word


def _title_key(text: str) -> str:
    t = norm(text)
    t = re.sub(r"^(?:the|a|an|its|this|that|new|draft|revised)\s+", "", t)
    t = re.sub(r"\s*\(.*?\)\s*", " ", t)
    t = re.sub(r"[\s,]*(?:19|20)\d\d(?:\s*[-–/]\s*(?:19|20)?\d\d)?$", "", t)
    return " ".join(t.replace("’", "'").split())


@dataclass
class Things:
    organizations: dict[str, Organization] = field(default_factory=dict)
    instruments: list[Instrument] = field(default_factory=list)
    org_at: dict[tuple[int, int], str] = field(default_factory=dict)  # mention span -> organization key
    instrument_at: dict[tuple[int, int], Instrument] = field(default_factory=dict)
    other: list[Mention] = field(default_factory=list)  # events, studies, countries, unresolved acronyms


def merge(prose: Prose, mentions: list[Mention], definitions: dict[str, Name], lex: Lexicon,
          record_country: str | None, recognizer: Recognizer) -> Things:
    things = Things()
    acronym_of: dict[str, str] = {}  # norm(name) -> acronym
    for acronym, n in definitions.items():
        acronym_of[norm(n.text)] = acronym

    def evidence(n: Name) -> Evidence:
        return prose.evidence(n.start, n.end)

    def _also_named(inst: Instrument, name: Name) -> Instrument:
        """``inst`` named again by ``name`` ("Law No. 12 of 2019"): one more name, its number if it had none."""
        if name.text not in inst.names:
            inst.names.append(name.text)
        if inst.number is None:
            number = re.search(r"No\.?\s*([\w./-]*\d[\w./-]*)", name.text)
            inst.number = number.group(1) if number else None
        inst.evidence.append(evidence(name))
        return inst

    def org_for(m: Mention) -> str:
        if m.known is not None:
            k = m.known
            key = k.acronym or slug(k.name)
            org = things.organizations.get(key)
            if org is None:
                org = things.organizations[key] = Organization(key, k.name, k.acronym, k.type, k.country,
                                                               known=k.iri)
            said = m.name.text.strip()
            if said not in (org.name, org.acronym) and said not in org.names:
                org.names.append(said)
            org.evidence.append(evidence(m.name))
            return key
        text = m.name.text
        acronym = acronym_of.get(norm(text))
        if m.kind == "acronym":
            acronym = text
            full = definitions[text]
            text = full.text
        key = acronym or slug(text)
        # the same body under a name already seen (fuzzy: "Social Security Corporation" / "the Corporation")
        for existing in things.organizations.values():
            if existing.known is None and existing.name and _same_name(existing.name, text):
                key = existing.key
                break
        org = things.organizations.get(key)
        if org is None:
            country = m.country or (record_country if (m.type not in INTERNATIONAL) else None)
            org = things.organizations[key] = Organization(key, text if m.kind != "acronym" or text != acronym else None,
                                                           acronym, m.type, country)
        else:
            if acronym and not org.acronym:
                org.acronym = acronym
            if not org.name and text != acronym:
                org.name = text
            if not org.type and m.type:
                org.type = m.type
        org.evidence.append(evidence(m.name))
        return key

    def instrument_for(m: Mention, title: str | None = None) -> Instrument:
        title = title or m.name.text
        acronym = acronym_of.get(norm(title))
        tkey = _title_key(title)
        first, _, rest = title.partition(" ")
        if first in definitions and rest and rest.lower() == (m.type or "").replace("-", " "):
            acronym = first  # "NSPS strategy": the strategy NSPS stands for
        words = _content_words(title, lex)
        for inst in things.instruments:
            if any(_distinct(title, x) for x in [inst.title, *inst.names]):
                continue  # "Decree No. 16" and "Decree No. 17", the Act of 2017 and the Act of 2021: two acts
            keys = {_title_key(inst.title)} | {_title_key(x) for x in inst.names}
            # "Law on Pensions" / "Pension Law", "Social Security Law of Iraq" / "Iraqi Social Security Law": the same
            # words in another order, with or without the country
            same_words = len(words) >= 2 and m.type == inst.kind and any(
                words == _content_words(x, lex) for x in [inst.title, *inst.names])
            if same_words or tkey in keys or (acronym and acronym in inst.names) or any(_same_title(tkey, k) for k in keys) \
                    or (m.type and m.type == inst.kind and any(_but_kind_word(tkey, k, m.type) for k in keys)):
                if title != inst.title and title not in inst.names and _title_key(title) != _title_key(inst.title):
                    inst.names.append(title)
                if acronym and acronym not in inst.names:
                    inst.names.append(acronym)
                if m.lower_case is False and inst.confidence == SUGGESTION:
                    inst.confidence = FACT
                inst.evidence.append(evidence(m.name))
                return inst
        inst = Instrument(slug(tkey) or slug(title), title, m.type, [evidence(m.name)],
                          [acronym] if acronym else [], confidence=SUGGESTION if m.lower_case else FACT)
        number = re.search(r"No\.?\s*([\w./-]*\d[\w./-]*)", title)
        if number:
            inst.number = number.group(1)
        things.instruments.append(inst)
        return inst

    for m in mentions:
        span = (m.name.start, m.name.end)
        if m.kind == "organization":
            things.org_at[span] = org_for(m)
            other = recognizer.bracket_names.get(span)
            org = things.organizations[things.org_at[span]]
            if other and other not in (org.name, org.acronym) and other not in org.names:
                org.names.append(other)
        elif m.kind == "acronym":
            full = definitions.get(m.name.text)
            if full is None:
                things.other.append(m)
                continue
            target = recognizer.classify(full, m.sentence) if m.sentence else None
            if target is not None and target.kind == "organization":
                mm = Mention("organization", m.name, target.type, target.known, target.country, m.sentence)
                mm.kind = "acronym" if target.known is None else "organization"
                things.org_at[span] = org_for(mm)
            elif target is not None and target.kind == "instrument":
                inst = instrument_for(target)
                inst.evidence.append(evidence(m.name))
                if m.name.text not in inst.names:
                    inst.names.append(m.name.text)
                things.instrument_at[span] = inst
            else:
                things.other.append(m)
        elif m.kind == "instrument":
            before = next((x for x in reversed(list(things.instrument_at)) if x[1] <= span[0]), None)
            if before is not None and re.fullmatch(r"\s*\(\s*", prose.verbatim[before[1]:span[0]]) and \
                    re.match(r"\s*\)", prose.verbatim[span[1]:]):
                # "the Social Security Law (Law No. 39 of 1971)": the same act by its number, in brackets
                things.instrument_at[span] = _also_named(things.instrument_at[before], m.name)
                continue
            said = re.search(r"\b(?:[Tt]he|[Tt]his|[Tt]hat)\s+(?:new\s+)?([a-z]+)\s*\(\s*$", prose.verbatim[max(0, span[0] - 30):span[0]])
            kin = [i for i in things.instruments if i.kind == m.type and i.title != m.name.text] \
                if said and re.match(r"\s*\)", prose.verbatim[span[1]:]) and lex.instrument_types.get(m.type) is not None \
                and said.group(1) == lex.instrument_types[m.type].label.lower() else []
            if len(kin) == 1 and not any(_distinct(m.name.text, x) for x in [kin[0].title, *kin[0].names]):
                # "The law (Law No. 12 of 2019) extends …": the one law named before, by its number in brackets
                things.instrument_at[span] = _also_named(kin[0], m.name)
                continue
            things.instrument_at[span] = instrument_for(m)
        else:
            things.other.append(m)
    return things


def _content_words(title: str, lex: Lexicon) -> frozenset[str]:
    """A title's words without articles, prepositions, years, the country's name or demonym, each in the singular."""
    cache = lex.__dict__.setdefault("_content_words", {})  # one lexicon per ingest run: titles recur across records
    if title not in cache:
        cache[title] = _content_words_of(title, lex)
    return cache[title]


def _content_words_of(title: str, lex: Lexicon) -> frozenset[str]:
    t = re.sub(r"\s*\(.*?\)\s*", " ", title)
    t = re.sub(r"\b(?:19|20)\d\d(?:\s*[-–/]\s*(?:19|20)?\d\d)?\b", " ", t)
    low = norm(t)
    for name in sorted((n for n in lex.country_names if n in low), key=len, reverse=True):
        t = re.sub(rf"(?i)\b(?:of\s+(?:the\s+)?)?{re.escape(name)}\b", " ", t)
    words = [w for w in re.findall(r"[\w’'\-]+", t) if w.lower() not in CONNECTORS and w.lower() not in ("a", "an")
             and w not in lex.demonyms and w.rstrip("’'s") not in lex.demonyms]
    return frozenset(_singular(_fold(w)) for w in words)


def _identifiers(title: str) -> tuple[str | None, str | None]:
    """A title's number ("No. 16", "47/2018") and the year or years it bears ("2017", "2019-2025")."""
    number = re.search(r"(?i)\bN(?:o|º|°)\s?\.?\s?(\d[\w./\-]*)|\b(\d{1,4}/(?:ND-CP|\d{2,4})|\d+/[A-Z][\w\-]*)\b", title)
    year = re.search(r"\b((?:19|20)\d\d(?:\s*[-–/]\s*(?:19|20)?\d\d)?)\s*\)?\s*$", title)
    return (number.group(1) or number.group(2) if number else None), (re.sub(r"\s", "", year.group(1)) if year else None)


def _distinct(a: str, b: str) -> bool:
    """Two titles that bear different numbers, or different years, name two instruments whatever their words."""
    (na, ya), (nb, yb) = _identifiers(a), _identifiers(b)
    ya, yb = (ya or "")[:4], (yb or "")[:4]  # "2021-25" and "2021-2025", a range cut short: one first year
    return bool(na and nb and na != nb) or bool(ya and yb and ya != yb and not (na and na == nb))


def _same_name(a: str, b: str) -> bool:
    ka, kb = _title_key(a), _title_key(b)
    return ka == kb or (min(len(ka), len(kb)) > 12 and fuzz.ratio(ka, kb) >= 92)


def _same_title(a: str, b: str) -> bool:
    if not a or not b:
        return False
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    if len(short) >= 12 and fuzz.ratio(a, b) >= 90:
        return True
    # "nsps strategy" vs "national social protection strategy": token-set containment on long titles
    return len(short.split()) >= 3 and fuzz.token_set_ratio(a, b) >= 95


# -- lower-case titles -----------------------------------------------------------------------------

def domain_words(lex: Lexicon, extra: set[str]) -> set[str]:
    """Words that make a lower-case instrument phrase specific ("social insurance law", not "a new law")."""
    words = set(extra)
    for table in ("groups",):
        for c in getattr(lex, table).values():
            for w in [c.label, *c.words]:
                words |= {x for x in norm(w).split() if len(x) > 3}
    return words


_LOWER = None


def lower_case_instruments(prose: Prose, lex: Lexicon, domain: set[str], taken: list[tuple[int, int]]) -> list[Mention]:
    """"the social insurance law", "a new public pension scheme", "a dedicated fund called Estidama++"."""
    # only a type's own name heads a lower-case title ("law", "scheme"), not its other words ("act", "order")
    heads_: dict[str, str] = {}
    for c in lex.instrument_types.values():
        label = c.label.lower()
        if " " not in label and re.fullmatch(r"[a-zà-ÿ-]+", label):
            heads_[label] = c.key
    pattern = re.compile(
        r"(?i:\b(?P<det>the|a|an|its|this|their|new|draft|proposed|revised|amended))\s+(?P<mods>(?:(?!(?:the|a|an|in|of|on|for|to|and|with|by|from|at|under|over|into|as|or|its|their|this|that)\s)[a-z][a-z\-’']+\s+){1,5}?)(?P<head>"
        + "|".join(sorted(map(re.escape, heads_), key=len, reverse=True)) + r")\b"
        r"(?:\s+(?:called|named|known as|entitled)\s+(?P<called>[A-Z][\w+\-’']*(?:\s+[A-Z][\w+\-’']*){0,4}))?")
    out = []
    named = [norm(prose.verbatim[x:y]) for x, y in taken]  # the capitalised names, to tell a restatement of one
    scheme = lex.instrument_types.get("scheme")
    generic_heads = {lex_key(h) for h in scheme.heads} if scheme is not None else set()  # pension, insurance, benefit, …
    schemes = re.compile(r"(?i:\b(?P<det>the|a|an|new|proposed|its|and)\s+)(?P<mods>(?:(?!(?:the|a|an|of|for|to|from|and|"
                         r"or|in|on|with|by|need|needs|transition|existing|its)\s)[a-z][a-z\-’']+\s+){0,3}?"
                         r"(?:" + "|".join(sorted((re.escape(w).replace(r"\ ", r"[\s\-]+") for w in lex.scheme_words()),
                                               key=len, reverse=True)) +
                         r")(?:\s+(?!(?:and|or|to|of)\b)[a-z][a-z\-’']+){0,2}?)\s+(?P<head>scheme|pension|programme)\b")
    # a document's kind of two words or more (the types' hidden labels: "implementation plan", "policy paper")
    compounds_of = {w.lower(): c.key for c in lex.instrument_types.values() for w in c.words
                    if " " in w and re.fullmatch(r"[a-z ]+", w.lower())}
    compounds = re.compile(
        r"(?i:\b(?P<det>a|an|its|their))\s+(?P<mods>(?:(?!(?:the|a|an|in|of|on|for|to|and|with|by|from|at|under|over|"
        r"into|as|or|its|their|this|that|new|first|second)\s)[a-z][a-z\-’']+\s+){0,3}?)(?P<head>"
        + "|".join(sorted(map(re.escape, compounds_of), key=len, reverse=True)) + r")\b(?![\-’'])") if compounds_of else None
    for s in prose.sentences:
        # "developed a strategic plan", "the development of a costed implementation plan", "its implementation plan":
        # a document's kind in lower case is one document when a making verb has it for object or subject, or when
        # it is a named thing's own; the kind alone and nothing said of it is none ("a roadmap (action plan)")
        if compounds is not None:
            for m in compounds.finditer(s.text):
                a, b = s.start + m.start("mods"), s.start + m.end("head")
                if any(x < b and a < y for x, y in taken) or s.text[max(0, m.start() - 1):m.start()] == "(":
                    continue
                det = m.group("det").lower()
                made = _MADE_BEFORE.search(s.text[:m.start()]) or _MADE_AFTER.match(s.text[m.end():])
                if not made and det not in ("its", "their"):
                    continue
                words = tuple(m.group("mods").split() + m.group("head").split())
                out.append(Mention("instrument", Name(a, b, prose.verbatim[a:b], words), compounds_of[m.group("head").lower()],
                                   sentence=s, lower_case=True))
                taken = taken + [(a, b)]
        for m in schemes.finditer(s.text):
            a, b = s.start + m.start("mods"), s.start + m.end("head")
            if any(x < b and a < y for x, y in taken) or m.group("head").endswith("s") and m.group("head") != "benefits":
                continue
            words = tuple(m.group("mods").split() + [m.group("head")])
            if words[0] in ("social", "protection") and len(words) == 2 and words[-1] != "pension":
                continue
            if _PREDICATE.search(s.text[:m.start("mods")]):
                continue  # "It is a defined benefit scheme", "the need for an unemployment benefit scheme": a kind
            if m.group("det").lower() == "the" and _restates(words[-1], list(words[:-1]), named):
                continue  # "the pension scheme" after the "Universal Social Old Age pension scheme": that one again
            if len(words) == 2 and words[0] in generic_heads and words[-1] == "scheme" and \
                    not re.match(r"\s+(?:of|run by|managed by)\s+(?:the\s+)?[A-Z]", s.text[m.end("head"):]):
                continue  # "an actuarial valuation of the pension scheme": a scheme's generic word and nothing of its own
                # (but "the pension scheme of the National Social Security Fund" is that body's one scheme)
            defined = _ACRONYM_AFTER.match(s.text[m.end("head"):])
            out.append(Mention("instrument", Name(a, b, prose.verbatim[a:b], words), "scheme", sentence=s,
                               lower_case=not defined, acronym=defined.group(0).strip(" ()") if defined else None))
            taken = taken + [(a, b)]
        for m in pattern.finditer(s.text):
            a, b = s.start + m.start("mods"), s.start + m.end("head")
            if any(x < b and a < y for x, y in taken):
                continue
            mods = m.group("mods").split()
            head = m.group("head")
            if m.group("called"):
                ca, cb = s.start + m.start("called"), s.start + m.end("called")
                name = Name(ca, cb, prose.verbatim[ca:cb], tuple(m.group("called").split()))
                mention = Mention("instrument", name, heads_[head], sentence=s)
                out.append(mention)
                continue
            specific = [w for w in mods if w.strip("’'") in domain]
            # "the national social security strategy (NSSS)": an acronym given to it makes a lower-case title one thing
            defined = _ACRONYM_AFTER.match(s.text[m.end("head"):])
            if not specific or mods[-1] in ("of", "and", "to", "for", "the", "a") or \
                    not defined and (head not in LOWER_CASE_HEADS or m.group("det").lower() not in ("the", "its", "this", "their")):
                continue
            words = tuple(mods + [head])
            text = prose.verbatim[a:b]
            out.append(Mention("instrument", Name(a, b, text, words), heads_[head], sentence=s, lower_case=not defined,
                               acronym=defined.group(0).strip(" ()") if defined else None))
            taken = taken + [(a, b)]
        # "the law on social insurance", "the decree on unemployment insurance": a head followed by what it is about
        for m in _HEAD_THEN_SUBJECT.finditer(s.text):
            a, b = s.start + m.start("title"), s.start + m.end("title")
            about = m.group("about").split()
            if any(x < b and a < y for x, y in taken) or m.group("head").lower() not in heads_ or \
                    not any(w.strip("’'") in domain for w in about) or about[-1] in CONNECTORS:
                continue
            if _restates(m.group("head").lower(), about, named):
                continue  # "the national strategy for social protection and poverty": the Strategy named in capitals
            words = tuple(m.group("title").split())
            out.append(Mention("instrument", Name(a, b, prose.verbatim[a:b], words), heads_[m.group("head").lower()],
                               sentence=s, lower_case=True))
            taken = taken + [(a, b)]
    return out


# What makes a lower-case scheme a description or a kind rather than a scheme: "is a", "the need for an", "such as a".
_PREDICATE = re.compile(r"(?i)\b(?:(?:is|are|was|were|be|been|being|becomes?|remains?)\s+(?:not\s+)?|need\s+for\s+|"
                        r"needs\s+for\s+|lack\s+of\s+|absence\s+of\s+|such\s+as\s+|kind\s+of\s+|type\s+of\s+|"
                        r"form\s+of\s+)(?:a|an)\s+$")


# A making verb right before a lower-case document ("developed a", "the development of a", "to validate its") or after
# it ("A policy paper was adopted", "a strategic plan, launched on ...")
_MADE_BEFORE = re.compile(r"(?i)\b(?:(?:develop|draft|prepar|formulat|elaborat|adopt|approv|validat|endors|finali[sz]|launch|"
                          r"design|issu|sign)(?:ed|es|e|s|ing)?|(?:development|drafting|preparation|formulation|elaboration|"
                          r"adoption|approval|validation|endorsement|finali[sz]ation|launch|design|issuance|signing)\s+of)\s+$")
_MADE_AFTER = re.compile(r"(?i)\s*(?:,\s*)?(?:which\s+)?(?:(?:was|were|has|have|had|been|is|are)\s+)*(?:\w+ly\s+)?"
                         r"(?:developed|drafted|prepared|formulated|elaborated|adopted|approved|validated|endorsed|finali[sz]ed|"
                         r"launched|designed|issued|signed)\b")


# An acronym in brackets right after a lower-case title: "(NSSS)", "(PSSB)".
_ACRONYM_AFTER = re.compile(r"\s*\(\s*[A-Z][A-Za-z&\-]{1,9}\s*\)")


def _restates(head: str, about: list[str], named: list[str]) -> bool:
    """A lower-case title whose words all stand in a capitalised title of the same head word says that one again."""
    words = {norm(w) for w in about if w not in CONNECTORS}
    return any(head in n.split() and words <= set(n.split()) for n in named)


# A lower-case head word and the phrase after "on", "for" or "of" saying what it is about, up to a word that starts
# another phrase ("the law on social insurance in 2019", "a strategy for extending social protection to …")
_HEAD_THEN_SUBJECT = re.compile(
    r"\b(?:the|its|this|their)\s+(?:(?:new|draft|revised|proposed|amended|national)\s+)?"
    r"(?P<title>(?P<head>law|decree|regulation|strategy|policy|plan|programme|framework|bill|code)\s+(?:on|for|of)\s+"
    r"(?:the\s+)?(?P<about>[a-z][\w\-’']*(?:\s+(?!(?:in|by|with|to|from|that|which|was|were|has|have|had|is|are|will|"
    r"and|or|as|at|during|through|under|into|since|until|after|before|among)\b)[a-z][\w\-’']*){0,5}))")


def phrase_spans(pattern, prose: Prose) -> list[tuple[int, int, str]]:
    out = []
    if pattern is None:
        return out
    for s in prose.sentences:
        for m in pattern.finditer(s.text):
            out.append((s.start + m.start(), s.start + m.end(), m.group(0)))
    return out


__all__ = ["Mention", "Recognizer", "Things", "domain_words", "heads", "lower_case_instruments", "merge",
           "phrase_pattern", "phrase_spans", "slug"]

"""Extraction: the facts a record's prose states, each with the words it came from.

:class:`Extractor` is made once per ingest run from the :class:`~.lexicon.Lexicon` (the
graph's code lists and known bodies); :meth:`Extractor.extract` reads one parsed record:

1. :mod:`.prose`: the sections located in the verbatim text, split into sentences;
2. :mod:`.dates`: dates with their precision;
3. :mod:`.names` and :mod:`.entities`: capitalised names, acronyms, quoted and lower-case
   titles, each given a kind by its head word; mentions of one thing merged;
4. :mod:`.relations`: milestones and issuers of instruments, roles of bodies, events,
   research, population groups and ILO standards.

The result (:class:`~.model.Extraction`) is plain data; :mod:`kg.ingest.to_rdf` writes it
as triples with evidence annotations.
"""

from __future__ import annotations

from kg.ingest.catalog import norm
from kg.ingest.extract import dates, entities, prose
from kg.ingest.extract.lexicon import Lexicon
from kg.ingest.extract.model import FACT, SUGGESTION, CountryFinding, Extraction
from kg.ingest.extract.relations import Relations
from kg.ingest.record import Record

__all__ = ["Extractor"]

# Words that make a lower-case title specific, beside the groups' words: the fields of social protection.
# (Their code list, policy areas, holds only a few yet; these are the branch and scheme words of C102 and R202.)
_FIELD_WORDS = {
    "social", "insurance", "pension", "pensions", "protection", "security", "health", "assistance", "benefit",
    "benefits", "unemployment", "maternity", "labour", "labor", "employment", "disability", "injury", "child",
    "family", "cash", "transfer", "contributory", "old-age", "sickness", "survivors", "invalidity", "medical",
    "allowance", "welfare", "provident", "retirement", "safety", "net", "nets", "floor", "floors",
}


class Extractor:
    def __init__(self, lexicon: Lexicon, theme_words: set[str] = frozenset()) -> None:
        self.lex = lexicon
        self.heads = entities.heads(lexicon)
        self.known_names: dict[str, list] = {}  # norm(name) -> the bodies bearing it (one per country at most)
        self.known_acronyms: dict[str, list] = {}
        for k in lexicon.organizations:
            for n in [k.name, *k.names]:
                if n and k not in self.known_names.setdefault(norm(n), []):
                    self.known_names[norm(n)].append(k)
            if k.acronym:
                self.known_acronyms.setdefault(k.acronym, []).append(k)
        self.org_cues = lexicon.cue_index("organization_types")
        self.domain = entities.domain_words(lexicon, _FIELD_WORDS | set(theme_words))
        self.listing_heads = frozenset(h.lower() for h in lexicon.organization_types.get("government-ministry").heads) \
            if "government-ministry" in lexicon.organization_types else frozenset()

    def extract(self, record: Record) -> Extraction:
        text = prose.read(record)
        country = record.country.value if record.country else None
        spotted = dates.find(text)
        recognizer = entities.Recognizer(text, self.lex, country, self.heads, self.known_names,
                                         self.known_acronyms, self.org_cues, self.listing_heads,
                                         frozenset(_FIELD_WORDS | {"old", "age", "employment", "work", "injury"}))
        mentions = recognizer.run()
        taken = [(m.name.start, m.name.end) for m in mentions]
        lower = entities.lower_case_instruments(text, self.lex, self.domain, taken)
        for m in lower:  # "the national social security strategy (NSSS)": the acronym stands for it from now on
            if m.acronym and m.acronym not in recognizer.definitions:
                recognizer.definitions[m.acronym] = m.name
        things = entities.merge(text, mentions + lower, recognizer.definitions, self.lex, country, recognizer)
        rel = Relations(text, self.lex, things, spotted, country, recognizer.definitions)
        rel.run()
        out = Extraction(organizations=things.organizations, instruments=things.instruments, events=rel.events,
                         research=rel.research, groups=rel.groups, standards=rel.standards, roles=rel.roles)
        out.country = _country(record)
        _outcome_instrument(out, text)
        _confidence(out)
        return out


def _country(record: Record) -> CountryFinding:
    if record.country is None:
        return CountryFinding(None, "none")
    if record.country_inferred:
        return CountryFinding(record.country.value, "inferred", confidence=FACT)
    return CountryFinding(record.country.value, "cpo")


def _outcome_instrument(out: Extraction, text: prose.Prose) -> None:
    """The instrument the outcome is about: the first one the summary or the achievement names."""
    for section in ("summary", "achievement"):
        found = [i for i in out.instruments if any(e.section == section for e in i.evidence)]
        if found:
            first = min(found, key=lambda i: min(e.start for e in i.evidence if e.section == section))
            first.about_outcome = True
            return


def _confidence(out: Extraction) -> None:
    """A body only ever named by an unknown acronym, or a lower-case title nothing else supports, stays a suggestion."""
    for inst in out.instruments:
        if inst.confidence == SUGGESTION and (inst.milestones or inst.issuers):
            inst.confidence = FACT if any(m.confidence == FACT for m in inst.milestones) else SUGGESTION
    for org in out.organizations.values():
        if org.name is None and org.known is None and org.confidence == FACT:
            org.confidence = SUGGESTION

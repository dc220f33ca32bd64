"""Names in prose: runs of capitalised words ("Ministry of Social Development"), their acronyms
("(MoSD)"), quoted titles, and the lower-case titles of specific instruments ("the social
insurance law").

spaCy's tokenizer (a blank pipeline: no model) splits the text; a name is a run of
capitalised tokens joined by the small words titles contain ("of", "on", "and", "de", "la").
What kind of thing a name is (an organization, an instrument, an event) is decided by
:mod:`kg.ingest.extract.entities` from its head word, with the lexicon.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from kg.ingest.extract.prose import Prose, Sentence

# Small words inside titles and names, in the record languages (grammar, not field knowledge).
CONNECTORS = {
    "of", "on", "for", "and", "the", "in", "to", "&", "against", "with", "towards", "toward", "from", "at", "under",
    "de", "du", "des", "la", "le", "les", "et", "d'", "d’", "l'", "l’", "y", "del", "el", "los", "las", "e", "da", "do",
    "dos", "das", "para", "sur", "pour", "en", "por", "sobre",
}
# Articles inside names: "Ministry of the Interior", "Safeguarding the Labour Rights".
ARTICLES = {"the", "la", "le", "les", "el", "los", "las", "l'", "l’"}
# Capitalised words that start a sentence or a phrase without being part of a name.
LEADING = {
    "the", "a", "an", "in", "on", "at", "by", "for", "from", "with", "through", "among", "during", "after", "before",
    "since", "under", "this", "that", "these", "those", "its", "their", "his", "her", "our", "it", "they", "we",
    "further", "furthermore", "moreover", "also", "both", "recently", "currently", "while", "as", "following",
    "then", "finally", "overall", "besides", "via", "and", "to", "of", "together", "following", "based", "thanks",
    "within", "upon", "once", "however", "additionally", "lastly", "first", "second", "third", "several", "all",
    "each", "other", "new", "many", "some", "most", "such", "there", "here", "when", "where", "which", "who", "what",
    "if", "although", "because", "due", "throughout", "across", "between", "beyond", "against", "towards", "into",
    "over", "along", "around", "about", "above", "below", "without", "not", "no", "yes", "one", "two", "three",
    "four", "five", "six", "seven", "eight", "nine", "ten", "last", "next", "early", "late", "mid", "le", "la",
    "les", "el", "los", "las", "en", "dans", "avec", "por", "con", "par", "pour", "para", "sur",
    "these", "since", "notably", "particularly", "specifically", "especially", "including", "namely", "thus",
    "hence", "therefore", "meanwhile", "accordingly", "initially", "subsequently", "previously", "later",
    "ilo's", "ilo’s",
}
_MONTHS = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
    "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "monday",
    "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
}
# Second halves of compound adjectives that begin titles ("Contribution-based", "Gender-responsive"); not those that
# say who backed a thing ("ILO-supported", "EU-funded"), which are no part of its title.
_TITLE_SUFFIXES = {"based", "related", "sensitive", "responsive", "oriented", "centred", "centered", "focused", "linked",
                   "specific", "inclusive", "friendly"}
_ACRONYM = re.compile(r"^(?=.*[A-Z].*[A-Z])[A-Za-z0-9&+\-./]{2,14}$")
_NUMBER_WORD = re.compile(r"^(?:No\.?\s*)?\d[\d./\-]*$|^\d{4}(?:-\d{2,4})?$")


@functools.lru_cache(maxsize=1)
def _tokenizer():
    import spacy

    return spacy.blank("en").tokenizer


@dataclass(frozen=True)
class Token:
    text: str
    start: int  # offsets in the verbatim text
    end: int

    @property
    def lower(self) -> str:
        return self.text.lower()


@dataclass(frozen=True)
class Name:
    """A run of capitalised words: ``text == verbatim[start:end]``."""

    start: int
    end: int
    text: str
    words: tuple[str, ...]
    quoted: bool = False

    @property
    def words_lower(self) -> tuple[str, ...]:
        return tuple(w.lower() for w in self.words)


@dataclass(frozen=True)
class AcronymDefinition:
    name: Name  # the name the acronym stands for (trimmed to the letters' start)
    acronym: str
    start: int  # the acronym's offsets (inside the brackets)
    end: int


def tokens(prose: Prose, sentence: Sentence) -> list[Token]:
    doc = _tokenizer()(sentence.text)
    return [Token(t.text, sentence.start + t.idx, sentence.start + t.idx + len(t.text)) for t in doc]


def _capitalised(t: Token, first: bool = False) -> bool:
    w = t.text
    if not w or not w[0].isupper():
        return False
    return not (w.lower() in _MONTHS)


def names(prose: Prose, sentence: Sentence, listing_heads: frozenset[str] = frozenset()) -> list[Name]:
    """The capitalised names of one sentence, leading function words left out.

    A name that starts with one of ``listing_heads`` ("Ministry") runs on over a list of
    capitalised words up to its "and": "Ministry of Labour, Youth, Sports and Manpower Development".
    """
    toks = tokens(prose, sentence)
    out: list[Name] = []
    i = 0
    while i < len(toks):
        hyphenated = i + 1 < len(toks) and toks[i + 1].text == "-"  # "All-China Federation ..."
        if not _capitalised(toks[i], True) or (toks[i].lower in LEADING and not hyphenated):
            i += 1
            continue
        j = i + 1
        last_cap = i
        while j < len(toks):
            t = toks[j]
            if _capitalised(t, False) or _NUMBER_WORD.match(t.text) and _number_allowed(toks, j):
                last_cap = j
                j += 1
            elif t.text == "." and toks[j - 1].lower in ("no", "nº", "n°") and j == i + 2 and j + 1 < len(toks) and \
                    re.fullmatch(r"\d[\d./\-]*", toks[j + 1].text) and toks[j - 1].end == t.start:
                # "Law No. 45 of 2019", "Decree No. 12/2020": a bare head and its number, whose full stop the tokenizer
                # splits off, is read whole (the number is its only name); a title with words of its own before the
                # head ("Social Security Law No. 18") is not: read whole or cut, it cost a date, an issuer and an
                # entity that is not real on the held-out records (round 9)
                j += 1  # "Law No. 45 of 2019": the tokenizer splits the number sign's full stop off
            elif t.text in ("’s", "'s", "’", "'", "-", "–", "++", "+", "/") and j + 1 < len(toks) and \
                    (_capitalised(toks[j + 1], False) or t.text in ("’s", "'s", "’", "'", "++") or
                     _year_range(toks, j)):
                if t.text in ("++", "+"):
                    last_cap = j
                j += 1
            elif t.text in ("-", "–") and j + 2 < len(toks) and toks[j + 1].lower in _TITLE_SUFFIXES and \
                    _capitalised(toks[j + 2]) and toks[j - 1].text[:1].isupper():
                j += 2  # "Contribution-based Social Security Act": the compound adjective is the title's first word
            elif t.text == "(" and _bracketed_words(toks, j):
                j = _bracketed_words(toks, j)  # "Social Security (Amendment) Act", "(Minimum Standards) Convention"
            elif t.lower in ARTICLES and toks[j - 1].lower not in CONNECTORS and j + 1 < len(toks) \
                    and _ACRONYM.match(toks[j + 1].text) and toks[j + 1].text.isupper():
                break  # "With support from the European Union the ILO ...": the article starts another name
            elif t.lower in CONNECTORS and j + 1 < len(toks):
                j += 1
            elif t.text == "," and toks[i].lower in listing_heads and _list_continues(toks, j):
                j += 1
            else:
                break
        # connectors at the end are not part of the name
        end_tok = last_cap
        words = [t.text for t in toks[i:end_tok + 1]]
        start, end = toks[i].start, toks[end_tok].end
        text = prose.verbatim[start:end]
        if any(w[:1].isalpha() and w[:1].isupper() for w in words):
            out.append(Name(start, end, text, tuple(words), _quoted(prose, start, end)))
        i = end_tok + 1
    return out


def _bracketed_words(toks: list[Token], j: int) -> int:
    """At "(": the index past ")" when one to three capitalised words stand in the brackets and a capitalised word
    follows them (the bracketed part of a title), else 0. An acronym in brackets ends a name: "(MoSD)" is not this."""
    k = j + 1
    while k < len(toks) and k - j <= 4 and toks[k].text != ")":
        if not (_capitalised(toks[k]) and not toks[k].text.isupper() or toks[k].lower in ("and", "of", "&")):
            return 0
        k += 1
    if k >= len(toks) or toks[k].text != ")" or k == j + 1 or k + 1 >= len(toks) or not _capitalised(toks[k + 1]):
        return 0
    return k + 1


def _list_continues(toks: list[Token], j: int) -> bool:
    """After a comma: capitalised words, more commas, then "and" and a capitalised word."""
    k = j + 1
    while k < len(toks):
        t = toks[k]
        if t.lower in ("and", "&", "et", "y") and k + 1 < len(toks) and _capitalised(toks[k + 1]):
            return True
        if not (_capitalised(t) or t.text == "," or t.lower in CONNECTORS):
            return False
        k += 1
    return False


def _year_range(toks: list[Token], j: int) -> bool:
    """"Strategy 2019-2024": the dash between two years belongs to the title (the tokenizer splits it)."""
    return toks[j].text in ("-", "–") and toks[j - 1].text.isdigit() and re.fullmatch(r"\d{2,4}", toks[j + 1].text) is not None


def _number_allowed(toks: list[Token], j: int) -> bool:
    """A number belongs to a name as "Decree No.224", "Law 12/2020" or "Strategy 2019-2025"."""
    prev = toks[j - 1].text
    if prev.lower() == "of" and j >= 2 and re.fullmatch(r"\d[\d./\-]*", toks[j - 2].text) and \
            re.fullmatch(r"(?:19|20)\d\d", toks[j].text):
        return True  # "Law No. 45 of 2018": the year the numbered act bears
    if prev == "." and j >= 2 and toks[j - 2].lower in ("no", "nº", "n°"):
        return True  # "No . 45": the number sign's full stop, split off
    return prev[:1].isupper() or prev.lower() in ("no", "no.", "nº", "n°", "-", "–")


def _quoted(prose: Prose, start: int, end: int) -> bool:
    before = prose.verbatim[max(0, start - 1):start]
    after = prose.verbatim[end:end + 1]
    return before in "“\"‘'«" and before != "" and after in "”\"’'»" and after != ""


_QUOTED = re.compile(r"[“\"«]([^”\"»\n]{6,200})[”\"»]")


def quoted_titles(prose: Prose, sentence: Sentence) -> list[Name]:
    """Titles in quotation marks: “Study on Herders' Behaviour towards Social and Health Insurance”."""
    out = []
    for m in _QUOTED.finditer(sentence.text):
        a, b = sentence.start + m.start(1), sentence.start + m.end(1)
        text = prose.verbatim[a:b].strip()
        if text[:1].isupper() and len(text.split()) >= 2:
            out.append(Name(a, a + len(text), text, tuple(text.split()), True))
    return out


_DEFINITION = re.compile(r"\(\s*([A-Za-z][A-Za-z0-9&+\-./ ]{1,20}?)\s*\)")


def acronym_definitions(prose: Prose, sentence: Sentence, found: list[Name]) -> list[AcronymDefinition]:
    """"Full Name (ACR)": the name just before a bracketed acronym whose letters fit it."""
    out = []
    for m in _DEFINITION.finditer(sentence.text):
        acronym = m.group(1).strip()
        if not _ACRONYM.match(acronym.replace(" ", "")) or " " in acronym and not acronym.replace(" & ", "&"):
            continue
        a = sentence.start + m.start()
        before = [n for n in found if n.end <= a and prose.verbatim[n.end:a].strip() == ""]
        if not before:
            continue
        name = before[-1]
        trimmed = fit(name, acronym)
        if trimmed is not None:
            out.append(AcronymDefinition(trimmed, acronym, sentence.start + m.start(1), sentence.start + m.end(1)))
    return out


def fit(name: Name, acronym: str) -> Name | None:
    """The part of ``name`` the acronym stands for (its start moved right), or None when it does not fit.

    The acronym's capitals are the initials of the name's words ("MoSD": Ministry of Social
    Development), of its words with "of" ("MOHRSS"), or of all its words; an all-capitals word
    gives all its letters ("UNJP": UN Joint Programme).
    """
    caps = [c for c in acronym if c.isupper()]
    if len(caps) < 2:
        return None
    words = list(name.words)
    for k in range(len(words)):
        if not words[k][:1].isupper():
            continue
        rest = [w for w in words[k:] if w[:1].isalnum()]
        variants = (
            _initials([w for w in rest if w[:1].isupper()]),
            _initials([w for w in rest if w.lower() not in ("and", "&", "the", "et", "y", "de", "la", "le", "des")]),
            _initials(rest),
        )
        if any(v == caps for v in variants):
            offset = name.text.find(words[k]) if k else 0
            start = name.start + max(0, offset)
            return Name(start, name.end, name.text[max(0, offset):], tuple(words[k:]), name.quoted)
    return None


def _initials(words: list[str]) -> list[str]:
    out = []
    for w in words:
        if w.isupper() and w.isalpha() and len(w) <= 5:
            out += list(w)
        else:
            out.append(w[0].upper())
    return out

"""The IRI scheme: the only module that knows how spkg's IRIs are built.

Under the base namespace B (default ``https://w3id.org/spkg/``):

=================  =====================================  ==========================
what               pattern                                example
=================  =====================================  ==========================
vocabulary term    ``B def/kg#{Term}``                    ``…/def/kg#Outcome``
thing              ``B id/{type}/{key}``                  ``…/id/organization/mohrss``
document           ``B doc/{type}/{key}``                 ``…/doc/organization/mohrss``
named graph        ``B graph/{folder}/{file-stem}``       ``…/graph/data/outcome-chn302``
shape              ``B shapes/{file-stem}#{Name}``        ``…/shapes/core#OutcomeShape``
=================  =====================================  ==========================

Keys come from identifiers the source owns (CPO code and date, acronyms, ISO
codes): lower case, ``-`` as separator, never load order. Files in the
repository are written against the default base; :func:`rebase` maps them
when another base is configured.
"""

from __future__ import annotations

import re
import unicodedata

from rdflib import Namespace

from kg.config import DEFAULT_BASE

# Namespaces we reuse (official IRIs; partner agencies join on them).
SDG = Namespace("http://metadata.un.org/sdg/")
SDGO = Namespace("http://metadata.un.org/sdg/ontology#")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
SCHEMA = Namespace("https://schema.org/")
EU_COUNTRY = Namespace("http://publications.europa.eu/resource/authority/country/")
WD = Namespace("http://www.wikidata.org/entity/")
VANN = Namespace("http://purl.org/vocab/vann/")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")

KINDS = ("def", "id", "doc", "graph", "shapes")
_KEY_RE = re.compile(r"^[a-z0-9][a-z0-9.\-]*$")


def vocab(base: str = DEFAULT_BASE) -> Namespace:
    return Namespace(f"{base}def/kg#")


def ontology_iri(base: str = DEFAULT_BASE) -> str:
    return f"{base}def/kg"


def slug(text: str) -> str:
    """A key from a name: ASCII, lower case, words joined by '-'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9.]+", "-", ascii_text.lower()).strip("-")


def thing(kind: str, key: str, base: str = DEFAULT_BASE) -> str:
    if not _KEY_RE.match(kind) or not _KEY_RE.match(key):
        raise ValueError(f"not a valid IRI type/key: {kind!r}/{key!r} (lower case, digits, '.', '-')")
    return f"{base}id/{kind}/{key}"


def document(kind: str, key: str, base: str = DEFAULT_BASE) -> str:
    return f"{base}doc/{kind}/{key}"


def graph(folder: str, stem: str, base: str = DEFAULT_BASE) -> str:
    return f"{base}graph/{folder}/{stem}"


def partner_graphs(base: str = DEFAULT_BASE) -> str:
    """The IRI prefix of every partner's graphs (each partner's token holds a prefix under it)."""
    return f"{base}graph/partner/"


def shape(file_stem: str, name: str, base: str = DEFAULT_BASE) -> str:
    return f"{base}shapes/{file_stem}#{name}"


def split_thing(iri: str, base: str = DEFAULT_BASE) -> tuple[str, str] | None:
    """(type, key) of a thing IRI minted under ``base``, else None."""
    prefix = f"{base}id/"
    if not iri.startswith(prefix):
        return None
    parts = iri[len(prefix):].split("/")
    if len(parts) != 2 or not all(_KEY_RE.match(p) for p in parts):
        return None
    return parts[0], parts[1]


def split_document(iri: str, base: str = DEFAULT_BASE) -> tuple[str, str] | None:
    """(type, key) of a document IRI ``{base}doc/{type}/{key}``, else None."""
    prefix = f"{base}doc/"
    if not iri.startswith(prefix):
        return None
    return split_thing(f"{base}id/{iri[len(prefix):]}", base)


def document_of(iri: str, base: str = DEFAULT_BASE) -> str | None:
    """The document about a thing IRI (``id/`` -> ``doc/``), else None."""
    parts = split_thing(iri, base)
    return document(*parts, base) if parts else None


def thing_of(iri: str, base: str = DEFAULT_BASE) -> str | None:
    """The thing a document IRI is about (``doc/`` -> ``id/``), else None."""
    parts = split_document(iri, base)
    return thing(*parts, base) if parts else None


def is_key(text: str) -> bool:
    """Whether ``text`` is a valid IRI type or key (lower case, digits, '.', '-')."""
    return bool(_KEY_RE.match(text))


def rebase(text: str, base: str) -> str:
    """Rewrite IRIs written against the default base to ``base`` (identity if equal)."""
    return text if base == DEFAULT_BASE else text.replace(DEFAULT_BASE, base)

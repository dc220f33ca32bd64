"""Content negotiation: one Accept parser and one media-type table.

:data:`FORMATS` is the only list of what the web layer can answer with; the
SPARQL endpoint, the service description and (later) the pages use it. The
``format`` URL parameter (for browsers and curl) takes a short name from
:data:`ALIASES` or a media type, and wins over ``Accept``.

Accept follows RFC 9110: q-values, ``type/*`` and ``*/*``; the most specific
range that matches a media type gives its q (so ``text/*;q=0.1, text/csv``
rates CSV 1 and TSV 0.1); ``q=0`` refuses. Among equal q-values the more
specific match wins, then a format's own media type over an alias (``text/*``
means CSV, not SPARQL XML by way of ``text/xml``), then the order of the table.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from kg.errors import BadParameter, NotAcceptable


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: the table holds one of each
class Format:
    name: str                   # short name, for format= and logs
    kind: str                   # "results" (SELECT/ASK), "graph" (CONSTRUCT/DESCRIBE, RDF) or "page"
    media_type: str             # what pyoxigraph knows it by
    content_type: str           # what we send
    also: tuple[str, ...] = ()  # other media types that ask for it
    iri: str = ""               # its name in http://www.w3.org/ns/formats/ (service description)


_UTF8 = "; charset=utf-8"
_W3 = "http://www.w3.org/ns/formats/"

FORMATS: tuple[Format, ...] = (
    # name      kind       media type (pyoxigraph's)          sent as                   also asked for as
    Format("json", "results", "application/sparql-results+json", "application/sparql-results+json",
           ("application/json",), _W3 + "SPARQL_Results_JSON"),
    Format("xml", "results", "application/sparql-results+xml", "application/sparql-results+xml",
           ("application/xml", "text/xml"), _W3 + "SPARQL_Results_XML"),
    Format("csv", "results", "text/csv", "text/csv" + _UTF8, (), _W3 + "SPARQL_Results_CSV"),
    Format("tsv", "results", "text/tab-separated-values", "text/tab-separated-values" + _UTF8, (),
           _W3 + "SPARQL_Results_TSV"),
    Format("ttl", "graph", "text/turtle", "text/turtle" + _UTF8, ("application/x-turtle",), _W3 + "Turtle"),
    Format("nt", "graph", "application/n-triples", "application/n-triples", ("text/plain",), _W3 + "N-Triples"),
    Format("jsonld", "graph", "application/ld+json", "application/ld+json", ("application/json",),
           _W3 + "JSON-LD"),
    Format("rdf", "graph", "application/rdf+xml", "application/rdf+xml", ("application/xml", "text/xml"),
           _W3 + "RDF_XML"),
    Format("trig", "graph", "application/trig", "application/trig", (), _W3 + "TriG"),
    Format("nq", "graph", "application/n-quads", "application/n-quads", (), _W3 + "N-Quads"),
    Format("html", "page", "text/html", "text/html" + _UTF8, ("application/xhtml+xml",)),
)

BY_NAME = {f.name: f for f in FORMATS}
RESULTS = tuple(f for f in FORMATS if f.kind == "results")
GRAPHS = tuple(f for f in FORMATS if f.kind == "graph")
PAGE = BY_NAME["html"]

#: ``format=`` values: short names and a few spellings people use. A value
#: that names a kind of format picks, per query form, the matching one
#: (``json`` is SPARQL JSON for SELECT and JSON-LD for CONSTRUCT).
ALIASES: dict[str, tuple[str, ...]] = {
    "json": ("json", "jsonld"),
    "xml": ("xml", "rdf"),
    "csv": ("csv",),
    "tsv": ("tsv",),
    "ttl": ("ttl",), "turtle": ("ttl",),
    "nt": ("nt",), "ntriples": ("nt",), "n-triples": ("nt",),
    "jsonld": ("jsonld",), "json-ld": ("jsonld",),
    "rdf": ("rdf",), "rdfxml": ("rdf",), "rdf+xml": ("rdf",), "owl": ("rdf",),
    "trig": ("trig",),
    "nq": ("nq",), "nquads": ("nq",), "n-quads": ("nq",),
    "html": ("html",),
}


def describe(formats: tuple[Format, ...]) -> str:
    return ", ".join(f"{f.media_type} ({f.name})" for f in formats)


# -- Accept -------------------------------------------------------------------------

@lru_cache(maxsize=512)
def _parse(accept: str) -> tuple[tuple[str, str, float], ...]:
    ranges = []
    for item in accept.split(","):
        parts = item.split(";")
        media = parts[0].strip().lower()
        if "/" not in media:
            continue
        typ, _, sub = media.partition("/")
        q = 1.0
        for param in parts[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = min(1.0, max(0.0, float(value.strip())))
                except ValueError:
                    q = 0.0
        ranges.append((typ.strip(), sub.strip(), q))
    return tuple(ranges)


def _rate(ranges: tuple[tuple[str, str, float], ...], media_type: str) -> tuple[float, int]:
    """(q, specificity) of the most specific range matching ``media_type``."""
    typ, _, sub = media_type.partition("/")
    best, best_spec = None, -1
    for rtyp, rsub, q in ranges:
        if rtyp == typ and rsub == sub:
            spec = 2
        elif rtyp == typ and rsub == "*":
            spec = 1
        elif rtyp == "*" and rsub == "*":
            spec = 0
        else:
            continue
        if spec > best_spec or (spec == best_spec and q > best):
            best, best_spec = q, spec
    return (best or 0.0, best_spec) if best is not None else (0.0, -1)


def preferred_to_all(accept: str | None, offer: Format, others: tuple[Format, ...]) -> bool:
    """Whether the client rates ``offer`` strictly higher than each of ``others`` (an alias counts as its
    format's name here: ``application/json`` as much as SPARQL JSON). No Accept rates them all alike."""
    if not accept or not accept.strip():
        return False
    ranges = _parse(accept if len(accept) <= 1024 else accept[:1024])
    if not ranges:
        return False

    def q(f: Format) -> float:
        return max(_rate(ranges, m)[0] for m in (f.media_type, *f.also))

    mine = q(offer)
    return mine > 0 and all(q(o) < mine for o in others)


def choose(accept: str | None, offers: tuple[Format, ...]) -> Format | None:
    """The offer the client likes best, or None if it accepts none of them."""
    if not accept or not accept.strip():
        return offers[0] if offers else None
    return _choose(accept if len(accept) <= 1024 else accept[:1024], offers)


@lru_cache(maxsize=1024)
def _choose(accept: str, offers: tuple[Format, ...]) -> Format | None:
    ranges = _parse(accept)
    if not ranges:
        return offers[0] if offers else None
    best, best_key = None, (0.0, -1, False)
    for offer in offers:
        # Rated by its own media type first; an alias (text/xml for SPARQL XML)
        # counts only when it matches better, and loses ties to a real name.
        q, spec = _rate(ranges, offer.media_type)
        key = (q, spec, True)
        for also in offer.also:
            aq, aspec = _rate(ranges, also)
            if (aq, aspec) > (q, spec):
                key = (aq, aspec, False)
                q, spec = aq, aspec
        if key[0] > 0 and key > best_key:
            best, best_key = offer, key
    return best


def by_parameter(value: str, offers: tuple[Format, ...]) -> Format | None:
    """The offer a ``format=`` value names; None if it names none of ``offers``.

    Raises BadParameter for a value that names no format at all.
    """
    key = value.strip().lower()
    names = ALIASES.get(key)
    if names is None:
        matches = [f.name for f in FORMATS if key == f.media_type or key in f.also]
        if not matches:
            raise BadParameter(
                f"unknown format {value!r}; use one of {', '.join(sorted(set(ALIASES)))} or a media type",
                parameter="format")
        names = tuple(matches)
    for offer in offers:
        if offer.name in names:
            return offer
    return None


def negotiate(accept: str | None, formats: list[str] | None, offers: tuple[Format, ...]) -> Format | None:
    """The offer for this request: from ``format=`` values if any, else from Accept.

    Several ``format`` values are allowed (SPARQLWrapper sends ``format=rdf+xml&
    format=application/rdf+xml``): the first that names one of ``offers`` wins.
    """
    if formats:
        for value in formats:
            chosen = by_parameter(value, offers)
            if chosen is not None:
                return chosen
        return None
    return choose(accept, offers)


def not_acceptable(what: str, offers: tuple[Format, ...], *, formats: list[str] | None = None) -> NotAcceptable:
    asked = f"format={formats[0]!r}" if formats else "the Accept header"
    return NotAcceptable(f"{asked} allows no format for {what}; available: {describe(offers)}")

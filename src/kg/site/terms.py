"""Terms for people: labels instead of IRIs, dates and numbers formatted, links built.

A :class:`Term` is what a template prints for one RDF term: the text, the
local page to link to, the external IRI to link out to, and the language.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from kg.publish import ld
from kg.site.urls import Urls
from kg.store import Store

LONG_TEXT = 160
# Characters of one literal a page shows: a partner's 16 MB literal (or sixty of them) would make a page of
# hundreds of MB, built in the HTTP process for any anonymous view. The data and its formats keep them all.
SHOWN_TEXT = 20_000
SHOWN_LABEL = 1_000  # characters of a label shown as a link's text (an SDG target's runs to 564)
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
_NUMBERS = {XSD.integer, XSD.int, XSD.long, XSD.nonNegativeInteger, XSD.positiveInteger, XSD.short}


def linkable(iri: str | None) -> bool:
    """Whether an IRI may be a link out of the site: http(s) only, never ``javascript:``, ``data:``,
    ``file:`` or another scheme (a partner's ``rdfs:seeAlso <javascript:…>`` stays text)."""
    return bool(iri) and iri.split(":", 1)[0].strip().lower() in ("http", "https") and ":" in iri


@dataclass
class Term:
    text: str
    kind: str = "literal"               # iri | literal | bnode
    href: str | None = None             # a page of this site
    external: str | None = None         # an IRI of someone else, to link out to
    iri: str | None = None
    lang: str | None = None
    note: str | None = None             # datatype or IRI, for a title attribute
    long: bool = False
    suffix: str | None = None           # shown after a literal: a datatype that is not XSD's
    rows: list = field(default_factory=list)   # a blank node's own facts: [(Term, [Term])]
    items: list = field(default_factory=list)  # an RDF list's members

    def __str__(self) -> str:
        return self.text


def fmt_date(lexical: str, datatype: URIRef | None) -> str:
    """``2021-07-16`` -> ``16 July 2021``; ``2020-12`` (gYearMonth) -> ``December 2020``."""
    try:
        if datatype == XSD.date:
            d = date.fromisoformat(lexical[:10])
            return f"{d.day} {MONTHS[d.month - 1]} {d.year}"
        if datatype == XSD.gYearMonth:
            year, month = lexical[:7].split("-")
            return f"{MONTHS[int(month) - 1]} {int(year)}"
        if datatype == XSD.gYear:
            return str(int(lexical[:4]))
        if datatype == XSD.dateTime:
            dt = datetime.fromisoformat(lexical.replace("Z", "+00:00"))
            zone = " UTC" if dt.utcoffset() is not None and dt.utcoffset().total_seconds() == 0 else ""
            return f"{dt.day} {MONTHS[dt.month - 1]} {dt.year}, {dt:%H:%M}{zone}"
    except (ValueError, IndexError):
        pass
    return lexical


def fmt_literal(lit: Literal) -> str:
    dt = lit.datatype
    text = str(lit)
    if dt in (XSD.date, XSD.gYearMonth, XSD.gYear, XSD.dateTime):
        return fmt_date(text, dt)
    if dt in _NUMBERS:
        try:
            return f"{int(text):,}"
        except ValueError:
            return text
    if dt == XSD.boolean:
        return "yes" if text.strip().lower() in ("true", "1") else "no"
    return text


def compact(iri: str, base: str) -> str:
    """A prefixed name (``kg:Outcome``, ``sdg:1.3``) or the IRI itself."""
    for prefix, ns in sorted(ld.prefixes(base).items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def best_labels(graph: Graph) -> dict[URIRef, str]:
    """Each node's best label in ``graph``: rdfs:label, then skos:prefLabel; English first."""
    ranked: dict[URIRef, tuple[int, str]] = {}
    for rank_p, p in enumerate((RDFS.label, SKOS.prefLabel)):
        for s, o in graph.subject_objects(p):
            if not isinstance(o, Literal):
                continue
            lang = (o.language or "").lower()
            rank = rank_p * 3 + (0 if lang == "en" else 1 if not lang else 2)
            if s not in ranked or rank < ranked[s][0]:
                ranked[s] = (rank, str(o))
    return {s: text for s, (rank, text) in ranked.items()}


def fetch_labels(store: Store, nodes: Iterable[Node], base: str) -> dict[URIRef, str]:
    g = ld.new_graph(base)
    ld.add_labels(store, g, {n for n in nodes if isinstance(n, URIRef)}, base)
    return best_labels(g)


class Terms:
    """Turns RDF terms into :class:`Term` with the labels it knows."""

    def __init__(self, urls: Urls, labels: Mapping[URIRef, str] | None = None,
                 graph: Graph | None = None) -> None:
        self.urls = urls
        self.labels: dict[URIRef, str] = dict(labels or {})
        self.graph = graph

    def label(self, node: Node) -> str:
        if isinstance(node, URIRef):
            label = self.labels.get(node) or self.fallback(str(node))
            # a link's text: a partner's 200 KB label, linked a thousand times, made a 400 MB page
            return label if len(label) <= SHOWN_LABEL else label[:SHOWN_LABEL] + "…"
        if isinstance(node, Literal):
            return fmt_literal(node)
        return "(unnamed node)"

    def fallback(self, iri: str) -> str:
        short = compact(iri, self.urls.base)
        if short != iri:
            return short
        return iri

    def term(self, node: Node, *, depth: int = 0) -> Term:
        if isinstance(node, URIRef):
            iri = str(node)
            local = self.urls.is_local(iri)
            # no IRI as a title: screen readers read it aloud at every link (the #19 audit), and a long
            # IRI would be written twice more into the page
            return Term(self.label(node), "iri", href=self.urls.page(iri),
                        external=None if local or not linkable(iri) else iri, iri=iri)
        if isinstance(node, Literal):
            text = fmt_literal(node)
            note = None
            if node.datatype and node.datatype != XSD.string:
                note = compact(str(node.datatype), self.urls.base)
            href = text if node.datatype == XSD.anyURI and linkable(text) else None
            suffix = note if node.datatype and not str(node.datatype).startswith(str(XSD)) else None
            if len(text) > SHOWN_TEXT:
                suffix = f"{len(text):,} characters; the first {SHOWN_TEXT:,} are shown, the data has them all"
                text, href = text[:SHOWN_TEXT] + "…", None
            return Term(text, "literal", lang=node.language, note=note, external=href,
                        long=len(text) > LONG_TEXT or "\n" in text, suffix=suffix)
        t = Term("(unnamed node)", "bnode")
        if self.graph is not None and isinstance(node, BNode) and depth < 4:
            members = self.list_items(node)
            if members is not None:
                t.items = [self.term(m, depth=depth + 1) for m in members]
                t.text = ", ".join(i.text for i in t.items)
            else:
                by_p: dict[Node, list[Node]] = {}
                for p, o in self.graph.predicate_objects(node):
                    by_p.setdefault(p, []).append(o)
                t.rows = [(self.term(p), [self.term(o, depth=depth + 1) for o in sorted(os, key=str)])
                          for p, os in sorted(by_p.items(), key=lambda kv: self.label(kv[0]).lower())]
        return t

    def maybe(self, node: Node | None) -> Term | None:
        """:meth:`term`, or None for no value."""
        return None if node is None else self.term(node)

    def list_items(self, node: BNode) -> list[Node] | None:
        if self.graph is None or (node, RDF.first, None) not in self.graph:
            return None
        items, seen = [], set()
        while node not in (RDF.nil, None) and node not in seen:
            seen.add(node)
            first = self.graph.value(node, RDF.first)
            if first is None:
                break
            items.append(first)
            node = self.graph.value(node, RDF.rest)
        return items

    def terms(self, nodes: Iterable[Node]) -> list[Term]:
        return sorted((self.term(n) for n in nodes), key=lambda t: t.text.lower())

    def definition(self, node: Node) -> Term:
        """A class or property: linked to its definition (spkg's page, or the owner's IRI), no extra link."""
        t = self.term(node)
        if t.text == t.iri:
            t.text = self.fallback(str(node))
        if t.external:
            t.href, t.external = t.external, None
        return t

    def definitions(self, nodes: Iterable[Node]) -> list[Term]:
        return sorted((self.definition(n) for n in nodes), key=lambda t: t.text.lower())

"""Deterministic Turtle: the same graph gives the same bytes, so data/ diffs stay reviewable.

- a fixed prefix block, always the same whatever the file uses;
- subjects in a fixed order: the outcome, then its source record, then the
  rest by IRI; each subject starts a line, as in the hand-written files (so
  ``kg validate`` can say on which line a node is written);
- predicates by IRI with ``rdf:type`` and ``rdfs:label`` first; one
  predicate per line; several objects one per line, sorted;
- literals as Turtle writes them by hand: ``"..."@en``, ``\"\"\"...\"\"\"``
  when the text has line breaks, bare integers, decimals and booleans,
  ``"..."^^xsd:date`` otherwise; text is never wrapped.

Files are written against the default base (``https://w3id.org/spkg/``), like
every file in data/; the loader rewrites them to the configured base as it reads.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rdflib import RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kg.config import DEFAULT_BASE

XSD = "http://www.w3.org/2001/XMLSchema#"
_B = DEFAULT_BASE
PREFIXES: tuple[tuple[str, str], ...] = (
    ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
    ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
    ("xsd", XSD),
    ("dcterms", "http://purl.org/dc/terms/"),
    ("eli", "http://data.europa.eu/eli/ontology#"),
    ("kg", f"{_B}def/kg#"),
    ("org", "http://www.w3.org/ns/org#"),
    ("prov", "http://www.w3.org/ns/prov#"),
    ("schema", "https://schema.org/"),
    ("skos", "http://www.w3.org/2004/02/skos/core#"),
    ("sdg", "http://metadata.un.org/sdg/"),
    ("agent", f"{_B}id/agent/"),
    ("area", f"{_B}id/policy-area/"),
    ("biennium", f"{_B}id/biennium/"),
    ("country", f"{_B}id/country/"),
    ("instrument", f"{_B}id/instrument/"),
    ("itype", f"{_B}id/instrument-type/"),
    ("orgn", f"{_B}id/organization/"),
    ("otype", f"{_B}id/organization-type/"),
    ("outcome", f"{_B}id/outcome/"),
    ("pb", f"{_B}id/pb-2020-21/"),
    ("place", f"{_B}id/place/"),
    ("pop", f"{_B}id/population-group/"),
    ("programme", f"{_B}id/programme/"),
    ("record", f"{_B}id/record/"),
    ("rtype", f"{_B}id/result-type/"),
    ("scheme", f"{_B}id/scheme/"),
    ("suggestion", f"{_B}id/suggestion/"),
    ("theme", f"{_B}id/theme/"),
)
_BY_LENGTH = sorted(PREFIXES, key=lambda p: -len(p[1]))
LOCAL_NAME = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?$")
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_DECIMAL = re.compile(r"^[+-]?[0-9]*\.[0-9]+$")


def prefix_block() -> str:
    width = max(len(p) for p, _ in PREFIXES) + 2
    return "".join(f"@prefix {(p + ':').ljust(width)}<{ns}> .\n" for p, ns in PREFIXES)


def serialize(graph: Graph, *, header: str = "", base: str = DEFAULT_BASE, first: tuple[URIRef, ...] = ()) -> str:
    """The graph as Turtle. ``first``: classes whose instances come first, in that order."""
    to_default = (lambda iri: iri) if base == DEFAULT_BASE else (
        lambda iri: DEFAULT_BASE + iri[len(base):] if iri.startswith(base) else iri)

    def term(node: Node) -> str:
        if isinstance(node, URIRef):
            return _iri(to_default(str(node)))
        if isinstance(node, Literal):
            return _literal(node, to_default)
        if isinstance(node, BNode):
            raise ValueError("blank nodes are not written by kg ingest; give the node an IRI")
        raise ValueError(f"cannot write {node!r}")

    rank: dict[Node, int] = {}
    for k, cls in enumerate(first):
        for s in graph.subjects(RDF.type, cls):
            rank.setdefault(s, k)
    subjects = sorted(set(graph.subjects()), key=lambda s: (rank.get(s, len(first)), to_default(str(s))))

    out = [header.rstrip("\n") + "\n\n" if header else "", prefix_block(), "\n"]
    for s in subjects:
        by_pred: dict[Node, list[Node]] = {}
        for p, o in graph.predicate_objects(s):
            by_pred.setdefault(p, []).append(o)
        preds = sorted(by_pred, key=lambda p: (0 if p == RDF.type else 1 if p == RDFS.label else 2, term(p)))
        lines = [term(s)]
        for i, p in enumerate(preds):
            objs = sorted({term(o) for o in by_pred[p]})
            name = "a" if p == RDF.type else term(p)
            end = " ." if i == len(preds) - 1 else " ;"
            if len(objs) == 1:
                lines.append(f"    {name} {objs[0]}{end}")
            else:
                lines.append(f"    {name}")
                lines += [f"        {o} ," for o in objs[:-1]]
                lines.append(f"        {objs[-1]}{end}")
        out.append("\n".join(lines) + "\n\n")
    return "".join(out).rstrip("\n") + "\n"


@lru_cache(maxsize=65536)
def _iri(iri: str) -> str:
    for prefix, ns in _BY_LENGTH:
        if iri.startswith(ns):
            local = iri[len(ns):]
            if LOCAL_NAME.match(local):
                return f"{prefix}:{local}"
    return "<" + iri.replace("\\", "\\\\").replace(">", "\\>") + ">"


def _literal(lit: Literal, to_default) -> str:
    text = str(lit)
    if lit.language:
        return _quote(text) + "@" + lit.language
    dt = str(lit.datatype) if lit.datatype is not None else None
    if dt is None or dt == XSD + "string":
        return _quote(text)
    if dt == XSD + "integer" and _INTEGER.match(text):
        return text
    if dt == XSD + "decimal" and _DECIMAL.match(text):
        return text
    if dt == XSD + "boolean" and text in ("true", "false"):
        return text
    return _quote(text) + "^^" + _iri(to_default(dt))


def _quote(text: str) -> str:
    if "\n" in text:
        body = text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "\\r")
        return '"""' + _controls(body) + '"""'
    body = text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "\\r").replace("\t", "\\t")
    return '"' + _controls(body) + '"'


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _controls(text: str) -> str:
    return _CONTROL.sub(lambda m: f"\\u{ord(m.group(0)):04X}", text)

#!/usr/bin/env python3
"""Build the reference data: SDG goals/targets/indicators and ISO 3166-1 countries.

Reads only ``data/sources/`` (and the installed ``pycountry`` package) and writes

* ``data/sdg.ttl``       -- the UN SDG goals, targets and indicators under the UN's
  official IRIs (http://metadata.un.org/sdg/...), with the English texts of
  open-sdg/sdg-translations;
* ``data/countries.ttl`` -- every ISO 3166-1 entry as a ``kg:Country``.

The Turtle is written by this script, not by a serializer, so that the output is
the same bytes on every run: subjects, predicates and objects are emitted in a
fixed order. ``--check`` writes nothing and exits 1 when a committed file differs
from what would be written.

Usage::

    .venv/bin/python scripts/build_reference_data.py            # (re)write the files
    .venv/bin/python scripts/build_reference_data.py --check    # verify them
"""

from __future__ import annotations

import argparse
import importlib.metadata
import re
import sys
import textwrap
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import yaml
from rdflib import RDF, SKOS, Graph, Literal, Namespace, URIRef

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "data" / "sources"
SDG_SOURCES = SOURCES / "sdg"
WIKIDATA_TSV = SOURCES / "countries-wikidata.tsv"
OUT_SDG = ROOT / "data" / "sdg.ttl"
OUT_COUNTRIES = ROOT / "data" / "countries.ttl"

SCRIPT = "scripts/build_reference_data.py"

# --------------------------------------------------------------------------------------
# Namespaces
# --------------------------------------------------------------------------------------

RDF_NS = str(RDF)
RDFS_NS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS_NS = str(SKOS)
DCTERMS_NS = "http://purl.org/dc/terms/"
XSD_NS = "http://www.w3.org/2001/XMLSchema#"
SDG_NS = "http://metadata.un.org/sdg/"
SDGO_NS = "http://metadata.un.org/sdg/ontology#"
KG_NS = "https://w3id.org/spkg/def/kg#"
COUNTRY_NS = "https://w3id.org/spkg/id/country/"
EU_COUNTRY_NS = "http://publications.europa.eu/resource/authority/country/"
WD_NS = "http://www.wikidata.org/entity/"
SCHEMA_NS = "https://schema.org/"
OWL_NS = "http://www.w3.org/2002/07/owl#"
# The United Nations (data/organizations.ttl), publisher of the UN SDG KOS that data/sdg.ttl republishes.
UN_ORGANIZATION = "https://w3id.org/spkg/id/organization/un"

SDGO = Namespace(SDGO_NS)
SDG_SCHEME = "http://metadata.un.org/sdg"

# Where the files in data/sources/sdg/ come from (see data/sources/README.md).
OPEN_SDG_COMMIT = "0cda585851a5c6f04040a9a2755fbb4496c4eead"
UN_KOS_COMMIT = "8a67ce650e62beb127cf08734160b2eb525ef2e5"
UN_VOID_COMMIT = "0ae578bacb1f4339596f5a6a19338457e4b22ba3"
OPEN_SDG_URL = f"https://github.com/open-sdg/sdg-translations/tree/{OPEN_SDG_COMMIT}/translations/en"
UN_KOS_URL = (
    f"https://github.com/UNStats/LOD4Stats/blob/{UN_KOS_COMMIT}/sdg-data/sdg-kos-goals-targets-indicators.ttl"
)
UN_VOID_URL = f"https://github.com/UNStats/LOD4Stats/blob/{UN_VOID_COMMIT}/sdg-data/void.ttl"

# --------------------------------------------------------------------------------------
# A minimal term model and a deterministic Turtle writer
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IRI:
    value: str


@dataclass(frozen=True)
class Lit:
    value: str
    lang: str | None = None
    datatype: str | None = None


Term = IRI | Lit

_PN_LOCAL_SIMPLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class TurtleWriter:
    """Writes a set of triples as Turtle in a fixed, caller-given order."""

    def __init__(self, prefixes: list[tuple[str, str]]):
        self.prefixes = prefixes

    def iri(self, value: str) -> str:
        if value == RDF_NS + "type":
            return "a"
        # Prefixed names only for plain local parts (letters, digits, '_', not starting
        # with a digit): <http://metadata.un.org/sdg/1.3> stays a full IRI.
        for prefix, ns in self.prefixes:
            if value.startswith(ns) and _PN_LOCAL_SIMPLE.match(value[len(ns):]):
                return f"{prefix}:{value[len(ns):]}"
        if any(ch in value for ch in '<>"{}|^`\\ \n\r\t'):
            raise ValueError(f"IRI cannot be written in Turtle: {value!r}")
        return f"<{value}>"

    @staticmethod
    def string(value: str) -> str:
        out = []
        for ch in value:
            if ch == "\\":
                out.append("\\\\")
            elif ch == '"':
                out.append('\\"')
            elif ch == "\n":
                out.append("\\n")
            elif ch == "\r":
                out.append("\\r")
            elif ch == "\t":
                out.append("\\t")
            elif ord(ch) < 0x20 or ord(ch) == 0x7F:
                out.append(f"\\u{ord(ch):04X}")
            else:
                out.append(ch)
        return '"' + "".join(out) + '"'

    def term(self, t: Term) -> str:
        if isinstance(t, IRI):
            return self.iri(t.value)
        text = self.string(t.value)
        if t.lang:
            return f"{text}@{t.lang}"
        if t.datatype and t.datatype != XSD_NS + "string":
            return f"{text}^^{self.iri(t.datatype)}"
        return text

    def write(self, header: str, subjects: list[tuple[str, list[tuple[str, list[Term]]]]]) -> str:
        lines = [header.rstrip("\n"), ""]
        width = max(len(p) for p, _ in self.prefixes)
        for prefix, ns in self.prefixes:
            lines.append(f"@prefix {(prefix + ':').ljust(width + 1)} <{ns}> .")
        for subject, pos in subjects:
            lines.append("")
            lines.append(self.iri(subject))
            for i, (pred, objs) in enumerate(pos):
                end = " ." if i == len(pos) - 1 else " ;"
                rendered = [self.term(o) for o in objs]
                if len(rendered) == 1 or sum(len(r) for r in rendered) < 70:
                    lines.append(f"    {self.iri(pred)} {' , '.join(rendered)}{end}")
                else:
                    lines.append(f"    {self.iri(pred)}")
                    for j, r in enumerate(rendered):
                        lines.append(f"        {r}{end if j == len(rendered) - 1 else ' ,'}")
        return "\n".join(lines) + "\n"


def comment_block(text: str, width: int = 98) -> str:
    """Text as '# ' comment lines, long lines wrapped under their own indentation."""
    out = []
    for line in text.strip("\n").split("\n"):
        indent = " " * (len(line) - len(line.lstrip(" -")))
        wrapped = textwrap.wrap(
            line, width=width, subsequent_indent=indent, break_long_words=False, break_on_hyphens=False
        )
        out.extend(("# " + w).rstrip() for w in wrapped or [""])
    return "\n".join(out) + "\n"


def order_predicates(props: dict[str, list[Term]], order: list[str]) -> list[tuple[str, list[Term]]]:
    """Predicates in the given order, any others after them sorted by IRI; objects sorted."""
    rank = {p: i for i, p in enumerate(order)}
    preds = sorted(props, key=lambda p: (rank.get(p, len(order)), p))
    return [(p, sorted(set(props[p]), key=object_key)) for p in preds if props[p]]


def object_key(t: Term) -> tuple:
    if isinstance(t, IRI):
        return (0, natural_key(t.value), t.value)
    return (1, t.datatype or "", t.lang or "", natural_key(t.value), t.value)


def natural_key(text: str) -> tuple:
    """'1.10' after '1.9', letters after numbers ('1.a' after '1.10')."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"[./]", text))


def clean(text: str) -> str:
    """Collapse runs of whitespace (the sources carry stray double and trailing spaces)."""
    return " ".join(str(text).split())


# --------------------------------------------------------------------------------------
# SDG
# --------------------------------------------------------------------------------------

SDG_PREDICATE_ORDER = [
    RDF_NS + "type",
    RDFS_NS + "label",
    SKOS_NS + "prefLabel",
    SKOS_NS + "altLabel",
    SKOS_NS + "notation",
    SKOS_NS + "inScheme",
    SKOS_NS + "topConceptOf",
    SKOS_NS + "broader",
    SDGO_NS + "isTargetOf",
    SDGO_NS + "isIndicatorOf",
    SKOS_NS + "narrower",
    SDGO_NS + "hasTarget",
    SDGO_NS + "hasIndicator",
    SDGO_NS + "custodianAgency",
    SDGO_NS + "tier",
    SKOS_NS + "exactMatch",
]

# Relations copied from the UN file as they are.
SDG_LINKS = [
    SKOS_NS + "broader",
    SKOS_NS + "narrower",
    SDGO_NS + "hasTarget",
    SDGO_NS + "isTargetOf",
    SDGO_NS + "hasIndicator",
    SDGO_NS + "isIndicatorOf",
    SKOS_NS + "exactMatch",
    SDGO_NS + "tier",
]


def load_yaml(name: str) -> dict[str, str]:
    data = yaml.safe_load((SDG_SOURCES / name).read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise SystemExit(f"{name}: expected a YAML mapping")
    return {str(k): clean(v) for k, v in data.items()}


def un_english(g: Graph, s: URIRef, p: URIRef = SKOS.prefLabel) -> list[str]:
    return sorted(clean(o) for o in g.objects(s, p) if isinstance(o, Literal) and o.language == "en")


def un_codes(g: Graph, s: URIRef, datatype: str) -> list[str]:
    return sorted(
        (str(o) for o in g.objects(s, SKOS.notation) if isinstance(o, Literal) and str(o.datatype) == datatype),
        key=natural_key,
    )


def to_term(o) -> Term:
    if isinstance(o, URIRef):
        return IRI(str(o))
    if isinstance(o, Literal):
        return Lit(str(o), o.language, str(o.datatype) if o.datatype else None)
    raise SystemExit(f"unexpected blank node in the UN file: {o!r}")


def build_sdg() -> tuple[str, str]:
    g = Graph()
    g.parse(SDG_SOURCES / "un-sdg-kos-goals-targets-indicators.ttl", format="turtle")
    void = Graph()
    void.parse(SDG_SOURCES / "un-sdg-kos-void.ttl", format="turtle")
    goals_y = load_yaml("global_goals.en.yml")
    targets_y = load_yaml("global_targets.en.yml")
    indicators_y = load_yaml("global_indicators.en.yml")

    # Terms of use and citation, as the UN states them in void.ttl.
    dcterms = Namespace(DCTERMS_NS)
    dataset = URIRef("http://metadata.un.org/sdg/void.ttl#SDG")
    licence = clean(void.value(dataset, dcterms.license))
    title = clean(void.value(dataset, dcterms.title))
    marker = "with the following citation: "
    if marker not in licence:
        raise SystemExit("un-sdg-kos-void.ttl: citation not found in dcterms:license")
    citation = licence.split(marker, 1)[1]

    compact = SDGO_NS + "SDGCodeCompact"
    perm = SDGO_NS + "SDGCodePerm"
    kinds = {"Goal": SDGO.Goal, "Target": SDGO.Target, "Indicator": SDGO.Indicator}
    concepts: dict[str, dict[str, list[Term]]] = {}
    order: dict[str, tuple] = {}
    counts = defaultdict(int)
    stats = defaultdict(int)
    notes: list[str] = []
    used_indicator_codes: set[str] = set()

    for kind, cls in kinds.items():
        for s in sorted(g.subjects(RDF.type, cls)):
            if (s, RDF.type, SKOS.Concept) not in g:
                raise SystemExit(f"{s} is a {kind} but not a skos:Concept")
            iri = str(s)
            codes = un_codes(g, s, compact)
            if not codes:
                raise SystemExit(f"{iri}: no {compact} notation")
            local = iri[len(SDG_NS):]
            if kind in ("Goal", "Target") and codes != [local]:
                raise SystemExit(f"{iri}: compact code {codes} does not match the IRI")
            if kind == "Indicator" and un_codes(g, s, perm) != [local]:
                raise SystemExit(f"{iri}: permanent code does not match the IRI")

            # English text: open-sdg first (complete, current), the UN label otherwise.
            suffix = "-title"
            table = {"Goal": goals_y, "Target": targets_y, "Indicator": indicators_y}[kind]
            texts = {c: table.get(c.replace(".", "-") + suffix) for c in codes}
            found = sorted({t for t in texts.values() if t})
            un_labels = un_english(g, s)
            if found:
                text = texts[codes[0]] or found[0]
                if len(found) > 1:
                    notes.append(f"{kind} {'/'.join(codes)}: open-sdg texts differ between codes; used {codes[0]}'s")
                stats["text_open_sdg"] += 1
                if text not in un_labels:
                    stats["text_differs_from_un"] += 1
            elif un_labels:
                text = max(un_labels, key=lambda t: (len(t), t))  # the UN file truncates some labels
                stats["text_un_fallback"] += 1
                notes.append(f"{kind} {'/'.join(codes)}: no open-sdg text; used the UN label")
            else:
                raise SystemExit(f"{iri}: no English text in either source")
            if kind == "Indicator":
                used_indicator_codes.update(codes)

            props: dict[str, list[Term]] = defaultdict(list)
            props[RDF_NS + "type"] += [IRI(str(cls)), IRI(SKOS_NS + "Concept")]
            props[SKOS_NS + "prefLabel"].append(Lit(text, "en"))
            props[SKOS_NS + "inScheme"].append(IRI(SDG_SCHEME))
            for c in codes:
                props[SKOS_NS + "notation"].append(Lit(c))
            for o in g.objects(s, SKOS.notation):
                props[SKOS_NS + "notation"].append(to_term(o))
            if kind == "Goal":
                code = codes[0]
                short = goals_y.get(f"{code}-short")
                un_short = un_english(g, s, SKOS.altLabel)
                short = short or (un_short[0] if un_short else None)
                if not short:
                    raise SystemExit(f"{iri}: no short name")
                props[SKOS_NS + "altLabel"].append(Lit(short, "en"))
                props[RDFS_NS + "label"].append(Lit(f"Goal {code}: {short}", "en"))
                props[SKOS_NS + "topConceptOf"].append(IRI(SDG_SCHEME))
            else:
                props[RDFS_NS + "label"].append(Lit(f"{kind} {' / '.join(codes)}", "en"))
            for p in SDG_LINKS:
                for o in g.objects(s, URIRef(p)):
                    props[p].append(to_term(o))
            for o in g.objects(s, SDGO.custodianAgency):
                props[SDGO_NS + "custodianAgency"].append(Lit(clean(o)))
            concepts[iri] = props
            order[iri] = (list(kinds).index(kind), natural_key(codes[0]))
            counts[kind] += 1

    # Structure checks: every link points at a concept and has its inverse.
    inverses = [
        (SKOS_NS + "broader", SKOS_NS + "narrower"),
        (SDGO_NS + "isTargetOf", SDGO_NS + "hasTarget"),
        (SDGO_NS + "isIndicatorOf", SDGO_NS + "hasIndicator"),
    ]
    for iri, props in concepts.items():
        for p, q in inverses:
            for o in props.get(p, []):
                if o.value not in concepts or IRI(iri) not in concepts[o.value].get(q, []):
                    raise SystemExit(f"{iri} {p} {o.value}: target missing or inverse missing")
            for o in props.get(q, []):
                if o.value not in concepts or IRI(iri) not in concepts[o.value].get(p, []):
                    raise SystemExit(f"{iri} {q} {o.value}: target missing or inverse missing")
    for iri, props in concepts.items():
        kind = next(k for k, c in kinds.items() if IRI(str(c)) in props[RDF_NS + "type"])
        up = {"Goal": None, "Target": SDGO_NS + "isTargetOf", "Indicator": SDGO_NS + "isIndicatorOf"}[kind]
        if up and not props.get(up):
            raise SystemExit(f"{iri}: {kind} without a parent")

    skipped = sorted(
        (k[: -len("-title")].replace("-", ".") for k in indicators_y if k.endswith("-title")),
        key=natural_key,
    )
    skipped = [c for c in skipped if c not in used_indicator_codes]

    # The scheme.
    goals = sorted((i for i in concepts if order[i][0] == 0), key=lambda i: order[i])
    un_scheme_label = un_english(g, URIRef(SDG_SCHEME))
    scheme: dict[str, list[Term]] = {
        RDF_NS + "type": [IRI(SKOS_NS + "ConceptScheme"), IRI(KG_NS + "ConceptScheme")],
        RDFS_NS + "label": [Lit("Sustainable Development Goals", "en")],
        SKOS_NS + "prefLabel": [Lit(t, "en") for t in un_scheme_label],
        DCTERMS_NS + "title": [Lit(title, "en")],
        RDFS_NS + "comment": [
            Lit(
                "The goals, targets and indicators of the 2030 Agenda for Sustainable Development. "
                "IRIs, types, codes, links, custodian agencies and tiers from the UN SDG Knowledge "
                "Organization System; English texts from open-sdg/sdg-translations (MIT licence, "
                "Copyright (c) 2019 Open SDG), falling back to the UN's English labels.",
                "en",
            )
        ],
        DCTERMS_NS + "license": [Lit(licence)],
        DCTERMS_NS + "bibliographicCitation": [Lit(citation)],
        DCTERMS_NS + "publisher": [IRI(UN_ORGANIZATION)],
        DCTERMS_NS + "source": [IRI(UN_KOS_URL), IRI(UN_VOID_URL), IRI(OPEN_SDG_URL)],
        OWL_NS + "versionInfo": [Lit(f"UN SDG KOS {UN_KOS_COMMIT[:12]}; open-sdg {OPEN_SDG_COMMIT[:12]}")],
        SKOS_NS + "hasTopConcept": [IRI(i) for i in goals],
    }
    scheme_order = [
        RDF_NS + "type",
        RDFS_NS + "label",
        SKOS_NS + "prefLabel",
        DCTERMS_NS + "title",
        RDFS_NS + "comment",
        DCTERMS_NS + "license",
        DCTERMS_NS + "bibliographicCitation",
        DCTERMS_NS + "publisher",
        DCTERMS_NS + "source",
        OWL_NS + "versionInfo",
        SKOS_NS + "hasTopConcept",
    ]

    header = comment_block(
        f"""
SDG goals, targets and indicators.

GENERATED FILE: do not edit by hand. Written by {SCRIPT}
from data/sources/sdg/ (see data/sources/README.md); change the sources or the
script and run it again (--check verifies this file).

Sources:
- IRIs, types, codes, goal/target/indicator links, custodian agencies, tiers and
  exact matches: the UN SDG Knowledge Organization System (github.com/UNStats/LOD4Stats,
  sdg-data/sdg-kos-goals-targets-indicators.ttl, commit {UN_KOS_COMMIT}).
  Terms of use (from its void.ttl, commit {UN_VOID_COMMIT}): "{licence}"
  Citation: {citation}
- English texts (skos:prefLabel) and goal short names: open-sdg/sdg-translations
  (translations/en/global_*.yml, commit {OPEN_SDG_COMMIT}),
  MIT licence, Copyright (c) 2019 Open SDG (data/sources/sdg/LICENSE.open-sdg-sdg-translations).
  Where open-sdg has no text, the UN's English label is used.

Counts: {counts['Goal']} goals, {counts['Target']} targets, {counts['Indicator']} indicators.
Repeated indicators of the global framework have one IRI (C20....) with several codes.
Indicators of open-sdg without an IRI in the UN file are left out: {', '.join(skipped) or 'none'}.
"""
    )
    writer = TurtleWriter(
        [
            ("dcterms", DCTERMS_NS),
            ("kg", KG_NS),
            ("owl", OWL_NS),
            ("rdfs", RDFS_NS),
            ("sdg", SDG_NS),
            ("sdgo", SDGO_NS),
            ("skos", SKOS_NS),
            ("xsd", XSD_NS),
        ]
    )
    subjects = [(SDG_SCHEME, order_predicates(scheme, scheme_order))]
    for iri in sorted(concepts, key=lambda i: order[i]):
        subjects.append((iri, order_predicates(concepts[iri], SDG_PREDICATE_ORDER)))
    text = writer.write(header, subjects)
    summary = (
        f"data/sdg.ttl: {counts['Goal']} goals, {counts['Target']} targets, {counts['Indicator']} indicators "
        f"({len(used_indicator_codes)} indicator codes); texts: {stats['text_open_sdg']} from open-sdg "
        f"({stats['text_differs_from_un']} differ from the UN label), {stats['text_un_fallback']} UN fallback; "
        f"{len(skipped)} open-sdg indicators skipped (no UN IRI: {', '.join(skipped)})"
    )
    for n in notes:
        print(f"  note: {n}", file=sys.stderr)
    return text, summary


# --------------------------------------------------------------------------------------
# Countries
# --------------------------------------------------------------------------------------

COUNTRY_PREDICATE_ORDER = [
    RDF_NS + "type",
    RDFS_NS + "label",
    SKOS_NS + "prefLabel",
    SKOS_NS + "altLabel",
    KG_NS + "officialName",
    KG_NS + "isoAlpha3",
    KG_NS + "isoAlpha2",
    KG_NS + "isoNumeric",
    SCHEMA_NS + "sameAs",
]


def load_wikidata(countries_by_a3: dict) -> dict[str, str]:
    rows: dict[str, str] = {}
    seen_q: dict[str, str] = {}
    previous = ""
    for n, line in enumerate(WIKIDATA_TSV.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        where = f"{WIKIDATA_TSV.relative_to(ROOT)}:{n}"
        parts = line.split("\t")
        if len(parts) != 3:
            raise SystemExit(f"{where}: expected 3 TAB-separated columns")
        a3, qid, name = parts
        if not re.fullmatch(r"[A-Z]{3}", a3) or not re.fullmatch(r"Q[1-9][0-9]*", qid):
            raise SystemExit(f"{where}: bad code or QID: {a3!r} {qid!r}")
        if a3 <= previous:
            raise SystemExit(f"{where}: rows must be sorted by code without repeats ({a3} after {previous})")
        previous = a3
        if qid in seen_q:
            raise SystemExit(f"{where}: {qid} already used for {seen_q[qid]}")
        seen_q[qid] = a3
        c = countries_by_a3.get(a3)
        if c is None:
            raise SystemExit(f"{where}: {a3} is not an ISO 3166-1 alpha-3 code")
        names = {getattr(c, f, None) for f in ("name", "common_name", "official_name")}
        if name not in names:
            raise SystemExit(f"{where}: name {name!r} does not match {a3} ({sorted(n for n in names if n)})")
        rows[a3] = qid
    return rows


def build_countries() -> tuple[str, str]:
    import pycountry

    version = importlib.metadata.version("pycountry")
    by_a3 = {c.alpha_3: c for c in pycountry.countries}
    wikidata = load_wikidata(by_a3)

    subjects = []
    for a3 in sorted(by_a3):
        c = by_a3[a3]
        a2, num = c.alpha_2, c.numeric
        if not (re.fullmatch(r"[A-Z]{3}", a3) and re.fullmatch(r"[A-Z]{2}", a2) and re.fullmatch(r"[0-9]{3}", num)):
            raise SystemExit(f"pycountry: unexpected codes {a3} {a2} {num}")
        label = clean(getattr(c, "common_name", None) or c.name)
        props: dict[str, list[Term]] = defaultdict(list)
        props[RDF_NS + "type"].append(IRI(KG_NS + "Country"))
        props[RDFS_NS + "label"].append(Lit(label, "en"))
        props[SKOS_NS + "prefLabel"].append(Lit(label, "en"))
        if clean(c.name) != label:
            props[SKOS_NS + "altLabel"].append(Lit(clean(c.name), "en"))
        official = getattr(c, "official_name", None)
        if official:
            props[KG_NS + "officialName"].append(Lit(clean(official), "en"))
        props[KG_NS + "isoAlpha3"].append(Lit(a3))
        props[KG_NS + "isoAlpha2"].append(Lit(a2))
        props[KG_NS + "isoNumeric"].append(Lit(num))
        props[SCHEMA_NS + "sameAs"].append(IRI(EU_COUNTRY_NS + a3))
        if a3 in wikidata:
            props[SCHEMA_NS + "sameAs"].append(IRI(WD_NS + wikidata[a3]))
        subjects.append((COUNTRY_NS + a3.lower(), order_predicates(props, COUNTRY_PREDICATE_ORDER)))

    header = comment_block(
        f"""
ISO 3166-1 countries and territories.

GENERATED FILE: do not edit by hand. Written by {SCRIPT}
from data/sources/ (see data/sources/README.md); change the sources or the script
and run it again (--check verifies this file).

Sources:
- Codes and names: pycountry {version} (ISO 3166-1 data of the Debian iso-codes
  project; LGPL-2.1). rdfs:label / skos:prefLabel is pycountry's common name if it
  has one, else its ISO short name (then kept as skos:altLabel); kg:officialName is
  the ISO official name where there is one.
- schema:sameAs (a country is a thing, not a SKOS concept: skos:exactMatch would make it
  one) to the EU Publications Office country authority
  (http://publications.europa.eu/resource/authority/country/ + alpha-3 code) for every
  entry, and to Wikidata only for the {len(wikidata)} entries listed in
  data/sources/countries-wikidata.tsv (hand-curated; CC0 identifiers).

Key: the lower-case alpha-3 code. {len(subjects)} entries.
"""
    )
    writer = TurtleWriter([("kg", KG_NS), ("rdfs", RDFS_NS), ("schema", SCHEMA_NS), ("skos", SKOS_NS)])
    text = writer.write(header, subjects)
    summary = (
        f"data/countries.ttl: {len(subjects)} countries (pycountry {version}), "
        f"{len(subjects)} EU authority links, {len(wikidata)} Wikidata links"
    )
    return text, summary


# --------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="write nothing; exit 1 if a file would change")
    args = ap.parse_args(argv)

    stale = []
    for path, build in ((OUT_SDG, build_sdg), (OUT_COUNTRIES, build_countries)):
        text, summary = build()
        data = text.encode("utf-8")
        current = path.read_bytes() if path.exists() else None
        rel = path.relative_to(ROOT)
        if args.check:
            status = "up to date" if current == data else "DIFFERS"
            if current != data:
                stale.append(str(rel))
            print(f"{summary} [{status}]")
        else:
            if current != data:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
            print(f"{summary} [{'unchanged' if current == data else 'written'}]")
    if stale:
        print(f"out of date: {', '.join(stale)}; run {SCRIPT}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

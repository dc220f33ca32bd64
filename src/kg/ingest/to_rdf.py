"""A record as RDF: its facts graph and its suggestions graph.

Keys (``id/outcome/{key}``, ``id/record/{key}``, files ``data/outcome-{key}.ttl``):

- ``lower(CPO)-YYYY-MM-DD`` when the record gives a CPO code and a date
  (``chn302-2021-07-16``, the seed's);
- ``lower(CPO)-YYYY`` when it gives a year only (``raf904-2017``);
- otherwise ``{country}-{date or year}-{hash}``, parts left out when unknown:
  the lower-case alpha-3 code of the country (inferred from the text), ``x``
  when there is none, and the first 8 hex digits of the SHA-256 of the
  record's outcome summary (else its outcome achieved, else its text), case-
  folded with single spaces (``mwi-3c9a51f0``). The key is computed from what
  was extracted, before any curation, so a curation file keeps its name.

The facts graph holds what the record's layout states (the outcome, its metadata, its
source record with the verbatim text); what its prose states is added by
:mod:`kg.ingest.facts`, which also writes the suggestions graph.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS

from kg.rdf import iris
from kg.ingest.catalog import Catalog, norm
from kg.ingest.record import EXPECTED, SECTIONS, Located, Record


MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
               "November", "December")

# (field of the Record) -> outcome property (local name), for the validation report.
FIELD_OF_PROPERTY = {
    "cpoCode": "cpo_code", "reportedDate": "reported_date", "visibility": "visibility", "biennium": "biennium",
    "pbIndicator": "pb_indicator", "resultType": "result_type", "partnershipQualifier": "partnership_qualifier",
    "theme": "themes", "summary": "summary", "achievement": "achievement", "iloContribution": "ilo_contribution",
    "partnersContribution": "partners_contribution", "genderNote": "gender_note", "sdgGoal": "sdg_goals",
    "sdgTarget": "sdg_targets", "country": "country", "programme": "programme", "metadataLine": "metadata_line",
    "policyArea": "policy_area",
}


def outcome_key(record: Record) -> str:
    date = record.reported_date.value.isoformat() if record.reported_date else None
    year = str(record.reported_year.value) if record.reported_year else None
    if record.cpo_code is not None:
        return "-".join(p for p in (record.cpo_code.value.lower(), date or year or summary_hash(record)) if p)
    country = record.country.value.lower() if record.country else "x"
    # no CPO code: the source's address identifies the record when it is given, else its words
    digest = hashlib.sha256(record.source_url.value.encode()).hexdigest()[:8] if record.source_url \
        else summary_hash(record)
    return "-".join(p for p in (country, date or year, digest) if p)


def text_digest(record: Record) -> str:
    """The record's prose, normalised, as a digest: how a record already in the graph is recognised
    when it comes again without its metadata line, or from another file."""
    parts = [getattr(record, f).value for f in ("summary", "achievement", "ilo_contribution") if getattr(record, f)]
    text = " ".join(parts) if parts else record.text
    return "sha256:" + hashlib.sha256(norm(text).encode("utf-8")).hexdigest()


def summary_hash(record: Record) -> str:
    source = record.summary or record.achievement
    text = source.value if source is not None else record.text
    return hashlib.sha256(norm(text).encode("utf-8")).hexdigest()[:8]


@dataclass
class Built:
    """A record's graphs and where each outcome fact came from (for reports)."""

    key: str
    outcome: URIRef
    record_iri: URIRef
    facts: Graph
    suggestions: Graph
    where: dict[tuple[URIRef, URIRef], Located] = field(default_factory=dict)
    new_themes: list[str] = field(default_factory=list)


class Builder:
    def __init__(self, catalog: Catalog, base: str, exclude: set[str] | None = None) -> None:
        self.cat = catalog
        self.base = base
        self.exclude = exclude or set()  # graphs being replaced: what they describe must be described again
        self.kg = Namespace(f"{base}def/kg#")
        self.agent = URIRef(iris.thing("agent", "kg-ingest", base))

    def thing(self, kind: str, key: str) -> URIRef:
        return URIRef(iris.thing(kind, key, self.base))

    # -- facts ----------------------------------------------------------------------------

    def facts(self, record: Record, key: str) -> Built:
        kg = self.kg
        g = Graph()
        o = self.thing("outcome", key)
        rec = self.thing("record", key)
        built = Built(key, o, rec, g, Graph())
        lang = record.language

        def add(p: URIRef, value, located: Located | None) -> None:
            g.add((o, p, value))
            if located is not None:
                built.where.setdefault((o, p), located)

        g.add((o, RDF.type, kg.Outcome))
        label = record.label.value if record.label else self.outcome_label(record)
        g.add((o, RDFS.label, Literal(label, lang=lang)))
        if record.cpo_code:
            add(kg.cpoCode, Literal(record.cpo_code.value), record.cpo_code)
        if record.reported_date:
            add(kg.reportedDate, Literal(record.reported_date.value.isoformat(), datatype=XSD.date),
                record.reported_date)
        elif record.reported_year:
            add(DCTERMS.date, Literal(f"{record.reported_year.value:04d}", datatype=XSD.gYear), record.reported_year)
        if record.visibility:
            add(kg.visibility, Literal(record.visibility.value), record.visibility)
        if record.biennium:
            add(kg.biennium, URIRef(self.cat.bienniums.get(record.biennium.value)
                                    or iris.thing("biennium", record.biennium.value, self.base)), record.biennium)
        if record.pb_indicator:
            add(kg.pbIndicator, self.indicator(record), record.pb_indicator)
        if record.result_type:
            n = record.result_type.value
            add(kg.resultType, URIRef(self.cat.result_types.get(n) or iris.thing("result-type", f"step-{n}", self.base)),
                record.result_type)
        if record.partnership_qualifier:
            add(kg.partnershipQualifier, Literal(record.partnership_qualifier.value), record.partnership_qualifier)
        for theme in record.themes:
            known = self.cat.themes.get(norm(theme.value))
            if known and self.cat.theme_defined(known[0], self.exclude):
                add(kg.theme, URIRef(known[0]), theme)
            else:
                t = URIRef(known[0]) if known else self.thing("theme", iris.slug(theme.value))
                label = known[1] if known else theme.value
                add(kg.theme, t, theme)
                g.add((t, RDF.type, kg.Theme))
                g.add((t, RDFS.label, Literal(label, lang="en")))
                g.add((t, SKOS.prefLabel, Literal(label, lang="en")))
                g.add((t, SKOS.inScheme, self.thing("scheme", "theme")))
                built.new_themes.append(label)
        for fld, prop in SECTIONS.items():
            value = getattr(record, fld)
            if value is not None:
                add(kg[prop], Literal(value.value, lang=lang), value)
        for goal in record.sdg_goals:
            if goal.value in self.cat.goals:
                add(kg.sdgGoal, URIRef(self.cat.goals[goal.value][0]), goal)
        for target in record.sdg_targets:
            if target.value in self.cat.targets:
                add(kg.sdgTarget, URIRef(self.cat.targets[target.value][0]), target)
        if record.country and record.country.value in self.cat.countries:
            add(kg.country, URIRef(self.cat.countries[record.country.value].iri), record.country)
            if record.country_inferred:
                add(kg.countryInferred, Literal(True), record.country)
        if record.programme:
            known = self.cat.programmes.get(norm(record.programme.value))
            if known:
                add(kg.programme, URIRef(known[0]), record.programme)
        g.add((o, PROV.wasDerivedFrom, rec))
        g.add((o, PROV.hadPrimarySource, rec))
        self.source_record(record, key, rec, g, built)
        return built

    def indicator(self, record: Record) -> URIRef:
        assert record.pb_indicator is not None
        code = record.pb_indicator.value
        if record.biennium:
            biennium = record.biennium.value
        else:
            having = sorted(b for b, codes in self.cat.pb.items() if code in codes)
            biennium = having[0] if len(having) == 1 else "2020-21"
        iri = self.cat.pb.get(biennium, {}).get(code)
        return URIRef(iri or iris.thing(f"pb-{biennium}", code, self.base))

    def source_record(self, record: Record, key: str, rec: URIRef, g: Graph, built: Built) -> None:
        kg = self.kg
        lang = record.language
        g.add((rec, RDF.type, kg.SourceRecord))
        g.add((rec, RDFS.label, Literal(self.record_label(record), lang="en")))
        g.add((rec, kg.sourceFile, Literal(record.file_name)))
        if record.title:
            g.add((rec, DCTERMS.title, Literal(record.title.value, lang=lang)))
        if record.policy_area:
            g.add((rec, kg.policyArea, Literal(record.policy_area.value)))
            built.where.setdefault((rec, kg.policyArea), record.policy_area)
        if record.metadata_line:
            g.add((rec, kg.metadataLine, Literal(record.metadata_line.value)))
            built.where.setdefault((rec, kg.metadataLine), record.metadata_line)
        if record.format in ("text", "html"):
            g.add((rec, DCTERMS.publisher, self.thing("organization", "ilo")))
        if record.source_url:
            g.add((rec, DCTERMS.source, URIRef(record.source_url.value)))
        if record.source_note:
            g.add((rec, RDFS.comment, Literal(record.source_note.value, lang="en")))
        if record.truncated:
            g.add((rec, kg.truncated, Literal(True)))
        for name in record.missing():
            g.add((rec, kg.missingField, kg[EXPECTED[name]]))
        g.add((rec, kg.verbatimText, Literal(record.text, lang=lang)))
        g.add((rec, kg.textDigest, Literal(text_digest(record))))

    def outcome_label(self, record: Record) -> str:
        who = record.cpo_code.value if record.cpo_code else (
            self.cat.countries[record.country.value].name if record.country and record.country.value in self.cat.countries
            else None)
        when = (_day_words(record.reported_date.value) if record.reported_date
                else str(record.reported_year.value) if record.reported_year else None)
        text = (record.summary or record.achievement)
        what = _shorten(text.value if text else record.file_name, 100)
        head = f"{who} ({when})" if who and when else who or when
        return f"{head}: {what}" if head else what

    def record_label(self, record: Record) -> str:
        if record.cpo_code and record.reported_date:
            return f"Result achieved record {record.cpo_code.value} ({record.reported_date.value:%d.%m.%Y})"
        if record.cpo_code and record.reported_year:
            return f"Result achieved record {record.cpo_code.value} ({record.reported_year.value})"
        # the file's name, never its path: nothing of the machine it was ingested on enters the data
        return f"Result achieved record {record.file_name}" + (f" row {record.row}" if record.row else "")


def _number(value: str) -> Literal:
    if "." in value:
        return Literal(value, datatype=XSD.decimal)
    return Literal(int(value))


def _day_words(day: dt.date) -> str:
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "\u2026"

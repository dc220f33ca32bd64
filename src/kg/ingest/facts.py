"""What a record's prose states, as RDF: facts with their evidence, and suggestions for curation.

The :class:`~kg.ingest.extract.model.Extraction` of a record becomes, in the record's
facts graph:

- organizations (``kg:Organization``), instruments (``kg:PolicyInstrument``) with their
  milestones (``kg:Milestone``: what happened, when, at the precision the text gives,
  with ``kg:earliestDate``/``kg:latestDate``) and issuers (``eli:passed_by``, and a
  ``kg:Attribution`` with the role: lead issuer, co-issuer), events (``kg:Event``), research
  (``kg:Research``), the population groups (``kg:concernsPopulation``), the ILO standards
  cited (``kg:citesStandard``) and each body's role in the outcome (``prov:wasAttributedTo``
  and a ``kg:Attribution`` with the role);
- for each of them an evidence annotation (``kg:EvidenceAnnotation``, a W3C Web
  Annotation): the exact words (``oa:TextQuoteSelector``) and their character offsets
  (``oa:TextPositionSelector``) in the record's verbatim text, the fact it supports, its
  curation status (``extracted``, or ``confirmed`` by a curation file) and the extraction
  run that generated it.

What extraction is not sure of goes to the suggestions graph instead, as ``kg:Suggestion``
nodes that describe the fact without stating it (the default graph, the union of all
graphs, must not say what the text does not): its kind, name, type, date or role, the words,
and ``kg:curationStatus status:suggested``. A curation file confirms a suggestion by its id
(``instrument-national-social-protection-strategy``, ``event-seminar-2020-12``), which
makes it a fact, or rejects it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, SKOS

from kg.ingest.catalog import Catalog
from kg.ingest.extract.model import (
    CURATED,
    FACT,
    DateValue,
    Event,
    Evidence,
    Extraction,
    Instrument,
    Organization,
    Research,
    RoleLink,
)
from kg.ingest.record import Record
from kg.rdf import iris
from kg.rdf.iris import ELI, SCHEMA
from kg.store.manifest import package_version

OA = Namespace("http://www.w3.org/ns/oa#")
_DATE_TYPES = {"day": XSD.date, "month": XSD.gYearMonth, "year": XSD.gYear}
CONTEXT = 40  # characters of text kept before and after a quote (oa:prefix, oa:suffix)
# Roles of bodies in an outcome that also get a direct property.
_ISSUER_ROLES = ("issuer", "lead-issuer", "co-issuer")
_STATED = (FACT, CURATED)  # confidences written as facts


@dataclass
class Resolved:
    """The IRIs reconciliation gave the record's bodies and instruments."""

    organizations: dict[str, str] = field(default_factory=dict)  # organization key -> IRI
    existing: set[str] = field(default_factory=set)  # IRIs the graph already describes
    instruments: dict[int, str] = field(default_factory=dict)  # id(instrument) -> IRI
    # names an earlier record of the batch gave the things it describes: another name this record
    # uses for one of them is added as skos:altLabel (one node, with its names as labels)
    batch_names: dict[str, set[str]] = field(default_factory=dict)


class ProseWriter:
    """Writes one record's extraction into its facts and suggestions graphs."""

    def __init__(self, catalog: Catalog, base: str) -> None:
        self.cat = catalog
        self.base = base
        self.kg = Namespace(f"{base}def/kg#")
        self.run = URIRef(iris.thing("extraction-run", f"kg-ingest-{package_version()}", base))
        self.agent = URIRef(iris.thing("agent", "kg-ingest", base))

    def thing(self, kind: str, key: str) -> URIRef:
        return URIRef(iris.thing(kind, key, self.base))

    def concept(self, scheme: str, key: str | None) -> URIRef | None:
        return self.thing(scheme, key) if key else None

    def with_country(self, name: str, country) -> str:
        """A national thing's display label: its name, and its country's when the name does not say it
        (three records' "Prime Minister" are three bodies; lists and pages must tell them apart)."""
        if country is None:
            return name
        words = name.lower()
        said = [*country.names, *(d for d, a3 in self.cat.demonyms.items() if a3 == country.alpha3)]
        if any(n.lower() in words for n in said if n):
            return name
        return f"{name} ({country.name})"

    # -- the record ---------------------------------------------------------------------------

    def write(self, record: Record, key: str, outcome: URIRef, source: URIRef, x: Extraction, resolved: Resolved,
              facts: Graph, suggestions: Graph, confirmed: set[str], rejected: set[str]) -> list[str]:
        """Add the record's prose facts and suggestions; return the suggestion ids written."""
        w = _Writing(self, record, key, outcome, source, resolved, facts, suggestions, confirmed, rejected)
        for org in x.organizations.values():
            w.organization(org)
        for inst in x.instruments:
            w.instrument(inst, x)
        for link in x.roles:
            w.role(link, x)
        for e in x.events:
            w.event(e, x)
        for r in x.research:
            w.research(r, x)
        for g in x.groups:
            node = self.concept("population-group", g.key)
            w.statement(outcome, self.kg.concernsPopulation, node, g.evidence, g.confidence, f"group-{g.key}")
        for st in x.standards:
            node = self.thing("ilo-standard", st.code.lower())
            w.statement(outcome, self.kg.citesStandard, node, st.evidence, st.confidence,
                        f"standard-{st.code.lower()}")
        if w.annotations:
            facts.add((self.run, RDF.type, self.kg.ExtractionRun))
            facts.add((self.run, RDFS.label, Literal(f"kg ingest {package_version()}: reading records' prose", lang="en")))
            facts.add((self.run, PROV.wasAssociatedWith, self.agent))
            facts.add((self.agent, RDF.type, PROV.SoftwareAgent))
            facts.add((self.agent, RDFS.label, Literal("kg ingest, the record extractor of spkg", lang="en")))
        return w.ids


class _Writing:
    def __init__(self, writer: ProseWriter, record: Record, key: str, outcome: URIRef, source: URIRef,
                 resolved: Resolved, facts: Graph, suggestions: Graph, confirmed: set[str], rejected: set[str]) -> None:
        self.w = writer
        self.kg = writer.kg
        self.record = record
        self.key = key
        self.outcome = outcome
        self.source = source
        self.resolved = resolved
        self.facts = facts
        self.sugg = suggestions
        self.confirmed = confirmed
        self.rejected = rejected
        self.ids: list[str] = []
        self.node_keys: set[str] = set()  # events' and studies' keys given so far in this record
        self.annotations = 0
        self.country = writer.cat.countries.get(record.country.value) if record.country else None

    def unique(self, n_key: str, topic: str | None) -> str:
        """``n_key``, or, when the record already has a thing of that key (two studies named in one phrase), one
        made distinct by its topic or a number."""
        candidates = [n_key] + ([f"{n_key}-{iris.slug(topic)[:30]}"] if topic else []) + \
            [f"{n_key}-{i}" for i in range(2, 100)]
        chosen = next(c for c in candidates if c not in self.node_keys)
        self.node_keys.add(chosen)
        return chosen

    # -- decisions ---------------------------------------------------------------------------

    def is_fact(self, confidence: str, sid: str) -> bool:
        return sid not in self.rejected and (confidence in _STATED or sid in self.confirmed)

    def status(self, confidence: str, sid: str) -> URIRef:
        key = "confirmed" if sid in self.confirmed or confidence == CURATED else \
            "extracted" if confidence == FACT else "suggested"
        return self.w.thing("curation-status", key)

    # -- evidence ------------------------------------------------------------------------------

    def target(self, g: Graph, node: URIRef, ev: Evidence) -> None:
        """The words of ``ev`` as the target of an annotation ``node``: quote and offsets."""
        text = self.record.text
        target = URIRef(f"{node}-target")
        g.add((node, OA.hasTarget, target))
        g.add((target, RDF.type, OA.SpecificResource))
        g.add((target, OA.hasSource, self.source))
        quote, position = URIRef(f"{node}-quote"), URIRef(f"{node}-position")
        g.add((target, OA.hasSelector, quote))
        g.add((target, OA.hasSelector, position))
        g.add((quote, RDF.type, OA.TextQuoteSelector))
        g.add((quote, OA.exact, Literal(ev.text)))
        prefix, suffix = text[max(0, ev.start - CONTEXT):ev.start], text[ev.end:ev.end + CONTEXT]
        if prefix:
            g.add((quote, OA.prefix, Literal(prefix)))
        if suffix:
            g.add((quote, OA.suffix, Literal(suffix)))
        g.add((position, RDF.type, OA.TextPositionSelector))
        g.add((position, OA.start, Literal(ev.start)))
        g.add((position, OA.end, Literal(ev.end)))

    def annotate(self, body: URIRef, ev: Evidence, status: URIRef, label: str) -> None:
        """An evidence annotation in the facts graph: these words support ``body``."""
        digest = hashlib.sha256(f"{body}|{ev.start}|{ev.end}".encode()).hexdigest()[:10]
        node = self.w.thing("annotation", f"{self.key}-{digest}")
        g = self.facts
        g.add((node, RDF.type, self.kg.EvidenceAnnotation))
        g.add((node, RDFS.label, Literal(f"Evidence: {_short(label, 80)}", lang="en")))
        g.add((node, OA.motivatedBy, OA.describing))
        g.add((node, OA.hasBody, body))
        g.add((node, self.kg.curationStatus, status))
        g.add((node, PROV.wasGeneratedBy, self.w.run))
        self.target(g, node, ev)
        self.annotations += 1

    def statement(self, s: URIRef, p: URIRef, o: URIRef, ev: Evidence, confidence: str, sid: str,
                  label: str | None = None) -> None:
        """One triple the prose states, with its evidence; or a suggestion of it."""
        self.ids.append(sid)  # a rejected id is still one of the record's
        if sid in self.rejected:
            return
        if self.is_fact(confidence, sid):
            self.facts.add((s, p, o))
            body = URIRef(f"{self.w.thing('statement', f'{self.key}-{_digest(s, p, o)}')}")
            self.facts.add((body, RDF.type, RDF.Statement))
            self.facts.add((body, RDF.subject, s))
            self.facts.add((body, RDF.predicate, p))
            self.facts.add((body, RDF.object, o))
            self.annotate(body, ev, self.status(confidence, sid), label or ev.text)
        else:
            n = self.suggestion(sid, ev, label or ev.text)
            self.sugg.add((n, self.kg.suggestedSubject, s))
            self.sugg.add((n, self.kg.suggestedProperty, p))
            self.sugg.add((n, self.kg.suggests, o))

    def suggestion(self, sid: str, ev: Evidence, label: str, kind: URIRef | None = None) -> URIRef:
        n = self.w.thing("suggestion", f"{self.key}-{sid}")
        g = self.sugg
        g.add((n, RDF.type, self.kg.Suggestion))
        g.add((n, RDF.type, OA.Annotation))
        g.add((n, RDFS.label, Literal(f"Suggested: {_short(label, 80)}", lang="en")))
        g.add((n, self.kg.suggestionId, Literal(sid)))
        g.add((n, self.kg.suggestedFor, self.outcome))
        g.add((n, self.kg.mentionText, Literal(ev.text)))
        if ev.section:
            g.add((n, self.kg.inSection, self.kg[_section_property(ev.section)]))
        g.add((n, self.kg.curationStatus, self.w.thing("curation-status", "suggested")))
        g.add((n, PROV.wasDerivedFrom, self.source))
        g.add((n, PROV.wasAttributedTo, self.w.agent))
        g.add((n, PROV.wasGeneratedBy, self.w.run))
        if kind is not None:
            g.add((n, self.kg.suggestedKind, kind))
        self.target(g, n, ev)
        return n

    def date(self, g: Graph, node: URIRef, d: DateValue, prop: URIRef | None = None) -> None:
        g.add((node, prop or self.kg.date, Literal(d.value, datatype=_DATE_TYPES[d.precision])))
        if d.end:
            g.add((node, self.kg.endDate, Literal(d.end, datatype=_DATE_TYPES[d.precision])))
        g.add((node, self.kg.earliestDate, Literal(d.earliest.isoformat(), datatype=XSD.date)))
        g.add((node, self.kg.latestDate, Literal(d.latest.isoformat(), datatype=XSD.date)))

    # -- things ---------------------------------------------------------------------------------

    def org_iri(self, key: str) -> URIRef | None:
        iri = self.resolved.organizations.get(key)
        return URIRef(iri) if iri else None

    def organization(self, org: Organization) -> None:
        node = self.org_iri(org.key)
        if node is None or not org.evidence:
            return
        sid = f"org-{org.key.lower()}"
        self.ids.append(sid)  # a rejected id is still one of the record's
        if sid in self.rejected:
            return
        ev = org.evidence[0]
        if not self.is_fact(org.confidence, sid):
            n = self.suggestion(sid, ev, org.label, self.kg.Organization)
            self.sugg.add((n, self.kg.suggests, node))
            if org.name:
                self.sugg.add((n, self.kg.suggestedName, Literal(org.name, lang="en")))
            if org.acronym:
                self.sugg.add((n, self.kg.acronym, Literal(org.acronym)))
            if org.type:
                self.sugg.add((n, self.kg.suggestedType, self.w.thing("organization-type", org.type)))
            return
        g, kg = self.facts, self.kg
        g.add((node, kg.statedIn, self.source))
        if str(node) not in self.resolved.existing:
            g.add((node, RDF.type, kg.Organization))
            g.add((node, RDF.type, ORG.FormalOrganization))
            g.add((node, RDF.type, PROV.Organization))
            name = org.name or org.acronym or org.key
            country = self.w.cat.countries.get(org.country or "")
            g.add((node, RDFS.label, Literal(self.w.with_country(name, country), lang="en")))
            g.add((node, SKOS.prefLabel, Literal(name, lang="en")))
            for other in org.names:
                if other not in (org.name, org.acronym):
                    g.add((node, SKOS.altLabel, Literal(other, lang="en")))
            if org.acronym:
                g.add((node, kg.acronym, Literal(org.acronym)))
            if org.type:
                g.add((node, ORG.classification, self.w.thing("organization-type", org.type)))
            if country is not None:
                g.add((node, kg.country, URIRef(country.iri)))
        else:
            self.other_names(node, [org.name, org.acronym, *org.names])
        self.annotate(node, ev, self.status(org.confidence, sid), org.label)

    def other_names(self, node: URIRef, names: list[str | None]) -> None:
        """Names this record gives a thing an earlier record of the batch describes, as its alternative labels."""
        known = self.resolved.batch_names.get(str(node))
        if known is None:
            return
        for name in names:
            if name and name not in known:
                self.facts.add((node, SKOS.altLabel, Literal(name, lang="en")))
                known.add(name)

    def instrument(self, inst: Instrument, x: Extraction) -> None:
        node = URIRef(self.resolved.instruments[id(inst)]) if id(inst) in self.resolved.instruments else None
        if node is None:
            return
        sid = f"instrument-{inst.key}"
        self.ids.append(sid)  # a rejected id is still one of the record's
        if sid in self.rejected:
            return
        ev = inst.evidence[0]
        kg, g = self.kg, self.facts
        if not self.is_fact(inst.confidence, sid):
            n = self.suggestion(sid, ev, inst.title, kg.PolicyInstrument)
            self.sugg.add((n, kg.suggests, node))
            self.sugg.add((n, kg.suggestedName, Literal(inst.title, lang="en")))
            if inst.kind:
                self.sugg.add((n, kg.suggestedType, self.w.thing("instrument-type", inst.kind)))
            for ms in inst.milestones:
                if ms.date is not None:
                    self.sugg.add((n, kg.suggestedDate, Literal(ms.date.value, datatype=_DATE_TYPES[ms.date.precision])))
            return
        g.add((node, kg.statedIn, self.source))
        if inst.about_outcome or sid in self.confirmed:
            g.add((self.outcome, kg.instrument, node))
        if str(node) not in self.resolved.existing:
            g.add((node, RDF.type, kg.PolicyInstrument))
            g.add((node, RDFS.label, Literal(inst.label or self.w.with_country(inst.title, self.country), lang="en")))
            g.add((node, DCTERMS.title, Literal(inst.title, lang="en")))
            for other in inst.names:
                g.add((node, SKOS.altLabel, Literal(other, lang="en")))
            if inst.kind:
                g.add((node, kg.instrumentType, self.w.thing("instrument-type", inst.kind)))
            if inst.number:
                g.add((node, kg.instrumentNumber, Literal(inst.number)))
            if self.country is not None:
                g.add((node, kg.country, URIRef(self.country.iri)))
                g.add((node, SCHEMA.legislationJurisdiction, URIRef(self.country.iri)))
            for group in inst.groups:
                g.add((node, kg.coversPopulation, self.w.thing("population-group", group)))
            if inst.issuer_count:
                g.add((node, kg.issuerCount, Literal(inst.issuer_count)))
        else:
            self.other_names(node, [inst.title, *inst.names])
        self.annotate(node, ev, self.status(inst.confidence, sid), inst.title)
        first_day = None
        for ms in inst.milestones:
            if ms.date is None:
                continue
            msid = f"milestone-{inst.key}-{ms.type}-{ms.date.value}"
            m_node = self.w.thing("milestone", f"{_tail(node)}-{ms.type}-{ms.date.value}")
            self.ids.append(msid)
            if not self.is_fact(ms.confidence, msid):
                if msid not in self.rejected:
                    n = self.suggestion(msid, ms.evidence, f"{inst.title}: {ms.type} {ms.date.value}", kg.Milestone)
                    self.sugg.add((n, kg.suggestedSubject, node))
                    self.sugg.add((n, kg.suggestedType, self.w.thing("milestone-type", ms.type)))
                    self.sugg.add((n, kg.suggestedDate, Literal(ms.date.value, datatype=_DATE_TYPES[ms.date.precision])))
                continue
            g.add((node, kg.milestone, m_node))
            g.add((m_node, RDF.type, kg.Milestone))
            g.add((m_node, RDFS.label, Literal(f"{inst.title}: {ms.type.replace('-', ' ')} "
                                              f"{ms.date.value}", lang="en")))
            g.add((m_node, kg.milestoneType, self.w.thing("milestone-type", ms.type)))
            self.date(g, m_node, ms.date)
            g.add((m_node, kg.statedIn, self.source))
            for who in ms.by:
                o = self.org_iri(who)
                if o is not None:
                    g.add((m_node, kg.actor, o))
            self.annotate(m_node, ms.evidence, self.status(ms.confidence, msid), f"{inst.title}: {ms.type}")
            if ms.date.precision == "day" and ms.type in ("adopted", "approved", "issued", "signed", "enacted", "passed") \
                    and (first_day is None or ms.date.value < first_day):
                first_day = ms.date.value
        if first_day and str(node) not in self.resolved.existing:
            g.add((node, ELI.date_document, Literal(first_day, datatype=XSD.date)))
        for link in inst.issuers:
            o = self.org_iri(link.org)
            if o is None:
                continue
            asid = f"issuer-{inst.key}-{link.org.lower()}"
            self.ids.append(asid)
            if not self.is_fact(link.confidence, asid):
                if asid not in self.rejected:
                    n = self.suggestion(asid, link.evidence, f"{inst.title} issued by {link.org}")
                    self.sugg.add((n, kg.suggestedSubject, node))
                    self.sugg.add((n, kg.suggestedProperty, ELI.passed_by))
                    self.sugg.add((n, kg.suggests, o))
                    self.sugg.add((n, kg.suggestedRole, self.w.thing("role", link.role)))
                continue
            prop = ELI.passed_by if link.role in _ISSUER_ROLES else None
            if prop is not None:
                g.add((node, prop, o))
            a = self.w.thing("attribution", f"{_tail(node)}-{_tail(o)}-{link.role}")
            g.add((node, PROV.qualifiedAttribution, a))
            g.add((node, PROV.wasAttributedTo, o))
            g.add((a, RDF.type, kg.Attribution))
            g.add((a, PROV.agent, o))
            g.add((a, PROV.hadRole, self.w.thing("role", link.role)))
            self.annotate(a, link.evidence, self.status(link.confidence, asid), f"{inst.title}: {link.role} {link.org}")

    def role(self, link: RoleLink, x: Extraction) -> None:
        o = self.org_iri(link.org)
        org = x.organizations.get(link.org)
        if o is None or org is None:
            return
        sid = f"role-{link.org.lower()}-{link.role}"
        self.ids.append(sid)
        if not self.is_fact(link.confidence, sid) or not self.is_fact(org.confidence, f"org-{link.org.lower()}"):
            if sid not in self.rejected:
                n = self.suggestion(sid, link.evidence, f"{org.label} as {link.role}")
                self.sugg.add((n, self.kg.suggestedSubject, self.outcome))
                self.sugg.add((n, self.kg.suggests, o))
                self.sugg.add((n, self.kg.suggestedRole, self.w.thing("role", link.role)))
            return
        g = self.facts
        g.add((self.outcome, PROV.wasAttributedTo, o))
        if link.role == "funder":
            g.add((self.outcome, self.kg.fundedBy, o))
        a = self.w.thing("attribution", f"{self.key}-{_tail(o)}-{link.role}")
        g.add((self.outcome, PROV.qualifiedAttribution, a))
        g.add((a, RDF.type, self.kg.Attribution))
        g.add((a, PROV.agent, o))
        g.add((a, PROV.hadRole, self.w.thing("role", link.role)))
        self.annotate(a, link.evidence, self.status(link.confidence, sid), f"{org.label} as {link.role}")

    def _activity(self, node: URIRef, links: list[RoleLink], role: str, direct: URIRef | None) -> None:
        g = self.facts
        for link in links:
            o = self.org_iri(link.org)
            if o is None:
                continue
            if direct is not None:
                g.add((node, direct, o))
            g.add((node, PROV.wasAssociatedWith, o))
            a = self.w.thing("association", f"{_tail(node)}-{_tail(o)}-{role}")
            g.add((node, PROV.qualifiedAssociation, a))
            g.add((a, RDF.type, self.kg.Association))
            g.add((a, PROV.agent, o))
            g.add((a, PROV.hadRole, self.w.thing("role", role)))

    def event(self, e: Event, x: Extraction) -> None:
        n_key = self.unique(f"{e.kind}-{e.date.value if e.date else e.evidence.start}", e.topic or e.title)
        sid = f"event-{n_key}"
        self.ids.append(sid)  # a rejected id is still one of the record's
        if sid in self.rejected:
            return
        kg = self.kg
        label = e.title or f"{e.kind.replace('-', ' ').capitalize()}" + (f": {e.topic}" if e.topic else "") + \
            (f" ({e.date.value})" if e.date else "") + (f", {e.place}" if e.place else "")
        if not (e.title or e.topic or e.date or e.place):  # "Consultation": say whose, so lists tell them apart
            label += f" ({self.country.name}, outcome {self.key})" if self.country else f" (outcome {self.key})"
        if not self.is_fact(e.confidence, sid):
            n = self.suggestion(sid, e.evidence, label, kg.Event)
            self.sugg.add((n, kg.suggestedType, self.w.thing("event-type", e.kind)))
            if e.date:
                self.sugg.add((n, kg.suggestedDate, Literal(e.date.value, datatype=_DATE_TYPES[e.date.precision])))
            return
        node = self.w.thing("event", f"{self.key}-{n_key}")
        g = self.facts
        g.add((node, RDF.type, kg.Event))
        g.add((node, RDFS.label, Literal(label, lang="en")))
        if e.title:
            g.add((node, SCHEMA.name, Literal(e.title, lang="en")))
        g.add((node, kg.eventType, self.w.thing("event-type", e.kind)))
        if e.topic:
            g.add((node, kg.topic, Literal(e.topic, lang="en")))
        if e.date:
            self.date(g, node, e.date, SCHEMA.startDate)
        if e.participants:
            g.add((node, kg.participantCount, Literal(e.participants)))
        if e.count:
            g.add((node, kg.eventCount, Literal(e.count)))
        if e.place and self.country is not None:
            place = self.w.thing("place", f"{self.country.alpha2.lower()}-{iris.slug(e.place)}")
            g.add((node, SCHEMA.location, place))
            g.add((place, RDF.type, kg.Place))
            g.add((place, RDFS.label, Literal(e.place, lang="en")))
            g.add((place, SCHEMA.name, Literal(e.place, lang="en")))
            g.add((place, kg.country, URIRef(self.country.iri)))
            g.add((place, kg.statedIn, self.source))
        self._activity(node, e.organizers, "organizer", kg.organizedBy)
        if self.country is not None:
            g.add((node, kg.country, URIRef(self.country.iri)))
        g.add((self.outcome, kg.supportedBy, node))
        g.add((node, kg.statedIn, self.source))
        self.annotate(node, e.evidence, self.status(e.confidence, sid), label)

    def research(self, r: Research, x: Extraction) -> None:
        n_key = self.unique(f"{r.kind}-{iris.slug(r.title)[:40] if r.title else r.evidence.start}", r.topic)
        sid = f"research-{n_key}"
        self.ids.append(sid)  # a rejected id is still one of the record's
        if sid in self.rejected:
            return
        kg = self.kg
        label = r.title or (r.kind.replace("-", " ").capitalize() + (f": {r.topic}" if r.topic else ""))
        if not self.is_fact(r.confidence, sid):
            n = self.suggestion(sid, r.evidence, label, kg.Research)
            self.sugg.add((n, kg.suggestedType, self.w.thing("research-type", r.kind)))
            for p in r.performers:
                o = self.org_iri(p.org)
                if o is not None:
                    self.sugg.add((n, kg.suggestedAgent, o))
            return
        node = self.w.thing("research", f"{self.key}-{n_key}")
        g = self.facts
        g.add((node, RDF.type, kg.Survey if r.kind == "survey" else kg.Research))
        g.add((node, RDFS.label, Literal(_short(label, 120), lang="en")))
        if r.title:
            g.add((node, DCTERMS.title, Literal(r.title, lang="en")))
        g.add((node, kg.researchType, self.w.thing("research-type", r.kind)))
        if r.topic:
            g.add((node, kg.topic, Literal(r.topic, lang="en")))
        if r.date:
            self.date(g, node, r.date)
        self._activity(node, [p for p in r.performers if p.confidence in _STATED], "researcher", kg.performedBy)
        self._activity(node, r.commissioners, "commissioner", kg.commissionedBy)
        self._activity(node, r.funders, "funder", kg.fundedBy)
        if r.sample_size:
            g.add((node, kg.sampleSize, Literal(r.sample_size)))
        if r.sample:
            g.add((node, kg.sampleDescription, Literal(r.sample, lang="en")))
        for group, share, _ in r.composition:
            c = self.w.thing("sample-component", f"{_tail(node)}-{group}")
            g.add((node, kg.sampleComponent, c))
            g.add((c, RDF.type, kg.SampleComponent))
            g.add((c, RDFS.label, Literal(f"{group.replace('-', ' ').capitalize()}: {share:.0%} of the sample", lang="en")))
            g.add((c, kg.populationGroup, self.w.thing("population-group", group)))
            g.add((c, kg.share, Literal(f"{share:.2f}", datatype=XSD.decimal)))
        if self.country is not None:
            g.add((node, kg.country, URIRef(self.country.iri)))
        g.add((self.outcome, kg.supportedBy, node))
        g.add((node, kg.statedIn, self.source))
        for ev in [r.evidence, *r.mentions]:
            self.annotate(node, ev, self.status(r.confidence, sid), label)


def _digest(*terms) -> str:
    return hashlib.sha256("|".join(str(t) for t in terms).encode()).hexdigest()[:10]


def _tail(node: URIRef) -> str:
    return str(node).rstrip("/").rsplit("/", 1)[-1]


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "\u2026"


def _section_property(section: str) -> str:
    from kg.ingest.record import SECTIONS

    return SECTIONS.get(section, section)


__all__ = ["ProseWriter", "Resolved"]

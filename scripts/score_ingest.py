#!/usr/bin/env python3
"""Score `kg ingest`'s reading of the prose against facts written by hand.

    .venv/bin/python scripts/score_ingest.py                 # every gold record: the table
    .venv/bin/python scripts/score_ingest.py --split heldout # the records kept aside
    .venv/bin/python scripts/score_ingest.py -v 002_lao_pdr  # one record: misses and extras
    .venv/bin/python scripts/score_ingest.py --json out.json

The gold facts are tests/ingest/gold/*.yaml (see its README), written from the text of
data/sources/records/*.txt by people, never by the ingest. Each record is ingested as
`kg ingest` does (parsed, its country assigned, its prose extracted). Each gold fact is found as a fact, found as a suggestion, or missed;
each extracted entity is real (it matches a gold entity) or not.

Recall per kind of fact = found / gold facts of that kind; precision = real entities /
extracted entities. The records of tests/ingest/gold/split.yaml's held-out list are kept
out of every rule and word list: their scores say how the ingest does on text it was not
tuned on.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from rapidfuzz import fuzz

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "ingest" / "gold"
RECORDS = ROOT / "data" / "sources" / "records"
sys.path.insert(0, str(ROOT / "src"))

KINDS = (
    "metadata", "country", "instrument", "instrument date", "instrument issuer", "organization",
    "organization role", "event", "event date", "research", "research agent", "sample size",
    "population group", "funder", "ILO standard",
)
ENTITY_KINDS = ("instrument", "organization", "event", "research", "ILO standard")
ROLE_FAMILY = {"lead-issuer": "issuer", "co-issuer": "issuer", "adopter": "issuer", "approver": "issuer",
               "drafter": "issuer", "researcher": "researcher", "performer": "researcher"}
# milestone types of the code list that the gold's event list lacks, as the gold writes them ("established and
# operationalized a dedicated fund" is launched in the gold)
MILESTONE_FAMILY = {"established": "launched"}
EVENT_FAMILY = {"validation-workshop": "workshop", "course": "training", "webinar": "seminar"}
# Group keys the gold writers coined where the scheme has a concept of its own.
GROUP_SAME = {"vulnerable-populations": "vulnerable-groups", "job-seekers": "unemployed", "dependants": "survivors"}
RESEARCH_KINDS_SAME = {"actuarial-valuation": "actuarial", "actuarial-study": "actuarial", "abnd": "assessment",
                       "legal-review": "review", "diagnostic": "review", "fiscal-space-analysis": "costing"}


@dataclass
class Tally:
    fact: int = 0
    suggestion: int = 0
    missed: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.fact + self.suggestion + self.missed


@dataclass
class Precision:
    real: int = 0
    invented: int = 0
    extras: list[str] = field(default_factory=list)
    real_facts: int = 0
    invented_facts: int = 0
    reals: list[str] = field(default_factory=list)


# -- text matching -----------------------------------------------------------------------------

def key(text: str | None) -> str:
    t = (text or "").lower().replace("’", "'").replace("‘", "'")
    t = re.sub(r"\(.*?\)", " ", t)
    t = re.sub(r"^(the|a|an)\s+", "", t.strip())
    t = re.sub(r"[^\w+ ]+", " ", t)
    t = re.sub(r"\b(19|20)\d\d\b", " ", t)
    return " ".join(t.split())


def same(a: str | None, b: str | None) -> bool:
    ka, kb = key(a), key(b)
    if not ka or not kb:
        return False
    if ka == kb:
        return True
    if min(len(ka), len(kb)) <= 6:
        return False
    return fuzz.ratio(ka, kb) >= 88 or (min(len(ka.split()), len(kb.split())) >= 2 and fuzz.token_set_ratio(ka, kb) >= 92
                                        and abs(len(ka) - len(kb)) <= max(len(ka), len(kb)) * 0.5)


def any_same(names_a: list[str], names_b: list[str]) -> bool:
    return any(same(a, b) for a in names_a if a for b in names_b if b)


def overlaps(spans_a: list[tuple[int, int]], spans_b: list[tuple[int, int]]) -> bool:
    return any(a < d and c < b for a, b in spans_a for c, d in spans_b)


def locate(text: str, quote: str | None) -> list[tuple[int, int]]:
    if not quote:
        return []
    out, i = [], text.find(quote)
    while i >= 0:
        out.append((i, i + len(quote)))
        i = text.find(quote, i + 1)
    return out


def date_key(d) -> str | None:
    if d is None:
        return None
    if isinstance(d, dict):
        d = d.get("value") or d.get("start")
    return str(d) if d is not None else None


def same_event(gold_date: dict, milestone: dict) -> bool:
    """A gold date that says what happened on it (adopted, signed...) is found only by a milestone of that
    type: the right day with the wrong step would state what the text does not say."""
    event = gold_date.get("event")
    if not event:
        return True
    return MILESTONE_FAMILY.get(milestone.get("type"), milestone.get("type")) == MILESTONE_FAMILY.get(event, event)


# -- what the ingest found --------------------------------------------------------------------------

def published(path: Path) -> bool:
    """A record of the published corpus (data/outcome-*.ttl written from data/curation/): never seen by the
    scorer, whose ingest must read the records as it would read a record nobody curated."""
    return path.name.startswith("outcome-") and path.name != "outcome-chn302.ttl"


class Environment:
    """The project's code lists and known bodies, as `kg ingest` reads them (an in-memory store of data/)."""

    def __init__(self, root: Path) -> None:
        from kg import config
        from kg.ingest import catalog as catalog_mod
        from kg.ingest.extract import Extractor, lexicon
        from kg.rdf import sources as src

        self.settings = config.load_settings(environ={}, project_dir=str(root))
        files = [f for f in src.discover(self.settings) if f.folder == "data" and not published(f.path)]
        store = catalog_mod.memory_store([f.path for f in files], self.settings.base,
                                         lambda p: f"{self.settings.base}graph/data/{p.stem}")
        self.catalog = catalog_mod.load(store, self.settings.base)
        self.lexicon = lexicon.load(store, self.settings.base, self.catalog)
        self.extractor = Extractor(self.lexicon, {w for label in self.catalog.themes for w in label.split()})


def extracted(stem: str, env: Environment) -> tuple[dict, str]:
    """The record's extraction as plain dicts (what the scorer compares), and its verbatim text."""
    from kg.ingest import country
    from kg.ingest.text import parse_text

    path = RECORDS / f"{stem}.txt"
    record = parse_text(path.read_text(encoding="utf-8"), path.name, env.catalog)
    country.assign(record, env.catalog)
    x = env.extractor.extract(record)
    return as_dicts(record, x), record.text


def ingest_all(stems: list[str], root: Path, work: Path) -> dict[str, tuple[Path, str]]:
    """`kg ingest` the records into a copy of the project; (data folder, outcome key) of each record."""
    import shutil

    from kg import config
    from kg.ingest.batch import ingest

    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    for folder in ("ontology", "shapes", "data", "queries"):
        shutil.copytree(root / folder, work / folder, ignore=lambda d, names: [
            n for n in names if n in ("sources", "curation") or published(Path(d) / n)])
    settings = config.load_settings(environ={}, project_dir=str(work))
    built = work / "built"
    built.mkdir()

    def keep(res) -> None:  # every record's graphs, valid or not: the extraction is scored, the shapes elsewhere
        for graph_iri, g in res.graphs.items():
            name = graph_iri.rsplit("/", 1)[-1]
            g.serialize(built / f"{name}.ttl", format="turtle")

    report = ingest([RECORDS / f"{stem}.txt" for stem in stems], settings, skip_invalid=True, dry_run=True,
                    on_built=keep)
    out = {}
    for res in report.results:
        stem = Path(res.record.source).stem
        if res.key:
            out[stem] = (built, res.key, res.status)
    for extra in ("organizations.ttl", "code-lists.ttl", "schemes.ttl"):
        shutil.copy(work / "data" / extra, built / extra)
    return out


_DESCRIBED: dict[Path, object] = {}


def batch_descriptions(data: Path):
    """The names, acronyms and titles every record of the batch gives its bodies and instruments (a thing
    several records name is described once, by the first)."""
    if data not in _DESCRIBED:
        from rdflib import Graph

        names = Graph()
        for path in sorted(data.glob("outcome-*.ttl")):
            g = Graph().parse(path)
            names += g.query(PREFIXES + """CONSTRUCT { ?s ?p ?o } WHERE { VALUES ?p { skos:prefLabel kg:acronym
                dcterms:title skos:altLabel rdf:type } ?s ?p ?o ; a ?t . VALUES ?t { kg:Organization kg:PolicyInstrument } }""").graph
        _DESCRIBED[data] = names
    return _DESCRIBED[data]


def read_back(record_text: str, data: Path, key: str) -> dict:
    """What the ingest wrote for one record, read from its facts and suggestions files with SPARQL."""
    from rdflib import Graph, URIRef

    facts, sugg = Graph(), Graph()
    facts_file, sugg_file = data / f"outcome-{key}.ttl", data / f"outcome-{key}-suggestions.ttl"
    if facts_file.exists():
        facts.parse(facts_file)
    else:  # described by hand (the seed): ingest leaves the facts to that file
        for path in sorted(data.parent.glob("data/outcome-*.ttl")):
            if f"id/outcome/{key}>" in path.read_text(encoding="utf-8"):
                facts.parse(path)
    # the shared bodies (the ILO, ...) the record links to count as its organizations too
    linked = {str(o) for o in facts.objects() if isinstance(o, URIRef)}
    if sugg_file.exists():
        sugg.parse(sugg_file)
    for extra in ("organizations.ttl", "code-lists.ttl", "schemes.ttl"):
        facts.parse(data / extra)  # names of the shared bodies the record links to
    facts += batch_descriptions(data)  # bodies and instruments an earlier record of the batch describes

    def rows(g, q):
        result = g.query(PREFIXES + q)
        names = [str(v) for v in result.vars]
        return [{n: (str(r[n]) if r[n] is not None else None) for n in names} for r in result]

    def tail(iri: str | None) -> str | None:
        return iri.rstrip("/").rsplit("/", 1)[-1] if iri else None

    def spans(g, body: str) -> list[tuple[int, int]]:
        return [(int(r["s"]), int(r["e"])) for r in rows(g, f"""SELECT ?s ?e WHERE {{ ?a oa:hasBody <{body}> ; oa:hasTarget/oa:hasSelector ?p .
                   ?p a oa:TextPositionSelector ; oa:start ?s ; oa:end ?e }}""")]

    def status(g, body: str) -> str:
        r = rows(g, f"SELECT ?st WHERE {{ ?a oa:hasBody <{body}> ; kg:curationStatus ?st }}")
        return "fact" if r else "fact"

    outcome = f"https://w3id.org/spkg/id/outcome/{key}"
    meta = rows(facts, f"""SELECT ?date ?year ?cpo ?b ?pb ?rt WHERE {{ OPTIONAL {{ <{outcome}> kg:reportedDate ?date }}
        OPTIONAL {{ <{outcome}> dcterms:date ?year }} OPTIONAL {{ <{outcome}> kg:cpoCode ?cpo }}
        OPTIONAL {{ <{outcome}> kg:biennium ?b }} OPTIONAL {{ <{outcome}> kg:pbIndicator ?pb }}
        OPTIONAL {{ <{outcome}> kg:resultType ?rt }} }}""")
    m = meta[0] if meta else {}
    out: dict = {"metadata": {
        "reported_date": m.get("date"), "reported_year": m.get("year"), "cpo": m.get("cpo"),
        "biennium": tail(m.get("b")) if m.get("b") else None, "pb_indicator": tail(m.get("pb")),
        "result_type": (tail(m.get("rt")) or "").replace("step-", "") or None,
        "themes": [r["l"] for r in rows(facts, f"SELECT ?l WHERE {{ <{outcome}> kg:theme/skos:prefLabel ?l }}")],
        "sdg_goals": [tail(r["g"]) for r in rows(facts, f"SELECT ?g WHERE {{ <{outcome}> kg:sdgGoal ?g }}")],
        "sdg_targets": [tail(r["t"]) for r in rows(facts, f"SELECT ?t WHERE {{ <{outcome}> kg:sdgTarget ?t }}")],
    }}
    c = rows(facts, f"SELECT ?a3 WHERE {{ <{outcome}> kg:country/kg:isoAlpha3 ?a3 }}")
    if not c:
        c = rows(facts, f"SELECT ?a3 WHERE {{ <{outcome}> kg:country ?c BIND(UCASE(REPLACE(STR(?c), '^.*/', '')) AS ?a3) }}")
    out["country"] = {"code": c[0]["a3"], "confidence": "fact"} if c else {}

    # organizations: facts (stated in this record) and suggestions
    orgs = []
    for r in rows(facts, f"""SELECT DISTINCT ?o ?name ?acr ?here WHERE {{ ?o a org:FormalOrganization .
                 OPTIONAL {{ ?o kg:statedIn ?here FILTER(?here = <https://w3id.org/spkg/id/record/{key}>) }}
                 OPTIONAL {{ ?o skos:prefLabel ?name }} OPTIONAL {{ ?o kg:acronym ?acr }} }}"""):
        if r["here"] is None and r["o"] not in linked:
            continue
        names = [x["n"] for x in rows(facts, f"SELECT ?n WHERE {{ <{r['o']}> skos:altLabel ?n }}")]
        orgs.append({"key": r["o"], "name": r["name"], "acronym": r["acr"], "names": names, "confidence": "fact",
                     "roles": []})
    for r in rows(sugg, """SELECT ?s ?o ?name ?acr WHERE { ?s kg:suggestedKind kg:Organization ; kg:suggests ?o .
                 OPTIONAL { ?s kg:suggestedName ?name } OPTIONAL { ?s kg:acronym ?acr } }"""):
        orgs.append({"key": r["o"], "name": r["name"], "acronym": r["acr"], "names": [], "confidence": "suggestion",
                     "roles": []})
    by_iri = {o["key"]: o for o in orgs}
    for r in rows(facts, f"""SELECT ?o ?role WHERE {{ <{outcome}> prov:qualifiedAttribution ?a . ?a prov:agent ?o ; prov:hadRole ?role }}"""):
        if r["o"] in by_iri:
            by_iri[r["o"]]["roles"].append({"role": tail(r["role"]), "confidence": "fact"})
    for r in rows(facts, """SELECT ?o ?role WHERE { ?x prov:qualifiedAssociation ?a . ?a prov:agent ?o ; prov:hadRole ?role }"""):
        if r["o"] in by_iri:
            by_iri[r["o"]]["roles"].append({"role": tail(r["role"]), "confidence": "fact"})
    for r in rows(facts, """SELECT ?o ?role WHERE { ?i a kg:PolicyInstrument ; prov:qualifiedAttribution ?a . ?a prov:agent ?o ; prov:hadRole ?role }"""):
        if r["o"] in by_iri:
            by_iri[r["o"]]["roles"].append({"role": tail(r["role"]), "confidence": "fact"})
    for r in rows(sugg, """SELECT ?o ?role WHERE { ?s kg:suggestedRole ?role ; kg:suggests ?o }"""):
        if r["o"] in by_iri:
            by_iri[r["o"]]["roles"].append({"role": tail(r["role"]), "confidence": "suggestion"})
    out["organizations"] = orgs

    insts = []
    for r in rows(facts, f"""SELECT ?i ?title WHERE {{ ?i a kg:PolicyInstrument ; kg:statedIn <https://w3id.org/spkg/id/record/{key}> ;
                 dcterms:title ?title }}"""):
        i = r["i"]
        insts.append({
            "title": r["title"], "confidence": "fact", "spans": spans(facts, i),
            "names": [x["n"] for x in rows(facts, f"SELECT ?n WHERE {{ <{i}> skos:altLabel ?n }}")],
            "milestones": [{"type": tail(x["k"]), "value": x["d"], "precision": PRECISION[x["t"].rsplit("#", 1)[-1]],
                            "confidence": "fact"} for x in rows(facts, f"""SELECT ?d (DATATYPE(?d) AS ?t) ?k WHERE {{
                                <{i}> kg:milestone ?m . ?m kg:date ?d OPTIONAL {{ ?m kg:milestoneType ?k }} }}""")],
            "issuers": [{"org": x["o"], "role": tail(x["role"]), "confidence": "fact"} for x in
                        rows(facts, f"SELECT ?o ?role WHERE {{ <{i}> prov:qualifiedAttribution ?a . ?a prov:agent ?o ; prov:hadRole ?role }}")],
        })
    # a suggestion carries what the ingest read of it (dates, agents): found, as a suggestion
    for r in rows(sugg, """SELECT ?s ?name WHERE { ?s kg:suggestedKind kg:PolicyInstrument ; kg:suggestedName ?name }"""):
        insts.append({"title": r["name"], "confidence": "suggestion", "names": [], "spans": spans_sugg(sugg, r["s"]),
                      # the suggestion of an instrument carries its dates but not what happened on them: type None
                      "milestones": [{"type": None, "value": x["d"], "precision": PRECISION[x["t"].rsplit("#", 1)[-1]],
                                      "confidence": "suggestion"}
                                     for x in rows(sugg, f"SELECT ?d (DATATYPE(?d) AS ?t) WHERE {{ <{r['s']}> kg:suggestedDate ?d }}")],
                      "issuers": []})
    out["instruments"] = insts

    events = []
    for r in rows(facts, f"""SELECT ?e ?kind ?title ?date WHERE {{ <{outcome}> kg:supportedBy ?e . ?e a kg:Event ; kg:eventType ?kind .
                 OPTIONAL {{ ?e schema:name ?title }} OPTIONAL {{ ?e schema:startDate ?date }} }}"""):
        events.append({"kind": tail(r["kind"]), "title": r["title"], "date": r["date"], "confidence": "fact",
                       "spans": spans(facts, r["e"]), "text": ""})
    for r in rows(sugg, """SELECT ?s ?kind ?date WHERE { ?s kg:suggestedKind kg:Event ; kg:suggestedType ?kind .
                               OPTIONAL { ?s kg:suggestedDate ?date } }"""):
        events.append({"kind": tail(r["kind"]), "title": None, "date": r["date"], "confidence": "suggestion",
                       "spans": spans_sugg(sugg, r["s"]), "text": ""})
    out["events"] = events

    research = []
    for r in rows(facts, f"""SELECT ?x ?kind ?title ?n WHERE {{ <{outcome}> kg:supportedBy ?x . ?x kg:researchType ?kind .
                 OPTIONAL {{ ?x dcterms:title ?title }} OPTIONAL {{ ?x kg:sampleSize ?n }} }}"""):
        x = r["x"]
        agents = {k: [a["o"] for a in rows(facts, f"SELECT ?o WHERE {{ <{x}> {p} ?o }}")]
                  for k, p in (("performers", "kg:performedBy"), ("commissioners", "kg:commissionedBy"), ("funders", "kg:fundedBy"))}
        research.append({"kind": tail(r["kind"]), "title": r["title"], "confidence": "fact", "spans": spans(facts, x),
                         "text": "", "sample_size": int(r["n"]) if r["n"] else None, **agents})
    for r in rows(sugg, """SELECT ?s ?kind WHERE { ?s kg:suggestedKind kg:Research ; kg:suggestedType ?kind }"""):
        research.append({"kind": tail(r["kind"]), "title": None, "confidence": "suggestion", "spans": spans_sugg(sugg, r["s"]),
                         "text": "", "commissioners": [], "funders": [], "sample_size": None,
                         "performers": [x["o"] for x in rows(sugg, f"SELECT ?o WHERE {{ <{r['s']}> kg:suggestedAgent ?o }}")]})
    out["research"] = research
    out["groups"] = [{"key": tail(r["g"]), "confidence": "fact"} for r in
                     rows(facts, f"SELECT ?g WHERE {{ <{outcome}> kg:concernsPopulation ?g }}")]
    out["standards"] = [{"code": tail(r["s"]).upper(), "confidence": "fact"} for r in
                        rows(facts, f"SELECT ?s WHERE {{ <{outcome}> kg:citesStandard ?s }}")]
    return out


def spans_sugg(g, node: str) -> list[tuple[int, int]]:
    q = PREFIXES + f"""SELECT ?s ?e WHERE {{ <{node}> oa:hasTarget/oa:hasSelector ?p .
                      ?p a oa:TextPositionSelector ; oa:start ?s ; oa:end ?e }}"""
    return [(int(r.s), int(r.e)) for r in g.query(q)]


PRECISION = {"date": "day", "gYearMonth": "month", "gYear": "year"}  # xsd datatype -> a date's precision

PREFIXES = """PREFIX kg: <https://w3id.org/spkg/def/kg#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX schema: <https://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""


def as_dicts(record, x) -> dict:
    def spans(evidence) -> list[tuple[int, int]]:
        return [(e.start, e.end) for e in evidence]

    roles: dict[str, list[dict]] = defaultdict(list)
    for r in x.roles:
        roles[r.org].append({"role": r.role, "confidence": r.confidence})
    return {
        "metadata": {
            "reported_date": record.reported_date.value.isoformat() if record.reported_date else None,
            "reported_year": record.reported_year.value if record.reported_year else None,
            "cpo": record.cpo_code.value if record.cpo_code else None,
            "biennium": record.biennium.value if record.biennium else None,
            "pb_indicator": record.pb_indicator.value if record.pb_indicator else None,
            "result_type": record.result_type.value if record.result_type else None,
            "themes": [t.value for t in record.themes],
            "sdg_goals": [g.value for g in record.sdg_goals],
            "sdg_targets": [t.value for t in record.sdg_targets],
        },
        "country": {"code": x.country.code, "confidence": x.country.confidence} if x.country else {},
        "organizations": [{"key": o.key, "name": o.name, "acronym": o.acronym, "names": o.names, "type": o.type,
                           "country": o.country, "confidence": o.confidence, "roles": roles.get(o.key, [])}
                          for o in x.organizations.values()],
        "instruments": [{"title": i.title, "names": i.names, "kind": i.kind, "confidence": i.confidence,
                         "spans": spans(i.evidence),
                         "milestones": [{"type": m.type, "value": m.date.value, "precision": m.date.precision,
                                         "confidence": m.confidence} for m in i.milestones if m.date],
                         "issuers": [{"org": r.org, "role": r.role, "confidence": r.confidence} for r in i.issuers]}
                        for i in x.instruments],
        "events": [{"kind": e.kind, "title": e.title, "confidence": e.confidence, "spans": [(e.evidence.start, e.evidence.end)],
                    "text": e.evidence.text, "date": e.date.value if e.date else None, "place": e.place}
                   for e in x.events],
        "research": [{"kind": r.kind, "title": r.title, "confidence": r.confidence,
                      # a suggestion's one target is its first mention; a fact is annotated with each
                      "spans": [(e.start, e.end) for e in [r.evidence, *(r.mentions if r.confidence == "fact" else [])]],
                      "text": r.evidence.text,
                      "performers": [p.org for p in r.performers], "commissioners": [p.org for p in r.commissioners],
                      "funders": [p.org for p in r.funders], "sample_size": r.sample_size} for r in x.research],
        "groups": [{"key": g.key, "confidence": "fact"} for g in x.groups],
        "standards": [{"code": s.code, "confidence": "fact"} for s in x.standards],
    }


# -- scoring one record ---------------------------------------------------------------------------

def score(stem: str, gold: dict, got: dict, text: str, tallies: dict[str, Tally], prec: dict[str, Precision]) -> None:
    def count(kind: str, found: str | None, what: str) -> None:
        t = tallies[kind]
        if found == "fact":
            t.fact += 1
        elif found == "suggestion":
            t.suggestion += 1
        else:
            t.missed += 1
            t.misses.append(f"{stem}: {what}")

    # metadata fields
    meta, gm = got.get("metadata", {}), gold.get("metadata") or {}
    for f in ("reported_date", "reported_year", "cpo", "biennium", "pb_indicator", "result_type"):
        if gm.get(f) is not None:
            count("metadata", "fact" if str(meta.get(f)) == str(gm[f]) else None, f"{f} {gm[f]} (got {meta.get(f)})")
    for f in ("themes", "sdg_goals", "sdg_targets"):
        for v in gm.get(f) or []:
            count("metadata", "fact" if str(v) in {str(x) for x in meta.get(f, [])} else None, f"{f} {v}")
    gc = (gold.get("country") or {}).get("code")
    if gc:
        c = got.get("country") or {}
        count("country", c.get("confidence") if c.get("code") == gc else None, f"country {gc} (got {c.get('code')})")

    orgs = got.get("organizations", [])
    gold_orgs = gold.get("organizations") or []

    def org_names(o) -> list[str]:
        return [o.get("name"), o.get("acronym"), *(o.get("names") or [])]

    def find_org(name: str | None) -> dict | None:
        for o in orgs:
            if any_same([name], org_names(o)):
                return o
        return None

    # instruments and their dates and issuers
    insts = got.get("instruments", [])
    matched_inst = set()
    for g in gold.get("instruments") or []:
        gnames = [g.get("title"), *(g.get("names") or [])]
        # the closest of the instruments that match (the Bill 2019 is the bill, not the scheme of the same words)
        hits = [i for i in insts if any_same(gnames, [i["title"], *i.get("names", [])])]
        hit = max(hits, key=lambda i: max(fuzz.ratio(key(a), key(b)) for a in gnames if a
                                          for b in [i["title"], *i.get("names", [])] if b), default=None)
        if hit is None:
            # the same words in the text: a title cut or lengthened differently
            spans = locate(text, g.get("title"))
            hit = next((i for i in insts if overlaps(spans, i.get("spans", []))), None)
        count("instrument", hit["confidence"] if hit else None, f"instrument {g.get('title')!r}")
        if hit:
            matched_inst.add(id(hit))
        for d in g.get("dates") or []:
            found = None
            if hit:
                for m in hit.get("milestones", []):
                    if m["value"] == date_key(d) and m["precision"] == d.get("precision") and same_event(d, m):
                        found = m["confidence"]
                        break
            count("instrument date", found, f"{g.get('title')!r} {d.get('event')} {date_key(d)}")
        for iss in g.get("issuers") or []:
            found = None
            if hit:
                for link in hit.get("issuers", []):
                    o = next((o for o in orgs if o["key"] == link["org"]), None)
                    if o and any_same([iss.get("org")], org_names(o)):
                        found = link["confidence"]
                        break
            count("instrument issuer", found, f"{g.get('title')!r} issued by {iss.get('org')}")

    # organizations and their roles
    for g in gold_orgs:
        o = find_org(g.get("name")) or (find_org(g.get("acronym")) if g.get("acronym") else None)
        count("organization", o["confidence"] if o else None, f"organization {g.get('name') or g.get('acronym')!r}")
        for role in [r for r in g.get("roles") or [] if r != "other"]:  # "other": a role the list has no word for
            found = None
            if o:
                fam = ROLE_FAMILY.get(role, role)
                if any(ROLE_FAMILY.get(r["role"], r["role"]) == fam for r in o.get("roles", [])):
                    found = next(r["confidence"] for r in o["roles"] if ROLE_FAMILY.get(r["role"], r["role"]) == fam)
            count("organization role", found, f"{g.get('name') or g.get('acronym')!r} as {role}")

    # events
    events = got.get("events", [])
    matched_events = set()
    for g in gold.get("events") or []:
        spans = locate(text, g.get("quote"))
        kind = EVENT_FAMILY.get(g.get("kind"), g.get("kind"))
        hit = None
        for n, e in enumerate(events):
            if n in matched_events:
                continue
            ekind = EVENT_FAMILY.get(e["kind"], e["kind"])
            if (ekind == kind or g.get("kind") == "other") and (overlaps(spans, e.get("spans", [])) or
                                                                 (g.get("title") and same(g.get("title"), e.get("title")))):
                hit = n
                break
        count("event", events[hit]["confidence"] if hit is not None else None, f"event {g.get('kind')} {g.get('quote', '')[:60]!r}")
        if hit is not None:
            matched_events.add(hit)
        if g.get("date"):
            found = None
            if hit is not None and events[hit].get("date") == date_key(g["date"]):
                found = events[hit]["confidence"]
            count("event date", found, f"event {g.get('kind')} on {date_key(g['date'])}")

    # research
    research = got.get("research", [])
    matched_research = set()
    for g in gold.get("research") or []:
        spans = locate(text, g.get("quote"))
        hit = None
        for n, r in enumerate(research):  # by title first, then by the words they come from
            if n not in matched_research and g.get("title") and same(g.get("title"), r.get("title")):
                hit = n
                break
        for n, r in enumerate(research):
            if hit is None and n not in matched_research and overlaps(spans, r.get("spans", [])):
                hit = n
                break
        count("research", research[hit]["confidence"] if hit is not None else None,
              f"research {g.get('kind')} {(g.get('title') or g.get('quote', ''))[:60]!r}")
        if hit is not None:
            matched_research.add(hit)
        for role in ("performer", "commissioner"):
            if g.get(role):
                found = None
                if hit is not None:
                    for key_ in research[hit].get(role + "s", []):
                        o = next((o for o in orgs if o["key"] == key_), None)
                        if o and any_same([g[role]], org_names(o)):
                            found = research[hit]["confidence"]
                count("research agent", found, f"research {role} {g[role]}")
        for f in g.get("funders") or []:
            found = None
            if hit is not None:
                for key_ in research[hit].get("funders", []):
                    o = next((o for o in orgs if o["key"] == key_), None)
                    if o and any_same([f], org_names(o)):
                        found = research[hit]["confidence"]
            count("research agent", found, f"research funder {f}")
        if g.get("sample_size"):
            found = research[hit]["confidence"] if hit is not None and research[hit].get("sample_size") == g["sample_size"] else None
            count("sample size", found, f"sample of {g['sample_size']}")

    # groups, funders, standards
    groups = {x["key"]: x["confidence"] for x in got.get("groups", [])}
    for g in gold.get("population_groups") or []:
        count("population group", groups.get(GROUP_SAME.get(g["key"], g["key"])), f"group {g['key']}")
    funders = [o for o in orgs if any(r["role"] == "funder" for r in o.get("roles", []))]
    for g in gold.get("funders") or []:
        o = next((o for o in funders if any_same([g.get("name")], org_names(o))), None)
        count("funder", next(r["confidence"] for r in o["roles"] if r["role"] == "funder") if o else None,
              f"funder {g.get('name')}")
    standards = {s["code"]: s["confidence"] for s in got.get("standards", [])}
    for g in gold.get("ilo_standards") or []:
        count("ILO standard", standards.get(g["code"]), f"standard {g['code']}")

    # precision: every extracted entity is real or not
    not_entities = [str(x) for x in gold.get("not_entities") or []]
    gold_names = [n for g in gold_orgs for n in (g.get("name"), g.get("acronym"))] + \
        [f.get("name") for f in gold.get("funders") or []] + \
        [n for g in gold.get("instruments") or [] for n in [g.get("title"), *(g.get("names") or [])]] + \
        [e.get("title") for e in gold.get("events") or []] + [r.get("title") for r in gold.get("research") or []]

    def judge(kind: str, real: bool, confidence: str, what: str) -> None:
        p = prec[kind]
        if real:
            p.real += 1
            p.real_facts += confidence == "fact"
            p.reals.append(f"{stem}: {what} ({confidence})")
        else:
            p.invented += 1
            p.invented_facts += confidence == "fact"
            p.extras.append(f"{stem}: {what} ({confidence})")

    for o in orgs:
        real = any_same(org_names(o), gold_names) and not any_same(org_names(o), not_entities)
        judge("organization", real, o["confidence"], f"organization {o.get('name') or o.get('acronym')!r}")
    for i in insts:
        real = id(i) in matched_inst or any_same([i["title"], *i.get("names", [])], gold_names)
        judge("instrument", real and not any_same([i["title"]], not_entities), i["confidence"], f"instrument {i['title']!r}")
    for n, e in enumerate(events):
        judge("event", n in matched_events, e["confidence"], f"event {e['kind']} {e.get('text', '')[:60]!r}")
    for n, r in enumerate(research):
        judge("research", n in matched_research, r["confidence"], f"research {r['kind']} {r.get('text', '')[:60]!r}")
    gold_codes = {g["code"] for g in gold.get("ilo_standards") or []}
    for s in got.get("standards", []):
        judge("ILO standard", s["code"] in gold_codes, s["confidence"], f"standard {s['code']}")


# -- the run ----------------------------------------------------------------------------------------

def _verbatim(stem: str) -> str:
    """The record's verbatim text as the ingest keeps it (after the front matter)."""
    from kg.ingest.text import parse_text
    from kg.ingest.catalog import Catalog

    path = RECORDS / f"{stem}.txt"
    return parse_text(path.read_text(encoding="utf-8"), path.name, Catalog(base="https://w3id.org/spkg/")).text


def load_gold(split: str) -> dict[str, dict]:
    heldout = set(yaml.safe_load((GOLD / "split.yaml").read_text())["heldout"])
    out = {}
    for path in sorted(GOLD.glob("*.yaml")):
        if path.name in ("split.yaml", "floors.yaml"):
            continue
        stem = path.stem
        if split == "heldout" and stem not in heldout or split == "tune" and stem in heldout:
            continue
        out[stem] = yaml.safe_load(path.read_text())
    return out


def run(split: str = "all", only: list[str] | None = None, source: str = "rdf",
        work: Path | None = None) -> tuple[dict[str, Tally], dict[str, Precision], dict]:
    tallies = {k: Tally() for k in KINDS}
    prec = {k: Precision() for k in ENTITY_KINDS}
    golds = {k: v for k, v in load_gold(split).items() if not only or k in only}
    per_record = {}
    if source == "rdf":
        import tempfile

        written = ingest_all(sorted(golds), ROOT, work or Path(tempfile.mkdtemp(prefix="score-ingest-")) / "project")
    else:
        env = Environment(ROOT)
    for stem, gold in golds.items():
        if source == "rdf":
            text = _verbatim(stem)
            if stem not in written:
                got = {}
            else:
                data, key, _ = written[stem]
                got = read_back(text, data, key)
        else:
            got, text = extracted(stem, env)
        before = {k: (t.fact, t.suggestion, t.missed) for k, t in tallies.items()}
        score(stem, gold, got, text, tallies, prec)
        per_record[stem] = {k: [t.fact - before[k][0], t.suggestion - before[k][1], t.missed - before[k][2]]
                            for k, t in tallies.items()}
    return tallies, prec, per_record


def table(tallies: dict[str, Tally], prec: dict[str, Precision]) -> str:
    lines = ["| kind of fact | gold | found (fact or suggestion) | found as fact |", "|---|---:|---:|---:|"]
    prose_total = prose_any = prose_fact = 0
    for k in KINDS:
        t = tallies[k]
        if not t.total:
            continue
        lines.append(f"| {k} | {t.total} | {100 * (t.fact + t.suggestion) / t.total:.0f} % | {100 * t.fact / t.total:.0f} % |")
        if k not in ("metadata",):
            prose_total += t.total
            prose_any += t.fact + t.suggestion
            prose_fact += t.fact
    if prose_total:
        lines.append(f"| **facts in the prose (all but metadata)** | {prose_total} | "
                     f"**{100 * prose_any / prose_total:.0f} %** | **{100 * prose_fact / prose_total:.0f} %** |")
    lines += ["", "| extracted entities | extracted | real | precision | as facts: real / extracted |",
              "|---|---:|---:|---:|---:|"]
    all_real = all_n = 0
    for k in ENTITY_KINDS:
        p = prec[k]
        n = p.real + p.invented
        if not n:
            continue
        nf = p.real_facts + p.invented_facts
        lines.append(f"| {k} | {n} | {p.real} | {100 * p.real / n:.0f} % | {p.real_facts} / {nf} |")
        all_real += p.real
        all_n += n
    if all_n:
        lines.append(f"| **all** | {all_n} | {all_real} | **{100 * all_real / all_n:.0f} %** | |")
    return "\n".join(lines)


def summary(tallies: dict[str, Tally], prec: dict[str, Precision]) -> dict[str, float]:
    meta = tallies["metadata"]
    prose = [t for k, t in tallies.items() if k != "metadata"]
    total = sum(t.total for t in prose)
    n = sum(p.real + p.invented for p in prec.values())
    return {
        "metadata": (meta.fact + meta.suggestion) / meta.total if meta.total else 1.0,
        "prose_found": sum(t.fact + t.suggestion for t in prose) / total if total else 1.0,
        "prose_facts": sum(t.fact for t in prose) / total if total else 1.0,
        "precision": sum(p.real for p in prec.values()) / n if n else 1.0,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("records", nargs="*", help="score these records only (file stems)")
    ap.add_argument("--split", choices=("all", "tune", "heldout"), default="all")
    ap.add_argument("-v", "--verbose", action="store_true", help="list the misses and the entities that are not real")
    ap.add_argument("--real", action="store_true", help="with -v: list the entities that are real too")
    ap.add_argument("--json", help="write the figures to this file")
    ap.add_argument("--from", dest="source", choices=("rdf", "objects"), default="rdf",
                    help="score the RDF `kg ingest` writes (default), or the extraction's objects (quicker)")
    args = ap.parse_args(argv)
    tallies, prec, per_record = run(args.split, args.records or None, args.source)
    print(table(tallies, prec))
    s = summary(tallies, prec)
    print("\n" + "  ".join(f"{k}={v:.3f}" for k, v in s.items()))
    if args.verbose:
        print("\nmissed:")
        for k in KINDS:
            for m in tallies[k].misses:
                print(f"  [{k}] {m}")
        print("\nnot real:")
        for k in ENTITY_KINDS:
            for m in prec[k].extras:
                print(f"  [{k}] {m}")
        if args.real:
            print("\nreal:")
            for k in ENTITY_KINDS:
                for m in prec[k].reals:
                    print(f"  [{k}] {m}")
    if args.json:
        Path(args.json).write_text(json.dumps({"summary": s, "records": per_record}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

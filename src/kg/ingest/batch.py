"""The ingest pipeline: read, extract, curate, build, validate, write, load.

1. **read** every input (text, HTML, CSV, JSON) into :class:`Record` s;
2. **extract**: the country (CPO code or text), the key, the curation file,
   the prose's extraction and its reconciliation, the facts and suggestions graphs;
3. **validate** the batch's graphs with the SHACL shapes, incrementally
   (:mod:`kg.validate.incremental`): only the batch's nodes and what they touch;
4. when a record fails, nothing is written (or, with ``skip_invalid``, the
   valid records are);
5. **write** one deterministic Turtle file per record and graph in data/,
   all or nothing (:mod:`kg.write.journal`); a file whose bytes would not
   change is not touched;
6. **load** the changed graphs into the built store (:mod:`kg.write.loader`),
   or say "run kg build" when there is none (or it is older than data/).

Only one ingest runs at a time on a project (a lock beside the store).
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.namespace import DCTERMS, SKOS

from kg.rdf import iris
from kg.rdf import sources as src
from kg.config import Settings
from kg.errors import LoadError
from kg.ingest import catalog as catalog_mod
from kg.write import journal as commit, loader
from kg.ingest import country, curated, curation, tabular
from kg.ingest.extract import Extractor, lexicon
from kg.ingest.facts import ProseWriter, Resolved
from kg.ingest import html as html_mod
from kg.ingest import text as text_mod
from kg.ingest.catalog import Catalog, norm
from kg.validate.incremental import Context, validate_batch
from kg.ingest.reconcile import Reconciler
from kg.ingest.record import Issue, Located, Record
from kg.ingest.to_rdf import FIELD_OF_PROPERTY, Builder, Built, outcome_key, text_digest
from kg.rdf.turtle import LOCAL_NAME, PREFIXES, serialize
from kg.ingest import FORMATS
from kg.validate import shapes_and_ontology
from kg.write import entailments, lock

logger = logging.getLogger(__name__)

MARKER = "# kg ingest:"
Progress = Callable[[str, int, int], None]
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


@dataclass
class RecordResult:
    record: Record
    key: str | None = None
    status: str = "pending"  # new, updated, unchanged, curated, duplicate, invalid
    curated_by: str | None = None  # the hand-written data file that describes the outcome
    curation: curation.Curation | None = None
    built: Built | None = None
    graphs: dict[str, Graph] = field(default_factory=dict)  # graph IRI -> graph
    files: dict[str, bytes | None] = field(default_factory=dict)  # data/ file name -> bytes (None: delete)
    changed: dict[str, bytes | None] = field(default_factory=dict)
    suggestions: int = 0
    triples: int = 0

    @property
    def ok(self) -> bool:
        return not self.record.errors

    @property
    def issues(self) -> list[Issue]:
        return self.record.issues


@dataclass
class IngestReport:
    results: list[RecordResult]
    written: list[str] = field(default_factory=list)  # data/ paths written or deleted
    store: str = "unchanged"  # updated, unchanged, not built, stale, dry run, not written
    store_triples: int | None = None
    seconds: float = 0.0
    stages: dict[str, float] = field(default_factory=dict)
    recovered: list[str] = field(default_factory=list)

    @property
    def records(self) -> int:
        return len(self.results)

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def invalid(self) -> list[RecordResult]:
        return [r for r in self.results if not r.ok]

    @property
    def warnings(self) -> int:
        return sum(len(r.record.warnings) for r in self.results)

    @property
    def errors(self) -> int:
        return sum(len(r.record.errors) for r in self.results)

    @property
    def triples(self) -> int:
        return sum(r.triples for r in self.results if r.ok and r.status != "duplicate")

    def to_dict(self) -> dict:
        return {
            "records": self.records,
            "status": {s: self.count(s) for s in ("new", "updated", "unchanged", "curated", "valid", "duplicate",
                                                  "invalid")},
            "triples": self.triples, "warnings": self.warnings, "errors": self.errors,
            "written": self.written, "store": self.store, "store_triples": self.store_triples,
            "seconds": round(self.seconds, 3), "stages": {k: round(v, 3) for k, v in self.stages.items()},
            "recovered": self.recovered,
            "results": [{
                "source": r.record.name, "key": r.key, "status": r.status, "triples": r.triples,
                "suggestions": r.suggestions, "files": sorted(r.files),
                "issues": [{"severity": i.severity, "where": i.where(r.record.source), "field": i.field,
                            "message": i.message, "hint": i.hint} for i in r.issues],
            } for r in self.results],
        }


# -- inputs -------------------------------------------------------------------------------

def expand(paths: Sequence[str | Path], fmt: str | None = None) -> list[tuple[Path, str]]:
    """(file, format) for every input: files as given, folders searched for the known extensions."""
    by_suffix = {suffix: kind for kind, suffixes in FORMATS.items() for suffix in suffixes}
    found: list[tuple[Path, str]] = []
    seen: set[Path] = set()
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                rel = f.relative_to(p).parts
                kind = by_suffix.get(f.suffix.lower())
                if f.is_file() and kind and not any(x.startswith(".") for x in rel) and (fmt is None or kind == fmt):
                    if f.resolve() not in seen:
                        seen.add(f.resolve())
                        found.append((f, kind))
        elif p.is_file():
            kind = fmt or by_suffix.get(p.suffix.lower())
            if kind is None:
                raise LoadError(f"cannot tell the format of {p}", hint="name it .txt, .html, .csv or .json, or "
                                                                        "give --format")
            if p.resolve() not in seen:
                seen.add(p.resolve())
                found.append((p, kind))
        else:
            raise LoadError(f"no such file or folder: {p}")
    if not found:
        raise LoadError("no records to ingest", hint="give .txt, .html, .csv or .json files, or folders holding them")
    return found


def read(path: Path, kind: str, cat: Catalog, name: str | None = None) -> list[Record]:
    display = name or str(path)
    try:
        raw = path.read_bytes()
    except OSError as e:
        r = Record(source=display, format=kind, text="")
        r.error(f"cannot read the file: {e.strerror or e}")
        return [r]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        r = Record(source=display, format=kind, text="")
        r.error(f"not UTF-8 text (byte 0x{raw[e.start]:02x})", line=raw.count(b"\n", 0, e.start) + 1,
                hint="save the file as UTF-8")
        return [r]
    if kind == "html":
        return [html_mod.parse_html(text, display, cat)]
    if kind == "csv":
        return tabular.parse_csv(text, display, cat)
    if kind == "json":
        return tabular.parse_json(text, display, cat)
    return [text_mod.parse_text(text, display, cat)]


# -- the pipeline ---------------------------------------------------------------------------

def ingest(paths: Sequence[str | Path], settings: Settings, *, fmt: str | None = None, skip_invalid: bool = False,
           dry_run: bool = False, progress: Progress | None = None, say: Callable[[str], None] | None = None,
           chunk: int = 500, on_built: Callable[[RecordResult], None] | None = None) -> IngestReport:
    """Ingest records into data/ (and the built store). Nothing is written when a record is invalid,
    unless ``skip_invalid``; ``dry_run`` writes nothing at all. ``on_built`` sees each record's graphs
    once they are built and validated, valid or not (the quality scorer reads them)."""
    started = time.perf_counter()
    tick = progress or (lambda stage, done, total: None)
    tell = say or (lambda message: None)
    inputs = expand(paths, fmt)
    with lock.holding(settings, busy="another kg ingest or partner write is changing the store",
                      hint="wait for it to finish"):
        report = IngestReport(results=[])
        from kg.write.recovery import recover  # a build, ingest or partner write killed midway

        report.recovered = recover(settings)
        for message in report.recovered:
            tell(message)
        t = time.perf_counter()
        files = src.discover(settings)
        context_store, built, stale = _context_store(settings, files)
        cat = catalog_mod.load(context_store, settings.base)
        shapes, ontology = shapes_and_ontology(settings)
        report.stages["prepare"] = time.perf_counter() - t

        t = time.perf_counter()
        for i, (path, kind) in enumerate(inputs, start=1):
            report.results += [RecordResult(r) for r in read(path, kind, cat)]
            tick("read", i, len(inputs))
        report.stages["read"] = time.perf_counter() - t

        t = time.perf_counter()
        results = report.results
        for res in results:
            _prepare(res, cat, settings, context_store)
        _duplicates(results)
        todo = sorted((r for r in results if r.key and r.status != "duplicate"), key=lambda r: r.key or "")
        exclude = {g for r in todo for g in _graph_iris(r.key or "", settings.base)}
        reconciler = Reconciler(cat, context_store, exclude | {entailments.graph_iri(settings.base)}, settings.base)
        builder = Builder(cat, settings.base, exclude)
        extractor = Extractor(lexicon.load(context_store, settings.base, cat, frozenset(exclude)),
                              {w for label in cat.themes for w in label.split()})
        prose = ProseWriter(cat, settings.base)
        context = Context(context_store, exclude | {entailments.graph_iri(settings.base)})
        report.stages["extract"] = time.perf_counter() - t
        # Every record's names are read before any is described: an instrument two records of the batch name
        # gets one IRI, the same whichever record is ingested first or alone (#14).
        t = time.perf_counter()
        found = {id(res): _extract(res, extractor, cat, settings) for res in todo}
        shared = _shared_instruments(todo, found, reconciler)
        report.stages["extract"] += time.perf_counter() - t
        # Chunk by chunk: build the graphs, validate them together, keep their bytes, let the graphs go.
        for k in range(0, len(todo), chunk):
            part = todo[k:k + chunk]
            t = time.perf_counter()
            for res in part:
                _build(res, builder, reconciler, found.pop(id(res)), shared, prose, context_store, exclude, settings)
            report.stages["extract"] += time.perf_counter() - t
            t = time.perf_counter()
            checked = [r for r in part if r.graphs]
            batch = {g: graph for r in checked for g, graph in r.graphs.items()}
            if batch:
                replaced = [g for g in batch if context_store.contains_named_graph(ox.NamedNode(g))]
                result, _ = validate_batch(batch, context, shapes, ontology, replaced=replaced,
                                           engine=settings.shacl_engine)
                _attribute(result, checked)
            report.stages["validate"] = report.stages.get("validate", 0.0) + time.perf_counter() - t
            t = time.perf_counter()
            for res in part:
                if on_built is not None:
                    on_built(res)
                if res.ok:
                    _serialize(res, settings)
                res.graphs = {}
                res.built = None
            report.stages["serialize"] = report.stages.get("serialize", 0.0) + time.perf_counter() - t
            tick("records", min(k + chunk, len(todo)), len(todo))

        for res in results:
            if not res.ok:
                res.status = "invalid"
        if report.invalid and not skip_invalid:
            for res in todo:
                if res.ok:
                    res.status = "valid"  # but not written: another record of the batch is invalid
            report.store = "not written"
            report.seconds = time.perf_counter() - started
            return report

        txn = commit.Transaction(settings.data_dir)
        store_graphs: dict[str, str | None] = {}
        for res in todo:
            if not res.ok:
                continue
            for name, content in res.changed.items():
                if content is None:
                    txn.delete(name)
                else:
                    txn.write(name, content)
                report.written.append(f"data/{name}")
                store_graphs[iris.graph("data", name[:-4], settings.base)] = (
                    None if content is None else content.decode("utf-8"))
        if dry_run:
            report.store = "dry run"
            report.seconds = time.perf_counter() - started
            return report

        t = time.perf_counter()
        if len(txn):
            try:
                txn.stage()
                txn.commit()
                tick("write", len(txn), len(txn))
                report.stages["write"] = time.perf_counter() - t
                t = time.perf_counter()
                del context, reconciler
                context_store = None  # release the store before it is swapped
                if store_graphs and built and not stale:
                    manifest = loader.update_store(settings, store_graphs, records=len(todo), say=tell)
                    report.store, report.store_triples = "updated", manifest.get("triples")
                    txn.mark_stored()
                else:
                    report.store = "stale" if stale else "not built"
                report.stages["load"] = time.perf_counter() - t
            except BaseException:
                if txn.state == "committed":  # the store update failed: the files go back too
                    txn.rollback()            # (commit() rolls back its own failures)
                raise
            finally:
                txn.finish()
        else:
            report.store = "unchanged" if built and not stale else ("stale" if stale else "not built")
        report.seconds = time.perf_counter() - started
        return report


def _context_store(settings: Settings, files: list[src.Source]) -> tuple[ox.Store, bool, bool]:
    """(store to read the graph from, a store is built, the built store is older than data/)."""
    from kg.rdf.sources import dataset_hash
    from kg.store import is_built, raw_store, read_manifest

    directory = settings.store_dir
    built = is_built(settings)
    manifest = read_manifest(settings) if built else None
    if built and manifest is not None and manifest.get("base") == settings.base \
            and manifest.get("content_hash") == dataset_hash(settings, files):
        return raw_store(settings), True, False
    memory = ox.Store()
    for f in files:
        if f.folder == "data":
            memory.extend(src.parse_oxigraph(f, settings))
    if built:
        logger.warning("the store at %s is older than data/: ingest reads data/ itself and leaves the store alone",
                       directory)
    return memory, built, built


def _graph_iris(key: str, base: str) -> tuple[str, str]:
    return iris.graph("data", f"outcome-{key}", base), iris.graph("data", f"outcome-{key}-suggestions", base)


def _prepare(res: RecordResult, cat: Catalog, settings: Settings, store: ox.Store | None = None) -> None:
    r = res.record
    if r.errors and not r.text:
        return  # unreadable: no key
    if r.country is None:
        country.assign(r, cat)
    res.key = outcome_key(r)
    known = _known_outcome(store, r, settings) if store is not None else None
    if known and known != res.key:
        r.warn(f"the graph already holds this record as outcome {known} (same source address or the same text); "
               "it is ingested as that outcome, not a second one")
        res.key = known
    cur = curation.load(settings.data_dir, res.key, settings.base)
    if cur is not None:
        curation.apply(r, cur, cat)
        res.curation = cur
    missing = r.missing()
    if missing:
        cut = f"; the text is cut in {', '.join(sorted({x.value for x in r.truncated}))}" if r.truncated else ""
        r.warn(f"the record gives no {', '.join(missing)}{cut}", line=None,
               hint=f"if the source has them, add them in data/curation/{res.key}.yaml (correct:)")


def _known_outcome(store: ox.Store, r: Record, settings: Settings) -> str | None:
    """The key of the outcome the graph already holds for this record: by source address, else by its words."""
    kg = f"{settings.base}def/kg#"
    record_prefix = f"{settings.base}id/record/"
    probes = []
    if r.source_url:
        probes.append((ox.NamedNode("http://purl.org/dc/terms/source"), ox.NamedNode(r.source_url.value)))
    probes.append((ox.NamedNode(kg + "textDigest"), ox.Literal(text_digest(r))))
    for predicate, value in probes:
        for q in store.quads_for_pattern(None, predicate, value, None):
            if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(record_prefix):
                return q.subject.value[len(record_prefix):]
    return None


def _duplicates(results: list[RecordResult]) -> None:
    first: dict[str, RecordResult] = {}
    for res in results:
        if res.key is None:
            continue
        other = first.setdefault(res.key, res)
        if other is res:
            continue

        def summary(x: RecordResult) -> str:
            s = x.record.summary or x.record.achievement
            return norm(s.value) if s else ""

        if summary(res) == summary(other):
            res.status = "duplicate"
            res.record.warn(f"the same record as {other.record.name} (outcome {res.key}); ingested once")
        else:
            res.record.error(f"outcome {res.key} again: {other.record.name} gives the same CPO code and date with "
                             "another summary", line=res.record.metadata_line.line if res.record.metadata_line else None,
                             hint="check the metadata line of both records; one outcome per CPO code and date")


def _extract(res: RecordResult, extractor: Extractor, cat: Catalog, settings: Settings):
    """What a record states: its curation's facts when a person checked them, else what extraction reads."""
    r, cur = res.record, res.curation
    if cur is not None and cur.prose is not None:  # checked by a person: the curation's facts replace extraction's
        return curated.extraction(cur.prose, r, extractor.known_names, extractor.known_acronyms,
                                  cat.country_names, cur.files[0], cur.source, settings.base)
    return extractor.extract(r)


def _shared_instruments(todo: list[RecordResult], found: dict[int, object], reconciler: Reconciler) -> dict[int, str]:
    """id(instrument) -> IRI, for an instrument an earlier record of the batch (in key order) names too, by its title
    or another of its names, in the same country, and the graph outside the batch does not describe: the IRI the
    earlier record gives it. Alone, the record finds that one in the graph; in the batch, it finds it here."""
    claimed: dict[tuple[str, str], str] = {}
    out: dict[int, str] = {}
    for res in todo:
        record_country = res.record.country.value if res.record.country else None
        for inst in found[id(res)].instruments:
            if inst.fixed_iri:
                continue
            match = reconciler.title(inst, record_country)
            if match.existing:
                continue  # the graph decides, alone as in the batch
            names = {(record_country or "", norm(n)) for n in [inst.title, *inst.names] if n and len(norm(n)) > 3}
            earlier = sorted({claimed[n] for n in names if n in claimed})
            if earlier:
                out[id(inst)] = earlier[0]
            for n in names:
                claimed.setdefault(n, out.get(id(inst), match.iri))
    return out


def _build(res: RecordResult, builder: Builder, reconciler: Reconciler, found, shared: dict[int, str],
           prose: ProseWriter, store: ox.Store, exclude: set[str], settings: Settings) -> None:
    r, key, cur = res.record, res.key or "", res.curation
    built = builder.facts(r, key)
    confirmed = {c.value for c in cur.confirm} if cur else set()
    rejected = {c.value for c in cur.reject} if cur else set()
    record_country = r.country.value if r.country else None
    resolved = Resolved()
    for org in found.organizations.values():
        match = reconciler.body(org, record_country)
        resolved.organizations[org.key] = match.iri
        if match.existing:
            resolved.existing.add(match.iri)
    for inst in found.instruments:
        match = reconciler.title(inst, record_country)
        resolved.instruments[id(inst)] = shared.get(id(inst), match.iri)
        if match.existing:
            resolved.existing.add(match.iri)
    linked = {*resolved.organizations.values(), *resolved.instruments.values()}
    for iri in sorted(resolved.existing - set(reconciler.described)):  # described by records outside the batch
        names = reconciler.names_from_records(iri)
        if names:
            reconciler.described[iri] = names
    resolved.batch_names = {iri: names for iri, names in reconciler.described.items() if iri in linked}
    resolved.existing |= set(resolved.batch_names)
    ids = prose.write(r, key, built.outcome, built.record_iri, found, resolved, built.facts, built.suggestions,
                      confirmed, rejected)
    for cls in (builder.kg.Organization, builder.kg.PolicyInstrument):
        for node in built.facts.subjects(RDF.type, cls):
            reconciler.described[str(node)] = {str(n) for p in (RDFS.label, SKOS.prefLabel, SKOS.altLabel,
                                                                DCTERMS.title, builder.kg.acronym)
                                               for n in built.facts.objects(node, p)}
    for c in (cur.confirm + cur.reject) if cur else []:
        if c.value != "country" and c.value not in ids:
            r.issues.append(Issue("warning", f"{c.value!r} is no suggestion of this record (any more)", "curation",
                                  c.line, c.file, hint=f"see the ids in data/outcome-{key}-suggestions.ttl"))
    if cur is not None:
        where = Located("", None, cur.files[-1] if cur.files else None)
        for t in cur.add:
            built.facts.add(t)
            built.where.setdefault((t[0], t[1]), where)
    res.built = built
    res.suggestions = sum(1 for _ in built.suggestions.subjects(RDF.type, builder.kg.Suggestion))
    res.triples = len(built.facts) + len(built.suggestions)
    for name in built.new_themes:
        logger.info("new theme %r in outcome %s", name, key)
    facts_g, sugg_g = _graph_iris(key, settings.base)
    res.curated_by = _curated_by(store, built.outcome, exclude, settings)
    if res.curated_by:
        r.warn(f"outcome {key} is described by hand in {res.curated_by}: the facts are left to that file, "
               "the suggestions are written", hint="the hand-written file is the curation; edit it to change facts")
        if cur is not None and (cur.correct or cur.remove or len(cur.add)):
            r.warn("the curation file's corrections and additions do not apply to an outcome described by hand",
                   file=cur.files[0] if cur.files else None)
    else:
        res.graphs[facts_g] = built.facts
    if len(built.suggestions):
        res.graphs[sugg_g] = built.suggestions
    res.triples = sum(len(g) for g in res.graphs.values())


def _curated_by(store: ox.Store, outcome: URIRef, exclude: set[str], settings: Settings) -> str | None:
    kg_outcome = ox.NamedNode(f"{settings.base}def/kg#Outcome")
    prefix = iris.graph("data", "", settings.base)
    for q in store.quads_for_pattern(ox.NamedNode(str(outcome)), _RDF_TYPE, kg_outcome, None):
        g = q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else ""
        if g in exclude or not g.startswith(prefix):
            continue
        rel = f"data/{g[len(prefix):]}.ttl"
        if not generated(settings.root / rel):
            return rel
    return None


def generated(path: Path) -> bool:
    """Whether a data file was written by kg ingest (its first line says so)."""
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.readline().startswith(MARKER)
    except OSError:
        return False


def _attribute(report, part: list[RecordResult]) -> None:
    """Validation results onto the records whose nodes they are about."""
    owner: dict[str, list[RecordResult]] = {}
    for res in part:
        for g in res.graphs.values():
            for s in set(g.subjects()):
                owner.setdefault(f"<{s}>", []).append(res)
    prefixes = sorted(PREFIXES, key=lambda p: -len(p[1]))
    for result in report.results:
        if result.severity == "Info":
            continue
        targets = owner.get(result.focus_node) or part
        for res in targets:
            if result.severity == "Warning" and result.component == "MinCountConstraintComponent" \
                    and res.built is not None and result.focus_node == f"<{res.built.outcome}>":
                continue  # a missing field: reported once, by _prepare
            res.record.issues.append(_issue(result, res, prefixes))


def _issue(result, res: RecordResult, prefixes) -> Issue:
    def compact(text: str) -> str:
        for prefix, ns in prefixes:
            text = re.sub(rf"<{re.escape(ns)}([^<>\s]*)>", lambda m: f"{prefix}:{m.group(1)}"
                          if LOCAL_NAME.match(m.group(1)) else m.group(0), text)
        return text

    path = result.path[1:-1] if result.path and result.path.startswith("<") else None
    field = FIELD_OF_PROPERTY.get(path.rsplit("#", 1)[-1]) if path else None
    focus = result.focus_node[1:-1]
    line = file = None
    if res.built is not None and path:
        located = res.built.where.get((URIRef(focus), URIRef(path)))
        if located is not None:
            line, file = located.line, located.file
    if line is None and file is None:
        line = res.record.first_line()
    on = "" if res.built is not None and focus == str(res.built.outcome) else f"{compact(result.focus_node)}: "
    if field is None and result.path:
        on += f"{compact(result.path)}: "
    value = f" (value: {compact(result.value)})" if result.value else ""
    shape = re.sub(r"^<.*/shapes/([\w-]+)#(.+)>$", r"\1:\2", result.source_shape)
    severity = "error" if result.severity == "Violation" else "warning"
    return Issue(severity, f"{on}{result.message}{value}", field, line, file, hint=f"shape {shape}")


def _serialize(res: RecordResult, settings: Settings) -> None:
    key = res.key or ""
    r = res.record
    facts_g, sugg_g = _graph_iris(key, settings.base)
    source = r.file_name + (f" row {r.row}" if r.row is not None else "")
    cur = f" and {', '.join(res.curation.files)}" if res.curation and res.curation.files else ""
    kg = f"{settings.base}def/kg#"
    first = (URIRef(kg + "Outcome"), URIRef(kg + "SourceRecord"))
    res.files = {}
    if facts_g in res.graphs:
        header = (f"{MARKER} outcome {key}, extracted from {source}{cur}.\n"
                  "# Written by `kg ingest`, which rewrites it whenever the record is ingested again:\n"
                  f"# correct or add facts in data/curation/{key}.yaml rather than here.")
        res.files[f"outcome-{key}.ttl"] = serialize(res.graphs[facts_g], header=header, base=settings.base,
                                                    first=first).encode("utf-8")
    name = f"outcome-{key}-suggestions.ttl"
    if sugg_g in res.graphs:
        header = (f"{MARKER} suggestions for outcome {key}, read in the prose of {source}.\n"
                  "# What the prose may state but ingest is not sure of: to confirm or reject in the curation file.\n"
                  f"# Confirm or reject them by id in data/curation/{key}.yaml.")
        res.files[name] = serialize(res.graphs[sugg_g], header=header, base=settings.base).encode("utf-8")
    elif (settings.data_dir / name).exists():
        res.files[name] = None
    res.changed = {}
    for fname, content in res.files.items():
        path = settings.data_dir / fname
        old = path.read_bytes() if path.exists() else None
        if content != old:
            res.changed[fname] = content
    facts_name = f"outcome-{key}.ttl"
    res.triples = sum(len(g) for g in res.graphs.values())
    if res.curated_by:
        res.status = "curated"
    elif not (settings.data_dir / facts_name).exists():
        res.status = "new"
    else:
        res.status = "updated" if res.changed else "unchanged"

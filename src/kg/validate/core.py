"""Validating the project's files: ``data/`` against ``shapes/``, with ``ontology/`` classes.

Data graph = union of ``data/*.ttl``; shapes graph = union of ``shapes/*.ttl``, checked
against SHACL-for-SHACL first; then the quality rules of ``shapes/rules/*.rq``
(:mod:`kg.validate.rules`) on the same data in a pyoxigraph store. The report says the
file and line each focus node was written at. :func:`shapes_and_ontology` is the one
cache of parsed shapes in a process.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.term import Node

from kg.config import Settings
from kg.errors import LoadError
from kg.rdf import sources as src
from kg.validate import rules as quality
from kg.validate import shards
from kg.validate.engine import check_shapes, validate_graph
from kg.validate.report import WELL_KNOWN_PREFIXES, Locator, Report, compact, place, result_order


def _file_locator(sources: Iterable[src.Source], settings: Settings, graph: Graph,
                  store: ox.Store | None = None) -> tuple[Locator, dict[str, str]]:
    """Parse files into ``graph`` (and, each in its named graph, into ``store``) and build a locator for their subjects."""
    lines: dict[str, tuple[str, int]] = {}
    owner: dict[Node, str] = {}
    prefixes: dict[str, str] = {}
    for source in sources:
        text = src.read_text(source, settings)
        quads = src.parse_oxigraph(source, settings, text)
        if store is not None:
            quads = _also_into(store, quads)
        graph.addN(_owned(src.rdflib_triples(quads), source.rel, owner, graph))
        for iri, line in src.subject_lines(text).items():
            lines.setdefault(iri, (source.rel, line))
        for prefix, ns in src.declared_prefixes(text).items():
            prefixes.setdefault(prefix, ns)

    def locate(node: Node) -> tuple[str | None, int | None]:
        if isinstance(node, URIRef) and str(node) in lines:
            return lines[str(node)]
        return owner.get(node), None

    return locate, prefixes


def _also_into(store: ox.Store, quads: Iterable[ox.Quad], batch: int = 50_000):
    """The quads, passed on as they are added to ``store`` (one parse feeds both the rules and pyshacl)."""
    pending: list[ox.Quad] = []
    for q in quads:
        pending.append(q)
        if len(pending) >= batch:
            store.extend(pending)
            pending.clear()
        yield q
    store.extend(pending)


def _owned(triples: Iterable[tuple[Node, Node, Node]], rel: str, owner: dict[Node, str], graph: Graph):
    """Quads for ``graph.addN``, noting the first file each subject appears in."""
    for s, p, o in triples:
        if s not in owner:
            owner[s] = rel
        yield s, p, o, graph


def load_shapes(settings: Settings, shape_sources: Iterable[src.Source] | None = None) -> Graph:
    """The union of ``shapes/*.ttl``, checked against meta-SHACL (bad shapes -> LoadError)."""
    if shape_sources is None:
        shape_sources = src.discover(settings, ("shapes",))
    shapes = Graph()
    locate, prefixes = _file_locator(shape_sources, settings, shapes)
    meta = check_shapes(shapes, locate=locate, prefixes={**WELL_KNOWN_PREFIXES, **prefixes},
                        engine=settings.shacl_engine)
    if not meta.conforms:
        first = min((r for r in meta.results if r.severity == "Violation"),
                    key=lambda r: (r.file or "~", r.line or 10**9))  # the first one in file order
        more = f" (and {meta.violations - 1} more)" if meta.violations > 1 else ""
        detail = first.message + (f" [path {first.path}]" if first.path else "")
        raise LoadError(
            f"{first.where or 'shapes/'}: {compact(first.focus_node, meta.prefixes)} is not a valid SHACL shape: "
            f"{compact(detail, meta.prefixes)}{more}",
            hint="fix the shapes file; see https://www.w3.org/TR/shacl/",
        )
    return shapes


# Below this many data triples one graph in one process is quicker than forking shards.
SHARD_ABOVE = 200_000


def validate_files(settings: Settings) -> Report:
    """Validate ``data/`` against ``shapes/`` with ``ontology/`` classes, then run the quality rules.

    With the setting ``validate_shards`` above 0, a large graph is validated in
    shards on that many processes (:mod:`kg.validate.shards`) when the shapes allow it;
    the report is the same either way.
    """
    found = src.discover(settings)
    by_folder = {f: [s for s in found if s.folder == f] for f in src.FOLDERS}
    rules = quality.load_rules(settings)  # a broken rule fails before minutes of SHACL
    shapes = load_shapes(settings, by_folder["shapes"])
    ontology = src.load_graph(by_folder["ontology"], settings)
    prefixes: dict[str, str] = {}
    for s in by_folder["data"] + by_folder["ontology"] + by_folder["shapes"]:
        prefixes.update({k: v for k, v in src.declared_prefixes(src.read_text(s, settings)).items()
                         if k not in prefixes})
    prefixes = {**WELL_KNOWN_PREFIXES, **prefixes}

    if settings.validate_shards > 0:
        store = shards.load_store(by_folder["data"], settings)
        if len(store) > SHARD_ABOVE:
            started = time.perf_counter()
            results = shards.validate_store(store, shapes, ontology, workers=settings.validate_shards,
                                            engine=settings.shacl_engine)
            seconds = time.perf_counter() - started
            locate = _line_locator(by_folder["data"], settings) if results or rules else None
            findings, runs = _run_rules(store, rules, by_folder["ontology"], settings, locate)
            del store
            located = sorted((place(r, locate) for r in results), key=result_order)
            report = Report(conforms=not any(r.severity == "Violation" for r in located), results=tuple(located),
                            prefixes=prefixes, seconds=seconds)
            return quality.with_findings(report, findings, runs)
        del store
    data = Graph()
    store = ox.Store() if rules else None
    locate, _ = _file_locator(by_folder["data"], settings, data, store)
    findings, runs = _run_rules(store, rules, by_folder["ontology"], settings, locate) if store is not None else ([], [])
    del store  # the rules are done: pyshacl gets the memory
    report = validate_graph(data, shapes, ontology, locate=locate, prefixes=prefixes, engine=settings.shacl_engine)
    return quality.with_findings(report, findings, runs)


def _run_rules(store: ox.Store, rules: list[quality.Rule], ontology: list[src.Source], settings: Settings,
               locate: Locator | None):
    """The quality rules on ``store`` (the data), with the ontology's graphs added for the class hierarchy."""
    if not rules:
        return [], []
    store.extend(src.quads(ontology, settings))
    return quality.run_rules(store, rules, locate)


def _line_locator(sources: Iterable[src.Source], settings: Settings) -> Locator:
    """Where each IRI subject is first written, from the files' text alone (no parsing)."""
    lines: dict[str, tuple[str, int]] = {}
    for source in sources:
        for iri, line in src.subject_lines(src.read_text(source, settings)).items():
            lines.setdefault(iri, (source.rel, line))

    def locate(node: Node) -> tuple[str | None, int | None]:
        return lines.get(str(node), (None, None))

    return locate




_SHAPES: dict[str, tuple[Graph, Graph]] = {}


def shapes_and_ontology(settings: Settings) -> tuple[Graph, Graph]:
    """The shapes (checked against meta-SHACL) and the ontology, parsed once per content in a process."""
    files = src.discover(settings, ("ontology", "shapes"))
    key = f"{settings.base}|{src.content_hash(files)}"
    if key not in _SHAPES:
        _SHAPES.clear()
        shapes = load_shapes(settings, [f for f in files if f.folder == "shapes"])
        ontology = src.load_graph([f for f in files if f.folder == "ontology"], settings)
        _SHAPES[key] = (shapes, ontology)
    return _SHAPES[key]

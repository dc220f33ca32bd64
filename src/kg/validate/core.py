"""Validating the project's files: ``data/`` against ``shapes/``, with ``ontology/`` classes.

Data graph = union of ``data/*.ttl``; shapes graph = union of ``shapes/*.ttl``, checked
against SHACL-for-SHACL first; then the quality rules of ``shapes/rules/*.rq``
(:mod:`kg.validate.rules`) on the same data in a pyoxigraph store. The report says the
file and line each focus node was written at. :func:`shapes_and_ontology` is the one
cache of parsed shapes in a process.

With pyshacl-turbo (the default engine) the engine parses the files' text itself
(:func:`kg.validate.engine.run_text`) while the store is for the rules alone: no rdflib
graph of the data is made, and the rules run beside the engine. The reference engine,
pyshacl, and validation in shards (``validate_shards``) get an rdflib graph of the same quads.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef
from rdflib.term import Node

from kg.config import Settings
from kg.errors import LoadError
from kg.rdf import sources as src
from kg.sparql import files
from kg.validate import rules as quality
from kg.validate import shards
from kg.validate.engine import check_shapes, implied_types, run_text, uses_sparql, validate_graph
from kg.validate.report import WELL_KNOWN_PREFIXES, Locator, Report, compact, place, result_order, results_of

logger = logging.getLogger(__name__)



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
    otherwise, with pyshacl-turbo, :func:`_validate_in_store`. The report is the same either way.
    """
    found = src.discover(settings)
    by_folder = {f: [s for s in found if s.folder == f] for f in src.FOLDERS}
    rules = quality.load_rules(settings)  # a broken rule fails before minutes of SHACL
    shapes = load_shapes(settings, by_folder["shapes"])
    ontology = src.load_graph(by_folder["ontology"], settings)
    if settings.shacl_engine == "turbo" and settings.validate_shards == 0:
        return _validate_in_store(settings, by_folder, rules, shapes, ontology)
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


def _validate_in_store(settings: Settings, by_folder: dict[str, list[src.Source]], rules: list[quality.Rule],
                       shapes: Graph, ontology: Graph) -> Report:
    """:func:`validate_files` with pyshacl-turbo: the files' text goes to the engine, their quads to the rules' store.

    Each file is read once. pyoxigraph loads it into its named graph of the store (in Rust, on
    the other core) while its text is searched for where each subject is written and the
    prefixes it declares. The engine parses the files' Turtle itself (:func:`kg.validate.engine.run_text`),
    followed by the implied ``rdf:type`` superclasses and, if SPARQL constraints may read it,
    the ontology, as :func:`kg.validate.engine.validate_graph` gives them. A file with blank
    nodes goes to it as N-Triples written from pyoxigraph's parse instead, so that ``_:x`` in two
    files stays two nodes and a blank node in a result can be traced to its file. Then the
    engine and the rules (on the store: data and ontology, as before) run at the same time;
    both run in Rust without the GIL, so the two use both cores."""
    started = time.perf_counter()
    sources = by_folder["data"]
    texts = [src.read_text(source, settings) for source in sources]
    store = ox.Store()
    lines: dict[str, tuple[str, int]] = {}
    prefixes: dict[str, str] = {}
    with ThreadPoolExecutor(1) as pool:
        loading = pool.submit(_load, store, sources, texts, settings)
        for source, text in zip(sources, texts):
            written, declared = where_written(text)
            for iri, line in written.items():
                lines.setdefault(iri, (source.rel, line))
            for prefix, ns in declared.items():
                prefixes.setdefault(prefix, ns)
        loading.result()
    for s in by_folder["ontology"] + by_folder["shapes"]:
        prefixes.update({k: v for k, v in src.declared_prefixes(src.read_text(s, settings)).items()
                         if k not in prefixes})
    prefixes = {**WELL_KNOWN_PREFIXES, **prefixes}
    data_graphs = {source.graph_iri: i for i, source in enumerate(sources)}
    logger.info("read and loaded %d data files (%d quads) in %.2fs", len(sources), len(store),
                time.perf_counter() - started)

    started = time.perf_counter()
    with_blank_nodes = _graphs_with_blank_nodes(store)
    engine_input: list[str] = []
    written_out: list[tuple[str, str]] = []  # (file, N-Triples) of the files with blank nodes
    for source, text in zip(sources, texts):
        if source.graph_iri in with_blank_nodes:
            text = _ntriples(src.parse_oxigraph(source, settings, text))
            written_out.append((source.rel, text))
        engine_input.append(text)
    del texts
    engine_input.append(implied_types(store, ontology, data_graphs))
    ontology_quads = list(src.quads(by_folder["ontology"], settings))
    if uses_sparql(shapes):
        engine_input.append(_ntriples(ontology_quads))
    store.extend(ontology_quads)  # the rules' class hierarchy
    data = "\n".join(engine_input)
    del engine_input
    logger.info("the engine's input (%d MB of Turtle, implied types and ontology included) in %.2fs",
                len(data) >> 20, time.perf_counter() - started)

    files = [source.rel for source in sources]

    def locate(node: Node) -> tuple[str | None, int | None]:
        """The file and line a subject is written at; for a node no line names (a blank node), its first file."""
        if isinstance(node, URIRef) and str(node) in lines:
            return lines[str(node)]
        term = ox.NamedNode(str(node)) if isinstance(node, URIRef) else ox.BlankNode(str(node))
        found = [data_graphs[q.graph_name.value] for q in store.quads_for_pattern(term, None, None, None)
                 if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value in data_graphs]
        if found:
            return files[min(found)], None
        if isinstance(node, BNode):  # named by the engine's input, not the store
            label = f"_:{node} "
            return next(((rel, None) for rel, text in written_out if label in text), (None, None))
        return None, None

    started = time.perf_counter()
    with ThreadPoolExecutor(1) as pool:
        shacl = pool.submit(run_text, data, shapes)
        findings, runs = quality.run_rules(store, rules, locate)
        results_graph = shacl.result()
    del data
    results = results_of(results_graph, shapes, locate)
    seconds = time.perf_counter() - started
    logger.info("validated in %.2fs with turbo, the rules beside it: %d results", seconds, len(results))
    report = Report(conforms=not any(r.severity == "Violation" for r in results), results=results,
                    prefixes=prefixes, seconds=seconds)
    return quality.with_findings(report, findings, runs)


def _load(store: ox.Store, sources: list[src.Source], texts: list[str], settings: Settings) -> None:
    """Each file's triples into its named graph (pyoxigraph's loader, which renames blank nodes, as
    :func:`kg.rdf.sources.parse_oxigraph` does: ``_:x`` in two files stays two nodes)."""
    for source, text in zip(sources, texts):
        try:
            store.bulk_load(input=text, format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(source.graph_iri))
        except SyntaxError:
            for _ in src.parse_oxigraph(source, settings, text):  # the same error, with the file's line and column
                pass
            raise


def _graphs_with_blank_nodes(store: ox.Store) -> set[str]:
    rows = store.query(files.text("kg.validate", "graphs-with-blank-nodes"))
    return {row["g"].value for row in rows}


def _ntriples(quads: Iterable[ox.Quad]) -> str:
    """The quads' triples as N-Triples (their graphs left out)."""
    return ox.serialize([ox.Triple(q.subject, q.predicate, q.object) for q in quads],
                        format=ox.RdfFormat.N_TRIPLES).decode()


# What src.subject_lines and src.declared_prefixes find, with regular expressions over the whole
# text instead of a Python loop over every line (at 100,000 outcomes 8 million lines: 27 s).
# Each search starts with a literal newline, which the regular-expression engine skips to
# quickly (a "^" in MULTILINE mode is tried at every character: slower than the loop).
_DECL = re.compile(r"^[^\S\n]*(?:@prefix|PREFIX)[^\S\n]+([A-Za-z][\w.-]*)?:[^\S\n]*<([^>\n]*)>",
                   re.IGNORECASE | re.MULTILINE)
_DECL_AFTER_NEWLINE = re.compile(r"\n(?=[^\S\n]*@?[Pp][Rr][Ee][Ff][Ii][Xx])")
_SUBJECT_AFTER_NEWLINE = re.compile(r"\n(?=[<:A-Za-z])")
_ESCAPE = re.compile(r"\\(.)")


def where_written(text: str) -> tuple[dict[str, int], dict[str, str]]:
    """IRI -> first line where a statement starts with it as subject, and the declared prefixes.

    The same as :func:`kg.rdf.sources.subject_lines` and :func:`kg.rdf.sources.declared_prefixes`
    (tests/validate/test_where_written.py compares them), without a Python step per line."""
    decls: list[tuple[int, str, str]] = []
    for start in [0, *(m.end() for m in _DECL_AFTER_NEWLINE.finditer(text))]:
        if m := _DECL.match(text, start):
            decls.append((start, m.group(1) or "", m.group(2)))
    declared: dict[str, str] = {}
    for _, prefix, ns in decls:
        declared.setdefault(prefix, ns)
    found: dict[str, int] = {}
    ns: dict[str, str] = {}
    d, line, counted = 0, 1, 0
    starts = (m.end() for m in _SUBJECT_AFTER_NEWLINE.finditer(text))
    for start in ([0, *starts] if text[:1] in _SUBJECT_FIRST else starts):
        while d < len(decls) and decls[d][0] < start:
            ns[decls[d][1]] = decls[d][2]
            d += 1
        if d < len(decls) and decls[d][0] == start:  # a declaration, not a statement
            ns[decls[d][1]] = decls[d][2]
            d += 1
            continue
        iri = None
        if text.startswith("<", start):
            if n := src._SUBJECT_IRI.match(text, start):
                iri = n.group(1)
        elif n := src._SUBJECT_PNAME.match(text, start):
            prefix = n.group(1) or ""
            if prefix in ns:
                iri = ns[prefix] + _ESCAPE.sub(r"\1", n.group(2))
        if iri is not None and iri not in found:
            line += text.count("\n", counted, start)
            counted = start
            found[iri] = line
    return found, declared


_SUBJECT_FIRST = frozenset("<:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


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

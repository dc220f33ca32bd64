"""SHACL validation: pyshacl behind a typed report that says where things are.

Data graph = union of ``data/*.ttl``; shapes graph = union of ``shapes/*.ttl``.
Instead of pyshacl's RDFS inference (several times slower), the ``rdf:type``
superclasses that the ontology's ``rdfs:subClassOf`` implies are added to the
data graph for the run and taken out again. Only ``sh:Violation`` results make
the data non-conforming; warnings and infos are reported but do not gate.

The functions take graphs, so a batch can be checked without the whole store:
``validate_graph(batch, shapes, ontology)``.
"""

from __future__ import annotations

import dataclasses

import json
import logging
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field

import pyshacl
from pyshacl.entrypoints import meta_validate
from rdflib import RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from kg.rdf import sources as src
from kg.config import Settings
from kg.errors import LoadError

logger = logging.getLogger(__name__)

SH = Namespace("http://www.w3.org/ns/shacl#")
WELL_KNOWN_PREFIXES = {
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "sh": str(SH),
}

# (file, line) where a node is written, either part may be unknown.
Locator = Callable[[Node], tuple[str | None, int | None]]


@dataclass(frozen=True)
class Result:
    """One validation result. Terms are in N-Triples notation: ``<iri>``, ``"lit"``, ``_:b``."""

    severity: str  # "Violation", "Warning" or "Info"
    source_shape: str
    focus_node: str
    path: str | None
    value: str | None
    message: str
    file: str | None = None
    line: int | None = None
    component: str | None = None

    @property
    def where(self) -> str | None:
        if self.file is None:
            return None
        return self.file if self.line is None else f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Report:
    conforms: bool
    results: tuple[Result, ...] = ()
    prefixes: Mapping[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    def count(self, severity: str) -> int:
        return sum(1 for r in self.results if r.severity == severity)

    @property
    def violations(self) -> int:
        return self.count("Violation")

    @property
    def warnings(self) -> int:
        return self.count("Warning")

    @property
    def infos(self) -> int:
        return self.count("Info")

    @property
    def focus_nodes(self) -> int:
        return len({r.focus_node for r in self.results})

    def summary(self) -> str:
        """E.g. ``2 violations, 1 warning in 3 focus nodes; data does not conform``."""
        parts = [_plural(self.violations, "violation"), _plural(self.warnings, "warning")]
        if self.infos:
            parts.append(_plural(self.infos, "info"))
        verdict = "data conforms" if self.conforms else "data does not conform"
        return f"{', '.join(parts)} in {_plural(self.focus_nodes, 'focus node')}; {verdict}"

    def to_dict(self) -> dict:
        return {
            "conforms": self.conforms,
            "violations": self.violations,
            "warnings": self.warnings,
            "infos": self.infos,
            "focus_nodes": self.focus_nodes,
            "results": [asdict(r) for r in self.results],
        }


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


# -- inference we do ourselves ------------------------------------------------------

def superclasses(ontology_graph: Graph) -> dict[Node, set[Node]]:
    """Class -> all its named superclasses (transitive ``rdfs:subClassOf``)."""
    direct: dict[Node, set[Node]] = {}
    for sub, sup in ontology_graph.subject_objects(RDFS.subClassOf):
        if isinstance(sub, URIRef) and isinstance(sup, URIRef) and sub != sup:
            direct.setdefault(sub, set()).add(sup)
    closure: dict[Node, set[Node]] = {}
    for cls in direct:
        seen: set[Node] = set()
        todo = list(direct[cls])
        while todo:
            c = todo.pop()
            if c not in seen:
                seen.add(c)
                todo.extend(direct.get(c, ()))
        seen.discard(cls)
        closure[cls] = seen
    return closure


def materialise_types(data_graph: Graph, ontology_graph: Graph) -> list[tuple[Node, Node, Node]]:
    """Add implied ``rdf:type`` superclass triples; return the ones added."""
    closure = superclasses(ontology_graph)
    added = []
    for node, cls in list(data_graph.subject_objects(RDF.type)):
        for sup in closure.get(cls, ()):
            t = (node, RDF.type, sup)
            if t not in data_graph:
                data_graph.add(t)
                added.append(t)
    return added


def _needs_advanced(shapes_graph: Graph) -> bool:
    """SHACL-AF features (rules, custom targets, functions) need pyshacl's advanced mode."""
    if any(shapes_graph.triples((None, SH.rule, None))) or any(shapes_graph.triples((None, SH.target, None))):
        return True
    af_types = (SH.SPARQLFunction, SH.SPARQLTargetType, SH.TargetType, SH.SPARQLRule, SH.TripleRule)
    return any(any(shapes_graph.triples((None, RDF.type, t))) for t in af_types)


def _uses_sparql(shapes_graph: Graph) -> bool:
    """SPARQL constraints may look at the class hierarchy, so they get the ontology."""
    return any(any(shapes_graph.triples((None, p, None))) for p in (SH.select, SH.ask, SH.sparql))


# -- running pyshacl --------------------------------------------------------------

def validate_graph(data_graph: Graph, shapes_graph: Graph, ontology_graph: Graph | None = None, *,
                   locate: Locator | None = None, prefixes: Mapping[str, str] | None = None) -> Report:
    """Validate ``data_graph`` against ``shapes_graph``; the data graph is left as it was."""
    started = time.perf_counter()
    added = materialise_types(data_graph, ontology_graph) if ontology_graph is not None else []
    try:
        ont = ontology_graph if (ontology_graph is not None and _uses_sparql(shapes_graph)) else None
        _, results_graph, _ = pyshacl.validate(
            data_graph, shacl_graph=shapes_graph, ont_graph=ont, inference="none",
            advanced=_needs_advanced(shapes_graph), allow_warnings=True,
        )
    finally:
        for t in added:
            data_graph.remove(t)
    results = _results(results_graph, shapes_graph, locate)
    seconds = time.perf_counter() - started
    logger.info("validated %d triples in %.2fs: %d results", len(data_graph), seconds, len(results))
    return Report(
        conforms=not any(r.severity == "Violation" for r in results),
        results=results,
        prefixes=dict(prefixes or {}),
        seconds=seconds,
    )


def check_shapes(shapes_graph: Graph, *, locate: Locator | None = None,
                 prefixes: Mapping[str, str] | None = None) -> Report:
    """Check the shapes themselves against SHACL-for-SHACL (pyshacl's meta-SHACL)."""
    _, results_graph, _ = meta_validate(shapes_graph, inference="none")
    results = _results(results_graph, Graph(), locate)
    return Report(conforms=not any(r.severity == "Violation" for r in results), results=results,
                  prefixes=dict(prefixes or {}))


def _results(results_graph: Graph, shapes_graph: Graph, locate: Locator | None) -> tuple[Result, ...]:
    out = []
    for r in results_graph.subjects(RDF.type, SH.ValidationResult):
        focus = results_graph.value(r, SH.focusNode)
        path = results_graph.value(r, SH.resultPath)
        value = results_graph.value(r, SH.value)
        shape = results_graph.value(r, SH.sourceShape)
        severity = results_graph.value(r, SH.resultSeverity)
        component = results_graph.value(r, SH.sourceConstraintComponent)
        file, line = locate(focus) if (locate is not None and focus is not None) else (None, None)
        out.append(Result(
            severity=_local(severity) if severity is not None else "Violation",
            source_shape=_shape_name(shape, shapes_graph),
            focus_node=_nt(focus),
            path=_path(results_graph, path) if path is not None else None,
            value=_nt(value) if value is not None else None,
            message=_message(results_graph, r) or (_local(component) if component is not None else ""),
            file=file,
            line=line,
            component=_local(component) if component is not None else None,
        ))
    return tuple(sorted(out, key=_result_order))


def _local(iri: Node) -> str:
    return re.split(r"[#/]", str(iri))[-1]


def _nt(node: Node | None) -> str:
    if node is None:
        return ""
    if isinstance(node, URIRef):
        return f"<{node}>"
    if isinstance(node, BNode):
        return f"_:{node}"
    if isinstance(node, Literal):
        return node.n3()
    return str(node)


def _message(g: Graph, result: Node) -> str:
    texts = sorted({str(m) for m in g.objects(result, SH.resultMessage)
                    if not isinstance(m, Literal) or m.language in (None, "en")})
    return "; ".join(texts)


def _shape_name(shape: Node | None, shapes_graph: Graph) -> str:
    """A blank property shape is named after its parent shape and path."""
    if isinstance(shape, BNode):
        parent = shapes_graph.value(predicate=SH.property, object=shape)
        path = shapes_graph.value(shape, SH.path)
        if parent is not None and path is not None:
            return f"{_nt(parent)} sh:property [ sh:path {_path(shapes_graph, path)} ]"
    return _nt(shape)


def _path(g: Graph, node: Node) -> str:
    """A SHACL path as a SPARQL property path."""
    if isinstance(node, URIRef):
        return f"<{node}>"
    unary = {SH.inversePath: "^{}", SH.zeroOrMorePath: "{}*", SH.oneOrMorePath: "{}+", SH.zeroOrOnePath: "{}?"}
    for pred, pattern in unary.items():
        inner = g.value(node, pred)
        if inner is not None:
            return pattern.format(_path(g, inner))
    alternatives = g.value(node, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(_path(g, n) for n in Collection(g, alternatives)) + ")"
    if g.value(node, RDF.first) is not None:
        return "/".join(_path(g, n) for n in Collection(g, node))
    return _nt(node)


# -- from the project's files -------------------------------------------------------

def _file_locator(sources: Iterable[src.Source], settings: Settings, graph: Graph) -> tuple[Locator, dict[str, str]]:
    """Parse files into ``graph`` and build a locator for their subjects."""
    lines: dict[str, tuple[str, int]] = {}
    owner: dict[Node, str] = {}
    prefixes: dict[str, str] = {}
    for source in sources:
        text = src.read_text(source, settings)
        graph.addN(_owned(src.triples(source, settings, text), source.rel, owner, graph))
        for iri, line in src.subject_lines(text).items():
            lines.setdefault(iri, (source.rel, line))
        for prefix, ns in src.declared_prefixes(text).items():
            prefixes.setdefault(prefix, ns)

    def locate(node: Node) -> tuple[str | None, int | None]:
        if isinstance(node, URIRef) and str(node) in lines:
            return lines[str(node)]
        return owner.get(node), None

    return locate, prefixes


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
    meta = check_shapes(shapes, locate=locate, prefixes={**WELL_KNOWN_PREFIXES, **prefixes})
    if not meta.conforms:
        first = min((r for r in meta.results if r.severity == "Violation"),
                    key=lambda r: (r.file or "~", r.line or 10**9))  # the first one in file order
        more = f" (and {meta.violations - 1} more)" if meta.violations > 1 else ""
        detail = first.message + (f" [path {first.path}]" if first.path else "")
        raise LoadError(
            f"{first.where or 'shapes/'}: {_compact(first.focus_node, meta.prefixes)} is not a valid SHACL shape: "
            f"{_compact(detail, meta.prefixes)}{more}",
            hint="fix the shapes file; see https://www.w3.org/TR/shacl/",
        )
    return shapes


# Below this many data triples one graph in one process is quicker than forking shards.
SHARD_ABOVE = 200_000


def validate_files(settings: Settings) -> Report:
    """Validate ``data/`` against ``shapes/`` with ``ontology/`` classes: the project check.

    With the setting ``validate_shards`` above 0, a large graph is validated in
    shards on that many processes (:mod:`kg.validate.shards`) when the shapes allow it;
    the report is the same either way.
    """
    found = src.discover(settings)
    by_folder = {f: [s for s in found if s.folder == f] for f in src.FOLDERS}
    shapes = load_shapes(settings, by_folder["shapes"])
    ontology = src.load_graph(by_folder["ontology"], settings)
    prefixes: dict[str, str] = {}
    for s in by_folder["data"] + by_folder["ontology"] + by_folder["shapes"]:
        prefixes.update({k: v for k, v in src.declared_prefixes(src.read_text(s, settings)).items()
                         if k not in prefixes})
    prefixes = {**WELL_KNOWN_PREFIXES, **prefixes}

    if settings.validate_shards > 0:
        from kg.validate import shards  # lazy: it imports this module

        store = shards.load_store(by_folder["data"], settings)
        if len(store) > SHARD_ABOVE and shards.shardable(shapes):
            started = time.perf_counter()
            results = shards.validate_store(store, shapes, ontology, workers=settings.validate_shards)
            del store
            locate = _line_locator(by_folder["data"], settings) if results else None
            located = sorted((_place(r, locate) for r in results), key=_result_order)
            return Report(conforms=not any(r.severity == "Violation" for r in located), results=tuple(located),
                          prefixes=prefixes, seconds=time.perf_counter() - started)
        del store
    data = Graph()
    locate, _ = _file_locator(by_folder["data"], settings, data)
    return validate_graph(data, shapes, ontology, locate=locate, prefixes=prefixes)


def _line_locator(sources: Iterable[src.Source], settings: Settings) -> Locator:
    """Where each IRI subject is first written, from the files' text alone (no parsing)."""
    lines: dict[str, tuple[str, int]] = {}
    for source in sources:
        for iri, line in src.subject_lines(src.read_text(source, settings)).items():
            lines.setdefault(iri, (source.rel, line))

    def locate(node: Node) -> tuple[str | None, int | None]:
        return lines.get(str(node), (None, None))

    return locate


def _place(result: Result, locate: Locator | None) -> Result:
    if locate is None or not result.focus_node.startswith("<"):
        return result
    file, line = locate(URIRef(result.focus_node[1:-1]))
    return dataclasses.replace(result, file=file, line=line)


def _result_order(x: Result):
    return (x.source_shape, x.file or "", x.line or 0, x.focus_node, x.path or "", x.value or "")


# -- reporting -----------------------------------------------------------------------

_IRI_TOKEN = re.compile(r"<([^<>\s]*)>")
_LOCAL = re.compile(r"^[A-Za-z0-9_][\w.-]*(?<!\.)$|^$")


def _compact(text: str, prefixes: Mapping[str, str]) -> str:
    """Write ``<iri>`` tokens as prefixed names where a declared prefix fits."""
    by_length = sorted(prefixes.items(), key=lambda kv: -len(kv[1]))

    def repl(m: re.Match[str]) -> str:
        iri = m.group(1)
        for prefix, ns in by_length:
            if ns and iri.startswith(ns) and _LOCAL.match(iri[len(ns):]):
                return f"{prefix}:{iri[len(ns):]}"
        return m.group(0)

    return _IRI_TOKEN.sub(repl, text)


_SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}


def format_report(report: Report, fmt: str = "text") -> str:
    """The report for people (``text``, grouped by shape then focus node) or machines (``json``)."""
    if fmt == "json":
        return json.dumps(report.to_dict(), indent=2, ensure_ascii=False)
    c = lambda s: _compact(s, report.prefixes)  # noqa: E731
    by_shape: dict[str, list[Result]] = {}
    for r in report.results:
        by_shape.setdefault(r.source_shape, []).append(r)
    order = sorted(by_shape, key=lambda s: (min(_SEVERITY_ORDER.get(r.severity, 3) for r in by_shape[s]), s))
    lines: list[str] = []
    for shape in order:
        lines.append(c(shape))
        by_focus: dict[str, list[Result]] = {}
        for r in by_shape[shape]:
            by_focus.setdefault(r.focus_node, []).append(r)
        for focus, results in by_focus.items():
            where = results[0].where
            lines.append(f"  {c(focus)}" + (f"  ({where})" if where else ""))
            for r in results:
                lines.append(f"    {r.severity}: {c(r.message)}")
                detail = "   ".join(x for x in (
                    f"path: {c(r.path)}" if r.path else "", f"value: {c(r.value)}" if r.value else "") if x)
                if detail:
                    lines.append(f"      {detail}")
        lines.append("")
    lines.append(report.summary())
    return "\n".join(lines)

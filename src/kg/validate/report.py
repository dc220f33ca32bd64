"""A validation report: typed results that say where things are, for people and machines."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field

from rdflib import RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

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

#: The ``component`` of a finding of a quality rule (:mod:`kg.validate.rules`), whose
#: ``source_shape`` is the rule's file (``shapes/rules/near-duplicate-labels.rq``).
RULE = "QualityRule"


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

    @property
    def from_rule(self) -> bool:
        """A finding of a quality rule, not of a SHACL shape."""
        return self.component == RULE


@dataclass(frozen=True)
class RuleRun:
    """What one quality rule found in one validation: its file, summary, severity, findings, time."""

    name: str
    file: str
    summary: str
    severity: str
    findings: int
    seconds: float


@dataclass(frozen=True)
class Report:
    conforms: bool
    results: tuple[Result, ...] = ()
    prefixes: Mapping[str, str] = field(default_factory=dict)
    seconds: float = 0.0  # the SHACL engine's time; each rule's is in ``rules``
    rules: tuple[RuleRun, ...] = ()

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
            "rules": [asdict(r) for r in self.rules],
        }

    @classmethod
    def from_dict(cls, data: Mapping, prefixes: Mapping[str, str] | None = None, seconds: float = 0.0) -> Report:
        """The report :meth:`to_dict` gave (which leaves out ``prefixes`` and ``seconds``). The dict may come
        from another process: a field of the wrong type is a ValueError, never a report that says otherwise."""
        def typed(row: Mapping, kind: type) -> object:
            values = {}
            for f in dataclasses.fields(kind):
                value = row.get(f.name, f.default)
                if value is dataclasses.MISSING:
                    raise ValueError(f"{kind.__name__}.{f.name} is missing")
                allowed = {"str": str, "int": int, "float": (int, float), "bool": bool}
                want = [allowed[t.strip()] for t in str(f.type).split("|") if t.strip() in allowed]
                if value is not None and want and (not isinstance(value, tuple(want)) or
                                                   isinstance(value, bool) and bool not in want):
                    raise ValueError(f"{kind.__name__}.{f.name}: {type(value).__name__}")
                values[f.name] = value
            return kind(**values)

        if not isinstance(data.get("conforms"), bool):
            raise ValueError("a report without a conforms flag")
        return cls(conforms=data["conforms"],
                   results=tuple(typed(r, Result) for r in data.get("results") or ()),
                   rules=tuple(typed(r, RuleRun) for r in data.get("rules") or ()),
                   prefixes=dict(prefixes or {}), seconds=float(seconds))


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def results_of(results_graph: Graph, shapes_graph: Graph, locate: Locator | None) -> tuple[Result, ...]:
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
    return tuple(sorted(out, key=result_order))


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


def place(result: Result, locate: Locator | None) -> Result:
    if locate is None or not result.focus_node.startswith("<"):
        return result
    file, line = locate(URIRef(result.focus_node[1:-1]))
    return dataclasses.replace(result, file=file, line=line)


def result_order(x: Result):
    return (x.source_shape, x.file or "", x.line or 0, x.focus_node, x.path or "", x.value or "")


# -- reporting -----------------------------------------------------------------------

_IRI_TOKEN = re.compile(r"<([^<>\s]*)>")
_LOCAL = re.compile(r"^[A-Za-z0-9_][\w.-]*(?<!\.)$|^$")


def compact(text: str, prefixes: Mapping[str, str]) -> str:
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
    c = lambda s: compact(s, report.prefixes)  # noqa: E731
    by_shape: dict[str, list[Result]] = {}
    for r in report.results:
        by_shape.setdefault(r.source_shape, []).append(r)
    order = sorted(by_shape, key=lambda s: (min(_SEVERITY_ORDER.get(r.severity, 3) for r in by_shape[s]), s))
    lines: list[str] = []
    for shape in order:
        lines.append(f"{shape} (quality rule)" if by_shape[shape][0].from_rule else c(shape))
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

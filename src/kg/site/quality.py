"""The /quality page: what validation found, per data file and outcome, so a curator sees what is left.

The report is the one ``kg build`` kept (:mod:`kg.validate.stored`): SHACL violations
and warnings, and the quality rules' findings (:mod:`kg.validate.rules`). Findings are
grouped by the data file their node is written in (each file a named graph, most of
them one record and its outcome); files with violations come first, then those with
the most warnings; within a file, violations first, then by line. Nothing is validated
here.
"""

from __future__ import annotations

import re
from collections import defaultdict

from rdflib import URIRef
from rdflib.namespace import XSD

from kg.site.terms import fmt_date
from kg.site.views import Context
from kg.store import Version
from kg.validate.report import Result, compact
from kg.validate.stored import Kept

SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}
_IRI = re.compile(r"^<([^<>\s]*)>$")
SEVERITY_WORDS = {"Violation": "violation", "Warning": "warning", "Info": "info"}


def quality_view(ctx: Context, kept: Kept | None, version: Version) -> dict:
    """The page's data: plain values (the JSON form is this, less the ``shown`` parts of each finding)."""
    manifest = ctx.manifest or {}
    view: dict = {"version": version.name, "status": _status(kept, version, manifest), "groups": [], "checks": []}
    if kept is None:
        view["totals"] = _totals([], 0)
        return view
    report = kept.report
    view["validated_at"] = kept.validated_at
    view["validated"] = fmt_date(kept.validated_at, XSD.dateTime) if kept.validated_at else ""
    view["report_version"] = kept.content_hash
    graphs = {f.get("path"): f.get("graph") for f in manifest.get("files", [])}
    outcomes = _outcomes_by_graph(ctx)
    labels = ctx.labels(URIRef(r.focus_node[1:-1]) for r in report.results if r.focus_node.startswith("<"))
    prefixes = report.prefixes

    by_file: dict[str | None, list[Result]] = defaultdict(list)
    for r in report.results:
        by_file[r.file].append(r)
    groups = []
    for file, results in by_file.items():
        graph = graphs.get(file)
        findings = [_finding(ctx, r, labels, prefixes) for r in sorted(results, key=_order)]
        count = {s: sum(1 for r in results if r.severity == s) for s in SEVERITY_ORDER}
        groups.append({
            "file": file,
            "graph": graph,
            "graph_href": ctx.urls.graph(graph) if graph else None,
            "outcomes": outcomes.get(graph or "", []),
            "violations": count["Violation"],
            "warnings": count["Warning"],
            "infos": count["Info"],
            "findings": findings,
        })
    groups.sort(key=lambda g: (-g["violations"], -g["warnings"], -g["infos"], g["file"] or "~"))
    for i, g in enumerate(groups, 1):
        g["id"] = f"file-{i}"
    view["groups"] = groups
    view["totals"] = _totals(report.results, len(groups))
    view["checks"] = [{"name": run.name, "file": run.file, "summary": run.summary,
                       "severity": SEVERITY_WORDS.get(run.severity, run.severity.lower()),
                       "findings": run.findings} for run in report.rules]
    return view


def as_json(view: dict) -> dict:
    """The view for machines: every finding with its terms as written (N-Triples), not shortened for reading."""
    return {**view, "groups": [{**g, "findings": [{k: v for k, v in f.items() if k != "shown"}
                                                  for f in g["findings"]]} for g in view["groups"]]}


def _status(kept: Kept | None, version: Version, manifest: dict) -> dict:
    if kept is None:
        if manifest.get("validated") is False:
            why = "This dataset version was built without validation (kg build --no-validate)."
        else:
            why = "No validation report was kept for this dataset version."
        return {"state": "none", "current": False, "note": f"{why} Run `kg build` to validate it and keep the report."}
    if kept.content_hash != version.content_hash and not kept.report.conforms:
        return {"state": "refused", "current": False,
                "note": "kg build refused the data this report is of: it has violations, listed first below. "
                        f"The store still serves dataset version {version.name}. Fix the violations and run "
                        "`kg build` again."}
    if kept.content_hash != version.content_hash:
        return {"state": "stale", "current": False,
                "note": "The data has changed since this report was made (kg ingest or a partner write since the "
                        "last build): what it lists may be fixed already, and new records are not in it. "
                        "Run `kg build` for a current report."}
    return {"state": "current", "current": True, "note": ""}


def _totals(results, files: int) -> dict:
    rules = sum(1 for r in results if r.from_rule)
    return {
        "findings": len(results),
        "violations": sum(1 for r in results if r.severity == "Violation"),
        "warnings": sum(1 for r in results if r.severity == "Warning"),
        "infos": sum(1 for r in results if r.severity == "Info"),
        "nodes": len({r.focus_node for r in results}),
        "files": files,
        "from_shapes": len(results) - rules,
        "from_rules": rules,
    }


def _order(r: Result):
    return (SEVERITY_ORDER.get(r.severity, 3), r.line or 0, r.focus_node, r.source_shape, r.path or "", r.value or "")


def _outcomes_by_graph(ctx: Context) -> dict[str, list[dict]]:
    """Graph IRI -> the outcomes it states, with their labels and pages."""
    found: dict[str, dict[str, dict]] = defaultdict(dict)
    rows = ctx.rows("quality-outcomes-by-graph", aggregate=True)
    labels = ctx.labels(r["outcome"] for r in rows if isinstance(r.get("outcome"), URIRef))
    for r in rows:
        outcome = r.get("outcome")
        if not isinstance(outcome, URIRef):
            continue
        graph = str(r["graph"])
        found[graph][str(outcome)] = {"iri": str(outcome), "label": labels.get(outcome) or str(outcome),
                                      "href": ctx.urls.page(str(outcome))}
    return {g: sorted(o.values(), key=lambda x: x["label"]) for g, o in found.items()}


def _finding(ctx: Context, r: Result, labels: dict, prefixes) -> dict:
    is_iri = r.focus_node.startswith("<")
    iri = r.focus_node[1:-1] if is_iri else None
    label = labels.get(URIRef(iri)) if iri else None
    m = _IRI.match(r.source_shape)  # a named shape; an unnamed one is "<parent> sh:property [ ... ]"
    shape = m.group(1) if m else None

    def c(text: str | None) -> str | None:
        return compact(text, prefixes) if text else text

    return {
        "severity": SEVERITY_WORDS.get(r.severity, r.severity.lower()),
        "focus_node": r.focus_node,
        "label": label,
        "href": ctx.urls.page(iri) if iri else None,
        "file": r.file,
        "line": r.line,
        "check": r.source_shape,
        "rule": r.from_rule,
        "path": r.path,
        "value": r.value,
        "message": r.message,
        "shown": {
            "node": label or c(r.focus_node) or r.focus_node,
            "iri": c(r.focus_node) if iri else None,
            "check": r.source_shape.rsplit("/", 1)[-1].removesuffix(".rq") if r.from_rule else c(r.source_shape),
            "check_href": ctx.urls.page(shape) if shape and ctx.urls.is_local(shape) else None,
            "path": c(r.path),
            "value": c(r.value),
            "message": c(r.message),
        },
    }

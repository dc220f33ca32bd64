"""SHACL validation (the layer above :mod:`kg.query` and :mod:`kg.store`).

``engine`` runs the SHACL engine on graphs; ``report`` is the typed report; ``core``
validates the project's files; ``rules`` runs the quality rules (``shapes/rules/*.rq``,
SPARQL that must return nothing) over them; ``stored`` keeps the report of a build beside
the store; ``shards`` splits a large graph over processes; ``incremental`` checks an
ingest batch or a partner graph against what the store holds.
"""

from __future__ import annotations

from kg.validate.core import load_shapes, shapes_and_ontology, validate_files
from kg.validate.engine import check_shapes, materialise_types, superclasses, validate_graph
from kg.validate.report import SH, Report, Result, RuleRun, format_report
from kg.validate.rules import Rule, load_rules, run_rules

__all__ = [
    "SH",
    "Report",
    "Result",
    "Rule",
    "RuleRun",
    "check_shapes",
    "format_report",
    "load_rules",
    "load_shapes",
    "materialise_types",
    "run_rules",
    "shapes_and_ontology",
    "superclasses",
    "validate_files",
    "validate_graph",
]

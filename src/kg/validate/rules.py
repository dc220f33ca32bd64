"""Quality rules: SPARQL queries that must return nothing, one per file in ``shapes/rules/``.

SHACL checks one node at a time; a quality rule asks a question of the whole graph
that no shape can, such as "which two organizations have the same name?". Each
``shapes/rules/{name}.rq`` is one SELECT query whose rows are findings, with a
``#+`` header (YAML, as the canned queries have) that gives its contract::

    #+ summary: Two things of one kind have the same name    (required, one line)
    #+ severity: violation                                   (required: violation, warning or info)
    #+ description: >                                         (optional)
    #+   What the rule looks for and why.

Each row is one finding: ``?focus`` (the node that is wrong, an IRI or a blank node)
and ``?message`` (what is wrong and what to do) are required; ``?value`` (the
offending value) and ``?path`` (the property, an IRI) are optional. A finding becomes
a :class:`~kg.validate.report.Result` like a SHACL result, with the rule's file as
its ``source_shape``, the component :data:`~kg.validate.report.RULE`, and the file
and line its focus node is written at. A violation makes the data non-conforming, as
a SHACL violation does; warnings and infos are reported.

The rules run on the pyoxigraph store the validation has: every ``data/*.ttl`` file
in its named graph and ``ontology/*.ttl`` in theirs (so ``rdfs:subClassOf*`` finds
subclasses), the union as the default graph. They are written against the default
base and rebased as the data files are. Keep each rule one pass over the graph
(``GROUP BY``, joins on keys), never a query per node.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

import pyoxigraph as ox
import yaml

from kg.config import DEFAULT_BASE, Settings
from kg.errors import LoadError, ParseError
from kg.rdf import iris
from kg.rdf import sources as src
from kg.validate.report import RULE, Locator, Report, Result, RuleRun, result_order

logger = logging.getLogger(__name__)

#: Where the rules live, under the project folder.
FOLDER = ("shapes", "rules")
HEADER_KEYS = ("summary", "severity", "description")
SEVERITIES = {"violation": "Violation", "warning": "Warning", "info": "Info"}
_NAME = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
_POSITION = re.compile(r"(\d+):(\d+)")


@dataclass(frozen=True)
class Rule:
    name: str          # the file stem: near-duplicate-labels
    file: str          # as users see it: shapes/rules/near-duplicate-labels.rq
    summary: str
    severity: str      # Violation, Warning or Info
    description: str
    text: str          # the whole file, its IRIs under the configured base


def rules_dir(settings: Settings) -> Path:
    return settings.root.joinpath(*FOLDER)


def load_rules(settings: Settings) -> list[Rule]:
    """Every ``shapes/rules/*.rq``, by name; none when the folder does not exist."""
    folder = rules_dir(settings)
    if not folder.is_dir():
        return []
    rules = []
    for path in sorted(folder.glob("*.rq")):
        rel = "/".join((*FOLDER, path.name))
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise ParseError(f"cannot read the rule: {e}", file=rel) from None
        rules.append(parse_rule(text, rel, settings.base))
    return rules


def parse_rule(text: str, file: str, base: str = DEFAULT_BASE) -> Rule:
    """One rule file: its header checked, its query parsed and its columns checked (ParseError if not)."""
    name = Path(file).stem
    if not _NAME.match(name):
        raise ParseError("name the rule file for what it finds, in lower-case words joined by '-' "
                         "(near-duplicate-labels.rq)", file=file)
    lines = text.splitlines()
    header = []
    for line in lines:
        if not line.startswith("#+"):
            break
        header.append(line[2:].removeprefix(" "))
    if not header:
        raise ParseError("no '#+' header: start the file with '#+ summary: ...' and '#+ severity: ...'",
                         file=file, line=1)
    try:
        meta = yaml.safe_load("\n".join(header))
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise ParseError(f"the '#+' header is not valid YAML: {getattr(e, 'problem', None) or e}", file=file,
                         line=mark.line + 1 if mark else 1) from None
    if not isinstance(meta, dict):
        raise ParseError("the '#+' header must be 'key: value' lines", file=file, line=1)
    if unknown := [k for k in meta if k not in HEADER_KEYS]:
        raise ParseError(f"unknown header key {unknown[0]!r}; known keys: {', '.join(HEADER_KEYS)}", file=file)
    summary = meta.get("summary")
    if not isinstance(summary, str) or not summary.strip() or "\n" in summary.strip():
        raise ParseError("'summary' is required: one line that says what the rule finds", file=file)
    severity = str(meta.get("severity", "")).strip().lower()
    if severity not in SEVERITIES:
        raise ParseError(f"'severity' is required: one of {', '.join(SEVERITIES)}", file=file)
    description = meta.get("description") or ""
    if not isinstance(description, str):
        raise ParseError("'description' must be text", file=file)
    sparql = iris.rebase(text, base)
    try:
        answer = ox.Store().query(sparql)
    except SyntaxError as e:
        m = _POSITION.search(str(e))
        raise ParseError(f"SPARQL syntax error: {e}", file=file, line=int(m.group(1)) if m else None,
                         column=int(m.group(2)) if m else None) from None
    if not isinstance(answer, ox.QuerySolutions):
        raise ParseError("a rule is a SELECT query (its rows are the findings)", file=file)
    columns = {v.value for v in answer.variables}
    if missing := [c for c in ("focus", "message") if c not in columns]:
        raise ParseError(f"the query must select {' and '.join('?' + c for c in missing)} "
                         "(and may select ?value and ?path)", file=file)
    return Rule(name, file, summary.strip(), SEVERITIES[severity], description.strip(), sparql)


def run_rules(store: ox.Store, rules: Iterable[Rule],
              locate: Locator | None = None) -> tuple[list[Result], list[RuleRun]]:
    """The findings of each rule on ``store`` (default graph: the union), placed with ``locate``."""
    found: list[Result] = []
    runs: list[RuleRun] = []
    for rule in rules:
        started = time.perf_counter()
        try:
            rows = list(store.query(rule.text, use_default_graph_as_union=True))
        except (OSError, RuntimeError, ValueError) as e:
            raise LoadError(f"{rule.file}: the rule failed: {e}") from None
        results = {_result(rule, row, locate) for row in rows}
        results.discard(None)
        seconds = time.perf_counter() - started
        found.extend(results)  # type: ignore[arg-type]
        runs.append(RuleRun(rule.name, rule.file, rule.summary, rule.severity, len(results), round(seconds, 3)))
        logger.info("rule %s: %d finding(s) in %.2fs", rule.name, len(results), seconds)
    return found, runs


def _result(rule: Rule, row: ox.QuerySolution, locate: Locator | None) -> Result | None:
    focus, message = row["focus"], row["message"]
    if not isinstance(focus, (ox.NamedNode, ox.BlankNode)):
        return None  # an unbound or literal focus is no node to point at
    value, path = row["value"], row["path"]
    file, line = locate(src.to_rdflib(focus)) if locate is not None else (None, None)
    return Result(
        severity=rule.severity,
        source_shape=rule.file,
        focus_node=str(focus),
        path=str(path) if isinstance(path, ox.NamedNode) else None,
        value=str(value) if value is not None else None,
        message=message.value if message is not None else rule.summary,
        file=file,
        line=line,
        component=RULE,
    )


def with_findings(report: Report, findings: Iterable[Result], runs: Iterable[RuleRun]) -> Report:
    """``report`` with the rules' findings among its results; a rule's violation makes it non-conforming."""
    results = tuple(sorted((*report.results, *findings), key=result_order))
    return replace(report, results=results, rules=tuple(runs),
                   conforms=not any(r.severity == "Violation" for r in results))

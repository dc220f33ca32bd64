"""The catalogue of canned queries: ``queries/*.rq``, their headers and parameters.

A canned query is one SPARQL file whose name is its API name
(``list-outcomes-by-sdg-target.rq`` → ``list-outcomes-by-sdg-target``) and whose
leading ``#+`` comment lines hold a YAML header, its contract::

    #+ summary: Outcomes that address a given SDG target
    #+ description: >
    #+   Each outcome with its country and date for the SDG target given.
    #+ tags: [outcomes, sdg]
    #+ params:
    #+   - name: target          # binds the SPARQL variable ?target
    #+     type: sdg-target      # one of PARAM_TYPES
    #+     required: false
    #+     example: "1.3"
    #+ example_rows: 1           # optional

Header keys: ``summary`` (required, one line), ``description``, ``tags``,
``params`` and ``example_rows``. Parameter keys: ``name``, ``type`` (both
required), ``required`` (default false), ``default``, ``example`` and
``description``. The header is comments, so the file stays runnable SPARQL: an
unbound parameter variable means "any".

Parameters are *bound*, never spliced into the text: :func:`bind` turns the raw
strings of a request into typed RDF terms and :func:`run` hands them to
pyoxigraph as ``substitutions``. pyoxigraph substitutes only variables of the
SELECT clause, and keeps rows where the variable is unbound inside OPTIONAL, so
a query uses each parameter in its SELECT clause and in a required triple
pattern, or in a filter of the form ``FILTER(COALESCE(?x >= ?param, true))``;
never in ``BOUND()`` or ``BIND``. :func:`load_catalogue` checks the first
condition by running each query once, on an empty store.

This module knows nothing of HTTP: the web layer and the CLI both call it.
"""

from __future__ import annotations

import dataclasses
import datetime
import inspect
import logging
import re
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Union

import pyoxigraph as ox
import yaml

from kg.rdf import iris
from kg.sparql import binding
from kg.config import DEFAULT_BASE
from kg.errors import BadParameter, QueryError, QuerySyntaxError, StoreError, UnknownQuery

__all__ = [
    "PARAM_TYPES",
    "CannedQuery",
    "Param",
    "ParamType",
    "QueryFileError",
    "bind",
    "get_query",
    "load_catalogue",
    "parse_query",
    "run",
]

logger = logging.getLogger(__name__)

Term = Union[ox.NamedNode, ox.Literal]

XSD = "http://www.w3.org/2001/XMLSchema#"
HEADER_PREFIX = "#+"
HEADER_KEYS = ("summary", "description", "tags", "params", "example_rows")
PARAM_KEYS = ("name", "type", "required", "default", "example", "description")
QUERY_NAME_RE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)+$")  # {verb}-{noun}
VARIABLE_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_SYNTAX_POSITION_RE = re.compile(r"error at (\d+):(\d+)")


class QueryFileError(QueryError):
    """A file in ``queries/`` is not a valid canned query; names the file and line."""

    status = 500  # a broken catalogue is the server's fault, not the client's
    title = "bad canned query"

    def __init__(self, message: str, *, file: str, line: int | None = None,
                 column: int | None = None) -> None:
        self.file, self.line, self.column = file, line, column
        where = file if line is None else f"{file}:{line}"
        if line is not None and column is not None:
            where += f":{column}"
        super().__init__(f"{where}: {message}")


# -- Parameter types -------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ParamType:
    """How one parameter type reads a raw string: the form it accepts and the term it makes."""

    name: str
    pattern: re.Pattern[str] | None  # checked first; None accepts any text
    expected: str  # the accepted form, in words, for error messages
    example: str  # a valid raw value
    convert: Callable[[str, str], Term]  # (checked raw value, base) -> term


def _string(raw: str, base: str) -> Term:
    return ox.Literal(raw)


def _integer(raw: str, base: str) -> Term:
    return ox.Literal(str(int(raw)), datatype=ox.NamedNode(f"{XSD}integer"))


def _date(raw: str, base: str) -> Term:
    datetime.date.fromisoformat(raw)  # rejects 2021-02-30
    return ox.Literal(raw, datatype=ox.NamedNode(f"{XSD}date"))


def _iri(raw: str, base: str) -> Term:
    return ox.NamedNode(raw)


def _sdg_goal(raw: str, base: str) -> Term:
    if not 1 <= int(raw) <= 17:
        raise ValueError("there are 17 goals")
    return ox.NamedNode(f"{iris.SDG}{int(raw)}")


def _sdg_target(raw: str, base: str) -> Term:
    goal, target = raw.split(".")
    if not 1 <= int(goal) <= 17:
        raise ValueError("there are 17 goals")
    target = str(int(target)) if target.isdigit() else target
    return ox.NamedNode(f"{iris.SDG}{int(goal)}.{target}")


def _country(raw: str, base: str) -> Term:
    return ox.NamedNode(iris.thing("country", raw.lower(), base))


def _biennium(raw: str, base: str) -> Term:
    first, second = int(raw[:4]), int(raw[5:])
    if (first + 1) % 100 != second:
        raise ValueError("the years must follow each other")
    return ox.NamedNode(iris.thing("biennium", raw, base))


def _theme(raw: str, base: str) -> Term:
    return ox.NamedNode(iris.thing("theme", raw, base))


#: The UN M49 regions (data/regions.ttl, written by scripts/build_regions.py), by English name.
M49_REGIONS = {"africa": "002", "americas": "019", "asia": "142", "europe": "150", "oceania": "009"}


def _region(raw: str, base: str) -> Term:
    key = raw.strip().lower()
    code = M49_REGIONS.get(key, key)
    if code not in M49_REGIONS.values():
        raise ValueError(f"the regions are {', '.join(f'{n.capitalize()} ({c})' for n, c in M49_REGIONS.items())}")
    return ox.NamedNode(iris.thing("region", code, base))


PARAM_TYPES: dict[str, ParamType] = {
    t.name: t
    for t in (
        ParamType("string", None, "any text", "Beijing", _string),
        ParamType("integer", re.compile(r"^[+-]?\d+$"), "a whole number", "3145", _integer),
        ParamType("date", re.compile(r"^\d{4}-\d{2}-\d{2}$"), "a date written YYYY-MM-DD",
                  "2021-07-16", _date),
        ParamType("iri", re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]+$"),
                  "an absolute IRI", "https://w3id.org/spkg/id/organization/ilo", _iri),
        ParamType("sdg-goal", re.compile(r"^\d{1,2}$"), "an SDG goal number from 1 to 17",
                  "1", _sdg_goal),
        ParamType("sdg-target", re.compile(r"^\d{1,2}\.(\d{1,2}|[a-z])$"),
                  "an SDG target code: goal number, '.', target number or letter", "1.3",
                  _sdg_target),
        ParamType("country", re.compile(r"^[A-Za-z]{3}$"), "an ISO 3166-1 alpha-3 country code",
                  "CHN", _country),
        ParamType("biennium", re.compile(r"^\d{4}-\d{2}$"), "a biennium written YYYY-YY",
                  "2020-21", _biennium),
        ParamType("theme", re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$"),
                  "a theme key: lower case, words joined by '-'", "old-age", _theme),
        ParamType("region", re.compile(r"^([A-Za-z]+|\d{3})$"),
                  "a UN M49 region: its name or code", "Asia", _region),
    )
}


def convert(type_name: str, raw: str, base: str = DEFAULT_BASE) -> Term:
    """The RDF term for ``raw`` read as ``type_name``; ValueError says what is wrong."""
    ptype = PARAM_TYPES[type_name]
    if ptype.pattern is not None and not ptype.pattern.match(raw):
        raise ValueError(f"expected {ptype.expected}, such as {ptype.example}")
    try:
        return ptype.convert(raw, base)
    except ValueError as exc:
        raise ValueError(f"expected {ptype.expected}, such as {ptype.example} ({exc})") from None


# -- The catalogue ---------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Param:
    name: str
    type: str
    required: bool = False
    default: str | None = None
    example: str | None = None
    description: str = ""

    @property
    def expected(self) -> str:
        return PARAM_TYPES[self.type].expected


@dataclasses.dataclass(frozen=True)
class CannedQuery:
    name: str
    path: Path
    summary: str
    description: str
    tags: list[str]
    params: list[Param]
    text: str  # the whole file, header included: runnable as it is
    example_rows: int | None = None
    form: str = "SELECT"  # SELECT, CONSTRUCT, ASK or DESCRIBE

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


def load_catalogue(queries_dir: str | Path) -> dict[str, CannedQuery]:
    """Every ``*.rq`` file directly in ``queries_dir``, by name (sorted).

    Subfolders such as ``checks/`` are not part of the catalogue.
    """
    folder = Path(queries_dir)
    if not folder.is_dir():
        raise QueryError(f"no folder of canned queries at {folder}")
    catalogue: dict[str, CannedQuery] = {}
    for path in sorted(folder.glob("*.rq"), key=lambda p: p.name.removesuffix(".rq")):
        query = parse_query(path.read_text(encoding="utf-8"), path=path)
        catalogue[query.name] = query
    logger.debug("loaded %d canned queries from %s", len(catalogue), folder)
    return catalogue


def get_query(catalogue: Mapping[str, CannedQuery], name: str) -> CannedQuery:
    try:
        return catalogue[name]
    except KeyError:
        raise UnknownQuery(f"no canned query named {name!r}",
                           hint=f"known: {', '.join(sorted(catalogue))}") from None


def parse_query(text: str, *, path: str | Path) -> CannedQuery:
    """Read one canned query; its name is the file stem of ``path``."""
    path = Path(path)
    file = str(path)
    name = path.stem
    if not QUERY_NAME_RE.match(name):
        raise QueryFileError(
            f"file name {path.name!r} is not {{verb}}-{{noun}}.rq in lower case (list-outcomes.rq)",
            file=file)
    lines = text.splitlines()
    header_lines: list[str] = []
    for line in lines:
        if not line.startswith(HEADER_PREFIX):
            break
        header_lines.append(line[len(HEADER_PREFIX):].removeprefix(" "))
    if not header_lines:
        raise QueryFileError("no '#+' header: the file must start with '#+ summary: ...'",
                             file=file, line=1)
    for number, line in enumerate(lines[len(header_lines):], start=len(header_lines) + 1):
        if line.startswith(HEADER_PREFIX):
            raise QueryFileError("'#+' header lines must all come first, before any other line",
                                 file=file, line=number)

    header_text = "\n".join(header_lines)
    try:
        data = yaml.safe_load(header_text)
        root = yaml.compose(header_text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise QueryFileError(f"header is not valid YAML: {exc.problem or exc.context}",
                             file=file, line=mark.line + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        raise QueryFileError(f"header is not valid YAML: {exc}", file=file) from None
    if not isinstance(data, dict) or not isinstance(root, yaml.MappingNode):
        raise QueryFileError("header must be a YAML mapping (summary: ..., params: ...)",
                             file=file, line=1)
    scalar_keys = [(k, v) for k, v in root.value if isinstance(k, yaml.ScalarNode)]
    key_lines = {k.value: k.start_mark.line + 1 for k, _ in scalar_keys}
    value_nodes = {k.value: v for k, v in scalar_keys}

    def fail(message: str, key: str | None = None, line: int | None = None) -> QueryFileError:
        return QueryFileError(message, file=file,
                              line=line if line is not None else key_lines.get(key or "", 1))

    unknown = [k for k in data if k not in HEADER_KEYS]
    if unknown:
        raise fail(f"unknown header key {unknown[0]!r}; known keys: {', '.join(HEADER_KEYS)}",
                   unknown[0])
    summary = data.get("summary")
    if not isinstance(summary, str) or not summary.strip() or "\n" in summary.strip():
        raise fail("'summary' is required and must be one line of text", "summary")
    description = data.get("description", "")
    if description is None:
        description = ""
    if not isinstance(description, str):
        raise fail("'description' must be text", "description")
    tags = data.get("tags", [])
    if tags is None:
        tags = []
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise fail("'tags' must be a list of words ([outcomes, sdg])", "tags")
    example_rows = data.get("example_rows")
    if example_rows is not None and (
            isinstance(example_rows, bool) or not isinstance(example_rows, int) or example_rows < 0):
        raise fail("'example_rows' must be a whole number", "example_rows")

    params = _parse_params(data.get("params"), value_nodes.get("params"), fail)
    body = "\n".join(lines[len(header_lines):])
    searchable = strip_sparql(body)
    form_match = re.search(r"\b(SELECT|CONSTRUCT|ASK|DESCRIBE)\b", searchable, re.IGNORECASE)
    if not form_match:
        raise fail("no SELECT, CONSTRUCT, ASK or DESCRIBE after the header",
                   line=len(header_lines) + 1)
    for param, line in params:
        if not re.search(rf"[?$]{re.escape(param.name)}(?![A-Za-z0-9_])", searchable):
            raise fail(f"parameter {param.name!r} does not occur in the query as ?{param.name}",
                       line=line)
    query = CannedQuery(
        name=name,
        path=path,
        summary=summary.strip(),
        description=description.strip(),
        tags=list(tags),
        params=[p for p, _ in params],
        text=text,
        example_rows=example_rows,
        form=form_match.group(1).upper(),
    )
    _check_runs(query, dict((p.name, line) for p, line in params))
    return query


def _parse_params(value: Any, node: yaml.Node | None,
                  fail: Callable[..., QueryFileError]) -> list[tuple[Param, int]]:
    if value is None:
        return []
    if not isinstance(value, list) or not isinstance(node, yaml.SequenceNode):
        raise fail("'params' must be a list of parameters (- name: ..., type: ...)", "params")
    params: list[tuple[Param, int]] = []
    seen: set[str] = set()
    for item, item_node in zip(value, node.value):
        line = item_node.start_mark.line + 1
        if not isinstance(item, dict) or not isinstance(item_node, yaml.MappingNode):
            raise fail("each parameter must be a mapping with a name and a type", line=line)
        raw = {k.value: v for k, v in item_node.value if isinstance(k, yaml.ScalarNode)}
        unknown = [k for k in item if k not in PARAM_KEYS]
        if unknown:
            raise fail(f"unknown parameter key {unknown[0]!r}; known keys: {', '.join(PARAM_KEYS)}",
                       line=line)
        name = item.get("name")
        if not isinstance(name, str) or not VARIABLE_RE.match(name):
            raise fail("a parameter needs a 'name' that is a SPARQL variable name (letters, "
                       "digits, '_')", line=line)
        if name in seen:
            raise fail(f"parameter {name!r} is declared twice", line=line)
        seen.add(name)
        type_name = item.get("type")
        if type_name not in PARAM_TYPES:
            raise fail(f"parameter {name!r} has unknown type {type_name!r}; known types: "
                       f"{', '.join(PARAM_TYPES)}", line=line)
        required = item.get("required", False)
        if not isinstance(required, bool):
            raise fail(f"'required' of parameter {name!r} must be true or false", line=line)
        description = item.get("description") or ""
        if not isinstance(description, str):
            raise fail(f"'description' of parameter {name!r} must be text", line=line)
        # default and example are read as written (the YAML scalar's text), so
        # "1.10" stays "1.10" and 2021-07-16 is not turned into a date.
        texts: dict[str, str | None] = {}
        for key in ("default", "example"):
            scalar = raw.get(key)
            if scalar is None or item.get(key) is None:
                texts[key] = None
                continue
            if not isinstance(scalar, yaml.ScalarNode):
                raise fail(f"{key!r} of parameter {name!r} must be a single value", line=line)
            texts[key] = scalar.value
            try:
                convert(type_name, scalar.value)
            except ValueError as exc:
                raise fail(f"{key} {scalar.value!r} of parameter {name!r} is not valid: {exc}",
                           line=scalar.start_mark.line + 1) from None
        if required and texts["default"] is not None:
            raise fail(f"parameter {name!r} is required, so it cannot have a default", line=line)
        params.append((Param(name, type_name, required, texts["default"], texts["example"],
                             description.strip()), line))
    return params


def strip_sparql(text: str) -> str:
    """The query text without IRIs, string literals and comments (for searching)."""
    text = re.sub(r'"""(?:.|\n)*?"""|\'\'\'(?:.|\n)*?\'\'\'', '""', text)
    text = re.sub(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'', '""', text)
    text = re.sub(r"<[^<>\s]*>", "<>", text)
    return re.sub(r"#[^\n]*", "", text)


def _check_runs(query: CannedQuery, param_lines: dict[str, int]) -> None:
    """Run the query once on an empty store, every parameter bound to an example."""
    file = str(query.path)
    substitutions = {
        ox.Variable(p.name): convert(p.type, p.example or PARAM_TYPES[p.type].example)
        for p in query.params
    }
    try:
        ox.Store().query(query.text, substitutions=substitutions, use_default_graph_as_union=True)
    except SyntaxError as exc:
        match = _SYNTAX_POSITION_RE.search(str(exc))
        line, column = (int(match.group(1)), int(match.group(2))) if match else (None, None)
        raise QueryFileError(f"SPARQL syntax error: {exc}", file=file, line=line,
                             column=column) from None
    except RuntimeError as exc:
        # pyoxigraph only substitutes variables of the SELECT clause.
        match = re.search(r"variable \?(\w+)", str(exc))
        name = match.group(1) if match else None
        raise QueryFileError(
            f"parameter {name!r} must be in the SELECT clause (pyoxigraph binds only the "
            f"variables a query returns): {exc}",
            file=file, line=param_lines.get(name or "")) from None


# -- Binding and running ---------------------------------------------------------


def bind(query: CannedQuery, raw_values: Mapping[str, str | None],
         base: str = DEFAULT_BASE) -> dict[str, Term]:
    """Typed RDF terms for the raw parameter values of a request, by parameter name.

    An empty or missing value means "not given": the default is used if there is
    one, a required parameter raises BadParameter, an optional one stays unbound.
    """
    for name in raw_values:
        if query.param(name) is None:
            known = ", ".join(p.name for p in query.params) or "none"
            raise BadParameter(f"query {query.name!r} has no parameter {name!r} (its parameters: "
                               f"{known})", parameter=name)
    bound: dict[str, Term] = {}
    for param in query.params:
        raw = raw_values.get(param.name)
        raw = raw.strip() if raw is not None else ""
        if not raw:
            if param.default is None:
                if param.required:
                    raise BadParameter(
                        f"parameter {param.name!r} is required: give {param.expected}, such as "
                        f"{param.example or PARAM_TYPES[param.type].example}",
                        parameter=param.name)
                continue
            raw = param.default
        try:
            bound[param.name] = convert(param.type, raw, base)
        except ValueError as exc:
            raise BadParameter(f"parameter {param.name!r} got {raw!r}: {exc}",
                               parameter=param.name) from None
    return bound


def run(store: Any, query: CannedQuery, raw_values: Mapping[str, str | None] | None = None,
        *, base: str = DEFAULT_BASE) -> Any:
    """Run a canned query with its parameters bound; returns pyoxigraph's result.

    ``store`` is a :class:`pyoxigraph.Store` or any store whose ``query`` method
    takes pyoxigraph's ``substitutions`` and ``use_default_graph_as_union``
    keywords (:class:`kg.store.OxigraphStore` once it passes them on). The default graph is the union of all graphs. The result is what
    ``Store.query`` returns: QuerySolutions (SELECT), QueryTriples (CONSTRUCT,
    DESCRIBE) or QueryBoolean (ASK).
    """
    bound = bind(query, raw_values or {}, base)
    if not isinstance(store, ox.Store) and not _takes_substitutions(store):
        raise StoreError(f"{type(store).__name__}.query() takes no substitutions=, so it cannot "
                         "bind the parameters of a canned query")
    text = iris.rebase(query.text, base)
    substitutions = {ox.Variable(k): v for k, v in bound.items()}
    if isinstance(store, ox.Store):  # a store adapter does this itself
        text = binding.planned_with_values(text, substitutions)
    started = time.perf_counter()
    try:
        result = store.query(text, substitutions=substitutions, use_default_graph_as_union=True)
    except SyntaxError as exc:
        match = _SYNTAX_POSITION_RE.search(str(exc))
        raise QuerySyntaxError(f"{query.name}: {exc}",
                               line=int(match.group(1)) if match else None,
                               column=int(match.group(2)) if match else None) from None
    except OSError as exc:
        raise StoreError(f"the store cannot be read: {exc}") from exc
    logger.info("canned query %s %s in %.1f ms", query.name,
                {k: str(v) for k, v in bound.items()}, (time.perf_counter() - started) * 1000)
    return result


def _takes_substitutions(store: Any) -> bool:
    try:
        parameters = inspect.signature(store.query).parameters
    except (AttributeError, TypeError, ValueError):
        return False
    return "substitutions" in parameters or any(
        p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())

"""Every SPARQL query the product runs is a ``.rq`` file next to the code that runs it.

A layer keeps its queries in ``src/kg/<layer>/sparql/*.rq`` and reads them with
:mod:`kg.sparql.files`; values are bound as terms, or filled into a ``{{name}}``
placeholder by :func:`kg.sparql.files.fill` (IRIs, literals and integers only).
These tests keep it so: no query in a Python string (but the few listed in
:data:`ALLOWED`, each with its reason), every query file parses, says what it
answers, is used, and ships with the package.
"""

from __future__ import annotations

import ast
import fnmatch
import re
import tomllib
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.sparql import files

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "kg"
QUERY_FILES = sorted(PACKAGE.rglob("sparql/*.rq"))

#: A query: a query form, then (in the same string) WHERE or a group.
QUERY = re.compile(r"\b(SELECT|CONSTRUCT|ASK|DESCRIBE)\b[\s\S]*?(\bWHERE\b|\{)")

#: (module, how the string starts once its whitespace is collapsed; "…" for an f-string's values) -> why it stays.
ALLOWED = {
    ("store/base.py", "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g"):
        "the store layer's own triple count per graph (graph_counts), part of the store interface",
    ("store/remote.py", "SELECT * WHERE { GRAPH …"):
        "RemoteStore.quads_for_pattern: pyoxigraph's Store API over the SPARQL protocol",
    ("store/remote.py", "ASK { GRAPH … { ?s ?p ?o } }"):
        "RemoteStore.contains_named_graph: pyoxigraph's Store API over the SPARQL protocol",
    ("store/remote.py", "SELECT ?g WHERE { GRAPH ?g"):
        "RemoteStore.named_graphs: pyoxigraph's Store API over the SPARQL protocol",
    ("store/remote.py", "ASK {}"):
        "RemoteStore.engine: a ping whose answer's Server header names the engine, asks nothing about the data",
    ("store/remote.py", "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g"):
        "RemoteStore.__len__: pyoxigraph's Store API over the SPARQL protocol",
    ("store/remote.py", "ASK { GRAPH ?g { ?s ?p ?o } }"):
        "check_union: a probe of how the external store answers, not a question about the data",
    ("store/remote.py", "ASK { ?s ?p ?o }"):
        "check_union: a probe of how the external store answers, not a question about the data",
    ("web/health.py", "ASK {}"):
        "the health check's ping of the external store: asks nothing about the data",
    ("web/openapi.py", "SELECT * WHERE { ?s ?p ?o } LIMIT 10"):
        "an example value in the OpenAPI document, never run",
    ("web/editor.py", "# Outcomes and the SDG targets they address"):
        "the text the query editor opens with, for people to edit (built with the configured prefixes)",
}


def _docstrings(tree: ast.AST) -> set[int]:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
                    and isinstance(first.value.value, str):
                out.add(id(first.value))
    return out


def python_strings(path: Path) -> list[tuple[int, str]]:
    """(line, text) of each string literal of a module but its docstrings; an f-string's values as "…"."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _docstrings(tree)
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            skip.update(id(v) for v in node.values)
            text = "".join(v.value if isinstance(v, ast.Constant) else "…" for v in node.values)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            text = node.value
        else:
            continue
        out.append((node.lineno, text))
    return out


def inline_queries() -> list[tuple[str, int, str]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = path.relative_to(PACKAGE).as_posix()
        for line, text in python_strings(path):
            if QUERY.search(text):
                found.append((module, line, " ".join(text.split())))
    return found


def test_no_python_module_holds_a_sparql_query() -> None:
    wrong = [f"src/kg/{module}:{line}: {text[:90]}" for module, line, text in inline_queries()
             if not any(module == m and text.startswith(start) for m, start in ALLOWED)]
    assert not wrong, ("SPARQL belongs in a .rq file in the layer's sparql/ folder, read with "
                       "kg.sparql.files (values bound, or filled by files.fill):\n" + "\n".join(wrong))


def test_every_allowed_inline_query_still_exists() -> None:
    """The list of exceptions stays short and true: one that matches nothing any more goes."""
    found = inline_queries()
    stale = [f"{m}: {start}" for m, start in ALLOWED
             if not any(module == m and text.startswith(start) for module, _, text in found)]
    assert not stale, "remove these from ALLOWED:\n" + "\n".join(stale)


def test_the_detector_sees_queries_and_not_prose() -> None:
    assert QUERY.search("SELECT ?s WHERE { ?s ?p ?o }") and QUERY.search("ASK { ?s ?p ?o }")
    assert QUERY.search("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }") and QUERY.search("DESCRIBE … WHERE")
    for prose in ("send SELECT, ASK, CONSTRUCT or DESCRIBE queries only", "parameter … must be in the SELECT clause",
                  "select a format", "table for SELECT/ASK, turtle for CONSTRUCT/DESCRIBE"):
        assert not QUERY.search(prose), prose


def test_there_are_query_files() -> None:
    layers = {p.parent.parent.name for p in QUERY_FILES}
    assert {"site", "publish", "ingest", "web"} <= layers, layers


def _example(sparql: str, name: str) -> object:
    """A harmless value for a placeholder, by where it stands: a number after LIMIT or OFFSET,
    rows of the right width in a VALUES block, else an IRI."""
    at = sparql.index("{{" + name + "}}")
    before = sparql[:at]
    if re.search(r"\b(LIMIT|OFFSET)\s*$", before, re.IGNORECASE):
        return 1
    iri = ox.NamedNode("urn:x-spkg:example")
    block = re.search(r"\bVALUES\s*(\?\w+|\(([^)]*)\))\s*\{\s*$", before, re.IGNORECASE)
    if block:
        width = len(block.group(2).split()) if block.group(2) is not None else 1
        return [tuple([iri] * width)] if width > 1 else [iri]
    return iri


def filled(path: Path) -> str:
    sparql = path.read_text(encoding="utf-8")
    return files.fill(sparql, **{name: _example(sparql, name) for name in files.placeholders(sparql)})


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_every_query_file_parses(path: Path) -> None:
    sparql = filled(path)
    try:
        ox.Store().query(sparql, use_default_graph_as_union=True)
    except SyntaxError as e:
        pytest.fail(f"{path.relative_to(ROOT)} does not parse: {e}")


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_every_query_file_says_what_it_answers_and_is_named_for_it(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    header = []
    for line in lines:
        if not line.startswith("#"):
            break
        header.append(line)
    assert header and header[0].startswith("# ") and len(header[0]) > 12 and len(header) <= 2, \
        f"{path.relative_to(ROOT)}: start with a one- or two-line comment that says what the query answers " \
        "and where it is used"
    assert re.fullmatch(r"[a-z]{2,}[a-z0-9]*(-[a-z0-9]+)*", path.stem), f"{path.name}: name it for what it answers"


def test_every_query_file_is_used() -> None:
    names = {text for p in PACKAGE.rglob("*.py") for _, text in python_strings(p)}
    unused = [p.relative_to(ROOT).as_posix() for p in QUERY_FILES if p.stem not in names]
    assert not unused, "query files no module names:\n" + "\n".join(unused)


def test_every_query_file_ships_with_the_package() -> None:
    setup = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    patterns = setup["package-data"]["kg"]
    missing = [p.relative_to(ROOT).as_posix() for p in QUERY_FILES
               if not any(fnmatch.fnmatch(p.relative_to(PACKAGE).as_posix(), pat) for pat in patterns)]
    assert not missing, "add a [tool.setuptools.package-data] pattern for:\n" + "\n".join(missing)


def test_the_dashboard_counts_are_the_canned_query_get_dashboard_counts() -> None:
    """One query, two doors: the home page's counts and /api/queries/get-dashboard-counts."""
    def body(text: str) -> str:
        return "\n".join(line for line in text.splitlines() if not line.startswith("#")).strip()

    site = files.text("kg.site", "dashboard-counts")
    canned = (ROOT / "queries" / "get-dashboard-counts.rq").read_text(encoding="utf-8")
    assert body(canned) == body(site), \
        "queries/get-dashboard-counts.rq is src/kg/site/sparql/dashboard-counts.rq with a #+ header: copy it over"


# -- the loader and the placeholders --------------------------------------------------------

def test_text_puts_the_iris_under_the_configured_base() -> None:
    default = files.text("kg.site", "outcome-list")
    assert "<https://w3id.org/spkg/def/kg#>" in default
    moved = files.text("kg.site", "outcome-list", "https://example.org/kg/")
    assert "<https://example.org/kg/def/kg#>" in moved and "w3id.org" not in moved
    with pytest.raises(ValueError):
        files.text("kg.site", "../views")
    with pytest.raises(FileNotFoundError):
        files.text("kg.site", "no-such-query")


def test_fill_writes_terms_and_rows_as_sparql() -> None:
    a, b = ox.NamedNode("http://example.org/a"), ox.NamedNode("http://example.org/b")
    sparql = "SELECT * WHERE { VALUES ?x { {{xs}} } VALUES (?s ?p) { {{pairs}} } ?x ?p {{o}} } LIMIT {{n}}"
    done = files.fill(sparql, xs=[a, b], pairs=[(a, b)], o=ox.Literal('say "hi"\n'), n=5)
    assert done == ('SELECT * WHERE { VALUES ?x { <http://example.org/a> <http://example.org/b> } '
                    'VALUES (?s ?p) { (<http://example.org/a> <http://example.org/b>) } '
                    '?x ?p "say \\"hi\\"\\n" } LIMIT 5')
    ox.Store().query(done)


def test_fill_leaves_out_the_lines_of_an_optional_part() -> None:
    sparql = "SELECT ?o WHERE {\n  ?o a ?t .\n  ?o <http://example.org/country> {{country}} .\n}"
    assert files.fill(sparql, country=None) == "SELECT ?o WHERE {\n  ?o a ?t .\n}"


def test_fill_takes_no_raw_text_and_wants_every_placeholder() -> None:
    sparql = "SELECT ?o WHERE { ?o ?p {{value}} }"
    for raw in ("<http://evil.example/> } ; DROP ALL #", b"bytes", True, 1.5, ox.BlankNode("b"), [object()]):
        with pytest.raises(TypeError):
            files.fill(sparql, value=raw)
    with pytest.raises(KeyError):
        files.fill(sparql)
    with pytest.raises(KeyError):
        files.fill(sparql, value=ox.Literal("x"), other=1)

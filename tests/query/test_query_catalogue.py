"""The catalogue of canned queries: headers, parameter types, binding, errors.

The first part checks kg.sparql.catalogue on small queries written here; the last part
checks the project's own queries/*.rq (their answers are in test_queries.py).
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg import errors
from kg.sparql import catalogue as queries
from kg.sparql.catalogue import CannedQuery, Param, QueryFileError, bind, load_catalogue, parse_query, run

pytestmark = pytest.mark.storeless  # run once: the external-store pass has nothing to add

ROOT = Path(__file__).resolve().parents[2]
QUERIES_DIR = ROOT / "queries"
XSD = "http://www.w3.org/2001/XMLSchema#"
BASE = "https://w3id.org/spkg/"

GOOD = """\
#+ summary: Outcomes that address a given SDG target
#+ description: >
#+   Each outcome with its country and date
#+   for the SDG target given.
#+ tags: [outcomes, sdg]
#+ params:
#+   - name: target
#+     type: sdg-target
#+     required: false
#+     example: "1.10"
#+     description: An SDG target code.
#+   - name: since
#+     type: date
#+     default: 2020-01-01
#+ example_rows: 2

PREFIX kg: <https://w3id.org/spkg/def/kg#>

SELECT ?outcome ?target ?since
WHERE {
  ?outcome kg:sdgTarget ?target ;   # the target
           kg:reportedDate ?date .
  FILTER(COALESCE(?date >= ?since, true))
}
ORDER BY ?outcome
"""

BODY = """
PREFIX kg: <https://w3id.org/spkg/def/kg#>
SELECT ?x ?target WHERE { ?x kg:sdgTarget ?target }
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def parse(text: str, name: str = "list-things.rq") -> CannedQuery:
    return parse_query(text, path=Path("queries") / name)


def header_error(text: str, name: str = "list-things.rq") -> QueryFileError:
    with pytest.raises(QueryFileError) as info:
        parse(text, name)
    return info.value


def one_param(type_name: str, *, required: bool = False, default: str | None = None) -> CannedQuery:
    lines = ["#+ summary: s", "#+ params:", "#+   - name: v", f"#+     type: {type_name}",
             f"#+     required: {'true' if required else 'false'}"]
    if default is not None:
        lines.append(f"#+     default: '{default}'")
    return parse("\n".join(lines) + "\nSELECT ?v WHERE { ?s ?p ?v }\n")


# -- Header parsing ------------------------------------------------------------------


def test_header_is_parsed_into_a_canned_query() -> None:
    q = parse(GOOD, "list-outcomes-by-sdg-target.rq")
    assert q.name == "list-outcomes-by-sdg-target"
    assert q.path == Path("queries/list-outcomes-by-sdg-target.rq")
    assert q.summary == "Outcomes that address a given SDG target"
    assert q.description == "Each outcome with its country and date for the SDG target given."
    assert q.tags == ["outcomes", "sdg"]
    assert q.example_rows == 2
    assert q.form == "SELECT"
    assert q.text == GOOD  # the whole file: runnable as it is
    assert q.params == [
        Param("target", "sdg-target", False, None, "1.10", "An SDG target code."),
        Param("since", "date", False, "2020-01-01", None, ""),
    ]


def test_example_and_default_are_kept_as_written() -> None:
    # YAML would read 1.10 as the float 1.1 and 2020-01-01 as a date.
    q = parse(GOOD.replace('example: "1.10"', "example: 1.10"))
    assert q.param("target").example == "1.10"
    assert q.param("since").default == "2020-01-01"


def test_optional_keys_have_defaults() -> None:
    q = parse("#+ summary: Everything\nSELECT * WHERE { ?s ?p ?o }\n")
    assert (q.description, q.tags, q.params, q.example_rows) == ("", [], [], None)
    assert q.form == "SELECT"


def test_query_forms_are_recognised() -> None:
    assert parse("#+ summary: s\nASK { ?s ?p ?o }\n").form == "ASK"
    assert parse("#+ summary: s\n# SELECT in a comment\nCONSTRUCT WHERE { ?s ?p ?o }\n").form == "CONSTRUCT"


def test_load_catalogue_reads_rq_files_by_name(tmp_path: Path) -> None:
    write(tmp_path, "list-b.rq", "#+ summary: B\nSELECT * WHERE { ?s ?p ?o }\n")
    write(tmp_path, "list-a.rq", "#+ summary: A\nSELECT * WHERE { ?s ?p ?o }\n")
    write(tmp_path, "notes.txt", "not a query")
    (tmp_path / "checks").mkdir()
    write(tmp_path / "checks", "orphan-violation.rq", "SELECT * WHERE { ?s ?p ?o }\n")
    catalogue = load_catalogue(tmp_path)
    assert list(catalogue) == ["list-a", "list-b"]
    assert catalogue["list-a"].path == tmp_path / "list-a.rq"


def test_load_catalogue_of_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(errors.QueryError):
        load_catalogue(tmp_path / "nowhere")


def test_get_query_raises_unknown_query(tmp_path: Path) -> None:
    write(tmp_path, "list-a.rq", "#+ summary: A\nSELECT * WHERE { ?s ?p ?o }\n")
    catalogue = load_catalogue(tmp_path)
    assert queries.get_query(catalogue, "list-a").summary == "A"
    with pytest.raises(errors.UnknownQuery) as info:
        queries.get_query(catalogue, "list-b")
    assert info.value.status == 404


# -- Header errors: a QueryError subclass naming the file and the line ---------------------


@pytest.mark.parametrize("text, line, words", [
    # bad YAML: an unclosed flow sequence on line 2
    ("#+ summary: s\n#+ tags: [a, b\n#+ params: []\nSELECT * WHERE { ?s ?p ?o }\n", 3, "YAML"),
    # unknown parameter type, on the line of the parameter
    ("#+ summary: s\n#+ params:\n#+   - name: v\n#+     type: number\nSELECT ?v WHERE { ?s ?p ?v }\n",
     3, "unknown type 'number'"),
    # a parameter whose ?variable the query never uses (a comment does not count)
    ("#+ summary: s\n#+ tags: [x]\n#+ params:\n#+   - name: target\n#+     type: sdg-target\n"
     "# ?target\nSELECT ?s WHERE { ?s ?p ?o }\n", 4, "?target"),
    # ?targets is another variable
    ("#+ summary: s\n#+ params:\n#+   - name: target\n#+     type: iri\nSELECT ?targets WHERE { ?s ?p ?targets }\n",
     3, "?target"),
    # no summary
    ("#+ description: d\nSELECT * WHERE { ?s ?p ?o }\n", 1, "summary"),
    # unknown header key
    ("#+ summary: s\n#+ endpoint: http://example.org/sparql\nSELECT * WHERE { ?s ?p ?o }\n", 2, "endpoint"),
    # unknown parameter key
    ("#+ summary: s\n#+ params:\n#+   - name: v\n#+     type: iri\n#+     enum: [a]\nSELECT ?v WHERE { ?s ?p ?v }\n",
     3, "enum"),
    # a parameter name that is no SPARQL variable
    ("#+ summary: s\n#+ params:\n#+   - name: sdg-target\n#+     type: iri\nSELECT * WHERE { ?s ?p ?o }\n",
     3, "name"),
    # declared twice
    ("#+ summary: s\n#+ params:\n#+   - {name: v, type: iri}\n#+   - {name: v, type: iri}\n"
     "SELECT ?v WHERE { ?s ?p ?v }\n", 4, "twice"),
    # an example that its own type rejects
    ("#+ summary: s\n#+ params:\n#+   - name: v\n#+     type: sdg-target\n#+     example: '1.3.1'\n"
     "SELECT ?v WHERE { ?s ?p ?v }\n", 5, "example"),
    # required and a default
    ("#+ summary: s\n#+ params:\n#+   - name: v\n#+     type: integer\n#+     required: true\n"
     "#+     default: '1'\nSELECT ?v WHERE { ?s ?p ?v }\n", 3, "default"),
    # a parameter pyoxigraph cannot bind: not in the SELECT clause
    ("#+ summary: s\n#+ params:\n#+   - name: v\n#+     type: iri\nSELECT ?s WHERE { ?s ?p ?v }\n", 3, "SELECT clause"),
    # a header line after the query began
    ("#+ summary: s\nSELECT * WHERE { ?s ?p ?o }\n#+ tags: [late]\n", 3, "first"),
    # no header at all
    ("SELECT * WHERE { ?s ?p ?o }\n", 1, "header"),
    # a header that is not a mapping
    ("#+ - summary\nSELECT * WHERE { ?s ?p ?o }\n", 1, "mapping"),
])
def test_header_errors_name_file_and_line(text: str, line: int, words: str) -> None:
    err = header_error(text)
    assert isinstance(err, errors.QueryError)
    assert err.file == str(Path("queries/list-things.rq"))
    assert err.line == line
    assert words in str(err)
    assert str(err).startswith(f"{err.file}:{line}: ")


def test_sparql_syntax_error_names_line_and_column() -> None:
    err = header_error("#+ summary: s\nSELECT ?s\nWHERE { ?s ?p }\n")
    # pyoxigraph reports where its parser gave up (here the end of the text),
    # counted in file lines since the header is part of the query.
    assert err.line is not None and err.line >= 3 and err.column is not None
    assert "SPARQL syntax error" in str(err)


def test_file_name_must_be_verb_noun() -> None:
    err = header_error("#+ summary: s\nSELECT * WHERE { ?s ?p ?o }\n", name="Outcomes.rq")
    assert "Outcomes.rq" in str(err) and err.line is None


# -- Binding: raw strings to typed terms -------------------------------------------------


BIND_CASES = [
    ("string", "Beijing", ox.Literal("Beijing")),
    ("string", " 16 June ", ox.Literal("16 June")),
    ("integer", "3145", ox.Literal("3145", datatype=ox.NamedNode(f"{XSD}integer"))),
    ("integer", "+07", ox.Literal("7", datatype=ox.NamedNode(f"{XSD}integer"))),
    ("integer", "-2", ox.Literal("-2", datatype=ox.NamedNode(f"{XSD}integer"))),
    ("date", "2021-07-16", ox.Literal("2021-07-16", datatype=ox.NamedNode(f"{XSD}date"))),
    ("iri", "https://w3id.org/spkg/id/organization/ilo", ox.NamedNode(f"{BASE}id/organization/ilo")),
    ("iri", "urn:isbn:9789220000000", ox.NamedNode("urn:isbn:9789220000000")),
    ("sdg-target", "1.3", ox.NamedNode("http://metadata.un.org/sdg/1.3")),
    ("sdg-target", "3.8", ox.NamedNode("http://metadata.un.org/sdg/3.8")),
    ("sdg-target", "1.a", ox.NamedNode("http://metadata.un.org/sdg/1.a")),
    ("sdg-target", "17.19", ox.NamedNode("http://metadata.un.org/sdg/17.19")),
    ("sdg-goal", "1", ox.NamedNode("http://metadata.un.org/sdg/1")),
    ("sdg-goal", "17", ox.NamedNode("http://metadata.un.org/sdg/17")),
    ("country", "CHN", ox.NamedNode(f"{BASE}id/country/chn")),
    ("country", "chn", ox.NamedNode(f"{BASE}id/country/chn")),
    ("biennium", "2020-21", ox.NamedNode(f"{BASE}id/biennium/2020-21")),
    ("biennium", "1999-00", ox.NamedNode(f"{BASE}id/biennium/1999-00")),
    ("theme", "old-age", ox.NamedNode(f"{BASE}id/theme/old-age")),
    ("theme", "medical-health-care", ox.NamedNode(f"{BASE}id/theme/medical-health-care")),
]


@pytest.mark.parametrize("type_name, raw, term", BIND_CASES, ids=[f"{t}:{r.strip()}" for t, r, _ in BIND_CASES])
def test_bind_makes_typed_terms(type_name: str, raw: str, term: object) -> None:
    assert bind(one_param(type_name), {"v": raw}) == {"v": term}


BAD_CASES = [
    ("integer", "3,145", "whole number"),
    ("integer", "1.5", "whole number"),
    ("date", "16.07.2021", "YYYY-MM-DD"),
    ("date", "2021-02-30", "YYYY-MM-DD"),
    ("date", "2021-7-16", "YYYY-MM-DD"),
    ("iri", "organization/ilo", "absolute IRI"),
    ("iri", "https://example.org/a b", "absolute IRI"),
    ("iri", "<https://example.org/a>", "absolute IRI"),
    ("sdg-target", "1.3.1", "SDG target"),
    ("sdg-target", "1", "SDG target"),
    ("sdg-target", "18.1", "SDG target"),
    ("sdg-target", "0.1", "SDG target"),
    ("sdg-target", "1.A", "SDG target"),
    ("sdg-goal", "0", "SDG goal"),
    ("sdg-goal", "18", "SDG goal"),
    ("sdg-goal", "Goal 1", "SDG goal"),
    ("country", "CN", "alpha-3"),
    ("country", "China", "alpha-3"),
    ("biennium", "2020", "YYYY-YY"),
    ("biennium", "2020-22", "YYYY-YY"),
    ("biennium", "2020-2021", "YYYY-YY"),
    ("theme", "Old-age", "theme key"),
    ("theme", "medical / health care", "theme key"),
]


@pytest.mark.parametrize("type_name, raw, expected", BAD_CASES, ids=[f"{t}:{r}" for t, r, _ in BAD_CASES])
def test_bad_values_raise_bad_parameter_naming_it(type_name: str, raw: str, expected: str) -> None:
    with pytest.raises(errors.BadParameter) as info:
        bind(one_param(type_name), {"v": raw})
    err = info.value
    assert err.parameter == "v"
    assert err.status == 400
    assert "'v'" in str(err) and repr(raw) in str(err)
    assert expected in str(err)  # says what form is expected


def test_missing_required_parameter() -> None:
    q = one_param("sdg-target", required=True)
    for raw_values in ({}, {"v": ""}, {"v": "  "}, {"v": None}):
        with pytest.raises(errors.BadParameter) as info:
            bind(q, raw_values)
        assert info.value.parameter == "v"
        assert "required" in str(info.value) and "SDG target" in str(info.value)


def test_missing_optional_parameter_stays_unbound_or_takes_its_default() -> None:
    assert bind(one_param("sdg-target"), {}) == {}
    assert bind(one_param("sdg-target"), {"v": ""}) == {}
    assert bind(one_param("sdg-target", default="1.3"), {}) == {
        "v": ox.NamedNode("http://metadata.un.org/sdg/1.3")}
    assert bind(one_param("sdg-target", default="1.3"), {"v": "3.8"}) == {
        "v": ox.NamedNode("http://metadata.un.org/sdg/3.8")}


def test_unknown_parameter_is_named() -> None:
    with pytest.raises(errors.BadParameter) as info:
        bind(one_param("iri"), {"v": "urn:x", "country": "CHN"})
    assert info.value.parameter == "country"
    assert "its parameters: v" in str(info.value)


def test_code_types_follow_the_base() -> None:
    other = "https://kg.example.org/"
    assert bind(one_param("country"), {"v": "CHN"}, other) == {"v": ox.NamedNode(f"{other}id/country/chn")}
    # SDG IRIs are the UN's, whatever our base
    assert bind(one_param("sdg-goal"), {"v": "3"}, other) == {"v": ox.NamedNode("http://metadata.un.org/sdg/3")}


def test_every_type_has_a_valid_example() -> None:
    for name, ptype in queries.PARAM_TYPES.items():
        assert queries.convert(name, ptype.example) is not None


# -- Running ---------------------------------------------------------------------------


@pytest.fixture
def tiny_store() -> ox.Store:
    kg = "https://w3id.org/spkg/def/kg#"
    s = ox.Store()
    graph = ox.NamedNode(f"{BASE}graph/data/tiny")
    for key, target, date in (("a", "1.3", "2021-07-16"), ("b", "3.8", "2020-04-01")):
        outcome = ox.NamedNode(f"{BASE}id/outcome/{key}")
        s.add(ox.Quad(outcome, ox.NamedNode(f"{kg}sdgTarget"),
                      ox.NamedNode(f"http://metadata.un.org/sdg/{target}"), graph))
        s.add(ox.Quad(outcome, ox.NamedNode(f"{kg}reportedDate"),
                      ox.Literal(date, datatype=ox.NamedNode(f"{XSD}date")), graph))
    return s


def outcomes(result: ox.QuerySolutions) -> list[str]:
    return [row["outcome"].value.rsplit("/", 1)[1] for row in result]


def test_run_binds_parameters_on_the_union_graph(tiny_store: ox.Store) -> None:
    q = parse(GOOD)
    assert outcomes(run(tiny_store, q, {})) == ["a", "b"]  # unbound means any
    assert outcomes(run(tiny_store, q, {"target": "1.3"})) == ["a"]
    assert outcomes(run(tiny_store, q, {"target": "8.5"})) == []
    assert outcomes(run(tiny_store, q, {"since": "2021-01-01"})) == ["a"]


def test_run_rejects_bad_parameters_before_querying(tiny_store: ox.Store) -> None:
    with pytest.raises(errors.BadParameter):
        run(tiny_store, parse(GOOD), {"target": "1.3 } ; DROP ALL"})


def test_run_rebases_the_query(tiny_store: ox.Store) -> None:
    other = "https://kg.example.org/"
    moved = ox.Store()
    for quad in tiny_store:
        moved.add(ox.Quad(quad.subject, ox.NamedNode(quad.predicate.value.replace(BASE, other)),
                          quad.object, quad.graph_name))
    assert outcomes(run(moved, parse(GOOD), {"target": "3.8"}, base=other)) == ["b"]


def test_run_needs_a_store_that_binds() -> None:
    class NoSubstitutions:
        def query(self, sparql: str, *, use_default_graph_as_union: bool = True) -> None:
            raise AssertionError("not called")

    with pytest.raises(errors.StoreError):
        run(NoSubstitutions(), parse(GOOD), {})


def test_run_accepts_a_store_wrapper(tiny_store: ox.Store) -> None:
    class Wrapper:
        def query(self, sparql: str, **kwargs: object) -> ox.QuerySolutions:
            return tiny_store.query(sparql, **kwargs)

    assert outcomes(run(Wrapper(), parse(GOOD), {"target": "3.8"})) == ["b"]


# -- The project's queries/ ------------------------------------------------------------------

PROJECT_FILES = sorted(QUERIES_DIR.glob("*.rq"))
PREFIXED_NAME = re.compile(r"(?<![\w?$:<])([A-Za-z][\w-]*)?:(?=[A-Za-z_])")

# The competency questions of the issue, each answered by one query.
COMPETENCY_QUESTIONS = {
    "list-outcomes-by-sdg-target": "which outcomes address a given SDG target",
    "list-instrument-issuers": "who issued a given policy instrument",
    "list-commissioned-research": "which organizations the ILO commissioned for which research",
    "list-survey-samples": "the sample size and composition of a survey",
    "list-outcome-events": "the events that supported an outcome",
    "list-outcomes-by-theme": "outcomes by theme",
    "list-outcomes-by-country": "outcomes by country",
    "list-outcomes-by-biennium": "outcomes by biennium",
    "get-outcome-report": "a full report of one outcome",
    "list-instrument-coverage": "what an instrument covers",
    "get-source-record": "the source record text of an outcome",
    "list-organizations": "organizations with acronym, type and country",
    "list-activity-focus-groups": "population groups an activity focuses on",
    # issue 6: the analysts' workbench
    "list-outcomes-by-pb-indicator": "outcomes by P&B indicator",
    "list-gender-outcomes": "gender-focused outcomes",
    "list-outcomes-by-region": "which outcomes in a region address an SDG target",
    "count-outcomes-by-region": "outcomes per region over time",
    "list-organization-involvement": "organizations and everything they took part in",
    "list-outcome-activities": "ILO activities (research, surveys, seminars) per outcome",
    "get-dashboard-counts": "counts for the dashboard",
}


def test_project_catalogue_loads() -> None:
    catalogue = load_catalogue(QUERIES_DIR)
    assert list(catalogue) == sorted(p.stem for p in PROJECT_FILES)
    missing = set(COMPETENCY_QUESTIONS) - set(catalogue)
    assert not missing, f"competency questions without a query: {missing}"


@pytest.mark.parametrize("path", PROJECT_FILES, ids=[p.stem for p in PROJECT_FILES])
def test_project_query_is_well_formed(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    q = parse_query(text, path=path)
    assert q.summary and len(q.summary) <= 100 and not q.summary.endswith(".")
    assert q.description, "say what each row is"
    assert q.tags
    # without strings, IRIs and comments (header lines are comments too)
    body = re.sub(r'"(?:[^"\\\n]|\\.)*"|<[^<>\s]*>|#[^\n]*', "", text)
    declared = set(re.findall(r"^PREFIX\s+([A-Za-z][\w-]*)?:\s*$", body, re.MULTILINE | re.IGNORECASE))
    assert declared, "PREFIX lines, so the query can be pasted into any console"
    used = set(PREFIXED_NAME.findall(re.sub(r"(?im)^PREFIX\s+\S*:\s*$", "", body)))
    assert used <= declared, f"prefixes used but not declared: {used - declared}"
    assert not declared - used, f"prefixes declared but not used: {declared - used}"
    if q.form == "SELECT":
        assert re.search(r"\bORDER BY\b", body), "order rows so answers are deterministic"
    for param in q.params:
        assert re.search(rf"\?{param.name}\b", body)
        assert param.example, f"parameter {param.name!r} needs an example"
        assert param.description, f"parameter {param.name!r} needs a description"

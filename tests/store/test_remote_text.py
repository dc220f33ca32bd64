"""What spkg does to a query's text before an external store sees it (kg.store.remote, kg.sparql)."""

from __future__ import annotations

import re

import pytest

from kg.sparql import guard, syntax
from kg.store.remote import _relabel_blank_nodes

pytestmark = pytest.mark.storeless  # text only: the embedded pass covers it


def test_without_dataset_blanks_from_clauses_and_keeps_lines_and_columns():
    q = "PREFIX g: <http://g/>\nSELECT * FROM g:a\nFROM NAMED <http://b> WHERE { ?s ?p ?o }"
    out = guard.without_dataset(q)
    assert len(out) == len(q) and out.count("\n") == q.count("\n")
    assert "FROM" not in out and out.endswith("WHERE { ?s ?p ?o }")
    assert guard.dataset_iris(out) == ([], [])
    assert guard.without_dataset("SELECT * WHERE { ?s ?p ?o }") == "SELECT * WHERE { ?s ?p ?o }"


@pytest.mark.parametrize("query", ["SELECT * WHERE { ?s ?p ?o }", "ASK {}", "ASK FROM <http://g> { ?s ?p ?o }",
                                   "DESCRIBE <http://e/x>", "CONSTRUCT WHERE { ?s ?p ?o }",
                                   "SELECT * { <relative> ?p ?o }",
                                   # never evaluated: an ASK would call the SERVICE at once
                                   "ASK { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"])
def test_check_accepts_queries_without_running_them(query):
    syntax.check(query)


@pytest.mark.parametrize("query", ["CLEAR ALL", "SELECT ?x WHERE { ?x foaf:name ?n }", "SELECT ?x WHERE {\n  ?x ?y }"])
def test_check_refuses_what_the_embedded_store_refuses(query):
    with pytest.raises(SyntaxError):
        syntax.check(query)


def test_an_asks_error_column_is_the_asks_own():
    select_error = ask_error = None
    try:
        syntax.check("SELECT * { ?s ?p }")
    except SyntaxError as e:
        select_error = e.msg
    try:
        syntax.check("ASK { ?s ?p }")
    except SyntaxError as e:
        ask_error = e.msg
    # the same point in the text: the SELECT's column less the 5 characters 'SELECT *' has over 'ASK'
    assert int(ask_error.split(":")[1]) == int(select_error.split(":")[1]) - 5


def test_blank_node_labels_are_made_rdf_labels_the_same_each_time():
    answer = {"results": {"bindings": [{"o": {"type": "bnode", "value": "nodeID://b10003"}},
                                       {"o": {"type": "bnode", "value": "b1"}}]}}
    assert _relabel_blank_nodes(answer)
    first = answer["results"]["bindings"][0]["o"]["value"]
    assert re.fullmatch(r"[A-Za-z0-9_]+", first) and answer["results"]["bindings"][1]["o"]["value"] == "b1"
    again = {"results": {"bindings": [{"o": {"type": "bnode", "value": "nodeID://b10003"}}]}}
    _relabel_blank_nodes(again)
    assert again["results"]["bindings"][0]["o"]["value"] == first
    assert not _relabel_blank_nodes({"boolean": True})


def test_load_requests_are_cut_at_their_bytes_too_but_never_inside_a_graph_with_blank_nodes():
    """Oxigraph server refuses a body over 128 MiB: a 100,000-outcome build's first 500,000 triples were 608 MB."""
    import pyoxigraph as ox

    from kg.store.remote import _chunks

    def quad(n: int, graph: str, blank: bool = False) -> ox.Quad:
        subject = ox.BlankNode(f"b{n}") if blank else ox.NamedNode(f"http://e/s{n}")
        return ox.Quad(subject, ox.NamedNode("http://e/p"), ox.Literal("x" * 100), ox.NamedNode(graph))

    plain = [quad(n, "http://g/a") for n in range(10)]
    line = len(str(plain[0])) + 2
    chunks = list(_chunks(plain, batch=1000, max_bytes=3 * line))
    assert [len(c) for c in chunks] == [3, 3, 3, 1] and sum(chunks, []) == plain
    assert [len(c) for c in _chunks(plain, batch=4, max_bytes=10**9)] == [4, 4, 2]  # the triple count still holds
    with_blanks = [quad(n, "http://g/b", blank=n == 0) for n in range(10)] + plain[:2]
    chunks = list(_chunks(with_blanks, batch=1000, max_bytes=3 * line))
    assert [len(c) for c in chunks] == [10, 2], "a graph with blank nodes goes whole, then the cut resumes"

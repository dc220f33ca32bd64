"""The two SHACL engines (the setting ``shacl_engine``) find the same results on generated data with faults planted.

pyshacl-turbo (the default) against pyshacl (the reference). The broken-data cases of
tests/graph/test_shapes.py run on both engines case by case; here the data is what
``benchmarks/generate.py`` writes for a few dozen outcomes, with faults planted at random
(a seeded random, so a failure is reproduced by its seed): triples dropped, literals given
the wrong datatype, links pointed at a node of another class, single values doubled.
The generated graph is validated on its own (the nodes it links to typed, not described), so
it gives results before any fault too; both engines must agree on all of them.
A difference names the seed, the faults planted and the results only one engine gave.

pyshacl-turbo runs two ways: on an rdflib graph (``run``: ingest, partner writes) and, as
``kg validate`` runs it, on the text of the data (``run_text``; here N-Triples written by
pyoxigraph, which is Turtle too). The text way is held to the reference here too, and to the rdflib way on
every broken-data case of tests/graph/test_shapes.py (which holds the rdflib way to the
reference), with the whole result: focus node, shape, severity, path, value and message.
"""

from __future__ import annotations

import importlib.util
import random
from collections import Counter
from functools import cache
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import RDF, BNode, Graph, Literal, URIRef

from kg.validate.engine import materialise_types, run, run_text
from kg.validate.report import results_of

pytestmark = pytest.mark.storeless  # no store: the embedded-store run covers it

ROOT = Path(__file__).resolve().parents[2]
OUTCOMES = 12
FAULTS = 40


@cache
def _generator():
    spec = importlib.util.spec_from_file_location("spkg_generate", ROOT / "benchmarks" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@cache
def _graphs(tmp: Path) -> tuple[Graph, Graph, Graph]:
    _generator().generate(OUTCOMES, tmp, quiet=True)
    shapes, ontology = Graph(), Graph()
    for path in sorted((ROOT / "shapes").glob("*.ttl")):
        shapes.parse(path)
    for path in sorted((ROOT / "ontology").glob("*.ttl")):
        ontology.parse(path)
    data = Graph().parse(tmp / "data" / f"generated-{OUTCOMES}.ttl")
    # what the generated outcomes link to (code lists, countries, SDG targets) is typed as in the built graph
    reference = Graph()
    for path in sorted((ROOT / "data").glob("*.ttl")):
        if not path.name.startswith("outcome-"):
            reference.parse(path)
    linked = {o for o in data.objects() if isinstance(o, URIRef)}
    for node, cls in reference.subject_objects(RDF.type):
        if node in linked:
            data.add((node, RDF.type, cls))
    return data, shapes, ontology


def plant(data: Graph, rng: random.Random, n: int) -> tuple[Graph, list[str]]:
    """A copy of ``data`` with ``n`` faults planted; and what each fault was."""
    broken = Graph()
    for t in data:
        broken.add(t)
    subjects = sorted({s for s in broken.subjects() if isinstance(s, URIRef)}, key=str)
    done = []
    for _ in range(n):
        triples = sorted(broken, key=lambda t: (str(t[0]), str(t[1]), str(t[2])))
        s, p, o = rng.choice(triples)
        kind = rng.choice(["drop", "datatype", "relink", "double"])
        if kind == "drop":
            broken.remove((s, p, o))
        elif kind == "datatype" and isinstance(o, Literal):
            broken.remove((s, p, o))
            broken.add((s, p, Literal(str(o)) if o.datatype is not None else Literal(rng.randint(-5, 5))))
        elif kind == "relink" and isinstance(o, URIRef) and p != RDF.type:
            broken.remove((s, p, o))
            broken.add((s, p, rng.choice(subjects)))
        else:
            kind = "double"
            broken.add((s, p, Literal(f"{o} (again)") if isinstance(o, Literal) else rng.choice(subjects)))
        done.append(f"{kind} {s.n3()} {p.n3()} {o.n3()[:80]}")
    return broken, done


def _ox(term):
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    if term.datatype is not None:
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
    return ox.Literal(str(term))


def ntriples(*graphs: Graph) -> str:
    """The graphs as pyoxigraph writes them (Turtle, as `kg validate` gives the engine the files)."""
    return ox.serialize([ox.Triple(_ox(s), _ox(p), _ox(o)) for g in graphs for s, p, o in g],
                        format=ox.RdfFormat.N_TRIPLES).decode()


def found(data: Graph, shapes: Graph, ontology: Graph, engine: str) -> Counter:
    materialise_types(data, ontology)
    if engine == "turbo-text":
        results_graph = run_text(ntriples(data, ontology), shapes)
    else:
        results_graph = run(data, shapes, engine=engine, ontology=ontology)
    return Counter((r.severity, r.source_shape, r.focus_node, r.path, r.value)
                   for r in results_of(results_graph, shapes, None))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_engines_agree_on_generated_data_with_faults(seed: int, tmp_path_factory: pytest.TempPathFactory) -> None:
    data, shapes, ontology = _graphs(tmp_path_factory.getbasetemp() / "generated")
    broken, faults = plant(data, random.Random(seed), FAULTS)
    reference = found(broken, shapes, ontology, "pyshacl")
    for engine in ("turbo", "turbo-text"):
        turbo = found(broken, shapes, ontology, engine)
        assert turbo != found(Graph() + data, shapes, ontology, engine), "the faults changed nothing"
        only_turbo, only_reference = turbo - reference, reference - turbo
        assert not only_turbo and not only_reference, (
            f"seed {seed}: the engines differ ({engine})\nfaults:\n  " + "\n  ".join(faults)
            + f"\nonly {engine}:\n  " + "\n  ".join(map(str, only_turbo))
            + "\nonly pyshacl:\n  " + "\n  ".join(map(str, only_reference)))


def _whole(results_graph: Graph, shapes: Graph) -> list[tuple]:
    return sorted((r.severity, r.source_shape, r.focus_node, r.path or "", r.value or "", r.message, r.component or "")
                  for r in results_of(results_graph, shapes, None))


def test_the_text_way_gives_the_rdflib_way_on_every_broken_data_case() -> None:
    import test_shapes as cases  # tests/graph/test_shapes.py: its cases and helpers

    shapes = cases.shapes_graph()
    differ = []
    for c in [None, *cases.CASES]:
        g = cases.fixture_graph()
        for edit in (c.edits if c is not None else ()):
            edit(g)
        g = cases.materialise(g)
        by_graph = _whole(run(g, shapes, engine="turbo"), shapes)
        by_text = _whole(run_text(ntriples(g), shapes), shapes)
        if by_graph != by_text:
            differ.append(f"{c.id if c is not None else 'the valid base'}:\n  rdflib graph: {by_graph}\n"
                          f"  N-Triples: {by_text}")
    assert not differ, "pyshacl-turbo on N-Triples differs from pyshacl-turbo on an rdflib graph:\n" + "\n".join(differ)

"""Documentation of the ontology and of the SHACL shapes, from the store.

The ontology page lists every class and property of ``{base}def/kg#`` with its
label, definition, domain and range, the shapes that constrain it, how often
the data uses it and one example from the data. Each shapes file gets a page
with its node shapes and their property shapes, constraint by constraint.
"""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from kg.rdf import iris
from kg.publish import ld
from kg.site.terms import Term, Terms, best_labels
from kg.site.urls import FORMAT_LABELS
from kg.site.views import Context, as_int

SH = ld.SH
VANN = iris.VANN

KINDS = (
    ("classes", "Classes", (OWL.Class, RDFS.Class)),
    ("object_properties", "Object properties", (OWL.ObjectProperty,)),
    ("datatype_properties", "Datatype properties", (OWL.DatatypeProperty,)),
    ("other_properties", "Other properties", (RDF.Property, OWL.AnnotationProperty)),
)

CONSTRAINTS = {
    SH.minCount: "min count", SH.maxCount: "max count", SH.datatype: "datatype", SH["class"]: "class",
    SH.nodeKind: "node kind", SH.pattern: "pattern", SH.flags: "pattern flags", SH["in"]: "one of",
    SH.hasValue: "has value", SH.minInclusive: "minimum", SH.maxInclusive: "maximum",
    SH.minExclusive: "above", SH.maxExclusive: "below", SH.minLength: "min length", SH.maxLength: "max length",
    SH.languageIn: "languages", SH.uniqueLang: "one per language", SH.node: "conforms to", SH["or"]: "any of",
    SH["and"]: "all of", SH["not"]: "not", SH.xone: "exactly one of", SH.equals: "equals",
    SH.disjoint: "disjoint with", SH.lessThan: "less than", SH.qualifiedValueShape: "qualified shape",
    SH.qualifiedMinCount: "qualified min count", SH.qualifiedMaxCount: "qualified max count",
    SH.closed: "closed", SH.ignoredProperties: "ignored properties", SH.sparql: "SPARQL constraint",
    SH.deactivated: "deactivated",
}
TARGETS = {SH.targetClass: "instances of", SH.targetNode: "the node", SH.targetSubjectsOf: "subjects of",
           SH.targetObjectsOf: "objects of"}
SHOWN = {RDF.type, RDFS.label, RDFS.comment, SH.name, SH.description, SH.message, SH.severity, SH.path,
         SH.property, SH.order, SH.group, *TARGETS}


def load(ctx: Context, graphs: list[str]) -> Graph:
    g = ld.new_graph(ctx.base)
    for graph in graphs:
        for r in ctx.rows("graph-triples", g=ox.NamedNode(graph)):
            g.add((r["s"], r["p"], r["o"]))
    return g


def graphs_under(ctx: Context, folder: str) -> list[str]:
    prefix = f"{ctx.base}graph/{folder}/"
    found = ctx.rows("named-graphs")
    return sorted(str(r["g"]) for r in found if str(r["g"]).startswith(prefix))


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1] if "#" in iri else iri.rstrip("/").rsplit("/", 1)[-1]


def _text(g: Graph, s: Node, *ps: URIRef) -> str | None:
    for p in ps:
        values = list(g.objects(s, p))
        en = [v for v in values if isinstance(v, Literal) and v.language in ("en", None)]
        if en or values:
            return str((en or values)[0])
    return None


def _shape_index(ctx: Context) -> tuple[Graph, dict[Node, str], dict[Node, Node]]:
    """All shapes graphs merged; shape -> file stem; property shape -> its node shape."""
    g = ld.new_graph(ctx.base)
    file_of: dict[Node, str] = {}
    for graph in graphs_under(ctx, "shapes"):
        stem = graph.rsplit("/", 1)[-1]
        part = load(ctx, [graph])
        for t in part:
            g.add(t)
        for s in set(part.subjects()):
            file_of.setdefault(s, stem)
    parent = {ps: ns for ns, ps in g.subject_objects(SH.property)}
    return g, file_of, parent


def _shape_term(terms: Terms, shape: Node, parent: dict[Node, Node], file_of: dict[Node, str]) -> Term | None:
    node = shape if isinstance(shape, URIRef) else parent.get(shape)
    if not isinstance(node, URIRef):
        return None
    t = terms.term(node)
    t.text = f"{file_of.get(node, '')}:{_local(str(node))}".lstrip(":")
    return t


def ontology(ctx: Context) -> dict:
    """The documentation of ``{base}def/kg`` (cached by the caller per dataset version)."""
    base = ctx.base
    ns = str(iris.vocab(base))
    onto = URIRef(iris.ontology_iri(base))
    g = load(ctx, [f"{base}graph/ontology/kg"])
    shapes, file_of, parent = _shape_index(ctx)

    def in_ns(n: Node) -> bool:
        return isinstance(n, URIRef) and str(n).startswith(ns)

    nodes = {n for t in g for n in t if isinstance(n, URIRef)} | {n for n in shapes.objects() if isinstance(n, URIRef)}
    labels = ctx.labels(nodes)
    labels.update(best_labels(g))
    terms = Terms(ctx.urls, labels)

    used_classes = {r["c"]: r for r in ctx.rows("ontology-class-usage")}
    used_props = {r["p"]: r for r in ctx.rows("ontology-property-usage")}
    pairs = [(URIRef(str(r["ex"])), p) for p, r in used_props.items() if "ex" in r]
    examples: dict[URIRef, tuple[URIRef, Node]] = {}
    if pairs:
        values = [(ox.NamedNode(str(s)), ox.NamedNode(str(p))) for s, p in pairs]
        for r in ctx.rows("ontology-property-examples", {"pairs": values}):
            examples.setdefault(r["p"], (r["s"], r["o"]))
    example_nodes = {n for s, o in examples.values() for n in (s, o) if isinstance(n, URIRef)}
    example_nodes |= {URIRef(str(r["ex"])) for r in used_classes.values() if "ex" in r}
    more = ctx.labels(example_nodes - set(terms.labels))
    terms.labels.update(more)

    by_target = defaultdict(list)
    for shape, cls in shapes.subject_objects(SH.targetClass):
        by_target[cls].append(shape)
    by_class_value = defaultdict(list)
    for shape, cls in shapes.subject_objects(SH["class"]):
        by_class_value[cls].append(shape)
    by_path = defaultdict(list)
    for shape, path in shapes.subject_objects(SH.path):
        by_path[path].append(shape)

    def shape_terms(found: list[Node]) -> list[Term]:
        out = {}
        for s in found:
            t = _shape_term(terms, s, parent, file_of)
            if t is not None:
                out[t.href] = t
        return sorted(out.values(), key=lambda t: t.text)

    sections = []
    seen: set[URIRef] = set()
    for key, title, types in KINDS:
        items = []
        subjects = sorted({s for t in types for s in g.subjects(RDF.type, t) if in_ns(s)} - seen)
        seen.update(subjects)
        for s in subjects:
            item = {
                "id": _local(str(s)), "iri": str(s), "label": _text(g, s, RDFS.label, SKOS.prefLabel) or _local(str(s)),
                "definition": _text(g, s, RDFS.comment, SKOS.definition) or "",
                "super": terms.definitions(g.objects(s, RDFS.subClassOf if key == "classes" else RDFS.subPropertyOf)),
                "sub": terms.definitions(x for x in g.subjects(RDFS.subClassOf if key == "classes" else RDFS.subPropertyOf, s)),
                "domain": terms.definitions(g.objects(s, RDFS.domain)),
                "range": terms.definitions(g.objects(s, RDFS.range)),
                "inverse": terms.definitions(set(g.objects(s, OWL.inverseOf)) | set(g.subjects(OWL.inverseOf, s))),
            }
            if key == "classes":
                used = used_classes.get(s, {})
                item["shapes"] = shape_terms(by_target.get(s, []))
                item["range_shapes"] = shape_terms(by_class_value.get(s, []))
                item["with_domain"] = terms.definitions(x for x in g.subjects(RDFS.domain, s))
                item["with_range"] = terms.definitions(x for x in g.subjects(RDFS.range, s))
                item["count"] = as_int(used.get("n"))
                item["example"] = terms.term(URIRef(str(used["ex"]))) if "ex" in used else None
            else:
                used = used_props.get(s, {})
                item["shapes"] = shape_terms(by_path.get(s, []))
                item["count"] = as_int(used.get("n"))
                ex = examples.get(s)
                item["example"] = {"subject": terms.term(ex[0]), "value": terms.term(ex[1])} if ex else None
            items.append(item)
        if items:
            sections.append({"key": key, "title": title, "items": items})

    header = {
        "iri": str(onto),
        "label": _text(g, onto, RDFS.label) or "spkg ontology",
        "comment": _text(g, onto, RDFS.comment, DCTERMS.description) or "",
        "version": _text(g, onto, OWL.versionInfo),
        "version_iri": terms.terms(g.objects(onto, OWL.versionIRI)),
        "created": terms.terms(g.objects(onto, DCTERMS.created)),
        "modified": terms.terms(g.objects(onto, DCTERMS.modified)),
        "license": terms.terms(g.objects(onto, DCTERMS.license)),
        "prefix": _text(g, onto, VANN.preferredNamespacePrefix) or "kg",
        "namespace": ns,
    }
    return {"header": header, "sections": sections,
            "count": sum(len(s["items"]) for s in sections),
            "formats": [{"name": f, "label": FORMAT_LABELS[f], "href": ctx.urls.ontology(f)}
                        for f in ("ttl", "jsonld", "nt", "rdf")],
            "shape_files": shapes_index(ctx)}


def ontology_graph(ctx: Context) -> Graph:
    return load(ctx, [f"{ctx.base}graph/ontology/kg"])


def ontology_version(ctx: Context) -> str | None:
    """The ontology's ``owl:versionInfo``, if it has one."""
    found = ctx.rows("ontology-version", o=ld.named_node(iris.ontology_iri(ctx.base)))
    return str(found[0]["v"]) if found else None


# -- shapes ---------------------------------------------------------------------------------

def shapes_index(ctx: Context) -> list[dict]:
    files = []
    for graph in graphs_under(ctx, "shapes"):
        stem = graph.rsplit("/", 1)[-1]
        head = URIRef(f"{ctx.base}shapes/{stem}")
        info = ctx.rows("shapes-file-header", g=ox.NamedNode(graph), h=ox.NamedNode(str(head)))
        h = ld.new_graph(ctx.base)
        for r in info:
            h.add((head, r["p"], r["o"]))
        n = ctx.rows("shapes-file-shape-count", g=ox.NamedNode(graph))
        files.append({"stem": stem, "href": ctx.urls.shapes(stem), "graph": graph,
                      "title": _text(h, head, RDFS.label) or stem,
                      "description": _text(h, head, DCTERMS.description, RDFS.comment) or "",
                      "shapes": as_int(n[0]["n"]) if n else 0})
    return files


def shapes_graph(ctx: Context, stem: str) -> Graph | None:
    graph = f"{ctx.base}graph/shapes/{stem}"
    if graph not in graphs_under(ctx, "shapes"):
        return None
    return load(ctx, [graph])


def shapes_file(ctx: Context, stem: str) -> dict | None:
    g = shapes_graph(ctx, stem)
    if g is None:
        return None
    head = URIRef(f"{ctx.base}shapes/{stem}")
    nodes = {n for t in g for n in t if isinstance(n, URIRef)}
    labels = ctx.labels(nodes)
    terms = Terms(ctx.urls, labels, g)

    def constraint_rows(shape: Node) -> list[dict]:
        out = []
        for p in sorted(set(g.predicates(shape)), key=str):
            if p in SHOWN:
                continue
            label = CONSTRAINTS.get(p) or terms.label(p)
            out.append({"label": label, "predicate": terms.definition(p),
                        "values": [terms.definition(o) if isinstance(o, URIRef) else terms.term(o)
                                   for o in sorted(g.objects(shape, p), key=str)]})
        return out

    def severity(shape: Node) -> str:
        s = g.value(shape, SH.severity)
        return _local(str(s)) if s is not None else "Violation"

    def describe_property(ps: Node) -> dict:
        return {"id": _local(str(ps)) if isinstance(ps, URIRef) else None, "iri": str(ps) if isinstance(ps, URIRef) else None,
                "path": terms.definition(g.value(ps, SH.path)) if g.value(ps, SH.path) is not None else None,
                "name": _text(g, ps, SH.name, RDFS.label), "description": _text(g, ps, SH.description, RDFS.comment),
                "message": _text(g, ps, SH.message), "severity": severity(ps), "constraints": constraint_rows(ps)}

    node_shapes = sorted({s for s in g.subjects(RDF.type, SH.NodeShape)}
                         | {s for s in g.subjects(SH.property, None) if isinstance(s, URIRef)}, key=str)
    attached = {ps for ns in node_shapes for ps in g.objects(ns, SH.property)}
    shapes = []
    for ns in node_shapes:
        if not isinstance(ns, URIRef):
            continue
        props = sorted(g.objects(ns, SH.property), key=lambda ps: (str(g.value(ps, SH.path) or ""), str(ps)))
        shapes.append({
            "id": _local(str(ns)), "iri": str(ns), "label": _text(g, ns, RDFS.label, SH.name) or _local(str(ns)),
            "comment": _text(g, ns, RDFS.comment, SH.description), "message": _text(g, ns, SH.message),
            "severity": severity(ns),
            "targets": [{"kind": kind, "term": terms.definition(o)} for p, kind in TARGETS.items() for o in g.objects(ns, p)],
            "constraints": constraint_rows(ns),
            "properties": [describe_property(ps) for ps in props],
        })
    loose = [describe_property(ps) for ps in sorted(set(g.subjects(RDF.type, SH.PropertyShape)) - attached, key=str)
             if isinstance(ps, URIRef)]
    return {
        "stem": stem, "iri": str(head), "title": _text(g, head, RDFS.label) or f"{stem} shapes",
        "description": _text(g, head, DCTERMS.description, RDFS.comment) or "",
        "shapes": shapes, "loose": loose,
        "formats": [{"name": f, "label": FORMAT_LABELS[f], "href": ctx.urls.shapes(stem, f)}
                    for f in ("ttl", "jsonld", "nt", "rdf")],
        "files": shapes_index(ctx),
    }


__all__ = ["ontology", "ontology_graph", "ontology_version", "shapes_index", "shapes_file", "shapes_graph"]

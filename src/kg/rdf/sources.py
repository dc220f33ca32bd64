"""The project's RDF files: finding them, reading them, parsing them.

Every Turtle file under ``ontology/``, ``shapes/`` and ``data/`` (top level
only: ``data/sources/`` holds raw inputs) is one :class:`Source`, loaded into
its own named graph ``iris.graph(folder, stem, base)``.

pyoxigraph parses (it is fast, and its errors carry line and column). The store
takes its quads as they are; :func:`triples` converts them to rdflib terms for
validation, turning ``"x"^^xsd:string`` into the plain ``"x"`` that rdflib's own
parser would give, because rdflib does not treat the two as equal.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from kg.rdf import iris
from kg.config import Settings
from kg.errors import LoadError, ParseError

logger = logging.getLogger(__name__)

FOLDERS = ("ontology", "shapes", "data")
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


@dataclass(frozen=True)
class Source:
    """One input file and the named graph it is loaded into."""

    path: Path
    folder: str
    stem: str
    graph_iri: str

    @property
    def rel(self) -> str:
        """The path as users see it in messages: ``data/x.ttl``."""
        return f"{self.folder}/{self.path.name}"


def discover(settings: Settings, folders: Iterable[str] = FOLDERS) -> list[Source]:
    """The ``*.ttl`` files of each folder, in folder order then by name."""
    found: list[Source] = []
    for folder in folders:
        directory = settings.root / folder
        if not directory.is_dir():
            raise LoadError(
                f"no {folder}/ folder in {settings.root}",
                hint="run kg from the project folder or pass --project-dir",
            )
        files = sorted(p for p in directory.glob("*.ttl") if not p.is_dir())  # a dangling link is reported, not skipped
        if not files:
            raise LoadError(f"no .ttl files in {folder}/", hint=f"add at least one Turtle file to {directory}")
        found += [Source(p, folder, p.stem, iris.graph(folder, p.stem, settings.base)) for p in files]
    return found


def read_text(source: Source, settings: Settings) -> str:
    """The file's text, rewritten to ``settings.base`` (files use the default base)."""
    try:
        raw = source.path.read_bytes()
    except OSError as e:
        raise ParseError(f"cannot read file: {e.strerror or e}", file=source.rel) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        raise ParseError(f"not UTF-8 text (byte 0x{raw[e.start]:02x})", file=source.rel, line=line) from None
    return iris.rebase(text, settings.base)


def content_hash(sources: Iterable[Source]) -> str:
    """A digest of the input files' names and bytes: the dataset's version."""
    h = hashlib.sha256()
    for s in sources:
        h.update(s.rel.encode() + b"\0" + s.path.read_bytes() + b"\0")
    return "sha256:" + h.hexdigest()


#: Files in data/ that name their own graphs, and how they are read.
QUAD_FORMATS = {".trig": ox.RdfFormat.TRIG, ".nq": ox.RdfFormat.N_QUADS}


def dataset_files(settings: Settings) -> list[Path]:
    """``data/*.trig`` and ``data/*.nq``, sorted: datasets whose graphs keep the names the file gives them.

    For test fixtures and others' datasets (the W3C protocol tests' graphs
    ``http://kasei.us/…``, say). `kg build` loads them as they are; unlike
    ``data/*.ttl`` they are not validated against the shapes. Triples outside
    any graph go to the file's own graph, ``{base}graph/data/{stem}``.
    """
    folder = settings.data_dir
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir()
                  if p.suffix in QUAD_FORMATS and not p.name.startswith(".") and p.is_file())


def quad_files(settings: Settings) -> list[Path]:
    """Every file that names its own graphs: :func:`dataset_files`, then :func:`partner_files`."""
    return dataset_files(settings) + partner_files(settings)


def partner_files(settings: Settings) -> list[Path]:
    """``partners/**/*.nq``, sorted (the audit trail included): the graphs partners wrote through ``/graphs``."""
    folder = settings.partners_dir
    if not folder.is_dir():
        return []
    # Dot folders are write journals (kg.write.journal), not graphs.
    return sorted(p for p in folder.rglob("*.nq")
                  if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts))


def dataset_hash(settings: Settings, files: Iterable[Source]) -> str:
    """The dataset's content hash: the input files, plus the files that name their own graphs
    (:func:`quad_files`: data/*.trig, data/*.nq, the partner graphs) when there are any.

    Without those it is :func:`content_hash` of ``files``.
    """
    digest = content_hash(files)
    extra = quad_files(settings)
    if not extra:
        return digest
    h = hashlib.sha256(digest.encode())
    for path in extra:
        h.update(b"\0" + str(path.relative_to(settings.root)).encode() + b"\0" + path.read_bytes())
    return "sha256:" + h.hexdigest()


def partner_quads(settings: Settings, say=lambda message: None) -> Iterator[ox.Quad]:
    """The quads of every file that names its own graphs (:func:`quad_files`), rebased to
    ``settings.base`` (for `kg build`): data/*.trig and data/*.nq, then the partner graphs."""
    datasets = set(dataset_files(settings))
    for path in quad_files(settings):
        rel = str(path.relative_to(settings.root))
        try:
            text = iris.rebase(path.read_text(encoding="utf-8"), settings.base)
        except UnicodeDecodeError as e:
            raise ParseError(f"not UTF-8 text (byte 0x{e.object[e.start]:02x})", file=rel) from None
        own = ox.NamedNode(iris.graph("data", path.stem, settings.base)) if path in datasets else None
        n = 0
        try:
            for q in ox.parse(text, format=QUAD_FORMATS[path.suffix], rename_blank_nodes=path in datasets):
                n += 1
                yield q if own is None or not isinstance(q.graph_name, ox.DefaultGraph) else \
                    ox.Quad(q.subject, q.predicate, q.object, own)
        except SyntaxError as e:
            raise ParseError(e.msg or str(e), file=rel, line=e.lineno, column=e.offset) from None
        say(f"loaded {rel}: {n} quads")


# -- parsing -------------------------------------------------------------------

_PREFIX_MSG = re.compile(r"The prefix (\S*): has not been declared")
_LOCATION_MSG = re.compile(r"^Parser error [^:]*: ")  # "… at line 3 column 8: "


def _parse_error(e: SyntaxError, source: Source) -> ParseError:
    msg = e.msg or str(e)
    if m := _PREFIX_MSG.search(msg):
        prefix = m.group(1)
        return ParseError(
            f"unknown prefix '{prefix}'",
            file=source.rel, line=e.lineno, column=e.offset,
            hint=f"declare it with `@prefix {prefix}: <…> .` at the top of the file",
        )
    detail = _LOCATION_MSG.sub("", msg, count=1)
    return ParseError(detail, file=source.rel, line=e.lineno, column=e.offset,
                      hint=f"fix {source.rel} and run the command again")


def parse_oxigraph(source: Source, settings: Settings, text: str | None = None) -> Iterator[ox.Quad]:
    """The file's statements as pyoxigraph quads, each in the file's named graph.

    ``text`` is the file's content when the caller has read it already.
    """
    if text is None:
        text = read_text(source, settings)
    graph = ox.NamedNode(source.graph_iri)
    try:
        # Blank nodes are renamed so that _:x in two files stays two nodes.
        for q in ox.parse(text, format=ox.RdfFormat.TURTLE, rename_blank_nodes=True, without_named_graphs=True):
            yield ox.Quad(q.subject, q.predicate, q.object, graph)
    except SyntaxError as e:
        raise _parse_error(e, source) from None


def quads(sources: Iterable[Source], settings: Settings) -> Iterator[ox.Quad]:
    """Quads of several files, for the store's bulk loader."""
    for source in sources:
        yield from parse_oxigraph(source, settings)


# -- rdflib ----------------------------------------------------------------------

def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
    """One pyoxigraph term as rdflib; xsd:string literals become plain literals."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        if term.language:
            return Literal(term.value, lang=term.language)
        if datatype == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise LoadError(f"RDF 1.2 triple terms are not supported: {term}")


def converter() -> Callable[[ox.NamedNode | ox.BlankNode | ox.Literal], Node]:
    """:func:`to_rdflib` remembering what it converted: terms repeat a lot (predicates, classes)."""
    cache: dict[object, Node] = {}

    def conv(t: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
        node = cache.get(t)
        if node is None:
            node = cache[t] = to_rdflib(t)
        return node

    return conv


def rdflib_triples(quads: Iterable[ox.Quad]) -> Iterator[tuple[Node, Node, Node]]:
    """The quads' triples as rdflib terms, each distinct term converted once."""
    conv = converter()
    for q in quads:
        yield conv(q.subject), conv(q.predicate), conv(q.object)


def triples(source: Source, settings: Settings, text: str | None = None) -> Iterator[tuple[Node, Node, Node]]:
    """The file's triples as rdflib terms."""
    return rdflib_triples(parse_oxigraph(source, settings, text))


def load_graph(sources: Iterable[Source], settings: Settings, graph: Graph | None = None) -> Graph:
    """The union of the files' triples as one rdflib graph (for validation)."""
    g = Graph() if graph is None else graph
    for source in sources:
        g.addN((s, p, o, g) for s, p, o in triples(source, settings))
        logger.debug("parsed %s (%d triples so far)", source.rel, len(g))
    return g


def load_dataset(sources: Iterable[Source], settings: Settings) -> Dataset:
    """The files as an rdflib dataset, one named graph each, default graph = union."""
    ds = Dataset(default_union=True)
    for source in sources:
        g = ds.graph(URIRef(source.graph_iri))
        g.addN((s, p, o, g) for s, p, o in triples(source, settings))
    return ds


# -- where things are written -------------------------------------------------------

_DECL = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.IGNORECASE)
_SUBJECT_IRI = re.compile(r"<([^<>\s]*)>")
_SUBJECT_PNAME = re.compile(r"([A-Za-z][\w.-]*)?:((?:[\w:%-]|\\.|\.(?=[\w:%-]))*)")


def declared_prefixes(text: str) -> dict[str, str]:
    """``@prefix``/``PREFIX`` declarations of a Turtle text (first one wins)."""
    found: dict[str, str] = {}
    for line in text.split("\n"):
        if m := _DECL.match(line):
            found.setdefault(m.group(1) or "", m.group(2))
    return found


def subject_lines(text: str) -> dict[str, int]:
    """IRI -> first line where a statement starts with it as subject.

    A subject is a line that begins (no indent) with ``<iri>`` or a prefixed
    name, as in hand-written and serialised Turtle alike.
    """
    found: dict[str, int] = {}
    ns: dict[str, str] = {}
    for number, line in enumerate(text.split("\n"), start=1):
        if m := _DECL.match(line):
            ns[m.group(1) or ""] = m.group(2)
            continue
        if line.startswith("<"):
            if m := _SUBJECT_IRI.match(line):
                found.setdefault(m.group(1), number)
        elif m := _SUBJECT_PNAME.match(line):
            prefix = m.group(1) or ""
            if prefix in ns:
                local = re.sub(r"\\(.)", r"\1", m.group(2))
                found.setdefault(ns[prefix] + local, number)
    return found

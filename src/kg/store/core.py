"""The store that everything serves from, and `kg build`, which fills it.

:class:`Store` is the small interface the SPARQL endpoint, pages and dumps use;
:class:`OxigraphStore` is the embedded, persistent implementation (an external
SPARQL store over HTTP can stand behind the same interface later).

Each input file goes into its own named graph; queries see the union of the
named graphs as their default graph. :func:`build` is atomic: it loads into a
fresh sibling folder and swaps it in only when every file parsed and the data
validated, so a failed build leaves the previous store exactly as it was.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Protocol, runtime_checkable

import pyoxigraph as ox

from kg.rdf import sources as src
from kg.sparql import guard as sparql_guard
from kg.config import Settings
from kg.errors import BadParameter, QueryError, QuerySyntaxError, StoreError, ValidationFailed
from kg.validate.core import Report, validate_files

logger = logging.getLogger(__name__)

# What a query returns: pyoxigraph's result objects. A remote store can make
# the same from an HTTP answer (pyoxigraph.parse_query_results, pyoxigraph.parse);
# graph results may be any iterable of pyoxigraph.Triple.
QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples | Iterable[ox.Triple]
Progress = Callable[[str], None]


@runtime_checkable
class Store(Protocol):
    def query(self, sparql: str, *, default_graph_uris: list[str] | None = None,
              named_graph_uris: list[str] | None = None,
              use_default_graph_as_union: bool = True,
              substitutions: dict | None = None) -> QueryResult:
        """Run a SPARQL query; the dataset arguments follow the SPARQL protocol.

        ``substitutions`` binds variables to typed terms (canned-query parameters),
        so values are never pasted into the query text.
        """
        ...

    def triple_count(self) -> int:
        """Triples in all named graphs, counted per graph."""
        ...

    def named_graphs(self) -> list[str]:
        ...

    def close(self) -> None:
        ...


class _Adapter:
    """The :class:`Store` interface over a pyoxigraph-like store (embedded, or :class:`kg.store.remote.RemoteStore`)."""

    _store: ox.Store | None

    @property
    def _s(self) -> ox.Store:
        if self._store is None:
            raise StoreError("the store is closed")
        return self._store

    def query(self, sparql: str, *, default_graph_uris: list[str] | None = None,
              named_graph_uris: list[str] | None = None,
              use_default_graph_as_union: bool = True,
              substitutions: dict | None = None) -> QueryResult:
        kwargs: dict = {}
        if substitutions:
            kwargs["substitutions"] = substitutions
        if default_graph_uris is not None or named_graph_uris is not None:
            # A dataset given with the request replaces the query's FROM / FROM NAMED
            # (SPARQL 1.1 Protocol): what is not named is empty.
            kwargs["default_graph"] = _iris(default_graph_uris or [], "default-graph-uri")
            kwargs["named_graphs"] = _iris(named_graph_uris or [], "named-graph-uri")
        elif not sparql_guard.declares_dataset(sparql):
            kwargs["use_default_graph_as_union"] = use_default_graph_as_union
        try:
            return self._s.query(sparql, **kwargs)
        except SyntaxError as e:
            raise query_syntax_error(e, sparql) from None
        except ValueError as e:
            raise QueryError(str(e)) from None
        except OSError as e:
            raise StoreError(f"query failed: {e}") from None

    def triple_count(self) -> int:
        return len(self._s)

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self._s.named_graphs())

    def graph_counts(self) -> dict[str, int]:
        """Triples per named graph."""
        return _graph_counts(self._s)

    def close(self) -> None:
        # pyoxigraph has no close(): dropping the last reference releases RocksDB.
        self._store = None

    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class OxigraphStore(_Adapter):
    """pyoxigraph's RocksDB store at ``settings.store_dir``."""

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        if not _is_built(path):
            raise StoreError(f"no store at {path}", hint="run `kg build` first")
        try:
            self._store = ox.Store.read_only(str(path)) if read_only else ox.Store(str(path))
        except OSError as e:
            raise StoreError(f"cannot open the store at {path}: {e}") from None
        self.path = path
        self.read_only = read_only

    @classmethod
    def open(cls, settings: Settings) -> OxigraphStore:
        return cls(settings.store_dir)

    @classmethod
    def open_read_only(cls, settings: Settings) -> OxigraphStore:
        """For server workers and `kg query`: many readers may share one store."""
        return cls(settings.store_dir, read_only=True)


class ExternalStore(_Adapter):
    """An external SPARQL 1.1 store (``settings.store_url``), see :mod:`kg.store.remote`."""

    def __init__(self, settings: Settings) -> None:
        from kg.store import remote

        if read_manifest(settings) is None:
            raise StoreError(f"spkg has not built its dataset in the external store at {settings.store_url}",
                             hint="run `kg build` first")
        self.client = remote.RemoteStore(remote.Endpoints.of(settings))
        self._store = self.client  # type: ignore[assignment]
        self.url = settings.store_url

    def close(self) -> None:
        self.client.close()
        super().close()


def open_store(settings: Settings) -> _Adapter:
    """The store to read from: the embedded one (read-only) or the external one."""
    return ExternalStore(settings) if settings.external else OxigraphStore.open_read_only(settings)


def raw_store(settings: Settings):
    """A pyoxigraph-like store for code that walks quads (ingest, /graphs): read-only embedded, or remote."""
    if settings.external:
        from kg.store import remote

        return remote.RemoteStore(remote.Endpoints.of(settings))
    directory = settings.store_dir
    if not _is_built(directory):
        raise StoreError(f"no store at {directory}", hint="run `kg build` first")
    try:
        return ox.Store.read_only(str(directory))
    except OSError as e:
        raise StoreError(f"cannot open the store at {directory}: {e}") from None


def is_built(settings: Settings) -> bool:
    """A dataset has been built: a store folder, or (external store) a build manifest."""
    return read_manifest(settings) is not None if settings.external else _is_built(settings.store_dir)


def _iris(values: list[str], parameter: str) -> list[ox.NamedNode]:
    out = []
    for v in values:
        try:
            out.append(ox.NamedNode(v))
        except ValueError as e:
            raise BadParameter(f"{parameter} {v!r} is not an IRI ({e})", parameter=parameter) from None
    return out


def _graph_counts(store: ox.Store) -> dict[str, int]:
    rows = store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    return {row["g"].value: int(row["n"].value) for row in rows}


def _is_built(path: Path) -> bool:
    return path.is_dir() and any(path.iterdir())


# -- query errors --------------------------------------------------------------------

_AT = re.compile(r"^error at (\d+):(\d+): (.*)$", re.S)


def _undeclared_prefix(sparql: str) -> tuple[str, int, int] | None:
    """The first prefixed name whose prefix the query never declares (one linear pass of the lexer)."""
    toks = list(sparql_guard.tokens(sparql))

    def declaring(i: int) -> bool:
        return i > 0 and toks[i - 1].kind == "word" and toks[i - 1].text.upper() == "PREFIX"

    declared = {t.text.partition(":")[0] for i, t in enumerate(toks) if t.kind == "pname" and declaring(i)}
    for i, t in enumerate(toks):
        if t.kind != "pname" or declaring(i):
            continue
        prefix = t.text.partition(":")[0]
        if prefix not in declared:
            line = sparql.count("\n", 0, t.start) + 1
            column = t.start - (sparql.rfind("\n", 0, t.start) + 1) + 1
            return prefix, line, column
    return None


def query_syntax_error(e: SyntaxError, sparql: str) -> QuerySyntaxError:
    """pyoxigraph's "error at L:C: expected …" as a short message with line and column."""
    msg = e.msg or str(e)
    if undeclared := _undeclared_prefix(sparql):
        prefix, line, column = undeclared
        return QuerySyntaxError(f"line {line}, column {column}: unknown prefix '{prefix}'", line=line, column=column)
    m = _AT.match(msg)
    if not m:
        return QuerySyntaxError(" ".join(msg.split()))
    line, column = int(m.group(1)), int(m.group(2))
    lines = sparql.split("\n")
    rest = " ".join([lines[line - 1][column - 1:], *lines[line:]]) if line <= len(lines) else ""
    expected = " ".join(m.group(3).split())
    if len(expected) > 100:
        expected = expected[:100].rsplit(",", 1)[0] + ", …"
    # The parser reports the furthest point it reached, often the very end.
    found = f"unexpected {rest.split()[0][:30]!r}, " if rest.strip() else ""
    where = "" if rest.strip() else " at the end of the query"
    return QuerySyntaxError(f"line {line}, column {column}: {found}{expected}{where}", line=line, column=column)


# -- build ------------------------------------------------------------------------

@dataclass(frozen=True)
class BuildReport:
    files: tuple[src.Source, ...]
    graph_triples: dict[str, int]
    total_triples: int
    seconds: float
    store_dir: Path
    validation: Report | None = None


def manifest_path(settings: Settings) -> Path:
    """The manifest beside the store: what was built, from what, when.

    ``.kg/build.json`` for the default ``.kg/store``; a store folder with
    another name X gets ``X.build.json``, so two stores never share one.
    """
    store = settings.store_dir
    return store.with_name("build.json" if store.name == "store" else f"{store.name}.build.json")


def read_manifest(settings: Settings) -> dict | None:
    try:
        return json.loads(manifest_path(settings).read_text())
    except FileNotFoundError:
        return None


def inputs_hash(settings: Settings, files: Iterable[src.Source]) -> str:
    """The dataset's content hash: the input files, plus the partner graphs when there are any.

    Without partner files it is :func:`kg.rdf.sources.content_hash` of ``files``, as before.
    """
    from kg.write import partners as graphstore  # the partner graphs kept beside data/ (kg.write.partners)

    digest = src.content_hash(files)
    extra = graphstore.partner_files(settings)
    if not extra:
        return digest
    h = hashlib.sha256(digest.encode())
    for path in extra:
        h.update(b"\0" + str(path.relative_to(settings.root)).encode() + b"\0" + path.read_bytes())
    return "sha256:" + h.hexdigest()


def _version() -> str:
    try:
        return metadata.version("spkg")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def build(settings: Settings, *, validate: bool = True, progress: Progress | None = None) -> BuildReport:
    """Parse, validate and load every input file into a fresh store, then swap it in."""
    say = progress or (lambda message: None)
    started = time.perf_counter()
    files = src.discover(settings)

    report = None
    if validate:
        n_data, n_shapes = (sum(f.folder == k for f in files) for k in ("data", "shapes"))
        say(f"validating {n_data} data file{'s' * (n_data != 1)} against {n_shapes} shapes file{'s' * (n_shapes != 1)}")
        report = validate_files(settings)
        say(f"validation: {report.summary()}")
        if not report.conforms:
            raise ValidationFailed(f"validation failed: {report.summary()}", report)

    if settings.external:
        return _build_external(settings, files, report, validate, say, started)
    target = settings.store_dir
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f"{target.name}.new-{os.getpid()}")
    tmp_manifest = manifest_path(settings).with_name(f"{manifest_path(settings).name}.new-{os.getpid()}")
    _sweep(target)
    try:
        store = ox.Store(str(tmp))
        store.bulk_extend(_load_quads(files, settings, say))
        store.flush()
        counts = dict(sorted(_graph_counts(store).items()))
        total = len(store)
        del store  # RocksDB must be released before the folder is renamed
        tmp_manifest.write_text(json.dumps(_manifest(settings, files, counts, total, validate), indent=2) + "\n")
        install(settings, tmp, tmp_manifest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        tmp_manifest.unlink(missing_ok=True)
        raise

    seconds = time.perf_counter() - started
    logger.info("built %s: %d triples in %d graphs in %.2fs", target, total, len(counts), seconds)
    return BuildReport(tuple(files), counts, total, seconds, target, report)


def _manifest(settings: Settings, files: list[src.Source], counts: dict[str, int], total: int,
              validate: bool) -> dict:
    manifest = {
        "spkg_version": _version(),
        "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "base": settings.base,
        "content_hash": inputs_hash(settings, files),
        "triples": total,
        "graphs": counts,
        "files": [{"path": f.rel, "graph": f.graph_iri} for f in files],
        "validated": validate,
    }
    if settings.external:
        manifest["store"] = settings.store_url
    return manifest


def _build_external(settings: Settings, files: list[src.Source], report: Report | None, validate: bool,
                    say: Progress, started: float) -> BuildReport:
    """Load everything into the external store, replacing what it held; then write the manifest.

    The manifest stays beside the project (``.kg/build.json``): replicas that
    share the project folder share the dataset version with it.
    """
    from kg.store import remote

    client = remote.RemoteStore(remote.Endpoints.of(settings))
    try:
        say(f"loading into the external store at {settings.store_url}")
        requests = client.load(_load_quads(files, settings, say), batch=settings.store_batch_triples, say=say)
        remote.check_union(client)
        counts = dict(sorted(_graph_counts(client).items()))  # what the store holds, as the embedded build counts
        total = sum(counts.values())
    finally:
        client.close()
    path = manifest_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.new-{os.getpid()}")
    try:
        tmp.write_text(json.dumps(_manifest(settings, files, counts, total, validate), indent=2) + "\n")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    seconds = time.perf_counter() - started
    logger.info("built %s: %d triples in %d graphs in %.2fs (%d request(s))",
                settings.store_url, total, len(counts), seconds, requests)
    return BuildReport(tuple(files), counts, total, seconds, settings.store_dir, report)


def _load_quads(files: list[src.Source], settings: Settings, say: Progress) -> Iterator[ox.Quad]:
    """All files' quads for one bulk load, telling ``say`` as each file is done."""
    for source in files:
        n = 0
        for q in src.parse_oxigraph(source, settings):
            n += 1
            yield q
        say(f"loaded {source.rel}: {n} triples -> <{source.graph_iri}>")
    from kg.write import partners as graphstore  # partner graphs and their audit trail (partners/*.nq)

    yield from graphstore.partner_quads(settings, say)


INNER_MANIFEST = "spkg-build.json"  # the manifest's copy inside the store folder it describes


def keep_manifest_inside(store_dir: Path, manifest_file: Path) -> None:
    """Copy the manifest into the (not yet swapped-in) store folder.

    The store and ``build.json`` are replaced by two renames; a process killed
    between them leaves a new store beside the old manifest. The copy inside
    lets :func:`recover` put the right manifest back. RocksDB ignores the file.
    """
    shutil.copyfile(manifest_file, store_dir / INNER_MANIFEST)


def install(settings: Settings, new_store: Path, new_manifest: Path) -> None:
    """Swap a finished store folder and its manifest in: a copy inside, the store, then build.json."""
    keep_manifest_inside(new_store, new_manifest)
    _swap(new_store, settings.store_dir)
    os.replace(new_manifest, manifest_path(settings))


def _dead(pid: str) -> bool:
    return pid.isdigit() and (int(pid) == os.getpid() or not process_alive(int(pid)))


def _sweep(target: Path) -> None:
    """Clean up after builds and writes that died (their process is gone).

    Killed between the two renames of :func:`_swap`, a writer leaves no store
    at ``target`` but the previous one at ``target.old-PID``: it is put back
    (its manifest is still the current one). Then the temp folders and
    manifest files of dead processes go.
    """
    if not _is_built(target):
        for old in sorted(target.parent.glob(f"{target.name}.old-*")):
            if _dead(old.name.rpartition("-")[2]) and _is_built(old):
                logger.warning("putting back the store a killed build had moved away (%s)", old.name)
                os.rename(old, target)
                break
    for p in target.parent.glob(f"{target.name}.*-*"):
        kind, _, pid = p.name[len(target.name) + 1:].partition("-")
        if kind in ("new", "old") and _dead(pid):
            shutil.rmtree(p, ignore_errors=True)
    manifest_name = "build.json" if target.name == "store" else f"{target.name}.build.json"
    for p in target.parent.glob(f"{manifest_name}.new-*"):
        if _dead(p.name.rpartition("-")[2]):
            p.unlink(missing_ok=True)


def recover(settings: Settings) -> list[str]:
    """Repair what a killed `kg build`, ingest or partner write left in the store folder; messages.

    Run before a store is opened for serving or written: afterwards the store
    in place and ``build.json`` describe the same version.
    """
    target = settings.store_dir
    if not target.parent.is_dir():
        return []
    had_store = _is_built(target)
    _sweep(target)
    messages = []
    if not had_store and _is_built(target):
        messages.append(f"put back the store an interrupted build had moved away ({target})")
    inner, outer = target / INNER_MANIFEST, manifest_path(settings)
    if settings.external or not inner.is_file():
        return messages
    data = inner.read_bytes()
    if outer.is_file() and outer.read_bytes() == data:
        return messages
    tmp = outer.with_name(f"{outer.name}.new-{os.getpid()}")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, outer)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        logger.warning("could not restore %s from the store: %s", outer, e)
        return messages
    messages.append(f"restored {outer.name} from the store (a build or write was interrupted after the swap)")
    return messages


def process_alive(pid: int) -> bool:
    """True if a process with this pid runs (temp folders carry their owner's pid)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _swap(new: Path, target: Path) -> None:
    """Put ``new`` where ``target`` is: rename the old away, the new in, delete the old."""
    old = target.with_name(f"{target.name}.old-{os.getpid()}")
    shutil.rmtree(old, ignore_errors=True)
    had_old = target.exists()
    if had_old:
        os.rename(target, old)
    try:
        os.rename(new, target)
    except OSError:
        if had_old:
            os.rename(old, target)
        raise
    if had_old:
        shutil.rmtree(old, ignore_errors=True)

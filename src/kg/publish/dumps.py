"""Versioned dumps of the whole dataset, with checksums and a DCAT/VoID description.

The dataset's version is the build date and a short content hash from the
build manifest (``2026-11-27-eba5a671``): the same inputs built on the same
day give the same version, any change to a file gives another. :func:`write`
puts, under ``settings.dumps_dir``::

    spkg-{version}.ttl              the whole dataset (union of the named graphs), Turtle
    spkg-{version}.nt.gz            the same, N-Triples, gzip
    spkg-{version}.nq.gz            every named graph, N-Quads, gzip
    spkg-{version}.jsonld           the whole dataset, JSON-LD
    spkg-ontology-{version}.ttl     ontology/ graphs
    spkg-shapes-{version}.ttl       shapes/ graphs
    spkg-{version}-void.ttl|.jsonld the DCAT/VoID description of all of the above
    spkg-{version}.sha256           checksums, for ``sha256sum -c``
    spkg-{version}.json             this version's manifest: each file's size, triples, SHA-256
    latest.json                     the manifest of the newest version

Each file is written beside its final name and renamed into place, and
``latest.json`` last, so a reader never sees half a version. While it writes, the
folder also holds the whole store as uncompressed N-Quads (the store is read once, see
"How a release reads the store" below): 2.4 GB at 100,000 outcomes, deleted at the end. Older versions
beyond ``keep`` are deleted (only the files their manifests list).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import multiprocessing
import os
import re
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pyoxigraph as ox

from kg.publish import changes, ld
from kg.config import Settings
from kg.errors import NotFound, StoreError
from kg.store import Store, dataset_version, open_store, read_manifest

logger = logging.getLogger(__name__)

LATEST = "latest.json"
CHUNK = 1024 * 1024
GZIP_LEVEL = 6
Progress = Callable[[str], None]
_VERSION_RE = re.compile(r"^\d{4}-\d{2}-\d{2}-[0-9a-f]{8}$")
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


# -- what is dumped -----------------------------------------------------------------------

@dataclass(frozen=True)
class Dump:
    """One kind of file: its stable ``latest`` name and how it is written."""

    key: str            # stable name, served at /dumps/latest/{key}
    title: str
    fmt: str            # ttl | nt | nq | jsonld
    media_type: str
    part: str           # all | ontology | shapes
    gzip: bool = False

    def file_name(self, version: str) -> str:
        stem, _, ext = self.key.partition(".")
        return f"{stem}-{version}.{ext}"


DUMPS: tuple[Dump, ...] = (
    Dump("spkg.ttl", "The whole dataset (all named graphs merged), Turtle", "ttl", "text/turtle", "all"),
    Dump("spkg.nt.gz", "The whole dataset (all named graphs merged), N-Triples, gzip", "nt",
         "application/n-triples", "all", gzip=True),
    Dump("spkg.nq.gz", "The whole dataset with its named graphs (one per source file), N-Quads, gzip", "nq",
         "application/n-quads", "all", gzip=True),
    Dump("spkg.jsonld", "The whole dataset (all named graphs merged), JSON-LD", "jsonld", "application/ld+json",
         "all"),
    Dump("spkg-ontology.ttl", "The spkg ontology and the labels of the external terms it reuses, Turtle", "ttl",
         "text/turtle", "ontology"),
    Dump("spkg-shapes.ttl", "The SHACL shapes the data is validated with, Turtle", "ttl", "text/turtle", "shapes"),
)
BY_KEY = {d.key: d for d in DUMPS}

#: Files that describe the dumps (not distributions themselves): stable name -> (media type, title).
EXTRA = {
    "void.ttl": ("text/turtle", "DCAT/VoID description of the dataset and its dumps, Turtle"),
    "void.jsonld": ("application/ld+json", "DCAT/VoID description of the dataset and its dumps, JSON-LD"),
    "SHA256SUMS": ("text/plain", "SHA-256 checksums of the dumps (sha256sum -c)"),
    "changes": ("application/json", "What changed since the release before: outcomes, instruments and "
                                    "organizations added, changed and removed; triples per graph"),
    "index": ("application/gzip", "Index of the release's outcomes, instruments and organizations "
                                  "(labels and digests), which the next release is compared with"),
}

_OX_FORMATS = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "nq": ox.RdfFormat.N_QUADS,
               "jsonld": ox.RdfFormat.JSON_LD}


def extra_file_name(key: str, version: str) -> str:
    if key == "SHA256SUMS":
        return f"spkg-{version}.sha256"
    if key == "changes":
        return f"spkg-{version}-changes.json"
    if key == "index":
        return f"spkg-{version}-index.json.gz"
    return f"spkg-{version}-{key}"


def _graphs(names: list[str], settings: Settings, part: str) -> list[str]:
    """Of the store's named graphs, those of ``part``, sorted."""
    if part == "all":
        return sorted(names)
    prefix = f"{settings.base}graph/{part}/"
    return sorted(g for g in names if g.startswith(prefix))


# How a release reads the store (#17). Reading the store is most of a dump's cost: at 10,000
# outcomes one pass (Store.dump to N-Quads) takes 10 s of CPU, and parsing those N-Quads back
# 1.4 s. So the store is read once, into an uncompressed N-Quads file beside the dumps, and
# every merged dump (Turtle, N-Triples, JSON-LD) is written by parsing that file back: three
# passes over the store became one. The file is gzipped into the N-Quads dump and deleted.
#
# No ORDER BY: the store's index order is already stable for the same data (the same bytes
# each time) and keeps a subject's triples in a graph together, which is what Turtle needs.
# Sorting cost more than everything else (at 100,000 outcomes the sorted query had not answered
# after 14 minutes). No DISTINCT either: it keeps every triple in memory (1.3 GB at 100,000
# outcomes). The few triples that several graphs state are asked for first
# (dump-duplicates.rq), and each is written from one graph only: memory grows with those, not
# with the graph.

def duplicates(store: Store) -> dict[ox.Triple, str]:
    """The triples several named graphs state -> the name of the first of those graphs."""
    return {ox.Triple(row[0], row[1], row[2]): row[3].value for row in store.query(ld.query("dump-duplicates"))}


def part_triples(store: Store, graphs: list[str]) -> Iterator[ox.Triple]:
    """The distinct triples of ``graphs`` merged (a part: ontology, shapes), in index order."""
    names = [ox.NamedNode(g) for g in graphs] or [ox.NamedNode("urn:x-spkg:none")]
    for row in store.query(ld.query("dump-triples-of-graphs", graphs=names)):
        yield ox.Triple(row[0], row[1], row[2])


def quads(store: Store) -> Iterator[ox.Quad]:
    """Every quad, in index order."""
    for row in store.query(ld.query("dump-quads")):
        yield ox.Quad(row[0], row[1], row[2], row[3])


def write_quads(store: Store, path: Path) -> None:
    """Every quad of the store as N-Quads into ``path``: by the store's own writer where it has one
    (no Python per quad), else asked for with SPARQL."""
    if not store.dump_quads(str(path)):
        ox.serialize(quads(store), str(path), ox.RdfFormat.N_QUADS)


def merged(nquads: Path, repeated: dict[ox.Triple, str]) -> Iterator[ox.Triple]:
    """The triples of the N-Quads file ``nquads`` (all named graphs merged), each once, in the file's order:
    a triple that several graphs state (``repeated``, from :func:`duplicates`) from the first of them only."""
    # lenient: the file is the store's own output, already valid; checking each IRI again costs time.
    for q in ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS, lenient=True):
        t = q.triple
        if repeated and t in repeated and q.graph_name.value != repeated[t]:
            continue  # written from the first graph that states it
        yield t


class _Counter:
    def __init__(self, items: Iterable) -> None:
        self.items, self.n = items, 0

    def __iter__(self):
        for item in self.items:
            self.n += 1
            yield item


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


@contextmanager
def _opened(path: Path, dump: Dump) -> Iterator:
    with path.open("wb") as raw:
        if dump.gzip:
            # mtime=0 and no file name: the same data gives the same bytes.
            with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=GZIP_LEVEL) as out:
                yield out
        else:
            yield raw


def _write_rdf(path: Path, items: Iterable, dump: Dump, settings: Settings) -> int:
    """Write ``items`` (triples) as ``dump``; their number."""
    prefixes = ld.prefixes(settings.base) if dump.fmt == "ttl" else None
    counter = _Counter(items)
    with _opened(path, dump) as out:
        ox.serialize(counter, out, _OX_FORMATS[dump.fmt], prefixes=prefixes)
    return counter.n


def _gzip_copy(source: Path, path: Path, dump: Dump) -> int:
    """``source`` (N-Quads) gzipped into ``path``; its lines, which are its quads (N-Quads escapes newlines)."""
    n = 0
    with source.open("rb") as src, _opened(path, dump) as out:
        while chunk := src.read(CHUNK):
            n += chunk.count(b"\n")
            out.write(chunk)
    return n


# -- the second core ------------------------------------------------------------------------
# Some whole-store queries do not depend on the dumps: the repeated triples (which the merged dumps
# need), the release index and the VoID statistics. They run in a second process, with its own
# read-only opening of the store, while this one reads the store into N-Quads and writes the dumps
# (the index, once that file is there, reads its things' triples from it: see changes.index).

def _job(store: Store, base: str, job: str, nquads: Path | None = None):
    if job == "duplicates":
        return duplicates(store)
    if job == "index":
        return changes.index(store, base, nquads)
    from kg.publish import void as catalog  # rdflib: only when asked

    return catalog.statistics(store, base)


def _job_in_worker(settings: Settings, job: str, nquads: Path | None):
    store = open_store(settings)
    try:
        return _job(store, settings.base, job, nquads)
    finally:
        store.close()


def _start(pool: ProcessPoolExecutor | None, settings: Settings, store: Store, job: str,
           nquads: Path | None = None) -> Future:
    if pool is not None:
        return pool.submit(_job_in_worker, settings, job, nquads)
    done: Future = Future()
    done.set_result(_job(store, settings.base, job, nquads))  # a store handed in: here, in turn
    return done


def write(settings: Settings, *, store: Store | None = None, keep: int = 3,
          progress: Progress | None = None) -> dict:
    """Write every dump of the current dataset version and return its manifest."""
    say = progress or (lambda message: None)
    build_manifest = read_manifest(settings)
    if build_manifest is None:
        raise StoreError(f"no build manifest beside {settings.store_dir}", hint="run `kg build` first")
    version = dataset_version(build_manifest)
    out_dir = settings.dumps_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    own = store is None
    if own:
        store = open_store(settings)
    # spawn, not fork: a forked child would share this process's open RocksDB handles.
    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) if own else None
    try:
        files = []
        repeated_job = _start(pool, settings, store, "duplicates")
        stats_job = _start(pool, settings, store, "void")
        named = [str(r["g"]) for r in ld.rows(store, ld.query("named-graphs"))]  # once: a whole-store query
        nquads = out_dir / f".spkg-{version.name}.nq.part-{os.getpid()}"
        try:
            write_quads(store, nquads)  # the one pass over the store, see above
            index_job = _start(pool, settings, store, "index", nquads)  # reads the file: done before it goes
            repeated = repeated_job.result()
            for dump in DUMPS:
                graphs = _graphs(named, settings, dump.part)
                tmp = out_dir / f".{dump.file_name(version.name)}.part-{os.getpid()}"
                try:
                    if dump.fmt == "nq":
                        n = _gzip_copy(nquads, tmp, dump)
                    elif dump.part == "all":
                        n = _write_rdf(tmp, merged(nquads, repeated), dump, settings)
                    else:
                        n = _write_rdf(tmp, part_triples(store, graphs), dump, settings)
                    os.replace(tmp, out_dir / dump.file_name(version.name))
                finally:
                    tmp.unlink(missing_ok=True)
                name = dump.file_name(version.name)
                entry = _entry(out_dir / name, dump.key, dump.title, dump.media_type, kind="distribution")
                entry.update({"format": dump.fmt, "part": dump.part, "compression": "gzip" if dump.gzip else None,
                              "triples": n, "graphs": graphs})
                files.append(entry)
                say(f"wrote {name}: {n:,} {'quads' if dump.fmt == 'nq' else 'triples'}, {entry['bytes']:,} bytes")
            index = index_job.result()
        finally:
            nquads.unlink(missing_ok=True)

        manifest = {
            "version": version.name,
            "built_at": version.built_at.isoformat(),
            "content_hash": version.content_hash,
            "base": settings.base,
            "written_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "graphs": dict(build_manifest.get("graphs", {})),
            "files": files,
        }
        _release_changes(settings, index, version.name, manifest, files, say)
        from kg.publish import void as catalog

        graph = catalog.describe(store, settings, build_manifest, manifest, stats_job.result())
        for key, fmt in (("void.ttl", "ttl"), ("void.jsonld", "jsonld")):
            name = extra_file_name(key, version.name)
            _atomic_bytes(out_dir / name, ld.serialize(graph, fmt, settings.base))
            media_type, title = EXTRA[key]
            files.append(_entry(out_dir / name, key, title, media_type, kind="description"))
        sums = "".join(f"{f['sha256']}  {f['name']}\n" for f in files)
        name = extra_file_name("SHA256SUMS", version.name)
        _atomic_bytes(out_dir / name, sums.encode())
        media_type, title = EXTRA["SHA256SUMS"]
        files.append(_entry(out_dir / name, "SHA256SUMS", title, media_type, kind="checksums"))

        text = json.dumps(manifest, indent=2) + "\n"
        _atomic_bytes(out_dir / f"spkg-{version.name}.json", text.encode())
        _atomic_bytes(out_dir / LATEST, text.encode())
        say(f"wrote {len(files)} files of version {version.name} to {out_dir}")
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
        if own:
            store.close()
    removed = prune(settings, keep=keep)
    if removed:
        say(f"removed {len(removed)} files of older versions")
    return manifest


def _release_changes(settings: Settings, idx: dict, version: str, manifest: dict, files: list[dict],
                     say: Progress) -> None:
    """The release's index of things (``idx``: changes.index), and what changed since the release before."""
    out_dir = settings.dumps_dir
    name = extra_file_name("index", version)
    changes.write_index(out_dir / name, idx)
    media_type, title = EXTRA["index"]
    files.append(_entry(out_dir / name, "index", title, media_type, kind="index"))
    previous = next((m for m in manifests(settings) if m["version"] != version), None)
    old = changes.read_index(out_dir / extra_file_name("index", previous["version"])) if previous else None
    diff = changes.compare(old, idx, previous.get("graphs") if previous else None, manifest["graphs"])
    diff.update({"version": version, "replaces": previous["version"] if previous else None})
    name = extra_file_name("changes", version)
    _atomic_bytes(out_dir / name, (json.dumps(diff, indent=1, ensure_ascii=False) + "\n").encode())
    media_type, title = EXTRA["changes"]
    files.append(_entry(out_dir / name, "changes", title, media_type, kind="changes"))
    manifest["replaces"] = diff["replaces"]
    manifest["changes"] = {kind: {k: len(v) for k, v in c.items()} for kind, c in diff["things"].items()}
    manifest["change_summary"] = changes.summary(diff) if previous else "the first release"
    say(f"changes since {previous['version'] if previous else 'nothing'}: {manifest['change_summary']}")


def is_version(name: str) -> bool:
    """Whether a name under /dumps/ is a release (a dataset version), not a file."""
    return bool(_VERSION_RE.match(name))


def read_changes(settings: Settings, version: str) -> dict | None:
    """The changes file of a release, if it has one."""
    try:
        return json.loads((settings.dumps_dir / extra_file_name("changes", version)).read_text())
    except (OSError, ValueError):
        return None


def _entry(path: Path, key: str, title: str, media_type: str, *, kind: str) -> dict:
    return {"name": path.name, "latest": key, "title": title, "media_type": media_type, "kind": kind,
            "bytes": path.stat().st_size, "sha256": sha256_file(path)}


def _atomic_bytes(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.part-{os.getpid()}")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


# -- reading what was written -------------------------------------------------------------

def manifests(settings: Settings) -> list[dict]:
    """Every version's manifest in the dumps folder, newest first."""
    found = []
    folder = settings.dumps_dir
    if not folder.is_dir():
        return []
    for p in folder.glob("spkg-*.json"):
        version = p.name[len("spkg-"):-len(".json")]
        if not _VERSION_RE.match(version):
            continue
        try:
            data = json.loads(p.read_text())
        except (OSError, ValueError):
            logger.warning("skipping unreadable dump manifest %s", p)
            continue
        if isinstance(data, dict) and data.get("version") == version:
            found.append(data)
    return sorted(found, key=lambda m: (m.get("built_at", ""), m["version"]), reverse=True)


def read_latest(settings: Settings) -> dict | None:
    try:
        data = json.loads((settings.dumps_dir / LATEST).read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and _VERSION_RE.match(str(data.get("version", ""))) else None


def locate(settings: Settings, name: str) -> tuple[Path, dict, dict]:
    """(path, file entry, manifest) of a dump file by its exact name; NotFound otherwise.

    Only names that a manifest lists are served, and only from the dumps folder.
    """
    if not _NAME_RE.match(name) or ".." in name:
        raise NotFound(f"no dump file {name!r}")
    folder = settings.dumps_dir.resolve()
    for manifest in manifests(settings):
        for entry in manifest.get("files", []):
            if entry.get("name") == name:
                path = (folder / name).resolve()
                if path.parent != folder or not path.is_file():
                    break
                return path, entry, manifest
    raise NotFound(f"no dump file {name!r}", hint="see /dumps/ for the files there are")


def prune(settings: Settings, *, keep: int = 3) -> list[str]:
    """Delete the files of all but the newest ``keep`` versions; return their names."""
    removed = []
    folder = settings.dumps_dir
    for manifest in manifests(settings)[max(1, keep):]:
        for entry in manifest.get("files", []):
            name = entry.get("name", "")
            if _NAME_RE.match(name):
                (folder / name).unlink(missing_ok=True)
                removed.append(name)
        (folder / f"spkg-{manifest['version']}.json").unlink(missing_ok=True)
        removed.append(f"spkg-{manifest['version']}.json")
    return removed


def verify(settings: Settings, manifest: dict | None = None) -> list[str]:
    """Problems with the files of ``manifest`` (default: latest): missing, wrong size or checksum."""
    manifest = manifest or read_latest(settings)
    if manifest is None:
        return ["no dumps written yet: run `kg dump`"]
    problems = []
    for entry in manifest["files"]:
        path = settings.dumps_dir / entry["name"]
        if not path.is_file():
            problems.append(f"{entry['name']}: missing")
        elif path.stat().st_size != entry["bytes"]:
            problems.append(f"{entry['name']}: {path.stat().st_size} bytes, the manifest says {entry['bytes']}")
        elif sha256_file(path) != entry["sha256"]:
            problems.append(f"{entry['name']}: SHA-256 does not match the manifest")
    return problems

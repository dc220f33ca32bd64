"""`kg build`: parse, validate and load every input file into a fresh store, then swap it in.

Each input file goes into its own named graph; queries see the union of the named
graphs as their default graph. What the ontology's mappings imply goes into one more
graph, ``{base}graph/entailments`` (:mod:`kg.write.entailments`), counted in the manifest
like the others. The build is atomic: it loads into a fresh sibling
folder (:func:`kg.store.swap.staged`) and swaps it in only when every file parsed and
the data validated, so a failed build leaves the previous store exactly as it was.
On an external store the graphs are replaced there and the manifest written after.
The validation report (SHACL results and quality rules' findings, warnings included) is
kept beside the manifest, keyed to the data's content hash (:mod:`kg.validate.stored`),
for the /quality page; that of a build refused for violations too (the store is unchanged,
the page says so).
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.config import Settings
from kg.errors import ValidationFailed
from kg.rdf import sources as src
from kg.store import graph_counts, manifest_path, package_version, read_manifest, swap
from kg.store.manifest import next_built_at
from kg.validate import Report, stored, validate_files
from kg.write import entailments

logger = logging.getLogger(__name__)

Progress = Callable[[str], None]


@dataclass(frozen=True)
class BuildReport:
    files: tuple[src.Source, ...]
    graph_triples: dict[str, int]
    total_triples: int
    seconds: float
    store_dir: Path
    validation: Report | None = None


def build(settings: Settings, *, validate: bool = True, progress: Progress | None = None) -> BuildReport:
    """Parse, validate and load every input file into a fresh store, then swap it in."""
    say = progress or (lambda message: None)
    started = time.perf_counter()
    files = src.discover(settings)

    content_hash = src.dataset_hash(settings, files)
    report = None
    if validate:
        n_data, n_shapes = (sum(f.folder == k for f in files) for k in ("data", "shapes"))
        say(f"validating {n_data} data file{'s' * (n_data != 1)} against {n_shapes} shapes file{'s' * (n_shapes != 1)}")
        report = validate_files(settings)
        say(f"validation: {report.summary()}")
        if not report.conforms:
            _keep_report(settings, report, content_hash)  # what stopped the build, for the /quality page
            raise ValidationFailed(f"validation failed: {report.summary()}", report)

    if settings.external:
        return _build_external(settings, files, report, validate, say, started, content_hash)
    with swap.staged(settings) as (tmp, tmp_manifest):
        store = ox.Store(str(tmp))
        store.bulk_extend(load_quads(files, settings, say))
        entailed = entailments.materialise(store, settings.base)
        say(f"entailments: {entailed} triples -> <{entailments.graph_iri(settings.base)}>")
        store.flush()
        counts = dict(sorted(graph_counts(store).items()))
        total = len(store)
        del store  # RocksDB must be released before the folder is renamed
        tmp_manifest.write_text(json.dumps(_manifest(settings, files, counts, total, validate, content_hash),
                                           indent=2) + "\n")
        swap.install(settings, tmp, tmp_manifest)
    _keep_report(settings, report, content_hash)

    seconds = time.perf_counter() - started
    logger.info("built %s: %d triples in %d graphs in %.2fs", settings.store_dir, total, len(counts), seconds)
    return BuildReport(tuple(files), counts, total, seconds, settings.store_dir, report)


def _keep_report(settings: Settings, report: Report | None, content_hash: str) -> None:
    """Keep what validation found beside the manifest, for the /quality page.

    A disk that refuses it costs the page its report, not the build its result: the
    store is swapped in (or the build refused) either way, so this only warns.
    """
    try:
        if report is None:
            stored.remove(settings)  # built without validation: no report describes this store
        else:
            stored.write(settings, report, content_hash)
    except OSError as e:
        logger.warning("could not keep the validation report at %s: %s", stored.path(settings), e)


def _manifest(settings: Settings, files: list[src.Source], counts: dict[str, int], total: int,
              validate: bool, content_hash: str) -> dict:
    manifest = {
        "spkg_version": package_version(),
        "built_at": next_built_at(read_manifest(settings)),  # later than the store it replaces
        "base": settings.base,
        "content_hash": content_hash,
        "triples": total,
        "graphs": counts,
        "files": [{"path": f.rel, "graph": f.graph_iri} for f in files],
        "validated": validate,
    }
    if settings.external:
        manifest["store"] = settings.store_url
    return manifest


def _build_external(settings: Settings, files: list[src.Source], report: Report | None, validate: bool,
                    say: Progress, started: float, content_hash: str) -> BuildReport:
    """Load everything into the external store, replacing what it held; then write the manifest.

    The manifest stays beside the project (``.kg/build.json``): replicas that
    share the project folder share the dataset version with it.
    """
    from kg.store import remote

    client = remote.RemoteStore(remote.Endpoints.of(settings, work=True))
    try:
        say(f"loading into the external store at {settings.store_url}")
        requests = client.load(load_quads(files, settings, say), batch=settings.store_batch_triples, say=say)
        remote.check_union(client)
        entailed = entailments.refresh_remote(client, settings.base)
        say(f"entailments: {entailed} triples -> <{entailments.graph_iri(settings.base)}>")
        counts = dict(sorted(graph_counts(client).items()))  # what the store holds, as the embedded build counts
        total = sum(counts.values())
    finally:
        client.close()
    path = manifest_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.new-{os.getpid()}")
    try:
        tmp.write_text(json.dumps(_manifest(settings, files, counts, total, validate, content_hash),
                                  indent=2) + "\n")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    _keep_report(settings, report, content_hash)
    seconds = time.perf_counter() - started
    logger.info("built %s: %d triples in %d graphs in %.2fs (%d request(s))",
                settings.store_url, total, len(counts), seconds, requests)
    return BuildReport(tuple(files), counts, total, seconds, settings.store_dir, report)


def load_quads(files: list[src.Source], settings: Settings, say: Progress) -> Iterator[ox.Quad]:
    """All files' quads for one bulk load (partner graphs included), telling ``say`` as each file is done."""
    for source in files:
        n = 0
        for q in src.parse_oxigraph(source, settings):
            n += 1
            yield q
        say(f"loaded {source.rel}: {n} triples -> <{source.graph_iri}>")
    yield from src.partner_quads(settings, say)

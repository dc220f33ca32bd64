"""Loading a batch into the built store, the way `kg build` swaps stores: all or nothing.

Servers open the store read-only, and writing under a reader is undefined
behaviour in RocksDB, so the store is never written in place: a checkpoint of
it (hard links, instant) is made beside it, the batch's graphs are replaced in
the copy (old graph removed, new one bulk-loaded: the copy is private, so no
transaction is needed), and the copy is swapped in by renames, as
:func:`kg.store.build` does: readers see the old store or the new one, never a
mix, and a failure leaves the old one. The build manifest (``.kg/build.json``) is then
rewritten with the new content hash, triple counts and files, ``built_at``
and ``updated_at`` set to now (the dataset version servers derive their ETag
and Last-Modified from, and reopen the store on), and ``last_ingest``.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
from collections.abc import Callable, Mapping
from datetime import datetime, timezone

import pyoxigraph as ox

from kg import iris
from kg import sources as src
from kg.config import Settings
from kg.store import _swap, _sweep, inputs_hash, manifest_path, read_manifest

logger = logging.getLogger(__name__)


def update_store(settings: Settings, graphs: Mapping[str, str | None], *, records: int = 0,
                 say: Callable[[str], None] = lambda m: None, note: Mapping | None = None) -> dict:
    """Replace each named graph with the Turtle given (None: drop it); return the new manifest.

    ``note``: manifest entries recording the change (default: ``last_ingest``).
    """
    target = settings.store_dir
    started = time.perf_counter()
    _sweep(target)
    tmp = target.with_name(f"{target.name}.new-{os.getpid()}")
    tmp_manifest = manifest_path(settings).with_name(f"{manifest_path(settings).name}.new-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    manifest = read_manifest(settings) or {}
    try:
        reader = ox.Store.read_only(str(target))
        reader.backup(str(tmp))
        del reader  # RocksDB is released when the last reference goes
        store = ox.Store(str(tmp))
        names = sorted(graphs)
        counts = dict(manifest.get("graphs", {}))
        total = int(manifest.get("triples", 0))
        for g in names:
            total -= counts.pop(g, 0)
        for g in names:  # the copy is private until swapped in: no transaction needed
            node = ox.NamedNode(g)
            if store.contains_named_graph(node):
                store.remove_graph(node)
        def quads():
            nonlocal total
            for g in names:
                text = graphs[g]
                if text is None:
                    continue
                node = ox.NamedNode(g)
                n = 0
                for q in ox.parse(iris.rebase(text, settings.base), format=ox.RdfFormat.TURTLE,
                                  without_named_graphs=True):
                    n += 1
                    yield ox.Quad(q.subject, q.predicate, q.object, node)
                counts[g] = n
                total += n

        store.bulk_extend(quads())
        store.flush()
        del store
        files = src.discover(settings)
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        manifest.update({
            "built_at": now,  # the store in place is a new one: HTTP Last-Modified follows it
            "content_hash": inputs_hash(settings, files),
            "triples": total,
            "graphs": dict(sorted(counts.items())),
            "files": [{"path": f.rel, "graph": f.graph_iri} for f in files],
            "updated_at": now,
        })
        manifest.update(note if note is not None else {"last_ingest": {"records": records, "graphs": names}})
        tmp_manifest.write_text(json.dumps(manifest, indent=2) + "\n")
        _swap(tmp, target)
        os.replace(tmp_manifest, manifest_path(settings))
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        tmp_manifest.unlink(missing_ok=True)
        raise
    say(f"store updated: {len(graphs)} graph(s) replaced, {total:,} triples in all "
        f"({time.perf_counter() - started:.2f}s)")
    return manifest

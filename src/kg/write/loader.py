"""Loading a batch into the built store, the way `kg build` swaps stores: all or nothing.

Servers open the store read-only, and writing under a reader is undefined
behaviour in RocksDB, so the store is never written in place: a checkpoint of
it (hard links, instant) is made beside it, the batch's graphs are replaced in
the copy (old graph removed, new one bulk-loaded: the copy is private, so no
transaction is needed), and the copy is swapped in by renames, as
`kg build` does: readers see the old store or the new one, never a
mix, and a failure leaves the old one. The build manifest (``.kg/build.json``) is then
rewritten with the new content hash, triple counts and files, ``built_at``
and ``updated_at`` set to now (the dataset version servers derive their ETag
and Last-Modified from, and reopen the store on), and ``last_ingest``.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable, Mapping

import pyoxigraph as ox

from kg.config import Settings
from kg.rdf import iris
from kg.rdf import sources as src
from kg.store import manifest_path, read_manifest, swap
from kg.store.manifest import next_built_at
from kg.write import entailments

logger = logging.getLogger(__name__)


def update_store(settings: Settings, graphs: Mapping[str, str | list[ox.Triple] | None], *, records: int = 0,
                 say: Callable[[str], None] = lambda m: None, note: Mapping | None = None,
                 add: Mapping[str, list[ox.Triple]] | None = None) -> dict:
    """Replace each named graph with the Turtle given, or the triples (None: drop it); return the new manifest.

    Turtle is written against the default base and rebased here; triples are taken as they are.
    ``add``: triples added to a graph that is otherwise kept, such as a write's audit record (the
    audit graph only grows: appending costs the record, not the history). They must not be in the
    graph already, as a record naming a new activity is not: the graph's count grows by their number.

    ``note``: manifest entries recording the change (default: ``last_ingest``).
    On an external store the graphs are replaced in one update request (one
    transaction there); the manifest is rewritten only after it succeeded.
    """
    started = time.perf_counter()
    manifest = read_manifest(settings) or {}
    names = sorted(graphs)
    counts = dict(manifest.get("graphs", {}))
    for g in names:
        counts.pop(g, None)
    triples = {g: _triples(graphs[g], settings) for g in names if graphs[g] is not None}
    counts.update({g: len(t) for g, t in triples.items()})
    added = {g: list(dict.fromkeys(t)) for g, t in (add or {}).items() if g not in graphs and t}
    for g, t in added.items():
        counts[g] = counts.get(g, 0) + len(t)
    # The entailments graph follows the data: recomputed after the graphs are replaced (kg.write.entailments).
    entailed = entailments.graph_iri(settings.base)
    counts.pop(entailed, None)

    def with_entailments(n: int) -> int:
        if n:
            counts[entailed] = n
        return sum(counts.values())

    if settings.external:
        _replace_external(settings, {g: triples.get(g) for g in names}, added)
        total = with_entailments(_refresh_external(settings))
        _write_manifest(settings, manifest, counts, total, records, names, note)
    else:
        totals: list[int] = []

        def finish(tmp, n: int) -> None:
            totals.append(with_entailments(n))
            _write_manifest(settings, manifest, counts, totals[0], records, names, note, tmp)

        _replace_embedded(settings, names, {**triples, **added}, finish, manifest.get("graphs", {}).get(entailed))
        total = totals[0]
    say(f"store updated: {len(graphs)} graph(s) replaced, {len(added)} added to, {total:,} triples in all "
        f"({time.perf_counter() - started:.2f}s)")
    return manifest


def _triples(turtle: str | list[ox.Triple], settings: Settings) -> list[ox.Triple]:
    """The graph's distinct triples, rebased (a store keeps each triple once, so counts match)."""
    if not isinstance(turtle, str):
        return list(dict.fromkeys(turtle))
    parsed = ox.parse(iris.rebase(turtle, settings.base), format=ox.RdfFormat.TURTLE, without_named_graphs=True)
    return list(dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in parsed))


def _write_manifest(settings: Settings, manifest: dict, counts: dict[str, int], total: int, records: int,
                    names: list[str], note: Mapping | None, tmp=None) -> None:
    """Update ``manifest`` in place and write it (to ``tmp``, for the caller to swap in, or in place)."""
    files = src.discover(settings)
    now = next_built_at(manifest)  # the manifest of the store replaced
    manifest.update({
        "built_at": now,  # the store in place is a new one: HTTP Last-Modified follows it
        "content_hash": src.dataset_hash(settings, files),
        "triples": total,
        "graphs": dict(sorted(counts.items())),
        "files": [{"path": f.rel, "graph": f.graph_iri} for f in files],
        "updated_at": now,
    })
    manifest.update(note if note is not None else {"last_ingest": {"records": records, "graphs": names}})
    path = manifest_path(settings)
    target = tmp or path.with_name(f"{path.name}.new-{os.getpid()}")
    target.write_text(json.dumps(manifest, indent=2) + "\n")
    if tmp is None:
        os.replace(target, path)


def _refresh_external(settings: Settings) -> int:
    """Recompute the external store's entailments graph (a second update request); its triple count."""
    from kg.store import remote

    client = remote.RemoteStore(remote.Endpoints.of(settings, work=True))
    try:
        return entailments.refresh_remote(client, settings.base)
    finally:
        client.close()


def _replace_external(settings: Settings, graphs: Mapping[str, list[ox.Triple] | None],
                      added: Mapping[str, list[ox.Triple]]) -> None:
    from kg.store import remote

    client = remote.RemoteStore(remote.Endpoints.of(settings, work=True))
    try:
        client.replace_graphs(graphs, add=added)
    finally:
        client.close()


def _replace_embedded(settings: Settings, names: list[str], triples: Mapping[str, list[ox.Triple]],
                      write_manifest: Callable, entailed_before: int | None = None) -> None:
    """A checkpoint copy of the store with the graphs ``names`` replaced (the others of ``triples`` are added
    to), swapped in with its manifest. ``entailed_before``: the triples of the entailments graph, as the
    manifest counts them."""
    with swap.staged(settings) as (tmp, tmp_manifest):
        reader = ox.Store.read_only(str(settings.store_dir))
        reader.backup(str(tmp))
        del reader  # RocksDB is released when the last reference goes
        store = ox.Store(str(tmp))
        # The ontology's axioms unchanged (a partner cannot write them), only what the changed triples imply
        # can change: the entailments are brought up to date for those, not made again for the whole store.
        ontology = f"{settings.base}graph/ontology/"  # where entailment-axioms.rq reads the axioms
        whole = any(g.startswith(ontology) for g in [*names, *triples])
        changed: list[ox.Triple] = []
        for g in names:  # the copy is private until swapped in: no transaction needed
            node = ox.NamedNode(g)
            if store.contains_named_graph(node):
                if not whole:
                    changed += (ox.Triple(q.subject, q.predicate, q.object)
                                for q in store.quads_for_pattern(None, None, None, node))
                store.remove_graph(node)
        store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(g))
                          for g, ts in triples.items() for t in ts)
        if whole:
            entailed = entailments.materialise(store, settings.base)
        else:
            entailed = entailments.update(store, settings.base, [*changed, *(t for ts in triples.values() for t in ts)],
                                          entailed_before if isinstance(entailed_before, int) else None)
        store.flush()
        del store
        write_manifest(tmp_manifest, entailed)
        swap.install(settings, tmp, tmp_manifest)

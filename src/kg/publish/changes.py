"""What changed from one release of the dumps to the next: outcomes, instruments and bodies
added, changed or removed, and triples per graph.

Each release keeps an index of its things (``spkg-{version}-index.json.gz``: for every
outcome, instrument and organization, its label and a digest of its own triples), so the
next release can say what is new, what changed and what went, without the old dumps. The
comparison is written as ``spkg-{version}-changes.json``; the manifest, the DCAT/VoID
description (``dcterms:replaces``, a version note), the ``/dumps/`` page and the Atom feed
``/dumps/feed.atom`` all read it.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections import Counter, defaultdict
from pathlib import Path

import pyoxigraph as ox

from kg.publish import ld
from kg.store import Store

#: The kinds of things a release reports on, by the class that types them.
KINDS = {
    "outcomes": "https://w3id.org/spkg/def/kg#Outcome",
    "instruments": "https://w3id.org/spkg/def/kg#PolicyInstrument",
    "organizations": "http://www.w3.org/ns/org#FormalOrganization",
}


#: How a thing's triples are digested; an index made another way cannot tell what changed.
DIGEST = "sum-blake2b-128"
_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


def index(store: Store, base: str, nquads: Path | None = None) -> dict:
    """kind -> IRI -> [label, digest of the thing's own triples] for the release being written.

    The digest is the sum of the triples' hashes: the same whatever order the store gives them
    in, so the query needs no ORDER BY, and the memory is one number per thing, not its triples.

    ``nquads``: every quad of the store as N-Quads (kg dump writes it anyway). The things' triples
    are then read from that file instead of asked for (a pass over the store): the same digests,
    for a third of the CPU.
    """
    if nquads is not None:
        return _index_of_file(store, base, nquads)
    out: dict = {"digest": DIGEST}
    for kind, cls in KINDS.items():
        cls = cls.replace("https://w3id.org/spkg/", base)
        sums: dict[str, int] = defaultdict(int)
        labels: dict[str, str] = {}
        # Row by row, as pyoxigraph's terms (whose str() is their N-Triples form): at 100,000 outcomes
        # there are millions of rows, too many to hold.
        solutions = store.query(ld.query("release-index-triples"),
                                substitutions={ox.Variable("cls"): ox.NamedNode(cls)})
        for subject, predicate, obj, _ in solutions:
            s = subject.value
            sums[s] += _hash(predicate, obj)
            if predicate.value == _LABEL and (s not in labels or obj.value < labels[s]):
                labels[s] = obj.value  # the least of several: the same in any order
        out[kind] = _digests(sums, labels)
    return out


def _hash(predicate, obj) -> int:
    return int.from_bytes(hashlib.blake2b(f"{predicate} {obj}".encode(), digest_size=16).digest(), "big")


def _digests(sums: dict[str, int], labels: dict[str, str]) -> dict[str, list[str]]:
    return {s: [labels.get(s, s), f"{total % (1 << 128):032x}"[:16]] for s, total in sorted(sums.items())}


def _index_of_file(store: Store, base: str, nquads: Path) -> dict:
    """:func:`index` from the N-Quads file: release-index-triples.rq gives each of a thing's quads
    once per quad typing it (the union of the graphs keeps repeats), so each quad counts that often."""
    kinds_of: dict[str, list[tuple[str, int]]] = defaultdict(list)  # thing -> [(kind, its typing quads)]
    for kind, cls in KINDS.items():
        cls = cls.replace("https://w3id.org/spkg/", base)
        typed = Counter(row[0].value for row in store.query(ld.query("release-index-things"),
                                                            substitutions={ox.Variable("cls"): ox.NamedNode(cls)}))
        for s, times in typed.items():
            kinds_of[s].append((kind, times))
    sums: dict[str, dict[str, int]] = {kind: defaultdict(int) for kind in KINDS}
    labels: dict[str, dict[str, str]] = {kind: {} for kind in KINDS}
    for q in ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS, lenient=True):
        s = q.subject.value
        of = kinds_of.get(s)
        if of is None:
            continue
        h = _hash(q.predicate, q.object)
        label = q.object.value if q.predicate.value == _LABEL else None
        for kind, times in of:
            sums[kind][s] += times * h
            if label is not None and (s not in labels[kind] or label < labels[kind][s]):
                labels[kind][s] = label
    return {"digest": DIGEST, **{kind: _digests(sums[kind], labels[kind]) for kind in KINDS}}


def write_index(path: Path, idx: dict) -> None:
    with gzip.GzipFile(filename="", mode="wb", fileobj=path.open("wb"), mtime=0) as out:
        out.write(json.dumps(idx, sort_keys=True).encode())


def read_index(path: Path) -> dict | None:
    try:
        with gzip.open(path, "rb") as fh:
            return json.loads(fh.read())
    except (OSError, ValueError):
        return None


def compare(old: dict | None, new: dict, old_graphs: dict[str, int] | None, new_graphs: dict[str, int]) -> dict:
    """What was added, changed and removed between two indexes; triples per graph before and after."""
    result: dict = {"things": {}, "graphs": []}
    comparable = old is None or old.get("digest") == new.get("digest")
    if not comparable:
        result["note"] = ("the release before digested its things another way: what changed in the things "
                          "both releases have is not known this once")
    for kind in KINDS:
        before = (old or {}).get(kind, {})
        after = new.get(kind, {})
        added = sorted((s for s in after if s not in before), key=lambda s: after[s][0].lower())
        removed = sorted((s for s in before if s not in after), key=lambda s: before[s][0].lower())
        changed = sorted((s for s in after if comparable and s in before and before[s][1] != after[s][1]),
                         key=lambda s: after[s][0].lower())
        result["things"][kind] = {
            "added": [{"iri": s, "label": after[s][0]} for s in added],
            "changed": [{"iri": s, "label": after[s][0]} for s in changed],
            "removed": [{"iri": s, "label": before[s][0]} for s in removed],
        }
    for g in sorted(set(old_graphs or {}) | set(new_graphs)):
        b, a = (old_graphs or {}).get(g, 0), new_graphs.get(g, 0)
        if a != b:
            result["graphs"].append({"graph": g, "before": b, "after": a})
    return result


def summary(changes: dict) -> str:
    """One line for people: "3 outcomes added, 1 changed; 12 organizations added"."""
    parts = []
    for kind, c in changes.get("things", {}).items():
        bits = [f"{len(c[k])} {k}" for k in ("added", "changed", "removed") if c[k]]
        if bits:
            parts.append(f"{kind}: " + ", ".join(bits))
    return "; ".join(parts) or "no outcome, instrument or organization changed"

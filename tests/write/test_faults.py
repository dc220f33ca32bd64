"""SIGKILL during `kg build`, `kg ingest` and a partner write (PUT /graphs on a real `kg serve`).

Each test kills a real process at one step (a crash point, see crashpoint.py, or a
moment we watch for), then restarts as a user would, with no repair by hand, and checks:

* the served data is exactly the last committed version: the store opens, its
  manifest (the version servers announce) describes it, and it is the before
  or the after state the step implies;
* nothing half-written: data/ (and partners/) hold all of a batch or none of
  it, and the store matches the files (what a fresh `kg build` would make);
* the next ordinary command just works and leaves no temp folder behind.

What puts things right after a kill is kg.write.recovery, which `kg serve`, `kg build`,
`kg ingest` and every partner write run first.
"""

from __future__ import annotations

import shutil
import signal
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from fault_helpers import (
    FIXTURE,
    GENEVA,
    GRAPH,
    NOTE,
    RECORDS,
    Served,
    assert_manifest_matches_store,
    descendants,
    fingerprint,
    fresh_build,
    gone,
    leftovers,
    manifest,
    organizations,
    run_kg,
    settings_of,
    snapshot,
)

from kg import config
from kg.write.build import build
from kg.write import tokens

pytestmark = [pytest.mark.slow, pytest.mark.embedded]
KILLED = -signal.SIGKILL


# -- kg build --------------------------------------------------------------------------------

@pytest.fixture
def small_project(tmp_path: Path) -> Path:
    """A built copy of the fixture project (small shapes: partner writes validate fast)."""
    project = tmp_path / "project"
    shutil.copytree(FIXTURE, project)
    build(settings_of(project), validate=False)
    return project


@pytest.fixture
def build_project(small_project: Path) -> Path:
    """The small project built (version 1), then a large data file added (version 2 on disk)."""
    (small_project / "data" / "more.ttl").write_text(organizations(10_000), encoding="utf-8")
    return small_project


def _loading(settings: config.Settings):
    kg_dir = settings.store_dir.parent
    return lambda: any(kg_dir.glob("store.new-*"))


@pytest.mark.parametrize("crash, expect", [
    pytest.param(None, "before", id="while-loading"),
    pytest.param("rename:store:1:before", "before", id="before-the-old-store-moves-away"),
    pytest.param("rename:store:2:before", "before", id="between-the-two-renames"),
    pytest.param("replace:build.json:1:before", "either", id="store-swapped-manifest-not"),
    pytest.param("replace:build.json:1:after", "after", id="after-the-manifest"),
])
def test_a_killed_build_leaves_the_last_version_served(build_project, tmp_path, crash, expect):
    project, s = build_project, settings_of(build_project)
    before, after = fingerprint(s.store_dir), fresh_build(project, tmp_path)
    data = snapshot(s.data_dir)

    r = run_kg(project, "build", "--no-validate", crash=crash, kill_when=None if crash else _loading(s))
    assert r.returncode == KILLED, r.stderr

    with Served(project) as served:  # restarted: serves at once, the version it announces is the one it has
        counts = served.counts()
    assert counts == manifest(s)["graphs"]
    now = fingerprint(s.store_dir)
    assert now == {"before": before, "after": after}.get(expect, now)
    assert now in (before, after)

    r = run_kg(project, "build", "--no-validate")  # the next build just works
    assert r.returncode == 0, r.stderr
    assert fingerprint(s.store_dir) == after
    assert_manifest_matches_store(s)
    assert leftovers(s) == []
    assert snapshot(s.data_dir) == data


# -- kg ingest -------------------------------------------------------------------------------

BATCH = ("khm-step1-no-themes.txt", "vnm-qualifier.txt")  # four new files in data/
BATCH_FILES = {"outcome-khm104-2021-03-15.ttl", "outcome-khm104-2021-03-15-suggestions.ttl",
               "outcome-vnm151-2021-12-31.ttl", "outcome-vnm151-2021-12-31-suggestions.ttl"}
NEXT = "tjk-truncated.txt"


def _batch_files(settings: config.Settings) -> set[str]:
    return {p.name for p in settings.data_dir.glob("*.ttl")} & BATCH_FILES


INGEST_POINTS = [
    pytest.param("sync::1:before", "before", id="staged-not-flushed"),
    pytest.param("replace:outcome-:2:before", "before", id="between-two-file-moves"),
    pytest.param("rename:store:2:before", "before", id="store-between-renames"),
    pytest.param("replace:build.json:1:before", "either", id="store-swapped-manifest-not"),
    pytest.param("replace:journal.json:4:before", "after", id="stored-journal-not-told"),
    pytest.param("rmtree:.ingest-:2:before", "after", id="done-folder-not-removed"),
]


@pytest.mark.parametrize("crash, expect", INGEST_POINTS)
def test_a_killed_ingest_leaves_the_last_version_served(ingest_settings, tmp_path, crash, expect):
    s = ingest_settings
    before = fingerprint(s.store_dir)

    r = run_kg(s.root, "ingest", *(str(RECORDS / n) for n in BATCH), crash=crash)
    assert r.returncode == KILLED, r.stderr

    # What a restarted server opens: a store its manifest describes, before or after the batch.
    with Served(s.root) as served:
        assert served.counts() == manifest(s)["graphs"]
    assert_manifest_matches_store(s)
    now = fingerprint(s.store_dir)
    if expect == "before":
        assert now == before
    elif expect == "after":
        assert now != before

    r = run_kg(s.root, "ingest", str(RECORDS / NEXT))  # the next ingest just works
    assert r.returncode == 0, r.stderr
    kept = _batch_files(s)
    assert kept in (set(), BATCH_FILES), f"half a batch in data/: {sorted(kept)}"
    assert kept == (BATCH_FILES if expect == "after" else set()) or expect == "either"
    assert fingerprint(s.store_dir) == fresh_build(s.root, tmp_path)
    assert_manifest_matches_store(s)
    assert leftovers(s) == []


@pytest.mark.parametrize("crash, expect", [
    pytest.param("replace:outcome-:2:before", "before", id="between-two-file-moves"),
    pytest.param("replace:journal.json:4:before", "after", id="stored-journal-not-told"),
])
def test_kg_build_after_a_killed_ingest_loads_all_of_the_batch_or_none(ingest_settings, tmp_path,
                                                                       crash, expect):
    s = ingest_settings
    r = run_kg(s.root, "ingest", *(str(RECORDS / n) for n in BATCH), crash=crash)
    assert r.returncode == KILLED, r.stderr

    r = run_kg(s.root, "build", "--no-validate")
    assert r.returncode == 0, r.stderr
    assert "interrupted kg ingest" in r.stderr
    assert _batch_files(s) == (BATCH_FILES if expect == "after" else set())
    assert fingerprint(s.store_dir) == fresh_build(s.root, tmp_path)
    assert leftovers(s) == []


# -- a partner write on a real server ----------------------------------------------------------

def _put(url: str, token: str) -> httpx.Response:
    return httpx.put(f"{url}/graphs?graph={quote(GRAPH, safe='')}", content=NOTE, timeout=60,
                     headers={"content-type": "text/turtle", "authorization": f"Bearer {token}"})


@pytest.mark.parametrize("crash", [
    pytest.param("replace:.nq:1:after", id="graph-file-written-store-not"),
    pytest.param("rename:store:1:before", id="store-ready-not-swapped"),
    pytest.param("rename:store:2:before", id="store-between-renames"),
    pytest.param("replace:build.json:1:before", id="store-swapped-manifest-not"),
    pytest.param("replace:build.json:1:after", id="all-done-no-answer"),
])
def test_a_server_killed_during_a_partner_write_restarts_on_the_last_version(small_project, tmp_path, crash):
    s = settings_of(small_project)
    token = tokens.add(s, "ilo-geneva", GENEVA)[1]
    before = fingerprint(s.store_dir)

    with Served(s.root, crash=crash) as served:
        workers = descendants(served.proc.pid)
        with pytest.raises(httpx.TransportError):
            _put(served.url, token)
        assert served.proc.wait(10) == KILLED
    assert gone(workers), "query workers outlived the killed server"

    with Served(s.root) as served:  # restarted as it is: no repair by hand
        counts = served.counts()
        assert counts == manifest(s)["graphs"]
        now = fingerprint(s.store_dir)
        assert now == fresh_build(s.root, tmp_path), "the served store and partners/ disagree"
        assert (now == before) == (GRAPH not in counts)

        r = _put(served.url, token)  # the next write just works
        assert r.status_code in (201, 204), r.text
        assert served.counts()[GRAPH] == 1
    assert leftovers(s) == []

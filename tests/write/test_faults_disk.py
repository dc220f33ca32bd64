"""A full disk and a read-only store folder: a clear error (what, where, what to do), the served data intact.

A full disk is a small tmpfs filled up to a few KB; a read-only folder is a
read-only bind mount of it onto itself (root ignores file modes, not mounts).
Both need root: without it these tests are skipped.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
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
    fingerprint,
    fresh_build,
    leftovers,
    organizations,
    run_kg,
    settings_of,
    snapshot,
)

from kg import config
from kg import store
from kg.write.build import build
from kg.write import tokens

pytestmark = [pytest.mark.slow, pytest.mark.embedded,
              pytest.mark.skipif(os.geteuid() != 0, reason="mounting a tmpfs or a read-only bind needs root")]

FULL = "no space left on the disk"
READ_ONLY = "the file system is read-only"


def _mount(*args: str) -> None:
    r = subprocess.run(["mount", *args], capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount ({r.stderr.strip()}): this machine does not allow it")


@contextmanager
def tmpfs(path: Path, size: str) -> Iterator[Path]:
    """A fresh tmpfs of ``size`` at ``path`` (its former content copied in)."""
    keep = path.with_name(path.name + ".keep")
    if path.exists():
        path.rename(keep)
    path.mkdir(parents=True)
    _mount("-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path))
    try:
        if keep.exists():
            shutil.copytree(keep, path, dirs_exist_ok=True)
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


@contextmanager
def read_only(path: Path) -> Iterator[Path]:
    _mount("--bind", str(path), str(path))
    try:
        _mount("-o", "remount,bind,ro", str(path))
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def fill(mount: Path, leave_kb: int) -> Path:
    """Use up the file system at ``mount`` but ``leave_kb`` KB; delete the file returned to free it."""
    filler = mount / "filler"
    st = os.statvfs(mount)
    size = st.f_bavail * st.f_frsize - leave_kb * 1024
    with open(filler, "wb") as fh:
        if size > 0:
            os.posix_fallocate(fh.fileno(), 0, size)
    return filler


def assert_clear(r: subprocess.CompletedProcess, what: str) -> None:
    """Exit code 2, and an error saying what happened, where, and what to do; no traceback."""
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert "Traceback" not in r.stderr, r.stderr
    error = next(line for line in r.stderr.splitlines() if line.startswith("error: "))
    assert what in error and "cannot write /" in error, error
    assert "\nhint: " in r.stderr, r.stderr


def with_store(project: Path, store_dir: Path) -> config.Settings:
    return config.load_settings(environ={}, project_dir=str(project), store_path=str(store_dir))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    shutil.copytree(FIXTURE, project)
    return project


# -- kg build ---------------------------------------------------------------------------------

@pytest.mark.parametrize("leave_kb", [0, 64, 1024])
def test_kg_build_on_a_full_disk_says_so_and_keeps_the_store(project, tmp_path, leave_kb):
    with tmpfs(tmp_path / "disk", "8m") as disk:
        s = with_store(project, disk / "store")
        build(s, validate=False)
        before = fingerprint(s.store_dir)
        (project / "data" / "more.ttl").write_text(organizations(10_000), encoding="utf-8")
        filler = fill(disk, leave_kb)

        r = run_kg(project, "build", "--no-validate", "--store", str(s.store_dir))
        assert_clear(r, FULL)
        assert "the store was not changed" in r.stderr
        assert fingerprint(s.store_dir) == before
        assert_manifest_matches_store(s)
        assert leftovers(s) == []

        filler.unlink()  # space again: the same command just works
        r = run_kg(project, "build", "--no-validate", "--store", str(s.store_dir))
        assert r.returncode == 0, r.stderr
        assert fingerprint(s.store_dir) == fresh_build(project, tmp_path)


def test_kg_build_on_a_read_only_store_folder_says_so_and_keeps_the_store(project):
    s = settings_of(project)
    build(s, validate=False)
    before = fingerprint(s.store_dir)
    (project / "data" / "more.ttl").write_text(organizations(100), encoding="utf-8")
    with read_only(s.store_dir.parent):
        r = run_kg(project, "build", "--no-validate")
        assert_clear(r, READ_ONLY)
        assert fingerprint(s.store_dir) == before
    assert_manifest_matches_store(s)
    assert leftovers(s) == []


# -- kg ingest --------------------------------------------------------------------------------

BATCH = [str(RECORDS / n) for n in ("khm-step1-no-themes.txt", "vnm-qualifier.txt")]


@pytest.mark.parametrize("leave_kb", [0, 8])
def test_kg_ingest_into_a_full_data_folder_changes_nothing(ingest_settings, leave_kb):
    s = ingest_settings
    before = fingerprint(s.store_dir)
    with tmpfs(s.data_dir, "4m"):
        data = snapshot(s.data_dir)
        filler = fill(s.data_dir, leave_kb)
        r = run_kg(s.root, "ingest", *BATCH)
        assert_clear(r, FULL)
        filler.unlink()
        assert snapshot(s.data_dir) == data
        assert fingerprint(s.store_dir) == before
        assert leftovers(s) == []

        r = run_kg(s.root, "ingest", *BATCH)
        assert r.returncode == 0, r.stderr
        assert_manifest_matches_store(s)


def test_kg_ingest_with_a_full_store_disk_puts_data_back(ingest_settings, tmp_path):
    s0 = ingest_settings
    with tmpfs(tmp_path / "disk", "16m") as disk:
        shutil.copytree(s0.store_dir, disk / "store")
        shutil.copy2(store.manifest_path(s0), disk / "build.json")
        s = with_store(s0.root, disk / "store")
        before, data = fingerprint(s.store_dir), snapshot(s.data_dir)
        filler = fill(disk, 64)

        r = run_kg(s.root, "ingest", *BATCH, "--store", str(s.store_dir))
        assert_clear(r, FULL)
        assert snapshot(s.data_dir) == data
        assert fingerprint(s.store_dir) == before
        assert_manifest_matches_store(s)
        assert leftovers(s) == []

        filler.unlink()
        r = run_kg(s.root, "ingest", *BATCH, "--store", str(s.store_dir))
        assert r.returncode == 0, r.stderr


def test_kg_ingest_with_a_read_only_data_folder_changes_nothing(ingest_settings):
    s = ingest_settings
    before, data = fingerprint(s.store_dir), snapshot(s.data_dir)
    with read_only(s.data_dir):
        r = run_kg(s.root, "ingest", *BATCH)
        assert_clear(r, READ_ONLY)
    assert snapshot(s.data_dir) == data
    assert fingerprint(s.store_dir) == before
    assert leftovers(s) == []


def test_kg_ingest_with_a_read_only_store_folder_changes_nothing(ingest_settings):
    s = ingest_settings
    before, data = fingerprint(s.store_dir), snapshot(s.data_dir)
    with read_only(s.store_dir.parent):
        r = run_kg(s.root, "ingest", *BATCH)
        assert_clear(r, READ_ONLY)
    assert snapshot(s.data_dir) == data
    assert fingerprint(s.store_dir) == before


# -- partner writes on a real server ----------------------------------------------------------

def _put(url: str, token: str, body: str = NOTE) -> httpx.Response:
    return httpx.put(f"{url}/graphs?graph={quote(GRAPH, safe='')}", content=body, timeout=60,
                     headers={"content-type": "text/turtle", "authorization": f"Bearer {token}"})


def _assert_507(r: httpx.Response, what: str) -> None:
    assert r.status_code == 507, r.text
    body = r.json()
    assert body["ok"] is False and what in body["error"] and body["hint"], body


def _served_project(root: Path) -> tuple[config.Settings, str]:
    shutil.copytree(FIXTURE, root, dirs_exist_ok=True)
    s = settings_of(root)
    build(s, validate=False)
    return s, tokens.add(s, "ilo-geneva", GENEVA)[1]


def _graph_files(s: config.Settings) -> dict[str, str]:
    """partners/ without temp files (those are :func:`leftovers`' business)."""
    return {k: v for k, v in snapshot(s.partners_dir).items() if not Path(k).name.startswith(".")}


def test_a_partner_write_on_a_full_disk_gets_507_and_the_served_data_stays(tmp_path):
    with tmpfs(tmp_path / "project", "8m") as root:
        s, token = _served_project(root)
        with Served(root) as served:
            counts, files = served.counts(), _graph_files(s)
            filler = fill(root, 0)
            _assert_507(_put(served.url, token), FULL)
            assert served.counts() == counts
            assert _graph_files(s) == files

            filler.unlink()  # space again: the same write just works
            assert _put(served.url, token).status_code == 201


REPLACEMENT = NOTE.replace("Checked by ILO Geneva.", "Checked again by ILO Geneva, " + "at length " * 2000)


def test_replacing_a_partner_graph_on_a_full_disk_keeps_the_old_one(tmp_path):
    with tmpfs(tmp_path / "project", "8m") as root:
        s, token = _served_project(root)
        with Served(root) as served:
            assert _put(served.url, token).status_code == 201
            counts, files = served.counts(), _graph_files(s)
            filler = fill(root, 0)
            _assert_507(_put(served.url, token, REPLACEMENT), FULL)
            assert served.counts() == counts
            assert _graph_files(s) == files
            filler.unlink()


def test_a_partner_write_that_fails_on_a_full_disk_leaves_no_temp_file(tmp_path):
    with tmpfs(tmp_path / "project", "8m") as root:
        s, token = _served_project(root)
        with Served(root) as served:
            filler = fill(root, 0)
            assert _put(served.url, token).status_code == 507
            filler.unlink()
            assert leftovers(s) == []


def test_a_read_only_store_is_served_and_a_partner_write_gets_507(project):
    s = settings_of(project)
    build(s, validate=False)
    token = tokens.add(s, "ilo-geneva", GENEVA)[1]
    with read_only(s.store_dir.parent), Served(project) as served:
        counts = served.counts()
        assert GRAPH not in counts
        _assert_507(_put(served.url, token), READ_ONLY)
        assert served.counts() == counts
    assert leftovers(s) == []

"""Fixtures shared by the tests of kg ingest (imported by tests/test_ingest_*.py).

``ingest_template`` is a copy of the project's ontology/, shapes/, queries/ and
data/*.ttl with a built store, made once per session; ``ingest_project`` is a
fresh copy of it for each test (copying the store is cheaper than building it).
``catalog`` is read from the template's store.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg import config
from kg import store
from kg.write.build import build
from kg.ingest import catalog as catalog_mod
from kg.ingest import text

ROOT = Path(__file__).resolve().parents[2]
RECORDS = ROOT / "tests" / "fixtures" / "records"
BASE = config.DEFAULT_BASE
KG = f"{BASE}def/kg#"


def settings_for(project: Path) -> config.Settings:
    return config.load_settings(environ={}, project_dir=str(project))


@pytest.fixture(scope="session")
def ingest_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dest = tmp_path_factory.mktemp("ingest") / "project"
    for folder in ("ontology", "shapes", "queries"):
        shutil.copytree(ROOT / folder, dest / folder)
    (dest / "data").mkdir()
    for f in sorted((ROOT / "data").glob("*.ttl")):
        shutil.copy2(f, dest / "data" / f.name)
    build(settings_for(dest))
    return dest


@pytest.fixture
def ingest_project(ingest_template: Path, tmp_path: Path) -> Path:
    dest = tmp_path / "project"
    shutil.copytree(ingest_template, dest)
    return dest


@pytest.fixture
def ingest_settings(ingest_project: Path) -> config.Settings:
    return settings_for(ingest_project)


@pytest.fixture(scope="session")
def catalog(ingest_template: Path) -> catalog_mod.Catalog:
    s = ox.Store.read_only(str(ingest_template / ".kg" / "store"))
    try:
        return catalog_mod.load(s, BASE)
    finally:
        del s


def parse(name: str, cat: catalog_mod.Catalog):
    """A fixture record parsed as text."""
    return text.parse_text((RECORDS / name).read_text(encoding="utf-8"), name, cat)


def snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def store_count(settings: config.Settings) -> int:
    with store.OxigraphStore.open_read_only(settings) as s:
        return s.triple_count()

"""Helpers of the tests of kg ingest (tests/ingest/) and of the fault tests (tests/write/).

The ``ingest_template`` fixture (tests/conftest.py) is :func:`make_template`: a
copy of the project's ontology/, shapes/, queries/ and data/*.ttl with a built
store, made once per session; ``ingest_project`` is a fresh copy of it for each
test (copying the store is cheaper than building it). The ``catalog`` fixture
(tests/ingest/conftest.py) is :func:`read_catalog` of the template's store.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pyoxigraph as ox

from corpus import seed_project
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


def make_template(dest: Path) -> Path:
    """At ``dest``: the project's ontology/, shapes/, queries/, its code lists and the seed, with a built store.

    Besides, the bodies of tests/fixtures/known/ (a Malawi ministry), which a fixture record
    names without naming its country.
    """
    seed_project(dest)  # not the published corpus: these tests ingest records beside the seed and the code lists
    for f in sorted((ROOT / "tests" / "fixtures" / "known").glob("*.ttl")):
        shutil.copy2(f, dest / "data" / f"known-{f.name}")
    build(settings_for(dest))
    return dest


def read_catalog(project: Path) -> catalog_mod.Catalog:
    """The catalogue of names kg ingest reconciles against, from ``project``'s built store."""
    s = ox.Store.read_only(str(project / ".kg" / "store"))
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

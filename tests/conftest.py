"""Fixtures shared by the whole suite; the helpers and constants behind them are in tests/support/.

* ``project``, ``settings``, ``built``: a fresh copy of the small hand-written
  project (tests/fixtures/project/, described in tests/support/fixture_project.py);
* ``real_settings``, ``client``: a store built from the project's real ontology,
  shapes and data, once per session (tests/support/ld_fixtures.py), and a
  TestClient of the web app over it, once per module;
* ``ingest_template``, ``ingest_project``, ``ingest_settings``: a built copy of
  the real project for the ingest and fault tests (tests/support/ingest_helpers.py).

Fixtures of one area live in that folder's conftest.py (``kg_store`` in
tests/endpoint/, ``catalog`` in tests/ingest/, the browser in tests/site/).
Test modules never import fixtures by name.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import external
import ingest_helpers
import ld_fixtures
import pytest
from fixture_project import FIXTURE

from kg import config
from kg.write.build import build

# -- the run on external stores (KG_TEST_STORE=external) -----------------------------------


def pytest_collection_modifyitems(config, items):
    """In an external-store run (KG_TEST_STORE=external), skip the tests about the embedded store itself."""
    if not external.ENABLED:
        return
    skip = pytest.mark.skip(reason="about the embedded store's folder (KG_TEST_STORE=external)")
    once = pytest.mark.skip(reason="no store involved: the embedded-store run covers it")
    external.skip_on_virtuoso(items)
    for item in items:
        if "embedded" in item.keywords:
            item.add_marker(skip)
        elif "storeless" in item.keywords:
            item.add_marker(once)


@pytest.fixture(autouse=True)
def _stop_external_servers():
    yield
    external.stop_servers()


def pytest_sessionfinish(session, exitstatus):
    external.stop_servers(everything=True)


# -- the small fixture project -----------------------------------------------------------------

@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A fresh copy of the fixture project."""
    dest = tmp_path / "project"
    shutil.copytree(FIXTURE, dest)
    return dest


@pytest.fixture
def settings(project: Path) -> config.Settings:
    """The project's settings; in an external-store run, its store is an Oxigraph server of its own."""
    return config.load_settings(environ={}, project_dir=str(project),
                                **external.store_settings(project / ".kg" / "store"))


@pytest.fixture
def built(settings: config.Settings) -> config.Settings:
    """Settings of a project whose store has been built."""
    build(settings)
    return settings


# -- the project's real data -------------------------------------------------------------------

@pytest.fixture(scope="session")
def real_settings(tmp_path_factory: pytest.TempPathFactory) -> config.Settings:
    """A store (and dumps) built from the project's real files, without validation; read-only for the tests."""
    return ld_fixtures.build_real(tmp_path_factory.mktemp("real"))


@pytest.fixture(scope="module")
def client(real_settings: config.Settings):
    """A TestClient of the web app over ``real_settings``' store (its lifespan running)."""
    from fastapi.testclient import TestClient

    from kg.web.app import create_app

    with TestClient(create_app(real_settings)) as c:
        yield c


# -- a built copy of the real project for kg ingest --------------------------------------------

@pytest.fixture(scope="session")
def ingest_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's ontology/, shapes/, queries/ and data/*.ttl with a built store: copy it, do not change it."""
    return ingest_helpers.make_template(tmp_path_factory.mktemp("ingest") / "project")


@pytest.fixture
def ingest_project(ingest_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of ``ingest_template`` (copying the store is cheaper than building it)."""
    dest = tmp_path / "project"
    shutil.copytree(ingest_template, dest)
    return dest


@pytest.fixture
def ingest_settings(ingest_project: Path) -> config.Settings:
    return ingest_helpers.settings_for(ingest_project)

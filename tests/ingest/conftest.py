"""Fixtures of the kg ingest tests (``ingest_template`` and friends are in tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from ingest_helpers import read_catalog

from kg.ingest import catalog as catalog_mod


@pytest.fixture(scope="session")
def catalog(ingest_template: Path) -> catalog_mod.Catalog:
    """The names kg ingest reconciles against, read from the template's store."""
    return read_catalog(ingest_template)

"""Fixtures of the endpoint tests; the data and servers behind them are in tests/support/http_fixtures.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from http_fixtures import make_store


@pytest.fixture(scope="session")
def kg_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small hand-made store (http_fixtures.DATA and the big graph), once per session; read-only for the tests."""
    return make_store(tmp_path_factory.mktemp("http") / "store", session=True)

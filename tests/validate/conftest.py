"""Fixtures of the quality-rule tests: the quality fixture project (tests/support/quality_fixture.py), clean or with its faults."""

from __future__ import annotations

from pathlib import Path

import external
import pytest
import quality_fixture

from kg import config


def _settings(project: Path) -> config.Settings:
    return config.load_settings(environ={}, project_dir=str(project),
                                **external.store_settings(project / ".kg" / "store"))


@pytest.fixture
def clean_project(tmp_path: Path) -> Path:
    """The quality fixture project: no shape or rule finds anything in it."""
    return quality_fixture.make(tmp_path / "project")


@pytest.fixture
def faulty_project(clean_project: Path) -> Path:
    """The same, with the record that plants one fault per rule."""
    quality_fixture.plant(clean_project)
    return clean_project


@pytest.fixture
def clean_settings(clean_project: Path) -> config.Settings:
    return _settings(clean_project)


@pytest.fixture
def faulty_settings(faulty_project: Path) -> config.Settings:
    return _settings(faulty_project)

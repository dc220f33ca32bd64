"""The README is the manual: what it promises must match the code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kg.config import SETTINGS

pytestmark = pytest.mark.storeless  # run once: the external-store pass has nothing to add

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("setting", [s.name for s in SETTINGS])
def test_every_setting_is_documented(setting: str) -> None:
    assert re.search(rf"^\| `{setting}` \|", README, re.M), f"README's settings table lacks `{setting}`"


def test_readme_opens_with_the_two_commands() -> None:
    head = README[:1500]
    assert "scripts/run" in head and "scripts/test" in head


def test_ci_runs_exactly_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    commands = [line.strip() for line in ci.splitlines() if line.strip() and not line.startswith(("#", "set ", "cd "))]
    assert commands == ["scripts/test"]

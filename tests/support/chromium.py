"""Debian's chromium driven by Playwright, for the browser tests (tests/site/).

Needs ``apt-get install chromium`` and ``pip install playwright`` (never
``playwright install``: the system browser is used). The ``browser`` and
``live_site`` fixtures are in tests/site/conftest.py; a test module that uses
them carries :data:`NEEDS_CHROMIUM` in its ``pytestmark``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

#: Skip where the system chromium is missing.
NEEDS_CHROMIUM = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                    reason=f"{CHROMIUM} is missing: apt-get install chromium (CI installs it)")


def playwright_api():
    """playwright.sync_api, or a skip of the test that needs it."""
    return pytest.importorskip("playwright.sync_api", reason="pip install playwright")

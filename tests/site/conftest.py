"""Fixtures of the browser tests: a real uvicorn server over the real store, and Debian's chromium."""

from __future__ import annotations

import pytest
from chromium import ARGS, CHROMIUM, playwright_api
from http_fixtures import live_server


@pytest.fixture(scope="module")
def live_site(real_settings):
    """The base URL of the web app over ``real_settings`` in uvicorn on a free 127.0.0.1 port (lifespan on)."""
    from kg.web.app import create_app

    with live_server(create_app(real_settings)) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    """A headless chromium (the system one)."""
    with playwright_api().sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()

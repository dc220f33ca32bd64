"""Knowing when the web app's page warmer is done (kg.web.app starts it with the app's lifespan).

At start-up, and after each new dataset version, a background thread renders the
dashboard and the index pages into the site's cache and computes the canned
queries' first pages (``kg.web.app.warm``). A
test that must know the cache's state (full, or that the warmer will not fill it
behind the test's back) waits for :func:`watch_warmer`'s event.
"""

from __future__ import annotations

import threading

import pytest


def watch_warmer(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """An event set once the warmer has rendered the pages of a version; call it before the app starts."""
    from kg.web import app

    original = app.warm
    warmed = threading.Event()

    def warm(*args) -> None:
        original(*args)
        warmed.set()

    monkeypatch.setattr(app, "warm", warm)
    return warmed

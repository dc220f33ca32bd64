"""/-/settings: the effective settings as JSON, never a secret one."""

from __future__ import annotations

from fastapi.testclient import TestClient
from http_fixtures import test_settings

from kg import config
from kg.web.app import create_app


def test_effective_settings_without_the_secret_ones(kg_store, monkeypatch):
    # Mark one setting secret for this test, so the test holds whichever settings are secret today.
    hidden = "http://127.0.0.1:9/private-sparql"
    table = tuple(s._replace(secret=True) if s.name == "service_allowlist" else s for s in config.SETTINGS)
    monkeypatch.setattr(config, "SETTINGS", table)
    settings = test_settings(kg_store, query_timeout=7.5, service_allowlist=hidden)
    with TestClient(create_app(settings)) as c:
        r = c.get("/-/settings")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert body["query_timeout"] == 7.5 and body["workers"] == 2 and body["log_query_text"] is False
    assert "service_allowlist" not in body and hidden not in r.text
    for s in table:
        assert (s.name in body) is (not s.secret), s.name


def test_the_real_table_shows_every_non_secret_setting(kg_store):
    with TestClient(create_app(test_settings(kg_store))) as c:
        body = c.get("/-/settings").json()
    assert set(body) == {s.name for s in config.SETTINGS if not s.secret}

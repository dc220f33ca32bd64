"""Partners' write tokens: stored hashed, mode 0600, managed with `kg token`."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from kg import config
from kg.write import tokens
from kg.cli import main
from kg.errors import ConfigError

BASE = config.DEFAULT_BASE
PREFIX = f"{BASE}graph/partner/ilo-geneva/"


@pytest.fixture
def settings(tmp_path: Path) -> config.Settings:
    return config.load_settings(environ={}, project_dir=str(tmp_path))


def test_add_stores_only_a_hash_with_mode_0600(settings):
    partner, token = tokens.add(settings, "ilo-geneva", PREFIX)
    text = settings.tokens_path.read_text()
    assert token not in text
    assert partner.sha256 in text
    assert stat.S_IMODE(settings.tokens_path.stat().st_mode) == 0o600
    assert json.loads(text)["tokens"][0]["prefix"] == PREFIX


def test_authenticate_and_authorize(settings):
    _, token = tokens.add(settings, "ilo-geneva", PREFIX)
    partner = tokens.authenticate(settings, f"Bearer {token}")
    assert partner.name == "ilo-geneva"
    tokens.authorize(partner, PREFIX + "pensions")
    with pytest.raises(tokens.Forbidden):
        tokens.authorize(partner, f"{BASE}graph/partner/other/x")
    for header in (None, "", "Bearer", f"Basic {token}", "Bearer spkg_wrong"):
        with pytest.raises(tokens.Unauthorized):
            tokens.authenticate(settings, header)


def test_add_refuses_bad_names_prefixes_and_duplicates(settings):
    with pytest.raises(ConfigError):
        tokens.add(settings, "ILO Geneva", PREFIX)
    with pytest.raises(ConfigError):
        tokens.add(settings, "x", f"{BASE}graph/data/")  # not under graph/partner/
    with pytest.raises(ConfigError):
        tokens.add(settings, "x", f"{BASE}graph/partner/x")  # no trailing '/'
    tokens.add(settings, "x", f"{BASE}graph/partner/x/")
    with pytest.raises(ConfigError):
        tokens.add(settings, "x", f"{BASE}graph/partner/x/")


def test_revoked_token_no_longer_works(settings):
    _, token = tokens.add(settings, "ilo-geneva", PREFIX)
    assert tokens.revoke(settings, "ilo-geneva")
    assert not tokens.revoke(settings, "ilo-geneva")
    with pytest.raises(tokens.Unauthorized):
        tokens.authenticate(settings, f"Bearer {token}")


def test_kg_token_add_list_revoke(tmp_path, capsys):
    args = ["--project-dir", str(tmp_path)]
    assert main(["token", "add", "ilo-geneva", "--prefix", PREFIX, *args]) == 0
    token = capsys.readouterr().out.strip()
    assert token.startswith(tokens.PREFIX)
    s = config.load_settings(environ={}, project_dir=str(tmp_path))
    assert token not in s.tokens_path.read_text()
    assert tokens.authenticate(s, f"Bearer {token}").name == "ilo-geneva"

    assert main(["token", "list", *args]) == 0
    out = capsys.readouterr().out
    assert "ilo-geneva" in out and PREFIX in out and token not in out

    assert main(["token", "add", "ilo-geneva", "--prefix", PREFIX, *args]) == 2  # exists already
    assert main(["token", "add", "other", *args]) == 2  # no --prefix
    capsys.readouterr()
    assert main(["token", "revoke", "ilo-geneva", *args]) == 0
    assert main(["token", "revoke", "ilo-geneva", *args]) == 2
    assert main(["token", "list", *args]) == 0
    assert "ilo-geneva" not in capsys.readouterr().out

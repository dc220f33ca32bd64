"""What the published corpus holds, counted from the facts people wrote by hand (tests/ingest/gold/).

The project's data/ holds the seed and the 40 published records; the expected figures of the pages
and queries that show the whole graph come from the hand-written gold files (one per record: its
country and the SDG targets its text lists), never from the graph itself.
"""

from __future__ import annotations

from pathlib import Path

import yaml

GOLD = Path(__file__).resolve().parents[1] / "ingest" / "gold"


def _gold() -> list[dict]:
    return [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(GOLD.glob("[0-9]*.yaml"))]


RECORDS = _gold()
OUTCOMES = len(RECORDS)  # the seed and the 40 published records
COUNTRIES = sorted({r["country"]["code"] for r in RECORDS if (r.get("country") or {}).get("code")})
SDG_TARGETS = sorted({str(t) for r in RECORDS for t in (r.get("metadata") or {}).get("sdg_targets") or []})


def outcomes_in(country: str) -> int:
    """How many of the corpus's outcomes are in ``country`` (alpha-3)."""
    return sum(1 for r in RECORDS if (r.get("country") or {}).get("code") == country)


def with_target(target: str) -> int:
    """How many outcomes list SDG target ``target`` ("1.3")."""
    return sum(1 for r in RECORDS if target in map(str, (r.get("metadata") or {}).get("sdg_targets") or []))


ROOT = Path(__file__).resolve().parents[2]
SEED_FILE = "outcome-chn302.ttl"


def published(path: Path) -> bool:
    """A data file of the published corpus (every outcome file but the hand-modelled seed)."""
    return path.name.startswith("outcome-") and path.name != SEED_FILE


def seed_project(dest: Path) -> Path:
    """At ``dest``: the project's ontology/, shapes/, queries/ and data/*.ttl without the published corpus:
    the seed is its one outcome (for the tests whose answers are written from the seed record)."""
    import shutil

    for folder in ("ontology", "shapes", "queries"):
        shutil.copytree(ROOT / folder, dest / folder)
    (dest / "data").mkdir()
    for f in sorted((ROOT / "data").glob("*.ttl")):
        if not published(f):
            shutil.copy2(f, dest / "data" / f.name)
    return dest

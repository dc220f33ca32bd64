"""kg ingest against facts written by hand (tests/ingest/gold): figures may not fall below their floor.

The records are ingested the way `kg ingest` reads them (parsed, country assigned, prose
extracted) with the project's own code lists, and scored by scripts/score_ingest.py: recall
of the facts in the prose (found as facts or suggestions, and found as facts) and precision
of the entities extracted. The held-out records (gold/split.yaml) are scored on their own.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.storeless  # run once: the external-store pass has nothing to add

ROOT = Path(__file__).resolve().parents[2]
FLOORS = yaml.safe_load((ROOT / "tests" / "ingest" / "gold" / "floors.yaml").read_text())


@pytest.fixture(scope="module")
def scorer():
    spec = importlib.util.spec_from_file_location("score_ingest", ROOT / "scripts" / "score_ingest.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["score_ingest"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("split", sorted(FLOORS))
def test_quality_stays_above_its_floor(scorer, split):
    tallies, prec, _ = scorer.run(split, source="objects")
    figures = scorer.summary(tallies, prec)
    low = {k: round(v, 3) for k, v in figures.items() if v < FLOORS[split][k]}
    assert not low, f"{split}: below the floor {FLOORS[split]}: {low}\n" + scorer.table(tallies, prec)


def test_every_record_is_read_without_a_crash(scorer):
    """All 41 records parse and extract; the gold lists every one of them."""
    gold = scorer.load_gold("all")
    records = sorted(p.stem for p in (ROOT / "data" / "sources" / "records").glob("*.txt"))
    assert sorted(gold) == records
    env = scorer.Environment(ROOT)
    for stem in records:
        got, text = scorer.extracted(stem, env)
        assert got["organizations"] or got["instruments"] or got["events"], stem

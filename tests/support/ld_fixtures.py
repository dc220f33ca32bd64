"""A store built from the project's real ontology, shapes and data, once per test session.

The linked-data, page, dump and browser tests all read the same store (built
without validation: tests/graph/test_shapes.py validates the data) and the same
dumps, written into a temporary folder. The ``real_settings`` and ``client``
fixtures (tests/conftest.py) give them; the IRIs below are in that data.
"""

from __future__ import annotations

import argparse
import threading
from pathlib import Path

from kg import config
from kg.cli import dump as dumps_cli
from kg import store
from kg.write.build import build

ROOT = Path(__file__).resolve().parents[2]
BASE = config.DEFAULT_BASE

OUTCOME = f"{BASE}id/outcome/chn302-2021-07-16"
INSTRUMENT = f"{BASE}id/instrument/chn-2021-07-16-guiding-opinions-new-employment-forms"
MOHRSS = f"{BASE}id/organization/mohrss"
COLLABORATION = f"{BASE}id/collaboration/chn-2021-07-16-mohrss-and-seven-others"
CHINA = f"{BASE}id/country/chn"
TARGET_1_3 = "http://metadata.un.org/sdg/1.3"
OUTCOME_GRAPH = f"{BASE}graph/data/outcome-chn302"

_lock = threading.Lock()
_built: dict[str, config.Settings] = {}


def build_real(folder: Path) -> config.Settings:
    """Build the project's store and write its dumps under ``folder`` (once per session)."""
    with _lock:
        if "settings" not in _built:
            settings = config.load_settings(environ={}, project_dir=str(ROOT), store_path=str(folder / "store"),
                                            dumps_path=str(folder / "dumps"), workers=1)
            build(settings, validate=False)
            args = argparse.Namespace(out=None, keep=3, verify=False, quiet=True)
            assert dumps_cli.run(args, settings) == 0
            _built["settings"] = settings
        return _built["settings"]


def base_iris(settings: config.Settings) -> set[str]:
    """Every IRI under the base that the store mentions (subjects, predicates, objects, graphs)."""
    import pyoxigraph as ox

    found: set[str] = set()
    with store.OxigraphStore.open_read_only(settings) as st:
        for q in st._s:  # the whole store: a few thousand quads
            for term in (q.subject, q.predicate, q.object, q.graph_name):
                if isinstance(term, ox.NamedNode) and term.value.startswith(settings.base):
                    found.add(term.value)
    return found

"""Where a subject is written: ``kg validate``'s whole-text search gives what the line-by-line reader gives.

:func:`kg.validate.core.where_written` finds subject lines and prefix declarations with regular
expressions over the whole text (a Python loop over 8 million lines took 27 s at 100,000
outcomes); :func:`kg.rdf.sources.subject_lines` and :func:`kg.rdf.sources.declared_prefixes`
read line by line and are the reference.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.rdf import sources as src
from kg.validate.core import where_written

pytestmark = pytest.mark.storeless

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted(p for folder in ("data", "ontology", "shapes") for p in (ROOT / folder).glob("*.ttl"))

EDGES = """@prefix ex: <http://ex/> .
  PREFIX  y: <http://y/>
ex:a ex:p 1 .
y:b
  ex:p 2 .
<http://z> ex:p 3 .
prefix ex: <http://ex2/>
ex:a ex:p 1 .
ex:c ex:p "a
multi-line literal" .
ex:d\\.e ex:p 1.\r
:x ex:p 1 .
@prefix : <http://e/> .
:x ex:p 2 .
    ex:indented ex:p 1 .
undeclared:x ex:p 1 .
"""


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_the_project_files(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert where_written(text) == (src.subject_lines(text), src.declared_prefixes(text))


def test_declarations_redefinitions_and_escapes() -> None:
    lines, prefixes = where_written(EDGES)
    assert (lines, prefixes) == (src.subject_lines(EDGES), src.declared_prefixes(EDGES))
    assert lines["http://ex2/a"] == 8 and lines["http://ex2/d.e"] == 11 and lines["http://e/x"] == 14
    assert prefixes == {"ex": "http://ex/", "y": "http://y/", "": "http://e/"}

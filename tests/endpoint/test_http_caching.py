"""Query results carry an ETag tied to the dataset version, and follow a rebuild."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from corpus import seed_project
from kg import config
from kg.write.build import build
from kg.web.app import create_app

ROOT = Path(__file__).resolve().parents[2]
COUNT_OUTCOMES = "SELECT (COUNT(?o) AS ?n) WHERE { ?o a <https://w3id.org/spkg/def/kg#Outcome> }"

EXTRA_OUTCOME = """\
@prefix kg: <https://w3id.org/spkg/def/kg#> .
<https://w3id.org/spkg/id/outcome/lao226-2020-04-01> a kg:Outcome ;
    kg:summary "The National Social Protection Strategy was officially launched"@en .
"""


@pytest.fixture
def project(tmp_path: Path) -> config.Settings:
    seed_project(tmp_path)  # the seed as the one outcome: a rebuild with one more makes two
    settings = config.load_settings(environ={}, project_dir=str(tmp_path), workers=1)
    build(settings, validate=False)
    return settings


def count(response) -> int:
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def test_repeated_query_gets_304(project: config.Settings) -> None:
    with TestClient(create_app(project)) as client:
        first = client.get("/sparql", params={"query": COUNT_OUTCOMES},
                           headers={"Accept": "application/sparql-results+json"})
        assert first.status_code == 200 and count(first) == 1
        tag = first.headers["etag"]
        assert first.headers["last-modified"]
        again = client.get("/sparql", params={"query": COUNT_OUTCOMES},
                           headers={"Accept": "application/sparql-results+json", "If-None-Match": tag})
        assert again.status_code == 304 and again.content == b""
        other_format = client.get("/sparql", params={"query": COUNT_OUTCOMES},
                                  headers={"Accept": "text/csv", "If-None-Match": tag})
        assert other_format.status_code == 200 and other_format.headers["etag"] != tag


def test_service_queries_carry_no_etag(project: config.Settings) -> None:
    with TestClient(create_app(project)) as client:
        r = client.get("/sparql", params={"query": "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"})
        assert "etag" not in r.headers


def test_rebuild_changes_the_answer_and_the_etag(project: config.Settings) -> None:
    with TestClient(create_app(project)) as client:
        before = client.get("/sparql", params={"query": COUNT_OUTCOMES},
                            headers={"Accept": "application/sparql-results+json"})
        (Path(project.project_dir) / "data" / "outcome-lao226.ttl").write_text(EXTRA_OUTCOME, encoding="utf-8")
        build(project, validate=False)
        after = client.get("/sparql", params={"query": COUNT_OUTCOMES},
                           headers={"Accept": "application/sparql-results+json",
                                    "If-None-Match": before.headers["etag"]})
        assert after.status_code == 200
        assert after.headers["etag"] != before.headers["etag"]
        assert count(before) == 1 and count(after) == 2

"""The federation recipe of docs/federation.md, run as written against two real engines.

A partner Oxigraph server (tests/fixtures/partner/coverage.ttl, keyed by UN SDG
and EU country IRIs) and a real spkg server over spkg's own data, both on
127.0.0.1. The two queries are read from the document; only the endpoint
addresses are replaced. Golden answers by hand from the two datasets: the seed
outcome CHN302 has targets 1.3 and 3.8 in China; the partner has figures for
China 1.3 (0.5), China 3.8 (0.25) and India 1.3 (0.75, which spkg has no outcome for).
"""

from __future__ import annotations

import json
import re
import shutil
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import external
import pytest
from http_fixtures import live_server

from kg import config
from kg.write.build import build
from kg.web.app import create_app

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
PARTNER_DATA = Path(__file__).resolve().parents[1] / "fixtures" / "partner" / "coverage.ttl"
RECIPE = ROOT / "docs" / "federation.md"
SEED = "https://w3id.org/spkg/id/outcome/chn302-2021-07-16"


def recipe_queries() -> list[str]:
    return re.findall(r"```sparql\n(.*?)```", RECIPE.read_text(encoding="utf-8"), re.S)


@pytest.fixture(scope="module")
def partner(tmp_path_factory):
    server = external.start_oxigraph()  # an in-memory Oxigraph: the partner's own engine
    request = urllib.request.Request(f"{server.url}/store?default", data=PARTNER_DATA.read_bytes(),
                                     headers={"content-type": "text/turtle"}, method="PUT")
    urllib.request.urlopen(request, timeout=10).close()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def spkg(tmp_path_factory, partner):
    project = tmp_path_factory.mktemp("federation")
    for folder in ("ontology", "shapes", "data"):
        shutil.copytree(ROOT / folder, project / folder, ignore=shutil.ignore_patterns("sources"))
    settings = config.load_settings(
        environ={}, project_dir=str(project), workers=2, service_allowlist=f"{partner.url}/",
        **external.store_settings(project / ".kg" / "store", session=True))
    build(settings, validate=False)
    with live_server(create_app(settings)) as url:
        yield url


def select(endpoint: str, query: str) -> list[dict[str, str]]:
    body = urllib.parse.urlencode({"query": query}).encode()
    request = urllib.request.Request(endpoint, data=body, headers={
        "content-type": "application/x-www-form-urlencoded", "accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        answer = json.load(response)
    return [{k: v["value"] for k, v in row.items()} for row in answer["results"]["bindings"]]


def test_the_recipe_has_one_query_each_way():
    queries = recipe_queries()
    assert len(queries) == 2
    assert "SERVICE <http://partner.example/sparql>" in queries[0]
    assert "SERVICE <https://w3id.org/spkg/sparql>" in queries[1]


def test_spkg_joins_its_outcomes_with_the_partners_figures(spkg, partner):
    query = recipe_queries()[0].replace("http://partner.example/sparql", f"{partner.url}/query")
    rows = select(f"{spkg}/sparql", query)
    assert rows == [
        {"outcome": SEED, "cpoCode": "CHN302", "target": "http://metadata.un.org/sdg/1.3", "coverage": "0.5"},
        {"outcome": SEED, "cpoCode": "CHN302", "target": "http://metadata.un.org/sdg/3.8", "coverage": "0.25"},
    ]


def test_the_partners_engine_joins_its_figures_with_spkgs_outcomes(spkg, partner):
    query = recipe_queries()[1].replace("https://w3id.org/spkg/sparql", f"{spkg}/sparql")
    rows = select(f"{partner.url}/query", query)
    assert rows == [
        {"figure": "http://partner.example/figure/chn-1.3-2021", "coverage": "0.5", "outcome": SEED,
         "cpoCode": "CHN302"},
        {"figure": "http://partner.example/figure/chn-3.8-2021", "coverage": "0.25", "outcome": SEED,
         "cpoCode": "CHN302"},
    ]


def test_without_the_allowlist_spkg_refuses_to_call_the_partner(spkg, partner, tmp_path):
    query = recipe_queries()[0].replace("http://partner.example/sparql", "http://127.0.0.1:9/query")
    with pytest.raises(urllib.error.HTTPError) as e:
        select(f"{spkg}/sparql", query)
    assert e.value.code == 403

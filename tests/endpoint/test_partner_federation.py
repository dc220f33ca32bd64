"""The federation recipe of docs/federation.md, run as written against two real engines.

A partner's engine (tests/fixtures/partner/coverage.ttl, keyed by UN SDG and EU
country IRIs): Oxigraph server, and in the Virtuoso pass Virtuoso 7 too; and a real spkg server over spkg's own data, both on
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
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

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


@dataclass
class Partner:
    """The partner's engine: where its SPARQL endpoint answers, and how to stop it."""

    endpoint: str
    stop: Callable[[], None]


def oxigraph_partner(tmp_path_factory) -> Partner:
    server = external.start_oxigraph()  # an in-memory Oxigraph
    request = urllib.request.Request(f"{server.url}/store?default", data=PARTNER_DATA.read_bytes(),
                                     headers={"content-type": "text/turtle"}, method="PUT")
    urllib.request.urlopen(request, timeout=10).close()
    return Partner(f"{server.url}/query", server.stop)


def virtuoso_partner(tmp_path_factory) -> Partner:
    """A Virtuoso 7 of the partner's own (scripts/virtuoso), the figures loaded through its Graph Store
    endpoint with the digest credentials the script prints; its anonymous /sparql answers and calls out."""
    if not external.VIRTUOSO:
        pytest.skip("a partner on Virtuoso runs in the Virtuoso pass: KG_TEST_STORES=virtuoso scripts/test")
    server = external.start_virtuoso(tmp_path_factory.mktemp("partner") / "virtuoso")
    user, _, password = server.settings["store_auth"].partition(":")
    store = server.settings["store_graph_store_url"]
    passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    passwords.add_password(None, store, user, password)
    auth = urllib.request.HTTPDigestAuthHandler(passwords)
    graph = urllib.parse.urlencode({"graph": "http://partner.example/graph/coverage"})
    request = urllib.request.Request(f"{store}?{graph}", data=PARTNER_DATA.read_bytes(),
                                     headers={"content-type": "text/turtle"}, method="PUT")
    try:
        urllib.request.build_opener(auth).open(request, timeout=60).close()
    except BaseException:
        server.stop()
        raise
    return Partner(server.settings["store_url"], server.stop)


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def partner(request, tmp_path_factory):
    """The partner's own engine: Oxigraph server, and Virtuoso 7 in the Virtuoso pass."""
    engine = {"oxigraph": oxigraph_partner, "virtuoso": virtuoso_partner}[request.param](tmp_path_factory)
    yield engine
    engine.stop()


@pytest.fixture(scope="module")
def spkg(tmp_path_factory, partner):
    project = tmp_path_factory.mktemp("federation")
    for folder in ("ontology", "shapes", "data"):
        shutil.copytree(ROOT / folder, project / folder, ignore=shutil.ignore_patterns("sources"))
    origin = partner.endpoint.split("/", 3)
    settings = config.load_settings(
        environ={}, project_dir=str(project), workers=2, service_allowlist="/".join(origin[:3]) + "/",
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
    query = recipe_queries()[0].replace("http://partner.example/sparql", partner.endpoint)
    rows = select(f"{spkg}/sparql", query)
    assert rows == [
        {"outcome": SEED, "cpoCode": "CHN302", "target": "http://metadata.un.org/sdg/1.3", "coverage": "0.5"},
        {"outcome": SEED, "cpoCode": "CHN302", "target": "http://metadata.un.org/sdg/3.8", "coverage": "0.25"},
    ]


def test_the_partners_engine_joins_its_figures_with_spkgs_outcomes(spkg, partner):
    query = recipe_queries()[1].replace("https://w3id.org/spkg/sparql", f"{spkg}/sparql")
    rows = select(partner.endpoint, query)
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

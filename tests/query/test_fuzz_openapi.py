"""schemathesis against the app's own OpenAPI document, over a real server.

Every operation of /openapi.json is called with generated requests, valid and
invalid, on a uvicorn server (in a thread) with real query worker processes over
the project's store. The promise checked: no 5xx, every status code and content
type is one the document lists, every body matches its schema.

Not checked: that every schema-valid request is accepted (schemathesis's
``positive_data_acceptance``). The server checks things a JSON Schema cannot
say, such as SPARQL syntax, IRI syntax or a biennium's years following each
other, and answers them with a documented 400.

Bounded: a fixed number of examples per operation, from a fixed seed (the same
requests on every run, so a failure can be replayed; see tests/support/fuzzing.py).
"""

from __future__ import annotations

import httpx
import pytest
import schemathesis
from fuzzing import EMBEDDED, bounded
from http_fixtures import live_server
from ld_fixtures import ROOT
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, response_headers_conformance,
                                                response_schema_conformance, status_code_conformance)

from kg.web import openapi
from kg.web.app import create_app
from kg.web.caching import CODE
from kg.sparql.catalogue import load_catalogue

pytestmark = EMBEDDED  # kg serve over a store built in a folder

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance]


@pytest.fixture(scope="module")
def server(real_settings):
    settings = real_settings.replace(workers=2, query_timeout=5.0)
    with live_server(create_app(settings)) as url:
        yield url


# Built as the server builds it, at import: schemathesis makes one test per operation from it.
# (Its lazy loader, schemathesis.pytest.from_fixture, fails under pytest 9.)
for _media in ("application/sparql-query", "text/turtle", "application/n-triples"):  # bodies sent as text
    schemathesis.serializer.alias(_media, "text/plain")
DOCUMENT = openapi.build(load_catalogue(ROOT / "queries"), title="spkg", version=CODE)
schema = schemathesis.openapi.from_dict(DOCUMENT)


def test_the_fuzzed_document_is_the_served_one(server) -> None:
    assert httpx.get(f"{server}/openapi.json").json() == DOCUMENT


@schema.parametrize()
@bounded(25)
def test_every_operation_keeps_its_documented_promises(case, server) -> None:
    case.call_and_validate(base_url=server, checks=CHECKS, timeout=30)


def test_the_documented_offset_bound_is_the_server_s(server) -> None:
    url = f"{server}/api/queries/list-organizations"
    assert httpx.get(url, params={"offset": openapi.MAX_OFFSET}).status_code == 200
    r = httpx.get(url, params={"offset": openapi.MAX_OFFSET + 1})
    assert r.status_code == 400 and r.json()["parameter"] == "offset"

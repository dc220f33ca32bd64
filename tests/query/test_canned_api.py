"""/api/queries: the canned queries as a REST API (JSON, CSV, pages, typed parameters)."""

from __future__ import annotations

import csv
import io

import corpus
from ld_fixtures import OUTCOME

PAK226 = "https://w3id.org/spkg/id/outcome/pak226-2020-12-31"

ASIA_1_3 = "/api/queries/list-outcomes-by-region?region=Asia&target=1.3"


def test_catalogue_lists_every_query_with_its_parameters(client) -> None:
    from kg.sparql.catalogue import load_catalogue
    from ld_fixtures import ROOT

    body = client.get("/api/queries").json()
    names = [q["name"] for q in body["queries"]]
    assert names == sorted(load_catalogue(ROOT / "queries"))
    by_name = {q["name"]: q for q in body["queries"]}
    region = {p["name"]: p for p in by_name["list-outcomes-by-region"]["params"]}
    assert region["region"]["type"] == "region" and region["region"]["example"] == "Asia"
    assert region["target"]["type"] == "sdg-target" and region["target"]["required"] is False
    assert by_name["get-outcome-report"]["params"][0]["required"] is True


def test_the_issue_question_as_json(client) -> None:
    r = client.get(ASIA_1_3)
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert body["params"] == {"region": "Asia", "target": "1.3"}
    # in the corpus, the records that list target 1.3 are CHN302, PAK226 (Asia) and a Malawi one (Africa)
    assert [(row["regionName"], row["targetCode"], row["cpoCode"], row["outcome"]) for row in body["rows"]] == [
        ("Asia", "1.3", "PAK226", PAK226), ("Asia", "1.3", "CHN302", OUTCOME)]
    assert client.get("/api/queries/list-outcomes-by-region?region=Europe&target=1.3").json()["rows"] == []


def test_csv_by_suffix_format_and_accept(client) -> None:
    for r in (client.get("/api/queries/list-outcomes-by-region.csv?region=Asia&target=1.3"),
              client.get(ASIA_1_3 + "&format=csv"),
              client.get(ASIA_1_3, headers={"accept": "text/csv"})):
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(r.text)))
        assert [(x["cpoCode"], x["countryName"], x["targetCode"]) for x in rows] == [
            ("PAK226", "Pakistan", "1.3"), ("CHN302", "China", "1.3")]


def test_numbers_are_numbers_in_json(client) -> None:
    row = client.get("/api/queries/get-dashboard-counts").json()["rows"][0]
    assert row["outcomes"] == corpus.OUTCOMES and row["countries"] == len(corpus.COUNTRIES)
    assert row["sdgTargets"] == len(corpus.SDG_TARGETS)
    assert isinstance(row["organizations"], int) and row["organizations"] > 100


def test_pagination_with_link_headers(client) -> None:
    everything = client.get("/api/queries/list-outcome-activities?limit=1000").json()["rows"]
    first = client.get(f"/api/queries/list-outcome-activities?limit={len(everything) - 1}")
    assert first.status_code == 200
    assert first.json()["count"] == len(everything) - 1 and first.json()["offset"] == 0
    links = first.headers["link"]
    assert 'rel="next"' in links and 'rel="prev"' not in links and 'rel="first"' in links
    next_url = first.json()["next"]
    assert f"offset={len(everything) - 1}" in next_url and f"<{next_url}>" in links
    second = client.get(next_url)
    assert second.json()["count"] == 1          # the last activity
    assert 'rel="prev"' in second.headers["link"] and 'rel="next"' not in second.headers["link"]
    assert first.json()["rows"] + second.json()["rows"] == everything


def test_wrong_type_is_a_400_naming_the_parameter(client) -> None:
    for url, name in (("/api/queries/list-outcomes-by-region?target=one", "target"),
                      ("/api/queries/list-outcomes-by-region?region=Mars", "region"),
                      ("/api/queries/list-outcomes?since=2021-02-30", "since"),
                      ("/api/queries/list-outcomes-by-country?nation=CHN", "nation"),
                      ("/api/queries/get-outcome-report", "outcome"),
                      ("/api/queries/list-outcomes?limit=0", "limit"),
                      ("/api/queries/list-outcomes?offset=-1", "offset")):
        r = client.get(url)
        assert r.status_code == 400, url
        body = r.json()
        assert body["ok"] is False and body["parameter"] == name, url
        assert name in body["error"]


def test_a_parameter_given_twice_or_out_of_range_is_a_400_that_says_so(client) -> None:
    # The last value used to win in silence: CHN and PAK gave Pakistan's outcomes.
    r = client.get("/api/queries/list-outcomes-by-country?country=CHN&country=PAK")
    assert r.status_code == 400 and r.json()["parameter"] == "country"
    assert "given 2 times" in r.json()["error"]
    page = client.get("/query?name=list-outcomes-by-country&country=CHN&country=PAK")  # the site's form says it too
    assert page.status_code == 400 and "given 2 times" in page.text
    for url, expected in (("/api/queries/list-outcomes?limit=-5", "a whole number from 1 to"),
                          ("/api/queries/list-outcomes?offset=-1", "a whole number from 0 to 1,000,000,000"),
                          ("/api/queries/list-outcomes?limit=ten", "a whole number from 1 to")):
        r = client.get(url)
        assert r.status_code == 400 and expected in r.json()["error"], (url, r.text)
    assert client.get("/api/queries/list-outcomes?limit=+5").status_code == 200


def test_parameters_are_bound_not_pasted(client) -> None:
    """A value that would change the query if pasted into it is just a value that matches nothing."""
    r = client.get("/api/queries/list-outcomes-by-pb-indicator", params={"indicatorCode": '8.3.1" } UNION { ?s ?p ?o'})
    assert r.status_code == 200 and r.json()["rows"] == []


def test_unknown_query_is_404_in_the_error_shape(client) -> None:
    r = client.get("/api/queries/list-nothing")
    assert r.status_code == 404 and r.json()["title"] == "unknown query"


def test_answers_carry_an_etag(client) -> None:
    r = client.get(ASIA_1_3)
    again = client.get(ASIA_1_3, headers={"if-none-match": r.headers["etag"]})
    assert again.status_code == 304

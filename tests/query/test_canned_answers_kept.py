"""Canned queries' answers are computed once per dataset version (kg.web.answer_cache, #17).

At 100,000 outcomes the listings and aggregates take seconds; they change only with the data.
"""

from __future__ import annotations

import asyncio

import pytest
from waiting import wait_until
from warmer import watch_warmer

from kg.web.answer_cache import AnswerCache, Kept


def count_runs(client, monkeypatch, bound: str = "") -> list[str]:
    """The queries the app's executor is asked to run from now on (with a value containing ``bound``:
    the page warmer may be computing other queries meanwhile)."""
    executor = client.app.spkg.executor
    original = executor.run
    runs: list[str] = []

    async def counted(query, **kwargs):
        if not bound or any(bound in str(v) for v in (kwargs.get("substitutions") or {}).values()):
            runs.append(query)
        return await original(query, **kwargs)

    monkeypatch.setattr(executor, "run", counted)
    return runs


def test_an_answer_is_computed_once_per_version_and_served_in_every_format(client, monkeypatch) -> None:
    runs = count_runs(client, monkeypatch, bound="country/pak")
    url = "/api/queries/list-outcomes-by-country?country=PAK&limit=7"  # a page no other test asks for
    as_json = client.get(url)
    as_csv = client.get(url + "&format=csv")
    again = client.get(url.replace("PAK", "pak"))  # the same country, spelt otherwise
    assert as_json.status_code == as_csv.status_code == again.status_code == 200
    assert len(runs) == 1
    outcomes = [row["outcome"] for row in as_json.json()["rows"]]
    assert outcomes and all(o in as_csv.text for o in outcomes)
    assert [row["outcome"] for row in again.json()["rows"]] == outcomes
    assert client.get(url.replace("limit=7", "limit=6")).status_code == 200
    assert len(runs) == 2, "another page is another answer"


def test_the_warmer_computes_each_query_ahead_with_no_parameters_and_with_its_example(
        real_settings, monkeypatch) -> None:
    from fastapi.testclient import TestClient

    from kg.web.app import create_app

    warmed = watch_warmer(monkeypatch)
    with TestClient(create_app(real_settings)) as client:
        wait_until(warmed.is_set, timeout=120, what="the warmer to compute the pages and canned queries")
        runs = count_runs(client, monkeypatch)
        catalogue = client.get("/api/queries").json()["queries"]
        for query in catalogue:
            if not any(p["required"] for p in query["params"]):
                assert client.get(query["url"]).status_code == 200, query["name"]
            assert client.get(query["example_url"]).status_code == 200, query["name"]
        assert runs == [], "a query computed ahead ran again"


def kept(body: bytes):
    """What computes an answer with ``body``, for AnswerCache.get."""
    async def make() -> Kept:
        return Kept("bindings", body)
    return make


def test_kept_answers_are_bounded_and_a_new_version_drops_the_old() -> None:
    cache = AnswerCache(max_entries=3, max_bytes=100, max_entry=40)

    async def scenario() -> None:
        assert (await cache.get("v1", "a", kept(b"x" * 30)))[1] is False
        assert (await cache.get("v1", "a", kept(b"other")))[0].body == b"x" * 30
        await cache.get("v1", "big", kept(b"y" * 41))  # over max_entry: answered, not kept
        assert cache.peek("v1", "big") is None
        for key in "bcd":
            await cache.get("v1", key, kept(b"z" * 30))
        assert cache.peek("v1", "a") is None, "the least recently used went first"
        await cache.get("v2", "a", kept(b"new"))
        assert [cache.peek("v1", key) for key in "bcd"] == [None, None, None]
        assert cache.peek("v2", "a").body == b"new"

    asyncio.run(scenario())


def test_the_warmers_answers_are_pinned_against_a_flood_of_other_questions() -> None:
    # Ninth #16 probe: 300 requests differing only in `limit` pushed the warmed dashboard counts out.
    cache = AnswerCache(max_entries=3, max_bytes=100, max_entry=40)

    async def scenario() -> None:
        await cache.get("v1", "dashboard", kept(b"counts"), pin=True)
        await cache.get("v1", "asked-first", kept(b"rows"))
        await cache.get("v1", "asked-first", kept(b"again"), pin=True)  # the warmer comes later: pinned now
        for n in range(300):
            await cache.get("v1", ("flood", n), kept(b"z" * 10))
        assert cache.peek("v1", "dashboard").body == b"counts" and cache.peek("v1", "asked-first").body == b"rows"
        await cache.get("v2", "other", kept(b"new"))  # a new version: pinned answers of the old one go too
        assert cache.peek("v1", "dashboard") is None and cache.peek("v1", "asked-first") is None

    asyncio.run(scenario())


def test_when_the_one_computing_fails_a_waiter_computes_on_its_own_account() -> None:
    cache = AnswerCache()

    async def scenario() -> None:
        started = asyncio.Event()

        async def failing() -> Kept:
            started.set()
            await asyncio.sleep(0)
            raise RuntimeError("the first client's budget is spent")

        async def working() -> Kept:
            return Kept("bindings", b"answer")

        first = asyncio.create_task(cache.get("v", "q", failing))
        await started.wait()
        second = asyncio.create_task(cache.get("v", "q", working))
        with pytest.raises(RuntimeError):
            await first
        assert (await second) == (Kept("bindings", b"answer"), False)

    asyncio.run(scenario())

"""The store as the query workers see it, for the site's aggregates (:attr:`kg.site.views.Context.bounded`).

The site's pages query the store in the HTTP process: fast for what one page shows, but a scan or
a join of the whole graph costs what the data makes it cost, and partners write data (the fifth
#16 probe: a 2.4 MB partner graph made /organizations' counts join 275 M rows, 5 to 15 minutes
after every write, in a thread nothing could stop). Through here such a query runs in a query
worker, as /sparql's do: stopped at ``query_timeout`` and ``query_memory``, the page a 503.
"""

from __future__ import annotations

import asyncio

import pyoxigraph as ox

from kg.query.executor import Executor

JSON = "application/sparql-results+json"
#: Rows an aggregate may give: a page's few, or a list's counts per organization (any number).
LIMIT = 10_000_000


class BoundedStore:
    """``query()`` as pyoxigraph's (SELECT only), run by ``executor`` on the event loop ``loop``.

    Called from the threads that build pages (request threads, the page warmer), never from the loop:
    there it would wait for itself, so there it reads the site's own store instead (``fallback``)."""

    def __init__(self, executor: Executor, loop: asyncio.AbstractEventLoop, fallback, follow_version) -> None:
        self.executor, self.loop, self.fallback = executor, loop, fallback
        self.follow_version = follow_version  # the workers reopen the store when the data changed

    def query(self, sparql: str, substitutions: dict | None = None) -> ox.QuerySolutions:
        try:
            asyncio.get_running_loop()
            on_a_loop = True
        except RuntimeError:
            on_a_loop = False
        if on_a_loop or self.loop.is_closed():
            return self.fallback().query(sparql, substitutions=substitutions)
        bindings = {variable.value: term for variable, term in (substitutions or {}).items()}

        async def run() -> bytes:
            self.follow_version()
            answer = await self.executor.run(sparql, results_type=JSON, graph_type=None, limit=LIMIT,
                                             substitutions=bindings or None)
            return await answer.read()

        body = asyncio.run_coroutine_threadsafe(run(), self.loop).result()
        return ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)

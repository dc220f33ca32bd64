"""``/-/health``: is the server up, and can it run queries?"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from kg.store import remote
from kg.web import state
from kg.errors import StoreError

PING_TIMEOUT = 2.0  # seconds the external store has to answer ASK {}

router = APIRouter()


@router.get("/-/health", summary="Liveness and query-worker status")
async def health(request: Request) -> dict:
    executor = state.of(request).executor
    # Right after a write swaps the store, every worker is being replaced: starting, not dead.
    if executor.alive == 0 and (not executor.starting or executor.failed_starts):
        raise StoreError("no query worker is running", hint="see the server log")
    stats = executor.stats
    settings = state.of(request).settings
    store = {"kind": "embedded"}
    if settings.external:
        # A load balancer in front of replicas should hear when their shared store is gone.
        await run_in_threadpool(_ping, settings)
        store = {"kind": "external", "url": settings.store_url, "reachable": True}
    return {
        "ok": True,
        "status": 200,
        "store": store,
        "workers": {"size": executor.size, "alive": executor.alive, "idle": executor.idle,
                    "starting": executor.starting},
        "queries": stats.queries,
        "timeouts": stats.timeouts,
        "out_of_memory": stats.out_of_memory,
        "restarts": stats.restarts,
        "busy_refusals": stats.busy_refusals,
        "requeued": stats.requeued,
        "promoted": stats.promoted,
    }


def _ping(settings) -> None:
    """StoreUnreachable / StoreTimeout unless the external store answers a trivial query."""
    endpoints = remote.Endpoints.of(settings)
    client = remote.RemoteStore(remote.Endpoints(endpoints.query, timeout=PING_TIMEOUT, auth=endpoints.auth))
    try:
        client.query("ASK {}")
    finally:
        client.close()

"""``/-/health``: is the server up, and can it run queries?"""

from __future__ import annotations

from fastapi import APIRouter, Request

from kg.errors import StoreError

router = APIRouter()


@router.get("/-/health", summary="Liveness and query-worker status")
async def health(request: Request) -> dict:
    executor = request.app.state.executor
    if executor.alive == 0:
        raise StoreError("no query worker is running", hint="see the server log")
    stats = executor.stats
    return {
        "ok": True,
        "status": 200,
        "workers": {"size": executor.size, "alive": executor.alive, "idle": executor.idle},
        "queries": stats.queries,
        "timeouts": stats.timeouts,
        "restarts": stats.restarts,
        "busy_refusals": stats.busy_refusals,
    }

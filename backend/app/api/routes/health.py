"""Liveness and readiness."""

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from app.api.deps import PoolDep, UserId
from app.api.responses import errors
from app.services import consistency as consistency_service

router = APIRouter(tags=["operations"])


@router.get("/health")
async def health(request: Request) -> JSONResponse:
    body = {"status": "ok", "db": "ok", "redis": "disabled"}
    try:
        async with asyncio.timeout(2):
            async with request.app.state.pool.acquire() as conn:
                await conn.fetchval("SELECT 1")
    except Exception:  # any failure to reach the database means "not ready"
        body.update(status="unavailable", db="down")
    redis = getattr(request.app.state, "redis", None)
    if redis is not None:
        try:
            async with asyncio.timeout(1):
                await redis.ping()
            body["redis"] = "ok"
        except Exception:  # Redis is optional for serving: report, don't fail readiness
            body["redis"] = "down"
    # Storage (issue 19, N9): a full or unreachable disk or bucket is reported, not hidden
    # behind a green /health. Reads still work, so it stays 200 ("degraded"): every replica
    # shares the storage, and pulling them all would take the gallery down with it.
    storage = getattr(request.app.state, "storage", None)
    if storage is not None:
        try:
            async with asyncio.timeout(2):
                body["storage"] = await asyncio.to_thread(storage.check)
        except Exception:  # a check that hangs or fails: the storage is not usable
            body["storage"] = "down"
        if body["storage"] != "ok" and body["status"] == "ok":
            body["status"] = "degraded"
    return JSONResponse(body, status_code=200 if body["db"] == "ok" else 503)


@router.get("/api/admin/consistency", tags=["operations"], responses=errors(401, 403))
async def consistency(pool: PoolDep, user_id: UserId) -> dict[str, int]:
    """Counts of invariant violations (all zero when sound). Admins only."""
    return await consistency_service.admin_report(pool, user_id)

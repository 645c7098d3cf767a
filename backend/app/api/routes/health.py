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
    return JSONResponse(body, status_code=200 if body["db"] == "ok" else 503)


@router.get("/api/admin/consistency", tags=["operations"], responses=errors(401, 403))
async def consistency(pool: PoolDep, user_id: UserId) -> dict[str, int]:
    """Counts of invariant violations (all zero when sound). Admins only."""
    return await consistency_service.admin_report(pool, user_id)

"""Requests to see private profiles."""

from typing import Literal

from fastapi import APIRouter, Depends, Response

from app.api.deps import PoolDep, SettingsDep, UserId
from app.api.rate_limits import limit
from app.api.responses import errors
from app.schemas.ids import PathId
from app.schemas.profile_requests import ProfileRequest, ProfileRequestCreate, ProfileRequestList
from app.services import profile_requests

router = APIRouter(prefix="/api/profile_requests", tags=["profile requests"])


@router.post(
    "",
    status_code=201,
    responses={200: {"model": ProfileRequest}, **errors(401, 404, 422, 429)},
    dependencies=[Depends(limit("profile_request", per="user"))],
)
async def request_access(
    body: ProfileRequestCreate,
    pool: PoolDep,
    settings: SettingsDep,
    user_id: UserId,
    response: Response,
) -> ProfileRequest:
    """Idempotent per pair (200 with the existing request). The target is notified at most once
    per `PROFILE_REQUEST_COOLDOWN` for a pair, however often it is withdrawn and asked again."""
    request, created = await profile_requests.create(
        pool, settings, user_id, body.user_id, body.message
    )
    if not created:
        response.status_code = 200  # idempotent: the existing request
    return request


@router.get("", responses=errors(401, 422))
async def list_requests(
    pool: PoolDep, user_id: UserId, role: Literal["incoming", "outgoing"] = "incoming"
) -> ProfileRequestList:
    return ProfileRequestList(items=await profile_requests.list_requests(pool, user_id, role))


@router.post(
    "/{request_id}/accept",
    responses=errors(401, 404, 409, 422),
    dependencies=[Depends(limit("event_write", per="user"))],
)
async def accept_request(request_id: PathId, pool: PoolDep, user_id: UserId) -> ProfileRequest:
    return await profile_requests.respond(pool, user_id, request_id, "accepted")


@router.post(
    "/{request_id}/decline",
    responses=errors(401, 404, 409, 422),
    dependencies=[Depends(limit("event_write", per="user"))],
)
async def decline_request(request_id: PathId, pool: PoolDep, user_id: UserId) -> ProfileRequest:
    return await profile_requests.respond(pool, user_id, request_id, "declined")


@router.delete(
    "/{request_id}",
    status_code=204,
    responses=errors(401, 404, 422),
    dependencies=[Depends(limit("event_write", per="user"))],
)
async def delete_request(request_id: PathId, pool: PoolDep, user_id: UserId) -> Response:
    await profile_requests.withdraw(pool, user_id, request_id)
    return Response(status_code=204)

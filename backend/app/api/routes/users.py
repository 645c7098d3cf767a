"""Other people's profiles."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from app.api.deps import OptionalUserId, PoolDep, UserId
from app.api.rate_limits import limit
from app.api.responses import errors, json_model
from app.schemas.ids import PathId
from app.schemas.photos import PhotoPage, Showcase
from app.schemas.users import PublicUser, UserList
from app.services import listing, showcase, users

router = APIRouter(prefix="/api/users", tags=["users"])


@router.get(
    "",
    responses=errors(401, 422, 429),
    dependencies=[Depends(limit("user_search", per="user"))],
)
async def search_users(
    pool: PoolDep,
    user_id: UserId,
    response: Response,
    q: Annotated[str, Query(max_length=64, description="words of a name or username")] = "",
    limit: Annotated[int, Query(ge=1, le=50)] = 20,
) -> UserList:
    """Find people by the start of any word of their display name or username (case-insensitive).
    Empty `q`: the people you recently gave to, received from or traded with, newest first.
    Never yourself. Private people can be found (name, avatar); their collections stay private."""
    response.headers["Cache-Control"] = "no-store"
    return await users.search_people(pool, user_id, q, limit)


@router.get("/{user_id}", responses=errors(401, 404, 422))
async def get_user(user_id: PathId, pool: PoolDep, viewer_id: OptionalUserId) -> PublicUser:
    return await users.get_public_user(pool, viewer_id, user_id)


@router.put("/{user_id}/block", status_code=204, responses=errors(401, 404, 422))
async def block_user(user_id: PathId, pool: PoolDep, me: UserId) -> Response:
    """Refuse direct gifts from this person: `POST /api/transfers` to you answers 403
    `gift_refused`. Idempotent."""
    await users.set_blocked(pool, me, user_id, True)
    return Response(status_code=204)


@router.delete("/{user_id}/block", status_code=204, responses=errors(401, 404, 422))
async def unblock_user(user_id: PathId, pool: PoolDep, me: UserId) -> Response:
    await users.set_blocked(pool, me, user_id, False)
    return Response(status_code=204)


@router.get("/{user_id}/photos", response_model=PhotoPage, responses=errors(401, 403, 404, 422))
async def get_user_photos(
    user_id: PathId,
    pool: PoolDep,
    viewer_id: OptionalUserId,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 30,
) -> Response:
    """A user's collection (what they own now); 403 for a private profile unless approved."""
    page = await listing.list_photos(
        pool, viewer_id, listing.Listing(cursor=cursor, limit=limit, owner_id=user_id)
    )
    return json_model(page)


@router.get("/{user_id}/showcase", responses=errors(401, 403, 404, 422))
async def get_showcase(user_id: PathId, pool: PoolDep, viewer_id: OptionalUserId) -> Showcase:
    """The objects a person pinned at the top of their profile, in their order (at most 6);
    403 for a private profile unless approved, like their collection."""
    return await showcase.get_showcase(pool, viewer_id, user_id)

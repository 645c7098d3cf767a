"""Other people's profiles."""

from typing import Annotated

from fastapi import APIRouter, Query, Response

from app.api.deps import OptionalUserId, PoolDep
from app.api.responses import errors, json_model
from app.schemas.ids import PathId
from app.schemas.photos import PhotoPage
from app.schemas.users import PublicUser
from app.services import photos, users

router = APIRouter(prefix="/api/users", tags=["users"])


@router.get("/{user_id}", responses=errors(401, 404, 422))
async def get_user(user_id: PathId, pool: PoolDep, viewer_id: OptionalUserId) -> PublicUser:
    return await users.get_public_user(pool, viewer_id, user_id)


@router.get("/{user_id}/photos", response_model=PhotoPage, responses=errors(401, 403, 404, 422))
async def get_user_photos(
    user_id: PathId,
    pool: PoolDep,
    viewer_id: OptionalUserId,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 30,
) -> Response:
    """A user's collection (what they own now); 403 for a private profile unless approved."""
    page = await photos.list_photos(pool, viewer_id, cursor=cursor, limit=limit, owner_id=user_id)
    return json_model(page)

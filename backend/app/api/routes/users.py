"""Other people's profiles."""

from fastapi import APIRouter

from app.api.deps import OptionalUserId, PoolDep
from app.api.responses import errors
from app.schemas.users import PublicUser
from app.services import users

router = APIRouter(prefix="/api/users", tags=["users"])


@router.get("/{user_id}", responses=errors(401, 404, 422))
async def get_user(user_id: int, pool: PoolDep, viewer_id: OptionalUserId) -> PublicUser:
    return await users.get_public_user(pool, viewer_id, user_id)

"""The signed-in user's own profile."""

from fastapi import APIRouter, Response

from app.api.deps import PoolDep, SettingsDep, UserId
from app.api.responses import errors
from app.schemas.users import Me, MeUpdate, PasswordChange
from app.services import auth, users

router = APIRouter(prefix="/api/me", tags=["me"])


@router.get("", responses=errors(401))
async def get_me(pool: PoolDep, user_id: UserId) -> Me:
    return await users.get_me(pool, user_id)


@router.patch("", responses=errors(401, 422))
async def update_me(body: MeUpdate, pool: PoolDep, user_id: UserId) -> Me:
    return await users.update_me(pool, user_id, body.display_name, body.is_private)


@router.put("/password", status_code=204, responses=errors(401, 409, 422))
async def change_password(
    body: PasswordChange, pool: PoolDep, settings: SettingsDep, user_id: UserId
) -> Response:
    await auth.change_password(
        pool, settings, user_id, body.password, body.current_password, body.username
    )
    return Response(status_code=204)

"""The signed-in user's own profile."""

from fastapi import APIRouter, Depends

from app.api.deps import Claims, PoolDep, SettingsDep, UserId
from app.api.rate_limits import limit
from app.api.responses import errors
from app.schemas.auth import PasswordChanged
from app.schemas.notifications import NotificationSettings, NotificationSettingsUpdate
from app.schemas.photos import Showcase, ShowcaseUpdate
from app.schemas.users import Me, MeUpdate, PasswordChange
from app.services import auth_password, notifications, showcase, users

router = APIRouter(prefix="/api/me", tags=["me"])


@router.get("", responses=errors(401))
async def get_me(pool: PoolDep, user_id: UserId) -> Me:
    return await users.get_me(pool, user_id)


@router.patch(
    "", responses=errors(401, 422), dependencies=[Depends(limit("profile_edit", per="user"))]
)
async def update_me(body: MeUpdate, pool: PoolDep, user_id: UserId) -> Me:
    return await users.update_me(pool, user_id, body.display_name, body.is_private)


@router.get("/notifications", responses=errors(401))
async def get_notification_settings(pool: PoolDep, user_id: UserId) -> NotificationSettings:
    """Which bot notifications you get (all on by default) and whether the bot can reach you."""
    return await notifications.get_settings(pool, user_id)


@router.put("/notifications", responses=errors(401, 422))
async def put_notification_settings(
    body: NotificationSettingsUpdate, pool: PoolDep, user_id: UserId
) -> NotificationSettings:
    """Switch kinds off (`disabled`); every kind not listed is on."""
    return await notifications.put_settings(pool, user_id, body.disabled)


@router.put(
    "/password",
    responses=errors(401, 403, 409, 422, 429, 503),
    # bcrypt runs twice per call: limited per user and, against many accounts, per address.
    dependencies=[
        Depends(limit("password_change", per="user")),
        Depends(limit("password_change_ip", per="ip", setting="rate_limit_password_change")),
    ],
)
async def change_password(
    body: PasswordChange, pool: PoolDep, settings: SettingsDep, claims: Claims
) -> PasswordChanged:
    """Needs the current password (or, for an account without one, a messenger sign-in in the
    last 5 minutes); signs out every other session and says how many."""
    return await auth_password.change_password(
        pool, settings, claims, body.password, body.current_password, body.username
    )


@router.put(
    "/showcase",
    responses=errors(401, 422),
    dependencies=[Depends(limit("profile_edit", per="user"))],
)
async def set_showcase(body: ShowcaseUpdate, pool: PoolDep, user_id: UserId) -> Showcase:
    """Pin, unpin and reorder in one call: the objects to pin, in order (at most 6, 422
    `showcase_full`; each your own and shown on your profile, else 422 `showcase_not_yours`).
    Viewers of your profile get `showcase.updated`."""
    return await showcase.set_showcase(pool, user_id, body.photo_ids)

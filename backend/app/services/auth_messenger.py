"""Sign-in with a messenger mini-app's initData (Max or Telegram; messengers/initdata.py)."""

from datetime import UTC, datetime
from typing import Literal

import asyncpg

from app.core.config import Settings
from app.core.errors import AppError
from app.messengers.initdata import InitDataError, verify_init_data
from app.repositories import users
from app.schemas.auth import TokenPair
from app.schemas.users import UserSummary
from app.services import page_cache
from app.services.auth_sessions import start_session
from app.services.publish import publish
from app.services.shapes import from_record

Messenger = Literal["max", "telegram"]


async def sign_in_with_messenger(
    pool: asyncpg.Pool, settings: Settings, messenger: Messenger, raw_init_data: str
) -> TokenPair:
    bot_token = settings.max_bot_token if messenger == "max" else settings.telegram_bot_token
    try:
        verified = verify_init_data(raw_init_data, bot_token, settings.init_data_max_age)
    except InitDataError as exc:
        raise AppError(exc.code, reason=str(exc)) from exc
    person = verified.user
    async with pool.acquire() as conn, conn.transaction():
        user = await users.upsert_messenger_user(
            conn, messenger, person.external_id, person.display_name, person.photo_url
        )
        if user["profile_changed"]:
            # The messenger renamed them (or gave a new picture): their cards show it.
            await publish(conn, "user.updated", from_record(UserSummary, user))
        # The proof is as fresh as the messenger made it (initData's auth_date, which may be up
        # to INIT_DATA_MAX_AGE old), not the moment it reached us: a sensitive change asking for
        # a recent messenger sign-in then means a recently opened mini-app.
        proven_at = datetime.fromtimestamp(verified.auth_date, UTC)
        pair = await start_session(conn, settings, user, "messenger", proven_at)
    if user["profile_changed"]:
        page_cache.changed(pool)
    return pair

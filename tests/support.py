"""Helpers shared by tests: signed initData, users with tokens."""

import asyncio
import inspect
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar
from urllib.parse import quote

import httpx

from app.messengers.initdata import sign

MAX_BOT_TOKEN = "123456:test-max-bot-token"
TELEGRAM_BOT_TOKEN = "654321:test-telegram-bot-token"
T = TypeVar("T")


def make_init_data(
    bot_token: str = MAX_BOT_TOKEN,
    user: dict[str, Any] | None = None,
    auth_date: int | None = None,
    extra: dict[str, str] | None = None,
) -> str:
    """initData the way a messenger client builds it: URL-encoded fields plus their hash."""
    fields = {
        "auth_date": str(int(time.time()) if auth_date is None else auth_date),
        "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
        "user": json.dumps(user or {"id": 1001, "first_name": "Anna"}, ensure_ascii=False),
    }
    fields.update(extra or {})
    fields["hash"] = sign(fields, bot_token)
    return "&".join(f"{k}={quote(v, safe='')}" for k, v in fields.items())


async def sign_in(client: httpx.AsyncClient, external_id: int = 1001, name: str = "Anna") -> dict:
    init_data = make_init_data(user={"id": external_id, "first_name": name})
    response = await client.post("/api/auth/max", json={"init_data": init_data})
    assert response.status_code == 200, response.text
    return response.json()


async def upload(
    client: httpx.AsyncClient,
    tokens: dict,
    data: bytes,
    title: str = "Photo",
    filename: str = "photo.png",
    content_type: str = "image/png",
    **form: str,
) -> httpx.Response:
    """``POST /api/photos/upload`` as the web app sends it: the file and the form fields."""
    files = {"file": (filename, data, content_type)}
    return await client.post(
        "/api/photos/upload", files=files, data={"title": title, **form}, headers=bearer(tokens)
    )


async def until(
    fact: Callable[[], T | Awaitable[T]],
    what: str = "the awaited fact never held",
    within: float = 60.0,
) -> T:
    """Waits for a fact (a log line, a count, a listener's state — never for time) and returns
    its truthy value; `fact` may be sync or async. Checked every 20 ms; fails with `what` after
    `within` seconds, so a stall fails instead of hanging."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        value = fact()
        if inspect.isawaitable(value):
            value = await value
        if value:
            return value  # type: ignore[return-value]
        assert loop.time() < deadline, what
        await asyncio.sleep(0.02)


def bearer(tokens: dict) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


async def mint_objects(pool, owner_id: int, count: int, start: int = 0) -> list[int]:
    """Art objects straight in SQL (photo + object + mint row), for exchange tests."""
    rows = await pool.fetch(
        """
        WITH p AS (
          INSERT INTO images (content_hash, mime, width, height, bytes, original_key, thumb_key, preview_key)
          SELECT sha256(('obj-' || $2::text || '-' || g)::bytea), 'image/png', 10, 10, 100,
                 'originals/t/' || g, 'media/t/' || g || '.webp', 'media/p/' || g || '.webp'
            FROM generate_series($3::int, $3::int + $2::int - 1) g RETURNING id),
        a AS (
          INSERT INTO art_objects (image_id, title, creator_id, owner_id)
          SELECT id, 'object ' || id, $1, $1 FROM p RETURNING id)
        INSERT INTO ownership_history (art_object_id, to_user_id, reason)
        SELECT id, $1, 'mint' FROM a RETURNING art_object_id
        """,
        owner_id,
        count,
        start,
    )
    return sorted(r["art_object_id"] for r in rows)


async def assert_invariants(pool) -> None:
    from app.services.consistency import violations

    async with pool.acquire() as conn:
        found = await violations(conn)
    assert found == dict.fromkeys(found, 0), found

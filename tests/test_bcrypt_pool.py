"""Password work never starves request handling (issue 13, item 2).

bcrypt runs in its own bounded pool (core/security.py), the app's dependencies are coroutines,
and every route that runs bcrypt is rate limited. The flood below is 40 parallel wrong-password
changes against one in-process app while gallery pages are fetched: the framework's shared
thread pool must stay untouched and pages must be answered while bcrypt is still busy. No
wall-clock bound: how fast a page is belongs to the benchmarks, not here.
"""

import asyncio
import os
from pathlib import Path

import anyio.to_thread
import asyncpg
import httpx
import redis.asyncio as aioredis

from app.core import security
from app.main import create_app
from tests.conftest import make_settings
from tests.support import bearer

PASSWORD = "right-password-1"


async def _register(http: httpx.AsyncClient, name: str) -> dict:
    response = await http.post("/api/auth/register", json={"username": name, "password": PASSWORD})
    assert response.status_code == 201, response.text
    return response.json()


async def test_a_password_flood_leaves_the_shared_pool_alone(
    database_url: str, upload_dir: Path, pool: asyncpg.Pool
) -> None:
    # Cost 9 (~30 ms a call): the flood is ~40 x 30 ms of CPU queued behind one worker or two.
    settings = make_settings(database_url, upload_dir, bcrypt_rounds=9)
    app = create_app(settings)
    limiter = anyio.to_thread.current_default_thread_limiter()
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t", timeout=60) as http:
            anna = await _register(http, "anna")

            async def wrong_change() -> int:
                response = await http.put(
                    "/api/me/password",
                    json={"password": "new-password-1", "current_password": "not-it-at-all"},
                    headers=bearer(anna),
                )
                return response.status_code

            flood = [asyncio.create_task(wrong_change()) for _ in range(40)]
            borrowed: list[float] = []
            # Pages answered while at least one flood request was still unanswered.
            pages_during_flood = 0
            for _ in range(5):
                await asyncio.sleep(0)  # let the flood reach bcrypt
            while not all(t.done() for t in flood):
                borrowed.append(limiter.borrowed_tokens)
                # A cached gallery page is answered without any I/O (services/page_cache.py):
                # without this yield the loop would never let the flood's requests run.
                await asyncio.sleep(0)
                page = await http.get("/api/photos", headers=bearer(anna))
                assert page.status_code == 200
                if not all(t.done() for t in flood):
                    pages_during_flood += 1
            statuses = [t.result() for t in flood]

    assert statuses == [401] * 40
    # The framework's shared thread pool was not used at all: nothing queues behind bcrypt.
    assert borrowed and max(borrowed) == 0, borrowed
    # Pages were answered while bcrypt was busy (behind the old shared pool the first page waited
    # for the whole flood, so none finished before it). A fact, not a time: no load can flake it.
    assert pages_during_flood >= 2, pages_during_flood


async def test_bcrypt_queue_is_bounded(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(security, "BCRYPT_MAX_WAITING", 2)
    slow_hash = security.hash_password("x" * 8, 4)
    calls = [
        asyncio.create_task(security.verify_password_async("y" * 8, slow_hash))
        for _ in range(security.BCRYPT_WORKERS + 2)
    ]
    await asyncio.sleep(0)
    refused = await asyncio.gather(
        security.verify_password_async("z" * 8, slow_hash), return_exceptions=True
    )
    assert getattr(refused[0], "status_code", None) == 503
    assert await asyncio.gather(*calls) == [False] * len(calls)


async def test_password_change_is_limited_per_user_and_per_address(
    database_url: str, upload_dir: Path, pool: asyncpg.Pool
) -> None:
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    redis = aioredis.Redis.from_url(url)
    # Only this test's own keys are removed (counts left by an earlier run within the window).
    for pattern in ("gallery:rl:password_change:*", "gallery:rl:password_change_ip:*"):
        async for key in redis.scan_iter(match=pattern):
            await redis.delete(key)
    settings = make_settings(
        database_url, upload_dir, redis_url=url, rate_limit_password_change="3/minute"
    )
    app = create_app(settings)
    try:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
                anna = await _register(http, "anna")
                boris = await _register(http, "boris")
                wrong = {"password": "new-password-1", "current_password": "not-it-at-all"}

                async def change(who: dict) -> httpx.Response:
                    return await http.put("/api/me/password", json=wrong, headers=bearer(who))

                assert [(await change(anna)).status_code for _ in range(3)] == [401] * 3
                refused = await change(anna)
                assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
                # Boris has his own user bucket, but the address's bucket is spent as well.
                assert (await change(boris)).status_code == 429
    finally:
        await redis.aclose()

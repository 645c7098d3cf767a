"""Rate limits (SPEC §5) on a real Redis and real server processes: one count shared by every
process, keyed by a client that cannot pick its own bucket, 429 with Retry-After, and no 500
when Redis is gone."""

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest
import redis.asyncio as aioredis
from fastapi import FastAPI

from app.core.config import Settings
from app.core.rate_limit import (
    SocketMessageLimiter,
    check_rates,
    create_redis,
    parse_rate,
    resolve_client_ip,
)
from app.main import create_app
from tests.conftest import make_settings
from tests.server_support import free_port, running_server
from tests.support import MAX_BOT_TOKEN, bearer, sign_in

REDIS_DB = 13  # this module's own database: flushed at its start
BAD_LOGIN = {"username": "nobody", "password": "wrong-password"}
UNTRUSTED_PROXY = "10.9.8.7"  # the only "proxy" the servers believe: our 127.0.0.1 is not it


def redis_url(db: int = REDIS_DB) -> str:
    base = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    return urlunsplit(urlsplit(base)._replace(path=f"/{db}"))


async def redis_keys(pattern: str) -> list[str]:
    client = aioredis.Redis.from_url(redis_url(), decode_responses=True)
    try:
        return sorted([key async for key in client.scan_iter(match=pattern)])
    finally:
        await client.aclose()


def assert_refused(response: httpx.Response, window_seconds: int) -> None:
    assert response.status_code == 429, response.text
    retry_after = response.headers["Retry-After"]
    assert retry_after.isdigit() and 1 <= int(retry_after) <= window_seconds, retry_after
    assert response.json()["detail"]["code"] == "rate_limited"


# --- pure parts ----------------------------------------------------------------------------


def test_rates_parse_and_bad_ones_stop_the_start(upload_dir: Path) -> None:
    assert (parse_rate("10/minute").limit, parse_rate("10/minute").interval) == (10, 60_000)
    assert (parse_rate("20/10s").limit, parse_rate("20/10s").interval) == (20, 10_000)
    assert parse_rate("30 / hour").interval == 3_600_000
    for bad in ("10", "0/minute", "10/0s", "ten/minute", "10/fortnight", ""):
        with pytest.raises(ValueError):
            parse_rate(bad)
    check_rates(Settings())  # the defaults are valid
    with pytest.raises(RuntimeError, match="RATE_LIMIT_CLAIM"):
        check_rates(make_settings("postgresql://x/y", upload_dir, rate_limit_claim="lots"))


def test_client_address_believes_forwarded_for_only_from_trusted_proxies() -> None:
    trusted = ["127.0.0.1", "10.0.0.0/8"]
    # An untrusted peer's header is ignored whatever it says.
    assert resolve_client_ip("198.51.100.7", ["203.0.113.9"], trusted) == "198.51.100.7"
    # From the proxy: the hop it appended; hops the client wrote on the left are ignored.
    assert resolve_client_ip("127.0.0.1", ["203.0.113.9"], trusted) == "203.0.113.9"
    assert resolve_client_ip("127.0.0.1", ["6.6.6.6, 203.0.113.9"], trusted) == "203.0.113.9"
    assert resolve_client_ip("127.0.0.1", ["6.6.6.6", "203.0.113.9"], trusted) == "203.0.113.9"
    # A chain of trusted proxies is walked right to left.
    assert resolve_client_ip("127.0.0.1", ["203.0.113.9, 10.1.2.3"], trusted) == "203.0.113.9"
    # Garbage from the proxy: stop at the last sound address, never trust the garbage.
    assert resolve_client_ip("127.0.0.1", ["not-an-ip"], trusted) == "127.0.0.1"
    assert resolve_client_ip("127.0.0.1", [], trusted) == "127.0.0.1"
    # One IPv6 subscriber (a /64) is one client; IPv4-mapped addresses are IPv4.
    a = resolve_client_ip("2001:db8:1:2::1", [], trusted)
    assert a == resolve_client_ip("2001:db8:1:2:ffff::9", [], trusted) == "2001:db8:1:2::/64"
    assert resolve_client_ip("::ffff:198.51.100.7", [], trusted) == "198.51.100.7"


def test_socket_message_limiter_is_a_token_bucket() -> None:
    now = [1000.0]
    limiter = SocketMessageLimiter(limit=20, per_seconds=10, clock=lambda: now[0])
    assert all(limiter.allow() for _ in range(20))  # a burst of 20
    assert not limiter.allow()
    assert limiter.retry_after() == pytest.approx(0.5)  # refills 2 per second
    now[0] += 0.5
    assert limiter.allow() and not limiter.allow()
    now[0] += 3600
    assert sum(limiter.allow() for _ in range(50)) == 20  # never more than the burst
    assert SocketMessageLimiter.from_rate("3/second").capacity == 3


# --- one process, in-process app -----------------------------------------------------------


async def test_limits_are_off_without_redis(client: httpx.AsyncClient) -> None:
    # The conftest app has REDIS_URL unset: development's single process, no limits.
    for _ in range(15):
        response = await client.post("/api/auth/login", json=BAD_LOGIN)
        assert response.status_code == 401


@asynccontextmanager
async def app_with_redis(settings: Settings) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        own = None
        if app.state.redis is None:  # until main.py's lifespan creates it from REDIS_URL
            own = app.state.redis = await create_redis(settings.redis_url)
        try:
            transport = httpx.ASGITransport(app=app)  # the peer is 127.0.0.1
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
                yield app, http
        finally:
            if own is not None:
                await own.aclose()


async def test_trusted_proxy_forwarded_for_keys_by_client_and_buckets_expire(
    database_url: str, upload_dir: Path
) -> None:
    redis = aioredis.Redis.from_url(redis_url())
    await redis.flushdb()
    settings = make_settings(
        database_url,
        upload_dir,
        redis_url=redis_url(),
        trusted_proxies=["127.0.0.1"],
        rate_limit_qr_login="2/minute",
    )
    async with app_with_redis(settings) as (_, http):

        async def qr(forwarded_for: str) -> httpx.Response:
            return await http.post("/api/auth/qr", headers={"X-Forwarded-For": forwarded_for})

        assert (await qr("198.51.100.1")).status_code == 201
        # Redis restarted (or flushed its scripts): the script is loaded again, no error.
        await redis.script_flush()
        assert (await qr("198.51.100.1")).status_code == 201
        assert_refused(await qr("198.51.100.1"), 60)
        # A spoofed left part does not escape the bucket of the address our proxy saw...
        assert_refused(await qr("203.0.113.50, 198.51.100.1"), 60)
        # ...and another client behind the same proxy has its own.
        assert (await qr("198.51.100.2")).status_code == 201

    keys = await redis_keys("gallery:rl:qr_login:*")
    assert keys == [
        "gallery:rl:qr_login:ip:198.51.100.1",
        "gallery:rl:qr_login:ip:198.51.100.2",
    ]
    assert 0 < await redis.pttl(keys[0]) <= 61_000  # idle buckets vanish after their window
    assert await redis.zcard(keys[0]) == 2  # refused requests are not counted
    await redis.aclose()


# --- real server processes -----------------------------------------------------------------


def server_env(database_url: str, upload_dir: Path, **extra: str) -> dict[str, str]:
    return {
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url(),
        "JWT_SECRET": "test-secret-" + "x" * 32,
        "MAX_BOT_TOKEN": MAX_BOT_TOKEN,
        "UPLOAD_DIR": str(upload_dir),
        "APP_ENV": "test",
        "BCRYPT_ROUNDS": "4",
        "SWEEP_INTERVAL": "3600",
        # Neither the app nor uvicorn (which rewrites the client address from X-Forwarded-For
        # for FORWARDED_ALLOW_IPS, default 127.0.0.1) may believe our 127.0.0.1.
        # JSON list: a comma-separated list from the environment does not parse (config.py).
        "TRUSTED_PROXIES": f'["{UNTRUSTED_PROXY}"]',
        "FORWARDED_ALLOW_IPS": UNTRUSTED_PROXY,
        **extra,
    }


@pytest.fixture(scope="module")
async def servers(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[tuple[str, str]]:
    redis = aioredis.Redis.from_url(redis_url())
    await redis.flushdb()
    await redis.aclose()
    env = server_env(
        database_url,
        tmp_path_factory.mktemp("uploads"),
        RATE_LIMIT_PASSWORD_SIGNIN="4/minute",
        RATE_LIMIT_QR_LOGIN="3/minute",
        RATE_LIMIT_CLAIM="3/minute",
        RATE_LIMIT_TRADE_CREATE="5/minute",
    )
    async with contextlib.AsyncExitStack() as stack:  # start both at once; stop whatever started
        started = await asyncio.gather(
            *(stack.enter_async_context(running_server(env)) for _ in range(2)),
            return_exceptions=True,
        )
        for result in started:
            if isinstance(result, BaseException):
                raise result
        yield started[0], started[1]


@pytest.mark.slow
async def test_a_limit_is_shared_by_all_server_processes(servers: tuple[str, str]) -> None:
    async with httpx.AsyncClient(timeout=10) as http:
        # login and register share the password sign-in bucket; requests alternate processes.
        for i, path in enumerate(["login", "register", "login", "login"]):
            body = BAD_LOGIN if path == "login" else {"username": f"limit_{i}", "password": "p" * 8}
            response = await http.post(f"{servers[i % 2]}/api/auth/{path}", json=body)
            assert response.status_code in (401, 201), response.text
        for base in servers:  # the 5th and later are refused by either process
            assert_refused(await http.post(f"{base}/api/auth/login", json=BAD_LOGIN), 60)
        # Other limits are other buckets.
        response = await http.post(f"{servers[1]}/api/auth/max", json={"init_data": "x=1"})
        assert response.status_code == 401, response.text
    assert "gallery:rl:password_signin:ip:127.0.0.1" in await redis_keys("gallery:rl:*")


@pytest.mark.slow
async def test_a_concurrent_burst_on_both_processes_admits_exactly_the_limit(
    servers: tuple[str, str],
) -> None:
    # Anonymous trade proposals: the per-user limit falls back to the address, then 401.
    async with httpx.AsyncClient(timeout=30) as http:
        responses = await asyncio.gather(
            *(http.post(f"{servers[i % 2]}/api/trades", json={}) for i in range(40))
        )
    statuses = [response.status_code for response in responses]
    assert statuses.count(401) == 5 and statuses.count(429) == 35, statuses
    for response in responses:
        if response.status_code == 429:
            assert_refused(response, 60)


@pytest.mark.slow
async def test_forwarded_for_from_an_untrusted_peer_does_not_change_the_bucket(
    servers: tuple[str, str],
) -> None:
    async with httpx.AsyncClient(timeout=10) as http:

        async def qr(i: int) -> httpx.Response:
            headers = {"X-Forwarded-For": f"203.0.113.{i}", "X-Real-IP": f"203.0.113.{i}"}
            return await http.post(f"{servers[i % 2]}/api/auth/qr", headers=headers)

        assert [(await qr(i)).status_code for i in range(1, 4)] == [201, 201, 201]
        assert_refused(await qr(4), 60)
        assert_refused(await qr(5), 60)
    keys = await redis_keys("gallery:rl:qr_login:*")
    assert "gallery:rl:qr_login:ip:127.0.0.1" in keys
    assert not [key for key in keys if "203.0.113." in key]


@pytest.mark.slow
async def test_claims_are_limited_per_user(servers: tuple[str, str]) -> None:
    first, second = servers
    async with httpx.AsyncClient(base_url=first, timeout=10) as api:
        rita = await sign_in(api, external_id=880001, name="Rita")
        sam = await sign_in(api, external_id=880002, name="Sam")
    claim = {"token": "no-such-claim-code"}
    async with httpx.AsyncClient(timeout=10) as http:
        for i in range(3):  # same IP, alternating processes: Rita's own bucket fills
            response = await http.post(
                f"{servers[i % 2]}/api/transfers/claim", json=claim, headers=bearer(rita)
            )
            assert response.status_code == 404, response.text
        assert_refused(
            await http.post(f"{second}/api/transfers/claim", json=claim, headers=bearer(rita)), 60
        )
        # Sam, from the same address, is not affected.
        response = await http.post(f"{first}/api/transfers/claim", json=claim, headers=bearer(sam))
        assert response.status_code == 404, response.text
    keys = await redis_keys("gallery:rl:claim:*")
    assert len(keys) == 2 and all(key.startswith("gallery:rl:claim:user:") for key in keys)


@pytest.mark.slow
async def test_with_redis_unreachable_the_app_serves_with_per_process_limits(
    database_url: str, upload_dir: Path
) -> None:
    env = server_env(
        database_url,
        upload_dir,
        REDIS_URL=f"redis://127.0.0.1:{free_port()}/0",  # nothing listens there
        RATE_LIMIT_PASSWORD_SIGNIN="3/minute",
    )
    async with running_server(env) as base, httpx.AsyncClient(base_url=base, timeout=10) as http:
        health = await http.get("/health")
        assert health.status_code == 200 and health.json()["redis"] == "down"
        statuses = [
            (await http.post("/api/auth/login", json=BAD_LOGIN)).status_code for _ in range(3)
        ]
        assert statuses == [401, 401, 401]
        # Fail soft: the same limit, counted in this process, still refuses the 4th.
        assert_refused(await http.post("/api/auth/login", json=BAD_LOGIN), 60)
        # Routes without limits, and anonymous reads, are untouched.
        assert (await http.get("/api/photos")).status_code == 200

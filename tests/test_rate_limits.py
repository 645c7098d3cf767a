"""Rate limits (SPEC §5) on a real Redis and real server processes: one count shared by every
process, keyed by a client that cannot pick its own bucket, 429 with Retry-After, and no 500
when Redis is gone."""

import asyncio
import contextlib
import json
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
import redis.asyncio as aioredis
import websockets
from fastapi import FastAPI
from prometheus_client.parser import text_string_to_metric_families
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from app.api.rate_limits import client_address
from app.core.config import Settings
from app.core.rates import check_rates, parse_rate
from app.main import create_app
from app.realtime.message_limit import SocketMessageLimiter
from tests.conftest import make_settings
from tests.server_support import free_port, running_server
from tests.support import MAX_BOT_TOKEN, bearer, sign_in

# The database REDIS_URL names; this module's keys carry their own prefix, and only they are
# deleted afterwards (never FLUSHDB: the database may hold others' keys).
REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
PREFIX = f"test-rl-{uuid.uuid4().hex[:12]}"
BAD_LOGIN = {"username": "nobody", "password": "wrong-password"}
UNTRUSTED_PROXY = "10.9.8.7"  # the only "proxy" the servers believe: our 127.0.0.1 is not it


async def redis_keys(pattern: str) -> list[str]:
    client = aioredis.Redis.from_url(REDIS_URL, decode_responses=True)
    try:
        return sorted([key async for key in client.scan_iter(match=pattern)])
    finally:
        await client.aclose()


@pytest.fixture(scope="module", autouse=True)
async def _delete_own_keys() -> AsyncIterator[None]:
    yield
    client = aioredis.Redis.from_url(REDIS_URL)
    try:
        keys = [key async for key in client.scan_iter(match=f"{PREFIX}*")]
        if keys:
            await client.delete(*keys)
    finally:
        await client.aclose()


def assert_refused(response: httpx.Response, window_seconds: int) -> None:
    assert response.status_code == 429, response.text
    retry_after = response.headers["Retry-After"]
    assert retry_after.isdigit() and 1 <= int(retry_after) <= window_seconds, retry_after
    detail = response.json()["detail"]
    assert detail["code"] == "rate_limited" and isinstance(detail["message"], str), detail


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


def test_client_address_groups_ipv6_by_64_and_unwraps_ipv4_mapped() -> None:
    assert client_address("198.51.100.7") == "198.51.100.7"
    # One IPv6 subscriber (a /64) is one client; IPv4-mapped addresses are IPv4.
    a = client_address("2001:db8:1:2::1")
    assert a == client_address("2001:db8:1:2:ffff::9") == "2001:db8:1:2::/64"
    assert client_address("::ffff:198.51.100.7") == "198.51.100.7"
    assert client_address(None) == "unknown"


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
async def app_with_redis(
    settings: Settings, forwarded_allow_ips: str = "127.0.0.1"
) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    """The app as uvicorn serves it: its ProxyHeadersMiddleware sets the client address from
    X-Forwarded-For for peers in FORWARDED_ALLOW_IPS. The ASGI transport's peer is 127.0.0.1."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        assert app.state.redis is not None  # created from REDIS_URL at start
        served = ProxyHeadersMiddleware(app, trusted_hosts=forwarded_allow_ips)  # type: ignore[arg-type]
        transport = httpx.ASGITransport(app=served)  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            yield app, http


async def test_uvicorn_client_address_keys_the_bucket_and_buckets_expire(
    database_url: str, upload_dir: Path
) -> None:
    redis = aioredis.Redis.from_url(REDIS_URL)
    prefix = f"{PREFIX}-in-process"
    settings = make_settings(
        database_url,
        upload_dir,
        redis_url=REDIS_URL,
        redis_key_prefix=prefix,
        rate_limit_qr_login="2/minute",
    )
    async with app_with_redis(settings, "127.0.0.1") as (_, http):

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

    async with app_with_redis(settings, "10.9.8.7") as (_, http):
        # Straight from an untrusted peer the header is ignored: the peer's own bucket.
        response = await http.post("/api/auth/qr", headers={"X-Forwarded-For": "198.51.100.1"})
        assert response.status_code == 201

    keys = await redis_keys(f"{prefix}:rl:qr_login:*")
    assert keys == [
        f"{prefix}:rl:qr_login:ip:127.0.0.1",
        f"{prefix}:rl:qr_login:ip:198.51.100.1",
        f"{prefix}:rl:qr_login:ip:198.51.100.2",
    ]
    keys = keys[1:]
    assert 0 < await redis.pttl(keys[0]) <= 61_000  # idle buckets vanish after their window
    assert await redis.zcard(keys[0]) == 2  # refused requests are not counted
    await redis.aclose()


# --- real server processes -----------------------------------------------------------------


def server_env(database_url: str, upload_dir: Path, **extra: str) -> dict[str, str]:
    return {
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "REDIS_KEY_PREFIX": PREFIX,
        "JWT_SECRET": "test-secret-" + "x" * 32,
        "MAX_BOT_TOKEN": MAX_BOT_TOKEN,
        "UPLOAD_DIR": str(upload_dir),
        "APP_ENV": "test",
        "BCRYPT_ROUNDS": "4",
        "SWEEP_INTERVAL": "3600",
        # uvicorn rewrites the client address from X-Forwarded-For only for these peers: our
        # 127.0.0.1 is not one of them.
        "FORWARDED_ALLOW_IPS": UNTRUSTED_PROXY,
        **extra,
    }


@pytest.fixture(scope="module")
async def servers(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[tuple[str, str]]:
    env = server_env(
        database_url,
        tmp_path_factory.mktemp("uploads"),
        RATE_LIMIT_PASSWORD_SIGNIN="4/minute",
        RATE_LIMIT_QR_LOGIN="3/minute",
        RATE_LIMIT_CLAIM="3/minute",
        RATE_LIMIT_TRADE_CREATE="5/minute",
        RATE_LIMIT_WS_MESSAGES="3/minute",
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
    assert f"{PREFIX}:rl:password_signin:ip:127.0.0.1" in await redis_keys(f"{PREFIX}:rl:*")


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
    keys = await redis_keys(f"{PREFIX}:rl:qr_login:*")
    assert f"{PREFIX}:rl:qr_login:ip:127.0.0.1" in keys
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
    keys = await redis_keys(f"{PREFIX}:rl:claim:*")
    assert len(keys) == 2 and all(key.startswith(f"{PREFIX}:rl:claim:user:") for key in keys)


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


@pytest.mark.slow
async def test_a_socket_over_its_message_rate_is_closed_and_counted_once(
    servers: tuple[str, str],
) -> None:
    base = servers[0]
    async with websockets.connect(base.replace("http://", "ws://") + "/api/ws") as socket:
        for _ in range(4):  # RATE_LIMIT_WS_MESSAGES=3/minute: the 4th is one too many
            await socket.send(json.dumps({"type": "pong"}))
        with pytest.raises(websockets.ConnectionClosed) as closed:
            while True:
                await socket.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008
    async with httpx.AsyncClient(timeout=10) as http:
        text = (await http.get(f"{base}/metrics")).text
    refused = [
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "gallery_rate_limited_total" and sample.labels == {"limit": "ws_messages"}
    ]
    assert refused == [1.0], refused

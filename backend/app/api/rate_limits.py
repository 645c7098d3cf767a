"""HTTP rate limits: fastapi-limiter's ``RateLimiter`` over pyrate-limiter, one sliding-window
bucket per client in Redis, the same limit counted in the process while Redis fails. How they
count and why they fail soft: README, "Rate limits and metrics". What the libraries lack is
added here, each piece saying which gap it fills. WebSocket messages: realtime/message_limit.py.
"""

import asyncio
import hashlib
import ipaddress
import logging
import math
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from inspect import isawaitable
from typing import Literal, NoReturn

import redis.asyncio as aioredis
from fastapi import Request, Response
from fastapi_limiter.depends import RateLimiter
from pyrate_limiter import AbstractBucket, BucketFactory, InMemoryBucket, Limiter, Rate, RateItem
from pyrate_limiter.buckets.redis_bucket import LuaScript, RedisBucket
from redis.exceptions import NoScriptError, RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

from app.api.deps import OptionalUserId
from app.core.config import Settings
from app.core.errors import AppError, ErrorCode
from app.core.rates import RATE_SETTINGS, parse_rate
from app.server import metrics

log = logging.getLogger(__name__)

REDIS_DEADLINE = 1.0  # seconds for one limit check, queueing behind the limiter's lock included
MAX_CACHED_BUCKETS = 4096  # bucket objects kept per limit and process (they hold no data)
# pyrate's script counts a window's entries up to the new item's timestamp: another worker's
# entry stamped a millisecond later would not count, and a burst on two processes would pass
# more than the limit. Count every entry from the window's start on.
_PYRATE_COUNT = "redis.call('ZCOUNT', bucket, window_start, now)"
assert _PYRATE_COUNT in LuaScript.PUT_ITEM, "pyrate-limiter's Lua script changed: review _SCRIPT"
_SCRIPT = LuaScript.PUT_ITEM.replace(
    _PYRATE_COUNT, "redis.call('ZCOUNT', bucket, window_start, '+inf')"
)
_SCRIPT_SHA = hashlib.sha1(_SCRIPT.encode()).hexdigest()  # what SCRIPT LOAD returns

Per = Literal["ip", "user"]
Identifier = Callable[[Request], Awaitable[str]]


def client_address(host: str | None) -> str:
    """The rate-limit identity of a client address: IPv4-mapped IPv6 is IPv4, and one IPv6
    subscriber (a /64: per-address keys would be free to rotate) is one client."""
    try:
        address = ipaddress.ip_address((host or "").strip("[]"))
    except ValueError:
        return host or "unknown"
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


async def _ip_key(request: Request) -> str:
    # uvicorn sets request.client from X-Forwarded-For only for FORWARDED_ALLOW_IPS peers.
    return f"ip:{client_address(request.client.host if request.client else None)}"


async def _user_key(request: Request) -> str:
    user_id = getattr(request.state, "user_id", None)
    return f"user:{user_id}" if user_id is not None else await _ip_key(request)


class _RedisBucket(RedisBucket):
    """pyrate's RedisBucket with ``_SCRIPT``, loaded again when Redis lacks it (restarted), and
    trimming and expiring its own key after each admitted put: pyrate's Leaker would instead
    keep an object and a periodic trim per client ever seen, in every process."""

    is_async = True
    redis: aioredis.Redis  # always the async client

    async def put(self, item: RateItem) -> bool:
        try:
            try:
                admitted = await super().put(item)  # type: ignore[misc]
            except NoScriptError:
                self.script_hash = str(await self.redis.script_load(_SCRIPT))
                admitted = await super().put(item)  # type: ignore[misc]
            if admitted:
                window = self.rates[-1].interval
                async with self.redis.pipeline(transaction=False) as pipe:
                    pipe.zremrangebyscore(self.bucket_key, 0, item.timestamp - window - 1)
                    pipe.pexpire(self.bucket_key, window + 1000)
                    await pipe.execute()
        except TimeoutError as exc:
            # pyrate's Limiter reads a builtin TimeoutError as "refused"; this is an outage.
            raise RedisTimeoutError(str(exc)) from exc
        return bool(admitted)


class _Buckets(BucketFactory):
    """One bucket per client key (pyrate's ``Limiter(bucket)`` is one bucket for everyone),
    in Redis under ``<prefix>:<key>`` or, without a client, in this process's memory. Bucket
    objects are cached LRU."""

    def __init__(self, rate: Rate, redis: aioredis.Redis | None = None, prefix: str = "") -> None:
        self.rates = [rate]
        self.redis = redis
        self.prefix = prefix
        self._buckets: OrderedDict[str, AbstractBucket] = OrderedDict()

    def wrap_item(self, name: str, weight: int = 1) -> RateItem:
        return RateItem(name, time.time_ns() // 1_000_000, weight=weight)  # RedisBucket's clock

    def get(self, item: RateItem) -> AbstractBucket:
        return self.bucket_for(item.name)

    def bucket_for(self, key: str) -> AbstractBucket:
        bucket = self._buckets.pop(key, None)
        if bucket is None:
            if self.redis is None:
                bucket = InMemoryBucket(self.rates)
            else:
                bucket = _RedisBucket(self.rates, self.redis, f"{self.prefix}:{key}", _SCRIPT_SHA)
        self._buckets[key] = bucket
        if len(self._buckets) > MAX_CACHED_BUCKETS:
            self._buckets.popitem(last=False)
        if self.redis is None:
            bucket.leak(time.time_ns() // 1_000_000)  # keep only the window's entries
        return bucket


class _KeyedRateLimiter(RateLimiter):
    """fastapi-limiter's RateLimiter keyed by the identifier alone. Its own ``__call__`` keys by
    route and dependency index (a named limit counts all its routes together) and reads
    ``route.path``, which FastAPI's included routers lack; its callback gets no wait, so the
    refusal reads it from the bucket for ``Retry-After``."""

    def __init__(self, name: str, buckets: _Buckets, identifier: Identifier) -> None:
        super().__init__(limiter=Limiter(buckets), identifier=identifier)
        self.name = name
        self.buckets = buckets

    async def __call__(self, request: Request, response: Response) -> None:
        key = await self.identifier(request)
        if not await self.limiter.try_acquire_async(key, blocking=self.blocking):
            await self._refuse(key)

    async def _refuse(self, key: str) -> NoReturn:
        # The refusing put recorded its wait in the bucket (pyrate >= 4.5): no extra round trip.
        wait_ms = self.buckets.bucket_for(key).waiting(self.buckets.wrap_item(key))
        if isawaitable(wait_ms):
            wait_ms = await wait_ms
        retry_after = max(1, math.ceil(int(wait_ms) / 1000))
        metrics.RATE_LIMITED.labels(limit=self.name).inc()
        raise AppError(
            ErrorCode.rate_limited,
            limit=self.name,
            retry_after=retry_after,
            headers={"Retry-After": str(retry_after)},
        )


class _Limits:
    """Per app and process: each named limit's shared (Redis) limiter and its local fallback,
    and when to try Redis again after it failed (the library has no fallback: a 500)."""

    def __init__(self, redis: aioredis.Redis, settings: Settings) -> None:
        self.redis = redis
        self.settings = settings
        self.limiters: dict[str, tuple[_KeyedRateLimiter, _KeyedRateLimiter]] = {}
        self.retry_at = 0.0

    async def check(
        self, name: str, per: Per, setting: str, request: Request, response: Response
    ) -> None:
        if name not in self.limiters:
            rate = parse_rate(getattr(self.settings, setting))
            identifier = _user_key if per == "user" else _ip_key
            prefix = f"{self.settings.redis_key_prefix}:rl:{name}"
            self.limiters[name] = (
                _KeyedRateLimiter(name, _Buckets(rate, self.redis, prefix), identifier),
                _KeyedRateLimiter(name, _Buckets(rate), identifier),
            )
        shared, local = self.limiters[name]
        if time.monotonic() >= self.retry_at:
            try:
                async with asyncio.timeout(REDIS_DEADLINE):
                    await shared(request, response)
                return
            except (RedisError, OSError, TimeoutError) as exc:
                self._failed(exc)
        await local(request, response)

    def _failed(self, exc: BaseException) -> None:
        metrics.RATE_LIMIT_FALLBACKS.inc()
        if time.monotonic() >= self.retry_at:
            log.warning(
                "rate limits: Redis failed (%s: %s); process-local limits for %.0f s",
                type(exc).__name__,
                exc,
                self.settings.rate_limit_redis_retry,
            )
        self.retry_at = time.monotonic() + self.settings.rate_limit_redis_retry


def limit(name: str, per: Per, setting: str | None = None) -> Callable[..., Awaitable[None]]:
    """A route dependency (``Depends(limit("upload", per="user"))``) enforcing the setting
    ``rate_limit_<name>`` (or ``setting``: another limit's rate, in a bucket of its own); routes
    passing the same name share its bucket. The library's ``RateLimiter`` is built at import,
    before the app's Redis client and settings exist, and cannot depend on the signed-in user:
    this builds it on first use, per app. No-op while ``app.state.redis`` is None."""
    setting = setting or f"rate_limit_{name}"
    if setting not in RATE_SETTINGS:  # a typo fails at import, not in a request
        raise ValueError(f"limit {name!r} needs a rate setting {setting} in core/config.py")

    async def enforce(request: Request, response: Response) -> None:
        redis = getattr(request.app.state, "redis", None)
        if redis is None:
            return
        limits: _Limits | None = getattr(request.app.state, "rate_limits", None)
        if limits is None or limits.redis is not redis:
            limits = request.app.state.rate_limits = _Limits(redis, request.app.state.settings)
        await limits.check(name, per, setting, request, response)

    if per == "user":

        async def per_user(request: Request, response: Response, _: OptionalUserId) -> None:
            await enforce(request, response)

        return per_user
    return enforce

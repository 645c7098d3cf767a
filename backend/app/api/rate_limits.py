"""HTTP rate limits (SPEC §5): fastapi-limiter's ``RateLimiter`` over pyrate-limiter buckets.

Adding a limit to a route (the setting gives its rate, the name its bucket):
1. a setting in ``core/config.py``: ``rate_limit_password_change: str = "5/hour"  # per user``
   (and the same line in ``.env.example``); it is checked at start with the others;
2. on the route: ``dependencies=[Depends(limit("password_change", per="user"))]``.
Routes passing the same name share one bucket (``/auth/login`` and ``/auth/register`` do).

How a limit counts
- Each named limit is a fastapi-limiter ``RateLimiter`` (its identifier and callback)
  around a pyrate-limiter ``Limiter`` whose ``BucketFactory`` makes one ``RedisBucket`` per key:
  a sorted set ``<REDIS_KEY_PREFIX>:rl:<name>:<key>`` that one Lua script checks and fills
  atomically (sliding-window log), so every worker process shares the count. Admitted requests
  also trim entries older than the window and set a TTL, so idle keys vanish.
- ``per="ip"``: the client address (``request.client``; uvicorn sets it from ``X-Forwarded-For``
  only for peers in ``FORWARDED_ALLOW_IPS``, the one proxy setting); IPv6 clients are grouped by
  /64. ``per="user"``: the signed-in user (the dependency depends on ``optional_user_id``), else
  the address.
- Refusal: 429 ``{"detail": {"code": "rate_limited", "message": ...}}`` with ``Retry-After`` =
  whole seconds until the oldest counted request leaves the window (at least 1); counted in
  ``gallery_rate_limited_total{limit}``.
- Clock: entries carry the worker's wall clock in ms (pyrate's ``RedisBucket`` design), so
  workers on several hosts need NTP-synchronised clocks.

With ``REDIS_URL`` unset every HTTP limit is a no-op: one development process (and the tests'
in-process app) runs without Redis.

Redis failing at request time (down, timeout): **fail soft, on every limited route** — the
request is checked by a second ``RateLimiter`` over process-local in-memory buckets with the same
rate, Redis is skipped for ``RATE_LIMIT_REDIS_RETRY`` seconds, and the switch is logged and
counted (``gallery_rate_limit_fallbacks_total``). Never a 500 or a 503. Failing closed would lock
people out of sign-in because a component holding no user data is down; failing open would make
password sign-in an unlimited guessing oracle exactly during an outage. The local buckets keep a
bound of (number of workers) x the limit.

What fastapi-limiter 0.2.0 lacks, and the small wrapper here adds:
- no storage of its own (0.2 dropped ``FastAPILimiter.init(redis)``): counting is pyrate's, and
  pyrate's ``Limiter(RedisBucket)`` is ONE bucket for every client, so ``_PerKeyFactory`` makes a
  bucket per key (and loads the Lua script again after a Redis restart);
- ``RateLimiter.__call__`` walks ``request.app.routes`` reading ``route.path``, which FastAPI
  0.165's included routers (``_IncludedRouter``) do not have: AttributeError on every request.
  It also keys by ``<identifier>:<route index>:<dependency index>`` (a bucket per route), where a
  named limit counts all its routes together. ``_NamedRateLimiter.__call__`` is the three lines
  of its ``WebSocketRateLimiter.__call__``: key = identifier, acquire, else callback;
- its callback is called with ``(request, response)`` only: ``_Refusal`` reads the wait the
  refusing bucket recorded to send ``Retry-After``;
- no fallback when the bucket store fails (the exception would be a 500): ``_NamedLimit``;
- ``RateLimiter`` takes only ``(request, response)``, so it cannot depend on the signed-in user
  and is built at import, before the app's Redis client and settings exist: ``limit()``.

WebSocket messages are limited per socket in ``realtime/message_limit.py``.
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
# pyrate's script counts a window's entries up to the new item's timestamp (ZCOUNT start..now).
# Another worker's entry stamped a millisecond later (its clock read before its Redis round trip)
# would then not count, and a burst on two processes admits more than the limit: count every
# entry from the window's start on.
_PYRATE_COUNT = "redis.call('ZCOUNT', bucket, window_start, now)"
assert _PYRATE_COUNT in LuaScript.PUT_ITEM, "pyrate-limiter's Lua script changed: review _SCRIPT"
_SCRIPT = LuaScript.PUT_ITEM.replace(
    _PYRATE_COUNT, "redis.call('ZCOUNT', bucket, window_start, '+inf')"
)
_SCRIPT_SHA = hashlib.sha1(_SCRIPT.encode()).hexdigest()  # what SCRIPT LOAD returns

Per = Literal["ip", "user"]
Identifier = Callable[[Request], Awaitable[str]]
LimitDependency = Callable[..., Awaitable[None]]


# --- who is asking -------------------------------------------------------------------------


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
    return f"ip:{client_address(request.client.host if request.client else None)}"


async def _user_key(request: Request) -> str:
    user_id = getattr(request.state, "user_id", None)
    return f"user:{user_id}" if user_id is not None else await _ip_key(request)


# --- buckets -------------------------------------------------------------------------------


class _SelfCleaningRedisBucket(RedisBucket):
    """pyrate's RedisBucket with ``_SCRIPT``, loaded when Redis lacks it (fresh or restarted),
    that trims and expires its own key after each admitted put.

    The factory does not hand buckets to pyrate's Leaker: that would keep a bucket object and a
    periodic ZREMRANGEBYSCORE per client ever seen, in every process.
    """

    is_async = True
    redis: aioredis.Redis  # always the async client (pyrate's type allows a sync one too)

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


class _PerKeyFactory(BucketFactory):
    """One bucket per client key; bucket objects are cached LRU (Redis: they hold only the key
    name; memory: the counted timestamps)."""

    def __init__(self, rate: Rate) -> None:
        self.rates = [rate]
        self._buckets: OrderedDict[str, AbstractBucket] = OrderedDict()

    def wrap_item(self, name: str, weight: int = 1) -> RateItem:
        # Wall clock in ms, the clock RedisBucket.now() uses too.
        return RateItem(name, time.time_ns() // 1_000_000, weight=weight)

    def get(self, item: RateItem) -> AbstractBucket:
        return self.bucket_for(item.name)

    def bucket_for(self, key: str) -> AbstractBucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = self._new_bucket(key)
            if len(self._buckets) > MAX_CACHED_BUCKETS:
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(key)
        return bucket

    def _new_bucket(self, key: str) -> AbstractBucket:
        raise NotImplementedError


class _RedisBuckets(_PerKeyFactory):
    """Buckets in Redis under ``<prefix>:<key>``, shared by every process using that Redis."""

    def __init__(self, redis: aioredis.Redis, rate: Rate, prefix: str) -> None:
        super().__init__(rate)
        self.redis = redis
        self.prefix = prefix

    def _new_bucket(self, key: str) -> AbstractBucket:
        # The script hash is what SCRIPT LOAD returns; the bucket loads it on NoScriptError.
        return _SelfCleaningRedisBucket(self.rates, self.redis, f"{self.prefix}:{key}", _SCRIPT_SHA)


class _LocalBuckets(_PerKeyFactory):
    """In-memory buckets of this process: the fallback while Redis is failing."""

    def bucket_for(self, key: str) -> AbstractBucket:
        bucket = super().bucket_for(key)
        bucket.leak(time.time_ns() // 1_000_000)  # keeps only the window's entries; synchronous
        return bucket

    def _new_bucket(self, key: str) -> AbstractBucket:
        return InMemoryBucket(self.rates)


# --- the dependency ------------------------------------------------------------------------


class _Refusal:
    """fastapi-limiter's callback: 429 in the project's error shape with ``Retry-After``."""

    def __init__(self, name: str, buckets: _PerKeyFactory, identifier: Identifier) -> None:
        self.name = name
        self.buckets = buckets
        self.identifier = identifier

    async def __call__(self, request: Request, response: Response) -> NoReturn:
        # The refusing put recorded its wait in the bucket (pyrate >= 4.5): no extra round trip.
        key = await self.identifier(request)
        item = self.buckets.wrap_item(key)
        wait_ms = self.buckets.bucket_for(key).waiting(item)
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


class _NamedRateLimiter(RateLimiter):
    """fastapi-limiter's RateLimiter keyed by the identifier alone (see the module docstring)."""

    def __init__(self, name: str, buckets: _PerKeyFactory, identifier: Identifier) -> None:
        super().__init__(
            limiter=Limiter(buckets),
            identifier=identifier,
            callback=_Refusal(name, buckets, identifier),
        )

    async def __call__(self, request: Request, response: Response) -> None:
        key = await self.identifier(request)
        if not await self.limiter.try_acquire_async(key, blocking=self.blocking):
            await self.callback(request, response)


class _NamedLimit:
    """One named limit in one app: the shared (Redis) RateLimiter and its local fallback."""

    def __init__(self, name: str, rate: Rate, per: Per, backend: "_Backend") -> None:
        identifier = _user_key if per == "user" else _ip_key
        self.backend = backend
        prefix = f"{backend.settings.redis_key_prefix}:rl:{name}"
        shared = _RedisBuckets(backend.redis, rate, prefix)
        self.shared = _NamedRateLimiter(name, shared, identifier)
        self.local = _NamedRateLimiter(name, _LocalBuckets(rate), identifier)

    async def __call__(self, request: Request, response: Response) -> None:
        if self.backend.usable():
            try:
                async with asyncio.timeout(REDIS_DEADLINE):
                    await self.shared(request, response)
                return
            except (RedisError, OSError, TimeoutError) as exc:
                self.backend.failed(exc)
        await self.local(request, response)


class _Backend:
    """Per app and process: the Redis client, its limits, and when to try Redis again."""

    def __init__(self, redis: aioredis.Redis, settings: Settings) -> None:
        self.redis = redis
        self.settings = settings
        self.limits: dict[str, _NamedLimit] = {}
        self.retry_at = 0.0

    def usable(self) -> bool:
        return time.monotonic() >= self.retry_at

    def failed(self, exc: BaseException) -> None:
        metrics.RATE_LIMIT_FALLBACKS.inc()
        if self.usable():
            log.warning(
                "rate limits: Redis failed (%s: %s); process-local limits for %.0f s",
                type(exc).__name__,
                exc,
                self.settings.rate_limit_redis_retry,
            )
        self.retry_at = time.monotonic() + self.settings.rate_limit_redis_retry

    def limit(self, name: str, per: Per, setting: str) -> _NamedLimit:
        found = self.limits.get(name)
        if found is None:
            rate = parse_rate(getattr(self.settings, setting))
            found = self.limits[name] = _NamedLimit(name, rate, per, self)
        return found


def _backend(request: Request) -> _Backend | None:
    redis = getattr(request.app.state, "redis", None)
    if redis is None:
        return None
    backend: _Backend | None = getattr(request.app.state, "rate_limits", None)
    if backend is None or backend.redis is not redis:
        backend = request.app.state.rate_limits = _Backend(redis, request.app.state.settings)
    return backend


def limit(name: str, per: Per, setting: str | None = None) -> LimitDependency:
    """A route dependency (``Depends(limit("upload", per="user"))``) enforcing the setting
    ``rate_limit_<name>`` (or ``setting``: another limit's rate, in a bucket of its own); routes
    passing the same name share its bucket.

    No-op while ``app.state.redis`` is None (REDIS_URL unset).
    """
    setting = setting or f"rate_limit_{name}"
    if setting not in RATE_SETTINGS:  # a typo fails at import, not in a request
        raise ValueError(f"limit {name!r} needs a rate setting {setting} in core/config.py")

    async def enforce(request: Request, response: Response) -> None:
        backend = _backend(request)
        if backend is not None:
            await backend.limit(name, per, setting)(request, response)

    if per == "user":

        async def per_user(request: Request, response: Response, _: OptionalUserId) -> None:
            await enforce(request, response)

        return per_user
    return enforce

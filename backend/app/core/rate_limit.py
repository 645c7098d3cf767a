"""Rate limits (SPEC §5): fastapi-limiter dependencies over pyrate-limiter buckets in Redis.

How a limit works
- ``limit(name, rate_setting, per)`` gives a route dependency. Each named limit is a
  fastapi-limiter ``RateLimiter`` around a pyrate-limiter ``Limiter`` whose ``BucketFactory``
  makes one ``RedisBucket`` per key: a sorted set ``gallery:rl:<name>:<key>`` that one Lua script
  checks and fills atomically (sliding-window log), so every worker process shares the count.
  Admitted requests also trim entries older than the window and set a TTL, so idle keys vanish.
- The key is the limit's *name* plus the client, never the concrete path: ``/auth/login`` and
  ``/auth/register`` share one bucket, and ``/x/{id}`` does not make a bucket per id.
  ``per="ip"``: the client address — ``X-Forwarded-For`` is believed only when the socket peer is
  in ``TRUSTED_PROXIES`` (walking it right to left past trusted hops); IPv6 clients are grouped by
  /64. ``per="user"``: ``request.state.user_id`` (set by ``optional_user_id``, which the
  dependency depends on so it has run), else the address.
- Refusal: 429 ``{"detail": ...}`` with ``Retry-After`` = whole seconds until the oldest counted
  request leaves the window (at least 1); counted in ``gallery_rate_limited_total{limit}``.
- Clock: entries carry the worker's wall clock in ms (pyrate's ``RedisBucket`` design), so
  workers on several hosts need NTP-synchronised clocks.

Configuration: the ``RATE_LIMIT_*`` settings (``"<count>/<period>"``), validated at start by
``check_rates``. With ``REDIS_URL`` unset every HTTP limit is a no-op: one development process
(and the tests' in-process app) runs without Redis.

Redis failing at request time (down, timeout, restarted without our script): **fail soft, on
every limited route** — the request is checked against a process-local in-memory bucket with the
same rate instead, Redis is skipped for ``RATE_LIMIT_REDIS_RETRY`` seconds, and the switch is
logged and counted (``gallery_rate_limit_fallbacks_total``). Never a 500 or a 503.
Why: failing *closed* (503) would lock people out of sign-in, uploads and trades because a
component holding no user data is down; failing *open* would make password sign-in an unlimited
guessing oracle exactly during an outage. The local bucket keeps a bound — at most (number of
workers) x the limit — with no user-visible change. Sign-in is the route this matters for; the
others get the same treatment because it costs nothing and keeps one rule.

WebSocket messages use ``SocketMessageLimiter`` (in memory, per socket; see its docstring).
"""

import asyncio
import hashlib
import ipaddress
import logging
import math
import re
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from functools import lru_cache
from inspect import isawaitable
from typing import Any, Literal

import redis.asyncio as aioredis
from fastapi import Depends, HTTPException, Request, Response
from fastapi_limiter.depends import RateLimiter
from pyrate_limiter import AbstractBucket, BucketFactory, InMemoryBucket, Limiter, Rate, RateItem
from pyrate_limiter.buckets.redis_bucket import LuaScript, RedisBucket
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import NoScriptError, RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

from app.api.deps import OptionalUserId
from app.core import metrics
from app.core.config import Settings

log = logging.getLogger(__name__)

KEY_PREFIX = "gallery:rl"
REDIS_SOCKET_TIMEOUT = 0.5  # seconds; Redis answers a local network in well under a millisecond
REDIS_DEADLINE = 1.0  # seconds for one limit check, queueing behind the limiter's lock included
MAX_CACHED_BUCKETS = 4096  # bucket objects kept per limit and process (they hold no data)

RATE_SETTINGS = (
    "rate_limit_password_signin",
    "rate_limit_messenger_signin",
    "rate_limit_qr_login",
    "rate_limit_password_change",
    "rate_limit_upload",
    "rate_limit_trade_create",
    "rate_limit_transfer_create",
    "rate_limit_claim",
    "rate_limit_user_search",
    "rate_limit_ws_messages",
)
_RATE = re.compile(r"^(\d+)/(\d*)(s|sec|second|m|min|minute|h|hour|d|day)s?$")
_UNIT_MS = {"s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000}
_SCRIPT_SHA = hashlib.sha1(LuaScript.PUT_ITEM.encode()).hexdigest()  # what SCRIPT LOAD returns


# --- configuration -------------------------------------------------------------------------


def parse_rate(text: str) -> Rate:
    """``"10/minute"``, ``"30/hour"``, ``"20/10s"`` → a pyrate-limiter ``Rate``."""
    match = _RATE.match(text.replace(" ", "").lower())
    count = int(match[1]) if match else 0
    periods = int(match[2] or 1) if match else 0
    if not match or count < 1 or periods < 1:
        raise ValueError(
            f"bad rate {text!r}: expected '<count>/<period>', e.g. '10/minute' or '20/10s'"
        )
    return Rate(count, periods * _UNIT_MS[match[3][0]])


def check_rates(settings: Settings) -> None:
    """Refuse to start with a malformed RATE_LIMIT_* setting (rather than 500 on first use)."""
    problems = []
    for name in RATE_SETTINGS:
        try:
            parse_rate(getattr(settings, name))
        except ValueError as exc:
            problems.append(f"{name.upper()}: {exc}")
    if problems:
        raise RuntimeError("bad rate limit settings: " + "; ".join(problems))


async def create_redis(url: str | None) -> aioredis.Redis | None:
    """The shared async client (``app.state.redis``), or None when REDIS_URL is unset.

    Never fails the start: an unreachable Redis is logged, and limits run process-local until it
    answers. Short socket timeouts and a single fast retry keep a dead Redis from stalling
    requests. Close it with ``await redis.aclose()`` at shutdown.
    """
    if not url:
        return None
    client = aioredis.Redis.from_url(
        url,
        socket_connect_timeout=REDIS_SOCKET_TIMEOUT,
        socket_timeout=REDIS_SOCKET_TIMEOUT,
        retry=Retry(ExponentialBackoff(cap=0.05, base=0.01), 1),
        health_check_interval=30,
    )
    try:
        async with asyncio.timeout(2 * REDIS_DEADLINE):
            await client.ping()
    except (RedisError, OSError, TimeoutError) as exc:
        log.warning("Redis at REDIS_URL is not answering (%s); rate limits run per process", exc)
    return client


# --- who is asking -------------------------------------------------------------------------

_Address = ipaddress.IPv4Address | ipaddress.IPv6Address
_Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=16)
def _networks(trusted: tuple[str, ...]) -> tuple[_Network, ...]:
    networks = []
    for entry in trusted:
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            log.warning("TRUSTED_PROXIES entry %r is not an address or network; ignored", entry)
    return tuple(networks)


def _address(text: str) -> _Address | None:
    try:
        address = ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _bucket_name(address: _Address) -> str:
    if isinstance(address, ipaddress.IPv6Address):
        # One IPv6 subscriber gets a whole /64; per-address keys would be free to rotate.
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def resolve_client_ip(
    peer: str | None, forwarded_for: Sequence[str], trusted_proxies: Sequence[str]
) -> str:
    """The address to rate-limit: the socket peer, or — when the peer is a trusted proxy — the
    rightmost ``X-Forwarded-For`` hop that is not itself a trusted proxy. Hops left of that one
    were written by the client and are ignored (they are free to spoof)."""
    networks = _networks(tuple(trusted_proxies))

    def trusted(address: _Address) -> bool:
        return any(address in network for network in networks)

    current = _address(peer or "")
    if current is None:
        return peer or "unknown"
    hops = [hop for header in forwarded_for for hop in header.split(",") if hop.strip()]
    while trusted(current) and hops:
        previous = _address(hops.pop())
        if previous is None:  # garbage from a proxy we trust: stop at the last sound address
            break
        current = previous
    return _bucket_name(current)


def client_ip(request: Request) -> str:
    settings: Settings = request.app.state.settings
    peer = request.client.host if request.client else None
    return resolve_client_ip(
        peer, request.headers.getlist("x-forwarded-for"), settings.trusted_proxies
    )


async def _ip_key(request: Request) -> str:
    return f"ip:{client_ip(request)}"


async def _user_key(request: Request) -> str:
    user_id = getattr(request.state, "user_id", None)
    return f"user:{user_id}" if user_id is not None else await _ip_key(request)


# --- buckets -------------------------------------------------------------------------------


class _SelfCleaningRedisBucket(RedisBucket):
    """pyrate's RedisBucket that trims and expires its own key after each admitted put.

    The factory does not hand buckets to pyrate's Leaker: that would keep a bucket object and a
    periodic ZREMRANGEBYSCORE per client ever seen, in every process.
    """

    is_async = True

    async def put(self, item: RateItem) -> bool:  # type: ignore[override]
        try:
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
        return admitted


class _PerKeyFactory(BucketFactory):
    """One bucket per key (the item's name); bucket objects are cached LRU, state lives in them
    (Redis: only the key name; memory: the counted timestamps)."""

    def __init__(self, rate: Rate) -> None:
        self.rates = [rate]
        self._buckets: OrderedDict[str, AbstractBucket] = OrderedDict()

    def wrap_item(self, name: str, weight: int = 1) -> RateItem:
        # Wall clock in ms, the clock RedisBucket.now() uses too.
        return RateItem(name, time.time_ns() // 1_000_000, weight=weight)

    def get(self, item: RateItem) -> AbstractBucket:
        bucket = self._buckets.get(item.name)
        if bucket is None:
            bucket = self._buckets[item.name] = self._new_bucket(item.name)
            if len(self._buckets) > MAX_CACHED_BUCKETS:
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(item.name)
        return bucket

    def _new_bucket(self, key: str) -> AbstractBucket:
        raise NotImplementedError


class RedisBucketFactory(_PerKeyFactory):
    """Buckets in Redis under ``<prefix>:<key>``, shared by every process using that Redis."""

    def __init__(self, redis: aioredis.Redis, rate: Rate, prefix: str) -> None:
        super().__init__(rate)
        self.redis = redis
        self.prefix = prefix

    def _new_bucket(self, key: str) -> AbstractBucket:
        # The script is loaded lazily: EVALSHA's NoScriptError (fresh or restarted Redis) makes
        # the caller SCRIPT LOAD it and retry, so no await is needed here.
        return _SelfCleaningRedisBucket(self.rates, self.redis, f"{self.prefix}:{key}", _SCRIPT_SHA)


class LocalBucketFactory(_PerKeyFactory):
    """In-memory buckets of this process: the fallback while Redis is failing."""

    def get(self, item: RateItem) -> AbstractBucket:
        bucket = super().get(item)
        bucket.leak(item.timestamp)  # keeps only the window's entries; synchronous
        return bucket

    def _new_bucket(self, key: str) -> AbstractBucket:
        return InMemoryBucket(self.rates)


# --- the dependency ------------------------------------------------------------------------


class NamedRateLimiter(RateLimiter):
    """fastapi-limiter's RateLimiter, keyed by (limit name, client) and answering with
    Retry-After.

    The stock ``__call__`` keys by the concrete path plus the route's index (a bucket per path
    parameter, none shared between routes) and refuses without Retry-After.
    """

    def __init__(
        self, name: str, limiter: Limiter, identifier: Callable[[Request], Awaitable[str]]
    ) -> None:
        super().__init__(limiter=limiter, identifier=identifier, callback=self.refuse)
        self.name = name

    async def __call__(self, request: Request, response: Response) -> None:
        key = await self.identifier(request)
        if await self.limiter.try_acquire_async(key, blocking=False):
            return
        # Nothing awaited since the refusing put, and the limiter's lock serialises puts in this
        # process, so the bucket still holds this refusal's wait.
        factory = self.limiter.bucket_factory
        item = factory.wrap_item(key)
        assert isinstance(item, RateItem)
        bucket = factory.get(item)
        assert isinstance(bucket, AbstractBucket)
        wait_ms: Any = bucket.waiting(item)
        if isawaitable(wait_ms):
            wait_ms = await wait_ms
        await self.callback(request, response, max(1, math.ceil(int(wait_ms) / 1000)))

    async def refuse(self, request: Request, response: Response, retry_after: int) -> None:
        metrics.RATE_LIMITED.labels(limit=self.name).inc()
        raise HTTPException(
            status_code=429,
            detail=f"too many requests ({self.name}), retry in {retry_after} s",
            headers={"Retry-After": str(retry_after)},
        )


class _Limit:
    """One named limit in one app: the shared (Redis) limiter and its local fallback."""

    def __init__(self, name: str, rate: Rate, per: str, backend: "_Backend") -> None:
        identifier = _user_key if per == "user" else _ip_key
        self.backend = backend
        shared = RedisBucketFactory(backend.redis, rate, f"{KEY_PREFIX}:{name}")
        self.shared = NamedRateLimiter(name, Limiter(shared), identifier)
        self.local = NamedRateLimiter(name, Limiter(LocalBucketFactory(rate)), identifier)

    async def __call__(self, request: Request, response: Response) -> None:
        if self.backend.usable():
            try:
                async with asyncio.timeout(REDIS_DEADLINE):
                    await self._shared(request, response)
                return
            except (RedisError, OSError, TimeoutError) as exc:
                self.backend.failed(exc)
        await self.local(request, response)

    async def _shared(self, request: Request, response: Response) -> None:
        try:
            await self.shared(request, response)
        except NoScriptError:
            await self.backend.redis.script_load(LuaScript.PUT_ITEM)
            await self.shared(request, response)


class _Backend:
    """Per app and process: the Redis client, its limits, and when to try Redis again."""

    def __init__(self, redis: aioredis.Redis, settings: Settings) -> None:
        self.redis = redis
        self.settings = settings
        self.limits: dict[str, _Limit] = {}
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

    def limit(self, name: str, rate_setting: str, per: str) -> _Limit:
        found = self.limits.get(name)
        if found is None:
            rate = parse_rate(getattr(self.settings, rate_setting))
            found = self.limits[name] = _Limit(name, rate, per, self)
        return found


def _backend(request: Request) -> _Backend | None:
    redis = getattr(request.app.state, "redis", None)
    if redis is None:
        return None
    backend: _Backend | None = getattr(request.app.state, "rate_limits", None)
    if backend is None or backend.redis is not redis:
        backend = request.app.state.rate_limits = _Backend(redis, request.app.state.settings)
    return backend


def limit(name: str, rate_setting: str, per: Literal["ip", "user"]) -> Any:
    """A route dependency (``dependencies=[limit(...)]``) enforcing ``settings.<rate_setting>``.

    ``name`` names the bucket: routes passing the same name share it. ``per="user"`` depends on
    ``optional_user_id`` (cached per request), so the user is known before the limit is checked.
    No-op while ``app.state.redis`` is None (REDIS_URL unset).
    """
    if rate_setting not in Settings.model_fields:  # a typo fails at import, not in a request
        raise ValueError(f"unknown rate setting {rate_setting!r}")

    async def enforce(request: Request, response: Response) -> None:
        backend = _backend(request)
        if backend is not None:
            await backend.limit(name, rate_setting, per)(request, response)

    if per == "user":

        async def per_user(request: Request, response: Response, _: OptionalUserId) -> None:
            await enforce(request, response)

        return Depends(per_user)

    async def per_ip(request: Request, response: Response) -> None:
        await enforce(request, response)

    return Depends(per_ip)


# --- WebSocket -----------------------------------------------------------------------------


class SocketMessageLimiter:
    """Token bucket for the messages one WebSocket sends us (default 20 per 10 s, bursts of 20).

    In memory on purpose: a socket lives in exactly one process for its whole life, so nothing
    needs sharing — and a Redis round trip per message would cost more than most messages do.
    The bucket dies with the socket. Use one per connection::

        limiter = SocketMessageLimiter.from_rate(settings.rate_limit_ws_messages)
        if not limiter.allow(): ...  # answer an error frame, or close with 1008 if it persists
    """

    def __init__(
        self,
        limit: int = 20,
        per_seconds: float = 10.0,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if limit < 1 or per_seconds <= 0:
            raise ValueError("limit must be >= 1 and per_seconds > 0")
        self.capacity = float(limit)
        self.refill_per_second = limit / per_seconds
        self.tokens = self.capacity
        self._clock = clock
        self._updated = clock()

    @classmethod
    def from_rate(cls, text: str) -> "SocketMessageLimiter":
        rate = parse_rate(text)
        return cls(rate.limit, rate.interval / 1000)

    def _refill(self) -> None:
        now = self._clock()
        elapsed = max(0.0, now - self._updated)
        self._updated = now
        self.tokens = min(self.capacity, self.tokens + elapsed * self.refill_per_second)

    def allow(self) -> bool:
        """Spend one token for a message; False (and counted) when the socket is over its rate."""
        self._refill()
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        metrics.RATE_LIMITED.labels(limit="ws_messages").inc()
        return False

    def retry_after(self) -> float:
        """Seconds until the next message would be allowed (0 when it would be now)."""
        self._refill()
        return max(0.0, (1.0 - self.tokens) / self.refill_per_second)

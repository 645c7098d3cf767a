"""The app's one Redis client (``app.state.redis``): created at start from ``REDIS_URL``.

Only rate limits use it (``api/rate_limits.py``); ``/health`` pings it. Short socket timeouts and a
single fast retry keep a dead Redis from stalling requests: callers fall back rather than wait.
"""

import asyncio
import logging

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

SOCKET_TIMEOUT = 0.5  # seconds; Redis answers a local network in well under a millisecond
START_PING_TIMEOUT = 2.0  # seconds the start waits for a first PING before going on without


async def create_redis(url: str | None) -> aioredis.Redis | None:
    """The shared async client, or None when REDIS_URL is unset.

    Never fails the start: an unreachable Redis is logged, and rate limits run per process until
    it answers. Close it with ``await redis.aclose()`` at shutdown.
    """
    if not url:
        return None
    client = aioredis.Redis.from_url(
        url,
        socket_connect_timeout=SOCKET_TIMEOUT,
        socket_timeout=SOCKET_TIMEOUT,
        retry=Retry(ExponentialBackoff(cap=0.05, base=0.01), 1),
        health_check_interval=30,
    )
    try:
        async with asyncio.timeout(START_PING_TIMEOUT):
            await client.ping()
    except (RedisError, OSError, TimeoutError) as exc:
        log.warning("Redis at REDIS_URL is not answering (%s); rate limits run per process", exc)
    return client

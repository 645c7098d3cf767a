"""Per-username sign-in throttle with exponential back-off, on top of the per-IP limit (which a
botnet spreads over many addresses). The rules and their price: README, "Rate limits and
metrics"; how it counts: docs/internals.md, "Sign-in back-off".
"""

import asyncio
import hashlib
import logging
import math
import time
from collections import OrderedDict

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from app.core.config import Settings
from app.core.errors import AppError, ErrorCode

log = logging.getLogger(__name__)
REDIS_DEADLINE = 1.0
MAX_LOCAL_NAMES = 10_000

# KEYS: lock, fails. ARGV: free attempts, base ms, max ms, window ms.
# Returns -wait_ms when locked (refuse), else the attempt's number.
_ATTEMPT = """
local wait = redis.call('PTTL', KEYS[1])
if wait > 0 then return -wait end
local n = redis.call('INCR', KEYS[2])
local free, base = tonumber(ARGV[1]), tonumber(ARGV[2])
local cap, window = tonumber(ARGV[3]), tonumber(ARGV[4])
local keep = window
if n > free then
  local delay = math.floor(math.min(base * 2 ^ (n - free - 1), cap))
  redis.call('SET', KEYS[1], '1', 'PX', delay)
  keep = window + delay
end
redis.call('PEXPIRE', KEYS[2], keep)
return n
"""


def backoff_ms(settings: Settings, attempt: int) -> int:
    """The lock an attempt sets: none within the free ones, then base x 2^k, capped."""
    over = attempt - settings.login_free_failures
    if over <= 0:
        return 0
    base, cap = settings.login_backoff_base * 1000, settings.login_backoff_max * 1000
    return int(min(base * 2 ** min(over - 1, 60), cap))


class _LocalCounts:
    """The same rule in this process's memory: the fallback while Redis fails."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.names: OrderedDict[str, tuple[int, float, float]] = OrderedDict()

    def attempt(self, key: str) -> int:
        now = time.monotonic()
        fails, forget_at, locked_until = self.names.pop(key, (0, 0.0, 0.0))
        if locked_until > now:
            self.names[key] = (fails, forget_at, locked_until)
            return -math.ceil((locked_until - now) * 1000)
        fails = fails + 1 if forget_at > now else 1
        delay = backoff_ms(self.settings, fails) / 1000
        forget_at = now + self.settings.login_failure_window + delay
        self.names[key] = (fails, forget_at, now + delay)
        while len(self.names) > MAX_LOCAL_NAMES:
            self.names.popitem(last=False)
        return fails

    def forget(self, key: str) -> None:
        self.names.pop(key, None)


class LoginGuard:
    def __init__(self, redis: aioredis.Redis | None, settings: Settings) -> None:
        self.redis = redis
        self.settings = settings
        self.local = _LocalCounts(settings)
        self.script = redis.register_script(_ATTEMPT) if redis is not None else None

    def keys(self, username: str) -> tuple[str, str]:
        name = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]
        base = f"{self.settings.redis_key_prefix}:login:{name}"
        return f"{base}:lock", f"{base}:fails"

    async def attempt(self, username: str) -> None:
        """Count a sign-in attempt for the name; 429 while the name is locked."""
        if self.redis is None or self.script is None:
            return
        lock, fails = self.keys(username)
        s = self.settings
        try:
            async with asyncio.timeout(REDIS_DEADLINE):
                result = int(
                    await self.script(
                        keys=[lock, fails],
                        args=[
                            s.login_free_failures,
                            int(s.login_backoff_base * 1000),
                            int(s.login_backoff_max * 1000),
                            int(s.login_failure_window * 1000),
                        ],
                    )
                )
        except (RedisError, OSError, TimeoutError) as exc:
            log.warning("login throttle: Redis failed (%s); counting in this process", exc)
            result = self.local.attempt(lock)
        if result < 0:
            retry_after = max(1, math.ceil(-result / 1000))
            raise AppError(
                ErrorCode.login_throttled,
                retry_after=retry_after,
                headers={"Retry-After": str(retry_after)},
            )

    async def succeeded(self, username: str) -> None:
        """A correct password: the name starts afresh."""
        if self.redis is None:
            return
        lock, fails = self.keys(username)
        self.local.forget(lock)
        try:
            async with asyncio.timeout(REDIS_DEADLINE):
                await self.redis.delete(lock, fails)
        except (RedisError, OSError, TimeoutError) as exc:
            # Not covered: Redis failing between a name's check and its success (local count
            # forgotten first).
            log.warning("login throttle: Redis failed (%s) clearing", exc)  # pragma: no cover

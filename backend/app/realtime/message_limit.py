"""Per-socket limit on the messages a WebSocket client sends us (``RATE_LIMIT_WS_MESSAGES``).

In memory on purpose: a socket lives in exactly one process for its whole life, so nothing needs
sharing, and a Redis round trip per message would cost more than most messages do.
"""

import time
from collections.abc import Callable

from app.core.rates import parse_rate


class SocketMessageLimiter:
    """Token bucket for one socket (default 20 per 10 s, bursts of 20); dies with the socket.

    The caller acts on a refusal (and counts it in ``gallery_rate_limited_total``)::

        limiter = SocketMessageLimiter.from_rate(settings.rate_limit_ws_messages)
        if not limiter.allow(): ...  # close with 1008
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
        """Spend one token for a message; False when the socket is over its rate."""
        self._refill()
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False

    def retry_after(self) -> float:
        """Seconds until the next message would be allowed (0 when it would be now)."""
        self._refill()
        return max(0.0, (1.0 - self.tokens) / self.refill_per_second)

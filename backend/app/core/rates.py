"""Rate settings: ``RATE_LIMIT_<NAME>="<count>/<period>"`` parsed into pyrate-limiter rates.

Every ``rate_limit_*`` text setting in ``core/config.py`` is a rate and is checked at start, so a
malformed value stops the start instead of failing the first request that uses it.
"""

import re

from pyrate_limiter import Rate

from app.core.config import Settings

_RATE = re.compile(r"^(\d+)/(\d*)(s|sec|second|m|min|minute|h|hour|d|day)s?$")
_UNIT_MS = {"s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000}

RATE_SETTINGS = tuple(
    name
    for name, field in Settings.model_fields.items()
    if name.startswith("rate_limit_") and field.annotation is str
)


def parse_rate(text: str) -> Rate:
    """``"10/minute"``, ``"30/hour"``, ``"20/10s"`` → a pyrate-limiter ``Rate`` (interval in ms)."""
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

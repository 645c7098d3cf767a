"""Logs as one JSON object per line, with secrets redacted from every line.

`backend/logging.json` installs `JsonFormatter` on the root and uvicorn loggers and switches
uvicorn's own access log off: `server/request_log.py` writes the one line per request instead.
Every field a record carries in `extra=` becomes a key of its line. `python -m app serve` passes
it to uvicorn; a server started some other way (plain `uvicorn app.main:app`, which installs
uvicorn's plain-text defaults) gets it from `configure_if_uvicorn_defaults()` when the app loads,
so no launcher can bring back plain text or an access log with query strings in it.
"""

import json
import logging
import logging.config
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

LOG_CONFIG_FILE = Path(__file__).resolve().parents[2] / "logging.json"

# Attributes every LogRecord has; anything else on a record came from `extra=`.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}

# A token may reach a message through a URL (an old client's `/api/ws?token=…`) or an exception
# text; whatever the source, its value never reaches the log.
_SECRETS = re.compile(
    r"(?i)(?P<key>\b(?:access_token|refresh_token|token|secret|code|init_data|initdata|password"
    r"|authorization)\b[\"']?\s*[=:]\s*[\"']?(?:bearer\s+)?)(?P<value>[^\s&\"',;}]+)"
)
_BEARER = re.compile(r"(?i)\bbearer\s+[A-Za-z0-9._~+/=-]+")
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*")


def redact(text: str) -> str:
    text = _SECRETS.sub(lambda m: m.group("key") + "[redacted]", text)
    text = _BEARER.sub("Bearer [redacted]", text)
    return _JWT.sub("[redacted-jwt]", text)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "pid": record.process,  # which worker
            "message": redact(record.getMessage()),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_") and key != "color_message":
                line[key] = redact(value) if isinstance(value, str) else value
        if record.exc_info:
            line["exc"] = redact(self.formatException(record.exc_info))
        return json.dumps(line, ensure_ascii=False, default=str)


def log_config() -> dict[str, Any]:
    """backend/logging.json as a `logging.config.dictConfig` dictionary."""
    config: dict[str, Any] = json.loads(LOG_CONFIG_FILE.read_text())
    return config


def configure_if_uvicorn_defaults() -> bool:
    """Install logging.json when uvicorn's own default configuration is in place (plain text,
    access log on) and nobody configured the root logger; True when it did. A `--log-config`,
    `python -m app serve`, or a test runner's handlers are left alone."""
    if logging.getLogger().handlers:
        return False
    uvicorn_handlers = (
        logging.getLogger("uvicorn").handlers + logging.getLogger("uvicorn.access").handlers
    )
    if not any(_is_uvicorn_default(handler) for handler in uvicorn_handlers):
        return False
    logging.config.dictConfig(log_config())
    return True


def _is_uvicorn_default(handler: logging.Handler) -> bool:
    formatter = handler.formatter
    return formatter is not None and type(formatter).__module__ == "uvicorn.logging"

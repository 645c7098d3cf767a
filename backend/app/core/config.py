"""Settings: environment variables only (SPEC §6), with development defaults."""

import contextlib
import json
import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# The public value older versions fell back to; refused everywhere now (never a default key).
DEFAULT_JWT_SECRET = "dev-insecure-jwt-secret-change-me"
REPO_ROOT = Path(__file__).resolve().parents[3]
JWT_SECRET_FILE = "jwt_secret"


def local_jwt_secret(data_dir: Path) -> str:
    """The development key of this data directory: made once (random, file mode 600), then
    reused so sign-ins survive restarts. Several workers starting at once agree on one key:
    each writes a private temp file and hard-links it into place; link() fails if it exists."""
    path = data_dir / JWT_SECRET_FILE
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        temp = data_dir / f".{JWT_SECRET_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_urlsafe(48))
                out.flush()
                os.fsync(out.fileno())
            with contextlib.suppress(FileExistsError):  # another process won: use its key
                os.link(temp, path)
        finally:
            temp.unlink(missing_ok=True)
    secret = path.read_text().strip()
    if len(secret) < 32:
        raise RuntimeError(f"{path} holds no usable key (32+ characters); delete it to regenerate")
    return secret


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=None, extra="ignore", case_sensitive=False)

    app_env: Literal["development", "production", "test"] = "development"
    database_url: str | None = None
    db_pool_min: int = 1
    db_pool_max: int = 10
    redis_url: str | None = None

    # Unset: production refuses to start; anything else uses DATA_DIR/jwt_secret (see below).
    jwt_secret: str = ""
    # Local state: run.sh's embedded PostgreSQL (VAR_DIR/pgdata), and unless set on their own,
    # DATA_DIR (= VAR_DIR) and UPLOAD_DIR (= VAR_DIR/uploads). The server, the admin CLI, the
    # importer and scripts/*.sh all read the same variable, so they agree on every path.
    var_dir: Path = REPO_ROOT / "var"
    data_dir: Path = REPO_ROOT / "var"
    access_token_ttl: int = 15 * 60
    refresh_token_ttl: int = 30 * 24 * 3600
    bcrypt_rounds: int = Field(default=12, ge=4, le=16)
    # A rotated refresh token returns the same successor for this long (parallel retries).
    refresh_grace_seconds: float = Field(default=10.0, ge=0, le=60)
    # Setting a first password needs a messenger sign-in at most this old (seconds).
    reauth_max_age: int = 5 * 60
    # Per-username sign-in throttle (services/login_guard.py): free attempts in a row, then a
    # lock of base x 2^k seconds per further attempt (at most max); the count is forgotten
    # after window.
    login_free_failures: int = Field(default=5, ge=1)
    login_backoff_base: float = Field(default=1.0, gt=0)
    login_backoff_max: float = Field(default=15 * 60, gt=0)
    login_failure_window: int = Field(default=15 * 60, ge=1)
    # A target hears of one person's profile request at most once per this many seconds.
    profile_request_cooldown: int = Field(default=24 * 3600, ge=0)
    # A direct gift's recipient may send it back for this many seconds (0 = never).
    gift_return_window: int = Field(default=7 * 24 * 3600, ge=0)

    max_bot_token: str = ""
    telegram_bot_token: str = ""
    init_data_max_age: int = 24 * 3600
    # Deep-link bases (services/deep_links.py). Empty by default, so a local setup never points
    # at a real bot: links then use PUBLIC_URL, the web app's own origin. MINIAPP_LINK is the
    # older name of MAX_MINIAPP_LINK and still read.
    max_miniapp_link: str = Field(
        default="", validation_alias=AliasChoices("max_miniapp_link", "miniapp_link")
    )
    telegram_miniapp_link: str = ""  # https://t.me/<bot>/<app>
    public_url: str = "http://localhost:8000"
    # The bot (README "The bot and notifications"). Base URLs are settings so tests and a
    # self-hosted Telegram Bot API server can point elsewhere; the webhook secrets are checked
    # on every update (empty = that webhook refuses everything).
    telegram_bot_api_url: str = "https://api.telegram.org"
    max_bot_api_url: str = "https://platform-api.max.ru"
    # PEM bundle with the Russian Trusted Root CA the MAX platform's certificate chains to.
    max_bot_api_ca_file: str = ""
    telegram_webhook_secret: str = ""
    max_webhook_secret: str = ""
    # The notifier runs in every backend process (one is active per database, the others stand
    # by); NOTIFIER=off for processes when a separate service runs it (docker-compose).
    notifier: bool = True
    # Platform limits the notifier keeps: messages per second per bot, seconds between two
    # messages to one chat.
    telegram_rate: float = 30.0
    telegram_chat_interval: float = 1.0
    max_rate: float = 30.0
    max_chat_interval: float = 0.5
    # Standby notifiers wait for the active one's lock inside PostgreSQL (taken over the moment
    # its connection dies); this is only the pause before reconnecting after a lost connection.
    notifier_standby_poll: float = 2.0
    # Retries after a 5xx or a network error: base * 2^(attempt-1) seconds, at most max.
    notifier_backoff_base: float = 1.0
    notifier_backoff_max: float = 60.0

    upload_dir: Path = REPO_ROOT / "var" / "uploads"
    # Where image files live: "local" = UPLOAD_DIR; "s3" = one bucket of an S3-compatible
    # service (media/storage.py). S3_ENDPOINT empty = AWS's own; http:// endpoints are allowed.
    storage: Literal["local", "s3"] = "local"
    s3_endpoint: str = ""
    s3_bucket: str = "gallery-media"
    s3_region: str = "us-east-1"
    s3_access_key_id: str = ""
    s3_secret_access_key: str = ""
    max_upload_bytes: int = 10 * 1024 * 1024
    max_image_pixels: int = 40_000_000
    # Decoded bytes the image work of one worker may hold at once (media/imaging.DecodeBudget):
    # concurrent decodes wait for room; an image that alone needs more is refused (422
    # image_too_large). 384 MiB admits any 40 MP JPEG (draft decode), 23 MP of PNG/GIF and
    # 16 MP of WebP (media/imaging.DECODE_BYTES_PER_PIXEL).
    max_decode_bytes: int = Field(default=384 * 1024 * 1024, ge=32 * 1024 * 1024)
    webapp_dist: Path = REPO_ROOT / "webapp" / "dist"

    # Slow clients (server/http_server.py, server/body_limit.py): a request head must be complete
    # this many seconds after the connection opened or the head began; a body may pause at most
    # this long between two reads (nginx's client_header_timeout / client_body_timeout).
    http_header_timeout: float = 10.0
    http_body_timeout: float = 30.0

    qr_login_ttl: int = 5 * 60
    claim_ttl: int = 15 * 60
    trade_ttl: int = 7 * 24 * 3600
    event_retention: int = 24 * 3600
    # WebSocket: app-level ping every interval; silent longer than interval + timeout = dropped.
    ws_ping_interval: float = 20.0
    ws_ping_timeout: float = 20.0
    ws_queue_size: int = 1000  # frames are shared strings: a deep queue costs pointers only
    # ...but a replay's frames are this socket's own: past this many bytes waiting (queued,
    # or held during a resume) the socket is too slow and closed with 4008 (issue 19, N2).
    ws_queue_bytes: int = Field(default=1024 * 1024, ge=64 * 1024)
    # A resume's replay must be written within this many seconds, or the socket is closed 4008.
    ws_replay_deadline: float = Field(default=30.0, gt=0)
    # Sockets one client address may hold open in one worker (nginx caps the whole host:
    # limit_conn in nginx.conf); past it a new socket is closed at once with 1013.
    ws_max_per_address: int = Field(default=32, ge=1)
    # A new socket's live events wait this long for a `resume` (about one mobile round trip),
    # so the replay is never overtaken; a `resume` ends the wait at once.
    ws_resume_grace: float = Field(default=1.0, ge=0, le=10)
    sweep_interval: float = 30.0
    # The event listener reads the log at least this often, whatever wake-ups it got: the bound
    # on how late an event whose wake-up was lost arrives (core/wakeup.py).
    event_poll_seconds: float = Field(default=1.0, gt=0, le=60)
    # /api/docs and /api/openapi.json: unset = on, except in production (API_DOCS=true there).
    api_docs: bool | None = None

    # NoDecode: read "a,b" as CSV (split by the validator below), not as JSON.
    cors_origins: Annotated[list[str], NoDecode] = []
    # Redis keys of this app start with this (several apps or test runs may share a Redis).
    redis_key_prefix: str = "gallery"

    # Rate limits (SPEC §5, app/api/rate_limits.py): "<count>/<period>", period = [n]second|
    # minute|hour|day, e.g. "10/minute", "20/10s". Counted in Redis (REDIS_URL), shared by all
    # workers; REDIS_URL unset = HTTP limits off. Every rate_limit_* text setting is a rate,
    # checked at start (core/rates.py); rate_limit_<name> is the rate of limit("<name>", ...).
    rate_limit_password_signin: str = "10/minute"  # /auth/login + /auth/register, per IP
    rate_limit_messenger_signin: str = "30/minute"  # /auth/max + /auth/telegram, per IP
    rate_limit_qr_login: str = "20/minute"  # new desktop QR sign-in requests, per IP
    rate_limit_password_change: str = "5/minute"  # PUT /api/me/password, per user and per IP
    rate_limit_profile_request: str = "30/hour"  # POST /api/profile_requests, per user
    rate_limit_qr_image: str = "60/minute"  # QR images drawn (all qr.png routes), per IP
    rate_limit_upload: str = "30/hour"  # per user
    rate_limit_share_prepare: str = (
        "30/minute"  # POST /api/share/prepared (a Bot API call), per user
    )
    rate_limit_trade_create: str = "60/hour"  # per user
    rate_limit_transfer_create: str = "60/hour"  # per user
    rate_limit_claim: str = "30/minute"  # claim-code redemptions and previews, per user
    rate_limit_user_search: str = "120/minute"  # people search as the user types, per user
    rate_limit_ws_messages: str = "20/10second"  # per WebSocket, in the serving process
    # Every write that makes an event (each event goes to every socket and changes caches) has
    # a per-user limit (issue 19, N4): favourites, edits, and the answers to trades, transfers,
    # profile requests and QR sign-ins (one shared bucket, "event_write").
    rate_limit_favorite: str = "60/minute"  # PUT/DELETE /api/photos/{id}/favorite, per user
    rate_limit_photo_edit: str = "30/minute"  # PATCH/DELETE /api/photos/{id}, per user
    rate_limit_profile_edit: str = "10/minute"  # PATCH /api/me, per user
    rate_limit_event_write: str = "120/minute"  # the other event-making writes, per user
    rate_limit_redis_retry: float = 5.0  # seconds on process-local limits after a Redis error

    # The server (`python -m app serve`, app/cli.py): where it listens, how many worker
    # processes (uvicorn's own variable name), and the largest WebSocket message a client may
    # send in bytes: a larger one closes the socket (1009). Client messages are a few hundred
    # bytes (the biggest, `auth`, carries one access token); uvicorn's default is 16 MiB.
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    web_concurrency: int = Field(default=1, ge=1)
    # Seconds a worker may take to answer uvicorn's supervisor (start-up included) before it is
    # killed with all its sockets: uvicorn's 5 s killed every worker of a host busy with 10,000
    # sockets (bench/bench_hosts.py), turning overload into an outage.
    worker_healthcheck_timeout: int = Field(default=30, ge=1)
    ws_max_size: int = Field(default=16 * 1024, ge=1024)

    @property
    def miniapp_link(self) -> str:
        """The Max link under its older name."""
        return self.max_miniapp_link

    @field_validator("max_miniapp_link", "telegram_miniapp_link", "public_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.strip().rstrip("/")

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_csv(cls, value: object) -> object:
        if isinstance(value, str):
            if value.lstrip().startswith("["):
                return json.loads(value)
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @model_validator(mode="after")
    def _paths_under_var_dir(self) -> "Settings":
        if "data_dir" not in self.model_fields_set:
            self.data_dir = self.var_dir
        if "upload_dir" not in self.model_fields_set:
            self.upload_dir = self.var_dir / "uploads"
        return self

    @model_validator(mode="after")
    def _local_secret(self) -> "Settings":
        if not self.jwt_secret and self.app_env != "production":
            self.jwt_secret = local_jwt_secret(self.data_dir)
        return self

    def check_production(self) -> None:
        """Refuse to run in production with a default secret or without bot tokens."""
        if self.app_env != "production":
            return
        problems = []
        if self.jwt_secret == DEFAULT_JWT_SECRET or len(self.jwt_secret) < 32:
            problems.append("JWT_SECRET must be set to a random string of 32+ characters")
        if not (self.max_bot_token or self.telegram_bot_token):
            problems.append("MAX_BOT_TOKEN or TELEGRAM_BOT_TOKEN must be set")
        if not self.database_url:
            problems.append("DATABASE_URL must be set")
        if problems:
            raise RuntimeError("refusing to start in production: " + "; ".join(problems))


@lru_cache
def get_settings() -> Settings:
    return Settings()

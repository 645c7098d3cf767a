"""Test fixtures: a fresh PostgreSQL database per test session, truncated between tests.

TEST_DATABASE_URL points at a server we may create databases on (scripts/test.sh provides one:
the machine's PostgreSQL or an embedded pgserver). Nothing here mocks the database.
"""

import asyncio
import os
import secrets
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import pytest

from app.core.config import Settings
from app.core.db import create_pool
from app.core.migrations import migrate
from app.main import create_app
from tests.support import MAX_BOT_TOKEN, TELEGRAM_BOT_TOKEN

BASE_DSN = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")


def _with_database(dsn: str, name: str) -> str:
    parts = urlsplit(dsn)
    return urlunsplit(parts._replace(path=f"/{name}"))


@pytest.fixture(scope="session")
async def database_url() -> AsyncIterator[str]:
    name = f"gallery_test_{os.getpid()}_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(BASE_DSN)
    await admin.execute(f'CREATE DATABASE "{name}"')
    dsn = _with_database(BASE_DSN, name)
    # The way every database is made: database.sql, with the migrations marked as applied.
    await asyncio.to_thread(migrate, dsn)
    try:
        yield dsn
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@pytest.fixture(scope="session")
async def pool(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    pool = await create_pool(database_url, 2, 60)
    yield pool
    await pool.close()


_TABLES = """users, images, art_objects, transfers, trades, trade_items, ownership_history,
    favorites, profile_requests, refresh_token_families, refresh_tokens, auth_qr_requests, events,
    bot_chats, bot_updates, notifier_cursor, notifications, notification_settings"""


@pytest.fixture(autouse=True)
async def _clean_database(request: pytest.FixtureRequest) -> AsyncIterator[None]:
    # Only tests that touch the database pay for the truncation.
    if "pool" not in request.fixturenames and "client" not in request.fixturenames:
        yield
        return
    pool: asyncpg.Pool = request.getfixturevalue("pool")
    await pool.execute(f"TRUNCATE {_TABLES} RESTART IDENTITY CASCADE")
    yield


@pytest.fixture
def upload_dir(tmp_path: Path) -> Path:
    path = tmp_path / "uploads"
    path.mkdir()
    return path


def make_settings(database_url: str, upload_dir: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "app_env": "test",
        "database_url": database_url,
        "jwt_secret": "test-secret-" + "x" * 32,
        "bcrypt_rounds": 4,
        "max_bot_token": MAX_BOT_TOKEN,
        "telegram_bot_token": TELEGRAM_BOT_TOKEN,
        "miniapp_link": "https://max.ru/test_gallery_bot",
        "upload_dir": upload_dir,
        "redis_url": None,
        "sweep_interval": 3600,
        # Never the network: a bot client of a test that did not ask for a fake platform
        # talks to a closed loopback port; the notifier runs only where a test starts it.
        "telegram_bot_api_url": "http://127.0.0.1:9",
        "max_bot_api_url": "http://127.0.0.1:9",
        "notifier": False,
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
def settings(database_url: str, upload_dir: Path) -> Settings:
    return make_settings(database_url, upload_dir)


@asynccontextmanager
async def app_client_for(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """An in-process app with these settings (its lifespan run) and a client for it."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            yield http


@pytest.fixture
async def client(settings: Settings, pool: asyncpg.Pool) -> AsyncIterator[httpx.AsyncClient]:
    async with app_client_for(settings) as http:
        yield http


@pytest.fixture
def anyio_backend() -> Iterator[str]:
    yield "asyncio"

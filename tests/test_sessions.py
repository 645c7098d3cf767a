"""Accounts and sessions hardening (issue 13, items 11-14 and 21): login timing, password
changes, the refresh grace window, per-username login limits, the development JWT key."""

import stat
import statistics
import time
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from app.core.config import DEFAULT_JWT_SECRET, Settings
from app.main import create_app
from tests.conftest import make_settings

# --- 11. an unknown username costs the same bcrypt time as a wrong password ----------------------

TIMING_ROUNDS = 10  # ~60 ms per bcrypt check: large against request overhead, small for CI


@pytest.fixture
async def slow_hash_client(
    database_url: str, upload_dir: Path, pool: asyncpg.Pool
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(make_settings(database_url, upload_dir, bcrypt_rounds=TIMING_ROUNDS))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            yield http


async def _login_time(client: httpx.AsyncClient, username: str) -> float:
    started = time.perf_counter()
    response = await client.post(
        "/api/auth/login", json={"username": username, "password": "wrong password"}
    )
    elapsed = time.perf_counter() - started
    assert response.status_code == 401
    return elapsed


async def test_unknown_username_costs_as_much_as_a_wrong_password(
    slow_hash_client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    client = slow_hash_client
    created = await client.post(
        "/api/auth/register", json={"username": "real_user", "password": "right password"}
    )
    assert created.status_code == 201
    stored = await pool.fetchval("SELECT password_hash FROM users WHERE username = 'real_user'")
    assert stored.startswith(f"$2b${TIMING_ROUNDS}$")
    await _login_time(client, "nobody_here")  # first unknown login makes the dummy hash: warm-up
    wrong, unknown = [], []
    for _ in range(7):  # interleaved, so machine load hits both series alike
        wrong.append(await _login_time(client, "real_user"))
        unknown.append(await _login_time(client, "nobody_here"))
    ratio = statistics.median(wrong) / statistics.median(unknown)
    # Equal cost factors give ~1.0; the old cost-4 dummy gave 2^(10-4) = 64x.
    assert 0.5 < ratio < 2.0, (ratio, wrong, unknown)


# --- 21. no JWT_SECRET: a random key per data directory; production refuses ----------------------


def _settings_from_env(monkeypatch: pytest.MonkeyPatch, data_dir: Path, **env: str) -> Settings:
    for name in ("APP_ENV", "JWT_SECRET", "DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATA_DIR", str(data_dir))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return Settings()


def test_development_key_is_random_per_data_dir_and_kept(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    first = _settings_from_env(monkeypatch, tmp_path / "a")  # APP_ENV unset
    assert first.app_env == "development"
    assert first.jwt_secret != DEFAULT_JWT_SECRET and len(first.jwt_secret) >= 32
    key_file = tmp_path / "a" / "jwt_secret"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert key_file.read_text().strip() == first.jwt_secret
    # A restart reads the same key (sessions survive); another data directory gets its own.
    assert _settings_from_env(monkeypatch, tmp_path / "a").jwt_secret == first.jwt_secret
    other = _settings_from_env(monkeypatch, tmp_path / "b")
    assert other.jwt_secret != first.jwt_secret
    assert not list((tmp_path / "a").glob(".jwt_secret.*"))  # no temp files left behind
    # An explicit JWT_SECRET wins and writes nothing.
    given = _settings_from_env(monkeypatch, tmp_path / "c", JWT_SECRET="g" * 40)
    assert given.jwt_secret == "g" * 40 and not (tmp_path / "c").exists()


def test_production_without_a_key_refuses_to_start(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    settings = _settings_from_env(
        monkeypatch,
        tmp_path,
        APP_ENV="production",
        DATABASE_URL="postgresql://x/y",
        MAX_BOT_TOKEN="123:t",
    )
    assert not (tmp_path / "jwt_secret").exists()  # production never makes its own key
    with pytest.raises(RuntimeError, match="JWT_SECRET"):
        create_app(settings)

"""database.sql is complete and idempotent."""

import asyncpg

from app.core.migrations import schema_sql


async def _catalog(conn: asyncpg.Connection) -> list[tuple]:
    rows = await conn.fetch(
        """
        SELECT 'col' AS kind, table_name || '.' || column_name AS name FROM information_schema.columns
         WHERE table_schema = 'public'
        UNION ALL SELECT 'idx', indexname FROM pg_indexes WHERE schemaname = 'public'
        UNION ALL SELECT 'con', conname FROM pg_constraint
         WHERE connamespace = 'public'::regnamespace
        UNION ALL SELECT 'trg', tgname FROM pg_trigger WHERE NOT tgisinternal
        ORDER BY 1, 2
        """
    )
    return [tuple(r) for r in rows]


async def test_schema_loads_twice_without_change(pool: asyncpg.Pool) -> None:
    async with pool.acquire() as conn:
        before = await _catalog(conn)
        await conn.execute("INSERT INTO users (username, display_name) VALUES ('keep', 'Keep')")
        await conn.execute(schema_sql())
        await conn.execute(schema_sql())
        assert await _catalog(conn) == before
        assert await conn.fetchval("SELECT count(*) FROM users WHERE username = 'keep'") == 1


async def test_every_domain_table_exists(pool: asyncpg.Pool) -> None:
    expected = {
        "users",
        "images",
        "art_objects",
        "ownership_history",
        "transfers",
        "trades",
        "trade_items",
        "profile_requests",
        "favorites",
        "refresh_token_families",
        "refresh_tokens",
        "auth_qr_requests",
        "events",
    }
    names = {
        r["tablename"]
        for r in await pool.fetch("SELECT tablename FROM pg_tables WHERE schemaname='public'")
    }
    assert expected <= names


async def test_history_is_append_only(pool: asyncpg.Pool) -> None:
    async with pool.acquire() as conn:
        user = await conn.fetchval(
            "INSERT INTO users (username, display_name) VALUES ('a','A') RETURNING id"
        )
        photo = await conn.fetchval(
            """INSERT INTO images (content_hash, mime, width, height, bytes, original_key, thumb_key, preview_key)
               VALUES (sha256('x'), 'image/png', 1, 1, 1, 'o', 't', 'p') RETURNING id"""
        )
        obj = await conn.fetchval(
            "INSERT INTO art_objects (image_id, title, creator_id, owner_id) VALUES ($1, 't', $2, $2) RETURNING id",
            photo,
            user,
        )
        await conn.execute(
            "INSERT INTO ownership_history (art_object_id, to_user_id, reason) VALUES ($1, $2, 'mint')",
            obj,
            user,
        )
        try:
            await conn.execute("UPDATE ownership_history SET to_user_id = to_user_id")
        except asyncpg.RaiseError as exc:
            assert "append-only" in str(exc)
        else:
            raise AssertionError("history row was rewritten")


async def test_same_messenger_id_on_two_messengers_is_two_people(pool: asyncpg.Pool) -> None:
    await pool.execute(
        "INSERT INTO users (messenger, external_id, display_name) VALUES ('max', 5, 'M'), ('telegram', 5, 'T')"
    )
    try:
        await pool.execute(
            "INSERT INTO users (messenger, external_id, display_name) VALUES ('max', 5, 'again')"
        )
    except asyncpg.UniqueViolationError:
        pass
    else:
        raise AssertionError("duplicate messenger identity accepted")


def test_production_refuses_default_secrets() -> None:
    import pytest

    from app.core.config import Settings

    with pytest.raises(RuntimeError, match="JWT_SECRET"):
        Settings(
            app_env="production", database_url="postgresql://x/y", max_bot_token="t"
        ).check_production()
    with pytest.raises(RuntimeError, match="BOT_TOKEN"):
        Settings(
            app_env="production", database_url="postgresql://x/y", jwt_secret="s" * 40
        ).check_production()
    Settings(
        app_env="production",
        database_url="postgresql://x/y",
        jwt_secret="s" * 40,
        max_bot_token="t",
    ).check_production()

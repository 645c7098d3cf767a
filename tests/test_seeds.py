"""Admin seeds (seeds/*.sql) run with the real psql, each twice: the documented result, once."""

import asyncio
import hashlib
import os
import shutil
from pathlib import Path

import asyncpg
import pytest

from app.schemas.events import EVENT_DATA
from tests.nginx_support import REPO_ROOT

SEEDS = REPO_ROOT / "seeds"
PSQL = shutil.which("psql")

pytestmark = pytest.mark.skipif(PSQL is None, reason="psql (postgresql-client) is not installed")


async def psql(database_url: str, seed: str, check: bool = True, **variables: str | int) -> str:
    """Run seeds/<seed> the way seeds/README.md shows; returns stdout+stderr."""
    argv = [PSQL or "psql", "-X", "--no-psqlrc", "-v", "ON_ERROR_STOP=1", "-d", database_url]
    for name, value in variables.items():
        argv += ["-v", f"{name}={value}"]
    argv += ["-f", str(SEEDS / seed)]
    env = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
    process = await asyncio.create_subprocess_exec(
        *argv, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT, env=env
    )
    try:
        output, _ = await asyncio.wait_for(process.communicate(), 60)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise
    text = output.decode()
    if check:
        assert process.returncode == 0, f"{seed} failed ({process.returncode}):\n{text}"
    else:
        assert process.returncode != 0, f"{seed} should have failed:\n{text}"
    return text


async def _user(pool: asyncpg.Pool, external_id: int, name: str = "Anna") -> int:
    return await pool.fetchval(
        "INSERT INTO users (messenger, external_id, display_name) VALUES ('max', $1, $2) RETURNING id",
        external_id,
        name,
    )


def _mint_vars(owner_id: int, seed: bytes = b"sunset") -> dict[str, str | int]:
    return {
        "owner_id": owner_id,
        "title": "Sunset over Neva",
        "description": "Admin-minted",
        "content_hash": hashlib.sha256(seed).hexdigest(),
        "mime": "image/jpeg",
        "width": 4000,
        "height": 3000,
        "bytes": 2480133,
        "original_key": "originals/9f/Xk2p9s0aQ1.jpg",
        "thumb_key": "media/9f/aT7uQ2LrZb.webp",
        "preview_key": "media/9f/Jd81mN0cVe.webp",
    }


async def test_make_admin_by_id_and_by_messenger_id(database_url: str, pool: asyncpg.Pool) -> None:
    anna = await _user(pool, 5001)
    boris = await _user(pool, 5002, "Boris")
    for _ in range(2):
        await psql(database_url, "make_admin.sql", user_id=anna)
        await psql(database_url, "make_admin.sql", messenger="max", external_id=5002)
    roles = dict(await pool.fetch("SELECT id, role FROM users"))
    assert roles == {anna: "admin", boris: "admin"}

    await psql(database_url, "make_admin.sql", user_id=boris, role="user")
    assert await pool.fetchval("SELECT role FROM users WHERE id = $1", boris) == "user"

    output = await psql(database_url, "make_admin.sql", check=False, user_id=999999)
    assert "no such user" in output


async def test_create_users_once(database_url: str, pool: asyncpg.Pool, tmp_path: Path) -> None:
    for _ in range(2):
        await psql(
            database_url,
            "create_users.sql",
            messenger="telegram",
            external_id=7001,
            display_name="Vera",
        )
    rows = await pool.fetch("SELECT messenger, external_id, display_name, role FROM users")
    assert [tuple(row) for row in rows] == [("telegram", 7001, "Vera", "user")]

    csv = tmp_path / "users.csv"
    csv.write_text(
        "messenger,external_id,display_name,avatar_url\n"
        "max,7002,Gleb,https://i.example/gleb.png\n"
        'max,7003,"Dasha, the photographer",\n'
        "telegram,7001,Vera renamed,\n"  # exists: left untouched
        "max,7002,Gleb again,\n"  # listed twice: created once
    )
    for _ in range(2):
        output = await psql(database_url, "create_users.sql", csv=str(csv))
    assert "Dasha, the photographer" in output  # the listing with ids
    rows = await pool.fetch(
        "SELECT messenger, external_id, display_name, avatar_url FROM users ORDER BY external_id"
    )
    assert [tuple(row) for row in rows] == [
        ("telegram", 7001, "Vera", None),
        ("max", 7002, "Gleb", "https://i.example/gleb.png"),
        ("max", 7003, "Dasha, the photographer", None),
    ]


async def test_mint_object_once_with_history_and_event(
    database_url: str, pool: asyncpg.Pool
) -> None:
    owner = await _user(pool, 6001)
    variables = _mint_vars(owner)
    for _ in range(2):
        await psql(database_url, "mint_objects.sql", **variables)

    photo = await pool.fetchrow("SELECT * FROM images")
    assert await pool.fetchval("SELECT count(*) FROM images") == 1
    assert photo["content_hash"].hex() == variables["content_hash"]
    assert (photo["mime"], photo["width"], photo["height"], photo["bytes"]) == (
        "image/jpeg",
        4000,
        3000,
        2480133,
    )
    assert (photo["original_key"], photo["thumb_key"], photo["preview_key"]) == (
        variables["original_key"],
        variables["thumb_key"],
        variables["preview_key"],
    )
    objects = await pool.fetch("SELECT * FROM art_objects")
    assert len(objects) == 1
    art = objects[0]
    assert (art["image_id"], art["title"], art["description"]) == (
        photo["id"],
        "Sunset over Neva",
        "Admin-minted",
    )
    assert art["creator_id"] == art["owner_id"] == owner
    history = await pool.fetch("SELECT * FROM ownership_history")
    assert [
        (h["art_object_id"], h["from_user_id"], h["to_user_id"], h["reason"]) for h in history
    ] == [(art["id"], None, owner, "mint")]
    events = await pool.fetch("SELECT type, data, audience, subjects FROM events")
    assert [(e["type"], e["audience"], e["subjects"]) for e in events] == [
        ("photo.created", None, [owner])
    ]
    # The one payload shape of the event type, as an upload publishes it.
    created = EVENT_DATA["photo.created"].model_validate(events[0]["data"])
    assert (created.id, created.title, created.owner.id) == (art["id"], "Sunset over Neva", owner)
    assert created.thumb_url == "/" + variables["thumb_key"]


async def test_mint_from_csv_and_refusals(
    database_url: str, pool: asyncpg.Pool, tmp_path: Path
) -> None:
    owner = await _user(pool, 6101)
    header = "content_hash,mime,width,height,bytes,original_key,thumb_key,preview_key,title,description,owner_id\n"
    rows = [
        f"{hashlib.sha256(name.encode()).hexdigest()},image/png,10,20,300,originals/aa/{name}.png,"
        f"media/aa/{name}-t.webp,media/aa/{name}-p.webp,{name.title()},,{owner}\n"
        for name in ("first", "second", "first")  # a duplicate hash inside the file too
    ]
    csv = tmp_path / "objects.csv"
    csv.write_text(header + "".join(rows))
    for _ in range(2):
        await psql(database_url, "mint_objects.sql", csv=str(csv))
    titles = [row["title"] for row in await pool.fetch("SELECT title FROM art_objects ORDER BY id")]
    assert titles == ["First", "Second"]
    assert await pool.fetchval("SELECT count(*) FROM ownership_history WHERE reason = 'mint'") == 2
    assert await pool.fetchval("SELECT count(*) FROM events WHERE type = 'photo.created'") == 2

    # Refused, and nothing written: a key outside media/, a path escape, an unknown owner.
    for bad, message in (
        ({"thumb_key": "originals/9f/a.webp"}, "must be relative paths under media/"),
        ({"preview_key": "media/../originals/x.webp"}, "must be relative paths under media/"),
        ({"original_key": "/etc/passwd.txt"}, "original_key must be a relative path"),
        ({"owner_id": 987654}, "no user with id 987654"),
        ({"content_hash": "abc"}, "content_hash must be 64 hex digits"),
    ):
        output = await psql(
            database_url, "mint_objects.sql", check=False, **{**_mint_vars(owner, b"bad"), **bad}
        )
        assert message in output, output
    assert await pool.fetchval("SELECT count(*) FROM images") == 2


async def test_assign_owner_once_with_admin_history(database_url: str, pool: asyncpg.Pool) -> None:
    anna = await _user(pool, 8001)
    boris = await _user(pool, 8002, "Boris")
    await psql(database_url, "mint_objects.sql", **_mint_vars(anna, b"assign"))
    object_id = await pool.fetchval("SELECT id FROM art_objects")
    # Anna's pending claim code must not survive the change of owner.
    transfer_id = await pool.fetchval(
        """INSERT INTO transfers (art_object_id, from_user_id, status, claim_token_hash, expires_at)
           VALUES ($1, $2, 'pending', $3, now() + interval '15 minutes') RETURNING id""",
        object_id,
        anna,
        hashlib.sha256(b"claim").digest(),
    )

    for _ in range(2):
        await psql(database_url, "assign_owner.sql", object_id=object_id, user_id=boris)

    assert await pool.fetchval("SELECT owner_id FROM art_objects WHERE id = $1", object_id) == boris
    history = await pool.fetch(
        "SELECT from_user_id, to_user_id, reason FROM ownership_history ORDER BY id"
    )
    assert [tuple(row) for row in history] == [(None, anna, "mint"), (anna, boris, "admin")]
    assert history[-1]["to_user_id"] == boris  # the owner equals the last history row
    changed = await pool.fetch("SELECT data, audience FROM events WHERE type = 'ownership.changed'")
    assert [(e["data"], e["audience"]) for e in changed] == [
        (
            {
                "photo_id": object_id,
                "from_user_id": anna,
                "to_user_id": boris,
                "reason": "admin",
                "trade_id": None,
                "transfer_id": None,
            },
            None,
        )
    ]
    EVENT_DATA["ownership.changed"].model_validate(changed[0]["data"])
    assert (
        await pool.fetchval("SELECT status FROM transfers WHERE id = $1", transfer_id)
        == "cancelled"
    )
    cancelled = await pool.fetchrow(
        "SELECT data, audience FROM events WHERE type = 'transfer.updated'"
    )
    assert cancelled["data"]["id"] == transfer_id and cancelled["audience"] == [anna]

    # By messenger id, back to Anna: one more admin row; again: none.
    for _ in range(2):
        await psql(
            database_url, "assign_owner.sql", object_id=object_id, messenger="max", external_id=8001
        )
    history = await pool.fetch(
        "SELECT from_user_id, to_user_id, reason FROM ownership_history ORDER BY id"
    )
    assert [tuple(row) for row in history][-1] == (boris, anna, "admin")
    assert len(history) == 3
    assert await pool.fetchval("SELECT owner_id FROM art_objects WHERE id = $1", object_id) == anna

    assert "no art object" in await psql(
        database_url, "assign_owner.sql", check=False, object_id=424242, user_id=anna
    )
    assert "no such user" in await psql(
        database_url, "assign_owner.sql", check=False, object_id=object_id, user_id=424242
    )


async def test_seeded_events_are_announced_to_listeners(
    database_url: str, pool: asyncpg.Pool
) -> None:
    """Admin SQL reaches live clients: the events trigger NOTIFYs gallery_events at commit."""
    owner = await _user(pool, 9001)
    received: asyncio.Queue[str] = asyncio.Queue()
    listener = await asyncpg.connect(database_url)
    try:
        await listener.add_listener("gallery_events", lambda *args: received.put_nowait(args[3]))
        await psql(database_url, "mint_objects.sql", **_mint_vars(owner, b"notify"))
        event_id = await asyncio.wait_for(received.get(), 10)
    finally:
        await listener.close()
    row = await pool.fetchrow("SELECT type, data FROM events WHERE id = $1", int(event_id))
    assert row["type"] == "photo.created"


@pytest.mark.parametrize(
    ("seed", "given", "missing"),
    [
        ("assign_owner.sql", {"user_id": 1}, "object_id"),
        ("create_users.sql", {"messenger": "max", "display_name": "Anna"}, "external_id"),
        ("create_users.sql", {}, "messenger"),
        (
            "mint_objects.sql",
            {k: v for k, v in _mint_vars(1).items() if k != "thumb_key"},
            "thumb_key",
        ),
    ],
)
async def test_a_missing_variable_is_named(
    database_url: str, pool: asyncpg.Pool, seed: str, given: dict, missing: str
) -> None:
    """issue 22.10: not psql's `syntax error at or near ":"`, but which -v to add; nothing written."""
    before = await pool.fetchval("SELECT count(*) FROM users") + await pool.fetchval(
        "SELECT count(*) FROM events"
    )
    text = await psql(database_url, seed, check=False, **given)
    assert f"missing variable {missing}: add -v {missing}=" in text
    assert "syntax error" not in text
    after = await pool.fetchval("SELECT count(*) FROM users") + await pool.fetchval(
        "SELECT count(*) FROM events"
    )
    assert after == before

"""People search (GET /api/users?q=): prefix match over name and username words, recent
counterparts for an empty query, private people findable but their collections private, the
index actually used, and a per-user rate limit on a real Redis."""

import os
import uuid
from pathlib import Path

import asyncpg
import httpx

from app.services.users import prefix_tsquery
from tests.conftest import make_settings
from tests.support import bearer, mint_objects, sign_in
from tests.test_rate_limits import app_with_redis


def uid(tokens: dict) -> int:
    return tokens["user"]["id"]


async def search(client: httpx.AsyncClient, who: dict, q: str = "", **params: object) -> list:
    response = await client.get("/api/users", params={"q": q, **params}, headers=bearer(who))
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    return [(u["id"], u["display_name"]) for u in response.json()["items"]]


async def register(client: httpx.AsyncClient, username: str) -> dict:
    body = {"username": username, "password": "password-123"}
    response = await client.post("/api/auth/register", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def test_query_words_become_prefix_terms_without_tsquery_syntax() -> None:
    assert prefix_tsquery("Anna  Pe") == "'anna':* & 'pe':*"
    assert prefix_tsquery("Ёлка") == "'елка':*"
    # Quotes, operators and backslashes separate words; they never reach to_tsquery.
    assert prefix_tsquery("a'b|c & !(d):*\\") == "'a':* & 'b':* & 'c':* & 'd':*"
    assert prefix_tsquery("  ") is None and prefix_tsquery("&|!") is None
    assert prefix_tsquery("a b c d e f g") == "'a':* & 'b':* & 'c':* & 'd':* & 'e':*"


async def test_prefix_search_over_name_words_and_whole_username(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    me = await sign_in(client, 1, "Viewer Anna")
    petrova = await sign_in(client, 2, "Anna Petrova")
    ivan = await sign_in(client, 3, "Иван Ёлкин")
    annet = await register(client, "annette_k")
    await sign_in(client, 4, "Boris")

    # Prefix of any word, case-insensitive; the viewer ("Viewer Anna") is never listed.
    found = await search(client, me, "ANN")
    assert {i for i, _ in found} == {uid(petrova), uid(annet)}
    # Names starting with the query come first, then alphabetical.
    assert [i for i, _ in found] == [uid(petrova), uid(annet)]
    assert await search(client, me, "pet") == [(uid(petrova), "Anna Petrova")]
    # Every word must match some word: "anna pet" yes, "anna bor" no.
    assert await search(client, me, "anna pet") == [(uid(petrova), "Anna Petrova")]
    assert await search(client, me, "anna bor") == []
    # Cyrillic, and U+0451 typed as U+0435.
    assert await search(client, me, "елк") == [(uid(ivan), "Иван Ёлкин")]
    assert await search(client, me, "ив") == [(uid(ivan), "Иван Ёлкин")]
    # A registered user's display name is their username at first: found by its words.
    assert await search(client, me, "annette") == [(uid(annet), "annette_k")]
    # A username no response shows is found only when typed whole, never by its words or a
    # prefix (issue 19, N6: they recovered a login name word by word).
    await pool.execute("UPDATE users SET username = 'rocket_b' WHERE id = $1", uid(petrova))
    assert await search(client, me, "rock") == []
    assert await search(client, me, "rocket") == []
    assert await search(client, me, "rocket_b") == [(uid(petrova), "Anna Petrova")]
    # Only prefixes: the middle of a word does not match.
    assert await search(client, me, "trova") == []
    # Hostile input is just words.
    assert await search(client, me, "'); DROP TABLE users; --") == []
    # Punctuation only: no lexeme is left, and nothing is listed (not the recent counterparts).
    assert await search(client, me, "- . -") == []
    # The username's parts are words too, parsed the same way on both sides.
    assert await search(client, me, "annette_k") == [(uid(annet), "annette_k")]
    assert await search(client, me, "ann", limit=1) == [(uid(petrova), "Anna Petrova")]
    too_long = await client.get("/api/users", params={"q": "x" * 65}, headers=bearer(me))
    assert too_long.status_code == 422
    anonymous = await client.get("/api/users", params={"q": "ann"})
    assert anonymous.status_code == 401


async def test_private_people_are_found_but_their_collection_stays_private(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    me = await sign_in(client, 1, "Viewer")
    hidden = await sign_in(client, 2, "Hidden Harriet")
    await mint_objects(pool, uid(hidden), 2)
    response = await client.patch("/api/me", json={"is_private": True}, headers=bearer(hidden))
    assert response.status_code == 200, response.text

    response = await client.get("/api/users", params={"q": "harr"}, headers=bearer(me))
    assert response.json()["items"] == [
        {"id": uid(hidden), "display_name": "Hidden Harriet", "avatar_url": None}
    ]
    collection = await client.get(f"/api/users/{uid(hidden)}/photos", headers=bearer(me))
    assert collection.status_code == 403


async def test_empty_query_lists_recent_counterparts_newest_first(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    me, a, b, c, d = [await sign_in(client, i, n) for i, n in enumerate("MABCD", start=1)]
    await sign_in(client, 9, "Stranger")
    assert await search(client, me) == []

    [mine1, mine2] = await mint_objects(pool, uid(me), 2)
    [from_b] = await mint_objects(pool, uid(b), 1, start=10)
    [from_c] = await mint_objects(pool, uid(c), 1, start=20)
    [from_d] = await mint_objects(pool, uid(d), 1, start=30)
    gift = {"photo_id": mine1, "to_user_id": uid(a)}
    assert (await client.post("/api/transfers", json=gift, headers=bearer(me))).status_code == 201
    gift = {"photo_id": from_b, "to_user_id": uid(me)}
    assert (await client.post("/api/transfers", json=gift, headers=bearer(b))).status_code == 201
    # An open trade C accepted from me, then an addressed trade D proposed to me (pending).
    trade = {"offered_photo_ids": [mine2], "requested_photo_ids": [from_c]}
    created = (await client.post("/api/trades", json=trade, headers=bearer(me))).json()
    accept = {"token": created["token"]}
    accepted = await client.post(
        f"/api/trades/{created['id']}/accept", json=accept, headers=bearer(c)
    )
    assert accepted.status_code == 200, accepted.text
    trade = {
        "offered_photo_ids": [from_d],
        "requested_photo_ids": [from_b],
        "recipient_id": uid(me),
    }
    assert (await client.post("/api/trades", json=trade, headers=bearer(d))).status_code == 201

    assert await search(client, me) == [(uid(d), "D"), (uid(c), "C"), (uid(b), "B"), (uid(a), "A")]
    assert await search(client, me, "", limit=2) == [(uid(d), "D"), (uid(c), "C")]
    # A later exchange moves a person to the front; nobody appears twice; never the viewer.
    gift = {"photo_id": from_b, "to_user_id": uid(a)}
    assert (await client.post("/api/transfers", json=gift, headers=bearer(me))).status_code == 201
    assert [i for i, _ in await search(client, me)] == [uid(a), uid(d), uid(c), uid(b)]
    assert [i for i, _ in await search(client, a)] == [uid(me)]


async def test_the_search_uses_its_index(pool: asyncpg.Pool) -> None:
    # Enough rows that a sequential scan is not the cheap choice, then ask the planner.
    await pool.execute(
        """
        INSERT INTO users (messenger, external_id, display_name)
        SELECT 'max', g, 'Person ' || md5(g::text) FROM generate_series(1, 5000) g
        """
    )
    async with pool.acquire() as conn:
        await conn.execute("ANALYZE users")
        # The app's pool plans generically (core/db.py): ask for that plan, with a parameter.
        await conn.execute("SET plan_cache_mode = force_generic_plan")
        await conn.execute(
            "PREPARE people(text) AS SELECT id FROM users"
            " WHERE user_search_vector(display_name, username) @@ $1::tsquery"
        )
        rows = await conn.fetch("EXPLAIN EXECUTE people($$'abc':*$$)")
        await conn.execute("DEALLOCATE people; RESET plan_cache_mode")
    text = "\n".join(r[0] for r in rows)
    assert "users_search_idx" in text, text


async def test_search_is_rate_limited_per_user(database_url: str, upload_dir: Path) -> None:
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    # Keys of its own (user ids repeat across test databases and parallel runs); they expire.
    settings = make_settings(
        database_url,
        upload_dir,
        redis_url=url,
        rate_limit_user_search="3/minute",
        redis_key_prefix=f"test-search-{uuid.uuid4().hex}",
    )
    async with app_with_redis(settings) as (_, http):
        me = await sign_in(http, 1, "Searcher")
        other = await sign_in(http, 2, "Other")
        for _ in range(3):
            response = await http.get("/api/users", params={"q": "o"}, headers=bearer(me))
            assert response.status_code == 200, response.text
        refused = await http.get("/api/users", params={"q": "o"}, headers=bearer(me))
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
        # Someone else from the same address has their own bucket.
        response = await http.get("/api/users", params={"q": "s"}, headers=bearer(other))
        assert response.status_code == 200

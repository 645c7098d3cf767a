"""The one-statement search (issue 23, item 2) answers exactly what the four-statement search
before it answered, row for row and page for page, and what the plain definition answers (the
listing with `search_vector @@ query` added and no window at all).

The four-statement search is kept here, as it was (`e3d94e6`, repositories/photos.py and
services/listing._page_rows), as the reference. The seeded gallery has words at every density
(in every title, a third, a tenth, a hundredth, one object, none), Cyrillic, ties on
created_at, ids out of created_at order, a private collection with an accepted request,
objects hidden from a profile, favourites; every search is asked by three viewers, with each
filter, and with windows that make the new search take each of its paths.
"""

from datetime import datetime

import asyncpg
import pytest

from app.repositories import photos
from app.repositories.photos import CARD_SQL
from app.repositories.visibility import VISIBLE_TO_VIEWER
from app.services import listing

PAGE = 7


# --------------------------------------------------------------------------- the old search


def _old_cards_query(
    viewer_id: int | None,
    limit: int,
    after: tuple[datetime, int] | None = None,
    owner_id: int | None = None,
    creator_id: int | None = None,
    favorites_of: int | None = None,
    tsquery: str | None = None,
    until: tuple[datetime, int] | None = None,
    by_index: bool = False,
) -> tuple[str, list[object]]:
    conditions = [VISIBLE_TO_VIEWER]
    args: list[object] = [viewer_id]
    prefix = ""

    def param(value: object) -> str:
        args.append(value)
        return f"${len(args)}"

    if after is not None:
        conditions.append(f"(a.created_at, a.id) < ({param(after[0])}, {param(after[1])})")
    if owner_id is not None:
        conditions.append(f"a.owner_id = {param(owner_id)}")
        conditions.append("(NOT a.profile_hidden OR a.owner_id = $1)")
    if creator_id is not None:
        conditions.append(f"a.creator_id = {param(creator_id)}")
    if favorites_of is not None:
        conditions.append(
            "EXISTS (SELECT 1 FROM favorites mine WHERE mine.art_object_id = a.id"
            f" AND mine.user_id = {param(favorites_of)})"
        )
    if until is not None:
        conditions.append(f"(a.created_at, a.id) >= ({param(until[0])}, {param(until[1])})")
    if tsquery is not None and by_index:
        prefix = (
            "WITH hits AS MATERIALIZED (SELECT id FROM art_objects"
            f" WHERE search_vector @@ {param(tsquery)}::tsquery) "
        )
        conditions.append("a.id IN (SELECT hits.id FROM hits)")
    elif tsquery is not None:
        conditions.append(f"a.search_vector @@ {param(tsquery)}::tsquery")
    sql = (
        f"{prefix}{CARD_SQL} WHERE {' AND '.join(conditions)}"
        f" ORDER BY a.created_at DESC, a.id DESC LIMIT {param(limit)}"
    )
    return sql, args


async def _old_window_edge(
    conn: asyncpg.Connection,
    size: int,
    after: tuple[datetime, int] | None,
    owner_id: int | None,
    creator_id: int | None,
) -> tuple[datetime, int] | None:
    conditions = ["TRUE"]
    args: list[object] = [size - 1]
    if after is not None:
        args += [after[0], after[1]]
        conditions.append("(created_at, id) < ($2, $3)")
    if owner_id is not None:
        args.append(owner_id)
        conditions.append(f"owner_id = ${len(args)}")
    if creator_id is not None:
        args.append(creator_id)
        conditions.append(f"creator_id = ${len(args)}")
    row = await conn.fetchrow(
        f"SELECT created_at, id FROM art_objects WHERE {' AND '.join(conditions)}"
        " ORDER BY created_at DESC, id DESC OFFSET $1 LIMIT 1",
        *args,
    )
    return (row["created_at"], row["id"]) if row else None


async def old_search(
    conn: asyncpg.Connection,
    viewer_id: int | None,
    wanted: int,
    text: str,
    after: tuple[datetime, int] | None,
    owner_id: int | None,
    creator_id: int | None,
    favorites_of: int | None,
    window: int = 2000,
) -> list[asyncpg.Record]:
    tsquery = await conn.fetchval(
        """
        SELECT CASE WHEN numnode(q) > 0 THEN q::text END
          FROM (SELECT websearch_to_tsquery('english', $1)
                       || websearch_to_tsquery('russian', $1) AS q) parsed
        """,
        text,
    )
    if tsquery is None:
        return []
    edge = await _old_window_edge(conn, window, after, owner_id, creator_id)
    sql, args = _old_cards_query(
        viewer_id, wanted, after, owner_id, creator_id, favorites_of, tsquery, edge
    )
    rows = list(await conn.fetch(sql, *args))
    if len(rows) < wanted and edge is not None:
        sql, args = _old_cards_query(
            viewer_id, wanted - len(rows), edge, owner_id, creator_id, favorites_of, tsquery,
            by_index=True,
        )  # fmt: skip
        rows += await conn.fetch(sql, *args)
    return rows


async def plain_search(
    conn: asyncpg.Connection,
    viewer_id: int | None,
    wanted: int,
    text: str,
    after: tuple[datetime, int] | None,
    owner_id: int | None,
    creator_id: int | None,
    favorites_of: int | None,
) -> list[asyncpg.Record]:
    """The definition: the listing's rows whose text matches, no window, no index trick."""
    sql, args = photos.cards_query(viewer_id, wanted, after, owner_id, creator_id, favorites_of)
    where = len(f"{CARD_SQL} WHERE ")
    sql = (
        sql[:where]
        + f"a.search_vector @@ (websearch_to_tsquery('english', ${len(args) + 1}::text)"
        + f" || websearch_to_tsquery('russian', ${len(args) + 1}::text)) AND "
        + sql[where:]
    )
    return list(await conn.fetch(sql, *args, text))


# --------------------------------------------------------------------------- the gallery

QUERIES = [
    "photo",  # every title
    "harbor",  # a third
    "sunset",  # a tenth
    "закат",  # a seventh, Cyrillic stem of "Закаты"
    "lighthouse",  # a hundredth
    "castle",  # one object, among the oldest
    "photo 17",  # a title word plus a number: what a new search usually is
    "sunset -harbor",  # negation
    '"running dogs"',  # a phrase in descriptions
    "dog run",  # English stemming
    "lighthouse or castle",
    "nothingmatches",
    "a a a",  # only stop words
    "!(|&:*,",  # only punctuation
]


async def _seed(pool: asyncpg.Pool) -> dict[str, int]:
    users = {}
    for name, private in (("public", False), ("private", True), ("viewer", False)):
        users[name] = await pool.fetchval(
            "INSERT INTO users (messenger, external_id, display_name, is_private)"
            " VALUES ('max', $1, $2, $3) RETURNING id",
            len(users) + 1,
            name,
            private,
        )
    await pool.execute(
        "INSERT INTO profile_requests (requester_id, target_id, status) VALUES ($1, $2, 'accepted')",
        users["viewer"],
        users["private"],
    )
    # 600 objects; created_at two per second (ties broken by id), ids not in created_at order.
    await pool.execute(
        """
        WITH p AS (
          INSERT INTO images (content_hash, mime, width, height, bytes, original_key, thumb_key,
                              preview_key)
          SELECT sha256(('search-' || g)::bytea), 'image/png', 10, 10, 100, 'originals/s/' || g,
                 'media/s/' || g || '.webp', 'media/p/' || g || '.webp'
            FROM generate_series(1, 600) g RETURNING id)
        INSERT INTO art_objects (image_id, title, description, creator_id, owner_id, created_at,
                                 profile_hidden)
        SELECT p.id,
               concat_ws(' ', 'Photo', p.id,
                         CASE WHEN p.id % 3 = 0 THEN 'harbor' END,
                         CASE WHEN p.id % 10 = 1 THEN 'sunset' END,
                         CASE WHEN p.id % 7 = 2 THEN 'Закаты' END,
                         CASE WHEN p.id % 100 = 5 THEN 'lighthouse' END,
                         CASE WHEN p.id = (SELECT min(id) FROM p) + 3 THEN 'castle' END),
               CASE WHEN p.id % 11 = 4 THEN 'Running dogs on the beach' ELSE '' END,
               ($1::bigint[])[1 + p.id % 2], ($1::bigint[])[1 + (p.id / 2) % 2],
               now() - ((p.id * 7919) % 600 / 2) * interval '1 second',
               p.id % 13 = 0
          FROM p
        """,
        [users["public"], users["private"]],
    )
    await pool.execute(
        "INSERT INTO favorites (user_id, art_object_id)"
        " SELECT $1, id FROM art_objects WHERE id % 4 = 1",
        users["viewer"],
    )
    await pool.execute("ANALYZE")
    return users


def _cursor(rows: list[asyncpg.Record]) -> tuple[datetime, int] | None:
    return (rows[PAGE - 1]["created_at"], rows[PAGE - 1]["id"]) if len(rows) > PAGE else None


@pytest.mark.parametrize("window", [(1, 1), (12, 12), (100, 2000), (1000, 1000)])
async def test_the_one_statement_search_answers_what_the_four_statements_did(
    pool: asyncpg.Pool, window: tuple[int, int]
) -> None:
    """Windows: 1 and 12 rows (the GIN path nearly always), the app's (sqrt of 8 x 600 ->
    its minimum, 100), 1,000 (the walk covers the whole gallery)."""
    users = await _seed(pool)
    viewers = [None, users["viewer"], users["private"]]
    filters = [
        {},
        {"owner_id": users["private"]},
        {"creator_id": users["public"]},
        {"favorites_of": users["viewer"]},
    ]
    async with pool.acquire() as conn:
        for text in QUERIES:
            for viewer in viewers:
                for kind in filters:
                    if "favorites_of" in kind and viewer != kind["favorites_of"]:
                        continue
                    after = None
                    for page in range(6):
                        args = (conn, viewer, PAGE + 1, text, after)
                        named = (
                            kind.get("owner_id"),
                            kind.get("creator_id"),
                            kind.get("favorites_of"),
                        )
                        new = await photos.search_cards(
                            conn, viewer, PAGE + 1, text, window, after, *named
                        )
                        old = await old_search(*args, *named, window=window[0])
                        plain = await plain_search(*args, *named)
                        where = (text, viewer, kind, page)
                        assert [dict(r) for r in new] == [dict(r) for r in old], where
                        assert [dict(r) for r in new] == [dict(r) for r in plain], where
                        if (after := _cursor(new)) is None:
                            break


async def test_every_page_of_every_search_through_the_service(
    pool: asyncpg.Pool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through services.listing (cursor encoding, page size) with a small window: the pages of
    each search together are its whole answer, in order, none twice."""
    await _seed(pool)
    monkeypatch.setattr(listing, "SEARCH_WINDOW", (20, 20))
    async with pool.acquire() as conn:
        for text in QUERIES:
            expected = [
                r["id"]
                for r in await plain_search(conn, None, 10_000, text, None, None, None, None)
            ]
            seen: list[int] = []
            cursor = None
            while True:
                page = await listing.list_photos(
                    pool, None, listing.Listing(query=text, cursor=cursor, limit=9)
                )
                seen += [p.id for p in page.items]
                if (cursor := page.next_cursor) is None:
                    break
            assert seen == expected, text


async def test_a_gallery_never_analysed_is_searched_too(pool: asyncpg.Pool) -> None:
    """Before its first ANALYZE the table's size estimate is -1 (also after TRUNCATE): the
    window is then its minimum, and the answer the same."""
    await pool.execute("TRUNCATE art_objects CASCADE")
    estimate = "SELECT reltuples FROM pg_class WHERE oid = 'art_objects'::regclass"
    assert await pool.fetchval(estimate) == -1
    await _seed(pool)
    await pool.execute("TRUNCATE art_objects CASCADE")
    await pool.execute(
        """INSERT INTO art_objects (image_id, title, creator_id, owner_id)
           SELECT id, 'Photo ' || id, (SELECT min(id) FROM users), (SELECT min(id) FROM users)
             FROM images"""
    )
    assert await pool.fetchval(estimate) == -1
    async with pool.acquire() as conn:
        for text in ("photo", "photo 17", "nothingmatches"):
            new = await photos.search_cards(conn, None, 31, text, listing.SEARCH_WINDOW)
            plain = await plain_search(conn, None, 31, text, None, None, None, None)
            assert [dict(r) for r in new] == [dict(r) for r in plain], text

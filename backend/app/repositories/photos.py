"""SQL for art objects and the images they are made of (listing, detail, edit, delete)."""

from datetime import datetime

import asyncpg

from app.core.db import Connection, fetch_optional, fetch_value, present
from app.repositories.visibility import VISIBLE_TO_VIEWER

# One row per art object with everything a gallery card needs: no N+1 anywhere.
# $1 is always the viewer (NULL when anonymous).
CARD_SQL = """
SELECT a.id, a.title, a.mint_number, a.description, a.created_at, a.updated_at, a.owner_id,
       a.creator_id, a.profile_hidden,
       i.width, i.height, i.mime, i.placeholder, i.dominant_color, i.thumb_key, i.preview_key,
       -- Images stored before the 640 px thumbnail existed offer the preview as the 2x source.
       coalesce(i.thumb_2x_key, i.preview_key) AS thumb_2x_key,
       o.display_name AS owner_name, o.avatar_url AS owner_avatar,
       c.display_name AS creator_name, c.avatar_url AS creator_avatar,
       (SELECT count(*) FROM favorites f WHERE f.art_object_id = a.id) AS favorites_count,
       EXISTS (SELECT 1 FROM favorites f
                WHERE f.art_object_id = a.id AND f.user_id = $1) AS is_favorite
  FROM art_objects a
  JOIN images i ON i.id = a.image_id
  JOIN users o ON o.id = a.owner_id
  JOIN users c ON c.id = a.creator_id
"""


class _Params:
    """Positional parameters of one statement: `$1` is always the viewer."""

    def __init__(self, viewer_id: int | None) -> None:
        self.args: list[object] = [viewer_id]

    def __call__(self, value: object) -> str:
        self.args.append(value)
        return f"${len(self.args)}"


def _conditions(
    param: _Params,
    after: tuple[datetime, int] | None,
    owner_id: int | None,
    creator_id: int | None,
    favorites_of: int | None,
) -> tuple[list[str], list[str]]:
    """A listing's conditions on `a` (art_objects) and `o` (its owner), in two lists: those a
    walk of a keyset index takes (the cursor, the owner, the creator) and those tested on each
    row (visibility, hidden from the profile, favourites). Each is added only when used, so
    each combination gets a plan that can use its index."""
    walk: list[str] = []
    row = [VISIBLE_TO_VIEWER]
    if after is not None:
        walk.append(f"(a.created_at, a.id) < ({param(after[0])}, {param(after[1])})")
    if owner_id is not None:
        walk.append(f"a.owner_id = {param(owner_id)}")
        # Hidden from the owner's profile: others' "by owner" view leaves it out.
        row.append("(NOT a.profile_hidden OR a.owner_id = $1)")
    if creator_id is not None:
        walk.append(f"a.creator_id = {param(creator_id)}")
    if favorites_of is not None:
        row.append(
            "EXISTS (SELECT 1 FROM favorites mine WHERE mine.art_object_id = a.id"
            f" AND mine.user_id = {param(favorites_of)})"
        )
    return walk, row


def cards_query(
    viewer_id: int | None,
    limit: int,
    after: tuple[datetime, int] | None = None,
    owner_id: int | None = None,
    creator_id: int | None = None,
    favorites_of: int | None = None,
) -> tuple[str, list[object]]:
    """The listing SQL (no search) and its arguments."""
    param = _Params(viewer_id)
    walk, row = _conditions(param, after, owner_id, creator_id, favorites_of)
    sql = (
        f"{CARD_SQL} WHERE {' AND '.join(row + walk)}"
        f" ORDER BY a.created_at DESC, a.id DESC LIMIT {param(limit)}"
    )
    return sql, param.args


async def list_cards(
    conn: Connection,
    viewer_id: int | None,
    limit: int,
    after: tuple[datetime, int] | None = None,
    owner_id: int | None = None,
    creator_id: int | None = None,
    favorites_of: int | None = None,
) -> list[asyncpg.Record]:
    """Newest first, keyset over (created_at, id)."""
    sql, args = cards_query(viewer_id, limit, after, owner_id, creator_id, favorites_of)
    return await conn.fetch(sql, *args)


def search_query(
    viewer_id: int | None,
    limit: int,
    text: str,
    window: tuple[int, int],
    after: tuple[datetime, int] | None = None,
    owner_id: int | None = None,
    creator_id: int | None = None,
    favorites_of: int | None = None,
) -> tuple[str, list[object]]:
    """A search as ONE statement: the listing's first `limit` rows (newest first, after the
    cursor) whose text matches `text`, parsed by websearch_to_tsquery in English and Russian
    (gallery titles mix both, so either stemming may match).

    The rows are exactly those of the plain listing with `search_vector @@ query` added; how
    they are found is chosen at run time, not by the (generic, cached) plan:
    - `parsed`: the text is parsed once per statement (a materialised CTE), never once per row;
      nothing left (only stop words or punctuation) = NULL, and nothing below scans at all;
    - `recent`: matches among the newest W objects (after the cursor), walking the keyset
      index and stopping at `limit` matches: a common word ends here after a few rows;
    - `older`: only when `recent` holds fewer than `limit` rows (the word is rare in the newest
      W), every match through the GIN index (`hits`, materialised so the plan cannot swap it
      for a keyset walk that tests every row), sorted, the first `limit`: few matches, so cheap.
    W = sqrt(limit x objects) within `window` (min, max): the walk's worst case (a word that
    matches nothing) and the GIN's (a word just too rare for the window: about limit/W of the
    objects match) then grow alike, with the square root of the gallery's size. The number of
    objects is the planner's estimate (`pg_class.reltuples`, -1 before the table was first
    analysed): W only moves cost, never rows."""
    param = _Params(viewer_id)
    walk, row = _conditions(param, after, owner_id, creator_id, favorites_of)
    text_p, limit_p = param(text), param(limit)
    low, high = param(window[0]), param(window[1])
    walk_sql = "".join(f" AND {c}" for c in walk)
    row_sql = " AND ".join(row)
    sql = f"""
WITH parsed AS MATERIALIZED (
    SELECT CASE WHEN numnode(x) > 0 THEN x END AS q
      FROM (SELECT websearch_to_tsquery('english', {text_p}::text)
                   || websearch_to_tsquery('russian', {text_p}::text) AS x) p),
recent AS MATERIALIZED (
    SELECT a.id
      FROM (SELECT a.* FROM art_objects a
             WHERE (SELECT q FROM parsed) IS NOT NULL{walk_sql}
             ORDER BY a.created_at DESC, a.id DESC
             LIMIT least({high}::int, greatest({low}::int, sqrt({limit_p}::int * (
                 SELECT greatest(reltuples, 0) FROM pg_class
                  WHERE oid = 'art_objects'::regclass))::int))) a
      JOIN users o ON o.id = a.owner_id
     WHERE a.search_vector @@ (SELECT q FROM parsed) AND {row_sql}
     ORDER BY a.created_at DESC, a.id DESC LIMIT {limit_p}),
hits AS MATERIALIZED (
    SELECT id, created_at, owner_id, creator_id, profile_hidden FROM art_objects
     WHERE search_vector @@ (SELECT q FROM parsed)),
older AS (
    SELECT a.id FROM hits a JOIN users o ON o.id = a.owner_id
     WHERE (SELECT count(*) FROM recent) < {limit_p} AND (SELECT q FROM parsed) IS NOT NULL
       {walk_sql} AND {row_sql}
     ORDER BY a.created_at DESC, a.id DESC LIMIT {limit_p})
{CARD_SQL}
 WHERE a.id IN (SELECT id FROM recent UNION ALL SELECT id FROM older)
 ORDER BY a.created_at DESC, a.id DESC LIMIT {limit_p}"""
    return sql, param.args


async def search_cards(
    conn: Connection,
    viewer_id: int | None,
    limit: int,
    text: str,
    window: tuple[int, int],
    after: tuple[datetime, int] | None = None,
    owner_id: int | None = None,
    creator_id: int | None = None,
    favorites_of: int | None = None,
) -> list[asyncpg.Record]:
    """Matches of a search, newest first, keyset over (created_at, id): see search_query."""
    sql, args = search_query(
        viewer_id, limit, text, window, after, owner_id, creator_id, favorites_of
    )
    return await conn.fetch(sql, *args)


async def viewer_overlay(
    conn: Connection, viewer_id: int, art_object_ids: list[int]
) -> asyncpg.Record:
    """What a signed-in viewer's gallery page adds to an anonymous one: `sees_private` (a
    private collection is open to them: their own, or one whose owner accepted their request —
    the rule of repositories/visibility.py, asked from the viewer's side through two indexes)
    and which of these objects are their favourites. A viewer with no row sees private (the
    caller then reads the whole page, which answers as it always did)."""
    return present(
        await conn.fetchrow(
            """
            SELECT coalesce((SELECT is_private FROM users WHERE id = $1), TRUE)
                   OR EXISTS (SELECT 1 FROM profile_requests r JOIN users o ON o.id = r.target_id
                               WHERE r.requester_id = $1 AND r.status = 'accepted'
                                 AND o.is_private) AS sees_private,
                   ARRAY(SELECT art_object_id FROM favorites
                          WHERE user_id = $1 AND art_object_id = ANY($2::bigint[])) AS favorite_ids
            """,
            viewer_id,
            art_object_ids,
        )
    )


async def get_card(
    conn: Connection, viewer_id: int | None, art_object_id: int
) -> asyncpg.Record | None:
    return await conn.fetchrow(
        f"{CARD_SQL} WHERE a.id = $2 AND {VISIBLE_TO_VIEWER}", viewer_id, art_object_id
    )


async def insert_image(
    conn: Connection,
    content_hash: bytes,
    mime: str,
    width: int,
    height: int,
    size: int,
    keys: dict[str, str],
    placeholder: str,
    dominant_color: str,
) -> int | None:
    """None when the same content was minted already (or is being minted right now)."""
    return await fetch_optional(
        conn,
        int,
        """
        INSERT INTO images (content_hash, mime, width, height, bytes, original_key, thumb_key,
                            preview_key, placeholder, dominant_color, thumb_2x_key)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
        ON CONFLICT (content_hash) DO NOTHING
        RETURNING id
        """,
        content_hash,
        mime,
        width,
        height,
        size,
        keys["original"],
        keys["thumb"],
        keys["preview"],
        placeholder,
        dominant_color,
        keys.get("thumb_2x"),
    )


# pg_advisory_xact_lock key of "a mint is deciding whether it is a near copy" (any constant
# no other lock of this database uses; 'mint' in ASCII).
MINT_LOCK = 0x6D696E74


async def lock_minting(conn: Connection) -> None:
    """Until this transaction ends, no other mint passes this point (services/uploads._mint)."""
    await conn.execute("SELECT pg_advisory_xact_lock($1)", MINT_LOCK)


async def object_id_by_hash(conn: Connection, content_hash: bytes) -> int | None:
    return await fetch_optional(
        conn,
        int,
        """
        SELECT a.id FROM images i JOIN art_objects a ON a.image_id = i.id
         WHERE i.content_hash = $1
        """,
        content_hash,
    )


async def insert_art_object(
    conn: Connection, image_id: int, title: str, description: str, creator_id: int
) -> int:
    return await fetch_value(
        conn,
        int,
        """
        INSERT INTO art_objects (image_id, title, description, creator_id, owner_id)
        VALUES ($1, $2, $3, $4, $4) RETURNING id
        """,
        image_id,
        title,
        description,
        creator_id,
    )


async def story_heads(conn: Connection, art_object_ids: list[int]) -> list[asyncpg.Record]:
    """Number, author and mint time of each object (the head of its story)."""
    return await conn.fetch(
        """
        SELECT a.id, a.mint_number, a.created_at, a.creator_id,
               c.display_name AS creator_name, c.avatar_url AS creator_avatar
          FROM art_objects a JOIN users c ON c.id = a.creator_id
         WHERE a.id = ANY($1::bigint[])
        """,
        art_object_ids,
    )


async def set_profile_hidden(conn: Connection, art_object_id: int, hidden: bool) -> None:
    await conn.execute(
        "UPDATE art_objects SET profile_hidden = $2, updated_at = now() WHERE id = $1",
        art_object_id,
        hidden,
    )


async def lock(conn: Connection, art_object_id: int) -> asyncpg.Record | None:
    return await conn.fetchrow(
        "SELECT id, image_id, owner_id, creator_id FROM art_objects WHERE id = $1 FOR UPDATE",
        art_object_id,
    )


async def lock_visible(
    conn: Connection, viewer_id: int, art_object_id: int
) -> asyncpg.Record | None:
    """Row-lock the object if this viewer may see it; None when it is missing OR hidden, so
    callers answer both alike (no existence oracle over sequential ids)."""
    return await conn.fetchrow(
        f"""
        SELECT a.id, a.image_id, a.owner_id, a.creator_id
          FROM art_objects a JOIN users o ON o.id = a.owner_id
         WHERE a.id = $2 AND {VISIBLE_TO_VIEWER}
           FOR UPDATE OF a
        """,
        viewer_id,
        art_object_id,
    )


async def visible_owners(
    conn: Connection, viewer_id: int, art_object_ids: list[int]
) -> dict[int, int]:
    """Owner by object id, for the objects among `art_object_ids` this viewer may see."""
    rows = await conn.fetch(
        f"""
        SELECT a.id, a.owner_id FROM art_objects a JOIN users o ON o.id = a.owner_id
         WHERE a.id = ANY($2::bigint[]) AND {VISIBLE_TO_VIEWER}
        """,
        viewer_id,
        art_object_ids,
    )
    return {r["id"]: r["owner_id"] for r in rows}


async def share_keys(conn: Connection, ids: list[int]) -> None:
    """Take the key-share locks a row referencing these objects takes anyway (its foreign key
    check), but in id order first: an accept holds FOR UPDATE in id order, so rows inserted in
    another order could each wait for the other (a deadlock, seen as a 500 on trade accept)."""
    await conn.execute(
        """
        SELECT id FROM art_objects
         WHERE id = ANY($1::bigint[]) ORDER BY id FOR KEY SHARE
        """,
        ids,
    )


async def update_text(
    conn: Connection, art_object_id: int, title: str | None, description: str | None
) -> None:
    await conn.execute(
        """
        UPDATE art_objects SET title = coalesce($2, title),
                               description = coalesce($3, description),
                               updated_at = now()
         WHERE id = $1
        """,
        art_object_id,
        title,
        description,
    )


async def changed_hands(conn: Connection, art_object_id: int) -> bool:
    """Whether the object ever had another owner: the one thing that keeps it from deletion
    (provenance others rely on). Proposed or cancelled trades don't count."""
    return await fetch_value(
        conn,
        bool,
        """
        SELECT EXISTS (SELECT 1 FROM ownership_history h
                        WHERE h.art_object_id = $1 AND h.reason <> 'mint')
        """,
        art_object_id,
    )


async def delete_image(conn: Connection, image_id: int) -> asyncpg.Record:
    """Deletes the image and (by cascade) its art object; returns the file keys to remove."""
    return present(
        await conn.fetchrow(
            """
        DELETE FROM images WHERE id = $1
        RETURNING original_key, thumb_key, preview_key, thumb_2x_key
        """,
            image_id,
        )
    )


async def all_file_keys(conn: Connection) -> set[str]:
    rows = await conn.fetch("SELECT original_key, thumb_key, preview_key, thumb_2x_key FROM images")
    return {key for row in rows for key in row if key is not None}


async def images_without_placeholder(
    conn: Connection, limit: int, skip: list[int]
) -> list[asyncpg.Record]:
    """Images minted without a blurhash (admin SQL seeds), oldest first, except `skip`."""
    return await conn.fetch(
        """SELECT id, thumb_key FROM images
            WHERE placeholder = '' AND id <> ALL($2::bigint[]) ORDER BY id LIMIT $1""",
        limit,
        skip,
    )


async def set_placeholder(
    conn: Connection, image_id: int, placeholder: str, dominant_color: str
) -> asyncpg.Record | None:
    """The art object made of the image and its owner, when this call filled the placeholder
    (None when another process did already, or the image is gone)."""
    return await conn.fetchrow(
        """
        WITH filled AS (
            UPDATE images SET placeholder = $2, dominant_color = $3
             WHERE id = $1 AND placeholder = '' RETURNING id)
        SELECT a.id, a.owner_id FROM art_objects a JOIN filled ON a.image_id = filled.id
        """,
        image_id,
        placeholder,
        dominant_color,
    )

"""Issue 20: numbered originals, the object's story, gift notes and the showcase — on a real
PostgreSQL, with real concurrency, and live events through a real server process."""

import asyncio
from pathlib import Path

import asyncpg
import httpx
import pytest

from tests.images import unique_png
from tests.server_support import running_server
from tests.support import assert_invariants, bearer, mint_objects, sign_in, upload
from tests.test_realtime import Socket, latest_event_id, server_env


def uid(tokens: dict) -> int:
    return tokens["user"]["id"]


@pytest.fixture
async def people(client: httpx.AsyncClient) -> dict[str, dict]:
    names = ["anna", "boris", "chen", "dana"]
    return {name: await sign_in(client, i + 1, name) for i, name in enumerate(names)}


async def give(
    client: httpx.AsyncClient, giver: dict, photo_id: int, to: dict | None, note: str = ""
) -> httpx.Response:
    body: dict = {"photo_id": photo_id, "note": note}
    if to is not None:
        body["to_user_id"] = uid(to)
    return await client.post("/api/transfers", json=body, headers=bearer(giver))


# --- mint numbers -----------------------------------------------------------------------------


async def test_mint_numbers_are_unique_under_concurrent_uploads_and_admin_minting(
    client: httpx.AsyncClient, pool: asyncpg.Pool, people: dict
) -> None:
    anna, boris = people["anna"], people["boris"]
    uploads = [upload(client, (anna, boris)[i % 2], unique_png(500 + i)) for i in range(8)]
    minted_in_sql = [mint_objects(pool, uid(anna), 3, start=100 * k) for k in range(1, 4)]
    results = await asyncio.gather(*uploads, *minted_in_sql)
    assert all(r.status_code == 201 for r in results[:8]), [r.text for r in results[:8]]
    # A mint that rolls back takes a number and leaves a gap; numbers are never handed twice.
    with pytest.raises(asyncpg.CheckViolationError):
        async with pool.acquire() as conn, conn.transaction():
            await conn.execute("SELECT nextval('art_objects_mint_number_seq')")
            await conn.execute(
                "INSERT INTO transfers (art_object_id, from_user_id, status) VALUES (1, 1, 'bogus')"
            )
    more = await upload(client, anna, unique_png(999))
    rows = await pool.fetch("SELECT id, mint_number FROM art_objects ORDER BY id")
    numbers = [r["mint_number"] for r in rows]
    assert len(rows) == 18 and len(set(numbers)) == 18 and min(numbers) >= 1
    assert more.json()["mint_number"] == max(numbers)
    # The API shows the same number everywhere the object appears.
    by_id = {r["id"]: r["mint_number"] for r in rows}
    listing = (await client.get("/api/photos", params={"limit": 100})).json()["items"]
    assert {p["id"]: p["mint_number"] for p in listing} == by_id
    photo = more.json()
    event = await pool.fetchval(
        "SELECT data FROM events WHERE type = 'photo.created' AND (data->>'id')::bigint = $1",
        photo["id"],
    )
    assert event["mint_number"] == photo["mint_number"]


async def test_mint_number_is_kept_through_transfers_and_shown_in_exchange_payloads(
    client: httpx.AsyncClient, pool: asyncpg.Pool, people: dict
) -> None:
    anna, boris = people["anna"], people["boris"]
    [a1, a2] = await mint_objects(pool, uid(anna), 2)
    [b1] = await mint_objects(pool, uid(boris), 1, start=10)
    number = await pool.fetchval("SELECT mint_number FROM art_objects WHERE id = $1", a1)
    gift = (await give(client, anna, a1, boris)).json()
    assert gift["photo"]["mint_number"] == number
    assert (await client.get(f"/api/photos/{a1}")).json()["mint_number"] == number
    code = (await give(client, anna, a2, None)).json()
    preview = (
        await client.post(
            "/api/transfers/claim/preview",
            json={"token": code["claim_token"]},
            headers=bearer(boris),
        )
    ).json()
    a2_number = await pool.fetchval("SELECT mint_number FROM art_objects WHERE id = $1", a2)
    assert preview["photo"]["mint_number"] == preview["story"]["mint_number"] == a2_number
    trade = await client.post(
        "/api/trades",
        json={"offered_photo_ids": [b1], "requested_photo_ids": [a2], "recipient_id": uid(anna)},
        headers=bearer(boris),
    )
    assert trade.status_code == 201, trade.text
    assert trade.json()["offered"][0]["mint_number"] == await pool.fetchval(
        "SELECT mint_number FROM art_objects WHERE id = $1", b1
    )
    # The transfer.updated event (built in SQL when a move cancels a code) carries it too.
    accepted = await client.post(f"/api/trades/{trade.json()['id']}/accept", headers=bearer(anna))
    assert accepted.status_code == 200, accepted.text
    cancelled = await pool.fetchval(
        "SELECT data FROM events WHERE type = 'transfer.updated' AND data->>'status' = 'cancelled' ORDER BY id DESC LIMIT 1"
    )
    assert cancelled["photo"]["mint_number"] == a2_number
    assert await pool.fetchval("SELECT mint_number FROM art_objects WHERE id = $1", a1) == number
    await assert_invariants(pool)


# --- the story and the giver's note ----------------------------------------------------------


async def test_story_equals_provenance_and_respects_privacy_for_every_viewer(
    client: httpx.AsyncClient, pool: asyncpg.Pool, people: dict
) -> None:
    anna, boris, chen, dana = people["anna"], people["boris"], people["chen"], people["dana"]
    [obj] = await mint_objects(pool, uid(anna), 1)
    assert (await give(client, anna, obj, boris, note="For your birthday!")).status_code == 201
    # Boris goes private; Dana asks and is accepted, Chen is not.
    assert (
        await client.patch("/api/me", json={"is_private": True}, headers=bearer(boris))
    ).status_code == 200
    asked = await client.post(
        "/api/profile_requests", json={"user_id": uid(boris)}, headers=bearer(dana)
    )
    assert (
        await client.post(
            f"/api/profile_requests/{asked.json()['id']}/accept", headers=bearer(boris)
        )
    ).status_code == 200
    code = (await give(client, boris, obj, None, note="Take good care of it")).json()

    viewers = {"anonymous": None, "chen": chen, "dana": dana, "boris": boris, "anna": anna}
    for name, tokens in viewers.items():
        headers = bearer(tokens) if tokens else {}
        preview = await client.post(
            "/api/transfers/claim/preview", json={"token": code["claim_token"]}, headers=headers
        )
        assert preview.status_code == 200, (name, preview.text)
        story = preview.json()["story"]
        assert preview.json()["note"] == "Take good care of it"
        assert story["creator"]["id"] == uid(anna) and story["minted_at"]
        if name in ("boris", "dana"):  # may see Boris's collection: the object itself
            history = (await client.get(f"/api/photos/{obj}/history", headers=headers)).json()
            assert story["provenance"] == history
            assert (await client.get(f"/api/photos/{obj}/story", headers=headers)).json() == story
        else:  # a private owner's object is not found for them; its story shows only via the code
            assert (
                await client.get(f"/api/photos/{obj}/history", headers=headers)
            ).status_code == 404
        mint, gift = story["provenance"]
        assert mint["to_user"]["id"] == uid(anna) and mint["reason"] == "mint"
        sees_boris = name in ("boris", "dana")
        assert (gift["to_user"] is not None) == sees_boris
        assert gift["to_private"] is (not sees_boris)
        if not sees_boris:  # "a private collector" and nothing more
            assert "Boris" not in preview.text.replace(preview.json()["giver"]["display_name"], "")
        assert gift["note"] == "For your birthday!"


async def test_note_is_validated_shown_to_the_recipient_and_hidden_on_request(
    client: httpx.AsyncClient, pool: asyncpg.Pool, people: dict
) -> None:
    anna, boris, chen = people["anna"], people["boris"], people["chen"]
    [obj, other] = await mint_objects(pool, uid(anna), 2)
    too_long = await give(client, anna, obj, boris, note="я" * 281)
    assert too_long.status_code == 422 and too_long.json()["detail"]["code"] == "note_too_long"
    assert await pool.fetchval("SELECT owner_id FROM art_objects WHERE id = $1", obj) == uid(anna)
    exactly = await give(client, anna, obj, boris, note="я" * 280)
    assert exactly.status_code == 201 and exactly.json()["note"] == "я" * 280
    received = (
        await client.get("/api/transfers", params={"role": "received"}, headers=bearer(boris))
    ).json()["items"]
    assert received[0]["note"] == "я" * 280
    transfer_id = exactly.json()["id"]

    # Only the recipient hides it; then only the two parties read it.
    assert (
        await client.put(
            f"/api/transfers/{transfer_id}/note", json={"hidden": True}, headers=bearer(anna)
        )
    ).status_code == 404
    hidden = await client.put(
        f"/api/transfers/{transfer_id}/note", json={"hidden": True}, headers=bearer(boris)
    )
    assert hidden.status_code == 200 and hidden.json()["note_hidden"] is True

    async def note_seen(tokens: dict | None) -> tuple[str | None, bool]:
        headers = bearer(tokens) if tokens else {}
        entry = (await client.get(f"/api/photos/{obj}/history", headers=headers)).json()[-1]
        return entry["note"], entry["note_hidden"]

    assert await note_seen(boris) == ("я" * 280, True)
    assert await note_seen(anna) == ("я" * 280, True)
    assert await note_seen(chen) == (None, False)
    assert await note_seen(None) == (None, False)
    shown = await client.put(
        f"/api/transfers/{transfer_id}/note", json={"hidden": False}, headers=bearer(boris)
    )
    assert shown.json()["note_hidden"] is False
    assert await note_seen(chen) == ("я" * 280, False)
    # A claim code carries its note to whoever claims it, and provenance keeps it.
    code = (await give(client, anna, other, None, note="  for the collection  ")).json()
    assert code["note"] == "for the collection"
    claimed = await client.post(
        "/api/transfers/claim", json={"token": code["claim_token"]}, headers=bearer(chen)
    )
    assert claimed.status_code == 200 and claimed.json()["note"] == "for the collection"
    assert (await client.get(f"/api/photos/{other}/history")).json()[-1][
        "note"
    ] == "for the collection"


async def test_incoming_trade_tells_the_story_of_what_is_offered(
    client: httpx.AsyncClient, pool: asyncpg.Pool, people: dict
) -> None:
    anna, boris = people["anna"], people["boris"]
    [a1] = await mint_objects(pool, uid(anna), 1)
    [b1] = await mint_objects(pool, uid(boris), 1, start=10)
    trade = await client.post(
        "/api/trades",
        json={"offered_photo_ids": [a1], "requested_photo_ids": [b1], "recipient_id": uid(boris)},
        headers=bearer(anna),
    )
    incoming = (await client.get(f"/api/trades/{trade.json()['id']}", headers=bearer(boris))).json()
    [story] = incoming["stories"]
    assert story["photo_id"] == a1 and story["creator"]["id"] == uid(anna)
    assert (
        story["provenance"]
        == (await client.get(f"/api/photos/{a1}/history", headers=bearer(boris))).json()
    )


# --- the showcase -------------------------------------------------------------------------------


async def test_showcase_pins_limit_order_and_hidden_objects(
    client: httpx.AsyncClient, pool: asyncpg.Pool, people: dict
) -> None:
    anna, boris, chen = people["anna"], people["boris"], people["chen"]
    ids = await mint_objects(pool, uid(anna), 8)
    [theirs] = await mint_objects(pool, uid(boris), 1, start=50)

    async def pin(tokens: dict, photo_ids: list[int]) -> httpx.Response:
        return await client.put(
            "/api/me/showcase", json={"photo_ids": photo_ids}, headers=bearer(tokens)
        )

    full = await pin(anna, ids[:7])
    assert full.status_code == 422 and full.json()["detail"]["code"] == "showcase_full"
    twice = await pin(anna, [ids[0], ids[0]])
    assert twice.json()["detail"]["code"] == "showcase_duplicate"
    not_mine = await pin(anna, [ids[0], theirs])
    assert not_mine.status_code == 422 and not_mine.json()["detail"]["code"] == "showcase_not_yours"
    order = [ids[5], ids[1], ids[3]]
    assert [p["id"] for p in (await pin(anna, order)).json()["items"]] == order
    seen = (await client.get(f"/api/users/{uid(anna)}/showcase", headers=bearer(chen))).json()
    assert [p["id"] for p in seen["items"]] == order
    reordered = [ids[3], ids[5], ids[1], ids[0], ids[2], ids[4]]
    assert [p["id"] for p in (await pin(anna, reordered)).json()["items"]] == reordered

    # Hiding one: it leaves the showcase and others' "by owner" view; the owner still sees it,
    # and so does the whole gallery and its provenance.
    hide = await client.put(
        f"/api/photos/{ids[5]}/profile-hidden", json={"hidden": True}, headers=bearer(anna)
    )
    assert hide.status_code == 200 and hide.json()["profile_hidden"] is True
    assert (
        await client.put(
            f"/api/photos/{ids[5]}/profile-hidden", json={"hidden": True}, headers=bearer(chen)
        )
    ).status_code == 403
    assert ids[5] not in [
        p["id"] for p in (await client.get(f"/api/users/{uid(anna)}/showcase")).json()["items"]
    ]
    by_owner = {
        name: [
            p["id"]
            for p in (
                await client.get(
                    "/api/photos", params={"owner_id": uid(anna), "limit": 50}, headers=h
                )
            ).json()["items"]
        ]
        for name, h in (("chen", bearer(chen)), ("anonymous", {}), ("anna", bearer(anna)))
    }
    profile = (await client.get(f"/api/users/{uid(anna)}/photos", headers=bearer(chen))).json()[
        "items"
    ]
    assert (
        ids[5] not in by_owner["chen"]
        and ids[5] not in by_owner["anonymous"]
        and ids[5] not in [p["id"] for p in profile]
    )
    assert ids[5] in by_owner["anna"]
    assert ids[5] in [
        p["id"] for p in (await client.get("/api/photos", params={"limit": 50})).json()["items"]
    ]
    assert (await client.get(f"/api/photos/{ids[5]}/history")).status_code == 200
    hidden_pin = await pin(anna, [ids[5]])
    assert hidden_pin.json()["detail"]["code"] == "showcase_not_yours"

    # A pinned object that changes hands leaves the old owner's showcase; a hidden one is shown
    # on its new owner's profile.
    assert (await give(client, anna, ids[3], boris)).status_code == 201
    assert (await give(client, anna, ids[5], boris)).status_code == 201
    after = [
        p["id"] for p in (await client.get(f"/api/users/{uid(anna)}/showcase")).json()["items"]
    ]
    assert after == [ids[1], ids[0], ids[2], ids[4]]
    boris_view = [
        p["id"]
        for p in (
            await client.get("/api/photos", params={"owner_id": uid(boris)}, headers=bearer(chen))
        ).json()["items"]
    ]
    assert ids[5] in boris_view
    await assert_invariants(pool)


async def test_showcase_changes_reach_other_viewers_live(
    database_url: str, upload_dir: Path, pool: asyncpg.Pool
) -> None:
    async with (
        running_server(server_env(database_url, upload_dir)) as base,
        httpx.AsyncClient(base_url=base) as api,
    ):
        anna, chen = await sign_in(api, 41, "anna"), await sign_in(api, 42, "chen")
        ids = await mint_objects(pool, uid(anna), 3, start=70)
        viewer = await Socket.open(base, chen["access_token"], after=await latest_event_id(pool))
        pinned = await api.put(
            "/api/me/showcase", json={"photo_ids": [ids[2], ids[0]]}, headers=bearer(anna)
        )
        assert pinned.status_code == 200, pinned.text
        event = await viewer.next_event()
        assert event["type"] == "showcase.updated"
        assert event["data"] == {"user_id": uid(anna), "photo_ids": [ids[2], ids[0]]}
        await api.put(
            f"/api/photos/{ids[2]}/profile-hidden", json={"hidden": True}, headers=bearer(anna)
        )
        unpinned = await viewer.next_event()
        assert unpinned["type"] == "showcase.updated" and unpinned["data"]["photo_ids"] == [ids[0]]
        updated = await viewer.next_event()
        assert updated["type"] == "photo.updated" and updated["data"]["profile_hidden"] is True

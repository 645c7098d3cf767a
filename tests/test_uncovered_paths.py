"""Paths the coverage run left untested (issue 24 item 5): each test drives one refusal or
branch of services/ or repositories/ from outside, and checks its status and machine code."""

import base64
import time
from pathlib import Path

import asyncpg
import httpx
import pytest

from app.core import security
from app.core.config import Settings
from app.services import login_guard, notifications, qr
from tests.conftest import app_client_for, make_settings
from tests.support import bearer, mint_objects, sign_in


@pytest.fixture
async def people(client: httpx.AsyncClient) -> dict[str, dict]:
    return {
        name: await sign_in(client, i + 1, name) for i, name in enumerate(["anna", "boris", "chen"])
    }


def uid(tokens: dict) -> int:
    return int(tokens["user"]["id"])


def code(response: httpx.Response) -> str:
    return str(response.json()["detail"]["code"])


# --- services/qr.py ---------------------------------------------------------------------------


async def test_qr_cache_forgets_its_oldest_link_past_its_size(
    client: httpx.AsyncClient, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(qr, "CACHE_SIZE", 2)
    qr._CACHE.clear()
    links = [f"{settings.miniapp_link}?startapp=trade_evict{i}" for i in range(3)]
    for link in links:
        response = await client.get("/api/qr.png", params={"data": link})
        assert response.status_code == 200 and response.content.startswith(b"\x89PNG")
    assert list(qr._CACHE) == links[1:]


# --- services/trades.py -----------------------------------------------------------------------


async def test_trade_asking_for_ones_own_object_is_refused(
    client: httpx.AsyncClient, pool: asyncpg.Pool, people: dict
) -> None:
    anna = people["anna"]
    first, second = await mint_objects(pool, uid(anna), 2)
    response = await client.post(
        "/api/trades",
        json={"offered_photo_ids": [first], "requested_photo_ids": [second]},
        headers=bearer(anna),
    )
    assert response.status_code == 422
    assert code(response) == "trade_already_owned"


# --- services/transfers.py --------------------------------------------------------------------


async def test_gift_return_refusals(
    client: httpx.AsyncClient, pool: asyncpg.Pool, people: dict
) -> None:
    anna, boris, chen = people["anna"], people["boris"], people["chen"]
    gifted, passed_on = await mint_objects(pool, uid(anna), 2)
    gift = await client.post(
        "/api/transfers", json={"photo_id": gifted, "to_user_id": uid(boris)}, headers=bearer(anna)
    )
    assert gift.status_code == 201, gift.text
    gift_id = gift.json()["id"]
    # Not the recipient: the gift is "not found" for them.
    stranger = await client.post(f"/api/transfers/{gift_id}/return", headers=bearer(chen))
    assert stranger.status_code == 404 and code(stranger) == "transfer_not_found"
    returned = await client.post(f"/api/transfers/{gift_id}/return", headers=bearer(boris))
    assert returned.status_code == 200, returned.text
    twice = await client.post(f"/api/transfers/{gift_id}/return", headers=bearer(boris))
    assert twice.status_code == 409 and code(twice) == "gift_not_returnable"

    # A claimed code is not returnable: claiming was consent.
    made = await client.post("/api/transfers", json={"photo_id": passed_on}, headers=bearer(anna))
    claimed = await client.post(
        "/api/transfers/claim", json={"token": made.json()["claim_token"]}, headers=bearer(boris)
    )
    assert claimed.status_code == 200, claimed.text
    claim_back = await client.post(
        f"/api/transfers/{claimed.json()['id']}/return", headers=bearer(boris)
    )
    assert claim_back.status_code == 409 and code(claim_back) == "gift_not_returnable"

    # A gift passed on to someone else can no longer be sent back.
    again = await client.post(
        "/api/transfers", json={"photo_id": gifted, "to_user_id": uid(boris)}, headers=bearer(anna)
    )
    assert again.status_code == 201, again.text
    onward = await client.post(
        "/api/transfers", json={"photo_id": gifted, "to_user_id": uid(chen)}, headers=bearer(boris)
    )
    assert onward.status_code == 201, onward.text
    gone = await client.post(f"/api/transfers/{again.json()['id']}/return", headers=bearer(boris))
    assert gone.status_code == 409 and code(gone) == "gift_not_returnable"


async def test_transfers_of_others_are_not_found(
    client: httpx.AsyncClient, pool: asyncpg.Pool, people: dict
) -> None:
    anna, boris, chen = people["anna"], people["boris"], people["chen"]
    coded, gifted = await mint_objects(pool, uid(anna), 2)
    made = await client.post("/api/transfers", json={"photo_id": coded}, headers=bearer(anna))
    assert made.status_code == 201, made.text
    code_id = made.json()["id"]
    replace = await client.post(f"/api/transfers/{code_id}/replace", headers=bearer(chen))
    assert replace.status_code == 404 and code(replace) == "transfer_not_found"
    cancel = await client.post(f"/api/transfers/{code_id}/cancel", headers=bearer(chen))
    assert cancel.status_code == 404 and code(cancel) == "transfer_not_found"
    gift = await client.post(
        "/api/transfers", json={"photo_id": gifted, "to_user_id": uid(boris)}, headers=bearer(anna)
    )
    note = await client.put(
        f"/api/transfers/{gift.json()['id']}/note", json={"hidden": True}, headers=bearer(chen)
    )
    assert note.status_code == 404 and code(note) == "transfer_not_found"


async def test_preview_of_an_unknown_claim_code(client: httpx.AsyncClient, people: dict) -> None:
    response = await client.post(
        "/api/transfers/claim/preview", json={"token": "y" * 32}, headers=bearer(people["boris"])
    )
    assert response.status_code == 404 and code(response) == "claim_not_found"


async def test_pending_code_is_not_shown_again_after_the_secret_changed(
    client: httpx.AsyncClient, pool: asyncpg.Pool, people: dict, settings: Settings
) -> None:
    anna = people["anna"]
    [obj] = await mint_objects(pool, uid(anna), 1)
    made = await client.post("/api/transfers", json={"photo_id": obj}, headers=bearer(anna))
    assert made.status_code == 201, made.text
    shown = await client.get(
        "/api/transfers/pending-code", params={"photo_id": obj}, headers=bearer(anna)
    )
    assert shown.status_code == 200 and shown.json()["id"] == made.json()["id"]
    rotated = make_settings(
        settings.database_url, settings.upload_dir, jwt_secret="rotated-secret-" + "y" * 32
    )
    async with app_client_for(rotated) as other:
        again = await sign_in(other, 1, "anna")
        assert uid(again) == uid(anna)
        lost = await other.get(
            "/api/transfers/pending-code", params={"photo_id": obj}, headers=bearer(again)
        )
    assert lost.status_code == 200 and lost.json() is None


# --- services/photos.py -----------------------------------------------------------------------


async def test_favourite_twice_and_unfavourite_twice_change_nothing(
    client: httpx.AsyncClient, pool: asyncpg.Pool, people: dict
) -> None:
    anna, boris = people["anna"], people["boris"]
    [obj] = await mint_objects(pool, uid(anna), 1)
    url = f"/api/photos/{obj}/favorite"
    first = await client.put(url, headers=bearer(boris))
    assert first.json() == {"is_favorite": True, "favorites_count": 1}
    events = await pool.fetchval("SELECT count(*) FROM events")
    second = await client.put(url, headers=bearer(boris))
    assert second.status_code == 200
    assert second.json() == {"is_favorite": True, "favorites_count": 1}
    assert await pool.fetchval("SELECT count(*) FROM events") == events  # nothing announced
    removed = await client.delete(url, headers=bearer(boris))
    assert removed.json() == {"is_favorite": False, "favorites_count": 0}
    events = await pool.fetchval("SELECT count(*) FROM events")
    removed_again = await client.delete(url, headers=bearer(boris))
    assert removed_again.status_code == 200
    assert removed_again.json() == {"is_favorite": False, "favorites_count": 0}
    assert await pool.fetchval("SELECT count(*) FROM events") == events


# --- services/profile_requests.py -------------------------------------------------------------


async def test_profile_request_decided_twice(client: httpx.AsyncClient, people: dict) -> None:
    anna, boris = people["anna"], people["boris"]
    asked = await client.post(
        "/api/profile_requests", json={"user_id": uid(anna)}, headers=bearer(boris)
    )
    assert asked.status_code == 201, asked.text
    request_id = asked.json()["id"]
    declined = await client.post(
        f"/api/profile_requests/{request_id}/decline", headers=bearer(anna)
    )
    assert declined.status_code == 200 and declined.json()["status"] == "declined"
    # The same answer again: the request as it is, unchanged.
    again = await client.post(f"/api/profile_requests/{request_id}/decline", headers=bearer(anna))
    assert again.status_code == 200 and again.json()["status"] == "declined"
    # Accepting a request no longer pending is refused.
    late = await client.post(f"/api/profile_requests/{request_id}/accept", headers=bearer(anna))
    assert late.status_code == 409 and code(late) == "profile_request_not_pending"
    assert late.json()["detail"]["status"] == "declined"


# --- services/auth_password.py, repositories/users.py -----------------------------------------


async def test_register_a_taken_username(client: httpx.AsyncClient) -> None:
    body = {"username": "taken_name", "password": "first-password"}
    first = await client.post("/api/auth/register", json=body)
    assert first.status_code == 201, first.text
    second = await client.post(
        "/api/auth/register", json={"username": "taken_name", "password": "other-password"}
    )
    assert second.status_code == 409 and code(second) == "username_taken"


async def test_first_password_with_someone_elses_username(client: httpx.AsyncClient) -> None:
    """A messenger user picking a taken username with their first password: the unique index
    refuses the UPDATE (repositories/users.set_credentials) and the answer is username_taken."""
    taken = await client.post(
        "/api/auth/register", json={"username": "owner_of_name", "password": "first-password"}
    )
    assert taken.status_code == 201, taken.text
    anna = await sign_in(client, 1, "anna")  # a fresh messenger sign-in, no password yet
    response = await client.put(
        "/api/me/password",
        json={"password": "anna-password", "username": "owner_of_name"},
        headers=bearer(anna),
    )
    assert response.status_code == 409 and code(response) == "username_taken"


async def test_password_change_with_a_session_id_that_is_no_uuid(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    """An access token whose session id is not a UUID (none this server mints, but the claim is
    only a string): the change still works and, keeping no session, signs out every other."""
    anna = await sign_in(client, 1, "anna")
    token = security.create_access_token(
        uid(anna),
        settings.jwt_secret,
        600,
        session_id="not-a-uuid",
        auth_time=int(time.time()),
        amr=("messenger",),
    )
    response = await client.put(
        "/api/me/password",
        json={"password": "anna-password", "username": "anna_name"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["revoked_sessions"] == 1  # anna's messenger session, not kept


# --- services/listing.py ----------------------------------------------------------------------


async def test_cursor_with_a_time_without_zone_is_refused(client: httpx.AsyncClient) -> None:
    raw = b"2026-01-01T00:00:00|5"
    cursor = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    response = await client.get("/api/photos", params={"cursor": cursor})
    assert response.status_code == 422 and code(response) == "invalid_cursor"


# --- services/login_guard.py ------------------------------------------------------------------


def test_local_login_counts_forget_the_oldest_name_past_their_bound(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(login_guard, "MAX_LOCAL_NAMES", 2)
    counts = login_guard._LocalCounts(settings)
    for name in ("first", "second", "third"):
        assert counts.attempt(name) == 1
    assert list(counts.names) == ["second", "third"]
    assert counts.attempt("first") == 1  # forgotten: counted from the start again


# --- services/notifications.py ----------------------------------------------------------------


def test_trade_of_more_photos_than_listed_names_their_count() -> None:
    offered = [{"id": i, "title": f"Photo {i}"} for i in range(notifications.TITLES_LISTED + 1)]
    data = {
        "id": 7,
        "status": "pending",
        "proposer": {"id": 1, "display_name": "Anna"},
        "recipient": {"id": 2, "display_name": "Boris"},
        "offered": offered,
        "requested": [{"id": 99, "title": "Sea"}],
    }
    [derived] = notifications.derive("trade.created", data, [1, 2])
    assert derived.user_id == 2 and derived.kind == "trade_offered"
    message, _ = notifications.render(derived.kind, derived.args, "en")
    count = notifications.text("en", "photos", count=len(offered))
    assert count in message and "“Sea”" in message and "Photo 0" not in message


def test_an_event_that_notifies_nobody() -> None:
    # auth.qr_approved has an audience (an empty one) but makes no notification.
    assert notifications.derive("auth.qr_approved", {"request_id": "r"}, []) == []
    assert notifications.derive("user.updated", {"id": 1}, [1]) == []


# --- services/importer.py ---------------------------------------------------------------------


async def test_import_refuses_a_file_larger_than_the_upload_limit(
    database_url: str,
    upload_dir: Path,
    pool: asyncpg.Pool,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.images import unique_png
    from tests.test_cli import run_cli

    await pool.execute("INSERT INTO users (username, display_name) VALUES ('curator', 'C')")
    small, big = unique_png(1, (32, 32)), unique_png(2, (640, 480))
    assert len(small) < len(big)
    folder = tmp_path / "incoming"
    folder.mkdir()
    (folder / "small.png").write_bytes(small)
    (folder / "big.png").write_bytes(big)
    monkeypatch.setenv("MAX_UPLOAD_BYTES", str(len(big) - 1))
    result = run_cli(database_url, upload_dir, "import-photos", str(folder), "--owner", "curator")
    assert result.returncode == 0, result.stderr
    assert "refused: big.png: larger than MAX_UPLOAD_BYTES" in result.stdout
    assert "imported 1, duplicates skipped 0, refused 1" in result.stdout
    assert await pool.fetchval("SELECT array_agg(title) FROM art_objects") == ["small"]


async def test_replacing_a_direct_gift_and_a_code_qr_with_a_wrong_token(
    client: httpx.AsyncClient, pool: asyncpg.Pool, people: dict
) -> None:
    anna, boris = people["anna"], people["boris"]
    gifted, coded = await mint_objects(pool, uid(anna), 2)
    gift = await client.post(
        "/api/transfers", json={"photo_id": gifted, "to_user_id": uid(boris)}, headers=bearer(anna)
    )
    returned = await client.post(
        f"/api/transfers/{gift.json()['id']}/return", headers=bearer(boris)
    )
    assert returned.status_code == 200, returned.text
    # Anna owns the object again, but her gift was never a code: nothing to replace.
    replace = await client.post(f"/api/transfers/{gift.json()['id']}/replace", headers=bearer(anna))
    assert replace.status_code == 404 and code(replace) == "transfer_not_found"

    made = await client.post("/api/transfers", json={"photo_id": coded}, headers=bearer(anna))
    url = f"/api/transfers/{made.json()['id']}/qr.png"
    right = await client.get(
        url, headers={**bearer(anna), "X-Link-Token": made.json()["claim_token"]}
    )
    assert right.status_code == 200 and right.content.startswith(b"\x89PNG")
    wrong = await client.get(url, headers={**bearer(anna), "X-Link-Token": "z" * 32})
    assert wrong.status_code == 404 and code(wrong) == "transfer_not_found"


async def test_pending_code_of_an_object_without_one(
    client: httpx.AsyncClient, pool: asyncpg.Pool, people: dict
) -> None:
    anna = people["anna"]
    [obj] = await mint_objects(pool, uid(anna), 1)
    none = await client.get(
        "/api/transfers/pending-code", params={"photo_id": obj}, headers=bearer(anna)
    )
    assert none.status_code == 200 and none.json() is None
    made = await client.post("/api/transfers", json={"photo_id": obj}, headers=bearer(anna))
    assert made.status_code == 201, made.text
    shown = await client.get(
        "/api/transfers/pending-code", params={"photo_id": obj}, headers=bearer(anna)
    )
    assert shown.status_code == 200 and shown.json()["id"] == made.json()["id"]

"""Sign-in over HTTP against a real database."""

import asyncio
import base64
import json
import time

import asyncpg
import httpx
import pytest
from jose import jwt

from app.core.security import create_access_token
from tests.support import TELEGRAM_BOT_TOKEN, bearer, make_init_data, sign_in

SECRET = "test-secret-" + "x" * 32


async def test_max_sign_in_creates_then_updates_user(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    first = await sign_in(client, 42, "Anna")
    assert first["token_type"] == "bearer" and first["expires_in"] == 900
    assert first["user"]["messenger"] == "max" and first["user"]["display_name"] == "Anna"
    second = await sign_in(client, 42, "Anna Renamed")
    assert second["user"]["id"] == first["user"]["id"]
    assert second["user"]["display_name"] == "Anna Renamed"
    assert await pool.fetchval("SELECT count(*) FROM users") == 1


async def test_telegram_and_max_same_id_are_different_people(client: httpx.AsyncClient) -> None:
    max_user = await sign_in(client, 77, "On Max")
    raw = make_init_data(bot_token=TELEGRAM_BOT_TOKEN, user={"id": 77, "first_name": "On TG"})
    response = await client.post("/api/auth/telegram", json={"init_data": raw})
    assert response.status_code == 200
    assert response.json()["user"]["id"] != max_user["user"]["id"]
    assert response.json()["user"]["messenger"] == "telegram"


async def test_max_init_data_refused_by_telegram_endpoint(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/auth/telegram", json={"init_data": make_init_data()})
    assert response.status_code == 401
    assert response.json()["detail"]["code"] == "init_data_invalid"


@pytest.mark.parametrize(
    "init_data",
    [
        make_init_data(auth_date=int(time.time()) - 2 * 86400),
        make_init_data(auth_date=int(time.time()) + 86400),
        make_init_data().replace("Anna", "Mallory"),
        "hash=abc",
        "%%%",
    ],
    ids=["stale", "future", "tampered", "only-hash", "garbage"],
)
async def test_bad_init_data_is_401(client: httpx.AsyncClient, init_data: str) -> None:
    response = await client.post("/api/auth/max", json={"init_data": init_data})
    assert response.status_code == 401
    assert response.json()["detail"]["code"] in {"init_data_invalid", "init_data_expired"}


async def test_missing_init_data_is_422(client: httpx.AsyncClient) -> None:
    assert (await client.post("/api/auth/max", json={})).status_code == 422
    assert (await client.post("/api/auth/max", content=b"not json")).status_code == 422


async def test_register_login_and_rules(client: httpx.AsyncClient) -> None:
    created = await client.post(
        "/api/auth/register", json={"username": "Anna", "password": "correct horse"}
    )
    assert created.status_code == 201
    assert created.json()["user"]["has_password"] is True
    taken = await client.post(
        "/api/auth/register", json={"username": "anna", "password": "another one"}
    )
    assert taken.status_code == 409
    ok = await client.post(
        "/api/auth/login", json={"username": "ANNA", "password": "correct horse"}
    )
    assert ok.status_code == 200
    wrong = await client.post(
        "/api/auth/login", json={"username": "anna", "password": "wrong horse"}
    )
    assert wrong.status_code == 401
    nobody = await client.post(
        "/api/auth/login", json={"username": "nobody", "password": "whatever1"}
    )
    assert nobody.status_code == 401
    assert wrong.json()["detail"] == nobody.json()["detail"]
    assert wrong.json()["detail"]["code"] == "invalid_credentials"


@pytest.mark.parametrize(
    ("username", "password", "status"),
    [
        ("ab", "long enough", 422),
        ("bad name!", "long enough", 422),
        ("fine_name", "short", 422),
        ("fine_name", "я" * 40, 422),  # 80 bytes in UTF-8: over bcrypt's 72
        ("fine_name", "x" * 72, 201),
    ],
)
async def test_password_rules(
    client: httpx.AsyncClient, username: str, password: str, status: int
) -> None:
    response = await client.post(
        "/api/auth/register", json={"username": username, "password": password}
    )
    assert response.status_code == status, response.text
    if status == 422 and len(password.encode()) > 72:
        assert response.json()["detail"]["code"] == "password_too_long"


async def test_refresh_rotates_and_reuse_revokes_family(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    tokens = await sign_in(client)
    first = await client.post("/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert first.status_code == 200
    rotated = first.json()
    assert rotated["refresh_token"] != tokens["refresh_token"]
    # The spent token comes back (stolen copy) after the grace window (tests/test_sessions.py
    # covers the window): refused, and the family dies with it.
    await pool.execute("UPDATE refresh_tokens SET used_at = used_at - interval '1 minute'")
    reuse = await client.post("/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert reuse.status_code == 401
    assert reuse.json()["detail"]["code"] == "refresh_token_reused"
    after = await client.post("/api/auth/refresh", json={"refresh_token": rotated["refresh_token"]})
    assert after.status_code == 401


async def test_logout_revokes_refresh(client: httpx.AsyncClient) -> None:
    tokens = await sign_in(client)
    assert (
        await client.post("/api/auth/logout", json={"refresh_token": tokens["refresh_token"]})
    ).status_code == 204
    again = await client.post("/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert again.status_code == 401


def _forge(header: dict, payload: dict, signature: bytes = b"") -> str:
    def part(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    return ".".join(
        [part(json.dumps(header).encode()), part(json.dumps(payload).encode()), part(signature)]
    )


@pytest.mark.parametrize(
    "token",
    [
        create_access_token(1, SECRET, ttl=-10),
        create_access_token(1, "another-secret", ttl=600),
        jwt.encode(
            {"sub": "1", "type": "access", "exp": int(time.time()) + 600}, SECRET, algorithm="HS512"
        ),
        _forge(
            {"alg": "none", "typ": "JWT"},
            {"sub": "1", "type": "access", "exp": int(time.time()) + 600},
        ),
        jwt.encode(
            {"sub": "1", "type": "refresh", "exp": int(time.time()) + 600},
            SECRET,
            algorithm="HS256",
        ),
        jwt.encode({"sub": "1", "type": "access"}, SECRET, algorithm="HS256"),
        "not.a.jwt",
    ],
    ids=["expired", "wrong-secret", "hs512", "alg-none", "wrong-type", "no-exp", "garbage"],
)
async def test_bad_access_tokens_are_401(client: httpx.AsyncClient, token: str) -> None:
    await sign_in(client)
    response = await client.get("/api/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


async def test_tampered_payload_is_401(client: httpx.AsyncClient) -> None:
    tokens = await sign_in(client)
    header, payload, signature = tokens["access_token"].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["sub"] = "2"
    forged_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    response = await client.get(
        "/api/me", headers={"Authorization": f"Bearer {header}.{forged_payload}.{signature}"}
    )
    assert response.status_code == 401


async def test_me_read_update_and_password(client: httpx.AsyncClient) -> None:
    tokens = await sign_in(client, 5, "Phone User")
    assert (await client.get("/api/me")).status_code == 401
    me = await client.get("/api/me", headers=bearer(tokens))
    assert me.json()["has_password"] is False
    patched = await client.patch(
        "/api/me", json={"display_name": "Renamed", "is_private": True}, headers=bearer(tokens)
    )
    assert patched.status_code == 200 and patched.json()["is_private"] is True
    assert (
        await client.patch("/api/me", json={"display_name": ""}, headers=bearer(tokens))
    ).status_code == 422
    # A messenger user adds a desktop password: a username is needed the first time.
    no_name = await client.put(
        "/api/me/password", json={"password": "desktop pass"}, headers=bearer(tokens)
    )
    assert no_name.status_code == 422
    ok = await client.put(
        "/api/me/password",
        json={"password": "desktop pass", "username": "phone_user"},
        headers=bearer(tokens),
    )
    assert ok.status_code == 200 and ok.json() == {"revoked_sessions": 0}
    login = await client.post(
        "/api/auth/login", json={"username": "phone_user", "password": "desktop pass"}
    )
    assert login.status_code == 200 and login.json()["user"]["id"] == tokens["user"]["id"]
    # Changing it again needs the current one.
    again = await client.put(
        "/api/me/password", json={"password": "newer pass"}, headers=bearer(tokens)
    )
    assert again.status_code == 401


async def test_public_user_profile(client: httpx.AsyncClient) -> None:
    anna = await sign_in(client, 1, "Anna")
    response = await client.get(f"/api/users/{anna['user']['id']}")
    assert response.status_code == 200
    assert response.json()["can_view_collection"] is True
    assert (await client.get("/api/users/999999")).status_code == 404
    assert (await client.get("/api/users/abc")).status_code == 422


async def test_qr_sign_in_happens_exactly_once(client: httpx.AsyncClient) -> None:
    phone = await sign_in(client, 9, "Phone")
    created = (await client.post("/api/auth/qr")).json()
    assert created["qr_payload"].endswith(f"?startapp=login_{created['request_id']}")
    poll_url = f"/api/auth/qr/{created['request_id']}"
    pending = await client.get(poll_url, headers={"X-QR-Secret": created["secret"]})
    assert pending.json()["status"] == "pending"
    assert pending.headers["cache-control"] == "no-store"
    assert (await client.get(poll_url, headers={"X-QR-Secret": "wrong"})).status_code == 404
    missing = await client.get(poll_url)
    assert missing.status_code == 422 and missing.json()["detail"]["code"] == "qr_secret_missing"
    # The secret in the URL (it lands in access logs) is no longer read (issue 19).
    in_url = await client.get(poll_url, params={"secret": created["secret"]})
    assert in_url.status_code == 422 and in_url.json()["detail"]["code"] == "qr_secret_missing"
    assert (await client.post(f"/api/auth/qr/{created['request_id']}/approve")).status_code == 401
    # A token sent along must be the request's own (services/auth_qr.approve_qr_login).
    mismatch = await client.post(
        f"/api/auth/qr/{created['request_id']}/approve",
        json={"token": "another-request-id"},
        headers=bearer(phone),
    )
    assert mismatch.status_code == 422
    assert mismatch.json()["detail"]["code"] == "qr_login_token_mismatch"
    approve = await client.post(
        f"/api/auth/qr/{created['request_id']}/approve",
        json={"token": created["request_id"]},
        headers=bearer(phone),
    )
    assert approve.status_code == 204
    again = await client.post(
        f"/api/auth/qr/{created['request_id']}/approve", headers=bearer(phone)
    )
    assert again.status_code == 409
    polls = await asyncio.gather(
        *[client.get(poll_url, headers={"X-QR-Secret": created["secret"]}) for _ in range(4)]
    )
    statuses = sorted(p.json()["status"] for p in polls)
    assert statuses == ["approved", "consumed", "consumed", "consumed"]
    winner = next(p.json() for p in polls if p.json()["status"] == "approved")
    assert winner["user"]["id"] == phone["user"]["id"]
    me = await client.get("/api/me", headers={"Authorization": f"Bearer {winner['access_token']}"})
    assert me.json()["id"] == phone["user"]["id"]


async def test_qr_sign_in_expires(client: httpx.AsyncClient, pool: asyncpg.Pool) -> None:
    phone = await sign_in(client)
    created = (await client.post("/api/auth/qr")).json()
    await pool.execute("UPDATE auth_qr_requests SET expires_at = now() - interval '1 second'")
    approve = await client.post(
        f"/api/auth/qr/{created['request_id']}/approve", headers=bearer(phone)
    )
    assert approve.status_code == 410
    poll = await client.get(
        f"/api/auth/qr/{created['request_id']}", headers={"X-QR-Secret": created["secret"]}
    )
    assert poll.status_code == 410
    assert (
        await client.post("/api/auth/qr/unknown-request-id/approve", headers=bearer(phone))
    ).status_code == 404


async def test_health_reports_database(client: httpx.AsyncClient) -> None:
    response = await client.get("/health")
    assert response.json() == {"status": "ok", "db": "ok", "redis": "disabled", "storage": "ok"}


async def test_openapi_served(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/api/openapi.json")).json()
    assert "/api/auth/max" in spec["paths"]


async def test_non_finite_numbers_are_refused_not_a_500(client: httpx.AsyncClient) -> None:
    """Python's JSON parser accepts NaN and Infinity; they must end as a 422 like any wrong type
    (rendering the error once crashed on the echoed NaN: a 500)."""
    for path in ("/api/auth/refresh", "/api/auth/login", "/api/auth/logout"):
        for value in ("NaN", "Infinity", "-Infinity"):
            body = f'{{"refresh_token": {value}, "username": {value}, "password": {value}}}'
            response = await client.post(
                path, content=body, headers={"Content-Type": "application/json"}
            )
            assert response.status_code == 422, (path, value, response.text)
            assert response.json()["detail"]["code"] == "validation_error"

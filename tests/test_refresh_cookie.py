"""The desktop keeps its session across a reload through an HttpOnly refresh cookie: set on
password sign-in and QR sign-in when the client says it is the web app, accepted by refresh and
logout only with the CSRF header, never given to scripts in a body. Messenger sign-ins and
body tokens work as before."""

from http.cookies import SimpleCookie
from pathlib import Path

import asyncpg
import httpx
import pytest

from app.core.config import Settings
from tests.conftest import make_settings
from tests.support import bearer, make_init_data, sign_in

WEB = {"X-Client-Host": "web"}
CSRF = {"X-Requested-With": "fetch"}
CREDENTIALS = {"username": "desk_user", "password": "desk password 1"}


def set_cookie(response: httpx.Response) -> SimpleCookie:
    headers = response.headers.get_list("set-cookie")
    assert len(headers) == 1, headers
    jar = SimpleCookie()
    jar.load(headers[0])
    return jar


def assert_refresh_cookie(response: httpx.Response, secure: bool = False) -> str:
    morsel = set_cookie(response)["gallery_refresh"]
    assert (
        morsel["httponly"]
        and morsel["samesite"].lower() == "strict"
        and morsel["path"] == "/api/auth"
    )
    assert bool(morsel["secure"]) is secure
    assert int(morsel["max-age"]) == 30 * 24 * 3600
    assert morsel.value and response.json()["refresh_token"] is None
    return morsel.value


async def test_password_sign_in_on_the_web_sets_the_cookie_and_a_reload_refreshes(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    registered = await client.post("/api/auth/register", json=CREDENTIALS, headers=WEB)
    assert registered.status_code == 201, registered.text
    first = assert_refresh_cookie(registered)
    assert registered.json()["access_token"]

    # "Reload": the page has no token at all; the browser sends the cookie (httpx's jar does).
    assert client.cookies.get("gallery_refresh") == first
    refreshed = await client.post("/api/auth/refresh", headers=CSRF)
    assert refreshed.status_code == 200, refreshed.text
    second = assert_refresh_cookie(refreshed)
    assert second != first
    me = await client.get("/api/me", headers=bearer(refreshed.json()))
    assert me.json()["username"] == "desk_user"
    # An empty JSON body means the same as none.
    third = await client.post("/api/auth/refresh", json={}, headers=CSRF)
    assert third.status_code == 200, third.text
    assert_refresh_cookie(third)

    # Login works the same; without the web host header the body carries the token, as before.
    client.cookies.clear()
    login = await client.post("/api/auth/login", json=CREDENTIALS, headers=WEB)
    assert login.status_code == 200 and assert_refresh_cookie(login)
    client.cookies.clear()
    plain = await client.post("/api/auth/login", json=CREDENTIALS)
    assert plain.json()["refresh_token"] and "set-cookie" not in plain.headers


async def test_cookie_refresh_needs_the_csrf_header(client: httpx.AsyncClient) -> None:
    registered = await client.post("/api/auth/register", json=CREDENTIALS, headers=WEB)
    token = assert_refresh_cookie(registered)
    forged = await client.post("/api/auth/refresh")
    assert forged.status_code == 403
    assert forged.json()["detail"]["code"] == "csrf_header_missing"
    forged_logout = await client.post("/api/auth/logout")
    assert forged_logout.status_code == 403
    # Nothing was rotated or revoked by the refused calls: the cookie still works.
    assert client.cookies.get("gallery_refresh") == token
    assert (await client.post("/api/auth/refresh", headers=CSRF)).status_code == 200


async def test_no_token_anywhere_is_a_401(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/auth/refresh", headers=CSRF)
    assert response.status_code == 401
    assert response.json()["detail"]["code"] == "refresh_token_missing"


async def test_logout_by_cookie_revokes_and_clears_it(client: httpx.AsyncClient) -> None:
    registered = await client.post("/api/auth/register", json=CREDENTIALS, headers=WEB)
    token = assert_refresh_cookie(registered)
    out = await client.post("/api/auth/logout", headers=CSRF)
    assert out.status_code == 204
    cleared = set_cookie(out)["gallery_refresh"]
    assert cleared.value in ("", '""') and int(cleared["max-age"]) == 0
    assert cleared["path"] == "/api/auth"
    # The session is gone server-side too, not just in this browser.
    again = await client.post("/api/auth/refresh", json={"refresh_token": token})
    assert again.status_code == 401


async def test_qr_sign_in_on_the_web_sets_the_cookie(client: httpx.AsyncClient) -> None:
    phone = await sign_in(client, 1, "Phone")
    request = (await client.post("/api/auth/qr", headers=WEB)).json()
    approve = await client.post(
        f"/api/auth/qr/{request['request_id']}/approve", headers=bearer(phone)
    )
    assert approve.status_code == 204
    poll = await client.get(
        f"/api/auth/qr/{request['request_id']}", headers={**WEB, "X-QR-Secret": request["secret"]}
    )
    assert poll.status_code == 200 and poll.json()["status"] == "approved"
    assert_refresh_cookie(poll)
    refreshed = await client.post("/api/auth/refresh", headers=CSRF)
    assert refreshed.status_code == 200
    me = await client.get("/api/me", headers=bearer(refreshed.json()))
    assert me.json()["display_name"] == "Phone"


async def test_messenger_sign_in_keeps_tokens_in_the_body(client: httpx.AsyncClient) -> None:
    init_data = make_init_data(user={"id": 7, "first_name": "Max user"})
    response = await client.post("/api/auth/max", json={"init_data": init_data}, headers=WEB)
    assert response.status_code == 200
    assert response.json()["refresh_token"] and "set-cookie" not in response.headers
    body_refresh = await client.post(
        "/api/auth/refresh", json={"refresh_token": response.json()["refresh_token"]}
    )
    assert body_refresh.status_code == 200 and body_refresh.json()["refresh_token"]
    assert "set-cookie" not in body_refresh.headers


@pytest.fixture
def https_settings(database_url: str, upload_dir: Path) -> Settings:
    return make_settings(database_url, upload_dir, public_url="https://gallery.example")


async def test_the_cookie_is_secure_behind_https(
    https_settings: Settings, pool: asyncpg.Pool
) -> None:
    from app.main import create_app

    app = create_app(https_settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="https://gallery.example"
        ) as http:
            registered = await http.post("/api/auth/register", json=CREDENTIALS, headers=WEB)
            assert registered.status_code == 201, registered.text
            assert_refresh_cookie(registered, secure=True)

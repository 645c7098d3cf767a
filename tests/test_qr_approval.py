"""QR desktop sign-in approval (issue 13.15): the phone sees what is signing in before it
confirms; requests are single-use, short-lived and bound to the desktop's secret."""

import httpx
import pytest
from fastapi import FastAPI

from app.services.user_agent import describe
from tests.support import bearer, sign_in

CHROME_ON_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36"
)


@pytest.mark.parametrize(
    ("user_agent", "browser", "system"),
    [
        (CHROME_ON_WINDOWS, "Chrome", "Windows"),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36 Edg/120.0",
            "Edge",
            "Windows",
        ),
        (
            "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
            "Firefox",
            "Linux",
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15",
            "Safari",
            "macOS",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1",
            "Safari",
            "iOS",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36",
            "Chrome",
            "Android",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/118.0 YaBrowser/23.11 Safari/537.36",
            "Yandex Browser",
            "Windows",
        ),
        ("curl/8.5.0", "Unknown browser", "Unknown OS"),
        ("", "Unknown browser", "Unknown OS"),
    ],
)
def test_user_agent_heuristic(user_agent: str, browser: str, system: str) -> None:
    assert describe(user_agent) == (browser, system)


async def test_the_phone_sees_what_signs_in_before_approving(client: httpx.AsyncClient) -> None:
    app: FastAPI = client._transport.app  # type: ignore[attr-defined]
    desktop_transport = httpx.ASGITransport(app=app, client=("203.0.113.9", 51000))
    async with httpx.AsyncClient(transport=desktop_transport, base_url="http://test") as desktop:
        created = (
            await desktop.post("/api/auth/qr", headers={"User-Agent": CHROME_ON_WINDOWS})
        ).json()
    phone = await sign_in(client, 9, "Phone")
    details_url = f"/api/auth/qr/{created['request_id']}/details"
    assert (await client.get(details_url)).status_code == 401  # only a signed-in phone asks
    details = await client.get(details_url, headers=bearer(phone))
    assert details.status_code == 200, details.text
    shown = details.json()
    assert (shown["browser"], shown["os"], shown["ip"]) == ("Chrome", "Windows", "203.0.113.9")
    assert shown["status"] == "pending" and shown["request_id"] == created["request_id"]
    assert shown["created_at"] < shown["expires_at"] == created["expires_at"]
    assert details.headers["cache-control"] == "no-store"
    assert (
        await client.get("/api/auth/qr/unknown-request-id-123/details", headers=bearer(phone))
    ).status_code == 404

    approve = await client.post(
        f"/api/auth/qr/{created['request_id']}/approve", headers=bearer(phone)
    )
    assert approve.status_code == 204
    # Single use: nothing more to approve or show, and only the desktop's secret collects it.
    assert (await client.get(details_url, headers=bearer(phone))).status_code == 409
    assert (
        await client.post(f"/api/auth/qr/{created['request_id']}/approve", headers=bearer(phone))
    ).status_code == 409
    poll_url = f"/api/auth/qr/{created['request_id']}"
    assert (
        await client.get(poll_url, headers={"X-QR-Secret": "not-the-desktop-secret"})
    ).status_code == 404
    first = (await client.get(poll_url, headers={"X-QR-Secret": created["secret"]})).json()
    assert first["status"] == "approved" and first["user"]["id"] == phone["user"]["id"]
    again = (await client.get(poll_url, headers={"X-QR-Secret": created["secret"]})).json()
    assert again["status"] == "consumed" and again.get("access_token") is None


async def test_an_expired_request_shows_nothing(client: httpx.AsyncClient, pool) -> None:
    phone = await sign_in(client, 9, "Phone")
    created = (await client.post("/api/auth/qr")).json()
    await pool.execute("UPDATE auth_qr_requests SET expires_at = now() - interval '1 second'")
    details = await client.get(
        f"/api/auth/qr/{created['request_id']}/details", headers=bearer(phone)
    )
    assert details.status_code == 410 and details.json()["detail"]["code"] == "qr_login_expired"

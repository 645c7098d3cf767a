"""Deep links that fit the host: Max form in Max, Telegram form in Telegram, the web app's own URL
on the desktop and wherever a messenger link is not configured; every form in `deep_links`."""

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import asyncpg
import httpx
import pytest

from app.core.config import Settings
from app.media.qr_image import png as qr_png
from app.services.deep_links import all_links, pick
from tests.conftest import make_settings
from tests.support import bearer, mint_objects, sign_in

MAX = "https://max.ru/test_gallery_bot"
TELEGRAM = "https://t.me/test_gallery_bot/app"
WEB = "https://gallery.example"


@pytest.fixture
def settings(database_url: str, upload_dir: Path) -> Settings:
    # Overrides conftest's: both messengers configured, and a public origin.
    return make_settings(
        database_url, upload_dir, telegram_miniapp_link=TELEGRAM + "/", public_url=WEB
    )


def uid(tokens: dict) -> int:
    return tokens["user"]["id"]


def test_a_local_setup_never_points_at_a_real_bot(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("MINIAPP_LINK", "MAX_MINIAPP_LINK", "TELEGRAM_MINIAPP_LINK", "PUBLIC_URL"):
        monkeypatch.delenv(name, raising=False)
    defaults = Settings()
    links = all_links(defaults, "claim", "tok")
    assert links.model_dump() == {
        "max": None,
        "telegram": None,
        "web": "http://localhost:8000/?startapp=claim_tok",
    }
    assert {pick(links, host) for host in ("max", "telegram", "web", None)} == {links.web}


def test_the_old_variable_name_still_configures_max(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MAX_MINIAPP_LINK", raising=False)
    monkeypatch.setenv("MINIAPP_LINK", MAX)
    assert Settings().max_miniapp_link == MAX == Settings().miniapp_link
    monkeypatch.setenv("MAX_MINIAPP_LINK", "https://max.ru/newer_bot")
    assert Settings().max_miniapp_link == "https://max.ru/newer_bot"


async def test_claim_links_take_the_host_form(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    anna = await sign_in(client, 1, "Anna")
    objects = await mint_objects(pool, uid(anna), 4)
    expected = {"max": MAX, "telegram": TELEGRAM, "web": f"{WEB}/", None: MAX}
    for obj, (host, base) in zip(objects, expected.items(), strict=True):
        headers = {**bearer(anna), **({"X-Client-Host": host} if host else {})}
        created = (
            await client.post("/api/transfers", json={"photo_id": obj}, headers=headers)
        ).json()
        start = f"claim_{created['claim_token']}"
        assert created["deep_link"] == f"{base}?startapp={start}", host
        assert created["deep_links"] == {
            "max": f"{MAX}?startapp={start}",
            "telegram": f"{TELEGRAM}?startapp={start}",
            "web": f"{WEB}/?startapp={start}",
        }
        assert parse_qs(urlsplit(created["deep_link"]).query)["startapp"] == [start]
        # The sender's QR image encodes the same link; <img> passes the host as ?host=.
        params = {"host": host} if host else {}
        png = await client.get(
            f"/api/transfers/{created['id']}/qr.png",
            params=params,
            headers={**bearer(anna), "X-Link-Token": created["claim_token"]},
        )
        assert png.status_code == 200 and png.content == qr_png(created["deep_link"])
    bad = await client.post(
        "/api/transfers",
        json={"photo_id": objects[0]},
        headers={**bearer(anna), "X-Client-Host": "icq"},
    )
    assert bad.status_code == 422


async def test_trade_and_sign_in_links_take_the_host_form(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    anna, boris = await sign_in(client, 1, "Anna"), await sign_in(client, 2, "Boris")
    [a1] = await mint_objects(pool, uid(anna), 1)
    [b1] = await mint_objects(pool, uid(boris), 1, start=10)
    body = {"offered_photo_ids": [a1], "requested_photo_ids": [b1]}
    headers = {**bearer(anna), "X-Client-Host": "telegram"}
    trade = (await client.post("/api/trades", json=body, headers=headers)).json()
    assert trade["deep_link"] == f"{TELEGRAM}?startapp=trade_{trade['token']}"
    assert trade["deep_links"]["max"] == f"{MAX}?startapp=trade_{trade['token']}"
    png = await client.get(
        f"/api/trades/{trade['id']}/qr.png", headers={**headers, "X-Link-Token": trade["token"]}
    )
    assert png.content == qr_png(trade["deep_link"])

    # The desktop (web) gets the web form as its payload and both messengers in deep_links,
    # and its QR image can be asked for in either messenger's form.
    login = (await client.post("/api/auth/qr", headers={"X-Client-Host": "web"})).json()
    start = f"login_{login['request_id']}"
    assert login["qr_payload"] == f"{WEB}/?startapp={start}"
    assert login["deep_links"] == {
        "max": f"{MAX}?startapp={start}",
        "telegram": f"{TELEGRAM}?startapp={start}",
        "web": f"{WEB}/?startapp={start}",
    }
    for host, link in login["deep_links"].items():
        png = await client.get(
            f"/api/auth/qr/{login['request_id']}/qr.png",
            params={"host": host},
            headers={"X-QR-Secret": login["secret"]},
        )
        assert png.status_code == 200 and png.content == qr_png(link), host


async def test_qr_image_encodes_only_this_apps_links_in_any_form(client: httpx.AsyncClient) -> None:
    for link in (
        f"{MAX}?startapp=trade_x",
        f"{TELEGRAM}?startapp=claim_y",
        f"{WEB}/?startapp=login_z",
    ):
        response = await client.get("/api/qr.png", params={"data": link})
        assert response.status_code == 200 and response.content == qr_png(link), link
    for foreign in (
        "https://evil.example/?startapp=trade_x",
        "https://t.me/other_bot/app?startapp=trade_x",
        f"{WEB}.evil.example/",
        "?startapp=trade_x",
    ):
        response = await client.get("/api/qr.png", params={"data": foreign})
        assert response.status_code == 422 and response.json()["detail"]["code"] == "foreign_link"


async def test_unconfigured_messenger_links_fall_back_to_the_web(
    database_url: str, upload_dir: Path, pool: asyncpg.Pool
) -> None:
    from app.main import create_app

    settings = make_settings(database_url, upload_dir, miniapp_link="", public_url=WEB)
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            login = (await http.post("/api/auth/qr", headers={"X-Client-Host": "max"})).json()
            assert login["qr_payload"] == f"{WEB}/?startapp=login_{login['request_id']}"
            assert login["deep_links"]["max"] is None and login["deep_links"]["telegram"] is None
            # With no Max link, a bare "?startapp=" is not an own link.
            refused = await http.get("/api/qr.png", params={"data": "?startapp=trade_x"})
            assert refused.status_code == 422


async def test_cors_lets_a_listed_origin_send_the_host_header_but_not_the_csrf_one(
    database_url: str, upload_dir: Path, pool: asyncpg.Pool
) -> None:
    from app.main import create_app

    origin = "http://localhost:5173"
    app = create_app(make_settings(database_url, upload_dir, cors_origins=[origin]))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:

            async def preflight(header: str) -> httpx.Response:
                return await http.options(
                    "/api/auth/refresh",
                    headers={
                        "Origin": origin,
                        "Access-Control-Request-Method": "POST",
                        "Access-Control-Request-Headers": header,
                    },
                )

            allowed = await preflight("x-client-host")
            assert allowed.status_code == 200
            assert "x-client-host" in allowed.headers["access-control-allow-headers"].lower()
            refused = await preflight("x-requested-with")
            assert refused.status_code == 400
            assert "access-control-allow-credentials" not in refused.headers

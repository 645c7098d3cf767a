"""The bot's front door (issue 18): webhook secrets, /start and bot_started greetings with the
open-app button, each update handled once, reachability, and `app.cli bot set-webhook`.

Both platforms are fake servers on the loopback (tests/fake_bot_api.py); nothing here reaches
the network.
"""

import asyncio
import logging
import os
import subprocess
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from app.core.config import REPO_ROOT
from app.main import create_app
from tests.conftest import make_settings
from tests.fake_bot_api import FakeMax, FakeTelegram, serve
from tests.support import MAX_BOT_TOKEN, TELEGRAM_BOT_TOKEN, bearer, make_init_data

TG_SECRET = "tg-webhook-secret-0123456789"
MAX_SECRET = "max-webhook-secret-0123456789"
TG_HEADER = {"X-Telegram-Bot-Api-Secret-Token": TG_SECRET}
MAX_HEADER = {"X-Max-Bot-Api-Secret": MAX_SECRET}


@pytest.fixture
def fakes() -> Iterator[tuple[FakeTelegram, str, FakeMax, str]]:
    telegram, max_ = FakeTelegram(TELEGRAM_BOT_TOKEN), FakeMax(MAX_BOT_TOKEN)
    with serve(telegram) as tg_url, serve(max_) as max_url:
        yield telegram, tg_url, max_, max_url


@pytest.fixture
async def bot_client(
    database_url: str, upload_dir: Path, pool: asyncpg.Pool, fakes
) -> AsyncIterator[httpx.AsyncClient]:
    _, tg_url, _, max_url = fakes
    settings = make_settings(
        database_url,
        upload_dir,
        telegram_bot_api_url=tg_url,
        max_bot_api_url=max_url,
        telegram_webhook_secret=TG_SECRET,
        max_webhook_secret=MAX_SECRET,
        public_url="https://gallery.example",
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://test"
        ) as http:
            http.app = app  # type: ignore[attr-defined]
            yield http


async def settled(http: httpx.AsyncClient) -> None:
    """The webhook answered 200 at once; wait for the work it started after (a fact: its task)."""
    runtime = http.app.state.bot  # type: ignore[attr-defined]
    while runtime.tasks:
        await asyncio.gather(*list(runtime.tasks), return_exceptions=True)


def tg_start(
    update_id: int, user_id: int, text: str = "/start", language: str | None = "ru"
) -> dict:
    user = {"id": user_id, "is_bot": False, "first_name": "Anna"}
    if language:
        user["language_code"] = language
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1_700_000_000,
            "text": text,
            "chat": {"id": user_id, "type": "private", "first_name": "Anna"},
            "from": user,
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }


def tg_kicked(update_id: int, user_id: int) -> dict:
    user = {"id": user_id, "is_bot": False, "first_name": "Anna"}
    bot = {"id": 1, "is_bot": True, "first_name": "Gallery"}
    return {
        "update_id": update_id,
        "my_chat_member": {
            "chat": {"id": user_id, "type": "private", "first_name": "Anna"},
            "from": user,
            "date": 1_700_000_000,
            "old_chat_member": {"user": bot, "status": "member"},
            "new_chat_member": {"user": bot, "status": "kicked", "until_date": 0},
        },
    }


def max_update(
    kind: str, user_id: int, timestamp: int, payload: str | None = None, locale: str | None = "ru"
) -> dict:
    update = {
        "update_type": kind,
        "timestamp": timestamp,
        "chat_id": 9000 + user_id,
        "user": {"user_id": user_id, "name": "Anna"},
    }
    if payload:
        update["payload"] = payload
    if locale:
        update["user_locale"] = locale
    return update


async def reachable(pool: asyncpg.Pool, messenger: str, external_id: int) -> bool | None:
    return await pool.fetchval(
        "SELECT reachable FROM bot_chats WHERE messenger = $1 AND external_id = $2",
        messenger,
        external_id,
    )


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/api/bot/telegram", {}),
        ("/api/bot/telegram", {"X-Telegram-Bot-Api-Secret-Token": "wrong"}),
        ("/api/bot/telegram", MAX_HEADER),
        ("/api/bot/max", {}),
        ("/api/bot/max", {"X-Max-Bot-Api-Secret": TG_SECRET}),
    ],
)
async def test_wrong_or_missing_secret_is_refused_and_logged_without_the_body(
    bot_client: httpx.AsyncClient,
    pool: asyncpg.Pool,
    fakes,
    caplog: pytest.LogCaptureFixture,
    path: str,
    headers: dict,
) -> None:
    body = (
        tg_start(1, 501, "/start secret-body-marker")
        if "telegram" in path
        else max_update("bot_started", 501, 1, "secret-body-marker")
    )
    with caplog.at_level(logging.INFO):
        response = await bot_client.post(path, json=body, headers=headers)
    assert response.status_code == 403
    assert response.json()["detail"]["code"] == "webhook_secret_invalid"
    refusals = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert refusals and all("secret" in m for m in refusals)
    assert "secret-body-marker" not in caplog.text
    await settled(bot_client)
    assert await pool.fetchval("SELECT count(*) FROM bot_updates") == 0
    assert fakes[0].messages == [] and fakes[2].messages == []


async def test_a_webhook_with_no_secret_configured_refuses_everything(
    database_url: str, upload_dir: Path, pool: asyncpg.Pool
) -> None:
    app = create_app(make_settings(database_url, upload_dir))
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http,
    ):
        response = await http.post(
            "/api/bot/telegram",
            json=tg_start(1, 5),
            headers={"X-Telegram-Bot-Api-Secret-Token": ""},
        )
        assert response.status_code == 403


async def test_telegram_start_greets_in_the_users_language_with_the_web_app_button(
    bot_client: httpx.AsyncClient, pool: asyncpg.Pool, fakes
) -> None:
    telegram = fakes[0]
    response = await bot_client.post(
        "/api/bot/telegram",
        json=tg_start(10, 701, "/start trade_AbC-12_x", "ru"),
        headers=TG_HEADER,
    )
    assert response.status_code == 200
    await bot_client.post(
        "/api/bot/telegram", json=tg_start(11, 702, "/start", "en-GB"), headers=TG_HEADER
    )
    await settled(bot_client)
    by_chat = {m.chat_id: m for m in telegram.wait_messages(2)}
    assert "галерея" in by_chat[701].text.lower()
    assert by_chat[701].button == {
        "text": "Открыть галерею",
        "web_app": {"url": "https://gallery.example/?startapp=trade_AbC-12_x"},
    }
    assert "gallery" in by_chat[702].text.lower()
    assert by_chat[702].button == {
        "text": "Open the gallery",
        "web_app": {"url": "https://gallery.example/"},
    }
    rows = await pool.fetch(
        "SELECT external_id, chat_id, language, reachable FROM bot_chats ORDER BY external_id"
    )
    assert [tuple(r) for r in rows] == [(701, 701, "ru", True), (702, 702, "en", True)]


async def test_a_start_payload_outside_the_start_alphabet_opens_the_app_home(
    bot_client: httpx.AsyncClient, fakes
) -> None:
    await bot_client.post(
        "/api/bot/telegram", json=tg_start(12, 703, "/start ../../etc?x=1"), headers=TG_HEADER
    )
    await settled(bot_client)
    (message,) = fakes[0].wait_messages(1)
    assert message.button["web_app"]["url"] == "https://gallery.example/"


async def test_an_update_the_bot_does_not_handle_is_answered_and_changes_nothing(
    bot_client: httpx.AsyncClient, pool: asyncpg.Pool, fakes
) -> None:
    edited = {"update_id": 15, "edited_message": {"message_id": 3, "text": "x", "date": 1}}
    response = await bot_client.post("/api/bot/telegram", json=edited, headers=TG_HEADER)
    assert response.status_code == 200  # answered, or Telegram would resend it
    # A start after it is the first (and only) thing the bot says and stores.
    await bot_client.post("/api/bot/telegram", json=tg_start(16, 704), headers=TG_HEADER)
    await settled(bot_client)
    assert [m.chat_id for m in fakes[0].wait_messages(1)] == [704]
    assert await pool.fetchval("SELECT count(*) FROM bot_chats") == 1


async def test_duplicate_deliveries_are_answered_once(
    bot_client: httpx.AsyncClient, pool: asyncpg.Pool, fakes
) -> None:
    telegram, _, max_, _ = fakes
    for _ in range(3):  # Telegram resends an update until it gets a 200; MAX retries up to 10 times
        assert (
            await bot_client.post("/api/bot/telegram", json=tg_start(20, 801), headers=TG_HEADER)
        ).status_code == 200
        assert (
            await bot_client.post(
                "/api/bot/max",
                json=max_update("bot_started", 802, 1_700_000_123, "claim_tok"),
                headers=MAX_HEADER,
            )
        ).status_code == 200
    await settled(bot_client)
    # A different update of the same user is new work.
    await bot_client.post(
        "/api/bot/max", json=max_update("bot_started", 802, 1_700_000_124), headers=MAX_HEADER
    )
    await settled(bot_client)
    assert len(telegram.wait_messages(1)) == 1
    assert len(max_.wait_messages(2)) == 2
    assert await pool.fetchval("SELECT count(*) FROM bot_updates") == 3


async def test_max_bot_started_greets_with_the_open_app_button_and_its_payload(
    bot_client: httpx.AsyncClient, fakes
) -> None:
    max_ = fakes[2]
    await bot_client.post(
        "/api/bot/max", json=max_update("bot_started", 901, 1, "photo_42", "ru"), headers=MAX_HEADER
    )
    await bot_client.post(
        "/api/bot/max", json=max_update("bot_started", 902, 2, None, "en"), headers=MAX_HEADER
    )
    await settled(bot_client)
    by_user = {m.chat_id: m for m in max_.wait_messages(2)}
    assert by_user[901].button == {
        "type": "open_app",
        "text": "Открыть галерею",
        "web_app": "test_gallery_bot",
        "payload": "photo_42",
    }
    assert by_user[902].button == {
        "type": "open_app",
        "text": "Open the gallery",
        "web_app": "test_gallery_bot",
    }
    assert max_.rejected_auth == 0  # the token went in the Authorization header, not the URL


async def test_stopping_or_blocking_makes_a_user_unreachable_and_start_makes_them_reachable(
    bot_client: httpx.AsyncClient, pool: asyncpg.Pool, fakes
) -> None:
    await bot_client.post(
        "/api/bot/max", json=max_update("bot_started", 950, 1), headers=MAX_HEADER
    )
    await bot_client.post("/api/bot/telegram", json=tg_start(30, 951), headers=TG_HEADER)
    await settled(bot_client)
    assert (
        await reachable(pool, "max", 950) is True and await reachable(pool, "telegram", 951) is True
    )
    await bot_client.post(
        "/api/bot/max", json=max_update("bot_stopped", 950, 2), headers=MAX_HEADER
    )
    await bot_client.post("/api/bot/telegram", json=tg_kicked(31, 951), headers=TG_HEADER)
    await settled(bot_client)
    assert (
        await reachable(pool, "max", 950) is False
        and await reachable(pool, "telegram", 951) is False
    )
    await bot_client.post(
        "/api/bot/max", json=max_update("bot_started", 950, 3), headers=MAX_HEADER
    )
    await bot_client.post("/api/bot/telegram", json=tg_start(32, 951), headers=TG_HEADER)
    await settled(bot_client)
    assert (
        await reachable(pool, "max", 950) is True and await reachable(pool, "telegram", 951) is True
    )


async def test_an_unreadable_update_is_a_clear_400(bot_client: httpx.AsyncClient) -> None:
    for body in (b"not json", b"[1, 2]", b'{"update_type": 5}'):
        response = await bot_client.post(
            "/api/bot/max", content=body, headers={**MAX_HEADER, "Content-Type": "application/json"}
        )
        assert response.status_code == 400, body
        assert response.json()["detail"]["code"] == "bad_request"


def test_cli_set_webhook_registers_webhook_commands_and_menu_on_both_platforms(fakes) -> None:
    telegram, tg_url, max_, max_url = fakes
    env = {
        **{
            k: v for k, v in os.environ.items() if not k.endswith(("_BOT_TOKEN", "_WEBHOOK_SECRET"))
        },
        "TELEGRAM_BOT_TOKEN": TELEGRAM_BOT_TOKEN,
        "MAX_BOT_TOKEN": MAX_BOT_TOKEN,
        "TELEGRAM_BOT_API_URL": tg_url,
        "MAX_BOT_API_URL": max_url,
        "TELEGRAM_WEBHOOK_SECRET": TG_SECRET,
        "MAX_WEBHOOK_SECRET": MAX_SECRET,
        "PUBLIC_URL": "https://gallery.example",
        "MAX_MINIAPP_LINK": "https://max.ru/test_gallery_bot",
    }
    # The command docs/operations.md ("The bot") shows, as written there.
    documented = "cd backend && ../.venv/bin/python -m app.cli bot set-webhook"
    assert documented in (REPO_ROOT / "docs" / "operations.md").read_text()
    done = subprocess.run(
        ["bash", "-c", documented],  # exactly as written, from the repository's root
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "https://gallery.example/api/bot/telegram" in done.stdout
    assert "https://gallery.example/api/bot/max" in done.stdout
    calls = dict(telegram.calls[:1])
    assert calls["setWebhook"]["url"] == "https://gallery.example/api/bot/telegram"
    assert calls["setWebhook"]["secret_token"] == TG_SECRET
    commands = [p for m, p in telegram.calls if m == "setMyCommands"]
    assert {c.get("language_code") for c in commands} == {"ru", "en", None}
    assert {c["commands"][0]["command"] for c in commands} == {"start"}
    (menu,) = [p for m, p in telegram.calls if m == "setChatMenuButton"]
    assert menu["menu_button"]["type"] == "web_app"
    assert menu["menu_button"]["web_app"]["url"] == "https://gallery.example/"
    (subscription,) = [p for m, p in max_.calls if m == "subscriptions"]
    assert subscription["url"] == "https://gallery.example/api/bot/max"
    assert subscription["secret"] == MAX_SECRET
    assert (
        "bot_started" in subscription["update_types"]
        and "bot_stopped" in subscription["update_types"]
    )


async def test_set_webhook_without_a_secret_names_the_missing_setting(
    database_url: str, upload_dir: Path
) -> None:
    from app.services.bot import register_webhooks

    settings = make_settings(
        database_url, upload_dir, telegram_bot_token=TELEGRAM_BOT_TOKEN, telegram_webhook_secret=""
    )
    with pytest.raises(RuntimeError, match="TELEGRAM_WEBHOOK_SECRET is not set"):
        await register_webhooks(settings)


async def test_share_through_the_bot_prepares_a_card_for_telegram_users_only(
    bot_client: httpx.AsyncClient, fakes
) -> None:
    telegram = fakes[0]
    init = make_init_data(TELEGRAM_BOT_TOKEN, {"id": 4242, "first_name": "Tanya"})
    tg_user = (await bot_client.post("/api/auth/telegram", json={"init_data": init})).json()
    max_user = (
        await bot_client.post(
            "/api/auth/max",
            json={"init_data": make_init_data(MAX_BOT_TOKEN, {"id": 4343, "first_name": "Masha"})},
        )
    ).json()
    link = "https://gallery.example/?startapp=trade_AbC"
    body = {"link": link, "text": "Меняемся?", "language": "ru"}
    response = await bot_client.post("/api/share/prepared", json=body, headers=bearer(tg_user))
    assert response.status_code == 200, response.text
    (call,) = [p for m, p in telegram.calls if m == "savePreparedInlineMessage"]
    assert response.json()["id"].startswith("prepared-")
    assert call["user_id"] == 4242 and call["allow_user_chats"] is True
    result = call["result"]
    assert (
        result["type"] == "article"
        and result["input_message_content"]["message_text"] == f"Меняемся?\n{link}"
    )
    assert result["reply_markup"]["inline_keyboard"][0][0] == {
        "text": "Открыть галерею",
        "url": link,
    }
    # Not our link; not a Telegram user; Telegram failing: the web app shares the plain link.
    foreign = await bot_client.post(
        "/api/share/prepared",
        json={**body, "link": "https://evil.example/x"},
        headers=bearer(tg_user),
    )
    assert foreign.status_code == 422 and foreign.json()["detail"]["code"] == "foreign_link"
    from_max = await bot_client.post("/api/share/prepared", json=body, headers=bearer(max_user))
    assert from_max.status_code == 409 and from_max.json()["detail"]["code"] == "share_unavailable"
    telegram.down = True
    failing = await bot_client.post("/api/share/prepared", json=body, headers=bearer(tg_user))
    assert failing.status_code == 503 and failing.json()["detail"]["code"] == "share_failed"
    assert (await bot_client.post("/api/share/prepared", json=body)).status_code == 401


async def test_the_sweep_forgets_old_update_keys_and_finished_notifications(
    pool: asyncpg.Pool, settings
) -> None:
    from app.services import maintenance

    user = await pool.fetchval(
        "INSERT INTO users (username, display_name) VALUES ('swept', 'S') RETURNING id"
    )
    await pool.execute(
        """INSERT INTO bot_updates (messenger, update_key, received_at) VALUES
           ('max', 'old', now() - interval '8 days'), ('max', 'new', now())"""
    )
    await pool.execute(
        """INSERT INTO notifications (event_id, user_id, kind, args, status, created_at) VALUES
           (1, $1, 'gift_received', '{}', 'sent', now() - interval '8 days'),
           (2, $1, 'gift_received', '{}', 'pending', now() - interval '8 days'),
           (3, $1, 'gift_received', '{}', 'sent', now())""",
        user,
    )
    await maintenance.sweep_records(pool, settings)
    assert [r["update_key"] for r in await pool.fetch("SELECT update_key FROM bot_updates")] == [
        "new"
    ]
    assert sorted(
        r["event_id"] for r in await pool.fetch("SELECT event_id FROM notifications")
    ) == [2, 3]

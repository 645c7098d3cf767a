"""Notifications through the bot (issue 18), in one process against both fake platforms.

Every kind reaches the right chat with the right button payload and language; nothing for the
actor or for what the recipient may not see; switched-off kinds stay quiet; 429 / 5xx / 400 /
403 are handled as their rules say; a platform that is down delays but loses nothing while the
API keeps answering. Waits are for facts: the fake's received messages and the notifications
table reaching a state; time is never asserted.
"""

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from app.main import create_app
from tests.conftest import make_settings
from tests.fake_bot_api import FakeMax, FakeTelegram, Received, serve
from tests.support import MAX_BOT_TOKEN, TELEGRAM_BOT_TOKEN, bearer, make_init_data, mint_objects
from tests.test_bot import (
    MAX_HEADER,
    MAX_SECRET,
    TG_HEADER,
    TG_SECRET,
    max_update,
    settled,
    tg_start,
)

PUBLIC = "https://gallery.example"


@pytest.fixture
def fakes() -> Iterator[tuple[FakeTelegram, FakeMax, dict[str, str]]]:
    telegram, max_ = FakeTelegram(TELEGRAM_BOT_TOKEN), FakeMax(MAX_BOT_TOKEN)
    with serve(telegram) as tg_url, serve(max_) as max_url:
        yield telegram, max_, {"telegram_bot_api_url": tg_url, "max_bot_api_url": max_url}


@pytest.fixture
async def http(
    database_url: str, upload_dir: Path, pool: asyncpg.Pool, fakes
) -> AsyncIterator[httpx.AsyncClient]:
    settings = make_settings(
        database_url,
        upload_dir,
        **fakes[2],
        telegram_webhook_secret=TG_SECRET,
        max_webhook_secret=MAX_SECRET,
        public_url=PUBLIC,
        notifier=True,
        telegram_rate=200,
        max_rate=200,
        telegram_chat_interval=0.05,
        max_chat_interval=0.05,
        notifier_backoff_base=0.05,
        notifier_backoff_max=0.2,
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://test"
        ) as client:
            client.app = app  # type: ignore[attr-defined]
            await asyncio.wait_for(app.state.notifier.active.wait(), 30)
            yield client


class Person:
    def __init__(self, messenger: str, external_id: int, user_id: int, tokens: dict) -> None:
        self.messenger, self.external_id, self.id, self.headers = (
            messenger,
            external_id,
            user_id,
            bearer(tokens),
        )


async def person(
    http: httpx.AsyncClient,
    messenger: str,
    external_id: int,
    name: str,
    language: str,
    start: bool = True,
) -> Person:
    """Signs in from the messenger's mini-app and (`start`) opens the bot with /start."""
    token = MAX_BOT_TOKEN if messenger == "max" else TELEGRAM_BOT_TOKEN
    init_data = make_init_data(token, {"id": external_id, "first_name": name})
    response = await http.post(f"/api/auth/{messenger}", json={"init_data": init_data})
    assert response.status_code == 200, response.text
    tokens = response.json()
    if start:
        if messenger == "max":
            await http.post(
                "/api/bot/max",
                json=max_update("bot_started", external_id, external_id, None, language),
                headers=MAX_HEADER,
            )
        else:
            await http.post(
                "/api/bot/telegram",
                json=tg_start(external_id, external_id, "/start", language),
                headers=TG_HEADER,
            )
        await settled(http)
    return Person(messenger, external_id, tokens["user"]["id"], tokens)


async def drained(pool: asyncpg.Pool) -> dict[str, int]:
    """Waits until the notifier has derived every event and nothing is waiting or in flight
    (a minute at most: a notifier that died fails the test instead of hanging it)."""
    deadline = asyncio.get_running_loop().time() + 60
    while True:
        assert asyncio.get_running_loop().time() < deadline, "the notifier never drained"
        row = await pool.fetchrow(
            """SELECT (SELECT last_event_id FROM notifier_cursor) AS cursor,
                      (SELECT coalesce(max(id), 0) FROM events) AS last,
                      (SELECT count(*) FROM notifications WHERE status IN ('pending', 'sending')) AS open"""
        )
        if row["cursor"] is not None and row["cursor"] >= row["last"] and row["open"] == 0:
            rows = await pool.fetch(
                "SELECT status, count(*) AS n FROM notifications GROUP BY status"
            )
            return {r["status"]: r["n"] for r in rows}
        await asyncio.sleep(0.02)


def greetings_excluded(messages: list[Received]) -> list[Received]:
    return [
        m
        for m in messages
        if "gallery" not in m.text.lower()
        or "/?startapp=" in str(m.button)
        or "payload" in m.button
    ]


def button_target(message: Received) -> str | None:
    """The start parameter a notification's button opens the app with, either platform."""
    if "web_app" in message.button and isinstance(message.button["web_app"], dict):
        url = message.button["web_app"]["url"]
        return url.split("?startapp=", 1)[1] if "?startapp=" in url else None
    return message.button.get("payload")


async def test_every_kind_reaches_the_right_chat_with_its_button_and_language(
    http: httpx.AsyncClient, pool: asyncpg.Pool, fakes
) -> None:
    telegram, max_, _ = fakes
    anna = await person(http, "max", 1001, "Anna", "ru")
    boris = await person(http, "telegram", 2002, "Boris", "en")
    vera = await person(http, "max", 3003, "Vera", "en")
    greeted_tg, greeted_max = len(telegram.wait_messages(1)), len(max_.wait_messages(2))
    p1, p2, p3, p4, p5 = await mint_objects(pool, anna.id, 5)
    (b1, b2) = await mint_objects(pool, boris.id, 2, start=100)

    async def ok(
        method: str, path: str, who: Person, body: dict | None = None, status: int = 200
    ) -> dict:
        response = await http.request(method, path, json=body, headers=who.headers)
        assert response.status_code == status, response.text
        return response.json() if response.content else {}

    # A direct gift: Boris hears, in English, with a button to the photo.
    await ok("POST", "/api/transfers", anna, {"photo_id": p1, "to_user_id": boris.id}, 201)
    # A claim code Boris claims: Anna hears who took it (no title).
    code = await ok("POST", "/api/transfers", anna, {"photo_id": p2}, 201)
    await ok("POST", "/api/transfers/claim", boris, {"token": code["claim_token"]})
    # A trade addressed to Anna, which she accepts.
    t1 = await ok(
        "POST",
        "/api/trades",
        boris,
        {"offered_photo_ids": [b1], "requested_photo_ids": [p3], "recipient_id": anna.id},
        201,
    )
    await ok("POST", f"/api/trades/{t1['id']}/accept", anna)
    # One she declines.
    t2 = await ok(
        "POST",
        "/api/trades",
        boris,
        {"offered_photo_ids": [b2], "requested_photo_ids": [p4], "recipient_id": anna.id},
        201,
    )
    await ok("POST", f"/api/trades/{t2['id']}/decline", anna)
    # An open trade of Anna's (a QR, no recipient) that Boris takes: Anna hears who took it.
    t3 = await ok(
        "POST", "/api/trades", anna, {"offered_photo_ids": [p5], "requested_photo_ids": [b2]}, 201
    )
    await ok("POST", f"/api/trades/{t3['id']}/accept", boris, {"token": t3["token"]})
    # A trade that fails: Boris offers p1 for Anna's b1 (hers since t1), then gives p1 to Vera.
    t4 = await ok(
        "POST",
        "/api/trades",
        boris,
        {"offered_photo_ids": [p1], "requested_photo_ids": [b1], "recipient_id": anna.id},
        201,
    )
    await ok("POST", "/api/transfers", boris, {"photo_id": p1, "to_user_id": vera.id}, 201)
    response = await http.post(f"/api/trades/{t4['id']}/accept", headers=anna.headers)
    assert response.status_code == 409
    # A profile request to private Anna, which she approves.
    await pool.execute("UPDATE users SET is_private = true WHERE id = $1", anna.id)
    request = await ok("POST", "/api/profile_requests", vera, {"user_id": anna.id}, 201)
    await ok("POST", f"/api/profile_requests/{request['id']}/accept", anna)

    statuses = await drained(pool)
    assert statuses == {"sent": 12}
    to_tg = telegram.messages[greeted_tg:]
    to_max = max_.messages[greeted_max:]
    got = sorted((m.chat_id, button_target(m), m.text) for m in [*to_tg, *to_max])
    assert got == sorted(
        [
            (2002, f"photo_{p1}", f"Anna gave you the photo “object {p1}”."),
            (1001, f"user_{boris.id}", "Boris забрал(а) ваш подарок по коду."),  # noqa: RUF001
            (
                1001,
                f"trades_{t1['id']}",
                f"Boris предлагает обмен: «object {b1}» за «object {p3}».",
            ),
            (2002, f"trades_{t1['id']}", "Anna accepted your trade."),
            (
                1001,
                f"trades_{t2['id']}",
                f"Boris предлагает обмен: «object {b2}» за «object {p4}».",
            ),
            (2002, f"trades_{t2['id']}", "Anna declined your trade."),
            (1001, f"trades_{t3['id']}", "Boris принял(а) ваш обмен."),  # noqa: RUF001
            (
                1001,
                f"trades_{t4['id']}",
                f"Boris предлагает обмен: «object {p1}» за «object {b1}».",
            ),
            (3003, f"photo_{p1}", f"Boris gave you the photo “object {p1}”."),
            (
                2002,
                f"trades_{t4['id']}",
                "Your trade did not go through: one of its photos changed hands.",
            ),
            (1001, "requests_in", "Vera просит доступ к вашей коллекции."),
            (3003, f"user_{anna.id}", "Anna opened their collection to you."),
        ]
    )
    # The buttons: Telegram's web_app opens the app's own URL, MAX's open_app names the bot.
    assert all(m.button["web_app"]["url"].startswith(f"{PUBLIC}/?startapp=") for m in to_tg)
    assert all(
        m.button["type"] == "open_app" and m.button["web_app"] == "test_gallery_bot" for m in to_max
    )
    assert {m.button["text"] for m in to_tg} == {"View"} and {
        m.button["text"] for m in to_max if m.chat_id == 1001
    } == {"Посмотреть"}


async def gifts(
    http: httpx.AsyncClient, pool: asyncpg.Pool, giver: Person, to: Person, count: int, start: int
) -> list[int]:
    photos = await mint_objects(pool, giver.id, count, start=start)
    for photo in photos:
        response = await http.post(
            "/api/transfers", json={"photo_id": photo, "to_user_id": to.id}, headers=giver.headers
        )
        assert response.status_code == 201, response.text
    return photos


async def test_nothing_for_the_actor_nor_for_what_the_recipient_may_not_hear(
    http: httpx.AsyncClient, pool: asyncpg.Pool, fakes
) -> None:
    telegram, max_, _ = fakes
    anna = await person(http, "max", 1101, "Anna", "ru")
    boris = await person(http, "telegram", 2202, "Boris", "en")
    silent = await person(http, "max", 3303, "Silent", "ru", start=False)  # never opened the bot
    greeted = len(max_.wait_messages(1)), len(telegram.wait_messages(1))
    mine = await mint_objects(pool, anna.id, 2)
    # Anna's own claim code, cancelled by herself; a trade Boris offers and cancels himself
    # (Anna hears of the offer, not of his own cancelling).
    code = (
        await http.post("/api/transfers", json={"photo_id": mine[0]}, headers=anna.headers)
    ).json()
    assert (
        await http.post(f"/api/transfers/{code['id']}/cancel", headers=anna.headers)
    ).status_code == 200
    (b0,) = await mint_objects(pool, boris.id, 1, start=60)
    trade = (
        await http.post(
            "/api/trades",
            json={
                "offered_photo_ids": [b0],
                "requested_photo_ids": [mine[1]],
                "recipient_id": anna.id,
            },
            headers=boris.headers,
        )
    ).json()
    assert (
        await http.post(f"/api/trades/{trade['id']}/cancel", headers=boris.headers)
    ).status_code == 200
    # A gift to someone who never started the bot: nobody to write to.
    await gifts(http, pool, anna, silent, 1, 50)
    # A profile request asked, withdrawn and asked again within the cooldown: Anna hears once.
    await pool.execute("UPDATE users SET is_private = true WHERE id = $1", anna.id)
    first = (
        await http.post("/api/profile_requests", json={"user_id": anna.id}, headers=boris.headers)
    ).json()
    assert (
        await http.delete(f"/api/profile_requests/{first['id']}", headers=boris.headers)
    ).status_code == 204
    assert (
        await http.post("/api/profile_requests", json={"user_id": anna.id}, headers=boris.headers)
    ).status_code == 201
    # Boris's photo given to private Anna, then claimed back by code: Boris hears who, never the title.
    (b1,) = await mint_objects(pool, boris.id, 1, start=70)
    code = (await http.post("/api/transfers", json={"photo_id": b1}, headers=boris.headers)).json()
    assert (
        await http.post(
            "/api/transfers/claim", json={"token": code["claim_token"]}, headers=anna.headers
        )
    ).status_code == 200
    assert await drained(pool) == {"sent": 3}
    to_max, to_tg = max_.messages[greeted[0] :], telegram.messages[greeted[1] :]
    assert [(m.chat_id, button_target(m)) for m in to_max] == [
        (1101, f"trades_{trade['id']}"),
        (1101, "requests_in"),
    ]
    assert [(m.chat_id, button_target(m)) for m in to_tg] == [(2202, f"user_{anna.id}")]
    assert (
        f"object {b1}" not in to_tg[0].text
        and to_tg[0].text == "Anna claimed the photo you gave by code."
    )


async def test_a_switched_off_kind_is_not_sent_and_the_others_are(
    http: httpx.AsyncClient, pool: asyncpg.Pool, fakes
) -> None:
    telegram, max_, _ = fakes
    anna = await person(http, "max", 1201, "Anna", "ru")
    boris = await person(http, "telegram", 2302, "Boris", "en")
    greeted = len(telegram.wait_messages(1))
    response = await http.put(
        "/api/me/notifications", json={"disabled": ["gift_received"]}, headers=boris.headers
    )
    assert response.status_code == 200, response.text
    assert response.json()["disabled"] == ["gift_received"]
    await gifts(http, pool, anna, boris, 1, 0)
    (b1,) = await mint_objects(pool, anna.id, 1, start=10)
    code = (await http.post("/api/transfers", json={"photo_id": b1}, headers=anna.headers)).json()
    mine = await mint_objects(pool, boris.id, 1, start=20)
    await http.post(
        "/api/trades",
        json={"offered_photo_ids": mine, "requested_photo_ids": [b1], "recipient_id": anna.id},
        headers=boris.headers,
    )
    assert code["claim_token"]
    assert await drained(pool) == {"sent": 1, "skipped": 1}
    assert telegram.messages[greeted:] == []
    assert [button_target(m)[:7] for m in max_.messages[1:]] == ["trades_"]


async def test_a_user_who_blocked_the_bot_gets_nothing_until_start(
    http: httpx.AsyncClient, pool: asyncpg.Pool, fakes
) -> None:
    telegram, _, _ = fakes
    anna = await person(http, "max", 1301, "Anna", "ru")
    boris = await person(http, "telegram", 2402, "Boris", "en")
    greeted = len(telegram.wait_messages(1))
    telegram.blocked.add(2402)  # Boris blocked the bot: the platform answers 403
    await gifts(http, pool, anna, boris, 1, 0)
    assert await drained(pool) == {"failed": 1}
    assert await pool.fetchval("SELECT reachable FROM bot_chats WHERE external_id = 2402") is False
    await gifts(http, pool, anna, boris, 2, 10)  # while unreachable: not even tried
    assert await drained(pool) == {"failed": 1, "skipped": 2}
    calls_while_blocked = len([c for c in telegram.calls if c[0] == "sendMessage"])
    telegram.blocked.clear()
    await http.post("/api/bot/telegram", json=tg_start(99, 2402, "/start", "en"), headers=TG_HEADER)
    await settled(http)
    (later,) = await gifts(http, pool, anna, boris, 1, 20)
    await drained(pool)
    messages = telegram.wait_messages(greeted + 2)
    assert (
        len([c for c in telegram.calls if c[0] == "sendMessage"]) == calls_while_blocked + 2
    )  # greeting + one gift
    assert button_target(messages[-1]) == f"photo_{later}"


async def test_429_waits_retry_after_5xx_retries_and_400_gives_up_with_the_reason(
    http: httpx.AsyncClient, pool: asyncpg.Pool, fakes, caplog: pytest.LogCaptureFixture
) -> None:
    telegram, max_, _ = fakes
    anna = await person(http, "max", 1401, "Anna", "ru")
    boris = await person(http, "telegram", 2502, "Boris", "en")
    greeted = len(telegram.wait_messages(1)), len(max_.wait_messages(1))
    telegram.scripted = [429, 500, 502]
    max_.scripted = [400]
    photos = await gifts(http, pool, anna, boris, 3, 0)
    await gifts(http, pool, boris, anna, 1, 10)
    assert await drained(pool) == {"sent": 3, "failed": 1}
    assert sorted(button_target(m) for m in telegram.messages[greeted[1] :]) == sorted(
        f"photo_{p}" for p in photos
    )
    reason = await pool.fetchval("SELECT reason FROM notifications WHERE status = 'failed'")
    assert reason.startswith("max 400")
    assert "max 400" in caplog.text
    assert max_.messages[greeted[0] :] == []


async def test_a_platform_that_is_down_delays_but_loses_nothing_and_the_api_keeps_answering(
    http: httpx.AsyncClient, pool: asyncpg.Pool, fakes
) -> None:
    telegram, _, _ = fakes
    anna = await person(http, "max", 1501, "Anna", "ru")
    boris = await person(http, "telegram", 2602, "Boris", "en")
    greeted = len(telegram.wait_messages(1))
    telegram.down = True
    photos = await gifts(http, pool, anna, boris, 5, 0)
    # While every call fails: the notifier keeps retrying, and the API answers as usual.
    while await pool.fetchval("SELECT count(*) FROM notifications WHERE attempts >= 2") < 5:
        response = await http.get("/api/photos", headers=anna.headers)
        assert response.status_code == 200
    for _ in range(20):
        assert (await http.get("/api/photos")).status_code == 200
        assert (
            await http.get(f"/api/photos/{photos[0]}", headers=boris.headers)
        ).status_code == 200
    assert telegram.messages[greeted:] == []
    telegram.down = False
    assert await drained(pool) == {"sent": 5}
    assert sorted(
        button_target(m) for m in telegram.wait_messages(greeted + 5)[greeted:]
    ) == sorted(f"photo_{p}" for p in photos)

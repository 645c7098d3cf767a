"""Issue 20, cards that travel: `GET /photos/{id}` — the web app's own URL of an object — is
fetched the way a chat's link-preview bot fetches it (signed out, a bot's User-Agent, maybe no
Accept-Language) and its HTML read for Open Graph and Twitter card tags. A public object has a
card (title, number, author, owner, the 640 px rendition, the canonical URL); a private or missing
one gets the plain app, byte for byte, so the page tells nothing apart."""

from collections.abc import AsyncIterator
from html.parser import HTMLParser
from pathlib import Path

import asyncpg
import httpx
import pytest

from tests.conftest import app_client_for, make_settings
from tests.images import unique_png
from tests.support import bearer, mint_objects, sign_in

PUBLIC_URL = "https://gallery.example"
INDEX_HTML = (
    '<!doctype html>\n<html lang="en">\n  <head>\n    <meta charset="UTF-8" />\n'
    '    <title>Max Gallery</title>\n  </head>\n  <body>\n    <div id="root"></div>\n'
    '    <script type="module" src="/assets/index-abc.js"></script>\n  </body>\n</html>\n'
)
# What Telegram's preview bot calls itself; Max's fetches the same way (signed out).
PREVIEW_BOT = {"User-Agent": "TelegramBot (like TwitterBot)"}


class Head(HTMLParser):
    """The page's head as a preview bot reads it: meta properties/names, canonical, title."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.canonical: str | None = None
        self.title = ""
        self._in_title = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if (
            tag == "meta"
            and (key := a.get("property") or a.get("name"))
            and a.get("content") is not None
        ):
            self.meta[key] = a["content"] or ""
        elif tag == "link" and a.get("rel") == "canonical":
            self.canonical = a.get("href")
        self._in_title = tag == "title"

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


@pytest.fixture
async def web(
    database_url: str, upload_dir: Path, tmp_path: Path, pool: asyncpg.Pool
) -> AsyncIterator[httpx.AsyncClient]:
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "index.html").write_text(INDEX_HTML, encoding="utf-8")
    settings = make_settings(database_url, upload_dir, webapp_dist=dist, public_url=PUBLIC_URL)
    async with app_client_for(settings) as http:
        yield http


async def upload(client: httpx.AsyncClient, tokens: dict, seed: int, title: str) -> dict:
    files = {"file": ("p.png", unique_png(seed, (800, 600)), "image/png")}
    response = await client.post(
        "/api/photos/upload", files=files, data={"title": title}, headers=bearer(tokens)
    )
    assert response.status_code == 201, response.text
    return response.json()


async def test_a_public_objects_page_unfolds_into_a_card(
    web: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    anna = await sign_in(web, 1, "Anna")
    boris = await sign_in(web, 2, "Boris")
    await pool.execute("SELECT setval('art_objects_mint_number_seq', 1233)")  # the next is 1234
    photo = await upload(web, anna, 1, "Sunset over the Neva")
    assert photo["mint_number"] == 1234
    gift = await web.post(
        "/api/transfers",
        json={"photo_id": photo["id"], "to_user_id": boris["user"]["id"]},
        headers=bearer(anna),
    )
    assert gift.status_code == 201, gift.text

    # No Accept-Language (as preview bots often send): Russian, "№ 1 234".
    page = await web.get(f"/photos/{photo['id']}", headers=PREVIEW_BOT)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert page.headers["cache-control"] == "no-cache"
    head = Head(page.text)
    url = f"{PUBLIC_URL}/photos/{photo['id']}"
    assert head.meta["og:title"] == "Sunset over the Neva · №\u00a01\u00a0234"
    assert head.meta["og:description"].startswith("№\u00a01\u00a0234 — автор Anna, владелец Boris.")
    assert head.meta["og:url"] == url and head.canonical == url
    assert head.meta["og:image"] == PUBLIC_URL + photo["thumb_2x_url"]
    assert (head.meta["og:image:width"], head.meta["og:image:height"]) == ("640", "480")
    assert head.meta["og:type"] == "website" and head.meta["og:locale"] == "ru_RU"
    assert head.meta["twitter:card"] == "summary_large_image"
    assert head.meta["twitter:image"] == head.meta["og:image"]
    assert head.meta["twitter:title"] == head.meta["og:title"]
    assert head.title == head.meta["og:title"]
    # The rest is the web app itself: the page still boots the app.
    assert '<script type="module" src="/assets/index-abc.js"></script>' in page.text
    # The card's picture is the 640 px rendition, served publicly.
    image = await web.get(photo["thumb_2x_url"])
    assert image.status_code == 200 and image.headers["content-type"] == "image/webp"

    # "Any language" (what plain HTTP clients send) is no preference either.
    assert (
        Head((await web.get(f"/photos/{photo['id']}", headers={"Accept-Language": "*"})).text).meta[
            "og:locale"
        ]
        == "ru_RU"
    )
    english = Head(
        (
            await web.get(
                f"/photos/{photo['id']}",
                headers={**PREVIEW_BOT, "Accept-Language": "en-US,en;q=0.9"},
            )
        ).text
    )
    assert english.meta["og:title"] == "Sunset over the Neva · No. 1,234"
    assert english.meta["og:description"].startswith("No. 1,234 by Anna, owned by Boris.")
    assert english.meta["og:locale"] == "en_US"


async def test_private_and_missing_objects_get_the_plain_app(
    web: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    anna = await sign_in(web, 1, "Anna Secret")
    boris = await sign_in(web, 2, "Boris")
    photo = await upload(web, anna, 2, "Hidden harbour")
    assert "og:title" in (await web.get(f"/photos/{photo['id']}", headers=PREVIEW_BOT)).text
    assert (
        await web.patch("/api/me", json={"is_private": True}, headers=bearer(anna))
    ).status_code == 200
    [other] = await mint_objects(pool, boris["user"]["id"], 1)

    plain = (await web.get("/", headers=PREVIEW_BOT)).text
    assert plain == INDEX_HTML
    for path in (
        f"/photos/{photo['id']}",
        "/photos/999999",
        "/photos/99999999999999999999999",
        "/photos/0",
    ):
        # Signed in as its owner too: the card is what a signed-out bot may see, never more.
        for headers in (PREVIEW_BOT, {**PREVIEW_BOT, **bearer(anna)}):
            page = await web.get(path, headers=headers)
            assert page.status_code == 200, path
            assert page.text == INDEX_HTML, path  # byte for byte: private == missing
            for secret in (
                "Hidden harbour",
                "Anna Secret",
                photo["thumb_2x_url"],
                "og:",
                "twitter:",
            ):
                assert secret not in page.text
    # A public object next to it still has its card.
    assert (
        Head((await web.get(f"/photos/{other}", headers=PREVIEW_BOT)).text)
        .meta["og:title"]
        .startswith("object ")
    )

    # A public object given to a private collector stops unfolding: its owner now decides.
    mine = await upload(web, boris, 3, "Public for now")
    assert "og:title" in (await web.get(f"/photos/{mine['id']}")).text
    gift = await web.post(
        "/api/transfers",
        json={"photo_id": mine["id"], "to_user_id": anna["user"]["id"]},
        headers=bearer(boris),
    )
    assert gift.status_code == 201, gift.text
    assert (await web.get(f"/photos/{mine['id']}")).text == INDEX_HTML


async def test_card_values_are_escaped_and_other_app_paths_stay_plain(
    web: httpx.AsyncClient,
) -> None:
    anna = await sign_in(web, 1, 'Anna "<b>')
    photo = await upload(web, anna, 4, '"><script>alert(1)</script>')
    page = (await web.get(f"/photos/{photo['id']}")).text
    assert "<script>alert(1)" not in page and "<b>" not in page
    head = Head(page)
    assert head.meta["og:title"].startswith('"><script>alert(1)</script> · ')
    assert 'Anna "<b>' in head.meta["og:description"]
    # The object's other screens and the rest of the app are the plain app.
    for path in (
        f"/photos/{photo['id']}/transfer",
        f"/photos/{photo['id']}/",
        "/photos/abc",
        "/me",
    ):
        assert (await web.get(path)).text == INDEX_HTML, path

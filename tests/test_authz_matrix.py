"""Authorization matrix (issue 8.6): every API route x {anonymous, another user, owner, admin}.

`RULES` is keyed by (method, path template) exactly as FastAPI registers it; each rule says who
"owner" is for that route (the party entitled to act: the object's owner, the trade's recipient
for accept/decline, the request's target, ...), how to build the request from a seeded world,
and the status each role must get. "other" is an unrelated signed-in user; "admin" is another
unrelated user made admin by SQL (SPEC: admins exist only by SQL and have no extra powers over
other people's things, except the admin-only consistency report).

`test_every_route_has_a_rule` fails when a route is added without a rule here.

The world is built once per module, inside an open transaction on one connection that the app
uses for every request (`OneConnectionPool`: the app's transactions become savepoints). Each
role's request runs in a savepoint of its own that is rolled back afterwards, so every request
sees the untouched world (the owner's success cannot hide another role's refusal, or the other
way round) without rebuilding or truncating anything.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import bcrypt
import httpx
import pytest
from fastapi.routing import APIRoute

from app.core.security import create_access_token
from app.main import create_app
from tests.conftest import _TABLES, make_settings
from tests.images import unique_png
from tests.support import make_init_data, mint_objects

SECRET = "test-secret-" + "x" * 32  # tests/conftest.py make_settings
ROLES = ("anon", "other", "owner", "admin")
PASSWORD = "anna's password 1"
_HASH = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(4)).decode()
# Not API routes. /photos/{id} is the web app's page with its link card: public by design (a
# preview bot is anonymous); that it shows nothing of a private object is tests/test_link_cards.py.
SKIPPED_PATHS = {
    "/health",
    "/metrics",
    "/api/openapi.json",
    "/api/docs",
    "/api/docs/oauth2-redirect",
    "/api/ws",
    "/photos/{photo_id:int}",
}


@dataclass
class World:
    users: dict[str, int]
    tokens: dict[str, str]
    anna_photos: list[int]
    boris_photos: list[int]
    dana_photos: list[int]  # a public user's
    claim: dict[str, Any]
    trade: dict[str, Any]  # anna -> boris, addressed
    open_trade: dict[str, Any]  # anna's open trade (token)
    profile_request: dict[str, Any]  # anna -> boris (private)
    qr: dict[str, Any]  # a desktop QR sign-in request
    gift: dict[str, Any]  # anna's direct gift to boris


async def build_world(client: httpx.AsyncClient, pool: asyncpg.Connection) -> World:
    rows = await pool.fetch(
        """
        INSERT INTO users (username, password_hash, messenger, external_id, display_name, is_private) VALUES
          ('anna', $1, NULL, NULL, 'Anna', false), (NULL, NULL, 'max', 2, 'Boris', true),
          (NULL, NULL, 'max', 3, 'Carl', false), (NULL, NULL, 'max', 4, 'Dana', false)
        RETURNING id, display_name
        """,
        _HASH,
    )
    users = {r["display_name"].lower(): r["id"] for r in rows}
    await pool.execute("UPDATE users SET role = 'admin' WHERE id = $1", users["dana"])
    tokens = {name: create_access_token(uid, SECRET, 600) for name, uid in users.items()}
    anna_photos = await mint_objects(pool, users["anna"], 5, start=0)
    boris_photos = await mint_objects(pool, users["boris"], 2, start=100)
    dana_photos = await mint_objects(pool, users["dana"], 1, start=200)

    def auth(name: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {tokens[name]}"}

    async def ok(response: httpx.Response) -> dict:
        assert response.status_code in (200, 201), response.text
        return response.json()

    claim = await ok(
        await client.post("/api/transfers", json={"photo_id": anna_photos[1]}, headers=auth("anna"))
    )
    # Anna may ask for boris's (private) objects only while she may see them: her profile request
    # is accepted for the proposals, then pending again for the profile-request rules.
    profile_request = await ok(
        await client.post(
            "/api/profile_requests", json={"user_id": users["boris"]}, headers=auth("anna")
        )
    )
    await pool.execute(
        "UPDATE profile_requests SET status = 'accepted' WHERE id = $1", profile_request["id"]
    )
    trade = await ok(
        await client.post(
            "/api/trades",
            json={
                "offered_photo_ids": [anna_photos[2]],
                "requested_photo_ids": [boris_photos[0]],
                "recipient_id": users["boris"],
            },
            headers=auth("anna"),
        )
    )
    open_trade = await ok(
        await client.post(
            "/api/trades",
            json={"offered_photo_ids": [anna_photos[3]], "requested_photo_ids": [boris_photos[1]]},
            headers=auth("anna"),
        )
    )
    await pool.execute(
        "UPDATE profile_requests SET status = 'pending' WHERE id = $1", profile_request["id"]
    )
    qr = await ok(await client.post("/api/auth/qr"))
    gift = await ok(
        await client.post(
            "/api/transfers",
            json={"photo_id": anna_photos[4], "to_user_id": users["boris"]},
            headers=auth("anna"),
        )
    )
    return World(
        users,
        tokens,
        anna_photos,
        boris_photos,
        dana_photos,
        claim,
        trade,
        open_trade,
        profile_request,
        qr,
        gift,
    )


class OneConnectionPool:
    """Stands in for the app's asyncpg pool: every `acquire()` hands out the module's one
    connection (already inside the world's transaction) in a savepoint of its own, so a failing
    statement rolls back only that use. One task at a time holds it; the holder may nest."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn
        self._lock = asyncio.Lock()
        self._holder: asyncio.Task[Any] | None = None
        self._depth = 0

    @asynccontextmanager
    async def acquire(self) -> AsyncIterator[asyncpg.Connection]:
        task = asyncio.current_task()
        if self._holder is not task:
            await self._lock.acquire()
            self._holder = task
        self._depth += 1
        try:
            async with self.conn.transaction():
                yield self.conn
        finally:
            self._depth -= 1
            if self._depth == 0:
                self._holder = None
                self._lock.release()


@dataclass
class Matrix:
    client: httpx.AsyncClient
    db: asyncpg.Connection  # the connection the app uses, inside the world's transaction
    world: World


@pytest.fixture(autouse=True)
async def _clean_database() -> AsyncIterator[None]:
    """Replaces conftest's per-test TRUNCATE: this module's world lives in a transaction."""
    yield


@pytest.fixture(scope="module")
async def matrix(
    database_url: str, pool: asyncpg.Pool, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Matrix]:
    await pool.execute(f"TRUNCATE {_TABLES} RESTART IDENTITY CASCADE")
    app = create_app(make_settings(database_url, tmp_path_factory.mktemp("uploads")))
    async with app.router.lifespan_context(app):
        own_pool = app.state.pool
        async with pool.acquire() as conn:
            world_transaction = conn.transaction()
            await world_transaction.start()
            app.state.pool = OneConnectionPool(conn)
            try:
                transport = httpx.ASGITransport(app=app)
                async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
                    yield Matrix(http, conn, await build_world(http, conn))
            finally:
                app.state.pool = own_pool
                await world_transaction.rollback()


@asynccontextmanager
async def untouched(matrix: Matrix) -> AsyncIterator[World]:
    """The world as built, whatever the body changes: a savepoint rolled back afterwards."""
    savepoint = matrix.db.transaction()
    await savepoint.start()
    try:
        yield matrix.world
    finally:
        await savepoint.rollback()


Request = tuple[str, dict[str, Any]]  # (url, httpx kwargs)


@dataclass(frozen=True)
class Rule:
    owner: str  # which seeded user is "owner" for this route
    expect: dict[str, int | set[int]]  # role -> status (or set of acceptable statuses)
    build: Callable[[World, str], Request]  # (world, role) -> request


def rule(
    owner: str,
    anon: int | set[int],
    other: int | set[int],
    own: int | set[int],
    admin: int | set[int],
    build: Callable[[World, str], Request],
) -> Rule:
    return Rule(owner, {"anon": anon, "other": other, "owner": own, "admin": admin}, build)


def _init(w: World, role: str) -> Request:
    return "", {
        "json": {
            "init_data": make_init_data(user={"id": 9000 + ROLES.index(role), "first_name": role})
        }
    }


def _telegram(w: World, role: str) -> Request:
    from tests.support import TELEGRAM_BOT_TOKEN

    init_data = make_init_data(
        TELEGRAM_BOT_TOKEN, user={"id": 9100 + ROLES.index(role), "first_name": role}
    )
    return "", {"json": {"init_data": init_data}}


ANNA_PHOTO = lambda w: w.anna_photos[0]  # noqa: E731 — anna's, public, never offered
BORIS_PHOTO = lambda w: w.boris_photos[0]  # noqa: E731 — boris's, private profile

# One rule a line: the matrix reads as a table (kept out of the formatter).
# fmt: off
RULES: dict[tuple[str, str], Rule] = {
    ("GET", "/api/admin/consistency"): rule("anna", 401, 403, 403, 200, lambda w, r: ("", {})),
    # Sign-in: public by nature; proof is in the body, not the bearer.
    ("POST", "/api/auth/max"): rule("anna", 200, 200, 200, 200, _init),
    ("POST", "/api/auth/telegram"): rule("anna", 200, 200, 200, 200, _telegram),
    ("POST", "/api/auth/register"): rule("anna", 201, 201, 201, 201, lambda w, r: ("", {"json": {"username": f"new_{r}", "password": "long enough pw"}})),
    ("POST", "/api/auth/login"): rule("anna", 200, 200, 200, 200, lambda w, r: ("", {"json": {"username": "anna", "password": PASSWORD}})),
    ("POST", "/api/auth/refresh"): rule("anna", 401, 401, 401, 401, lambda w, r: ("", {"json": {"refresh_token": "not-a-real-refresh-token"}})),
    ("POST", "/api/auth/logout"): rule("anna", 204, 204, 204, 204, lambda w, r: ("", {"json": {"refresh_token": "not-a-real-refresh-token"}})),
    ("POST", "/api/auth/qr"): rule("anna", 201, 201, 201, 201, lambda w, r: ("", {})),
    # Any signed-in phone approves the QR it scanned.
    ("POST", "/api/auth/qr/{request_id}/approve"): rule("anna", 401, 204, 204, 204, lambda w, r: (f"/api/auth/qr/{w.qr['request_id']}/approve", {})),
    # Any signed-in phone may see what it is about to approve.
    ("GET", "/api/auth/qr/{request_id}/details"): rule("anna", 401, 200, 200, 200, lambda w, r: (f"/api/auth/qr/{w.qr['request_id']}/details", {})),
    # The desktop's poll and QR image need the request's secret, not a bearer.
    ("GET", "/api/auth/qr/{request_id}"): rule("anna", 200, 200, 200, 200, lambda w, r: (f"/api/auth/qr/{w.qr['request_id']}", {"headers": {"X-QR-Secret": w.qr["secret"]}})),
    ("GET", "/api/auth/qr/{request_id}/qr.png"): rule("anna", 200, 200, 200, 200, lambda w, r: (f"/api/auth/qr/{w.qr['request_id']}/qr.png", {"headers": {"X-QR-Secret": w.qr["secret"]}})),
    ("GET", "/api/me"): rule("anna", 401, 200, 200, 200, lambda w, r: ("", {})),
    # Bot notification settings: each user's own.
    ("GET", "/api/me/notifications"): rule("anna", 401, 200, 200, 200, lambda w, r: ("", {})),
    ("PUT", "/api/me/notifications"): rule("anna", 401, 200, 200, 200, lambda w, r: ("", {"json": {"disabled": ["trade_declined"]}})),
    # Sharing through the bot is for Telegram users (nobody here is one): 409 for everyone signed in.
    ("POST", "/api/share/prepared"): rule("anna", 401, 409, 409, 409, lambda w, r: ("", {"json": {"link": "http://localhost:8000/?startapp=trade_x", "text": "t"}})),
    # Webhooks answer only their platform's secret (none is configured here): refused for all.
    ("POST", "/api/bot/telegram"): rule("anna", 403, 403, 403, 403, lambda w, r: ("", {"json": {"update_id": 1}})),
    ("POST", "/api/bot/max"): rule("anna", 403, 403, 403, 403, lambda w, r: ("", {"json": {"update_type": "bot_started", "timestamp": 1}})),
    ("PATCH", "/api/me"): rule("anna", 401, 200, 200, 200, lambda w, r: ("", {"json": {"display_name": f"renamed {r}"}})),
    # Needs fresh proof: anna gives her current password; carl and dana (messenger-only) hold
    # tokens without a recent messenger sign-in, so they may not set one (issue 13.12).
    ("PUT", "/api/me/password"): rule("anna", 401, 403, 200, 403, lambda w, r: ("", {"json": {"password": "a new password 9", "current_password": PASSWORD, "username": f"user_{r}"}})),
    # Profiles: anna is public, boris private.
    # People search: any signed-in user; a private person (boris) is found by name.
    ("GET", "/api/users"): rule("anna", 401, 200, 200, 200, lambda w, r: ("", {"params": {"q": "bor"}})),
    ("GET", "/api/users/{user_id}"): rule("anna", 200, 200, 200, 200, lambda w, r: (f"/api/users/{w.users['anna']}", {})),
    ("GET", "/api/users/{user_id}/photos"): rule("boris", 403, 403, 200, 403, lambda w, r: (f"/api/users/{w.users['boris']}/photos", {})),
    ("POST", "/api/photos/upload"): rule("anna", 401, 201, 201, 201, lambda w, r: ("", {"files": {"file": ("a.png", unique_png(4242))}, "data": {"title": "t"}})),
    ("GET", "/api/photos"): rule("anna", 200, 200, 200, 200, lambda w, r: ("", {})),
    # A private collector's object is invisible to others, admins included.
    ("GET", "/api/photos/{photo_id}"): rule("boris", 404, 404, 200, 404, lambda w, r: (f"/api/photos/{BORIS_PHOTO(w)}", {})),
    ("GET", "/api/photos/{photo_id}/history"): rule("boris", 404, 404, 200, 404, lambda w, r: (f"/api/photos/{BORIS_PHOTO(w)}/history", {})),
    ("GET", "/api/photos/{photo_id}/story"): rule("boris", 404, 404, 200, 404, lambda w, r: (f"/api/photos/{BORIS_PHOTO(w)}/story", {})),
    # Only the owner hides an object from their profile, or pins it to their showcase.
    ("PUT", "/api/photos/{photo_id}/profile-hidden"): rule("anna", 401, 403, 200, 403, lambda w, r: (f"/api/photos/{ANNA_PHOTO(w)}/profile-hidden", {"json": {"hidden": True}})),
    ("PUT", "/api/me/showcase"): rule("anna", 401, 422, 200, 422, lambda w, r: ("", {"json": {"photo_ids": [ANNA_PHOTO(w)]}})),
    # A showcase is seen like the collection it is part of (boris is private).
    ("GET", "/api/users/{user_id}/showcase"): rule("boris", 403, 403, 200, 403, lambda w, r: (f"/api/users/{w.users['boris']}/showcase", {})),
    # Only a gift's recipient hides its note.
    ("PUT", "/api/transfers/{transfer_id}/note"): rule("boris", 401, 404, 200, 404, lambda w, r: (f"/api/transfers/{w.gift['id']}/note", {"json": {"hidden": True}})),
    ("PATCH", "/api/photos/{photo_id}"): rule("anna", 401, 403, 200, 403, lambda w, r: (f"/api/photos/{ANNA_PHOTO(w)}", {"json": {"title": "mine now"}})),
    ("DELETE", "/api/photos/{photo_id}"): rule("anna", 401, 403, 204, 403, lambda w, r: (f"/api/photos/{ANNA_PHOTO(w)}", {})),
    ("PUT", "/api/photos/{photo_id}/favorite"): rule("anna", 401, 200, 200, 200, lambda w, r: (f"/api/photos/{ANNA_PHOTO(w)}/favorite", {})),
    ("DELETE", "/api/photos/{photo_id}/favorite"): rule("anna", 401, 200, 200, 200, lambda w, r: (f"/api/photos/{ANNA_PHOTO(w)}/favorite", {})),
    # Transfers: only the owner gives away.
    ("POST", "/api/transfers"): rule("anna", 401, 403, 201, 403, lambda w, r: ("", {"json": {"photo_id": ANNA_PHOTO(w), "to_user_id": w.users["boris"]}})),
    ("GET", "/api/transfers"): rule("anna", 401, 200, 200, 200, lambda w, r: ("", {})),
    # Whoever holds the claim code may claim it (that is what a claim code is); owner = boris.
    ("POST", "/api/transfers/claim"): rule("boris", 401, 200, 200, 200, lambda w, r: ("", {"json": {"token": w.claim["claim_token"]}})),
    # The preview needs the code, not a bearer: whoever holds the code may look (signed out too).
    ("POST", "/api/transfers/claim/preview"): rule("boris", 200, 200, 200, 200, lambda w, r: ("", {"json": {"token": w.claim["claim_token"]}})),
    # Only a direct gift's recipient may send it back.
    ("POST", "/api/transfers/{transfer_id}/return"): rule("boris", 401, 404, 200, 404, lambda w, r: (f"/api/transfers/{w.gift['id']}/return", {})),
    # Anyone signed in may refuse gifts from anyone (here: from anna).
    ("PUT", "/api/users/{user_id}/block"): rule("boris", 401, 204, 204, 204, lambda w, r: (f"/api/users/{w.users['anna']}/block", {})),
    ("DELETE", "/api/users/{user_id}/block"): rule("boris", 401, 204, 204, 204, lambda w, r: (f"/api/users/{w.users['anna']}/block", {})),
    # The giver's live code again: anyone else's ask for that object answers null (200), never the code.
    ("GET", "/api/transfers/pending-code"): rule("anna", 401, 200, 200, 200, lambda w, r: ("", {"params": {"photo_id": w.anna_photos[1]}})),
    ("POST", "/api/transfers/{transfer_id}/replace"): rule("anna", 401, 404, 201, 404, lambda w, r: (f"/api/transfers/{w.claim['id']}/replace", {})),
    ("POST", "/api/transfers/{transfer_id}/cancel"): rule("anna", 401, 404, 200, 404, lambda w, r: (f"/api/transfers/{w.claim['id']}/cancel", {})),
    ("GET", "/api/transfers/{transfer_id}/qr.png"): rule("anna", 401, 404, 200, 404, lambda w, r: (f"/api/transfers/{w.claim['id']}/qr.png", {"headers": {"X-Link-Token": w.claim["claim_token"]}})),
    # Trades: only the owner offers; only the recipient accepts/declines; only the proposer cancels.
    # (Asking for a private user's object is probed below: it answers like a missing one.)
    ("POST", "/api/trades"): rule("anna", 401, 403, 201, 403, lambda w, r: ("", {"json": {"offered_photo_ids": [ANNA_PHOTO(w)], "requested_photo_ids": [w.dana_photos[0]]}})),
    ("GET", "/api/trades"): rule("anna", 401, 200, 200, 200, lambda w, r: ("", {})),
    # An open trade's token is its invitation: any signed-in holder may look at it.
    # The token is the permission to look (signed out too: the screen then says "sign in").
    ("POST", "/api/trades/by-token"): rule("anna", 200, 200, 200, 200, lambda w, r: ("", {"json": {"token": w.open_trade["token"]}})),
    ("GET", "/api/trades/{trade_id}"): rule("anna", 401, 404, 200, 404, lambda w, r: (f"/api/trades/{w.trade['id']}", {})),
    ("POST", "/api/trades/{trade_id}/accept"): rule("boris", 401, {403, 404}, 200, {403, 404}, lambda w, r: (f"/api/trades/{w.trade['id']}/accept", {})),
    ("POST", "/api/trades/{trade_id}/decline"): rule("boris", 401, {403, 404}, 200, {403, 404}, lambda w, r: (f"/api/trades/{w.trade['id']}/decline", {})),
    ("POST", "/api/trades/{trade_id}/cancel"): rule("anna", 401, {403, 404}, 200, {403, 404}, lambda w, r: (f"/api/trades/{w.trade['id']}/cancel", {})),
    ("GET", "/api/trades/{trade_id}/qr.png"): rule("anna", 401, 404, 200, 404, lambda w, r: (f"/api/trades/{w.open_trade['id']}/qr.png", {"headers": {"X-Link-Token": w.open_trade["token"]}})),
    # Profile requests: anyone may ask (anna already asked: idempotent 200); the target answers;
    # the requester withdraws.
    ("POST", "/api/profile_requests"): rule("anna", 401, 201, 200, 201, lambda w, r: ("", {"json": {"user_id": w.users["boris"]}})),
    ("GET", "/api/profile_requests"): rule("anna", 401, 200, 200, 200, lambda w, r: ("", {})),
    ("POST", "/api/profile_requests/{request_id}/accept"): rule("boris", 401, 404, 200, 404, lambda w, r: (f"/api/profile_requests/{w.profile_request['id']}/accept", {})),
    ("POST", "/api/profile_requests/{request_id}/decline"): rule("boris", 401, 404, 200, 404, lambda w, r: (f"/api/profile_requests/{w.profile_request['id']}/decline", {})),
    ("DELETE", "/api/profile_requests/{request_id}"): rule("anna", 401, 404, 204, 404, lambda w, r: (f"/api/profile_requests/{w.profile_request['id']}", {})),
    ("GET", "/api/qr.png"): rule("anna", 200, 200, 200, 200, lambda w, r: ("", {"params": {"data": "https://max.ru/test_gallery_bot?startapp=trade_abc"}})),
}
# fmt: on


def api_routes() -> list[tuple[str, str]]:
    from app.main import create_app
    from tests.conftest import make_settings

    app = create_app(make_settings("postgresql://unused/none", Path("/tmp")))
    found = []
    for path, route in _flatten(app.routes):
        if not isinstance(route, APIRoute) or path in SKIPPED_PATHS or "{path:path}" in path:
            continue
        found += [(method, path) for method in sorted(route.methods - {"HEAD", "OPTIONS"})]
    return sorted(found)


def _flatten(routes: list[Any]) -> list[tuple[str, Any]]:
    """(full path, route) for every route, through included routers. FastAPI >= 0.16x keeps an
    included router as one lazy `_IncludedRouter` entry in `app.routes`; older ones copy routes."""
    out: list[tuple[str, Any]] = []
    for route in routes:
        contexts = getattr(route, "effective_route_contexts", None)
        if contexts is not None:
            out += [(ctx.path, ctx.original_route) for ctx in contexts()]
        else:
            out.append((getattr(route, "path", ""), route))
    return out


def test_every_route_has_a_rule() -> None:
    routes = set(api_routes())
    missing = routes - RULES.keys()
    stale = RULES.keys() - routes
    assert not missing, (
        f"routes without an authorization rule in tests/test_authz_matrix.py RULES: {sorted(missing)}"
    )
    assert not stale, f"rules for routes that no longer exist: {sorted(stale)}"


def _token_for(world: World, rule_: Rule, role: str) -> str | None:
    return {
        "anon": None,
        "other": world.tokens["carl"],
        "owner": world.tokens[rule_.owner],
        "admin": world.tokens["dana"],
    }[role]


async def _call(
    client: httpx.AsyncClient, method: str, path: str, world: World, rule_: Rule, role: str
) -> httpx.Response:
    url, kwargs = rule_.build(world, role)
    token = _token_for(world, rule_, role)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    headers.update(kwargs.pop("headers", {}))
    return await client.request(method, url or path, headers=headers, **kwargs)


@pytest.mark.parametrize(
    ("method", "path"), sorted(RULES), ids=[f"{m} {p}" for m, p in sorted(RULES)]
)
async def test_route_authorization(matrix: Matrix, method: str, path: str) -> None:
    rule_ = RULES[(method, path)]
    got: dict[str, int] = {}
    for role in ROLES:
        async with untouched(matrix) as world:  # a write sees an untouched world
            response = await _call(matrix.client, method, path, world, rule_, role)
        got[role] = response.status_code
    wrong = {
        role: f"got {got[role]}, expected {rule_.expect[role]}"
        for role in ROLES
        if got[role]
        not in (rule_.expect[role] if isinstance(rule_.expect[role], set) else {rule_.expect[role]})
    }
    assert not wrong, f"{method} {path} (owner = {rule_.owner}): {wrong}"


# --- a private user's objects are indistinguishable from missing ones (issue 13.7) ---------------
# Every route that takes an art object id (path or body) is called by an unrelated user and by
# an anonymous one with boris's object (private profile, no accepted request) and with an id that
# does not exist: status, code and message must be identical, and no id may be echoed back.
# Otherwise sequential ids would map out a private collection (exists? whose?).

MISSING_ID = 987_654_321
ObjectRequest = Callable[[World, int, int], Request]  # (world, probed id, carl's own object id)

OBJECT_ROUTES: dict[tuple[str, str], list[ObjectRequest]] = {
    ("GET", "/api/photos/{photo_id}"): [lambda w, pid, mine: (f"/api/photos/{pid}", {})],
    ("GET", "/api/photos/{photo_id}/history"): [
        lambda w, pid, mine: (f"/api/photos/{pid}/history", {})
    ],
    ("GET", "/api/photos/{photo_id}/story"): [
        lambda w, pid, mine: (f"/api/photos/{pid}/story", {})
    ],
    ("PUT", "/api/photos/{photo_id}/profile-hidden"): [
        lambda w, pid, mine: (f"/api/photos/{pid}/profile-hidden", {"json": {"hidden": True}})
    ],
    ("PUT", "/api/me/showcase"): [
        lambda w, pid, mine: ("/api/me/showcase", {"json": {"photo_ids": [mine, pid]}})
    ],
    ("PATCH", "/api/photos/{photo_id}"): [
        lambda w, pid, mine: (f"/api/photos/{pid}", {"json": {"title": "probe"}})
    ],
    ("DELETE", "/api/photos/{photo_id}"): [lambda w, pid, mine: (f"/api/photos/{pid}", {})],
    ("PUT", "/api/photos/{photo_id}/favorite"): [
        lambda w, pid, mine: (f"/api/photos/{pid}/favorite", {})
    ],
    ("DELETE", "/api/photos/{photo_id}/favorite"): [
        lambda w, pid, mine: (f"/api/photos/{pid}/favorite", {})
    ],
    ("POST", "/api/transfers"): [
        lambda w, pid, mine: (
            "/api/transfers",
            {"json": {"photo_id": pid, "to_user_id": w.users["anna"]}},
        ),
        lambda w, pid, mine: ("/api/transfers", {"json": {"photo_id": pid}}),
    ],
    ("POST", "/api/trades"): [
        # Requested (open, and addressed to the owner), and offered.
        lambda w, pid, mine: (
            "/api/trades",
            {"json": {"offered_photo_ids": [mine], "requested_photo_ids": [pid]}},
        ),
        lambda w, pid, mine: (
            "/api/trades",
            {
                "json": {
                    "offered_photo_ids": [mine],
                    "requested_photo_ids": [pid],
                    "recipient_id": w.users["boris"],
                }
            },
        ),
        lambda w, pid, mine: (
            "/api/trades",
            {"json": {"offered_photo_ids": [pid], "requested_photo_ids": [w.anna_photos[0]]}},
        ),
    ],
}


def test_every_object_route_is_probed() -> None:
    takes_object = {(method, path) for method, path in api_routes() if "{photo_id}" in path} | {
        ("POST", "/api/trades"),
        ("POST", "/api/transfers"),
    }
    missing = takes_object - OBJECT_ROUTES.keys()
    assert not missing, (
        f"routes taking an art object id without a private-object probe: {sorted(missing)}"
    )


@pytest.mark.parametrize(
    ("method", "path"), sorted(OBJECT_ROUTES), ids=[f"{m} {p}" for m, p in sorted(OBJECT_ROUTES)]
)
async def test_private_object_answers_like_a_missing_one(
    matrix: Matrix, method: str, path: str
) -> None:
    async with untouched(matrix) as world:
        await _probe_private_object(matrix.client, matrix.db, world, method, path)


async def _probe_private_object(
    client: httpx.AsyncClient, pool: asyncpg.Connection, world: World, method: str, path: str
) -> None:
    (carl_object,) = await mint_objects(pool, world.users["carl"], 1, start=500)
    hidden = BORIS_PHOTO(world)
    for build in OBJECT_ROUTES[(method, path)]:
        for role in ("anon", "other"):
            headers = {} if role == "anon" else {"Authorization": f"Bearer {world.tokens['carl']}"}
            answers = []
            for probed in (hidden, MISSING_ID):
                url, kwargs = build(world, probed, carl_object)
                response = await client.request(method, url, headers=headers, **kwargs)
                assert response.status_code in (401, 404, 422), (role, probed, response.text)
                assert str(probed) not in response.text, f"the id is echoed back: {response.text}"
                answers.append((response.status_code, response.json()))
            assert answers[0] == answers[1], (
                f"{method} {path} as {role}: hidden {answers[0]} vs missing {answers[1]}"
            )
    # Nothing happened to boris's object.
    assert (
        await pool.fetchval("SELECT owner_id FROM art_objects WHERE id = $1", hidden)
        == world.users["boris"]
    )
    assert (
        await pool.fetchval("SELECT count(*) FROM favorites WHERE art_object_id = $1", hidden) == 0
    )


async def test_trade_views_show_a_private_users_objects_only_to_who_may_see_them(
    matrix: Matrix,
) -> None:
    """Anna may see boris's collection (accepted request) and opens a trade for his object; the
    link's other holders (carl, anonymous) see the trade but not boris's object."""
    async with untouched(matrix) as world:
        await _trade_views(matrix.client, matrix.db, world)


async def _trade_views(client: httpx.AsyncClient, pool: asyncpg.Connection, world: World) -> None:
    await pool.execute(
        "UPDATE profile_requests SET status = 'accepted' WHERE id = $1", world.profile_request["id"]
    )
    anna = {"Authorization": f"Bearer {world.tokens['anna']}"}
    wanted = world.boris_photos[1]
    title = await pool.fetchval("SELECT title FROM art_objects WHERE id = $1", wanted)
    created = await client.post(
        "/api/trades",
        json={"offered_photo_ids": [ANNA_PHOTO(world)], "requested_photo_ids": [wanted]},
        headers=anna,
    )
    assert created.status_code == 201, created.text
    assert [p["id"] for p in created.json()["requested"]] == [
        wanted
    ]  # anna sees what she asked for
    token = created.json()["token"]
    for role, headers in (
        ("anon", {}),
        ("other", {"Authorization": f"Bearer {world.tokens['carl']}"}),
    ):
        for response in (
            await client.post("/api/trades/by-token", json={"token": token}, headers=headers),
        ):
            assert response.status_code == 200, (role, response.text)
            trade = response.json()
            assert trade["requested"] == [], (role, trade)
            assert [p["id"] for p in trade["offered"]] == [
                ANNA_PHOTO(world)
            ]  # the proposer's own offer
            assert title not in response.text
    # Boris himself (the owner) sees his object in it.
    boris = {"Authorization": f"Bearer {world.tokens['boris']}"}
    own_view = (
        await client.post("/api/trades/by-token", json={"token": token}, headers=boris)
    ).json()
    assert [p["id"] for p in own_view["requested"]] == [wanted]

"""Hostile sign-in (issue 8.2): forged initData and tokens, refresh reuse, password brute force.

Each attack is one row of a table; the test tries them all, counts how many were tried and how
many were let through, and fails listing every one let through or answered with a 5xx. Refusal
means 401, 422 or 429 — never 500.

By design (documented, not attacks): a *valid* initData may be replayed while it is fresh (the
messenger hands the same string to the mini-app every time it opens; the signature cannot tell a
replay from a reopening), and fields may come in any order (the check string is sorted). A replay
of a *stale* one is refused like any stale initData.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import time
import uuid
from collections.abc import Awaitable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
import redis.asyncio as aioredis
from jose import jwt

from app.core.security import create_access_token
from app.messengers.initdata import sign
from tests.support import MAX_BOT_TOKEN, TELEGRAM_BOT_TOKEN, bearer, make_init_data, sign_in

SECRET = "test-secret-" + "x" * 32  # tests/conftest.py make_settings
REFUSED = {401, 422, 429}
DAY = 24 * 3600


def _encode(fields: dict[str, str] | list[tuple[str, str]]) -> str:
    pairs = fields.items() if isinstance(fields, dict) else fields
    return "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in pairs)


def _signed(
    user_id: int = 4242, auth_date: int | None = None, token: str = MAX_BOT_TOKEN, **extra: str
) -> dict[str, str]:
    """initData signed with `token` (the endpoint's own bot token unless the attack is forgery)."""
    fields = {
        "auth_date": str(int(time.time()) if auth_date is None else auth_date),
        "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
        "user": json.dumps({"id": user_id, "first_name": "Mallory"}),
        **extra,
    }
    fields["hash"] = sign(fields, token)
    return fields


_signed_with = _signed


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _forge_jwt(header: dict, payload: dict, signature: bytes = b"") -> str:
    return ".".join(
        [_b64(json.dumps(header).encode()), _b64(json.dumps(payload).encode()), _b64(signature)]
    )


def _with_payload(token: str, **changes: object) -> str:
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims.update(changes)
    return f"{header}.{_b64(json.dumps(claims).encode())}.{signature}"


# --- initData attacks -------------------------------------------------------------------------


def _initdata_attacks(own: str, other: str) -> dict[str, str]:
    """Attacks on the endpoint whose bot token is `own`; `other` is the other messenger's."""
    now = int(time.time())

    def _signed(**kwargs: object) -> dict[str, str]:
        return _signed_with(**{"token": own, **kwargs})

    valid = _signed()
    attacks: dict[str, str] = {}
    attacks["forged: signed with another bot token"] = _encode(_signed(token="999:not-our-bot"))
    attacks["forged: signed by the other messenger's bot"] = _encode(_signed(token=other))
    attacks["forged: random hash"] = _encode({**valid, "hash": "0" * 64})
    attacks["forged: hash missing"] = _encode({k: v for k, v in valid.items() if k != "hash"})
    attacks["forged: hash empty"] = _encode({**valid, "hash": ""})
    attacks["forged: hash truncated"] = _encode({**valid, "hash": valid["hash"][:32]})
    attacks["forged: hash not hex"] = _encode({**valid, "hash": "zz" * 32})
    attacks["tampered: user id changed after signing"] = _encode(
        {**valid, "user": json.dumps({"id": 1, "first_name": "Mallory"})}
    )
    attacks["tampered: auth_date moved forward after signing"] = _encode(
        {**valid, "auth_date": str(now + 10)}
    )
    attacks["tampered: unsigned field added"] = _encode({**valid, "start_param": "trade_x"})
    attacks["tampered: signed field removed"] = _encode(
        {k: v for k, v in valid.items() if k != "query_id"}
    )
    attacks["tampered: value moved between fields"] = _encode(
        {**valid, "query_id": valid["user"], "user": valid["query_id"]}
    )
    attacks["reordered + tampered"] = _encode(
        [
            ("user", json.dumps({"id": 2, "first_name": "M"})),
            ("hash", valid["hash"]),
            ("query_id", valid["query_id"]),
            ("auth_date", valid["auth_date"]),
        ]
    )
    pairs = list(valid.items())
    attacks["duplicated key: second user after signed one"] = _encode(
        [*pairs, ("user", json.dumps({"id": 1, "first_name": "Admin"}))]
    )
    attacks["duplicated key: user before signed one"] = _encode(
        [("user", json.dumps({"id": 1, "first_name": "Admin"})), *pairs]
    )
    attacks["duplicated key: two hashes"] = _encode([*pairs, ("hash", "0" * 64)])
    attacks["duplicated key: two auth_dates"] = _encode([*pairs, ("auth_date", str(now))])
    attacks["stale: signed 25 h ago"] = _encode(_signed(auth_date=now - DAY - 3600))
    attacks["stale: signed in milliseconds 25 h ago"] = _encode(
        _signed(auth_date=(now - DAY - 3600) * 1000)
    )
    attacks["stale: auth_date 0"] = _encode(_signed(auth_date=0))
    attacks["future: signed 1 h ahead"] = _encode(_signed(auth_date=now + 3600))
    attacks["future: signed far ahead (overflow bait)"] = _encode(_signed(auth_date=10**30))
    attacks["signed but negative auth_date"] = _encode({**_signed(), "auth_date": "-5"})
    for name, digits in {
        "superscript": "\u00b2\u00b3\u2074",
        "Arabic-Indic": "\u0661\u0667" + "\u0660" * 8,
        "full-width": "\uff11\uff17",
    }.items():
        fields = {"auth_date": digits, "user": json.dumps({"id": 4242, "first_name": "Mallory"})}
        fields["hash"] = sign(fields, own)
        attacks[f"signed but auth_date in {name} digits"] = _encode(fields)
    no_date = {k: v for k, v in valid.items() if k not in ("auth_date", "hash")}
    attacks["signed but no auth_date"] = _encode({**no_date, "hash": sign(no_date, own)})
    for name, user in {
        "user id as string": {"id": "1"},
        "user id negative": {"id": -1},
        "user id zero": {"id": 0},
        "user id over bigint": {"id": 2**64},
        "user id boolean": {"id": True},
        "user id float": {"id": 1.5},
        "user not an object": [1, 2],
        "user not json": "{id:1",
    }.items():
        fields = {
            "auth_date": str(now),
            "user": user if isinstance(user, str) else json.dumps(user),
        }
        fields["hash"] = sign(fields, own)
        attacks[f"signed but {name}"] = _encode(fields)
    attacks["double-encoded tampered"] = quote(
        attacks["tampered: user id changed after signing"], safe=""
    )
    attacks["NUL and bad escapes"] = _encode(valid).replace("query_id=", "query_id=%00%zz%ff")
    attacks["empty string"] = ""
    attacks["only ampersands"] = "&&&&"
    attacks["malformed pair without ="] = "auth_date&user&hash"
    attacks["over 8 KiB"] = _encode({**valid, "pad": "a" * 9000})
    return attacks


@dataclass
class Score:
    tried: int = 0
    let_through: list[str] | None = None
    server_errors: list[str] | None = None

    def __post_init__(self) -> None:
        self.let_through, self.server_errors = [], []

    def record(self, name: str, response: httpx.Response) -> None:
        self.tried += 1
        if response.status_code >= 500:
            self.server_errors.append(f"{name}: {response.status_code} {response.text[:200]}")
        elif response.status_code not in REFUSED:
            self.let_through.append(f"{name}: {response.status_code} {response.text[:200]}")

    async def attempt(self, name: str, request: Awaitable[httpx.Response]) -> None:
        """Like `record`, for the in-process client, which re-raises an unhandled app exception
        (over a real socket that exception is a 500)."""
        try:
            response = await request
        except Exception as exc:
            self.tried += 1
            self.server_errors.append(
                f"{name}: unhandled {type(exc).__name__}: {exc} (a 500 over HTTP)"
            )
            return
        self.record(name, response)

    def check(self, what: str) -> None:
        print(
            f"\n{what}: {self.tried} attacks tried, {len(self.let_through)} let through, {len(self.server_errors)} 5xx"
        )
        assert not self.server_errors, (
            f"{what}: attacks answered with a server error (must be 401/422/429):\n"
            + "\n".join(self.server_errors)
        )
        assert not self.let_through, f"{what}: attacks let through:\n" + "\n".join(self.let_through)


async def test_hostile_init_data_is_refused(client: httpx.AsyncClient) -> None:
    score = Score()
    for endpoint, own, other in (
        ("/api/auth/max", MAX_BOT_TOKEN, TELEGRAM_BOT_TOKEN),
        ("/api/auth/telegram", TELEGRAM_BOT_TOKEN, MAX_BOT_TOKEN),
    ):
        for name, init_data in _initdata_attacks(own, other).items():
            response = await client.post(endpoint, json={"init_data": init_data})
            score.record(f"{endpoint} {name}", response)
    for name, body in {
        "init_data a number": {"init_data": 1},
        "init_data a list": {"init_data": ["a=b"]},
        "init_data null": {"init_data": None},
        "no body field": {},
        "unknown field only": {"initData": _encode(_signed_with())},
    }.items():
        score.record(name, await client.post("/api/auth/max", json=body))
    score.record(
        "not json",
        await client.post(
            "/api/auth/max", content=b"\xff\xfe", headers={"content-type": "application/json"}
        ),
    )
    score.check("initData")


async def test_replay_is_accepted_only_while_fresh(
    client: httpx.AsyncClient, database_url: str, upload_dir: Path
) -> None:
    # By design: the same fresh initData works again (reopening the mini-app sends it again) and
    # signs in the same user, not a new one.
    fresh = make_init_data(user={"id": 555, "first_name": "Replay"})
    first = await client.post("/api/auth/max", json={"init_data": fresh})
    again = await client.post("/api/auth/max", json={"init_data": fresh})
    assert first.status_code == again.status_code == 200
    assert first.json()["user"]["id"] == again.json()["user"]["id"]
    # Reordered fields of a valid string are the same signed data (the check string is sorted).
    reordered = "&".join(reversed(fresh.split("&")))
    assert (await client.post("/api/auth/max", json={"init_data": reordered})).status_code == 200

    # Replaying a captured string once it is stale is refused: a server with a 2 s max age.
    from app.main import create_app
    from tests.conftest import make_settings

    captured = make_init_data(
        user={"id": 556, "first_name": "Replay"}, auth_date=int(time.time()) - 3
    )
    app = create_app(make_settings(database_url, upload_dir, init_data_max_age=2))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as short:
            replay = await short.post("/api/auth/max", json={"init_data": captured})
    assert replay.status_code == 401, replay.text
    assert replay.json()["detail"]["code"] == "init_data_expired"


async def test_hostile_access_tokens_are_refused(client: httpx.AsyncClient, pool) -> None:
    tokens = await sign_in(client, 31, "Victim")
    victim = tokens["access_token"]
    other = await sign_in(client, 32, "Other")
    now = int(time.time())
    claims = {"sub": str(tokens["user"]["id"]), "type": "access", "iat": now, "exp": now + 600}
    attacks = {
        "alg none, no signature": _forge_jwt({"alg": "none", "typ": "JWT"}, claims),
        "alg none, victim's signature kept": _forge_jwt({"alg": "none"}, claims)
        + victim.split(".")[2],
        "alg None (capitalised)": _forge_jwt({"alg": "None", "typ": "JWT"}, claims),
        "HS512 with the real key": jwt.encode(claims, SECRET, algorithm="HS512"),
        "HS384 with the real key": jwt.encode(claims, SECRET, algorithm="HS384"),
        "HS256 with a wrong key": jwt.encode(claims, "attacker-key-" + "a" * 32, algorithm="HS256"),
        "HS256 with an empty key": jwt.encode(claims, "", algorithm="HS256"),
        "expired": create_access_token(tokens["user"]["id"], SECRET, ttl=-1),
        "expired long ago": jwt.encode({**claims, "exp": 1}, SECRET, algorithm="HS256"),
        "no exp": jwt.encode(
            {k: v for k, v in claims.items() if k != "exp"}, SECRET, algorithm="HS256"
        ),
        "no sub": jwt.encode(
            {k: v for k, v in claims.items() if k != "sub"}, SECRET, algorithm="HS256"
        ),
        "refresh type": jwt.encode({**claims, "type": "refresh"}, SECRET, algorithm="HS256"),
        "no type": jwt.encode(
            {k: v for k, v in claims.items() if k != "type"}, SECRET, algorithm="HS256"
        ),
        "tampered sub, signature kept": _with_payload(victim, sub=str(other["user"]["id"])),
        "tampered exp, signature kept": _with_payload(victim, exp=now + 10**6),
        "signature stripped": victim.rsplit(".", 1)[0] + ".",
        "signature of another token": victim.rsplit(".", 1)[0]
        + "."
        + other["access_token"].rsplit(".", 1)[1],
        "header swapped to none, payload kept": _b64(b'{"alg":"none"}')
        + "."
        + victim.split(".", 1)[1],
        "signed, sub not a number": jwt.encode(
            {**claims, "sub": "admin"}, SECRET, algorithm="HS256"
        ),
        "signed, sub over bigint": jwt.encode(
            {**claims, "sub": str(2**70)}, SECRET, algorithm="HS256"
        ),
        "refresh token used as access token": tokens["refresh_token"],
        "garbage": "not.a.jwt",
        "empty segments": "..",
        "huge token": "a" * 20_000,
    }
    score = Score()
    for name, token in attacks.items():
        for path in ("/api/me", "/api/transfers", "/api/trades"):
            await score.attempt(
                f"{path} {name}", client.get(path, headers={"Authorization": f"Bearer {token}"})
            )
    for name, header in {
        "Basic scheme": "Basic " + _b64(b"a:b"),
        "bearer without token": "Bearer",
        "token without scheme": victim,
    }.items():
        score.record(
            f"/api/me {name}", await client.get("/api/me", headers={"Authorization": header})
        )
    score.check("access tokens")
    assert (
        await client.get("/api/me", headers=bearer(tokens))
    ).status_code == 200  # the real one works


async def test_token_of_a_deleted_user_never_errors(client: httpx.AsyncClient, pool) -> None:
    """A still-unexpired access token whose user was deleted (admin SQL): stateless JWTs stay
    valid up to 15 min by design, so reads may answer 200 with nothing of anyone's; /api/me and
    every write must refuse cleanly (401/403/404/409/422), never a 500 from a foreign-key error."""
    ghost = await sign_in(client, 51, "Ghost")
    owner = await sign_in(client, 52, "Owner")
    await pool.execute("DELETE FROM refresh_token_families WHERE user_id = $1", ghost["user"]["id"])
    await pool.execute("DELETE FROM users WHERE id = $1", ghost["user"]["id"])
    headers = bearer(ghost)
    owner_id = owner["user"]["id"]
    qr = (await client.post("/api/auth/qr")).json()
    requests = {
        "GET /api/me": client.get("/api/me", headers=headers),
        "PATCH /api/me": client.patch("/api/me", json={"display_name": "x"}, headers=headers),
        "PUT /api/me/password": client.put(
            "/api/me/password",
            json={"password": "new password 1", "username": "ghostly"},
            headers=headers,
        ),
        "POST /api/profile_requests": client.post(
            "/api/profile_requests", json={"user_id": owner_id}, headers=headers
        ),
        "POST /api/auth/qr/{id}/approve": client.post(
            f"/api/auth/qr/{qr['request_id']}/approve", headers=headers
        ),
        "POST /api/transfers/claim": client.post(
            "/api/transfers/claim", json={"token": "x" * 32}, headers=headers
        ),
        "POST /api/trades": client.post(
            "/api/trades",
            json={"offered_photo_ids": [1], "requested_photo_ids": [2]},
            headers=headers,
        ),
        "POST /api/photos/upload": client.post(
            "/api/photos/upload",
            files={"file": ("a.png", b"\x89PNG\r\n\x1a\n")},
            data={"title": "t"},
            headers=headers,
        ),
    }
    problems = []
    for name, request in requests.items():
        try:
            response = await request
        except Exception as exc:
            problems.append(
                f"{name}: unhandled {type(exc).__name__}: {str(exc)[:200]} (a 500 over HTTP)"
            )
            continue
        if response.status_code >= 500 or (
            response.status_code in (200, 201, 204) and name != "GET /api/me" and "GET" not in name
        ):
            problems.append(f"{name}: {response.status_code} {response.text[:200]}")
        if name == "GET /api/me" and response.status_code != 401:
            problems.append(f"{name}: {response.status_code}, expected 401")
    for path in ("/api/transfers", "/api/trades", "/api/profile_requests"):
        response = await client.get(path, headers=headers)
        if response.status_code not in (200, 401) or (
            response.status_code == 200 and response.json()["items"]
        ):
            problems.append(f"GET {path}: {response.status_code} {response.text[:200]}")
    assert not problems, (
        "a deleted user's token must be refused cleanly, never a 5xx:\n" + "\n".join(problems)
    )


async def test_refresh_reuse_and_token_confusion_are_refused(
    client: httpx.AsyncClient, pool
) -> None:
    tokens = await sign_in(client, 41, "Rotating")
    first = tokens["refresh_token"]
    rotated = await client.post("/api/auth/refresh", json={"refresh_token": first})
    assert rotated.status_code == 200
    successor = rotated.json()["refresh_token"]
    # Past the grace window (a retry inside it gets the same successor: tests/test_sessions.py).
    await pool.execute("UPDATE refresh_tokens SET used_at = used_at - interval '1 minute'")
    score = Score()
    score.record(
        "spent refresh token reused",
        await client.post("/api/auth/refresh", json={"refresh_token": first}),
    )
    # Reuse revoked the whole family: the thief's (or the owner's) successor is dead too.
    score.record(
        "successor after reuse",
        await client.post("/api/auth/refresh", json={"refresh_token": successor}),
    )
    score.record(
        "access token as refresh token",
        await client.post("/api/auth/refresh", json={"refresh_token": tokens["access_token"]}),
    )
    score.record(
        "random refresh token",
        await client.post("/api/auth/refresh", json={"refresh_token": "A" * 43}),
    )
    score.record(
        "empty refresh token", await client.post("/api/auth/refresh", json={"refresh_token": ""})
    )
    score.record(
        "over-long refresh token",
        await client.post("/api/auth/refresh", json={"refresh_token": "A" * 5000}),
    )
    score.record(
        "refresh token not a string",
        await client.post("/api/auth/refresh", json={"refresh_token": 123}),
    )
    other = await sign_in(client, 42, "Logged out")
    await client.post("/api/auth/logout", json={"refresh_token": other["refresh_token"]})
    score.record(
        "refresh after logout",
        await client.post("/api/auth/refresh", json={"refresh_token": other["refresh_token"]}),
    )
    # Twenty concurrent uses of one fresh token: exactly one rotation; the others are retries
    # inside the grace window and get that same successor.
    racer = (await sign_in(client, 43, "Racer"))["refresh_token"]
    results = await asyncio.gather(
        *[client.post("/api/auth/refresh", json={"refresh_token": racer}) for _ in range(20)]
    )
    assert [r.status_code for r in results] == [200] * 20, [r.status_code for r in results]
    assert len({r.json()["refresh_token"] for r in results}) == 1
    score.check("refresh tokens")


# --- brute force against password login: a real server with Redis -----------------------------


# The database REDIS_URL names, under keys of this test's own prefix (deleted afterwards; never
# FLUSHDB: the database may hold others' keys).
REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"


async def _redis_or_skip(url: str) -> aioredis.Redis:
    client = aioredis.Redis.from_url(url, socket_connect_timeout=1)
    try:
        await client.ping()
    except Exception as exc:  # no Redis here at all: the limit cannot be exercised
        await client.aclose()
        pytest.skip(f"no Redis at {url}: {exc}")
    return client


@pytest.mark.slow
@pytest.mark.parametrize(
    "shape",
    [
        # Behind nginx: the attacker rotates a spoofed X-Forwarded-For; nginx appends the real
        # address ($proxy_add_x_forwarded_for), so the rightmost hop is always the same.
        "behind-proxy",
        # Straight at the app, with FORWARDED_ALLOW_IPS excluding the peer: X-Forwarded-For must
        # be ignored entirely, so rotating it must not give a fresh bucket.
        "direct-spoof",
    ],
)
async def test_password_brute_force_hits_the_rate_limit(
    database_url: str, tmp_path: Path, shape: str
) -> None:
    from tests.server_support import running_server

    redis = await _redis_or_skip(REDIS_URL)
    prefix = f"test-brute-{uuid.uuid4().hex[:12]}"
    env = {
        "APP_ENV": "test",
        "DATABASE_URL": database_url,
        "JWT_SECRET": "brute-secret-" + "b" * 32,
        "MAX_BOT_TOKEN": MAX_BOT_TOKEN,
        "UPLOAD_DIR": str(tmp_path),
        "BCRYPT_ROUNDS": "4",
        "REDIS_URL": REDIS_URL,
        "REDIS_KEY_PREFIX": prefix,
    }
    if shape == "direct-spoof":
        # Peers are never proxies here: X-Forwarded-For must not pick the attacker's bucket.
        env["FORWARDED_ALLOW_IPS"] = "10.255.255.254"
    username = f"victim{int(time.time() * 1000) % 10**9}"
    try:
        async with (
            running_server(env) as base_url,
            httpx.AsyncClient(base_url=base_url, timeout=10) as http,
        ):
            registered = await http.post(
                "/api/auth/register",
                json={"username": username, "password": "correct horse battery"},
            )
            assert registered.status_code == 201, registered.text
            statuses: list[int] = []
            retry_after: list[str | None] = []
            for i in range(25):
                # The attacker rotates a spoofed X-Forwarded-For to get a fresh bucket each time.
                response = await http.post(
                    "/api/auth/login",
                    json={"username": username, "password": f"guess-{i:04d}-xx"},
                    headers={
                        "X-Forwarded-For": f"198.51.100.{i + 1}"
                        + (", 203.0.113.7" if shape == "behind-proxy" else "")
                    },
                )
                statuses.append(response.status_code)
                retry_after.append(response.headers.get("retry-after"))
            let_through = [s for s in statuses if s == 200]
            server_errors = [s for s in statuses if s >= 500]
            print(f"\nbrute force: 25 guesses, statuses {statuses}")
            assert not let_through and not server_errors, statuses
            assert 429 in statuses, (
                "password brute force was never rate limited (25 wrong guesses in a few seconds from one "
                f"address, all answered {set(statuses)}): RATE_LIMIT_PASSWORD_SIGNIN must give 429 after "
                "~10 attempts per minute per IP. direct-spoof: uvicorn believed X-Forwarded-For from a peer "
                "outside FORWARDED_ALLOW_IPS, so a rotating header got a fresh bucket each time"
            )
            first_limited = statuses.index(429)
            assert first_limited <= 11, f"limited only after {first_limited} attempts: {statuses}"
            assert all(s == 429 for s in statuses[first_limited:]), (
                f"the limit did not hold: {statuses}"
            )
            assert all(
                ra is not None and ra.isdigit() and 1 <= int(ra) <= 60
                for ra in retry_after[first_limited:]
            ), retry_after
            # Even the right password is refused while limited: the limit is not a guessing oracle.
            right = await http.post(
                "/api/auth/login",
                json={"username": username, "password": "correct horse battery"},
                headers={
                    "X-Forwarded-For": "198.51.100.99"
                    + (", 203.0.113.7" if shape == "behind-proxy" else "")
                },
            )
            assert right.status_code == 429, right.text
    finally:
        with contextlib.suppress(Exception):
            keys = [key async for key in redis.scan_iter(match=f"{prefix}:*")]
            if keys:
                await redis.delete(*keys)
        await redis.aclose()

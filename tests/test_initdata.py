"""initData verification against published vectors and our own."""

import json
import time
from pathlib import Path

import pytest

from app.messengers.initdata import InitDataError, parse_init_data, verify_init_data
from tests.support import MAX_BOT_TOKEN, make_init_data

VECTORS = json.loads((Path(__file__).parent / "data" / "initdata_vectors.json").read_text())
FOREVER = 10**12  # published vectors are years old: freshness is tested separately


@pytest.mark.parametrize(
    "vector", VECTORS, ids=[f"{v['platform']}-{i}" for i, v in enumerate(VECTORS)]
)
def test_published_vectors_verify(vector: dict) -> None:
    verified = verify_init_data(vector["init_data"], vector["bot_token"], max_age=FOREVER)
    assert verified.user.external_id > 0
    if vector["auth_date_unit"] == "ms":
        assert verified.auth_date < 10**11  # normalised to seconds


@pytest.mark.parametrize(
    "vector", VECTORS, ids=[f"{v['platform']}-{i}" for i, v in enumerate(VECTORS)]
)
def test_published_vectors_fail_with_another_token(vector: dict) -> None:
    with pytest.raises(InitDataError, match="signature"):
        verify_init_data(vector["init_data"], vector["bot_token"] + "x", max_age=FOREVER)


def test_telegram_signature_field_stays_in_check_string() -> None:
    vector = next(v for v in VECTORS if "signature=" in v["init_data"])
    verified = verify_init_data(vector["init_data"], vector["bot_token"], max_age=FOREVER)
    assert "signature" in verified.fields
    # "+" inside the encoded name was decoded once, not turned into a space.
    assert "+" in verified.user.first_name


def test_max_published_vector_user_and_milliseconds() -> None:
    vector = next(v for v in VECTORS if v["platform"] == "max")
    verified = verify_init_data(vector["init_data"], vector["bot_token"], max_age=FOREVER)
    assert verified.user.external_id == 400
    assert verified.user.first_name == "Вася"
    assert verified.user.username is None and verified.user.photo_url is None
    assert verified.auth_date == pytest.approx(1733485316.394)


def test_own_vector_round_trip_with_non_ascii_plus_and_ampersand() -> None:
    user = {"id": 7, "first_name": "Ёжик + друзья & co", "last_name": "Ли=Ли", "username": None}
    raw = make_init_data(user=user)
    verified = verify_init_data(raw, MAX_BOT_TOKEN, max_age=60)
    assert verified.user.display_name == "Ёжик + друзья & co Ли=Ли"


def test_milliseconds_auth_date_accepted() -> None:
    raw = make_init_data(auth_date=int(time.time() * 1000))
    assert verify_init_data(raw, MAX_BOT_TOKEN, max_age=60).user.external_id == 1001


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda raw: raw.replace("Anna", "Anne"), "signature"),
        (lambda raw: raw.rsplit("&hash=", 1)[0], "no hash"),
        (lambda raw: raw + "&auth_date=1", "duplicate"),
        (lambda raw: raw + "&junk", "malformed"),
        (lambda raw: raw.replace("hash=", "hash=0"), "signature"),
    ],
    ids=["tampered", "missing-hash", "duplicate-key", "malformed", "bad-hash"],
)
def test_refused(mutate, message: str) -> None:
    with pytest.raises(InitDataError, match=message):
        verify_init_data(mutate(make_init_data()), MAX_BOT_TOKEN, max_age=60)


def test_reordered_fields_still_verify() -> None:
    parts = make_init_data().split("&")
    assert verify_init_data("&".join(reversed(parts)), MAX_BOT_TOKEN, max_age=60)


def test_stale_and_future_refused() -> None:
    now = time.time()
    with pytest.raises(InitDataError, match="too old"):
        verify_init_data(make_init_data(auth_date=int(now - 7200)), MAX_BOT_TOKEN, max_age=3600)
    with pytest.raises(InitDataError, match="future"):
        verify_init_data(make_init_data(auth_date=int(now + 3600)), MAX_BOT_TOKEN, max_age=3600)


def test_wrong_token_and_unconfigured() -> None:
    with pytest.raises(InitDataError, match="signature"):
        verify_init_data(make_init_data(), "other:token", max_age=60)
    with pytest.raises(InitDataError, match="not configured"):
        verify_init_data(make_init_data(), "", max_age=60)


@pytest.mark.parametrize(
    "user",
    [None, {"first_name": "no id"}, {"id": "12"}, {"id": True}, {"id": -5}, ["list"]],
    ids=["no-user", "no-id", "string-id", "bool-id", "negative-id", "not-object"],
)
def test_bad_user_refused(user) -> None:
    fields = {} if user is None else {"user": json.dumps(user)}
    raw = make_init_data(extra=fields)
    if user is None:
        raw = "&".join(p for p in raw.split("&") if not p.startswith("user="))
        # re-sign without the user field
        from app.messengers.initdata import sign

        parsed = parse_init_data(raw)
        parsed.pop("hash")
        parsed["hash"] = sign(parsed, MAX_BOT_TOKEN)
        raw = "&".join(f"{k}={v}" for k, v in parsed.items())
    with pytest.raises(InitDataError, match="user"):
        verify_init_data(raw, MAX_BOT_TOKEN, max_age=60)


def test_unsafe_avatar_url_dropped() -> None:
    raw = make_init_data(user={"id": 3, "first_name": "X", "photo_url": "javascript:alert(1)"})
    assert verify_init_data(raw, MAX_BOT_TOKEN, max_age=60).user.photo_url is None

"""One error shape everywhere: stable codes, every code used, nothing echoed back."""

import ast
import json
import string
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from app.core.config import Settings
from app.core.errors import ERRORS, AppError, ErrorCode
from app.main import create_app
from tests.support import bearer, sign_in

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "backend" / "app"
MARKER = "Zq7-SUBMITTED-VALUE-9xK"


def _sources() -> dict[Path, str]:
    return {path: path.read_text() for path in APP.rglob("*.py")}


def test_every_error_code_is_used_somewhere() -> None:
    """A code nobody raises is a lie in the OpenAPI enum; a raise without a code is a bug."""
    used = "\n".join(_sources().values()) + (ROOT / "nginx.conf").read_text()
    # The trade statements refuse in SQL with the code's value (refuse('…'), trade_refusal).
    sql = (ROOT / "backend" / "migrations" / "post-apply.functions.sql").read_text()
    unused = [
        code.name
        for code in ErrorCode
        if f"ErrorCode.{code.name}" not in used
        and f'"code":"{code.value}"' not in used
        and f"'{code.value}'" not in sql
    ]
    assert unused == []


def test_every_code_has_one_status_and_message_in_the_table() -> None:
    """Issue 24: one table, so a code's status and wording change in one place."""
    assert set(ERRORS) == set(ErrorCode)
    for code, spec in ERRORS.items():
        assert 400 <= spec.status <= 599 and spec.message.strip(), code
        fields = [name for _, name, _, _ in string.Formatter().parse(spec.message) if name]
        assert all(name.isidentifier() for name in fields), code


def test_raise_sites_name_a_code_only() -> None:
    """`AppError(ErrorCode.x, **fields)`: no message written at a raise site (the table has
    it), no subclass per status, so no second wording of one idea can grow back."""
    problems = []
    for path, text in _sources().items():
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ClassDef) and any(
                isinstance(b, ast.Name) and b.id == "AppError" for b in node.bases
            ):
                problems.append(f"{path.relative_to(ROOT)}:{node.lineno}: subclass {node.name}")
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "AppError":
                literal = [a for a in node.args if isinstance(a, ast.Constant | ast.JoinedStr)]
                if len(node.args) != 1 or literal:
                    problems.append(f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node)}")
    assert problems == []


def test_every_raise_site_gives_the_fields_its_message_names() -> None:
    """`AppError(ErrorCode.trade_not_pending)` without `status=` would read "trade is already
    {status}": every raise site naming a code gives what that code's message needs."""
    missing = []
    for path, text in _sources().items():
        for node in ast.walk(ast.parse(text)):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "AppError"):
                continue
            code = node.args[0] if node.args else None
            if not (
                isinstance(code, ast.Attribute) and getattr(code.value, "id", None) == "ErrorCode"
            ):
                continue  # a code chosen at run time (exc.code): its fields come with it
            message = ERRORS[ErrorCode[code.attr]].message
            needed = {name for _, name, _, _ in string.Formatter().parse(message) if name}
            given = {keyword.arg for keyword in node.keywords}
            if not needed <= given:
                missing.append(f"{path.relative_to(ROOT)}:{node.lineno}: {sorted(needed - given)}")
    assert missing == []


def test_a_message_is_filled_from_the_fields_the_body_carries() -> None:
    error = AppError(ErrorCode.trade_not_pending, status="accepted")
    assert (error.status_code, error.message) == (409, "trade is already accepted")
    assert error.detail == {
        "code": "trade_not_pending",
        "message": "trade is already accepted",
        "status": "accepted",
    }
    # 401s say how to authenticate; a field a raise site forgot shows as such, never a crash.
    assert AppError(ErrorCode.token_expired).headers == {"WWW-Authenticate": "Bearer"}
    assert AppError(ErrorCode.note_too_long).message == "a note is at most {max_chars} characters"


def test_codes_are_stable_snake_case() -> None:
    for code in ErrorCode:
        assert code.value == code.name and code.value.replace("_", "").isalpha()
        assert code.value == code.value.lower()


def test_openapi_lists_every_code_and_one_error_shape(settings: Settings) -> None:
    schema = create_app(settings).openapi()
    components = schema["components"]["schemas"]
    assert set(components["ErrorCode"]["enum"]) == {c.value for c in ErrorCode}
    assert components["ErrorDetail"]["required"] == ["code", "message"]
    assert "HTTPValidationError" not in components
    refs = json.dumps(schema["paths"])
    assert "HTTPValidationError" not in refs
    login_422 = schema["paths"]["/api/auth/login"]["post"]["responses"]["422"]
    assert login_422["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorOut")


async def test_validation_error_never_echoes_the_input(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/auth/register", json={"username": f"{MARKER} !", "password": {"x": MARKER}}
    )
    assert response.status_code == 422
    assert MARKER not in response.text
    detail = response.json()["detail"]
    assert detail["code"] == "validation_error" and detail["message"]
    assert {tuple(f["loc"]) for f in detail["fields"]} == {
        ("body", "username"),
        ("body", "password"),
    }
    assert all(set(f) == {"loc", "type"} for f in detail["fields"])


async def test_validation_error_stays_small_for_a_hostile_body(client: httpx.AsyncClient) -> None:
    anna = await sign_in(client)
    # 400 bad values in ~52 KB: under the 64 KiB JSON cap (server/body_limit.py), so the
    # validation error, not the 413, is what answers.
    body = {"offered_photo_ids": [MARKER * 10] * 200, "requested_photo_ids": [MARKER] * 200}
    response = await client.post("/api/trades", json=body, headers=bearer(anna))
    assert response.status_code == 422
    assert MARKER not in response.text
    assert len(response.content) < 2000
    assert len(response.json()["detail"]["fields"]) <= 10


async def test_unparseable_json_and_unknown_routes_have_the_shape(
    client: httpx.AsyncClient,
) -> None:
    broken = await client.post(
        "/api/auth/login",
        content=b'{"username": "' + MARKER.encode() + b'"',
        headers={"Content-Type": "application/json"},
    )
    assert broken.status_code == 422 and MARKER not in broken.text
    assert broken.json()["detail"]["code"] == "validation_error"
    missing = await client.get("/api/no-such-thing")
    assert missing.status_code == 404 and missing.json()["detail"]["code"] == "not_found"
    wrong_method = await client.delete("/api/auth/login")
    assert wrong_method.status_code == 405
    assert wrong_method.json()["detail"]["code"] == "method_not_allowed"
    unsigned = await client.get("/api/me")
    assert unsigned.status_code == 401
    assert unsigned.json()["detail"]["code"] == "not_authenticated"
    forged = await client.get("/api/me", headers={"Authorization": "Bearer x.y.z"})
    assert forged.json()["detail"]["code"] == "token_invalid"


async def test_a_nul_in_a_web_path_is_a_coded_404_not_a_500(client: httpx.AsyncClient) -> None:
    """Found by probing a running server: /assets/a%00.js made the web app's file lookup raise
    (`embedded null byte`) and answered 500."""
    for path in ("/assets/a%00.js", "/photos/1%00", "/some%00route"):
        response = await client.get(path)
        assert response.status_code == 404, (path, response.text)
        assert response.json()["detail"]["code"] == "not_found"


async def test_out_of_range_id_is_a_coded_422(client: httpx.AsyncClient) -> None:
    response = await client.get(f"/api/photos/{2**63}")
    assert response.status_code == 422
    assert response.json()["detail"]["code"] in {"validation_error", "value_out_of_range"}


@pytest.mark.parametrize("path", ["/boom"])
async def test_unexpected_exception_is_a_500_without_traceback(
    settings: Settings, pool: object, path: str
) -> None:
    app: FastAPI = create_app(settings)

    @app.get(path)
    async def boom() -> None:
        raise RuntimeError(f"secret internals {MARKER}")

    app.router.routes.insert(0, app.router.routes.pop())  # before the SPA catch-all
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.get(path)
    assert response.status_code == 500
    assert response.json() == {"detail": {"code": "internal_error", "message": "internal error"}}
    assert MARKER not in response.text

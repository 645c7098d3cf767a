"""Fake Telegram and MAX Bot API servers on the loopback (real HTTP, in a thread of their own).

They answer in the platforms' shapes — Telegram `{"ok": true, "result": …}` /
`{"ok": false, "error_code", "description", "parameters": {"retry_after"}}`, MAX the bare
object / `{"code", "message"}` with its HTTP status — and can be scripted: the next answers of
a method (429 with retry_after, 500, 403, 400), a chat that blocked the bot (403 until
unblocked), the whole platform down (500 or closed connections), slow answers, and holding
answers until released. A message counts as received when its request arrives (what the real
platforms do: the message is out even if the answer never gets back).
"""

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.server_support import free_port


@dataclass
class Received:
    chat_id: int
    text: str
    button: dict[str, Any]
    at: float  # time.time() when the request arrived


@dataclass
class FakePlatform:
    token: str
    messages: list[Received] = field(default_factory=list)
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    scripted: list[int] = field(default_factory=list)  # statuses for the next sends
    retry_after: int = 1
    blocked: set[int] = field(default_factory=set)
    down: bool = False
    delay: float = 0.0
    hold: threading.Event | None = None
    arrived: threading.Condition = field(default_factory=threading.Condition)
    rejected_auth: int = 0

    def wait_messages(self, count: int, within: float = 30.0) -> list[Received]:
        """Blocks until `count` messages arrived (a fact, with a generous cap for a stall)."""
        deadline = time.monotonic() + within
        with self.arrived:
            while len(self.messages) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{len(self.messages)} of {count} messages arrived")
                self.arrived.wait(left)
            return list(self.messages)

    def _record(self, message: Received) -> None:
        with self.arrived:
            self.messages.append(message)
            self.arrived.notify_all()

    def _next_status(self, chat_id: int) -> int:
        if self.down:
            return 500
        if chat_id in self.blocked:
            return 403
        return self.scripted.pop(0) if self.scripted else 200

    async def _pace(self) -> None:
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.hold is not None:
            await asyncio.to_thread(self.hold.wait)


class FakeTelegram(FakePlatform):
    def app(self) -> Starlette:
        return Starlette(
            routes=[Route("/bot{token}/{method}", self._method, methods=["POST", "GET"])]
        )

    async def _method(self, request: Request) -> Response:
        if request.path_params["token"] != self.token:
            self.rejected_auth += 1
            return _tg_error(401, "Unauthorized")
        method = request.path_params["method"]
        params = await _tg_params(request)
        self.calls.append((method, params))
        if method == "getMe":
            return _tg_ok(
                {"id": 1, "is_bot": True, "first_name": "Gallery", "username": "gallery_bot"}
            )
        if method == "savePreparedInlineMessage":
            if self.down:
                return _tg_error(500, "Internal Server Error")
            return _tg_ok(
                {"id": f"prepared-{len(self.calls)}", "expiration_date": int(time.time()) + 86400}
            )
        if method != "sendMessage":
            return _tg_ok(True)
        chat_id = int(params["chat_id"])
        status = self._next_status(chat_id)
        if status == 200:
            markup = params.get("reply_markup") or {}
            button = markup.get("inline_keyboard", [[{}]])[0][0]
            self._record(Received(chat_id, str(params["text"]), button, time.time()))
        await self._pace()
        if status == 429:
            return _tg_error(
                429,
                f"Too Many Requests: retry after {self.retry_after}",
                retry_after=self.retry_after,
            )
        if status == 403:
            return _tg_error(403, "Forbidden: bot was blocked by the user")
        if status == 400:
            return _tg_error(400, "Bad Request: chat not found")
        if status >= 500:
            return _tg_error(status, "Internal Server Error")
        result = {
            "message_id": len(self.messages),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "text": params["text"],
        }
        return _tg_ok(result)


class FakeMax(FakePlatform):
    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/messages", self._send, methods=["POST"]),
                Route("/subscriptions", self._subscribe, methods=["POST"]),
            ]
        )

    def _authorised(self, request: Request) -> bool:
        ok = (
            request.headers.get("authorization") == self.token
            and "access_token" not in request.query_params
        )
        if not ok:
            self.rejected_auth += 1
        return ok

    async def _subscribe(self, request: Request) -> Response:
        if not self._authorised(request):
            return JSONResponse({"code": "verify.token", "message": "Invalid access_token"}, 401)
        self.calls.append(("subscriptions", await request.json()))
        return JSONResponse({"success": True})

    async def _send(self, request: Request) -> Response:
        if not self._authorised(request):
            return JSONResponse({"code": "verify.token", "message": "Invalid access_token"}, 401)
        body = await request.json()
        user_id = int(request.query_params["user_id"])
        self.calls.append(("messages", {"user_id": user_id, **body}))
        status = self._next_status(user_id)
        if status == 200:
            keyboard = body.get("attachments", [{}])[0].get("payload", {}).get("buttons", [[{}]])
            self._record(Received(user_id, body["text"], keyboard[0][0], time.time()))
        await self._pace()
        if status == 429:
            return JSONResponse(
                {"code": "too.many.requests", "message": "Too many requests"},
                429,
                headers={"Retry-After": str(self.retry_after)},
            )
        if status == 403:
            return JSONResponse({"code": "chat.denied", "message": "dialog.suspended"}, 403)
        if status == 400:
            return JSONResponse({"code": "proto.payload", "message": "bad payload"}, 400)
        if status >= 500:
            return JSONResponse({"code": "internal", "message": "Internal error"}, status)
        return JSONResponse(
            {
                "message": {
                    "recipient": {"user_id": user_id},
                    "body": {"mid": f"mid.{len(self.messages)}", "text": body["text"]},
                }
            }
        )


def _tg_ok(result: Any) -> JSONResponse:
    return JSONResponse({"ok": True, "result": result})


def _tg_error(code: int, description: str, **parameters: Any) -> JSONResponse:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return JSONResponse(body, code)


async def _tg_params(request: Request) -> dict[str, Any]:
    """Telegram takes JSON, urlencoded or multipart; values of objects are JSON text."""
    raw = await request.body()
    if request.headers.get("content-type", "").startswith("application/json"):
        return dict(json.loads(raw or b"{}"))
    if request.headers.get("content-type", "").startswith("multipart/"):
        form = await request.form()
        pairs = [(k, str(v)) for k, v in form.multi_items()]
    else:
        pairs = parse_qsl(raw.decode())
    params: dict[str, Any] = {}
    for key, value in pairs:
        try:
            params[key] = json.loads(value)
        except ValueError:
            params[key] = value
    return params


@contextmanager
def serve(platform: FakePlatform) -> Iterator[str]:
    """Runs the fake on a free loopback port in a thread; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            platform.app(), host="127.0.0.1", port=port, log_level="warning", lifespan="off"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("fake bot API did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        if platform.hold is not None:
            platform.hold.set()
        server.should_exit = True
        thread.join(10)

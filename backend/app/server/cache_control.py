"""Cache-Control for API responses, decided in one place: private answers are never stored,
anonymous gallery reads for a few seconds, caching is opt-in. The rules:
docs/internals.md, "Cache-Control".
"""

import re

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PUBLIC_MAX_AGE = 5
_PUBLIC_READS = re.compile(r"^/api/(photos|users/\d+)(/\d+(/history)?|/photos)?$")
_PRIVATE_PATHS = ("/api/auth/",)
_OPERATIONS = ("/health", "/metrics")


class CacheControl:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if scope["type"] != "http" or not (path.startswith("/api/") or path in _OPERATIONS):
            await self.app(scope, receive, send)
            return
        authorized = any(name == b"authorization" for name, _ in scope["headers"])
        private = authorized or path.startswith(_PRIVATE_PATHS) or path.endswith("/qr.png")
        public = not private and scope["method"] in ("GET", "HEAD") and _PUBLIC_READS.match(path)

        async def send_with_policy(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if private:
                    headers["cache-control"] = "no-store"
                elif public and message["status"] in (200, 304):  # a 304 renews the 200
                    headers["cache-control"] = f"public, max-age={PUBLIC_MAX_AGE}"
                    headers["vary"] = "Authorization, X-Client-Host"
                elif "cache-control" not in headers:
                    headers["cache-control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_policy)

"""Cache-Control for API responses, decided in one place.

- `no-store` on everything private: any request that carries `Authorization` (whatever the
  route answers, errors included — it may be personal), every `/api/auth/*` response (tokens,
  QR sign-in secrets) and every QR image (they may encode a secret). It overrides whatever the
  route set.
- Anonymous reads of the public gallery (`GET /api/photos…`, `GET /api/users/{id}…`) may be
  cached for a few seconds: `public, max-age=5` with `Vary: Authorization, X-Client-Host`
  (deep links in a reply depend on the client's host header). Shared caches never store a
  response to a request with `Authorization` anyway (RFC 9111 §3.5). The listing's `304 Not
  Modified` (ETag) carries the same headers as the 200 it renews.
- Any other API response without its own header gets `no-store`: caching is opt-in.
`/health` and `/metrics` are API too (`no-store`); the web app and `/media/` keep the headers
their handlers set.
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

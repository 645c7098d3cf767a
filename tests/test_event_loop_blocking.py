"""No request handler blocks the event loop (issue 13, item 3).

The app runs in-process and every callback the loop runs (one step of a request handler) is
timed in CPU time of the loop's thread — what asyncio's debug mode (`slow_callback_duration`)
measures, minus the waits a shared 2-core machine adds (descheduling, the GIL handed to worker
threads), which are not the handler's doing. Heavy requests run concurrently — QR images of long
links, image uploads, password checks, searches — and no step may spend more than SLOW. A QR
drawn inside the handler (137 ms for a 1 KiB link) fails this test; so would any future sync
call of that size.
"""

import asyncio
import io
import time
from pathlib import Path

import asyncpg
import httpx
import pytest
from PIL import Image

from app.main import create_app
from tests.conftest import make_settings
from tests.support import bearer

SLOW = 0.03  # seconds of CPU in one loop step
# Alone in its own process (scripts/test.sh): work left in a shared loop by another test file
# would be timed here too.
pytestmark = pytest.mark.serial


def _photo(seed: int) -> bytes:
    img = Image.effect_noise((1600, 1200), 40 + seed).convert("RGB")
    out = io.BytesIO()
    img.save(out, "JPEG", quality=90)
    return out.getvalue()


def _time_loop_steps(monkeypatch: pytest.MonkeyPatch) -> list[tuple[float, str]]:
    """Every callback the loop runs from now on, timed; returns the list of the slow ones."""
    slow: list[tuple[float, str]] = []
    run = asyncio.Handle._run

    def timed(handle: asyncio.Handle) -> None:
        started = time.thread_time()
        run(handle)
        spent = time.thread_time() - started
        if spent > SLOW:
            slow.append((spent, repr(handle)[:300]))

    monkeypatch.setattr(asyncio.Handle, "_run", timed)
    return slow


async def test_heavy_requests_never_hold_the_loop(
    database_url: str, upload_dir: Path, pool: asyncpg.Pool, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = make_settings(database_url, upload_dir, bcrypt_rounds=10)
    app = create_app(settings)
    link = f"{settings.public_url.rstrip('/')}/?startapp=claim_"
    photos = [_photo(i) for i in range(3)]
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t", timeout=60) as http:
            creds = {"username": "anna", "password": "right-password-1"}
            anna = (await http.post("/api/auth/register", json=creds)).json()
            # Warm-up outside the measurement: first use of each code path imports and builds.
            assert (
                await http.get("/api/qr.png", params={"data": link + "warm"})
            ).status_code == 200
            await http.get("/api/photos", params={"q": "warm"})
            # Open the pool's connections now: asyncpg builds an SSL context per new connection
            # (sslmode "prefer"), ~20 ms on the loop, which is connection set-up, not a request.
            db = app.state.pool
            held = [await db.acquire() for _ in range(settings.db_pool_max)]
            for conn in held:
                await db.release(conn)

            async def qr(i: int) -> int:
                data = link + f"{i:03d}" + "x" * 450  # distinct: never served from the cache
                return (await http.get("/api/qr.png", params={"data": data})).status_code

            async def upload(i: int) -> int:
                files = {"file": ("p.jpg", photos[i], "image/jpeg")}
                response = await http.post(
                    "/api/photos/upload", files=files, data={"title": f"t{i}"}, headers=bearer(anna)
                )
                return response.status_code

            async def login() -> int:
                bad = {"username": "anna", "password": "wrong-password-1"}
                return (await http.post("/api/auth/login", json=bad)).status_code

            async def search(q: str) -> int:
                return (await http.get("/api/photos", params={"q": q, "limit": 100})).status_code

            slow = _time_loop_steps(monkeypatch)
            statuses = await asyncio.gather(
                *(qr(i) for i in range(6)),
                *(upload(i) for i in range(3)),
                *(login() for _ in range(4)),
                search("a " * 90),
                search("!(|&:*" * 30),
                search("закат sunset"),
            )
            monkeypatch.undo()
    assert statuses == [200] * 6 + [201] * 3 + [401] * 4 + [200] * 3, statuses
    assert not slow, "the event loop was held by:\n" + "\n".join(f"{t:.3f} s {h}" for t, h in slow)

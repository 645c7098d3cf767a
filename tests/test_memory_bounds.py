"""Issue 19: no single client, signed in or not, can make a worker keep memory without bound.

Each test replays one attack of the second outside review (its request pattern, bounded in
count) and measures what the process keeps with tracemalloc (Python allocations: what the
caches and queues hold), never time."""

import asyncio
import gc
import io
import json
import os
import socket
import subprocess
import sys
import tracemalloc
from pathlib import Path

import asyncpg
import httpx
import pytest
import websockets
from fastapi import FastAPI
from PIL import Image

from app.services import page_cache
from tests.server_support import REPO_ROOT, running_server
from tests.support import bearer, mint_objects, sign_in, until
from tests.test_page_cache import app_client, settled  # noqa: F401 (fixture)
from tests.test_realtime import Socket, server_env, ws_url

MiB = 1024 * 1024


def kept_bytes() -> int:
    gc.collect()
    return tracemalloc.get_traced_memory()[0]


async def big_gallery(pool: asyncpg.Pool, owner_id: int, count: int = 100) -> None:
    """`count` objects with 4,000-character descriptions: a first page of 100 is ~0.5 MB."""
    ids = await mint_objects(pool, owner_id, count)
    await pool.execute(
        "UPDATE art_objects SET description = left(repeat('lorem ipsum ' || id || ' ', 400), 4000)"
        " WHERE id = ANY($1::bigint[])",
        ids,
    )


async def test_n1_distinct_searches_keep_at_most_the_page_budget(
    app_client: tuple[FastAPI, httpx.AsyncClient],  # noqa: F811 (the fixture)
    pool: asyncpg.Pool,
) -> None:
    """N1: one account (and then nobody) asking the first page of ever new searches, 100 large
    items each. Before: every page was kept (and an overlay kept its page alive past the 512
    pages), ~1.5 MB a request without end. Now: pages and overlays stay within their budgets."""
    app, http = app_client
    cache = page_cache.cache_of(app.state.pool)
    await until(lambda: cache.enabled, "the listener never listened")
    viewer = await sign_in(http, 1901, "Viewer")
    await big_gallery(pool, viewer["user"]["id"])
    await settled(app, pool)
    first = await http.get("/api/photos", params={"q": "object or w0", "limit": 100})
    assert len(first.json()["items"]) == 100 and len(first.content) > 400_000

    tracemalloc.start()
    try:
        before = kept_bytes()
        for i in range(1, 41):  # signed in: page + overlay per search text
            r = await http.get(
                "/api/photos", params={"q": f"object or w{i}", "limit": 100}, headers=bearer(viewer)
            )
            assert r.status_code == 200 and len(r.json()["items"]) == 100
        for i in range(41, 81):  # anonymous: a page per search text
            r = await http.get("/api/photos", params={"q": f"object or w{i}", "limit": 100})
            assert r.status_code == 200
        kept = kept_bytes() - before
    finally:
        tracemalloc.stop()
    # 80 pages of ~1 MB each (body + items) were all kept before: ~80 MB. Now the page budget
    # (16 MiB), 40 small overlays and the allocator's slack.
    ceiling = 16 * MiB + 4 * MiB
    print(f"N1: kept {kept / MiB:.1f} MiB after 80 searches")
    assert kept < ceiling, f"the searches left {kept / MiB:.1f} MiB (ceiling {ceiling / MiB:.0f})"
    assert cache.page_bytes <= page_cache.MAX_PAGE_BYTES == 16 * MiB
    assert cache.overlay_bytes <= page_cache.MAX_OVERLAY_BYTES
    # What is kept still serves: the newest search is a hit.
    hits = cache.hits
    await http.get("/api/photos", params={"q": "object or w80", "limit": 100})
    assert cache.hits == hits + 1


# --------------------------------------------------------------------------- N2: replays


async def metric(http: httpx.AsyncClient, name: str) -> float:
    """One value of this server's /metrics (a single worker: its own registry)."""
    text = (await http.get("/metrics")).text
    for line in text.splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{"):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{name} not in /metrics")


async def silent_socket(base: str) -> "websockets.ClientConnection":
    """A socket that resumes from 0 and then never reads: a tiny receive buffer, and the
    client library stops reading after one queued message."""
    raw = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    raw.setblocking(False)
    port = int(base.rsplit(":", 1)[1])
    await asyncio.get_running_loop().sock_connect(raw, ("127.0.0.1", port))
    conn = await websockets.connect(ws_url(base), sock=raw, max_queue=1)
    await conn.send(json.dumps({"type": "resume", "after": 0}))
    return conn


async def test_n2_sockets_that_resume_from_zero_and_never_read_are_closed_within_budget(
    database_url: str, upload_dir: Path, pool: asyncpg.Pool
) -> None:
    """N2: 1,500 public events of ~8 KB (what one account's PATCHes made), then 10 sockets
    that resume from 0 and never read. Before: each replay waited for room in a 1,000-frame
    queue, so every socket kept what the kernel's send buffer could not take (three copies of
    each frame) and was never closed. Now the replay takes the bounded path: each is closed
    (4008) after ~its byte budget."""
    await pool.execute(
        "INSERT INTO events (type, data) SELECT 'photo.updated',"
        " jsonb_build_object('id', g, 'description', repeat(md5(g::text), 250))"
        " FROM generate_series(1, 1500) g"
    )
    # No app-level ping in the test's time: only the replay's own bound may close them.
    env = server_env(database_url, upload_dir, WS_RESUME_GRACE="0.2", WS_PING_INTERVAL="600")
    async with running_server(env) as base, httpx.AsyncClient(base_url=base) as http:
        before = await metric(http, "process_resident_memory_bytes")
        sockets = [await silent_socket(base) for _ in range(10)]
        try:
            # A fact: every one of them was dropped as too slow (and left the hub).
            async def all_dropped() -> bool:
                return await metric(http, "gallery_ws_slow_clients_dropped_total") >= 10 or (
                    await metric(http, "gallery_websocket_connections") == 0
                )

            await until(all_dropped, "sockets that never read were not closed", 30)
            await until(lambda: _zero(http), "the dropped sockets stayed in the hub", 30)
            grown = await metric(http, "process_resident_memory_bytes") - before
        finally:
            for conn in sockets:
                conn.transport.abort()
        print(f"N2: server RSS grew {grown / MiB:.1f} MiB for 10 silent resuming sockets")
        # Before: ~10 x (12 MB - the kernel's buffer) x 3 copies, 200+ MiB. Now: ~2 MiB each
        # at most (budget + one batch), briefly.
        assert grown < 48 * MiB, f"the server grew {grown / MiB:.0f} MiB"


async def _zero(http: httpx.AsyncClient) -> bool:
    return await metric(http, "gallery_websocket_connections") == 0


async def test_n2_one_address_holds_at_most_its_share_of_sockets(
    database_url: str, upload_dir: Path, pool: asyncpg.Pool
) -> None:
    """N2: one address opened 1,000 sockets. Now past WS_MAX_PER_ADDRESS a new socket is
    closed at once with 1013 (nginx's limit_conn caps the whole host)."""
    env = server_env(database_url, upload_dir, WS_MAX_PER_ADDRESS="5")
    async with running_server(env) as base:
        opened = [await Socket.open(base, after=0) for _ in range(5)]
        extra = await websockets.connect(ws_url(base))
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await asyncio.wait_for(extra.recv(), 10)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1013
        # One goes: there is room for one again.
        await opened.pop().conn.close()
        async with httpx.AsyncClient(base_url=base) as http:
            await until(lambda: _count(http, 4), "the closed socket was still counted", 10)
        again = await Socket.open(base, after=0)
        opened.append(again)
        for s in opened:
            await s.conn.close()


async def _count(http: httpx.AsyncClient, wanted: int) -> bool:
    return await metric(http, "gallery_websocket_connections") == wanted


# --------------------------------------------------------------------------- N3: decodes


def palette_png(width: int, height: int) -> bytes:
    """A few KiB that decode to width x height RGBA (a transparent palette PNG)."""
    image = Image.new("P", (width, height), 3)
    image.putpalette([i % 256 for i in range(768)])
    out = io.BytesIO()
    image.save(out, "PNG", transparency=3)
    return out.getvalue()


def lossless_webp(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (10, 20, 30)).save(out, "WEBP", lossless=True, method=0)
    return out.getvalue()


async def test_n3_small_files_that_decode_to_hundreds_of_mib_are_refused(
    client: httpx.AsyncClient,
) -> None:
    """N3: within MAX_IMAGE_PIXELS, a 54 KiB palette PNG of 6324² and a lossless WebP of
    16383x2441 decoded to 570-660 MiB each. Now their estimate is past the decode budget: 422
    image_too_large before any pixel is decoded."""
    user = await sign_in(client, 1931, "Uploader")
    for name, data in (
        ("bomb.png", palette_png(6324, 6324)),
        ("bomb.webp", lossless_webp(16383, 2441)),
    ):
        assert len(data) < 64 * 1024
        response = await client.post(
            "/api/photos/upload",
            files={"file": (name, data)},
            data={"title": name},
            headers=bearer(user),
        )
        assert response.status_code == 422, (name, response.status_code, response.text[:200])
        assert response.json()["detail"]["code"] == "image_too_large", name


# VmHWM, not ru_maxrss: a child's ru_maxrss starts from its parent's (the test runner's) peak.
PEAK_SCRIPT = """
import re, sys
from concurrent.futures import ThreadPoolExecutor
from app.media import imaging
from app.core.config import Settings
from app.services import uploads
def peak():
    return int(re.search(r"VmHWM:\\s+(\\d+) kB", open("/proc/self/status").read())[1]) * 1024
data = [open(path, "rb").read() for path in sys.argv[1:]]
settings = Settings(_env_file=None, max_decode_bytes=384 * 1024 * 1024)
budget = uploads.decode_budget(settings)
base = peak()
with ThreadPoolExecutor(len(data)) as pool:
    done = list(pool.map(lambda d: imaging.process_image(d, budget=budget), data))
print(peak() - base, len(done))
"""


def test_n3_concurrent_decodes_stay_within_the_decode_budget(tmp_path: Path) -> None:
    """N3: three lossless WebPs of 12 MP (~200 MiB each to decode) in three image-pool threads
    at once. Before: ~600 MiB at once. Now they share the 384 MiB budget: one at a time fits,
    the others wait (in their threads), so the peak stays under the budget."""
    paths = []
    for i in range(3):
        path = tmp_path / f"w{i}.webp"
        path.write_bytes(lossless_webp(3500 + i, 3500))
        paths.append(str(path))
    env = {**os.environ, "PYTHONPATH": f"{REPO_ROOT / 'backend'}:{REPO_ROOT}"}
    out = subprocess.run(
        [sys.executable, "-c", PEAK_SCRIPT, *paths],
        env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr[-2000:]
    peak, done = (int(x) for x in out.stdout.split())
    print(f"N3: peak {peak / MiB:.0f} MiB for 3 concurrent 12 MP lossless WebP decodes")
    assert done == 3
    assert peak < 384 * MiB, f"peak {peak / MiB:.0f} MiB"

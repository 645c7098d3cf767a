"""Benchmark (issue 13, item 6): server memory under 100 parallel ~9 MiB uploads.

One uvicorn worker on its own database (`bench_upload_memory`); 100 distinct JPEGs of ~9 MiB
(one noisy base photo, each copy made unique by a JPEG comment segment) are POSTed to
`/api/photos/upload` all at once by one signed-in user. Reported: the server's RSS before, its
peak (`VmHWM` from /proc), and after, plus the statuses and wall time. The upload limit is
lifted for the run (RATE_LIMIT_* do not apply: REDIS_URL is empty).

    .venv/bin/python bench/bench_upload_memory.py            # ~1-3 minutes
    .venv/bin/python bench/bench_upload_memory.py --count 20
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import io
import os
import sys
import time
from pathlib import Path

import httpx
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import Server, busy_note, drop_db, fresh_db, machine

DB = "bench_upload_memory"
MIB = 1024 * 1024


def base_photo(target: int = 9 * MIB) -> bytes:
    """A noisy JPEG of about `target` bytes (noise does not compress: size ~ pixels)."""
    side = 2400
    while True:
        img = Image.effect_noise((side, side), 60).convert("RGB")
        out = io.BytesIO()
        img.save(out, "JPEG", quality=95)
        if out.tell() >= target or side > 6000:
            return out.getvalue()
        side = int(side * (target / out.tell()) ** 0.5) + 16


def variant(jpeg: bytes, n: int) -> bytes:
    comment = f"bench upload {n} {os.getpid()} {time.time_ns()}".encode()
    return jpeg[:2] + b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment + jpeg[2:]


def rss_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not found")


async def run(count: int) -> None:
    from tests.support import make_init_data

    base = base_photo()
    photos = [variant(base, i) for i in range(count)]
    print(machine())
    print(busy_note())
    print(f"{count} uploads of {len(base) / MIB:.2f} MiB each")
    dsn = await fresh_db(DB)
    try:
        with Server(dsn, env={"MAX_UPLOAD_BYTES": str(12 * MIB)}) as server:
            assert server.proc is not None
            pid = server.proc.pid
            limits = httpx.Limits(max_connections=count + 10)
            async with httpx.AsyncClient(base_url=server.url, timeout=600, limits=limits) as http:
                init = make_init_data(user={"id": 880001, "first_name": "bench"})
                tokens = (await http.post("/api/auth/max", json={"init_data": init})).json()
                headers = {"Authorization": f"Bearer {tokens['access_token']}"}
                warm = await http.post(
                    "/api/photos/upload",
                    files={"file": ("w.jpg", variant(base, 10**6), "image/jpeg")},
                    data={"title": "warm-up"},
                    headers=headers,
                )
                assert warm.status_code == 201, warm.text
                before = rss_kib(pid, "VmRSS")
                hwm_before = rss_kib(pid, "VmHWM")
                started = time.monotonic()

                async def one(i: int) -> int:
                    response = await http.post(
                        "/api/photos/upload",
                        files={"file": (f"{i}.jpg", photos[i], "image/jpeg")},
                        data={"title": f"bench {i}"},
                        headers=headers,
                    )
                    return response.status_code

                statuses = await asyncio.gather(*(one(i) for i in range(count)))
                seconds = time.monotonic() - started
                peak = rss_kib(pid, "VmHWM")
                after = rss_kib(pid, "VmRSS")
    finally:
        await drop_db(DB)
    print(f"statuses {dict(collections.Counter(statuses))} in {seconds:.1f} s")
    print(
        f"server RSS before {before / 1024:.0f} MiB (peak so far {hwm_before / 1024:.0f} MiB), "
        f"peak during the run {peak / 1024:.0f} MiB, after {after / 1024:.0f} MiB"
    )
    print(busy_note())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=100)
    asyncio.run(run(parser.parse_args().count))


if __name__ == "__main__":
    main()

"""Benchmark (issue 15, item 3): where a 12 MP JPEG upload's time goes, stage by stage.

One uvicorn worker runs the real app wrapped by bench/upload_probe.py (timers around each
stage of services/uploads.upload, nothing else changed). The bench posts distinct 4000x3000 q90
JPEGs with GPS EXIF (bench_imaging.make_photo, each with its own COM segment so the content
hashes differ), one at a time, and after each one runs the pure `process_image` on the same
bytes in this process: upload ÷ pure imaging is a ratio within one run, as the issue asks.

    .venv/bin/python bench/bench_upload.py                  # 3 rounds x 12 uploads, ~1-2 min
    .venv/bin/python bench/bench_upload.py --rounds 1 --uploads 4
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent))
from _common import ROOT, Server, busy_note, drop_db, fresh_db, machine, pct  # noqa: E402
from bench_gallery import unique_variant  # noqa: E402
from bench_imaging import make_photo  # noqa: E402

DB = "bench_upload"  # our own database: bench_gallery's may be in use by another run
STAGES = (
    ("client POST -> 201", "client"),
    ("in the app (ASGI call -> last byte)", "asgi"),
    ("body receive + multipart parse + auth", "parse"),
    ("sha256 + size + sniff (`_measure`)", "measure"),
    ("duplicate check (SELECT by hash)", "dedup"),
    ("`process_image` inside the server", "process"),
    ("file writes + fsync, wait left after the image work", "store"),
    ("mint transaction + event (`_mint`)", "mint"),
    ("thread hops + loop (service - its stages)", "hops"),
    ("response: model -> JSON -> socket", "respond"),
    ("pure `process_image`, bench process", "pure"),
)


def _size(log: Path, remove: bool = False) -> int:
    if remove:
        log.unlink(missing_ok=True)
        return 0
    return log.stat().st_size if log.exists() else 0


def _probe_since(log: Path, offset: int) -> dict[str, float]:
    """The probe's line for the upload that just finished (written before its response)."""
    with log.open() as f:
        f.seek(offset)
        return json.loads(f.read().strip().splitlines()[-1])


async def one_round(server: Server, log: Path, bases: list[bytes], count: int, rnd: int) -> dict:
    from tests.support import make_init_data

    from app.media.imaging import process_image

    rows: dict[str, list[float]] = {key: [] for _, key in STAGES}
    async with httpx.AsyncClient(base_url=server.url, timeout=60) as client:
        init = make_init_data(user={"id": 778001 + rnd, "first_name": "uploader"})
        tokens = (await client.post("/api/auth/max", json={"init_data": init})).json()
        headers = {"Authorization": f"Bearer {tokens['access_token']}"}
        for i in range(-1, count):  # -1: warm-up (thread pools, imports), not counted
            data = unique_variant(bases[i % len(bases)], rnd * 1000 + i + 1)
            offset = _size(log)
            started = time.perf_counter()
            r = await client.post(
                "/api/photos/upload",
                headers=headers,
                files={"file": (f"p{i}.jpg", data, "image/jpeg")},
                data={"title": f"upload {rnd}.{i}"},
            )
            client_ms = (time.perf_counter() - started) * 1000
            if r.status_code != 201:
                raise RuntimeError(f"upload {i}: {r.status_code} {r.text[:300]}")
            s = time.perf_counter()
            process_image(data)
            pure_ms = (time.perf_counter() - s) * 1000
            probe = _probe_since(log, offset)
            if i < 0:
                continue
            rows["client"].append(client_ms)
            rows["pure"].append(pure_ms)
            for key in ("asgi", "parse", "measure", "dedup", "process", "store", "mint"):
                rows[key].append(probe.get(f"{key}_ms", 0.0))
            staged = sum(probe.get(f"{k}_ms", 0.0) for k in ("measure", "dedup", "process"))
            staged += probe.get("store_ms", 0.0) + probe.get("mint_ms", 0.0)
            rows["hops"].append(probe["service_ms"] - staged)
            rows["respond"].append(probe["asgi_ms"] - probe["parse_ms"] - probe["service_ms"])
    return rows


async def amain(args: argparse.Namespace) -> None:
    print(f"machine: {machine()}")
    print(
        f"command: .venv/bin/python bench/bench_upload.py --rounds {args.rounds} "
        f"--uploads {args.uploads}"
    )
    print(f"busy at start: {busy_note()}\n")
    bases = [make_photo(seed) for seed in range(4)]
    dsn = await fresh_db(DB)
    log = Path(tempfile.mkstemp(prefix="upload-probe-", suffix=".jsonl")[1])
    env = {"PYTHONPATH": f"{BENCH}:{ROOT / 'backend'}", "UPLOAD_PROBE_LOG": str(log)}
    rounds = []
    try:
        with Server(dsn, app="upload_probe:app", env=env) as server:
            for rnd in range(args.rounds):
                rounds.append(await one_round(server, log, bases, args.uploads, rnd))
    finally:
        _size(log, remove=True)
        await drop_db(DB)
    print(
        f"{args.rounds} round(s) x {args.uploads} sequential uploads of 4000x3000 q90 JPEGs "
        f"({min(map(len, bases)) / 1e6:.1f}-{max(map(len, bases)) / 1e6:.1f} MB); each cell "
        "is min / median / max over the rounds of the round's p50 (ms)\n"
    )
    print("| stage | p50 ms | share of client p50 |")
    print("|---|---|---|")
    client = [pct(r["client"], 0.5) for r in rounds]
    for label, key in STAGES:
        p50s = [pct(r[key], 0.5) for r in rounds]
        share = statistics.median(p50s) / statistics.median(client)
        print(
            f"| {label} | {min(p50s):.1f} / {statistics.median(p50s):.1f} / {max(p50s):.1f} "
            f"| {share:.0%} |"
        )
    ratios = [pct(r["client"], 0.5) / pct(r["pure"], 0.5) for r in rounds]
    print(
        f"| **upload ÷ pure imaging (p50)** | {min(ratios):.2f} / "
        f"{statistics.median(ratios):.2f} / {max(ratios):.2f} | |"
    )
    print(f"\nbusy at end: {busy_note()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--uploads", type=int, default=12)
    asyncio.run(amain(parser.parse_args()))


if __name__ == "__main__":
    main()

"""A day in the life, measured (issue 23.5): how many concurrently active users one machine
serves within the platform's targets — API p95 < 200 ms, live event p95 < 100 ms, delivery
> 99.9 %.

    .venv/bin/python bench/load_model.py [--steps 25,50,100,200,400] [--seconds 60] [--workers 2]

Seeds a database of its own (users signed in through the real initData route, five objects
each, 300 photos in all), starts the backend as the launchers do (`--workers`, no Redis: the
per-user limits are far above a person's pace and per-address limits would see one address),
then runs Locust headless (`bench/locustfile.py`: the mix and its reasons) at each step's user
count. Locust and its dependencies live in `.venv-load`, installed here from
`bench/requirements-load.lock` (hashed), apart from the app's lock.

Per step: requests/s, API p50/p95/p99 (every HTTP request), failures (4xx from races such as a
gift of an object that just moved are counted, 5xx listed apart), live event p95 and delivery
(every public event after the step began, on every socket, counted by id). The capacity is the
largest step that meets all three targets. Locust shares the machine's cores with the server
and PostgreSQL, so the figure is what one machine does with its own load generator on it.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

import asyncpg
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, Server, busy_note, drop_db, fresh_db, machine, pct  # noqa: I001

from tests.support import make_init_data, mint_objects

DB = f"bench_load_model_{os.getpid()}"
LOAD_VENV = ROOT / ".venv-load"
LOCK = ROOT / "bench" / "requirements-load.lock"
WORDS = ["sunset", "закат", "city", "море", "forest", "портрет", "night", "река", "photo", "снег"]
TARGETS = {"api_p95": 200.0, "ws_p95": 100.0, "delivery": 99.9}


def ensure_load_venv() -> Path:
    locust = LOAD_VENV / "bin" / "locust"
    stamp = LOAD_VENV / ".lock.sha256"
    want = subprocess.run(["sha256sum", str(LOCK)], capture_output=True, text=True).stdout[:64]
    if not locust.exists() or not stamp.exists() or stamp.read_text() != want:
        subprocess.run([sys.executable, "-m", "venv", str(LOAD_VENV)], check=True)
        pip = [str(LOAD_VENV / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check"]
        subprocess.run([*pip, "--require-hashes", "-r", str(LOCK)], check=True)
        stamp.write_text(want)
    return locust


def make_images(folder: Path, count: int) -> None:
    from PIL import Image

    rng = random.Random(23)
    for i in range(count):
        image = Image.effect_noise((320, 240), 40 + rng.random() * 40).convert("RGB")
        out = io.BytesIO()
        image.save(out, "JPEG", quality=80)
        (folder / f"load-{i:05d}.jpg").write_bytes(out.getvalue())


async def seed(url: str, dsn: str, users: int) -> dict[str, object]:
    people = []
    async with httpx.AsyncClient(base_url=url, timeout=60) as http:
        for n in range(users):
            init = make_init_data(user={"id": 700_000 + n, "first_name": f"Load {n}"})
            r = await http.post("/api/auth/max", json={"init_data": init})
            r.raise_for_status()
            body = r.json()
            people.append({"id": body["user"]["id"], "token": body["access_token"]})
    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=2)
    try:
        for i, person in enumerate(people):
            await mint_objects(pool, person["id"], 5, start=i * 5)
        photos = [r["id"] for r in await pool.fetch("SELECT id FROM art_objects ORDER BY id")]
    finally:
        await pool.close()
    return {"users": people, "photos": photos, "words": WORDS}


def api_stats(prefix: Path) -> dict[str, float]:
    with open(f"{prefix}_stats.csv") as f:
        rows = {row["Name"]: row for row in csv.DictReader(f)}
    total = rows["Aggregated"]
    server_errors = 0
    with open(f"{prefix}_failures.csv") as f:
        for row in csv.DictReader(f):
            if "50" in row["Error"][:40]:
                server_errors += int(row["Occurrences"])
    return {
        "rps": float(total["Requests/s"]),
        "p50": float(total["50%"]),
        "p95": float(total["95%"]),
        "p99": float(total["99%"]),
        "requests": float(total["Request Count"]),
        "failures": float(total["Failure Count"]),
        "server_errors": float(server_errors),
    }


def received(out: Path) -> list[dict[str, list[float]]]:
    sockets: list[dict[str, list[float]]] = []
    for path in out.glob("received-*.json"):
        sockets += json.loads(path.read_text())
    return sockets


async def live_stats(
    dsn: str, sockets: list[dict[str, list[float]]], after: int
) -> dict[str, float]:
    seen = [i for s in sockets for i in s["ids"]]
    if not seen:
        return {"ws_p95": float("nan"), "delivery": 0.0, "sockets": len(sockets), "events": 0}
    conn = await asyncpg.connect(dsn)
    try:
        expected = {
            r["id"]
            for r in await conn.fetch(
                "SELECT id FROM events WHERE id > $1 AND id <= $2 AND audience IS NULL",
                after,
                max(seen),
            )
        }
    finally:
        await conn.close()
    got = sum(len(expected & set(s["ids"])) for s in sockets)
    latencies = [x for s in sockets for x in s["latency_ms"]]
    return {
        "ws_p95": pct(latencies, 0.95),
        "delivery": 100 * got / max(1, len(expected) * len(sockets)),
        "sockets": len(sockets),
        "events": len(expected),
    }


def run_step(
    locust: Path, url: str, users: int, seconds: int, env: dict[str, str], out: Path
) -> None:
    cmd = [
        str(locust), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
        "-u", str(users), "-r", str(max(1, users // 5)), "-t", f"{seconds}s",
        "--host", url, "--csv", str(out / "step"), "--only-summary", "--stop-timeout", "5",
        "--loglevel", "WARNING",
    ]  # fmt: skip
    done = subprocess.run(cmd, env={**os.environ, **env}, capture_output=True, text=True)
    if done.returncode not in (0, 1):  # 1: some requests failed, which the stats count
        raise RuntimeError(f"locust exited {done.returncode}: {done.stderr[-2000:]}")


def measure(steps: list[int], seconds: int, workers: int) -> tuple[list[str], int]:
    """One run over the steps: the table's rows and the capacity (0: no step met the targets)."""
    locust = ensure_load_venv()
    dsn = asyncio.run(fresh_db(DB))
    lines = [
        "| users | req/s | API p50 / p95 / p99 ms | failures (5xx) | live p95 ms | delivery | "
        "public events | meets targets |",
        "|---|---|---|---|---|---|---|---|",
    ]
    capacity = 0
    server_args = (
        "--http", "app.server.http_server:HeaderTimeoutProtocol",
        "--ws", "app.server.ws_server:DirectSendProtocol", "--ws-per-message-deflate", "false",
    )  # fmt: skip
    # Every simulated person connects from 127.0.0.1: lift the per-address socket cap.
    env = {"ACCESS_TOKEN_TTL": "86400", "DB_POOL_MAX": "20", "WS_MAX_PER_ADDRESS": "100000"}
    try:
        with (
            tempfile.TemporaryDirectory() as tmp,
            Server(dsn, workers=workers, env=env, args=server_args) as server,
        ):
            images = Path(tmp, "images")
            images.mkdir()
            make_images(images, 400)
            world = asyncio.run(seed(server.url, dsn, max(steps)))
            world["images"] = str(images)
            world_file = Path(tmp, "world.json")
            world_file.write_text(json.dumps(world))
            for users in steps:
                out = Path(tmp, f"step-{users}")
                out.mkdir()
                after = asyncio.run(_latest(dsn))
                step_env = {"LOAD_WORLD": str(world_file), "LOAD_OUT": str(out),
                            "LOAD_AFTER": str(after)}  # fmt: skip
                run_step(locust, server.url, users, seconds, step_env, out)
                api = api_stats(out / "step")
                live = asyncio.run(live_stats(dsn, received(out), after))
                ok = (api["p95"] < TARGETS["api_p95"] and live["ws_p95"] < TARGETS["ws_p95"]
                      and live["delivery"] > TARGETS["delivery"])  # fmt: skip
                capacity = users if ok else capacity
                lines.append(
                    f"| {users} | {api['rps']:.1f} | {api['p50']:.0f} / {api['p95']:.0f} / "
                    f"{api['p99']:.0f} | {api['failures']:.0f} of {api['requests']:.0f} "
                    f"({api['server_errors']:.0f}) | {live['ws_p95']:.0f} | "
                    f"{live['delivery']:.2f} % | {live['events']:.0f} | {'yes' if ok else 'no'} |"
                )
                print(lines[-1], flush=True)
    finally:
        asyncio.run(drop_db(DB))
    return lines, capacity


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", default="25,50,100,200,400")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    lines, capacity = measure([int(x) for x in args.steps.split(",")], args.seconds, args.workers)
    print(f"\nmachine: {machine()}; {busy_note()}")
    print(f"backend: {args.workers} workers; Locust on this machine; {args.seconds} s a step\n")
    print("\n".join(lines))
    print(f"\ncapacity within the targets: {capacity} concurrently active users")


async def _latest(dsn: str) -> int:
    conn = await asyncpg.connect(dsn)
    try:
        return int(await conn.fetchval("SELECT coalesce(max(id), 0) FROM events"))
    finally:
        await conn.close()


if __name__ == "__main__":
    main()

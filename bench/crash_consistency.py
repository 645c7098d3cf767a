# ruff: noqa: E501  (SQL and one-line request descriptions read best unwrapped)
"""Crash consistency (issue 8.4): a mixed workload against a real server killed with SIGKILL.

Many concurrent clients upload, give objects away directly and by claim code, claim codes,
propose trades and accept them, while the server process is SIGKILLed at random moments and
restarted on the same port. Then, on the final database and upload directory:

- `app.repositories.consistency.CHECKS` (owner = last history row, accepted trades moved every item,
  nothing moved for unaccepted trades, a claim used at most once, minted exactly once, ...);
- every accepted trade moved each item in the right direction (offered: proposer -> recipient,
  requested: recipient -> proposer);
- every photo row has its three files; stored files without a row are counted as "orphans
  awaiting sweep", then `sweep_orphan_files(grace=-1)` runs and none may remain;
- every committed change has its event: each `transfer`/`trade` history row has an
  `ownership.changed` event with that photo_id and transfer_id/trade_id, each art object a
  `photo.created` event;
- every write the server acknowledged (201 upload, 200 claim, 200 accept) is in the database.

    .venv/bin/python bench/crash_consistency.py                      # 8 kills, 24 clients
    .venv/bin/python bench/crash_consistency.py --kills 20 --clients 40 --json out.json

`tests/test_crash_consistency.py` runs a bounded version of the same `run()`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import secrets
import signal
import socket
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
for extra in (ROOT, ROOT / "backend"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

import asyncpg  # noqa: E402
import httpx  # noqa: E402
from tests.images import unique_png  # noqa: E402
from tests.support import MAX_BOT_TOKEN, make_init_data, until  # noqa: E402

from app.core.db import create_pool  # noqa: E402
from app.core.migrations import migrate  # noqa: E402
from app.media.storage import LocalStorage  # noqa: E402
from app.repositories.photos import all_file_keys  # noqa: E402
from app.services.consistency import violations  # noqa: E402
from app.services.maintenance import sweep_orphan_files  # noqa: E402

EXTRA_CHECKS: dict[str, str] = {
    # Each accepted trade moved each item the right way.
    "trade_item_moved_wrong_way": """
        SELECT t.id, i.art_object_id FROM trades t JOIN trade_items i ON i.trade_id = t.id
         WHERE t.status = 'accepted' AND NOT EXISTS (
               SELECT 1 FROM ownership_history h
                WHERE h.trade_id = t.id AND h.art_object_id = i.art_object_id AND h.reason = 'trade'
                  AND h.from_user_id = CASE i.side WHEN 'offered' THEN t.proposer_id ELSE t.accepted_by END
                  AND h.to_user_id = CASE i.side WHEN 'offered' THEN t.accepted_by ELSE t.proposer_id END)
    """,
    # A trade's history rows are exactly its items (no extra object moved under its name).
    "trade_history_not_an_item": """
        SELECT h.id FROM ownership_history h WHERE h.trade_id IS NOT NULL AND NOT EXISTS (
               SELECT 1 FROM trade_items i WHERE i.trade_id = h.trade_id AND i.art_object_id = h.art_object_id)
    """,
    # A completed claim moved the transfer's own object to the claimant.
    "transfer_history_mismatch": """
        SELECT h.id FROM ownership_history h JOIN transfers tr ON tr.id = h.transfer_id
         WHERE tr.status <> 'completed' OR h.art_object_id <> tr.art_object_id
            OR h.to_user_id IS DISTINCT FROM tr.to_user_id
    """,
    # Every committed change has its event.
    "move_without_event": """
        SELECT h.id FROM ownership_history h
         WHERE h.reason IN ('transfer', 'trade') AND NOT EXISTS (
               SELECT 1 FROM events e
                WHERE e.type = 'ownership.changed'
                  AND (e.data ->> 'photo_id')::bigint = h.art_object_id
                  AND (e.data ->> 'trade_id')::bigint IS NOT DISTINCT FROM h.trade_id
                  AND (e.data ->> 'transfer_id')::bigint IS NOT DISTINCT FROM h.transfer_id)
    """,
    "object_without_created_event": """
        SELECT a.id FROM art_objects a WHERE NOT EXISTS (
               SELECT 1 FROM events e WHERE e.type = 'photo.created' AND (e.data ->> 'id')::bigint = a.id)
    """,
    # The history of each object is a chain: each row starts where the previous one ended.
    "history_chain_broken": """
        SELECT id FROM (
          SELECT id, from_user_id, lag(to_user_id) OVER (PARTITION BY art_object_id ORDER BY id) AS prev
            FROM ownership_history) c
         WHERE prev IS NOT NULL AND from_user_id IS DISTINCT FROM prev
    """,
    "object_without_image_row": "SELECT a.id FROM art_objects a LEFT JOIN images i ON i.id = a.image_id WHERE i.id IS NULL",
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """One uvicorn process we may SIGKILL and restart on the same port."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.env = env
        self.port = _free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.proc: asyncio.subprocess.Process | None = None
        self.starts = 0

    async def start(self, within: float = 30) -> float:
        started = time.monotonic()
        app_env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("DATABASE_URL", "REDIS_URL", "UPLOAD_DIR")
        }
        with open(self.log_path, "ab") as log:  # noqa: ASYNC230 — opening a log file is instant
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "uvicorn", "app.main:app", "--app-dir", str(ROOT / "backend"),
                "--host", "127.0.0.1", "--port", str(self.port),
                cwd=ROOT, env={**app_env, **self.env, "PYTHONUNBUFFERED": "1"},
                stdin=asyncio.subprocess.DEVNULL, stdout=log, stderr=asyncio.subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        self.starts += 1
        async with httpx.AsyncClient(timeout=2) as http:
            while time.monotonic() - started < within:
                if self.proc.returncode is not None:
                    raise RuntimeError(
                        f"server exited with {self.proc.returncode}: {self.log_path.read_text()[-3000:]}"
                    )
                with contextlib.suppress(httpx.HTTPError):
                    if (await http.get(f"{self.base_url}/health")).status_code == 200:
                        return time.monotonic() - started
                await asyncio.sleep(0.05)
        raise RuntimeError(f"server not ready in {within} s: {self.log_path.read_text()[-3000:]}")

    async def kill(self) -> None:
        if self.proc and self.proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            await self.proc.wait()

    async def stop(self) -> None:
        if self.proc and self.proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                await asyncio.wait_for(self.proc.wait(), 10)
            except TimeoutError:
                await self.kill()


@dataclass
class Stats:
    ops: Counter[str] = field(default_factory=Counter)  # successful operations by kind
    refused: Counter[str] = field(default_factory=Counter)  # 4xx (races lost, stale items...)
    server_errors: list[str] = field(default_factory=list)  # 5xx other than 503
    unavailable: int = 0  # 503 while the database/app was coming back
    connection_errors: int = 0  # requests that died with the process
    acknowledged_uploads: list[int] = field(default_factory=list)
    acknowledged_claims: list[int] = field(default_factory=list)
    acknowledged_accepts: list[int] = field(default_factory=list)


@dataclass
class Shared:
    users: list[dict]  # {"id", "token"}
    claim_codes: list[str] = field(default_factory=list)
    stop: bool = False
    upload_seed: int = 0


async def _request(
    http: httpx.AsyncClient, stats: Stats, kind: str, method: str, url: str, **kwargs
) -> httpx.Response | None:
    try:
        response = await http.request(method, url, **kwargs)
    except (httpx.TransportError, httpx.RemoteProtocolError):
        stats.connection_errors += 1
        await asyncio.sleep(0.2)
        return None
    if response.status_code == 503:
        stats.unavailable += 1
        await asyncio.sleep(0.2)
    elif response.status_code >= 500:
        stats.server_errors.append(
            f"{kind}: {method} {url} -> {response.status_code} {response.text[:200]}"
        )
    elif response.status_code >= 400:
        stats.refused[f"{kind} {response.status_code}"] += 1
    return response


async def _client(
    base_url: str, me: dict, shared: Shared, stats: Stats, rng: random.Random
) -> None:
    headers = {"Authorization": f"Bearer {me['token']}"}
    others = [u for u in shared.users if u["id"] != me["id"]]
    async with httpx.AsyncClient(base_url=base_url, headers=headers, timeout=15) as http:
        while not shared.stop:
            listing = await _request(
                http,
                stats,
                "list",
                "GET",
                "/api/photos",
                params={"owner_id": me["id"], "limit": 50},
            )
            if listing is None or listing.status_code != 200:
                continue
            mine = [item["id"] for item in listing.json()["items"]]
            roll = rng.random()
            if roll < 0.2 or not mine:
                shared.upload_seed += 1
                seed = 10_000_000 + me["id"] * 100_000 + shared.upload_seed
                r = await _request(
                    http,
                    stats,
                    "upload",
                    "POST",
                    "/api/photos/upload",
                    files={"file": ("p.png", unique_png(seed, size=(96, 72)))},
                    data={"title": f"crash {seed}"},
                )
                if r is not None and r.status_code == 201:
                    stats.ops["upload"] += 1
                    stats.acknowledged_uploads.append(r.json()["id"])
            elif roll < 0.35:
                to = rng.choice(others)["id"]
                r = await _request(
                    http,
                    stats,
                    "transfer",
                    "POST",
                    "/api/transfers",
                    json={"photo_id": rng.choice(mine), "to_user_id": to},
                )
                if r is not None and r.status_code == 201:
                    stats.ops["direct transfer"] += 1
            elif roll < 0.5:
                r = await _request(
                    http,
                    stats,
                    "claim code",
                    "POST",
                    "/api/transfers",
                    json={"photo_id": rng.choice(mine)},
                )
                if r is not None and r.status_code == 201:
                    stats.ops["claim code"] += 1
                    shared.claim_codes.append(r.json()["claim_token"])
            elif roll < 0.62 and shared.claim_codes:
                token = shared.claim_codes.pop(rng.randrange(len(shared.claim_codes)))
                # Two clients race for some codes: at most one may win.
                racers = [
                    _request(
                        http, stats, "claim", "POST", "/api/transfers/claim", json={"token": token}
                    )
                ]
                if rng.random() < 0.3:
                    racers.append(
                        _request(
                            http,
                            stats,
                            "claim",
                            "POST",
                            "/api/transfers/claim",
                            json={"token": token},
                        )
                    )
                for r in await asyncio.gather(*racers):
                    if r is not None and r.status_code == 200:
                        stats.ops["claim"] += 1
                        stats.acknowledged_claims.append(r.json()["id"])
            elif roll < 0.8:
                partner = rng.choice(others)
                theirs = await _request(
                    http,
                    stats,
                    "list",
                    "GET",
                    "/api/photos",
                    params={"owner_id": partner["id"], "limit": 20},
                )
                if theirs is None or theirs.status_code != 200 or not theirs.json()["items"]:
                    continue
                requested = [i["id"] for i in theirs.json()["items"]]
                body = {
                    "offered_photo_ids": rng.sample(mine, min(len(mine), rng.randint(1, 2))),
                    "requested_photo_ids": rng.sample(
                        requested, min(len(requested), rng.randint(1, 2))
                    ),
                    "recipient_id": partner["id"],
                }
                r = await _request(http, stats, "propose", "POST", "/api/trades", json=body)
                if r is not None and r.status_code == 201:
                    stats.ops["propose trade"] += 1
            else:
                incoming = await _request(
                    http,
                    stats,
                    "list",
                    "GET",
                    "/api/trades",
                    params={"role": "incoming", "status": "pending"},
                )
                if incoming is None or incoming.status_code != 200 or not incoming.json()["items"]:
                    continue
                trade = rng.choice(incoming.json()["items"])
                r = await _request(
                    http, stats, "accept", "POST", f"/api/trades/{trade['id']}/accept"
                )
                if r is not None and r.status_code == 200:
                    stats.ops["accept trade"] += 1
                    stats.acknowledged_accepts.append(trade["id"])


async def _sign_in_all(base_url: str, count: int) -> list[dict]:
    users = []
    async with httpx.AsyncClient(base_url=base_url, timeout=15) as http:
        for i in range(count):
            init_data = make_init_data(user={"id": 60_000 + i, "first_name": f"Crash{i}"})
            r = await http.post("/api/auth/max", json={"init_data": init_data})
            r.raise_for_status()
            users.append({"id": r.json()["user"]["id"], "token": r.json()["access_token"]})
    return users


async def check(database_url: str, upload_dir: Path, stats: Stats) -> dict:
    """All the invariants; returns counts (every *_violations value must be 0)."""
    pool = await create_pool(database_url, 1, 4)
    try:
        async with pool.acquire() as conn:
            core = await violations(conn)
            extra = {name: len(await conn.fetch(sql)) for name, sql in EXTRA_CHECKS.items()}
            referenced = await all_file_keys(conn)  # every file column, one definition
            counts = dict(
                await conn.fetchrow(
                    """SELECT (SELECT count(*) FROM art_objects) AS objects,
                          (SELECT count(*) FROM ownership_history) AS history_rows,
                          (SELECT count(*) FROM trades WHERE status = 'accepted') AS accepted_trades,
                          (SELECT count(*) FROM transfers WHERE status = 'completed') AS completed_transfers,
                          (SELECT count(*) FROM events) AS events"""
                )
            )
            lost_uploads = await conn.fetchval(
                "SELECT count(*) FROM unnest($1::bigint[]) i WHERE NOT EXISTS (SELECT 1 FROM art_objects a WHERE a.id = i)",
                stats.acknowledged_uploads,
            )
            lost_claims = await conn.fetchval(
                "SELECT count(*) FROM unnest($1::bigint[]) i WHERE NOT EXISTS (SELECT 1 FROM transfers t WHERE t.id = i AND t.status = 'completed')",
                stats.acknowledged_claims,
            )
            lost_accepts = await conn.fetchval(
                "SELECT count(*) FROM unnest($1::bigint[]) i WHERE NOT EXISTS (SELECT 1 FROM trades t WHERE t.id = i AND t.status = 'accepted')",
                stats.acknowledged_accepts,
            )
        storage = LocalStorage(upload_dir)
        on_disk = set(storage.keys(older_than=time.time() + 3600))
        missing_files = len(referenced - on_disk)
        orphans_awaiting_sweep = len(on_disk - referenced)
        swept = await sweep_orphan_files(pool, storage, grace=-1)
        left_after_sweep = len(set(storage.keys(older_than=time.time() + 3600)) - referenced)
    finally:
        await pool.close()
    return {
        **counts,
        "core_violations": core,
        "extra_violations": extra,
        "photo_rows_missing_files": missing_files,
        "orphan_files_awaiting_sweep": orphans_awaiting_sweep,
        "orphans_swept": swept,
        "orphans_left_after_sweep": left_after_sweep,
        "acknowledged_but_lost": {
            "uploads": lost_uploads,
            "claims": lost_claims,
            "accepts": lost_accepts,
        },
    }


def total_violations(result: dict) -> int:
    return (
        sum(result["core_violations"].values())
        + sum(result["extra_violations"].values())
        + result["photo_rows_missing_files"]
        + result["orphans_left_after_sweep"]
        + sum(result["acknowledged_but_lost"].values())
    )


async def run(
    database_url: str,
    upload_dir: Path,
    *,
    kills: int,
    clients: int,
    users: int,
    min_gap: float,
    max_gap: float,
    seed: int = 1,
    log_path: Path | None = None,
    min_ops_per_gap: int = 0,
) -> dict:
    """`min_ops_per_gap`: each stretch between kills also lasts until that many more operations
    succeeded (a fact, not a time), so a slow machine still gets a real workload."""
    rng = random.Random(seed)
    log_path = log_path or Path(tempfile.mkstemp(prefix="crash-server-", suffix=".log")[1])
    env = {
        "APP_ENV": "test",
        "DATABASE_URL": database_url,
        "JWT_SECRET": "crash-secret-" + "c" * 32,
        "MAX_BOT_TOKEN": MAX_BOT_TOKEN,
        "UPLOAD_DIR": str(upload_dir),
        "BCRYPT_ROUNDS": "4",
        "REDIS_URL": "",
        "ACCESS_TOKEN_TTL": "86400",
        "DB_POOL_MAX": "20",
    }
    server = Server(env, log_path)
    restart_times: list[float] = [await server.start()]
    stats = Stats()
    shared = Shared(users=await _sign_in_all(server.base_url, users))
    started = time.monotonic()
    tasks = [
        asyncio.create_task(
            _client(
                server.base_url,
                shared.users[i % users],
                shared,
                stats,
                random.Random(seed * 1000 + i),
            )
        )
        for i in range(clients)
    ]
    kill_times: list[float] = []

    async def work_for_a_while() -> None:
        done_before = sum(stats.ops.values())
        await asyncio.sleep(rng.uniform(min_gap, max_gap))
        await until(
            lambda: sum(stats.ops.values()) >= done_before + min_ops_per_gap,
            f"fewer than {min_ops_per_gap} operations succeeded between kills",
            within=120,
        )

    try:
        for _ in range(kills):
            await work_for_a_while()
            kill_times.append(round(time.monotonic() - started, 2))
            await server.kill()
            await asyncio.sleep(rng.uniform(0.05, 0.5))
            restart_times.append(await server.start())
        await work_for_a_while()  # some work after the last restart
    finally:
        shared.stop = True
        await asyncio.gather(*tasks, return_exceptions=True)
    workload_seconds = time.monotonic() - started
    # The final restart runs the app's own start-up path once more, then a clean stop.
    await server.kill()
    restart_times.append(await server.start())
    await server.stop()
    result = await check(database_url, upload_dir, stats)
    result.update(
        kills_survived=kills,
        server_starts=server.starts,
        clients=clients,
        users=users,
        workload_seconds=round(workload_seconds, 1),
        operations=dict(stats.ops),
        operations_total=sum(stats.ops.values()),
        refused_4xx=dict(stats.refused),
        unavailable_503=stats.unavailable,
        connection_errors=stats.connection_errors,
        server_errors_5xx=len(stats.server_errors),
        server_error_examples=stats.server_errors[:10],
        restart_seconds_max=round(max(restart_times), 2),
        restart_seconds_median=round(sorted(restart_times)[len(restart_times) // 2], 2),
        kill_times=kill_times,
    )
    result["violations_total"] = total_violations(result)
    return result


async def _main(args: argparse.Namespace) -> dict:
    base = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    name = f"crash_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(base)
    await admin.execute(f'CREATE DATABASE "{name}"')
    dsn = urlunsplit(urlsplit(base)._replace(path=f"/{name}"))
    await asyncio.to_thread(migrate, dsn)  # database.sql + migrations marked applied
    try:
        with tempfile.TemporaryDirectory(prefix="crash-uploads-") as tmp:
            return await run(
                dsn,
                Path(tmp),
                kills=args.kills,
                clients=args.clients,
                users=args.users,
                min_gap=args.min_gap,
                max_gap=args.max_gap,
                seed=args.seed,
            )
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=8)
    parser.add_argument("--clients", type=int, default=24)
    parser.add_argument("--users", type=int, default=12)
    parser.add_argument(
        "--min-gap", type=float, default=2.0, help="seconds of work between kills, at least"
    )
    parser.add_argument("--max-gap", type=float, default=6.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    result = asyncio.run(_main(args))
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return 1 if result["violations_total"] or result["server_errors_5xx"] else 0


if __name__ == "__main__":
    sys.exit(main())

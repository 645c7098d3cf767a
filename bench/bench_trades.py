"""Benchmark (issue 4): contested trade accepts/s at 64 concurrent clients, next to pgbench.

- pgbench first, on the same PostgreSQL server, into its own database `bench_pgbench`:
  `pgbench -i -s 10`, then `pgbench -S -c 64 -j 2 -T 20` (select-only) and
  `pgbench -N -c 64 -j 2 -T 20` (simple-update). The backend is not running meanwhile.
- Then its own database `bench_trades`, one uvicorn (or `--workers 2`): 200 users sign in via
  `POST /api/auth/max`, each owns 3 objects (SQL, `tests.support.mint_objects`), 64 clients
  propose 3,000 trades via the API (1-2 offered for 1-2 requested, addressed to the owner),
  which overlap heavily on the 600 objects; then 64 keep-alive connections (a minimal raw
  HTTP/1.1 client, or httpx with `--driver httpx`) accept every trade in random order as its
  recipient. Expected statuses: 200 (accepted) and 409 (an item changed hands
  meanwhile: the trade is marked failed). Anything else is reported; any 5xx is a bug.
- Afterwards every invariant query in `app.repositories.consistency.CHECKS` must return 0 rows,
  and the trade rows must agree with the responses.

    .venv/bin/python bench/bench_trades.py              # ~2 minutes
    .venv/bin/python bench/bench_trades.py --quick      # < 1 minute
    .venv/bin/python bench/bench_trades.py --workers 2
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import random
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import asyncpg
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import PG, Server, busy_note, cpu_seconds, drop_db, fresh_db, machine, pct, rx

DB, PGBENCH_DB = "bench_trades", "bench_pgbench"
CLIENTS = 64


# --------------------------------------------------------------------------- pgbench


def pgbench(duration: int, scale: int) -> list[str]:
    dsn_args = ["-h", "127.0.0.1", "-p", "5432", "-U", "postgres"]
    asyncio.run(fresh_db(PGBENCH_DB, schema=False))
    subprocess.run(
        ["pgbench", *dsn_args, "-i", "-q", "-s", str(scale), PGBENCH_DB],
        check=True,
        capture_output=True,
    )
    lines = [
        "| pgbench run | TPS | mean latency ms | failed |",
        "|---|---|---|---|",
    ]
    for mode, flag in (("-S (select only)", "-S"), ("-N (simple update)", "-N")):
        cmd = ["pgbench", *dsn_args, flag, "-c", str(CLIENTS), "-j", "2", "-T", str(duration)]
        for attempt in range(3):  # the shared server's 100 connections can be briefly full
            done = subprocess.run([*cmd, PGBENCH_DB], capture_output=True, text=True)
            if done.returncode == 0:
                break
            if attempt == 2:
                raise RuntimeError(f"{' '.join(cmd)} failed: {done.stderr[-2000:]}")
            time.sleep(3)
        out = done.stdout
        tps = rx(r"tps = ([\d.]+)", out)
        lat = rx(r"latency average = ([\d.]+) ms", out)
        failed = rx(r"number of failed transactions: (\d+)", out) or "0"
        lines.append(
            f"| `pgbench {flag} -c {CLIENTS} -j 2 -T {duration}` (scale {scale}) "
            f"| {float(tps):,.0f} | {lat} | {failed} |"
        )
        del mode
    asyncio.run(drop_db(PGBENCH_DB))
    return lines


# --------------------------------------------------------------------------- trades


class RawHTTP:
    """Keep-alive HTTP/1.1 on one asyncio stream. Far cheaper per request than httpx, so the
    load generator takes little of the two cores from the server (httpx used ~2x the server's
    CPU in this bench). Enough HTTP for uvicorn's Content-Length responses."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, headers: dict[str, str]) -> tuple[int, bytes]:
        if self.writer is None or self.writer.is_closing():
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        lines = [f"POST {path} HTTP/1.1", f"Host: {self.host}:{self.port}", "Content-Length: 0"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = re.search(rb"(?i)\r\ncontent-length: *(\d+)", head)
        body = await self.reader.readexactly(int(length.group(1))) if length else b""
        if re.search(rb"(?i)\r\nconnection: *close", head):
            self.close()
        return status, body

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None


async def gather_limited(n: int, jobs: list, fn) -> list:
    queue: asyncio.Queue = asyncio.Queue()
    for job in jobs:
        queue.put_nowait(job)
    results: list = []

    async def worker() -> None:
        while True:
            try:
                job = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            results.append(await fn(job))

    await asyncio.gather(*(worker() for _ in range(n)))
    return results


async def sample_waits(dsn: str, into: collections.Counter) -> None:
    """Every 20 ms: what each active backend of the bench database is doing — `CPU` (running
    or runnable: no wait event) or its wait event (`Lock:transactionid` = a row lock held by
    another transaction, `LWLock:WALWrite`/`IO:WALSync` = the commit's flush, ...)."""
    conn = await asyncpg.connect(dsn)
    try:
        while True:
            for r in await conn.fetch(
                "SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU') AS w, count(*)"
                " FROM pg_stat_activity WHERE datname = current_database() AND state = 'active'"
                " AND pid <> pg_backend_pid() GROUP BY 1"
            ):
                into[r["w"]] += r["count"]
            into["(samples)"] += 1
            await asyncio.sleep(0.02)
    except asyncio.CancelledError:
        pass
    finally:
        await conn.close()


def wait_note(waits: collections.Counter) -> str:
    samples = max(waits.get("(samples)", 0), 1)
    busy = {k: v for k, v in waits.items() if k != "(samples)"}
    parts = [f"{k} {v / samples:.1f}" for k, v in sorted(busy.items(), key=lambda kv: -kv[1])]
    return "mean active backends " + (", ".join(parts[:6]) or "none")


async def accept_in_sql(dsn: str, created: list[tuple[int, int]]) -> dict:
    """Accept every trade by calling the repository's one statement (trade_accept()) on a pool
    with the app's settings, 64 tasks sharing 20 connections (the server's DB_POOL_MAX)."""
    from app.core import wakeup
    from app.core.db import create_pool
    from app.repositories import trades as trades_repo

    # As the server's pool: events written without the trigger's NOTIFY, one waker per process.
    pool = await create_pool(dsn, 20, 20, deferred_wakeup=True)
    waker = wakeup.Waker(dsn)
    waking = asyncio.create_task(waker.run())
    jobs = collections.deque(created)
    codes: collections.Counter = collections.Counter()
    lat: list[float] = []

    async def worker() -> None:
        while jobs:
            tid, recipient = jobs.popleft()
            s = time.perf_counter()
            async with pool.acquire() as conn:
                done = await trades_repo.accept(conn, tid, recipient, None)
            waker.poke()
            lat.append((time.perf_counter() - s) * 1000)
            codes[200 if done.outcome == "accepted" else 409] += 1

    pg_sql = "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
    pg0 = {r["pid"]: cpu_seconds([r["pid"]]) for r in await pool.fetch(pg_sql)}
    me0 = resource.getrusage(resource.RUSAGE_SELF)
    waits: collections.Counter = collections.Counter()
    sampling = asyncio.create_task(sample_waits(dsn, waits))
    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CLIENTS)))
    seconds = time.perf_counter() - t0
    sampling.cancel()
    me1 = resource.getrusage(resource.RUSAGE_SELF)
    pg1 = [r["pid"] for r in await pool.fetch(pg_sql)]
    cpu_pg = sum(cpu_seconds([pid]) - pg0.get(pid, 0.0) for pid in pg1) / seconds
    waking.cancel()
    await pool.close()
    return {
        "n": len(lat),
        "seconds": seconds,
        "codes": codes,
        "p50": pct(lat, 0.5),
        "p99": pct(lat, 0.99),
        "cpu_pg": cpu_pg,
        "cpu_client": (me1.ru_utime + me1.ru_stime - me0.ru_utime - me0.ru_stime) / seconds,
        "waits": waits,
    }


async def run_trades(args: argparse.Namespace) -> list[str]:
    from tests.support import make_init_data, mint_objects

    from app.services.consistency import violations

    users_n, per_user = 200, 3
    trades_n = 600 if args.quick else 3000
    rnd = random.Random(4)
    dsn = await fresh_db(DB)
    out: list[str] = []
    bugs: list[str] = []
    # Keep-alive longer than any pause between phases: uvicorn's 5 s default closed pooled
    # connections that httpx then reused (ReadError on a POST, which it does not retry).
    # The same 20 database connections whatever the worker count (the server's pool is per
    # worker; the shared server's max_connections is 100).
    env = {"DB_POOL_MAX": str(max(20 // args.workers, 2))}
    with Server(dsn, workers=args.workers, env=env, args=("--timeout-keep-alive", "120")) as server:
        limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
        async with httpx.AsyncClient(base_url=server.url, timeout=60, limits=limits) as client:

            async def sign_in(n: int) -> dict:
                init = make_init_data(user={"id": 500_000 + n, "first_name": f"trader{n}"})
                r = await client.post("/api/auth/max", json={"init_data": init})
                assert r.status_code == 200, r.text
                body = r.json()
                return {
                    "id": body["user"]["id"],
                    "h": {"Authorization": f"Bearer {body['access_token']}"},
                }

            users = await gather_limited(16, list(range(users_n)), sign_in)
            pool = await asyncpg.create_pool(dsn, min_size=1, max_size=2)
            owned: dict[int, list[int]] = {}
            for i, u in enumerate(users):
                owned[u["id"]] = await mint_objects(pool, u["id"], per_user, start=i * 100)
            by_id = {u["id"]: u for u in users}

            def plan() -> dict:
                # Owners of something (after the first contest some own nothing, some more).
                a, b = rnd.sample([u for u in users if owned[u["id"]]], 2)
                mine, theirs = owned[a["id"]], owned[b["id"]]
                return {
                    "proposer": a,
                    "body": {
                        "offered_photo_ids": rnd.sample(mine, min(rnd.randint(1, 2), len(mine))),
                        "requested_photo_ids": rnd.sample(
                            theirs, min(rnd.randint(1, 2), len(theirs))
                        ),
                        "recipient_id": b["id"],
                    },
                }

            async def propose(p: dict) -> tuple[int, int, float]:
                s = time.perf_counter()
                r = await client.post("/api/trades", json=p["body"], headers=p["proposer"]["h"])
                if r.status_code >= 500:
                    bugs.append(f"POST /api/trades {p['body']} -> {r.status_code} {r.text[:500]}")
                tid = r.json()["id"] if r.status_code == 201 else -r.status_code
                return tid, p["body"]["recipient_id"], time.perf_counter() - s

            t0 = time.perf_counter()
            proposed = await gather_limited(CLIENTS, [plan() for _ in range(trades_n)], propose)
            propose_s = time.perf_counter() - t0
            created = [(tid, rec) for tid, rec, _ in proposed if tid > 0]
            rnd.shuffle(created)
            pids = server.pids()

            jobs = collections.deque(created)
            accepted: list[tuple[int, float]] = []

            async def accept_httpx(job: tuple[int, int]) -> tuple[int, float]:
                tid, recipient = job
                s = time.perf_counter()
                r = await client.post(f"/api/trades/{tid}/accept", headers=by_id[recipient]["h"])
                if r.status_code not in (200, 409):
                    bugs.append(f"POST /api/trades/{tid}/accept -> {r.status_code} {r.text[:500]}")
                return r.status_code, (time.perf_counter() - s) * 1000

            async def accept_raw() -> None:
                http = RawHTTP("127.0.0.1", server.port)
                try:
                    while jobs:
                        tid, recipient = jobs.popleft()
                        path = f"/api/trades/{tid}/accept"
                        s = time.perf_counter()
                        code, body = await http.post(path, by_id[recipient]["h"])
                        accepted.append((code, (time.perf_counter() - s) * 1000))
                        if code not in (200, 409):
                            bugs.append(
                                f"POST {path} -> {code} {body[:500].decode(errors='replace')}"
                            )
                finally:
                    http.close()

            # PostgreSQL's side: the backends serving this database (the server's pool; this
            # script's own pool idles meanwhile). Those that start during the phase count whole.
            pg_sql = "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            pg0 = {r["pid"]: cpu_seconds([r["pid"]]) for r in await pool.fetch(pg_sql)}
            cpu0 = cpu_seconds(pids)
            me0 = resource.getrusage(resource.RUSAGE_SELF)
            waits_http: collections.Counter = collections.Counter()
            sampling = asyncio.create_task(sample_waits(dsn, waits_http))
            t0 = time.perf_counter()
            if args.driver == "httpx":
                accepted = await gather_limited(CLIENTS, created, accept_httpx)
            else:
                await asyncio.gather(*(accept_raw() for _ in range(CLIENTS)))
            accept_s = time.perf_counter() - t0
            sampling.cancel()
            me1 = resource.getrusage(resource.RUSAGE_SELF)
            cpu_server = (cpu_seconds(pids) - cpu0) / accept_s
            pg1 = [r["pid"] for r in await pool.fetch(pg_sql)]
            cpu_pg = sum(cpu_seconds([pid]) - pg0.get(pid, 0.0) for pid in pg1) / accept_s
            cpu_client = (me1.ru_utime + me1.ru_stime - me0.ru_utime - me0.ru_stime) / accept_s

            direct: dict[str, object] = {}
            if getattr(args, "direct", False):
                # The same contest without HTTP: a second set of trades over the objects as
                # they are owned now, accepted by calling trade_accept() (the repository's one
                # statement) from 64 tasks on a pool like the server's (20 connections).
                for u in users:
                    owned[u["id"]] = []
                for r in await pool.fetch("SELECT id, owner_id FROM art_objects ORDER BY id"):
                    owned[r["owner_id"]].append(r["id"])
                proposed2 = await gather_limited(
                    CLIENTS, [plan() for _ in range(trades_n)], propose
                )
                created2 = [(tid, rec) for tid, rec, _ in proposed2 if tid > 0]
                rnd.shuffle(created2)
                direct = await accept_in_sql(dsn, created2)
                accepted_sql = direct["codes"]

        async with pool.acquire() as conn:
            found = await violations(conn)
            db_status = dict(
                await conn.fetch("SELECT status, count(*) FROM trades GROUP BY status")
            )
            history = await conn.fetchval(
                "SELECT count(*) FROM ownership_history WHERE reason = 'trade'"
            )
            items_moved = await conn.fetchval(
                "SELECT count(*) FROM trade_items i JOIN trades t ON t.id = i.trade_id"
                " WHERE t.status = 'accepted'"
            )
        await pool.close()
        tail = server.log_tail()
    codes = collections.Counter(code for code, _ in accepted)
    all_codes = codes + (accepted_sql if direct else collections.Counter())
    lat = [ms for _, ms in accepted]
    lat_ok = [ms for code, ms in accepted if code == 200]
    prop_codes = collections.Counter(201 if tid > 0 else -tid for tid, _, _ in proposed)
    out += [
        f"{users_n} users x {per_user} objects = {users_n * per_user} objects; "
        f"{trades_n:,} trades proposed by {CLIENTS} clients in {propose_s:.1f} s "
        f"({trades_n / propose_s:,.0f}/s; statuses {dict(prop_codes)}); "
        f"server workers: {args.workers}",
        "",
        "| accepts | count | per second | p50 ms | p99 ms |",
        "|---|---|---|---|---|",
        f"| all accept requests | {len(accepted):,} | {len(accepted) / accept_s:,.0f} "
        f"| {pct(lat, 0.5):.0f} | {pct(lat, 0.99):.0f} |",
    ]
    for code in sorted(codes):
        ms = [m for c, m in accepted if c == code]
        label = {200: "200 accepted", 409: "409 failed (item changed hands)"}.get(code, str(code))
        out.append(
            f"| {label} | {codes[code]:,} | {codes[code] / accept_s:,.0f} "
            f"| {pct(ms, 0.5):.0f} | {pct(ms, 0.99):.0f} |"
        )
    del lat_ok
    out += [
        "",
        f"accept phase: {accept_s:.1f} s wall; load driver: {args.driver}; CPU cores used: "
        f"server {cpu_server:.2f} ({cpu_server / max(len(accepted) / accept_s, 1e-9) * 1000:.1f} "
        f"ms per accept), PostgreSQL backends {cpu_pg:.2f} "
        f"({cpu_pg / max(len(accepted) / accept_s, 1e-9) * 1000:.1f} ms per accept), "
        f"load client (this process) {cpu_client:.2f}",
        "",
        f"PostgreSQL backends of the bench database, sampled every 20 ms while accepting "
        f"(active ones: what they did or waited for): {wait_note(waits_http)}",
    ]
    if direct:
        rate = direct["n"] / direct["seconds"]
        out += [
            "",
            f"The same contest straight to SQL ({direct['n']:,} more trades over the objects as "
            f"owned then; 64 tasks on a 20-connection pool calling trade_accept() with the "
            f"app's deferred wake-ups, no HTTP): "
            f"**{rate:,.0f} accepts/s** (200: {direct['codes'].get(200, 0):,}, "
            f"409: {direct['codes'].get(409, 0):,}), p50 {direct['p50']:.1f} ms, "
            f"p99 {direct['p99']:.1f} ms; PostgreSQL backends {direct['cpu_pg']:.2f} cores "
            f"({direct['cpu_pg'] / rate * 1000:.2f} ms per accept), this process "
            f"{direct['cpu_client']:.2f} cores; HTTP accepts/s ÷ SQL accepts/s = "
            f"**{len(accepted) / accept_s / rate:.2f}**",
            f"sampled: {wait_note(direct['waits'])}",
        ]
    out += [
        "",
        "| check | result |",
        "|---|---|",
    ]
    for name, count in found.items():
        out.append(f"| invariant `{name}` violations | {count} |")
    out.append(f"| trades by status in the DB | {dict(sorted(db_status.items()))} |")
    ok = (
        db_status.get("accepted", 0) == all_codes.get(200, 0)
        and db_status.get("failed", 0) == all_codes.get(409, 0)
        and history == items_moved
    )
    out.append(
        f"| DB agrees with responses (accepted = 200s, failed = 409s, trade history rows "
        f"{history} = items of accepted trades {items_moved}) | {'yes' if ok else 'NO'} |"
    )
    out.append(f"| 5xx / unexpected statuses | {len(bugs)} |")
    for bug in bugs[:10]:
        out.append(f"\nBUG: {bug}")
    if bugs or "Traceback" in tail:
        out.append(f"\nserver log tail:\n```\n{tail}\n```")
    if not args.keep:
        await drop_db(DB)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument(
        "--driver", choices=("raw", "httpx"), default="raw", help="HTTP client for the accepts"
    )
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    parser.add_argument(
        "--direct",
        action="store_true",
        help="then the same contest with trade_accept() called straight from a pool (no HTTP)",
    )
    args = parser.parse_args()
    print(f"machine: {machine()}")
    print(
        f"command: .venv/bin/python bench/bench_trades.py{' --quick' if args.quick else ''}"
        f"{f' --workers {args.workers}' if args.workers != 1 else ''}"
        f"{f' --driver {args.driver}' if args.driver != 'raw' else ''}"
        f"{' --direct' if args.direct else ''}"
    )
    print(f"machine busy at start: {busy_note()}\n")
    t0 = time.monotonic()
    duration, scale = (5, 2) if args.quick else (20, 10)
    print("### pgbench on the same PostgreSQL (backend stopped)\n")
    print("\n".join(pgbench(duration, scale)))
    print(f"\nmachine busy before trades: {busy_note()}\n")
    print("### Contested trade accepts, 64 concurrent clients\n")
    print("\n".join(asyncio.run(run_trades(args))))
    print(f"\nmachine busy at end: {busy_note()}; total {time.monotonic() - t0:.0f} s")
    _ = (PG, statistics)


if __name__ == "__main__":
    main()

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
        out = subprocess.run([*cmd, PGBENCH_DB], check=True, capture_output=True, text=True).stdout
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


async def run_trades(args: argparse.Namespace) -> list[str]:
    from tests.support import make_init_data, mint_objects

    from app.services.consistency import violations

    users_n, per_user = 200, 3
    trades_n = 600 if args.quick else 3000
    rnd = random.Random(4)
    dsn = await fresh_db(DB)
    out: list[str] = []
    bugs: list[str] = []
    with Server(dsn, workers=args.workers) as server:
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
                a, b = rnd.sample(users, 2)
                return {
                    "proposer": a,
                    "body": {
                        "offered_photo_ids": rnd.sample(owned[a["id"]], rnd.randint(1, 2)),
                        "requested_photo_ids": rnd.sample(owned[b["id"]], rnd.randint(1, 2)),
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
            t0 = time.perf_counter()
            if args.driver == "httpx":
                accepted = await gather_limited(CLIENTS, created, accept_httpx)
            else:
                await asyncio.gather(*(accept_raw() for _ in range(CLIENTS)))
            accept_s = time.perf_counter() - t0
            me1 = resource.getrusage(resource.RUSAGE_SELF)
            cpu_server = (cpu_seconds(pids) - cpu0) / accept_s
            pg1 = [r["pid"] for r in await pool.fetch(pg_sql)]
            cpu_pg = sum(cpu_seconds([pid]) - pg0.get(pid, 0.0) for pid in pg1) / accept_s
            cpu_client = (me1.ru_utime + me1.ru_stime - me0.ru_utime - me0.ru_stime) / accept_s

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
        "| check | result |",
        "|---|---|",
    ]
    for name, count in found.items():
        out.append(f"| invariant `{name}` violations | {count} |")
    out.append(f"| trades by status in the DB | {dict(sorted(db_status.items()))} |")
    ok = (
        db_status.get("accepted", 0) == codes.get(200, 0)
        and db_status.get("failed", 0) == codes.get(409, 0)
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
    args = parser.parse_args()
    print(f"machine: {machine()}")
    print(
        f"command: .venv/bin/python bench/bench_trades.py{' --quick' if args.quick else ''}"
        f"{f' --workers {args.workers}' if args.workers != 1 else ''}"
        f"{f' --driver {args.driver}' if args.driver != 'raw' else ''}"
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

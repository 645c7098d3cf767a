"""Benchmark (issue 23.4): three backend hosts behind the project's nginx, at full size.

The CI-size proof is tests/test_three_hosts.py (30 sockets); this runs the same shape with
`--sockets` (default 30,000) and measures it.

- One PostgreSQL (a database `bench_hosts_<pid>` of its own), one Redis (`BENCH_REDIS_URL`,
  default db 15; keys under a fresh prefix, removed at the end), one moto S3 bucket. Three
  "hosts", each its own `python -m app serve` (as the image runs it) bound to its own loopback
  address (127.0.0.21, .22, .23): `--procs-per-host` single-process servers (default: ≤ 8,000
  sockets each) on ports port+10, port+11, ... of that address, with the host's own empty
  local directory and STORAGE=s3 on the one bucket.
  Not WEB_CONCURRENCY: uvicorn's worker supervisor kills a worker that does not answer its
  health-check ping within 5 s (`timeout_worker_healthcheck`), and on this saturated machine a
  worker busy accepting thousands of sockets missed it: the supervisor killed all six workers
  of a 30,000-socket run in its first minute, and each kill sent its ~5,000 clients into a
  reconnect storm. Separate processes are what a host with several workers looks like to
  nginx, without that supervisor.
- The project's nginx.conf (rewritten as tests/nginx_support does, plus: the three hosts in
  the upstream, `listen 127.0.0.20:<port> reuseport`, `--nginx-workers` worker processes
  (default: ≤ 6,000 sockets each) with 19,000 `worker_connections` each, and the per-address
  WebSocket cap raised, since all the load comes from a few addresses).
- Why several processes everywhere: this machine's hard limit is 20,000 descriptors per
  process (`ulimit -Hn`; raising it is refused), so no single process may hold 30,000
  sockets. Each backend process holds ≤ ~8,000; each nginx worker 2 per proxied socket (client
  + upstream), spread by `reuseport`; each load-generator process ≤ 15,000 (`--client-procs`),
  each from its own source address (127.0.0.31, .32, ...), so that no (source, destination)
  pair needs more than the 28,000 ephemeral ports of `ip_local_port_range`.
- Clients: a minimal RFC 6455 client per socket (anonymous: it sees every public event). When
  its socket closes it reconnects through nginx and sends `{"type": "resume", "after": <last
  id>}`, keeping only ids above the last one it has, as the web app's LiveClient does.
- Phase 1: once every socket is open, `--events` favourite changes (public
  `photo.favorites_changed` events) are written round robin through each host's own address,
  one every `--interval` s. Per delivery: latency = receive time - the event's `ts` (its
  transaction's start, same clock). Phase 2: host 2 is killed (SIGKILL, its process group);
  its clients reconnect through nginx to the other two and resume; `--events` more changes
  are written on the two survivors. Checked per socket: every public event id of both phases,
  each once, in order.
- Before the sockets: a photo uploaded on host 1 must be served (its thumbnail) by hosts 2
  and 3 — from the bucket, since their local directories are empty.

    .venv/bin/python bench/bench_hosts.py                     # 30,000 sockets, ~3-5 minutes
    .venv/bin/python bench/bench_hosts.py --sockets 3000      # < 1 minute
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import multiprocessing as mp
import os
import re
import secrets
import shutil
import signal
import socket
import sys
import tempfile
import time
from pathlib import Path

import asyncpg
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, busy_note, drop_db, fresh_db, machine, pct, raise_nofile
from bench_ws import WSClient

DB = f"bench_hosts_{os.getpid()}"  # two runs at once never share a database
EDGE_ADDRESS = "127.0.0.20"
HOSTS = ("127.0.0.21", "127.0.0.22", "127.0.0.23")
CLIENT_ADDRESSES = [f"127.0.0.{31 + i}" for i in range(20)]
# One Redis for the three hosts (a key prefix of the run's own, removed at the end); "" = none.
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
SOCKETS_PER_SERVER_PROCESS = 8000
SOCKETS_PER_CLIENT_PROCESS = 10000
NGINX_CONNECTIONS = 19000  # per worker, under the 20,000 descriptors a process may have
NGINX_SOCKETS_PER_WORKER = 6000  # each proxied socket holds 2 of a worker's connections


# --------------------------------------------------------------------------- client process


class LiveSocket(WSClient):
    """One anonymous socket through nginx (bench_ws.py's client): after a reconnect it sends
    `resume` with the last id its owner has (`after`) as soon as the server answered 101."""

    error_head = 120

    def __init__(self, opened: asyncio.Future, after: int | None) -> None:
        super().__init__(EDGE_ADDRESS, 0, opened)
        self.host_header = EDGE_ADDRESS
        self.after = after

    def on_upgraded(self) -> None:
        if self.after is not None:
            self.send_text(json.dumps({"type": "resume", "after": self.after}))


_ID = re.compile(rb'^\{"id":(\d+),')


class Follower:
    """A client that stays live: every frame it got over all its sockets, and its reconnects."""

    def __init__(self, source: str, port: int) -> None:
        self.source, self.port = source, port
        self.frames: list[tuple[float, bytes]] = []
        self.sock: LiveSocket | None = None
        self.reconnects = 0
        self.failures: list[str] = []

    def last_id(self) -> int | None:
        frames = self.frames + (self.sock.frames if self.sock else [])
        for _, payload in reversed(frames):
            m = _ID.match(payload)
            if m:
                return int(m.group(1))
        return None

    async def connect(self, after: int | None, attempts: int = 20) -> bool:
        loop = asyncio.get_running_loop()
        for attempt in range(attempts):
            fut = loop.create_future()
            try:
                _, proto = await loop.create_connection(
                    lambda fut=fut: LiveSocket(fut, after),
                    EDGE_ADDRESS,
                    self.port,
                    local_addr=(self.source, 0),
                )
                await asyncio.wait_for(fut, 30)
                self.sock = proto
                return True
            except (OSError, ConnectionError, TimeoutError) as exc:
                if attempt == attempts - 1:
                    self.failures.append(repr(exc)[:200])
                await asyncio.sleep(0.2 + 0.3 * attempt)
        return False

    async def keep_live(self, start: int) -> None:
        """Reconnect and resume whenever the socket closes."""
        while True:
            await asyncio.sleep(0.1)
            if self.sock is None or self.sock.closed:  # closed, or never opened
                if self.sock is not None:
                    self.frames += self.sock.frames
                    self.sock = None
                    self.reconnects += 1
                after = self.last_id()
                await asyncio.sleep(secrets.randbelow(1000) / 1000)  # spread the storm
                await self.connect(start if after is None else after)


def client_main(pipe, source: str, port: int, count: int, start: int) -> None:
    import uvloop

    raise_nofile()
    uvloop.run(_client(pipe, source, port, count, start))


async def _client(pipe, source: str, port: int, count: int, start: int) -> None:
    loop = asyncio.get_running_loop()
    followers = [Follower(source, port) for _ in range(count)]
    sem = asyncio.Semaphore(200)

    async def open_one(f: Follower) -> None:
        async with sem:
            await f.connect(None, attempts=3)

    t0 = time.monotonic()
    await asyncio.gather(*(open_one(f) for f in followers))
    live = sum(f.sock is not None and f.sock.upgraded and not f.sock.closed for f in followers)
    failures = [x for f in followers for x in f.failures]
    pipe.send(("ready", live, failures[:3], len(failures), time.monotonic() - t0))
    keepers = [asyncio.create_task(f.keep_live(start)) for f in followers]
    while True:
        msg = await loop.run_in_executor(None, pipe.recv)
        if msg[0] == "wait":  # every socket has this id, or the deadline passed
            _, last, deadline = msg
            while time.time() < deadline:
                if all((f.last_id() or 0) >= last for f in followers):
                    break
                await asyncio.sleep(0.25)
            done = sum((f.last_id() or 0) >= last for f in followers)
            pipe.send(("waited", done, sum(f.reconnects for f in followers)))
        elif msg[0] == "report":
            _, expected_1, expected_2 = msg
            for task in keepers:
                task.cancel()
            pipe.send(("report", report(followers, set(expected_1), expected_1 + expected_2)))
            break
    for f in followers:
        if f.sock is not None and f.sock.transport is not None:
            f.sock.transport.abort()


def report(followers: list[Follower], live_ids: set[int], expected: list[int]) -> dict:
    """Per socket: the event ids it got (in order), compared with `expected`; latency of the
    phase-1 events (`live_ids`) from their `ts`."""
    from datetime import datetime

    lat: list[float] = []
    complete = missing = extra = 0
    want = set(expected)
    for f in followers:
        frames = f.frames + (f.sock.frames if f.sock else [])
        ids: list[int] = []
        for t, payload in frames:
            m = json.loads(payload)
            if "id" not in m or m.get("type") in ("resumed", "ping", "error"):
                continue
            if ids and m["id"] <= ids[-1]:  # LiveClient drops what it already has
                continue
            ids.append(m["id"])
            if m["id"] in live_ids:
                lat.append(t - datetime.fromisoformat(m["ts"]).timestamp())
        got = [i for i in ids if i in want]
        complete += got == expected
        missing += len(want - set(got))
        extra += len(got) - len(set(got))
    return {
        "lat": lat,
        "complete": complete,
        "missing": missing,
        "dupes": extra,
        "reconnects": sum(f.reconnects for f in followers),
        "sockets": len(followers),
        "failures": [x for f in followers for x in f.failures][:3],
    }


# --------------------------------------------------------------------------- the cluster


def rss_mib(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def tree(pid: int) -> list[int]:
    """A process and all its descendants."""
    out = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return out
    for child in children:
        out += tree(int(child))
    return out


def nginx_conf(
    args: argparse.Namespace, runtime: Path, web_root: Path, servers: list[tuple[str, int]]
) -> str:
    from tests.nginx_support import render_nginx_conf

    conf = render_nginx_conf(
        listen_port=args.port, backend_port=servers[0][1], web_root=web_root,
        upload_dir=runtime / "empty", runtime_dir=runtime,
    )  # fmt: skip
    # As many as the descriptor limit allows: `reuseport` spreads new connections by a hash,
    # not evenly, and a worker out of connections closes others ("worker_connections are not
    # enough, reusing connections" in the first 30,000 run, with 16,000 each for 15,000 on
    # average: each closed socket reconnected, and the storm grew).
    per_worker = NGINX_CONNECTIONS
    # (what nginx.conf says, what this bench makes of it)
    for old, new in (
        (f"server 127.0.0.1:{servers[0][1]};", " ".join(f"server {h}:{p};" for h, p in servers)),
        (f"listen 127.0.0.1:{args.port};",
         f"listen {EDGE_ADDRESS}:{args.port} reuseport backlog=4096;"),
        ("worker_processes auto;",
         f"worker_processes {args.nginx_workers};\nworker_rlimit_nofile {per_worker + 100};"),
        ("worker_connections 4096;", f"worker_connections {per_worker};"),
        ("limit_conn ws_per_addr 64;", "limit_conn ws_per_addr 60000;"),
    ):  # fmt: skip
        if conf.count(old) != 1:
            raise RuntimeError(f"nginx.conf: expected {old!r} once")
        conf = conf.replace(old, new)
    return conf


async def sign_in(api: httpx.AsyncClient, n: int) -> dict:
    from tests.support import make_init_data

    init = make_init_data(user={"id": 700_000 + n, "first_name": f"host{n}"})
    r = await api.post("/api/auth/max", json={"init_data": init})
    r.raise_for_status()
    body = r.json()
    return {"id": body["user"]["id"], "h": {"Authorization": f"Bearer {body['access_token']}"}}


async def run(args: argparse.Namespace) -> list[str]:
    from tests.images import unique_png
    from tests.nginx_support import (
        find_nginx,
        nginx_argv,
        serve_argv,
        start_process,
        stop_process,
        wait_http_ok,
    )
    from tests.s3_support import moto_s3, new_bucket, s3_env
    from tests.test_realtime import server_env

    nginx_bin = find_nginx()
    if nginx_bin is None:
        raise SystemExit("nginx is not installed (apt-get install nginx-light)")
    out: list[str] = []
    dsn = await fresh_db(DB)
    tmp = Path(tempfile.mkdtemp(prefix="bench-hosts-"))
    runtime = tmp / "nginx"
    for sub in ("logs", "cache", "empty"):
        (runtime / sub).mkdir(parents=True)
    web_root = tmp / "dist"
    web_root.mkdir()
    (web_root / "index.html").write_text("<!doctype html><title>gallery</title>")
    prefix = f"bh{secrets.token_hex(4)}"
    # per host: its processes' ports (the same on every host: each has its own address)
    ports = [args.port + 10 + j for j in range(args.procs_per_host)]
    servers = [(h, p) for h in HOSTS for p in ports]
    backends: list = []  # per host: its processes
    nginx, clients = None, []
    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=2)
    try:
        async with moto_s3() as endpoint:
            bucket = await new_bucket(endpoint)
            for i, host in enumerate(HOSTS):
                local = tmp / f"host-{i}"
                local.mkdir()
                backends.append([])
                for port in ports:
                    env = {
                        "PATH": os.environ["PATH"], "PYTHONUNBUFFERED": "1",
                        **server_env(dsn, local, **s3_env(endpoint, bucket),
                                     REDIS_URL=REDIS_URL, REDIS_KEY_PREFIX=prefix,
                                     WEBAPP_DIST=str(web_root), WS_PING_INTERVAL="300",
                                     WS_MAX_PER_ADDRESS="1000000", WS_RESUME_GRACE="1",
                                     RATE_LIMIT_FAVORITE="10000/minute", DB_POOL_MAX="4"),
                        "HOST": host, "PORT": str(port), "PYTHONPATH": str(ROOT / "backend"),
                    }  # fmt: skip
                    backends[i].append(
                        start_process(f"host {host}:{port}", serve_argv(), env=env, cwd=ROOT,
                                      log_path=tmp / f"host-{i}-{port}.log")
                    )  # fmt: skip
            for (host, port), proc in zip(servers, [b for h in backends for b in h], strict=True):
                await wait_http_ok(f"http://{host}:{port}/health", proc, within=120)
            (runtime / "nginx.conf").write_text(nginx_conf(args, runtime, web_root, servers))
            nginx = start_process(
                "nginx", nginx_argv(nginx_bin, runtime / "nginx.conf", runtime),
                log_path=tmp / "nginx.out",
            )  # fmt: skip
            edge = f"http://{EDGE_ADDRESS}:{args.port}"
            await wait_http_ok(f"{edge}/health", nginx)
            apis = [httpx.AsyncClient(base_url=f"http://{h}:{ports[0]}", timeout=60)
                    for h in HOSTS]  # fmt: skip

            # An upload on host 1, served by hosts 2 and 3 (their own directories are empty).
            anna = await sign_in(apis[0], 1)
            boris = await sign_in(apis[0], 2)
            made = await apis[0].post(
                "/api/photos/upload", files={"file": ("p.png", unique_png(23), "image/png")},
                data={"title": "hosts"}, headers=anna["h"],
            )  # fmt: skip
            made.raise_for_status()
            photo = made.json()
            served = []
            for api in apis[1:]:
                r = await api.get(photo["thumb_url"])
                served.append(r.status_code == 200 and r.content[:4] == b"RIFF")
            out.append(
                f"upload on host 1 ({HOSTS[0]}), its thumbnail served by hosts 2 and 3: "
                f"{'yes' if all(served) else f'NO {served}'}"
            )

            # The sockets.
            all_backends = [b for h in backends for b in h]
            idle_rss = rss_mib([b.process.pid for b in all_backends])
            start = await pool.fetchval("SELECT coalesce(max(id), 0) FROM events")
            ctx = mp.get_context("spawn")
            per = math.ceil(args.sockets / args.client_procs)
            counts = [min(per, args.sockets - i * per) for i in range(args.client_procs)]
            t0 = time.monotonic()
            for i, count in enumerate(counts):
                parent, child = ctx.Pipe()
                p = ctx.Process(
                    target=client_main,
                    args=(child, CLIENT_ADDRESSES[i], args.port, count, start),
                    daemon=True,
                )
                p.start()
                clients.append((p, parent))
            ready = [await asyncio.to_thread(parent.recv) for _, parent in clients]
            open_s = time.monotonic() - t0
            live = sum(r[1] for r in ready)
            failures = sum(r[3] for r in ready)
            server_pids = [b.process.pid for b in all_backends]
            nginx_pids = tree(nginx.process.pid)
            client_pids = [p.pid for p, _ in clients]
            per_host = []
            for host_procs in backends:
                per_host.append([_sockets_of(b.process.pid) for b in host_procs])
            mem = (rss_mib(server_pids), rss_mib(nginx_pids), rss_mib(client_pids))
            out += [
                f"sockets open through nginx: **{live:,} of {args.sockets:,}** in {open_s:.0f} s "
                f"({failures} failed to open: {[r[2] for r in ready if r[2]][:2]}); "
                f"sockets per process, per host: {per_host}",
                f"memory (RSS) with every socket open: backend processes {mem[0]:,.0f} MiB "
                f"({len(server_pids)} processes; "
                f"{(mem[0] - idle_rss) * 1024 / max(live, 1):.0f} KiB per socket over the "
                f"{idle_rss:,.0f} MiB they used before), "
                f"nginx {mem[1]:,.0f} MiB ({len(nginx_pids)} processes), "
                f"load generators {mem[2]:,.0f} MiB ({len(client_pids)} processes)",
                f"busy after opening: {busy_note()}",
            ]
            await asyncio.sleep(2)  # past WS_RESUME_GRACE (1 s): live events go out at once

            async def write(host: int, n: int) -> None:
                method = apis[host].put if n % 2 == 0 else apis[host].delete
                r = await method(f"/api/photos/{photo['id']}/favorite", headers=boris["h"])
                r.raise_for_status()

            n = 0
            for k in range(args.events):  # phase 1: every host writes
                await write(k % 3, n)
                n += 1
                await asyncio.sleep(args.interval)
            last1 = await pool.fetchval("SELECT max(id) FROM events")
            waited = await _wait_all(clients, last1, time.time() + args.drain)

            # Phase 2: host 2 dies; its clients come back through nginx to hosts 1 and 3.
            killed = [b.process.pid for b in backends[1]]
            for b in backends[1]:
                os.killpg(b.process.pid, signal.SIGKILL)
            for b in backends[1]:
                b.process.wait(timeout=10)
            t_kill = time.monotonic()
            for k in range(args.events):
                await write((0, 2)[k % 2], n)
                n += 1
                await asyncio.sleep(args.interval)
            last2 = await pool.fetchval("SELECT max(id) FROM events")
            waited2 = await _wait_all(clients, last2, time.time() + args.drain)
            back_s = time.monotonic() - t_kill
            rows = await pool.fetch(
                "SELECT id FROM events WHERE id > $1 AND id <= $2 AND audience IS NULL ORDER BY id",
                start,
                last2,
            )
            expected = [r["id"] for r in rows]
            exp1 = [i for i in expected if i <= last1]
            exp2 = [i for i in expected if i > last1]
            for _, parent in clients:
                parent.send(("report", exp1, exp2))
            reports = [await asyncio.to_thread(parent.recv) for _, parent in clients]
            reps = [r[1] for r in reports]
            lat = [x * 1000 for r in reps for x in r["lat"]]
            sockets = sum(r["sockets"] for r in reps)
            complete = sum(r["complete"] for r in reps)
            out += [
                "",
                "| phase | events | sockets with all of them | p50 / p99 / max ms | reconnects |",
                "| --- | --- | --- | --- | --- |",
                f"| 1: {args.events} writes round robin on hosts 1-3, one per {args.interval} s "
                f"| {len(exp1)} | {waited[0]:,} of {sockets:,} "
                f"| {pct(lat, 0.5):.0f} / {pct(lat, 0.99):.0f} / {max(lat, default=0):.0f} "
                f"| {waited[1]} |",
                f"| 2: host 2 killed ({len(killed)} processes), {args.events} writes on hosts 1 "
                f"and 3 | {len(exp2)} | {waited2[0]:,} of {sockets:,} (all back {back_s:.0f} s "
                f"after the kill) | — (replayed by resume) | {waited2[1]:,} |",
                "",
                f"every socket, both phases: **{complete:,} of {sockets:,}** have every public "
                f"event id ({len(expected)}), each once and in order; ids missing "
                f"{sum(r['missing'] for r in reps)}, twice {sum(r['dupes'] for r in reps)}; "
                f"delivery of phase 1 {100 * len(lat) / max(sockets * len(exp1), 1):.2f} % "
                f"live",
            ]
            args.result = {  # for run_all.py
                "p99": pct(lat, 0.99),
                "delivery": 100 * len(lat) / max(sockets * len(exp1), 1),
                "complete": 100 * complete / max(sockets, 1),
                "open": live,
            }
            for a in apis:
                await a.aclose()
    finally:
        for p, _ in clients:
            p.terminate()
        for p, _ in clients:
            p.join(10)
        if nginx is not None:
            stop_process(nginx)
        for proc in [b for h in backends for b in h]:
            stop_process(proc)
        await pool.close()
        await _drop_redis_keys(prefix)
        if not args.keep:
            await drop_db(DB)
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            out.append(f"logs kept in {tmp}")
    return out


def _sockets_of(pid: int) -> int:
    try:
        return sum(1 for fd in os.listdir(f"/proc/{pid}/fd")
                   if os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:"))  # fmt: skip
    except OSError:
        return 0


async def _wait_all(clients: list, last: int, deadline: float) -> tuple[int, int]:
    for _, parent in clients:
        parent.send(("wait", last, deadline))
    got = [await asyncio.to_thread(parent.recv) for _, parent in clients]
    return sum(g[1] for g in got), sum(g[2] for g in got)


async def _drop_redis_keys(prefix: str) -> None:
    if not REDIS_URL:
        return
    try:
        import redis.asyncio as redis
    except ImportError:
        return
    r = redis.from_url(REDIS_URL)
    try:
        keys = [k async for k in r.scan_iter(f"{prefix}*")]
        if keys:
            await r.delete(*keys)
    finally:
        await r.aclose()


def hosts_args(sockets: int, **given: object) -> argparse.Namespace:
    """The options of one run (the command line's, or run_all.py's), defaults filled in."""
    args = argparse.Namespace(sockets=sockets, procs_per_host=0, client_procs=0,
                              nginx_workers=0, events=9, interval=1.0, drain=120.0, port=9500,
                              keep=False)  # fmt: skip
    for key, value in given.items():
        setattr(args, key, value)
    per_host = math.ceil(args.sockets / len(HOSTS))
    args.procs_per_host = args.procs_per_host or math.ceil(per_host / SOCKETS_PER_SERVER_PROCESS)
    args.client_procs = args.client_procs or math.ceil(args.sockets / SOCKETS_PER_CLIENT_PROCESS)
    args.nginx_workers = args.nginx_workers or max(
        2, math.ceil(args.sockets / NGINX_SOCKETS_PER_WORKER)
    )
    raise_nofile()
    return args


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sockets", type=int, default=30000)
    parser.add_argument("--procs-per-host", type=int, default=0, help="0: ≤ 8,000 sockets each")
    parser.add_argument("--client-procs", type=int, default=0, help="0: ≤ 10,000 sockets each")
    parser.add_argument("--nginx-workers", type=int, default=0, help="0: ≤ 6,000 sockets each")
    parser.add_argument("--events", type=int, default=9, help="writes per phase")
    parser.add_argument("--interval", type=float, default=1.0)
    parser.add_argument("--drain", type=float, default=120.0, help="max wait per phase, s")
    parser.add_argument("--port", type=int, default=9500, help="nginx; the hosts use port+10")
    parser.add_argument("--keep", action="store_true", help="keep the database and logs")
    args = hosts_args(**vars(parser.parse_args()))
    print(f"machine: {machine()}")
    print(
        f"command: .venv/bin/python bench/bench_hosts.py --sockets {args.sockets} "
        f"(hosts: 3 x {args.procs_per_host} processes; nginx: {args.nginx_workers} workers; "
        f"load generators: {args.client_procs} processes)"
    )
    print(f"fd limit per process: {os.sysconf('SC_OPEN_MAX')} (hard: see ulimit -Hn)")
    print(f"busy at start: {busy_note()}\n")
    t0 = time.monotonic()
    print("\n".join(asyncio.run(run(args))))
    print(f"\nbusy at end: {busy_note()}; total {time.monotonic() - t0:.0f} s")
    _ = socket


if __name__ == "__main__":
    main()

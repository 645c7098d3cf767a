"""Three backend "hosts" behind the project's nginx, sharing one PostgreSQL, one Redis and one
bucket (issue 23.4; the full-size run is bench/bench_hosts.py).

Each host is its own backend process on its own loopback address (127.0.0.2, .3, .4) with its
own empty local directory and STORAGE=s3 on one moto bucket; nginx.conf's upstream lists the
three. Sockets connect through nginx (round robin). Proven: an event written on any host
reaches every socket, a photo uploaded on one host is served by the others, and when one host
is killed (SIGKILL) its sockets reconnect through nginx to the others and `resume` with nothing
lost and nothing twice.
"""

import asyncio
import contextlib
import os
import secrets
import signal
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx
import pytest
import websockets

from tests.images import unique_png
from tests.nginx_support import (
    Proc,
    find_nginx,
    free_port,
    nginx_argv,
    render_nginx_conf,
    serve_argv,
    serve_env,
    start_process,
    stop_process,
    wait_http_ok,
)
from tests.s3_support import moto_s3, new_bucket, s3_env
from tests.server_support import REPO_ROOT
from tests.support import bearer, sign_in
from tests.test_realtime import Socket, latest_event_id, marker, server_env

pytestmark = pytest.mark.slow

HOSTS = ("127.0.0.2", "127.0.0.3", "127.0.0.4")
SOCKETS = 30  # 10 per host through nginx's round robin
NGINX = find_nginx()


@dataclass
class Cluster:
    edge: str  # http://127.0.0.1:<nginx port>
    hosts: list[str]  # each host's own base URL
    backends: list[Proc]


def host_env(host: str, port: int) -> dict[str, str]:
    """`python -m app serve` (serve_argv) as every launcher starts it, bound to this host's address."""
    return {**serve_env(port), "HOST": host}


@pytest.fixture
async def cluster(database_url: str, tmp_path: Path) -> AsyncIterator[Cluster]:
    if NGINX is None:  # as the other edge tests; .ci/run installs it, so CI never skips this
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    runtime = tmp_path / "nginx"
    for sub in ("logs", "cache"):
        (runtime / sub).mkdir(parents=True)
    web_root = tmp_path / "dist"
    web_root.mkdir()
    (web_root / "index.html").write_text("<!doctype html><title>gallery</title>")
    for path in (tmp_path, runtime, web_root):
        path.chmod(0o755)
    redis = {
        "REDIS_URL": os.environ.get("REDIS_URL", ""),
        "REDIS_KEY_PREFIX": f"t3h{secrets.token_hex(4)}",
    }
    async with moto_s3() as endpoint:
        bucket = await new_bucket(endpoint)
        ports = [free_port() for _ in HOSTS]
        backends: list[Proc] = []
        nginx: Proc | None = None
        try:
            for i, (host, port) in enumerate(zip(HOSTS, ports, strict=True)):
                local = tmp_path / f"host-{i}"
                local.mkdir()
                env = {
                    "PATH": os.environ["PATH"], "PYTHONUNBUFFERED": "1",
                    **server_env(database_url, local, **s3_env(endpoint, bucket), **redis,
                                 WS_RESUME_GRACE="0.3", WEBAPP_DIST=str(web_root)),
                    **host_env(host, port),
                }  # fmt: skip
                backends.append(
                    start_process(f"host {host}", serve_argv(),
                                  log_path=tmp_path / f"host-{i}.log", env=env, cwd=REPO_ROOT)
                )  # fmt: skip
            for proc, host, port in zip(backends, HOSTS, ports, strict=True):
                await wait_http_ok(f"http://{host}:{port}/health", proc)
            edge_port = free_port()
            conf = render_nginx_conf(
                listen_port=edge_port, backend_port=ports[0], web_root=web_root,
                upload_dir=tmp_path / "host-0", runtime_dir=runtime,
            )  # fmt: skip
            one = f"server 127.0.0.1:{ports[0]};"
            assert conf.count(one) == 1
            conf = conf.replace(
                one, " ".join(f"server {h}:{p};" for h, p in zip(HOSTS, ports, strict=True))
            )
            (runtime / "nginx.conf").write_text(conf)
            nginx = start_process("nginx", nginx_argv(NGINX, runtime / "nginx.conf", runtime),
                                  log_path=tmp_path / "nginx.out")  # fmt: skip
            await wait_http_ok(f"http://127.0.0.1:{edge_port}/health", nginx)
            yield Cluster(
                edge=f"http://127.0.0.1:{edge_port}",
                hosts=[f"http://{h}:{p}" for h, p in zip(HOSTS, ports, strict=True)],
                backends=backends,
            )
        finally:
            if nginx is not None:
                stop_process(nginx)
            for proc in backends:
                stop_process(proc)


class Follower:
    """A client that stays live: when its socket closes it reconnects through nginx and resumes
    from the last id it has, as the web app's LiveClient does."""

    def __init__(self, edge: str) -> None:
        self.edge = edge
        self.ids: list[int] = []
        self.reconnects = 0
        self.socket: Socket | None = None

    async def start(self, after: int) -> None:
        self.socket = await Socket.open(self.edge, after=after)

    async def until(self, last_id: int) -> list[int]:
        """Every event id up to `last_id`, reconnecting whenever the socket dies."""
        while not self.ids or self.ids[-1] < last_id:
            assert self.socket is not None
            try:
                event = await self.socket.next_event(timeout=20)
                if not self.ids or event["id"] > self.ids[-1]:  # LiveClient drops older ids
                    self.ids.append(event["id"])
            except ConnectionError:
                self.reconnects += 1
                after = self.ids[-1] if self.ids else 0
                self.socket = await Socket.open(self.edge, after=after)
        return self.ids

    async def close(self) -> None:
        if self.socket is not None:
            with contextlib.suppress(websockets.ConnectionClosed):
                await self.socket.conn.close()


async def upload(api: httpx.AsyncClient, who: dict, seed: int) -> dict:
    files = {"file": ("p.png", unique_png(seed), "image/png")}
    made = await api.post(
        "/api/photos/upload", files=files, data={"title": f"h{seed}"}, headers=bearer(who)
    )
    assert made.status_code == 201, made.text
    return made.json()


async def test_three_hosts_behave_as_one_and_survive_losing_one(
    cluster: Cluster, pool: asyncpg.Pool
) -> None:
    start = await latest_event_id(pool)
    followers = [Follower(cluster.edge) for _ in range(SOCKETS)]
    for follower in followers:
        await follower.start(start)
    clients = [httpx.AsyncClient(base_url=base, timeout=30) for base in cluster.hosts]
    try:
        anna = await sign_in(clients[0], 4001, "Anna")
        # A write on every host reaches every socket, whichever host holds it.
        made = [await upload(api, anna, 300 + i) for i, api in enumerate(clients)]
        first_marker = await marker(pool, 1)
        expected = await pool.fetch(
            "SELECT id FROM events WHERE id > $1 AND id <= $2 ORDER BY id", start, first_marker
        )
        for follower in followers:
            assert await follower.until(first_marker) == [r["id"] for r in expected]

        # What one host stored, the others serve (from the bucket, not a disk).
        for api in clients[1:]:
            thumb = await api.get(made[0]["thumb_url"])
            assert thumb.status_code == 200 and thumb.content[:4] == b"RIFF"

        # One host dies without a goodbye; its sockets come back through nginx to the others.
        os.killpg(cluster.backends[1].process.pid, signal.SIGKILL)
        cluster.backends[1].process.wait(timeout=10)
        during = [await upload(clients[i], anna, 400 + i) for i in (0, 2)]
        last = await marker(pool, 2)
        expected = await pool.fetch(
            "SELECT id FROM events WHERE id > $1 AND id <= $2 ORDER BY id", start, last
        )
        for follower in followers:
            # Every event exactly once, in id order, across the reconnect.
            assert await follower.until(last) == [r["id"] for r in expected]
        moved = sum(1 for f in followers if f.reconnects)
        assert moved >= SOCKETS // len(HOSTS) - 1, f"only {moved} sockets lost their host"
        # The gallery through nginx still answers, and lists what the survivors uploaded.
        async with httpx.AsyncClient(base_url=cluster.edge, timeout=30) as edge:
            listing = await edge.get("/api/photos", params={"limit": 10})
            assert listing.status_code == 200
            assert {p["id"] for p in during} <= {p["id"] for p in listing.json()["items"]}
    finally:
        for api in clients:
            await api.aclose()
        await asyncio.gather(*(f.close() for f in followers))

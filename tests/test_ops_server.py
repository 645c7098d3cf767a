"""A production-like server (`python -m app serve` as the image runs it: 2 workers,
PROMETHEUS_MULTIPROC_DIR, JSON logs, no uvicorn access log): /metrics adds up across workers, and the
log is one JSON line per request with a request id and never a token."""

import asyncio
import contextlib
import itertools
import json
import os
import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import websockets
from prometheus_client.parser import text_string_to_metric_families

from tests.server_support import running_server
from tests.support import MAX_BOT_TOKEN, make_init_data

pytestmark = pytest.mark.slow


class Server:
    def __init__(self, base_url: str, log: Path, metrics_dir: Path) -> None:
        self.base_url, self.log, self.metrics_dir = base_url, log, metrics_dir

    def lines(self) -> list[dict]:
        return [json.loads(line) for line in self.log.read_text().splitlines() if line.strip()]

    async def wait_for_line(self, **fields: object) -> dict:
        """The request line with these fields (the server writes it as the response finishes)."""
        for _ in range(200):
            for line in self.lines():
                if all(line.get(k) == v for k, v in fields.items()):
                    return line
            await asyncio.sleep(0.05)
        raise AssertionError(f"no log line with {fields}")


@pytest.fixture(scope="module")
async def server(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Server]:
    root = tmp_path_factory.mktemp("ops-server")
    (root / "uploads").mkdir()
    (root / "metrics").mkdir()
    env = {
        "APP_ENV": "test",
        "DATABASE_URL": database_url,
        "JWT_SECRET": "ops-secret-" + "o" * 32,
        "MAX_BOT_TOKEN": MAX_BOT_TOKEN,
        "UPLOAD_DIR": str(root / "uploads"),
        "BCRYPT_ROUNDS": "4",
        "REDIS_URL": "",
        "PROMETHEUS_MULTIPROC_DIR": str(root / "metrics"),
        "WEB_CONCURRENCY": "2",
    }
    log = root / "server.log"
    # Two workers each import the app: on a loaded 2-core machine that can take longer than 30 s.
    async with running_server(env, log_to=log, within=90.0) as base_url:
        yield Server(base_url, log, root / "metrics")


def _counter(text: str, route: str, status: str) -> float:
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "gallery_http_requests_total" and sample.labels == {
                "method": "GET",
                "route": route,
                "status": status,
            }:
                return sample.value
    return 0.0


async def test_counters_add_up_across_workers_and_never_go_back(server: Server) -> None:
    """Each request and scrape on a new connection, so both workers answer both kinds."""
    batches, per_batch = 6, 10
    seen: list[float] = []
    scrape_pids: set[int] = set()

    async def one(path: str) -> httpx.Response:
        async with httpx.AsyncClient(base_url=server.base_url, timeout=10) as http:
            return await http.get(path)

    # The start-up readiness probe already asked /health: count from what a scrape shows now.
    base = _counter((await one("/metrics")).text, "/health", "200")
    assert base >= 1
    for batch in range(batches):
        answers = await asyncio.gather(*(one("/health") for _ in range(per_batch)))
        assert {a.status_code for a in answers} == {200}
        done = base + (batch + 1) * per_batch
        # Scrape until this batch is counted (a worker counts a request as it finishes), and a
        # few times more: every scrape, whichever worker answers, sees the sum of all workers.
        extra = 0
        for _ in range(100):
            response = await one("/metrics")
            assert response.status_code == 200
            seen.append(_counter(response.text, "/health", "200"))
            assert seen[-1] <= done, seen
            if seen[-1] == done:
                extra += 1
                if extra == 3:
                    break
        assert seen[-1] == done, seen
    assert all(a <= b for a, b in itertools.pairwise(seen)), seen
    assert seen[-1] == base + batches * per_batch
    # Both workers kept their counts in the shared directory (one file set per process).
    pids = {
        m.group(1)
        for m in (re.search(r"_(\d+)\.db$", p.name) for p in server.metrics_dir.iterdir())
        if m
    }
    assert len(pids) >= 2, sorted(os.listdir(server.metrics_dir))
    served = {line["pid"] for line in server.lines() if line.get("route") == "/health"}
    scrape_pids = {line["pid"] for line in server.lines() if line.get("route") == "/metrics"}
    assert len(served | scrape_pids) == 2, (served, scrape_pids)


async def test_one_json_line_per_request_with_request_id_and_no_token(server: Server) -> None:
    async with httpx.AsyncClient(base_url=server.base_url, timeout=10) as http:
        # nginx's $request_id arrives as X-Request-ID and comes back in the response.
        given = "5f1c0a3e9b7d4e21a0c3d5e7f9b1a2c4"
        response = await http.get("/health", headers={"X-Request-ID": given})
        assert response.headers["X-Request-ID"] == given
        line = await server.wait_for_line(request_id=given)
        assert (line["route"], line["status"], line["method"]) == ("/health", 200, "GET")
        assert isinstance(line["duration_ms"], float) and line["user_id"] is None

        # Without one (or with a malformed one) the server makes one up.
        fresh = await http.get("/health", headers={"X-Request-ID": 'bad id"{}'})
        made = fresh.headers["X-Request-ID"]
        assert re.fullmatch(r"[0-9a-f]{32}", made)
        await server.wait_for_line(request_id=made)

        # A signed-in request: the line names the user, never the token.
        init_data = make_init_data(user={"id": 4242, "first_name": "Logan"})
        tokens = (await http.post("/api/auth/max", json={"init_data": init_data})).json()
        access, refresh = tokens["access_token"], tokens["refresh_token"]
        me = await http.get("/api/me", headers={"Authorization": f"Bearer {access}"})
        assert me.status_code == 200
        line = await server.wait_for_line(request_id=me.headers["X-Request-ID"])
        assert (line["route"], line["user_id"]) == ("/api/me", me.json()["id"])
        refreshed = await http.post("/api/auth/refresh", json={"refresh_token": refresh})
        await server.wait_for_line(request_id=refreshed.headers["X-Request-ID"])
        # Secrets in a URL (an old client's WebSocket query, a claim code in a path).
        ws_url = server.base_url.replace("http", "ws") + f"/api/ws?token={access}"
        # The server refuses a token in the URL (close 4400) and may do so before the first
        # send: either way the request was made, and its log line must not hold the token.
        with contextlib.suppress(websockets.ConnectionClosed):
            async with websockets.connect(ws_url) as socket:
                await socket.send(json.dumps({"type": "auth", "token": access}))
                await asyncio.wait_for(socket.recv(), 10)
        claimed = await http.get(f"/api/transfers/claim/{refresh}?code={refresh}")
        await server.wait_for_line(request_id=claimed.headers["X-Request-ID"])

    text = server.log.read_text()
    lines = [json.loads(raw) for raw in text.splitlines() if raw.strip()]  # every line is JSON
    assert sum(1 for line in lines if line.get("message") == "request") >= 6
    for secret in (access, refresh, init_data, MAX_BOT_TOKEN, access.split(".")[2]):
        assert secret not in text

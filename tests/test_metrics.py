"""GET /metrics: Prometheus text, HTTP counts and latencies by route template, multiprocess."""

import logging
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app.server.metrics import route_label
from app.server.request_log import RequestLogMiddleware

PHOTO_ROUTE = "/api/photos/{photo_id}"


def samples(text: str) -> dict[tuple[str, frozenset], float]:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def count(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_metrics_count_and_time_requests_by_route_template(
    client: httpx.AsyncClient,
) -> None:
    first = await client.get("/api/photos/424242")
    status = str(first.status_code)
    labels = {"method": "GET", "route": PHOTO_ROUTE, "status": status}
    before = count("gallery_http_requests_total", **labels)
    before_timed = count(
        "gallery_http_request_duration_seconds_count", method="GET", route=PHOTO_ROUTE
    )
    for photo_id in (1, 2, 999999):
        assert (await client.get(f"/api/photos/{photo_id}")).status_code == first.status_code
    assert (await client.get("/health")).status_code == 200

    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    found = samples(response.text)
    key = frozenset(labels.items())
    assert found[("gallery_http_requests_total", key)] == before + 3
    timed = frozenset({"method": "GET", "route": PHOTO_ROUTE}.items())
    assert found[("gallery_http_request_duration_seconds_count", timed)] == before_timed + 3
    bucket = frozenset({"method": "GET", "route": PHOTO_ROUTE, "le": "+Inf"}.items())
    assert found[("gallery_http_request_duration_seconds_bucket", bucket)] == before_timed + 3
    health = frozenset({"method": "GET", "route": "/health", "status": "200"}.items())
    assert found[("gallery_http_requests_total", health)] >= 1
    # Concrete paths never become labels (they would make a series per photo).
    assert "/api/photos/424242" not in response.text
    # The other families are exported (zero until the hub and limits count something).
    for name in (
        "gallery_websocket_connections",
        "gallery_events_published_total",
        "gallery_events_delivered_total",
        "gallery_ws_slow_clients_dropped_total",
        "gallery_rate_limit_fallbacks_total",
    ):
        assert any(sample[0] == name for sample in found), name
    # An operations endpoint, not part of the public API's schema.
    assert "/metrics" not in (await client.get("/api/openapi.json")).json()["paths"]


async def test_one_timing_feeds_the_log_line_and_the_metrics(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A request that fails before answering: one middleware times it, logs it and counts it,
    both as 500 and with the same duration (issue 24: there were two timers)."""

    async def fails(request: Request) -> Response:
        raise RuntimeError("boom")

    app = RequestLogMiddleware(Starlette(routes=[Route("/fails", fails)]))
    labels = {"method": "GET", "route": "/fails"}
    before = count("gallery_http_request_duration_seconds_sum", **labels)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    with caplog.at_level(logging.INFO, logger="app.request"):
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            assert (await client.get("/fails")).status_code == 500
    [line] = [r for r in caplog.records if r.getMessage() == "request"]
    assert (line.status, line.route) == (500, "/fails")  # type: ignore[attr-defined]
    assert count("gallery_http_requests_total", **labels, status="500") == 1
    timed = count("gallery_http_request_duration_seconds_sum", **labels) - before
    assert round(timed * 1000, 2) == line.duration_ms  # type: ignore[attr-defined]


def test_requests_no_route_matched_are_labelled_other() -> None:
    assert route_label({"type": "http", "path": "/nowhere"}) == "other"


_WORKER = """
import sys
from app.server import metrics
metrics.HTTP_REQUESTS.labels("GET", "/health", "200").inc(int(sys.argv[1]))
metrics.WS_CONNECTIONS.inc(int(sys.argv[1]))
if sys.argv[2] == "exit":
    metrics.shutdown()  # a worker that stopped: its live gauge no longer counts
"""
_SCRAPE = """
from app.server.metrics import serve_metrics
print(serve_metrics().body.decode())
"""


def test_multiprocess_mode_adds_up_every_worker(tmp_path: Path) -> None:
    backend = str(Path(__file__).resolve().parents[1] / "backend")
    env = {"PROMETHEUS_MULTIPROC_DIR": str(tmp_path), "PYTHONPATH": backend}

    def start(code: str, *args: str) -> subprocess.Popen:
        argv = [sys.executable, "-c", code, *args]
        return subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, text=True)

    def finish(proc: subprocess.Popen) -> str:
        out, _ = proc.communicate(timeout=60)
        assert proc.returncode == 0
        return out

    # Three workers at once, each with its own pid and files; then any process scrapes.
    for worker in [
        start(_WORKER, "2", "stay"),
        start(_WORKER, "3", "stay"),
        start(_WORKER, "5", "exit"),
    ]:
        finish(worker)
    found = samples(finish(start(_SCRAPE)))
    health = frozenset({"method": "GET", "route": "/health", "status": "200"}.items())
    assert found[("gallery_http_requests_total", health)] == 10
    assert found[("gallery_websocket_connections", frozenset())] == 5

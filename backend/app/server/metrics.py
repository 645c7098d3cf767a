"""Prometheus metrics: ``GET /metrics`` in the text exposition format, summed over every
worker when PROMETHEUS_MULTIPROC_DIR is set. What is measured and how workers add up:
docs/internals.md, "Metrics".
"""

import os

from fastapi import APIRouter
from fastapi.responses import Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from starlette.routing import Mount
from starlette.types import Scope


def _ensure_multiproc_dir() -> None:
    """prometheus-client opens its per-process files in PROMETHEUS_MULTIPROC_DIR as the metrics
    below are made: a missing directory killed every worker at import, in a restart loop. Create
    it (`python -m app serve` also empties it before the workers start), or say what is wrong."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not folder:
        return
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as exc:
        raise RuntimeError(
            f"PROMETHEUS_MULTIPROC_DIR={folder} does not exist and cannot be created "
            f"({exc.strerror}): point it at a directory this user may write, or unset it"
        ) from exc


_ensure_multiproc_dir()
HTTP_REQUESTS = Counter(
    "gallery_http_requests_total",
    "HTTP requests by method, route template and status",
    ["method", "route", "status"],
)
HTTP_LATENCY = Histogram(
    "gallery_http_request_duration_seconds",
    "HTTP request latency by method and route template",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
WS_CONNECTIONS = Gauge(
    "gallery_websocket_connections",
    "Open WebSocket connections",
    multiprocess_mode="livesum",
)
EVENTS_PUBLISHED = Counter("gallery_events_published_total", "Events published for fan-out")
EVENTS_DELIVERED = Counter(
    "gallery_events_delivered_total", "Event frames queued to WebSocket clients"
)
WS_SLOW_CLIENTS_DROPPED = Counter(
    "gallery_ws_slow_clients_dropped_total", "WebSocket clients closed for a full send queue"
)
WS_FRAMES_QUEUED = Counter(
    "gallery_ws_frames_queued_total",
    "WebSocket frames that waited in a socket's send queue (its transport was behind); "
    "the rest were written to the transport at once",
)
RATE_LIMITED = Counter(
    "gallery_rate_limited_total",
    "Requests and WebSocket messages refused by a rate limit",
    ["limit"],
)
RATE_LIMIT_FALLBACKS = Counter(
    "gallery_rate_limit_fallbacks_total",
    "Rate-limit checks done per process because Redis failed",
)

_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED = "other"


def _multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


def route_label(scope: Scope) -> str:
    """The template of the route that handled the request (set by the router), or "other"."""
    route = scope.get("route")
    if route is None:
        return UNMATCHED
    path = getattr(route, "path_format", None) or getattr(route, "path", None)
    if not isinstance(path, str):
        return UNMATCHED
    if isinstance(route, Mount):
        return path.rstrip("/") + "/{path}"
    return path


def record_request(method: str, route: str, status: int, seconds: float) -> None:
    """One finished HTTP request (timed once, by server/request_log.py, which also logs it)."""
    method = method if method in _METHODS else UNMATCHED
    HTTP_REQUESTS.labels(method, route, str(status)).inc()
    HTTP_LATENCY.labels(method, route).observe(seconds)


router = APIRouter(tags=["operations"])


@router.get("/metrics", include_in_schema=False)
def serve_metrics() -> Response:
    # Sync on purpose: in multiprocess mode the collector reads files; FastAPI runs it in a thread.
    if _multiprocess_dir():
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry = REGISTRY
    return Response(
        generate_latest(registry),
        media_type=CONTENT_TYPE_LATEST,
        headers={"Cache-Control": "no-store"},
    )


def shutdown() -> None:
    """End of a worker's lifespan: drop its live-gauge files (multiprocess mode only)."""
    if _multiprocess_dir():
        multiprocess.mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]

"""Prometheus metrics (SPEC §3 Operations): ``GET /metrics`` in the text exposition format.

What is measured
- ``gallery_http_requests_total{method,route,status}`` and the histogram
  ``gallery_http_request_duration_seconds{method,route}``, by route *template*
  (``/api/photos/{photo_id}``), never the concrete path; a request no route matched is
  ``route="other"``. Timed by the one request middleware (server/request_log.py, outermost), from
  the first byte in until the response is sent or the app fails (500; 499 when the client went
  away before an answer).
- ``gallery_websocket_connections`` (gauge), ``gallery_events_published_total``,
  ``gallery_events_delivered_total``, ``gallery_ws_slow_clients_dropped_total``,
  ``gallery_ws_frames_queued_total``: incremented by the realtime hub
  (``metrics.WS_CONNECTIONS.inc()`` / ``.dec()``, ``EVENTS_PUBLISHED.inc()``,
  ``EVENTS_DELIVERED.inc(n)``, ``WS_SLOW_CLIENTS_DROPPED.inc()``, ``WS_FRAMES_QUEUED.inc()``:
  frames of sockets that were behind, the others go straight to the transport).
- ``gallery_rate_limited_total{limit}``: refusals (429s, and refused WebSocket messages as
  ``limit="ws_messages"``); ``gallery_rate_limit_fallbacks_total``: limit checks that ran on the
  process-local bucket because Redis failed (api/rate_limits.py).

Several worker processes (``uvicorn --workers N``)
Each process counts on its own, and a scrape reaches one of them. Set
``PROMETHEUS_MULTIPROC_DIR`` to an empty directory writable by every worker *before* they start
(and empty it at every (re)start of the service: files left by an earlier run would be added in).
prometheus-client then keeps every value in per-process files there, and ``/metrics`` — whichever
worker answers — aggregates them (``MultiProcessCollector``): counters and histograms summed over
all processes that ever ran, the WebSocket gauge summed over live ones (``livesum``; a worker
removes its gauge files in ``shutdown()``, called at the end of the app's lifespan). Without the
variable the process's default registry is served.

Who may scrape: nginx.conf allows ``/metrics`` from private networks only; the app itself does
not check.
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

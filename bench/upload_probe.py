"""The real app with timers around each stage of an upload, for bench/bench_upload.py only.

uvicorn loads `upload_probe:app` (bench/ on PYTHONPATH). Each stage function of
services/uploads.py is wrapped where the upload looks it up (module attributes, read at call
time), so the code path is the production one; the wrappers add a few µs. One JSON line per
upload goes to the file named by UPLOAD_PROBE_LOG:

- ``asgi_ms``: the whole request inside the app (first ASGI call to the last byte sent);
- ``parse_ms``: from there to the service being called (body receive, multipart parse into the
  spooled temp file, auth and rate-limit dependencies);
- ``measure_ms`` / ``process_ms`` / ``store_ms``: time inside the image-pool thread (since
  issue 15 the file writes overlap the image work and ``store_ms`` is the wait left after it;
  a service with one ``_ingest`` job would have its hash counted as ``measure_ms``);
- ``dedup_ms`` / ``mint_ms``: the duplicate check and the mint transaction (awaited);
- ``service_ms``: the whole service call; what it has beyond its stages is thread hops and loop.
"""

from __future__ import annotations

import functools
import json
import os
import time
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.types import Receive, Scope, Send

from app.main import app as real_app
from app.media import imaging
from app.repositories import photos
from app.services import uploads

_LOG = os.environ.get("UPLOAD_PROBE_LOG", "/dev/null")
_current: dict[str, float] = {}  # one upload at a time (the bench is sequential)


def _timed_sync(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            _current[name] = _current.get(name, 0.0) + (time.perf_counter() - started) * 1000

    return wrapper


def _timed_async(name: str, fn: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    @functools.wraps(fn)
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        if name == "service":
            _current["parse"] = (started - _current["asgi_start"]) * 1000
        try:
            return await fn(*args, **kwargs)
        finally:
            _current[name] = _current.get(name, 0.0) + (time.perf_counter() - started) * 1000

    return wrapper


imaging.process_image = _timed_sync("process", imaging.process_image)
# Whichever stage functions this version of the service has: before issue 15 `_measure`
# (hash), then the image work, then `_store_files`; since, one pool job `_ingest` whose hash
# and file writes overlap the image work (`_process_and_store`).
for _name, _stage in (
    ("_measure", "measure"),
    ("_store_files", "store"),
    ("_ingest", "ingest"),
    ("_process_and_store", "process_store"),
):
    if hasattr(uploads, _name):
        setattr(uploads, _name, _timed_sync(_stage, getattr(uploads, _name)))
uploads._mint = _timed_async("mint", uploads._mint)  # type: ignore[assignment]
photos.object_id_by_hash = _timed_async("dedup", photos.object_id_by_hash)  # type: ignore[assignment]
uploads.upload = _timed_async("service", uploads.upload)  # type: ignore[assignment]
# The route module imported `uploads` (the module), so it calls the wrapped `uploads.upload`.


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] != "http" or scope["path"] != "/api/photos/upload":
        await real_app(scope, receive, send)
        return
    _current.clear()
    _current["asgi_start"] = time.perf_counter()
    await real_app(scope, receive, send)
    total = (time.perf_counter() - _current.pop("asgi_start")) * 1000
    record = {f"{k}_ms": round(v, 2) for k, v in _current.items()}
    record["asgi_ms"] = round(total, 2)
    if "process_store_ms" in record:  # split the one job into the same stages as before
        process_store = record.pop("process_store_ms")
        if "ingest_ms" in record:
            record["measure_ms"] = round(record.pop("ingest_ms") - process_store, 2)
        record["store_ms"] = round(process_store - record["process_ms"], 2)
    _append(record)


def _append(record: dict[str, float]) -> None:
    with open(_LOG, "a") as out:  # a few µs, after the response has been sent
        out.write(json.dumps(record) + "\n")

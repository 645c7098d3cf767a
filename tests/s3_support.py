"""An S3 API for tests: moto's server mode in a subprocess on a free port.

No real S3 service (AWS, MinIO) runs on these machines; moto implements the S3 REST API over
HTTP, so the storage code talks to it exactly as to a real endpoint (signed requests, listing,
404s). `moto_s3()` yields the endpoint URL and stops the server afterwards; `new_bucket()`
creates an empty bucket with a plain S3 `PUT /<bucket>` call.
"""

import asyncio
import contextlib
import os
import secrets
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx

from tests.server_support import free_port

ACCESS_KEY, SECRET_KEY, REGION = "gallery-test", "gallery-test-secret", "us-east-1"


@asynccontextmanager
async def moto_s3() -> AsyncIterator[str]:
    port = free_port()
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port),
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    endpoint = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(timeout=2) as http:
            for _ in range(300):  # until it answers (moto imports a lot at start)
                if proc.returncode is not None:
                    raise RuntimeError(f"moto server exited with {proc.returncode}")
                with contextlib.suppress(httpx.TransportError):
                    if (await http.get(f"{endpoint}/moto-api/")).status_code == 200:
                        break
                await asyncio.sleep(0.1)
            else:
                raise RuntimeError("moto server did not answer in 30 s")
        yield endpoint
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        await proc.wait()


async def new_bucket(endpoint: str) -> str:
    name = f"gallery-{secrets.token_hex(6)}"
    async with httpx.AsyncClient(timeout=10) as http:
        response = await http.put(f"{endpoint}/{name}")
        response.raise_for_status()
    return name


def s3_env(endpoint: str, bucket: str) -> dict[str, str]:
    """The settings (environment variables) of a backend using this bucket."""
    return {
        "STORAGE": "s3",
        "S3_ENDPOINT": endpoint,
        "S3_BUCKET": bucket,
        "S3_REGION": REGION,
        "S3_ACCESS_KEY_ID": ACCESS_KEY,
        "S3_SECRET_ACCESS_KEY": SECRET_KEY,
    }

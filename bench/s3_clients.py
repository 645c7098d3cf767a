"""Which async S3 client for media/storage.py: obstore vs aioboto3 vs minio, measured.

Against moto's S3 server on 127.0.0.1 (no real S3 runs on these machines), each client writes,
reads and deletes N objects of a rendition-like size with C concurrent tasks; prints wall time,
the process's peak RSS growth and what the client pulls in. Run from the repo root with the
candidates installed in a scratch venv (they are not all project dependencies):

    python -m venv /tmp/s3bench && /tmp/s3bench/bin/pip install 'moto[server]==5.2.5' \
        obstore==0.12.1 aioboto3==15.5.0 minio==7.2.20
    /tmp/s3bench/bin/python bench/s3_clients.py obstore    # then aioboto3, minio
"""

import asyncio
import os
import resource
import socket
import subprocess
import sys
import time
import urllib.request

N, C, SIZE = 300, 16, 64 * 1024
KEY, SECRET, REGION, BUCKET = "bench", "bench-secret", "us-east-1", "bench"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_moto(port: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(200):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/moto-api/", timeout=1)
            return proc
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("moto did not start")


async def run_obstore(endpoint: str, payload: bytes) -> None:
    import obstore
    from obstore.store import S3Store

    store = S3Store(
        BUCKET,
        endpoint=endpoint,
        access_key_id=KEY,
        secret_access_key=SECRET,
        region=REGION,
        client_options={"allow_http": True},
    )
    sem = asyncio.Semaphore(C)

    async def one(i: int) -> None:
        async with sem:
            await obstore.put_async(store, f"k/{i}", payload)
            got = await (await obstore.get_async(store, f"k/{i}")).bytes_async()
            assert bytes(got) == payload
            await obstore.delete_async(store, f"k/{i}")

    await asyncio.gather(*(one(i) for i in range(N)))


async def run_aioboto3(endpoint: str, payload: bytes) -> None:
    import aioboto3

    session = aioboto3.Session(
        aws_access_key_id=KEY, aws_secret_access_key=SECRET, region_name=REGION
    )
    async with session.client("s3", endpoint_url=endpoint) as s3:
        sem = asyncio.Semaphore(C)

        async def one(i: int) -> None:
            async with sem:
                await s3.put_object(Bucket=BUCKET, Key=f"k/{i}", Body=payload)
                obj = await s3.get_object(Bucket=BUCKET, Key=f"k/{i}")
                assert await obj["Body"].read() == payload
                await s3.delete_object(Bucket=BUCKET, Key=f"k/{i}")

        await asyncio.gather(*(one(i) for i in range(N)))


async def run_minio(endpoint: str, payload: bytes) -> None:
    import io

    from minio import Minio

    client = Minio(
        endpoint.removeprefix("http://"),
        access_key=KEY,
        secret_key=SECRET,
        secure=False,
        region=REGION,
    )
    sem = asyncio.Semaphore(C)

    def blocking(i: int) -> None:  # the SDK is synchronous: a thread per call
        client.put_object(BUCKET, f"k/{i}", io.BytesIO(payload), len(payload))
        resp = client.get_object(BUCKET, f"k/{i}")
        try:
            assert resp.read() == payload
        finally:
            resp.close()
            resp.release_conn()
        client.remove_object(BUCKET, f"k/{i}")

    async def one(i: int) -> None:
        async with sem:
            await asyncio.to_thread(blocking, i)

    await asyncio.gather(*(one(i) for i in range(N)))


def main() -> None:
    which = sys.argv[1]
    port = free_port()
    moto = start_moto(port)
    endpoint = f"http://127.0.0.1:{port}"
    try:
        req = urllib.request.Request(f"{endpoint}/{BUCKET}", method="PUT")
        urllib.request.urlopen(req, timeout=5)
        payload = os.urandom(SIZE)
        usage0 = resource.getrusage(resource.RUSAGE_SELF)
        t0 = time.perf_counter()
        asyncio.run(
            {"obstore": run_obstore, "aioboto3": run_aioboto3, "minio": run_minio}[which](
                endpoint, payload
            )
        )
        wall = time.perf_counter() - t0
        usage = resource.getrusage(resource.RUSAGE_SELF)
        cpu = usage.ru_utime + usage.ru_stime - usage0.ru_utime - usage0.ru_stime
        print(
            f"{which}: {N} x (put+get+delete) of {SIZE // 1024} KiB, {C} concurrent: "
            f"{wall:.2f} s wall, client CPU {cpu * 1000 / (N * 3):.2f} ms/op, "
            f"peak RSS +{(usage.ru_maxrss - usage0.ru_maxrss) / 1024:.1f} MiB"
        )
    finally:
        moto.terminate()
        moto.wait()


if __name__ == "__main__":
    main()

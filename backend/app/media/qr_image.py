"""Drawing QR codes (PNG), in a worker process of its own.

`qrcode` computes the matrix and draws in pure Python: 20-200 ms of CPU for a link, holding the
GIL the whole time. A thread is not enough — the event loop would wait for the GIL after every
socket call (it convoys behind the drawing thread) — so drawings run in one child process.
This module imports nothing but `qrcode`, so that child starts small.
"""

import asyncio
import io
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

import qrcode
from qrcode.constants import ERROR_CORRECT_M


def png(data: str, box_size: int = 8) -> bytes:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=2)
    code.add_data(data)
    code.make(fit=True)
    out = io.BytesIO()
    code.make_image().save(out)
    return out.getvalue()


class QrDrawer:
    """One child process (started on first use, spawned: never a fork of a threaded server)."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(max_workers=1, mp_context=context)
        return self._pool

    async def draw(self, data: str) -> bytes:
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._executor(), png, data)
        except BrokenProcessPool:
            # The child died (killed, out of memory): start a new one and try once more.
            self.shutdown()
            return await loop.run_in_executor(self._executor(), png, data)

    def shutdown(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None


DRAWER = QrDrawer()

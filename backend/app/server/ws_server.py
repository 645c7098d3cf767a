"""uvicorn's WebSocket protocol, plus a way for the realtime hub to write frames straight to it:
the ASGI send path cost most of a fan-out's CPU, and a frame is the same bytes for every
socket. How and when a frame goes direct: docs/internals.md, "Direct WebSocket sends".
"""

import struct
from collections.abc import Sequence
from dataclasses import dataclass

from starlette.websockets import WebSocket
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.protocol import State

EXTENSION = "gallery.direct_send"
_FIN_TEXT = 0x81  # FIN + opcode 1 (text)
# Bytes one coalesced write may carry (a single larger frame goes alone): a transport that
# crosses its high-water mark during that write holds at most this much more than before.
WRITE_BYTES = 16 * 1024


@dataclass(frozen=True, slots=True)
class TextFrame:
    """One outgoing text message, encoded once for every socket that gets it: the whole
    uncompressed, unmasked RFC 6455 frame. Its UTF-8 payload (for a connection that compresses
    with its own context) and its text (for an ASGI send) are taken from it when asked: a frame
    is one copy of its bytes, not three (issue 19, N2: a replay holds many frames at once)."""

    wire: bytes
    head: int  # length of the frame header: the payload starts there

    @classmethod
    def of(cls, text: str) -> "TextFrame":
        return cls.of_payload(text.encode())

    @classmethod
    def of_payload(cls, payload: bytes) -> "TextFrame":
        size = len(payload)
        if size < 126:
            head = bytes((_FIN_TEXT, size))
        elif size < 1 << 16:
            head = struct.pack("!BBH", _FIN_TEXT, 126, size)
        else:
            head = struct.pack("!BBQ", _FIN_TEXT, 127, size)
        return cls(head + payload, len(head))

    @property
    def payload(self) -> bytes:
        return self.wire[self.head :]

    @property
    def text(self) -> str:
        return self.wire[self.head :].decode()

    @property
    def size(self) -> int:
        """Bytes this frame keeps alive while it waits (counted against a socket's budget)."""
        return len(self.wire)


class DirectSendProtocol(WebSocketsSansIOProtocol):
    """`--ws app.server.ws_server:DirectSendProtocol`: uvicorn's websockets-sansio protocol that
    offers itself to the app (module doc). Everything else is uvicorn's own."""

    # When bytes from the client last arrived (loop time): a message may be read but not yet
    # handed to the app, which the session's resume grace must not overtake.
    last_data_at: float = 0.0

    def data_received(self, data: bytes) -> None:
        self.last_data_at = self.loop.time()
        super().data_received(data)

    async def run_asgi(self) -> None:
        # Runs in the connection's task, before the app sees the scope.
        self.scope.setdefault("extensions", {})[EXTENSION] = {"socket": self}
        await super().run_asgi()

    def can_write(self) -> bool:
        """A frame written now goes out in order and at once: the connection is open (handshake
        done, no close frame sent or received, transport not closing) and the transport's write
        buffer is below its high-water mark."""
        return (
            self.writable.is_set()
            and self.conn.state is State.OPEN
            and not self.transport.is_closing()
        )

    def try_write(self, frame: TextFrame) -> bool:
        """Write one complete text message if `can_write()`; False (nothing written) if not.
        One call per socket per event: this is the fan-out's inner loop."""
        if not self.can_write():
            return False
        if self.conn.extensions:
            # Deflate was negotiated (a launcher without --ws-per-message-deflate false): the
            # compressor's context is this connection's own, so websockets frames it here.
            self.conn.send_text(frame.payload)
            self.transport.write(b"".join(self.conn.data_to_send()))
        else:
            self.transport.write(frame.wire)
        return True

    def try_write_all(self, frames: Sequence[TextFrame]) -> int:
        """Write `frames` in order, as many per `write()` as fit in WRITE_BYTES, while
        `can_write()`; returns how many were written (a prefix: the rest must wait, in order).
        Several frames in one write are one send() for the kernel: the fan-out's cost per frame
        is mostly that call (issue 23, item 3)."""
        written, count = 0, len(frames)
        while written < count:
            if self.conn.extensions:  # deflate: websockets frames each message (try_write)
                if not self.try_write(frames[written]):
                    break
                written += 1
                continue
            if not self.can_write():
                break
            end, size = written + 1, frames[written].size
            while end < count and size + frames[end].size <= WRITE_BYTES:
                size += frames[end].size
                end += 1
            if end - written == 1:
                self.transport.write(frames[written].wire)
            else:
                self.transport.write(b"".join([frame.wire for frame in frames[written:end]]))
            written = end
        return written

    async def wait_writable(self) -> bool:
        """Wait until the transport drained below its low-water mark; False when the connection
        is closing instead (nothing more can be written)."""
        await self.writable.wait()
        return self.can_write()


def direct_send(websocket: WebSocket) -> DirectSendProtocol | None:
    """The connection's protocol when the server was started with DirectSendProtocol."""
    offered = (websocket.scope.get("extensions") or {}).get(EXTENSION) or {}
    socket = offered.get("socket")
    return socket if isinstance(socket, DirectSendProtocol) else None

"""Benchmark (issue 5): WebSocket fan-out to 1,000 / 5,000 / 10,000 sockets, 1 and 2 servers.

- Own database `bench_ws`. Servers: `uvicorn app.main:app` under `prlimit --nofile=<hard>`,
  WS_PING_INTERVAL=300 (the app's JSON ping stays out of the measurement; uvicorn's own
  protocol-level pings are answered by the client with pongs).
- Load: separate client processes (multiprocessing, spawn, uvloop) holding anonymous sockets
  (`ws://127.0.0.1:<port>/api/ws`, nothing sent: the server treats them as anonymous and
  delivers public events). The client is a minimal RFC 6455 client on asyncio.Protocol (the
  handshake, unmasked server frames, masked pongs): receive work per frame is a timestamp and
  an append, JSON is parsed after the run, so the clients take as little CPU from the two
  cores as possible. With two servers, sockets alternate between the two ports.
- Publish: 100 rows `INSERT INTO events (type, data) VALUES ('photo.updated',
  jsonb_build_object('sent', <epoch>))`, one every --interval seconds (default 0.5 s); the
  trigger NOTIFYs, every server's listener fans the event out to all its sockets. `--burst n`
  writes n rows in each statement instead (ready at once: the listener publishes them
  together, one write per socket; the floor then sends the n frames in one `send()`).
- Publishing starts RESUME_GRACE + 1 s after the last socket is open (the server holds live
  events for RESUME_GRACE = 2 s after a socket connects, so that an immediate `resume` is
  replayed in order; events in that window would measure the grace, not the fan-out).
- Clients wait until every socket has every event, or nothing arrived for 20 s (then what is
  missing is counted as lost), or 300 s after the last publish.
- Server modes (`--ws`): `direct` (default, as every launcher starts it: uvicorn with
  `--ws app.server.ws_server:DirectSendProtocol`, frames written straight to the transports by
  `Hub.publish`) or `asgi` (plain uvicorn: every frame through the socket's queue, sender task
  and Starlette's send, the path before issue 15). `--server-deflate on` lets uvicorn negotiate
  per-message deflate (its default; off is what the launchers set); `--client-deflate` makes the
  clients offer it (`permessage-deflate; client_max_window_bits`, like browsers and the
  `websockets` client) and inflate what they get. Deflate is used only when both are on.
  `floor` is no app at all: a plain Python process that answers the handshake and, per event,
  calls `socket.send()` with one ready frame on every socket. Its CPU per frame is the floor
  for any server that writes each socket once per event on this machine (mostly the kernel's
  TCP send path; on loopback that includes the receiving side's TCP work).
- Per delivery: latency = receive time - sent (same host clock). Reported: delivery ratio
  (must be 100 %), p50 / p99 / max per delivery, and per event the time until the LAST socket
  had it (fan-out completion). Server CPU (cores) during the publish phase, and server CPU per
  delivered frame (server CPU seconds / deliveries, in µs).

    .venv/bin/python bench/bench_ws.py                  # ~10 minutes
    .venv/bin/python bench/bench_ws.py --quick          # < 1 minute (1,000 sockets)
    .venv/bin/python bench/bench_ws.py --sizes 10000 --procs 1 --interval 0.2
    .venv/bin/python bench/bench_ws.py --sizes 2000 --procs 2 --modes direct,asgi   # both paths
    .venv/bin/python bench/bench_ws.py --sizes 2000 --procs 2 --server-deflate on --client-deflate
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import multiprocessing as mp
import os
import resource
import socket
import struct
import sys
import time
import zlib
from array import array
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (
    Server,
    busy_note,
    cpu_seconds,
    drop_db,
    fresh_db,
    machine,
    pct,
    raise_nofile,
)

DB = "bench_ws"
STALL_SECONDS = 20.0  # a client stops waiting when nothing arrived for this long
DRAIN_SECONDS = 300.0  # hard cap on waiting for late frames after the last publish
# uvicorn options per server mode (see the module doc)
MODES = {
    "direct": ("--ws", "app.server.ws_server:DirectSendProtocol"),
    "asgi": ("--ws", "websockets-sansio"),
}

# --------------------------------------------------------------------------- client process


class WSClient(asyncio.Protocol):
    """Minimal WebSocket client: handshake, then collect (receive time, text payload).

    Also bench_hosts.py's client (a subclass): `host_header` is what the handshake's Host
    says, `on_upgraded` runs once the server answered 101."""

    error_head = 200  # how much of a refused handshake's answer the ConnectionError keeps

    def __init__(self, host: str, port: int, opened: asyncio.Future, deflate: bool = False) -> None:
        self.host, self.port = host, port
        self.host_header = f"{host}:{port}"
        self.deflate = deflate
        self.inflater: zlib._Decompress | None = None  # set when the server accepted deflate
        self.opened = opened
        self.buf = bytearray()
        self.upgraded = False
        self.frames: list[tuple[float, bytes]] = []
        self.closed = False
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        key = base64.b64encode(os.urandom(16)).decode()
        offer = (
            "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
            if self.deflate
            else ""
        )
        transport.write(  # type: ignore[attr-defined]
            (
                f"GET /api/ws HTTP/1.1\r\nHost: {self.host_header}\r\n"
                "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n{offer}\r\n"
            ).encode()
        )

    def data_received(self, data: bytes) -> None:
        now = time.time()
        self.buf += data
        if not self.upgraded:
            end = self.buf.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(self.buf[:end])
            del self.buf[: end + 4]
            if b" 101 " not in head.split(b"\r\n", 1)[0]:
                if not self.opened.done():
                    self.opened.set_exception(
                        ConnectionError(head[: self.error_head].decode(errors="replace"))
                    )
                return
            self.upgraded = True
            if b"permessage-deflate" in head.lower():
                # The server's context carries over between messages (no_context_takeover
                # was not asked for), so one inflater per socket, fed every compressed message.
                self.inflater = zlib.decompressobj(-15)
            self.on_upgraded()
            if not self.opened.done():
                self.opened.set_result(True)
        buf = self.buf
        while len(buf) >= 2:
            b0, b1 = buf[0], buf[1]
            n, pos = b1 & 0x7F, 2
            if n == 126:
                if len(buf) < 4:
                    return
                n, pos = struct.unpack_from(">H", buf, 2)[0], 4
            elif n == 127:
                if len(buf) < 10:
                    return
                n, pos = struct.unpack_from(">Q", buf, 2)[0], 10
            if len(buf) < pos + n:
                return
            payload = bytes(buf[pos : pos + n])
            del buf[: pos + n]
            opcode = b0 & 0x0F
            if opcode == 1 or opcode == 0:
                if b0 & 0x40 and self.inflater is not None:  # RSV1: a compressed message
                    payload = self.inflater.decompress(payload + b"\x00\x00\xff\xff")
                self.frames.append((now, payload))
            elif opcode == 9:  # ping -> masked pong with the same payload (zero mask)
                self.transport.write(bytes((0x8A, 0x80 | len(payload))) + b"\0\0\0\0" + payload)
            elif opcode == 8:
                self.closed = True

    def on_upgraded(self) -> None:
        """The server answered 101 (frames may follow in the same read)."""

    def send_text(self, text: str) -> None:
        data = text.encode()
        assert len(data) < 126
        # masked with a zero key: the payload goes as it is
        self.transport.write(bytes((0x81, 0x80 | len(data))) + b"\0\0\0\0" + data)  # type: ignore[union-attr]

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if not self.opened.done():
            self.opened.set_exception(ConnectionError(f"lost before upgrade: {exc}"))


def client_main(pipe, ports: list[int], count: int, offset: int, deflate: bool = False) -> None:
    import uvloop

    raise_nofile()
    uvloop.run(_client(pipe, ports, count, offset, deflate))


async def _client(pipe, ports: list[int], count: int, offset: int, deflate: bool) -> None:
    loop = asyncio.get_running_loop()
    sem = asyncio.Semaphore(200)
    clients: list[WSClient] = []
    failures: list[str] = []

    async def open_one(i: int) -> None:
        port = ports[(offset + i) % len(ports)]
        async with sem:
            for attempt in range(3):
                fut = loop.create_future()
                try:
                    _, proto = await loop.create_connection(
                        lambda fut=fut: WSClient("127.0.0.1", port, fut, deflate),
                        "127.0.0.1",
                        port,
                    )
                    await asyncio.wait_for(fut, 30)
                    clients.append(proto)
                    return
                except (OSError, ConnectionError, TimeoutError) as exc:
                    if attempt == 2:
                        failures.append(repr(exc)[:200])
                    await asyncio.sleep(0.5)

    t0 = time.monotonic()
    await asyncio.gather(*(open_one(i) for i in range(count)))
    live = [c for c in clients if c.upgraded and not c.closed]
    deflated = sum(c.inflater is not None for c in live)
    pipe.send(("ready", len(live), failures[:5], len(failures), time.monotonic() - t0, deflated))
    msg = await loop.run_in_executor(None, pipe.recv)
    _, events, deadline, publish_end = msg
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    progress, progress_at = -1, time.time()
    while time.time() < deadline:
        if all(len(c.frames) >= events or c.closed for c in live):
            break
        got = sum(len(c.frames) for c in live)
        if got != progress:
            progress, progress_at = got, time.time()
        elif time.time() - progress_at > STALL_SECONDS and time.time() > publish_end:
            break  # nothing arrives any more: what is missing is lost, not late
        await asyncio.sleep(0.25)
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    lat = array("d")
    per_event_max: dict[int, float] = {}
    per_event_count: dict[int, int] = {}
    short, closed, last_rx = 0, 0, 0.0
    for c in live:
        got = 0
        for t, payload in c.frames:
            last_rx = max(last_rx, t)
            m = json.loads(payload)
            if m.get("type") != "photo.updated":
                continue
            got += 1
            d = t - m["data"]["sent"]
            lat.append(d)
            eid = m["id"]
            per_event_count[eid] = per_event_count.get(eid, 0) + 1
            if d > per_event_max.get(eid, -1):
                per_event_max[eid] = d
        short += got < events
        closed += c.closed
    pipe.send(
        (
            "done",
            lat.tobytes(),
            per_event_max,
            per_event_count,
            short,
            closed,
            cpu1.ru_utime + cpu1.ru_stime - cpu0.ru_utime - cpu0.ru_stime,
            last_rx,
        )
    )
    for c in clients:
        if c.transport is not None:
            c.transport.abort()


# --------------------------------------------------------------------------- driver


async def publish(dsn: str, events: int, interval: float, burst: int = 1) -> None:
    """`events` times: `burst` events in one statement (ready at once for the listener)."""
    import asyncpg

    conn = await asyncpg.connect(dsn)
    try:
        for _ in range(events):
            await conn.execute(
                "INSERT INTO events (type, data) SELECT 'photo.updated', "
                "jsonb_build_object('sent', $1::float8) FROM generate_series(1, $2::int)",
                time.time(),
                burst,
            )
            await asyncio.sleep(interval)
    finally:
        await conn.close()


class FloorServer:
    """The `floor` mode's server (module doc), with Server's interface for run_config."""

    def __init__(self) -> None:
        ctx = mp.get_context("spawn")
        self.pipe, child = ctx.Pipe()
        self.proc = ctx.Process(target=_floor_main, args=(child,), daemon=True)

    def start(self) -> FloorServer:
        self.proc.start()
        self.port = self.pipe.recv()
        return self

    def pids(self) -> list[int]:
        return [self.proc.pid] if self.proc.pid else []

    def publish(self, event_id: int, burst: int = 1) -> None:
        self.pipe.send((event_id, time.time(), burst))

    def stop(self) -> None:
        if self.proc.is_alive():
            self.pipe.send(None)
            self.proc.join(10)
        if self.proc.is_alive():
            self.proc.kill()

    def log_tail(self, n: int = 0) -> str:
        return ""


def _floor_main(pipe) -> None:
    raise_nofile()
    listener = socket.create_server(("127.0.0.1", 0), backlog=4096)
    listener.settimeout(0.05)
    pipe.send(listener.getsockname()[1])
    sockets: list[socket.socket] = []
    while True:
        if not pipe.poll(0):
            try:
                sock, _ = listener.accept()
            except TimeoutError:
                continue
            sock.settimeout(10)
            head = b""
            while b"\r\n\r\n" not in head:
                head += sock.recv(4096)
            sock.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n")
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # as uvloop does
            sockets.append(sock)
            continue
        message = pipe.recv()
        if message is None:
            return
        first_id, sent, burst = message
        frames = []
        for event_id in range(first_id, first_id + burst):
            text = json.dumps(
                {"id": event_id, "type": "photo.updated", "data": {"sent": sent}, "ts": "x"},
                separators=(",", ":"),
            ).encode()
            frames.append(bytes((0x81, len(text))) + text)  # < 126 bytes
        frame = b"".join(frames)  # a burst: one send() per socket
        for sock in sockets:
            sock.send(frame)


def _sys_seconds(pids: list[int]) -> float:
    """stime alone (kernel: mostly the TCP send path of each write)."""
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[12]) / os.sysconf("SC_CLK_TCK")
    return total


def _rss_kib(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    rss = (line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:"))
    return int(next(rss, "0"))


def resume_grace() -> float:
    try:
        from app.realtime.session import RESUME_GRACE
    except ImportError:
        return 0.0
    return float(RESUME_GRACE)


def run_config(
    dsn: str,
    sockets: int,
    procs: int,
    clients_n: int,
    events: int,
    interval: float,
    nofile: int,
    mode: str = "direct",
    server_deflate: bool = False,
    client_deflate: bool = False,
    burst: int = 1,
) -> dict:
    args = (*MODES.get(mode, ()), "--ws-per-message-deflate", "true" if server_deflate else "false")
    servers: list[Server] | list[FloorServer] = (
        [FloorServer().start() for _ in range(procs)]
        if mode == "floor"
        else [
            # Every simulated socket connects from 127.0.0.1: no per-address cap here.
            Server(
                dsn,
                env={"WS_PING_INTERVAL": "300", "WS_MAX_PER_ADDRESS": "1000000"},
                nofile=nofile,
                args=args,
            ).start()
            for _ in range(procs)
        ]
    )
    ctx = mp.get_context("spawn")
    kids = []
    try:
        ports = [s.port for s in servers]
        share = [sockets // clients_n + (i < sockets % clients_n) for i in range(clients_n)]
        offset = 0
        for n in share:
            parent, child = ctx.Pipe()
            p = ctx.Process(
                target=client_main, args=(child, ports, n, offset, client_deflate), daemon=True
            )
            p.start()
            kids.append((p, parent))
            offset += n
        ready = [parent.recv() for _, parent in kids]
        opened = sum(r[1] for r in ready)
        failures = sum(r[3] for r in ready)
        connect_s = max(r[4] for r in ready)
        samples = [x for r in ready for x in r[2]]
        deflated = sum(r[5] for r in ready)
        # The server holds live events for RESUME_GRACE s after a socket connects (so an
        # immediate resume replays in order); start publishing after that window.
        time.sleep(resume_grace() + 1.0)
        pids = [pid for s in servers for pid in s.pids()]
        rss_mib = sum(_rss_kib(pid) for pid in pids) / 1024  # every socket open, none written
        cpu0, sys0, t0 = cpu_seconds(pids), _sys_seconds(pids), time.monotonic()
        first_sent = time.time()
        publish_end = first_sent + events * interval
        deadline = publish_end + DRAIN_SECONDS
        for _, parent in kids:
            parent.send(("go", events * burst, deadline, publish_end))
        if mode == "floor":
            for n in range(events):
                for floor in servers:
                    floor.publish(1 + n * burst, burst)  # type: ignore[union-attr]
                time.sleep(interval)
        else:
            asyncio.run(publish(dsn, events, interval, burst))
        done = [parent.recv() for _, parent in kids]
        wall = time.monotonic() - t0
        server_cpu = (cpu_seconds(pids) - cpu0) / wall
        server_sys = (_sys_seconds(pids) - sys0) / wall
        for p, _ in kids:
            p.join(10)
    finally:
        for p, _ in kids:
            if p.is_alive():
                p.kill()
        tails = [s.log_tail(1500) for s in servers]
        for s in servers:
            s.stop()
    lat = array("d")
    per_event_max: dict[int, float] = {}
    per_event_count: dict[int, int] = {}
    for r in done:
        lat.frombytes(r[1])
        for k, v in r[2].items():
            per_event_max[k] = max(v, per_event_max.get(k, -1))
        for k, v in r[3].items():
            per_event_count[k] = per_event_count.get(k, 0) + v
    lat_ms = [x * 1000 for x in lat]
    ev_ms = [v * 1000 for v in per_event_max.values()]
    return {
        "sockets": sockets,
        "procs": procs,
        "mode": mode,
        "deflated": deflated,
        "clients": clients_n,
        "opened": opened,
        "failures": failures,
        "failure_samples": samples,
        "connect_s": connect_s,
        "delivered": len(lat),
        "expected": opened * events * burst,
        "events_seen": len(per_event_count),
        "short": sum(r[4] for r in done),
        "closed": sum(r[5] for r in done),
        "p50": pct(lat_ms, 0.5),
        "p99": pct(lat_ms, 0.99),
        "max": max(lat_ms) if lat_ms else float("nan"),
        "ev_p50": pct(ev_ms, 0.5),
        "ev_max": max(ev_ms) if ev_ms else float("nan"),
        # which event (1 = first published) took longest to reach its last socket
        "worst_k": 1 + sorted(per_event_max).index(max(per_event_max, key=per_event_max.get))
        if per_event_max
        else 0,
        "server_cpu": server_cpu,
        "rss_mib": rss_mib,
        "sys_share": server_sys / max(server_cpu, 1e-9),  # kernel's part of the server CPU
        # server CPU seconds per delivered frame, in µs (the publish phase and the drain)
        "us_per_frame": server_cpu * wall / max(len(lat), 1) * 1e6,
        # frames per second the server(s) sustained: all deliveries / (last receive - first send)
        "fps": len(lat) / max(1e-9, max(r[7] for r in done) - first_sent),
        "client_cpu": sum(r[6] for r in done) / wall,
        "busy": busy_note(),
        "log": "\n".join(t for t in tails if "Traceback" in t or "ERROR" in t),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="1,000 sockets, 20 events")
    parser.add_argument("--sizes", default="1000,5000,10000")
    parser.add_argument("--procs", default="1,2", help="server process counts to try")
    parser.add_argument("--events", type=int, default=100)
    parser.add_argument("--interval", type=float, default=0.5, help="seconds between events")
    parser.add_argument("--modes", default="direct", help="server modes: direct, asgi (doc)")
    parser.add_argument(
        "--burst", type=int, default=1, help="events written at once each time (issue 23.3)"
    )
    parser.add_argument("--server-deflate", choices=("on", "off"), default="off")
    parser.add_argument("--client-deflate", action="store_true", help="clients offer deflate")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.sizes, args.events, args.interval = "1000", 20, 0.2
    sizes = [int(x) for x in args.sizes.split(",")]
    procs = [int(x) for x in args.procs.split(",")]
    modes = args.modes.split(",")
    nofile = raise_nofile()  # the hard limit caps it (20,000 in this container)
    print(f"machine: {machine()}")
    print(f"command: .venv/bin/python bench/bench_ws.py {' '.join(sys.argv[1:])}".rstrip())
    print(
        f"fd limit (soft=hard cap, servers via prlimit): {nofile}; "
        f"machine busy at start: {busy_note()}\n"
    )
    t0 = time.monotonic()
    dsn = asyncio.run(fresh_db(DB))
    rows = []
    for n in sizes:
        for p in procs:
            for mode in modes:
                clients_n = 1 if n <= 1000 else 2
                r = run_config(
                    dsn,
                    n,
                    p,
                    clients_n,
                    args.events,
                    args.interval,
                    nofile,
                    mode,
                    args.server_deflate == "on",
                    args.client_deflate,
                    args.burst,
                )
                rows.append(r)
                print(
                    f"  {n} sockets / {p} server(s) / {mode}: opened {r['opened']} "
                    f"({r['deflated']} deflate), delivered {r['delivered']}/{r['expected']}, "
                    f"p99 {r['p99']:.0f} ms, {r['us_per_frame']:.1f} µs/frame ({r['busy']})",
                    flush=True,
                )
            if r["failure_samples"]:
                print(f"    connect failures: {r['failures']} e.g. {r['failure_samples'][:2]}")
            if r["log"]:
                print(f"    server log:\n{r['log']}")
    print(
        f"\n{args.events} x {args.burst} events, {args.burst} every {args.interval} s; "
        "anonymous sockets; "
        "latency = client receive time - `sent` written into the event row; "
        f"server deflate {args.server_deflate}, clients offer deflate: "
        f"{'yes' if args.client_deflate else 'no'}\n"
    )
    print(
        "| sockets | server procs | mode | client procs | opened (connect s) | deflate sockets "
        "| delivered / expected | delivery | p50 ms | p99 ms | max ms "
        "| per-event last socket p50 / max ms (worst event #) "
        "| frames/s sustained | server CPU cores | server µs CPU / frame (kernel share) "
        "| client CPU cores "
        "| server RSS MiB |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        ratio = r["delivered"] / r["expected"] if r["expected"] else 0
        print(
            f"| {r['sockets']:,} | {r['procs']} | {r['mode']} | {r['clients']} | {r['opened']:,} "
            f"({r['connect_s']:.1f}) | {r['deflated']:,} | {r['delivered']:,} / {r['expected']:,} "
            f"| {ratio:.2%} | {r['p50']:.0f} | {r['p99']:.0f} | {r['max']:.0f} "
            f"| {r['ev_p50']:.0f} / {r['ev_max']:.0f} (#{r['worst_k']}) | {r['fps']:,.0f} "
            f"| {r['server_cpu']:.2f} | {r['us_per_frame']:.1f} ({r['sys_share']:.0%}) "
            f"| {r['client_cpu']:.2f} | {r['rss_mib']:.0f} |"
        )
    if not args.keep:
        asyncio.run(drop_db(DB))
    print(f"\nmachine busy at end: {busy_note()}; total {time.monotonic() - t0:.0f} s")


if __name__ == "__main__":
    main()

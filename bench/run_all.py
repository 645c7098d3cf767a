"""One command for issue 15's table: every figure as min / median / max of three rounds.

    .venv/bin/python bench/run_all.py --quick     # ~10 minutes on a quiet 2-core machine
    .venv/bin/python bench/run_all.py             # longer runs, 10,000 sockets

Figures (ratios are taken inside one round, so a busy neighbour moves both sides):
- listing: `GET /api/photos` first page ÷ `GET /health`, anonymous and signed in, 1 worker;
- search: `GET /api/photos?q=...` ÷ `/health` (a word no title has, and one every title has);
- a search nobody made before at 3,000 objects (bench_new_search.py: a title word plus a new
  number every request, and a new word no title has) ÷ `/health`, its p99 ÷ a cached page's;
- server and PostgreSQL CPU per request during those runs (pidstat when installed, else /proc);
- upload: POST of a 12 MP JPEG -> 201, p50, and that ÷ pure `process_image` on the same bytes
  (distinct generated photos in every round: a near-copy is refused since issue 20);
- WebSocket fan-out: p99, delivery, server CPU per delivered frame, one event at a time and
  four at once (coalesced: one write per socket for the four);
- contested trade accepts/s ÷ `pgbench -N` TPS, with 1 and 2 workers, and from the same run
  the same contest in SQL (trade_accept() from a pool) ÷ `pgbench -N` and HTTP ÷ SQL
  (bench_trades.py --direct: the database's share and the app's);
- three hosts behind nginx (bench_hosts.py; 3,000 sockets with --quick, else 30,000): p99 and
  delivery of events written on every host, and the sockets with every event, once and in
  order, after one host was killed;
- event-writing commits ÷ the same commits without the NOTIFY trigger (bench_event_commits.py);
- listing with 2 workers ÷ 1 worker;
- the load model's capacity (load_model.py: the largest step of active users within the
  platform's targets; --quick: 25, 50, 100 users, 20 s a step).

With two or more cores the single-worker server is pinned to core 0 and wrk to core 1
(`taskset`); the 2-worker server is not pinned. A figure that fails (a missing tool, an error)
is printed as "not measured" with the reason; the others still run. The table is also written
to bench/RESULTS.md (section "Issue 15 harness"), replacing the previous run's.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (
    BENCH,
    WRK_LUA,
    CpuMeter,
    Server,
    busy_note,
    drop_db,
    fresh_db,
    machine,
    postgres_pids,
    rx,
    wrk,
)

DB = f"bench_run_all_{os.getpid()}"  # two runs at once never share a database
ROUNDS = 3
TWO_CORES = (os.cpu_count() or 1) >= 2
SERVER_CPU, CLIENT_CPU = ("0", "1") if TWO_CORES else (None, None)
SECTION = "## Issue 15 harness (`bench/run_all.py`)"


class NotMeasured(RuntimeError):
    """A figure whose run was skipped or failed earlier (already reported once)."""


Figure = dict[str, object]  # name, target, values (per round) or reason, unit


def fmt(values: list[float], unit: str) -> str:
    lo, mid, hi = min(values), statistics.median(values), max(values)
    digits = 0 if unit in ("ms", "µs", "req/s") and mid >= 10 else 2
    return " / ".join(f"{v:,.{digits}f}" for v in (lo, mid, hi)) + (f" {unit}" if unit else "")


def measured(name: str, target: str, unit: str, fn: Callable[[], list[float]]) -> Figure:
    try:
        values = fn()
        if not values:
            raise RuntimeError("no rounds completed")
        return {"name": name, "target": target, "values": values, "unit": unit}
    except Exception as exc:  # a failed figure must not stop the others
        if not isinstance(exc, NotMeasured):
            traceback.print_exc()
        return {"name": name, "target": target, "reason": f"{type(exc).__name__}: {exc}"[:200]}


# --------------------------------------------------------------------------- HTTP figures


def sign_in(server: Server) -> dict[str, str]:
    from tests.support import make_init_data

    init = make_init_data(user={"id": 777_015, "first_name": "bench viewer"})
    r = httpx.post(f"{server.url}/api/auth/max", json={"init_data": init}, timeout=30)
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def http_rounds(dsn: str, duration: int) -> dict[str, list[float]]:
    """Per round: req/s of each endpoint and CPU ms per request (server, PostgreSQL)."""
    out: dict[str, list[float]] = {}
    with Server(dsn, cpus=SERVER_CPU) as server:
        signed = sign_in(server)
        # An anonymous client that has the page already revalidates it (ETag, 304 no body).
        etag = httpx.get(server.url + "/api/photos?limit=30", timeout=30).headers["etag"]
        revalidate = {"If-None-Match": etag}
        targets: dict[str, tuple[str, dict[str, str] | None, int]] = {
            "health": ("/health", None, 200),
            "anon": ("/api/photos?limit=30", None, 200),
            "anon_304": ("/api/photos?limit=30", revalidate, 304),
            "signed": ("/api/photos?limit=30", signed, 200),
            "search_rare": ("/api/photos?limit=30&q=%D0%B7%D0%B0%D0%BA%D0%B0%D1%82", None, 200),
            "search_common": ("/api/photos?limit=30&q=photo", None, 200),
            # A new search text every request (wrk_new_search.lua appends a number): never cached.
            "search_new": ("/api/photos?limit=30&q=sunset", None, 200),
        }
        scripts = {"search_new": BENCH / "wrk_new_search.lua"}
        for path, headers, status in targets.values():  # correctness and warm-up
            r = httpx.get(server.url + path, headers=headers, timeout=30)
            assert r.status_code == status, (path, r.status_code, r.text[:300])
        wrk(server.url + "/api/photos?limit=30", duration=2, threads=1, cpus=CLIENT_CPU)
        for rnd in range(ROUNDS):
            order = list(targets.items())
            for key, (path, headers, _) in order if rnd % 2 == 0 else reversed(order):
                with CpuMeter(server.pids()) as srv, CpuMeter(postgres_pids(dsn)) as pg:
                    res = wrk(
                        server.url + path,
                        duration=duration,
                        threads=1,
                        cpus=CLIENT_CPU,
                        headers=headers,
                        script=scripts.get(key, WRK_LUA),
                    )
                if res["err_status"]:
                    raise RuntimeError(f"{key}: {res['err_status']} non-2xx responses")
                requests = max(res["requests"], 1)
                out.setdefault(key, []).append(res["rps"])
                out.setdefault(f"{key}_bytes", []).append(res["bytes"] / requests)
                out.setdefault(f"{key}_srv_ms", []).append(srv.seconds / requests * 1000)
                out.setdefault(f"{key}_pg_ms", []).append(pg.seconds / requests * 1000)
                out.setdefault("cpu_source", []).append(srv.source == "pidstat")
    return out


def two_workers(dsn: str, duration: int) -> list[float]:
    """Listing req/s with 2 workers ÷ 1 worker, both measured in the same round."""
    ratios = []
    servers = [Server(dsn, workers=n) for n in (1, 2)]
    try:
        for s in servers:
            s.start()
        for _ in range(ROUNDS):
            rps = [
                wrk(s.url + "/api/photos?limit=30", duration=duration, threads=1)["rps"]
                for s in servers
            ]
            ratios.append(rps[1] / rps[0])
    finally:
        for s in servers:
            s.stop()
    return ratios


# --------------------------------------------------------------------------- other figures


def upload_rounds(dsn: str, count: int) -> tuple[list[float], list[float]]:
    from bench_gallery import upload_table

    p50s, ratios = [], []
    for r in range(ROUNDS):  # distinct pictures in every round (near-copies are refused)
        lines = asyncio.run(upload_table(dsn, count, first_seed=1000 * (r + 1)))
        row = next(x for x in lines if x.startswith("| POST /api/photos/upload"))
        cells = [c.strip() for c in row.strip("|").split("|")]
        p50s.append(float(cells[1]))
        ratios.append(float(cells[4]))
    return p50s, ratios


def ws_rounds(dsn: str, sockets: int, events: int, interval: float) -> dict[str, list[float]]:
    from _common import raise_nofile
    from bench_ws import run_config

    nofile = raise_nofile()
    out: dict[str, list[float]] = {
        "p99": [], "delivery": [], "us_per_frame": [],
        "burst_p99": [], "burst_delivery": [], "burst_us_per_frame": [],
    }  # fmt: skip
    clients = 1 if sockets <= 1000 else 2
    for _ in range(ROUNDS):
        r = run_config(dsn, sockets, 2, clients, events, interval, nofile)
        out["p99"].append(r["p99"])
        out["delivery"].append(100 * r["delivered"] / max(r["expected"], 1))
        out["us_per_frame"].append(r["us_per_frame"])  # server CPU seconds / deliveries
        # Four events ready at once (issue 23, item 3): one write per socket for the four.
        r = run_config(dsn, sockets, 2, clients, events, interval, nofile, burst=4)
        out["burst_p99"].append(r["p99"])
        out["burst_us_per_frame"].append(r["us_per_frame"])
        out["burst_delivery"].append(100 * r["delivered"] / max(r["expected"], 1))
    return out


def trade_rounds(quick: bool, workers: int) -> dict[str, list[float]]:
    """Per round: pgbench -N, then the contested accepts over HTTP and the same contest with
    trade_accept() called straight from a pool (bench_trades.py --direct): accepts over HTTP ÷
    pgbench -N (the issue's figure), SQL accepts ÷ pgbench -N (the database's share) and HTTP ÷
    SQL (the app's share)."""
    from bench_trades import pgbench, run_trades

    out: dict[str, list[float]] = {"http": [], "sql": [], "app": []}
    for _ in range(ROUNDS):
        pg_lines = pgbench(5 if quick else 15, 10)
        n_row = next(x for x in pg_lines if "pgbench -N" in x)
        tps = float(n_row.split("|")[2].replace(",", ""))
        args = argparse.Namespace(quick=True, workers=workers, driver="raw", keep=False,
                                  direct=True)  # fmt: skip
        lines = asyncio.run(run_trades(args))
        row = next(x for x in lines if x.startswith("| all accept requests"))
        http = float(row.split("|")[3].replace(",", ""))
        sql = float(rx(r"\*\*([\d,]+) accepts/s\*\*", "\n".join(lines)).replace(",", ""))
        out["http"].append(http / tps)
        out["sql"].append(sql / tps)
        out["app"].append(http / sql)
    return out


# --------------------------------------------------------------------------- main


def table(figures: list[Figure]) -> list[str]:
    lines = ["| figure | min / median / max of 3 rounds | target |", "| --- | --- | --- |"]
    for f in figures:
        ok = "values" in f
        cell = fmt(f["values"], f["unit"]) if ok else f"not measured ({f['reason']})"  # type: ignore[arg-type]
        lines.append(f"| {f['name']} | {cell} | {f['target']} |")
    return lines


def write_results(text: str) -> None:
    path = BENCH / "RESULTS.md"
    old = path.read_text()
    start = old.find(SECTION)
    if start >= 0:
        nxt = re.search(r"^## ", old[start + len(SECTION) :], re.M)
        end = start + len(SECTION) + nxt.start() if nxt else len(old)
        new = old[:start] + text + "\n" + old[end:]
    else:
        new = old.rstrip("\n") + "\n\n" + text + "\n"
    path.write_text(new)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="short runs (~10 min)")
    parser.add_argument(
        "--only", default="http,search,upload,ws,trades,events,hosts,workers,capacity"
    )
    parser.add_argument("--no-write", action="store_true", help="do not touch RESULTS.md")
    args = parser.parse_args()
    only = set(args.only.split(","))
    duration = 3 if args.quick else 10
    started = time.monotonic()
    head = [
        f"machine: {machine()}",
        f"command: `.venv/bin/python bench/run_all.py {' '.join(sys.argv[1:])}`".replace(" `", "`"),
        f"busy at start: {busy_note()}",
        f"pinning: server on CPU {SERVER_CPU}, wrk on CPU {CLIENT_CPU} (taskset)"
        if TWO_CORES
        else "pinning: none (one core)",
    ]
    print("\n".join(head), flush=True)
    from bench_gallery import seed

    dsn = asyncio.run(fresh_db(DB))
    asyncio.run(seed(dsn, 20_000 if args.quick else 100_000, 1000))
    figures: list[Figure] = []
    http: dict[str, list[float]] = {}
    skipped = "skipped (--only)"
    if "http" in only:
        try:
            http = http_rounds(dsn, duration)
        except Exception as exc:
            traceback.print_exc()
            skipped = f"{type(exc).__name__}: {exc}"[:200]

    def ratio(key: str) -> Callable[[], list[float]]:
        def get() -> list[float]:
            if key not in http:
                raise NotMeasured(skipped)
            return [a / b for a, b in zip(http[key], http["health"], strict=True)]

        return get

    def raw(key: str) -> Callable[[], list[float]]:
        def get() -> list[float]:
            if key not in http:
                raise NotMeasured(skipped)
            return http[key]

        return get

    figures += [
        measured("listing ÷ /health, anonymous, 1 worker", "≥ 0.6", "", ratio("anon")),
        measured("listing ÷ /health, signed in, 1 worker", "≥ 0.5", "", ratio("signed")),
        measured("listing 304 (If-None-Match) ÷ /health, anonymous", "—", "", ratio("anon_304")),
        measured("bytes per listing answer, 200", "—", "B", raw("anon_bytes")),
        measured("bytes per listing answer, 304", "—", "B", raw("anon_304_bytes")),
        measured("search `q=закат` ÷ /health", "≥ 0.4", "", ratio("search_rare")),
        measured("search `q=photo` (every title) ÷ /health", "≥ 0.4", "", ratio("search_common")),
        measured(
            "search, a new text every request (never cached) ÷ /health",
            "≥ 0.6",
            "",
            ratio("search_new"),
        ),
        measured("/health req/s (for scale only)", "—", "req/s", raw("health")),
    ]
    for key, label in (
        ("health", "/health"),
        ("anon", "listing anonymous"),
        ("signed", "listing signed in"),
        ("search_new", "search, a new text every request"),
    ):
        figures.append(
            measured(f"server CPU per request, {label}", "—", "ms", raw(f"{key}_srv_ms"))
        )
        figures.append(
            measured(f"PostgreSQL CPU per request, {label}", "—", "ms", raw(f"{key}_pg_ms"))
        )
    if "search" in only:
        news: dict[str, dict[str, list[float]]] = {}

        def new_search(key: str, figure: str) -> Callable[[], list[float]]:
            def get() -> list[float]:
                from bench_new_search import measure, ratios

                if not news:
                    news.update(measure(ROUNDS, duration, 3000))
                return ratios(news, key)[figure]

            return get

        name = "3,000 objects, a new search every request"
        figures += [
            measured(f"{name}, title word + number, ÷ /health", "≥ 0.6", "",
                     new_search("new search, word + number", "rate")),
            measured(f"{name}, title word + number, p99 ÷ cached page p99", "≤ 2", "",
                     new_search("new search, word + number", "p99")),
            measured(f"{name}, a word no title has, ÷ /health", "≥ 0.6", "",
                     new_search("new search, no such word", "rate")),
        ]  # fmt: skip
    if "upload" in only:
        ups: dict[str, list[float]] = {}

        def upload_p50() -> list[float]:
            ups["p50"], ups["ratio"] = upload_rounds(dsn, 4 if args.quick else 10)
            return ups["p50"]

        figures.append(measured("12 MP upload -> 201, p50", "≤ 150 ms", "ms", upload_p50))
        figures.append(measured("upload ÷ pure imaging (p50)", "≤ 1.15", "", lambda: ups["ratio"]))
    if "ws" in only:
        ws: dict[str, list[float]] = {}
        sockets = 2000 if args.quick else 10_000

        def ws_p99() -> list[float]:
            ws.update(ws_rounds(dsn, sockets, 10 if args.quick else 40, 0.5))
            return ws["p99"]

        name = f"WS fan-out {sockets:,} sockets, 2 processes, 2 events/s:"
        figures.append(measured(f"{name} p99", "< 300 ms", "ms", ws_p99))
        figures.append(measured(f"{name} delivery", "100 %", "%", lambda: ws["delivery"]))
        figures.append(
            measured(f"{name} server CPU per frame", "—", "µs", lambda: ws["us_per_frame"])
        )
        burst = f"WS fan-out {sockets:,} sockets, 2 processes, 4 events at once every 0.5 s:"
        figures.append(measured(f"{burst} p99", "< 300 ms", "ms", lambda: ws["burst_p99"]))
        figures.append(measured(f"{burst} delivery", "100 %", "%", lambda: ws["burst_delivery"]))
        figures.append(
            measured(f"{burst} server CPU per frame", "≤ 10 µs", "µs",
                     lambda: ws["burst_us_per_frame"])
        )  # fmt: skip
    if "trades" in only:
        trades: dict[int, dict[str, list[float]]] = {}

        def trade_ratio(workers: int, key: str) -> list[float]:
            if workers not in trades:
                trades[workers] = trade_rounds(args.quick, workers)
            return trades[workers][key]

        for w in (1, 2):
            name = f"contested trade accepts ({w} worker{'s' if w > 1 else ''})"
            figures.append(measured(f"{name} over HTTP ÷ pgbench -N TPS", "≥ 0.35", "",
                                    lambda w=w: trade_ratio(w, "http")))  # fmt: skip
            figures.append(measured(f"{name}: the same in SQL (trade_accept()) ÷ pgbench -N",
                                    "—", "", lambda w=w: trade_ratio(w, "sql")))  # fmt: skip
            figures.append(measured(f"{name}: over HTTP ÷ in SQL", "—", "",
                                    lambda w=w: trade_ratio(w, "app")))  # fmt: skip
    if "hosts" in only:
        hosts: dict[str, list[float]] = {}

        def host_rounds(key: str) -> list[float]:
            from bench_hosts import hosts_args
            from bench_hosts import run as run_hosts

            while len(hosts.get(key, [])) < ROUNDS:
                a = hosts_args(sockets=host_sockets)
                asyncio.run(run_hosts(a))
                for k, v in a.result.items():
                    hosts.setdefault(k, []).append(v)
            return hosts[key]

        host_sockets = 3000 if args.quick else 30000
        name = f"three hosts behind nginx, {host_sockets:,} sockets (bench_hosts.py)"
        figures.append(measured(f"{name}: events written on every host, p99", "< 300 ms", "ms",
                                lambda: host_rounds("p99")))  # fmt: skip
        figures.append(measured(f"{name}: delivery", "100 %", "%",
                                lambda: host_rounds("delivery")))  # fmt: skip
        figures.append(measured(f"{name}: sockets with every event after one host was killed",
                                "100 %", "%", lambda: host_rounds("complete")))  # fmt: skip
    if "events" in only:
        commits: dict[str, list[float]] = {}

        def event_commits(mode: str) -> list[float]:
            from bench_event_commits import measure, ratio_to_ceiling

            if not commits:
                commits.update(measure(ROUNDS, 20, 5 if args.quick else 10))
            return ratio_to_ceiling(commits, mode)

        name = "event-writing commits ÷ the same without the NOTIFY trigger (pgbench -c 20)"
        figures.append(measured(f"{name}, app (deferred wake-up)", "≥ 0.8", "",
                                lambda: event_commits("deferred")))  # fmt: skip
        figures.append(measured(f"{name}, trigger NOTIFY (before)", "—", "",
                                lambda: event_commits("trigger NOTIFY")))  # fmt: skip
    if "capacity" in only:

        def capacity() -> list[float]:
            from load_model import measure

            steps = [25, 50, 100] if args.quick else [25, 50, 100, 200, 400]
            return [float(measure(steps, 20 if args.quick else 60, 2)[1]) for _ in range(ROUNDS)]

        name = (
            "load model: active users one machine serves within API p95 < 200 ms, live p95"
            " < 100 ms, delivery > 99.9 % (2 workers, Locust on the same machine)"
        )
        figures.append(measured(name, "—", "users", capacity))
    if "workers" in only:
        figures.append(
            measured("listing 2 workers ÷ 1", "≥ 1.6", "", lambda: two_workers(dsn, duration))
        )
    asyncio.run(drop_db(DB))
    cpu_src = "pidstat" if any(http.get("cpu_source", [])) else "/proc utime+stime"
    tail = [
        f"busy at end: {busy_note()}; total {time.monotonic() - started:.0f} s; "
        f"CPU per request from {cpu_src}",
    ]
    out = [SECTION, "", *head, "", *table(figures), "", *tail]
    print("\n" + "\n".join(out[2:]))
    if not args.no_write:
        write_results(
            "\n".join(
                f"{x}  " if x.startswith(("machine", "command", "busy", "pinning")) else x
                for x in out
            )
        )


if __name__ == "__main__":
    main()

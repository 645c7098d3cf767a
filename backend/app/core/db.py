"""The asyncpg pool. The schema is created and upgraded by core/migrations.py."""

import asyncio
import json
import logging
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar

import asyncpg

from app.core import wakeup
from app.core.config import REPO_ROOT

log = logging.getLogger(__name__)
SCHEMA_FILE = REPO_ROOT / "database.sql"

if TYPE_CHECKING:
    from asyncpg.pool import PoolConnectionProxy

    # What repositories take: a plain connection or one acquired from the pool (asyncpg-stubs
    # types them apart; at run time the proxy forwards every call to its connection).
    Connection: TypeAlias = asyncpg.Connection[asyncpg.Record] | PoolConnectionProxy[asyncpg.Record]
else:
    Connection = asyncpg.Connection


def present(row: asyncpg.Record | None) -> asyncpg.Record:
    """A row the statement always returns (INSERT ... RETURNING, an upsert, an aggregate)."""
    if row is None:
        raise RuntimeError("the statement returned no row")
    return row


T = TypeVar("T")


async def fetch_value(conn: "Connection", kind: type[T], sql: str, *args: object) -> T:
    """The one value a statement always returns (INSERT ... RETURNING id, EXISTS, count), checked
    to be of `kind`: asyncpg's fetchval is untyped, so a repository states its SQL's type here."""
    value = await conn.fetchval(sql, *args)
    if not isinstance(value, kind):
        raise TypeError(f"the statement returned {type(value).__name__}, not {kind.__name__}")
    return value


async def fetch_optional(conn: "Connection", kind: type[T], sql: str, *args: object) -> T | None:
    """Like fetch_value, for a statement that may return no row or NULL (a lookup, an insert
    ON CONFLICT DO NOTHING)."""
    value = await conn.fetchval(sql, *args)
    if value is not None and not isinstance(value, kind):
        raise TypeError(f"the statement returned {type(value).__name__}, not {kind.__name__}")
    return value


async def _init_connection(conn: asyncpg.Connection) -> None:
    # jsonb in and out as Python objects, so repositories never json.dumps by hand.
    await conn.set_type_codec("jsonb", encoder=json.dumps, decoder=json.loads, schema="pg_catalog")


async def _reset_on_release(conn: asyncpg.Connection) -> None:
    """Nothing to reset beyond what asyncpg always does on release.

    Before calling a custom reset, asyncpg rolls back a transaction the connection was returned
    in (``Connection._reset``: a request that failed or was cancelled mid-transaction leaves no
    locks or half-done writes behind). Its default reset query on top of that (advisory unlock
    all, ``CLOSE ALL``, ``UNLISTEN *``, ``RESET ALL``) is one more round trip on every release,
    and buys nothing here: pool connections never hold session state — no session ``SET``,
    ``LISTEN`` (the event listener has its own connection), session advisory locks or
    cursors outside a transaction. tests/test_pool_reset.py proves both halves.
    """


# A PostgreSQL server at max_connections refuses new sessions ("too many clients") only until
# another client disconnects. The pool opens connections lazily, so a burst (20 parallel
# refreshes) makes it grow exactly when a busy server may be full; failing that request with
# 503 would turn a momentary peak into an error. The pool waits for a slot instead, briefly.
_CONNECT_RETRY_DELAYS = (0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 2.0)


async def _connect_when_a_slot_frees(*args: Any, **kwargs: Any) -> asyncpg.Connection:
    for delay in _CONNECT_RETRY_DELAYS:
        try:
            return await asyncpg.connect(*args, **kwargs)
        except asyncpg.exceptions.TooManyConnectionsError:
            log.warning("database is at max_connections; retrying in %.2f s", delay)
            await asyncio.sleep(delay)
    return await asyncpg.connect(*args, **kwargs)  # still full after ~5 s: the 503 is real


async def create_pool(
    dsn: str, min_size: int = 1, max_size: int = 10, *, deferred_wakeup: bool = False
) -> asyncpg.Pool:
    """`deferred_wakeup`: events written on these connections NOTIFY nobody from the trigger;
    the process's core/wakeup.Waker sends the wake-up instead (the app's server pool)."""
    return await asyncpg.create_pool(
        dsn,
        min_size=min_size,
        max_size=max_size,
        connect=_connect_when_a_slot_frees,
        init=_init_connection,
        reset=_reset_on_release,
        command_timeout=30,
        # Connections that died with a database restart are dropped and replaced on next use.
        max_inactive_connection_lifetime=60,
        # asyncpg prepares every statement; PostgreSQL would still re-plan the gallery listing on
        # each call (its custom plans look cheaper than the generic one), spending more time
        # planning than executing. The generic plans use the same indexes (bench/RESULTS.md).
        server_settings={
            "plan_cache_mode": "force_generic_plan",
            # No parallel query for request traffic: a gather would give one request several
            # cores (and worker processes) while every other request waits; the app's queries
            # are index lookups of one page, where parallel workers only add start-up cost.
            "max_parallel_workers_per_gather": "0",
            **(wakeup.DEFERRED_SETTING if deferred_wakeup else {}),
        },
    )

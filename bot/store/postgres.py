"""zoombot's PostgreSQL store: the SQLite store's methods, async, for several instances.

`await PostgresStore.open("postgresql://user:pass@host:5432/db", owner=...)` opens an
asyncpg pool and applies the schema's migrations (`bot.store.postgres_schema`) under an advisory
lock, so instances starting together migrate once. Every method of `bot.store.Store` is here
as a coroutine of the same name, arguments and return shape (dicts with the same keys and
value types, timestamps as the same ISO strings, JSON columns as the same strings): callers
cannot tell the backends apart (tests/store_pg/test_same_as_sqlite.py). No call blocks the
event loop. A database failure raises `bot.errors.StoreUnavailable` with a short sentence;
the URL's password is never in a log line or an exception's text.

What a shared database adds (docstrings of each say more):
- `claim_request` decides with one atomic statement: of instances claiming one key at
  once, exactly one gets None. The claim names its instance; `unstarted_claims` settles
  only claims whose instance is gone (heartbeats, as the outbox).
- `take_pending_outbox` and `unsettled_creates` take leases (`FOR UPDATE SKIP LOCKED`, an
  owner and an expiry `lease` seconds on, by the store's clock): an entry is worked by one
  instance at a time, and one whose instance died is taken over once its lease runs out.
  The delivering instance keeps its outbox lease alive through `add_to_outbox` and
  `outbox_attempted`. Lease times are epoch seconds of each instance's clock, as the
  outbox's `next_attempt_at` already is: keep the instances' clocks in step (NTP).
- `meeting_lock(meeting_id)` serialises one meeting's Zoom events across instances.
- `listen`/`notify` carry cache invalidations (`set_host_mapping` notifies
  `HOST_MAPPING_CHANNEL` itself, in the same statement; `set_preferences` notifies
  `PREFERENCES_CHANNEL`, which empties every instance's kept preferences of that user).

Cheap per command (bench/instances.py --load prints the database transactions per
command): every call is one round trip, a write that touches several tables is one
statement (data-modifying WITH), the pools skip asyncpg's reset query on release, and
commits do not wait for the disk (see `open`).

Here: opening, migrating, closing, health and secrets, and the small SQL helpers. The
methods are mixed in from one module per table group: postgres_requests.py (claims and
create intents), postgres_outbox.py (the outbox, leases, heartbeats), postgres_meetings.py
(meetings, Zoom's events, the meeting lock), postgres_people.py (host mappings, caches,
preferences), postgres_listen.py (LISTEN/NOTIFY); postgres_base.py has what they share.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets as _secrets
import socket
import time
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import asyncpg

from bot.errors import StoreUnavailable
from bot.logs import add_secrets
from bot.store.common import Callbacks
from bot.store.connections import PostgresConnections
from bot.store.installations import PostgresInstallations
from bot.store.postgres_base import (
    COLUMN_LIST,
    DB_ERRORS,
    NEEDS_RESET,
    coerce,
    guarded,
    record_dict,
    safe_url,
)
from bot.store.postgres_calls import PostgresCalls
from bot.store.postgres_listen import PostgresListening
from bot.store.postgres_lock import PostgresMeetingLock
from bot.store.postgres_meetings import PostgresMeetings
from bot.store.postgres_outbox import PostgresOutbox
from bot.store.postgres_people import PREFERENCES_CHANNEL, PostgresPeople
from bot.store.postgres_pool import Connections
from bot.store.postgres_registration import PostgresRegistration
from bot.store.postgres_reminders import PostgresReminders
from bot.store.postgres_requests import PostgresRequests
from bot.store.postgres_schema import MIGRATIONS, Migration
from bot.store.protocol import HOST_MAPPING_CHANNEL

__all__ = [
    "HOST_MAPPING_CHANNEL",
    "LEASE_SECONDS",
    "PREFERENCES_CHANNEL",
    "PostgresStore",
    "safe_url",
]

log = logging.getLogger("zoombot.store")


LEASE_SECONDS = 60.0


class PostgresStore(
    PostgresPeople,
    PostgresRequests,
    PostgresMeetings,
    PostgresMeetingLock,
    PostgresOutbox,
    PostgresListening,
    PostgresConnections,
    PostgresInstallations,
    PostgresCalls,
    PostgresReminders,
    PostgresRegistration,
):
    """The store on PostgreSQL. Open with `await PostgresStore.open(url)`; `await close()`."""

    def __init__(
        self,
        pool: Connections,
        lock_pool: Connections,
        *,
        ack_pool: Connections | None = None,
        url: str,
        owner: str,
        lease: float,
        clock: Callable[[], float],
        connect_args: dict[str, Any],
    ) -> None:
        self._pool = pool
        self._lock_pool = lock_pool
        self._ack_pool = ack_pool or pool
        self.url = safe_url(url)
        self.backend = "postgresql"
        self.owner = owner
        self.lease = lease
        self._clock = clock
        self._connect_args = connect_args
        self._password = urlsplit(url).password
        self.write_problem: str | None = None
        self._listener: asyncpg.Connection | None = None
        self._listeners = Callbacks()
        self._listen_lock = asyncio.Lock()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._closing = False
        self._holds: dict[int, list[Any]] = {}  # meeting id -> its locks' kept rows
        # Preferences read on every command, kept here once this instance listens for their
        # changes (`PREFERENCES_CHANNEL`); `_prefs_generation` moves on each invalidation,
        # so a read that overlapped one is not kept.
        self._prefs: dict[str, dict[str, Any] | None] | None = None
        self._prefs_generation = 0

    def __repr__(self) -> str:
        return f"PostgresStore({self.url!r}, owner={self.owner!r})"

    @classmethod
    async def open(
        cls,
        url: str,
        *,
        owner: str | None = None,
        lease: float = LEASE_SECONDS,
        clock: Callable[[], float] = time.time,
        min_size: int = 1,
        max_size: int = 20,
        lock_connections: int = 4,
        ack_connections: int = 4,
        server_settings: dict[str, str] | None = None,
        connect_timeout: float = 10.0,
        command_timeout: float = 10.0,
        migrations: Sequence[Migration] | None = None,
    ) -> PostgresStore:
        """Connect, migrate (serialised across instances) and return the store.

        Commits do not wait for the WAL's flush to disk (`synchronous_commit = off`, unless
        the URL says otherwise, e.g. `?synchronous_commit=on`): as the SQLite store's
        `synchronous = NORMAL`, a commit survives the app's crash (PostgreSQL has it), and a
        crash of the database server or its machine may lose the last fraction of a second
        of commits but never leaves the database inconsistent. It saves a disk flush on
        every store write (each command makes five).

        `owner` names this instance (its leases, `application_name`); `lease` is how long a
        taken outbox entry or unsettled create stays this instance's without news from it.
        `lock_connections` is the size of the separate pool `meeting_lock` holds its locks
        on (so lock holders never starve the store's own calls); `ack_connections` that of
        the pool `claim_request` alone uses: a command's claim is what its acknowledgement
        waits for, and there it never queues behind the work of commands already acked.
        `server_settings` go to every connection (e.g. `{"search_path": "zb_test"}`).
        Raises StoreUnavailable."""
        add_secrets(urlsplit(url).password)
        owner = owner or f"{socket.gethostname()}-{os.getpid()}-{_secrets.token_hex(3)}"
        settings = {"application_name": f"zoombot {owner}"[:63]}
        if "synchronous_commit" not in dict(parse_qsl(urlsplit(url).query)):
            settings["synchronous_commit"] = "off"
        settings.update(server_settings or {})
        connect_args: dict[str, Any] = {
            "dsn": url,
            "server_settings": settings,
            "timeout": connect_timeout,
            "command_timeout": command_timeout,
        }
        pool: Connections | None = None
        lock_pool: Connections | None = None
        ack_pool: Connections | None = None
        try:
            pool = await Connections.open(connect_args, min_size=min_size, max_size=max_size)
            lock_pool = await Connections.open(connect_args, min_size=0, max_size=lock_connections)
            ack_pool = await Connections.open(
                connect_args, min_size=min(1, ack_connections), max_size=ack_connections
            )
        except (*DB_ERRORS, ValueError) as error:
            for opened in (pool, lock_pool, ack_pool):
                if opened is not None:
                    await opened.close()
            text = str(error)
            if (password := urlsplit(url).password) and password in text:
                text = text.replace(password, "***")
            sentence = (
                f"The database at {safe_url(url)} could not be opened"
                f" ({type(error).__name__}: {text})."
            )
            log.error("%s", sentence)
            raise StoreUnavailable(sentence) from None
        store = cls(
            pool,
            lock_pool,
            ack_pool=ack_pool,
            url=url,
            owner=owner,
            lease=lease,
            clock=clock,
            connect_args=connect_args,
        )
        try:
            version = await store.migrate(migrations)
            if migrations is None:  # (a test's partial schema may lack these tables)
                await store._keep_preferences()
                # Alive from the start: the claims this store records are its instance's.
                # (A database that cannot be written says so at `check_writable`.)
                with contextlib.suppress(StoreUnavailable):
                    await store.heartbeat(store.owner)
        except BaseException:
            await store.close()
            raise
        log.info("store: PostgreSQL at %s, schema version %d", store.url, version)
        return store

    def _failure(self, action: str, error: BaseException) -> str:
        """The sentence for a failed call, logged once (the password never in it)."""
        detail = str(error).splitlines()[0] if str(error) else ""
        if self._password and self._password in detail:
            detail = detail.replace(self._password, "***")
        sentence = f"The database could not {action} ({type(error).__name__})."
        log.warning(
            "store: could not %s at %s: %s %s", action, self.url, type(error).__name__, detail
        )
        return sentence

    @guarded("read the passcodes", write=False)
    async def meeting_passcodes(self) -> list[str]:
        """Every stored meeting's passcode (for the log redaction at start)."""
        rows = await self._pool.fetch("SELECT passcode FROM meetings WHERE passcode IS NOT NULL")
        return [passcode for (passcode,) in rows if passcode]

    # -- the one place that applies the schema ---------------------------------------------

    @guarded("apply the schema", write=True)
    async def migrate(self, migrations: Sequence[Migration] | None = None) -> int:
        """Apply the migrations not applied yet, each in a transaction with its record in
        `schema_migrations`, holding an advisory lock (per schema) while doing so: a second
        instance starting at the same moment waits, then finds them applied. Returns the
        version (the number of migrations applied, ever)."""
        steps = list(MIGRATIONS if migrations is None else migrations)
        async with self._pool.acquire() as conn:
            key = "hashtextextended('zoombot:migrate:' || COALESCE(current_schema(), ''), 0)"
            # Released with the full reset, whatever happens below (the pool hands out a
            # proxy; its reset is given the connection itself).
            NEEDS_RESET.add(getattr(conn, "_con", None) or conn)
            await conn.execute(f"SELECT pg_advisory_lock({key})", timeout=600)
            try:
                if await conn.fetchval("SELECT to_regclass('schema_migrations')") is None:
                    await conn.execute(
                        "CREATE TABLE schema_migrations ("
                        " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                        " applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
                    )
                done = {r[0] for r in await conn.fetch("SELECT version FROM schema_migrations")}
                for number, step in enumerate(steps, start=1):
                    if number in done:
                        continue
                    async with conn.transaction():
                        await step(conn)
                        await conn.execute(
                            "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                            number,
                            step.__name__,
                        )
                    log.info("store: applied migration %d (%s)", number, step.__name__)
                return int(
                    await conn.fetchval("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
                )
            finally:
                await conn.execute(f"SELECT pg_advisory_unlock({key})")

    async def aclose(self) -> None:
        """The Store protocol's name for `close()`."""
        await self.close()

    async def close(self) -> None:
        """Close the listener connection and the pools (waiting for calls in progress)."""
        self._closing = True
        for task in list(self._tasks):
            task.cancel()
        self._listeners.cancel()
        if self._listener is not None:
            with contextlib.suppress(*DB_ERRORS):
                await self._listener.close(timeout=5)
            self._listener = None
        await self._lock_pool.close()
        if self._ack_pool is not self._pool:
            await self._ack_pool.close()
        await self._pool.close()

    # -- health and secrets ----------------------------------------------------------------

    async def check_writable(self) -> str | None:
        """Write one row now. None when that worked; else the sentence saying why not, which
        is also kept in `write_problem` (until a write succeeds)."""
        try:
            await self._write_health()
        except StoreUnavailable as error:
            return error.sentence
        return None

    @guarded("be written", write=True)
    async def _write_health(self) -> None:
        await self._pool.execute(
            "INSERT INTO store_health (id, checked_at, checked_by) VALUES (1, $1, $2)"
            " ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at,"
            " checked_by = excluded.checked_by",
            self._clock(),
            self.owner,
        )

    @guarded("read or write a secret", write=True)
    async def secret(self, name: str, *, size: int = 32) -> bytes:
        """The secret called `name`: `size` random bytes generated the first time any
        instance asks, and the same bytes for every instance ever after."""
        fresh = _secrets.token_bytes(size)
        async with self._pool.acquire() as conn:
            value = await conn.fetchval(
                "INSERT INTO secrets (name, value, created_at) VALUES ($1, $2, $3)"
                " ON CONFLICT (name) DO NOTHING RETURNING value",
                name,
                fresh,
                self._clock(),
            )
            if value is None:  # another instance made it first: read theirs
                value = await conn.fetchval("SELECT value FROM secrets WHERE name = $1", name)
        return bytes(value)

    # -- small helpers ---------------------------------------------------------------------

    async def _one(self, table: str, where: str, *args: Any) -> dict[str, Any] | None:
        return record_dict(
            await self._pool.fetchrow(
                f"SELECT {COLUMN_LIST[table]} FROM {table} WHERE {where}",  # noqa: S608 - our names
                *args,
            )
        )

    async def _update(self, table: str, pk: str, key: Any, changes: dict[str, Any]) -> None:
        if not changes:
            return
        changes = coerce(table, changes)
        key = coerce(table, {pk: key})[pk]
        sets = ", ".join(f'"{c}" = ${i}' for i, c in enumerate(changes, start=2))
        await self._pool.execute(
            f'UPDATE {table} SET {sets} WHERE "{pk}" = $1',  # noqa: S608 - our names
            key,
            *changes.values(),
        )

    @staticmethod
    def _upsert_sql(table: str, row: dict[str, Any], pk: str, *, returning: bool = False) -> str:
        """Insert `row`, or update only the columns it names where `pk` exists already."""
        columns = ", ".join(f'"{c}"' for c in row)
        marks = ", ".join(f"${i}" for i in range(1, len(row) + 1))
        updates = ", ".join(f'"{c}" = excluded."{c}"' for c in row if c != pk)
        action = f"DO UPDATE SET {updates}" if updates else "DO NOTHING"
        tail = f" RETURNING {COLUMN_LIST[table]}" if returning else ""
        return (
            f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 - our names
            f' ON CONFLICT ("{pk}") {action}{tail}'
        )

    async def _upsert(self, table: str, row: dict[str, Any], pk: str) -> None:
        row = coerce(table, row)
        await self._pool.execute(self._upsert_sql(table, row, pk), *row.values())

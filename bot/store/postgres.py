"""zoombot's PostgreSQL store: the SQLite store's methods, async, for several instances.

`await PostgresStore.open("postgresql://user:pass@host:5432/db", owner=...)` opens its
pools of asyncpg connections (postgres_pool.py) and applies the schema's migrations
(`bot.store.postgres_schema`) under an advisory lock, so instances starting together
migrate once. Every method of `bot.store.Store` is here
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
- `meeting_lock(meeting_id)` serialises one meeting's Zoom events (and its reminder)
  across instances; taking it reads the meeting's and reminder's rows, which the block's
  `meeting`/`reminder` calls are answered from (postgres_lock.py).
- `listen`/`notify` carry cache invalidations (`set_host_mapping` notifies
  `HOST_MAPPING_CHANNEL` itself, in the same statement; `set_preferences` notifies
  `PREFERENCES_CHANNEL`, which empties every instance's kept preferences of that user).

Cheap per command (bench/instances.py --load prints the database transactions per
command, bench/store_pg.py the CPU per call): every call is one round trip, a write that
touches several tables is one statement (data-modifying WITH), the meeting lock is one
round trip to take and one to give back, the pools are the store's own (no reset query,
no task per release), and commits do not wait for the disk (see `open`).

Here: opening and closing. The methods are mixed in from one module per table group:
postgres_requests.py (claims and create intents), postgres_outbox.py (the outbox, leases,
heartbeats), postgres_meetings.py (meetings, Zoom's events), postgres_lock.py (the meeting
lock), postgres_people.py (host mappings, caches, preferences), postgres_listen.py
(LISTEN/NOTIFY), postgres_upkeep.py (migrations, health, secrets); postgres_base.py has
what they share, postgres_pool.py the connections.
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

from bot.caching import SingleFlight
from bot.errors import StoreUnavailable
from bot.logs import add_secrets
from bot.store.common import Callbacks
from bot.store.connections import PostgresConnections
from bot.store.installations import PostgresInstallations
from bot.store.postgres_base import (
    DB_ERRORS,
    PostgresSql,
    safe_url,
)
from bot.store.postgres_batch import Coalesced
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
from bot.store.postgres_schema import Migration
from bot.store.postgres_upkeep import PostgresUpkeep
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
# Connections per instance: the store's calls, the acknowledgements' claims, the meeting locks.
# More store connections than cores only queue statements in the database's run queue, where
# the claims an acknowledgement waits for queue behind them (BENCHMARKS.md).
STORE_CONNECTIONS = 8
ACK_CONNECTIONS = 10
LOCK_CONNECTIONS = 4


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
    PostgresUpkeep,
    PostgresSql,
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
        # so a read that overlapped one is not kept; one read at a time per user and
        # generation (`_prefs_reads`): a burst of one person's commands shares it.
        self._prefs: dict[str, dict[str, Any] | None] | None = None
        self._prefs_generation = 0
        self._prefs_reads = SingleFlight()
        # Posts marked sent, creates noted, while another such statement is in flight go
        # as one statement.
        self._posted = Coalesced(self._outbox_posted_many)
        self._creates_started = Coalesced(self._note_creates_started)

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
        max_size: int = STORE_CONNECTIONS,
        lock_connections: int = LOCK_CONNECTIONS,
        ack_connections: int = ACK_CONNECTIONS,
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
        A claim holds its connection until its task runs again, a turn of a busy loop
        later, so the pool is sized for a burst (with 4, ack p99 at 30 commands at once
        was about twice what it is with 10: BENCHMARKS.md).
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

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
  once, exactly one gets None.
- `take_pending_outbox` and `unsettled_creates` take leases (`FOR UPDATE SKIP LOCKED`, an
  owner and an expiry `lease` seconds on, by the store's clock): an entry is worked by one
  instance at a time, and one whose instance died is taken over once its lease runs out.
  The delivering instance keeps its outbox lease alive through `add_to_outbox` and
  `outbox_attempted`. Lease times are epoch seconds of each instance's clock, as the
  outbox's `next_attempt_at` already is: keep the instances' clocks in step (NTP).
- `meeting_lock(meeting_id)` serialises one meeting's Zoom events across instances.
- `listen`/`notify` carry cache invalidations (`set_host_mapping` notifies
  `HOST_MAPPING_CHANNEL` itself, in its own transaction).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import inspect
import json
import logging
import os
import secrets as _secrets
import socket
import time
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any, ParamSpec, TypeVar
from urllib.parse import parse_qsl, urlsplit, urlunsplit

import asyncpg

from bot.errors import StoreUnavailable
from bot.logs import add_secrets
from bot.store.postgres_schema import COLUMNS, MIGRATIONS, Migration
from bot.store.protocol import HOST_MAPPING_CHANNEL

log = logging.getLogger("zoombot.store")

P = ParamSpec("P")
T = TypeVar("T")

LEASE_SECONDS = 60.0
# `notify`'s channel for changed preferences (payload: the Slack user id), and how many
# users' preferences an instance keeps at most.
PREFERENCES_CHANNEL = "zoombot_preferences"
PREFERENCES_KEPT = 10_000

_TYPES = {table: dict(columns) for table, columns in COLUMNS.items()}
_SELECT = {table: ", ".join(f'"{c}"' for c, _ in columns) for table, columns in COLUMNS.items()}

# Connections that took a session-level advisory lock (`migrate`): asyncpg's full reset
# (`pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL`) runs on their release only.
_NEEDS_RESET: weakref.WeakSet[asyncpg.Connection] = weakref.WeakSet()


async def _release_cheaply(conn: asyncpg.Connection) -> None:
    """The pools' reset at release. The store's statements leave no session state behind
    (no session locks but `migrate`'s, no cursors, no LISTEN on pool connections, no SET),
    so asyncpg's default reset query, one more round trip for every call the store makes,
    is sent only for a connection `migrate` marked. (An open transaction is still rolled
    back: asyncpg does that before calling this.)"""
    if conn in _NEEDS_RESET:
        _NEEDS_RESET.discard(conn)
        await conn.execute(conn.get_reset_query())


# Errors that mean "the database could not do it"; anything else is a bug of ours.
_DB_ERRORS = (asyncpg.PostgresError, asyncpg.InterfaceError, OSError, TimeoutError)


def safe_url(url: str) -> str:
    """`url` with its password replaced by `***` (for logs, errors and skip reasons)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "(a database URL that could not be read)"
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[1]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc}"))


def _live(column: str, now: str, lease: str) -> str:
    """SQL: the instance named in `column` heartbeat within a lease of `now`."""
    return (
        f"EXISTS (SELECT 1 FROM instances i WHERE i.owner = {column}"  # noqa: S608 - ours
        f" AND i.heartbeat_at > {now} - {lease}::float8)"
    )


def _now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def _coerce(table: str, row: dict[str, Any]) -> dict[str, Any]:
    """`row`'s values as SQLite's column affinity would have stored them (an int for a
    boolean, text for a number given to a text column). Unknown columns are a ValueError,
    which also keeps every name that reaches SQL one of ours."""
    types = _TYPES[table]
    out: dict[str, Any] = {}
    for name, value in row.items():
        kind = types.get(name)
        if kind is None:
            raise ValueError(f"{table} has no column {name!r}")
        if value is not None and type(value) is not kind:
            if kind is str:
                value = str(int(value)) if isinstance(value, bool) else str(value)
            elif kind is int and (
                isinstance(value, bool) or (isinstance(value, float) and value.is_integer())
            ):
                value = int(value)
            elif kind is int and isinstance(value, str) and value.strip().lstrip("-").isdigit():
                value = int(value)
            elif kind is float and isinstance(value, int | str):
                value = float(value)
        out[name] = value
    return out


def _row(record: asyncpg.Record | None) -> dict[str, Any] | None:
    return dict(record) if record is not None else None


def _outbox_row(row: dict[str, Any]) -> dict[str, Any]:
    """An outbox row with its JSON columns decoded (as bot/store.py does)."""
    row = dict(row)
    for key in ("message", "fallback"):
        row[key] = json.loads(row[key]) if row.get(key) else None
    return row


def _guarded(action: str, *, write: bool) -> Callable[[Callable[P, Awaitable[T]]], Any]:
    """Turn a database failure inside the method into StoreUnavailable("The database could
    not <action> …"), logged once; a write's failure also sets `write_problem`."""

    def wrap(method: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[T]]:
        @functools.wraps(method)
        async def guarded(*args: P.args, **kwargs: P.kwargs) -> T:
            store = args[0]
            try:
                result = await method(*args, **kwargs)
            except ValueError:
                raise  # our bug (a bad argument), not the database's
            except _DB_ERRORS as error:
                sentence = store._failure(action, error)
                if write:
                    store.write_problem = sentence
                raise StoreUnavailable(sentence) from error
            if write and store.write_problem is not None:
                store.write_problem = None
            return result

        return guarded

    return wrap


class PostgresStore:
    """The store on PostgreSQL. Open with `await PostgresStore.open(url)`; `await close()`."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        lock_pool: asyncpg.Pool,
        *,
        url: str,
        owner: str,
        lease: float,
        clock: Callable[[], float],
        connect_args: dict[str, Any],
    ) -> None:
        self._pool = pool
        self._lock_pool = lock_pool
        self.url = safe_url(url)
        self.backend = "postgresql"
        self.owner = owner
        self.lease = lease
        self._clock = clock
        self._connect_args = connect_args
        self._password = urlsplit(url).password
        self.write_problem: str | None = None
        self._listener: asyncpg.Connection | None = None
        self._listeners: dict[str, list[Callable[[str | None], Any]]] = {}
        self._listen_lock = asyncio.Lock()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._closing = False
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
        on (so lock holders never starve the store's own calls). `server_settings` go to
        every connection (e.g. `{"search_path": "zb_test"}`). Raises StoreUnavailable."""
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
        pool: asyncpg.Pool | None = None
        lock_pool: asyncpg.Pool | None = None
        try:
            pool = await asyncpg.create_pool(
                min_size=min(min_size, max_size),
                max_size=max_size,
                reset=_release_cheaply,
                **connect_args,
            )
            lock_pool = await asyncpg.create_pool(
                min_size=0, max_size=lock_connections, reset=_release_cheaply, **connect_args
            )
        except (*_DB_ERRORS, ValueError) as error:
            for opened in (pool, lock_pool):
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

    async def _keep_preferences(self) -> None:
        """Keep preferences in this process from now on, if changes can be heard."""
        try:
            await self.listen(PREFERENCES_CHANNEL, self._preferences_changed)
        except StoreUnavailable:
            return  # (logged) every read asks the database, as before
        self._prefs = {}

    def _preferences_changed(self, slack_user_id: str | None) -> None:
        """A notification: `slack_user_id`'s preferences changed (None: anyone's may have)."""
        self._prefs_generation += 1
        if self._prefs is not None:
            if slack_user_id is None:
                self._prefs.clear()
            else:
                self._prefs.pop(slack_user_id, None)

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

    @_guarded("read the passcodes", write=False)
    async def meeting_passcodes(self) -> list[str]:
        """Every stored meeting's passcode (for the log redaction at start)."""
        rows = await self._pool.fetch("SELECT passcode FROM meetings WHERE passcode IS NOT NULL")
        return [passcode for (passcode,) in rows if passcode]

    # -- the one place that applies the schema ---------------------------------------------

    @_guarded("apply the schema", write=True)
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
            _NEEDS_RESET.add(getattr(conn, "_con", None) or conn)
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
        """Close the listener connection and both pools (waiting for calls in progress)."""
        self._closing = True
        for task in list(self._tasks):
            task.cancel()
        if self._listener is not None:
            with contextlib.suppress(*_DB_ERRORS):
                await self._listener.close(timeout=5)
            self._listener = None
        await self._lock_pool.close()
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

    @_guarded("be written", write=True)
    async def _write_health(self) -> None:
        await self._pool.execute(
            "INSERT INTO store_health (id, checked_at, checked_by) VALUES (1, $1, $2)"
            " ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at,"
            " checked_by = excluded.checked_by",
            self._clock(),
            self.owner,
        )

    @_guarded("read or write a secret", write=True)
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
        return _row(
            await self._pool.fetchrow(
                f"SELECT {_SELECT[table]} FROM {table} WHERE {where}",  # noqa: S608 - our names
                *args,
            )
        )

    async def _update(self, table: str, pk: str, key: Any, changes: dict[str, Any]) -> None:
        if not changes:
            return
        changes = _coerce(table, changes)
        key = _coerce(table, {pk: key})[pk]
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
        tail = f" RETURNING {_SELECT[table]}" if returning else ""
        return (
            f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 - our names
            f' ON CONFLICT ("{pk}") {action}{tail}'
        )

    async def _upsert(self, table: str, row: dict[str, Any], pk: str) -> None:
        row = _coerce(table, row)
        await self._pool.execute(self._upsert_sql(table, row, pk), *row.values())

    # -- host mappings ---------------------------------------------------------------------

    @_guarded("read a host mapping", write=False)
    async def host_mapping(self, slack_user_id: str) -> dict[str, Any] | None:
        return await self._one("host_mappings", "slack_user_id = $1", slack_user_id)

    @_guarded("save a host mapping", write=True)
    async def set_host_mapping(self, slack_user_id: str, zoom_email: str, set_by: str) -> dict:
        """Save the mapping and notify `HOST_MAPPING_CHANNEL` (payload: the Slack user id)
        in the same statement, so every instance's listeners hear of it once committed."""
        row = {
            "slack_user_id": slack_user_id,
            "zoom_email": zoom_email,
            "set_by": set_by,
            "set_at": _now_iso(),
        }
        n = len(row)
        await self._pool.execute(
            f"WITH saved AS ({self._upsert_sql('host_mappings', row, 'slack_user_id')})"
            f" SELECT pg_notify(${n + 1}, ${n + 2})",
            *row.values(),
            HOST_MAPPING_CHANNEL,
            slack_user_id,
        )
        return row

    # -- caches ----------------------------------------------------------------------------

    @_guarded("read the Slack profile cache", write=False)
    async def cached_slack_user(self, user_id: str, max_age: float) -> dict[str, Any] | None:
        """The users.info `user` object if fetched less than `max_age` seconds ago."""
        row = await self._pool.fetchrow(
            "SELECT profile, fetched_at FROM slack_users WHERE id = $1", user_id
        )
        if row is None or self._clock() - row["fetched_at"] > max_age:
            return None
        return json.loads(row["profile"])

    @_guarded("write the Slack profile cache", write=True)
    async def cache_slack_user(self, user_id: str, user: dict[str, Any]) -> None:
        row = {"id": user_id, "profile": json.dumps(user), "fetched_at": self._clock()}
        await self._upsert("slack_users", row, "id")

    @_guarded("read the Zoom user cache", write=False)
    async def cached_zoom_user(self, email: str, max_age: float) -> tuple[bool, dict | None]:
        """(hit, user). A hit with user None means Zoom said there is no such user."""
        row = await self._pool.fetchrow(
            'SELECT "user", fetched_at FROM zoom_users WHERE email = $1', email.lower()
        )
        if row is None or self._clock() - row["fetched_at"] > max_age:
            return False, None
        raw = row["user"]
        return True, (json.loads(raw) if raw else None)

    @_guarded("write the Zoom user cache", write=True)
    async def cache_zoom_user(self, email: str, user: dict[str, Any] | None) -> None:
        row = {
            "email": email.lower(),
            "user": json.dumps(user) if user is not None else None,
            "fetched_at": self._clock(),
        }
        await self._upsert("zoom_users", row, "email")

    @_guarded("write the Zoom user cache", write=True)
    async def forget_zoom_user(self, email: str) -> None:
        await self._pool.execute("DELETE FROM zoom_users WHERE email = $1", email.lower())

    # -- idempotency -----------------------------------------------------------------------

    @_guarded("record the request", write=True)
    async def claim_request(
        self, key: str, *, window: float | None = None, details: dict[str, Any] | None = None
    ) -> dict[str, Any] | None:
        """Record `key` before Slack is acknowledged. Returns None if this caller now owns it,
        or the earlier row if the same key was claimed before (within `window` seconds, if
        set). `details` (kind, requester, channel, thread_ts, response_url) go in the same
        statement.

        One statement decides, atomically across instances: it inserts the claim, or takes
        over an earlier one that was refused or failed (or is older than `window`), or does
        nothing. Only when it did nothing is the earlier row read (a second statement).
        The claim records this store's owner (`claim_owner`, see `unstarted_claims`)."""
        extra = _coerce("requests", dict(details or {}))  # unknown columns: ValueError
        names = "".join(f', "{c}"' for c in extra)
        marks = "".join(f", ${i}" for i in range(4, 4 + len(extra)))
        sets = "".join(f', "{c}" = excluded."{c}"' for c in extra)
        async with self._pool.acquire() as conn:
            won = await conn.fetchval(
                "INSERT INTO requests (key, meeting_id, state, created_at,"  # noqa: S608
                " create_started_at, create_owner, lease_owner, lease_until,"
                f" claim_owner{names})"
                f" VALUES ($1, NULL, 'claimed', $2, NULL, NULL, NULL, NULL, ${4 + len(extra)}"
                f"{marks})"
                " ON CONFLICT (key) DO UPDATE SET meeting_id = NULL, state = 'claimed',"
                " created_at = excluded.created_at, create_started_at = NULL,"
                " create_owner = NULL, lease_owner = NULL, lease_until = NULL,"
                f" claim_owner = excluded.claim_owner{sets}"
                " WHERE requests.state IN ('refused', 'failed')"
                " OR ($3::float8 IS NOT NULL AND excluded.created_at - requests.created_at >= $3)"
                " RETURNING true",
                key,
                float(self._clock()),
                None if window is None else float(window),
                *extra.values(),
                self.owner,
            )
            if won:
                return None
            return _row(
                await conn.fetchrow(
                    f"SELECT {_SELECT['requests']} FROM requests WHERE key = $1",  # noqa: S608
                    key,
                )
            )

    @_guarded("settle the request", write=True)
    async def settle_request(self, key: str, *, state: str, meeting_id: int | None = None) -> None:
        await self._update("requests", "key", key, {"state": state, "meeting_id": meeting_id})

    @_guarded("read the request", write=False)
    async def request(self, key: str) -> dict[str, Any] | None:
        return await self._one("requests", "key = $1", key)

    @_guarded("record the create", write=True)
    async def note_create_started(self, key: str, intent: dict[str, Any]) -> None:
        """Record, on the claimed request `key`, what a later start needs to find the meeting
        Zoom may make and to tell the person (the v4 columns). Call right before Zoom is."""
        await self._update("requests", "key", key, intent)

    @_guarded("read the unsettled creates", write=True)
    async def unsettled_creates(self, owner: str) -> list[dict[str, Any]]:
        """Creates another process than `owner` started and did not see through (requests
        still `claimed` with no meeting; `created` ones whose meeting never reached the
        outbox), oldest first, leased to `owner` for `lease` seconds.

        Rows another instance holds a live lease on are not returned; rows `owner` holds
        are (again, the lease renewed), so a second call by the same instance sees what the
        first took. A lease lapses on its own: the create is then anyone's to settle."""
        now = float(self._clock())
        cols = ", ".join(f'r."{c}"' for c, _ in COLUMNS["requests"])
        rows = await self._pool.fetch(
            "WITH taken AS (SELECT key FROM requests"  # noqa: S608 - our names
            " WHERE state IN ('claimed', 'created') AND create_started_at IS NOT NULL"
            " AND (create_owner IS NULL OR create_owner <> $1)"
            " AND ((state = 'claimed' AND meeting_id IS NULL)"
            "   OR (state = 'created' AND meeting_id IS NOT NULL AND NOT EXISTS"
            "     (SELECT 1 FROM outbox WHERE outbox.meeting_id = requests.meeting_id)))"
            f" AND NOT {_live('create_owner', '$2', '$3')}"
            f" AND (lease_owner = $1 OR NOT {_live('lease_owner', '$2', '$3')})"
            " AND (lease_until IS NULL OR lease_until <= $2 OR lease_owner = $1)"
            " ORDER BY create_started_at FOR UPDATE OF requests SKIP LOCKED)"
            " UPDATE requests r SET lease_owner = $1, lease_until = $2 + $3::float8"
            f" FROM taken WHERE r.key = taken.key RETURNING {cols}",
            owner,
            now,
            float(self.lease),
        )
        found = [dict(r) for r in rows]
        found.sort(key=lambda r: r["create_started_at"])
        return found

    @_guarded("read the unstarted requests", write=True)
    async def unstarted_claims(self, before: float) -> list[dict[str, Any]]:
        """Requests still `claimed` with no create started whose instance is gone, oldest
        first, leased to this store's owner so that one instance tells each requester.

        A claim records its instance (`claim_owner`); it is taken by the heartbeat rules of
        the outbox: never while that instance's heartbeat is under a lease old, however old
        the claim (a slow create is not "nothing was made"); once it is older, or gone (a
        clean stop), whenever it was made. Never this store's own. A claim that names no
        instance (made before v4) is taken when claimed before `before` and at least a
        lease ago."""
        now = float(self._clock())
        cutoff = min(float(before), now - float(self.lease))
        cols = ", ".join(f'r."{c}"' for c, _ in COLUMNS["requests"])
        rows = await self._pool.fetch(
            "WITH taken AS (SELECT key FROM requests"  # noqa: S608 - our names
            " WHERE state = 'claimed' AND create_started_at IS NULL"
            " AND ((claim_owner IS NULL AND created_at < $3)"
            "   OR (claim_owner IS NOT NULL AND claim_owner <> $1"
            f"     AND NOT {_live('claim_owner', '$2', '$4')}))"
            " AND (lease_until IS NULL OR lease_until <= $2 OR lease_owner = $1)"
            " ORDER BY created_at FOR UPDATE OF requests SKIP LOCKED)"
            " UPDATE requests r SET lease_owner = $1, lease_until = $2 + $4::float8"
            f" FROM taken WHERE r.key = taken.key RETURNING {cols}",
            self.owner,
            now,
            cutoff,
            float(self.lease),
        )
        return sorted((dict(r) for r in rows), key=lambda r: r["created_at"])

    # -- meetings --------------------------------------------------------------------------

    @_guarded("record the meeting", write=True)
    async def record_meeting(self, row: dict[str, Any]) -> dict[str, Any]:
        """Insert (or replace) a meeting row; `zoom_id` is the key. Sets created_at, state."""
        row = {"state": "created", "created_at": _now_iso(), **row}
        await self._upsert("meetings", row, "zoom_id")
        return row

    @_guarded("record the meeting", write=True)
    async def record_created(self, row: dict[str, Any], request_key: str) -> dict[str, Any]:
        """Record a meeting Zoom made and settle its request as `created`, in one
        transaction."""
        row = {"state": "created", "created_at": _now_iso(), **row}
        stored = _coerce("meetings", row)
        key_mark = f"${len(stored) + 1}"
        zoom_id_mark = f"${list(stored).index('zoom_id') + 1}"
        # One statement (one round trip, one transaction): the upsert runs as a data-modifying
        # WITH, which PostgreSQL always runs to completion.
        await self._pool.execute(
            f"WITH m AS ({self._upsert_sql('meetings', stored, 'zoom_id')})"  # noqa: S608
            f" UPDATE requests SET state = 'created', meeting_id = {zoom_id_mark}::bigint"
            f" WHERE key = {key_mark}",
            *stored.values(),
            request_key,
        )
        return row

    @_guarded("update the meeting", write=True)
    async def update_meeting(self, zoom_id: int, **changes: Any) -> None:
        await self._update("meetings", "zoom_id", zoom_id, changes)

    @_guarded("read the meeting", write=False)
    async def meeting(self, zoom_id: int) -> dict[str, Any] | None:
        """The meeting row, or None. Its passcode is known to the log redaction from here on."""
        row = await self._one("meetings", "zoom_id = $1", int(zoom_id))
        if row:
            add_secrets(row.get("passcode"))
        return row

    @_guarded("read the meetings", write=False)
    async def meetings_by(
        self, requester: str, *, latest_first: bool = False
    ) -> list[dict[str, Any]]:
        """The requester's meeting rows, oldest first; or, `latest_first`, the last asked for
        first (by its request's clock). Passcodes learned, as `meeting`."""
        order = (
            " ORDER BY COALESCE((SELECT r.created_at FROM requests r"
            " WHERE r.key = meetings.request_key), 0) DESC, created_at DESC, zoom_id DESC"
            if latest_first
            else " ORDER BY created_at, zoom_id"
        )
        rows = [
            dict(r)
            for r in await self._pool.fetch(
                f"SELECT {_SELECT['meetings']} FROM meetings WHERE requester = $1"  # noqa: S608
                + order,
                requester,
            )
        ]
        add_secrets(*(r.get("passcode") for r in rows))
        return rows

    # -- live meetings (Zoom events) -------------------------------------------------------

    @_guarded("record the Zoom delivery", write=True)
    async def first_delivery(self, delivery_key: str) -> bool:
        """Record a Zoom delivery. True the first time this key is seen (by any instance),
        False for a repeat."""
        status = await self._pool.execute(
            "INSERT INTO zoom_deliveries (delivery_key, received_at) VALUES ($1, $2)"
            " ON CONFLICT (delivery_key) DO NOTHING",
            delivery_key,
            float(self._clock()),
        )
        return status == "INSERT 0 1"

    @_guarded("record the participant", write=True)
    async def participant_joined(self, meeting_id: int, key: str, at: str) -> None:
        """`key` is in. A join older than a leave already recorded for `key` changes nothing
        (Zoom may deliver a leave before its join). One statement."""
        await self._pool.execute(
            "INSERT INTO participants (meeting_id, participant_key, joined_at, left_at)"
            " VALUES ($1, $2, $3, NULL)"
            " ON CONFLICT (meeting_id, participant_key) DO UPDATE"
            " SET joined_at = excluded.joined_at, left_at = NULL"
            " WHERE participants.left_at IS NULL OR participants.left_at = ''"
            " OR participants.left_at < excluded.joined_at",
            int(meeting_id),
            key,
            at,
        )

    @_guarded("record the participant", write=True)
    async def participant_left(self, meeting_id: int, key: str, at: str) -> None:
        await self._pool.execute(
            "INSERT INTO participants (meeting_id, participant_key, left_at) VALUES ($1, $2, $3)"
            " ON CONFLICT (meeting_id, participant_key) DO UPDATE SET left_at = excluded.left_at",
            int(meeting_id),
            key,
            at,
        )

    @_guarded("count the participants", write=False)
    async def participant_count(self, meeting_id: int) -> int:
        """How many are in: joined and not left since."""
        count = await self._pool.fetchval(
            "SELECT COUNT(*) FROM participants WHERE meeting_id = $1 AND left_at IS NULL",
            int(meeting_id),
        )
        return int(count)

    @_guarded("forget the participants", write=True)
    async def forget_participants(self, meeting_id: int) -> None:
        """A new start of the meeting: nobody is in yet."""
        await self._pool.execute("DELETE FROM participants WHERE meeting_id = $1", int(meeting_id))

    @contextlib.asynccontextmanager
    async def meeting_lock(self, meeting_id: int, *, wait: float = 30.0) -> AsyncIterator[None]:
        """Hold the meeting's lock, across every instance on this database, for the block.

        `pg_advisory_xact_lock` on a key hashed from the meeting id, in a transaction of
        its own on a connection of the separate lock pool (the block's store calls use the
        main pool, so holders never starve them). The transaction writes nothing and is
        rolled back at the end of the block, which releases the lock; so does the
        connection's loss, in which case another instance may go ahead. Waiting longer
        than `wait` seconds for the lock raises StoreUnavailable. (Two meetings whose keys
        collide in the hash merely wait for each other.)"""
        try:
            conn = await self._lock_pool.acquire(timeout=wait)
        except _DB_ERRORS as error:
            raise StoreUnavailable(self._failure("lock the meeting", error)) from error
        transaction = conn.transaction()
        try:
            await transaction.start()
            await conn.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
                f"zoombot:meeting:{int(meeting_id)}",
                timeout=wait,
            )
        except _DB_ERRORS as error:
            await self._release_lock(conn, transaction)
            raise StoreUnavailable(self._failure("lock the meeting", error)) from error
        except BaseException:
            await self._release_lock(conn, transaction)
            raise
        try:
            yield
        finally:
            await self._release_lock(conn, transaction)

    async def _release_lock(self, conn: asyncpg.Connection, transaction: Any) -> None:
        try:
            if not conn.is_closed():
                with contextlib.suppress(asyncpg.InterfaceError):
                    await transaction.rollback()
        except _DB_ERRORS as error:
            log.warning("store: meeting lock release failed (%s)", type(error).__name__)
        finally:
            await self._lock_pool.release(conn)

    # -- preferences -----------------------------------------------------------------------

    async def preferences(self, slack_user_id: str) -> dict[str, Any] | None:
        """The user's saved preferences (a column is None where they chose nothing). Kept in
        this process after the first read, until a `set_preferences` of any instance says
        they changed (`PREFERENCES_CHANNEL`): a command reads them twice, and they rarely
        change."""
        kept = self._prefs
        if kept is not None and slack_user_id in kept:
            row = kept[slack_user_id]
            return dict(row) if row is not None else None
        generation = self._prefs_generation
        row = await self._read_preferences(slack_user_id)
        if kept is not None and generation == self._prefs_generation:
            if len(kept) >= PREFERENCES_KEPT:
                kept.clear()
            kept[slack_user_id] = dict(row) if row is not None else None
        return row

    @_guarded("read the preferences", write=False)
    async def _read_preferences(self, slack_user_id: str) -> dict[str, Any] | None:
        return await self._one("preferences", "slack_user_id = $1", slack_user_id)

    @_guarded("save the preferences", write=True)
    async def set_preferences(self, slack_user_id: str, **changes: Any) -> dict[str, Any]:
        """Save some of duration (minutes), waiting_room, post_passcode (bools as 0/1), and
        notify `PREFERENCES_CHANNEL` in the same statement."""
        row = _coerce(
            "preferences", {"slack_user_id": slack_user_id, **changes, "updated_at": _now_iso()}
        )
        self._preferences_changed(slack_user_id)
        n = len(row)
        cols = ", ".join(f'saved."{c}"' for c, _ in COLUMNS["preferences"])
        upsert = self._upsert_sql("preferences", row, "slack_user_id", returning=True)
        saved = await self._pool.fetchrow(
            f"WITH saved AS ({upsert})"  # noqa: S608 - our names
            f" SELECT {cols}, pg_notify(${n + 1}, ${n + 2}) AS notified FROM saved",
            *row.values(),
            PREFERENCES_CHANNEL,
            slack_user_id,
        )
        self._preferences_changed(slack_user_id)
        saved = dict(saved)
        del saved["notified"]
        return saved

    # -- the outbox ------------------------------------------------------------------------

    @_guarded("keep the message to post", write=True)
    async def add_to_outbox(self, row: dict[str, Any]) -> int:
        """Keep a message to post (state `pending`, no attempts yet). Returns its id. With an
        `owner`, the entry is leased to it until `lease` seconds after its next attempt."""
        now = float(self._clock())
        row = {"state": "pending", "attempts": 0, "created_at": now, **row}
        for key in ("message", "fallback"):
            if not isinstance(row.get(key), str):
                row[key] = json.dumps(row.get(key))
        row = _coerce("outbox", row)
        if row.get("owner") is not None:
            row["lease_until"] = max(now, row.get("next_attempt_at") or now) + self.lease
        columns = ", ".join(f'"{c}"' for c in row)
        marks = ", ".join(f"${i}" for i in range(1, len(row) + 1))
        entry_id = await self._pool.fetchval(
            f"INSERT INTO outbox ({columns}) VALUES ({marks}) RETURNING id",  # noqa: S608
            *row.values(),
        )
        return int(entry_id)

    @_guarded("read the outbox", write=False)
    async def outbox_entry(self, entry_id: int) -> dict[str, Any] | None:
        row = await self._one("outbox", "id = $1", int(entry_id))
        return _outbox_row(row) if row else None

    @_guarded("read the outbox", write=False)
    async def outbox_stats(self) -> tuple[int, float]:
        """(pending entries, age in seconds of the oldest pending one, 0 when none)."""
        row = await self._pool.fetchrow(
            "SELECT COUNT(*) AS depth, MIN(created_at) AS oldest FROM outbox"
            " WHERE state = 'pending'"
        )
        depth = int(row["depth"]) if row else 0
        oldest = row["oldest"] if row else None
        return depth, max(0.0, self._clock() - float(oldest)) if oldest is not None else 0.0

    @_guarded("read the outbox", write=False)
    async def outbox_entries(self, *, meeting_id: int | None = None) -> list[dict[str, Any]]:
        """Every outbox entry (of one meeting, if given), oldest first."""
        select = f"SELECT {_SELECT['outbox']} FROM outbox"  # noqa: S608
        if meeting_id is None:
            rows = await self._pool.fetch(f"{select} ORDER BY id")
        else:
            rows = await self._pool.fetch(
                f"{select} WHERE meeting_id = $1 ORDER BY id", int(meeting_id)
            )
        return [_outbox_row(dict(r)) for r in rows]

    @_guarded("record the attempt", write=True)
    async def outbox_attempted(
        self, entry_id: int, *, attempts: int, next_attempt_at: float, error: str
    ) -> None:
        """Record a failed attempt; a leased entry's lease now runs to `lease` seconds after
        `next_attempt_at` (the delivering instance is alive and will try again then)."""
        await self._pool.execute(
            "UPDATE outbox SET attempts = $2, next_attempt_at = $3, last_error = $4,"
            " lease_until = CASE WHEN owner IS NULL THEN lease_until"
            " ELSE GREATEST($3::float8, $5::float8) + $6::float8 END WHERE id = $1",
            int(entry_id),
            int(attempts),
            float(next_attempt_at),
            error,
            float(self._clock()),
            float(self.lease),
        )

    @_guarded("record the post", write=True)
    async def outbox_posted(
        self, entry_id: int, *, channel: str | None, ts: str | None, via: str, attempts: int
    ) -> None:
        """Mark the entry posted and its meeting and request with it, in one statement."""
        await self._pool.execute(
            "WITH o AS (UPDATE outbox SET state = 'posted', posted_channel = $2,"
            " posted_ts = $3, via = $4, attempts = $5, lease_until = NULL WHERE id = $1"
            " RETURNING meeting_id, request_key),"
            " m AS (UPDATE meetings SET state = 'posted', message_ts = $3,"
            " channel = COALESCE($2, meetings.channel)"
            " FROM o WHERE meetings.zoom_id = o.meeting_id)"
            " UPDATE requests SET state = 'posted', meeting_id = o.meeting_id FROM o"
            " WHERE o.request_key IS NOT NULL AND o.request_key <> ''"
            " AND requests.key = o.request_key",
            int(entry_id),
            channel,
            ts,
            via,
            int(attempts),
        )

    @_guarded("record the failure", write=True)
    async def outbox_failed(self, entry_id: int, *, error: str, attempts: int) -> None:
        """Give up on the entry: it will not be tried again. Its request says `not_posted`.
        One statement."""
        await self._pool.execute(
            "WITH o AS (UPDATE outbox SET state = 'failed', last_error = $2, attempts = $3,"
            " lease_until = NULL WHERE id = $1 RETURNING meeting_id, request_key)"
            " UPDATE requests SET state = 'not_posted', meeting_id = o.meeting_id FROM o"
            " WHERE o.request_key IS NOT NULL AND o.request_key <> ''"
            " AND requests.key = o.request_key",
            int(entry_id),
            error,
            int(attempts),
        )

    @_guarded("take over the outbox", write=True)
    async def take_pending_outbox(self, owner: str) -> list[dict[str, Any]]:
        """Take over the pending entries another instance left or let lapse, oldest first.

        An entry is taken when it is pending, not `owner`'s already, and nobody holds a live
        lease on it; it is then `owner`'s until `lease` seconds after its next attempt.
        `FOR UPDATE SKIP LOCKED`: instances taking at once never get the same entry."""
        now = float(self._clock())
        cols = ", ".join(f'o."{c}"' for c, _ in COLUMNS["outbox"])
        async with self._pool.acquire() as conn:
            rows = await conn.fetch(
                "WITH taken AS (SELECT id FROM outbox WHERE state = 'pending'"  # noqa: S608
                " AND (owner IS NULL OR owner <> $1)"
                f" AND NOT {_live('outbox.owner', '$2', '$3')}"
                " AND (lease_until IS NULL OR lease_until <= $2)"
                " ORDER BY id FOR UPDATE SKIP LOCKED)"
                " UPDATE outbox o SET owner = $1,"
                " lease_until = GREATEST(COALESCE(o.next_attempt_at, $2), $2) + $3::float8"
                f" FROM taken WHERE o.id = taken.id RETURNING {cols}",
                owner,
                now,
                float(self.lease),
            )
            found = sorted((dict(r) for r in rows), key=lambda r: r["id"])
            ids = sorted({r["meeting_id"] for r in found if r.get("meeting_id") is not None})
            if ids:
                # Their messages and private notes hold passcodes this process has never seen.
                passcodes = await conn.fetch(
                    "SELECT passcode FROM meetings WHERE zoom_id = ANY($1::bigint[])", ids
                )
                add_secrets(*(p for (p,) in passcodes))
        return [_outbox_row(r) for r in found]

    @_guarded("record the heartbeat", write=True)
    async def heartbeat(self, owner: str) -> None:
        """Say `owner` is alive (every few seconds, bot/web/runtime.py): while its heartbeat
        is under a lease old, the outbox entries and creates it owns are never taken, however
        slow its work; once older (a dead instance), they are when their leases lapse too;
        at once when its row is gone with its leases (a clean stop, `release_leases`).
        This store's own owner (the one its claims record) beats with it: both name this
        instance."""
        await self._pool.execute(
            "INSERT INTO instances (owner, heartbeat_at)"
            " SELECT DISTINCT unnest(ARRAY[$1, $2]::text[]), $3::float8"
            " ON CONFLICT (owner) DO UPDATE SET heartbeat_at = EXCLUDED.heartbeat_at",
            owner,
            self.owner,
            float(self._clock()),
        )

    @_guarded("release the leases", write=True)
    async def release_leases(self, owner: str) -> int:
        """Give up `owner`'s leases now (a stopping instance, after its grace): its pending
        outbox entries and unsettled creates are another instance's to take at once, not
        when the leases would have lapsed; so are this store's claims (`unstarted_claims`).
        Returns how many were released. PostgreSQL
        only; the embedded store has no leases."""
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute(
                "DELETE FROM instances WHERE owner = $1 OR owner = $2", owner, self.owner
            )
            posts = await conn.fetchval(
                "WITH released AS (UPDATE outbox SET lease_until = NULL"
                " WHERE owner = $1 AND state = 'pending' AND lease_until IS NOT NULL"
                " RETURNING 1) SELECT count(*) FROM released",
                owner,
            )
            creates = await conn.fetchval(
                "WITH released AS (UPDATE requests SET lease_owner = NULL, lease_until = NULL"
                " WHERE lease_owner = $1 RETURNING 1) SELECT count(*) FROM released",
                owner,
            )
        return int(posts) + int(creates)

    # -- cache invalidation across instances -----------------------------------------------

    @_guarded("send a notification", write=False)
    async def notify(self, channel: str, payload: str = "") -> None:
        """Tell every instance's `listen(channel, …)` callbacks `payload` (PostgreSQL
        NOTIFY: delivered after the sending transaction commits, at most 8000 bytes)."""
        await self._pool.execute("SELECT pg_notify($1, $2)", channel, payload)

    @_guarded("listen for notifications", write=False)
    async def listen(self, channel: str, callback: Callable[[str | None], Any]) -> None:
        """Call `callback(payload)` for each notification on `channel`, this instance's own
        included; a coroutine it returns is run as a task. On a connection of its own. If
        that connection is lost, it is opened again and every callback is called with None:
        notifications may have been missed, so whatever they guard should be dropped."""
        async with self._listen_lock:
            conn = await self._listening_connection()
            first = channel not in self._listeners
            self._listeners.setdefault(channel, []).append(callback)
            if first:
                await conn.add_listener(channel, self._on_notification)

    async def unlisten(self, channel: str, callback: Callable[[str | None], Any]) -> None:
        """Stop calling `callback` for `channel`."""
        async with self._listen_lock:
            callbacks = self._listeners.get(channel, [])
            if callback in callbacks:
                callbacks.remove(callback)
            if not callbacks and channel in self._listeners:
                del self._listeners[channel]
                if self._listener is not None and not self._listener.is_closed():
                    with contextlib.suppress(*_DB_ERRORS):
                        await self._listener.remove_listener(channel, self._on_notification)

    async def _listening_connection(self) -> asyncpg.Connection:
        if self._listener is None or self._listener.is_closed():
            self._listener = await asyncpg.connect(**self._connect_args)
            self._listener.add_termination_listener(self._on_listener_lost)
        return self._listener

    def _on_notification(self, _conn: Any, _pid: int, channel: str, payload: str) -> None:
        self._call(channel, payload)

    def _call(self, channel: str, payload: str | None) -> None:
        for callback in list(self._listeners.get(channel, [])):
            try:
                result = callback(payload)
            except Exception:
                log.exception("store: a listener of %s failed", channel)
                continue
            if inspect.isawaitable(result):
                task = asyncio.ensure_future(result)
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)

    def _on_listener_lost(self, _conn: Any) -> None:
        if self._closing:
            return
        task = asyncio.ensure_future(self._relisten())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _relisten(self) -> None:
        """Open the listening connection again (retrying every second), listen on every
        channel, and tell every callback that messages may have been missed."""
        while not self._closing:
            try:
                async with self._listen_lock:
                    self._listener = None
                    conn = await self._listening_connection()
                    for channel in self._listeners:
                        await conn.add_listener(channel, self._on_notification)
                break
            except _DB_ERRORS as error:
                log.warning("store: listening again failed (%s)", type(error).__name__)
                await asyncio.sleep(1.0)
        for channel in list(self._listeners):
            self._call(channel, None)

"""`SQLiteStore`: the store (bot/store/protocol.py) on one SQLite file, write-ahead log on.

Statements are plain SQL on one connection, each write in one BEGIN … COMMIT
(`_Transaction`); the schema and its migrations are bot/store/schema.py's. Methods are
coroutines whose statements run on the event loop's own thread (tens of microseconds each:
`bench/store.py`), so writes are serialised without locks and no call waits for a thread
hop; each but `claim_request` (on the acknowledgement's path) first lets the loop take a
turn, so the store calls spread along a flow are where its long pieces are cut. Copying
the log into the database file (with its fsync) is kept off the loop: automatic
checkpoints are off and `Checkpointer` does them from a thread of its own.

The class is put together from one module per table group: bot/store/sqlite_people.py
(host mappings, user caches, preferences), sqlite_meetings.py (meetings, Zoom's events),
sqlite_outbox.py, sqlite_requests.py (claims and create intents), …; the connection is here;
the file's problems and checkpoints are sqlite_file.py's.

Honest about itself: opening refuses (StoreRefused) a file that is not a database, one that
cannot be written, and one another zoombot holds (bot/store/lock.py); while running, a
failed statement raises StoreUnavailable and a failed write sets `write_problem`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import sqlite3
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import sqlite_utils

from bot.errors import StoreRefused, StoreUnavailable
from bot.store.common import now_iso
from bot.store.connections import SQLiteConnections
from bot.store.installations import SQLiteInstallations
from bot.store.local import LocalShare
from bot.store.lock import LockHeld, ProcessLock
from bot.store.protocol import Row
from bot.store.schema import Migration, migrate
from bot.store.sqlite_calls import SQLiteCalls
from bot.store.sqlite_file import PROBLEMS, Checkpointer, SQLiteReads, problem_of
from bot.store.sqlite_meetings import SQLiteMeetings
from bot.store.sqlite_outbox import SQLiteOutbox
from bot.store.sqlite_people import SQLitePeople
from bot.store.sqlite_registration import SQLiteRegistration
from bot.store.sqlite_reminders import SQLiteReminders
from bot.store.sqlite_requests import UNSETTLED_CREATES, SQLiteRequests

log = logging.getLogger("zoombot.store")


class _Transaction:
    """One write transaction on the store's connection (plain BEGIN/COMMIT: the per-request
    paths are too short for a generator-based context manager's cost). A sqlite3 error sets
    the store's `write_problem` and becomes StoreUnavailable; a commit clears it."""

    __slots__ = ("_store",)

    def __init__(self, store: SQLiteStore) -> None:
        self._store = store

    def __enter__(self) -> sqlite3.Connection:
        conn = self._store.db.conn
        try:
            conn.execute("BEGIN")
        except sqlite3.Error as error:
            raise self._store._unwritable_now(error) from error
        return conn

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, _tb: object
    ) -> bool:
        conn = self._store.db.conn
        if kind is None:
            try:
                conn.execute("COMMIT")
            except sqlite3.Error as failed:
                _rollback(conn)
                raise self._store._unwritable_now(failed) from failed
            self._store.write_problem = None
            return False
        _rollback(conn)
        if isinstance(error, sqlite3.Error):
            raise self._store._unwritable_now(error) from error
        return False


def _rollback(conn: sqlite3.Connection) -> None:
    if conn.in_transaction:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")


class SQLiteStore(
    SQLiteReads,
    SQLiteRequests,
    SQLitePeople,
    SQLiteMeetings,
    SQLiteOutbox,
    SQLiteConnections,
    SQLiteInstallations,
    SQLiteCalls,
    SQLiteReminders,
    SQLiteRegistration,
    LocalShare,
):
    """The store on the SQLite file at `path` (or ":memory:"). Opening takes the file's
    process lock, migrates the schema and checks a write works; it raises StoreRefused
    (with a sentence naming DATABASE_URL) if any of that fails. `close()` when done."""

    def __init__(
        self,
        path: str | Path,
        *,
        clock: Callable[[], float] = time.time,
        busy_timeout: float = 5.0,
    ) -> None:
        self.path = str(path)
        self.backend = "sqlite"
        self._share_init()
        self._clock = clock
        self.write_problem: str | None = None
        self._checkpointer: Checkpointer | None = None
        self._lock: ProcessLock | None = None
        self._conn: sqlite3.Connection | None = None
        try:
            self._open(busy_timeout)
        except BaseException:
            self.close()
            raise

    def _open(self, busy_timeout: float) -> None:
        memory = self.path == ":memory:"
        if not memory:
            try:
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
                self._lock = ProcessLock(self.path + ".lock")
            except LockHeld as held:
                who = f" (process {held.pid})" if held.pid else ""
                raise StoreRefused(
                    f"DATABASE_URL points at {self.path}, which another zoombot{who} is using:"
                    " run one zoombot per SQLite file (several instances need PostgreSQL)."
                ) from None
            except OSError as error:
                raise self._unwritable(error.strerror or str(error)) from None
        try:
            # One connection, used by one thread at a time: the event loop's (or a test's),
            # and `close()` from wherever the app shuts down. Autocommit at the driver level:
            # every transaction is an explicit BEGIN … COMMIT.
            conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            self._conn = conn
            self.db = sqlite_utils.Database(conn)
            conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
            if not memory:
                conn.execute("PRAGMA journal_mode = WAL").fetchall()
                # In WAL mode NORMAL still survives a crash of the process (what "nothing
                # lost" guards against); it only skips the fsync per commit, which under
                # load cost more than everything else the store does.
                conn.execute("PRAGMA synchronous = NORMAL")
                # A commit that crosses the WAL's size limit would checkpoint (and fsync) on
                # the event loop: the checkpointer's thread does that instead.
                conn.execute("PRAGMA wal_autocheckpoint = 0")
            self.migrate()
            self._touch_health()
        except sqlite3.Error as error:
            problem = problem_of(error)
            unusable = {
                PROBLEMS["SQLITE_NOTADB"]: "is not a SQLite database",
                PROBLEMS["SQLITE_CORRUPT"]: "is a corrupted SQLite database",
            }.get(problem)
            if unusable:
                raise StoreRefused(
                    f"DATABASE_URL points at {self.path}, which {unusable}: restore it from"
                    " a backup or point DATABASE_URL at a new file."
                ) from None
            raise self._unwritable(problem) from None
        if not memory:
            self._checkpointer = Checkpointer(self.path)

    def _unwritable(self, problem: str) -> StoreRefused:
        return StoreRefused(
            f"DATABASE_URL points at {self.path}, which zoombot cannot write ({problem}):"
            " make the file and its directory writable, or point DATABASE_URL elsewhere."
        )

    def migrate(self, steps: Sequence[Migration] | None = None) -> int:
        """Bring the schema up to date (or through `steps`, for tests); returns the version."""
        return migrate(self.db, steps)

    async def aclose(self) -> None:
        """`close()` off the event loop (stopping the checkpointer waits for its thread)."""
        await asyncio.to_thread(self.close)

    def close(self) -> None:
        """Stop checkpointing, close the connection, release the file's process lock."""
        if self._checkpointer is not None:
            self._checkpointer.stop()
            self._checkpointer = None
        if self._conn is not None:
            with contextlib.suppress(sqlite3.Error):
                self._conn.close()
            self._conn = None
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    # -- how every statement runs ---------------------------------------------------------

    def _unreadable(self, error: sqlite3.Error) -> StoreUnavailable:
        return StoreUnavailable(f"zoombot cannot read its database: {problem_of(error)}.")

    def _unwritable_now(self, error: sqlite3.Error) -> StoreUnavailable:
        self.write_problem = problem_of(error)
        log.error("a store write failed: %s", self.write_problem)
        return StoreUnavailable(f"zoombot cannot save anything right now: {self.write_problem}.")

    def _writing(self) -> _Transaction:
        """`with self._writing() as conn:` one transaction. A failure sets `write_problem`
        and raises StoreUnavailable; a success clears it."""
        return _Transaction(self)

    def _one(self, sql: str, args: Sequence[Any]) -> Row | None:
        cursor = self.db.conn.execute(sql, args)
        row = cursor.fetchone()
        if row is None:
            return None
        return {column[0]: value for column, value in zip(cursor.description, row, strict=True)}

    def _all(self, sql: str, args: Sequence[Any]) -> list[Row]:
        cursor = self.db.conn.execute(sql, args)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def _upsert(self, table: str, row: Row, pk: str | tuple[str, ...]) -> None:
        """Insert `row`, or update only the columns it names where `pk` exists already."""
        keys = (pk,) if isinstance(pk, str) else pk
        columns = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        updates = ", ".join(f"{c} = excluded.{c}" for c in row if c not in keys)
        self.db.conn.execute(
            f"INSERT INTO {table} ({columns}) VALUES ({marks}) "  # noqa: S608 - our names
            f"ON CONFLICT({', '.join(keys)}) DO UPDATE SET {updates}",
            list(row.values()),
        )

    def _update(self, table: str, pk: str, key: Any, changes: Row) -> None:
        if not changes:
            return
        sets = ", ".join(f"{c} = ?" for c in changes)
        self.db.conn.execute(
            f"UPDATE {table} SET {sets} WHERE {pk} = ?",  # noqa: S608 - our names
            [*changes.values(), key],
        )

    def _touch_health(self) -> None:
        """The writability check at open: sqlite3 errors propagate, for `_open` to word."""
        conn = self.db.conn
        conn.execute("BEGIN")
        try:
            conn.execute("UPDATE health SET checked_at = ? WHERE id = 1", [self._clock()])
            conn.execute("COMMIT")
        finally:
            _rollback(conn)

    # -- the store's own health and keys ----------------------------------------------------

    async def warm(self) -> None:
        """Nothing to open ahead: the file is open."""

    async def check_writable(self) -> str | None:
        """Update the `health` row in a transaction now; None if it worked, else the reason
        (and `write_problem` says the same)."""
        await self._pause()
        with contextlib.suppress(StoreUnavailable), self._writing() as conn:
            conn.execute("UPDATE health SET checked_at = ? WHERE id = 1", [self._clock()])
        return self.write_problem

    async def secret(self, name: str) -> bytes:
        await self._pause()
        with self._writing() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO secrets (name, value, created_at) VALUES (?, ?, ?)",
                [name, secrets.token_bytes(32), now_iso()],
            )
            (value,) = conn.execute("SELECT value FROM secrets WHERE name = ?", [name]).fetchone()
        return bytes(value)

    async def meeting_passcodes(self) -> list[str]:
        await self._pause()
        try:
            conn = self.db.conn
            rows = conn.execute("SELECT passcode FROM meetings WHERE passcode IS NOT NULL")
            return [passcode for (passcode,) in rows.fetchall() if passcode]
        except sqlite3.Error as error:
            raise self._unreadable(error) from error


__all__ = ["UNSETTLED_CREATES", "Checkpointer", "SQLiteStore", "problem_of"]

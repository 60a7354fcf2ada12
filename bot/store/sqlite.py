"""`SQLiteStore`: the store (bot/store/protocol.py) on one SQLite file, write-ahead log on.

Statements are plain SQL on one connection, each write in one BEGIN … COMMIT
(`_Transaction`); the schema and its migrations are bot/store/schema.py's. Methods are
coroutines whose statements run on the event loop's own thread (tens of microseconds each:
`bench/store.py`), so writes are serialised without locks and no call waits for a thread
hop; each but `claim_request` (on the acknowledgement's path) first lets the loop take a
turn, so the store calls spread along a flow are where its long pieces are cut. Copying
the log into the database file (with its fsync) is kept off the loop: automatic
checkpoints are off and `Checkpointer` does them from a thread of its own.

Honest about itself: opening refuses (StoreRefused) a file that is not a database, one that
cannot be written, and one another zoombot holds (bot/store/lock.py); while running, a
failed statement raises StoreUnavailable and a failed write sets `write_problem`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import sqlite_utils

from bot.errors import StoreRefused, StoreUnavailable
from bot.store.local import LocalShare
from bot.store.lock import LockHeld, ProcessLock
from bot.store.protocol import HOST_MAPPING_CHANNEL, Row
from bot.store.schema import Migration, migrate

log = logging.getLogger("zoombot.store")

# `state IN (…)` as a term of its own is what lets SQLite use the v6 partial index.
UNSETTLED_CREATES = (
    "SELECT * FROM requests WHERE state IN ('claimed', 'created')"
    " AND create_started_at IS NOT NULL"
    " AND (create_owner IS NULL OR create_owner != ?)"
    " AND ((state = 'claimed' AND meeting_id IS NULL)"
    "   OR (state = 'created' AND meeting_id IS NOT NULL AND NOT EXISTS"
    "     (SELECT 1 FROM outbox WHERE outbox.meeting_id = requests.meeting_id)))"
    " ORDER BY create_started_at"
)
# A requester's meetings, the last asked for first (`/zoom cancel last`).
MEETINGS_LATEST_FIRST = (
    "SELECT * FROM meetings WHERE requester = ?"
    " ORDER BY COALESCE((SELECT r.created_at FROM requests r"
    "   WHERE r.key = meetings.request_key), 0) DESC, created_at DESC"
)

# SQLite's primary result codes → the short reason an operator is shown.
PROBLEMS = {
    "SQLITE_FULL": "the disk is full",
    "SQLITE_READONLY": "the database file is read-only",
    "SQLITE_BUSY": "the database is locked",
    "SQLITE_LOCKED": "the database is locked",
    "SQLITE_CORRUPT": "the database file is corrupted",
    "SQLITE_NOTADB": "the file is not a SQLite database",
    "SQLITE_IOERR": "the disk failed to read or write",
    "SQLITE_CANTOPEN": "the database file cannot be opened",
    "SQLITE_PERM": "the database file cannot be written",
}


def problem_of(error: sqlite3.Error) -> str:
    """The short reason for `error` ("the disk is full"), for `write_problem` and sentences."""
    name = getattr(error, "sqlite_errorname", "") or ""
    for code, reason in PROBLEMS.items():
        if name == code or name.startswith(code + "_"):
            return reason
    return str(error) or type(error).__name__


def _now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


class Checkpointer:
    """Copies the write-ahead log into the database file every `interval` seconds, from a
    thread and a connection of its own.

    PASSIVE checkpoints never wait for, nor make wait, the store's readers and writers; once
    a checkpoint has copied everything, the next write starts the log from its beginning
    again, so the log file stays as small as a few seconds of writes.
    """

    def __init__(self, path: str, interval: float = 1.0) -> None:
        self._path = path
        self._interval = interval
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="store-checkpoint", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        conn = sqlite3.connect(self._path, check_same_thread=False)
        try:
            while not self._stopping.wait(self._interval):
                try:
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                except sqlite3.Error as error:
                    # Busy or a full disk: the log just grows until the next try.
                    log.warning("store checkpoint skipped: %s", error)
        finally:
            conn.close()

    def stop(self) -> None:
        """Stop and wait for the thread (closing the store's connection then checkpoints
        whatever is left)."""
        self._stopping.set()
        self._thread.join()


# claim_request's one statement (its column names are the store's own).
_CLAIM_SQL = (
    "INSERT INTO requests ({columns}) VALUES ({marks}) ON CONFLICT(key) DO UPDATE SET {updates}"
    " WHERE requests.state IN ('refused', 'failed')"
    " OR (? IS NOT NULL AND ? - requests.created_at >= ?)"
)


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


class SQLiteStore(LocalShare):
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

    async def check_writable(self) -> str | None:
        """Update the `health` row in a transaction now; None if it worked, else the reason
        (and `write_problem` says the same)."""
        await asyncio.sleep(0)
        with contextlib.suppress(StoreUnavailable), self._writing() as conn:
            conn.execute("UPDATE health SET checked_at = ? WHERE id = 1", [self._clock()])
        return self.write_problem

    async def secret(self, name: str) -> bytes:
        await asyncio.sleep(0)
        with self._writing() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO secrets (name, value, created_at) VALUES (?, ?, ?)",
                [name, secrets.token_bytes(32), _now_iso()],
            )
            (value,) = conn.execute("SELECT value FROM secrets WHERE name = ?", [name]).fetchone()
        return bytes(value)

    async def meeting_passcodes(self) -> list[str]:
        await asyncio.sleep(0)
        try:
            conn = self.db.conn
            rows = conn.execute("SELECT passcode FROM meetings WHERE passcode IS NOT NULL")
            return [passcode for (passcode,) in rows.fetchall() if passcode]
        except sqlite3.Error as error:
            raise self._unreadable(error) from error

    # -- host mappings -------------------------------------------------------------------

    async def host_mapping(self, slack_user_id: str) -> Row | None:
        await asyncio.sleep(0)
        try:
            return self._one("SELECT * FROM host_mappings WHERE slack_user_id = ?", [slack_user_id])
        except sqlite3.Error as error:
            raise self._unreadable(error) from error

    async def set_host_mapping(self, slack_user_id: str, zoom_email: str, set_by: str) -> Row:
        await asyncio.sleep(0)
        row = {
            "slack_user_id": slack_user_id,
            "zoom_email": zoom_email,
            "set_by": set_by,
            "set_at": _now_iso(),
        }
        with self._writing():
            self._upsert("host_mappings", row, "slack_user_id")
        await self.notify(HOST_MAPPING_CHANNEL, slack_user_id)
        return row

    # -- caches --------------------------------------------------------------------------

    async def cached_slack_user(self, user_id: str, max_age: float) -> Row | None:
        """The users.info `user` object if fetched less than `max_age` seconds ago."""
        await asyncio.sleep(0)
        try:
            row = self._one("SELECT profile, fetched_at FROM slack_users WHERE id = ?", [user_id])
        except sqlite3.Error as error:
            raise self._unreadable(error) from error
        if row is None or self._clock() - row["fetched_at"] > max_age:
            return None
        return json.loads(row["profile"])

    async def cache_slack_user(self, user_id: str, user: Row) -> None:
        await asyncio.sleep(0)
        row = {"id": user_id, "profile": json.dumps(user), "fetched_at": self._clock()}
        with self._writing():
            self._upsert("slack_users", row, "id")

    async def cached_zoom_user(self, email: str, max_age: float) -> tuple[bool, Row | None]:
        """(hit, user). A hit with user None means Zoom said there is no such user."""
        await asyncio.sleep(0)
        try:
            row = self._one(
                "SELECT user, fetched_at FROM zoom_users WHERE email = ?", [email.lower()]
            )
        except sqlite3.Error as error:
            raise self._unreadable(error) from error
        if row is None or self._clock() - row["fetched_at"] > max_age:
            return False, None
        raw = row["user"]
        return True, (json.loads(raw) if raw else None)

    async def cache_zoom_user(self, email: str, user: Row | None) -> None:
        await asyncio.sleep(0)
        row = {
            "email": email.lower(),
            "user": json.dumps(user) if user is not None else None,
            "fetched_at": self._clock(),
        }
        with self._writing():
            self._upsert("zoom_users", row, "email")

    async def forget_zoom_user(self, email: str) -> None:
        await asyncio.sleep(0)
        with self._writing() as conn:
            conn.execute("DELETE FROM zoom_users WHERE email = ?", [email.lower()])

    # -- idempotency ---------------------------------------------------------------------

    async def claim_request(
        self, key: str, *, window: float | None = None, details: Row | None = None
    ) -> Row | None:
        """Record `key` before Slack is acknowledged. Returns None if this caller now owns it,
        or the earlier row if the same key was claimed before (within `window` seconds, if
        set). `details` (kind, requester, channel, thread_ts, response_url) are written in the
        same statement, so a later start can answer a request that never reached Zoom.

        Unlike the other calls it does not let the loop take a turn first: it runs on the
        acknowledgement's path, and under a burst that one turn was most of the ack's time
        (BENCHMARKS.md, "Load regression found and fixed"). A new key is one statement."""
        row = {
            "key": key,
            "meeting_id": None,
            "state": "claimed",
            "created_at": self._clock(),
            # A fresh claim: an earlier attempt's create intent (v4) no longer applies.
            "create_started_at": None,
            "create_owner": None,
            **(details or {}),
        }
        with self._writing() as conn:
            # Inserted, or an earlier claim taken over when it created nothing (refused or
            # failed: asking again may go ahead) or is older than `window`; else unchanged.
            taken = conn.execute(
                _CLAIM_SQL.format(
                    columns=", ".join(row),
                    marks=", ".join("?" for _ in row),
                    updates=", ".join(f"{c} = excluded.{c}" for c in row if c != "key"),
                ),
                [*row.values(), window, row["created_at"], window],
            ).rowcount
            if taken:
                return None
            return self._one("SELECT * FROM requests WHERE key = ?", [key])

    async def unstarted_claims(self, before: float) -> list[Row]:
        """Requests claimed before `before` (epoch seconds: this process's start) still
        `claimed` with no create started: acknowledged by an earlier run that stopped before
        Zoom was asked, so nothing was made. Oldest first."""
        await asyncio.sleep(0)
        try:
            return self._all(
                "SELECT * FROM requests WHERE state = 'claimed' AND create_started_at IS NULL"
                " AND created_at < ? ORDER BY created_at",
                [before],
            )
        except sqlite3.Error as error:
            raise self._unreadable(error) from error

    async def settle_request(self, key: str, *, state: str, meeting_id: int | None = None) -> None:
        await asyncio.sleep(0)
        with self._writing():
            self._update("requests", "key", key, {"state": state, "meeting_id": meeting_id})

    async def request(self, key: str) -> Row | None:
        await asyncio.sleep(0)
        try:
            return self._one("SELECT * FROM requests WHERE key = ?", [key])
        except sqlite3.Error as error:
            raise self._unreadable(error) from error

    async def note_create_started(self, key: str, intent: Row) -> None:
        """Record, on the claimed request `key`, what a later start needs to find the meeting
        Zoom may make and to tell the person (the v4 columns). Call right before Zoom is."""
        await asyncio.sleep(0)
        with self._writing():
            self._update("requests", "key", key, intent)

    async def unsettled_creates(self, owner: str) -> list[Row]:
        """Creates another process than `owner` (an earlier run) started and did not see
        through: requests still `claimed` with no meeting (Zoom may or may not have made
        it), and requests `created` whose meeting never reached the outbox (the run stopped
        between the two). Oldest first."""
        await asyncio.sleep(0)
        try:
            return self._all(UNSETTLED_CREATES, [owner])
        except sqlite3.Error as error:
            raise self._unreadable(error) from error

    # -- meetings ------------------------------------------------------------------------

    async def record_meeting(self, row: Row) -> Row:
        """Insert (or replace) a meeting row; `zoom_id` is the key. Sets created_at, state."""
        await asyncio.sleep(0)
        row = {"state": "created", "created_at": _now_iso(), **row}
        with self._writing():
            self._upsert("meetings", row, "zoom_id")
        return row

    async def record_created(self, row: Row, request_key: str) -> Row:
        """Record a meeting Zoom made and settle its request as `created`, in one transaction."""
        await asyncio.sleep(0)
        row = {"state": "created", "created_at": _now_iso(), **row}
        with self._writing():
            self._upsert("meetings", row, "zoom_id")
            self._update(
                "requests", "key", request_key, {"state": "created", "meeting_id": row["zoom_id"]}
            )
        return row

    async def update_meeting(self, zoom_id: int, **changes: Any) -> None:
        await asyncio.sleep(0)
        with self._writing():
            self._update("meetings", "zoom_id", zoom_id, changes)

    async def meeting(self, zoom_id: int) -> Row | None:
        """The meeting row, or None."""
        await asyncio.sleep(0)
        try:
            return self._one("SELECT * FROM meetings WHERE zoom_id = ?", [zoom_id])
        except sqlite3.Error as error:
            raise self._unreadable(error) from error

    async def meetings_by(self, requester: str, *, latest_first: bool = False) -> list[Row]:
        """The requester's meeting rows, oldest first; or, `latest_first`, the last asked for
        first (by its request's clock, finer than the row's)."""
        await asyncio.sleep(0)
        try:
            if latest_first:
                return self._all(MEETINGS_LATEST_FIRST, [requester])
            return self._all(
                "SELECT * FROM meetings WHERE requester = ? ORDER BY created_at", [requester]
            )
        except sqlite3.Error as error:
            raise self._unreadable(error) from error

    # -- live meetings (Zoom events) -----------------------------------------------------

    async def first_delivery(self, delivery_key: str) -> bool:
        """Record a Zoom delivery. True the first time this key is seen, False for a repeat."""
        await asyncio.sleep(0)
        with self._writing() as conn:
            cursor = conn.execute(
                "INSERT OR IGNORE INTO zoom_deliveries (delivery_key, received_at) VALUES (?, ?)",
                [delivery_key, self._clock()],
            )
        return cursor.rowcount == 1

    async def participant_joined(self, meeting_id: int, key: str, at: str) -> None:
        """`key` is in. A join older than a leave already recorded for `key` changes nothing
        (Zoom may deliver a leave before its join)."""
        await asyncio.sleep(0)
        with self._writing():
            row = self._one(
                "SELECT left_at FROM participants WHERE meeting_id = ? AND participant_key = ?",
                [meeting_id, key],
            )
            if row and row["left_at"] and row["left_at"] >= at:
                return
            self._upsert(
                "participants",
                {
                    "meeting_id": meeting_id,
                    "participant_key": key,
                    "joined_at": at,
                    "left_at": None,
                },
                ("meeting_id", "participant_key"),
            )

    async def participant_left(self, meeting_id: int, key: str, at: str) -> None:
        await asyncio.sleep(0)
        with self._writing():
            self._upsert(
                "participants",
                {"meeting_id": meeting_id, "participant_key": key, "left_at": at},
                ("meeting_id", "participant_key"),
            )

    async def participant_count(self, meeting_id: int) -> int:
        """How many are in: joined and not left since."""
        await asyncio.sleep(0)
        try:
            conn = self.db.conn
            row = conn.execute(
                "SELECT COUNT(*) FROM participants WHERE meeting_id = ? AND left_at IS NULL",
                [meeting_id],
            ).fetchone()
        except sqlite3.Error as error:
            raise self._unreadable(error) from error
        return int(row[0])

    async def forget_participants(self, meeting_id: int) -> None:
        """A new start of the meeting: nobody is in yet."""
        await asyncio.sleep(0)
        with self._writing() as conn:
            conn.execute("DELETE FROM participants WHERE meeting_id = ?", [meeting_id])

    # -- preferences ---------------------------------------------------------------------

    async def preferences(self, slack_user_id: str) -> Row | None:
        """The user's saved preferences (a column is None where they chose nothing)."""
        await asyncio.sleep(0)
        try:
            return self._one("SELECT * FROM preferences WHERE slack_user_id = ?", [slack_user_id])
        except sqlite3.Error as error:
            raise self._unreadable(error) from error

    async def set_preferences(self, slack_user_id: str, **changes: Any) -> Row:
        """Save some of duration (minutes), waiting_room, post_passcode (bools as 0/1)."""
        await asyncio.sleep(0)
        row = {"slack_user_id": slack_user_id, **changes, "updated_at": _now_iso()}
        with self._writing():
            self._upsert("preferences", row, "slack_user_id")
            saved = self._one("SELECT * FROM preferences WHERE slack_user_id = ?", [slack_user_id])
        return saved or row

    # -- the outbox ----------------------------------------------------------------------

    async def add_to_outbox(self, row: Row) -> int:
        """Keep a message to post (state `pending`, no attempts yet). Returns its id."""
        await asyncio.sleep(0)
        row = {"state": "pending", "attempts": 0, "created_at": self._clock(), **row}
        for key in ("message", "fallback"):
            if not isinstance(row.get(key), str):
                row[key] = json.dumps(row.get(key))
        columns = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        with self._writing() as conn:
            cursor = conn.execute(
                f"INSERT INTO outbox ({columns}) VALUES ({marks})",  # noqa: S608 - our names
                list(row.values()),
            )
        return int(cursor.lastrowid or 0)

    async def outbox_entry(self, entry_id: int) -> Row | None:
        """The entry with its JSON decoded, retry state included (attempts,
        next_attempt_at, last_error), or None."""
        await asyncio.sleep(0)
        try:
            row = self._one("SELECT * FROM outbox WHERE id = ?", [entry_id])
        except sqlite3.Error as error:
            raise self._unreadable(error) from error
        return _outbox_row(row) if row else None

    async def outbox_stats(self) -> tuple[int, float]:
        """(pending entries, age in seconds of the oldest pending one, 0 when none): what
        GET /metrics shows of the outbox."""
        await asyncio.sleep(0)
        try:
            row = self._one(
                "SELECT COUNT(*) AS depth, MIN(created_at) AS oldest FROM outbox"
                " WHERE state = 'pending'",
                [],
            )
        except sqlite3.Error as error:
            raise self._unreadable(error) from error
        depth = int(row["depth"]) if row else 0
        oldest = row["oldest"] if row else None
        return depth, max(0.0, self._clock() - float(oldest)) if oldest is not None else 0.0

    async def outbox_entries(self, *, meeting_id: int | None = None) -> list[Row]:
        """Every outbox entry (of one meeting, if given), oldest first."""
        await asyncio.sleep(0)
        try:
            if meeting_id is None:
                rows = self._all("SELECT * FROM outbox ORDER BY id", [])
            else:
                rows = self._all(
                    "SELECT * FROM outbox WHERE meeting_id = ? ORDER BY id", [meeting_id]
                )
        except sqlite3.Error as error:
            raise self._unreadable(error) from error
        return [_outbox_row(r) for r in rows]

    async def outbox_attempted(
        self, entry_id: int, *, attempts: int, next_attempt_at: float, error: str
    ) -> None:
        """Keep an attempt that failed: how many so far, when the next is due, the error."""
        await asyncio.sleep(0)
        with self._writing():
            self._update(
                "outbox",
                "id",
                entry_id,
                {"attempts": attempts, "next_attempt_at": next_attempt_at, "last_error": error},
            )

    async def outbox_posted(
        self, entry_id: int, *, channel: str | None, ts: str | None, via: str, attempts: int
    ) -> None:
        """Mark the entry posted and its meeting and request with it, in one transaction."""
        await asyncio.sleep(0)
        with self._writing() as conn:
            conn.execute(
                "UPDATE outbox SET state = 'posted', posted_channel = ?, posted_ts = ?, via = ?,"
                " attempts = ? WHERE id = ?",
                [channel, ts, via, attempts, entry_id],
            )
            row = conn.execute(
                "SELECT meeting_id, request_key FROM outbox WHERE id = ?", [entry_id]
            ).fetchone()
            if row is None:
                return
            meeting_id, request_key = row
            conn.execute(
                "UPDATE meetings SET state = 'posted', message_ts = ?,"
                " channel = COALESCE(?, channel) WHERE zoom_id = ?",
                [ts, channel, meeting_id],
            )
            if request_key:
                conn.execute(
                    "UPDATE requests SET state = 'posted', meeting_id = ? WHERE key = ?",
                    [meeting_id, request_key],
                )

    async def outbox_failed(self, entry_id: int, *, error: str, attempts: int) -> None:
        """Give up on the entry: it will not be tried again. Its request says `not_posted`."""
        await asyncio.sleep(0)
        with self._writing() as conn:
            conn.execute(
                "UPDATE outbox SET state = 'failed', last_error = ?, attempts = ? WHERE id = ?",
                [error, attempts, entry_id],
            )
            row = conn.execute(
                "SELECT meeting_id, request_key FROM outbox WHERE id = ?", [entry_id]
            ).fetchone()
            if row and row[1]:
                conn.execute(
                    "UPDATE requests SET state = 'not_posted', meeting_id = ? WHERE key = ?",
                    [row[0], row[1]],
                )

    async def take_pending_outbox(self, owner: str) -> list[Row]:
        """Take over every pending entry another process (an earlier run) left, oldest first.

        One database is served by one process at a time (the file's process lock): entries
        owned by `owner` are being delivered by this process already and are not returned.
        """
        await asyncio.sleep(0)
        where = "state = 'pending' AND (owner IS NULL OR owner != ?)"
        with self._writing() as conn:
            rows = self._all(f"SELECT * FROM outbox WHERE {where} ORDER BY id", [owner])  # noqa: S608
            conn.execute(f"UPDATE outbox SET owner = ? WHERE {where}", [owner, owner])  # noqa: S608
        return [{**_outbox_row(r), "owner": owner} for r in rows]


def _outbox_row(row: Row) -> Row:
    """An outbox row with its JSON columns decoded."""
    row = dict(row)
    for key in ("message", "fallback"):
        row[key] = json.loads(row[key]) if row.get(key) else None
    return row


__all__ = ["UNSETTLED_CREATES", "Checkpointer", "SQLiteStore", "problem_of"]

"""zoombot's storage: one SQLite file (WAL) through sqlite-utils. Rows are plain dicts.

The schema is created and migrated here and nowhere else (`migrate()`, versioned with
SQLite's `user_version`). Methods are synchronous and short (a few statements, tens of
microseconds: `bench/store.py` measures them); async code calls them through `Store.run`,
which runs them on the event loop's own thread, so writes are serialised without locks and
no call waits for a thread hop. The one slow thing SQLite does, copying the write-ahead log
into the database file (with its fsync), is kept off the event loop: automatic checkpoints
are off on the store's connection and `Checkpointer` does them from a thread of its own.

Tables:
    host_mappings  slack_user_id → zoom_email (set_by, set_at)
    slack_users    users.info cache: profile JSON, fetched_at (epoch seconds)
    zoom_users     Zoom user cache by lower-case email: user JSON (NULL = not a user), fetched_at
    meetings       every meeting created, its state: created → posted → cancelled
    requests       idempotency keys, recorded before Zoom is called; from v4 also the
                   create's intent (host, request without passcode, where to tell the
                   person), for the start-up reconcile of creates a stop cut short (v6: an
                   index of those still unsettled)
    outbox         meeting messages to post, written before the first attempt (v2); a restart
                   delivers what is still `pending` (see bot/posting.py)
    participants   who is in a live meeting, by Zoom's participant key (v3)
    zoom_deliveries  Zoom webhook deliveries already handled, by delivery key (v3)
    preferences    a Slack user's defaults: duration, waiting room, passcode in channel (v3)
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import sqlite_utils

from bot.logs import add_secrets

T = TypeVar("T")

log = logging.getLogger("zoombot.store")

SCHEMA_VERSION = 6


def _v1(db: sqlite_utils.Database) -> None:
    db["host_mappings"].create(
        {"slack_user_id": str, "zoom_email": str, "set_by": str, "set_at": str},
        pk="slack_user_id",
    )
    db["slack_users"].create(
        {"id": str, "profile": str, "fetched_at": float},
        pk="id",
    )
    db["zoom_users"].create(
        {"email": str, "user": str, "fetched_at": float},
        pk="email",
    )
    db["meetings"].create(
        {
            "zoom_id": int,
            "uuid": str,
            "topic": str,
            "type": int,
            "start_time": str,
            "duration": int,
            "timezone": str,
            "host_zoom_id": str,
            "host_email": str,
            "requester": str,
            "channel": str,
            "message_ts": str,
            "thread_ts": str,
            "request_key": str,
            "state": str,
            "created_at": str,
        },
        pk="zoom_id",
    )
    db["meetings"].create_index(["requester"])
    db["requests"].create(
        {"key": str, "meeting_id": int, "state": str, "created_at": float},
        pk="key",
    )


def _v2(db: sqlite_utils.Database) -> None:
    """The outbox, and each meeting's join link (for "already created: <link>")."""
    db["meetings"].add_column("join_url", str)
    db["outbox"].create(
        {
            "id": int,
            "meeting_id": int,
            "request_key": str,
            "requester": str,
            "channel": str,
            "thread_ts": str,
            "response_url": str,
            "response_url_until": float,
            "message": str,  # JSON: the channel message as rendered
            "fallback": str,  # JSON: the private note with the join link, if it never posts
            "state": str,  # pending → posted | failed
            "attempts": int,
            "next_attempt_at": float,
            "expires_at": float,
            "last_error": str,
            "owner": str,  # the process delivering it; another process's pending rows are ours
            "created_at": float,
            "posted_channel": str,
            "posted_ts": str,
            "via": str,
        },
        pk="id",
    )
    db["outbox"].create_index(["state"])
    db["outbox"].create_index(["meeting_id"])


def _v3(db: sqlite_utils.Database) -> None:
    """Live meetings (issue 6): what the channel message needs to be re-rendered from the
    store, its Zoom-side status, who is in it, Zoom deliveries seen, and preferences."""
    meetings = db["meetings"]
    for name, kind in (
        ("passcode", str),  # shown again on re-render only if show_passcode
        ("show_passcode", int),
        ("host_name", str),
        ("recurrence", str),  # JSON of zoom.Recurrence
        ("occurrences", str),  # JSON list of {occurrence_id, start_time, duration, status}
        ("status", str),  # NULL (scheduled) | live | ended | cancelled
        ("started_at", str),
        ("ended_at", str),
        ("cancelled_by", str),  # a Slack user id; NULL with status cancelled = in Zoom
        ("cancelled_at", str),
    ):
        meetings.add_column(name, kind)
    db["participants"].create(
        {"meeting_id": int, "participant_key": str, "joined_at": str, "left_at": str},
        pk=("meeting_id", "participant_key"),
    )
    db["zoom_deliveries"].create({"delivery_key": str, "received_at": float}, pk="delivery_key")
    db["preferences"].create(
        {
            "slack_user_id": str,
            "duration": int,
            "waiting_room": int,
            "post_passcode": int,
            "updated_at": str,
        },
        pk="slack_user_id",
    )


def _v4(db: sqlite_utils.Database) -> None:
    """A create's intent, written on its claimed request right before Zoom is called, so a
    start after a crash or a stop mid-create can find the meeting and tell the person
    (bot/reconcile.py). Never a passcode: `request` is the MeetingRequest JSON without it."""
    requests = db["requests"]
    for name, kind in (
        ("kind", str),  # command | modal | message_shortcut
        ("requester", str),
        ("channel", str),
        ("thread_ts", str),
        ("response_url", str),  # Slack honours it for 30 minutes after `created_at`
        ("host_zoom_id", str),
        ("host_email", str),
        ("host_name", str),
        ("host_found_by", str),
        ("request", str),  # JSON: topic, type, start_time, timezone, duration, ...
        ("create_started_at", str),  # UTC ISO; NULL until Zoom is called
        ("create_owner", str),  # the process that called Zoom (Poster.owner)
    ):
        requests.add_column(name, kind)


def _v5(db: sqlite_utils.Database) -> None:
    """`meetings.status_event_ts`: Zoom's `event_ts` (ms) of the last event applied to the
    meeting's status, so one delivered late (an end before its start) is not applied over
    a newer one (bot/live.py)."""
    db["meetings"].add_column("status_event_ts", int)


def _v6(db: sqlite_utils.Database) -> None:
    """An index of the requests a start-up reconcile looks at (bot/reconcile.py): the store
    runs on the event loop, and without it that query read every request ever made."""
    db.execute(
        "CREATE INDEX requests_unsettled ON requests(create_started_at)"
        " WHERE state IN ('claimed', 'created')"
    )


Migration = Callable[[sqlite_utils.Database], None]

# Each entry takes the database from version i to i + 1. Append; never edit a shipped one.
MIGRATIONS: tuple[Migration, ...] = (_v1, _v2, _v3, _v4, _v5, _v6)


class _OneTransaction:
    """The store's connection as a migration step sees it: `commit()` and `with conn:` do
    not end the transaction `migrate()` opened for the step (an error still propagates, and
    `migrate()` rolls the step back)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)

    def commit(self) -> None:
        pass

    def __enter__(self) -> _OneTransaction:
        return self

    def __exit__(self, *exc: object) -> bool:
        return False


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


class Store:
    """The store. Open with `Store(path)`; `close()` when done."""

    def __init__(self, path: str | Path, *, clock: Callable[[], float] = time.time) -> None:
        self.path = str(path)
        self._clock = clock
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        # One connection, used by one thread at a time: the event loop's (or a test's), and
        # `close()` from wherever the app shuts down, so check_same_thread can be off.
        conn = sqlite3.connect(self.path, check_same_thread=False)
        self.db = sqlite_utils.Database(conn)
        self._checkpointer: Checkpointer | None = None
        if self.path != ":memory:":
            self.db.enable_wal()
            # In WAL mode NORMAL still survives a crash of the process (what "nothing lost"
            # guards against); it only skips the fsync per commit, which under load cost
            # more than everything else the store does.
            self.db.execute("PRAGMA synchronous = NORMAL")
            # A commit that crosses the WAL's size limit would checkpoint (and fsync) on
            # the event loop: the checkpointer's thread does that instead.
            self.db.execute("PRAGMA wal_autocheckpoint = 0")
        self.db.execute("PRAGMA busy_timeout = 5000")
        self.migrate()
        if self.path != ":memory:":
            self._checkpointer = Checkpointer(self.path)

    # -- the one place that owns the schema ------------------------------------------------

    def migrate(self, migrations: Sequence[Migration] | None = None) -> int:
        """Bring the schema up to `SCHEMA_VERSION` (or through `migrations`, for tests).
        Safe to call again. Returns the version.

        Each step and its `user_version` bump are one transaction (SQLite's DDL is
        transactional): a step that fails half-way leaves nothing of itself behind and the
        version where it was, so the next start runs the whole step again."""
        steps = MIGRATIONS if migrations is None else tuple(migrations)
        conn = self.db.conn
        if conn.in_transaction:
            conn.commit()
        # The steps use sqlite-utils, which commits on its own; through this view of the
        # connection its commits leave the step's transaction open.
        step_db = sqlite_utils.Database(_OneTransaction(conn))
        for number in range(len(steps)):
            # IMMEDIATE: a second process starting at the same moment waits, then sees the
            # step done and skips it.
            conn.execute("BEGIN IMMEDIATE")
            try:
                if conn.execute("PRAGMA user_version").fetchone()[0] == number:
                    steps[number](step_db)
                    conn.execute(f"PRAGMA user_version = {number + 1}")
            except BaseException:
                conn.rollback()
                raise
            conn.commit()
        return conn.execute("PRAGMA user_version").fetchone()[0]

    # -- plain SQL for the per-request paths -----------------------------------------------
    # sqlite-utils introspects the table (PRAGMA table_info, table_names) on every upsert
    # and update; on the paths every `/zoom` takes, that cost more than SQLite itself.

    def _one(self, sql: str, args: Sequence[Any]) -> dict[str, Any] | None:
        cursor = self.db.conn.execute(sql, args)
        row = cursor.fetchone()
        if row is None:
            return None
        return {column[0]: value for column, value in zip(cursor.description, row, strict=True)}

    def _upsert(self, table: str, row: dict[str, Any], pk: str) -> None:
        """Insert `row`, or update only the columns it names where `pk` exists already."""
        columns = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        updates = ", ".join(f"{c} = excluded.{c}" for c in row if c != pk)
        with self.db.conn:
            self.db.conn.execute(
                f"INSERT INTO {table} ({columns}) VALUES ({marks}) "  # noqa: S608 - our names
                f"ON CONFLICT({pk}) DO UPDATE SET {updates}",
                list(row.values()),
            )

    def _update(self, table: str, pk: str, key: Any, changes: dict[str, Any]) -> None:
        if not changes:
            return
        sets = ", ".join(f"{c} = ?" for c in changes)
        with self.db.conn:
            self.db.conn.execute(
                f"UPDATE {table} SET {sets} WHERE {pk} = ?",  # noqa: S608 - our names
                [*changes.values(), key],
            )

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a store method and return its result, on the caller's thread.

        Why not a thread of its own, as before: under a burst of commands each hop to it
        waited for the GIL behind the busy event loop, and the hops, not SQLite, became
        the queue (hundreds of milliseconds per command; see BENCHMARKS.md). The methods
        take tens of microseconds; the checkpoints that can take milliseconds run on
        `Checkpointer`'s thread. An async method, so callers need not change if that does.

        It first lets the event loop take a turn: a flow's steps between two waits run as
        one piece, and while one runs nothing else does (no Slack request is even read), so
        the store calls, spread along every flow, are where long pieces are cut."""
        await asyncio.sleep(0)
        return fn(*args, **kwargs)

    def close(self) -> None:
        if self._checkpointer is not None:
            self._checkpointer.stop()
        self.db.conn.close()

    # -- host mappings -------------------------------------------------------------------

    def host_mapping(self, slack_user_id: str) -> dict[str, Any] | None:
        return self._one("SELECT * FROM host_mappings WHERE slack_user_id = ?", [slack_user_id])

    def set_host_mapping(self, slack_user_id: str, zoom_email: str, set_by: str) -> dict:
        row = {
            "slack_user_id": slack_user_id,
            "zoom_email": zoom_email,
            "set_by": set_by,
            "set_at": _now_iso(),
        }
        self.db["host_mappings"].upsert(row, pk="slack_user_id")
        return row

    # -- caches --------------------------------------------------------------------------

    def cached_slack_user(self, user_id: str, max_age: float) -> dict[str, Any] | None:
        """The users.info `user` object if fetched less than `max_age` seconds ago."""
        row = self._one("SELECT profile, fetched_at FROM slack_users WHERE id = ?", [user_id])
        if row is None or self._clock() - row["fetched_at"] > max_age:
            return None
        return json.loads(row["profile"])

    def cache_slack_user(self, user_id: str, user: dict[str, Any]) -> None:
        row = {"id": user_id, "profile": json.dumps(user), "fetched_at": self._clock()}
        self._upsert("slack_users", row, "id")

    def cached_zoom_user(self, email: str, max_age: float) -> tuple[bool, dict | None]:
        """(hit, user). A hit with user None means Zoom said there is no such user."""
        row = self._one("SELECT user, fetched_at FROM zoom_users WHERE email = ?", [email.lower()])
        if row is None or self._clock() - row["fetched_at"] > max_age:
            return False, None
        raw = row["user"]
        return True, (json.loads(raw) if raw else None)

    def cache_zoom_user(self, email: str, user: dict[str, Any] | None) -> None:
        row = {
            "email": email.lower(),
            "user": json.dumps(user) if user is not None else None,
            "fetched_at": self._clock(),
        }
        self._upsert("zoom_users", row, "email")

    def forget_zoom_user(self, email: str) -> None:
        with self.db.conn:
            self.db.conn.execute("DELETE FROM zoom_users WHERE email = ?", [email.lower()])

    # -- idempotency ---------------------------------------------------------------------

    def claim_request(self, key: str, *, window: float | None = None) -> dict[str, Any] | None:
        """Record `key` before Zoom is called. Returns None if this caller now owns it, or
        the earlier row if the same key was claimed before (within `window` seconds, if set).
        """
        now = self._clock()
        earlier = self._one("SELECT * FROM requests WHERE key = ?", [key])
        # A request that was refused (or failed before Zoom made anything) created nothing:
        # asking again may go ahead.
        retryable = earlier is not None and earlier["state"] in ("refused", "failed")
        if earlier and not retryable and (window is None or now - earlier["created_at"] < window):
            return earlier
        self._upsert(
            "requests",
            # A fresh claim: an earlier attempt's create intent (v4) no longer applies.
            {
                "key": key,
                "meeting_id": None,
                "state": "claimed",
                "created_at": now,
                "create_started_at": None,
                "create_owner": None,
            },
            "key",
        )
        return None

    def claim_request_for(
        self, key: str, details: dict[str, Any], *, window: float | None = None
    ) -> dict[str, Any] | None:
        """`claim_request`, also writing who asked and where to answer them (`details`: the
        v4 columns kind, requester, channel, thread_ts, response_url) in the same statement,
        before Slack is acknowledged: a start after a crash can then tell the person even
        when their request never reached Zoom (`unstarted_claims`). (flows)"""
        now = self._clock()
        earlier = self._one("SELECT * FROM requests WHERE key = ?", [key])
        retryable = earlier is not None and earlier["state"] in ("refused", "failed")
        if earlier and not retryable and (window is None or now - earlier["created_at"] < window):
            return earlier
        row = {
            "key": key,
            "meeting_id": None,
            "state": "claimed",
            "created_at": now,
            "create_started_at": None,
            "create_owner": None,
            **details,
        }
        self._upsert("requests", row, "key")
        return None

    def unstarted_claims(self, before: float) -> list[dict[str, Any]]:
        """Requests claimed before `before` (epoch seconds: this process's start) that are
        still `claimed` with no create started: an earlier run acknowledged them and died or
        stopped before Zoom was asked, so nothing was made. Oldest first. (flows)"""
        cursor = self.db.conn.execute(
            "SELECT * FROM requests WHERE state IN ('claimed', 'created')"
            " AND state = 'claimed' AND create_started_at IS NULL AND created_at < ?"
            " ORDER BY created_at",
            [before],
        )
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def settle_request(self, key: str, *, state: str, meeting_id: int | None = None) -> None:
        self._update("requests", "key", key, {"state": state, "meeting_id": meeting_id})

    def request(self, key: str) -> dict[str, Any] | None:
        return self._one("SELECT * FROM requests WHERE key = ?", [key])

    def note_create_started(self, key: str, intent: dict[str, Any]) -> None:
        """Record, on the claimed request `key`, what a later start needs to find the meeting
        Zoom may make and to tell the person (the v4 columns). Call right before Zoom is."""
        self._update("requests", "key", key, intent)

    def unsettled_creates(self, owner: str) -> list[dict[str, Any]]:
        """Creates another process than `owner` (an earlier run) started and did not see
        through: requests still `claimed` with no meeting (Zoom may or may not have made
        it), and requests `created` whose meeting never reached the outbox (the run stopped
        between the two). Oldest first."""
        cursor = self.db.conn.execute(UNSETTLED_CREATES, [owner])
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    # -- meetings ------------------------------------------------------------------------

    def record_meeting(self, row: dict[str, Any]) -> dict[str, Any]:
        """Insert (or replace) a meeting row; `zoom_id` is the key. Sets created_at, state."""
        row = {"state": "created", "created_at": _now_iso(), **row}
        self._upsert("meetings", row, "zoom_id")
        return row

    def record_created(self, row: dict[str, Any], request_key: str) -> dict[str, Any]:
        """Record a meeting Zoom made and settle its request as `created`: one trip to the
        store's thread on the busiest path, not two (the hop costs more than the writes)."""
        row = self.record_meeting(row)
        self._update(
            "requests", "key", request_key, {"state": "created", "meeting_id": row["zoom_id"]}
        )
        return row

    def update_meeting(self, zoom_id: int, **changes: Any) -> None:
        self._update("meetings", "zoom_id", zoom_id, changes)

    def meeting(self, zoom_id: int) -> dict[str, Any] | None:
        """The meeting row, or None. Its passcode is known to the log redaction from here on
        (a row is read to be shown or sent, and a restart forgets what the last run learned)."""
        row = self._one("SELECT * FROM meetings WHERE zoom_id = ?", [zoom_id])
        _learn_passcodes([row] if row else [])
        return row

    def meetings_by(self, requester: str) -> list[dict[str, Any]]:
        """The requester's meeting rows, oldest first (passcodes learned, as `meeting`)."""
        rows = list(
            self.db["meetings"].rows_where("requester = ?", [requester], order_by="created_at")
        )
        _learn_passcodes(rows)
        return rows

    # -- live meetings (Zoom events) -----------------------------------------------------

    def first_delivery(self, delivery_key: str) -> bool:
        """Record a Zoom delivery. True the first time this key is seen, False for a repeat."""
        with self.db.conn:
            cursor = self.db.execute(
                "INSERT OR IGNORE INTO zoom_deliveries (delivery_key, received_at) VALUES (?, ?)",
                [delivery_key, self._clock()],
            )
        return cursor.rowcount == 1

    def participant_joined(self, meeting_id: int, key: str, at: str) -> None:
        """`key` is in. A join older than a leave already recorded for `key` changes nothing
        (Zoom may deliver a leave before its join)."""
        rows = list(
            self.db["participants"].rows_where(
                "meeting_id = ? AND participant_key = ?", [meeting_id, key]
            )
        )
        if rows and rows[0]["left_at"] and rows[0]["left_at"] >= at:
            return
        self.db["participants"].upsert(
            {"meeting_id": meeting_id, "participant_key": key, "joined_at": at, "left_at": None},
            pk=("meeting_id", "participant_key"),
        )

    def participant_left(self, meeting_id: int, key: str, at: str) -> None:
        self.db["participants"].upsert(
            {"meeting_id": meeting_id, "participant_key": key, "left_at": at},
            pk=("meeting_id", "participant_key"),
        )

    def participant_count(self, meeting_id: int) -> int:
        """How many are in: joined and not left since."""
        row = self.db.execute(
            "SELECT COUNT(*) FROM participants WHERE meeting_id = ? AND left_at IS NULL",
            [meeting_id],
        ).fetchone()
        return int(row[0])

    def forget_participants(self, meeting_id: int) -> None:
        """A new start of the meeting: nobody is in yet."""
        with self.db.conn:
            self.db.execute("DELETE FROM participants WHERE meeting_id = ?", [meeting_id])

    # -- preferences ---------------------------------------------------------------------

    def preferences(self, slack_user_id: str) -> dict[str, Any] | None:
        """The user's saved preferences (a column is None where they chose nothing)."""
        return self._one("SELECT * FROM preferences WHERE slack_user_id = ?", [slack_user_id])

    def set_preferences(self, slack_user_id: str, **changes: Any) -> dict[str, Any]:
        """Save some of duration (minutes), waiting_room, post_passcode (bools as 0/1)."""
        row = {"slack_user_id": slack_user_id, **changes, "updated_at": _now_iso()}
        self.db["preferences"].upsert(row, pk="slack_user_id")
        return self.preferences(slack_user_id) or row

    # -- the outbox ----------------------------------------------------------------------

    def add_to_outbox(self, row: dict[str, Any]) -> int:
        """Keep a message to post (state `pending`, no attempts yet). Returns its id."""
        row = {
            "state": "pending",
            "attempts": 0,
            "created_at": self._clock(),
            **row,
        }
        for key in ("message", "fallback"):
            if not isinstance(row.get(key), str):
                row[key] = json.dumps(row.get(key))
        columns = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        with self.db.conn:
            cursor = self.db.conn.execute(
                f"INSERT INTO outbox ({columns}) VALUES ({marks})",  # noqa: S608 - our names
                list(row.values()),
            )
        return int(cursor.lastrowid or 0)

    def outbox_entry(self, entry_id: int) -> dict[str, Any] | None:
        row = self._one("SELECT * FROM outbox WHERE id = ?", [entry_id])
        return _outbox_row(row) if row else None

    def outbox_entries(self, *, meeting_id: int | None = None) -> list[dict[str, Any]]:
        """Every outbox entry (of one meeting, if given), oldest first."""
        where, args = ("meeting_id = ?", [meeting_id]) if meeting_id is not None else (None, [])
        return [_outbox_row(r) for r in self.db["outbox"].rows_where(where, args, order_by="id")]

    def outbox_attempted(
        self, entry_id: int, *, attempts: int, next_attempt_at: float, error: str
    ) -> None:
        self._update(
            "outbox",
            "id",
            entry_id,
            {"attempts": attempts, "next_attempt_at": next_attempt_at, "last_error": error},
        )

    def outbox_posted(
        self, entry_id: int, *, channel: str | None, ts: str | None, via: str, attempts: int
    ) -> None:
        """Mark the entry posted and its meeting and request with it, in one transaction."""
        with self.db.conn:
            self.db.execute(
                "UPDATE outbox SET state = 'posted', posted_channel = ?, posted_ts = ?, via = ?,"
                " attempts = ? WHERE id = ?",
                [channel, ts, via, attempts, entry_id],
            )
            row = self.db.execute(
                "SELECT meeting_id, request_key FROM outbox WHERE id = ?", [entry_id]
            ).fetchone()
            if row is None:
                return
            meeting_id, request_key = row
            self.db.execute(
                "UPDATE meetings SET state = 'posted', message_ts = ?,"
                " channel = COALESCE(?, channel) WHERE zoom_id = ?",
                [ts, channel, meeting_id],
            )
            if request_key:
                self.db.execute(
                    "UPDATE requests SET state = 'posted', meeting_id = ? WHERE key = ?",
                    [meeting_id, request_key],
                )

    def outbox_failed(self, entry_id: int, *, error: str, attempts: int) -> None:
        """Give up on the entry: it will not be tried again. Its request says `not_posted`."""
        with self.db.conn:
            self.db.execute(
                "UPDATE outbox SET state = 'failed', last_error = ?, attempts = ? WHERE id = ?",
                [error, attempts, entry_id],
            )
            row = self.db.execute(
                "SELECT meeting_id, request_key FROM outbox WHERE id = ?", [entry_id]
            ).fetchone()
            if row and row[1]:
                self.db.execute(
                    "UPDATE requests SET state = 'not_posted', meeting_id = ? WHERE key = ?",
                    [row[0], row[1]],
                )

    def take_pending_outbox(self, owner: str) -> list[dict[str, Any]]:
        """Take over every pending entry another process (an earlier run) left, oldest first.

        One database is served by one process at a time: entries owned by `owner` are being
        delivered by this process already and are not returned.
        """
        where = "state = 'pending' AND (owner IS NULL OR owner != ?)"
        with self.db.conn:
            rows = list(self.db["outbox"].rows_where(where, [owner], order_by="id"))
            self.db.execute(f"UPDATE outbox SET owner = ? WHERE {where}", [owner, owner])  # noqa: S608
        # Their messages and private notes hold passcodes this process has never seen.
        ids = sorted({r["meeting_id"] for r in rows if r.get("meeting_id") is not None})
        if ids:
            marks = ", ".join("?" for _ in ids)
            cursor = self.db.conn.execute(
                f"SELECT passcode FROM meetings WHERE zoom_id IN ({marks})",  # noqa: S608
                ids,
            )
            add_secrets(*(passcode for (passcode,) in cursor.fetchall()))
        return [{**_outbox_row(r), "owner": owner} for r in rows]


def _learn_passcodes(rows: Sequence[dict[str, Any]]) -> None:
    add_secrets(*(row.get("passcode") for row in rows))


def _outbox_row(row: dict[str, Any]) -> dict[str, Any]:
    """An outbox row with its JSON columns decoded."""
    row = dict(row)
    for key in ("message", "fallback"):
        row[key] = json.loads(row[key]) if row.get(key) else None
    return row

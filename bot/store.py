"""zoombot's storage: one SQLite file (WAL) through sqlite-utils. Rows are plain dicts.

The schema is created and migrated here and nowhere else (`migrate()`, versioned with
SQLite's `user_version`). Methods are synchronous and short; async code calls them
through `Store.run`, which uses one dedicated thread, so the event loop never blocks
on the disk and writes are serialised without locks.

Tables:
    host_mappings  slack_user_id → zoom_email (set_by, set_at)
    slack_users    users.info cache: profile JSON, fetched_at (epoch seconds)
    zoom_users     Zoom user cache by lower-case email: user JSON (NULL = not a user), fetched_at
    meetings       every meeting created, its state: created → posted → cancelled
    requests       idempotency keys, recorded before Zoom is called
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import sqlite_utils

T = TypeVar("T")

SCHEMA_VERSION = 1


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


# Each entry takes the database from version i to i + 1. Append; never edit a shipped one.
MIGRATIONS: tuple[Callable[[sqlite_utils.Database], None], ...] = (_v1,)


def _now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


class Store:
    """The store. Open with `Store(path)`; `close()` when done."""

    def __init__(self, path: str | Path, *, clock: Callable[[], float] = time.time) -> None:
        self.path = str(path)
        self._clock = clock
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        # One connection, used only from `_executor`'s single thread (or synchronously in
        # tests), so check_same_thread can be off safely.
        conn = sqlite3.connect(self.path, check_same_thread=False)
        self.db = sqlite_utils.Database(conn)
        if self.path != ":memory:":
            self.db.enable_wal()
        self.db.execute("PRAGMA busy_timeout = 5000")
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store")
        self.migrate()

    # -- the one place that owns the schema ------------------------------------------------

    def migrate(self) -> int:
        """Bring the schema up to `SCHEMA_VERSION`. Safe to call again. Returns the version."""
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        for number in range(version, len(MIGRATIONS)):
            MIGRATIONS[number](self.db)
            # Set after each step: a crash part-way re-runs only the unfinished step.
            self.db.execute(f"PRAGMA user_version = {number + 1}")
            self.db.conn.commit()
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a store method on the store's own thread and return its result."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, partial(fn, *args, **kwargs))

    def close(self) -> None:
        self._executor.shutdown(wait=True)
        self.db.conn.close()

    # -- host mappings -------------------------------------------------------------------

    def host_mapping(self, slack_user_id: str) -> dict[str, Any] | None:
        rows = list(self.db["host_mappings"].rows_where("slack_user_id = ?", [slack_user_id]))
        return rows[0] if rows else None

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
        rows = list(self.db["slack_users"].rows_where("id = ?", [user_id]))
        if not rows or self._clock() - rows[0]["fetched_at"] > max_age:
            return None
        return json.loads(rows[0]["profile"])

    def cache_slack_user(self, user_id: str, user: dict[str, Any]) -> None:
        row = {"id": user_id, "profile": json.dumps(user), "fetched_at": self._clock()}
        self.db["slack_users"].upsert(row, pk="id")

    def cached_zoom_user(self, email: str, max_age: float) -> tuple[bool, dict | None]:
        """(hit, user). A hit with user None means Zoom said there is no such user."""
        rows = list(self.db["zoom_users"].rows_where("email = ?", [email.lower()]))
        if not rows or self._clock() - rows[0]["fetched_at"] > max_age:
            return False, None
        raw = rows[0]["user"]
        return True, (json.loads(raw) if raw else None)

    def cache_zoom_user(self, email: str, user: dict[str, Any] | None) -> None:
        row = {
            "email": email.lower(),
            "user": json.dumps(user) if user is not None else None,
            "fetched_at": self._clock(),
        }
        self.db["zoom_users"].upsert(row, pk="email")

    # -- idempotency ---------------------------------------------------------------------

    def claim_request(self, key: str, *, window: float | None = None) -> dict[str, Any] | None:
        """Record `key` before Zoom is called. Returns None if this caller now owns it, or
        the earlier row if the same key was claimed before (within `window` seconds, if set).
        """
        now = self._clock()
        rows = list(self.db["requests"].rows_where("key = ?", [key]))
        if rows and (window is None or now - rows[0]["created_at"] < window):
            return rows[0]
        self.db["requests"].upsert(
            {"key": key, "meeting_id": None, "state": "claimed", "created_at": now}, pk="key"
        )
        return None

    def settle_request(self, key: str, *, state: str, meeting_id: int | None = None) -> None:
        self.db["requests"].update(key, {"state": state, "meeting_id": meeting_id})

    # -- meetings ------------------------------------------------------------------------

    def record_meeting(self, row: dict[str, Any]) -> dict[str, Any]:
        """Insert (or replace) a meeting row; `zoom_id` is the key. Sets created_at, state."""
        row = {"state": "created", "created_at": _now_iso(), **row}
        self.db["meetings"].upsert(row, pk="zoom_id")
        return row

    def update_meeting(self, zoom_id: int, **changes: Any) -> None:
        self.db["meetings"].update(zoom_id, changes)

    def meeting(self, zoom_id: int) -> dict[str, Any] | None:
        rows = list(self.db["meetings"].rows_where("zoom_id = ?", [zoom_id]))
        return rows[0] if rows else None

    def meetings_by(self, requester: str) -> list[dict[str, Any]]:
        return list(
            self.db["meetings"].rows_where("requester = ?", [requester], order_by="created_at")
        )

"""The PostgreSQL store's per-meeting lock across instances, and the rows it reads as it
takes it (mixed into `PostgresStore`).

`meeting_lock(meeting_id)` is one round trip to take (`zoombot_meeting_lock`, migration
v12: a session advisory lock on a connection of the separate lock pool, then the meeting's
and its reminder's rows read after it is granted) and one to give back. Inside the block,
`meeting(meeting_id)` and `reminder(meeting_id)` answer with those rows instead of asking
the database again: the same answer a read at the moment the lock was granted would have
given. A write of this process to the meeting's row or its reminder (any task) drops the
kept one, so a task always reads its own writes; other instances write these rows under
the same lock, or race as they would without the kept rows. The rows are only the block's
(a context variable): tasks outside it, and after it ends, ask the database.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import asyncpg

from bot.errors import StoreUnavailable
from bot.store.postgres_base import DB_ERRORS, NEEDS_RESET, coerce
from bot.store.postgres_columns import COLUMNS

log = logging.getLogger("zoombot.store")

# What `read_held` answers when no row is kept (None is a kept "no such row").
NOT_HELD: Any = object()


class HeldRows:
    """One lock's kept rows (table -> row or None) and the tables written since it was
    asked for (never kept)."""

    __slots__ = ("rows", "written")

    def __init__(self) -> None:
        self.rows: dict[str, dict[str, Any] | None] = {}
        self.written: set[str] = set()


# (id of the store, meeting id) -> the rows of the lock this task's block holds.
_HELD: contextvars.ContextVar[dict[tuple[int, int], HeldRows] | None] = contextvars.ContextVar(
    "zoombot_held_rows", default=None
)


def _row(table: str, text: str | None) -> dict[str, Any] | None:
    """A row read as JSON, as the store's other reads return it (`COLUMNS`' order and kinds)."""
    if text is None:
        return None
    raw = json.loads(text)
    return coerce(table, {name: raw.get(name) for name, _ in COLUMNS[table]})


class PostgresMeetingLock:
    """`meeting_lock`, and the rows its block reads without a round trip."""

    _holds: dict[int, list[HeldRows]]

    @contextlib.asynccontextmanager
    async def meeting_lock(self, meeting_id: int, *, wait: float = 30.0) -> AsyncIterator[None]:
        """Hold the meeting's lock, across every instance on this database, for the block.

        A session advisory lock on a key hashed from the meeting id, on a connection of the
        separate lock pool (the block's store calls use the main pool, so holders never
        starve them), unlocked at the end of the block; the connection's loss releases it
        too, in which case another instance may go ahead. Waiting longer than `wait` seconds
        for the lock raises StoreUnavailable. (Two meetings whose keys collide in the hash
        merely wait for each other.)"""
        key = int(meeting_id)
        try:
            conn = await self._lock_pool.acquire(timeout=wait)
        except DB_ERRORS as error:
            raise StoreUnavailable(self._failure("lock the meeting", error)) from error
        raw = conn
        held = HeldRows()
        holds = self._holds.setdefault(key, [])
        holds.append(held)  # before asking: a write meanwhile is not missed
        # Until unlocked, the connection's release resets it fully (`pg_advisory_unlock_all`).
        NEEDS_RESET.add(raw)
        try:
            found = await conn.fetchrow(
                "SELECT meeting_row, reminder_row FROM zoombot_meeting_lock($1)", key, timeout=wait
            )
        except BaseException as error:
            self._drop_hold(key, held)
            # (Cancelled or timed out, the lock may be granted yet: the connection goes.)
            broken = not isinstance(error, asyncpg.PostgresError)
            await self._lock_pool.release(conn, broken=broken)
            if isinstance(error, DB_ERRORS):
                raise StoreUnavailable(self._failure("lock the meeting", error)) from error
            raise
        for table, text in (("meetings", found[0]), ("reminders", found[1])):
            if table not in held.written:
                held.rows[table] = _row(table, text)
        kept = dict(_HELD.get() or {})
        kept[(id(self), key)] = held
        token = _HELD.set(kept)
        try:
            yield
        finally:
            with contextlib.suppress(ValueError):  # (not this context: nothing to restore)
                _HELD.reset(token)
            self._drop_hold(key, held)
            await self._unlock(conn, raw, key)

    async def _unlock(self, conn: Any, raw: asyncpg.Connection, key: int) -> None:
        broken = True  # unless unlocked: then the connection is as it was
        try:
            if not conn.is_closed():
                await conn.execute(
                    "SELECT pg_advisory_unlock(hashtextextended($1, 0))",
                    f"zoombot:meeting:{key}",
                )
                NEEDS_RESET.discard(raw)
                broken = False
        except DB_ERRORS as error:
            log.warning("store: meeting lock release failed (%s)", type(error).__name__)
        finally:
            await self._lock_pool.release(conn, broken=broken)

    def _drop_hold(self, key: int, held: HeldRows) -> None:
        held.rows.clear()
        held.written.add("meetings")
        held.written.add("reminders")
        holds = self._holds.get(key)
        if holds is not None:
            with contextlib.suppress(ValueError):
                holds.remove(held)
            if not holds:
                del self._holds[key]

    def read_held(self, table: str, meeting_id: int) -> Any:
        """The row of `table` kept for `meeting_id` by the lock this task holds (a copy, or
        None for "no such row"), else NOT_HELD."""
        kept = _HELD.get()
        if not kept:
            return NOT_HELD
        held = kept.get((id(self), int(meeting_id)))
        if held is None or table not in held.rows:
            return NOT_HELD
        row = held.rows[table]
        return dict(row) if row is not None else None

    def rows_written(self, table: str, meeting_id: int | None) -> None:
        """This process wrote `table`'s row of `meeting_id`: no lock keeps the old one."""
        if meeting_id is None or not self._holds:
            return
        for held in self._holds.get(int(meeting_id), ()):
            held.rows.pop(table, None)
            held.written.add(table)

"""The SQLite store's outbox: the messages to post, their retry state, and their taking
over by the next run (mixed into `SQLiteStore`)."""

from __future__ import annotations

import json

from bot.store.common import outbox_row
from bot.store.protocol import Row


class SQLiteOutbox:
    """The outbox on the store's connection."""

    # -- the outbox ----------------------------------------------------------------------

    async def add_to_outbox(self, row: Row) -> int:
        """Keep a message to post (state `pending`, no attempts yet). Returns its id."""
        await self._pause()
        with self._writing():
            return self._insert_outbox(row)

    def _insert_outbox(self, row: Row) -> int:
        """`add_to_outbox`'s statement, inside the caller's transaction."""
        row = {"state": "pending", "attempts": 0, "created_at": self._clock(), **row}
        for key in ("message", "fallback"):
            if not isinstance(row.get(key), str):
                row[key] = json.dumps(row.get(key))
        columns = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        cursor = self.db.conn.execute(
            f"INSERT INTO outbox ({columns}) VALUES ({marks})",  # noqa: S608 - our names
            list(row.values()),
        )
        return int(cursor.lastrowid or 0)

    async def outbox_entry(self, entry_id: int) -> Row | None:
        """The entry with its JSON decoded, retry state included (attempts,
        next_attempt_at, last_error), or None."""
        row = await self._read_one("SELECT * FROM outbox WHERE id = ?", [entry_id])
        return outbox_row(row) if row else None

    async def outbox_stats(self) -> tuple[int, float]:
        """(pending entries, age in seconds of the oldest pending one, 0 when none): what
        GET /metrics shows of the outbox."""
        row = await self._read_one(
            "SELECT COUNT(*) AS depth, MIN(created_at) AS oldest FROM outbox"
            " WHERE state = 'pending'",
            [],
        )
        depth = int(row["depth"]) if row else 0
        oldest = row["oldest"] if row else None
        return depth, max(0.0, self._clock() - float(oldest)) if oldest is not None else 0.0

    async def outbox_entries(self, *, meeting_id: int | None = None) -> list[Row]:
        """Every outbox entry (of one meeting, if given), oldest first."""
        await self._pause()
        if meeting_id is None:
            rows = await self._read_all("SELECT * FROM outbox ORDER BY id", [])
        else:
            rows = await self._read_all(
                "SELECT * FROM outbox WHERE meeting_id = ? ORDER BY id", [meeting_id]
            )
        return [outbox_row(r) for r in rows]

    async def outbox_attempted(
        self, entry_id: int, *, attempts: int, next_attempt_at: float, error: str
    ) -> None:
        """Keep an attempt that failed: how many so far, when the next is due, the error."""
        await self._pause()
        with self._writing():
            self._update(
                "outbox",
                "id",
                entry_id,
                {"attempts": attempts, "next_attempt_at": next_attempt_at, "last_error": error},
            )

    async def outbox_posted(
        self, entry_id: int, *, channel: str | None, ts: str | None, via: str, attempts: int
    ) -> str | None:
        """Mark the entry posted and its meeting and request with it, in one transaction;
        returns the meeting's live status (Store.outbox_posted)."""
        await self._pause()
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
                return None
            meeting_id, request_key = row
            status = conn.execute(
                "UPDATE meetings SET state = 'posted', message_ts = ?,"
                " channel = COALESCE(?, channel) WHERE zoom_id = ? RETURNING status",
                [ts, channel, meeting_id],
            ).fetchall()  # all: the statement is done before the commit
            if request_key:
                conn.execute(
                    "UPDATE requests SET state = 'posted', meeting_id = ? WHERE key = ?",
                    [meeting_id, request_key],
                )
        return status[0][0] if status else None

    async def outbox_failed(self, entry_id: int, *, error: str, attempts: int) -> None:
        """Give up on the entry: it will not be tried again. Its request says `not_posted`."""
        await self._pause()
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
        await self._pause()
        where = "state = 'pending' AND (owner IS NULL OR owner != ?)"
        with self._writing() as conn:
            rows = self._all(f"SELECT * FROM outbox WHERE {where} ORDER BY id", [owner])  # noqa: S608
            conn.execute(f"UPDATE outbox SET owner = ? WHERE {where}", [owner, owner])  # noqa: S608
        return [{**outbox_row(r), "owner": owner} for r in rows]

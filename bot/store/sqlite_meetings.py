"""The SQLite store's meetings and what Zoom's events record about them (deliveries,
participants), mixed into `SQLiteStore`."""

from __future__ import annotations

from typing import Any

from bot.store.common import now_iso
from bot.store.protocol import OccurrenceChange, Row

# A requester's meetings, the last asked for first (`/zoom cancel last`).
MEETINGS_LATEST_FIRST = (
    "SELECT * FROM meetings WHERE requester = ?"
    " ORDER BY COALESCE((SELECT r.created_at FROM requests r"
    "   WHERE r.key = meetings.request_key), 0) DESC, created_at DESC"
)

# A move or skip; a later one keeps the first `original_start` ("moved from …").
CHANGE_OCCURRENCE = (
    "INSERT INTO occurrence_changes (meeting_id, occurrence_id, kind, original_start,"
    " new_start, new_duration, changed_by, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (meeting_id, occurrence_id) DO UPDATE SET kind = excluded.kind,"
    " new_start = excluded.new_start, new_duration = excluded.new_duration,"
    " changed_by = excluded.changed_by, changed_at = excluded.changed_at"
)


class SQLiteMeetings:
    """Meeting rows, Zoom deliveries and participants on the store's connection."""

    # -- meetings ------------------------------------------------------------------------

    async def record_meeting(self, row: Row) -> Row:
        """Insert (or replace) a meeting row; `zoom_id` is the key. Sets created_at, state."""
        await self._pause()
        row = {"state": "created", "created_at": now_iso(), **row}
        with self._writing():
            self._upsert("meetings", row, "zoom_id")
        return row

    async def record_created(
        self, row: Row, request_key: str, *, reminder: Row | None = None, outbox: Row | None = None
    ) -> int | None:
        """Record a meeting Zoom made and settle its request as `created`, in one transaction;
        `reminder`: the meeting's reminder row (bot/flows/reminders.py), and `outbox`: its
        message to post (as `add_to_outbox`), in the same one. Returns the outbox entry's id
        (None without one)."""
        await self._pause()
        row = {"state": "created", "created_at": now_iso(), **row}
        with self._writing():
            self._upsert("meetings", row, "zoom_id")
            self._update(
                "requests", "key", request_key, {"state": "created", "meeting_id": row["zoom_id"]}
            )
            if reminder is not None:
                self._upsert(
                    "reminders",
                    {**reminder, "meeting_id": row["zoom_id"], "updated_at": row["created_at"]},
                    "meeting_id",
                )
            return self._insert_outbox(outbox) if outbox is not None else None

    async def update_meeting(self, zoom_id: int, **changes: Any) -> None:
        await self._pause()
        with self._writing():
            self._update("meetings", "zoom_id", zoom_id, changes)

    async def meeting(self, zoom_id: int) -> Row | None:
        """The meeting row, or None."""
        return await self._read_one("SELECT * FROM meetings WHERE zoom_id = ?", [zoom_id])

    async def meetings_by(self, requester: str, *, latest_first: bool = False) -> list[Row]:
        """The requester's meeting rows, oldest first; or, `latest_first`, the last asked for
        first (by its request's clock, finer than the row's)."""
        if latest_first:
            return await self._read_all(MEETINGS_LATEST_FIRST, [requester])
        return await self._read_all(
            "SELECT * FROM meetings WHERE requester = ? ORDER BY created_at", [requester]
        )

    # -- live meetings (Zoom events) -----------------------------------------------------

    async def first_delivery(self, delivery_key: str) -> bool:
        """Record a Zoom delivery. True the first time this key is seen, False for a repeat."""
        await self._pause()
        with self._writing() as conn:
            cursor = conn.execute(
                "INSERT OR IGNORE INTO zoom_deliveries (delivery_key, received_at) VALUES (?, ?)",
                [delivery_key, self._clock()],
            )
        return cursor.rowcount == 1

    async def participant_joined(self, meeting_id: int, key: str, at: str) -> None:
        """`key` is in. A join older than a leave already recorded for `key` changes nothing
        (Zoom may deliver a leave before its join)."""
        await self._pause()
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
        await self._pause()
        with self._writing():
            self._upsert(
                "participants",
                {"meeting_id": meeting_id, "participant_key": key, "left_at": at},
                ("meeting_id", "participant_key"),
            )

    async def participant_count(self, meeting_id: int) -> int:
        """How many are in: joined and not left since."""
        row = await self._read_one(
            "SELECT COUNT(*) AS n FROM participants WHERE meeting_id = ? AND left_at IS NULL",
            [meeting_id],
        )
        return int(row["n"]) if row else 0

    async def forget_participants(self, meeting_id: int) -> None:
        """A new start of the meeting: nobody is in yet."""
        await self._pause()
        with self._writing() as conn:
            conn.execute("DELETE FROM participants WHERE meeting_id = ?", [meeting_id])

    # -- moves and skips -----------------------------------------------------------------

    async def occurrence_changes(self, meeting_id: int) -> list[Row]:
        """The meeting's moves and skips (occurrence_id "" = the whole meeting)."""
        return await self._read_all(
            "SELECT * FROM occurrence_changes WHERE meeting_id = ? ORDER BY occurrence_id",
            [meeting_id],
        )

    async def change_occurrence(self, change: OccurrenceChange) -> None:
        """Record a move or a skip; a later one replaces it but keeps `original_start`."""
        await self._pause()
        values = [
            change.meeting_id,
            change.occurrence_id,
            str(change.kind),
            change.original_start,
            change.new_start,
            change.new_duration,
            change.changed_by,
            change.changed_at,
        ]
        with self._writing() as conn:
            conn.execute(CHANGE_OCCURRENCE, values)

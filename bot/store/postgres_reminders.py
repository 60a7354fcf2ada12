"""The PostgreSQL store's reminders: each meeting's reminder (bot/flows/reminders.py), and the names
of who joined (the ended message).
Mixed into `PostgresStore`."""

from __future__ import annotations

from typing import Any

from bot.store.common import now_iso
from bot.store.postgres_base import COLUMN_LIST, guarded
from bot.store.postgres_lock import NOT_HELD


class PostgresReminders:
    @guarded("read the reminder", write=False)
    async def reminder(self, meeting_id: int) -> dict[str, Any] | None:
        """The meeting's reminder row, or None (inside `meeting_lock(meeting_id)`, the row
        read as the lock was taken: postgres_lock.py)."""
        row = self.read_held("reminders", meeting_id)
        if row is not NOT_HELD:
            return row
        return await self._one("reminders", "meeting_id = $1", int(meeting_id))

    @guarded("save the reminder", write=True)
    async def save_reminder(self, meeting_id: int, **changes: Any) -> None:
        """Insert the meeting's reminder row, or change the columns named."""
        row = {"meeting_id": int(meeting_id), **changes, "updated_at": now_iso()}
        await self._upsert("reminders", row, "meeting_id")
        self.rows_written("reminders", meeting_id)

    @guarded("read the reminders", write=False)
    async def due_reminders(self, now: float, limit: int = 200) -> list[dict[str, Any]]:
        """Reminders not done whose `check_at` is at or before `now`, the earliest first."""
        records = await self._pool.fetch(
            f"SELECT {COLUMN_LIST['reminders']} FROM reminders"  # noqa: S608 - our names
            " WHERE state != 'done' AND check_at <= $1 ORDER BY check_at LIMIT $2",
            float(now),
            int(limit),
        )
        return [dict(r) for r in records]

    @guarded("record the participant", write=True)
    async def name_participant(self, meeting_id: int, key: str, name: str) -> None:
        """Remember the display name of participant `key` (who joined, for the ended message)."""
        await self._pool.execute(
            "UPDATE participants SET name = $3 WHERE meeting_id = $1 AND participant_key = $2",
            int(meeting_id),
            key,
            name,
        )

    @guarded("read the participants", write=False)
    async def participant_names(self, meeting_id: int) -> list[str]:
        """The names of everyone who joined the meeting's last run, in order of joining."""
        records = await self._pool.fetch(
            "SELECT name FROM participants WHERE meeting_id = $1 AND name IS NOT NULL"
            " ORDER BY joined_at, participant_key",
            int(meeting_id),
        )
        return [str(r["name"]) for r in records]

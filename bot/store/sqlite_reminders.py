"""The SQLite store's reminders: each meeting's reminder (bot/flows/reminders.py), and the names
of who joined (the ended message).
Mixed into `SQLiteStore`."""

from __future__ import annotations

import sqlite3
from typing import Any

from bot.store.common import now_iso
from bot.store.protocol import Row


class SQLiteReminders:
    async def reminder(self, meeting_id: int) -> Row | None:
        """The meeting's reminder row, or None."""
        await self._pause()
        try:
            return self._one("SELECT * FROM reminders WHERE meeting_id = ?", [meeting_id])
        except sqlite3.Error as error:
            raise self._unreadable(error) from error

    async def save_reminder(self, meeting_id: int, **changes: Any) -> None:
        """Insert the meeting's reminder row, or change the columns named."""
        await self._pause()
        row = {"meeting_id": meeting_id, **changes, "updated_at": now_iso()}
        with self._writing():
            self._upsert("reminders", row, "meeting_id")

    async def due_reminders(self, now: float, limit: int = 200) -> list[Row]:
        """Reminders not done whose `check_at` is at or before `now`, the earliest first."""
        await self._pause()
        try:
            return self._all(
                "SELECT * FROM reminders WHERE state != 'done' AND check_at <= ?"
                " ORDER BY check_at LIMIT ?",
                [now, limit],
            )
        except sqlite3.Error as error:
            raise self._unreadable(error) from error

    async def name_participant(self, meeting_id: int, key: str, name: str) -> None:
        """Remember the display name of participant `key` (who joined, for the ended message)."""
        await self._pause()
        with self._writing() as conn:
            conn.execute(
                "UPDATE participants SET name = ? WHERE meeting_id = ? AND participant_key = ?",
                [name, meeting_id, key],
            )

    async def participant_names(self, meeting_id: int) -> list[str]:
        """The names of everyone who joined the meeting's last run, in order of joining."""
        await self._pause()
        try:
            rows = self._all(
                "SELECT name FROM participants WHERE meeting_id = ? AND name IS NOT NULL"
                " ORDER BY joined_at, participant_key",
                [meeting_id],
            )
        except sqlite3.Error as error:
            raise self._unreadable(error) from error
        return [str(r["name"]) for r in rows]

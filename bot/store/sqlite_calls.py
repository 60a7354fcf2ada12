"""The SQLite store's slack Calls: the call registered for each meeting (bot/flows/calls.py).
Mixed into `SQLiteStore`."""

from __future__ import annotations

import sqlite3

from bot.store.protocol import Row


class SQLiteCalls:
    async def slack_call(self, meeting_id: int) -> Row | None:
        """The meeting's Slack Call row, or None."""
        await self._pause()
        try:
            return self._one("SELECT * FROM slack_calls WHERE meeting_id = ?", [meeting_id])
        except sqlite3.Error as error:
            raise self._unreadable(error) from error

    async def record_slack_call(
        self, meeting_id: int, call_id: str, external_id: str, at: str
    ) -> None:
        """The meeting's (new) call: replaces an earlier one, `runs` + 1, not ended."""
        await self._pause()
        with self._writing() as conn:
            conn.execute(
                "INSERT INTO slack_calls"
                " (meeting_id, call_id, external_id, runs, registered_at, ended_at)"
                " VALUES (?, ?, ?, 1, ?, NULL)"
                " ON CONFLICT(meeting_id) DO UPDATE SET call_id = excluded.call_id,"
                " external_id = excluded.external_id, runs = COALESCE(slack_calls.runs, 0) + 1,"
                " registered_at = excluded.registered_at, ended_at = NULL",
                [meeting_id, call_id, external_id, at],
            )

    async def end_slack_call(self, meeting_id: int, at: str) -> Row | None:
        """The call's row the first time it is ended, else None (one UPDATE … RETURNING)."""
        await self._pause()
        with self._writing():
            return self._one(
                "UPDATE slack_calls SET ended_at = ?"
                " WHERE meeting_id = ? AND ended_at IS NULL AND call_id IS NOT NULL"
                " RETURNING *",
                [at, meeting_id],
            )

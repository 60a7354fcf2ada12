"""The SQLite store's a meeting's thread: what was posted there once (a recording, a summary)
and its registrants (bot/flows/recordings.py, registration.py).
Mixed into `SQLiteStore`."""

from __future__ import annotations

import sqlite3
from typing import Any

from bot.store.common import now_iso
from bot.store.protocol import Row


class SQLiteRegistration:
    async def thread_post(self, post_key: str) -> Row | None:
        """The post recorded under `post_key`, or None."""
        await self._pause()
        try:
            return self._one("SELECT * FROM thread_posts WHERE post_key = ?", [post_key])
        except sqlite3.Error as error:
            raise self._unreadable(error) from error

    async def record_thread_post(self, post_key: str, meeting_id: int, ts: str | None) -> bool:
        """Record a post; True if `post_key` was new."""
        await self._pause()
        with self._writing() as conn:
            cursor = conn.execute(
                "INSERT OR IGNORE INTO thread_posts (post_key, meeting_id, ts, posted_at)"
                " VALUES (?, ?, ?, ?)",
                [post_key, int(meeting_id), ts, self._clock()],
            )
        return cursor.rowcount == 1

    async def registrant(self, meeting_id: int, slack_user_id: str) -> Row | None:
        await self._pause()
        try:
            return self._one(
                "SELECT * FROM registrants WHERE meeting_id = ? AND slack_user_id = ?",
                [int(meeting_id), slack_user_id],
            )
        except sqlite3.Error as error:
            raise self._unreadable(error) from error

    async def registrant_by_id(self, meeting_id: int, registrant_id: str) -> Row | None:
        await self._pause()
        try:
            return self._one(
                "SELECT * FROM registrants WHERE meeting_id = ? AND registrant_id = ?",
                [int(meeting_id), registrant_id],
            )
        except sqlite3.Error as error:
            raise self._unreadable(error) from error

    async def save_registrant(self, meeting_id: int, slack_user_id: str, **changes: Any) -> Row:
        """Insert or update the Slack user's registration."""
        await self._pause()
        now = now_iso()
        with self._writing() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO registrants (meeting_id, slack_user_id, created_at)"
                " VALUES (?, ?, ?)",
                [int(meeting_id), slack_user_id, now],
            )
            self._upsert(
                "registrants",
                {
                    "meeting_id": int(meeting_id),
                    "slack_user_id": slack_user_id,
                    **changes,
                    "updated_at": now,
                },
                ("meeting_id", "slack_user_id"),
            )
            saved = self._one(
                "SELECT * FROM registrants WHERE meeting_id = ? AND slack_user_id = ?",
                [int(meeting_id), slack_user_id],
            )
        return saved or {}

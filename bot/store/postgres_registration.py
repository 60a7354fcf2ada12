"""The PostgreSQL store's a meeting's thread: what was posted there once (a recording, a summary)
and its registrants (bot/flows/recordings.py, registration.py).
Mixed into `PostgresStore`."""

from __future__ import annotations

from typing import Any

from bot.store.common import now_iso
from bot.store.postgres_base import COLUMN_LIST, coerce, guarded


class PostgresRegistration:
    @guarded("read the thread post", write=False)
    async def thread_post(self, post_key: str) -> dict[str, Any] | None:
        """The post recorded under `post_key`, or None."""
        return await self._one("thread_posts", "post_key = $1", post_key)

    @guarded("record the thread post", write=True)
    async def record_thread_post(self, post_key: str, meeting_id: int, ts: str | None) -> bool:
        """Record a post; True if `post_key` was new (for any instance)."""
        status = await self._pool.execute(
            "INSERT INTO thread_posts (post_key, meeting_id, ts, posted_at)"
            " VALUES ($1, $2, $3, $4) ON CONFLICT (post_key) DO NOTHING",
            post_key,
            int(meeting_id),
            ts,
            float(self._clock()),
        )
        return status == "INSERT 0 1"

    @guarded("read the registrant", write=False)
    async def registrant(self, meeting_id: int, slack_user_id: str) -> dict[str, Any] | None:
        return await self._one(
            "registrants", "meeting_id = $1 AND slack_user_id = $2", int(meeting_id), slack_user_id
        )

    @guarded("read the registrant", write=False)
    async def registrant_by_id(self, meeting_id: int, registrant_id: str) -> dict[str, Any] | None:
        return await self._one(
            "registrants", "meeting_id = $1 AND registrant_id = $2", int(meeting_id), registrant_id
        )

    @guarded("save the registrant", write=True)
    async def save_registrant(
        self, meeting_id: int, slack_user_id: str, **changes: Any
    ) -> dict[str, Any]:
        """Insert or update the Slack user's registration (one statement)."""
        now = now_iso()
        row = coerce(
            "registrants",
            {
                "meeting_id": meeting_id,
                "slack_user_id": slack_user_id,
                **changes,
                "updated_at": now,
            },
        )
        columns = ", ".join(f'"{c}"' for c in [*row, "created_at"])
        marks = ", ".join(f"${i}" for i in range(1, len(row) + 2))
        updates = ", ".join(
            f'"{c}" = excluded."{c}"' for c in row if c not in ("meeting_id", "slack_user_id")
        )
        saved = await self._pool.fetchrow(
            f"INSERT INTO registrants ({columns}) VALUES ({marks})"  # noqa: S608 - our names
            f" ON CONFLICT (meeting_id, slack_user_id) DO UPDATE SET {updates}"
            f" RETURNING {COLUMN_LIST['registrants']}",
            *row.values(),
            now,
        )
        return dict(saved)

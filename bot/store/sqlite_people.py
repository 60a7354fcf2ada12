"""The SQLite store's rows about people: host mappings, the Slack and Zoom user caches,
preferences (mixed into `SQLiteStore`)."""

from __future__ import annotations

import json
from typing import Any

from bot.store.common import now_iso
from bot.store.protocol import HOST_MAPPING_CHANNEL, Row


class SQLitePeople:
    """Host mappings, user caches and preferences on the store's connection."""

    # -- host mappings -------------------------------------------------------------------

    async def host_mapping(self, slack_user_id: str) -> Row | None:
        return await self._read_one(
            "SELECT * FROM host_mappings WHERE slack_user_id = ?", [slack_user_id]
        )

    async def set_host_mapping(self, slack_user_id: str, zoom_email: str, set_by: str) -> Row:
        await self._pause()
        row = {
            "slack_user_id": slack_user_id,
            "zoom_email": zoom_email,
            "set_by": set_by,
            "set_at": now_iso(),
        }
        with self._writing():
            self._upsert("host_mappings", row, "slack_user_id")
        await self.notify(HOST_MAPPING_CHANNEL, slack_user_id)
        return row

    # -- caches --------------------------------------------------------------------------

    async def cached_slack_user(self, user_id: str, max_age: float) -> Row | None:
        """The users.info `user` object if fetched less than `max_age` seconds ago."""
        row = await self._read_one(
            "SELECT profile, fetched_at FROM slack_users WHERE id = ?", [user_id]
        )
        if row is None or self._clock() - row["fetched_at"] > max_age:
            return None
        return json.loads(row["profile"])

    async def cache_slack_user(self, user_id: str, user: Row) -> None:
        await self._pause()
        row = {"id": user_id, "profile": json.dumps(user), "fetched_at": self._clock()}
        with self._writing():
            self._upsert("slack_users", row, "id")

    async def cached_zoom_user(self, email: str, max_age: float) -> tuple[bool, Row | None]:
        """(hit, user). A hit with user None means Zoom said there is no such user."""
        row = await self._read_one(
            "SELECT user, fetched_at FROM zoom_users WHERE email = ?", [email.lower()]
        )
        if row is None or self._clock() - row["fetched_at"] > max_age:
            return False, None
        raw = row["user"]
        return True, (json.loads(raw) if raw else None)

    async def cache_zoom_user(self, email: str, user: Row | None) -> None:
        await self._pause()
        row = {
            "email": email.lower(),
            "user": json.dumps(user) if user is not None else None,
            "fetched_at": self._clock(),
        }
        with self._writing():
            self._upsert("zoom_users", row, "email")

    async def forget_zoom_user(self, email: str) -> None:
        await self._pause()
        with self._writing() as conn:
            conn.execute("DELETE FROM zoom_users WHERE email = ?", [email.lower()])

    # -- preferences ---------------------------------------------------------------------

    async def preferences(self, slack_user_id: str) -> Row | None:
        """The user's saved preferences (a column is None where they chose nothing)."""
        return await self._read_one(
            "SELECT * FROM preferences WHERE slack_user_id = ?", [slack_user_id]
        )

    async def set_preferences(self, slack_user_id: str, **changes: Any) -> Row:
        """Save some of duration (minutes), waiting_room, post_passcode (bools as 0/1)."""
        await self._pause()
        row = {"slack_user_id": slack_user_id, **changes, "updated_at": now_iso()}
        with self._writing():
            self._upsert("preferences", row, "slack_user_id")
            saved = self._one("SELECT * FROM preferences WHERE slack_user_id = ?", [slack_user_id])
        return saved or row

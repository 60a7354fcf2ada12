"""The PostgreSQL store's rows about people: host mappings, the Slack and Zoom user caches,
preferences (kept per instance, invalidated across instances); mixed into `PostgresStore`."""

from __future__ import annotations

import json
from typing import Any

from bot.errors import StoreUnavailable
from bot.store.common import now_iso
from bot.store.postgres_base import (
    coerce,
    guarded,
)
from bot.store.postgres_columns import COLUMNS
from bot.store.protocol import HOST_MAPPING_CHANNEL

# `notify`'s channel for changed preferences (payload: the Slack user id), and how many
# users' preferences an instance keeps at most.
PREFERENCES_CHANNEL = "zoombot_preferences"
PREFERENCES_KEPT = 10_000


class PostgresPeople:
    """Host mappings, user caches and preferences on the store's pool."""

    async def _keep_preferences(self) -> None:
        """Keep preferences in this process from now on, if changes can be heard."""
        try:
            await self.listen(PREFERENCES_CHANNEL, self._preferences_changed)
        except StoreUnavailable:
            return  # (logged) every read asks the database, as before
        self._prefs = {}

    def _preferences_changed(self, slack_user_id: str | None) -> None:
        """A notification: `slack_user_id`'s preferences changed (None: anyone's may have)."""
        self._prefs_generation += 1
        if self._prefs is not None:
            if slack_user_id is None:
                self._prefs.clear()
            else:
                self._prefs.pop(slack_user_id, None)

    # -- host mappings ---------------------------------------------------------------------

    @guarded("read a host mapping", write=False)
    async def host_mapping(self, slack_user_id: str) -> dict[str, Any] | None:
        return await self._one("host_mappings", "slack_user_id = $1", slack_user_id)

    @guarded("save a host mapping", write=True)
    async def set_host_mapping(self, slack_user_id: str, zoom_email: str, set_by: str) -> dict:
        """Save the mapping and notify `HOST_MAPPING_CHANNEL` (payload: the Slack user id)
        in the same statement, so every instance's listeners hear of it once committed."""
        row = {
            "slack_user_id": slack_user_id,
            "zoom_email": zoom_email,
            "set_by": set_by,
            "set_at": now_iso(),
        }
        n = len(row)
        await self._pool.execute(
            f"WITH saved AS ({self._upsert_sql('host_mappings', row, 'slack_user_id')})"
            f" SELECT pg_notify(${n + 1}, ${n + 2})",
            *row.values(),
            HOST_MAPPING_CHANNEL,
            slack_user_id,
        )
        return row

    # -- caches ----------------------------------------------------------------------------

    @guarded("read the Slack profile cache", write=False)
    async def cached_slack_user(self, user_id: str, max_age: float) -> dict[str, Any] | None:
        """The users.info `user` object if fetched less than `max_age` seconds ago."""
        row = await self._pool.fetchrow(
            "SELECT profile, fetched_at FROM slack_users WHERE id = $1", user_id
        )
        if row is None or self._clock() - row["fetched_at"] > max_age:
            return None
        return json.loads(row["profile"])

    @guarded("write the Slack profile cache", write=True)
    async def cache_slack_user(self, user_id: str, user: dict[str, Any]) -> None:
        row = {"id": user_id, "profile": json.dumps(user), "fetched_at": self._clock()}
        await self._upsert("slack_users", row, "id")

    @guarded("read the Zoom user cache", write=False)
    async def cached_zoom_user(self, email: str, max_age: float) -> tuple[bool, dict | None]:
        """(hit, user). A hit with user None means Zoom said there is no such user."""
        row = await self._pool.fetchrow(
            'SELECT "user", fetched_at FROM zoom_users WHERE email = $1', email.lower()
        )
        if row is None or self._clock() - row["fetched_at"] > max_age:
            return False, None
        raw = row["user"]
        return True, (json.loads(raw) if raw else None)

    @guarded("write the Zoom user cache", write=True)
    async def cache_zoom_user(self, email: str, user: dict[str, Any] | None) -> None:
        row = {
            "email": email.lower(),
            "user": json.dumps(user) if user is not None else None,
            "fetched_at": self._clock(),
        }
        await self._upsert("zoom_users", row, "email")

    @guarded("write the Zoom user cache", write=True)
    async def forget_zoom_user(self, email: str) -> None:
        await self._pool.execute("DELETE FROM zoom_users WHERE email = $1", email.lower())

    # -- preferences -----------------------------------------------------------------------

    async def preferences(self, slack_user_id: str) -> dict[str, Any] | None:
        """The user's saved preferences (a column is None where they chose nothing). Kept in
        this process after the first read, until a `set_preferences` of any instance says
        they changed (`PREFERENCES_CHANNEL`): a command reads them twice, and they rarely
        change."""
        kept = self._prefs
        if kept is not None and slack_user_id in kept:
            row = kept[slack_user_id]
            return dict(row) if row is not None else None
        generation = self._prefs_generation

        async def read() -> dict[str, Any] | None:
            row = await self._read_preferences(slack_user_id)
            kept = self._prefs
            if kept is not None and generation == self._prefs_generation:
                if len(kept) >= PREFERENCES_KEPT:
                    kept.clear()
                kept[slack_user_id] = dict(row) if row is not None else None
            return row

        row = await self._prefs_reads.do(f"{slack_user_id}:{generation}", read)
        return dict(row) if row is not None else None  # each caller's own copy

    @guarded("read the preferences", write=False)
    async def _read_preferences(self, slack_user_id: str) -> dict[str, Any] | None:
        return await self._one("preferences", "slack_user_id = $1", slack_user_id)

    @guarded("save the preferences", write=True)
    async def set_preferences(self, slack_user_id: str, **changes: Any) -> dict[str, Any]:
        """Save some of duration (minutes), waiting_room, post_passcode (bools as 0/1), and
        notify `PREFERENCES_CHANNEL` in the same statement."""
        row = coerce(
            "preferences", {"slack_user_id": slack_user_id, **changes, "updated_at": now_iso()}
        )
        self._preferences_changed(slack_user_id)
        n = len(row)
        cols = ", ".join(f'saved."{c}"' for c, _ in COLUMNS["preferences"])
        upsert = self._upsert_sql("preferences", row, "slack_user_id", returning=True)
        saved = await self._pool.fetchrow(
            f"WITH saved AS ({upsert})"  # noqa: S608 - our names
            f" SELECT {cols}, pg_notify(${n + 1}, ${n + 2}) AS notified FROM saved",
            *row.values(),
            PREFERENCES_CHANNEL,
            slack_user_id,
        )
        self._preferences_changed(slack_user_id)
        saved = dict(saved)
        del saved["notified"]
        return saved

"""The PostgreSQL store's slack Calls: the call registered for each meeting (bot/flows/calls.py).
Mixed into `PostgresStore`."""

from __future__ import annotations

from typing import Any

from bot.store.postgres_base import COLUMN_LIST, guarded, record_dict


class PostgresCalls:
    @guarded("read the Slack call", write=False)
    async def slack_call(self, meeting_id: int) -> dict[str, Any] | None:
        """The meeting's Slack Call row, or None."""
        return await self._one("slack_calls", "meeting_id = $1", int(meeting_id))

    @guarded("record the Slack call", write=True)
    async def record_slack_call(
        self, meeting_id: int, call_id: str, external_id: str, at: str
    ) -> None:
        """The meeting's (new) call: replaces an earlier one, `runs` + 1, not ended."""
        await self._pool.execute(
            "INSERT INTO slack_calls"
            " (meeting_id, call_id, external_id, runs, registered_at, ended_at)"
            " VALUES ($1, $2, $3, 1, $4, NULL)"
            " ON CONFLICT (meeting_id) DO UPDATE SET call_id = excluded.call_id,"
            " external_id = excluded.external_id, runs = COALESCE(slack_calls.runs, 0) + 1,"
            " registered_at = excluded.registered_at, ended_at = NULL",
            int(meeting_id),
            call_id,
            external_id,
            at,
        )

    @guarded("end the Slack call", write=True)
    async def end_slack_call(self, meeting_id: int, at: str) -> dict[str, Any] | None:
        """The call's row the first time it is ended (by any instance), else None."""
        return record_dict(
            await self._pool.fetchrow(
                "UPDATE slack_calls SET ended_at = $1"  # noqa: S608 - our names
                " WHERE meeting_id = $2 AND ended_at IS NULL AND call_id IS NOT NULL"
                f" RETURNING {COLUMN_LIST['slack_calls']}",
                at,
                int(meeting_id),
            )
        )

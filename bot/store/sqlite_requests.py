"""The SQLite store's requests: idempotency claims (`claim_request`, on the acknowledgement's
path) and the create intents a later start settles. Mixed into `SQLiteStore`."""

from __future__ import annotations

import sqlite3

from bot.store.protocol import Row

# `state IN (…)` as a term of its own is what lets SQLite use the v6 partial index.
UNSETTLED_CREATES = (
    "SELECT * FROM requests WHERE state IN ('claimed', 'created')"
    " AND create_started_at IS NOT NULL"
    " AND (create_owner IS NULL OR create_owner != ?)"
    " AND ((state = 'claimed' AND meeting_id IS NULL)"
    "   OR (state = 'created' AND meeting_id IS NOT NULL AND NOT EXISTS"
    "     (SELECT 1 FROM outbox WHERE outbox.meeting_id = requests.meeting_id)))"
    " ORDER BY create_started_at"
)


# claim_request's one statement (its column names are the store's own).
_CLAIM_SQL = (
    "INSERT INTO requests ({columns}) VALUES ({marks}) ON CONFLICT(key) DO UPDATE SET {updates}"
    " WHERE requests.state IN ('refused', 'failed')"
    " OR (? IS NOT NULL AND ? - requests.created_at >= ?)"
)


class SQLiteRequests:
    async def claim_request(
        self, key: str, *, window: float | None = None, details: Row | None = None
    ) -> Row | None:
        """Record `key` before Slack is acknowledged. Returns None if this caller now owns it,
        or the earlier row if the same key was claimed before (within `window` seconds, if
        set). `details` (kind, requester, channel, thread_ts, response_url) are written in the
        same statement, so a later start can answer a request that never reached Zoom.

        Unlike the other calls it does not let the loop take a turn first: it runs on the
        acknowledgement's path, and under a burst that one turn was most of the ack's time
        (BENCHMARKS.md, "Load regression found and fixed"). A new key is one statement."""
        row = {
            "key": key,
            "meeting_id": None,
            "state": "claimed",
            "created_at": self._clock(),
            # A fresh claim: an earlier attempt's create intent (v4) no longer applies.
            "create_started_at": None,
            "create_owner": None,
            **(details or {}),
        }
        with self._writing() as conn:
            # Inserted, or an earlier claim taken over when it created nothing (refused or
            # failed: asking again may go ahead) or is older than `window`; else unchanged.
            taken = conn.execute(
                _CLAIM_SQL.format(
                    columns=", ".join(row),
                    marks=", ".join("?" for _ in row),
                    updates=", ".join(f"{c} = excluded.{c}" for c in row if c != "key"),
                ),
                [*row.values(), window, row["created_at"], window],
            ).rowcount
            if taken:
                return None
            return self._one("SELECT * FROM requests WHERE key = ?", [key])

    async def unstarted_claims(self, before: float) -> list[Row]:
        """Requests claimed before `before` (epoch seconds: this process's start) still
        `claimed` with no create started: acknowledged by an earlier run that stopped before
        Zoom was asked, so nothing was made. Oldest first."""
        await self._pause()
        try:
            return self._all(
                "SELECT * FROM requests WHERE state = 'claimed' AND create_started_at IS NULL"
                " AND created_at < ? ORDER BY created_at",
                [before],
            )
        except sqlite3.Error as error:
            raise self._unreadable(error) from error

    async def settle_request(self, key: str, *, state: str, meeting_id: int | None = None) -> None:
        await self._pause()
        with self._writing():
            self._update("requests", "key", key, {"state": state, "meeting_id": meeting_id})

    async def request(self, key: str) -> Row | None:
        await self._pause()
        try:
            return self._one("SELECT * FROM requests WHERE key = ?", [key])
        except sqlite3.Error as error:
            raise self._unreadable(error) from error

    async def note_create_started(self, key: str, intent: Row) -> None:
        """Record, on the claimed request `key`, what a later start needs to find the meeting
        Zoom may make and to tell the person (the v4 columns). Call right before Zoom is."""
        await self._pause()
        with self._writing():
            self._update("requests", "key", key, intent)

    async def unsettled_creates(self, owner: str) -> list[Row]:
        """Creates another process than `owner` (an earlier run) started and did not see
        through: requests still `claimed` with no meeting (Zoom may or may not have made
        it), and requests `created` whose meeting never reached the outbox (the run stopped
        between the two). Oldest first."""
        await self._pause()
        try:
            return self._all(UNSETTLED_CREATES, [owner])
        except sqlite3.Error as error:
            raise self._unreadable(error) from error

"""The PostgreSQL store's outbox with its leases, and the instances' heartbeats that keep
them (mixed into `PostgresStore`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from bot.logs import add_secrets
from bot.store.common import outbox_row
from bot.store.postgres_base import (
    COLUMN_LIST,
    coerce,
    guarded,
    live_sql,
)
from bot.store.postgres_columns import COLUMNS


class PostgresOutbox:
    """The outbox, leases and heartbeats on the store's pool."""

    # -- the outbox ------------------------------------------------------------------------

    @guarded("keep the message to post", write=True)
    async def add_to_outbox(self, row: dict[str, Any]) -> int:
        """Keep a message to post (state `pending`, no attempts yet). Returns its id. With an
        `owner`, the entry is leased to it until `lease` seconds after its next attempt."""
        row = self._outbox_values(row)
        entry_id = await self._pool.fetchval(self._outbox_insert_sql(row), *row.values())
        return int(entry_id)

    def _outbox_values(self, row: dict[str, Any]) -> dict[str, Any]:
        """A new entry's columns as they are stored (`add_to_outbox`'s defaults and lease)."""
        now = float(self._clock())
        row = {"state": "pending", "attempts": 0, "created_at": now, **row}
        for key in ("message", "fallback"):
            if not isinstance(row.get(key), str):
                row[key] = json.dumps(row.get(key))
        row = coerce("outbox", row)
        if row.get("owner") is not None:
            row["lease_until"] = max(now, row.get("next_attempt_at") or now) + self.lease
        return row

    @staticmethod
    def _outbox_insert_sql(row: dict[str, Any], first: int = 1) -> str:
        """Insert `row` (its values: parameters `$first`, …), returning the entry's id."""
        columns = ", ".join(f'"{c}"' for c in row)
        marks = ", ".join(f"${i}" for i in range(first, first + len(row)))
        return f"INSERT INTO outbox ({columns}) VALUES ({marks}) RETURNING id"  # noqa: S608

    @guarded("read the outbox", write=False)
    async def outbox_entry(self, entry_id: int) -> dict[str, Any] | None:
        row = await self._one("outbox", "id = $1", int(entry_id))
        return outbox_row(row) if row else None

    @guarded("read the outbox", write=False)
    async def outbox_stats(self) -> tuple[int, float]:
        """(pending entries, age in seconds of the oldest pending one, 0 when none)."""
        row = await self._pool.fetchrow(
            "SELECT COUNT(*) AS depth, MIN(created_at) AS oldest FROM outbox"
            " WHERE state = 'pending'"
        )
        depth = int(row["depth"]) if row else 0
        oldest = row["oldest"] if row else None
        return depth, max(0.0, self._clock() - float(oldest)) if oldest is not None else 0.0

    @guarded("read the outbox", write=False)
    async def outbox_entries(self, *, meeting_id: int | None = None) -> list[dict[str, Any]]:
        """Every outbox entry (of one meeting, if given), oldest first."""
        select = f"SELECT {COLUMN_LIST['outbox']} FROM outbox"  # noqa: S608
        if meeting_id is None:
            rows = await self._pool.fetch(f"{select} ORDER BY id")
        else:
            rows = await self._pool.fetch(
                f"{select} WHERE meeting_id = $1 ORDER BY id", int(meeting_id)
            )
        return [outbox_row(dict(r)) for r in rows]

    @guarded("record the attempt", write=True)
    async def outbox_attempted(
        self, entry_id: int, *, attempts: int, next_attempt_at: float, error: str
    ) -> None:
        """Record a failed attempt; a leased entry's lease now runs to `lease` seconds after
        `next_attempt_at` (the delivering instance is alive and will try again then)."""
        await self._pool.execute(
            "UPDATE outbox SET attempts = $2, next_attempt_at = $3, last_error = $4,"
            " lease_until = CASE WHEN owner IS NULL THEN lease_until"
            " ELSE GREATEST($3::float8, $5::float8) + $6::float8 END WHERE id = $1",
            int(entry_id),
            int(attempts),
            float(next_attempt_at),
            error,
            float(self._clock()),
            float(self.lease),
        )

    @guarded("record the post", write=True)
    async def outbox_posted(
        self, entry_id: int, *, channel: str | None, ts: str | None, via: str, attempts: int
    ) -> str | None:
        """Mark the entry posted and its meeting and request with it, in one statement
        (shared with the other entries marked meanwhile: `Coalesced`); returns the meeting's
        live status (Store.outbox_posted)."""
        found = await self._posted((int(entry_id), channel, ts, via, int(attempts)))
        if found is None:
            return None
        meeting_id, status = found
        self.rows_written("meetings", meeting_id)
        return status

    async def _outbox_posted_many(
        self, posts: Sequence[tuple[int, str | None, str | None, str, int]]
    ) -> list[tuple[int, str | None] | None]:
        """`outbox_posted` for every (entry id, channel, ts, via, attempts) in `posts`; for
        each, (its meeting, the meeting's status) or None if there is no such entry."""
        ids, channels, stamps, vias, attempts = (
            list(column) for column in zip(*posts, strict=True)
        )
        rows = await self._pool.fetch(
            "WITH v AS (SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[],"
            " $5::bigint[]) AS v(id, channel, ts, via, attempts)),"
            " o AS (UPDATE outbox SET state = 'posted', posted_channel = v.channel,"
            " posted_ts = v.ts, via = v.via, attempts = v.attempts, lease_until = NULL"
            " FROM v WHERE outbox.id = v.id"
            " RETURNING outbox.id, outbox.meeting_id, outbox.request_key, v.channel, v.ts),"
            " m AS (UPDATE meetings SET state = 'posted', message_ts = o.ts,"
            " channel = COALESCE(o.channel, meetings.channel)"
            " FROM o WHERE meetings.zoom_id = o.meeting_id"
            " RETURNING meetings.zoom_id, meetings.status),"
            " r AS (UPDATE requests SET state = 'posted', meeting_id = o.meeting_id FROM o"
            " WHERE o.request_key IS NOT NULL AND o.request_key <> ''"
            " AND requests.key = o.request_key)"
            " SELECT o.id, o.meeting_id, m.status FROM o"
            " LEFT JOIN m ON m.zoom_id = o.meeting_id",
            ids,
            channels,
            stamps,
            vias,
            attempts,
        )
        found = {row["id"]: (row["meeting_id"], row["status"]) for row in rows}
        return [found.get(entry_id) for entry_id in ids]

    @guarded("record the failure", write=True)
    async def outbox_failed(self, entry_id: int, *, error: str, attempts: int) -> None:
        """Give up on the entry: it will not be tried again. Its request says `not_posted`.
        One statement."""
        await self._pool.execute(
            "WITH o AS (UPDATE outbox SET state = 'failed', last_error = $2, attempts = $3,"
            " lease_until = NULL WHERE id = $1 RETURNING meeting_id, request_key)"
            " UPDATE requests SET state = 'not_posted', meeting_id = o.meeting_id FROM o"
            " WHERE o.request_key IS NOT NULL AND o.request_key <> ''"
            " AND requests.key = o.request_key",
            int(entry_id),
            error,
            int(attempts),
        )

    @guarded("take over the outbox", write=True)
    async def take_pending_outbox(self, owner: str) -> list[dict[str, Any]]:
        """Take over the pending entries another instance left or let lapse, oldest first.

        An entry is taken when it is pending, not `owner`'s already, and nobody holds a live
        lease on it; it is then `owner`'s until `lease` seconds after its next attempt.
        `FOR UPDATE SKIP LOCKED`: instances taking at once never get the same entry."""
        now = float(self._clock())
        cols = ", ".join(f'o."{c}"' for c, _ in COLUMNS["outbox"])
        async with self._pool.acquire() as conn:
            rows = await conn.fetch(
                "WITH taken AS (SELECT id FROM outbox WHERE state = 'pending'"  # noqa: S608
                " AND (owner IS NULL OR owner <> $1)"
                f" AND NOT {live_sql('outbox.owner', '$2', '$3')}"
                " AND (lease_until IS NULL OR lease_until <= $2)"
                " ORDER BY id FOR UPDATE SKIP LOCKED)"
                " UPDATE outbox o SET owner = $1,"
                " lease_until = GREATEST(COALESCE(o.next_attempt_at, $2), $2) + $3::float8"
                f" FROM taken WHERE o.id = taken.id RETURNING {cols}",
                owner,
                now,
                float(self.lease),
            )
            found = sorted((dict(r) for r in rows), key=lambda r: r["id"])
            ids = sorted({r["meeting_id"] for r in found if r.get("meeting_id") is not None})
            if ids:
                # Their messages and private notes hold passcodes this process has never seen.
                passcodes = await conn.fetch(
                    "SELECT passcode FROM meetings WHERE zoom_id = ANY($1::bigint[])", ids
                )
                add_secrets(*(p for (p,) in passcodes))
        return [outbox_row(r) for r in found]

    @guarded("record the heartbeat", write=True)
    async def heartbeat(self, owner: str) -> None:
        """Say `owner` is alive (every few seconds, bot/web/runtime.py): while its heartbeat
        is under a lease old, the outbox entries and creates it owns are never taken, however
        slow its work; once older (a dead instance), they are when their leases lapse too;
        at once when its row is gone with its leases (a clean stop, `release_leases`).
        This store's own owner (the one its claims record) beats with it: both name this
        instance."""
        await self._pool.execute(
            "INSERT INTO instances (owner, heartbeat_at)"
            " SELECT DISTINCT unnest(ARRAY[$1, $2]::text[]), $3::float8"
            " ON CONFLICT (owner) DO UPDATE SET heartbeat_at = EXCLUDED.heartbeat_at",
            owner,
            self.owner,
            float(self._clock()),
        )

    @guarded("release the leases", write=True)
    async def release_leases(self, owner: str) -> int:
        """Give up `owner`'s leases now (a stopping instance, after its grace): its pending
        outbox entries and unsettled creates are another instance's to take at once, not
        when the leases would have lapsed; so are this store's claims (`unstarted_claims`).
        Returns how many were released. PostgreSQL
        only; the embedded store has no leases."""
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute(
                "DELETE FROM instances WHERE owner = $1 OR owner = $2", owner, self.owner
            )
            posts = await conn.fetchval(
                "WITH released AS (UPDATE outbox SET lease_until = NULL"
                " WHERE owner = $1 AND state = 'pending' AND lease_until IS NOT NULL"
                " RETURNING 1) SELECT count(*) FROM released",
                owner,
            )
            creates = await conn.fetchval(
                "WITH released AS (UPDATE requests SET lease_owner = NULL, lease_until = NULL"
                " WHERE lease_owner = $1 RETURNING 1) SELECT count(*) FROM released",
                owner,
            )
        return int(posts) + int(creates)

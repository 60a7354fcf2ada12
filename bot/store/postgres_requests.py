"""The PostgreSQL store's requests: idempotency claims, create intents, and the leases on
the ones a start-up settles (mixed into `PostgresStore`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.store.postgres_base import (
    COLUMN_LIST,
    coerce,
    guarded,
    live_sql,
    record_dict,
)
from bot.store.postgres_columns import COLUMNS


class PostgresRequests:
    """Claims and create intents on the store's pool."""

    # -- idempotency -----------------------------------------------------------------------

    @guarded("record the request", write=True)
    async def claim_request(
        self, key: str, *, window: float | None = None, details: dict[str, Any] | None = None
    ) -> dict[str, Any] | None:
        """Record `key` before Slack is acknowledged. Returns None if this caller now owns it,
        or the earlier row if the same key was claimed before (within `window` seconds, if
        set). `details` (kind, requester, channel, thread_ts, response_url) go in the same
        statement.

        One statement decides, atomically across instances: it inserts the claim, or takes
        over an earlier one that was refused or failed (or is older than `window`), or does
        nothing. Only when it did nothing is the earlier row read (a second statement).
        The claim records this store's owner (`claim_owner`, see `unstarted_claims`)."""
        extra = coerce("requests", dict(details or {}))  # unknown columns: ValueError
        names = "".join(f', "{c}"' for c in extra)
        marks = "".join(f", ${i}" for i in range(4, 4 + len(extra)))
        sets = "".join(f', "{c}" = excluded."{c}"' for c in extra)
        async with self._ack_pool.acquire() as conn:  # what Slack's ack waits for
            won = await conn.fetchval(
                "INSERT INTO requests (key, meeting_id, state, created_at,"  # noqa: S608
                " create_started_at, create_owner, lease_owner, lease_until,"
                f" claim_owner{names})"
                f" VALUES ($1, NULL, 'claimed', $2, NULL, NULL, NULL, NULL, ${4 + len(extra)}"
                f"{marks})"
                " ON CONFLICT (key) DO UPDATE SET meeting_id = NULL, state = 'claimed',"
                " created_at = excluded.created_at, create_started_at = NULL,"
                " create_owner = NULL, lease_owner = NULL, lease_until = NULL,"
                f" claim_owner = excluded.claim_owner{sets}"
                " WHERE requests.state IN ('refused', 'failed')"
                " OR ($3::float8 IS NOT NULL AND excluded.created_at - requests.created_at >= $3)"
                " RETURNING true",
                key,
                float(self._clock()),
                None if window is None else float(window),
                *extra.values(),
                self.owner,
            )
            if won:
                return None
            return record_dict(
                await conn.fetchrow(
                    f"SELECT {COLUMN_LIST['requests']} FROM requests WHERE key = $1",  # noqa: S608
                    key,
                )
            )

    @guarded("settle the request", write=True)
    async def settle_request(self, key: str, *, state: str, meeting_id: int | None = None) -> None:
        await self._update("requests", "key", key, {"state": state, "meeting_id": meeting_id})

    @guarded("read the request", write=False)
    async def request(self, key: str) -> dict[str, Any] | None:
        return await self._one("requests", "key = $1", key)

    @guarded("record the create", write=True)
    async def note_create_started(self, key: str, intent: dict[str, Any]) -> None:
        """Record, on the claimed request `key`, what a later start needs to find the meeting
        Zoom may make and to tell the person (the v4 columns). Call right before Zoom is.
        Shared with the creates noted meanwhile (`Coalesced`): one statement for them all."""
        await self._creates_started((key, intent))

    async def _note_creates_started(
        self, notes: Sequence[tuple[str, dict[str, Any]]]
    ) -> list[None]:
        """`note_create_started` for every (key, intent) in `notes`: a statement for each set
        of columns (one: every create writes the same)."""
        alike: dict[tuple[str, ...], list[tuple[str, dict[str, Any]]]] = {}
        for key, intent in notes:
            alike.setdefault(tuple(intent), []).append((key, intent))
        for rows in alike.values():
            await self._update_many("requests", "key", rows)
        return [None] * len(notes)

    @guarded("read the unsettled creates", write=True)
    async def unsettled_creates(self, owner: str) -> list[dict[str, Any]]:
        """Creates another process than `owner` started and did not see through (requests
        still `claimed` with no meeting; `created` ones whose meeting never reached the
        outbox), oldest first, leased to `owner` for `lease` seconds.

        Rows another instance holds a live lease on are not returned; rows `owner` holds
        are (again, the lease renewed), so a second call by the same instance sees what the
        first took. A lease lapses on its own: the create is then anyone's to settle."""
        # $1 the taker, $2 now, $3 the lease.
        return await self._lease_requests(
            "state IN ('claimed', 'created') AND create_started_at IS NOT NULL"  # noqa: S608
            " AND (create_owner IS NULL OR create_owner <> $1)"
            " AND ((state = 'claimed' AND meeting_id IS NULL)"
            "   OR (state = 'created' AND meeting_id IS NOT NULL AND NOT EXISTS"
            "     (SELECT 1 FROM outbox WHERE outbox.meeting_id = requests.meeting_id)))"
            f" AND NOT {live_sql('create_owner', '$2', '$3')}"
            f" AND (lease_owner = $1 OR NOT {live_sql('lease_owner', '$2', '$3')})",
            "create_started_at",
            owner,
        )

    @guarded("read the unstarted requests", write=True)
    async def unstarted_claims(self, before: float) -> list[dict[str, Any]]:
        """Requests still `claimed` with no create started whose instance is gone, oldest
        first, leased to this store's owner so that one instance tells each requester.

        A claim records its instance (`claim_owner`); it is taken by the heartbeat rules of
        the outbox: never while that instance's heartbeat is under a lease old, however old
        the claim (a slow create is not "nothing was made"); once it is older, or gone (a
        clean stop), whenever it was made. Never this store's own. A claim that names no
        instance (made before v7) is taken when claimed before `before` and at least a
        lease ago."""
        # $1 the taker, $2 now, $3 the lease, $4 the cutoff for claims naming no instance.
        cutoff = min(float(before), float(self._clock()) - float(self.lease))
        return await self._lease_requests(
            "state = 'claimed' AND create_started_at IS NULL"
            " AND ((claim_owner IS NULL AND created_at < $4)"
            "   OR (claim_owner IS NOT NULL AND claim_owner <> $1"
            f"     AND NOT {live_sql('claim_owner', '$2', '$3')}))",
            "created_at",
            self.owner,
            cutoff,
        )

    async def _lease_requests(
        self, where: str, order: str, owner: str, *more: Any
    ) -> list[dict[str, Any]]:
        """The requests matching `where` (SQL of ours: $1 is `owner`, $2 now, $3 the lease,
        then `more`) that nobody else holds a lease on, leased to `owner` for `lease`
        seconds (`FOR UPDATE SKIP LOCKED`: takers at once never share a row), by `order`."""
        cols = ", ".join(f'r."{c}"' for c, _ in COLUMNS["requests"])
        rows = await self._pool.fetch(
            f"WITH taken AS (SELECT key FROM requests WHERE {where}"  # noqa: S608 - ours
            " AND (lease_until IS NULL OR lease_until <= $2 OR lease_owner = $1)"
            f" ORDER BY {order} FOR UPDATE OF requests SKIP LOCKED)"
            " UPDATE requests r SET lease_owner = $1, lease_until = $2 + $3::float8"
            f" FROM taken WHERE r.key = taken.key RETURNING {cols}",
            owner,
            float(self._clock()),
            float(self.lease),
            *more,
        )
        return sorted((dict(r) for r in rows), key=lambda r: r[order])

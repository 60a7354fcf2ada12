"""The PostgreSQL store's meetings and what Zoom's events record about them (deliveries,
participants; the lock across instances is postgres_lock.py); mixed into `PostgresStore`."""

from __future__ import annotations

import logging
from typing import Any

from bot.logs import add_secrets
from bot.store.common import now_iso
from bot.store.postgres_base import COLUMN_LIST, coerce, guarded
from bot.store.postgres_lock import NOT_HELD
from bot.store.protocol import OccurrenceChange

log = logging.getLogger("zoombot.store")


class PostgresMeetings:
    """Meeting rows, Zoom deliveries and participants."""

    # -- meetings --------------------------------------------------------------------------

    @guarded("record the meeting", write=True)
    async def record_meeting(self, row: dict[str, Any]) -> dict[str, Any]:
        """Insert (or replace) a meeting row; `zoom_id` is the key. Sets created_at, state."""
        row = {"state": "created", "created_at": now_iso(), **row}
        await self._upsert("meetings", row, "zoom_id")
        self.rows_written("meetings", row.get("zoom_id"))
        return row

    @guarded("record the meeting", write=True)
    async def record_created(
        self,
        row: dict[str, Any],
        request_key: str,
        *,
        reminder: dict[str, Any] | None = None,
        outbox: dict[str, Any] | None = None,
    ) -> int | None:
        """Record a meeting Zoom made and settle its request as `created`, in one
        transaction; `reminder`: the meeting's reminder row, and `outbox`: its message to
        post (as `add_to_outbox`), in the same one. Returns the outbox entry's id (None
        without one)."""
        row = {"state": "created", "created_at": now_iso(), **row}
        stored = coerce("meetings", row)
        args: list[Any] = [*stored.values(), request_key]
        key_mark = f"${len(args)}"
        zoom_id_mark = f"${list(stored).index('zoom_id') + 1}"
        # One statement (one round trip, one transaction): the writes run as data-modifying
        # WITHs, which PostgreSQL always runs to completion.
        parts = [
            f"m AS ({self._upsert_sql('meetings', stored, 'zoom_id')})",
            f"q AS (UPDATE requests SET state = 'created', meeting_id = {zoom_id_mark}"  # noqa: S608
            f"::bigint WHERE key = {key_mark})",
        ]
        if reminder is not None:
            extra = coerce(
                "reminders",
                {**reminder, "meeting_id": row["zoom_id"], "updated_at": row["created_at"]},
            )
            upsert = self._upsert_sql("reminders", extra, "meeting_id", first=len(args) + 1)
            parts.append(f"r AS ({upsert})")
            args.extend(extra.values())
        if outbox is not None:
            entry = self._outbox_values(outbox)
            parts.append(f"o AS ({self._outbox_insert_sql(entry, first=len(args) + 1)})")
            args.extend(entry.values())
        final = "SELECT id FROM o" if outbox is not None else "SELECT NULL"
        entry_id = await self._pool.fetchval(f"WITH {', '.join(parts)} {final}", *args)
        self.rows_written("meetings", stored.get("zoom_id"))
        if reminder is not None:
            self.rows_written("reminders", stored.get("zoom_id"))
        return int(entry_id) if entry_id is not None else None

    @guarded("update the meeting", write=True)
    async def update_meeting(self, zoom_id: int, **changes: Any) -> None:
        await self._update("meetings", "zoom_id", zoom_id, changes)
        self.rows_written("meetings", zoom_id)

    @guarded("read the meeting", write=False)
    async def meeting(self, zoom_id: int) -> dict[str, Any] | None:
        """The meeting row, or None. Its passcode is known to the log redaction from here on.
        Inside `meeting_lock(zoom_id)`, the row read as the lock was taken (postgres_lock.py)."""
        row = self.read_held("meetings", zoom_id)
        if row is NOT_HELD:
            row = await self._one("meetings", "zoom_id = $1", int(zoom_id))
        if row:
            add_secrets(row.get("passcode"))
        return row

    @guarded("read the meetings", write=False)
    async def meetings_by(
        self, requester: str, *, latest_first: bool = False
    ) -> list[dict[str, Any]]:
        """The requester's meeting rows, oldest first; or, `latest_first`, the last asked for
        first (by its request's clock). Passcodes learned, as `meeting`."""
        order = (
            " ORDER BY COALESCE((SELECT r.created_at FROM requests r"
            " WHERE r.key = meetings.request_key), 0) DESC, created_at DESC, zoom_id DESC"
            if latest_first
            else " ORDER BY created_at, zoom_id"
        )
        rows = [
            dict(r)
            for r in await self._pool.fetch(
                f"SELECT {COLUMN_LIST['meetings']} FROM meetings WHERE requester = $1"  # noqa: S608
                + order,
                requester,
            )
        ]
        add_secrets(*(r.get("passcode") for r in rows))
        return rows

    @guarded("read the passcodes", write=False)
    async def meeting_passcodes(self) -> list[str]:
        """Every stored meeting's passcode (for the log redaction at start)."""
        rows = await self._pool.fetch("SELECT passcode FROM meetings WHERE passcode IS NOT NULL")
        return [passcode for (passcode,) in rows if passcode]

    # -- live meetings (Zoom events) -------------------------------------------------------

    @guarded("record the Zoom delivery", write=True)
    async def first_delivery(self, delivery_key: str) -> bool:
        """Record a Zoom delivery. True the first time this key is seen (by any instance),
        False for a repeat."""
        status = await self._pool.execute(
            "INSERT INTO zoom_deliveries (delivery_key, received_at) VALUES ($1, $2)"
            " ON CONFLICT (delivery_key) DO NOTHING",
            delivery_key,
            float(self._clock()),
        )
        return status == "INSERT 0 1"

    @guarded("record the participant", write=True)
    async def participant_joined(self, meeting_id: int, key: str, at: str) -> None:
        """`key` is in. A join older than a leave already recorded for `key` changes nothing
        (Zoom may deliver a leave before its join). One statement."""
        await self._pool.execute(
            "INSERT INTO participants (meeting_id, participant_key, joined_at, left_at)"
            " VALUES ($1, $2, $3, NULL)"
            " ON CONFLICT (meeting_id, participant_key) DO UPDATE"
            " SET joined_at = excluded.joined_at, left_at = NULL"
            " WHERE participants.left_at IS NULL OR participants.left_at = ''"
            " OR participants.left_at < excluded.joined_at",
            int(meeting_id),
            key,
            at,
        )

    @guarded("record the participant", write=True)
    async def participant_left(self, meeting_id: int, key: str, at: str) -> None:
        await self._pool.execute(
            "INSERT INTO participants (meeting_id, participant_key, left_at) VALUES ($1, $2, $3)"
            " ON CONFLICT (meeting_id, participant_key) DO UPDATE SET left_at = excluded.left_at",
            int(meeting_id),
            key,
            at,
        )

    @guarded("count the participants", write=False)
    async def participant_count(self, meeting_id: int) -> int:
        """How many are in: joined and not left since."""
        count = await self._pool.fetchval(
            "SELECT COUNT(*) FROM participants WHERE meeting_id = $1 AND left_at IS NULL",
            int(meeting_id),
        )
        return int(count)

    @guarded("forget the participants", write=True)
    async def forget_participants(self, meeting_id: int) -> None:
        """A new start of the meeting: nobody is in yet."""
        await self._pool.execute("DELETE FROM participants WHERE meeting_id = $1", int(meeting_id))

    @guarded("read the meeting's changes", write=False)
    async def occurrence_changes(self, meeting_id: int) -> list[dict[str, Any]]:
        """The meeting's moves and skips (occurrence_id "" = the whole meeting)."""
        rows = await self._pool.fetch(
            f"SELECT {COLUMN_LIST['occurrence_changes']} FROM occurrence_changes"  # noqa: S608
            ' WHERE meeting_id = $1 ORDER BY occurrence_id COLLATE "C"',
            int(meeting_id),
        )
        return [dict(r) for r in rows]

    @guarded("record the change", write=True)
    async def change_occurrence(self, change: OccurrenceChange) -> None:
        """Record a move or a skip; a later one replaces it but keeps `original_start`."""
        await self._pool.execute(
            "INSERT INTO occurrence_changes (meeting_id, occurrence_id, kind, original_start,"
            " new_start, new_duration, changed_by, changed_at)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
            " ON CONFLICT (meeting_id, occurrence_id) DO UPDATE SET kind = excluded.kind,"
            " new_start = excluded.new_start, new_duration = excluded.new_duration,"
            " changed_by = excluded.changed_by, changed_at = excluded.changed_at",
            int(change.meeting_id),
            str(change.occurrence_id),
            str(change.kind),
            change.original_start,
            change.new_start,
            None if change.new_duration is None else int(change.new_duration),
            change.changed_by,
            change.changed_at,
        )

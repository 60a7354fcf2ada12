"""Stored meeting rows ↔ `zoom.Meeting`: the columns a flow writes for a meeting it created
(`meeting_columns`) and the meeting a row describes (`meeting_from_row`, start_url always
empty). Times are stored as ISO 8601 in UTC (`iso`). Pure: no I/O."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from bot.times import parse_utc
from zoom import Meeting, MeetingType, Occurrence, Recurrence


def iso(moment: datetime) -> str:
    """An aware datetime as the store keeps times: ISO 8601 in UTC."""
    return moment.astimezone(UTC).isoformat()


def recurrence_json(recurrence: Recurrence | None) -> str | None:
    return json.dumps(asdict(recurrence)) if recurrence is not None else None


def occurrences_json(occurrences: tuple[Occurrence, ...]) -> str | None:
    if not occurrences:
        return None
    return json.dumps(
        [
            {
                "occurrence_id": o.occurrence_id,
                "start_time": iso(o.start_time) if o.start_time else None,
                "duration": o.duration,
                "status": o.status,
            }
            for o in occurrences
        ]
    )


def meeting_columns(meeting: Meeting, *, host_name: str, show_passcode: bool) -> dict[str, Any]:
    """The columns `render_meeting` needs beyond what the flow records anyway."""
    return {
        "join_url": meeting.join_url,
        "passcode": meeting.password,
        "show_passcode": int(show_passcode),
        "host_name": host_name,
        "recurrence": recurrence_json(meeting.recurrence),
        "occurrences": occurrences_json(meeting.occurrences),
    }


def meeting_from_row(row: Mapping[str, Any]) -> Meeting:
    """A stored meeting row as a `zoom.Meeting` (start_url always empty)."""
    recurrence = None
    if row.get("recurrence"):
        recurrence = Recurrence(**json.loads(row["recurrence"]))
    occurrences = tuple(
        Occurrence(
            occurrence_id=str(o["occurrence_id"]),
            start_time=parse_utc(o.get("start_time")),
            duration=o.get("duration"),
            status=o.get("status"),
        )
        for o in json.loads(row.get("occurrences") or "[]")
    )
    return Meeting(
        id=int(row["zoom_id"]),
        uuid=row.get("uuid") or "",
        topic=row.get("topic") or "Zoom meeting",
        type=int(row.get("type") or MeetingType.SCHEDULED),
        start_time=parse_utc(row.get("start_time")),
        duration=row.get("duration"),
        timezone=row.get("timezone"),
        join_url=row.get("join_url") or "",
        password=row.get("passcode"),
        host_id=row.get("host_zoom_id"),
        host_email=row.get("host_email"),
        recurrence=recurrence,
        occurrences=occurrences,
    )


def meeting_id_of(meeting: int | str | Mapping[str, Any] | Meeting) -> int:
    """The Zoom id of a meeting given as an id, a stored row or a `zoom.Meeting`."""
    if isinstance(meeting, Mapping):
        return int(meeting["zoom_id"])
    if isinstance(meeting, Meeting):
        return int(meeting.id)
    return int(meeting)

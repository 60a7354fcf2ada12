"""Slack Calls, as payloads (bot/flows/calls.py sends them): the arguments of `calls.add`,
the people of `calls.participants.add/remove`, the `call` block of a meeting's message, and
a call's duration. Pure.

- A call is registered with the meeting's join URL as its message shows it: without the
  passcode (`pwd`) when the message hides the passcode.
- `external_unique_id` is the Zoom meeting ID for a meeting's first call; a later run of the
  same meeting (a recurring one started again) gets `<meeting ID>-<run>`, as Slack wants it
  unique across every call of the app.
- A person is a Slack user (`slack_id`) when their Zoom email is a Slack user's, else an
  external one: Zoom's participant key and the name they joined with.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.render import words
from zoom import Participant

# Slack's `display_name` of an external call user: shown on the card; kept short.
MAX_DISPLAY_NAME = 80


@dataclass(frozen=True)
class CallArguments:
    """What `calls.add` is given for one meeting."""

    external_unique_id: str
    join_url: str
    title: str
    created_by: str
    date_start: int
    external_display_id: str

    def as_kwargs(self) -> dict[str, Any]:
        return {
            "external_unique_id": self.external_unique_id,
            "join_url": self.join_url,
            "title": self.title,
            "created_by": self.created_by,
            "date_start": self.date_start,
            "external_display_id": self.external_display_id,
        }


def external_id(meeting_id: int, run: int) -> str:
    """The call's `external_unique_id` for the meeting's `run`-th call (from 1)."""
    return str(meeting_id) if run <= 1 else f"{meeting_id}-{run}"


def call_arguments(row: Mapping[str, Any], *, started: datetime, run: int) -> CallArguments:
    """`calls.add`'s arguments for a stored meeting `row`, started at `started`."""
    meeting_id = int(row["zoom_id"])
    join_url = str(row.get("join_url") or "")
    if not row.get("show_passcode"):
        join_url = words.join_url_without_passcode(join_url)
    return CallArguments(
        external_unique_id=external_id(meeting_id, run),
        join_url=join_url,
        title=str(row.get("topic") or "Zoom meeting"),
        created_by=str(row.get("requester") or ""),
        date_start=int(started.timestamp()),
        external_display_id=words.format_meeting_id(meeting_id),
    )


def call_user(person: Participant, slack_id: str | None) -> dict[str, str]:
    """One entry of `calls.participants.add/remove`'s `users`."""
    if slack_id:
        return {"slack_id": slack_id}
    name = (person.user_name or "").strip() or "Guest"
    return {"external_id": person.key, "display_name": name[:MAX_DISPLAY_NAME]}


def call_block(call_id: str) -> dict[str, Any]:
    return {"type": "call", "call_id": call_id}


def with_call(message: words.Message, call_id: str | None) -> words.Message:
    """`message` with the call's block after its own blocks (unchanged without a call)."""
    if not call_id:
        return message
    return {**message, "blocks": [*(message.get("blocks") or []), call_block(call_id)]}


def duration_seconds(started: datetime | None, ended: datetime) -> int | None:
    """Seconds from `started` to `ended` (never negative); None when the start is unknown."""
    if started is None:
        return None
    return max(0, int((ended - started).total_seconds()))

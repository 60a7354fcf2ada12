"""The channel message of a meeting: `render_new` for the first post of a meeting just
created, `render_meeting` for a stored meeting in its stored state (posted, live, ended,
cancelled), both through `messages.meeting_message`. The passcode appears in the message and
its calendar links only when `show_passcode` says so; the start_url never. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from bot.render import calendar, messages, move, words
from bot.render.calls import with_call
from bot.render.links import calendar_links
from bot.render.words import RECURRING_TYPES
from bot.settings import Settings
from bot.times import parse_utc
from zoom import Meeting

# How many upcoming occurrences a recurring meeting's message lists.
NEXT_OCCURRENCES = 3


def state_from_row(row: Mapping[str, Any], participants: int | None) -> messages.LiveState:
    status = row.get("status")
    return messages.LiveState(
        status=status,
        started_at=parse_utc(row.get("started_at")),
        ended_at=parse_utc(row.get("ended_at")),
        participants=participants if status == "live" else None,
        cancelled_by=row.get("cancelled_by"),
    )


def next_starts(meeting: Meeting, now: datetime, count: int = NEXT_OCCURRENCES) -> list[datetime]:
    """The next starts of a recurring meeting: Zoom's `occurrences` when it listed them (not
    deleted ones), else computed from its recurrence. Empty for a one-off meeting."""
    if meeting.type not in RECURRING_TYPES:
        return []
    listed = sorted(
        o.start_time
        for o in meeting.occurrences
        if o.start_time is not None and o.status != "deleted" and o.start_time >= now
    )
    if meeting.occurrences:
        return listed[:count]
    if meeting.recurrence is None or meeting.start_time is None:
        return []
    return calendar.next_occurrences(
        meeting.recurrence, meeting.start_time, meeting.timezone or "UTC", count, after=now
    )


def render_new(
    settings: Settings,
    meeting: Meeting,
    *,
    host_name: str,
    requester_id: str,
    show_passcode: bool,
    now: datetime,
    register: bool = False,
    invited: tuple[str, ...] = (),
) -> words.Message:
    """The first post of a meeting just created (`register`: it requires registration;
    `invited`: Slack ids it mentions)."""
    return messages.meeting_message(
        meeting,
        host_name=host_name,
        requester_id=requester_id,
        show_passcode=show_passcode,
        invited=invited,
        calendar=calendar_links(settings, meeting, show_passcode=show_passcode),
        **move.decorations(meeting, move.Changes(), now),
        register=register,
    )


def render_meeting(
    settings: Settings,
    meeting: Meeting,
    row: Mapping[str, Any],
    participants: int | None,
    now: datetime,
    changes: move.Changes | None = None,
    call_id: str | None = None,
) -> words.Message:
    """The channel message for a stored meeting (`meeting` is `meeting_from_row(row)`) in its
    stored state; `participants` is shown only while live; `changes`: its moves and skips;
    the Slack Call `call_id`'s card (bot/flows/calls.py) at the end unless the meeting was
    cancelled."""
    show = bool(row.get("show_passcode")) if row.get("show_passcode") is not None else False
    message = messages.meeting_message(
        meeting,
        invited=tuple((row.get("invited") or "").split()),
        host_name=row.get("host_name") or row.get("host_email") or "Zoom",
        requester_id=row.get("requester") or "",
        show_passcode=show,
        state=state_from_row(row, participants),
        calendar=calendar_links(settings, meeting, show_passcode=show),
        **move.decorations(meeting, changes or move.Changes(), now),
        register=bool(row.get("registration")),
    )
    return message if row.get("status") == "cancelled" else with_call(message, call_id)

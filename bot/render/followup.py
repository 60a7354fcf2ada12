"""After a meeting ends: who joined (from Zoom's participant events) and the "Schedule a
follow-up" button on its channel message, and the follow-up form's defaults. Pure.

Action id `schedule_followup` (value: the meeting id)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from bot.render import words
from bot.render.views import ModalDefaults, default_options
from bot.times import parse_utc

FOLLOWUP = "schedule_followup"
SHOWN_NAMES = 8  # names listed before "and N others"
WEEK = timedelta(days=7)


def joined_words(names: Sequence[str]) -> str:
    """`Ana, Bo and Cy`, `Ana, …, Hal and 3 others`, or `nobody` (each name escaped)."""
    unique = list(dict.fromkeys(n.strip() for n in names if n and n.strip()))
    if not unique:
        return "nobody"
    shown = [words.escape(n) for n in unique[:SHOWN_NAMES]]
    rest = len(unique) - len(shown)
    if rest:
        return ", ".join(shown) + f" and {rest} {'other' if rest == 1 else 'others'}"
    if len(shown) == 1:
        return shown[0]
    return ", ".join(shown[:-1]) + " and " + shown[-1]


def ended_blocks(meeting_id: int, names: Sequence[str], lasted: str | None) -> list[dict[str, Any]]:
    """What the ended message gains: who joined and how long it ran (each when known: no
    participant events may have come), and the follow-up button."""
    parts = []
    if any(n and n.strip() for n in names):
        parts.append(f":busts_in_silhouette: *Joined:* {joined_words(names)}")
    if lasted:
        parts.append(f"*Ran* {lasted}")
    blocks: list[dict[str, Any]] = []
    if parts:
        blocks.append(
            {"type": "context", "elements": [{"type": "mrkdwn", "text": " · ".join(parts)}]}
        )
    blocks.append(
        {
            "type": "actions",
            "block_id": "followup_actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": FOLLOWUP,
                    "text": {"type": "plain_text", "text": "Schedule a follow-up"},
                    "value": str(meeting_id),
                }
            ],
        }
    )
    return blocks


def with_ended(
    message: words.Message, row: Mapping[str, Any], names: Sequence[str]
) -> words.Message:
    """`message` (a meeting's channel message) with `ended_blocks` before its last block (the
    "Scheduled by" line) when the stored meeting has ended; else unchanged."""
    if row.get("status") != "ended":
        return message
    lasted = words.lasted_words(parse_utc(row.get("started_at")), parse_utc(row.get("ended_at")))
    blocks = list(message.get("blocks") or [])
    extra = ended_blocks(int(row["zoom_id"]), names, lasted)
    return {**message, "blocks": blocks[:-1] + extra + blocks[-1:]}


def followup_defaults(
    row: Mapping[str, Any], names: Sequence[str], now: datetime, default_duration: int
) -> ModalDefaults:
    """The follow-up form: the same topic, alternative hosts, length, channel and options, a
    week after the meeting's start (a series': the run that ended; another week at a time
    until it is ahead of `now`), and an agenda naming the meeting it follows and who joined."""
    # A one-off meeting's own (round) time; a series' run that just ended.
    scheduled = parse_utc(row.get("start_time"))
    ran = parse_utc(row.get("started_at"))
    recurring = bool(row.get("recurrence")) or row.get("type") in (3, 8)
    began = (ran or scheduled if recurring else scheduled or ran) or now
    start = began.replace(second=0, microsecond=0) + WEEK
    while start <= now:
        start += WEEK
    topic = str(row.get("topic") or "Zoom meeting")
    agenda = f"Follow-up of {topic} ({began:%b} {began.day})."
    joined = [n for n in dict.fromkeys(names) if n]
    if joined:
        agenda += " Joined last time: " + ", ".join(joined[:30]) + "."
    try:
        people = json.loads(row.get("people") or "[]")
    except ValueError:
        people = []
    return ModalDefaults(
        alt_hosts=tuple(p for p in people if isinstance(p, str))[:100],
        start=start,
        topic=topic[:200],
        duration=int(row.get("duration") or default_duration),
        channel=row.get("channel"),
        agenda=agenda[:1900],
        options=default_options(waiting_room=True),
    )

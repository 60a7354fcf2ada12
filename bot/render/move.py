"""What moving a meeting and skipping one occurrence look like in Slack (issue 15): the
Reschedule and Skip one… buttons, their modals, the series' next occurrences with the skipped
ones struck through, "moved from …", and the private answers. Pure: no I/O, the clock passed in.

Stored changes (`occurrence_changes` rows, occurrence_id "" = the whole meeting) become a
`Changes`; `decorations` turns it into what `messages.meeting_message` takes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.render import calendar, private, words
from bot.render.words import RECURRING_TYPES, Message, date_token, escape, format_meeting_id
from bot.times import parse_utc
from zoom import INSTANT, Meeting

RESCHEDULE = "reschedule_meeting"  # the button's action_id
SKIP_ONE = "skip_occurrence"
RESCHEDULE_VIEW = "reschedule_meeting_modal"  # the modals' callback_id
SKIP_VIEW = "skip_occurrence_modal"
WHEN_BLOCK = "when"
OCCURRENCE_BLOCK = "occurrence"
NEXT_OCCURRENCES = 3
SKIP_CHOICES = 10  # occurrences offered in the Skip one… modal


class ChangeKind(StrEnum):
    MOVED = "moved"
    SKIPPED = "skipped"


WHOLE_MEETING = ""  # the occurrence_id of a change to the whole meeting


@dataclass(frozen=True)
class Changes:
    """A meeting's stored changes: where it was before it was first moved, the original starts
    of its skipped occurrences, and each moved occurrence's original start → new start."""

    moved_from: datetime | None = None
    skipped: frozenset[datetime] = frozenset()
    moved: Mapping[datetime, datetime] = field(default_factory=dict)
    skipped_ids: frozenset[str] = frozenset()


def changes_from(rows: Iterable[Mapping[str, Any]]) -> Changes:
    moved_from, skipped, moved, ids = None, set(), {}, set()
    for row in rows:
        original = parse_utc(row.get("original_start"))
        if row.get("occurrence_id") == WHOLE_MEETING:
            moved_from = original
        elif row.get("kind") == ChangeKind.SKIPPED and original is not None:
            skipped.add(original)
            ids.add(str(row.get("occurrence_id")))
        elif original is not None and row.get("new_start"):
            moved[original] = parse_utc(row["new_start"])
    return Changes(moved_from, frozenset(skipped), moved, frozenset(ids))


def upcoming(
    meeting: Meeting, changes: Changes, now: datetime, count: int = NEXT_OCCURRENCES
) -> list[tuple[datetime, bool]]:
    """A series' next `count` starts, each with whether it is skipped: Zoom's occurrences
    (a deleted one is a skipped one), else those computed from its recurrence; the skipped
    ones zoombot recorded are among them even when Zoom no longer lists them."""
    if meeting.type not in RECURRING_TYPES:
        return []
    starts: dict[datetime, bool] = {}
    if meeting.occurrences:
        for o in meeting.occurrences:
            if o.start_time is not None:
                starts[o.start_time] = o.status == "deleted" or o.occurrence_id in (
                    changes.skipped_ids
                )
    elif meeting.recurrence is not None and meeting.start_time is not None:
        computed = calendar.next_occurrences(
            meeting.recurrence,
            meeting.start_time,
            meeting.timezone or "UTC",
            count + len(changes.skipped),
            after=now,
        )
        starts = {changes.moved.get(s, s): False for s in computed}
    for original in changes.skipped:
        starts[original] = True
    ahead = sorted((s, gone) for s, gone in starts.items() if s >= now)
    return ahead[:count]


def is_recurring(meeting: Meeting) -> bool:
    return meeting.type in RECURRING_TYPES or meeting.recurrence is not None


def buttons(meeting: Meeting) -> list[dict[str, Any]]:
    """Reschedule on a scheduled meeting (on a series: one of its meetings); Skip one… on a
    series."""
    value = str(meeting.id)
    if is_recurring(meeting):
        return [_button(RESCHEDULE, "Reschedule", value), _button(SKIP_ONE, "Skip one…", value)]
    if meeting.type == INSTANT or meeting.start_time is None:
        return []
    return [_button(RESCHEDULE, "Reschedule", value)]


def decorations(meeting: Meeting, changes: Changes, now: datetime) -> dict[str, Any]:
    """The keyword arguments `messages.meeting_message` takes for moves and skips."""
    listed = upcoming(meeting, changes, now)
    return {
        "next_starts": [s for s, _ in listed],
        "skipped": {s for s, gone in listed if gone},
        "moved_from": changes.moved_from,
        "extra_buttons": buttons(meeting),
    }


def _button(action_id: str, text: str, value: str) -> dict[str, Any]:
    return {
        "type": "button",
        "action_id": action_id,
        "text": {"type": "plain_text", "text": text},
        "value": value,
    }


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


def local_label(moment: datetime, zone: str | None) -> str:
    """`Thu, Dec 24 at 9:00 AM EST` in the meeting's zone (plain text: no date tokens)."""
    try:
        local = moment.astimezone(ZoneInfo(zone or "UTC"))
    except (ZoneInfoNotFoundError, ValueError):
        local = moment.astimezone(UTC)
    clock = local.strftime("%I:%M %p").lstrip("0")
    return f"{local:%a, %b} {local.day} at {clock} {local.tzname()}"


def reschedule_modal(meeting: Meeting, channel: str | None) -> dict[str, Any]:
    """One text field, read as `/zoom move` reads its text."""
    topic = (meeting.topic or "Zoom meeting")[:60]
    now_at = local_label(meeting.start_time, meeting.timezone) if meeting.start_time else ""
    hint = (
        "Thu 3pm · push 30 min · tomorrow same time · same time next week · 45 min (a new length)"
    )
    placeholder = "Thu 3pm"
    if is_recurring(meeting):
        now_at = "a series"
        hint = "One of its meetings: dec 24 to 11am · thu to push 30 min · dec 24 to 45 min"
        placeholder = "dec 24 to 11am"
    return {
        "type": "modal",
        "callback_id": RESCHEDULE_VIEW,
        "title": _plain("Reschedule"),
        "submit": _plain("Move it"),
        "close": _plain("Keep it"),
        "private_metadata": json.dumps({"meeting_id": meeting.id, "channel": channel}),
        "blocks": [
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": f"*{escape(topic)}* is {escape(now_at)}."},
            },
            {
                "type": "input",
                "block_id": WHEN_BLOCK,
                "label": _plain("When instead?"),
                "hint": _plain(hint),
                "element": {
                    "type": "plain_text_input",
                    "action_id": WHEN_BLOCK,
                    "placeholder": _plain(placeholder),
                    "max_length": 200,
                },
            },
        ],
    }


def skip_modal(
    meeting: Meeting, choices: Sequence[tuple[str, datetime]], channel: str | None
) -> dict[str, Any]:
    """A choice of the series' next occurrences (occurrence_id, start)."""
    topic = (meeting.topic or "Zoom meeting")[:60]
    options = [
        {"text": _plain(local_label(start, meeting.timezone)), "value": occurrence_id}
        for occurrence_id, start in choices[:SKIP_CHOICES]
    ]
    return {
        "type": "modal",
        "callback_id": SKIP_VIEW,
        "title": _plain("Skip one"),
        "submit": _plain("Skip it"),
        "close": _plain("Keep all"),
        "private_metadata": json.dumps({"meeting_id": meeting.id, "channel": channel}),
        "blocks": [
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": f"Skip one meeting of *{escape(topic)}*; the rest stay.",
                },
            },
            {
                "type": "input",
                "block_id": OCCURRENCE_BLOCK,
                "label": _plain("Which one?"),
                "element": {
                    "type": "static_select",
                    "action_id": OCCURRENCE_BLOCK,
                    "options": options,
                    "initial_option": options[0],
                },
            },
        ],
    }


@dataclass(frozen=True)
class Submitted:
    """What a Reschedule or Skip one… modal sent: the meeting, the channel the message is in,
    and the text typed (Reschedule) or the occurrence chosen (Skip one…)."""

    meeting_id: int | None
    channel: str | None
    text: str = ""
    occurrence_id: str | None = None


def read_submission(view: Mapping[str, Any]) -> Submitted:
    try:
        meta = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        meta = {}
    meeting_id = meta.get("meeting_id")
    values = (view.get("state") or {}).get("values") or {}
    when = (values.get(WHEN_BLOCK) or {}).get(WHEN_BLOCK) or {}
    chosen = ((values.get(OCCURRENCE_BLOCK) or {}).get(OCCURRENCE_BLOCK) or {}).get(
        "selected_option"
    ) or {}
    return Submitted(
        meeting_id=int(meeting_id) if isinstance(meeting_id, int) else None,
        channel=meta.get("channel"),
        text=str(when.get("value") or ""),
        occurrence_id=chosen.get("value"),
    )


def moved_message(
    meeting: Meeting, old_start: datetime | None, how: str, *, occurrence: bool = False
) -> Message:
    """The private answer to a move."""
    topic = escape(meeting.topic or "Zoom meeting")
    what = "That meeting of " if occurrence else ""
    when = date_token(meeting.start_time) if meeting.start_time else "its time"
    text = f":white_check_mark: Moved {what}*{topic}* to {when} ({escape(how)})"
    if old_start is not None and old_start != meeting.start_time:
        text += f", from {date_token(old_start)}"
    text += f". ID {format_meeting_id(meeting.id)}; the channel message and its calendar links "
    text += "show the new time."
    return private.note_message(text)


def length_message(meeting: Meeting) -> Message:
    topic = escape(meeting.topic or "Zoom meeting")
    return private.note_message(
        f":white_check_mark: *{topic}* now lasts {words.duration_words(meeting.duration)}."
    )


def unchanged_message(meeting: Meeting) -> Message:
    """A move to where the meeting already is (a repeat, a double click): nothing done."""
    topic = escape(meeting.topic or "Zoom meeting")
    when = date_token(meeting.start_time) if meeting.start_time else "now"
    return private.note_message(
        f"*{topic}* is already at {when} for {words.duration_words(meeting.duration)}; "
        "nothing changed."
    )


def skipped_message(topic: str, start: datetime, *, already: bool) -> Message:
    name = escape(topic or "Zoom meeting")
    if already:
        return private.note_message(
            f"The {date_token(start)} meeting of *{name}* was already skipped; nothing changed."
        )
    return private.note_message(
        f":white_check_mark: Skipped the {date_token(start)} meeting of *{name}*; the rest of "
        "the series stays. The channel message shows it struck through."
    )


def local_day(moment: datetime, zone: str | None) -> Any:
    """The date of `moment` in the meeting's zone."""
    try:
        return moment.astimezone(ZoneInfo(zone or "UTC")).date()
    except (ZoneInfoNotFoundError, ValueError):
        return moment.astimezone(UTC).date()

"""What zoombot says for existing meetings and everyone's own time (issue 16). Pure.

- `join_card`: the channel card of `/zoom join` (a meeting that already exists).
- `personal_room_card`: the channel card of `/zoom me` (the requester's personal room).
- `hours_question`: the private question when a meeting falls outside someone's working
  hours (buttons `people_create_anyway`, `people_find_time`).
- `slots_message`: the nearest times that fit everyone (buttons `people_pick_slot`).
- `home_blocks`: the Home tab's personal-room and working-hours preferences.

Button values are app-written JSON (`Pending.to_value`), never shown. User text is escaped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Any

from bot.render import words
from bot.render.words import Message
from zoom import Meeting

CREATE_ANYWAY = "people_create_anyway"
FIND_TIME = "people_find_time"
PICK_SLOT = "people_pick_slot"  # + _0, _1, _2: action ids are unique per message
PREF_PMI = "pref_personal_room"
PREF_WORK_START = "pref_work_start"
PREF_WORK_END = "pref_work_end"
PMI_OPTION = "use_pmi"

MAX_VALUE = 2000  # Slack's limit on a button value


@dataclass(frozen=True)
class Pending:
    """A scheduled meeting waiting for the requester's answer, carried in button values:
    `key` the original request's idempotency key, `start` UTC ISO, `zone` the requester's
    zone (the request's), `minutes` its length, `invited` Slack ids, `channel`, `thread_ts`."""

    key: str
    topic: str
    start: str
    zone: str
    minutes: int
    invited: tuple[str, ...]
    channel: str | None
    thread_ts: str | None = None
    agenda: str | None = None  # the modal's
    settings: dict[str, Any] | None = None  # the modal's options (`MeetingSettings` fields)

    def to_value(self) -> str:
        data = asdict(self)
        value = json.dumps(data, separators=(",", ":"))
        if len(value) > MAX_VALUE:  # a long agenda (kept to 2000 by Slack) does not fit
            data["agenda"] = None
            data["topic"] = self.topic[:200]
            value = json.dumps(data, separators=(",", ":"))
        return value

    @classmethod
    def from_value(cls, value: str) -> Pending | None:
        """The pending meeting in a button value, or None if it is not one of ours."""
        try:
            data = json.loads(value)
            return cls(
                key=str(data["key"]),
                topic=str(data["topic"]),
                start=str(data["start"]),
                zone=str(data["zone"]),
                minutes=int(data["minutes"]),
                invited=tuple(str(u) for u in data.get("invited") or ()),
                channel=data.get("channel"),
                thread_ts=data.get("thread_ts"),
                agenda=data.get("agenda"),
                settings=data.get("settings") if isinstance(data.get("settings"), dict) else None,
            )
        except (ValueError, KeyError, TypeError):
            return None

    def at(self, start: datetime) -> Pending:
        return replace(self, start=start.isoformat())


def invited_from_view(view: Mapping[str, Any]) -> tuple[str, ...]:
    """The Slack ids picked in the modal's "Invite" field (block `invite`), in order."""
    values = (view.get("state") or {}).get("values") or {}
    block = values.get("invite") if isinstance(values, dict) else None
    users: list[Any] = []
    if isinstance(block, dict):
        for element in block.values():
            if isinstance(element, dict) and isinstance(element.get("selected_users"), list):
                users = element["selected_users"]
    ids = (u for u in users if isinstance(u, str) and re.fullmatch(r"[UW][A-Z0-9]{2,20}", u))
    return tuple(dict.fromkeys(ids))


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def _button(action_id: str, text: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": "button",
        "action_id": action_id,
        "text": {"type": "plain_text", "text": text},
        **extra,
    }


def join_card(
    meeting_id: int,
    join_url: str,
    *,
    requester: str,
    meeting: Meeting | None = None,
    passcode: str | None = None,
) -> Message:
    """The card `/zoom join` posts: topic and time when Zoom told them (`meeting`), else a
    plain card; `join_url` exactly as it may be shown (the caller decides about `pwd`);
    `passcode` only when it may be shown in the channel."""
    topic = words.escape((meeting.topic if meeting else "") or "Zoom meeting")
    fields = []
    if meeting is not None:
        fields.append(f"*When*\n{words.when_words(meeting)}")
        if meeting.duration:
            fields.append(f"*Duration*\n{words.duration_words(meeting.duration)}")
    fields.append(f"*Meeting ID*\n{words.format_meeting_id(meeting_id)}")
    if passcode:
        fields.append(f"*Passcode*\n{words.escape(passcode)}")
    blocks = [
        _section(f":video_camera: *{topic}*"),
        {"type": "section", "fields": [{"type": "mrkdwn", "text": f} for f in fields]},
        {
            "type": "actions",
            "block_id": "join_actions",
            "elements": [
                _button(
                    "join_meeting", "Join", style="primary", url=join_url, value=str(meeting_id)
                )
            ],
        },
        _context(f"Shared by <@{requester}> with `/zoom join`"),
    ]
    text = f"Zoom meeting: {topic} (ID {words.format_meeting_id(meeting_id)}). Join: {join_url}"
    return {"text": text, "blocks": blocks}


def personal_room_card(
    pmi: int | None, join_url: str, *, requester: str, passcode: str | None = None
) -> Message:
    """The card `/zoom me` (or `/zoom now` with the personal-room preference) posts."""
    fields = []
    if pmi:
        fields.append(f"*Meeting ID*\n{words.format_meeting_id(pmi)}")
    if passcode:
        fields.append(f"*Passcode*\n{words.escape(passcode)}")
    blocks: list[dict[str, Any]] = [_section(f":video_camera: *<@{requester}>'s personal room*")]
    if fields:
        blocks.append(
            {"type": "section", "fields": [{"type": "mrkdwn", "text": f} for f in fields]}
        )
    blocks.append(
        {
            "type": "actions",
            "block_id": "personal_room_actions",
            "elements": [
                _button("join_meeting", "Join", style="primary", url=join_url, value=str(pmi or ""))
            ],
        }
    )
    return {"text": f"Personal Zoom room of <@{requester}>. Join: {join_url}", "blocks": blocks}


def hours_question(line: str, pending: Pending, when: datetime) -> Message:
    """Asked privately before creating: the meeting falls outside someone's working hours.
    `line` is `bot.slots.describe`'s plain text (escaped here)."""
    topic = words.escape(pending.topic or "Zoom meeting")
    value = pending.to_value()
    text = (
        f":clock3: *{topic}* ({words.date_token(when)}) is outside someone's working hours:\n"
        f"{words.escape(line)}\nCreate it anyway, or find a time that fits everyone?"
    )
    return {
        "text": f"{pending.topic or 'The meeting'} is outside someone's working hours.",
        "blocks": [
            _section(text),
            {
                "type": "actions",
                "block_id": "people_hours",
                "elements": [
                    _button(CREATE_ANYWAY, "Create anyway", style="primary", value=value),
                    _button(FIND_TIME, "Find a time", value=value),
                ],
            },
        ],
    }


def slots_message(pending: Pending, slots: Sequence[tuple[datetime, str]]) -> Message:
    """The nearest start times that fit everyone's hours, each a button with its `describe`
    line underneath (`slots`: start, line)."""
    topic = words.escape(pending.topic or "Zoom meeting")
    lines = [f"Times for *{topic}* that fit everyone's working hours:"]
    buttons = []
    for i, (start, line) in enumerate(slots):
        lines.append(f"• {words.date_token(start)}: {words.escape(line)}")
        label = f"{start:%a %b} {start.day}, {_clock(start)}"
        buttons.append(_button(f"{PICK_SLOT}_{i}", label, value=pending.at(start).to_value()))
    blocks: list[dict[str, Any]] = [_section("\n".join(lines))]
    blocks.append({"type": "actions", "block_id": "people_slots", "elements": buttons})
    return {
        "text": f"Times for {pending.topic or 'the meeting'} that fit everyone.",
        "blocks": blocks,
    }


def no_slots_message(reason: str, pending: Pending) -> Message:
    """Nothing fits everyone: why (`explain_no_slots`), and Create anyway again."""
    text = words.escape(reason) + " Create it at the time asked anyway, or pick another time."
    return {
        "text": text,
        "blocks": [
            _section(text),
            {
                "type": "actions",
                "block_id": "people_no_slots",
                "elements": [
                    _button(
                        CREATE_ANYWAY, "Create anyway", style="primary", value=pending.to_value()
                    )
                ],
            },
        ],
    }


def _clock(when: datetime) -> str:
    hour12 = when.hour % 12 or 12
    return f"{hour12}:{when.minute:02d} {'AM' if when.hour < 12 else 'PM'}"


HOURS = tuple(f"{h:02d}:00" for h in range(24))


def home_blocks(*, use_pmi: bool, work_start: str, work_end: str) -> list[dict[str, Any]]:
    """The Home tab's preferences of issue 16: the personal room for instant meetings, and
    working hours (whole hours; others' meetings outside them are asked about first)."""
    option = {
        "text": {
            "type": "plain_text",
            "text": "Use my personal room for instant meetings (`/zoom now`)",
        },
        "value": PMI_OPTION,
    }
    checkbox: dict[str, Any] = {"type": "checkboxes", "action_id": PREF_PMI, "options": [option]}
    if use_pmi:
        checkbox["initial_options"] = [option]
    starts = sorted({*HOURS, work_start})
    ends = sorted({*HOURS[1:], "23:59", work_end})
    warning = []
    if work_start >= work_end:
        warning = [
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": ":warning: Your working hours end before they start, so "
                        "9:00 AM–6:00 PM counts until you change them.",
                    }
                ],
            }
        ]
    return [
        {
            "type": "section",
            "block_id": "pref_personal_room_block",
            "text": {"type": "mrkdwn", "text": "*Personal room*"},
            "accessory": checkbox,
        },
        {
            "type": "section",
            "block_id": "pref_work_start_block",
            "text": {"type": "mrkdwn", "text": "*Working hours start*\nOn weekdays, your time."},
            "accessory": {
                "type": "static_select",
                "action_id": PREF_WORK_START,
                "options": [_time_option(v) for v in starts],
                "initial_option": _time_option(work_start),
            },
        },
        {
            "type": "section",
            "block_id": "pref_work_end_block",
            "text": {
                "type": "mrkdwn",
                "text": "*Working hours end*\nMeetings others make outside them ask first.",
            },
            "accessory": {
                "type": "static_select",
                "action_id": PREF_WORK_END,
                "options": [_time_option(v) for v in ends],
                "initial_option": _time_option(work_end),
            },
        },
        *warning,
    ]


def _time_option(hhmm: str) -> dict[str, Any]:
    hour, minute = int(hhmm[:2]), int(hhmm[3:5])
    label = f"{hour % 12 or 12}:{minute:02d} {'AM' if hour < 12 else 'PM'}"
    return {"text": {"type": "plain_text", "text": label}, "value": hhmm}

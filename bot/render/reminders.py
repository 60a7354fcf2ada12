"""Reminders before a meeting: when the next one posts (`next_reminder`), the message posted
in its thread, the Home tab's choice and the modal's per-meeting override. Pure.

Action and block ids: `pref_reminder` (Home tab static_select, value: minutes, "0" = off);
the modal's block `reminder` (static_select, value: minutes or `default`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from bot.preferences import REMINDERS
from bot.render import messages, words
from bot.render.meeting import next_starts
from bot.render.words import RECURRING_TYPES
from zoom import INSTANT, Meeting

# A reminder whose time is closer than this is not scheduled (Slack refuses a post_at in the
# past, and one a few seconds ahead may be by the time Slack reads it).
MIN_LEAD = 60.0
STARTS_LOOKED_AT = 50  # how many of a series' next starts are looked through

PREF_REMINDER = "pref_reminder"
MODAL_BLOCK = "reminder"
MODAL_ACTION = "value"  # bot/render/views.py's ACTION: every modal input has it
DEFAULT = "default"


def minutes_words(minutes: int) -> str:
    """`Off`, `5 minutes before`, … (the choices' labels)."""
    return "Off" if minutes <= 0 else f"{minutes} minutes before"


def _option(value: str, label: str) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": label}, "value": value}


def reminder_message(
    meeting: Meeting, starts_at: datetime, minutes: int, *, show_passcode: bool
) -> words.Message:
    """The reminder posted (scheduled) in the meeting's thread `minutes` before `starts_at`,
    with a Join button. Never the passcode unless `show_passcode` (the join URL loses its
    `pwd` otherwise), never the start_url."""
    shown = words.shown_meeting(meeting, show_passcode=show_passcode)
    topic = words.escape(meeting.topic or "Zoom meeting")
    line = f":alarm_clock: *{topic}* starts in {minutes} minutes ({words.date_token(starts_at)})."
    blocks: list[dict[str, Any]] = [{"type": "section", "text": {"type": "mrkdwn", "text": line}}]
    if shown.join_url and len(shown.join_url) <= messages.MAX_BUTTON_URL:
        blocks.append(
            {
                "type": "actions",
                "block_id": "reminder_actions",
                "elements": [
                    {
                        "type": "button",
                        "action_id": "join_meeting",
                        "text": {"type": "plain_text", "text": "Join"},
                        "style": "primary",
                        "url": shown.join_url,
                        "value": str(meeting.id),
                    }
                ],
            }
        )
    text = f"Reminder: {topic} starts in {minutes} minutes. Join: {shown.join_url}"
    return {"text": text, "blocks": blocks}


def home_block(minutes: int) -> dict[str, Any]:
    """The Home tab's reminder choice (Off, 5, 10, 15, 30 minutes before)."""
    choices = sorted({*REMINDERS, minutes})
    return {
        "type": "section",
        "block_id": "pref_reminder_block",
        "text": {
            "type": "mrkdwn",
            "text": "*Reminder*\nPosted in the meeting's thread before it starts.",
        },
        "accessory": {
            "type": "static_select",
            "action_id": PREF_REMINDER,
            "options": [_option(str(m), minutes_words(m)) for m in choices],
            "initial_option": _option(str(minutes), minutes_words(minutes)),
        },
    }


def modal_block(initial: int | None = None) -> dict[str, Any]:
    """The modal's per-meeting override: `default` (the person's Home tab choice) or a
    number of minutes (0 = no reminder for this meeting)."""
    options = [_option(DEFAULT, "My default (App Home)")]
    options += [_option(str(m), minutes_words(m)) for m in REMINDERS]
    chosen = options[0] if initial is None else _option(str(initial), minutes_words(initial))
    return {
        "type": "input",
        "block_id": MODAL_BLOCK,
        "label": {"type": "plain_text", "text": "Reminder"},
        "optional": True,
        "element": {
            "type": "static_select",
            "action_id": MODAL_ACTION,
            "options": options,
            "initial_option": chosen,
        },
    }


def modal_choice(view: Mapping[str, Any]) -> int | None:
    """The submitted modal's reminder override in minutes, or None for the default (or
    anything unreadable)."""
    state = view.get("state") if isinstance(view, Mapping) else None
    values = state.get("values") if isinstance(state, Mapping) else None
    block = values.get(MODAL_BLOCK) if isinstance(values, Mapping) else None
    element = block.get(MODAL_ACTION) if isinstance(block, Mapping) else None
    option = element.get("selected_option") if isinstance(element, Mapping) else None
    value = option.get("value") if isinstance(option, Mapping) else None
    if isinstance(value, str) and value.isascii() and value.isdigit() and int(value) in REMINDERS:
        return int(value)
    return None


def next_reminder(
    meeting: Meeting, minutes: int, now: datetime
) -> tuple[datetime, datetime] | None:
    """(start, post_at) of the next start whose reminder can still be scheduled (its time at
    least MIN_LEAD ahead of `now`), or None."""
    if minutes <= 0 or meeting.type == INSTANT:
        return None
    lead = timedelta(minutes=minutes)
    earliest = now + timedelta(seconds=MIN_LEAD) + lead
    if meeting.type in RECURRING_TYPES:
        starts = next_starts(meeting, earliest, STARTS_LOOKED_AT)
    else:
        starts = [meeting.start_time] if meeting.start_time is not None else []
    for start in starts:
        if start >= earliest:
            return start, start - lead
    return None

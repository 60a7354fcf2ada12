"""The App Home tab: a person's upcoming meetings, who hosts them, their preferences. Pure.

`upcoming(rows, now)` picks, from the store's meeting rows of one requester, the ones still
ahead (or live); `home_view(...)` renders the Home tab for `views.publish`. Action ids:
`cancel_meeting` (value: meeting id; with a confirmation), `join_meeting` (a link),
`pref_duration` (static_select, value: minutes), `pref_options` (checkboxes, values
`waiting_room` and `post_passcode`), `pref_reminder` (static_select, bot/render/reminders.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.preferences import DURATIONS, Preferences
from bot.render import messages, private, reminders, words
from bot.render.meeting import next_starts
from bot.render.words import RECURRING_TYPES
from bot.store.rows import meeting_from_row

MAX_MEETINGS = 15  # each takes two blocks; a Home view holds at most 100
PREF_DURATION = "pref_duration"
PREF_OPTIONS = "pref_options"
OPTION_LABELS = {
    "waiting_room": "Waiting room on",
    "post_passcode": "Show the passcode in the channel (off: only to you, privately)",
}


def upcoming(rows: Iterable[Mapping[str, Any]], now: datetime) -> list[dict[str, Any]]:
    """Rows of meetings not cancelled and not over, soonest first: live ones, one-off
    meetings whose end is still ahead, recurring ones with an occurrence still ahead."""
    found: list[tuple[datetime, dict[str, Any]]] = []
    for row in rows:
        if row.get("status") == "cancelled" or row.get("state") == "cancelled":
            continue
        meeting = meeting_from_row(row)
        if row.get("status") == "live":
            found.append((now - timedelta(days=1), dict(row)))
            continue
        if meeting.type in RECURRING_TYPES:
            nexts = next_starts(meeting, now, 1)
            if nexts:
                found.append((nexts[0], dict(row)))
            continue
        if row.get("status") == "ended" or meeting.start_time is None:
            continue
        end = meeting.start_time + timedelta(minutes=meeting.duration or 60)
        if end > now:
            found.append((meeting.start_time, dict(row)))
    found.sort(key=lambda pair: pair[0].astimezone(UTC))
    return [row for _, row in found]


def _meeting_blocks(row: Mapping[str, Any], now: datetime) -> list[dict[str, Any]]:
    meeting = meeting_from_row(row)
    topic = words.escape(meeting.topic or "Zoom meeting")
    if row.get("status") == "live":
        when = ":red_circle: live now"
    elif meeting.type in RECURRING_TYPES:
        nexts = next_starts(meeting, now, 1)
        when = f"next {words.date_token(nexts[0])}" if nexts else "repeats"
    else:
        when = words.when_words(meeting)
    text = f"*{topic}*\n{when} · ID {words.format_meeting_id(meeting.id)}"
    buttons: list[dict[str, Any]] = []
    if meeting.join_url:
        buttons.append(
            {
                "type": "button",
                "action_id": "join_meeting",
                "text": {"type": "plain_text", "text": "Join"},
                "url": meeting.join_url,
                "value": str(meeting.id),
            }
        )
    buttons.append(
        {
            "type": "button",
            "action_id": "cancel_meeting",
            "text": {"type": "plain_text", "text": "Cancel"},
            "style": "danger",
            "value": str(meeting.id),
            "confirm": messages.cancel_confirmation(meeting.topic or "Zoom meeting"),
        }
    )
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": text}},
        {"type": "actions", "block_id": f"home_meeting_{meeting.id}", "elements": buttons},
    ]


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def _duration_option(minutes: int) -> dict[str, Any]:
    return {
        "text": {"type": "plain_text", "text": words.duration_words(minutes)},
        "value": str(minutes),
    }


def _checkbox(value: str) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": OPTION_LABELS[value]}, "value": value}


# Shown when the host look-up failed (the listener catches Slack's and Zoom's errors).
HOST_UNKNOWN = "The Zoom account that hosts your meetings could not be looked up right now."


def home_view(
    *,
    meetings: list[Mapping[str, Any]],
    host_email: str | None,
    found_by: str | None,
    prefs: Preferences,
    now: datetime,
    host_unknown: bool = False,
) -> dict[str, Any]:
    """The Home tab. `meetings` are `upcoming()` rows; `host_email`/`found_by` say which Zoom
    user hosts this person's meetings and how it was found (None: nobody yet).
    `host_unknown`: the look-up failed (Slack or Zoom did not answer), so the tab says the
    host could not be looked up right now rather than that there is none."""
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": "Your Zoom meetings"}}
    ]
    if meetings:
        for row in meetings[:MAX_MEETINGS]:
            blocks += _meeting_blocks(row, now)
        if len(meetings) > MAX_MEETINGS:
            more = len(meetings) - MAX_MEETINGS
            blocks.append(_context(f"…and {more} more: `/zoom list` shows them all."))
    else:
        blocks.append(_section("No upcoming meetings. Type `/zoom` in any channel to make one."))

    blocks.append({"type": "divider"})
    blocks.append({"type": "header", "text": {"type": "plain_text", "text": "Who hosts them"}})
    if host_email:
        how = private.FOUND_BY.get(found_by or "", found_by or "")
        hosted = f"Your meetings are hosted by *{words.escape(host_email)}* ({how})."
    elif host_unknown:
        hosted = HOST_UNKNOWN
    else:
        hosted = "No Zoom account hosts your meetings yet."
    blocks.append(
        _section(hosted + "\nTo use another Zoom account, type `/zoom link you@company.com`.")
    )

    blocks.append({"type": "divider"})
    blocks.append({"type": "header", "text": {"type": "plain_text", "text": "Your preferences"}})
    durations = sorted({*DURATIONS, prefs.duration})
    blocks.append(
        {
            "type": "section",
            "block_id": "pref_duration_block",
            "text": {"type": "mrkdwn", "text": "*Default duration*\nWhen you don't say how long."},
            "accessory": {
                "type": "static_select",
                "action_id": PREF_DURATION,
                "options": [_duration_option(d) for d in durations],
                "initial_option": _duration_option(prefs.duration),
            },
        }
    )
    chosen = [
        name
        for name, on in (
            ("waiting_room", prefs.waiting_room),
            ("post_passcode", prefs.post_passcode),
        )
        if on
    ]
    checkboxes: dict[str, Any] = {
        "type": "checkboxes",
        "action_id": PREF_OPTIONS,
        "options": [_checkbox(v) for v in OPTION_LABELS],
    }
    if chosen:
        checkboxes["initial_options"] = [_checkbox(v) for v in chosen]
    blocks.append(
        {
            "type": "section",
            "block_id": "pref_options_block",
            "text": {"type": "mrkdwn", "text": "*Every meeting you make*"},
            "accessory": checkboxes,
        }
    )
    blocks.append(reminders.home_block(prefs.reminder))
    blocks.append(
        _context(
            "Where you have not chosen, your workspace's defaults apply. Changes apply to the "
            "next meeting you make."
        )
    )
    return {"type": "home", "blocks": blocks}

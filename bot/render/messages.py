"""A meeting's channel message in Block Kit: its states (scheduled, live, ended,
cancelled), buttons and calendar links. Pure: no I/O, no clock. The words and blocks it is
made of are bot/render/words.py's; what is said to one person, bot/render/private.py's.

Every message is a dict with `text` (the notification fallback) and `blocks`, ready for
`chat.postMessage`, `chat.postEphemeral` or a `response_url`. User text is always passed
through `escape()`. The host's `start_url` is never rendered by anything here.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.render.words import (
    RECURRING_TYPES,
    Message,
    context,
    date_token,
    duration_words,
    escape,
    format_meeting_id,
    lasted_words,
    people_words,
    repetition_words,
    section,
    shown_meeting,
    when_words,
)
from zoom import Meeting


@dataclass(frozen=True)
class LiveState:
    """What Zoom told us since the meeting was posted (all None: not started yet).

    `status` is None, "live", "ended" or "cancelled"; `participants` is how many are in
    (None: unknown); `cancelled_by` is the Slack user who cancelled it from Slack (None
    with status "cancelled": it was deleted in Zoom itself)."""

    status: str | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    participants: int | None = None
    cancelled_by: str | None = None


@dataclass(frozen=True)
class CalendarLinks:
    """Links for "Add to calendar" (each None when not offered)."""

    google: str | None = None
    ics: str | None = None
    outlook: str | None = None


# Slack refuses a button whose url is longer than this.
MAX_BUTTON_URL = 3000


def _button(action_id: str, text: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": "button",
        "action_id": action_id,
        "text": {"type": "plain_text", "text": text},
        **extra,
    }


def cancel_confirmation(topic: str) -> dict[str, Any]:
    """Slack's `confirm` object for the Cancel buttons (`topic` as given, escaped here)."""
    name = escape(topic if len(topic) <= 150 else topic[:149] + "…")
    return {
        "title": {"type": "plain_text", "text": "Cancel this meeting?"},
        "text": {"type": "mrkdwn", "text": f"This deletes *{name}* in Zoom for everyone."},
        "confirm": {"type": "plain_text", "text": "Cancel meeting"},
        "deny": {"type": "plain_text", "text": "Keep it"},
        "style": "danger",
    }


def _status_line(state: LiveState, recurring: bool) -> str | None:
    if state.status == "live":
        line = ":red_circle: *Live*"
        if state.started_at is not None:
            line += f" since {date_token(state.started_at)}"
        if state.participants is not None:
            line += f" · {people_words(state.participants)}"
        return line
    if state.status == "ended":
        line = ":checkered_flag: *Last met*" if recurring else ":checkered_flag: *Ended*"
        if state.ended_at is not None:
            line += f" {date_token(state.ended_at)}"
        lasted = lasted_words(state.started_at, state.ended_at)
        return line + (f" · lasted {lasted}" if lasted else "")
    if state.status == "cancelled":
        if state.cancelled_by:
            return f":no_entry_sign: *Cancelled* by <@{state.cancelled_by}>"
        return ":no_entry_sign: *Cancelled* in Zoom"
    return None


def meeting_message(
    meeting: Meeting,
    *,
    host_name: str,
    requester_id: str,
    show_passcode: bool,
    state: LiveState | None = None,
    calendar: CalendarLinks | None = None,
    next_starts: Sequence[datetime] = (),
    invited: Sequence[str] = (),
    skipped: Collection[datetime] = (),
    moved_from: datetime | None = None,
    extra_buttons: Sequence[dict[str, Any]] = (),
    register: bool = False,
) -> Message:
    """The one message posted in the channel about a meeting, in every state it goes
    through (posted, live, ended, cancelled): it is re-rendered from the store on each change.

    Carries topic, start (date token), duration, repetition and the next occurrences, host,
    the meeting ID and, if `show_passcode`, the passcode; a status line once Zoom said
    something. Buttons while the meeting can still be joined (always for a recurring one
    that is not cancelled): Join, the `calendar` links given, Cancel (with a confirmation).
    Never the start_url; never the passcode when `show_passcode` is False, neither as such
    nor inside the join URL (its `pwd` parameter is dropped). The calendar links are the
    caller's: build them without it then. `skipped` of `next_starts` are struck through;
    `moved_from` adds "Moved from …"; `extra_buttons` go before Cancel (bot/render/move.py).
    caller's: build them without it then. A meeting that requires registration (`register`)
    shows a Register button instead of Join, and its join link nowhere.
    """
    meeting = shown_meeting(meeting, show_passcode=show_passcode)
    state = state or LiveState()
    recurring = meeting.recurrence is not None or meeting.type in RECURRING_TYPES
    cancelled = state.status == "cancelled"
    open_ = not cancelled and (state.status != "ended" or recurring)
    topic = escape(meeting.topic or "Zoom meeting")
    fields = [
        f"*When*\n{when_words(meeting)}",
        f"*Duration*\n{duration_words(meeting.duration)}",
    ]
    repeats = repetition_words(meeting.recurrence)
    if repeats:
        fields.append(f"*Repeats*\n{repeats}")
    if next_starts and not cancelled:
        fields.append(
            "*Next*\n"
            + "\n".join(
                f"~{date_token(s)}~ skipped" if s in skipped else date_token(s)
                for s in next_starts[:5]
            )
        )
    fields.append(f"*Host*\n{escape(host_name)}")
    fields.append(f"*Meeting ID*\n{format_meeting_id(meeting.id)}")
    if show_passcode and meeting.password and not cancelled:
        fields.append(f"*Passcode*\n{escape(meeting.password)}")
    title = f"~{topic}~" if cancelled else topic
    blocks: list[dict[str, Any]] = [section(f":video_camera: *{title}*")]
    status = _status_line(state, recurring)
    if status:
        blocks.append(context(status))
    if moved_from is not None and not cancelled and moved_from != meeting.start_time:
        blocks.append(context(f":arrow_right_hook: Moved from ~{date_token(moved_from)}~"))
    blocks.append({"type": "section", "fields": [{"type": "mrkdwn", "text": f} for f in fields]})
    if invited:
        # Slack user ids only (`U…`/`W…`): a mention of a person, never @channel or @here.
        ids = [u for u in invited if re.fullmatch(r"[UW][A-Z0-9]{2,20}", u)]
        if ids:
            blocks.append(context("With " + " ".join(f"<@{u}>" for u in ids)))
    if open_:
        buttons = [
            _button("register_meeting", "Register", style="primary", value=str(meeting.id))
            if register
            else _button(
                "join_meeting",
                "Join",
                style="primary",
                url=meeting.join_url,
                value=str(meeting.id),
            )
        ]
        links = calendar or CalendarLinks()
        for action_id, label, url in (
            ("add_to_google_calendar", "Add to Google Calendar", links.google),
            ("add_to_outlook", "Add to Outlook", links.outlook),
            ("download_ics", "Download .ics", links.ics),
        ):
            if url and len(url) <= MAX_BUTTON_URL:
                buttons.append(_button(action_id, label, url=url, value=str(meeting.id)))
        buttons.extend(extra_buttons)
        buttons.append(
            _button(
                "cancel_meeting",
                "Cancel",
                style="danger",
                value=str(meeting.id),
                confirm=cancel_confirmation(meeting.topic or "Zoom meeting"),
            )
        )
        blocks.append({"type": "actions", "block_id": "meeting_actions", "elements": buttons})
    blocks.append(context(f"Scheduled by <@{requester_id}> with `/zoom`"))
    if cancelled:
        text = f"Zoom meeting cancelled: {topic}."
    elif state.status == "ended" and not recurring:
        text = f"Zoom meeting ended: {topic}."
        if invited and not cancelled:
            people = [u for u in invited if re.fullmatch(r"[UW][A-Z0-9]{2,20}", u)]
            text += "".join(f" <@{u}>" for u in people)
    else:
        live = " (live now)" if state.status == "live" else ""
        join = "Register to join" if register else f"Join: {meeting.join_url}"
        text = f"Zoom meeting: {topic} ({when_words(meeting)}){live}. {join}"
    return {"text": text, "blocks": blocks}

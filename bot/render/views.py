"""The scheduling modal: building it (its block ids, choices and defaults). Pure: no I/O.
Reading what was submitted is bot/render/submitted.py, with the same ids.

Block ids are the field names (`topic`, `start`, `duration`, `repeat`, `channel`,
`alt_hosts`, `agenda`, `options`), so `response_action: errors` can name them.
`private_metadata` is JSON with the channel, thread, response_url and requester's zone.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.preferences import DURATIONS
from bot.render import registration, reminders
from zoom import Recurrence
from zoom.models import DAILY, MONTHLY, WEEKLY

CALLBACK_ID = "schedule_meeting_modal"
ACTION = "value"


REPEATS = {
    "none": "Does not repeat",
    "daily": "Every day",
    "weekdays": "Every weekday (Mon–Fri)",
    "weekly": "Every week",
    "biweekly": "Every two weeks",
    "monthly": "Every month",
}

# How many times a series runs when the modal made it: at most 50, the cap the text reading
# keeps to (Zoom's own limit for a recurring meeting's occurrences).
MAX_SERIES = 50
SERIES_LENGTH = {"daily": 30, "weekdays": 50, "weekly": 26, "biweekly": 13, "monthly": 12}

# The repeat choice that keeps the recurrence read from the `/zoom schedule` text exactly
# ("every Monday and Wednesday until June 30"), shown only when there was one. Its
# recurrence travels in private_metadata under "recurrence".
AS_READ = "as_read"

# Slack honours a response_url for 30 minutes; one minute is kept in hand.
COMMAND_URL_LIFETIME = 29 * 60

OPTIONS = {
    "waiting_room": "Waiting room",
    "mute_upon_entry": "Mute participants on entry",
    "host_video": "Host video on",
    "participant_video": "Participant video on",
    "meeting_authentication": "Only signed-in Zoom users may join",
    "e2ee": "End-to-end encryption",
    "cloud_recording": "Record to the cloud",
}


@dataclass(frozen=True)
class ModalDefaults:
    """What the modal opens with. `start` is aware; `channel` None lets the user pick."""

    start: datetime
    topic: str = ""
    duration: int = 30
    repeat: str = "none"
    channel: str | None = None
    agenda: str = ""
    options: frozenset[str] = frozenset()
    # The recurrence read from the text; with it, `repeat` may be AS_READ.
    # Slack ids the text mentioned (`/zoom schedule … with @ana`): the Invite field's.
    invited: tuple[str, ...] = ()
    recurrence: Recurrence | None = None
    # The reminder override the form opens with (None: the person's default).
    reminder: int | None = None
    # The alternative hosts the form opens with (Slack user ids).
    alt_hosts: tuple[str, ...] = ()


def recurrence_from_json(data: Any) -> Recurrence | None:
    """A Recurrence from its private_metadata form; None for anything else."""
    if not isinstance(data, dict):
        return None
    try:
        recurrence = Recurrence(**data)
    except TypeError:
        return None
    if recurrence.type not in (DAILY, WEEKLY, MONTHLY):
        return None
    if recurrence.end_times is not None and not 1 <= int(recurrence.end_times) <= MAX_SERIES:
        recurrence = dataclasses.replace(recurrence, end_times=MAX_SERIES)
    return recurrence


def as_read_label(recurrence: Recurrence) -> str:
    """The AS_READ option's text: the reading's recurrence in words (plain text, ≤75)."""
    from bot.render.words import repetition_words

    words = (
        repetition_words(dataclasses.replace(recurrence, end_times=None, end_date_time=None))
        or "repeats"
    )
    if recurrence.end_times:
        words += f", {recurrence.end_times} times"
    elif recurrence.end_date_time:
        words += f", until {recurrence.end_date_time[:10]}"
    words = words[:1].upper() + words[1:]
    return words if len(words) <= 75 else words[:74] + "…"


def next_half_hour(now: datetime) -> datetime:
    """The next :00 or :30 strictly after `now` (aware in, aware out)."""
    base = now.replace(second=0, microsecond=0)
    add = 30 - base.minute % 30
    return base + timedelta(minutes=add)


def default_options(*, waiting_room: bool) -> frozenset[str]:
    return frozenset({"waiting_room"} if waiting_room else set())


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}


def _option(value: str, label: str) -> dict[str, Any]:
    return {"text": _plain(label), "value": value}


def _input(
    block_id: str, label: str, element: dict[str, Any], *, optional: bool = False
) -> dict[str, Any]:
    block: dict[str, Any] = {
        "type": "input",
        "block_id": block_id,
        "label": _plain(label),
        "element": {**element, "action_id": ACTION},
    }
    if optional:
        block["optional"] = True
    return block


def schedule_modal(defaults: ModalDefaults, metadata: dict[str, Any]) -> dict[str, Any]:
    """The modal view, ready for `views.open`. `metadata` goes in `private_metadata`."""
    durations = sorted({*DURATIONS, defaults.duration})
    duration_options = [_option(str(d), f"{d} minutes") for d in durations]
    repeats = dict(REPEATS)
    if defaults.recurrence is not None:
        repeats = {AS_READ: as_read_label(defaults.recurrence), **repeats}
        metadata = {**metadata, "recurrence": dataclasses.asdict(defaults.recurrence)}
    repeat = defaults.repeat if defaults.repeat in repeats else "none"
    repeat_options = [_option(k, v) for k, v in repeats.items()]
    option_items = [_option(k, v) for k, v in OPTIONS.items()]
    topic: dict[str, Any] = {"type": "plain_text_input", "max_length": 200}
    if defaults.topic:
        topic["initial_value"] = defaults.topic[:200]
    channel: dict[str, Any] = {
        "type": "conversations_select",
        "filter": {"include": ["public", "private", "mpim", "im"], "exclude_bot_users": True},
        "placeholder": _plain("Where to post the meeting"),
        # Slack then sends a response_url for the picked conversation with the submission:
        # the way to post into a DM or private channel the bot is not in.
        "response_url_enabled": True,
    }
    if defaults.channel:
        channel["initial_conversation"] = defaults.channel
    else:
        channel["default_to_current_conversation"] = True
    agenda: dict[str, Any] = {"type": "plain_text_input", "multiline": True, "max_length": 1900}
    if defaults.agenda:
        agenda["initial_value"] = defaults.agenda[:1900]
    options: dict[str, Any] = {"type": "checkboxes", "options": option_items}
    chosen = [o for o in option_items if o["value"] in defaults.options]
    if chosen:
        options["initial_options"] = chosen
    blocks = [
        _input("topic", "Topic", topic),
        _input(
            "start",
            "Starts",
            {
                "type": "datetimepicker",
                "initial_date_time": int(defaults.start.timestamp()),
            },
        ),
        _input(
            "duration",
            "Duration",
            {
                "type": "static_select",
                "options": duration_options,
                "initial_option": _option(str(defaults.duration), f"{defaults.duration} minutes"),
            },
        ),
        _input(
            "repeat",
            "Repeat",
            {
                "type": "static_select",
                "options": repeat_options,
                "initial_option": _option(repeat, repeats[repeat]),
            },
        ),
        _input("channel", "Post in", channel),
        _input(
            "alt_hosts",
            "Alternative hosts",
            {
                "type": "multi_users_select",
                "placeholder": _plain("People who can start it"),
                **({"initial_users": list(defaults.alt_hosts)} if defaults.alt_hosts else {}),
            },
            optional=True,
        ),
        _input(
            "invite",
            "Invite",
            {
                "type": "multi_users_select",
                "placeholder": _plain("Mentioned, with their time"),
                **({"initial_users": list(defaults.invited)} if defaults.invited else {}),
            },
            optional=True,
        ),
        _input("agenda", "Agenda", agenda, optional=True),
        _input("options", "Options", options, optional=True),
        reminders.modal_block(defaults.reminder),
        *registration.modal_blocks(),
    ]
    return {
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "title": _plain("Schedule a Zoom meeting"),
        "submit": _plain("Schedule"),
        "close": _plain("Cancel"),
        "private_metadata": json.dumps(metadata, separators=(",", ":")),
        "blocks": blocks,
    }

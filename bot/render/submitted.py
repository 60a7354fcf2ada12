"""The scheduling modal's submission read: the values as a `Submission` (never an
exception: odd values become empty or a field error), the field errors that need no I/O,
the response_url to fall back on, and the `MeetingRequest` it describes. Pure: no I/O.
The block ids and choices are bot/render/views.py's.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.reading.length import MAX_DURATION
from bot.render import registration
from bot.render.views import ACTION, AS_READ, REPEATS, SERIES_LENGTH, recurrence_from_json
from zoom import RECURRING, SCHEDULED, MeetingRequest, MeetingSettings, Recurrence
from zoom.models import DAILY, MONTHLY, WEEKLY


@dataclass(frozen=True)
class Submission:
    """A submitted modal. `start` is aware (UTC); `tz` is the requester's zone."""

    topic: str
    start: datetime | None
    duration: int
    repeat: str
    channel: str | None
    alt_host_ids: tuple[str, ...]
    agenda: str
    options: frozenset[str]
    metadata: dict[str, Any] = field(default_factory=dict)
    # "Require registration" (bot/render/registration.py); None: no registration.
    registration: registration.RegistrationChoice | None = None
    # Field errors found while reading (values Slack's own form cannot send), by block id.
    problems: dict[str, str] = field(default_factory=dict)

    @property
    def tz(self) -> str:
        return str(self.metadata.get("tz") or "UTC")

    @property
    def read_recurrence(self) -> Recurrence | None:
        """The recurrence read from the text the modal was opened with, if any."""
        return recurrence_from_json(self.metadata.get("recurrence"))


def _value(values: Any, block: str) -> dict[str, Any]:
    """The state of block `block`'s element, or {} when Slack sent something of another shape."""
    if not isinstance(values, dict):
        return {}
    blocks = values.get(block)
    element = blocks.get(ACTION) if isinstance(blocks, dict) else None
    return element if isinstance(element, dict) else {}


def _text(value: Any, *, lines: bool = False) -> str:
    """A text field's value without control characters (NUL, escapes…; line breaks kept
    when `lines`), stripped; "" if it is not text."""
    if not isinstance(value, str):
        return ""
    if not lines:
        from bot.render.words import clean_text

        return clean_text(value)
    return "".join(
        c for c in value if c in "\n\t" or not (ord(c) < 32 or 127 <= ord(c) < 160)
    ).strip()


def _option_value(state: dict[str, Any]) -> str | None:
    option = state.get("selected_option")
    value = option.get("value") if isinstance(option, dict) else None
    return value if isinstance(value, str) else None


# Epoch seconds the start may hold: up to the year 9999 (beyond, datetime cannot say it).
MAX_STAMP = 253402300799


def _start(stamp: Any) -> tuple[datetime | None, str | None]:
    """The picked start (aware, UTC) and an error for the field if it cannot be read."""
    if stamp is None or stamp == "":
        return None, None
    try:
        seconds = int(float(stamp)) if isinstance(stamp, str | int | float) else None
    except (ValueError, OverflowError):
        seconds = None
    if isinstance(stamp, bool) or seconds is None or not 0 < seconds <= MAX_STAMP:
        return None, "That is not a date and time I can read. Pick one again."
    return datetime.fromtimestamp(seconds, UTC), None


def read_submission(view: dict[str, Any]) -> Submission:
    """What the user submitted. Missing or odd values become empty, or a field error in
    `problems` (an unreadable start, a duration beyond MAX_DURATION), never an exception.
    Text fields lose control characters."""
    state = view.get("state") if isinstance(view, dict) else None
    values = state.get("values") if isinstance(state, dict) else None
    values = values if isinstance(values, dict) else {}
    raw_metadata = view.get("private_metadata") if isinstance(view, dict) else None
    try:
        metadata = json.loads(raw_metadata if isinstance(raw_metadata, str) else "{}")
    except ValueError:
        metadata = {}
    if not isinstance(metadata, dict):
        metadata = {}
    problems: dict[str, str] = {}
    start, problem = _start(_value(values, "start").get("selected_date_time"))
    if problem:
        problems["start"] = problem
    duration_value = _option_value(_value(values, "duration"))
    duration = 30
    if duration_value is not None and duration_value.isascii() and duration_value.isdigit():
        duration = int(duration_value)
        if not 0 < duration <= MAX_DURATION:
            problems["duration"] = "Pick a duration of at most 24 hours."
            duration = 30
    repeat = _option_value(_value(values, "repeat")) or "none"
    if repeat not in REPEATS and not (
        repeat == AS_READ and recurrence_from_json(metadata.get("recurrence"))
    ):
        repeat = "none"
    chosen = _value(values, "options").get("selected_options")
    options = frozenset(
        o["value"]
        for o in (chosen if isinstance(chosen, list) else ())
        if isinstance(o, dict) and isinstance(o.get("value"), str)
    )
    channel = _value(values, "channel").get("selected_conversation")
    users = _value(values, "alt_hosts").get("selected_users")
    return Submission(
        topic=" ".join(_text(_value(values, "topic").get("value")).split())[:200],
        start=start,
        duration=duration,
        repeat=repeat,
        channel=channel if isinstance(channel, str) and channel else None,
        alt_host_ids=tuple(
            u for u in (users if isinstance(users, list) else ()) if isinstance(u, str)
        ),
        agenda=_text(_value(values, "agenda").get("value"), lines=True)[:1900],
        options=options,
        metadata=metadata,
        registration=registration.read_choice(values),
        problems=problems,
    )


def response_url_for(
    view_payload: dict[str, Any], submission: Submission, now: float
) -> tuple[str | None, float | None]:
    """The response_url to fall back on for posting in the picked channel, and until when
    it holds (epoch seconds; None: 29 minutes from now).

    First the one Slack sent with the submission for that channel (`response_urls` of a
    view_submission payload, from `response_url_enabled`); else the `/zoom schedule`
    command's, if the form was opened in that same channel and it is still valid at `now`;
    else None."""
    for entry in view_payload.get("response_urls") or ():
        if entry.get("channel_id") == submission.channel and entry.get("response_url"):
            return str(entry["response_url"]), None
    metadata = submission.metadata
    url = metadata.get("response_url")
    until = metadata.get("response_url_until")
    if not url or not submission.channel or metadata.get("channel") != submission.channel:
        return None, None
    if not isinstance(until, int | float) or until <= now:
        return None, None
    return str(url), float(until)


def submission_errors(submission: Submission, now: datetime) -> dict[str, str]:
    """Field errors that need no I/O, keyed by block id (for `response_action: errors`)."""
    errors: dict[str, str] = dict(submission.problems)
    if not submission.topic:
        errors["topic"] = "Give the meeting a topic."
    if "start" in errors:
        pass
    elif submission.start is None:
        errors["start"] = "Pick a date and time."
    elif submission.start < now - timedelta(minutes=1):
        errors["start"] = "That time has already passed. Pick a time in the future."
    if not submission.channel:
        errors["channel"] = "Pick where to post the meeting."
    return errors


def zone(tz: str) -> ZoneInfo:
    """The zone named `tz`, or UTC when there is no such zone."""
    try:
        return ZoneInfo(tz)
    except Exception:
        return ZoneInfo("UTC")


def recurrence_for(repeat: str, local_start: datetime) -> Recurrence | None:
    """Zoom's recurrence for a modal choice, anchored on the local start's weekday/day."""
    if repeat == "none" or repeat not in REPEATS:
        return None
    times = SERIES_LENGTH[repeat]
    zoom_weekday = str(local_start.isoweekday() % 7 + 1)  # Zoom: 1 = Sunday
    if repeat == "daily":
        return Recurrence(type=DAILY, repeat_interval=1, end_times=times)
    if repeat == "weekdays":
        return Recurrence(type=WEEKLY, repeat_interval=1, weekly_days="2,3,4,5,6", end_times=times)
    if repeat == "weekly":
        return Recurrence(type=WEEKLY, repeat_interval=1, weekly_days=zoom_weekday, end_times=times)
    if repeat == "biweekly":
        return Recurrence(type=WEEKLY, repeat_interval=2, weekly_days=zoom_weekday, end_times=times)
    return Recurrence(type=MONTHLY, repeat_interval=1, monthly_day=local_start.day, end_times=times)


def meeting_from_submission(
    submission: Submission,
    *,
    alternative_hosts: tuple[str, ...] = (),
    join_before_host: bool = False,
    tz: str | None = None,
) -> MeetingRequest:
    """The meeting the submission describes, start as local time in the user's zone.

    `tz` (the requester's zone) wins over the one in private_metadata, which may have been
    a guess when the modal opened. The flow adds the passcode and the host's note.
    """
    from bot.reading.reader import zoom_start

    tz = tz or submission.tz
    start = (submission.start or datetime.now(UTC)).replace(second=0, microsecond=0)
    local = start.astimezone(zone(tz))
    if submission.repeat == AS_READ:
        recurrence = submission.read_recurrence
    else:
        recurrence = recurrence_for(submission.repeat, local)
    # A start in the second pass of a repeated hour goes to Zoom in UTC, as the text
    # reading sends it: Zoom would take the local time as the first pass.
    zoom_local, zoom_tz = zoom_start(local, tz if zone(tz).key == tz else "UTC")
    chosen = submission.options
    settings = MeetingSettings(
        waiting_room="waiting_room" in chosen,
        join_before_host=join_before_host and "waiting_room" not in chosen,
        mute_upon_entry="mute_upon_entry" in chosen,
        host_video="host_video" in chosen,
        participant_video="participant_video" in chosen,
        meeting_authentication="meeting_authentication" in chosen,
        encryption_type="e2ee" if "e2ee" in chosen else "enhanced_encryption",
        auto_recording="cloud" if "cloud_recording" in chosen else "none",
        alternative_hosts=alternative_hosts,
    )
    chosen_registration = submission.registration
    if chosen_registration is not None:
        settings = dataclasses.replace(
            settings,
            approval_type=int(chosen_registration.approval),
            registration_type=chosen_registration.registration_type(recurrence is not None),
        )
    return MeetingRequest(
        topic=submission.topic,
        type=RECURRING if recurrence else SCHEDULED,
        start_time=zoom_local.strftime("%Y-%m-%dT%H:%M:%S"),
        timezone=zoom_tz,
        duration=submission.duration,
        agenda=submission.agenda or None,
        recurrence=recurrence,
        settings=settings,
    )

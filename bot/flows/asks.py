"""What someone asked for (`Ask`), from any door, and the Zoom request it becomes: read in
the requester's zone, secured by default (a passcode always)."""

from __future__ import annotations

import dataclasses
import re
import secrets
import string
from dataclasses import dataclass
from datetime import UTC, datetime

from slack_sdk.errors import SlackApiError

from bot.errors import Refused
from bot.flows.services import Services
from bot.identities import Host, SlackProfile
from bot.posting import TRANSPORT_ERRORS
from bot.preferences import Preferences
from bot.render import words
from zoom import INSTANT, MeetingRequest, MeetingSettings

PASSCODE_ALPHABET = string.ascii_letters + string.digits
PASSCODE_LENGTH = 10  # Zoom's maximum
MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")


def new_passcode() -> str:
    """A passcode nobody can guess, within Zoom's rules (≤10 of [A-Za-z0-9])."""
    return "".join(secrets.choice(PASSCODE_ALPHABET) for _ in range(PASSCODE_LENGTH))


@dataclass(frozen=True)
class TextAsk:
    """Free text to read (`/zoom tomorrow 3pm Design review`), as Slack sent it."""

    text: str


@dataclass(frozen=True)
class ModalAsk:
    """A request already built from the modal's fields."""

    request: MeetingRequest
    # Custom registration questions to set once the meeting exists (bot/flows/registration.py).
    questions: tuple[str, ...] = ()


@dataclass(frozen=True)
class MessageAsk:
    """A message shortcut: an instant meeting named from the message's first line."""

    message_text: str


@dataclass(frozen=True)
class Ask:
    """A request, from any door: who asked, where to answer, and `what` they asked for.

    `what` is None only while a modal's request is not built yet (it is after the ack) and
    for a request an earlier run recorded (bot/flows/reconcile.py announces it). `key` is the
    idempotency key; `key_window` limits how long it counts (None: forever)."""

    requester: str
    key: str
    kind: str
    channel: str | None
    what: TextAsk | ModalAsk | MessageAsk | None = None
    response_url: str | None = None
    thread_ts: str | None = None
    key_window: float | None = None
    # Slack ids of the people the request invited (mentioned in the channel message), and
    # notes for the private confirmation (each person's local time): bot/flows/people.py.
    invited: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    # When `response_url` stops being valid (epoch seconds); None: 29 minutes from now.
    response_url_until: float | None = None
    # Minutes before the start its reminder posts (the modal's override; 0 = none); None:
    # the requester's preference (bot/flows/reminders.py).
    reminder: int | None = None
    # The Slack users chosen as alternative hosts (the modal), kept with the meeting for a
    # follow-up (bot/flows/followup.py).
    people: tuple[str, ...] = ()


async def request_for(
    services: Services, ask: Ask, profile: SlackProfile, prefs: Preferences, now: datetime
) -> tuple[MeetingRequest, tuple[str, ...], list[str]]:
    """The Zoom request `ask` describes, the reader's guesses and notes for the requester
    (`prefs`: theirs, for the default length). Raises Refused for text that cannot be read
    as a meeting."""
    notes: list[str] = []
    what = ask.what
    if isinstance(what, ModalAsk):
        return what.request, (), notes
    if isinstance(what, MessageAsk):
        names = await mention_names(services, what.message_text)
        topic = words.topic_from_message(what.message_text, names)
        topic = words.clean_text(topic) or "Zoom meeting"
        return MeetingRequest(topic=topic, type=INSTANT, duration=prefs.duration), (), notes
    from bot.reading import Refusal, read_request

    tz = profile.tz
    if tz is None:
        tz = "UTC"
        notes.append("Slack has no valid time zone for you, so I read the time in UTC.")
    # The command text arrives as Slack markup (the manifest sets should_escape): read it as
    # the plain words the person typed, without control characters.
    raw = what.text if isinstance(what, TextAsk) else ""
    names = await mention_names(services, raw)
    text = words.clean_text(words.plain_text(raw, names))
    result = read_request(
        text,
        tz,
        now.astimezone(UTC),
        default_duration=prefs.duration,
    )
    if isinstance(result, Refusal):
        raise Refused(words.escape(result.message), "unreadable")
    return result.request, tuple(result.guesses), notes


async def mention_names(services: Services, text: str) -> dict[str, str]:
    """The Slack names of the first five people `text` mentions (those Slack tells)."""
    names: dict[str, str] = {}
    for user_id in dict.fromkeys(MENTION.findall(text)).keys():
        if len(names) >= 5:
            break
        try:
            names[user_id] = (await services.hosts.profile(user_id)).label
        except (SlackApiError, *TRANSPORT_ERRORS):
            continue
    return names


def secured(
    services: Services,
    request: MeetingRequest,
    host: Host,
    profile: SlackProfile,
    *,
    waiting_room: bool | None = None,
) -> MeetingRequest:
    """A passcode always; the waiting room and join-before-host from settings unless the
    request chose them; the requester named in the agenda when the default host hosts."""
    settings = services.settings
    waiting_room_default = settings.waiting_room if waiting_room is None else waiting_room
    meeting_settings = request.settings or MeetingSettings(
        waiting_room=waiting_room_default,
        join_before_host=settings.join_before_host,
    )
    if meeting_settings.waiting_room is None:
        meeting_settings = dataclasses.replace(meeting_settings, waiting_room=waiting_room_default)
    if meeting_settings.join_before_host is None:
        meeting_settings = dataclasses.replace(
            meeting_settings, join_before_host=settings.join_before_host
        )
    agenda = request.agenda
    if host.on_behalf:
        by = f"Scheduled from Slack by {profile.real_name or profile.label}"
        if profile.name:
            by += f" (@{profile.name})"
        agenda = by + (f"\n\n{agenda}" if agenda else "")
    return dataclasses.replace(
        request,
        password=request.password or new_passcode(),
        settings=meeting_settings,
        agenda=agenda[:2000] if agenda else None,
    )

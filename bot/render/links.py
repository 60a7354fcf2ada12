"""Calendar links for a meeting's message: Google and Outlook compose links, the signed .ics
URL (`ics_url`, `ics_signature`) and the event description (`calendar_details`); no
passcode unless allowed (`words.shown_meeting`). Pure."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, timedelta
from urllib.parse import quote, urlencode

from bot.render import calendar, messages, words
from bot.settings import Settings
from zoom import Meeting, MeetingType

OUTLOOK_COMPOSE_URL = "https://outlook.office.com/calendar/0/deeplink/compose"


def ics_signature(key: bytes, meeting_id: int) -> str:
    """The `sig` of a meeting's .ics URL: HMAC-SHA256 of the id under the calendar key (the
    store's `secret("calendar")`, `settings.calendar_key`). Refuses an empty key."""
    if not key:
        raise ValueError("the calendar key is empty")
    message = f"calendar:{int(meeting_id)}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def ics_url(settings: Settings, meeting_id: int) -> str | None:
    """Where the app serves the meeting's .ics, or None without ZOOMBOT_PUBLIC_URL (or
    without a calendar key)."""
    if not settings.public_url or not settings.calendar_key:
        return None
    sig = ics_signature(settings.calendar_key, meeting_id)
    return f"{settings.public_url}/calendar/{int(meeting_id)}.ics?sig={sig}"


def calendar_details(meeting: Meeting, *, include_passcode: bool) -> str:
    """The event's description: the join link, the meeting ID and (if allowed) the passcode;
    without `include_passcode` the join link carries no `pwd` either."""
    meeting = words.shown_meeting(meeting, show_passcode=include_passcode)
    lines = [f"Join Zoom meeting: {meeting.join_url}"]
    lines.append(f"Meeting ID: {words.format_meeting_id(meeting.id)}")
    if include_passcode and meeting.password:
        lines.append(f"Passcode: {meeting.password}")
    return "\n".join(lines)


def outlook_url(meeting: Meeting, *, details: str) -> str | None:
    """Outlook on the web's compose link for a one-off meeting (it takes no recurrence)."""
    if meeting.type in words.RECURRING_TYPES or meeting.start_time is None:
        return None
    end = meeting.start_time + timedelta(minutes=meeting.duration or calendar.DEFAULT_DURATION)
    params = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": meeting.topic,
        "startdt": meeting.start_time.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "enddt": end.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "body": details,
        "location": meeting.join_url,
    }
    return OUTLOOK_COMPOSE_URL + "?" + urlencode(params, quote_via=quote)


def calendar_links(settings: Settings, meeting: Meeting, *, show_passcode: bool):
    """Google and Outlook links, and the .ics link when ZOOMBOT_PUBLIC_URL is set. None for
    an instant or no-fixed-time meeting (nothing to put in a calendar)."""
    if meeting.type == MeetingType.INSTANT or (
        meeting.start_time is None and not meeting.occurrences
    ):
        return None
    meeting = words.shown_meeting(meeting, show_passcode=show_passcode)
    details = calendar_details(meeting, include_passcode=show_passcode)
    return messages.CalendarLinks(
        google=calendar.google_calendar_url(meeting, details=details),
        ics=ics_url(settings, meeting.id),
        outlook=outlook_url(meeting, details=details),
    )

"""The words and small Block Kit pieces every message zoombot writes is made of: escaping
user text (`escape`: a topic can never ping `@channel`, mention someone or pose as a link),
reading Slack's markup back as plain words, meeting ids, times as Slack date tokens,
lengths and repetitions in words, and the section and context blocks. Pure."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from bot.times import parse_utc
from zoom import INSTANT, Meeting, MeetingType, Recurrence
from zoom.models import DAILY, MONTHLY, WEEKLY

Message = dict[str, Any]


WEEKDAYS = {
    "1": "Sunday",
    "2": "Monday",
    "3": "Tuesday",
    "4": "Wednesday",
    "5": "Thursday",
    "6": "Friday",
    "7": "Saturday",
}


RECURRING_TYPES = (MeetingType.RECURRING_NO_FIXED_TIME, MeetingType.RECURRING)


def escape(text: str) -> str:
    """Slack's three control characters escaped: `&`, `<`, `>` (in that order)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def join_url_without_passcode(join_url: str) -> str:
    """`join_url` without Zoom's `pwd` query parameter (the encoded passcode, which lets
    anyone holding the link skip the passcode). Other parameters are kept."""
    parts = urlsplit(join_url)
    if not parts.query:
        return join_url
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "pwd"]
    return urlunsplit(parts._replace(query=urlencode(kept)))


_MARKUP = re.compile(r"<([^<>]*)>")


def shown_meeting(meeting: Meeting, *, show_passcode: bool) -> Meeting:
    """`meeting` as it may be shown to a channel: without the passcode, nor the `pwd` in its
    join URL, unless `show_passcode`."""
    if show_passcode:
        return meeting
    return dataclasses.replace(
        meeting, join_url=join_url_without_passcode(meeting.join_url), password=None
    )


def plain_text(mrkdwn: str, names: Mapping[str, str] | None = None) -> str:
    """Slack message markup read as plain text: `<@U1|ana>` → `@ana`, `<url|label>` → label.

    `names` maps user ids to names for mentions that carry no label. The result is
    unescaped (`&lt;` → `<`); escape it again before showing it in a message.
    """
    names = names or {}

    def render(match: re.Match[str]) -> str:
        inner = match.group(1)
        target, _, label = inner.partition("|")
        if target.startswith("@"):
            return "@" + (label or names.get(target[1:], target[1:]))
        if target.startswith("#"):
            return "#" + (label or target[1:])
        if target.startswith("!subteam^"):
            return label or "@group"
        if target.startswith("!date^"):
            return label or ""
        if target.startswith("!"):
            # <!here>, <!channel>, <!everyone>: plain words, never a ping.
            return "@" + (label or target[1:])
        if target.startswith("mailto:"):
            return label or target.removeprefix("mailto:")
        return label or target

    text = _MARKUP.sub(render, mrkdwn)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def clean_text(text: str) -> str:
    """`text` without control characters (NUL, bell, escape sequences…): line breaks and tabs
    become spaces, the rest are dropped. Letters, emoji and direction marks are kept."""
    return "".join(
        " " if c in "\t\n\r" else c
        for c in text
        if c in "\t\n\r" or not (ord(c) < 32 or 127 <= ord(c) < 160)
    ).strip()


def topic_from_message(mrkdwn: str, names: Mapping[str, str] | None = None) -> str:
    """The first non-empty line of a message as plain text, trimmed to 200 characters."""
    for line in plain_text(mrkdwn, names).splitlines():
        line = " ".join(line.split())
        if line:
            return line[:200].rstrip()
    return ""


def format_meeting_id(meeting_id: int | str) -> str:
    """The meeting ID as Zoom shows it: 3-4-4 for 11 digits, 3-3-4 for 10, 3-4-4+ otherwise."""
    digits = str(meeting_id)
    if len(digits) == 10:
        return f"{digits[:3]} {digits[3:6]} {digits[6:]}"
    if len(digits) >= 11:
        return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
    return digits


def date_token(when: datetime) -> str:
    """A Slack date token: each reader sees `when` in their own zone; the fallback is UTC."""
    utc = when.astimezone(UTC)
    fallback = f"{utc:%a %b} {utc.day} {utc:%Y} at {utc:%H:%M} UTC"
    return f"<!date^{int(utc.timestamp())}^{{date_short_pretty}} at {{time}}|{fallback}>"


def duration_words(minutes: int | None) -> str:
    """`45 minutes`, `1 hour`, `1 hour 30 minutes`."""
    if not minutes:
        return "open-ended"
    hours, rest = divmod(int(minutes), 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour" + ("s" if hours > 1 else ""))
    if rest:
        parts.append(f"{rest} minute" + ("s" if rest > 1 else ""))
    return " ".join(parts)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def repetition_words(recurrence: Recurrence | None) -> str | None:
    """The repetition in words (`every weekday`, `every other Tuesday`), or None if it doesn't."""
    if recurrence is None:
        return None
    interval = recurrence.repeat_interval or 1
    if recurrence.type == DAILY:
        words = "every day" if interval == 1 else f"every {interval} days"
    elif recurrence.type == WEEKLY:
        days = [d.strip() for d in (recurrence.weekly_days or "").split(",") if d.strip()]
        if sorted(days) == ["2", "3", "4", "5", "6"] and interval == 1:
            words = "every weekday"
        else:
            names = ", ".join(WEEKDAYS.get(d, d) for d in days) or "week"
            every = {1: "every", 2: "every other"}.get(interval, f"every {interval} weeks on")
            words = f"{every} {names}"
    elif recurrence.type == MONTHLY:
        every = "every month" if interval == 1 else f"every {interval} months"
        if recurrence.monthly_day:
            words = f"{every} on the {_ordinal(recurrence.monthly_day)}"
        elif recurrence.monthly_week and recurrence.monthly_week_day:
            week = {-1: "last", 1: "first", 2: "second", 3: "third", 4: "fourth"}
            day = WEEKDAYS.get(str(recurrence.monthly_week_day), "")
            words = f"{every} on the {week.get(recurrence.monthly_week, '')} {day}"
        else:
            words = every
    else:
        return "repeats"
    if recurrence.end_times:
        words += f", {recurrence.end_times} times"
    elif recurrence.end_date_time:
        end = parse_utc(recurrence.end_date_time)
        words += f", until {date_token(end)}"
    return words


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def when_words(meeting: Meeting) -> str:
    if meeting.type == INSTANT or meeting.start_time is None:
        return "Now"
    return date_token(meeting.start_time)


def people_words(count: int) -> str:
    return "nobody in yet" if count <= 0 else f"{count} {'person' if count == 1 else 'people'} in"


def lasted_words(started_at: datetime | None, ended_at: datetime | None) -> str | None:
    if started_at is None or ended_at is None:
        return None
    minutes = round((ended_at - started_at).total_seconds() / 60)
    return "less than a minute" if minutes < 1 else duration_words(minutes)

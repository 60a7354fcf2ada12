"""A meeting as a calendar entry: a prefilled Google Calendar link and an iCalendar file.

Pure: no I/O, no clock unless the caller leaves `stamp` out of `ics`. What goes in `details`
(the join link, the passcode) is the caller's choice; this module only carries it.

- `google_calendar_url(meeting, details=...)`: Google's "create event" template link.
- `ics(meeting, details=...)`: RFC 5545 text (CRLF line ends, lines folded at 75 octets).
- `rrule(recurrence)`: a Zoom recurrence as an RRULE value (`FREQ=WEEKLY;BYDAY=MO`).
- `next_occurrences(recurrence, first_start, tz, count)`: when a recurring meeting happens,
  in wall-clock time of `tz`, for when Zoom's answer lists no occurrences.

Zoom's rules as read here: weekdays are numbered 1 = Sunday … 7 = Saturday; weeks for
"every N weeks" start on Monday (RFC 5545's default WKST, and how FakeZoom counts); a monthly
day past the end of a short month falls on its last day; `end_times` counts every occurrence
from the first; `end_date_time` is a UTC instant no occurrence starts after. Occurrences are
the days that match the rule, at the first start's wall-clock time, from the first start's day
on (a first start on a day the rule does not name is not itself an occurrence, as Zoom moves
it to the first matching day).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

from bot.times import parse_utc
from zoom import Meeting, Recurrence

GOOGLE_TEMPLATE_URL = "https://calendar.google.com/calendar/render"
DEFAULT_DURATION = 60  # minutes, Zoom's default when a meeting has none
RECURRING = 8
DAILY, WEEKLY, MONTHLY = 1, 2, 3

# Zoom's weekday numbers (1 = Sunday) as RFC 5545 day names.
_BYDAY = {1: "SU", 2: "MO", 3: "TU", 4: "WE", 5: "TH", 6: "FR", 7: "SA"}
_LONGEST_SEARCH_DAYS = 366 * 12  # enough for 60 occurrences every 10 months, and then some


# -- recurrence ----------------------------------------------------------------------------


def rrule(recurrence: Recurrence | None) -> str | None:
    """The RRULE value (without the `RRULE:` prefix) for a Zoom recurrence, or None for no
    recurrence or one with no fixed time (Zoom's type 3 meetings carry none; a recurrence
    whose `type` is not daily, weekly or monthly gives None too).

    `end_times` becomes COUNT, `end_date_time` UNTIL (UTC); with neither (or `end_times` 0)
    the rule is open-ended. A monthly day of 29–31 is written as "the last of days 28..d"
    (`BYMONTHDAY=28,29,30;BYSETPOS=-1`) so short months get their last day, as Zoom does.
    """
    if recurrence is None or recurrence.type not in (DAILY, WEEKLY, MONTHLY):
        return None
    parts = [f"FREQ={({DAILY: 'DAILY', WEEKLY: 'WEEKLY', MONTHLY: 'MONTHLY'})[recurrence.type]}"]
    interval = recurrence.repeat_interval or 1
    if interval != 1:
        parts.append(f"INTERVAL={interval}")
    if recurrence.type == WEEKLY:
        days = _weekly_days(recurrence)
        if days:
            parts.append("BYDAY=" + ",".join(_BYDAY[d] for d in sorted(days)))
    elif recurrence.type == MONTHLY:
        if recurrence.monthly_day is not None:
            day = int(recurrence.monthly_day)
            if day >= 29:
                parts.append("BYMONTHDAY=" + ",".join(str(d) for d in range(28, day + 1)))
                parts.append("BYSETPOS=-1")
            else:
                parts.append(f"BYMONTHDAY={day}")
        elif recurrence.monthly_week is not None and recurrence.monthly_week_day is not None:
            day_name = _BYDAY[int(recurrence.monthly_week_day)]
            parts.append(f"BYDAY={int(recurrence.monthly_week)}{day_name}")
    if recurrence.end_times:
        parts.append(f"COUNT={int(recurrence.end_times)}")
    elif recurrence.end_date_time:
        parts.append(f"UNTIL={_utc_stamp(parse_utc(recurrence.end_date_time))}")
    return ";".join(parts)


def next_occurrences(
    recurrence: Recurrence,
    first_start: datetime,
    tz: str,
    count: int,
    *,
    after: datetime | None = None,
) -> list[datetime]:
    """Up to `count` occurrence starts of `recurrence`, as aware datetimes in `tz`, in order.

    Every occurrence is at `first_start`'s wall-clock time in `tz`, whatever the UTC offset
    that day (so a weekly 9:00 in New York stays 9:00 across a DST change). A wall-clock time
    that does not exist that day (skipped by a DST jump) is read as zoneinfo does (fold=0),
    i.e. shifted by the jump. With `after`, only occurrences starting at or after it are
    listed (`end_times` still counts from the first). Empty for an unknown recurrence type.
    """
    if count <= 0 or recurrence.type not in (DAILY, WEEKLY, MONTHLY):
        return []
    zone = ZoneInfo(tz)
    local = first_start.astimezone(zone)
    limit = int(recurrence.end_times) if recurrence.end_times else None
    until = parse_utc(recurrence.end_date_time) if recurrence.end_date_time else None
    found: list[datetime] = []
    for n, day in enumerate(_matching_days(recurrence, local.date())):
        if limit is not None and n >= limit:
            break
        moment = datetime.combine(day, local.time(), tzinfo=zone)
        if until is not None and moment > until:
            break
        if after is not None and moment < after:
            continue
        found.append(moment)
        if len(found) >= count:
            break
    return found


def _matching_days(recurrence: Recurrence, first: date) -> Iterator[date]:
    interval = max(int(recurrence.repeat_interval or 1), 1)
    days = _weekly_days(recurrence)
    day = first
    for _ in range(_LONGEST_SEARCH_DAYS):
        if recurrence.type == DAILY:
            if (day - first).days % interval == 0:
                yield day
        elif recurrence.type == WEEKLY:
            weeks = (_monday(day) - _monday(first)).days // 7
            if _zoom_weekday(day) in days and weeks % interval == 0:
                yield day
        elif recurrence.type == MONTHLY:
            months = (day.year - first.year) * 12 + day.month - first.month
            if months % interval == 0 and _monthly_match(day, recurrence):
                yield day
        day += timedelta(days=1)


def _monthly_match(day: date, recurrence: Recurrence) -> bool:
    last = calendar.monthrange(day.year, day.month)[1]
    if recurrence.monthly_day is not None:
        return day.day == min(int(recurrence.monthly_day), last)
    if recurrence.monthly_week is None or recurrence.monthly_week_day is None:
        return False
    if _zoom_weekday(day) != int(recurrence.monthly_week_day):
        return False
    week = int(recurrence.monthly_week)
    if week == -1:
        return day.day + 7 > last
    return (day.day - 1) // 7 + 1 == week


def _weekly_days(recurrence: Recurrence) -> set[int]:
    text = recurrence.weekly_days or ""
    return {int(d) for d in text.split(",") if d.strip().isdigit() and 1 <= int(d) <= 7}


def _zoom_weekday(day: date) -> int:
    return day.isoweekday() % 7 + 1  # isoweekday: Monday 1 … Sunday 7; Zoom: Sunday 1


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


# -- the meeting's times ---------------------------------------------------------------------


def _span(meeting: Meeting) -> tuple[datetime, datetime] | None:
    """First start and end (aware): the first listed occurrence for a recurring meeting, the
    first day matching its rule when Zoom listed none, else the meeting's start."""
    start = meeting.start_time
    if meeting.type == RECURRING and meeting.occurrences:
        firsts = [o.start_time for o in meeting.occurrences if o.start_time is not None]
        if firsts:
            start = min(firsts)
    elif meeting.type == RECURRING and meeting.recurrence is not None and start is not None:
        first = next_occurrences(meeting.recurrence, start, meeting.timezone or "UTC", 1)
        if first:
            start = first[0]
    if start is None:
        return None
    return start, start + timedelta(minutes=meeting.duration or DEFAULT_DURATION)


def _recurrence_rule(meeting: Meeting) -> str | None:
    return rrule(meeting.recurrence) if meeting.type == RECURRING else None


# -- Google Calendar -------------------------------------------------------------------------


def google_calendar_url(meeting: Meeting, *, details: str) -> str:
    """A link that opens Google Calendar's "new event" page filled in: title (`text`) the
    topic, `dates` the first start and end in UTC (`YYYYMMDDTHHMMSSZ/…`), `details`,
    `location` the join URL, `ctz` the meeting's time zone, and for a recurring meeting
    `recur=RRULE:…`. Without a start time the link leaves `dates` out (Google then proposes
    one)."""
    params: list[tuple[str, str]] = [("action", "TEMPLATE"), ("text", meeting.topic)]
    span = _span(meeting)
    if span is not None:
        params.append(("dates", f"{_utc_stamp(span[0])}/{_utc_stamp(span[1])}"))
    params.append(("details", details))
    if meeting.join_url:
        params.append(("location", meeting.join_url))
    if meeting.timezone:
        params.append(("ctz", meeting.timezone))
    rule = _recurrence_rule(meeting)
    if rule:
        params.append(("recur", "RRULE:" + rule))
    return GOOGLE_TEMPLATE_URL + "?" + urlencode(params, quote_via=quote)


# -- iCalendar ---------------------------------------------------------------------------------


def ics(
    meeting: Meeting,
    *,
    details: str,
    uid_domain: str = "zoombot",
    stamp: datetime | None = None,
) -> str:
    """An iCalendar file (RFC 5545) with one VEVENT for the meeting, CRLF line ends, lines
    folded at 75 octets, TEXT values escaped.

    UID is `zoom-{meeting id}@{uid_domain}`, the same every time for one meeting, so a
    calendar that imports it twice updates rather than duplicates. DTSTAMP is `stamp`
    (default: the meeting's creation time, else now). A one-off meeting has DTSTART/DTEND in
    UTC. A recurring one with a time zone has them in local time with `TZID` and a
    VTIMEZONE for its zone, since a rule expanded in UTC would move the meeting by an hour
    across a DST change; its RRULE's UNTIL stays in UTC, as RFC 5545 requires.
    """
    span = _span(meeting)
    if span is None:
        raise ValueError("a meeting without a start time has no calendar entry")
    start, end = span
    when = stamp or meeting.created_at or datetime.now(UTC)
    rule = _recurrence_rule(meeting)
    zone_name = meeting.timezone if rule and meeting.timezone not in (None, "", "UTC") else None

    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//zoombot//zoombot//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ]
    if zone_name is not None:
        last = _last_start(meeting, start)
        lines += _vtimezone(zone_name, start, last)
    lines += [
        "BEGIN:VEVENT",
        f"UID:zoom-{meeting.id}@{uid_domain}",
        f"DTSTAMP:{_utc_stamp(when)}",
    ]
    if zone_name is not None:
        zone = ZoneInfo(zone_name)
        lines.append(f"DTSTART;TZID={zone_name}:{_local_stamp(start.astimezone(zone))}")
        lines.append(f"DTEND;TZID={zone_name}:{_local_stamp(end.astimezone(zone))}")
    else:
        lines.append(f"DTSTART:{_utc_stamp(start)}")
        lines.append(f"DTEND:{_utc_stamp(end)}")
    lines.append(f"SUMMARY:{escape_text(meeting.topic)}")
    lines.append(f"DESCRIPTION:{escape_text(details)}")
    if meeting.join_url:
        lines.append(f"LOCATION:{escape_text(meeting.join_url)}")
        lines.append(f"URL:{meeting.join_url}")
    if rule:
        lines.append(f"RRULE:{rule}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "".join(fold(line) + "\r\n" for line in lines)


def escape_text(value: str) -> str:
    """RFC 5545 TEXT: backslash, semicolon and comma escaped, newlines as `\\n`."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str, limit: int = 75) -> str:
    """Fold one content line: no physical line longer than `limit` octets (UTF-8), each
    continuation starting with one space (which counts), never splitting a character."""
    pieces: list[str] = []
    current = ""
    size = 0
    budget = limit
    for char in line:
        width = len(char.encode())
        if size + width > budget:
            pieces.append(current)
            current, size, budget = "", 0, limit - 1  # the leading space takes one octet
        current += char
        size += width
    pieces.append(current)
    return "\r\n ".join(pieces)


def _last_start(meeting: Meeting, first: datetime) -> datetime:
    """The last occurrence's start (or a year on, for an open-ended rule): how far the
    VTIMEZONE must describe the zone's offsets."""
    starts = [o.start_time for o in meeting.occurrences if o.start_time is not None]
    if starts:
        return max(starts)
    if meeting.recurrence is not None and (
        meeting.recurrence.end_times or meeting.recurrence.end_date_time
    ):
        tz = meeting.timezone or "UTC"
        every = next_occurrences(meeting.recurrence, first, tz, 60)
        if every:
            return every[-1]
    return first + timedelta(days=366)


def _vtimezone(name: str, first: datetime, last: datetime) -> list[str]:
    """A VTIMEZONE for `name` covering `first`..`last`: the offset in force at `first`, and
    each change of offset up to `last`, each as its own observance (read off zoneinfo)."""
    zone = ZoneInfo(name)
    lines = ["BEGIN:VTIMEZONE", f"TZID:{name}"]
    begin = first.astimezone(UTC).replace(microsecond=0) - timedelta(days=1)
    offset = begin.astimezone(zone).utcoffset() or timedelta(0)
    observances = [(begin, offset, offset, begin.astimezone(zone))]
    moment = begin
    stop = last.astimezone(UTC) + timedelta(days=1)
    while moment < stop:
        later = moment + timedelta(hours=12)
        later_offset = later.astimezone(zone).utcoffset() or timedelta(0)
        if later_offset != offset:
            change = _bisect_change(zone, moment, later)
            observances.append((change, offset, later_offset, change.astimezone(zone)))
            offset = later_offset
        moment = later
    for at, before, after, local in observances:
        kind = "DAYLIGHT" if (local.dst() or timedelta(0)) > timedelta(0) else "STANDARD"
        onset = (at + before).replace(tzinfo=None)  # local time in the old offset
        lines += [
            f"BEGIN:{kind}",
            f"DTSTART:{onset.strftime('%Y%m%dT%H%M%S')}",
            f"TZOFFSETFROM:{_offset_text(before)}",
            f"TZOFFSETTO:{_offset_text(after)}",
        ]
        if local.tzname():
            lines.append(f"TZNAME:{local.tzname()}")
        lines.append(f"END:{kind}")
    lines.append("END:VTIMEZONE")
    return lines


def _bisect_change(zone: ZoneInfo, low: datetime, high: datetime) -> datetime:
    # The first whole second (UTC) at which the offset differs from `low`'s; offsets change
    # on whole seconds, so integer steps find it in ~16 halvings of a 12-hour window.
    base = low.astimezone(zone).utcoffset()
    lo, hi = int(low.timestamp()), int(high.timestamp())
    while hi - lo > 1:
        middle = (lo + hi) // 2
        if datetime.fromtimestamp(middle, UTC).astimezone(zone).utcoffset() == base:
            lo = middle
        else:
            hi = middle
    return datetime.fromtimestamp(hi, UTC)


def _offset_text(offset: timedelta) -> str:
    seconds = int(offset.total_seconds())
    sign = "+" if seconds >= 0 else "-"
    seconds = abs(seconds)
    text = f"{sign}{seconds // 3600:02d}{seconds % 3600 // 60:02d}"
    return text + (f"{seconds % 60:02d}" if seconds % 60 else "")


def _utc_stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _local_stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%S")

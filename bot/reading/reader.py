"""read_request: `/zoom` text, the user's zone and "now" in; a Zoom meeting request out.

Resolution happens in naive wall-clock time of the meeting's zone (the zone the text
names, else the user's); the zone is attached with zoneinfo only to compare with "now" and
to step through real elapsed time ("in 24 hours" across a daylight-saving change).

Here: the order of reading and the sentences that say what was read or refused; how long
the meeting is: length.py; the Zoom request (start, zone, repetition): zoom_request.py.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.reading import zones
from bot.reading.clock import label, resolve
from bot.reading.dates import WrittenDate, day_label, day_label_year, resolve_day
from bot.reading.leftovers import DEADLINE, leftover_time
from bot.reading.length import meeting_length, range_length, resolve_range_start
from bot.reading.results import Reading, Refusal, Refused
from bot.reading.scan import Scan
from bot.reading.time_words import TimeWords, find_time_words
from bot.reading.topic import read_topic
from bot.reading.vocabulary import WEEKDAY_NAMES
from bot.reading.zoom_request import (
    at_wall_clock,
    check_fixed_offset,
    check_wall_clock,
    recurrence_of,
    scheduled_request,
)

# bot/render/submitted.py reads zoom_start from here.
from bot.reading.zoom_request import zoom_start as zoom_start
from zoom.models import INSTANT, RECURRING, MeetingRequest

EXAMPLE = "`/zoom tomorrow 3pm Design review`"


def read_request(
    text: str,
    tz: str,
    now: datetime,
    *,
    default_duration: int = 30,
    default_topic: str = "Zoom meeting",
) -> Reading | Refusal:
    """Read `/zoom` text into a Zoom create-meeting request.

    `tz` is the user's IANA zone; `now` is aware (any zone) or naive wall-clock time in
    `tz`. Returns a Reading (type 1 instant, 2 scheduled or 8 recurring; `start_time` local
    without offset in `timezone`) with the guesses made, or a Refusal whose message says
    what was understood and what to type instead. Pure: no I/O, no clock.
    """
    try:
        return _read(text, tz, now, default_duration, default_topic)
    except Refused as refused:
        return Refusal(refused.message)
    except OverflowError:  # a number past what a calendar holds, wherever it was written
        return Refusal(
            "I read a number in the text as part of a time, but it is far too large to be "
            "one. Write the time like `/zoom in 20 minutes quick sync` or `/zoom 3pm Review`."
        )


def _user_zone(tz: str) -> ZoneInfo:
    try:
        return zones.load(tz)
    except ZoneInfoNotFoundError:
        raise Refused(
            f"I don't know the time zone “{tz}”, so I can't place a time. Set your time zone "
            f"in Slack, or name one in the text, like `/zoom 3pm ET Design review`."
        ) from None


def _read(text: str, tz: str, now: datetime, default_duration: int, default_topic: str) -> Reading:
    user_zone = _user_zone(tz)
    now_utc = (now if now.tzinfo else now.replace(tzinfo=user_zone)).astimezone(UTC)
    text = " ".join(text.replace("’", "'").split())
    scan = Scan(text)
    user_now = now_utc.astimezone(user_zone).replace(tzinfo=None)
    words = find_time_words(scan, tz, user_now)
    leftover = leftover_time(scan, not (words.times or words.relative_minutes))
    if leftover is not None:
        raise _unread(leftover, words)
    topic = read_topic(scan) or default_topic
    guesses: list[str] = []

    if not (words.dates or words.times or words.relative_minutes or words.repetitions):
        if words.durations:
            # Zoom's meetingCreate takes `duration` "only for scheduled meetings (2)".
            guesses.append(
                f"read “{words.durations[0][1]}” as a length, but an instant meeting has no "
                f"set length: Zoom keeps it open until ended"
            )
        return Reading(MeetingRequest(topic=topic, type=INSTANT), tuple(guesses))

    zone_name = words.zone or tz
    zone = zones.load(zone_name)
    local_now = now_utc.astimezone(zone).replace(tzinfo=None)
    duration = meeting_length(words, default_duration, guesses)

    if words.relative_minutes is not None:
        if words.dates or words.times or words.repetitions:
            other = (words.dates or words.times or [None])[0]
            shown = f"“{other.written}”" if other is not None else "a repeat"
            raise Refused(
                f"I read “{words.relative_written}” as the start, and also {shown}. "
                f"Keep one, like `/zoom in 20 minutes quick sync`."
            )
        start = (now_utc + timedelta(minutes=words.relative_minutes)).astimezone(zone)
        guesses.insert(0, _how_read(words.relative_written or "", start, user_zone, user_now))
        if words.relative_unitless:
            guesses.insert(1, f"no unit after {words.relative_minutes}: read as minutes")
        request = scheduled_request(topic, start, zone_name, duration, guesses)
        return Reading(request, tuple(guesses))

    for written in words.dates:  # vague and past days get their own sentence first
        if written.kind in ("vague", "past"):
            resolve_day(written, local_now.date(), lambda _day: True, guesses)
    check_weekday = _weekday_beside_date(words)
    if len(words.dates) > 1:
        shown = " and ".join(f"“{d.written}”" for d in words.dates[:2])
        raise Refused(f"I read two dates, {shown}. Keep one, like {EXAMPLE}.")
    if len(words.times) > 1:
        shown = " and ".join(f"“{t.written}”" for t in words.times[:2])
        raise Refused(
            f"I read two times, {shown}. Keep one, or give a range like `/zoom 2-3pm Review`."
        )
    if not words.times:
        raise _no_time(words, local_now.date())

    if words.range_end is not None:
        clock = resolve_range_start(words.times[0], words.range_end, words.part_of_day)
    else:
        clock = resolve(words.times[0], words.part_of_day)
    if clock.guess and clock.next_day:
        guesses.append(clock.guess)
    if words.range_end is not None:
        duration = range_length(words.times[0], clock, words.range_end)
    shown_length = duration if words.range_end is not None else None

    # "tonight at 12" is the next day's 0:00: whether it is still ahead is decided on the
    # day it falls on, not on the day the date words name.
    roll = timedelta(days=1) if clock.next_day and not words.repetitions else timedelta()

    def is_ahead(day: date) -> bool:
        return at_wall_clock(day + roll, clock, zone) > now_utc

    today = local_now.date()
    if words.repetitions:
        day, recurrence = recurrence_of(words, today, is_ahead, zone, guesses)
    else:
        recurrence = None
        if words.dates:
            day = resolve_day(words.dates[0], today, is_ahead, guesses)
            if check_weekday is not None and day.weekday() != check_weekday.weekday:
                raise Refused(
                    f"I read “{words.dates[0].written}” as {day_label_year(day)}, a "
                    f"{WEEKDAY_NAMES[day.weekday()]}, but the text also says "
                    f"“{check_weekday.written}”. "
                    f"Keep one, like `/zoom {words.dates[0].written} 3pm Review`."
                )
        else:
            day = today
            if not is_ahead(today):
                day = today + timedelta(days=1)
                guesses.append(
                    f"{label(clock.hour, clock.minute)} has passed today: "
                    f"tomorrow, {day_label(day)}"
                )
        if clock.next_day:
            day += timedelta(days=1)
    local = datetime.combine(day, time(clock.hour, clock.minute))
    start = check_wall_clock(local, zone, zone_name, words.times[0].written, guesses)
    if start <= now_utc:
        raise Refused(
            f"I read “{words.times[0].written}” as {day_label(day)} at "
            f"{label(clock.hour, clock.minute)}, which has already passed. Pick a time ahead."
        )
    written = words.times[0].written
    if words.range_end is not None:
        written = f"{written}-{words.range_end.written}"
    if words.zone_written and words.zone != tz:
        written = f"{written} {words.zone_written}"
    guesses.insert(0, _how_read(written, start, user_zone, user_now, shown_length))
    if words.approximate:
        about = re.sub(r"^(?:at\s+|@\s*)", "", words.approximate, flags=re.IGNORECASE)
        guesses.insert(1, f"{about} is approximate: read as {label(clock.hour, clock.minute)}")
    if words.zone_offset is not None:
        check_fixed_offset(words, start, zone_name, guesses)
    elif words.zone not in (None, "UTC", tz) and "/" not in (words.zone_written or "/"):
        guesses.append(
            f"read {words.zone_written} as {zones.place_of(zone_name)} time "
            f"({zones.abbreviation_at(zone_name, local)} on {day_label(day)})"
        )
    request = scheduled_request(topic, start, zone_name, duration, guesses)
    if recurrence is not None:
        request = replace(request, type=RECURRING, recurrence=recurrence)
    return Reading(request, tuple(guesses))


def _how_read(
    written: str,
    start: datetime,
    user_zone: ZoneInfo,
    local_now: datetime,
    length: int | None = None,
) -> str:
    """The note saying how the time words were read: "read 3p as 3 PM today (Tue, Dec 1)";
    a range with its end: "read 12-1 as 12 PM to 1 PM, ..."; in another zone, also the
    user's own time: "read 8 am PST as 8 AM Los Angeles time = 11 AM your time (Thu, Dec 3)"."""
    local = start.replace(tzinfo=None)
    when = label(local.hour, local.minute)
    if length is not None:
        end = local + timedelta(minutes=length)
        when = f"{when} to {label(end.hour, end.minute)}"
    mine = start.astimezone(user_zone)
    day = mine.date()
    if mine.utcoffset() != start.utcoffset():
        place = zones.place_of(str(start.tzinfo))
        if local.date() != day:
            when = f"{when} {place} time on {day_label(local.date())}"
        else:
            when = f"{when} {place} time"
        when = f"{when} = {label(mine.hour, mine.minute)} your time"
    if day == local_now.date():
        named = f"today ({day_label(day)})"
    elif day == local_now.date() + timedelta(days=1):
        named = f"tomorrow ({day_label(day)})"
    else:
        named = day_label_year(day) if day.year != local_now.year else day_label(day)
    return f"read {written} as {when}, {named}"


def _unread(leftover: str, words: TimeWords) -> Refused:
    """The refusal for a time-like word the reading could not use."""
    if DEADLINE.match(" ".join(leftover.split())):
        return Refused(
            f"I read “{leftover}” as a deadline, not a start time: it means different hours "
            f"to different people. Write the time, like `/zoom tomorrow 5pm Demo`."
        )
    if re.fullmatch(r"\d{1,2}-\d{1,2}", leftover):
        return Refused(
            f"“{leftover}” next to the time could be a date or a range, so I did not guess. "
            f"Write a date like `12/15` or `Dec 15`, or a range like `9-10am`."
        )
    used = [t.written for t in words.times] + [d.written for d in words.dates]
    if words.relative_written:
        used.append(words.relative_written)
    if used:
        return Refused(
            f"I read “{used[0]}” as the time, but not “{leftover}”, which also looks like "
            f"one. Write one time, like `/zoom tomorrow 3pm Design review`, or take "
            f"“{leftover}” out of the topic."
        )
    if leftover.lower() in zones.ABBREVIATIONS:  # a zone abbreviation with no time
        return Refused(
            f"I read “{leftover}” as a time zone but found no time. Add one, like "
            f"`/zoom 3pm {leftover} Design review`, or write the topic without it."
        )
    return Refused(
        f"“{leftover}” looks like a time, but I could not read it. Write it like `3pm`, "
        f"`15:30`, `tomorrow 9am` or `in 2 hours`, e.g. `/zoom tomorrow 3pm Design review`."
    )


def _weekday_beside_date(words: TimeWords) -> WrittenDate | None:
    """ "Fri, Sep 20", "Wednesday, September 16, 2026": a plain weekday written with a
    calendar date is a check, not a second date. Takes it out of `words.dates`."""
    if len(words.dates) != 2:
        return None
    weekdays = [d for d in words.dates if d.kind == "weekday" and d.qualifier is None]
    others = [d for d in words.dates if d.kind in ("calendar", "ordinal")]
    if len(weekdays) != 1 or len(others) != 1:
        return None
    words.dates = others
    return weekdays[0]


def _no_time(words: TimeWords, today: date) -> Refused:
    if words.repetitions:
        shown = words.repetitions[0].repetition.written
        return Refused(
            f"I read “{shown}” as a repeat but found no time. Add one, "
            f"like `/zoom standup {shown} at 9:30am`."
        )
    written = words.dates[0]
    return Refused(
        f"I read “{written.written}” as a date but found no time. Add one, "
        f"like `/zoom {written.written} 3pm Design review`."
    )

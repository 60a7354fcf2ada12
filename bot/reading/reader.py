"""read_request: `/zoom` text, the user's zone and "now" in; a Zoom meeting request out.

Resolution happens in naive wall-clock time of the meeting's zone (the zone the text
names, else the user's); the zone is attached with zoneinfo only to compare with "now" and
to step through real elapsed time ("in 24 hours" across a daylight-saving change).
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.reading import recurrence as rec
from bot.reading import zones
from bot.reading.clock import ClockTime, WrittenTime, label, resolve
from bot.reading.dates import WrittenDate, day_label, day_label_year, resolve_day
from bot.reading.durations import describe
from bot.reading.leftovers import leftover_time
from bot.reading.results import Reading, Refusal, Refused
from bot.reading.scan import Scan
from bot.reading.time_words import TimeWords, find_time_words
from bot.reading.topic import read_topic
from bot.reading.vocabulary import WEEKDAY_NAMES
from zoom.models import INSTANT, RECURRING, SCHEDULED, MeetingRequest, Recurrence

MAX_DURATION = 24 * 60  # minutes; longer is not a meeting Zoom schedules in one piece
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
            guesses.append("an instant meeting has no set length: Zoom keeps it open until ended")
        return Reading(MeetingRequest(topic=topic, type=INSTANT), tuple(guesses))

    zone_name = words.zone or tz
    zone = zones.load(zone_name)
    local_now = now_utc.astimezone(zone).replace(tzinfo=None)
    duration = _duration(words, default_duration, guesses)

    if words.relative_minutes is not None:
        if words.dates or words.times or words.repetitions:
            other = (words.dates or words.times or [None])[0]
            shown = f"“{other.written}”" if other is not None else "a repeat"
            raise Refused(
                f"I read “{words.relative_written}” as the start, and also {shown}. "
                f"Keep one, like `/zoom in 20 minutes quick sync`."
            )
        start = (now_utc + timedelta(minutes=words.relative_minutes)).astimezone(zone)
        guesses.insert(0, _how_read(words.relative_written or "", start, user_zone, local_now))
        request = _scheduled(topic, start, zone_name, duration, guesses)
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
        duration = _range_length(words.times[0], clock, words.range_end)

    # "tonight at 12" is the next day's 0:00: whether it is still ahead is decided on the
    # day it falls on, not on the day the date words name.
    roll = timedelta(days=1) if clock.next_day and not words.repetitions else timedelta()

    def is_ahead(day: date) -> bool:
        return _aware(day + roll, clock, zone) > now_utc

    today = local_now.date()
    if words.repetitions:
        day, recurrence = _repeat(words, today, is_ahead, zone, guesses)
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
    start = _check_wall_clock(local, zone, zone_name, words.times[0].written, guesses)
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
    guesses.insert(0, _how_read(written, start, user_zone, local_now))
    if words.zone_offset is not None:
        _check_fixed_offset(words, start, zone_name, guesses)
    elif words.zone not in (None, "UTC", tz) and "/" not in (words.zone_written or "/"):
        guesses.append(
            f"read {words.zone_written} as {zones.place_of(zone_name)} time "
            f"({zones.abbreviation_at(zone_name, local)} on {day_label(day)})"
        )
    request = _scheduled(topic, start, zone_name, duration, guesses)
    if recurrence is not None:
        request = replace(request, type=RECURRING, recurrence=recurrence)
    return Reading(request, tuple(guesses))


def _how_read(written: str, start: datetime, user_zone: ZoneInfo, local_now: datetime) -> str:
    """The note saying how the time words were read: "read 3p as 3 PM today (Tue, Dec 1)";
    in another zone, also the user's own time: "read 8 am PST as 8 AM Los Angeles time =
    11 AM your time (Thu, Dec 3)"."""
    local = start.replace(tzinfo=None)
    when = label(local.hour, local.minute)
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


def _check_fixed_offset(
    words: TimeWords, start: datetime, zone_name: str, guesses: list[str]
) -> None:
    """Say how "UTC+2" was read; refuse when the zone standing in for a half-hour offset
    does not have that offset on the meeting's date."""
    assert words.zone_offset is not None
    wanted = zones.offset_label(words.zone_offset)
    if start.utcoffset() != words.zone_offset:  # pragma: no cover - the zones keep no DST
        raise Refused(
            f"I read “{words.zone_written}” as {wanted}, but no zone I can give Zoom has that "
            f"offset on {day_label(start.date())}. Name a zone instead, like `3pm IST`."
        )
    if words.zone_offset:
        guesses.append(
            f"read {words.zone_written} as the fixed offset {wanted}, no daylight saving "
            f"({zone_name})"
        )


def _aware(day: date, clock: ClockTime, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(clock.hour, clock.minute), tzinfo=zone)


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


def _duration(words: TimeWords, default: int, guesses: list[str]) -> int:
    if len(words.durations) > 1:
        shown = " and ".join(f"“{d[1]}”" for d in words.durations[:2])
        raise Refused(f"I read two lengths, {shown}. Keep one, like `for 45 min`.")
    if words.durations and words.range_end is not None:
        raise Refused(
            f"I read a time range and also a length, “{words.durations[0][1]}”. "
            f"Keep one, like `/zoom 2-3pm Review` or `/zoom 2pm Review for 1 hour`."
        )
    if not words.durations:
        if words.range_end is None:
            guesses.append(f"no length given: {describe(default)}")
        return default
    minutes, written, _clock = words.durations[0]
    _check_length(minutes, written)
    return minutes


def _check_length(minutes: int, written: str) -> None:
    if minutes < 1:
        raise Refused(
            f"I read “{written}” as a length, but a meeting lasts at least a minute. "
            f"Write a length like `for 45 min`."
        )
    if minutes > 100 * MAX_DURATION:
        raise Refused(
            f"I read “{written}” as a length, far more than the 24 hours a Zoom meeting can "
            f"be scheduled for. Write a length like `for 45 min` or `for 2 hours`."
        )
    if minutes > MAX_DURATION:
        raise Refused(
            f"I read “{written}” as a length of {describe(minutes)}, but a Zoom meeting can "
            f"be scheduled for at most 24 hours. Shorten it, or make it repeat daily."
        )


def _range_length(start_written: WrittenTime, start: ClockTime, end_written: WrittenTime) -> int:
    """Minutes from a range's start to its end. am/pm written on one side carries to the
    other when that gives a sensible order ("10-11am", "12:30-1:15pm", "11-1pm")."""
    begin = start.hour * 60 + start.minute
    if end_written.meridiem is None and not end_written.twenty_four and end_written.hour <= 12:
        candidates = [end_written.hour % 12 * 60, (end_written.hour % 12 + 12) * 60]
        ends = [c + end_written.minute for c in candidates]
        after = [e for e in ends if e > begin]
        same_hour = end_written.hour % 12 == start.hour % 12
        if after and not (same_hour and ends[0] % 720 <= begin % 720):
            finish = min(after)
        elif not after and start.hour >= 18:
            finish = ends[0] + 24 * 60  # "tonight 11-1" runs past midnight
        else:  # "10:15-10:05", "2-1": the end is before the start on the clock face
            raise Refused(
                f"I read “{start_written.written}” to “{end_written.written}” as a range "
                f"that ends before it starts. Write it like `/zoom 2-3:30pm Review`."
            )
    else:
        end = resolve(end_written)
        finish = end.hour * 60 + end.minute
        if finish <= begin:
            if start_written.meridiem == "pm" and end_written.meridiem == "am":
                finish += 24 * 60  # "11pm-1am" runs past midnight
            else:
                raise Refused(
                    f"I read “{start_written.written}” to “{end_written.written}” as a range "
                    f"that ends before it starts. Write it like `/zoom 2-3:30pm Review`."
                )
    minutes = finish - begin
    _check_length(minutes, f"{start_written.written}-{end_written.written}")
    return minutes


def resolve_range_start(start: WrittenTime, end: WrittenTime, part_of_day: str | None) -> ClockTime:
    """A range's start, taking am/pm from the end when only the end has it."""
    if start.meridiem is None and not start.twenty_four and end.meridiem is not None:
        end_clock = resolve(end)
        end_minutes = end_clock.hour * 60 + end_clock.minute
        same = resolve(replace(start, meridiem=end.meridiem))
        if same.hour * 60 + same.minute < end_minutes:
            return same
        other = "am" if end.meridiem == "pm" else "pm"
        return resolve(replace(start, meridiem=other))
    return resolve(start, part_of_day)


def _check_wall_clock(
    local: datetime, zone: ZoneInfo, zone_name: str, written: str, guesses: list[str]
) -> datetime:
    """The aware start for a wall-clock time; refuses a time the clocks skip, and notes
    which of a repeated hour is meant (the first)."""
    aware = local.replace(tzinfo=zone)
    round_trip = aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    place = zones.place_of(zone_name)
    when = label(local.hour, local.minute)
    if round_trip != local:
        later = label(round_trip.hour, round_trip.minute)
        suggestion = later.lower().replace(" ", "")
        raise Refused(
            f"I read “{written}” as {when} on {day_label(local.date())}, but that time does not "
            f"exist in {place} time: the clocks jump forward an hour that night. Pick another "
            f"time, like `{suggestion}`."
        )
    other = aware.replace(fold=1)
    if other.utcoffset() != aware.utcoffset():
        guesses.append(
            f"{when} happens twice on {day_label(local.date())} in {place} time (clocks go "
            f"back): read as the first, {aware.tzname()}"
        )
    return aware


def zoom_start(start: datetime, zone_name: str) -> tuple[datetime, str]:
    """The naive local start and zone to give Zoom for an aware `start` in `zone_name`.

    Zoom reads a local time in a repeated hour as its first pass; a start in the second
    pass (fold=1) is sent in UTC instead, so it is the right hour."""
    if start.fold == 1 and start.replace(fold=0).utcoffset() != start.utcoffset():
        return start.astimezone(UTC).replace(tzinfo=None), "UTC"
    return start.replace(tzinfo=None), zone_name


def _scheduled(
    topic: str, start: datetime, zone_name: str, duration: int, guesses: list[str]
) -> MeetingRequest:
    """A type 2 request for an aware start. A start in the second pass of a repeated hour
    cannot be told apart in local time, so it goes to Zoom in UTC."""
    local = start.replace(tzinfo=None)
    zoom_local, zoom_zone = zoom_start(start, zone_name)
    if zoom_zone != zone_name:
        guesses.append(
            f"{label(local.hour, local.minute)} {start.tzname()} happens after the clocks go "
            f"back; scheduled in UTC so it is the right hour"
        )
    local, zone_name = zoom_local, zoom_zone
    return MeetingRequest(
        topic=topic,
        type=SCHEDULED,
        start_time=local.strftime("%Y-%m-%dT%H:%M:%S"),
        timezone=zone_name,
        duration=duration,
    )


def _repeat(
    words: TimeWords,
    today: date,
    is_ahead: Callable[[date], bool],
    zone: ZoneInfo,
    guesses: list[str],
) -> tuple[date, Recurrence]:
    repetition = rec.merge(words.repetitions)
    rec.check_interval(repetition)
    start_from = today
    dates = words.dates
    if (
        dates
        and dates[0].kind == "ordinal"
        and repetition.kind == rec.MONTHLY_DAY
        and repetition.monthly_day is None
    ):
        # "monthly sync on the 28th": the day number is the repeat's, as in "every month on
        # the 28th", so the first meeting is the first 28th still ahead, maybe next month's.
        rec.check_day(repetition.written, dates[0].day or 0)
        repetition = replace(repetition, monthly_day=dates[0].day)
        dates = []
    if dates:
        start_from = resolve_day(dates[0], today, is_ahead, guesses)
    if (repetition.kind == rec.WEEKLY and not repetition.weekdays) or (
        repetition.kind == rec.MONTHLY_DAY and repetition.monthly_day is None
    ):
        anchor = start_from if dates or is_ahead(today) else today + timedelta(days=1)
        if repetition.kind == rec.WEEKLY:
            repetition = replace(repetition, weekdays=(anchor.weekday(),))
        else:
            repetition = replace(repetition, monthly_day=anchor.day)
        guesses.append(f"repeats {rec.describe(repetition)}")
    first = rec.first_day(repetition, start_from, is_ahead)
    if repetition.kind == rec.MONTHLY_DAY and (repetition.monthly_day or 0) >= 29:
        guesses.append(
            f"months without a day {repetition.monthly_day} meet on their last day, as Zoom does"
        )
    fields = rec.zoom_fields(repetition)
    ends = sum(x is not None for x in (words.until, words.until_month, words.end_count,
                                       words.end_span))  # fmt: skip
    if ends > 1:
        raise Refused(
            "I read two ends for the repeat; Zoom takes a date or a number of meetings, "
            "not both. Keep one, like `until Dec 19` or `for 6 weeks`."
        )
    if words.until is not None or words.until_month is not None:
        until = _until(words, today, first)
        count = rec.count_through(repetition, first, until)
        _check_count(count, words.end_written or "")
        end = datetime.combine(until, time(23, 59, 59), tzinfo=zone).astimezone(UTC)
        fields["end_date_time"] = end.strftime("%Y-%m-%dT%H:%M:%SZ")
    elif words.end_count is not None:
        if not 1 <= words.end_count <= rec.MAX_OCCURRENCES:
            _check_count(words.end_count, words.end_written or "")
        fields["end_times"] = words.end_count
    elif words.end_span is not None:
        count_of, unit = words.end_span
        if repetition.kind in (rec.MONTHLY_DAY, rec.MONTHLY_WEEK) and unit.startswith("month"):
            # "for 3 months" of a monthly meeting is 3 meetings, whatever the day spacing.
            count = -(-count_of // repetition.interval)
        else:
            count = rec.count_through(repetition, first, rec.span_end(first, count_of, unit))
        _check_count(count, words.end_written or "")
        fields["end_times"] = count
    else:
        last = rec.nth_occurrence(repetition, first, rec.MAX_OCCURRENCES)
        fields["end_times"] = rec.MAX_OCCURRENCES
        guesses.append(f"no end given: 50 occurrences, until {day_label_year(last)}")
    return first, Recurrence(**fields)  # type: ignore[arg-type]


def _check_count(count: int, written: str) -> None:
    if count < 1:
        raise Refused(
            f"I read “{written}” as the end of the repeat, but no meeting falls before it. "
            f"Pick a later end."
        )
    if count > rec.MAX_OCCURRENCES:
        raise Refused(
            f"I read “{written}” as the end of the repeat, which makes {count} meetings; Zoom "
            f"takes at most {rec.MAX_OCCURRENCES}. Pick an earlier end, like `for 10 weeks`."
        )


def _until(words: TimeWords, today: date, first: date) -> date:
    if words.until_month is not None:
        year = first.year if words.until_month >= first.month else first.year + 1
        return date(year, words.until_month, calendar.monthrange(year, words.until_month)[1])
    assert words.until is not None
    until_guesses: list[str] = []
    until = resolve_day(words.until, today, lambda day: day >= today, until_guesses)
    if until < first:
        raise Refused(
            f"I read “{words.end_written}” as the end of the repeat, but the first meeting is "
            f"{day_label_year(first)}, after it. Pick a later end."
        )
    return until

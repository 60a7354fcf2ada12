"""The Zoom create-meeting request a reading becomes: the start in the meeting's zone
(checked against the wall clock and a fixed offset), and for a repetition Zoom's
recurrence (type, interval, days, end by count or date).
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.reading import recurrence as rec
from bot.reading import recurrence_days as days_of
from bot.reading import repetition as rep
from bot.reading import zones
from bot.reading.clock import ClockTime, label
from bot.reading.dates import day_label, day_label_year, resolve_day
from bot.reading.results import Refused
from bot.reading.time_words import TimeWords
from zoom.models import SCHEDULED, MeetingRequest, Recurrence


def check_fixed_offset(
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


def at_wall_clock(day: date, clock: ClockTime, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(clock.hour, clock.minute), tzinfo=zone)


def check_wall_clock(
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


def scheduled_request(
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


def recurrence_of(
    words: TimeWords,
    today: date,
    is_ahead: Callable[[date], bool],
    zone: ZoneInfo,
    guesses: list[str],
) -> tuple[date, Recurrence]:
    repetition = rec.merge(words.repetitions)
    rep.check_interval(repetition)
    start_from = today
    dates = words.dates
    if (
        dates
        and dates[0].kind == "ordinal"
        and repetition.kind == rep.MONTHLY_DAY
        and repetition.monthly_day is None
    ):
        # "monthly sync on the 28th": the day number is the repeat's, as in "every month on
        # the 28th", so the first meeting is the first 28th still ahead, maybe next month's.
        rec.check_day(repetition.written, dates[0].day or 0)
        repetition = replace(repetition, monthly_day=dates[0].day)
        dates = []
    if dates:
        start_from = resolve_day(dates[0], today, is_ahead, guesses)
    if (repetition.kind == rep.WEEKLY and not repetition.weekdays) or (
        repetition.kind == rep.MONTHLY_DAY and repetition.monthly_day is None
    ):
        anchor = start_from if dates or is_ahead(today) else today + timedelta(days=1)
        if repetition.kind == rep.WEEKLY:
            repetition = replace(repetition, weekdays=(anchor.weekday(),))
        else:
            repetition = replace(repetition, monthly_day=anchor.day)
        guesses.append(f"repeats {rep.describe(repetition)}")
    if repetition.implied:
        guesses.append(
            f"read “{repetition.written}” as a weekly series: repeats {rep.describe(repetition)}"
        )
    first = days_of.first_day(repetition, start_from, is_ahead)
    if repetition.kind == rep.MONTHLY_DAY and (repetition.monthly_day or 0) >= 29:
        guesses.append(
            f"months without a day {repetition.monthly_day} meet on their last day, as Zoom does"
        )
    fields = rep.zoom_fields(repetition)
    ends = sum(x is not None for x in (words.until, words.until_month, words.end_count,
                                       words.end_span))  # fmt: skip
    if ends > 1:
        raise Refused(
            "I read two ends for the repeat; Zoom takes a date or a number of meetings, "
            "not both. Keep one, like `until Dec 19` or `for 6 weeks`."
        )
    if words.until is not None or words.until_month is not None:
        until = _until(words, today, first)
        count = days_of.count_through(repetition, first, until)
        _check_count(count, words.end_written or "")
        end = datetime.combine(until, time(23, 59, 59), tzinfo=zone).astimezone(UTC)
        fields["end_date_time"] = end.strftime("%Y-%m-%dT%H:%M:%SZ")
    elif words.end_count is not None:
        if not 1 <= words.end_count <= rep.MAX_OCCURRENCES:
            _check_count(words.end_count, words.end_written or "")
        fields["end_times"] = words.end_count
    elif words.end_span is not None:
        count_of, unit = words.end_span
        if repetition.kind in (rep.MONTHLY_DAY, rep.MONTHLY_WEEK) and unit.startswith("month"):
            # "for 3 months" of a monthly meeting is 3 meetings, whatever the day spacing.
            count = -(-count_of // repetition.interval)
        else:
            count = days_of.count_through(
                repetition, first, days_of.span_end(first, count_of, unit)
            )
        _check_count(count, words.end_written or "")
        fields["end_times"] = count
    else:
        last = days_of.nth_occurrence(repetition, first, rep.MAX_OCCURRENCES)
        fields["end_times"] = rep.MAX_OCCURRENCES
        guesses.append(f"no end given: 50 occurrences, until {day_label_year(last)}")
    return first, Recurrence(**fields)  # type: ignore[arg-type]


def _check_count(count: int, written: str) -> None:
    if count < 1:
        raise Refused(
            f"I read “{written}” as the end of the repeat, but no meeting falls before it. "
            f"Pick a later end."
        )
    if count > rep.MAX_OCCURRENCES:
        raise Refused(
            f"I read “{written}” as the end of the repeat, which makes {count} meetings; Zoom "
            f"takes at most {rep.MAX_OCCURRENCES}. Pick an earlier end, like `for 10 weeks`."
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

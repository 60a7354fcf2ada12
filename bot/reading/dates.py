"""Calendar dates as written, and the day each one means.

Dates with a month ("October 1", "30 March", "9/30", "2025-09-26") arrive as numbers our
patterns read, so the day is `date(year, month, day)` once checked; dateparser is kept only
as the cross-check the tests run (`parse_fragment`): calling it per request cost 1-10 ms
(docs/decisions.md). Weekdays, "tomorrow", "the 20th" are counted here too.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from bot.reading.results import Refused
from bot.reading.vocabulary import MONTH_NAMES, WEEKDAY_NAMES

_PARSER_SETTINGS = {
    "TIMEZONE": "UTC",
    "RETURN_AS_TIMEZONE_AWARE": False,
    "STRICT_PARSING": True,
    "REQUIRE_PARTS": ["day", "month", "year"],
}

# How far back a month-and-day without a year may lie and still be read as a mistake
# (refused) rather than as next year's date: "Sep 5" on Sep 9 is a typo, "Jan 5" on
# Dec 29 means next January.
RECENT_PAST = timedelta(days=90)
LAST_YEAR = 2100  # later years are refused: no one schedules a Zoom meeting that far


@dataclass(frozen=True)
class WrittenDate:
    """A date phrase as the text gave it.

    kind: "calendar" (month, day, maybe year), "ordinal" ("the 20th"), "offset" (days from
    today: today, tomorrow, in 3 days), "weekday", "vague" ("next week"), "past".
    """

    written: str
    kind: str
    month: int | None = None
    day: int | None = None
    year: int | None = None
    fragment: str = ""  # what dateparser reads, without the year
    day_first: bool = False  # for numeric fragments like 30/9
    offset: int = 0
    weekday: int | None = None
    qualifier: str | None = None  # "next", "this", "last", "coming", "next week"
    part_of_day: str | None = None  # "tonight" -> "evening"


def day_label(day: date) -> str:
    """The day for people: Fri, Sep 12."""
    return f"{WEEKDAY_NAMES[day.weekday()][:3]}, {MONTH_NAMES[day.month - 1][:3]} {day.day}"


def day_label_year(day: date) -> str:
    """The day with its year for people: Sep 12, 2026."""
    return f"{MONTH_NAMES[day.month - 1][:3]} {day.day}, {day.year}"


def parse_fragment(fragment: str, year: int, day_first: bool) -> date | None:
    """dateparser's reading of a month-and-day fragment in the given year, or None when
    that is no date (Apr 31, Feb 29 in 2025). Numeric fragments take `year` as "/YYYY"."""
    if "/" in fragment:
        text = f"{fragment}/{year}" if fragment.count("/") == 1 else fragment
    elif fragment[:4].isdigit() and "-" in fragment:
        text = fragment
    else:
        text = f"{fragment} {year}"
    import dateparser  # only the tests call this: a cross-check of our own dates

    settings = dict(_PARSER_SETTINGS, DATE_ORDER="DMY" if day_first else "MDY")
    parsed = dateparser.parse(text, languages=["en"], settings=settings)
    return parsed.date() if parsed is not None else None


def _impossible(written: WrittenDate, year: int) -> Refused:
    """The refusal for a date that does not exist, checked in the order a person would:
    the month first, then the day, then the month's length."""
    shown = f"“{written.written}”"
    month, day = written.month, written.day
    if month is None or not 1 <= month <= 12:
        return Refused(
            f"I read {shown} as a date, but there is no month {month}: months run 1–12. "
            f"Write it like `Oct 1` or `{year}-10-01`."
        )
    if day is None or day < 1:
        return Refused(
            f"I read {shown} as a date, but there is no day {day} of a month: days start at 1. "
            f"Write it like `Oct 1` or `{year}-10-01`."
        )
    name = MONTH_NAMES[month - 1]
    if month == 2 and day == 29:
        return Refused(
            f"I read {shown} as a date, but {year} has no February 29. "
            f"Pick another day, like `/zoom Feb 28 3pm Review`."
        )
    days = calendar.monthrange(year, month)[1]
    return Refused(
        f"I read {shown} as a date, but {name} has only {days} days. "
        f"Pick a day that exists, like `/zoom {name[:3]} {days} 3pm Review`."
    )


def _calendar_day(written: WrittenDate, year: int) -> date | None:
    if written.month is None or written.day is None:
        return None
    if not 1 <= written.month <= 12:
        return None
    if not 1 <= written.day <= calendar.monthrange(year, written.month)[1]:
        return None
    return date(year, written.month, written.day)


def resolve_day(
    written: WrittenDate, today: date, is_ahead: Callable[[date], bool], guesses: list[str]
) -> date:
    """The day meant, given the local date today and whether the meeting's time on a given
    day is still ahead. Raises Refused for past, impossible or vague dates."""
    shown = f"“{written.written}”"
    if written.kind == "vague":
        raise Refused(
            f"I read {shown} as a rough date, but I need a day and a time. "
            f"Name both, like `/zoom next tuesday 3pm Planning`."
        )
    if written.kind == "past":
        raise Refused(
            f"I read {shown} as a day in the past. Name a day ahead, "
            f"like `/zoom next monday 10am Sync`."
        )
    if written.kind == "offset":
        day = today + timedelta(days=written.offset)
        if written.offset == 0 and not is_ahead(day):
            raise Refused(
                f"I read {shown} as today, but that time has already passed. "
                f"Pick a later time, or say `tomorrow`."
            )
        return day
    if written.kind == "weekday":
        return _weekday(written, today, is_ahead, guesses)
    if written.kind == "ordinal":
        return _ordinal(written, today, is_ahead, guesses)
    return _calendar(written, today, is_ahead, guesses)


def _weekday(
    written: WrittenDate, today: date, is_ahead: Callable[[date], bool], guesses: list[str]
) -> date:
    assert written.weekday is not None
    shown = f"“{written.written}”"
    ahead = (written.weekday - today.weekday()) % 7
    name = WEEKDAY_NAMES[written.weekday]
    if written.qualifier == "last":
        raise Refused(
            f"I read {shown} as a day in the past. Name a day ahead, "
            f"like `/zoom next {name.lower()} 10am Sync`."
        )
    if written.qualifier == "next":
        return today + timedelta(days=ahead or 7)
    if written.qualifier == "after next":
        return today + timedelta(days=(ahead or 7) + 7)
    if written.qualifier == "next week":
        monday = today - timedelta(days=today.weekday()) + timedelta(days=7)
        return monday + timedelta(days=written.weekday)
    if written.qualifier == "this":
        day = today - timedelta(days=today.weekday()) + timedelta(days=written.weekday)
        if day < today or not is_ahead(day):
            # This week's has passed: people mean the coming one ("this monday" on Sunday).
            day += timedelta(days=7)
            guesses.append(
                f"read {written.written} as the coming {name}, {day_label(day)}: "
                f"this week's has passed"
            )
        return day
    day = today + timedelta(days=ahead)
    if written.qualifier == "coming" and ahead == 0:
        day += timedelta(days=7)
    if not is_ahead(day):
        day += timedelta(days=7)
        guesses.append(f"read {name} as next week's, {day_label(day)}: today's time has passed")
    return day


def _ordinal(
    written: WrittenDate, today: date, is_ahead: Callable[[date], bool], guesses: list[str]
) -> date:
    assert written.day is not None
    shown = f"“{written.written}”"
    if not 1 <= written.day <= 31:
        raise Refused(
            f"I read {shown} as a day of the month, but months have at most 31 days. "
            f"Write a day like `the 20th` or a date like `Oct 20`."
        )
    if written.day == today.day and not is_ahead(today):
        raise Refused(
            f"I read {shown} as today, but that time has already passed. Pick a later time "
            f"or name the month, like `Oct {written.day}`."
        )
    year, month = today.year, today.month
    for _ in range(13):
        last = calendar.monthrange(year, month)[1]
        if written.day <= last:
            day = date(year, month, written.day)
            if day >= today and is_ahead(day):
                if month != today.month:
                    guesses.append(f"read {written.written} as {day_label(day)}")
                return day
        month += 1
        if month == 13:
            year, month = year + 1, 1
    raise Refused(f"I could not place {shown}. Write a date like `Oct 20`.")  # pragma: no cover


def _calendar(
    written: WrittenDate, today: date, is_ahead: Callable[[date], bool], guesses: list[str]
) -> date:
    shown = f"“{written.written}”"
    if written.year is not None and not today.year <= written.year <= LAST_YEAR:
        when = "has already passed" if written.year < today.year else f"is after {LAST_YEAR}"
        raise Refused(
            f"I read {shown} as a date in {written.year}, which {when}. "
            f"Pick a day ahead, like `/zoom Oct 1 3pm Review`."
        )
    if written.year is not None:
        day = _calendar_day(written, written.year)
        if day is None:
            raise _impossible(written, written.year)
        if not is_ahead(day):
            raise Refused(
                f"I read {shown} as {day_label_year(day)}, which has already passed. "
                f"Pick a day ahead."
            )
        return day
    day = _calendar_day(written, today.year)
    if day is None:
        if written.month == 2 and written.day == 29:
            nxt = _calendar_day(written, today.year + 1)
            if nxt is not None and is_ahead(nxt):
                return nxt
        raise _impossible(written, today.year)
    if is_ahead(day):
        return day
    if today - day <= RECENT_PAST:
        raise Refused(
            f"I read {shown} as {day_label_year(day)}, which has already passed. "
            f"Pick a day ahead, or add the year if you mean next year's."
        )
    later = _calendar_day(written, today.year + 1)
    if later is None:
        raise _impossible(written, today.year + 1)
    if later.year != today.year:
        guesses.append(f"read {written.written} as {day_label_year(later)}")
    return later

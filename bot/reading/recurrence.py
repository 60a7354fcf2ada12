"""The grammar of repetition ("every weekday", "every other friday", "monthly on the 15th",
"last wednesday of the month") and the arithmetic of Zoom's recurrence.

Zoom repeats daily (every 1-90 days), weekly (every 1-12 weeks, on some weekdays) or
monthly (every 1-3 months, on a day number or on the first..fourth or last weekday), and
ends after a number of meetings (at most 50 here, as the phrase conventions fix) or on a
date, never both.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta

from bot.reading.results import Refused
from bot.reading.vocabulary import (
    NUMBER,
    ORDINAL,
    ORDINALS,
    WEEKDAY,
    WEEKDAY_NAMES,
    number_of,
    weekday_of,
    zoom_weekday,
)

DAILY, WEEKLY, MONTHLY_DAY, MONTHLY_WEEK = "daily", "weekly", "monthly day", "monthly week"
MAX_INTERVAL = {DAILY: 90, WEEKLY: 12, MONTHLY_DAY: 3, MONTHLY_WEEK: 3}
MAX_OCCURRENCES = 50
WEEKDAYS_MON_FRI = (0, 1, 2, 3, 4)

_SEP = r"(?:\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*|\s*/\s*|\s*\+\s*)"
_RANGE = r"\s*(?:-|–|to|through|thru)\s*"
DAY_LIST = rf"(?:{WEEKDAY}(?:{_RANGE}{WEEKDAY})?(?:{_SEP}{WEEKDAY}(?:{_RANGE}{WEEKDAY})?)*)"
_OF_MONTH = r"\s+of\s+(?:the|every|each|a)\s+(?:(?P<other_month>other)\s+)?month\b"
_OF_MONTH_PLAIN = r"\s+of\s+(?:the|every|each|a)\s+(?:other\s+)?month\b"
_DAY_NUMBER = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_ON_TAIL = (
    rf"(?:\s+on)?\s+(?:(?P<tail_days>{DAY_LIST})"
    rf"|(?:the\s+)?(?P<tail_ord>{ORDINAL})\s+(?P<tail_wd>{WEEKDAY})(?:{_OF_MONTH_PLAIN})?"
    rf"|(?:the\s+)?{_DAY_NUMBER}(?!\s*(?:[:.]\d|am\b|pm\b|a\.m|p\.m))(?:{_OF_MONTH_PLAIN})?)"
)
_ON_TAIL_REQUIRED = _ON_TAIL.replace(r"(?:\s+on)?\s+", r"\s+on\s+", 1)

_UNITS = (
    r"(?P<unit>days?|weekdays?|workdays?|business\s+days?|weekends?|weeks?|months?"
    r"|years?|hours?|minutes?|quarters?)"
)
EVERY = re.compile(
    rf"\b(?:every|each)\s+(?:(?P<other>other)\s+|(?P<n>{NUMBER})\s+)?"
    rf"(?:{_UNITS}\b(?:{_ON_TAIL_REQUIRED})?"
    rf"|(?P<ord>{ORDINAL})\s+(?P<ord_wd>{WEEKDAY})(?:{_OF_MONTH.replace('other_month', 'om2')})?"
    rf"|(?P<days>{DAY_LIST}))"
)
ADVERB_ON = re.compile(
    r"\b(?P<adv>daily|weekly|bi-?weekly|fortnightly|monthly|bi-?monthly|quarterly)"
    + _ON_TAIL_REQUIRED
)
ADVERB = re.compile(
    r"\b(?P<adv>daily|weekly|bi-?weekly|fortnightly|monthly|bi-?monthly|quarterly"
    r"|yearly|annually|hourly)\b"
)
MONTHLY_WEEK_PHRASE = re.compile(
    rf"\b(?:on\s+)?(?:the\s+)?(?P<ord>{ORDINAL})\s+(?P<wd>{WEEKDAY}){_OF_MONTH}"
)
MONTHLY_DAY_PHRASE = re.compile(rf"\b(?:on\s+)?the\s+{_DAY_NUMBER}{_OF_MONTH}")
PLURAL_WEEKDAYS = re.compile(
    r"\b(?:on\s+)?(?P<days>(?:mon|tues|wednes|thurs|fri|satur|sun)days"
    rf"(?:{_SEP}(?:mon|tues|wednes|thurs|fri|satur|sun)days)*)\b"
)
COUNT_END = re.compile(
    rf"\b(?:for\s+)?(?P<n>{NUMBER})\s+(?:times|occurrences|sessions|meetings|instances)\b"
)
SPAN_END = re.compile(
    rf"\bfor\s+(?:the\s+next\s+)?(?P<n>{NUMBER}|a|an)\s+(?P<unit>days?|weeks?|months?|years?)\b"
)


@dataclass(frozen=True)
class Repetition:
    """A recurrence as read, before its first day is known.

    `weekdays` are Python weekdays; empty for "every week"/"weekly" (the first meeting's
    weekday is used). `monthly_day` None for "monthly" means the first meeting's day.
    """

    written: str
    kind: str
    interval: int = 1
    weekdays: tuple[int, ...] = ()
    monthly_day: int | None = None
    monthly_week: int | None = None
    monthly_weekday: int | None = None


def _expand_days(text: str) -> tuple[int, ...]:
    days: list[int] = []
    for part in re.split(_SEP, text):
        ends = [weekday_of(m.group(0)) for m in re.finditer(WEEKDAY, part)]
        if len(ends) == 2 and re.search(_RANGE, part):
            first, last = ends
            span = (last - first) % 7
            ends = [(first + i) % 7 for i in range(span + 1)]
        for day in ends:
            if day not in days:
                days.append(day)
    return tuple(sorted(days))


def _cannot(written: str, why: str) -> Refused:
    return Refused(
        f"I read “{written}” as a repeat, but {why}. Zoom repeats daily, weekly (on chosen "
        f"weekdays) or monthly, like `/zoom standup every weekday at 9:30`."
    )


def _from_tail(written: str, interval: int, match: re.Match[str], monthly: bool) -> Repetition:
    """The repetition an "on ..." tail names ("on monday and friday", "on the 15th")."""
    if match["tail_days"]:
        if monthly:
            raise _cannot(written, "a monthly meeting takes a day number or e.g. first monday")
        return Repetition(written, WEEKLY, interval, _expand_days(match["tail_days"]))
    if match["tail_ord"]:
        return _monthly_week(written, match["tail_ord"], match["tail_wd"], interval)
    return _monthly_day(written, int(match["day"]), interval)


def _monthly_week(written: str, ordinal: str, weekday: str, interval: int) -> Repetition:
    week = ORDINALS[ordinal]
    if week == 5:
        raise _cannot(written, "Zoom only repeats on the first to fourth or the last weekday")
    return Repetition(
        written, MONTHLY_WEEK, interval, monthly_week=week, monthly_weekday=weekday_of(weekday)
    )


def check_day(written: str, day: int) -> None:
    """Refuse a monthly day number that no month has."""
    if not 1 <= day <= 31:
        raise _cannot(written, f"there is no day {day} in a month")


def _monthly_day(written: str, day: int, interval: int) -> Repetition:
    check_day(written, day)
    return Repetition(written, MONTHLY_DAY, interval, monthly_day=day)


def _every(written: str, match: re.Match[str]) -> Repetition:
    interval = 2 if match["other"] else number_of(match["n"]) if match["n"] else 1
    if match["days"]:
        return Repetition(written, WEEKLY, interval, _expand_days(match["days"]))
    if match["ord"]:
        return _monthly_week(written, match["ord"], match["ord_wd"], interval)
    unit = " ".join(match["unit"].split())
    if unit.startswith(("hour", "minute")):
        raise _cannot(written, "Zoom does not repeat a meeting within a day")
    if unit.startswith("year"):
        raise _cannot(written, "Zoom does not repeat meetings yearly")
    if unit.startswith(("weekday", "workday", "business")):
        return Repetition(written, WEEKLY, interval, WEEKDAYS_MON_FRI)
    if unit.startswith("weekend"):
        return Repetition(written, WEEKLY, interval, (5, 6))
    if unit.startswith("quarter"):
        interval *= 3
        unit = "month"
    if match["tail_days"] or match["tail_ord"] or match["day"]:
        return _from_tail(written, interval, match, unit.startswith("month"))
    if unit.startswith("day"):
        return Repetition(written, DAILY, interval)
    if unit.startswith("week"):
        return Repetition(written, WEEKLY, interval)
    return Repetition(written, MONTHLY_DAY, interval)


def _adverb(written: str, adverb: str, match: re.Match[str] | None) -> Repetition:
    adverb = adverb.replace("-", "")
    if adverb in ("yearly", "annually"):
        raise _cannot(written, "Zoom does not repeat meetings yearly")
    if adverb == "hourly":
        raise _cannot(written, "Zoom does not repeat a meeting within a day")
    interval = {"biweekly": 2, "fortnightly": 2, "bimonthly": 2, "quarterly": 3}.get(adverb, 1)
    monthly = adverb in ("monthly", "bimonthly", "quarterly")
    if match is not None:
        return _from_tail(written, interval, match, monthly)
    if adverb == "daily":
        return Repetition(written, DAILY, interval)
    if monthly:
        return Repetition(written, MONTHLY_DAY, interval)
    return Repetition(written, WEEKLY, interval)


@dataclass(frozen=True)
class Found:
    """A phrase found in text: where it is and what it says."""

    start: int
    end: int
    repetition: Repetition


def find_repetition(masked: str, original: str) -> list[Found]:
    """Every repetition phrase in the lower-cased, masked text. Bare adverbs ("daily")
    count only when no other phrase names the repetition: "daily standup every weekday"
    repeats every weekday and keeps "daily" in the topic."""
    found: list[Found] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in taken)

    def add(match: re.Match[str], repetition: Repetition) -> None:
        found.append(Found(match.start(), match.end(), repetition))
        taken.append((match.start(), match.end()))

    for pattern in (MONTHLY_WEEK_PHRASE, MONTHLY_DAY_PHRASE):
        for match in pattern.finditer(masked):
            written = original[match.start() : match.end()].strip()
            interval = 2 if match["other_month"] else 1
            if pattern is MONTHLY_WEEK_PHRASE:
                add(match, _monthly_week(written, match["ord"], match["wd"], interval))
            else:
                add(match, _monthly_day(written, int(match["day"]), interval))
    for match in EVERY.finditer(masked):
        if free(match.start(), match.end()):
            written = original[match.start() : match.end()].strip()
            repetition = _every(written, match)
            if match["om2"]:
                repetition = replace(repetition, interval=repetition.interval * 2)
            add(match, repetition)
    for match in ADVERB_ON.finditer(masked):
        if free(match.start(), match.end()):
            written = original[match.start() : match.end()].strip()
            add(match, _adverb(written, match["adv"], match))
    for match in PLURAL_WEEKDAYS.finditer(masked):
        if free(match.start(), match.end()):
            written = original[match.start() : match.end()].strip()
            add(match, Repetition(written, WEEKLY, 1, _expand_days(match["days"])))
    if not found:
        for match in ADVERB.finditer(masked):
            written = original[match.start() : match.end()].strip()
            add(match, _adverb(written, match["adv"], None))
            break
    return found


def merge(found: list[Found]) -> Repetition:
    """One repetition from the phrases found: "every monday and every friday" joins weekly
    days; "every week on monday" style doubles are the same. Raises Refused otherwise."""
    first = found[0].repetition
    if len(found) == 1:
        return first
    if all(f.repetition.kind == WEEKLY and f.repetition.interval == first.interval for f in found):
        days = sorted({d for f in found for d in f.repetition.weekdays})
        return replace(
            first, weekdays=tuple(days), written=" and ".join(f.repetition.written for f in found)
        )
    written = " and ".join(f"“{f.repetition.written}”" for f in found)
    raise Refused(
        f"I read {written} as two different repeats; Zoom takes one. "
        f"Keep one, like `/zoom review every other friday at 3pm`."
    )


def check_interval(repetition: Repetition) -> None:
    """Refuse intervals beyond Zoom's: 90 days, 12 weeks, 3 months."""
    limit = MAX_INTERVAL[repetition.kind]
    if repetition.interval < 1:
        raise _cannot(repetition.written, "the interval must be at least 1")
    if repetition.interval > limit:
        unit = {DAILY: "days", WEEKLY: "weeks"}.get(repetition.kind, "months")
        raise _cannot(repetition.written, f"Zoom repeats at most every {limit} {unit}")


def _week_start(day: date) -> date:
    # Zoom's weeks start on Sunday (weekly_days 1 = Sunday).
    return day - timedelta(days=(day.weekday() + 1) % 7)


def _nth_weekday(year: int, month: int, week: int, weekday: int) -> date | None:
    days = [
        date(year, month, d)
        for d in range(1, calendar.monthrange(year, month)[1] + 1)
        if date(year, month, d).weekday() == weekday
    ]
    if week == -1:
        return days[-1]
    return days[week - 1] if week <= len(days) else None


def _month_days(repetition: Repetition, year: int, month: int) -> date | None:
    """The day a monthly series meets in that month (None: no such weekday that month)."""
    if repetition.kind == MONTHLY_DAY:
        assert repetition.monthly_day is not None
        # Zoom (and bot/calendar.py, and the fake Zoom) put a day past a short month's
        # end on its last day: "monthly on the 31st" meets Apr 30 and Feb 28.
        last = calendar.monthrange(year, month)[1]
        return date(year, month, min(repetition.monthly_day, last))
    assert repetition.monthly_week is not None and repetition.monthly_weekday is not None
    return _nth_weekday(year, month, repetition.monthly_week, repetition.monthly_weekday)


def _add_months(year: int, month: int, count: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + count
    return index // 12, index % 12 + 1


def first_day(repetition: Repetition, start: date, is_ahead: Callable[[date], bool]) -> date:
    """The first day on or after `start` that matches and whose time is still ahead; for a
    monthly day, a month that has that day. `repetition` must be complete (weekdays /
    monthly_day filled in)."""
    if repetition.kind in (DAILY, WEEKLY):
        day = start
        for _ in range(400):
            if (repetition.kind == DAILY or day.weekday() in repetition.weekdays) and is_ahead(day):
                return day
            day += timedelta(days=1)
    else:
        year, month = start.year, start.month
        for _ in range(60):
            day_in_month = _month_days(repetition, year, month)
            # The first meeting is on the day named: "on the 31st" does not start on Sep 30,
            # though later months without a 31st meet on their last day.
            if (
                day_in_month is not None
                and (repetition.kind != MONTHLY_DAY or day_in_month.day == repetition.monthly_day)
                and day_in_month >= start
                and is_ahead(day_in_month)
            ):
                return day_in_month
            year, month = _add_months(year, month, 1)
    raise Refused(f"I could not find a first day for “{repetition.written}”.")  # pragma: no cover


def occurrences(repetition: Repetition, first: date) -> Iterator[date]:
    """The days a series starting on `first` meets, in order, as Zoom counts them."""
    if repetition.kind == DAILY:
        day = first
        while True:
            yield day
            day += timedelta(days=repetition.interval)
    elif repetition.kind == WEEKLY:
        base = _week_start(first)
        day = first
        while True:
            weeks = (_week_start(day) - base).days // 7
            if weeks % repetition.interval == 0 and day.weekday() in repetition.weekdays:
                yield day
            day += timedelta(days=1)
    else:
        count = 0
        while True:
            year, month = _add_months(first.year, first.month, count)
            day = _month_days(repetition, year, month)
            if day is not None and day >= first:
                yield day
            count += repetition.interval


def nth_occurrence(repetition: Repetition, first: date, n: int) -> date:
    """The day of the n-th meeting (1-based)."""
    for index, day in enumerate(occurrences(repetition, first), start=1):
        if index == n:
            return day
    raise AssertionError("unreachable")  # pragma: no cover


def count_through(repetition: Repetition, first: date, last: date) -> int:
    """How many meetings fall on days first..last, both included."""
    count = 0
    for day in occurrences(repetition, first):
        if day > last:
            return count
        count += 1
        if count > 10 * MAX_OCCURRENCES:
            return count
    return count  # pragma: no cover


def span_end(first: date, count: int, unit: str) -> date:
    """The last day of "for N weeks/days/months" starting on `first`."""
    if unit.startswith("day"):
        return first + timedelta(days=count - 1)
    if unit.startswith("week"):
        return first + timedelta(weeks=count) - timedelta(days=1)
    months = count * (12 if unit.startswith("year") else 1)
    year, month = _add_months(first.year, first.month, months)
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(first.day, last)) - timedelta(days=1)


def describe(repetition: Repetition) -> str:
    """The repeat for people: every Tuesday and Thursday, every 2 weeks on Friday, ..."""
    every = "every" if repetition.interval == 1 else f"every {repetition.interval}"
    if repetition.kind == DAILY:
        return "every day" if repetition.interval == 1 else f"{every} days"
    if repetition.kind == WEEKLY:
        names = [WEEKDAY_NAMES[d] for d in repetition.weekdays]
        days = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        return f"{every} week on {days}" if repetition.interval > 1 else f"every {days}"
    months = "month" if repetition.interval == 1 else f"{repetition.interval} months"
    if repetition.kind == MONTHLY_DAY:
        return f"every {months} on day {repetition.monthly_day}"
    week = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}[
        repetition.monthly_week or 1
    ]
    return f"the {week} {WEEKDAY_NAMES[repetition.monthly_weekday or 0]} of every {months}"


def zoom_fields(repetition: Repetition) -> dict[str, object]:
    """Zoom's recurrence fields except the end."""
    if repetition.kind == DAILY:
        return {"type": 1, "repeat_interval": repetition.interval}
    if repetition.kind == WEEKLY:
        days = ",".join(str(d) for d in sorted(zoom_weekday(w) for w in repetition.weekdays))
        return {"type": 2, "repeat_interval": repetition.interval, "weekly_days": days}
    if repetition.kind == MONTHLY_DAY:
        return {"type": 3, "repeat_interval": repetition.interval,
                "monthly_day": repetition.monthly_day}  # fmt: skip
    return {
        "type": 3,
        "repeat_interval": repetition.interval,
        "monthly_week": repetition.monthly_week,
        "monthly_week_day": zoom_weekday(repetition.monthly_weekday or 0),
    }

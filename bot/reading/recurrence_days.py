"""The arithmetic of Zoom's recurrence: the first day a `Repetition` falls on, its
occurrences, the n-th one, how many fall up to a date, and where a span ends.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterator
from datetime import date, timedelta

from bot.reading.repetition import DAILY, MAX_OCCURRENCES, MONTHLY_DAY, WEEKLY, Repetition
from bot.reading.results import Refused


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

"""The repetition grammar and Zoom's recurrence arithmetic."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.reading import Reading, Refusal, read_request
from bot.reading import recurrence as rec
from bot.reading import recurrence_days as days_of
from bot.reading import repetition as rep
from bot.reading.results import Refused
from bot.render.calendar import next_occurrences
from zoom.models import Recurrence


def repetition_in(text: str) -> rep.Repetition:
    found = rec.find_repetition(text.lower(), text)
    assert found, text
    return rec.merge(found)


@pytest.mark.parametrize(
    ("text", "kind", "interval", "weekdays"),
    [
        ("every day", rep.DAILY, 1, ()),
        ("every other day", rep.DAILY, 2, ()),
        ("every 3 days", rep.DAILY, 3, ()),
        ("daily", rep.DAILY, 1, ()),
        ("every weekday", rep.WEEKLY, 1, (0, 1, 2, 3, 4)),
        ("every weekend", rep.WEEKLY, 1, (5, 6)),
        ("every monday", rep.WEEKLY, 1, (0,)),
        ("every monday and wednesday", rep.WEEKLY, 1, (0, 2)),
        ("every mon, wed and fri", rep.WEEKLY, 1, (0, 2, 4)),
        ("every tue/thu", rep.WEEKLY, 1, (1, 3)),
        ("every mon-fri", rep.WEEKLY, 1, (0, 1, 2, 3, 4)),
        ("every other tuesday", rep.WEEKLY, 2, (1,)),
        ("every 3rd friday", rep.MONTHLY_WEEK, 1, ()),
        ("every 2 weeks on monday", rep.WEEKLY, 2, (0,)),
        ("weekly on thursday", rep.WEEKLY, 1, (3,)),
        ("biweekly on friday", rep.WEEKLY, 2, (4,)),
        ("fortnightly on friday", rep.WEEKLY, 2, (4,)),
        ("mondays and thursdays", rep.WEEKLY, 1, (0, 3)),
        ("every monday and every friday", rep.WEEKLY, 1, (0, 4)),
        ("every week", rep.WEEKLY, 1, ()),
        ("every month", rep.MONTHLY_DAY, 1, ()),
    ],
)
def test_kinds(text: str, kind: str, interval: int, weekdays: tuple[int, ...]) -> None:
    repetition = repetition_in(text)
    assert (repetition.kind, repetition.interval, repetition.weekdays) == (
        kind,
        interval,
        weekdays,
    )


@pytest.mark.parametrize(
    ("text", "day", "week", "weekday", "interval"),
    [
        ("monthly on the 1st", 1, None, None, 1),
        ("every month on the 15th", 15, None, None, 1),
        ("the 15th of every month", 15, None, None, 1),
        ("on the 3rd of every other month", 3, None, None, 2),
        ("first friday of every month", None, 1, 4, 1),
        ("second tuesday of the month", None, 2, 1, 1),
        ("the third thursday of each month", None, 3, 3, 1),
        ("fourth monday of every month", None, 4, 0, 1),
        ("last wednesday of the month", None, -1, 2, 1),
        ("monthly on the last friday", None, -1, 4, 1),
        ("quarterly on the 1st", 1, None, None, 3),
    ],
)
def test_monthly(text: str, day, week, weekday, interval: int) -> None:
    repetition = repetition_in(text)
    assert repetition.monthly_day == day
    assert repetition.monthly_week == week
    assert repetition.monthly_weekday == weekday
    assert repetition.interval == interval


@pytest.mark.parametrize(
    "text",
    ["every year", "annually", "every hour", "every 30 minutes", "fifth friday of every month"],
)
def test_repeats_zoom_cannot_express(text: str) -> None:
    with pytest.raises(Refused):
        rec.merge(rec.find_repetition(text, text))


@pytest.mark.parametrize(
    ("text", "ok"),
    [("every 90 days", True), ("every 91 days", False), ("every 12 weeks on monday", True),
     ("every 13 weeks on monday", False), ("every 3 months on the 1st", True),
     ("every 4 months on the 1st", False)],
)  # fmt: skip
def test_interval_limits(text: str, ok: bool) -> None:
    repetition = repetition_in(text)
    if ok:
        rep.check_interval(repetition)
    else:
        with pytest.raises(Refused):
            rep.check_interval(repetition)


def test_two_different_repeats_are_refused() -> None:
    with pytest.raises(Refused):
        rec.merge(rec.find_repetition("every day and monthly on the 1st", "x" * 40))


def test_every_other_week_counts_weeks_from_the_first_meeting() -> None:
    repetition = rep.Repetition("x", rep.WEEKLY, 2, (1, 3))  # tue, thu
    days = list(zip(range(6), days_of.occurrences(repetition, date(2025, 9, 11)), strict=False))
    assert [d for _, d in days] == [
        date(2025, 9, 11), date(2025, 9, 23), date(2025, 9, 25),
        date(2025, 10, 7), date(2025, 10, 9), date(2025, 10, 21),
    ]  # fmt: skip


def test_monthly_on_the_31st_meets_on_short_months_last_day() -> None:
    repetition = rep.Repetition("x", rep.MONTHLY_DAY, 1, monthly_day=31)
    assert days_of.nth_occurrence(repetition, date(2025, 10, 31), 2) == date(2025, 11, 30)
    assert days_of.nth_occurrence(repetition, date(2025, 10, 31), 5) == date(2026, 2, 28)


@pytest.mark.parametrize("day", [28, 29, 30, 31])
@pytest.mark.parametrize("interval", [1, 2, 3])
def test_monthly_days_count_as_bot_calendar_does(day: int, interval: int) -> None:
    """The reader's "50 occurrences, until ..." must name the day bot/render/calendar.py and the
    fake Zoom give the 50th meeting."""
    repetition = rep.Repetition("x", rep.MONTHLY_DAY, interval, monthly_day=day)
    first = days_of.first_day(repetition, date(2027, 12, 20), lambda _day: True)
    recurrence = Recurrence(type=3, repeat_interval=interval, monthly_day=day, end_times=50)
    start = datetime(first.year, first.month, first.day, 9, tzinfo=ZoneInfo("Europe/Berlin"))
    theirs = [m.date() for m in next_occurrences(recurrence, start, "Europe/Berlin", 50)]
    ours = [days_of.nth_occurrence(repetition, first, n) for n in range(1, 51)]
    # bot/render/calendar.py looks about 12 years ahead, short of 50 meetings every 3 months.
    assert len(theirs) >= 48
    assert ours[: len(theirs)] == theirs


def test_last_weekday_of_month() -> None:
    repetition = rep.Repetition("x", rep.MONTHLY_WEEK, 1, monthly_week=-1, monthly_weekday=4)
    assert days_of.nth_occurrence(repetition, date(2026, 1, 30), 2) == date(2026, 2, 27)


def test_no_end_gives_fifty_and_says_until_when() -> None:
    result = read_request(
        "standup every weekday at 9am", "America/Denver", datetime(2025, 9, 9, 11)
    )
    assert isinstance(result, Reading)
    assert result.request.recurrence is not None
    assert result.request.recurrence.end_times == 50
    assert result.request.recurrence.end_date_time is None
    # 50 weekdays from Wed Sep 10, 2025: 10 weeks = Nov 18 (Tue).
    assert "no end given: 50 occurrences, until Nov 18, 2025" in result.guesses


def test_until_is_the_end_of_that_local_day_in_utc() -> None:
    result = read_request(
        "office hours every monday at 4pm until Nov 3", "America/Denver", datetime(2025, 9, 9, 11)
    )
    assert isinstance(result, Reading)
    recurrence = result.request.recurrence
    assert recurrence is not None and recurrence.end_times is None
    # Nov 3 is after the fall-back: 23:59:59 MST is 06:59:59Z on Nov 4.
    assert recurrence.end_date_time == "2025-11-04T06:59:59Z"
    end = datetime.fromisoformat(recurrence.end_date_time.replace("Z", "+00:00"))
    assert end.astimezone(ZoneInfo("America/Denver")).date() == date(2025, 11, 3)


def test_until_before_the_first_meeting_is_refused() -> None:
    result = read_request(
        "check-in every monday at 10am until 2025-09-12", "America/Denver",
        datetime(2025, 9, 9, 11),
    )  # fmt: skip
    assert isinstance(result, Refusal)
    assert "first meeting" in result.message


def test_two_ends_are_refused() -> None:
    result = read_request(
        "sync every monday at 10am until Dec 1 for 4 weeks", "UTC", datetime(2025, 9, 9, 11)
    )
    assert isinstance(result, Refusal)


def test_recurrence_json_is_what_zoom_takes() -> None:
    result = read_request(
        "Town hall first friday of every month at 10am for 3 months",
        "America/Denver",
        datetime(2025, 9, 9, 11),
    )
    assert isinstance(result, Reading)
    assert result.request.to_json()["recurrence"] == {
        "type": 3, "repeat_interval": 1, "monthly_week": 1, "monthly_week_day": 6,
        "end_times": 3,
    }  # fmt: skip

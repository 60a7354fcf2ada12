"""`Repetition`: what repeats, in Zoom's terms, with its limits and its Zoom fields.

Zoom repeats daily (every 1-90 days), weekly (every 1-12 weeks, on some weekdays) or
monthly (every 1-3 months, on a day number or on the first..fourth or last weekday), and
ends after a number of meetings (at most 50 here, as the phrase conventions fix) or on a
date, never both.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.reading.results import Refused
from bot.reading.vocabulary import (
    WEEKDAY_NAMES,
    zoom_weekday,
)

DAILY, WEEKLY, MONTHLY_DAY, MONTHLY_WEEK = "daily", "weekly", "monthly day", "monthly week"
MAX_INTERVAL = {DAILY: 90, WEEKLY: 12, MONTHLY_DAY: 3, MONTHLY_WEEK: 3}
MAX_OCCURRENCES = 50
WEEKDAYS_MON_FRI = (0, 1, 2, 3, 4)


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
    # Read from days alone, without "every"/"weekly" ("mon-fri", "tue/thu", "weekdays"):
    # the reply says a series was read.
    implied: bool = False


def cannot(written: str, why: str) -> Refused:
    return Refused(
        f"I read “{written}” as a repeat, but {why}. Zoom repeats daily, weekly (on chosen "
        f"weekdays) or monthly, like `/zoom standup every weekday at 9:30`."
    )


def check_interval(repetition: Repetition) -> None:
    """Refuse intervals beyond Zoom's: 90 days, 12 weeks, 3 months."""
    limit = MAX_INTERVAL[repetition.kind]
    if repetition.interval < 1:
        raise cannot(repetition.written, "the interval must be at least 1")
    if repetition.interval > limit:
        unit = {DAILY: "days", WEEKLY: "weeks"}.get(repetition.kind, "months")
        raise cannot(repetition.written, f"Zoom repeats at most every {limit} {unit}")


def describe(repetition: Repetition) -> str:
    """The repeat for people: every Tuesday and Thursday, every 2 weeks on Friday, ..."""
    every = "every" if repetition.interval == 1 else f"every {repetition.interval}"
    if repetition.kind == DAILY:
        return "every day" if repetition.interval == 1 else f"{every} days"
    if repetition.kind == WEEKLY:
        names = [WEEKDAY_NAMES[d] for d in repetition.weekdays]
        days = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        return f"{every} weeks on {days}" if repetition.interval > 1 else f"every {days}"
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

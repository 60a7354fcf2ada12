"""Everyone's own time for one meeting: who sees it when, and whether it is in their hours."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.slots.hours import Person, WorkingHours, zone_label


@dataclass(frozen=True)
class LocalTime:
    """One person's view of a meeting: `start` and `end` as aware datetimes in their zone,
    `inside` true when the whole meeting lies within their working hours on one of their
    working days, and `place` a short zone label ("London")."""

    person: Person
    start: datetime
    end: datetime
    inside: bool
    place: str


def check_meeting(start: datetime, duration: timedelta) -> None:
    """Raise ValueError unless `start` is aware and `duration` is positive."""
    if start.tzinfo is None or start.utcoffset() is None:
        raise ValueError("The meeting start must be an aware datetime (with a time zone).")
    if duration <= timedelta(0):
        raise ValueError("The meeting must last longer than zero minutes.")


def day_bounds(hours: WorkingHours, day: date) -> tuple[float, float]:
    """The working hours of local date `day` as UTC timestamps [start, end), whether or not
    `day` is a working day. A wall-clock time skipped by a daylight-saving change is read
    as zoneinfo does (fold=0: with the offset in force before the change)."""
    tz = hours.tzinfo
    return (
        datetime.combine(day, hours.start, tzinfo=tz).timestamp(),
        datetime.combine(day, hours.end, tzinfo=tz).timestamp(),
    )


def fits(hours: WorkingHours, start: datetime, duration: timedelta) -> bool:
    """True when [start, start + duration) lies within `hours` on one working day."""
    local = start.astimezone(hours.tzinfo)
    day = local.date()
    if day.weekday() not in hours.weekdays:
        return False
    begin, end = day_bounds(hours, day)
    s = start.timestamp()
    return begin <= s and s + duration.total_seconds() <= end


def local_times(start: datetime, duration: timedelta, people: list[Person]) -> list[LocalTime]:
    """Each person's local start and end for a meeting at `start` (aware) lasting
    `duration`, in the order of `people`. Raises ValueError for a naive start or a
    duration that is not positive."""
    check_meeting(start, duration)
    end = start + duration
    return [
        LocalTime(
            person=p,
            start=start.astimezone(p.hours.tzinfo),
            end=end.astimezone(p.hours.tzinfo),
            inside=fits(p.hours, start, duration),
            place=zone_label(p.zone),
        )
        for p in people
    ]


def outside_hours(start: datetime, duration: timedelta, people: list[Person]) -> list[Person]:
    """The people (in their given order) for whom the meeting is not wholly inside their
    working hours."""
    return [t.person for t in local_times(start, duration, people) if not t.inside]


def clock(t: time | datetime) -> str:
    """12-hour clock as Slack users read it: "3:00 PM", "12:30 AM"."""
    hour12 = t.hour % 12 or 12
    return f"{hour12}:{t.minute:02d} {'AM' if t.hour < 12 else 'PM'}"


def _day_word(days: int) -> str:
    if days == 1:
        return " next day"
    if days == -1:
        return " previous day"
    if days > 1:
        return f" {days} days later"
    return f" {-days} days earlier"


def describe(times: list[LocalTime], viewer_label: str = "you") -> str:
    """One line for the requester, the first entry being theirs:
    "3:00 PM for you · 8:00 PM for Ana (London) · 5:00 AM next day for Kenji (Tokyo) —
    outside working hours". Others' times say "next day"/"previous day" when their local
    date differs from the viewer's; everyone outside their hours (the viewer too) gets
    " — outside working hours". Plain text: the Slack layer escapes it. Empty list → ""."""
    if not times:
        return ""
    viewer_day = times[0].start.date()
    parts = []
    for i, t in enumerate(times):
        if i == 0:
            part = f"{clock(t.start)} for {viewer_label}"
        else:
            shift = (t.start.date() - viewer_day).days
            day = _day_word(shift) if shift else ""
            part = f"{clock(t.start)}{day} for {t.person.label} ({t.place})"
        if not t.inside:
            part += " — outside working hours"
        parts.append(part)
    return " · ".join(parts)

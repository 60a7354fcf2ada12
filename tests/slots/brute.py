"""A slow, obvious slot finder for checking bot.slots.find_slots: step the 15-minute UTC
grid across the window and test every person's wall clock at each step."""

from __future__ import annotations

import math
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.slots import Person, WorkingHours


def inside_by_wall_clock(hours: WorkingHours, start: datetime, duration: timedelta) -> bool:
    tz = ZoneInfo(hours.zone)
    ls = start.astimezone(tz)
    le = (start + duration).astimezone(tz)
    return (
        ls.date() == le.date()
        and ls.weekday() in hours.weekdays
        and ls.time() >= hours.start
        and le.time() <= hours.end
    )


def brute_slots(
    start: datetime,
    duration: timedelta,
    people: list[Person],
    *,
    not_before: datetime,
    count: int = 3,
    step: timedelta = timedelta(minutes=15),
    horizon_days: int = 5,
) -> list[datetime]:
    req = people[0].hours
    tz = ZoneInfo(req.zone)
    day = max(start, not_before).astimezone(tz).date()
    seen = 0
    while True:
        if day.weekday() in req.weekdays:
            seen += 1
            if seen == horizon_days:
                break
        day += timedelta(days=1)
    upper = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz).timestamp()
    step_s = int(step.total_seconds())
    g = math.ceil(not_before.timestamp() / step_s) * step_s
    found = []
    while g < upper:
        moment = datetime.fromtimestamp(g, tz=UTC)
        if all(inside_by_wall_clock(p.hours, moment, duration) for p in people):
            found.append(g)
        g += step_s
    target = start.timestamp()
    found.sort(key=lambda s: (abs(s - target), s))
    return [datetime.fromtimestamp(s, tz=UTC) for s in found[:count]]

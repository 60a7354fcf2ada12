"""Finding a time that fits everyone's working hours.

Each person's working days become intervals of allowed *start* times in UTC seconds
([day start, day end − duration]); the intervals are intersected across people and the
grid points nearest the requested start are read off the few intervals left. The cost
grows with people × days in the window, not with the number of 15-minute steps.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, time, timedelta
from itertools import combinations

from bot.slots.hours import Person, WorkingHours
from bot.slots.local import check_meeting, clock, day_bounds

Interval = tuple[int, int]  # closed [first, last] allowed start, UTC seconds

STEP = timedelta(minutes=15)
HORIZON_DAYS = 5


def find_slots(
    start: datetime,
    duration: timedelta,
    people: list[Person],
    *,
    not_before: datetime,
    count: int = 3,
    step: timedelta = STEP,
    horizon_days: int = HORIZON_DAYS,
) -> list[datetime]:
    """The `count` start times nearest to `start` (before or after it) at which the whole
    meeting [s, s + duration) lies inside every person's working hours on one of their
    working days, each computed in that person's own zone.

    - Candidates are multiples of `step` since the Unix epoch (a 15-minute UTC grid is
      also a 15-minute grid in every zone in use, Kolkata and Kathmandu included).
    - Never before `not_before` (the caller's "now"); never after the end of the
      requester's (`people[0]`) `horizon_days`-th working day, counting from the local
      date of the later of `start` and `not_before` (that date counts if it is a working day).
    - Sorted by distance from `start`, ties earlier first; returned in `start`'s zone.
    - Empty when nothing fits (see `explain_no_slots`); `start` itself is included if it fits.
    Raises ValueError for a naive `start`/`not_before`, a duration or step that is not
    positive (or not whole seconds), no people, or `horizon_days` < 1.
    """
    step_s = _check(start, duration, people, not_before, step, horizon_days)
    if count <= 0:
        return []
    lower, upper = window(start, people[0].hours, not_before, horizon_days)
    free = _common(duration, [p.hours for p in people], lower, upper)
    chosen = _nearest(free, start.timestamp(), step_s, count)
    tz = start.tzinfo
    return [datetime.fromtimestamp(s, tz=UTC).astimezone(tz) for s in chosen]


def explain_no_slots(
    start: datetime,
    duration: timedelta,
    people: list[Person],
    *,
    not_before: datetime,
    step: timedelta = STEP,
    horizon_days: int = HORIZON_DAYS,
    viewer_label: str = "you",
) -> str | None:
    """One sentence saying why `find_slots` (same arguments) finds nothing, naming the
    smallest cause found: a meeting longer than someone's working day, then two people
    whose hours never share a long enough stretch, then the whole group. None when a slot
    exists. `people[0]` is the requester, named `viewer_label`."""
    step_s = _check(start, duration, people, not_before, step, horizon_days)
    lower, upper = window(start, people[0].hours, not_before, horizon_days)
    hours = [p.hours for p in people]
    if _nearest(_common(duration, hours, lower, upper), start.timestamp(), step_s, 1):
        return None

    def name(i: int) -> str:
        return viewer_label if i == 0 else f"{people[i].label} ({people[i].hours.zone_place})"

    length = _length(duration)
    days = f"the next {horizon_days} working day{'s' if horizon_days != 1 else ''}"
    for i, h in enumerate(hours):
        if duration > timedelta(minutes=h.minutes):
            label = viewer_label if i == 0 else people[i].label
            whose = "your" if label == "you" else f"{label}'s"
            place = f" {h.zone_place}" if i else ""
            return _sentence(
                f"a {length} meeting is longer than {whose} working day "
                f"({clock(h.start)}–{clock(h.end)}{place})"
            )
    each = [allowed_starts(h, duration, lower, upper) for h in hours]
    for i, j in combinations(range(len(people)), 2):
        pair = _intersect(each[i], each[j])
        if not _nearest(pair, start.timestamp(), step_s, 1):
            return _sentence(
                f"{name(i)} and {name(j)} have no {length} stretch of working hours "
                f"in common in {days}"
            )
    names = [name(i) for i in range(len(people))]
    group = ", ".join(names[:-1]) + " and " + names[-1]
    return _sentence(f"{group} have no {length} stretch of working hours in common in {days}")


def window(
    start: datetime, requester: WorkingHours, not_before: datetime, horizon_days: int
) -> tuple[int, int]:
    """The search window as UTC seconds [lower, upper): from `not_before` to the local
    midnight ending the requester's `horizon_days`-th working day (see `find_slots`)."""
    tz = requester.tzinfo
    day = max(start, not_before).astimezone(tz).date()
    counted = 0
    while True:
        if day.weekday() in requester.weekdays:
            counted += 1
            if counted == horizon_days:
                break
        day += timedelta(days=1)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
    return math.ceil(not_before.timestamp()), int(end.timestamp())


def allowed_starts(
    hours: WorkingHours, duration: timedelta, lower: int, upper: int
) -> list[Interval]:
    """Sorted, disjoint closed intervals of UTC seconds s in [lower, upper) at which a
    meeting of `duration` lies within `hours` on one working day."""
    tz = hours.tzinfo
    need = math.ceil(duration.total_seconds())
    first = datetime.fromtimestamp(lower, tz=UTC).astimezone(tz).date() - timedelta(days=1)
    last = datetime.fromtimestamp(upper, tz=UTC).astimezone(tz).date()
    out: list[Interval] = []
    day = first
    while day <= last:
        if day.weekday() in hours.weekdays:
            begin, end = day_bounds(hours, day)
            a = max(int(begin), lower)
            b = min(int(end) - need, upper - 1)
            if a <= b:
                out.append((a, b))
        day += timedelta(days=1)
    return out


def _common(
    duration: timedelta, everyone: list[WorkingHours], lower: int, upper: int
) -> list[Interval]:
    free = allowed_starts(everyone[0], duration, lower, upper)
    for hours in everyone[1:]:
        if not free:
            break
        free = _intersect(free, allowed_starts(hours, duration, lower, upper))
    return free


def _intersect(xs: list[Interval], ys: list[Interval]) -> list[Interval]:
    out: list[Interval] = []
    i = j = 0
    while i < len(xs) and j < len(ys):
        a = max(xs[i][0], ys[j][0])
        b = min(xs[i][1], ys[j][1])
        if a <= b:
            out.append((a, b))
        if xs[i][1] < ys[j][1]:
            i += 1
        else:
            j += 1
    return out


def _nearest(free: list[Interval], target: float, step: int, count: int) -> list[int]:
    candidates: list[int] = []
    for a, b in free:
        ga = -(-a // step) * step
        gb = b // step * step
        if ga > gb:
            continue
        below = min(gb, max(ga - step, int(target // step) * step))
        # Up to `count` grid points on each side of the target, within [ga, gb].
        down = range(below, max(ga, below - (count - 1) * step) - 1, -step)
        up = range(max(ga, below + step), min(gb, below + count * step) + 1, step)
        candidates.extend(down)
        candidates.extend(up)
    candidates.sort(key=lambda s: (abs(s - target), s))
    return candidates[:count]


def _check(
    start: datetime,
    duration: timedelta,
    people: list[Person],
    not_before: datetime,
    step: timedelta,
    horizon_days: int,
) -> int:
    check_meeting(start, duration)
    if not_before.tzinfo is None or not_before.utcoffset() is None:
        raise ValueError("not_before must be an aware datetime (with a time zone).")
    if not people:
        raise ValueError("Finding a time needs at least one person (the requester first).")
    step_s = step.total_seconds()
    if step_s <= 0 or step_s != int(step_s):
        raise ValueError("The step must be a positive whole number of seconds.")
    if horizon_days < 1:
        raise ValueError("The horizon must be at least one working day.")
    return int(step_s)


def _length(duration: timedelta) -> str:
    minutes = math.ceil(duration.total_seconds() / 60)
    if minutes % 60 == 0:
        return f"{minutes // 60}-hour"
    return f"{minutes}-minute"


def _sentence(text: str) -> str:
    return text[0].upper() + text[1:] + "."

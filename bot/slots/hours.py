"""Whose hours: a person's working hours in their own zone.

`WorkingHours` is validated on construction (a known IANA zone, start before end on the same
local day, at least one weekday), so the rest of `bot.slots` may trust it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MONDAY_TO_FRIDAY = frozenset(range(5))
WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class WorkingHours:
    """Working hours: [start, end) local wall-clock time on each of `weekdays` (0 = Monday),
    in the IANA zone `zone`. Defaults: 09:00–18:00, Monday to Friday.

    A day across a daylight-saving change is still start–end local time. Overnight shifts
    (end before start) are refused: a working day lies within one local date.
    Raises ValueError for an unknown zone, start not before end, or no/invalid weekdays.
    """

    zone: str
    start: time = time(9)
    end: time = time(18)
    weekdays: frozenset[int] = MONDAY_TO_FRIDAY

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.zone)
        except (ZoneInfoNotFoundError, ValueError, TypeError) as e:
            raise ValueError(f"Unknown time zone {self.zone!r}.") from e
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("Working hours are local wall-clock times, without a zone.")
        if not self.start < self.end:
            raise ValueError(
                f"Working hours must start before they end on the same day "
                f"({self.start:%H:%M}–{self.end:%H:%M})."
            )
        weekdays = frozenset(self.weekdays)
        if not weekdays or not weekdays <= frozenset(range(7)):
            raise ValueError("Working weekdays must be a non-empty set of 0 (Mon) to 6 (Sun).")
        object.__setattr__(self, "weekdays", weekdays)

    @property
    def tzinfo(self) -> ZoneInfo:
        """The zone as a tzinfo (zoneinfo caches instances, so this is cheap)."""
        return ZoneInfo(self.zone)

    @property
    def zone_place(self) -> str:
        """A short place name for the zone ("London")."""
        return zone_label(self.zone)

    @property
    def minutes(self) -> int:
        """The length of a working day in wall-clock minutes."""
        return (self.end.hour * 60 + self.end.minute) - (self.start.hour * 60 + self.start.minute)


@dataclass(frozen=True)
class Person:
    """Someone named in a request. `label` is what the requester sees ("Ana"); `zone` is
    the IANA zone from their Slack profile; `hours` default to 09:00–18:00 Mon–Fri there.

    Raises ValueError if `hours` are given for a different zone than `zone`.
    """

    label: str
    zone: str
    hours: WorkingHours = None  # type: ignore[assignment]  # None: defaults, set below

    def __post_init__(self) -> None:
        if self.hours is None:
            object.__setattr__(self, "hours", WorkingHours(self.zone))
        elif self.hours.zone != self.zone:
            raise ValueError(
                f"{self.label}'s working hours are in {self.hours.zone}, not {self.zone}."
            )


def zone_label(zone: str) -> str:
    """A short place name for an IANA zone: "Europe/London" → "London",
    "America/Argentina/Buenos_Aires" → "Buenos Aires", "UTC" → "UTC"."""
    return zone.rsplit("/", 1)[-1].replace("_", " ")

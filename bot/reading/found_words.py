"""`TimeWords`: everything time-like the finders found in `/zoom` text, as written (nothing
resolved yet); `claim` marks a match read in the `Scan`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.reading import zones
from bot.reading.clock import WrittenTime
from bot.reading.dates import WrittenDate
from bot.reading.recurrence import Found
from bot.reading.scan import OTHER, Scan


@dataclass
class TimeWords:
    """Everything time-like found in the text, as written (nothing resolved yet)."""

    zone: str | None = None
    zone_written: str | None = None
    zone_offset: timedelta | None = None  # set for "UTC+2": a fixed offset, not a region
    repetitions: list[Found] = field(default_factory=list)
    end_count: int | None = None
    end_span: tuple[int, str] | None = None
    end_written: str | None = None
    until: WrittenDate | None = None
    until_month: int | None = None
    relative_minutes: int | None = None
    relative_written: str | None = None
    relative_unitless: bool = False  # "in 30": a bare number read as minutes
    dates: list[WrittenDate] = field(default_factory=list)
    times: list[WrittenTime] = field(default_factory=list)
    range_end: WrittenTime | None = None
    durations: list[tuple[int, str, bool]] = field(default_factory=list)
    part_of_day: str | None = None
    approximate: str | None = None  # "3ish", "around 3", "at about 4:30", as written
    instant: bool = False
    user_zone: str | None = None
    user_now: datetime | None = None

    def zone_named(self, abbreviation: str) -> str:
        """The IANA zone an abbreviation names for this user: their own zone when it is
        what their zone is called now, else the region the conventions map it to."""
        if self.user_zone is not None and self.user_now is not None:
            try:
                own = zones.load(self.user_zone)
            except KeyError:
                own = None
            if own is not None and self.user_now.replace(tzinfo=own).tzname() == (
                abbreviation.upper()
            ):
                return self.user_zone
        return zones.zone_of(abbreviation)


def claim(scan: Scan, match: re.Match[str], kind: str = OTHER) -> str:
    scan.claim(match.start(), match.end(), kind)
    return scan.original(match.start(), match.end())

"""Everyone's own time, and finding a time that fits everyone's working hours.

    from bot.slots import (WorkingHours, Person, LocalTime, local_times, outside_hours,
                           describe, find_slots, explain_no_slots)

Pure: aware datetimes and IANA zone names in, no clock read and no I/O. `people[0]` is
always the requester (whose working days set the search horizon and who reads `describe`).
"""

from __future__ import annotations

from bot.slots.finder import explain_no_slots, find_slots
from bot.slots.hours import Person, WorkingHours, zone_label
from bot.slots.local import LocalTime, describe, local_times, outside_hours

__all__ = [
    "LocalTime",
    "Person",
    "WorkingHours",
    "describe",
    "explain_no_slots",
    "find_slots",
    "local_times",
    "outside_hours",
    "zone_label",
]

"""Times of day as written ("3pm", "9:30", "at 4", "noon", "14:00") and how an hour
without am/pm is read: 1-6 afternoon, 7-11 morning, 12 noon, or evening after "tonight"."""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.reading.results import Refused


@dataclass(frozen=True)
class WrittenTime:
    """A time of day as the text gave it, before the hour convention is applied."""

    written: str
    hour: int
    minute: int = 0
    meridiem: str | None = None  # "am" or "pm"
    twenty_four: bool = False  # "14:00", "09:00", "0:30": taken as written
    special: str | None = None  # "noon" or "midnight"
    offset: int = 0  # minutes from the hour named: "quarter to 5" is 5 with -15


@dataclass(frozen=True)
class ClockTime:
    """A resolved time of day. `next_day` is set for "tonight at 12" (midnight)."""

    hour: int
    minute: int
    guess: str | None = None
    next_day: bool = False


def label(hour: int, minute: int) -> str:
    """12-hour label for people: (15, 0) -> "3 PM", (9, 30) -> "9:30 AM", (0, 0) -> "12 AM"."""
    suffix = "AM" if hour < 12 else "PM"
    shown = hour % 12 or 12
    return f"{shown}:{minute:02d} {suffix}" if minute else f"{shown} {suffix}"


def written_time(written: str, hour: str, minute: str | None, meridiem: str | None) -> WrittenTime:
    """Build a WrittenTime from the pieces of a matched time ("09", "30", "p.m.")."""
    mer = None
    if meridiem:
        mer = "am" if meridiem.lower().startswith("a") else "pm"
    h = int(hour)
    twenty_four = mer is None and minute is not None and (h > 12 or hour.startswith("0"))
    twenty_four = twenty_four or (mer is None and h > 12)
    return WrittenTime(written, h, int(minute) if minute else 0, mer, twenty_four)


def resolve(time: WrittenTime, part_of_day: str | None = None) -> ClockTime:
    """The 24-hour time meant. Raises Refused for impossible times ("13:75", "25:00",
    "13pm"). `part_of_day` is "morning", "afternoon" or "evening" when the text said so.
    An `offset` ("half past 3", "quarter to noon") moves the hour as the convention reads it."""
    if time.offset:
        base = resolve(replace(time, offset=0), part_of_day)
        total = (base.hour * 60 + base.minute + time.offset) % (24 * 60)
        hour, minute = divmod(total, 60)
        guess = f"read {time.written} as {label(hour, minute)}"
        return ClockTime(hour, minute, guess, base.next_day and total >= base.hour * 60)
    shown = f"“{time.written}”"
    if time.special == "noon":
        return ClockTime(12, 0)
    if time.special == "midnight":
        if part_of_day == "evening":  # "tonight at midnight" ends tonight: the next day's 0:00
            return ClockTime(0, 0, "read midnight tonight as 12 AM the next day", next_day=True)
        return ClockTime(0, 0, "read midnight as 12 AM, the start of that day")
    if time.minute > 59:
        raise Refused(
            f"I read {shown} as a time, but {time.minute} is not a minute (0–59). "
            f"Write a time like `3:45pm` or `15:45`."
        )
    if time.meridiem:
        if not 1 <= time.hour <= 12:
            raise Refused(
                f"I read {shown} as a time, but with am/pm the hour runs 1–12. "
                f"Write `{time.hour % 12 or 12}{time.meridiem}` or a 24-hour time like `15:00`."
                if time.hour <= 23
                else f"I read {shown} as a time, but there is no hour {time.hour}. "
                f"Write a time like `3pm` or `15:00`."
            )
        hour = time.hour % 12 + (12 if time.meridiem == "pm" else 0)
        return ClockTime(hour, time.minute)
    if time.twenty_four or time.hour == 0:
        if time.hour > 23:
            raise Refused(
                f"I read {shown} as a time, but a day's hours run 0–23. "
                f"Write a time like `23:30` or `11:30pm`."
            )
        return ClockTime(time.hour, time.minute)
    if time.hour > 12:  # pragma: no cover - twenty_four covers it
        raise Refused(f"I read {shown} as a time but could not place it. Write `3pm` or `15:00`.")
    hour = time.hour
    if part_of_day in ("evening", "afternoon"):
        if hour == 12 and part_of_day == "evening":
            return ClockTime(0, time.minute, "read 12 tonight as midnight", next_day=True)
        hour = hour % 12 + 12 if hour != 12 else 12
    elif part_of_day == "morning":
        hour = hour % 12
    elif 1 <= hour <= 6:
        hour += 12
    # 7-11 stay morning, 12 is noon.
    guess = f"read {time.written.strip()} as {label(hour, time.minute)}"
    return ClockTime(hour, time.minute, guess)

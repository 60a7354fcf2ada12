"""How long the meeting is: a written length ("for 45 min"), a range's end ("9-10:30am"),
or the default; checked against what Zoom schedules in one piece.
"""

from __future__ import annotations

from dataclasses import replace

from bot.reading.clock import ClockTime, WrittenTime, resolve
from bot.reading.durations import describe
from bot.reading.results import Refused
from bot.reading.time_words import TimeWords

MAX_DURATION = 24 * 60  # minutes; longer is not a meeting Zoom schedules in one piece


def meeting_length(words: TimeWords, default: int, guesses: list[str]) -> int:
    if len(words.durations) > 1:
        shown = " and ".join(f"“{d[1]}”" for d in words.durations[:2])
        raise Refused(f"I read two lengths, {shown}. Keep one, like `for 45 min`.")
    if words.durations and words.range_end is not None:
        raise Refused(
            f"I read a time range and also a length, “{words.durations[0][1]}”. "
            f"Keep one, like `/zoom 2-3pm Review` or `/zoom 2pm Review for 1 hour`."
        )
    if not words.durations:
        if words.range_end is None:
            guesses.append(f"no length given: {describe(default)}")
        return default
    minutes, written, _clock = words.durations[0]
    _check_length(minutes, written)
    if written.lower().startswith("for") and written[3:].strip().isdigit():
        guesses.append(f"no unit after {minutes}: read as {describe(minutes)}")
    return minutes


def _check_length(minutes: int, written: str) -> None:
    if minutes < 1:
        raise Refused(
            f"I read “{written}” as a length, but a meeting lasts at least a minute. "
            f"Write a length like `for 45 min`."
        )
    if minutes > 100 * MAX_DURATION:
        raise Refused(
            f"I read “{written}” as a length, far more than the 24 hours a Zoom meeting can "
            f"be scheduled for. Write a length like `for 45 min` or `for 2 hours`."
        )
    if minutes > MAX_DURATION:
        raise Refused(
            f"I read “{written}” as a length of {describe(minutes)}, but a Zoom meeting can "
            f"be scheduled for at most 24 hours. Shorten it, or make it repeat daily."
        )


def range_length(start_written: WrittenTime, start: ClockTime, end_written: WrittenTime) -> int:
    """Minutes from a range's start to its end. am/pm written on one side carries to the
    other when that gives a sensible order ("10-11am", "12:30-1:15pm", "11-1pm")."""
    begin = start.hour * 60 + start.minute
    if end_written.meridiem is None and not end_written.twenty_four and end_written.hour <= 12:
        candidates = [end_written.hour % 12 * 60, (end_written.hour % 12 + 12) * 60]
        ends = [c + end_written.minute for c in candidates]
        after = [e for e in ends if e > begin]
        same_hour = end_written.hour % 12 == start.hour % 12
        if after and not (same_hour and ends[0] % 720 <= begin % 720):
            finish = min(after)
        elif not after and start.hour >= 18:
            finish = ends[0] + 24 * 60  # "tonight 11-1" runs past midnight
        else:  # "10:15-10:05", "2-1": the end is before the start on the clock face
            raise Refused(
                f"I read “{start_written.written}” to “{end_written.written}” as a range "
                f"that ends before it starts. Write it like `/zoom 2-3:30pm Review`."
            )
    else:
        end = resolve(end_written)
        finish = end.hour * 60 + end.minute
        if finish <= begin:
            if start_written.meridiem == "pm" and end_written.meridiem == "am":
                finish += 24 * 60  # "11pm-1am" runs past midnight
            else:
                raise Refused(
                    f"I read “{start_written.written}” to “{end_written.written}” as a range "
                    f"that ends before it starts. Write it like `/zoom 2-3:30pm Review`."
                )
    minutes = finish - begin
    _check_length(minutes, f"{start_written.written}-{end_written.written}")
    return minutes


def resolve_range_start(start: WrittenTime, end: WrittenTime, part_of_day: str | None) -> ClockTime:
    """A range's start, taking am/pm from the end when only the end has it."""
    if start.meridiem is None and not start.twenty_four and end.meridiem is not None:
        end_clock = resolve(end)
        end_minutes = end_clock.hour * 60 + end_clock.minute
        same = resolve(replace(start, meridiem=end.meridiem))
        if same.hour * 60 + same.minute < end_minutes:
            return same
        other = "am" if end.meridiem == "pm" else "pm"
        return resolve(replace(start, meridiem=other))
    return resolve(start, part_of_day)

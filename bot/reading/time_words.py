"""Which words of `/zoom` text are time words: the allow-list reader.

Only these are time words: zones, repetitions and their ends, relative starts ("in 20
minutes"), dates (weekdays, today/tomorrow/tonight, a month next to a day number, numeric
and ISO dates, "the 20th"), times (am/pm, H:MM, "at/@ N", noon, midnight), ranges
("9-10am") and lengths. Everything else — "Q3", "1:1", "top 10", "May" — stays in the
topic. Each finder claims what it reads in the `Scan`, so a word is read once.

`find_time_words` runs the finders in order: dates, repetitions, relative starts and
lengths here; times of day in time_of_day.py; zones in zone_words.py. Their patterns are
time_patterns.py's; what they found is a `TimeWords` (found_words.py).
"""

from __future__ import annotations

import re
from datetime import datetime

from bot.reading.dates import WrittenDate
from bot.reading.durations import is_clock_length, minutes_in
from bot.reading.found_words import TimeWords, claim
from bot.reading.recurrence import COUNT_END, SPAN_END, apply_except, find_repetition
from bot.reading.results import Refused
from bot.reading.scan import DATE, OTHER, Scan
from bot.reading.time_of_day import (
    find_early_times,
    find_hour_before_part_of_day,
    find_ish_after,
    find_range,
    find_times,
    find_word_times,
)
from bot.reading.time_patterns import (
    BARE_IN,
    DASH_DATE,
    DAY_MONTH,
    DAY_WORD,
    DOTTED_DATE,
    DURATION_BARE,
    DURATION_FOR,
    DURATION_FOR_NUMBER,
    FOUR_DIGITS,
    INSTANT,
    ISO_DATE,
    MAX_AHEAD_MINUTES,
    MONTH_DAY,
    NEXT_WEEK_WEEKDAY,
    NUMERIC_DATE,
    ORDINAL_DAY,
    PART_OF_DAY,
    PART_OF_DAY_WORDS,
    RELATIVE,
    TIME_FOLLOWS,
    UNTIL,
    WEEKDAY_PHRASE,
)
from bot.reading.vocabulary import month_of, number_of, weekday_of
from bot.reading.zone_words import find_zone, find_zone_anywhere


def _written_date_at(scan: Scan, pos: int) -> re.Match[str] | None:
    """A date phrase starting exactly at `pos` (for "until ...")."""
    for pattern in (ISO_DATE, DOTTED_DATE, NUMERIC_DATE, MONTH_DAY, DAY_MONTH, ORDINAL_DAY,
                    DAY_WORD, WEEKDAY_PHRASE):  # fmt: skip
        match = pattern.match(scan.masked, pos)
        if match is not None:
            return match
    return None


_PART_IN_REPEAT = re.compile(r"\b(?:morning|afternoon|evening|night)\b")
# What the date patterns cannot match without besides FOUR_DIGITS (a call runs only those
# that can).
_MONTH_START = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)")
_ORDINAL_SUFFIX = re.compile(r"\d(?:st|nd|rd|th)")
_RELATIVE_WORDS = ("in", "from", "+", "after")


def _find_repetition(scan: Scan, words: TimeWords, user_zone: str) -> None:
    words.repetitions = find_repetition(scan.masked, scan.text)
    if not words.repetitions:
        return
    left_out = apply_except(scan.masked, scan.text, words.repetitions)
    if left_out is not None:
        scan.claim(*left_out)
    for found in words.repetitions:
        scan.claim(found.start, found.end, DATE)
        part = _PART_IN_REPEAT.search(found.repetition.written.lower())
        if part is not None:  # "every evening at 7" is 7 PM
            words.part_of_day = PART_OF_DAY_WORDS.get(part[0], part[0])
    for match in scan.find(UNTIL):
        if match["eom"] or match["mon_only"]:
            words.until_month = month_of(match["eom"] or match["mon_only"])
            words.end_written = claim(scan, match)
            break
        date_match = _written_date_at(scan, match.end())
        if date_match is None:
            continue
        written = _date_from(date_match, scan, user_zone)
        if written is None:
            continue
        scan.claim(match.start(), date_match.end())
        words.until = written
        words.end_written = scan.original(match.start(), date_match.end())
        break
    for match in scan.find(COUNT_END):
        words.end_count = number_of(match["n"] or match["x"])
        words.end_written = claim(scan, match)
        break
    for match in scan.find(SPAN_END):
        count = 1 if match["n"] in ("a", "an") else number_of(match["n"])
        words.end_span = (count, match["unit"])
        words.end_written = claim(scan, match)
        break


def _date_from(match: re.Match[str], scan: Scan, user_zone: str) -> WrittenDate | None:
    """A WrittenDate from a match of one of the date patterns, or None to skip it."""
    written = scan.original(match.start(), match.end())
    groups = match.groupdict()
    if match.re is ISO_DATE:
        fragment = f"{match['y']}-{int(match['mo']):02d}-{int(match['d']):02d}"
        return WrittenDate(written, "calendar", int(match["mo"]), int(match["d"]),
                           int(match["y"]), fragment)  # fmt: skip
    if match.re in (NUMERIC_DATE, DASH_DATE):
        a, b = int(match["a"]), int(match["b"])
        if (a, b) == (24, 7):  # "24/7" is a rota, not a date
            return None
        day_first = a > 12 or (b <= 12 and not user_zone.startswith("America/"))
        month, day = (b, a) if day_first else (a, b)
        year = None
        if match["y"]:
            year = int(match["y"]) + (2000 if len(match["y"]) == 2 else 0)
        fragment = f"{a}/{b}" + (f"/{year}" if year else "")
        return WrittenDate(written, "calendar", month, day, year, fragment, day_first)
    if match.re in (MONTH_DAY, DAY_MONTH):
        month, day = month_of(match["mon"]), int(match["d"])
        year = int(match["y"]) if match["y"] else None
        fragment = f"{match['mon'].rstrip('.')} {day}"
        return WrittenDate(written, "calendar", month, day, year, fragment)
    if match.re is DOTTED_DATE:
        day, month = int(match["a"]), int(match["b"])
        year = int(match["y"]) if match["y"] else None
        fragment = f"{day}/{month}" + (f"/{year}" if year else "")
        return WrittenDate(written, "calendar", month, day, year, fragment, day_first=True)
    if match.re is ORDINAL_DAY:
        return WrittenDate(written, "ordinal", day=int(match["d"] or match["d2"]))
    if match.re is DAY_WORD:
        if groups["dat"]:
            return WrittenDate(written, "offset", offset=2)
        if groups["tom"]:
            return WrittenDate(written, "offset", offset=1)
        if groups["today"]:
            return WrittenDate(written, "offset", offset=0)
        if groups["tonight"]:
            return WrittenDate(written, "offset", offset=0, part_of_day="evening")
        if groups["pod"]:
            part = PART_OF_DAY_WORDS.get(groups["pod"], groups["pod"])
            return WrittenDate(written, "offset", offset=0, part_of_day=part)
        if groups["past"]:
            return WrittenDate(written, "past")
        return WrittenDate(written, "vague")
    if match.re is NEXT_WEEK_WEEKDAY:
        return WrittenDate(written, "weekday", weekday=weekday_of(match["wd"]),
                           qualifier="next week")  # fmt: skip
    # WEEKDAY_PHRASE
    word = match["wd"].rstrip(".")
    qualifier = " ".join((match["q"] or "").split()) or None
    if (
        word in ("sat", "sun")
        and qualifier is None
        and not TIME_FOLLOWS.match(scan.masked, match.end())
    ):
        return None  # "sat down", "sun" too often mean something else without a time
    if qualifier == "on":
        qualifier = None
    if qualifier == "nxt":
        qualifier = "next"
    if qualifier == "this coming":
        qualifier = "coming"
    q2 = " ".join((match["q2"] or "").replace("wk", "week").split())
    if q2 == "next week":
        qualifier = "next week"
    elif q2 == "after next":
        qualifier = "after next"
    return WrittenDate(written, "weekday", weekday=weekday_of(word), qualifier=qualifier)


def _date_patterns_for(masked: str) -> list[re.Pattern[str]]:
    """The date patterns worth running on `masked`, in their order: each only when what it
    cannot match without is there."""
    four_digits = FOUR_DIGITS.search(masked) is not None
    month = _MONTH_START.search(masked) is not None
    patterns = [ISO_DATE] if four_digits else []
    if four_digits and "-" in masked:
        patterns.append(DASH_DATE)
    if "." in masked:
        patterns.append(DOTTED_DATE)
    if "/" in masked:
        patterns.append(NUMERIC_DATE)
    if month:
        patterns += (MONTH_DAY, DAY_MONTH)
    if _ORDINAL_SUFFIX.search(masked):
        patterns.append(ORDINAL_DAY)
    if "next" in masked or "nxt" in masked:
        patterns.append(NEXT_WEEK_WEEKDAY)
    patterns += (WEEKDAY_PHRASE, DAY_WORD)
    return patterns


def _find_dates(scan: Scan, words: TimeWords, user_zone: str) -> None:
    for pattern in _date_patterns_for(scan.masked):
        for match in scan.find(pattern):
            written = _date_from(match, scan, user_zone)
            if written is None:
                continue
            scan.claim(match.start(), match.end(), DATE)
            words.dates.append(written)
            if written.part_of_day:
                words.part_of_day = written.part_of_day
    for match in scan.find(PART_OF_DAY):
        part = match["after"] or match["inthe"] or match["at"]
        words.part_of_day = PART_OF_DAY_WORDS.get(part, part)
        claim(scan, match, DATE)


def _find_relative(scan: Scan, words: TimeWords) -> None:
    if not any(word in scan.masked for word in _RELATIVE_WORDS):
        return
    for match in scan.find(RELATIVE):
        phrase = match["a"] or match["b"] or match["c"] or match["d"]
        minutes = minutes_in(phrase)
        if minutes is None:
            continue
        if minutes > MAX_AHEAD_MINUTES:
            shown = scan.original(match.start(), match.end())
            raise Refused(
                f"I read “{shown}” as a start, but that is more than five years ahead. "
                f"Pick a nearer time, like `/zoom in 20 minutes quick sync`."
            )
        written = claim(scan, match, DATE if not is_clock_length(phrase) else OTHER)
        if is_clock_length(phrase):
            if words.relative_minutes is not None:
                raise Refused(
                    f"I read two starts, “{words.relative_written}” and “{written}”. "
                    f"Keep one, like `/zoom in 20 minutes quick sync`."
                )
            words.relative_minutes, words.relative_written = minutes, written
        else:
            days = minutes // (24 * 60)
            words.dates.append(WrittenDate(written, "offset", offset=days))


def _find_bare_in(scan: Scan, words: TimeWords) -> None:
    """ "call in 30": minutes from 5 to 120; other sizes are refused as unclear (1-4 could
    be minutes or hours, and a number past 120 is rarely minutes)."""
    if words.relative_minutes is not None:
        return
    if "in " not in scan.masked:
        return
    for match in scan.find(BARE_IN):
        number = int(match["n"] or match["n2"])
        shown = scan.original(match.start(), match.end())
        if not 5 <= number <= 120:
            raise Refused(
                f"I read “{shown}” as a start, but not whether {number} is minutes or hours. "
                f"Say which, like `/zoom in {number} minutes quick sync` or "
                f"`/zoom in {number} hours quick sync`."
            )
        words.relative_minutes, words.relative_written = number, claim(scan, match)
        words.relative_unitless = True
        return


def _find_durations(scan: Scan, words: TimeWords) -> None:
    for pattern in (DURATION_FOR, DURATION_BARE):
        for match in scan.find(pattern):
            minutes = minutes_in(match["d"])
            if minutes is None:
                continue
            clock = is_clock_length(match["d"])
            if pattern is DURATION_BARE and not clock:
                continue  # "2 days" without "for" is more likely part of the topic
            words.durations.append((minutes, claim(scan, match), clock))
    for match in scan.find(DURATION_FOR_NUMBER) if "for " in scan.masked else ():
        if 15 <= int(match["n"]) <= 180:
            words.durations.append((int(match["n"]), claim(scan, match), True))


def find_time_words(scan: Scan, user_zone: str, user_now: datetime | None = None) -> TimeWords:
    """Claim every time word in `scan` and return what they say, unresolved. Raises
    Refused for a zone that does not exist or two zones or two relative starts.

    An abbreviation that is the user's own zone's name at `user_now` (naive wall-clock time
    in `user_zone`; "AEST" for Australia/Brisbane, "MST" for America/Phoenix) means the
    user's zone, not the region `zones.ABBREVIATIONS` maps it to."""
    words = TimeWords(user_zone=user_zone, user_now=user_now)
    find_zone(scan, words)
    _find_repetition(scan, words, user_zone)
    _find_relative(scan, words)
    _find_bare_in(scan, words)
    _find_dates(scan, words, user_zone)
    find_early_times(scan, words)
    _find_durations(scan, words)
    if words.range_end is None:
        find_range(scan, words)
    find_times(scan, words)
    find_word_times(scan, words)
    find_hour_before_part_of_day(scan, words)
    find_ish_after(scan, words)
    find_zone_anywhere(scan, words)
    for match in scan.find(INSTANT):
        words.instant = True
        claim(scan, match)
    return words

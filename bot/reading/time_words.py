"""Which words of `/zoom` text are time words: the allow-list reader.

Only these are time words: zones, repetitions and their ends, relative starts ("in 20
minutes"), dates (weekdays, today/tomorrow/tonight, a month next to a day number, numeric
and ISO dates, "the 20th"), times (am/pm, H:MM, "at/@ N", noon, midnight), ranges
("9-10am") and lengths. Everything else — "Q3", "1:1", "top 10", "May" — stays in the
topic. Each finder claims what it reads in the `Scan`, so a word is read once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from bot.reading import zones
from bot.reading.clock import WrittenTime, written_time
from bot.reading.dates import WrittenDate
from bot.reading.durations import DURATION, is_clock_length, minutes_in
from bot.reading.recurrence import COUNT_END, SPAN_END, Found, find_repetition
from bot.reading.results import Refused
from bot.reading.scan import DATE, OTHER, TIME, Scan
from bot.reading.vocabulary import MONTH, WEEKDAY, month_of, number_of, weekday_of

# "3pm", "3 p.m.", "3pm.", and "3p" / "11A" with the letter right after the digit.
_MERIDIEM = r"(?:a\.?m\.?|p\.?m\.?|(?<=\d)[ap](?!['.]?\w))(?![a-z])"
_AT = r"(?:(?<![\w@])(?:at|around|@)\s*|@\s*)"
_NOT_AFTER_NUMBER = r"(?<![\d:./#,\w+−-])"

ISO_DATE = re.compile(
    r"(?<![\d-])(?P<y>\d{4})(?P<sep>[-/])(?P<mo>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?![\d-])"
    r"(?:t(?=\d{1,2}:\d))?"
)
# "07-27-2027": month first in America, day first elsewhere, as for "/".
DASH_DATE = re.compile(r"(?<![\d\w-])(?P<a>\d{1,2})-(?P<b>\d{1,2})-(?P<y>\d{4})(?![\d-])")
NUMERIC_DATE = re.compile(
    r"(?<![\d/.:#\w])(?P<a>\d{1,2})/(?P<b>\d{1,2})(?:/(?P<y>\d{4}|\d{2}))?(?![\d/\w])"
)
_NOT_A_TIME = r"(?!\s*(?:[:.]\d|a\.?m\b|p\.?m\b|%|[-–]\s*\d))"
MONTH_DAY = re.compile(
    rf"\b(?P<mon>{MONTH})\s*(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s*(?P<y>\d{{4}})\b)?"
    + _NOT_A_TIME
)
DAY_MONTH = re.compile(
    rf"(?<![\d:./#\w])(?:the\s+)?(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>{MONTH})"
    rf"(?:,?\s*(?P<y>\d{{4}})\b)?"
)
# "the 5th"; without "the" only after "on" or before a time ("sync 5th at 10"), as "5th
# floor" and "our 5th anniversary" are topics.
ORDINAL_DAY = re.compile(
    r"\b(?:the|on)\s+(?P<d>\d{1,2})(?:st|nd|rd|th)\b"
    r"|(?<![\w#.:/-])(?P<d2>\d{1,2})(?:st|nd|rd|th)\b(?=\s*,?\s*(?:at\s+|@\s*)?\d)"
)
# European dotted dates, day first: "05.12." and "05.12.2026" (not "9.30" or "v2.0").
DOTTED_DATE = re.compile(
    r"(?<![\w.:#/-])(?P<a>\d{1,2})\.(?P<b>\d{1,2})\.(?:(?P<y>\d{4})(?![\w.])|(?![\w]))"
)
DAY_WORD = re.compile(
    r"\b(?:(?P<dat>(?:the\s+)?day\s+after\s+tomorrow)|(?P<tom>tomorrow|tmrw|tmr|tomorow|tommorow|tommorrow|tomorrrow|2moro|2morrow|2mrw)"
    r"|(?P<today>today|later\s+today)|(?P<tonight>tonight|tonite)"
    r"|this\s+(?P<pod>morning|afternoon|evening)|(?P<past>yesterday)"
    r"|(?P<vague>(?:next|this|later\s+this)\s+(?:week|month|year)|sometime|some\s+time))\b"
)
WEEKDAY_PHRASE = re.compile(
    rf"(?:\b(?P<q>next|this\s+coming|coming|this|last|on)\s+)?\b(?P<wd>{WEEKDAY})"
    r"(?:\s+(?P<q2>next\s+week|this\s+week|after\s+next))?"
)
NEXT_WEEK_WEEKDAY = re.compile(rf"\bnext\s+week\s+(?:on\s+)?(?P<wd>{WEEKDAY})")
PART_OF_DAY = re.compile(
    rf"(?:(?<=[{DATE}])\s+(?P<after>morning|afternoon|evening|night)\b"
    r"|\bin\s+the\s+(?P<inthe>morning|afternoon|evening|night)|\bat\s+(?P<at>night))"
)
UNTIL = re.compile(
    r"\b(?:until|till|til|through|thru|ending(?:\s+on)?|ends?(?:\s+on)?|up\s+to)\s+"
    r"(?:(?:the\s+)?end\s+of\s+(?P<eom>"
    + MONTH
    + r")(?!\s*\d)|(?P<mon_only>"
    + MONTH
    + r")(?!\s*\d))?"
)

RELATIVE = re.compile(
    rf"\b(?:in|within)\s+(?:(?:about|around|approx\.?|approximately|roughly|~)\s*)?(?P<a>{DURATION})|(?P<b>{DURATION})\s+from\s+(?:now|today)\b"
    rf"|(?<![\w+])\+\s*(?P<c>{DURATION})|^\s*after\s+(?P<d>{DURATION})(?!\s+(?:from|after))"
)
# Far enough ahead for any meeting; "in 99999999999999999999 minutes" is refused.
MAX_AHEAD_MINUTES = 5 * 366 * 24 * 60
DURATION_FOR = re.compile(rf"\b(?:for|lasting)\s+(?:(?:about|around|~)\s*)?(?P<d>{DURATION})")
DURATION_BARE = re.compile(
    rf"(?<![\w:.#/-])(?P<d>{DURATION})(?:[\s-]+long\b)?(?!\s+(?:ago|before|after|later)\b)"
)

_T1 = r"(?P<h1>\d{1,2})(?:[:.](?P<m1>\d{2}))?\s*(?P<r1>" + _MERIDIEM + r")?"
_T2 = (
    r"(?:(?P<h2>\d{1,2})(?:[:.](?P<m2>\d{2}))?\s*(?P<r2>" + _MERIDIEM + r")?"
    r"|(?P<sp2>noon|midnight)(?![\w]))"
)
RANGE = re.compile(
    r"(?:(?P<pre>(?<![\w@])(?:from|at|between)\s+|@\s*))?"
    + _NOT_AFTER_NUMBER
    + _T1
    + r"\s*(?:-|–|—|to|until|till|and)\s*"
    + _T2
    + r"(?![\d:/\w])"
)
MERIDIEM_TIME = re.compile(
    rf"{_AT}?{_NOT_AFTER_NUMBER}(?P<h>\d{{1,2}})(?:[:.](?P<m>\d{{2}})(?::00)?)?"
    rf"(?:\s*o'?clock)?\s*(?P<r>{_MERIDIEM})"
)
COLON_TIME = re.compile(
    _AT + r"?" + _NOT_AFTER_NUMBER + r"(?P<h>\d{1,2}):(?P<m>\d{2})(?::\d{2})?(?![\d:])"
    r"(?:\s*(?:h|hrs)(?![\w]))?"
)
# European "15h30", "15h": a time from 10h up, or after "at"/a date; "for 1h30" and
# "8h workshop" stay lengths and topic.
H_TIME = re.compile(rf"(?P<at>{_AT})?(?<![\w:.#/-])(?P<h>\d{{1,2}})h(?P<m>\d{{2}})?(?![\w:])")
H_RANGE = re.compile(
    r"(?:(?<![\w@])(?:from|between)\s+)?(?<![\w:.#/-])(?P<h1>\d{1,2})h(?P<m1>\d{2})?"
    r"\s*(?:-|–|—|to|until|till)\s*(?P<h2>\d{1,2})h(?P<m2>\d{2})?(?![\w:])"
)
# "at 1030", "1730h", "tomorrow 0900": four digits as a 24-hour time.
HHMM_TIME = re.compile(
    rf"(?:{_AT}|(?<=[{DATE}])\s*,?\s*)(?P<h>[01]\d|2[0-3])(?P<m>[0-5]\d)(?:\s*(?:h|hrs|hours))?(?![\w:])"
    r"|(?<![\w:.#/-])(?P<h2>[01]\d|2[0-3])(?P<m2>[0-5]\d)\s*(?:h|hrs|hours)(?![\w:])"
    r"|(?<![\w:.#/+−-])(?P<h3>0\d)(?P<m3>[0-5]\d)(?![\w:.])"
)
_HOUR_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip
_MINUTE_WORDS = {
    "oh five": 5, "o five": 5, "ten": 10, "fifteen": 15, "twenty": 20, "twenty five": 25,
    "thirty": 30, "thirty five": 35, "forty": 40, "forty five": 45, "fifty": 50,
    "fifty five": 55,
}  # fmt: skip
_HOUR_WORD = "(?:" + "|".join(_HOUR_WORDS) + ")"
_MINUTE_WORD = (
    "(?:"
    + "|".join(w.replace(" ", r"[\s-]") for w in sorted(_MINUTE_WORDS, key=len, reverse=True))
    + ")"
)
# "at three", "ten thirty am", "seven o'clock": spelled-out hours, only with am/pm,
# o'clock, or "at" with nothing but the end, punctuation or a date after it.
WORD_TIME = re.compile(
    rf"(?P<at>{_AT})?(?<![\w-])(?P<h>{_HOUR_WORD})(?:[\s-]+(?P<m>{_MINUTE_WORD}))?(?![\w-])"
    rf"(?:\s*(?P<oc>o'?clock))?(?:\s*(?P<r>a\.?m\.?|p\.?m\.?)(?![a-z]))?"
)
_WORD_TIME_END = re.compile(rf"\s*(?:$|[,.;:!?)]|[{DATE}]|(?:today|tomorrow|tonight|on|for)\b)")
_PAST_MINUTES = {
    "quarter": 15, "a quarter": 15, "half": 30, "five": 5, "ten": 10, "twenty": 20,
    "twenty five": 25, "twenty-five": 25, "fifteen": 15,
}  # fmt: skip
# "half past 3", "quarter to noon", "twenty after 4", "20 minutes to 2pm", "10 til 5".
PAST_TO = re.compile(
    rf"(?P<at>{_AT})?(?<![\w:.])(?P<n>\d{{1,2}}|a\s+quarter|quarter|half|twenty[\s-]five"
    r"|five|ten|fifteen|twenty)(?P<unit>\s+min(?:ute)?s?)?\s+"
    r"(?P<dir>past|after|to|till|til|before|of)\s+"
    rf"(?P<h>\d{{1,2}}(?![\d:.])|noon|midnight|{_HOUR_WORD}(?![\w-]))"
    rf"(?:\s*o'?clock)?(?:\s*(?P<r>{_MERIDIEM}))?"
)
# British "half four" (4:30), "at half 4".
HALF_HOUR = re.compile(
    rf"(?P<at>{_AT})?(?<![\w-])half\s+(?P<h>\d{{1,2}}(?![\d:.\w])|{_HOUR_WORD}(?![\w-]))"
    rf"(?:\s*(?P<r>{_MERIDIEM}))?"
)
# An hour right before a part of the day: "8 tonight", "9 tomorrow morning".
BEFORE_PART_OF_DAY = re.compile(
    rf"(?<![\d:./#\w-])(?P<h>\d{{1,2}})(?:\s*o'?clock)?(?=\s*,?\s*[{DATE}])"
)
# "9.30" as 9:30 only where it cannot be a version or an amount: after "at"/"@" or right
# next to a date ("tomorrow 9.30", "9.30 tomorrow").
DOT_TIME = re.compile(
    rf"(?:{_AT}|(?<=[{DATE}])\s*,?\s*){_NOT_AFTER_NUMBER}(?P<h>\d{{1,2}})\.(?P<m>\d{{2}})(?![\d.:\w])"
    rf"|{_NOT_AFTER_NUMBER}(?P<h2>\d{{1,2}})\.(?P<m2>\d{{2}})(?=\s+[{DATE}])"
)
AT_TIME = re.compile(_AT + _NOT_AFTER_NUMBER + r"(?P<h>\d{1,2})(?:\s*o'?clock)?(?![\d:./%\w])")
OCLOCK = re.compile(r"(?<![\d:./#])(?P<h>\d{1,2})\s*o'?clock\b")
NOON = re.compile(_AT + r"?\b(?:12\s+)?(?P<sp>noon|midday|midnight)\b")
BARE_AFTER_DATE = re.compile(
    rf"(?<=[{DATE}])(?:\s*,)?\s+(?P<h>\d{{1,2}})(?![\d:./%\w])(?!\s*[-–]\s*\d)"
)
_TIME_FOLLOWS = re.compile(rf"\s*,?\s*(?:at\s+|@\s*)?(?:\d|[{DATE}])")
INSTANT = re.compile(r"\b(?:right\s+now|now|asap|a\.s\.a\.p\.?|immediately|right\s+away)\b")


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
    dates: list[WrittenDate] = field(default_factory=list)
    times: list[WrittenTime] = field(default_factory=list)
    range_end: WrittenTime | None = None
    durations: list[tuple[int, str, bool]] = field(default_factory=list)
    part_of_day: str | None = None
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


def _claim(scan: Scan, match: re.Match[str], kind: str = OTHER) -> str:
    scan.claim(match.start(), match.end(), kind)
    return scan.original(match.start(), match.end())


def _find_fixed_offset(scan: Scan, words: TimeWords) -> None:
    for match in scan.find(zones.FIXED_OFFSET):
        written = scan.original(match.start(), match.end())
        try:
            name, offset = zones.fixed_offset(match["sign"], int(match["h"]), int(match["m"] or 0))
        except zones.UnknownOffset:
            raise Refused(
                f"I read “{written}” as an offset from UTC, but Zoom has no time zone that "
                f"stays at it all year. Name the place instead, like `3pm PT`, `3pm IST` or "
                f"`3pm America/Los_Angeles`."
            ) from None
        _set_zone(words, name, _claim(scan, match))
        words.zone_offset = offset


def _find_zone(scan: Scan, words: TimeWords) -> None:
    _find_fixed_offset(scan, words)
    for match in scan.find(zones.IANA_LIKE):
        try:
            name = zones.iana_zone(match["zone"])
        except zones.UnknownZone:
            written = scan.original(match.start(), match.end())
            raise Refused(
                f"I read “{written}” as a time zone, but there is no such zone. "
                f"Use a name like `Europe/Berlin` or `America/New_York`, or ET, PT, CET, IST."
            ) from None
        if name is not None:
            _set_zone(words, name, _claim(scan, match))


def _set_zone(words: TimeWords, name: str, written: str) -> None:
    if words.zone is not None and words.zone != name:
        raise Refused(
            f"I read two time zones, “{words.zone_written}” and “{written}”. Keep one, "
            f"like `/zoom partner call 4pm ET`."
        )
    words.zone, words.zone_written = name, written


def _written_date_at(scan: Scan, pos: int) -> re.Match[str] | None:
    """A date phrase starting exactly at `pos` (for "until ...")."""
    for pattern in (ISO_DATE, DOTTED_DATE, NUMERIC_DATE, MONTH_DAY, DAY_MONTH, ORDINAL_DAY,
                    DAY_WORD, WEEKDAY_PHRASE):  # fmt: skip
        match = pattern.match(scan.masked, pos)
        if match is not None:
            return match
    return None


def _find_repetition(scan: Scan, words: TimeWords, user_zone: str) -> None:
    words.repetitions = find_repetition(scan.masked, scan.text)
    if not words.repetitions:
        return
    for found in words.repetitions:
        scan.claim(found.start, found.end)
    for match in scan.find(UNTIL):
        if match["eom"] or match["mon_only"]:
            words.until_month = month_of(match["eom"] or match["mon_only"])
            words.end_written = _claim(scan, match)
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
        words.end_count = number_of(match["n"])
        words.end_written = _claim(scan, match)
        break
    for match in scan.find(SPAN_END):
        count = 1 if match["n"] in ("a", "an") else number_of(match["n"])
        words.end_span = (count, match["unit"])
        words.end_written = _claim(scan, match)
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
            return WrittenDate(written, "offset", offset=0, part_of_day=groups["pod"])
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
        and not _TIME_FOLLOWS.match(scan.masked, match.end())
    ):
        return None  # "sat down", "sun" too often mean something else without a time
    if qualifier == "on":
        qualifier = None
    if qualifier == "this coming":
        qualifier = "coming"
    q2 = " ".join((match["q2"] or "").split())
    if q2 == "next week":
        qualifier = "next week"
    elif q2 == "after next":
        qualifier = "after next"
    return WrittenDate(written, "weekday", weekday=weekday_of(word), qualifier=qualifier)


def _find_dates(scan: Scan, words: TimeWords, user_zone: str) -> None:
    for pattern in (ISO_DATE, DASH_DATE, DOTTED_DATE, NUMERIC_DATE, MONTH_DAY, DAY_MONTH,
                    ORDINAL_DAY, NEXT_WEEK_WEEKDAY, WEEKDAY_PHRASE, DAY_WORD):  # fmt: skip
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
        words.part_of_day = "evening" if part == "night" else part
        _claim(scan, match, DATE)


def _find_relative(scan: Scan, words: TimeWords) -> None:
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
        written = _claim(scan, match, DATE if not is_clock_length(phrase) else OTHER)
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


def _find_durations(scan: Scan, words: TimeWords) -> None:
    for pattern in (DURATION_FOR, DURATION_BARE):
        for match in scan.find(pattern):
            minutes = minutes_in(match["d"])
            if minutes is None:
                continue
            clock = is_clock_length(match["d"])
            if pattern is DURATION_BARE and not clock:
                continue  # "2 days" without "for" is more likely part of the topic
            words.durations.append((minutes, _claim(scan, match), clock))


def _find_range(scan: Scan, words: TimeWords) -> None:
    for match in scan.find(RANGE):
        has_shape = match["m1"] or match["r1"] or match["m2"] or match["r2"]
        before = scan.masked[: match.start()].rstrip()
        after_date = before.endswith(DATE)
        before_date = scan.masked[match.end() :].lstrip(" ,").startswith(DATE)
        if not has_shape and not match["pre"] and not after_date and not before_date:
            continue
        joiner = scan.masked[match.start() : match.end()]
        if " and " in joiner and not (match["pre"] or "").strip().startswith("between"):
            continue
        _claim(scan, match, TIME)
        start_written = f"{match['h1']}" + (f":{match['m1']}" if match["m1"] else "")
        words.times.append(written_time(start_written, match["h1"], match["m1"], match["r1"]))
        if match["sp2"]:
            hour = 12 if match["sp2"] == "noon" else 0
            words.range_end = WrittenTime(match["sp2"], hour, special=match["sp2"])
        else:
            end_written = f"{match['h2']}" + (f":{match['m2']}" if match["m2"] else "")
            words.range_end = written_time(end_written, match["h2"], match["m2"], match["r2"])
        _zone_after(scan, words, match.end())
        return


# What machines print after a time: "09:00Z", "09:00:00-05:00", "09:00 +0530".
_NUMERIC_OFFSET = re.compile(
    r"(?:(?P<z>z)(?![\w])|\s?(?P<sign>[+\-−])(?P<h>\d{2}):?(?P<m>\d{2})(?![\w:]))"
)


def _zone_after(scan: Scan, words: TimeWords, pos: int) -> None:
    match = zones.AFTER_TIME.match(scan.masked, pos)
    if match is not None:
        written = _claim(scan, match)
        _set_zone(words, words.zone_named(match["zone"]), written)
        return
    offset = _NUMERIC_OFFSET.match(scan.masked, pos)
    if offset is None:
        return
    written = scan.original(offset.start(), offset.end())
    if offset["z"]:
        _set_zone(words, "UTC", _claim(scan, offset))
        return
    try:
        name, delta = zones.fixed_offset(offset["sign"], int(offset["h"]), int(offset["m"]))
    except zones.UnknownOffset:
        raise Refused(
            f"I read “{written}” as an offset from UTC, but Zoom has no time zone that stays "
            f"at it all year. Name the place instead, like `3pm PT` or `3pm Europe/Berlin`."
        ) from None
    _set_zone(words, name, _claim(scan, offset))
    words.zone_offset = delta


_LENGTH_BEFORE = re.compile(r"(?:for|lasting|about|around|in|within|~)\s*$")


def _twenty_four(scan: Scan, match: re.Match[str], h: str, m: str | None) -> WrittenTime:
    written = scan.original(match.start("h"), match.end())
    return WrittenTime(written, int(h), int(m or 0), twenty_four=True)


def _add_time(scan: Scan, words: TimeWords, match: re.Match[str], time: WrittenTime) -> None:
    _claim(scan, match, TIME)
    words.times.append(time)
    _zone_after(scan, words, match.end())


def _find_early_times(scan: Scan, words: TimeWords) -> None:
    """Times that look like lengths or numbers and must be read before lengths are:
    "15h30", "9h30-11h00", "at 1030", "half past 3", "20 minutes to 2pm"."""
    for match in scan.find(H_RANGE):
        if not (int(match["h1"]) <= 23 and int(match["h2"]) <= 23):
            continue
        _claim(scan, match, TIME)
        start = scan.original(
            match.start("h1"), match.end("m1") if match["m1"] else match.end("h1") + 1
        )
        words.times.append(
            WrittenTime(start, int(match["h1"]), int(match["m1"] or 0), twenty_four=True)
        )
        words.range_end = WrittenTime(
            scan.original(match.start("h2"), match.end()),
            int(match["h2"]),
            int(match["m2"] or 0),
            twenty_four=True,
        )
        _zone_after(scan, words, match.end())
        return
    for match in scan.find(H_TIME):
        hour, minute = int(match["h"]), int(match["m"] or 0)
        before = scan.masked[: match.start()]
        if hour > 23 or minute > 59 or _LENGTH_BEFORE.search(before):
            continue
        after_date = before.rstrip(" ,").endswith(DATE)
        if match["at"] or after_date or hour >= 10 or (match["m"] and hour >= 7):
            _add_time(scan, words, match, _twenty_four(scan, match, match["h"], match["m"]))
    for match in scan.find(HHMM_TIME):
        key = "h" if match["h"] else "h2" if match["h2"] else "h3"
        h, m = match[key], match["m" + key[1:]]
        written = scan.original(match.start(key), match.end())
        _add_time(scan, words, match, WrittenTime(written, int(h), int(m), twenty_four=True))
    for match in scan.find(PAST_TO):
        time = _past_to(scan, match)
        if time is not None:
            _add_time(scan, words, match, time)
    for match in scan.find(HALF_HOUR):
        hour = int(match["h"]) if match["h"].isdigit() else _HOUR_WORDS[match["h"]]
        if 1 <= hour <= 12:
            written = scan.original(
                match.start() if not match["at"] else match.end("at"), match.end()
            )
            time = written_time(written, str(hour), None, match["r"])
            _add_time(scan, words, match, replace(time, offset=30))


def _past_to(scan: Scan, match: re.Match[str]) -> WrittenTime | None:
    """The time "half past 3" names, or None when the words are something else ("10 to
    11am" is a range, "from 9 to 5" too)."""
    if re.search(r"(?:from|between)\s*$", scan.masked[: match.start()]):
        return None
    n, direction, target = " ".join(match["n"].split()), match["dir"], match["h"]
    digits = n.isdigit()
    minutes = int(n) if digits else _PAST_MINUTES[n.replace("-", " ")]
    if not 1 <= minutes <= 59:
        return None
    if target in ("noon", "midnight"):
        hour = 12 if target == "noon" else 0
    else:
        hour = int(target) if target.isdigit() else _HOUR_WORDS[target]
    if direction in ("to", "till", "til") and digits and not match["unit"]:
        if minutes % 5 or minutes > 30 or minutes <= hour:
            return None  # "10 to 11am" is a range
    if direction == "of" and not n.endswith("quarter"):
        return None
    if direction == "before" and not match["unit"]:
        return None
    offset = minutes if direction in ("past", "after") else -minutes
    written = scan.original(match.start("n"), match.end())
    if target in ("noon", "midnight"):
        return WrittenTime(written, hour, special=target, offset=offset)
    if hour > 23:
        return None
    base = written_time(written, str(hour), None, match["r"])
    if hour > 12:
        base = WrittenTime(written, hour, twenty_four=True)
    return WrittenTime(base.written, base.hour, 0, base.meridiem, base.twenty_four, offset=offset)


def _find_word_times(scan: Scan, words: TimeWords) -> None:
    """Spelled-out times: "at three", "ten thirty am", "seven o'clock"."""
    for match in scan.find(WORD_TIME):
        sure = match["r"] or match["oc"]
        ends = _WORD_TIME_END.match(scan.masked, match.end()) is not None
        if not (sure or (ends and (match["at"] or match["m"]))):
            continue
        hour = _HOUR_WORDS[match["h"]]
        minute = _MINUTE_WORDS[" ".join(match["m"].replace("-", " ").split())] if match["m"] else 0
        written = scan.original(match.start("h"), match.end())
        time = written_time(written, str(hour), str(minute) if match["m"] else None, match["r"])
        _add_time(scan, words, match, replace(time, twenty_four=False))


def _find_hour_before_part_of_day(scan: Scan, words: TimeWords) -> None:
    """ "8 tonight", "9 tomorrow morning", "6 in the afternoon": only when the part of the
    day is named, so "Sprint 4 tomorrow" stays a topic with a date."""
    if words.times or words.part_of_day is None:
        return
    for match in scan.find(BEFORE_PART_OF_DAY):
        if 1 <= int(match["h"]) <= 12:
            time = written_time(scan.original(match.start(), match.end()), match["h"], None, None)
            _add_time(scan, words, match, time)
            return


def _find_times(scan: Scan, words: TimeWords) -> None:
    for pattern in (MERIDIEM_TIME, COLON_TIME, NOON, AT_TIME, OCLOCK, DOT_TIME, BARE_AFTER_DATE):
        if pattern is DOT_TIME and words.times:
            continue  # with a clear time elsewhere, "2.10" is a version or an amount
        for match in scan.find(pattern):
            groups = match.groupdict()
            if groups.get("sp"):
                special = "midnight" if match["sp"] == "midnight" else "noon"
                time = WrittenTime(match["sp"], 12 if special == "noon" else 0, special=special)
            else:
                hour = match["h"] or groups.get("h2")
                if pattern in (AT_TIME, OCLOCK, BARE_AFTER_DATE) and int(hour) > 24:
                    continue  # "at 25" is not a time anyone means
                minute = groups.get("m") or groups.get("m2")
                shown = hour + (f":{minute}" if minute else "")
                if groups.get("r"):
                    shown = scan.original(match.start("h"), match.end("r"))
                time = written_time(shown, hour, minute, groups.get("r"))
            _claim(scan, match, TIME)
            words.times.append(time)
            _zone_after(scan, words, match.end())


def _next_to_time_words(scan: Scan, start: int, end: int) -> bool:
    """Whether only spaces, commas or brackets separate text[start:end] from a date or a
    time already read ("3pm (CET)", "on dec 1 PT", "EST 3pm")."""
    before = scan.masked[:start].rstrip(" ,(")
    after = scan.masked[end:].lstrip(" ,)")
    return before.endswith((DATE, TIME)) or after.startswith((DATE, TIME))


def _find_zone_anywhere(scan: Scan, words: TimeWords) -> None:
    """Abbreviations in capitals that sit next to a date or a time. One elsewhere ("CST
    migration sync 3pm") is more likely part of the topic, so it stays there."""
    if not (words.times or words.relative_minutes):
        return
    found = [(m, False) for m in zones.ANYWHERE.finditer(scan.text)]
    found += [(m, True) for m in zones.SHORT_NEXT_TO_TIME.finditer(scan.text)]
    for match, short in found:
        span = scan.masked[match.start() : match.end()]
        if any(c in (DATE + TIME + OTHER) for c in span):
            continue
        if (short or words.relative_minutes is None) and not _next_to_time_words(
            scan, match.start(), match.end()
        ):
            continue
        _set_zone(words, words.zone_named(match["zone"]), _claim(scan, match))


def find_time_words(scan: Scan, user_zone: str, user_now: datetime | None = None) -> TimeWords:
    """Claim every time word in `scan` and return what they say, unresolved. Raises
    Refused for a zone that does not exist or two zones or two relative starts.

    An abbreviation that is the user's own zone's name at `user_now` (naive wall-clock time
    in `user_zone`; "AEST" for Australia/Brisbane, "MST" for America/Phoenix) means the
    user's zone, not the region `zones.ABBREVIATIONS` maps it to."""
    words = TimeWords(user_zone=user_zone, user_now=user_now)
    _find_zone(scan, words)
    _find_repetition(scan, words, user_zone)
    _find_relative(scan, words)
    _find_dates(scan, words, user_zone)
    _find_early_times(scan, words)
    _find_durations(scan, words)
    if words.range_end is None:
        _find_range(scan, words)
    _find_times(scan, words)
    _find_word_times(scan, words)
    _find_hour_before_part_of_day(scan, words)
    _find_zone_anywhere(scan, words)
    for match in scan.find(INSTANT):
        words.instant = True
        _claim(scan, match)
    return words

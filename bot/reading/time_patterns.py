"""The regular expressions of time words (dates, times, ranges, lengths, relative starts),
used by the finders in time_words.py, time_of_day.py and zone_words.py.
"""

from __future__ import annotations

import re

from bot.reading.durations import DURATION
from bot.reading.scan import DATE
from bot.reading.vocabulary import MONTH, WEEKDAY

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
# A year beside a month: 20xx, four digits that are no 24-hour time, or any four digits
# with a time after them ("Dec 5 1999 3pm"); "Dec 3rd 1430" is a date and a 24-hour time.
_YEAR = (
    r"(?:20\d{2}|(?!(?:[01]\d|2[0-3])[0-5]\d)\d{4}"
    r"|\d{4}(?=\s*,?\s*(?:at\s+|@\s*)?\d))"
)
_NOT_A_TIME = r"(?!\s*(?:[:.]\d|a\.?m\b|p\.?m\b|%|[-–]\s*\d))"
MONTH_DAY = re.compile(
    rf"\b(?P<mon>{MONTH})\s*(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s*(?P<y>{_YEAR})\b)?"
    + _NOT_A_TIME
)
DAY_MONTH = re.compile(
    rf"(?<![\d:./#\w–-])(?:the\s+)?(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>{MONTH})"
    rf"(?:,?\s*(?P<y>{_YEAR})\b)?"
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
    r"\b(?:(?P<dat>(?:the\s+)?day\s+after\s+tomorrow)|(?P<tom>tomorrow|tmrw|tmr|tomoz|tomorow|tommorow|tommorrow|tomorrrow|2moro|2morrow|2mrw)"
    r"|(?P<today>today|2day|later\s+today)|(?P<tonight>tonight|tonite|2nite|2night)"
    r"|this\s+(?P<pod>morning|afternoon|evening|morn|aft|arvo|eve)|(?P<past>yesterday)"
    r"|(?P<vague>(?:next|nxt|this|later\s+this)\s+(?:week|wk|month|year)|sometime|some\s+time))\b"
)
WEEKDAY_PHRASE = re.compile(
    rf"(?:\b(?P<q>next|nxt|this\s+coming|coming|this|last|on)\s+)?\b(?P<wd>{WEEKDAY})"
    r"(?:\s+(?P<q2>next\s+(?:week|wk)\b|this\s+(?:week|wk)\b|after\s+next))?"
)
NEXT_WEEK_WEEKDAY = re.compile(rf"\b(?:next|nxt)\s+(?:week|wk)\s+(?:on\s+)?(?P<wd>{WEEKDAY})")
# Short forms people type: "tmrw aft 3", "this eve at 7", "tomorrow morn 9".
PART_OF_DAY_WORDS = {"morn": "morning", "aft": "afternoon", "arvo": "afternoon",
                     "eve": "evening", "night": "evening"}  # fmt: skip
PART_OF_DAY = re.compile(
    rf"(?:(?<=[{DATE}])\s+(?P<after>morning|afternoon|evening|night|morn|aft|arvo|eve)\b"
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
# "call in 30", "in 5 quick sync": a bare number after "in", at the end (or before a
# punctuation mark) or opening the text; read as minutes (time_words.py says which sizes).
BARE_IN = re.compile(
    r"\bin\s+(?P<n>\d{1,3})(?=\s*$|\s*[,.;!?](?!\d)|\s+for\s)|^\s*in\s+(?P<n2>\d{1,3})"
    r"(?=\s+(?!(?:[smhdwy]|secs?|seconds?|mins?|minutes?|hours?|hrs?|days?|weeks?|wks?"
    r"|months?|mos?|years?|yrs?|fortnights?|decades?|centur(?:y|ies)|millenni\w*)\b)[a-z])"
)
# Far enough ahead for any meeting; "in 99999999999999999999 minutes" is refused.
MAX_AHEAD_MINUTES = 5 * 366 * 24 * 60
DURATION_FOR = re.compile(rf"\b(?:for|lasting)\s+(?:(?:about|around|~)\s*)?(?P<d>{DURATION})")
# "sync 3pm for 30": a bare number after "for" at the end, read as minutes from 15 to 180
# ("dinner for 4" is people).
DURATION_FOR_NUMBER = re.compile(r"\bfor\s+(?P<n>\d{2,3})(?=\s*$|\s*[,;!?)]|\.(?!\d))")
DURATION_BARE = re.compile(
    rf"(?<![\w:.#/-])(?P<d>{DURATION})(?:[\s-]+long\b)?(?!\s+(?:ago|before|after|later)\b)"
)

# A side may leave the colon out before quarter hours ("9 to 930", "930-1030"): `c1`/`c2`,
# read only with other signs of a time (time_of_day.py).
_T1 = r"(?P<h1>\d{1,2})(?:[:.](?P<m1>\d{2})|(?P<c1>15|30|45))?\s*(?P<r1>" + _MERIDIEM + r")?"
_T2 = (
    r"(?:(?P<h2>\d{1,2})(?:[:.](?P<m2>\d{2})|(?P<c2>15|30|45))?\s*(?P<r2>" + _MERIDIEM + r")?"
    r"|(?P<sp2>noon|midday|midnight)(?![\w]))"
)
_PRE = r"(?:(?P<pre>(?<![\w@])(?:from|at|between)\s+|@\s*))?"
_JOINER = r"\s*(?:-|–|—|to|until|till|til|thru|through|and)\s*"
RANGE = re.compile(_PRE + _NOT_AFTER_NUMBER + _T1 + _JOINER + _T2 + r"(?![\d:/\w])")
# "noon-1pm", "from noon to 1:30", "12 noon - 1", "midnight to 2am".
NOON_RANGE = re.compile(
    _PRE + r"\b(?:12\s*)?(?P<sp1>noon|midday|midnight)" + _JOINER + _T2 + r"(?![\d:/\w])"
)
MERIDIEM_TIME = re.compile(
    rf"{_AT}?{_NOT_AFTER_NUMBER}(?P<h>\d{{1,2}})(?:[:.](?P<m>\d{{2}})(?::00)?)?"
    rf"(?:\s*o'?clock)?\s*(?P<r>{_MERIDIEM})"
)
# The colon left out before am/pm: "930am", "1030a" (read only when 3 digits are in a row).
COMPACT_MERIDIEM_TIME = re.compile(
    rf"{_AT}?{_NOT_AFTER_NUMBER}(?P<h>1[0-2]|0?[1-9])(?P<m>[0-5]\d)\s*(?P<r>{_MERIDIEM})"
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
# Digits in a row: what the 24-hour, compact and numeric date patterns cannot match without
# (the finders run those only when a quick search finds them).
THREE_DIGITS = re.compile(r"\d{3}")
FOUR_DIGITS = re.compile(r"\d{4}")
# "at 1030", "1730h", "tomorrow 0900": four digits as a 24-hour time.
HHMM_TIME = re.compile(
    rf"(?:{_AT}|(?<=[{DATE}])\s*,?\s*)(?P<h>[01]\d|2[0-3])(?P<m>[0-5]\d)(?:\s*(?:h|hrs|hours))?(?![\w:])"
    r"|(?<![\w:.#/-])(?P<h2>[01]\d|2[0-3])(?P<m2>[0-5]\d)\s*(?:h|hrs|hours)(?![\w:])"
    r"|(?<![\w:.#/+−-])(?P<h3>0\d)(?P<m3>[0-5]\d)(?![\w:.])"
)
# "0900-0930", "at 1430-1530", "Dec 3rd 1430-1530": a range of 4-digit 24-hour times (before
# the zone finder can take "-0930" for an offset from UTC).
HHMM_RANGE = re.compile(
    rf"(?:(?P<pre>{_AT}|(?<![\w@])(?:from|between)\s+)|(?P<date>(?<=[{DATE}]))\s*,?\s*)?"
    r"(?<![\w:.#/+−-])(?P<h1>[01]\d|2[0-3])(?P<m1>[0-5]\d)"
    r"\s*(?:-|–|—|to|until|till|til|and)\s*(?P<h2>[01]\d|2[0-3])(?P<m2>[0-5]\d)"
    r"(?:\s*(?:h|hrs))?(?![\w:])"
)
# "at 930", "tmrw @ 130", "Dec 3 930": three digits as H:MM after "at"/"@" or a date, read
# by the hour convention (130 is 1:30 PM).
THREE_DIGIT_TIME = re.compile(
    rf"(?:{_AT}|(?<=[{DATE}])\s*,?\s*)(?<![\w:.#/+−-])(?P<h>[1-9])(?P<m>[0-5]\d)(?![\w:.%])"
)
HOUR_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip
MINUTE_WORDS = {
    "oh five": 5, "o five": 5, "ten": 10, "fifteen": 15, "twenty": 20, "twenty five": 25,
    "thirty": 30, "thirty five": 35, "forty": 40, "forty five": 45, "fifty": 50,
    "fifty five": 55,
}  # fmt: skip
_HOUR_WORD = "(?:" + "|".join(HOUR_WORDS) + ")"
_MINUTE_WORD = (
    "(?:"
    + "|".join(w.replace(" ", r"[\s-]") for w in sorted(MINUTE_WORDS, key=len, reverse=True))
    + ")"
)
# "at three", "ten thirty am", "seven o'clock": spelled-out hours, only with am/pm,
# o'clock, or "at" with nothing but the end, punctuation or a date after it.
WORD_TIME = re.compile(
    rf"(?P<at>{_AT})?(?<![\w-])(?P<h>{_HOUR_WORD})(?:[\s-]+(?P<m>{_MINUTE_WORD}))?(?![\w-])"
    rf"(?:\s*(?P<oc>o'?clock))?(?:\s*(?P<r>a\.?m\.?|p\.?m\.?)(?![a-z]))?"
)
WORD_TIME_END = re.compile(rf"\s*(?:$|[,.;:!?)]|[{DATE}]|(?:today|tomorrow|tonight|on|for)\b)")
PAST_MINUTES = {
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
# Approximate times: "3ish", "3pm-ish", "4:30 ish"; "about 3", "~3pm", "at roughly 4:30" (a
# bare hour after "about" only at the end or before a date, so "about 5 priorities" is topic).
ISH_TIME = re.compile(
    rf"{_AT}?{_NOT_AFTER_NUMBER}(?P<h>\d{{1,2}})(?::(?P<m>\d{{2}}))?(?:\s*(?P<r>{_MERIDIEM}))?"
    r"[\s-]*ish\b(?!\s*[-–—]\s*\d)"
)
ABOUT_TIME = re.compile(
    r"(?:(?<![\w@])(?:at\s+|@\s*)?(?:about|approx\.?|approximately|roughly|circa)\s+"
    r"|(?<![\w@])(?:at\s+|@\s*)?~\s*)"
    rf"{_NOT_AFTER_NUMBER}(?P<h>\d{{1,2}})(?::(?P<m>\d{{2}}))?(?:\s*(?P<r>{_MERIDIEM}))?"
    r"(?![\d:./%\w])"
)
AT_TIME = re.compile(_AT + _NOT_AFTER_NUMBER + r"(?P<h>\d{1,2})(?:\s*o'?clock)?(?![\d:./%\w])")
OCLOCK = re.compile(r"(?<![\d:./#])(?P<h>\d{1,2})\s*o'?clock\b")
NOON = re.compile(_AT + r"?\b(?:12\s*)?(?P<sp>noon|midday|midnight)(?P<ish>[\s-]*ish)?\b")
BARE_AFTER_DATE = re.compile(
    rf"(?<=[{DATE}])(?:\s*,)?\s+(?P<h>\d{{1,2}})(?![\d:./%\w])(?!\s*[-–]\s*\d)"
)
TIME_FOLLOWS = re.compile(rf"\s*,?\s*(?:at\s+|@\s*)?(?:\d|[{DATE}])")
INSTANT = re.compile(r"\b(?:right\s+now|now|asap|a\.s\.a\.p\.?|immediately|right\s+away)\b")

"""The safety net: time-like words the reading did not use.

After every reader has claimed what it understood, what is left becomes the topic. If the
left-over text still holds something that looks like a time (digits with am/pm/h, a clock,
a weekday, a month with a day, a relative word, a zone abbreviation), the reading refuses
and quotes it rather than schedule a wrong meeting. The patterns are narrow on purpose, so
"1:1 with Ana", "Q3 planning", "v2 launch" and "top 10 list" stay topics.
"""

from __future__ import annotations

import re

from bot.reading.scan import TIME, Scan
from bot.reading.vocabulary import MONTH

_ORDINAL_WORD = (
    r"first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth"
    r"|\d{1,2}(?:st|nd|rd|th)"
)
# Each time-like shape with the characters a match of it can start with: "9" a digit,
# "a" an ASCII letter, "+" anything else. `_TIME_LIKE` tries at each place only the shapes
# that can start with its character (same matches as one plain alternation, in a third of
# the time; tests/reading/test_leftovers.py holds them equal).
_TIME_LIKE_SHAPES: tuple[tuple[str, str], ...] = (
    # digits with am/pm, a/p or h: "11 am", "3p", "15h30", "9 a.m."
    ("9", r"(?<![\w.:/#-])\d{1,2}(?::\d{2})?\s*(?:a\.?m\b\.?|p\.?m\b\.?)"),
    ("9", r"(?<![\w.:/#-])\d{1,2}(?::\d{2})?[ap](?!['.]?\w)"),
    ("9", r"(?<![\w.:/#-])\d{1,2}h(?:\d{2})?(?![\w:])"),
    ("9", r"(?<![\w.:/#-])\d{1,2}(?::\d{2})?\s*-?ish\b"),
    # a clock: "3:30", "14:00:00" (not "1:1" or "2:1")
    ("9", r"(?<![\w.:/#-])\d{1,2}:\d{2}(?::\d{2})?(?![\d:])"),
    # weekdays in full, and the unambiguous short ones
    ("a", r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)days?\b"),
    ("a", r"\b(?:tue|tues|wed|weds|thu|thur|thurs)\b"),
    # a month next to a day number
    ("a", rf"\b{MONTH}\s*\d{{1,2}}(?:st|nd|rd|th)?(?![\d:.])"),
    ("9", rf"(?<![\w.:/#-])\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTH}"),
    # relative and day words
    ("a", r"\b(?:tomorrow|tmrw|tmr|today|tonight|tonite|yesterday|noon|midday|midnight)\b"),
    ("a", r"\bo'?clock\b"),
    ("a", r"\b(?:half|quarter)\s+(?:past|to|after|of)\b"),
    ("a", r"\bfrom\s+now\b"),
    ("a", r"\b(?:next|this)\s+(?:morning|afternoon|evening|week|month)\b"),
    (
        "a",
        r"\bin\s+(?:\S+\s+){0,3}?\S*?(?:min(?:ute)?s?|hours?|hrs?|days?|weeks?|months?|years?)\b",
    ),
    ("a", r"\b(?:days?|weeks?|months?|fortnights?)\s+from\b"),
    ("a", r"\bfortnight\b"),
    ("a", r"\bago\b"),
    ("a", r"\b(?:late|early|mid)[\s-]?(?:morning|afternoon|evening|day)\b"),
    ("9", r"\b2mor\w*"),
    ("a", r"\btom+or+o?w+\b"),
    # minutes left after a time read: "at 5 30"
    ("9+", rf"(?<=[{TIME}])\s*[0-5]\d\b(?!\s*(?:min|minutes?|people|attendees)\b)"),
    # absurd numbers written as times: "1e400 minutes", "99999:00", "the 99999th"
    ("9", r"(?<![\w.])\d[\d.]*e[+-]?\d+\s*(?:min(?:ute)?s?|hours?|hrs?|days?|weeks?)\b"),
    ("9", r"(?<![\w.:/#-])\d{3,}:\d{2}(?![\d:])"),
    ("a", r"\bthe\s+\d{3,}(?:st|nd|rd|th)\b"),
    ("9", r"(?<![\w.:/#-])\d{1,2}/\d{1,2}/\d{3,}\b"),
    # vague or unread: "this weekend", "within the hour", "in 5", "9 to 5"
    ("a", r"\b(?:this|next)\s+weekend\b"),
    ("a", r"\bwithin\s+(?:the\s+|an?\s+)?(?:hour|day|week)\b"),
    ("a", r"\bin\s+\d{1,3}(?=\s*$|\s*[,.;!?])"),
    ("9", r"(?<![\w.:/#-])\d{1,2}\s*(?:to|till|til|until)\s+\d{1,2}(?![\w:/.])"),
    ("9a", rf"\b(?:{_ORDINAL_WORD})\s+of\s+{MONTH}"),
    ("a", rf"\b{MONTH}\s+the\s+\d"),
    ("a", r"\b(?:after|before)\s+(?:lunch|breakfast|dinner|work|the\s+meeting)\b"),
    # "before noon", "after 3pm": a bound, not a start
    ("a", rf"\b(?:before|after|until|till|til|no\s+later\s+than)\s*(?=[{TIME}])"),
    # a holiday right before the time read: "Christmas at 10am" (not "Christmas party")
    (
        "a",
        r"\b(?:christmas(?:\s+(?:eve|day))?|new\s+year'?s(?:\s+(?:eve|day))?|thanksgiving"
        rf"|halloween|easter|boxing\s+day|labou?r\s+day)(?=\s*(?:at\s*|@\s*)?[{TIME}])",
    ),
    # spelled-out hour and minutes: "nine thirty standup"
    (
        "a",
        r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)[\s-]+"
        r"(?:oh[\s-]five|fifteen|thirty|forty[\s-]five)\b",
    ),
    ("9", r"\b\d+\s*(?:min(?:ute)?s?|hours?|hrs?|days?|weeks?)\s+(?:after|before|later|from)\b"),
    ("+", r"(?<![\w+])\+\s*\d"),
)


def _by_first_character(shapes: tuple[tuple[str, str], ...]) -> re.Pattern[str]:
    """One pattern that tries, at each place, only the shapes that can start there."""
    groups = []
    for start, lookahead in (("9", r"(?=\d)"), ("a", r"(?=[a-z])"), ("+", r"(?=[^\da-z])")):
        group = [shape for starts, shape in shapes if start in starts]
        groups.append(f"{lookahead}(?:{'|'.join(group)})")
    return re.compile("|".join(groups))


_TIME_LIKE = _by_first_character(_TIME_LIKE_SHAPES)

# Rarer shapes, looked for only when a word they need is in the text (a call stays cheap).
_TIME_LIKE_MORE = re.compile(
    "|".join(
        (
            # two times offered: "3 or 4pm", "3/4pm", "sync 3 or 4"
            rf"(?<![\w.:/#-])\d{{1,2}}(?::\d{{2}})?\s*(?:[ap]\.?m\.?)?\s+or\s+(?=[{TIME}])",
            r"(?<![\w.:/#-])\d{1,2}(?::\d{2})?\s+or\s+\d{1,2}(?::\d{2})?\s*[.!?]?\s*$",
            r"(?<![\w.:/#-])\d{1,2}/\d{1,2}\s*(?:a\.?m|p\.?m)\b",
            # a bound with a bare hour at the end: "sync before 3", "no later than 4"
            r"\b(?:before|no\s+later\s+than|after|from|until|till|til)\s+\d{1,2}(?::\d{2})?"
            r"\s*[.!?]?\s*$|\bin\s+a\s+(?:bit|few|sec|second|moment|min|jiffy)\b",
            # a dashed month-day right before the time read: "sync 12-15 9am" ("sprint 3-4"
            # stays topic; dates are written 12/15 or Dec 15)
            r"(?<![\w.:/#-])(?:(?:0[1-9]|1[0-2])-(?:[0-2]?\d|3[01])|[1-9]-(?:0\d|1[3-9]|2\d|3[01]))"
            rf"(?![\w:/.-])(?=\s*,?\s*(?:at\s+|@\s*)?[{TIME}])",
        )
    )
)
_MORE_HINTS = ("-", "/", " or ", "before", "later than", "after", "from", "til", "in a ")

# Read only when no time was: "EOD review at 5pm" is a topic, "EOD" alone is a deadline.
_NO_TIME_ONLY = re.compile(
    r"\bend\s+of\s+(?:the\s+)?(?:day|week|month)\b|\beod\b|\bcob\b|\blunchtime\b"
    r"|\bclose\s+of\s+(?:business|play)\b|\beow\b"
    r"|(?<![\w.:/#$€£-])(?:[01]?\d|2[0-3])\.[0-5]\d(?![\d.%\w])"  # "15.00", not "v2.10"
)

# Zone abbreviations count only as written in capitals: "et al." and "pt" are words.
_ZONE_LIKE = re.compile(
    r"(?<![\w/])(?:PST|PDT|MST|MDT|CST|CDT|EST|EDT|UTC|GMT|BST|CEST|CET|IST|JST|AEST|AEDT"
    r"|PT|ET)(?![\w/])"
)


# A deadline, not a start: refused with its own sentence (docs/decisions.md says why).
DEADLINE = re.compile(
    r"^(?:eod|eow|cob|cop|end\s+of\s+(?:the\s+)?(?:day|week|month)|close\s+of\s+(?:business|play))$",
    re.IGNORECASE,
)


def leftover_time(scan: Scan, with_zones: bool = True) -> str | None:
    """The first time-like word in the text no reader claimed, as written; None if none.
    `with_zones=False` when a time was read: a zone abbreviation away from it is topic
    ("CST migration sync 3pm"), as the conventions say."""
    found = []
    match = _TIME_LIKE.search(scan.masked)
    if match is not None:
        found.append(match)
    if any(hint in scan.masked for hint in _MORE_HINTS):
        more = _TIME_LIKE_MORE.search(scan.masked)
        if more is not None:
            found.append(more)
    late = _NO_TIME_ONLY.search(scan.masked) if with_zones else None
    if late is not None:
        found.append(late)
    for zone in _ZONE_LIKE.finditer(scan.text) if with_zones else ():
        if scan.masked[zone.start() : zone.end()] == scan.text[zone.start() : zone.end()].lower():
            found.append(zone)
            break
    if not found:
        return None
    first = min(found, key=lambda m: m.start())
    return scan.original(first.start(), first.end())


def mentions_time(text: str) -> bool:
    """Whether `text` holds any time word the reader reads or any time-like word it would
    refuse: what decides that `/zoom list review at 3` is a meeting, not `list`."""
    from bot.reading.time_words import find_time_words  # late: time_words is the heavier

    scan = Scan(" ".join(text.replace("’", "'").split()))
    try:
        words = find_time_words(scan, "UTC")
    except Exception:  # a refusal (two zones, an unknown zone) is about time too
        return True
    if words.times or words.dates or words.relative_minutes is not None or words.repetitions:
        return True
    return leftover_time(scan) is not None

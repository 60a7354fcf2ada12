"""The grammar of repetition ("every weekday", "every other friday", "monthly on the 15th",
"last wednesday of the month") and of its end ("10 times", "for 6 weeks"): the phrases
found in `/zoom` text, merged into one `Repetition` (repetition.py). Which days it falls
on is recurrence_days.py's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from bot.reading.repetition import (
    DAILY,
    MONTHLY_DAY,
    MONTHLY_WEEK,
    WEEKDAYS_MON_FRI,
    WEEKLY,
    Repetition,
    cannot,
)
from bot.reading.results import Refused
from bot.reading.vocabulary import (
    NUMBER,
    ORDINAL,
    ORDINALS,
    WEEKDAY,
    number_of,
    weekday_of,
)

_SEP = r"(?:\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*|\s*/\s*|\s*\+\s*)"
_RANGE = r"\s*(?:-|–|to|through|thru)\s*"
DAY_LIST = rf"(?:{WEEKDAY}(?:{_RANGE}{WEEKDAY})?(?:{_SEP}{WEEKDAY}(?:{_RANGE}{WEEKDAY})?)*)"
_OF_MONTH = r"\s+of\s+(?:(?:the|every|each|a)\s+)?(?:(?P<other_month>other)\s+)?month\b"
_OF_MONTH_PLAIN = r"\s+of\s+(?:(?:the|every|each|a)\s+)?(?:other\s+)?month\b"
_DAY_NUMBER = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_ON_TAIL = (
    rf"(?:\s+on)?\s+(?:(?P<tail_days>{DAY_LIST})"
    rf"|(?:the\s+)?(?P<tail_ord>{ORDINAL})\s+(?P<tail_wd>{WEEKDAY})(?:{_OF_MONTH_PLAIN})?"
    rf"|(?:the\s+)?{_DAY_NUMBER}(?!\s*(?:[:.]\d|am\b|pm\b|a\.m|p\.m))(?:{_OF_MONTH_PLAIN})?)"
)
_ON_TAIL_REQUIRED = _ON_TAIL.replace(r"(?:\s+on)?\s+", r"\s+on\s+", 1)

_UNITS = (
    r"(?P<unit>days?|weekdays?|wkdays?|workdays?|business\s+days?|weekends?|weeks?|wks?|months?"
    r"|years?|hours?|minutes?|quarters?|fortnights?)"
)
# "every morning", "everyday", "every weekday morning": the part of the day goes with it.
_PART = r"(?:\s+(?:morning|afternoon|evening|night))?"
EVERY = re.compile(
    r"\b(?P<daily>everyday|(?:every|each)\s+(?:morning|afternoon|evening|night))\b"
    rf"|\b(?:every|each)\s+(?:(?P<other>other)\s+|(?P<n>{NUMBER})\s+"
    r"|(?P<nth>2nd|second|3rd|third|4th|fourth)\s+(?=(?:weeks?|wks?|months?|days?)\b))?"
    rf"(?:{_UNITS}\b{_PART}(?:{_ON_TAIL_REQUIRED})?"
    rf"|(?P<ord>{ORDINAL})\s+(?P<ord_wd>{WEEKDAY})(?:{_OF_MONTH.replace('other_month', 'om2')})?"
    rf"|(?P<days>{DAY_LIST}))"
)
ADVERB_ON = re.compile(
    r"\b(?P<adv>daily|weekly|bi-?weekly|fortnightly|monthly|bi-?monthly|quarterly)"
    + _ON_TAIL_REQUIRED
)
# "quarterly 1st mon", "monthly last fri": an adverb with an ordinal weekday, no "on".
ADVERB_ORDINAL = re.compile(
    rf"\b(?P<adv>monthly|bi-?monthly|quarterly)\s+(?:the\s+)?(?P<ord>{ORDINAL})\s+"
    rf"(?P<wd>{WEEKDAY})(?:{_OF_MONTH_PLAIN})?"
)
ADVERB = re.compile(
    r"\b(?P<adv>daily|weekly|bi-?weekly|fortnightly|monthly|bi-?monthly|quarterly"
    r"|yearly|annually|hourly)\b"
)
MONTHLY_WEEK_PHRASE = re.compile(
    rf"\b(?:on\s+)?(?:the\s+)?(?P<ord>{ORDINAL})\s+(?P<wd>{WEEKDAY}){_OF_MONTH}"
)
MONTHLY_DAY_PHRASE = re.compile(rf"\b(?:on\s+)?the\s+{_DAY_NUMBER}{_OF_MONTH}")
PLURAL_WEEKDAYS = re.compile(
    r"\b(?:on\s+)?(?P<days>(?:mon|tues|wednes|thurs|fri|satur|sun)days"
    rf"(?:{_SEP}(?:mon|tues|wednes|thurs|fri|satur|sun)days)*)\b"
)
# Days without "every": a span "mon-fri", "Mon–Thu", "monday to wednesday", a slashed list
# "tue/thu", "M-F", "MWF", "T/Th", or "weekdays": people mean every week on those days.
_SPAN = rf"{WEEKDAY}{_RANGE}{WEEKDAY}"
_SLASHED = rf"{WEEKDAY}(?:\s*/\s*{WEEKDAY})+"
_LETTERS = r"m\s*[-–]\s*f|m\s*/\s*w\s*/\s*f|m\s+w\s+f|mwf|t\s*/\s*th|tth|tu\s*/\s*th"
_CHAIN = rf"{WEEKDAY}(?:\s*[-–]\s*{WEEKDAY}){{2,}}"  # "mon-wed-fri" lists, not a span
BARE_DAYS = re.compile(
    rf"(?<![\w/-])(?:on\s+)?(?P<days>(?:{_CHAIN}|{_SPAN}|{_SLASHED})(?:{_SEP}(?:{_SPAN}|{WEEKDAY}))*"
    rf"|(?P<letters>{_LETTERS})(?![\w/-])|(?P<wk>on\s+(?:weekdays|workdays)\b|(?:weekdays|workdays)\b"
    r"(?=\s*,?\s*(?:at\s+|@\s*)?\d))|(?P<wk_end>weekdays|workdays)\b)"
)
# Cheap looks first: most texts name no days and leave none out.
_DAYS_WORD = re.compile(
    r"mon|tue|wed|thu|fri|sat|sun|wens|thrus|fir|frday|weekdays|workdays|\bm\b|mwf|\bt\b|tth|tu\b"
)
_EXCEPT_WORD = re.compile(r"except|excluding|but not|not on|skipping")
_TIME_BEFORE = re.compile(r"(?:\d|[ap]\.?m\.?|noon)\s*,?\s*$")
_LETTER_DAYS = {"mf": WEEKDAYS_MON_FRI, "mwf": (0, 2, 4), "tth": (1, 3)}
COUNT_END = re.compile(
    rf"\b(?:for\s+)?(?P<n>{NUMBER})\s+(?:times|occurrences|sessions|meetings|instances)\b"
    r"|(?<![\w.])[x×]\s*(?P<x>\d{1,3})\b"
)
SPAN_END = re.compile(
    rf"\bfor\s+(?:the\s+next\s+)?(?P<n>{NUMBER}|a|an)\s+(?P<unit>days?|weeks?|months?|years?)\b"
)


def _expand_days(text: str) -> tuple[int, ...]:
    days: list[int] = []
    for part in re.split(_SEP, text):
        ends = [weekday_of(m.group(0)) for m in re.finditer(WEEKDAY, part)]
        if len(ends) == 2 and re.search(_RANGE, part):
            first, last = ends
            span = (last - first) % 7
            ends = [(first + i) % 7 for i in range(span + 1)]
        for day in ends:
            if day not in days:
                days.append(day)
    return tuple(sorted(days))


def _from_tail(written: str, interval: int, match: re.Match[str], monthly: bool) -> Repetition:
    """The repetition an "on ..." tail names ("on monday and friday", "on the 15th")."""
    if match["tail_days"]:
        if monthly:
            raise cannot(written, "a monthly meeting takes a day number or e.g. first monday")
        return Repetition(written, WEEKLY, interval, _expand_days(match["tail_days"]))
    if match["tail_ord"]:
        return _monthly_week(written, match["tail_ord"], match["tail_wd"], interval)
    return _monthly_day(written, int(match["day"]), interval)


def _monthly_week(written: str, ordinal: str, weekday: str, interval: int) -> Repetition:
    week = ORDINALS[ordinal]
    if week == 5:
        raise cannot(written, "Zoom only repeats on the first to fourth or the last weekday")
    return Repetition(
        written, MONTHLY_WEEK, interval, monthly_week=week, monthly_weekday=weekday_of(weekday)
    )


def check_day(written: str, day: int) -> None:
    """Refuse a monthly day number that no month has."""
    if not 1 <= day <= 31:
        raise cannot(written, f"there is no day {day} in a month")


def _monthly_day(written: str, day: int, interval: int) -> Repetition:
    check_day(written, day)
    return Repetition(written, MONTHLY_DAY, interval, monthly_day=day)


def _every(written: str, match: re.Match[str]) -> Repetition:
    if match["daily"]:
        return Repetition(written, DAILY, 1)
    interval = 2 if match["other"] else number_of(match["n"]) if match["n"] else 1
    if match["nth"]:
        interval = ORDINALS[match["nth"]]
    if match["days"]:
        return Repetition(written, WEEKLY, interval, _expand_days(match["days"]))
    if match["ord"]:
        return _monthly_week(written, match["ord"], match["ord_wd"], interval)
    unit = " ".join(match["unit"].split())
    if unit in ("wk", "wks"):
        unit = "week"
    if unit.startswith("fortnight"):
        interval, unit = interval * 2, "week"
    if unit.startswith(("hour", "minute")):
        raise cannot(written, "Zoom does not repeat a meeting within a day")
    if unit.startswith("year"):
        raise cannot(written, "Zoom does not repeat meetings yearly")
    if unit.startswith(("weekday", "wkday", "workday", "business")):
        return Repetition(written, WEEKLY, interval, WEEKDAYS_MON_FRI)
    if unit.startswith("weekend"):
        return Repetition(written, WEEKLY, interval, (5, 6))
    if unit.startswith("quarter"):
        interval *= 3
        unit = "month"
    if match["tail_days"] or match["tail_ord"] or match["day"]:
        return _from_tail(written, interval, match, unit.startswith("month"))
    if unit.startswith("day"):
        return Repetition(written, DAILY, interval)
    if unit.startswith("week"):
        return Repetition(written, WEEKLY, interval)
    return Repetition(written, MONTHLY_DAY, interval)


def _adverb(written: str, adverb: str, match: re.Match[str] | None) -> Repetition:
    adverb = adverb.replace("-", "")
    if adverb in ("yearly", "annually"):
        raise cannot(written, "Zoom does not repeat meetings yearly")
    if adverb == "hourly":
        raise cannot(written, "Zoom does not repeat a meeting within a day")
    interval = {"biweekly": 2, "fortnightly": 2, "bimonthly": 2, "quarterly": 3}.get(adverb, 1)
    monthly = adverb in ("monthly", "bimonthly", "quarterly")
    if match is not None:
        return _from_tail(written, interval, match, monthly)
    if adverb == "daily":
        return Repetition(written, DAILY, interval)
    if monthly:
        return Repetition(written, MONTHLY_DAY, interval)
    return Repetition(written, WEEKLY, interval)


@dataclass(frozen=True)
class Found:
    """A phrase found in text: where it is and what it says."""

    start: int
    end: int
    repetition: Repetition


def find_repetition(masked: str, original: str) -> list[Found]:
    """Every repetition phrase in the lower-cased, masked text. Bare adverbs ("daily")
    count only when no other phrase names the repetition: "daily standup every weekday"
    repeats every weekday and keeps "daily" in the topic."""
    found: list[Found] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in taken)

    def add(match: re.Match[str], repetition: Repetition) -> None:
        found.append(Found(match.start(), match.end(), repetition))
        taken.append((match.start(), match.end()))

    excepted = _EXCEPT_WORD.search(masked) is not None
    if excepted:  # days left out, not a repeat
        taken.extend(m.span() for m in EXCEPT.finditer(masked))

    for pattern in (MONTHLY_WEEK_PHRASE, MONTHLY_DAY_PHRASE):
        for match in pattern.finditer(masked):
            written = original[match.start() : match.end()].strip()
            interval = 2 if match["other_month"] else 1
            if pattern is MONTHLY_WEEK_PHRASE:
                add(match, _monthly_week(written, match["ord"], match["wd"], interval))
            else:
                add(match, _monthly_day(written, int(match["day"]), interval))
    for match in EVERY.finditer(masked):
        if free(match.start(), match.end()):
            written = original[match.start() : match.end()].strip()
            repetition = _every(written, match)
            if match["om2"]:
                repetition = replace(repetition, interval=repetition.interval * 2)
            add(match, repetition)
    for match in ADVERB_ORDINAL.finditer(masked) if "ly " in masked else ():
        if free(match.start(), match.end()):
            written = original[match.start() : match.end()].strip()
            interval = {"monthly": 1, "quarterly": 3}.get(match["adv"], 2)
            add(match, _monthly_week(written, match["ord"], match["wd"], interval))
    for match in ADVERB_ON.finditer(masked):
        if free(match.start(), match.end()):
            written = original[match.start() : match.end()].strip()
            add(match, _adverb(written, match["adv"], match))
    for match in PLURAL_WEEKDAYS.finditer(masked):
        if free(match.start(), match.end()):
            written = original[match.start() : match.end()].strip()
            add(match, Repetition(written, WEEKLY, 1, _expand_days(match["days"])))
    for match in BARE_DAYS.finditer(masked) if _DAYS_WORD.search(masked) else ():
        if free(match.start(), match.end()):
            written = original[match.start() : match.end()].strip()
            if match["letters"]:
                letters = re.sub(r"[^a-z]", "", match["letters"]).replace("tuth", "tth")
                days = _LETTER_DAYS[letters]
            elif match["wk_end"] and not _TIME_BEFORE.search(masked, 0, match.start()):
                continue  # "discuss weekdays": only "9am weekdays" is a repeat
            elif match["wk"] or match["wk_end"]:
                days = WEEKDAYS_MON_FRI
            else:
                days = _expand_days(match["days"])
            add(match, Repetition(written, WEEKLY, 1, days, implied=True))
    if not found:
        for match in ADVERB.finditer(masked):
            written = original[match.start() : match.end()].strip()
            add(match, _adverb(written, match["adv"], None))
            break
    return found


EXCEPT = re.compile(
    rf"\b(?:except|excluding|but\s+not|not\s+on|skipping)\s+(?:on\s+)?(?:the\s+)?"
    rf"(?P<days>{DAY_LIST}|weekends?)"
)


def apply_except(masked: str, original: str, found: list[Found]) -> tuple[int, int] | None:
    """ "daily except fri", "every weekday but not wed": the days left out of a daily or
    weekly repeat. Replaces found[0]'s repetition; returns the span of the phrase read."""
    match = EXCEPT.search(masked) if _EXCEPT_WORD.search(masked) else None
    if match is None:
        return None
    written = original[match.start() : match.end()].strip()
    first = found[0].repetition
    if len(found) > 1 or first.interval != 1 or first.kind not in (DAILY, WEEKLY):
        raise cannot(f"{first.written} {written}", "I can leave days out only of a daily or "
                     "weekly repeat")  # fmt: skip
    days = first.weekdays if first.kind == WEEKLY and first.weekdays else tuple(range(7))
    if first.kind == WEEKLY and not first.weekdays:
        raise cannot(f"{first.written} {written}", "name the days it meets")
    left_out = (5, 6) if match["days"].startswith("weekend") else _expand_days(match["days"])
    kept = tuple(d for d in days if d not in left_out)
    if not kept:
        raise cannot(f"{first.written} {written}", "that leaves no day")
    found[0] = replace(
        found[0],
        repetition=replace(first, kind=WEEKLY, weekdays=kept, implied=True,
                           written=f"{first.written} {written}"),
    )  # fmt: skip
    return match.start(), match.end()


def merge(found: list[Found]) -> Repetition:
    """One repetition from the phrases found: "every monday and every friday" joins weekly
    days; "every week on monday" style doubles are the same. Raises Refused otherwise."""
    first = found[0].repetition
    if len(found) == 1:
        return first
    if all(f.repetition.kind == WEEKLY and f.repetition.interval == first.interval for f in found):
        days = sorted({d for f in found for d in f.repetition.weekdays})
        return replace(
            first, weekdays=tuple(days), written=" and ".join(f.repetition.written for f in found)
        )
    written = " and ".join(f"“{f.repetition.written}”" for f in found)
    raise Refused(
        f"I read {written} as two different repeats; Zoom takes one. "
        f"Keep one, like `/zoom review every other friday at 3pm`."
    )

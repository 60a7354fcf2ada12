"""Whether a range of bare hours, without minutes, am/pm or "from", is a meeting time.

"lunch 12-1", "call 11-12", "11-1" are: a side is 12, or the range crosses noon (7-11 to
1-6), so the hour convention reads it as the middle of a working day. "2-3", "3-4" and
"10-11" (both ends on the same side of noon, the second later) are times at the end of the
text ("sync 2-3") or next to a date; elsewhere they stay topic ("2-3 people", "Sprint 3-4").
A month beside the numbers makes them days ("Nov 11-12", "11-12 Dec"): a span of days,
refused with its own sentence. A counted noun after them ("10-12 items") keeps them topic.
"""

from __future__ import annotations

import re

from bot.reading.vocabulary import MONTH

_COUNTED = re.compile(
    r"\s*(?:people|persons|ppl|folks|items|attendees|guests|slots|pages|points|tickets"
    r"|students|seats|users|customers|candidates|reps|sets|%|x\b"
    r"|(?:min(?:ute)?s?|hours?|hrs?|days?|weeks?|wks?|months?|years?|yrs?)\b)"
)
_MONTH_AFTER = re.compile(rf"\s*,?\s*(?:of\s+)?{MONTH}")
_MONTH_BEFORE = re.compile(rf"\b{MONTH}\s*$")
_MONTH_OR_COUNT_BEFORE = re.compile(
    rf"(?:\b{MONTH}|\b(?:top|sprint|sprints|page|pages|pp\.?|chapter|chapters|ch\.?|grade|grades"
    r"|ages?|week|weeks|wk|wks|q|v|no\.?|nos\.?|rows?|steps?|levels?|rooms?|floors?|score"
    r"|scored|won|lost|tied|beat))\s*$"
)


def bare_range_is_time(masked: str, start: int, end: int, first: int, last: int) -> bool:
    """Whether hours `first`-`last` written bare at masked[start:end] are a meeting time."""
    morning_to_noon_or_later = 7 <= first <= 11 and (last == 12 or 1 <= last <= 6)
    same_half = first < last and (last <= 6 or 7 <= first <= 11 >= last)
    at_the_end = not masked[end:].strip(" \t.,;!?)")
    if not (
        morning_to_noon_or_later or (first == 12 and 1 <= last <= 6) or (same_half and at_the_end)
    ):
        return False
    before = masked[max(0, start - 24) : start]
    if _MONTH_OR_COUNT_BEFORE.search(before) or _MONTH_AFTER.match(masked, end):
        return False
    return _COUNTED.match(masked, end) is None


def day_span(masked: str, start: int, end: int) -> tuple[int, int] | None:
    """Where bare numbers at masked[start:end] and a month beside them are written ("Nov
    11-12", "11-12 Dec"), or None when no month is beside them."""
    offset = max(0, start - 12)
    before = _MONTH_BEFORE.search(masked[offset:start])
    if before is not None:
        return offset + before.start(), end
    after = _MONTH_AFTER.match(masked, end)
    return (start, after.end()) if after is not None else None

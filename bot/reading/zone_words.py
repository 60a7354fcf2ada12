"""The finders of time zones in `/zoom` text: written zones ("PT", "Europe/Berlin"), fixed
offsets ("UTC+2"), a zone right after a time ("3pm CET", "09:00Z"), and capital
abbreviations next to a date or a time.
"""

from __future__ import annotations

import re

from bot.reading import zones
from bot.reading.found_words import TimeWords, claim
from bot.reading.results import Refused
from bot.reading.scan import DATE, OTHER, TIME, Scan


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
        _set_zone(words, name, claim(scan, match))
        words.zone_offset = offset


def find_zone(scan: Scan, words: TimeWords) -> None:
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
            _set_zone(words, name, claim(scan, match))


def _set_zone(words: TimeWords, name: str, written: str) -> None:
    if words.zone is not None and words.zone != name:
        raise Refused(
            f"I read two time zones, “{words.zone_written}” and “{written}”. Keep one, "
            f"like `/zoom partner call 4pm ET`."
        )
    words.zone, words.zone_written = name, written


# What machines print after a time: "09:00Z", "09:00:00-05:00", "09:00 +0530".
_NUMERIC_OFFSET = re.compile(
    r"(?:(?P<z>z)(?![\w])|\s?(?P<sign>[+\-−])(?P<h>\d{2}):?(?P<m>\d{2})(?![\w:]))"
)


_DATE_BETWEEN = re.compile(rf"\s*,?\s*[{DATE}]+\s*,?")


def zone_after(scan: Scan, words: TimeWords, pos: int) -> None:
    match = zones.AFTER_TIME.match(scan.masked, pos)
    if match is None and words.zone is None:  # "3pm tmrw pst": a date between time and zone
        between = _DATE_BETWEEN.match(scan.masked, pos)
        if between is not None:
            match = zones.AFTER_TIME.match(scan.masked, between.end())
    if match is not None:
        written = claim(scan, match)
        _set_zone(words, words.zone_named(match["zone"]), written)
        return
    offset = _NUMERIC_OFFSET.match(scan.masked, pos)
    if offset is None:
        return
    written = scan.original(offset.start(), offset.end())
    if offset["z"]:
        _set_zone(words, "UTC", claim(scan, offset))
        return
    try:
        name, delta = zones.fixed_offset(offset["sign"], int(offset["h"]), int(offset["m"]))
    except zones.UnknownOffset:
        raise Refused(
            f"I read “{written}” as an offset from UTC, but Zoom has no time zone that stays "
            f"at it all year. Name the place instead, like `3pm PT` or `3pm Europe/Berlin`."
        ) from None
    _set_zone(words, name, claim(scan, offset))
    words.zone_offset = delta


def _next_to_time_words(scan: Scan, start: int, end: int) -> bool:
    """Whether only spaces, commas or brackets separate text[start:end] from a date or a
    time already read ("3pm (CET)", "on dec 1 PT", "EST 3pm")."""
    before = scan.masked[:start].rstrip(" ,(")
    after = scan.masked[end:].lstrip(" ,)")
    return before.endswith((DATE, TIME)) or after.startswith((DATE, TIME))


def find_zone_anywhere(scan: Scan, words: TimeWords) -> None:
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
        _set_zone(words, words.zone_named(match["zone"]), claim(scan, match))

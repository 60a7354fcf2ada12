"""Time zones named in text: abbreviations mapped to IANA regions, and IANA names.

An abbreviation means that region's wall clock, daylight saving included: "9:00 CET" in
June is 09:00 in Paris (CEST). That is why abbreviations map to regions and never to the
fixed offsets dateparser would use.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

ABBREVIATIONS: dict[str, str] = {
    "pt": "America/Los_Angeles", "pst": "America/Los_Angeles", "pdt": "America/Los_Angeles",
    "pacific": "America/Los_Angeles", "pacific time": "America/Los_Angeles",
    "mt": "America/Denver", "mst": "America/Denver", "mdt": "America/Denver",
    "mountain": "America/Denver", "mountain time": "America/Denver",
    "ct": "America/Chicago", "cst": "America/Chicago", "cdt": "America/Chicago",
    "central": "America/Chicago", "central time": "America/Chicago",
    "et": "America/New_York", "est": "America/New_York", "edt": "America/New_York",
    "eastern": "America/New_York", "eastern time": "America/New_York",
    "utc": "UTC", "gmt": "UTC", "z": "UTC",
    "bst": "Europe/London", "uk time": "Europe/London", "london time": "Europe/London",
    "cet": "Europe/Paris", "cest": "Europe/Paris", "paris time": "Europe/Paris",
    "berlin time": "Europe/Berlin",
    "ist": "Asia/Kolkata", "india time": "Asia/Kolkata",
    "jst": "Asia/Tokyo", "tokyo time": "Asia/Tokyo",
    "aest": "Australia/Sydney", "aedt": "Australia/Sydney", "sydney time": "Australia/Sydney",
}  # fmt: skip

# Read after a time ("4pm ET", "9:00 (CET)"), case-insensitively.
AFTER_TIME = re.compile(
    r"\s*\(?\s*(?P<zone>"
    + "|".join(sorted((re.escape(a) for a in ABBREVIATIONS if a != "z"), key=len, reverse=True))
    + r")\b\)?"
)

# Read anywhere once a time is found, but only as written in capitals: two-letter ones
# ("PT session") are too often something else.
ANYWHERE = re.compile(
    r"(?<![\w/])(?P<zone>PST|PDT|MST|MDT|CST|CDT|EST|EDT|UTC|GMT|BST|CEST|CET|IST|JST|AEST|AEDT)"
    r"(?![\w/])"
)

IANA_LIKE = re.compile(r"(?<![\w/])(?P<zone>[a-z_]+(?:/[a-z_+\-0-9]+){1,2})(?![\w/])")

_AREAS = frozenset(
    "africa america antarctica arctic asia atlantic australia europe indian pacific etc"
    " us canada brazil mexico chile".split()
)

# Cities people name, for guesses such as "read 9:00 CET as Paris time".
_PLACE = {"UTC": "UTC"}


class UnknownZone(ValueError):
    """Text names something shaped like an IANA zone that does not exist."""


@cache
def _zones_by_lower_name() -> dict[str, str]:
    return {name.lower(): name for name in available_timezones()}


def iana_zone(word: str) -> str | None:
    """The canonical IANA name for `word` ("europe/berlin" -> "Europe/Berlin"), None when
    the word does not look like a zone, and UnknownZone when it looks like one but is not."""
    name = _zones_by_lower_name().get(word.lower())
    if name is not None:
        return name
    if word.split("/", 1)[0].lower() in _AREAS:
        raise UnknownZone(word)
    return None


def zone_of(abbreviation: str) -> str:
    """IANA region of an abbreviation from `ABBREVIATIONS` (any case)."""
    return ABBREVIATIONS[" ".join(abbreviation.lower().split())]


@cache
def load(name: str) -> ZoneInfo:
    """ZoneInfo for an IANA name; raises ZoneInfoNotFoundError (a KeyError) when unknown."""
    if not name or name != name.strip():
        raise ZoneInfoNotFoundError(name)
    try:
        return ZoneInfo(name)
    except (ValueError, OSError) as error:  # "../x" or a directory name
        raise ZoneInfoNotFoundError(name) from error


def place_of(zone: str) -> str:
    """A short name for a zone's region: "America/New_York" -> "New York"."""
    return _PLACE.get(zone) or zone.rsplit("/", 1)[-1].replace("_", " ")


def abbreviation_at(zone: str, local: datetime) -> str:
    """The zone's abbreviation at a naive local time ("EDT"), or its UTC offset."""
    name = local.replace(tzinfo=load(zone)).tzname() or ""
    return name

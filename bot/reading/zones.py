"""Time zones named in text: abbreviations mapped to IANA regions, and IANA names.

An abbreviation means that region's wall clock, daylight saving included: "9:00 CET" in
June is 09:00 in Paris (CEST). That is why abbreviations map to regions and never to the
fixed offsets dateparser would use.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
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
    "aet": "Australia/Sydney", "sydney": "Australia/Sydney", "melbourne": "Australia/Melbourne",
    "london": "Europe/London", "paris": "Europe/Paris", "berlin": "Europe/Berlin",
    "amsterdam": "Europe/Amsterdam", "madrid": "Europe/Madrid", "tokyo": "Asia/Tokyo",
    "japan time": "Asia/Tokyo", "mumbai": "Asia/Kolkata", "delhi": "Asia/Kolkata",
    "bangalore": "Asia/Kolkata", "singapore": "Asia/Singapore", "new york": "America/New_York",
    "nyc": "America/New_York", "new york time": "America/New_York",
    "los angeles": "America/Los_Angeles", "san francisco": "America/Los_Angeles",
    "sf time": "America/Los_Angeles", "chicago": "America/Chicago", "denver": "America/Denver",
    "eastern standard time": "America/New_York", "pacific standard time": "America/Los_Angeles",
    "central european time": "Europe/Paris", "utc time": "UTC", "gmt time": "UTC",
    "sgt": "Asia/Singapore", "hkt": "Asia/Hong_Kong", "hong kong": "Asia/Hong_Kong",
    "kst": "Asia/Seoul", "seoul": "Asia/Seoul", "awst": "Australia/Perth",
    "perth": "Australia/Perth", "nzt": "Pacific/Auckland", "nzst": "Pacific/Auckland",
    "nzdt": "Pacific/Auckland", "auckland": "Pacific/Auckland",
}  # fmt: skip

# Read after a time ("4pm ET", "9:00 (CET)"), case-insensitively.
AFTER_TIME = re.compile(
    r"\s*[(\[]?\s*(?P<zone>"
    + "|".join(sorted((re.escape(a) for a in ABBREVIATIONS if a != "z"), key=len, reverse=True))
    + r")\b[)\]]?"
)

# Read anywhere once a time is found, but only as written in capitals: two-letter ones
# ("PT session") are too often something else.
ANYWHERE = re.compile(
    r"(?<![\w/])(?P<zone>PST|PDT|MST|MDT|CST|CDT|EST|EDT|UTC|GMT|BST|CEST|CET|IST|JST|AEST|AEDT)"
    r"(?![\w/])"
)

# "UTC+2", "GMT-5", "UTC+05:30", "utc +0530": a fixed offset from UTC.
FIXED_OFFSET = re.compile(
    r"(?<![\w/])(?:utc|gmt)\s?(?P<sign>[+\-−])\s?(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?(?![\w:])"
)

# A fixed offset ("UTC+2", "UTC+05:30") reaches Zoom as a zone without daylight saving that
# has that offset: Zoom's `timezone` takes only the names on its own list, which has no
# Etc/GMT±N zones. Each of these is on Zoom's list and kept its offset all year in 2026–2028
# (checked with zoneinfo); the reader checks it again against the meeting's date. Offsets
# with no such zone on Zoom's list (UTC-12, -9, -8, -2, +14, and odd minutes) are refused.
_OFFSET_ZONES = {
    (-11, 0): "Pacific/Pago_Pago", (-10, 0): "Pacific/Honolulu", (-7, 0): "America/Phoenix",
    (-6, 0): "America/Costa_Rica", (-5, 0): "America/Bogota", (-4, 0): "America/Puerto_Rico",
    (-3, 0): "America/Sao_Paulo", (-1, 0): "Atlantic/Cape_Verde", (0, 0): "UTC",
    (1, 0): "Africa/Algiers", (2, 0): "Africa/Johannesburg", (3, 0): "Africa/Nairobi",
    (3, 30): "Asia/Tehran", (4, 0): "Asia/Dubai", (4, 30): "Asia/Kabul",
    (5, 0): "Asia/Tashkent", (5, 30): "Asia/Kolkata", (5, 45): "Asia/Kathmandu",
    (6, 0): "Asia/Dhaka", (6, 30): "Asia/Rangoon", (7, 0): "Asia/Bangkok",
    (8, 0): "Asia/Singapore", (9, 0): "Asia/Tokyo", (9, 30): "Australia/Darwin",
    (10, 0): "Australia/Brisbane", (11, 0): "Pacific/Noumea", (12, 0): "Asia/Kamchatka",
    (13, 0): "Pacific/Apia",
}  # fmt: skip

# Two-letter ones in capitals, read only right next to a date or a time ("dec 1 PT").
SHORT_NEXT_TO_TIME = re.compile(r"(?<![\w/])(?P<zone>PT|MT|CT|ET)(?![\w/])")

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


class UnknownOffset(ValueError):
    """Text names a UTC offset no zone on Zoom's list has all year, such as UTC-8 or UTC+03:10."""


def fixed_offset(sign: str, hours: int, minutes: int) -> tuple[str, timedelta]:
    """The zone on Zoom's list that has this fixed offset all year, and the offset itself
    (UTC+2 is Africa/Johannesburg, UTC+05:30 Asia/Kolkata). Raises UnknownOffset when Zoom's
    list has none."""
    negative = sign in "-−"
    offset = timedelta(hours=hours, minutes=minutes) * (-1 if negative else 1)
    name = _OFFSET_ZONES.get((-hours if negative else hours, minutes))
    if name is None:
        raise UnknownOffset(f"{sign}{hours:02d}:{minutes:02d}")
    return name, offset


def offset_label(offset: timedelta) -> str:
    """UTC+05:30 style label for an offset."""
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"

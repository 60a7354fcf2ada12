"""Zoom's own list of meeting time zones, and the nearest name on it for any IANA zone.

Zoom's `timezone` field takes only the names on its list ("Zoom API: abbreviation lists,
timezones"), not every IANA name. A Slack user may well have a zone that is not on it
(`America/Boise`, `Europe/Kyiv`, `Asia/Ho_Chi_Minh`), and a name Zoom does not know would
put the meeting at the wrong hour. `zoom_timezone()` returns the name itself when Zoom knows
it, else a name on the list whose clock agrees with it at every moment of the next two years
(daylight saving included), else None: the caller then sends the start in UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ZOOM_TIMEZONES: tuple[str, ...] = (
    "Pacific/Midway", "Pacific/Pago_Pago", "Pacific/Honolulu", "America/Anchorage",
    "America/Juneau", "America/Vancouver", "America/Los_Angeles", "America/Tijuana",
    "America/Phoenix", "America/Edmonton", "America/Denver", "America/Mazatlan",
    "America/Regina", "America/Guatemala", "America/El_Salvador", "America/Managua",
    "America/Costa_Rica", "America/Tegucigalpa", "America/Chihuahua", "America/Winnipeg",
    "America/Chicago", "America/Mexico_City", "America/Panama", "America/Bogota",
    "America/Lima", "America/Monterrey", "America/Montreal", "America/New_York",
    "America/Indianapolis", "America/Puerto_Rico", "America/Caracas", "America/Santiago",
    "America/La_Paz", "America/Guyana", "America/Halifax", "America/Montevideo",
    "America/Araguaina", "America/Argentina/Buenos_Aires", "America/Sao_Paulo",
    "Canada/Atlantic", "America/St_Johns", "America/Godthab", "Atlantic/Cape_Verde",
    "Atlantic/Azores", "UTC", "Etc/Greenwich", "Atlantic/Reykjavik", "Africa/Nouakchott",
    "Europe/Dublin", "Europe/London", "Europe/Lisbon", "Africa/Casablanca", "Africa/Bangui",
    "Africa/Algiers", "Africa/Tunis", "Europe/Belgrade", "CET", "Europe/Oslo",
    "Europe/Copenhagen", "Europe/Brussels", "Europe/Berlin", "Europe/Amsterdam", "Europe/Rome",
    "Europe/Stockholm", "Europe/Vienna", "Europe/Luxembourg", "Europe/Paris", "Europe/Zurich",
    "Europe/Madrid", "Africa/Harare", "Europe/Warsaw", "Europe/Prague", "Europe/Budapest",
    "Africa/Tripoli", "Africa/Cairo", "Africa/Johannesburg", "Africa/Khartoum",
    "Europe/Helsinki", "Africa/Nairobi", "Europe/Sofia", "Europe/Istanbul", "Europe/Athens",
    "Europe/Bucharest", "Asia/Nicosia", "Asia/Beirut", "Asia/Damascus", "Asia/Jerusalem",
    "Asia/Amman", "Europe/Moscow", "Asia/Baghdad", "Asia/Kuwait", "Asia/Riyadh", "Asia/Bahrain",
    "Asia/Qatar", "Asia/Aden", "Africa/Djibouti", "Africa/Mogadishu", "Europe/Kiev",
    "Europe/Minsk", "Asia/Dubai", "Asia/Muscat", "Asia/Baku", "Asia/Tehran", "Asia/Kabul",
    "Asia/Yekaterinburg", "Asia/Tashkent", "Asia/Calcutta", "Asia/Kolkata", "Asia/Kathmandu",
    "Asia/Almaty", "Asia/Dacca", "Asia/Dhaka", "Asia/Rangoon", "Asia/Novosibirsk",
    "Asia/Krasnoyarsk", "Asia/Bangkok", "Asia/Saigon", "Asia/Jakarta", "Asia/Irkutsk",
    "Asia/Shanghai", "Asia/Hong_Kong", "Asia/Taipei", "Asia/Kuala_Lumpur", "Asia/Singapore",
    "Australia/Perth", "Asia/Yakutsk", "Asia/Seoul", "Asia/Tokyo", "Australia/Darwin",
    "Australia/Adelaide", "Asia/Vladivostok", "Pacific/Port_Moresby", "Australia/Brisbane",
    "Australia/Sydney", "Australia/Hobart", "Asia/Magadan", "SST", "Pacific/Noumea",
    "Asia/Kamchatka", "Pacific/Fiji", "Pacific/Auckland", "Pacific/Apia",
)  # fmt: skip

_KNOWN = frozenset(ZOOM_TIMEZONES)
# Sampled every 6 hours: daylight-saving changes happen at most a few times a year and on
# the hour or half hour, so two zones that agree at every sample agree in between.
_HORIZON = timedelta(days=730)
_STEP = timedelta(hours=6)


def zoom_timezone(name: str, *, around: datetime | None = None) -> str | None:
    """`name` if Zoom knows it; else a zone on Zoom's list that keeps the same clock as
    `name` for two years from `around` (default now); else None."""
    if name in _KNOWN:
        return name
    start = (around or datetime.now(UTC)).astimezone(UTC)
    # Cache per week: the answer cannot change faster than the zones' rules do.
    week = start.replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(
        days=start.weekday()
    )
    return _equivalent(name, week)


@lru_cache(maxsize=256)
def _equivalent(name: str, start: datetime) -> str | None:
    try:
        zone = ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    # A coarse look first (every 30 days) rules out almost every candidate cheaply.
    coarse = _offsets(zone, start, timedelta(days=30))
    fine = _offsets(zone, start, _STEP)
    for candidate in ZOOM_TIMEZONES:
        try:
            other = ZoneInfo(candidate)
        except ZoneInfoNotFoundError:  # a name this machine's tz database lacks
            continue
        if _offsets(other, start, timedelta(days=30)) == coarse and (
            _offsets(other, start, _STEP) == fine
        ):
            return candidate
    return None


def _offsets(zone: ZoneInfo, start: datetime, step: timedelta) -> tuple[timedelta | None, ...]:
    return tuple(
        (start + step * i).astimezone(zone).utcoffset() for i in range(int(_HORIZON / step))
    )

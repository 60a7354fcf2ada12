"""The grammar of lengths: "45 min", "1h30", "an hour", "half an hour", "2.5 hours", "90m".

`DURATION` finds a candidate in lower-cased text; `minutes_in` reads one exactly. Days and
weeks parse too ("for 2 days"), so the reader can say why it refuses them, and so
"in 3 days" can be read as a date.
"""

from __future__ import annotations

import re

from bot.reading.vocabulary import NUMBER, number_of

_HOURS = r"(?:hours?|hrs?|h)"
_MINUTES = r"(?:minutes?|mins?|m)"
_DAYS = r"(?:days?|d)"
_WEEKS = r"(?:weeks?|wks?|w)"
_UNIT = rf"(?:{_HOURS}|{_MINUTES}|{_DAYS}|{_WEEKS})"
# After a word ("an hour", "two mins") only a unit spelled as a word: "am" is not "a m".
_WORD_UNIT = r"(?:hours?|hrs?|minutes?|mins?|days?|weeks?|wks?)"

# No capturing groups: callers wrap it in their own.
DURATION = (
    r"(?:(?:(?:an?|one)\s+)?(?:hour|hr)\s+and\s+a\s+half"
    r"|(?:a\s+)?half(?:\s+an?|-an?)?[\s-]+hour"
    r"|(?:(?:a|three)\s+)?quarters?\s+(?:of\s+)?an?\s+hour"
    r"|(?:1/2|½)\s*(?:an?\s+)?hour"
    rf"|(?:(?:\d+(?:\.\d+)?|\.\d+)(?:\s+and\s+a\s+half)?\s*-?\s*{_UNIT}"
    rf"|(?:{NUMBER}|an?)(?:\s+and\s+a\s+half)?(?:\s*-\s*|\s+){_WORD_UNIT})(?![a-z])"
    rf"(?:\s*(?:and\s+)?\d{{1,2}}\s*(?:{_MINUTES})?(?![a-z:\d]))?"
    r")"
)

_SPECIAL = {
    "hour and a half": 90,
    "an hour and a half": 90,
    "a hour and a half": 90,
    "one hour and a half": 90,
    "hr and a half": 90,
    "an hr and a half": 90,
    "a hr and a half": 90,
    "one hr and a half": 90,
    "half an hour": 30,
    "1/2 hour": 30,
    "1/2 an hour": 30,
    "1/2 a hour": 30,
    "½ hour": 30,
    "½ an hour": 30,
    "half a hour": 30,
    "a half hour": 30,
    "half hour": 30,
    "half an hour hour": 30,
    "a quarter of an hour": 15,
    "quarter of an hour": 15,
    "a quarter hour": 15,
    "quarter hour": 15,
    "three quarters of an hour": 45,
    "three quarter of an hour": 45,
}

_EXACT = re.compile(
    rf"(?P<n>\d+(?:\.\d+)?|\.\d+|{NUMBER}|an?)(?P<half>\s+and\s+a\s+half)?\s*"
    rf"(?P<unit>{_UNIT})(?:\s*(?:and\s+)?(?P<extra>\d{{1,2}})\s*(?:{_MINUTES})?)?"
)

_UNIT_MINUTES = (
    (re.compile(_HOURS), 60),
    (re.compile(_MINUTES), 1),
    (re.compile(_DAYS), 24 * 60),
    (re.compile(_WEEKS), 7 * 24 * 60),
)


def _normal(text: str) -> str:
    words = " ".join(text.lower().replace("-", " ").split())
    return words.replace("forty five", "forty-five")


def minutes_in(text: str) -> int | None:
    """Minutes in a duration phrase ("1h30" -> 90, "2.5 hours" -> 150, "a day" -> 1440),
    or None when `text` is not exactly one duration. Fractions round to the minute."""
    words = _normal(text)
    if words in _SPECIAL:
        return _SPECIAL[words]
    match = _EXACT.fullmatch(words)
    if match is None:
        return None
    number = match["n"]
    value = float(number) if any(c in number for c in ".") else float(number_of(number))
    if match["half"]:
        value += 0.5
    per_unit = next(size for pattern, size in _UNIT_MINUTES if pattern.fullmatch(match["unit"]))
    minutes = value * per_unit
    if match["extra"]:
        if per_unit != 60:  # "1h30" yes; "2 days 30" no
            return None
        minutes += int(match["extra"])
    return round(minutes)


def is_clock_length(text: str) -> bool:
    """True when the phrase is in minutes or hours (not days or weeks)."""
    minutes = minutes_in(text)
    if minutes is None:
        return False
    unit = _EXACT.fullmatch(_normal(text))
    if unit is None:  # one of the special phrases, all under an hour and a half
        return True
    return not any(p.fullmatch(unit["unit"]) for p in (re.compile(_DAYS), re.compile(_WEEKS)))


def describe(minutes: int) -> str:
    """A length for people: 30 -> "30 minutes", 60 -> "1 hour", 90 -> "1 hour 30 minutes"."""
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour" + ("s" if hours != 1 else ""))
    if rest or not hours:
        parts.append(f"{rest} minute" + ("s" if rest != 1 else ""))
    return " ".join(parts)

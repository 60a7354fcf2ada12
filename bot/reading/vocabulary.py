"""The words `/zoom` text is read with: weekdays, months, ordinals and number words.

Regex fragments here are written for lower-cased text and contain no capturing groups,
so callers can wrap them in their own groups.
"""

from __future__ import annotations

import re

# Python's weekday numbers (Monday = 0).
WEEKDAYS: dict[str, int] = {
    "monday": 0, "mon": 0,
    "tuesday": 1, "tue": 1, "tues": 1,
    "wednesday": 2, "wed": 2, "weds": 2,
    "thursday": 3, "thu": 3, "thur": 3, "thurs": 3,
    "friday": 4, "fri": 4,
    "saturday": 5, "sat": 5,
    "sunday": 6, "sun": 6,
}  # fmt: skip
# Misspellings people type often; read as the day they spell, which every note names.
WEEKDAY_TYPOS: dict[str, int] = {
    "tuseday": 1, "teusday": 1, "wednsday": 2, "wensday": 2, "wendsday": 2,
    "wedensday": 2, "wednesay": 2, "thrusday": 3, "thursay": 3,
    "firday": 4, "frday": 4, "satruday": 5,
}  # fmt: skip
WEEKDAYS.update(WEEKDAY_TYPOS)

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# Full names may be plural ("mondays"); abbreviations may carry a dot ("wed.").
WEEKDAY = (
    r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)days?"
    r"|(?:tuseday|teusday|wednsday|wensday|wendsday|wedensday|wednesay|thrusday|thursay"
    r"|firday|frday|satruday)s?"
    r"|(?:mon|tue|tues|wed|weds|thu|thur|thurs|fri|sat|sun)\b\.?)"
)

MONTHS: dict[str, int] = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3,
    "april": 4, "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7,
    "august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9, "october": 10, "oct": 10,
    "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip

MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?"
)

ORDINALS: dict[str, int] = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3,
    "fourth": 4, "4th": 4, "fifth": 5, "5th": 5, "last": -1,
}  # fmt: skip

ORDINAL = r"(?:first|1st|second|2nd|third|3rd|fourth|4th|fifth|5th|last)"

NUMBER_WORDS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "forty-five": 45,
    "fifty": 50, "sixty": 60, "ninety": 90,
    "forty five": 45, "couple of": 2, "a couple of": 2, "a couple": 2, "couple": 2,
}  # fmt: skip

NUMBER = (
    r"(?:\d+|(?:a\s+)?couple(?:\s+of)?|forty[\s-]five|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
    r"|fifteen|twenty|thirty|forty|fifty|sixty|ninety)"
)


def weekday_of(word: str) -> int:
    """Python weekday (Monday = 0) of a weekday word such as "Tues." or "fridays"."""
    word = word.lower().rstrip(".")
    if word.endswith(("days", "ays")) and word[:-1] in WEEKDAYS:
        word = word[:-1]
    return WEEKDAYS[word]


def month_of(word: str) -> int:
    """Month number (1-12) of a month word such as "Sept." or "october"."""
    return MONTHS[word.lower().rstrip(".")]


def number_of(word: str) -> int:
    """The value of a digit string or a number word from `NUMBER`."""
    word = " ".join(word.lower().split())
    return int(word) if word.isdigit() else NUMBER_WORDS[word]


def zoom_weekday(python_weekday: int) -> int:
    """Zoom's weekday number: 1 = Sunday ... 7 = Saturday."""
    return (python_weekday + 1) % 7 + 1


def weekdays_in(text: str) -> list[int]:
    """Every weekday named in `text`, in order, without repeats."""
    found: list[int] = []
    for match in re.finditer(WEEKDAY, text):
        day = weekday_of(match.group(0))
        if day not in found:
            found.append(day)
    return found

"""Random and hostile `/zoom` phrases for fuzzing the reader: numbers, slashes, dots, dashes,
colons, month and weekday names, zones, offsets, repeats and their ends, glued together."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta

ZONES = (
    "America/Denver", "America/New_York", "America/Los_Angeles", "Europe/London",
    "Europe/Berlin", "Asia/Kolkata", "Australia/Sydney", "Pacific/Auckland", "UTC",
    "America/Phoenix", "Australia/Brisbane", "Asia/Jerusalem", "Europe/Dublin",
)  # fmt: skip

_WORDS = (
    "sync", "every", "until", "till", "for", "at", "@", "on", "the", "of", "next", "this",
    "last", "other", "each", "from", "to", "and", "between", "in", "tonight", "today",
    "tomorrow", "noon", "midnight", "morning", "evening", "weekday", "weekdays", "day", "week",
    "month", "monthly", "weekly", "daily", "biweekly", "times", "minutes", "min", "hours",
    "hour", "h", "m", "am", "pm", "a.m.", "p.m.", "o'clock", "first", "second", "fourth",
    "5th", "31st", "29th", "jan", "feb", "february", "may", "march", "dec", "sept", "monday",
    "fri", "sat", "sundays", "ET", "PT", "CST", "IST", "AEST", "MST", "CET", "BST", "UTC",
    "GMT", "Z", "utc+2", "GMT-5", "UTC+05:30", "UTC+14", "GMT+13", "UTC-12:45",
    "Europe/Berlin", "Mars/Base", "now", "asap", "Q3", "1:1", "v2.0", "#3456", "24/7", "end",
    "ending", "half", "an", "a", "long", "ago", "from now", ",", "-", "–", "(", ")", "'",
)  # fmt: skip

_SEPARATORS = ("/", ".", "-", ":", "", " ", "/", "-", "–", "+")


def _number(rng: random.Random) -> str:
    choice = rng.random()
    if choice < 0.5:
        return str(rng.randint(0, 40))
    if choice < 0.7:
        return f"{rng.randint(0, 99):02d}"
    if choice < 0.85:
        return str(rng.choice((0, 1, 12, 13, 23, 24, 25, 29, 30, 31, 32, 59, 60, 99, 100)))
    return str(rng.randint(0, 99999))


def _numeric_token(rng: random.Random) -> str:
    parts = [_number(rng) for _ in range(rng.randint(1, 4))]
    token = parts[0]
    for part in parts[1:]:
        token += rng.choice(_SEPARATORS) + part
    if rng.random() < 0.3:
        token += rng.choice(("am", "pm", "th", "st", ".", "/", "h", "m", "min", "%", ":"))
    if rng.random() < 0.1:
        token = rng.choice(("2026-", "2028-02-", "12/", "0")) + token
    return token


def hostile_phrases(rng: random.Random, count: int) -> Iterator[tuple[str, str, datetime]]:
    """`count` phrases with a zone and a naive local "now" each, reproducible from `rng`."""
    base = datetime(2024, 1, 1)
    for _ in range(count):
        tokens = []
        for _ in range(rng.randint(1, 9)):
            tokens.append(_numeric_token(rng) if rng.random() < 0.45 else rng.choice(_WORDS))
        text = " ".join(tokens) if rng.random() < 0.85 else "".join(tokens)
        now = base + timedelta(minutes=rng.randrange(0, 6 * 365 * 24 * 60, 15))
        yield text, rng.choice(ZONES), now

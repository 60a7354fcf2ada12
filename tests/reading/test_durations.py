"""The length grammar: every form the conventions name, and what is not a length."""

from __future__ import annotations

import pytest

from bot.reading.durations import describe, is_clock_length, minutes_in


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("45 min", 45), ("45 mins", 45), ("45 minutes", 45), ("90m", 90), ("1 minute", 1),
        ("1h30", 90), ("1h 30m", 90), ("1 hour 30 minutes", 90), ("2 hours and 15 minutes", 135),
        ("an hour", 60), ("a hour", 60), ("one hour", 60), ("2 hours", 120), ("2h", 120),
        ("2 hrs", 120), ("1.5 hours", 90), ("2.5h", 150), ("half an hour", 30),
        ("a half hour", 30), ("an hour and a half", 90), ("hour and a half", 90),
        ("2 and a half hours", 150), ("a quarter of an hour", 15),
        ("three quarters of an hour", 45), ("30-minute", 30), ("forty-five minutes", 45),
        ("two hours", 120), ("ninety minutes", 90), ("a day", 1440), ("2 days", 2880),
        ("3 weeks", 30240), ("0 minutes", 0),
    ],
)  # fmt: skip
def test_lengths(text: str, minutes: int) -> None:
    assert minutes_in(text) == minutes


@pytest.mark.parametrize(
    "text", ["for", "45", "1:30", "3pm", "minutes", "Q3", "2 days 30", "an apple", ""]
)
def test_not_lengths(text: str) -> None:
    assert minutes_in(text) is None


def test_days_and_weeks_are_not_clock_lengths() -> None:
    assert is_clock_length("90 minutes") and is_clock_length("half an hour")
    assert not is_clock_length("2 days") and not is_clock_length("a week")


@pytest.mark.parametrize(
    ("minutes", "words"),
    [(30, "30 minutes"), (1, "1 minute"), (60, "1 hour"), (90, "1 hour 30 minutes"),
     (120, "2 hours")],
)  # fmt: skip
def test_describe(minutes: int, words: str) -> None:
    assert describe(minutes) == words

"""bot/reading/moves.py: the words of a change to a meeting that exists (pure)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.reading.moves import (
    Change,
    MoveCommand,
    Verb,
    read_change,
    read_day,
    split_command,
    split_occurrence,
)
from bot.reading.results import Refusal

NY = ZoneInfo("America/New_York")
NOW = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)  # Tue Dec 1, 9:00 in New York
START = datetime(2026, 12, 2, 15, 0, tzinfo=NY)  # Wed Dec 2, 3 PM New York


def change(text: str, **kw) -> Change | Refusal:
    options = {
        "start": START,
        "duration": 30,
        "zone": "America/New_York",
        "user_zone": "America/New_York",
        "now": NOW,
    }
    return read_change(text, **{**options, **kw})


def local(result: Change | Refusal) -> datetime:
    assert isinstance(result, Change), result
    assert result.start is not None
    return result.start.astimezone(NY)


def test_a_new_day_and_time() -> None:
    moved = local(change("thu 3pm"))
    assert (moved.date(), moved.hour) == (date(2026, 12, 3), 15)
    both = change("to Thu 3pm for 45 min")
    assert isinstance(both, Change) and both.duration == 45


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("push 30 min", 30),
        ("push it back by an hour", 60),
        ("delay 15 minutes", 15),
        ("1 hour later", 60),
        ("pull in 15 min", -15),
        ("20 min earlier", -20),
    ],
)
def test_push_and_pull(text: str, minutes: int) -> None:
    assert local(change(text)) - START == timedelta(minutes=minutes)


def test_same_time_on_another_day() -> None:
    assert local(change("same time next week")) == START + timedelta(days=7)
    tomorrow = local(change("tomorrow same time"))
    assert (tomorrow.date(), tomorrow.hour) == (date(2026, 12, 2), 15)
    assert local(change("same time fri")).date() == date(2026, 12, 4)
    assert local(change("dec 24")).hour == 15  # a day alone keeps the time


def test_a_length_alone() -> None:
    result = change("45 min")
    assert result == Change(None, 45, "now 45 minutes long")
    assert isinstance(change("make it 2 hours"), Change)


def test_a_time_alone_on_an_occurrence_day() -> None:
    moved = local(change("11am", on_day=date(2026, 12, 24), user_zone="Europe/Berlin"))
    assert (moved.date(), moved.hour) == (date(2026, 12, 24), 11)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("yesterday 3pm", "past"),
        ("pull in 2 days", "already passed"),
        ("whenever works", "couldn't read"),
        ("every monday 3pm", "repeats"),
        ("same time", "which day"),
        ("", "Tell me when"),
        ("for 30 hours", "24 hours"),
    ],
)
def test_refusals_say_why(text: str, says: str) -> None:
    result = change(text)
    assert isinstance(result, Refusal) and says in result.message, result


def test_read_day() -> None:
    assert read_day("dec 24", "America/New_York", NOW) == date(2026, 12, 24)
    assert read_day("on thursday", "America/New_York", NOW) == date(2026, 12, 3)
    assert isinstance(read_day("3pm", "America/New_York", NOW), Refusal)
    assert isinstance(read_day("", "America/New_York", NOW), Refusal)


@pytest.mark.parametrize(
    ("sub", "rest", "expected"),
    [
        ("move", "last to thu 3pm", MoveCommand(Verb.MOVE, "last", None, "thu 3pm")),
        (
            "move",
            "812 3456 7890 on dec 24 to 11am",
            MoveCommand(Verb.MOVE, "812 3456 7890", "dec 24", "11am"),
        ),
        ("push", "last 30 min", MoveCommand(Verb.MOVE, "last", None, "push 30 min")),
        ("skip", "standup dec 24", MoveCommand(Verb.SKIP, "standup", "dec 24", "")),
        (
            "skip",
            "daily standup on tomorrow",
            MoveCommand(Verb.SKIP, "daily standup", "tomorrow", ""),
        ),
        ("move", "planning to thursday 3pm", None),  # a meeting called "move planning"
        ("skip", "level sync tomorrow 3pm", None),  # a meeting called "skip level sync"
        ("push", "the launch tomorrow 3pm", None),
    ],
)
def test_split_command(sub: str, rest: str, expected: MoveCommand | None) -> None:
    assert split_command(sub, rest) == expected


def test_split_occurrence() -> None:
    assert split_occurrence("dec 24 to 11am") == ("dec 24", "11am")
    assert split_occurrence("on thu to push 30 min") == ("thu", "push 30 min")
    assert split_occurrence("push 30 min") is None
    assert split_occurrence("thu 3pm") is None

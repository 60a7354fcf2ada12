"""What a reading made of words people type in Slack says in its notes or refusal: a
series read from days without "every", a bare number read as minutes, a deadline refused."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.reading import Reading, Refusal, read_request

NOW = datetime(2026, 12, 1, 10, 0)  # a Tuesday
TZ = "America/New_York"


def _reading(text: str) -> Reading:
    result = read_request(text, TZ, NOW)
    assert isinstance(result, Reading), result
    return result


def _refusal(text: str) -> str:
    result = read_request(text, TZ, NOW)
    assert isinstance(result, Refusal), result
    return result.message


@pytest.mark.parametrize(
    ("text", "written", "days"),
    [
        ("standup mon-fri 9am", "mon-fri", "Monday, Tuesday, Wednesday, Thursday and Friday"),
        ("office hours tue/thu 3pm", "tue/thu", "Tuesday and Thursday"),
        ("standup M-F 9:15", "M-F", "Monday, Tuesday, Wednesday, Thursday and Friday"),
        ("standup weekdays at 9", "weekdays", "Monday, Tuesday, Wednesday, Thursday and Friday"),
    ],
)
def test_days_without_every_say_a_weekly_series_was_read(
    text: str, written: str, days: str
) -> None:
    guesses = _reading(text).guesses
    assert f"read “{written}” as a weekly series: repeats every {days}" in guesses


def test_days_with_every_need_no_such_note() -> None:
    assert not any("weekly series" in g for g in _reading("standup every weekday 9am").guesses)


@pytest.mark.parametrize(("text", "minutes"), [("call in 30", 30), ("in 5 sync", 5)])
def test_a_bare_number_after_in_says_it_was_read_as_minutes(text: str, minutes: int) -> None:
    assert f"no unit after {minutes}: read as minutes" in _reading(text).guesses


@pytest.mark.parametrize("text", ["call in 2", "in 3 sync", "call in 240"])
def test_a_bare_number_after_in_that_could_be_hours_is_refused_asking_which(text: str) -> None:
    message = _refusal(text)
    assert "minutes or hours" in message
    assert "`/zoom in" in message


def test_a_bare_number_after_for_says_it_was_read_as_minutes() -> None:
    reading = _reading("sync tmrw 3pm for 45")
    assert reading.request.duration == 45
    assert "no unit after 45: read as 45 minutes" in reading.guesses


@pytest.mark.parametrize(
    ("text", "word"),
    [("demo eod tomorrow", "eod"), ("demo end of day", "end of day"),
     ("demo cob friday", "cob"), ("report by close of business", "close of business")],
)  # fmt: skip
def test_a_deadline_is_refused_by_name(text: str, word: str) -> None:
    message = _refusal(text)
    assert f"“{word}” as a deadline" in message
    assert "`/zoom tomorrow 5pm Demo`" in message


def test_a_part_of_the_day_with_no_hour_asks_for_a_time() -> None:
    assert "found no time" in _refusal("call tomorrow afternoon")


def test_a_time_in_a_zone_already_on_the_next_day_is_tomorrow_for_the_user() -> None:
    # 10:00 in New York is already Wed 00:00 in Tokyo: 1 AM Wednesday is tomorrow here.
    guesses = _reading("sync 3pm JST").guesses
    assert guesses[0] == "read 3pm JST as 3 PM Tokyo time = 1 AM your time, tomorrow (Wed, Dec 2)"

"""Times as people type them in Slack (round 2): ranges from or to noon and midnight,
bare-hour ranges with 12 or across noon, 4-digit 24-hour times and their ranges, approximate
times, and a length with an instant meeting. The cases are in cases.jsonl; here, what the
notes say, so no reading is a silent guess."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.reading import Reading, Refusal, read_request

NOW = datetime(2026, 12, 1, 8, 0)  # a Tuesday
TZ = "America/New_York"


def read(text: str) -> Reading:
    result = read_request(text, TZ, NOW)
    assert isinstance(result, Reading), (text, result)
    return result


@pytest.mark.parametrize(
    ("text", "note"),
    [
        ("lunch 12-1", "read 12-1 as 12 PM to 1 PM, today (Tue, Dec 1)"),
        ("call 11-12", "read 11-12 as 11 AM to 12 PM, today (Tue, Dec 1)"),
        ("lunch noon to 1", "read noon-1 as 12 PM to 1 PM, today (Tue, Dec 1)"),
        ("sync 0900-0930", "read 0900-0930 as 9 AM to 9:30 AM, today (Tue, Dec 1)"),
        ("interview Dec 3rd 1430", "read 1430 as 2:30 PM, Thu, Dec 3"),
    ],
)
def test_a_range_note_names_both_ends(text: str, note: str) -> None:
    assert read(text).guesses[0] == note


@pytest.mark.parametrize(
    ("text", "note"),
    [
        ("coffee chat 3ish", "3ish is approximate: read as 3 PM"),
        ("call around 3", "around 3 is approximate: read as 3 PM"),
        ("sync at about 4:30", "about 4:30 is approximate: read as 4:30 PM"),
        ("lunch noon-ish", "noon-ish is approximate: read as 12 PM"),
        ("call ~3pm", "~3pm is approximate: read as 3 PM"),
    ],
)
def test_an_approximate_time_is_read_on_the_hour_and_says_so(text: str, note: str) -> None:
    assert note in read(text).guesses


def test_a_length_with_an_instant_meeting_is_named_and_not_sent() -> None:
    # Zoom's meetingCreate: `duration` is "only used for scheduled meetings (2)".
    result = read("quick call 5 mins")
    assert result.request.to_json() == {"type": 1, "topic": "quick call"}
    assert any("“5 mins” as a length" in g for g in result.guesses)


def test_a_span_of_days_is_refused_with_its_own_sentence() -> None:
    for text in ("sync Nov 11-12", "offsite 11-12 Dec at 9am"):
        result = read_request(text, TZ, NOW)
        assert isinstance(result, Refusal)
        assert "span of days" in result.message


@pytest.mark.parametrize(
    "text", ["top 10-12 list", "grades 11-12 meeting", "score 11-12", "sync 1000-1200 units"]
)
def test_numbers_that_are_not_a_range_of_hours_stay_in_the_topic(text: str) -> None:
    result = read(text)
    assert result.request.type == 1
    assert result.request.topic == text

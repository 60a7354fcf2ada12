"""The phrase families of issue 10, several spellings each, and the safety net: a time-like
word the reading did not use is refused, never dropped into the topic."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.reading import Reading, Refusal, mentions_time, read_request
from tests.reading.outside import score

NOW = datetime(2026, 12, 1, 9, 0)  # a Tuesday
TZ = "America/New_York"


def read(text: str, tz: str = TZ, now: datetime = NOW) -> Reading | Refusal:
    return read_request(text, tz, now)


def start_of(text: str, tz: str = TZ, now: datetime = NOW) -> str:
    result = read(text, tz, now)
    assert isinstance(result, Reading), (text, result)
    return f"{result.request.start_time[:16]} {result.request.timezone}"


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["11 AM", "11am", "11 a.m.", "11A", "11 am.", "at 11 o'clock am"], "2026-12-01T11:00"),
        (
            ["3p", "3 p.m.", "3pm.", "3 PM", "3P", "3 o'clock", "at 3 o'clock pm"],
            "2026-12-01T15:00",
        ),
        (["noon", "12 noon", "at noon", "midday", "12pm"], "2026-12-01T12:00"),
        (["midnight", "12am", "at midnight"], "2026-12-02T00:00"),
        (["half past 3", "half past 3pm", "3:30 pm", "half past three"], "2026-12-01T15:30"),
        (
            ["quarter past 3pm", "a quarter past 3", "fifteen past 3", "15 minutes past 3pm"],
            "2026-12-01T15:15",
        ),
        (["a quarter to noon", "quarter to 12pm", "15 minutes before noon"], "2026-12-01T11:45"),
        (["twenty after 4", "20 after 4pm", "20 minutes after 4"], "2026-12-01T16:20"),
        (["20 minutes to 2pm tomorrow", "twenty to 2 tomorrow"], "2026-12-02T13:40"),
        (["10 til 5", "ten to five", "10 till 5pm"], "2026-12-01T16:50"),
        (["ten thirty am", "at ten thirty", "10:30"], "2026-12-01T10:30"),
        (["seven thirty p.m.", "seven thirty pm"], "2026-12-01T19:30"),
        (["at three", "at three pm", "three o'clock"], "2026-12-01T15:00"),
        (
            ["in two hours", "in a couple of hours", "in 2 hrs", "2 hours from now", "+2h"],
            "2026-12-01T11:00",
        ),
        (
            ["in half an hour", "in 1/2 hour", "in 30 mins", "+30 min", "30 minutes from now"],
            "2026-12-01T09:30",
        ),
        (["in an hour and a half", "in 90 mins", "in 1.5 hours", "in 1h30"], "2026-12-01T10:30"),
        (["after an hour", "in an hour", "in 60 minutes"], "2026-12-01T10:00"),
        (["later today at 4", "today at 4pm", "this afternoon at 4"], "2026-12-01T16:00"),
        (["4pm + 3 days", "in 3 days at 4pm", "friday 4pm"], "2026-12-04T16:00"),
        (["the day after tomorrow at 10", "day after tomorrow 10am"], "2026-12-03T10:00"),
        (["a week from today at 10am", "next tuesday at 10am", "Dec 8 10am"], "2026-12-08T10:00"),
        (["next week monday 9am", "monday 9am", "next monday at 9"], "2026-12-07T09:00"),
        (
            ["8 tonight", "8 o'clock tonight", "tonight at 8", "8pm tonight", "this evening at 8"],
            "2026-12-01T20:00",
        ),
        (["9 tomorrow morning", "tomorrow morning at 9", "9am tomorrow"], "2026-12-02T09:00"),
        (["6 in the afternoon", "6 in the evening", "at 6"], "2026-12-01T18:00"),
        (["11 at night", "11pm", "11 tonight"], "2026-12-01T23:00"),
        (
            [
                "Fri, Dec 4 at 7:30 PM",
                "Friday, December 4, 2026 at 7:30 pm",
                "Dec 4th 7:30pm",
                "on the 4th at 7:30pm",
                "12/04 @ 19:30",
                "12-04-2026, 07:30 PM",
            ],
            "2026-12-04T19:30",
        ),
        (
            ["15h30", "at 1530", "15:30:00", "3:30:00 pm", "2026-12-01T15:30", "2026-12-01 15:30"],
            "2026-12-01T15:30",
        ),
        (["tomorrow 15h", "tomorrow 1500", "tomorrow at 15:00:00"], "2026-12-02T15:00"),
    ],
)
def test_each_family_reads_every_spelling(texts: list[str], expected: str) -> None:
    for text in texts:
        assert start_of(text) == f"{expected} {TZ}", text


@pytest.mark.parametrize(
    ("text", "start", "minutes"),
    [
        ("2:00 pm - 5:30 pm", "2026-12-01T14:00", 210),
        ("from 9:30 until 11:00", "2026-12-01T09:30", 90),
        ("9h30-11h00 on Thursday", "2026-12-03T09:30", 90),
        ("between 3 and 4pm", "2026-12-01T15:00", 60),
        ("3-4pm", "2026-12-01T15:00", 60),
        ("10pm to 1am", "2026-12-01T22:00", 180),
        ("10am to noon", "2026-12-01T10:00", 120),
    ],
)
def test_ranges_in_every_form(text: str, start: str, minutes: int) -> None:
    result = read(text)
    assert isinstance(result, Reading), result
    assert result.request.start_time[:16] == start
    assert result.request.duration == minutes


@pytest.mark.parametrize(
    ("text", "zone", "start", "note"),
    [
        (
            "Thu at 8 am PST",
            "America/Los_Angeles",
            "2026-12-03T08:00",
            "read 8 am PST as 8 AM Los Angeles time = 11 AM your time, Thu, Dec 3",
        ),
        ("3pm et", "America/New_York", "2026-12-01T15:00", "read 3pm as 3 PM, today (Tue, Dec 1)"),
        ("15:00 CET", "Europe/Paris", "2026-12-02T15:00", "= 9 AM your time, tomorrow"),
        ("9am Tokyo time", "Asia/Tokyo", "2026-12-02T09:00", "= 7 PM your time, today"),
        ("noon GMT+2", "Africa/Johannesburg", "2026-12-02T12:00", "= 5 AM your time"),
        ("3pm UTC", "UTC", "2026-12-01T15:00", "= 10 AM your time"),
        ("at 10 (London)", "Europe/London", "2026-12-02T10:00", "= 5 AM your time"),
    ],
)
def test_a_time_in_another_zone_is_converted_and_both_are_shown(
    text: str, zone: str, start: str, note: str
) -> None:
    result = read(text)
    assert isinstance(result, Reading), result
    assert (result.request.timezone, result.request.start_time[:16]) == (zone, start)
    assert any(note in g for g in result.guesses), result.guesses
    assert result.request.duration == 30  # "AM" or a zone is never a length


def test_every_reading_says_how_the_time_was_read() -> None:
    result = read("team sync 3p")
    assert isinstance(result, Reading)
    assert result.guesses[0] == "read 3p as 3 PM, today (Tue, Dec 1)"


@pytest.mark.parametrize("hour", range(1, 13))
def test_a_bare_hour_follows_the_convention(hour: int) -> None:
    """Conventions, rule 2: 1-6 afternoon, 7-11 morning, 12 noon (`at 6` is 6 PM and
    `at 7` is 7 AM); checked at 00:30, when every reading is still ahead today."""
    expected = hour + 12 if 1 <= hour <= 6 else hour
    for text in (f"at {hour}", f"sync at {hour}", f"at {hour} sync"):
        assert start_of(text, now=datetime(2026, 12, 1, 0, 30)) == (
            f"2026-12-01T{expected:02d}:00 {TZ}"
        ), text


def test_at_6_and_at_7_sit_on_either_side_of_the_rule() -> None:
    for tz in ("America/New_York", "Europe/Berlin", "Asia/Kolkata", "UTC"):
        six = read("retro at 6", tz, datetime(2026, 12, 1, 5, 0))
        seven = read("retro at 7", tz, datetime(2026, 12, 1, 5, 0))
        assert isinstance(six, Reading) and isinstance(seven, Reading)
        assert six.request.start_time == "2026-12-01T18:00:00", tz
        assert seven.request.start_time == "2026-12-01T07:00:00", tz


@pytest.mark.parametrize(
    "text",
    [
        "sync in a few minutes", "PST sync", "5 hours after 12pm", "retro in 100 years",
        "call at 3 and 4pm tomorrow 5pm", "in -5 minutes", "sync 3:30 4:30",
        "Fri, Dec 5 at 3pm", "Dec 3 lunch", "1e400 minutes at 3pm",
    ],
)  # fmt: skip
def test_time_like_words_not_used_are_refused_and_quoted(text: str) -> None:
    result = read(text)
    assert isinstance(result, Refusal), (text, result)
    assert "“" in result.message and "`" in result.message


@pytest.mark.parametrize(
    "text",
    ["1:1 with Ana", "Q3 planning", "v2 launch", "top 10 list", "Sprint 42 demo", "24/7 support",
     "3 customers", "2024 budget", "#3456 triage", "v2.0 release", "March madness", "CST migration",
     "room 101", "et al. reading group", "pt session"],
)  # fmt: skip
def test_topics_with_numbers_stay_instant_meetings(text: str) -> None:
    result = read(text)
    if text == "CST migration":  # a zone abbreviation alone: refused, never a silent instant
        assert isinstance(result, Refusal)
        return
    assert isinstance(result, Reading), (text, result)
    assert result.request.type == 1
    assert result.request.topic == text
    assert not mentions_time(text)


def test_instant_only_without_time_like_words() -> None:
    for text in ("team sync 3p", "review 15h30", "retro in a couple of hours", "standup 8 am"):
        result = read(text)
        assert isinstance(result, Reading) and result.request.type == 2, text
        assert mentions_time(text)


def test_outside_phrases_written_before_tuning() -> None:
    """tests/reading/outside.txt: at least 90% right and at most 1% wrong."""
    right, wrong, refused = score()
    total = len(right) + len(wrong) + len(refused)
    assert len(right) >= 0.9 * total, refused + wrong
    assert len(wrong) <= 0.01 * total, wrong


@pytest.mark.parametrize(
    ("fragment", "year", "day_first", "expected"),
    [("Sep 20", 2027, False, (9, 20)), ("20 March", 2027, False, (3, 20)),
     ("12/03", 2026, False, (12, 3)), ("12/03", 2026, True, (3, 12)),
     ("2027-07-31", 2027, False, (7, 31)), ("Sept 20th", 2027, False, (9, 20))],
)  # fmt: skip
def test_our_calendar_dates_agree_with_dateparser(
    fragment: str, year: int, day_first: bool, expected: tuple[int, int]
) -> None:
    """The reader builds calendar dates from its own numbers; dateparser reads the same."""
    from bot.reading.dates import parse_fragment

    parsed = parse_fragment(fragment, year, day_first)
    assert parsed is not None and (parsed.month, parsed.day) == expected


@pytest.mark.parametrize(
    ("text", "zone"),
    [("2026-12-02T09:00:00Z", "UTC"), ("2026-12-02T09:00:00-05:00", "America/Bogota"),
     ("Wed, 02 Dec 2026 09:00:00 -0500", "America/Bogota"),
     ("2026-12-02T09:00:00 +0530", "Asia/Kolkata")],
)  # fmt: skip
def test_machine_offsets_after_a_time_are_its_zone(text: str, zone: str) -> None:
    result = read(text)
    assert isinstance(result, Reading), result
    assert (result.request.start_time, result.request.timezone) == ("2026-12-02T09:00:00", zone)
    assert result.request.topic == "Zoom meeting"

"""What the reader says about the readings issue 3's review asked for: the guesses that go
with fixed offsets, own-zone abbreviations, "this <weekday>", "tonight at 12" and the end of
a monthly series on the 29th-31st."""

from __future__ import annotations

from datetime import datetime

from bot.reading import Reading, Refusal, read_request

NOW = datetime(2026, 11, 28, 10, 0)  # a Saturday


def read(text: str, tz: str = "UTC", now: datetime = NOW) -> Reading:
    result = read_request(text, tz, now)
    assert isinstance(result, Reading), result
    return result


def refusal(text: str, tz: str = "UTC", now: datetime = NOW) -> str:
    result = read_request(text, tz, now)
    assert isinstance(result, Refusal), result
    return result.message


def test_impossible_numeric_dates_say_what_is_wrong() -> None:
    assert "no month 13" in refusal("sync 13/13 3pm")
    assert "no month 0" in refusal("sync 0/0 3pm")
    assert "no day 0" in refusal("sync 5/0 3pm", "America/Denver")
    assert "February has only 28 days" in refusal("sync 2026-02-30 3pm")


def test_fixed_offset_is_a_zone_and_a_guess_never_topic() -> None:
    result = read("sync 3pm UTC+2")
    # Zoom's timezone list has no Etc/GMT zones: a zone on it with the same offset all year.
    assert result.request.timezone == "Africa/Johannesburg"
    assert result.request.topic == "sync"
    assert any("fixed offset UTC+02:00" in g for g in result.guesses)
    half = read("sync 3pm UTC+05:30")
    assert half.request.timezone == "Asia/Kolkata"
    assert any("UTC+05:30" in g for g in half.guesses)
    assert "UTC+03:10" in refusal("sync 3pm UTC+03:10")
    # No zone on Zoom's list is UTC-8 all year (Los Angeles is only in winter): refused.
    assert "“UTC-8”" in refusal("sync 3pm UTC-8")


def test_own_zone_abbreviation_keeps_the_users_zone_without_a_guess() -> None:
    result = read("sync 3pm AEST", "Australia/Brisbane")
    assert result.request.timezone == "Australia/Brisbane"
    assert not any("AEST" in g for g in result.guesses)
    assert read("sync 3pm AEST", "America/Denver").request.timezone == "Australia/Sydney"


def test_two_zones_are_named_in_the_refusal() -> None:
    message = refusal("sync at 3pm ET on dec 1 PT")
    assert "“ET”" in message and "“PT”" in message


def test_this_weekday_already_past_is_the_coming_one_and_says_so() -> None:
    result = read("this monday 3pm", now=datetime(2026, 11, 29, 10))
    assert result.request.start_time == "2026-11-30T15:00:00"
    assert any("coming Monday" in g for g in result.guesses)


def test_tonight_at_12_says_it_is_midnight() -> None:
    result = read("tonight at 12")
    assert result.request.start_time == "2026-11-29T00:00:00"
    assert "read 12 tonight as midnight" in result.guesses


def test_range_backwards_without_am_pm_is_refused() -> None:
    assert "ends before it starts" in refusal("meeting 10:15-10:05")
    assert read("tonight 11-1 party").request.duration == 120


def test_monthly_end_guess_counts_short_months_as_zoom_does() -> None:
    result = read("monthly sync on the 31st at 9am", now=datetime(2026, 12, 31, 10))
    assert result.request.start_time == "2027-01-31T09:00:00"
    # 50 meetings from Jan 2027: the 50th is in Feb 2031, on its last day.
    assert "no end given: 50 occurrences, until Feb 28, 2031" in result.guesses
    assert any("meet on their last day" in g for g in result.guesses)


def test_monthly_until_counts_short_months() -> None:
    # Jan 31, Feb 28, Mar 31: three meetings, so an end on Mar 31 is within Zoom's limits
    # and the series is not refused as empty.
    result = read("sync every month on the 31st at 9am until Mar 31", now=datetime(2027, 1, 1))
    assert result.request.recurrence is not None
    assert result.request.recurrence.end_date_time is not None

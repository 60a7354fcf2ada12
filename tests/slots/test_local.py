from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.slots import Person, WorkingHours, describe, local_times, outside_hours

NY = ZoneInfo("America/New_York")
HALF_HOUR = timedelta(minutes=30)
ME = Person("me", "America/New_York")
ANA = Person("Ana", "Europe/London")
KENJI = Person("Kenji", "Asia/Tokyo")


def test_the_issue_example():
    start = datetime(2026, 6, 3, 15, tzinfo=NY)  # summer: London +5, Tokyo +13
    line = describe(local_times(start, HALF_HOUR, [ME, ANA, KENJI]))
    assert line == (
        "3:00 PM for you · 8:00 PM for Ana (London) — outside working hours · "
        "4:00 AM next day for Kenji (Tokyo) — outside working hours"
    )


def test_everyone_inside_has_no_warning():
    start = datetime(2026, 12, 2, 10, tzinfo=NY)
    times = local_times(start, HALF_HOUR, [ME, ANA])
    assert [t.inside for t in times] == [True, True]
    assert describe(times) == "10:00 AM for you · 3:00 PM for Ana (London)"


def test_local_start_and_end_are_in_each_zone():
    start = datetime(2026, 12, 2, 10, tzinfo=NY)
    times = local_times(start, timedelta(hours=1), [ME, KENJI])
    assert times[1].start == datetime(2026, 12, 3, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
    assert times[1].end.hour == 1 and times[1].place == "Tokyo"


def test_meeting_crossing_midnight_in_london_is_outside_and_ends_next_day():
    start = datetime(2026, 12, 2, 18, 30, tzinfo=NY)  # 23:30 London
    t = local_times(start, timedelta(hours=1), [ME, ANA])[1]
    assert (t.start.day, t.end.day, t.inside) == (2, 3, False)


def test_meeting_ending_exactly_at_six_is_inside_and_one_minute_later_is_not():
    end_at_six = datetime(2026, 12, 2, 17, 30, tzinfo=NY)
    assert outside_hours(end_at_six, HALF_HOUR, [ME]) == []
    assert outside_hours(end_at_six, HALF_HOUR + timedelta(minutes=1), [ME]) == [ME]


def test_weekend_is_outside_and_custom_weekdays_are_honoured():
    saturday = datetime(2026, 12, 5, 10, tzinfo=ZoneInfo("Asia/Jerusalem"))
    sunday = saturday + timedelta(days=1)
    dana = Person(
        "Dana",
        "Asia/Jerusalem",
        WorkingHours("Asia/Jerusalem", time(7), time(15), frozenset({6, 0, 1, 2, 3})),
    )
    assert outside_hours(saturday, HALF_HOUR, [dana]) == [dana]
    assert outside_hours(sunday, HALF_HOUR, [dana]) == []


def test_previous_day_and_two_days_apart():
    kiritimati = Person("Tia", "Pacific/Kiritimati")  # UTC+14
    niue = Person("Nia", "Pacific/Niue")  # UTC-11
    start = datetime(2026, 12, 2, 9, tzinfo=ZoneInfo("Pacific/Kiritimati"))
    line = describe(local_times(start, HALF_HOUR, [kiritimati, niue]))
    assert "8:00 AM previous day for Nia (Niue)" in line
    late = datetime(2026, 12, 2, 23, tzinfo=ZoneInfo("Pacific/Niue"))
    line = describe(local_times(late, HALF_HOUR, [niue, kiritimati]))
    assert "12:00 AM 2 days later for Tia (Kiritimati)" in line


def test_half_and_three_quarter_hour_zones():
    start = datetime(2026, 12, 2, 9, tzinfo=ZoneInfo("Europe/London"))
    line = describe(
        local_times(
            start,
            HALF_HOUR,
            [ANA, Person("Ravi", "Asia/Kolkata"), Person("Sita", "Asia/Kathmandu")],
        ),
        viewer_label="Ana",
    )
    assert line == "9:00 AM for Ana · 2:30 PM for Ravi (Kolkata) · 2:45 PM for Sita (Kathmandu)"


def test_viewer_outside_their_own_hours_is_told_too():
    start = datetime(2026, 12, 2, 7, tzinfo=NY)
    assert describe(local_times(start, HALF_HOUR, [ME])) == (
        "7:00 AM for you — outside working hours"
    )


def test_noon_and_midnight_on_the_twelve_hour_clock():
    noon = datetime(2026, 12, 2, 12, tzinfo=NY)
    assert describe(local_times(noon, HALF_HOUR, [ME])) == "12:00 PM for you"


def test_empty_list_describes_as_empty():
    assert describe([]) == ""


def test_naive_start_and_empty_duration_are_refused():
    with pytest.raises(ValueError, match="aware"):
        local_times(datetime(2026, 12, 2, 9), HALF_HOUR, [ME])
    with pytest.raises(ValueError, match="zero"):
        local_times(datetime(2026, 12, 2, 9, tzinfo=NY), timedelta(0), [ME])


def test_dst_day_in_new_york_keeps_wall_clock_hours():
    # 2027-03-15 is the Monday after the US change: 9:00 EDT is 13:00 UTC, not 14:00.
    start = datetime(2027, 3, 15, 13, tzinfo=ZoneInfo("UTC"))
    t = local_times(start, HALF_HOUR, [ME])[0]
    assert (t.start.hour, t.inside) == (9, True)

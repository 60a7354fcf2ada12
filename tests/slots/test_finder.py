from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.slots import Person, WorkingHours, explain_no_slots, find_slots

NY = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
SYDNEY = ZoneInfo("Australia/Sydney")
KOLKATA = ZoneInfo("Asia/Kolkata")
HALF_HOUR = timedelta(minutes=30)
ME = Person("me", "America/New_York")
ANA = Person("Ana", "Europe/London")
KENJI = Person("Kenji", "Asia/Tokyo")
CAL = Person("Cal", "America/Los_Angeles")
NOW = datetime(2026, 12, 1, 8, tzinfo=UTC)  # a Tuesday


def at(tz, *args):
    return datetime(*args, tzinfo=tz)


def clocks(slots, tz):
    return [s.astimezone(tz).strftime("%a %d %H:%M") for s in slots]


# --- across zones -------------------------------------------------------------------------


def test_new_york_and_london_nearest_before_a_late_request():
    start = at(NY, 2026, 12, 2, 15)  # London 20:00; common hours 9:00-13:00 New York
    slots = find_slots(start, HALF_HOUR, [ME, ANA], not_before=NOW)
    assert clocks(slots, NY) == ["Wed 02 12:30", "Wed 02 12:15", "Wed 02 12:00"]
    assert all(s.tzinfo is NY for s in slots)


def test_request_that_fits_is_its_own_nearest_slot():
    start = at(NY, 2026, 12, 2, 10)
    slots = find_slots(start, HALF_HOUR, [ME, ANA], not_before=NOW)
    assert clocks(slots, NY) == ["Wed 02 10:00", "Wed 02 09:45", "Wed 02 10:15"]


def test_ties_go_to_the_earlier_slot():
    start = at(NY, 2026, 12, 2, 10, 7, 30)  # off the grid, 7.5 min from 10:00 and 10:15
    slots = find_slots(start, HALF_HOUR, [ME], not_before=NOW)
    assert clocks(slots, NY) == ["Wed 02 10:00", "Wed 02 10:15", "Wed 02 09:45"]


def test_los_angeles_and_tokyo_share_two_hours_in_winter():
    start = at(ZoneInfo("America/Los_Angeles"), 2026, 12, 2, 10)
    slots = find_slots(start, timedelta(hours=1), [CAL, KENJI], not_before=NOW)
    # LA 16:00-18:00 is Tokyo 9:00-11:00 the next day; a 1-hour meeting starts by 17:00.
    assert clocks(slots, ZoneInfo("America/Los_Angeles")) == [
        "Wed 02 16:00",
        "Wed 02 16:15",
        "Wed 02 16:30",
    ]


def test_kolkata_and_kathmandu_on_the_fifteen_minute_grid():
    ravi = Person("Ravi", "Asia/Kolkata")
    sita = Person("Sita", "Asia/Kathmandu")
    early = find_slots(at(KOLKATA, 2026, 12, 2, 8), HALF_HOUR, [ravi, sita], not_before=NOW)
    assert clocks(early, KOLKATA) == ["Wed 02 09:00", "Wed 02 09:15", "Wed 02 09:30"]
    late = find_slots(at(KOLKATA, 2026, 12, 2, 18), HALF_HOUR, [ravi, sita], not_before=NOW)
    # Sita's day ends at 18:00 Kathmandu = 17:45 Kolkata.
    assert clocks(late, KOLKATA) == ["Wed 02 17:15", "Wed 02 17:00", "Wed 02 16:45"]
    assert clocks(late, ZoneInfo("Asia/Kathmandu"))[0] == "Wed 02 17:30"


def test_london_and_kathmandu():
    sita = Person("Sita", "Asia/Kathmandu")
    slots = find_slots(at(LONDON, 2026, 12, 2, 15), HALF_HOUR, [ANA, sita], not_before=NOW)
    # Kathmandu 18:00 is 12:15 London.
    assert clocks(slots, LONDON) == ["Wed 02 11:45", "Wed 02 11:30", "Wed 02 11:15"]


def test_sydney_and_tokyo():
    mia = Person("Mia", "Australia/Sydney")
    slots = find_slots(at(SYDNEY, 2026, 12, 2, 9), HALF_HOUR, [mia, KENJI], not_before=NOW)
    assert clocks(slots, SYDNEY) == ["Wed 02 11:00", "Wed 02 11:15", "Wed 02 11:30"]


# --- daylight-saving changes --------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ((2027, 3, 12), "12:30"),  # both on standard time: 5 hours apart
        ((2027, 3, 15), "13:30"),  # New York moved on 2027-03-14, London not yet: 4 hours
        ((2027, 3, 29), "12:30"),  # London moved on 2027-03-28: 5 hours again
    ],
)
def test_new_york_and_london_around_the_spring_changes(day, expected):
    start = at(NY, *day, 15)
    slots = find_slots(start, HALF_HOUR, [ME, ANA], not_before=start - timedelta(days=1))
    assert slots[0].astimezone(NY).strftime("%H:%M") == expected
    assert slots[0].astimezone(LONDON).strftime("%H:%M") == "17:30"


def test_new_york_and_london_after_the_autumn_change():
    # 2026-11-01: New York back on EST, London already on GMT since 10-25.
    start = at(NY, 2026, 11, 2, 15)
    slots = find_slots(start, HALF_HOUR, [ME, ANA], not_before=start - timedelta(days=1))
    assert clocks(slots, NY)[0] == "Mon 02 12:30"
    friday = at(NY, 2026, 10, 30, 15)  # one week of 4 hours apart
    slots = find_slots(friday, HALF_HOUR, [ME, ANA], not_before=friday - timedelta(days=1))
    assert clocks(slots, NY)[0] == "Fri 30 13:30"


@pytest.mark.parametrize(
    ("day", "expected"),
    [((2027, 4, 2), "11:00"), ((2027, 4, 5), "10:00")],  # Sydney left DST on 2027-04-04
)
def test_sydney_and_tokyo_around_the_australian_change(day, expected):
    mia = Person("Mia", "Australia/Sydney")
    start = at(SYDNEY, *day, 9)
    slots = find_slots(start, HALF_HOUR, [mia, KENJI], not_before=start - timedelta(days=1))
    assert slots[0].astimezone(SYDNEY).strftime("%H:%M") == expected
    assert slots[0].astimezone(ZoneInfo("Asia/Tokyo")).strftime("%H:%M") == "09:00"


def _night_owl():
    every_day = frozenset(range(7))
    return Person(
        "Owl", "America/New_York", WorkingHours("America/New_York", time(1), time(5), every_day)
    )


def test_a_working_day_across_spring_forward_is_one_hour_shorter():
    owl = _night_owl()
    # 01:00-05:00 on 2027-03-14 is only 3 real hours: a 3.5-hour meeting fits on the 13th
    # and the 15th, not on the 14th.
    start = at(NY, 2027, 3, 14, 1)
    slots = find_slots(
        start, timedelta(hours=3, minutes=30), [owl], not_before=at(NY, 2027, 3, 13), count=5
    )
    days = sorted({s.astimezone(NY).day for s in slots})
    assert days == [13, 15]
    # Monday 01:00 EDT is 23 hours after Sunday 01:00 EST; Saturday 01:30 is 23.5 before.
    assert clocks(slots, NY)[:3] == ["Mon 15 01:00", "Mon 15 01:15", "Sat 13 01:30"]


def test_a_working_day_across_fall_back_is_one_hour_longer():
    owl = _night_owl()
    start = at(NY, 2026, 11, 1, 1)
    slots = find_slots(
        start, timedelta(hours=4, minutes=30), [owl], not_before=at(NY, 2026, 10, 30)
    )
    # Only on 2026-11-01 do 01:00-05:00 span 5 hours; the first 01:00 (EDT) counts.
    assert [s.astimezone(UTC).strftime("%d %H:%M") for s in slots] == [
        "01 05:00",
        "01 05:15",
        "01 05:30",
    ]


# --- weekends, custom hours, horizon ------------------------------------------------------


def test_saturday_request_goes_back_to_friday_when_allowed():
    start = at(NY, 2026, 12, 5, 10)
    assert clocks(find_slots(start, HALF_HOUR, [ME], not_before=NOW), NY) == [
        "Fri 04 17:30",
        "Fri 04 17:15",
        "Fri 04 17:00",
    ]


def test_saturday_request_goes_to_monday_when_friday_is_past():
    start = at(NY, 2026, 12, 5, 10)
    slots = find_slots(start, HALF_HOUR, [ME], not_before=at(NY, 2026, 12, 5, 0))
    assert clocks(slots, NY) == ["Mon 07 09:00", "Mon 07 09:15", "Mon 07 09:30"]


def test_never_before_not_before_even_on_a_grid_point():
    start = at(NY, 2026, 12, 2, 10)
    slots = find_slots(start, HALF_HOUR, [ME], not_before=at(NY, 2026, 12, 2, 9, 50))
    assert clocks(slots, NY) == ["Wed 02 10:00", "Wed 02 10:15", "Wed 02 10:30"]


DANA = Person(
    "Dana",
    "Asia/Jerusalem",
    WorkingHours("Asia/Jerusalem", time(7), time(15), frozenset({6, 0, 1, 2, 3})),
)


def test_sunday_to_thursday_hours_from_seven_to_three():
    start = at(LONDON, 2026, 12, 4, 10)  # Friday: Dana is off, then the weekend
    slots = find_slots(start, HALF_HOUR, [ANA, DANA], not_before=NOW)
    assert clocks(slots, LONDON) == ["Thu 03 12:30", "Thu 03 12:15", "Thu 03 12:00"]
    later = find_slots(start, HALF_HOUR, [ANA, DANA], not_before=at(LONDON, 2026, 12, 4, 8))
    assert clocks(later, LONDON) == ["Mon 07 09:00", "Mon 07 09:15", "Mon 07 09:30"]


def _tuesdays_only():
    return Person("Tue", "America/New_York", WorkingHours("America/New_York", weekdays={1}))


def test_horizon_is_five_of_the_requesters_working_days():
    start = at(NY, 2026, 12, 2, 10)  # Wednesday; the fifth working day is Tuesday 12-08
    not_before = at(NY, 2026, 12, 2, 8)
    slots = find_slots(start, HALF_HOUR, [ME, _tuesdays_only()], not_before=not_before)
    assert clocks(slots, NY) == ["Tue 08 09:00", "Tue 08 09:15", "Tue 08 09:30"]
    assert (
        find_slots(start, HALF_HOUR, [ME, _tuesdays_only()], not_before=not_before, horizon_days=4)
        == []
    )


def test_earlier_slot_within_not_before_wins_over_the_horizon():
    start = at(NY, 2026, 12, 2, 10)
    slots = find_slots(start, HALF_HOUR, [ME, _tuesdays_only()], not_before=NOW)
    assert clocks(slots, NY) == ["Tue 01 17:30", "Tue 01 17:15", "Tue 01 17:00"]


def test_requesters_weekdays_set_the_horizon():
    # Dana (Sun-Thu) asks on Thursday: her five working days are Thu, Sun, Mon, Tue, Wed.
    jerusalem = ZoneInfo("Asia/Jerusalem")
    wednesdays = Person("Wed", "Asia/Jerusalem", WorkingHours("Asia/Jerusalem", weekdays={2}))
    start = at(jerusalem, 2026, 12, 3, 16)
    not_before = at(jerusalem, 2026, 12, 3, 15)
    slots = find_slots(start, HALF_HOUR, [DANA, wednesdays], not_before=not_before)
    assert clocks(slots, jerusalem) == ["Wed 09 09:00", "Wed 09 09:15", "Wed 09 09:30"]
    assert (
        find_slots(start, HALF_HOUR, [DANA, wednesdays], not_before=not_before, horizon_days=4)
        == []
    )


# --- durations ----------------------------------------------------------------------------


def test_meeting_as_long_as_the_day_starts_at_nine_each_day():
    start = at(NY, 2026, 12, 2, 11)
    slots = find_slots(start, timedelta(hours=9), [ME], not_before=NOW)
    assert clocks(slots, NY) == ["Wed 02 09:00", "Thu 03 09:00", "Tue 01 09:00"]


def test_meeting_longer_than_the_day_has_no_slot_and_says_why():
    start = at(NY, 2026, 12, 2, 11)
    nine_and_a_quarter = timedelta(hours=9, minutes=15)
    assert find_slots(start, nine_and_a_quarter, [ME, ANA], not_before=NOW) == []
    assert explain_no_slots(start, nine_and_a_quarter, [ME, ANA], not_before=NOW) == (
        "A 555-minute meeting is longer than your working day (9:00 AM–6:00 PM)."
    )


def test_meeting_longer_than_someone_elses_day():
    short = Person("Sam", "Europe/London", WorkingHours("Europe/London", time(10), time(12)))
    start = at(LONDON, 2026, 12, 2, 10)
    assert explain_no_slots(start, timedelta(hours=3), [ANA, short], not_before=NOW) == (
        "A 3-hour meeting is longer than Sam's working day (10:00 AM–12:00 PM London)."
    )


def test_overlap_shorter_than_the_meeting():
    start = at(ZoneInfo("America/Los_Angeles"), 2026, 12, 2, 10)
    assert find_slots(start, timedelta(hours=2, minutes=15), [CAL, KENJI], not_before=NOW) == []
    assert find_slots(start, timedelta(hours=2), [CAL, KENJI], not_before=NOW)


def test_meeting_may_not_cross_midnight_in_anyones_zone():
    late = Person(
        "Lee", "Europe/London", WorkingHours("Europe/London", time(22), time(23, 59), range(7))
    )
    slots = find_slots(at(LONDON, 2026, 12, 2, 23, 30), timedelta(hours=1), [late], not_before=NOW)
    assert clocks(slots, LONDON) == ["Wed 02 22:45", "Wed 02 22:30", "Wed 02 22:15"]


def test_count_and_step():
    start = at(NY, 2026, 12, 2, 10)
    assert len(find_slots(start, HALF_HOUR, [ME], not_before=NOW, count=7)) == 7
    assert find_slots(start, HALF_HOUR, [ME], not_before=NOW, count=0) == []
    hourly = find_slots(start, HALF_HOUR, [ME], not_before=NOW, step=timedelta(hours=1))
    assert clocks(hourly, NY) == ["Wed 02 10:00", "Wed 02 09:00", "Wed 02 11:00"]


# --- nothing in common --------------------------------------------------------------------


def test_tokyo_california_london_have_no_overlap():
    start = at(ZoneInfo("Asia/Tokyo"), 2026, 12, 2, 10)
    people = [KENJI, CAL, ANA]
    assert find_slots(start, HALF_HOUR, people, not_before=NOW) == []
    assert explain_no_slots(start, HALF_HOUR, people, not_before=NOW) == (
        "You and Ana (London) have no 30-minute stretch of working hours in common "
        "in the next 5 working days."
    )


def test_group_without_a_common_day_is_explained_as_a_group():
    def on(label, days):
        return Person(label, "UTC", WorkingHours("UTC", weekdays=days))

    people = [on("A", {0, 1}), on("B", {1, 2}), on("C", {0, 2})]
    start = at(UTC, 2026, 12, 1, 10)
    assert find_slots(start, HALF_HOUR, people, not_before=NOW) == []
    assert explain_no_slots(start, HALF_HOUR, people, not_before=NOW, viewer_label="A") == (
        "A, B (UTC) and C (UTC) have no 30-minute stretch of working hours in common "
        "in the next 5 working days."
    )


def test_explanation_is_none_when_a_slot_exists():
    start = at(NY, 2026, 12, 2, 15)
    assert explain_no_slots(start, HALF_HOUR, [ME, ANA], not_before=NOW) is None


# --- refusals -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"start": datetime(2026, 12, 2, 10)}, "aware"),
        ({"not_before": datetime(2026, 12, 2, 10)}, "not_before"),
        ({"duration": timedelta(0)}, "zero"),
        ({"people": []}, "at least one person"),
        ({"step": timedelta(0)}, "step"),
        ({"step": timedelta(microseconds=500)}, "step"),
        ({"horizon_days": 0}, "horizon"),
    ],
)
def test_bad_arguments_are_refused(kwargs, match):
    args = {
        "start": at(NY, 2026, 12, 2, 10),
        "duration": HALF_HOUR,
        "people": [ME],
        "not_before": NOW,
    } | kwargs
    with pytest.raises(ValueError, match=match):
        find_slots(args.pop("start"), args.pop("duration"), args.pop("people"), **args)


@pytest.mark.parametrize(
    ("day", "expected"),
    [((2027, 4, 2), "10:30"), ((2027, 4, 5), "09:30")],  # Adelaide: +10:30, then +9:30
)
def test_adelaide_half_hour_zone_across_its_change(day, expected):
    adelaide = ZoneInfo("Australia/Adelaide")
    ada = Person("Ada", "Australia/Adelaide")
    start = at(adelaide, *day, 9)
    slots = find_slots(start, HALF_HOUR, [ada, KENJI], not_before=start - timedelta(days=1))
    assert slots[0].astimezone(adelaide).strftime("%H:%M") == expected

from datetime import time

import pytest

from bot.slots import Person, WorkingHours, zone_label


def test_defaults_are_nine_to_six_monday_to_friday():
    h = WorkingHours("Europe/London")
    assert (h.start, h.end, h.weekdays) == (time(9), time(18), frozenset(range(5)))
    assert h.minutes == 540


def test_weekdays_given_as_a_list_become_a_frozenset():
    h = WorkingHours("Asia/Jerusalem", time(7), time(15), [6, 0, 1, 2, 3])
    assert h.weekdays == frozenset({6, 0, 1, 2, 3})


@pytest.mark.parametrize("zone", ["Mars/Olympus", "", "../etc/passwd"])
def test_unknown_zone_is_refused(zone):
    with pytest.raises(ValueError, match="time zone"):
        WorkingHours(zone)


@pytest.mark.parametrize(("start", "end"), [(time(18), time(9)), (time(9), time(9))])
def test_start_must_be_before_end(start, end):
    with pytest.raises(ValueError, match="start before they end"):
        WorkingHours("UTC", start, end)


@pytest.mark.parametrize("weekdays", [frozenset(), frozenset({7}), frozenset({-1, 2})])
def test_weekdays_must_be_a_non_empty_set_of_days(weekdays):
    with pytest.raises(ValueError, match="weekdays"):
        WorkingHours("UTC", weekdays=weekdays)


def test_person_gets_default_hours_in_their_zone():
    ana = Person("Ana", "Europe/London")
    assert ana.hours == WorkingHours("Europe/London")


def test_person_hours_must_be_in_their_zone():
    with pytest.raises(ValueError, match="Ana's working hours"):
        Person("Ana", "Europe/London", WorkingHours("Asia/Tokyo"))


@pytest.mark.parametrize(
    ("zone", "label"),
    [
        ("Europe/London", "London"),
        ("America/Argentina/Buenos_Aires", "Buenos Aires"),
        ("UTC", "UTC"),
        ("Asia/Kathmandu", "Kathmandu"),
    ],
)
def test_zone_label(zone, label):
    assert zone_label(zone) == label

"""Seeded property test: find_slots agrees with a brute-force stepping of the UTC grid."""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta

import pytest

from bot.slots import Person, WorkingHours, find_slots, local_times
from tests.slots.brute import brute_slots, inside_by_wall_clock

# Zones whose daylight-saving changes happen at night (00:00-03:00), outside the generated
# hours, so the wall-clock check and the UTC intervals must agree exactly.
ZONES = [
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Pacific/Honolulu",
    "Europe/London",
    "Europe/Berlin",
    "Asia/Jerusalem",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Australia/Adelaide",
    "Pacific/Auckland",
    "UTC",
]
# Around the 2026/2027 changes, so many cases straddle one.
ANCHORS = [
    datetime(2026, 10, 20, tzinfo=UTC),
    datetime(2026, 10, 28, tzinfo=UTC),
    datetime(2027, 3, 10, tzinfo=UTC),
    datetime(2027, 3, 25, tzinfo=UTC),
    datetime(2027, 4, 1, tzinfo=UTC),
    datetime(2027, 9, 22, tzinfo=UTC),
]
CASES = 300


def random_person(rng: random.Random, i: int) -> Person:
    zone = rng.choice(ZONES)
    if rng.random() < 0.5:
        return Person(f"p{i}", zone)
    begin = rng.randint(4 * 4, 14 * 4)  # quarter hours from 04:00
    end = min(begin + rng.randint(4, 48), 23 * 4 + 3)
    weekdays = frozenset(rng.sample(range(7), rng.randint(1, 7)))
    hours = WorkingHours(
        zone, time(begin // 4, begin % 4 * 15), time(end // 4, end % 4 * 15), weekdays
    )
    return Person(f"p{i}", zone, hours)


def random_case(rng: random.Random) -> dict:
    people = [random_person(rng, i) for i in range(rng.randint(1, 5))]
    start = rng.choice(ANCHORS) + timedelta(minutes=rng.randrange(0, 10 * 24 * 60, 5))
    return {
        "start": start.astimezone(people[0].hours.tzinfo),
        "duration": timedelta(minutes=rng.choice([15, 25, 30, 45, 60, 90, 120, 240])),
        "people": people,
        "not_before": start - timedelta(minutes=rng.randrange(0, 4 * 24 * 60)),
        "count": rng.choice([1, 3, 5]),
    }


@pytest.mark.parametrize("seed", range(CASES))
def test_find_slots_matches_brute_force(seed):
    case = random_case(random.Random(seed))
    fast = find_slots(
        case["start"],
        case["duration"],
        case["people"],
        not_before=case["not_before"],
        count=case["count"],
    )
    slow = brute_slots(
        case["start"],
        case["duration"],
        case["people"],
        not_before=case["not_before"],
        count=case["count"],
    )
    assert fast == slow, case
    for slot in fast:
        assert slot >= case["not_before"]
        assert slot.timestamp() % 900 == 0
        assert all(t.inside for t in local_times(slot, case["duration"], case["people"]))
        assert all(inside_by_wall_clock(p.hours, slot, case["duration"]) for p in case["people"])


def test_the_property_cases_are_not_all_trivial():
    found = [
        bool(find_slots(c["start"], c["duration"], c["people"], not_before=c["not_before"]))
        for c in (random_case(random.Random(seed)) for seed in range(CASES))
    ]
    assert 0.3 * CASES < sum(found) < CASES

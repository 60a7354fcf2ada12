"""Benchmark of finding a time for everyone (bot.slots.find_slots).

    .venv/bin/python bench/slots.py [--requests 2000] [--seed 16]

Prints the median, p99 and max time of one `find_slots` call for 10 people over many
random requests (start anywhere in 2026-2027, 15 min to 2 hours, count 3, 5-working-day
horizon), in two mixes: zones whose hours overlap (the Americas and Europe/Africa, where
slots are usually found) and zones around the world (where the intersection usually runs
dry), and `explain_no_slots` for the requests that found nothing. Goal: under 5 ms.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from bot.slots import Person, WorkingHours, explain_no_slots, find_slots  # noqa: E402

OVERLAPPING = [
    "America/New_York",
    "America/Toronto",
    "America/Chicago",
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Lisbon",
    "Europe/Berlin",
    "Europe/Madrid",
    "Africa/Lagos",
]
WORLD = [
    "America/Los_Angeles",
    "America/Denver",
    "America/New_York",
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Berlin",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Pacific/Auckland",
]


def people_from(rng: random.Random, zones: list[str], n: int) -> list[Person]:
    chosen = [rng.choice(zones) for _ in range(n)]
    people = []
    for i, zone in enumerate(chosen):
        if rng.random() < 0.8:
            people.append(Person(f"p{i}", zone))
        else:  # an App Home setting: earlier or later hours
            begin = rng.choice([7, 8, 10])
            hours = WorkingHours(zone, clock(begin), clock(begin + 8))
            people.append(Person(f"p{i}", zone, hours))
    return people


def requests(rng: random.Random, zones: list[str], n: int) -> list[dict]:
    out = []
    base = datetime(2026, 1, 1, tzinfo=UTC)
    for _ in range(n):
        people = people_from(rng, zones, 10)
        start = base + timedelta(minutes=rng.randrange(0, 2 * 365 * 24 * 60, 15))
        out.append(
            {
                "start": start.astimezone(people[0].hours.tzinfo),
                "duration": timedelta(minutes=rng.choice([15, 30, 45, 60, 90, 120])),
                "people": people,
                "not_before": start - timedelta(hours=rng.randint(1, 48)),
            }
        )
    return out


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))
    return ordered[index]


def timed(fn, cases: list[dict]) -> tuple[list[float], int]:
    timings, hits = [], 0
    for c in cases:
        t0 = time.perf_counter_ns()
        result = fn(c["start"], c["duration"], c["people"], not_before=c["not_before"])
        timings.append((time.perf_counter_ns() - t0) / 1e6)
        hits += bool(result)
    return timings, hits


def line(name: str, timings: list[float]) -> str:
    return (
        f"{name}: median {statistics.median(timings):.3f} ms, "
        f"p99 {percentile(timings, 0.99):.3f} ms, max {max(timings):.3f} ms"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=2000, help="requests per mix")
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    mixes = {"overlapping zones": OVERLAPPING, "world zones": WORLD}
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"load average {load:.1f}"
    )
    print(f"requests per mix: {args.requests}, 10 people each, count 3, horizon 5 working days")
    for name, zones in mixes.items():
        cases = requests(rng, zones, args.requests)
        timed(find_slots, cases[:50])  # warm the zone caches
        timings, hits = timed(find_slots, cases)
        print(line(f"find_slots, {name}", timings) + f" ({hits} of {len(cases)} found slots)")
        empty = [
            c
            for c in cases
            if not find_slots(c["start"], c["duration"], c["people"], not_before=c["not_before"])
        ]
        if empty:
            timings, _ = timed(explain_no_slots, empty)
            print(line(f"explain_no_slots, {name} ({len(empty)} without slots)", timings))
    return 0


if __name__ == "__main__":
    sys.exit(main())

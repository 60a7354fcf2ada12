"""Our own phrase cases (tests/reading/cases.jsonl, same format as the shared corpus):
US, Europe, India, Australia and UTC zones, both daylight-saving changes, year and month
ends, leap day and every way of refusing."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.reading.corpus import OWN_CASES, PUBLIC_CORPUS, case_id, load_cases, problems_with

CASES = load_cases(OWN_CASES)


def test_at_least_as_many_cases_as_the_public_corpus() -> None:
    public = len(load_cases(PUBLIC_CORPUS)) if PUBLIC_CORPUS.exists() else 0
    assert len(CASES) >= max(70, public)
    assert len({case_id(c) for c in CASES}) == len(CASES), "duplicate cases"


def test_cases_cover_the_zones_that_matter() -> None:
    zones = Counter(c["tz"] for c in CASES)
    for zone in ("America/Denver", "America/New_York", "America/Los_Angeles", "Europe/London",
                 "Asia/Kolkata", "Australia/Sydney", "UTC"):  # fmt: skip
        assert zones[zone] >= 1, zone
    assert sum(c["type"] == "error" for c in CASES) >= 25


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_own_case(case: dict) -> None:
    assert problems_with(case) == []

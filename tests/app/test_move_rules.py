"""Which meetings may still change (bot/flows/changes.py `check_open`), without Slack or Zoom."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.errors import Refused
from bot.flows.changes import check_open, original_start
from bot.store.rows import meeting_from_row
from zoom import Occurrence

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def row(**extra) -> dict:
    start = (NOW + timedelta(hours=2)).isoformat()
    return {"zoom_id": 81234567890, "type": 2, "start_time": start, "duration": 30, **extra}


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        ({"status": "cancelled"}, "cancelled"),
        ({"state": "cancelled"}, "cancelled"),
        ({"status": "live"}, "going on now"),
        ({"status": "ended"}, "already over"),
        ({"start_time": (NOW - timedelta(hours=2)).isoformat()}, "already over"),
        ({"type": 1, "start_time": None}, "instant"),
    ],
)
def test_what_cannot_change_says_why(extra: dict, says: str) -> None:
    stored = row(**extra)
    with pytest.raises(Refused) as refused:
        check_open(stored, meeting_from_row(stored), NOW)
    assert says in str(refused.value)


def test_an_upcoming_meeting_and_a_series_that_met_may_change() -> None:
    check_open(row(), meeting_from_row(row()), NOW)
    series = row(type=8, status="ended", start_time=(NOW - timedelta(days=3)).isoformat())
    check_open(series, meeting_from_row(series), NOW)


def test_an_occurrence_id_is_its_first_start() -> None:
    first = datetime(2031, 3, 5, 16, 0, tzinfo=UTC)
    moved = Occurrence(str(int(first.timestamp() * 1000)), first + timedelta(hours=2), 30)
    assert original_start(moved) == first

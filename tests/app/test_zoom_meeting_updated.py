"""`meeting.updated` end to end: a topic or time changed in Zoom itself shows in the channel
message (chat.update), and a later re-render (a start) keeps the change."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from tests.app.live_support import make_meeting, updates_of, wait_update
from tests.fakes.app_process import AppProcess


@pytest.fixture
def events_url(app: AppProcess) -> str:
    return app.url + "/zoom/events"


def test_a_topic_changed_in_zoom_shows_in_the_channel_message(
    sender, fake_slack, fake_zoom, person, events_url
):
    ana = person()
    posted = make_meeting(sender, fake_slack, fake_zoom, ana.slack_id, "tomorrow 3pm Old name")
    body = fake_zoom.event_body("meeting.updated", posted.meeting_id, topic="Quarterly planning")
    assert fake_zoom.send_event(events_url, body).status_code == 200
    updated = wait_update(fake_slack, posted, "Quarterly planning")
    assert "Old name" not in json.dumps(updated)
    # A later update for another reason renders from what was stored: the new topic stays.
    fake_zoom.send_event(events_url, fake_zoom.start_meeting(posted.meeting_id))
    live = wait_update(fake_slack, posted, "*Live*")
    assert "Quarterly planning" in json.dumps(live)
    assert "Old name" not in json.dumps(live)


def test_a_time_changed_in_zoom_shows_in_the_channel_message(
    sender, fake_slack, fake_zoom, person, events_url
):
    ana = person()
    posted = make_meeting(sender, fake_slack, fake_zoom, ana.slack_id, "tomorrow 3pm Retro")
    before = updates_of(fake_slack, posted)
    moved = (datetime.now(UTC) + timedelta(days=3)).replace(
        hour=17, minute=30, second=0, microsecond=0
    )
    body = fake_zoom.event_body(
        "meeting.updated",
        posted.meeting_id,
        start_time=moved.strftime("%Y-%m-%dT%H:%M:%SZ"),
        duration=45,
    )
    assert fake_zoom.send_event(events_url, body).status_code == 200
    # Slack shows the time with <!date^EPOCH^…>: the moved start's epoch is in the message.
    updated = wait_update(fake_slack, posted, f"<!date^{int(moved.timestamp())}^")
    assert len(updates_of(fake_slack, posted)) == len(before) + 1
    assert "Retro" in json.dumps(updated)


def test_a_recurring_meeting_moved_in_zoom_lists_its_new_times(
    sender, fake_slack, fake_zoom, person, events_url
):
    ana = person(tz="America/Denver")
    posted = make_meeting(
        sender, fake_slack, fake_zoom, ana.slack_id, "every monday 3pm Weekly sync"
    )
    held = fake_zoom.meetings[posted.meeting_id]
    assert held.get("occurrences"), "the fake lists the series' occurrences, as Zoom does"
    first = datetime.fromisoformat(held["occurrences"][0]["start_time"].replace("Z", "+00:00"))
    # The series moves an hour later in Zoom (same day): Zoom sends the new start time.
    moved = first + timedelta(hours=1)
    body = fake_zoom.event_body(
        "meeting.updated", posted.meeting_id, start_time=moved.strftime("%Y-%m-%dT%H:%M:%SZ")
    )
    assert fake_zoom.send_event(events_url, body).status_code == 200
    updated = wait_update(fake_slack, posted, f"<!date^{int(moved.timestamp())}^")
    # The next starts are the new ones, and none of the old list is left.
    shown = json.dumps(updated)
    next_field = shown[shown.index("*Next*") :]
    assert f"<!date^{int(moved.timestamp())}^" in next_field
    assert f"<!date^{int(first.timestamp())}^" not in next_field
    assert next_field.count("<!date^") >= 3

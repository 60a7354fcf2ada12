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

"""POST /zoom/events end to end: signed Zoom events at the app over HTTP, and what reached the
fake Slack (chat.update of the posted message)."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from tests.app.live_support import (
    action_ids,
    current_blocks,
    make_meeting,
    updates_of,
    wait_update,
)
from tests.app.support import eventually
from tests.fakes.app_process import AppProcess
from tests.fakes.slack import DEFAULT_CHANNEL, SlackAnswer
from zoom.webhooks import url_validation_response


@pytest.fixture
def events_url(app: AppProcess) -> str:
    return app.url + "/zoom/events"


def test_url_validation_is_answered_with_the_hmac_of_the_token(fake_zoom, events_url):
    body = fake_zoom.url_validation_body("plain-token-123")
    answer = fake_zoom.send_event(events_url, body)
    assert answer.status_code == 200
    assert answer.json() == url_validation_response(fake_zoom.webhook_secret, "plain-token-123")


@pytest.mark.parametrize(
    "forgery",
    [
        {"secret": "not-the-secret"},
        {"signature": ""},
        {"signature": "v0=" + "0" * 64},
        # Offsets from the moment of sending (worked out in the test, not at collection time,
        # which may be minutes earlier in a long run).
        {"timestamp_offset": -301},
        {"timestamp_offset": 400},
    ],
    ids=["wrong-secret", "missing", "zeros", "stale", "future"],
)
def test_forged_or_stale_events_get_401_and_change_nothing(
    sender, fake_slack, fake_zoom, person, events_url, forgery
):
    ana = person()
    posted = make_meeting(sender, fake_slack, fake_zoom, ana.slack_id, "tomorrow 3pm Forged")
    if "timestamp_offset" in forgery:
        forgery = {"timestamp": time.time() + forgery["timestamp_offset"]}
    answer = fake_zoom.send_event(events_url, fake_zoom.start_meeting(posted.meeting_id), **forgery)
    assert answer.status_code == 401
    # A real event after it is handled: the forged one left nothing behind.
    fake_zoom.send_event(events_url, fake_zoom.event_body("meeting.ended", posted.meeting_id))
    wait_update(fake_slack, posted, "Ended")
    assert not any("Live" in json.dumps(b) for b in updates_of(fake_slack, posted))


def test_a_forged_url_validation_gets_no_token(fake_zoom, events_url):
    answer = fake_zoom.send_event(events_url, fake_zoom.url_validation_body("tok"), secret="wrong")
    assert answer.status_code == 401
    assert "encryptedToken" not in answer.text


def test_a_body_that_is_no_event_gets_400(fake_zoom, events_url):
    assert fake_zoom.send_event(events_url, b"not json").status_code == 400


def test_started_shows_live_since_and_joins_count_who_is_in(
    sender, fake_slack, fake_zoom, person, events_url
):
    ana = person()
    posted = make_meeting(sender, fake_slack, fake_zoom, ana.slack_id, "tomorrow 3pm Design review")
    answer = fake_zoom.send_event(events_url, fake_zoom.start_meeting(posted.meeting_id))
    assert answer.status_code == 200
    live = wait_update(fake_slack, posted, "*Live* since <!date^")
    assert "join_meeting" in action_ids(live)

    fake_zoom.send_event(events_url, fake_zoom.join_meeting(posted.meeting_id, "Ana"))
    fake_zoom.send_event(events_url, fake_zoom.join_meeting(posted.meeting_id, "Bo"))
    wait_update(fake_slack, posted, "2 people in")
    fake_zoom.send_event(events_url, fake_zoom.leave_meeting(posted.meeting_id, "Ana"))
    wait_update(fake_slack, posted, "1 person in")


def test_ended_shows_how_long_it_lasted_and_the_join_button_goes(
    sender, fake_slack, fake_zoom, person, events_url
):
    ana = person()
    posted = make_meeting(sender, fake_slack, fake_zoom, ana.slack_id, "tomorrow 3pm Retro")
    before = action_ids(current_blocks(fake_slack, posted))
    assert {"join_meeting", "cancel_meeting", "add_to_google_calendar"} <= set(before)
    from datetime import UTC, datetime, timedelta

    start = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=42)
    fake_zoom.send_event(events_url, fake_zoom.start_meeting(posted.meeting_id, at=start))
    wait_update(fake_slack, posted, "*Live*")
    fake_zoom.send_event(
        events_url, fake_zoom.end_meeting(posted.meeting_id, at=start + timedelta(minutes=42))
    )
    ended = wait_update(fake_slack, posted, "*Ended*")
    assert "lasted 42 minutes" in json.dumps(ended)
    # Only the follow-up button stays (tests/app/test_followup_e2e.py).
    assert action_ids(ended) == ["schedule_followup"]
    assert action_ids(current_blocks(fake_slack, posted)) == ["schedule_followup"]


def test_deleted_in_zoom_shows_cancelled(sender, fake_slack, fake_zoom, person, events_url):
    ana = person()
    posted = make_meeting(sender, fake_slack, fake_zoom, ana.slack_id, "tomorrow 3pm Offsite")
    answer = fake_zoom.send_event(events_url, fake_zoom.cancel_meeting(posted.meeting_id))
    assert answer.status_code == 200
    cancelled = wait_update(fake_slack, posted, "*Cancelled* in Zoom")
    assert action_ids(cancelled) == []


def test_a_repeated_delivery_changes_nothing_twice(
    sender, fake_slack, fake_zoom, person, events_url
):
    ana = person()
    posted = make_meeting(sender, fake_slack, fake_zoom, ana.slack_id, "tomorrow 3pm Twice")
    fake_zoom.send_event(events_url, fake_zoom.start_meeting(posted.meeting_id))
    joined = fake_zoom.join_meeting(posted.meeting_id, "Ana")
    for _ in range(3):
        assert fake_zoom.send_event(events_url, joined).status_code == 200
    wait_update(fake_slack, posted, "1 person in")
    # Something after the repeats, to know they were all handled before it.
    fake_zoom.send_event(events_url, fake_zoom.join_meeting(posted.meeting_id, "Bo"))
    wait_update(fake_slack, posted, "2 people in")
    texts = [json.dumps(b) for b in updates_of(fake_slack, posted)]
    assert sum("1 person in" in t for t in texts) == 1
    assert not any("3 people in" in t for t in texts)


def test_events_for_meetings_the_app_did_not_create_are_acknowledged_and_ignored(
    app, sender, fake_slack, fake_zoom, person, events_url
):
    ana = person()
    posted = make_meeting(sender, fake_slack, fake_zoom, ana.slack_id, "tomorrow 3pm Ours")
    unknown = fake_zoom.event_body("meeting.started", 81234567890)
    assert fake_zoom.send_event(events_url, unknown).status_code == 200
    other = fake_zoom.event_body("recording.completed", 81234567890)
    assert fake_zoom.send_event(events_url, other).status_code == 200
    eventually(
        lambda: "meeting=81234567890: ignored: not a meeting zoombot created" in app.logs(),
        what="the unknown meeting's event logged as ignored",
    )
    fake_zoom.send_event(events_url, fake_zoom.start_meeting(posted.meeting_id))
    wait_update(fake_slack, posted, "*Live*")
    assert [c.params.get("ts") for c in fake_slack.calls_to("chat.update")] == [posted.ts]


def test_the_string_id_of_a_webhook_matches_the_numeric_rest_id(
    sender, fake_slack, fake_zoom, person, events_url
):
    ana = person()
    posted = make_meeting(sender, fake_slack, fake_zoom, ana.slack_id, "tomorrow 3pm Ids")
    body = fake_zoom.start_meeting(posted.meeting_id)
    assert isinstance(body["payload"]["object"]["id"], str)
    fake_zoom.send_event(events_url, body)
    wait_update(fake_slack, posted, "*Live*")


def test_a_start_that_comes_before_the_post_is_shown_once_posted(
    sender, fake_slack, fake_zoom, person, events_url
):
    """Zoom says a meeting started (its host early) while its message is still on its way to the
    channel: nothing can be updated yet, so the post's own record brings it (the status
    `outbox_posted` returns), and the message shows it live."""
    ana = person()
    fake_slack.script("chat.postMessage", SlackAnswer(delay=1.5))
    before = set(fake_zoom.meetings)
    # Scheduled: an instant meeting's Slack Call would refresh the message after the post anyway.
    sender.command("tomorrow 3pm Standup", ana.slack_id)
    meeting_id = eventually(lambda: next(iter(set(fake_zoom.meetings) - before), None))
    # The post has left (so the meeting is recorded: its outbox entry went in with it) and
    # is not in the channel yet.
    eventually(
        lambda: any(
            str(meeting_id) in json.dumps(c.params) for c in fake_slack.calls_to("chat.postMessage")
        ),
        what="the post on its way",
    )
    assert fake_slack.channel_messages(DEFAULT_CHANNEL) == []
    answer = fake_zoom.send_event(events_url, fake_zoom.start_meeting(meeting_id))
    assert answer.status_code == 200
    eventually(
        lambda: any(
            str(meeting_id) in json.dumps(c.params) and "*Live* since" in json.dumps(c.params)
            for c in fake_slack.calls_to("chat.update")
        ),
        timeout=10,
        what="the posted message updated to live",
    )


def test_zoom_is_answered_before_slack_is_updated(
    sender, fake_slack, fake_zoom, person, events_url
):
    ana = person()
    posted = make_meeting(sender, fake_slack, fake_zoom, ana.slack_id, "tomorrow 3pm Slow")
    fake_slack.latency = 4.0  # longer than Zoom's 3 s: the answer must not wait for Slack
    try:
        answer = fake_zoom.send_event(events_url, fake_zoom.start_meeting(posted.meeting_id))
        assert answer.status_code == 200
        eventually(lambda: updates_of(fake_slack, posted), timeout=15, what="the late update")
    finally:
        fake_slack.latency = 0.0


def test_without_the_secret_the_route_says_it_is_not_configured(app_env, fake_zoom, tmp_path):
    env = {k: v for k, v in app_env.items() if k != "ZOOM_WEBHOOK_SECRET_TOKEN"}
    process = AppProcess(env, cwd=tmp_path).start()
    try:
        answer = fake_zoom.send_event(process.url + "/zoom/events", fake_zoom.url_validation_body())
        assert answer.status_code == 404
        eventually(lambda: "ZOOM_WEBHOOK_SECRET_TOKEN is not set" in process.logs())
        assert fake_zoom.webhook_secret not in process.logs()
    finally:
        process.stop()


def test_the_events_route_is_post_only(events_url):
    assert httpx.get(events_url, timeout=5).status_code == 405

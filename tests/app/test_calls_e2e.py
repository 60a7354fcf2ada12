"""The Slack Call card, end to end over real HTTP: the app as a subprocess, the fake Slack
(which speaks the Calls API: tests/fakes/slack_calls.py) and the fake Zoom sending signed
webhook events.

An instant meeting is registered as a call (meeting ID, join URL, topic, requester) right
after its message is posted, and the message then carries the call's block; a scheduled one
when Zoom says it started. Participants are added and removed (a Zoom email that is a Slack
user's as that user, anyone else as an external user); the call ends once with its
duration. Without the calls:write scope the message stays as it was and one line says why.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.app.live_support import Posted, current_blocks, make_meeting, updates_of, wait_update
from tests.app.support import eventually
from tests.fakes.app_process import AppProcess
from tests.fakes.slack import FakeSlack, server_error
from tests.fakes.slack_requests import SlackSender

OFF_LINE = "Slack Calls are off"


@pytest.fixture
def events_url(app: AppProcess) -> str:
    return app.url + "/zoom/events"


def handled(app: AppProcess, meeting_id: int, count: int) -> None:
    """Wait until the app logged `count` handled Zoom events for `meeting_id`."""
    eventually(
        lambda: app.logs().count(f"meeting={meeting_id}:") >= count,
        what=f"{count} handled zoom events for {meeting_id}",
    )


def calls_of(fake_slack: FakeSlack, method: str, **match: Any) -> list:
    return [
        c
        for c in fake_slack.calls_to(method)
        if all(str(c.params.get(k)) == str(v) for k, v in match.items())
    ]


def wait_calls(fake_slack: FakeSlack, method: str, count: int = 1, **match: Any) -> list:
    return eventually(
        lambda: (
            len(calls_of(fake_slack, method, **match)) >= count
            and calls_of(fake_slack, method, **match)
        ),
        what=f"{count} {method} call(s) matching {match}",
    )


def users_of(call: Any) -> list[dict[str, str]]:
    users = call.params.get("users")
    return json.loads(users) if isinstance(users, str) else list(users)


def call_blocks(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [b for b in blocks if b.get("type") == "call"]


def join_button_url(blocks: list[dict[str, Any]]) -> str:
    return next(
        e["url"]
        for b in blocks
        if b.get("type") == "actions"
        for e in b["elements"]
        if e.get("action_id") == "join_meeting"
    )


def registered(fake_slack: FakeSlack, posted: Posted) -> dict[str, Any]:
    """The call the fake Slack holds for the meeting, once there is one."""
    return eventually(
        lambda: fake_slack.slack_calls.by_external_id(str(posted.meeting_id)),
        what="the meeting's call registered",
    )


def test_an_instant_meeting_is_registered_as_a_call_after_its_post(
    app, sender, fake_slack, fake_zoom, person
):
    ana = person()
    posted = make_meeting(sender, fake_slack, fake_zoom, ana.slack_id, "now Design sync")
    add = wait_calls(fake_slack, "calls.add")[0]
    call = registered(fake_slack, posted)
    first = next(c for c in fake_slack.calls_to("chat.postMessage"))
    assert first.at <= add.at  # the post never waits for the call
    assert add.params["external_unique_id"] == str(posted.meeting_id)
    assert add.params["title"] == "Design sync"
    assert add.params["created_by"] == ana.slack_id
    assert isinstance(add.params["date_start"], int)
    blocks = wait_update(fake_slack, posted, '"type": "call"')
    assert call_blocks(blocks) == [{"type": "call", "call_id": call["id"]}]
    assert add.params["join_url"] == join_button_url(blocks)
    assert fake_zoom.meetings[posted.meeting_id]["join_url"].split("?")[0] in call["join_url"]
    assert call_blocks(current_blocks(fake_slack, posted)) == call_blocks(blocks)
    assert len(fake_slack.calls_to("calls.add")) == 1


def test_people_join_and_leave_the_call_and_it_ends_once_with_its_duration(
    app, sender, fake_slack, fake_zoom, person, events_url
):
    ana = person()
    posted = make_meeting(sender, fake_slack, fake_zoom, ana.slack_id, "now Retro")
    call_id = registered(fake_slack, posted)["id"]
    started_at = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=30)
    fake_zoom.send_event(events_url, fake_zoom.start_meeting(posted.meeting_id, at=started_at))
    fake_zoom.send_event(
        events_url, fake_zoom.join_meeting(posted.meeting_id, "Ana", email=ana.email.upper())
    )
    fake_zoom.send_event(events_url, fake_zoom.join_meeting(posted.meeting_id, "Walk-in Guest"))
    adds = wait_calls(fake_slack, "calls.participants.add", 2, id=call_id)
    added = [users_of(c) for c in adds]
    assert [{"slack_id": ana.slack_id}] in added
    guest = next(u for u in added if "external_id" in u[0])[0]
    assert guest["display_name"] == "Walk-in Guest" and guest["external_id"]
    wait_update(fake_slack, posted, "2 people in")
    assert len(fake_slack.slack_calls.calls[call_id]["users"]) == 2

    fake_zoom.send_event(events_url, fake_zoom.leave_meeting(posted.meeting_id, "Ana"))
    fake_zoom.send_event(events_url, fake_zoom.leave_meeting(posted.meeting_id, "Walk-in Guest"))
    removes = wait_calls(fake_slack, "calls.participants.remove", 2, id=call_id)
    assert sorted(map(json.dumps, (users_of(c) for c in removes))) == sorted(map(json.dumps, added))
    eventually(lambda: fake_slack.slack_calls.calls[call_id]["users"] == [], what="call empty")

    ended = fake_zoom.end_meeting(posted.meeting_id, at=started_at + timedelta(minutes=25))
    fake_zoom.send_event(events_url, ended)
    end = wait_calls(fake_slack, "calls.end", id=call_id)[0]
    assert int(end.params["duration"]) == 25 * 60
    # Zoom repeats the delivery, then sends the end again as a new delivery: nothing more.
    fake_zoom.send_event(events_url, ended)
    again = dict(ended, event_ts=ended["event_ts"] + 1000)
    fake_zoom.send_event(events_url, again)
    handled(app, posted.meeting_id, 8)
    assert len(calls_of(fake_slack, "calls.end")) == 1
    assert fake_slack.slack_calls.calls[call_id]["ended"]
    assert "*Ended*" in json.dumps(current_blocks(fake_slack, posted))
    assert call_blocks(current_blocks(fake_slack, posted)) == [{"type": "call", "call_id": call_id}]


def test_a_scheduled_meeting_gets_its_call_when_zoom_says_it_started(
    app, sender, fake_slack, fake_zoom, person, events_url
):
    ana = person()
    posted = make_meeting(sender, fake_slack, fake_zoom, ana.slack_id, "tomorrow 3pm Planning")
    assert fake_slack.calls_to("calls.add") == []
    assert call_blocks(current_blocks(fake_slack, posted)) == []
    started_at = datetime.now(UTC).replace(microsecond=0)
    fake_zoom.send_event(events_url, fake_zoom.start_meeting(posted.meeting_id, at=started_at))
    add = wait_calls(fake_slack, "calls.add")[0]
    assert add.params["external_unique_id"] == str(posted.meeting_id)
    assert add.params["date_start"] == int(started_at.timestamp())
    assert add.params["created_by"] == ana.slack_id
    call_id = registered(fake_slack, posted)["id"]
    # One update shows both: live, and the call's card.
    blocks = wait_update(fake_slack, posted, '"type": "call"')
    assert "*Live*" in json.dumps(blocks)
    assert call_blocks(blocks) == [{"type": "call", "call_id": call_id}]
    handled(app, posted.meeting_id, 1)
    assert len(fake_slack.calls_to("calls.add")) == 1


def test_a_failing_calls_add_leaves_the_meeting_posted_as_today(
    app, sender, fake_slack, fake_zoom, person
):
    ana = person()
    fake_slack.script("calls.add", server_error(500))
    posted = make_meeting(sender, fake_slack, fake_zoom, ana.slack_id, "now Incident")
    wait_calls(fake_slack, "calls.add")
    eventually(
        lambda: f"meeting {posted.meeting_id}: calls.add failed" in app.logs(),
        what="the failure logged",
    )
    assert len(fake_slack.calls_to("calls.add")) == 1  # never sent twice blindly
    assert not any(call_blocks(b) for b in updates_of(fake_slack, posted))
    assert join_button_url(current_blocks(fake_slack, posted))


def test_without_the_calls_scope_the_message_stays_and_one_line_says_why(
    app_env, tmp_path, fake_slack, fake_zoom, person
):
    fake_slack.missing_scopes.add("calls:write")
    ana = person()
    process = AppProcess(app_env, cwd=tmp_path).start()
    try:
        with SlackSender(process.url, fake_slack.signing_secret, fake=fake_slack) as sender:
            first = make_meeting(sender, fake_slack, fake_zoom, ana.slack_id, "now One")
            wait_calls(fake_slack, "calls.add", 1)
            process.wait_for_log(OFF_LINE)
            # The next meetings (and their joins) do not ask again for a while.
            second = make_meeting(sender, fake_slack, fake_zoom, ana.slack_id, "now Two")
            events = process.url + "/zoom/events"
            fake_zoom.send_event(events, fake_zoom.start_meeting(second.meeting_id))
            fake_zoom.send_event(events, fake_zoom.join_meeting(second.meeting_id, "Bo"))
            eventually(
                lambda: process.logs().count(f"meeting={second.meeting_id}:") >= 2,
                what="the second meeting's events handled",
            )
        assert len(fake_slack.calls_to("calls.add")) == 1
        for posted in (first, second):
            assert call_blocks(current_blocks(fake_slack, posted)) == []
            assert join_button_url(current_blocks(fake_slack, posted))
            assert not any(call_blocks(b) for b in updates_of(fake_slack, posted))
        assert all(c.answer["error"] == "missing_scope" for c in fake_slack.calls_to("calls.add"))
        eventually(lambda: "Created" in json.dumps(fake_slack.responses()), what="confirmations")
    finally:
        process.stop()
    lines = [line for line in process.logs().splitlines() if OFF_LINE in line]
    assert len(lines) == 1
    assert "missing_scope" in lines[0] and "calls:write" in lines[0]


def test_a_new_run_of_a_recurring_meeting_gets_a_new_call(
    app, sender, fake_slack, fake_zoom, person, events_url
):
    ana = person()
    posted = make_meeting(sender, fake_slack, fake_zoom, ana.slack_id, "every monday 3pm Weekly")
    # Someone joins before Zoom's start event arrives: the meeting is live, its call made.
    started = fake_zoom.start_meeting(posted.meeting_id)
    fake_zoom.send_event(events_url, fake_zoom.join_meeting(posted.meeting_id, "Early Bird"))
    first = registered(fake_slack, posted)["id"]
    add = wait_calls(fake_slack, "calls.participants.add", id=first)[0]
    assert users_of(add)[0]["display_name"] == "Early Bird"
    fake_zoom.send_event(events_url, started)  # late: the run already has its call
    fake_zoom.send_event(events_url, fake_zoom.end_meeting(posted.meeting_id))
    wait_calls(fake_slack, "calls.end", id=first)
    handled(app, posted.meeting_id, 3)
    assert len(fake_slack.calls_to("calls.add")) == 1

    fake_zoom.send_event(events_url, fake_zoom.start_meeting(posted.meeting_id))
    second = eventually(
        lambda: fake_slack.slack_calls.by_external_id(f"{posted.meeting_id}-2"),
        what="the second run's call",
    )["id"]
    assert second != first
    wait_update(fake_slack, posted, second)
    assert call_blocks(current_blocks(fake_slack, posted)) == [{"type": "call", "call_id": second}]
    assert not fake_slack.slack_calls.calls[second]["ended"]


def test_a_slow_calls_add_holds_up_neither_the_post_nor_the_confirmation(
    app, sender, fake_slack, fake_zoom, person
):
    ana = person()
    fake_slack.slow_down("calls.add", 1.0, 60)
    posted = make_meeting(sender, fake_slack, fake_zoom, ana.slack_id, "now Quick one")
    add = eventually(
        lambda: next((c for c in fake_slack.calls_to("calls.add") if c.done), None),
        what="calls.add answered",
    )
    confirmed = next(r for r in fake_slack.response_posts if "Created" in json.dumps(r.body))
    post = next(c for c in fake_slack.calls_to("chat.postMessage"))
    # Both were answered before Slack answered calls.add; the card came after.
    assert post.done <= add.at and confirmed.at <= add.done
    wait_update(fake_slack, posted, '"type": "call"')


def test_a_topic_changed_in_zoom_becomes_the_calls_title(
    app, sender, fake_slack, fake_zoom, person, events_url
):
    ana = person()
    posted = make_meeting(sender, fake_slack, fake_zoom, ana.slack_id, "now Old name")
    call_id = registered(fake_slack, posted)["id"]
    body = fake_zoom.event_body("meeting.updated", posted.meeting_id, topic="New <name>")
    fake_zoom.send_event(events_url, body)
    update = wait_calls(fake_slack, "calls.update", id=call_id)[0]
    assert update.params["title"] == "New <name>"
    assert fake_slack.slack_calls.calls[call_id]["title"] == "New <name>"


def test_cancelling_from_slack_ends_the_call_once(
    app, sender, fake_slack, fake_zoom, person, events_url
):
    ana = person()
    posted = make_meeting(sender, fake_slack, fake_zoom, ana.slack_id, "now Short lived")
    call_id = registered(fake_slack, posted)["id"]
    sender.command(f"cancel {posted.meeting_id}", ana.slack_id)
    end = wait_calls(fake_slack, "calls.end", id=call_id)[0]
    assert int(end.params["duration"]) >= 0
    blocks = wait_update(fake_slack, posted, "Cancelled")
    assert call_blocks(blocks) == []  # a cancelled meeting's message shows no card
    # Zoom confirms the deletion: nothing more.
    fake_zoom.send_event(events_url, fake_zoom.event_body("meeting.deleted", posted.meeting_id))
    handled(app, posted.meeting_id, 1)
    assert len(calls_of(fake_slack, "calls.end")) == 1

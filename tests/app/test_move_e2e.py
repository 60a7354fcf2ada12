"""Moving a meeting end to end (issue 15): `/zoom move … to …`, `/zoom push …`, `same time
next week`, a new length, the Reschedule button and its modal, who may, and the refusals.
The app runs as a subprocess against the fake Slack and the fake Zoom over real HTTP; every
PATCH body the app sends is checked against Zoom's OpenAPI document."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.app.live_support import Posted, current_blocks, make_meeting, updates_of, wait_update
from tests.app.support import MEETING, eventually
from tests.fakes.slack_requests import block_actions, view_submission
from tests.openapi import validate_request


@pytest.fixture(autouse=True)
def zoom_checks_patch_bodies(fake_zoom):
    """The fake Zoom refuses a PATCH body that Zoom's OpenAPI document does not allow."""
    fake_zoom.body_check = validate_request
    yield
    fake_zoom.body_check = None


def zoom_start(fake_zoom, meeting_id: int) -> datetime:
    text = fake_zoom.meetings[meeting_id]["start_time"]
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def patches(fake_zoom, meeting_id: int) -> list:
    """The PATCHes of the meeting, each body checked against Zoom's OpenAPI document."""
    found = [r for r in fake_zoom.requests_to(MEETING, "PATCH") if str(meeting_id) in r.path]
    for recorded in found:
        validate_request("meetingUpdate", recorded.body)
    return found


def answer(fake_slack, url: str, needle: str) -> dict:
    return fake_slack.wait_for_response(url, lambda b: needle in json.dumps(b))


def ephemeral(fake_slack, user: str, needle: str) -> dict:
    return eventually(
        lambda: next(
            (
                c.params
                for c in fake_slack.calls_to("chat.postEphemeral")
                if c.params.get("user") == user and needle in json.dumps(c.params)
            ),
            None,
        ),
        what=f"an ephemeral to {user} saying {needle!r}",
    )


def press(sender, fake_slack, posted: Posted, user: str, action_id: str) -> str:
    response_url = fake_slack.new_response_url()
    payload = block_actions(
        user=user,
        actions=[
            {
                "type": "button",
                "action_id": action_id,
                "block_id": "meeting_actions",
                "value": str(posted.meeting_id),
            }
        ],
        channel=posted.channel,
        message={"type": "message", "ts": posted.ts, "text": ""},
        trigger_id=fake_slack.new_trigger_id(),
        response_url=response_url,
    )
    assert sender.interactive(payload).status_code == 200
    return response_url


def test_move_last_to_another_time_by_command(sender, fake_slack, fake_zoom, person):
    ana = person()
    posted = make_meeting(sender, fake_slack, fake_zoom, ana.slack_id, "tomorrow 3pm Planning")
    before = zoom_start(fake_zoom, posted.meeting_id)
    sender.command("move last to tomorrow 5pm", ana.slack_id)
    answer(fake_slack, sender.last_response_url, "Moved")
    [patch] = patches(fake_zoom, posted.meeting_id)
    assert set(patch.body) == {"start_time"}
    after = zoom_start(fake_zoom, posted.meeting_id)
    assert after - before == timedelta(hours=2)
    assert after.astimezone(ZoneInfo(ana.tz)).hour == 17
    blocks = wait_update(fake_slack, posted, "Moved from")
    text = json.dumps(blocks)
    assert f"<!date^{int(before.timestamp())}^" in text  # the old time, struck through
    assert f"<!date^{int(after.timestamp())}^" in text
    # The calendar links follow the stored meeting: the Google link carries the new start.
    google = next(
        e["url"]
        for b in blocks
        if b.get("type") == "actions"
        for e in b["elements"]
        if e.get("action_id") == "add_to_google_calendar"
    )
    assert after.strftime("%Y%m%dT%H%M%SZ") in google


def test_push_last_30_minutes(sender, fake_slack, fake_zoom, person):
    ana = person()
    posted = make_meeting(sender, fake_slack, fake_zoom, ana.slack_id, "tomorrow 10am Sync")
    before = zoom_start(fake_zoom, posted.meeting_id)
    sender.command("push last 30 min", ana.slack_id)
    answer(fake_slack, sender.last_response_url, "pushed 30 minutes")
    assert zoom_start(fake_zoom, posted.meeting_id) - before == timedelta(minutes=30)
    wait_update(fake_slack, posted, "Moved from")


def test_move_by_id_to_same_time_next_week(sender, fake_slack, fake_zoom, person):
    ana = person()
    posted = make_meeting(sender, fake_slack, fake_zoom, ana.slack_id, "tomorrow 9am Review")
    before = zoom_start(fake_zoom, posted.meeting_id)
    sender.command(f"move {posted.meeting_id} to same time next week", ana.slack_id)
    answer(fake_slack, sender.last_response_url, "Moved")
    after = zoom_start(fake_zoom, posted.meeting_id)
    local_before = before.astimezone(ZoneInfo(ana.tz))
    local_after = after.astimezone(ZoneInfo(ana.tz))
    assert local_after.date() - local_before.date() == timedelta(days=7)
    assert local_after.time() == local_before.time()


def test_a_length_alone_changes_the_duration(sender, fake_slack, fake_zoom, person):
    ana = person()
    posted = make_meeting(sender, fake_slack, fake_zoom, ana.slack_id, "tomorrow 2pm Chat")
    before = zoom_start(fake_zoom, posted.meeting_id)
    sender.command("move last to 45 min", ana.slack_id)
    answer(fake_slack, sender.last_response_url, "45 minutes")
    [patch] = patches(fake_zoom, posted.meeting_id)
    assert patch.body == {"duration": 45}
    assert fake_zoom.meetings[posted.meeting_id]["duration"] == 45
    assert zoom_start(fake_zoom, posted.meeting_id) == before
    wait_update(fake_slack, posted, "45 minutes")


def test_reschedule_button_opens_one_field_and_a_double_submit_moves_once(
    sender, fake_slack, fake_zoom, person
):
    ana = person()
    posted = make_meeting(sender, fake_slack, fake_zoom, ana.slack_id, "tomorrow 11am Retro")
    assert "reschedule_meeting" in json.dumps(current_blocks(fake_slack, posted))
    before = zoom_start(fake_zoom, posted.meeting_id)
    press(sender, fake_slack, posted, ana.slack_id, "reschedule_meeting")
    fake_slack.wait_for("views.open")
    view = fake_slack.last_view()
    assert view["callback_id"] == "reschedule_meeting_modal"
    inputs = [b for b in view["blocks"] if b.get("type") == "input"]
    assert len(inputs) == 1 and inputs[0]["element"]["type"] == "plain_text_input"
    payload = view_submission(user=ana.slack_id, view=view, fill={"when": "push 1 hour"})
    first = sender.interactive(payload)
    assert first.status_code == 200 and not first.content  # the modal closes
    again = sender.interactive(payload)  # the same submission delivered twice
    assert again.status_code == 200
    ephemeral(fake_slack, ana.slack_id, "pushed 1 hour")
    wait_update(fake_slack, posted, "Moved from")
    assert zoom_start(fake_zoom, posted.meeting_id) - before == timedelta(hours=1)
    assert len(patches(fake_zoom, posted.meeting_id)) == 1


def test_the_modal_reads_tomorrow_same_time(sender, fake_slack, fake_zoom, person):
    ana = person()
    posted = make_meeting(sender, fake_slack, fake_zoom, ana.slack_id, "in 3 days 4pm Demo")
    before = zoom_start(fake_zoom, posted.meeting_id)
    press(sender, fake_slack, posted, ana.slack_id, "reschedule_meeting")
    fake_slack.wait_for("views.open")
    view = fake_slack.last_view()
    sender.interactive(
        view_submission(user=ana.slack_id, view=view, fill={"when": "tomorrow same time"})
    )
    ephemeral(fake_slack, ana.slack_id, "Moved")
    after = zoom_start(fake_zoom, posted.meeting_id).astimezone(ZoneInfo(ana.tz))
    today = datetime.now(UTC).astimezone(ZoneInfo(ana.tz)).date()
    assert after.date() == today + timedelta(days=1)
    assert after.time() == before.astimezone(ZoneInfo(ana.tz)).time()


def test_someone_else_may_not_move_it(sender, fake_slack, fake_zoom, person):
    ana, bo = person(), person()
    posted = make_meeting(sender, fake_slack, fake_zoom, ana.slack_id, "tomorrow 3pm Mine")
    url = press(sender, fake_slack, posted, bo.slack_id, "reschedule_meeting")
    refusal = answer(fake_slack, url, "can move this meeting")
    assert refusal["response_type"] == "ephemeral"
    assert ana.mention in refusal["text"]
    sender.command(f"move {posted.meeting_id} to tomorrow 6pm", bo.slack_id)
    answer(fake_slack, sender.last_response_url, "can move this meeting")
    assert not fake_slack.calls_to("views.open")
    assert patches(fake_zoom, posted.meeting_id) == []
    assert updates_of(fake_slack, posted) == []


def test_clear_sentences_for_past_unreadable_and_cancelled(sender, fake_slack, fake_zoom, person):
    ana = person()
    posted = make_meeting(sender, fake_slack, fake_zoom, ana.slack_id, "tomorrow 3pm Later")
    sender.command("move last to yesterday 3pm", ana.slack_id)
    answer(fake_slack, sender.last_response_url, "in the past")
    sender.command("move last to whenever works", ana.slack_id)
    answer(fake_slack, sender.last_response_url, "couldn't read a new time")
    sender.command(f"cancel {posted.meeting_id}", ana.slack_id)
    answer(fake_slack, sender.last_response_url, "Cancelled")
    sender.command(f"push {posted.meeting_id} 30 min", ana.slack_id)
    answer(fake_slack, sender.last_response_url, "cancelled")
    assert patches(fake_zoom, posted.meeting_id) == []


def test_help_shows_the_new_forms(sender, person):
    ana = person()
    text = json.dumps(sender.command("help", ana.slack_id).json())
    for form in ("/zoom move last to thu 3pm", "/zoom push last 30 min", "/zoom skip standup"):
        assert form in text


def test_the_host_may_move_a_meeting_someone_else_asked_for(
    app, sender, fake_slack, fake_zoom, person
):
    admin = person(is_admin=True, zoom=False)
    ana, host = person(), person()
    sender.command(f"link <@{ana.slack_id}> {host.email}", admin.slack_id)
    fake_slack.wait_for_response(sender.last_response_url, lambda b: "Done" in b["text"])
    posted = make_meeting(sender, fake_slack, fake_zoom, ana.slack_id, "tomorrow 3pm Hosted")
    before = zoom_start(fake_zoom, posted.meeting_id)
    sender.command(f"push {posted.meeting_id} 15 min", host.slack_id)
    answer(fake_slack, sender.last_response_url, "pushed 15 minutes")
    assert zoom_start(fake_zoom, posted.meeting_id) - before == timedelta(minutes=15)
    # Zoom then tells of the change: the message still says where it was before.
    events_url = sender.app_url + "/zoom/events"
    start = fake_zoom.meetings[posted.meeting_id]["start_time"]
    body = fake_zoom.event_body("meeting.updated", posted.meeting_id, start_time=start)
    assert fake_zoom.send_event(events_url, body).status_code == 200
    eventually(
        lambda: f"zoom event meeting.updated meeting={posted.meeting_id}" in app.logs(),
        what="the updated event handled",
    )
    assert "Moved from" in json.dumps(current_blocks(fake_slack, posted))

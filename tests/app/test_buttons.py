"""Buttons on the meeting message, end to end: Cancel (requester, host, someone else), the
calendar links and the .ics the app serves, next occurrences of a recurring meeting."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlparse

import httpx
import pytest

from tests.app.live_support import (
    Posted,
    action_ids,
    current_blocks,
    make_meeting,
    updates_of,
    wait_update,
)
from tests.app.support import MEETING, eventually
from tests.fakes.app_process import AppProcess
from tests.fakes.slack_requests import SlackSender, block_actions

PUBLIC_URL = "https://zoombot.example.com"


def press_cancel(sender: SlackSender, fake_slack, posted: Posted, user: str) -> str:
    """Press Cancel on the message as `user` (after Slack's confirmation); returns the
    response_url the app may answer on."""
    response_url = fake_slack.new_response_url()
    payload = block_actions(
        user=user,
        actions=[
            {
                "type": "button",
                "action_id": "cancel_meeting",
                "block_id": "meeting_actions",
                "value": str(posted.meeting_id),
            }
        ],
        channel=posted.channel,
        message={"type": "message", "ts": posted.ts, "text": ""},
        response_url=response_url,
    )
    assert sender.interactive(payload).status_code == 200
    return response_url


def button(blocks: list[dict], action_id: str) -> dict:
    return next(
        e
        for b in blocks
        if b.get("type") == "actions"
        for e in b["elements"]
        if e.get("action_id") == action_id
    )


def deletes(fake_zoom, meeting_id: int) -> list:
    return [r for r in fake_zoom.requests_to(MEETING, "DELETE") if str(meeting_id) in r.path]


def test_the_cancel_button_asks_for_confirmation_first(sender, fake_slack, fake_zoom, person):
    ana = person()
    posted = make_meeting(sender, fake_slack, fake_zoom, ana.slack_id, "tomorrow 3pm Confirm me")
    cancel = button(current_blocks(fake_slack, posted), "cancel_meeting")
    assert cancel["style"] == "danger"
    assert cancel["confirm"]["confirm"]["text"] == "Cancel meeting"
    assert "Confirm me" in cancel["confirm"]["text"]["text"]


def test_the_requester_cancels_it_from_the_message(app, sender, fake_slack, fake_zoom, person):
    ana = person()
    posted = make_meeting(sender, fake_slack, fake_zoom, ana.slack_id, "tomorrow 3pm Planning")
    response_url = press_cancel(sender, fake_slack, posted, ana.slack_id)
    eventually(lambda: deletes(fake_zoom, posted.meeting_id), what="DELETE at the fake Zoom")
    assert posted.meeting_id not in fake_zoom.meetings
    cancelled = wait_update(fake_slack, posted, f"*Cancelled* by <@{ana.slack_id}>")
    assert action_ids(cancelled) == []
    fake_slack.wait_for_response(response_url, lambda b: "Cancelled" in b["text"])
    # Zoom then says it was deleted: the message keeps saying who cancelled it.
    events_url = sender.app_url + "/zoom/events"
    body = fake_zoom.event_body("meeting.deleted", posted.meeting_id)
    assert fake_zoom.send_event(events_url, body).status_code == 200
    eventually(
        lambda: f"zoom event meeting.deleted meeting={posted.meeting_id}: no change" in app.logs(),
        what="the deleted event handled",
    )
    blocks = current_blocks(fake_slack, posted)
    assert f"<@{ana.slack_id}>" in json.dumps(blocks)
    assert "in Zoom" not in json.dumps(blocks)


def test_someone_else_is_refused_privately(sender, fake_slack, fake_zoom, person):
    ana, bo = person(), person()
    posted = make_meeting(sender, fake_slack, fake_zoom, ana.slack_id, "tomorrow 3pm Not yours")
    response_url = press_cancel(sender, fake_slack, posted, bo.slack_id)
    refusal = fake_slack.wait_for_response(response_url, lambda b: "Only the person" in b["text"])
    assert refusal["response_type"] == "ephemeral"
    assert not deletes(fake_zoom, posted.meeting_id)
    assert posted.meeting_id in fake_zoom.meetings
    assert updates_of(fake_slack, posted) == []


def test_the_host_may_cancel_a_meeting_someone_else_asked_for(
    sender, fake_slack, fake_zoom, person
):
    admin = person(is_admin=True, zoom=False)
    ana, host = person(), person()
    sender.command(f"link <@{ana.slack_id}> {host.email}", admin.slack_id)
    fake_slack.wait_for_response(sender.last_response_url, lambda b: "Done" in b["text"])
    posted = make_meeting(sender, fake_slack, fake_zoom, ana.slack_id, "tomorrow 3pm Hosted")
    assert fake_zoom.meetings[posted.meeting_id]["host_id"] == host.zoom_id
    press_cancel(sender, fake_slack, posted, host.slack_id)
    eventually(lambda: deletes(fake_zoom, posted.meeting_id), what="DELETE by the host")
    wait_update(fake_slack, posted, f"*Cancelled* by <@{host.slack_id}>")


def test_google_calendar_link_carries_the_join_link_and_passcode(
    sender, fake_slack, fake_zoom, person
):
    ana = person()
    posted = make_meeting(sender, fake_slack, fake_zoom, ana.slack_id, "tomorrow 3pm Calendar")
    held = fake_zoom.meetings[posted.meeting_id]
    google = button(current_blocks(fake_slack, posted), "add_to_google_calendar")["url"]
    query = parse_qs(urlparse(google).query)
    assert query["text"] == ["Calendar"]
    assert held["join_url"] in query["details"][0]
    assert held["password"] in query["details"][0]
    assert query["location"] == [held["join_url"]]
    # No public URL in this app's settings: no .ics button.
    assert "download_ics" not in action_ids(current_blocks(fake_slack, posted))


def test_a_recurring_meeting_lists_its_next_occurrences(sender, fake_slack, fake_zoom, person):
    ana = person()
    posted = make_meeting(
        sender, fake_slack, fake_zoom, ana.slack_id, "every monday 9:30 Team sync"
    )
    fields = json.dumps(current_blocks(fake_slack, posted))
    assert "*Next*" in fields
    next_field = fields[fields.index("*Next*") :]
    assert next_field.count("<!date^") >= 3
    google = button(current_blocks(fake_slack, posted), "add_to_google_calendar")["url"]
    assert "RRULE%3AFREQ%3DWEEKLY" in google


# -- an app with ZOOMBOT_PUBLIC_URL and the passcode kept out of the channel --------------------


@pytest.fixture(scope="module")
def public_app(fake_slack_server, fake_zoom_server, tmp_path_factory):
    from tests.conftest import make_app_env

    workdir = tmp_path_factory.mktemp("public-app")
    env = make_app_env(fake_slack_server, fake_zoom_server, workdir)
    env.update({"ZOOMBOT_PUBLIC_URL": PUBLIC_URL + "/", "ZOOMBOT_POST_PASSCODE": "false"})
    process = AppProcess(env, cwd=workdir).start()
    yield process
    process.stop()


@pytest.fixture
def public_sender(public_app, fake_slack):
    with SlackSender(public_app.url, fake_slack.signing_secret, fake=fake_slack) as s:
        yield s


def test_the_ics_is_served_signed_and_without_the_passcode_when_it_is_private(
    public_app, public_sender, fake_slack, fake_zoom, person
):
    ana = person()
    posted = make_meeting(public_sender, fake_slack, fake_zoom, ana.slack_id, "tomorrow 3pm Ics")
    held = fake_zoom.meetings[posted.meeting_id]
    blocks = current_blocks(fake_slack, posted)
    link = button(blocks, "download_ics")["url"]
    assert link.startswith(f"{PUBLIC_URL}/calendar/{posted.meeting_id}.ics?sig=")
    local = public_app.url + link.removeprefix(PUBLIC_URL)
    answer = httpx.get(local, timeout=5)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/calendar")
    assert "BEGIN:VEVENT" in answer.text
    assert f"UID:zoom-{posted.meeting_id}@" in answer.text
    assert held["password"] not in answer.text
    # The passcode is nowhere in the channel message, links included; only in private.
    assert held["password"] not in json.dumps(blocks)
    assert held["password"] not in json.dumps(
        [c.params for c in fake_slack.calls_to("chat.postMessage")]
    )
    private = fake_slack.wait_for_response(
        public_sender.last_response_url, lambda b: "Created" in b["text"]
    )
    assert held["password"] in json.dumps(private)
    # A wrong or missing signature, or another meeting's, gets nothing.
    assert httpx.get(local[:-4] + "0000", timeout=5).status_code == 404
    assert httpx.get(local.split("?")[0], timeout=5).status_code == 404
    other = local.replace(str(posted.meeting_id), str(posted.meeting_id + 1), 1)
    assert httpx.get(other, timeout=5).status_code == 404


def test_a_private_passcode_is_not_in_any_join_url_the_channel_gets(
    public_app, public_sender, fake_slack, fake_zoom, person
):
    # Zoom's join_url carries the encoded passcode as `pwd=`: anyone with it skips the
    # passcode. With the passcode private, the channel gets the bare link.
    ana = person()
    posted = make_meeting(public_sender, fake_slack, fake_zoom, ana.slack_id, "tomorrow 3pm Pwd")
    held = fake_zoom.meetings[posted.meeting_id]
    assert "pwd=" in held["join_url"]
    bare = held["join_url"].split("?")[0]
    sent = [c.params for c in fake_slack.calls_to("chat.postMessage")]
    sent += [c.params for c in fake_slack.calls_to("chat.update")]
    assert sent and "pwd" not in json.dumps(sent)
    blocks = current_blocks(fake_slack, posted)
    assert button(blocks, "join_meeting")["url"] == bare
    for action in ("add_to_google_calendar", "add_to_outlook"):
        url = button(blocks, action)["url"]
        assert "pwd" not in url and "zoom.us%2Fj%2F" in url
    link = button(blocks, "download_ics")["url"]
    ics = httpx.get(public_app.url + link.removeprefix(PUBLIC_URL), timeout=5).text
    assert bare in ics and "pwd" not in ics
    private = fake_slack.wait_for_response(
        public_sender.last_response_url, lambda b: "Created" in b["text"]
    )
    assert held["join_url"] in json.dumps(private)


def test_the_ics_of_a_cancelled_meeting_is_gone(
    public_app, public_sender, fake_slack, fake_zoom, person
):
    ana = person()
    posted = make_meeting(public_sender, fake_slack, fake_zoom, ana.slack_id, "tomorrow 3pm Gone")
    link = button(current_blocks(fake_slack, posted), "download_ics")["url"]
    local = public_app.url + link.removeprefix(PUBLIC_URL)
    assert httpx.get(local, timeout=5).status_code == 200
    press_cancel(public_sender, fake_slack, posted, ana.slack_id)
    wait_update(fake_slack, posted, "*Cancelled*")
    assert httpx.get(local, timeout=5).status_code == 404

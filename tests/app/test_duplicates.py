"""Nothing doubled: a repeated delivery of one Slack action makes no second meeting and no
second post; the requester is told privately about the first one."""

from __future__ import annotations

import time

from tests.app.support import creates, eventually, posts_to, wait_created
from tests.fakes.slack import DEFAULT_CHANNEL
from tests.fakes.slack_requests import message_shortcut, slash_command_body, view_submission


def posted(fake_slack, channel: str = DEFAULT_CHANNEL) -> list:
    return [c for c in posts_to(fake_slack, channel) if c.status == 200]


def join_url(fake_zoom) -> str:
    [meeting] = fake_zoom.meetings.values()
    return meeting["join_url"]


def settle(fake_slack, fake_zoom) -> None:
    """Wait until the first meeting is created and posted."""
    wait_created(fake_zoom)
    eventually(lambda: posted(fake_slack), what="the first post")


def test_a_retried_slash_command_returns_the_first_meeting(sender, fake_slack, fake_zoom, person):
    ana = person()
    trigger = fake_slack.new_trigger_id()
    sender.command("now Standup", ana.slack_id, trigger_id=trigger)
    url = sender.last_response_url
    settle(fake_slack, fake_zoom)
    again = sender.command("now Standup", ana.slack_id, trigger_id=trigger, response_url=url)
    assert again.status_code == 200
    note = fake_slack.wait_for_response(url, lambda b: "Already created" in b["text"])
    assert note.get("response_type") == "ephemeral"
    assert join_url(fake_zoom) in note["text"]
    assert len(creates(fake_zoom)) == 1
    assert len(posted(fake_slack)) == 1


def test_a_repeat_while_the_first_is_in_progress_says_so(sender, fake_slack, fake_zoom, person):
    ana = person()
    trigger = fake_slack.new_trigger_id()
    fake_zoom.latency = 0.4
    try:
        sender.command("now Standup", ana.slack_id, trigger_id=trigger)
        url = sender.last_response_url
        sender.command("now Standup", ana.slack_id, trigger_id=trigger, response_url=url)
        fake_slack.wait_for_response(url, lambda b: "already being created" in b["text"])
        settle(fake_slack, fake_zoom)
    finally:
        fake_zoom.latency = 0.0
    assert len(creates(fake_zoom)) == 1
    assert len(posted(fake_slack)) == 1


def test_a_delivery_with_x_slack_retry_num_makes_nothing_new(sender, fake_slack, fake_zoom, person):
    ana = person()
    url = fake_slack.new_response_url()
    body = slash_command_body(
        "now Standup",
        user=ana.slack_id,
        channel=DEFAULT_CHANNEL,
        command="/zoom",
        response_url=url,
        trigger_id=fake_slack.new_trigger_id(),
    )
    assert sender.post(body).status_code == 200
    settle(fake_slack, fake_zoom)
    retried = sender.post(body, headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "x"})
    assert retried.status_code == 200
    fake_slack.wait_for_response(url, lambda b: "Already created" in b["text"])
    assert len(creates(fake_zoom)) == 1
    assert len(posted(fake_slack)) == 1


def test_a_modal_submitted_twice_makes_one_meeting(sender, fake_slack, fake_zoom, person):
    ana = person()
    sender.command("schedule Roadmap", ana.slack_id)
    fake_slack.wait_for("views.open")
    view = fake_slack.last_view()
    payload = view_submission(
        user=ana.slack_id,
        view=view,
        fill={"topic": "Roadmap review", "start": int(time.time()) + 86400},
    )
    assert sender.interactive(payload).status_code == 200
    settle(fake_slack, fake_zoom)
    # The same view again (a double click, or Slack delivering it twice).
    assert sender.interactive(payload).status_code == 200
    eventually(
        lambda: (
            [
                c
                for c in fake_slack.calls_to("chat.postEphemeral")
                if "Already created" in str(c.params.get("text"))
            ]
            or [b for b in fake_slack.responses() if "Already created" in b.get("text", "")]
        ),
        what="the note about the first meeting",
    )
    assert len(creates(fake_zoom)) == 1
    assert len(posted(fake_slack)) == 1


def test_the_same_message_shortcut_twice_within_a_minute_is_one_meeting(
    sender, fake_slack, fake_zoom, person
):
    ana, bo = person(), person()
    ts = f"{int(time.time())}.000777"
    first_url, second_url = fake_slack.new_response_url(), fake_slack.new_response_url()
    for url in (first_url, second_url):  # Slack gives each run its own response_url
        payload = message_shortcut(
            user=ana.slack_id, message_text="Prod is down", message_ts=ts, response_url=url
        )
        assert sender.interactive(payload).status_code == 200
        if url == first_url:
            settle(fake_slack, fake_zoom)
    note = fake_slack.wait_for_response(second_url, lambda b: "Already created" in b["text"])
    assert join_url(fake_zoom) in note["text"]
    assert len(creates(fake_zoom)) == 1
    # Someone else on the same message is another request.
    other = message_shortcut(
        user=bo.slack_id,
        message_text="Prod is down",
        message_ts=ts,
        response_url=fake_slack.new_response_url(),
    )
    sender.interactive(other)
    wait_created(fake_zoom, 2)
    eventually(lambda: len(posted(fake_slack)) == 2, what="the second person's post")

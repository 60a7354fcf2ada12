"""Nothing lost: a created meeting's post is retried when Slack fails (429 with Retry-After,
5xx, timeouts), and the requester is told privately, with the join link, when it finally
cannot be posted."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app.support import eventually, posts_to, texts, wait_created
from tests.fakes.app_process import AppProcess
from tests.fakes.slack import DEFAULT_CHANNEL, SlackAnswer, ratelimited, server_error, slack_error
from tests.fakes.slack_requests import SlackSender


def accepted_posts(fake_slack, channel: str = DEFAULT_CHANNEL) -> list:
    return [
        c
        for c in posts_to(fake_slack, channel)
        if c.status == 200 and isinstance(c.answer, dict) and c.answer.get("ok")
    ]


def the_meeting(fake_zoom) -> dict:
    [meeting] = fake_zoom.meetings.values()
    return meeting


def test_a_429_is_retried_after_retry_after(sender, fake_slack, fake_zoom, person):
    ana = person()
    fake_slack.script("chat.postMessage", ratelimited(retry_after=1))
    sender.command("now Standup", ana.slack_id)
    wait_created(fake_zoom)
    [post] = eventually(lambda: accepted_posts(fake_slack), what="the post after the 429")
    first, second = posts_to(fake_slack, DEFAULT_CHANNEL)[:2]
    assert first.status == 429
    assert second is post
    # Retry-After said 1 s: the app did not come back sooner.
    assert second.at - first.at >= 0.9
    assert the_meeting(fake_zoom)["join_url"] in texts(post.params)
    # The requester still gets the confirmation.
    fake_slack.wait_for_response(sender.last_response_url, lambda b: "Created" in b["text"])


def test_server_errors_are_retried_with_backoff(sender, fake_slack, fake_zoom, person):
    ana = person()
    fake_slack.script("chat.postMessage", server_error(503), server_error(500))
    sender.command("now Standup", ana.slack_id)
    wait_created(fake_zoom)
    eventually(lambda: accepted_posts(fake_slack), what="the post after two 5xx")
    calls = posts_to(fake_slack, DEFAULT_CHANNEL)
    assert [c.status for c in calls] == [503, 500, 200]
    # Backoff doubles: 1 s, then 2 s.
    assert calls[2].at - calls[1].at >= 1.8


def test_a_transient_slack_error_is_retried(sender, fake_slack, fake_zoom, person):
    ana = person()
    fake_slack.script("chat.postMessage", slack_error("internal_error"))
    sender.command("now Standup", ana.slack_id)
    wait_created(fake_zoom)
    eventually(lambda: accepted_posts(fake_slack), what="the post after internal_error")
    assert len(posts_to(fake_slack, DEFAULT_CHANNEL)) == 2


def test_the_response_url_fallback_is_retried_too(sender, fake_slack, fake_zoom, person):
    ana = person()
    fake_slack.add_channel("G0HIDDEN1", name="hidden", is_private=True, bot_is_member=False)
    url = fake_slack.new_response_url()
    fake_slack.script(url, server_error(502))
    sender.command("now Standup", ana.slack_id, channel="G0HIDDEN1", response_url=url)
    wait_created(fake_zoom)
    public = fake_slack.wait_for_response(
        url, lambda b: b.get("response_type") == "in_channel", timeout=8
    )
    assert the_meeting(fake_zoom)["join_url"] in texts(public)
    in_channel = [b for b in fake_slack.responses(url) if b.get("response_type") == "in_channel"]
    assert len(in_channel) == 1


def test_a_final_failure_tells_the_requester_privately_with_the_link(
    sender, fake_slack, fake_zoom, person
):
    ana = person()
    # Not worth retrying: Slack will never take it.
    fake_slack.script("chat.postMessage", slack_error("is_archived"))
    sender.command("now Standup", ana.slack_id)
    wait_created(fake_zoom)
    note = fake_slack.wait_for_response(
        sender.last_response_url, lambda b: "could not post" in b["text"]
    )
    assert note.get("response_type") == "ephemeral"
    meeting = the_meeting(fake_zoom)
    assert meeting["join_url"] in note["text"]
    assert "ref `ZB-" in note["text"]
    assert len(posts_to(fake_slack, DEFAULT_CHANNEL)) == 1  # tried once, not retried
    assert meeting.get("start_url") not in texts(note)


@pytest.fixture
def quick_timeout_app(app_env, fake_slack, tmp_path: Path):
    env = {**app_env, "ZOOMBOT_SLACK_TIMEOUT": "0.5"}
    process = AppProcess(env, cwd=tmp_path).start()
    try:
        with SlackSender(process.url, fake_slack.signing_secret, fake=fake_slack) as s:
            yield s
    finally:
        process.stop()


def test_a_timeout_is_retried(quick_timeout_app, fake_slack, fake_zoom, person):
    sender = quick_timeout_app
    ana = person()
    # Slack holds the first answer past the app's 0.5 s timeout.
    fake_slack.script("chat.postMessage", SlackAnswer(delay=2.0))
    sender.command("now Standup", ana.slack_id)
    wait_created(fake_zoom)
    fake_slack.wait_for_response(sender.last_response_url, lambda b: "Created" in b["text"])
    calls = posts_to(fake_slack, DEFAULT_CHANNEL)
    assert len(calls) >= 2
    # The app gave up on the first answer: its retry arrived while Slack still held it.
    first_answered = calls[0].done or float("inf")  # 0 while the fake still holds it
    assert calls[1].at < first_answered

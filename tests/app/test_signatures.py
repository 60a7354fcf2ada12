"""Nobody in: a request with a forged, missing or stale signature gets 401 and changes nothing.

Each test sends the bad requests first, then the same kind of request signed properly, and
waits for that one's effect: once it is seen, anything the bad ones had started would have
shown too, so "exactly one effect" proves the bad ones did nothing.
"""

from __future__ import annotations

import time

import httpx
import pytest

from tests.app.support import creates, eventually, posts_to, wait_created
from tests.fakes.slack import DEFAULT_CHANNEL
from tests.fakes.slack_requests import (
    block_actions,
    interactive_body,
    message_shortcut,
    sign,
    slash_command_body,
    view_submission,
)

STALE = 6 * 60  # seconds: Slack's requests are good for 5 minutes


def bad_requests(sender, body: str) -> list[httpx.Response]:
    """`body` sent forged (wrong secret), unsigned, stale, and signed in the future."""
    now = int(time.time())
    forged = sign("not-the-signing-secret", body, now)
    unsigned = httpx.post(
        sender.events_url,
        content=body.encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        timeout=10,
    )
    return [
        sender.post(body, signature=forged),
        unsigned,
        sender.post(body, timestamp=now - STALE),
        sender.post(body, timestamp=now + STALE),
        # A right signature for a different body: the body was tampered with in transit.
        sender.post(body, signature=sign(sender.signing_secret, body + "&x=1", now)),
    ]


def assert_all_refused(responses: list[httpx.Response]) -> None:
    assert [r.status_code for r in responses] == [401] * len(responses)
    for response in responses:
        # Nothing about the app or the request leaks back.
        assert "Traceback" not in response.text


def test_a_slash_command_with_a_bad_signature_is_refused(sender, fake_slack, fake_zoom, person):
    ana = person()
    body = slash_command_body(
        "Secret plans", user=ana.slack_id, response_url=fake_slack.new_response_url()
    )
    assert_all_refused(bad_requests(sender, body))
    assert fake_slack.calls == [] and fake_slack.responses() == []
    assert fake_zoom.requests == []

    assert sender.command("Signed plans", ana.slack_id).status_code == 200
    [create] = wait_created(fake_zoom)
    assert create.body["topic"] == "Signed plans"
    eventually(lambda: posts_to(fake_slack, DEFAULT_CHANNEL), what="the signed one's post")
    assert len(creates(fake_zoom)) == 1
    assert len(posts_to(fake_slack, DEFAULT_CHANNEL)) == 1
    fake_slack.wait_for_response(sender.last_response_url, lambda b: "Created" in b["text"])


def test_a_message_shortcut_with_a_bad_signature_is_refused(sender, fake_slack, fake_zoom, person):
    ana = person()
    forged = message_shortcut(user=ana.slack_id, message_text="Forged topic")
    assert_all_refused(bad_requests(sender, interactive_body(forged)))
    assert fake_slack.calls == [] and fake_zoom.requests == []

    url = fake_slack.new_response_url()
    signed = message_shortcut(user=ana.slack_id, message_text="Signed topic", response_url=url)
    assert sender.interactive(signed).status_code == 200
    [create] = wait_created(fake_zoom)
    assert create.body["topic"] == "Signed topic"
    eventually(lambda: posts_to(fake_slack, DEFAULT_CHANNEL), what="the signed one's post")
    fake_slack.wait_for_response(url, lambda b: "Created" in b["text"])
    assert len(creates(fake_zoom)) == 1


def test_a_view_submission_with_a_bad_signature_is_refused(sender, fake_slack, fake_zoom, person):
    ana = person()
    sender.command("schedule", ana.slack_id)
    fake_slack.wait_for("views.open")
    view = fake_slack.last_view()
    fake_slack.reset()
    fake_slack.add_user(ana.slack_id, name=ana.name, email=ana.email, tz=ana.tz)
    start = int(time.time()) + 86400
    forged = view_submission(
        user=ana.slack_id, view=view, fill={"topic": "Forged review", "start": start}
    )
    assert_all_refused(bad_requests(sender, interactive_body(forged)))
    assert fake_slack.calls == []
    assert creates(fake_zoom) == []

    signed = view_submission(
        user=ana.slack_id, view=view, fill={"topic": "Signed review", "start": start}
    )
    assert sender.interactive(signed).status_code == 200
    [create] = wait_created(fake_zoom)
    assert create.body["topic"] == "Signed review"
    eventually(lambda: posts_to(fake_slack, DEFAULT_CHANNEL), what="the signed one's post")
    assert len(creates(fake_zoom)) == 1


@pytest.mark.parametrize("action_id", ["join_meeting", "anything_else"])
def test_block_actions_with_a_bad_signature_are_refused(sender, fake_slack, fake_zoom, action_id):
    payload = block_actions(
        user="U0NOBODY",
        actions=[{"type": "button", "action_id": action_id, "block_id": "b", "value": "1"}],
        response_url=fake_slack.new_response_url(),
    )
    assert_all_refused(bad_requests(sender, interactive_body(payload)))
    assert fake_slack.calls == [] and fake_slack.responses() == []
    assert fake_zoom.requests == []
    if action_id == "join_meeting":
        # The same click, signed, is acknowledged.
        assert sender.interactive(payload).status_code == 200


def test_a_url_verification_or_event_with_a_bad_signature_is_refused(sender, fake_slack):
    body = '{"type":"url_verification","challenge":"abc123","token":"x"}'
    now = int(time.time())
    response = sender.post(
        body,
        content_type="application/json",
        signature=sign("not-the-signing-secret", body, now),
    )
    assert response.status_code == 401
    assert "abc123" not in response.text
    assert fake_slack.calls == []

"""Guests (`is_restricted`, `is_ultra_restricted`) are refused at every door, with a clear
sentence, unless ZOOMBOT_ALLOW_GUESTS=true. Members keep working as before."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest

from tests.app.support import creates, eventually, posts_to, wait_created
from tests.fakes.app_process import AppProcess
from tests.fakes.slack import DEFAULT_CHANNEL
from tests.fakes.slack_requests import (
    SlackSender,
    global_shortcut,
    message_shortcut,
    view_submission,
)

GUESTS = [{"is_restricted": True}, {"is_ultra_restricted": True}]


def refused_as_guest(fake_slack, url: str) -> dict:
    answer = fake_slack.wait_for_response(url, lambda b: "Guests" in b.get("text", ""))
    assert answer["response_type"] == "ephemeral"
    assert "ZB-" in answer["text"]
    return answer


@pytest.mark.parametrize("kind", GUESTS, ids=["multi-channel", "single-channel"])
@pytest.mark.parametrize("text", ["", "tomorrow 3pm Plans", "list", "whoami", "cancel 81234567890"])
def test_a_guest_is_refused_for_every_command(sender, fake_slack, fake_zoom, person, kind, text):
    guest = person(**kind)
    assert sender.command(text, guest.slack_id).status_code == 200
    refused_as_guest(fake_slack, sender.last_response_url)
    assert fake_zoom.requests == []
    assert not fake_slack.calls_to("chat.postMessage")


def test_a_guest_cannot_link(sender, fake_slack, fake_zoom, person):
    guest = person(is_restricted=True)
    sender.command(f"link {guest.email}", guest.slack_id)
    refused_as_guest(fake_slack, sender.last_response_url)
    assert fake_zoom.requests == []


def test_a_guest_gets_no_form(sender, fake_slack, fake_zoom, person):
    guest = person(is_ultra_restricted=True)
    sender.command("schedule tomorrow 3pm Plans", guest.slack_id)
    refused_as_guest(fake_slack, sender.last_response_url)
    assert not fake_slack.calls_to("views.open")

    assert sender.interactive(global_shortcut(user=guest.slack_id)).status_code == 200
    # A global shortcut has no response_url: the refusal comes as an ephemeral or a DM.
    call = eventually(
        lambda: [
            c
            for c in fake_slack.calls
            if c.method in ("chat.postEphemeral", "chat.postMessage")
            and "Guests" in str(c.params.get("text"))
        ],
        what="the refusal to the guest",
    )[0]
    assert guest.slack_id in (call.params.get("user"), call.params.get("channel"))
    assert not fake_slack.calls_to("views.open")
    assert fake_zoom.requests == []


def test_a_guest_message_shortcut_is_refused(sender, fake_slack, fake_zoom, person):
    guest = person(is_restricted=True)
    url = fake_slack.new_response_url()
    payload = message_shortcut(user=guest.slack_id, message_text="Let's talk", response_url=url)
    assert sender.interactive(payload).status_code == 200
    refused_as_guest(fake_slack, url)
    assert fake_zoom.requests == []


def test_a_guest_submitting_a_form_is_refused(sender, fake_slack, fake_zoom, person):
    member, guest = person(), person(is_restricted=True)
    # A form a member opened, submitted as the guest (as a replayed or shared view would be).
    sender.command("schedule", member.slack_id)
    fake_slack.wait_for("views.open")
    view = fake_slack.last_view()
    payload = view_submission(
        user=guest.slack_id,
        view=view,
        fill={"topic": "Guest plans", "start": int(time.time()) + 86400},
    )
    assert sender.interactive(payload).status_code == 200
    # The refusal goes privately wherever the form's metadata points (here the command's
    # response_url); what matters is that it is a refusal and nothing was created.
    eventually(
        lambda: (
            "Guests" in json.dumps(fake_slack.responses())
            or any("Guests" in str(c.params.get("text")) for c in fake_slack.calls)
        ),
        what="the refusal",
    )
    assert creates(fake_zoom) == []


def test_a_member_is_not_refused(sender, fake_slack, fake_zoom, person):
    member = person()
    sender.command("Members only", member.slack_id)
    wait_created(fake_zoom)
    eventually(lambda: posts_to(fake_slack, DEFAULT_CHANNEL), what="the post")


@pytest.fixture
def guests_allowed(app_env, fake_slack) -> Iterator[SlackSender]:
    process = AppProcess({**app_env, "ZOOMBOT_ALLOW_GUESTS": "true"}).start()
    try:
        with SlackSender(process.url, fake_slack.signing_secret, fake=fake_slack) as s:
            yield s
    finally:
        process.stop()


@pytest.mark.parametrize("kind", GUESTS, ids=["multi-channel", "single-channel"])
def test_guests_may_schedule_when_allowed(guests_allowed, fake_slack, fake_zoom, person, kind):
    guest = person(**kind)
    guests_allowed.command("Guest standup", guest.slack_id)
    [create] = wait_created(fake_zoom)
    assert create.body["topic"] == "Guest standup"
    eventually(lambda: posts_to(fake_slack, DEFAULT_CHANNEL), what="the post")
    guests_allowed.command("schedule", guest.slack_id)
    fake_slack.wait_for("views.open")

"""A message shortcut in a channel the bot is not in goes out through the response_url,
which Slack cannot thread: the requester's private note says so, never that it was threaded."""

from __future__ import annotations

from tests.app.support import wait_created
from tests.fakes.slack_requests import message_shortcut


def test_the_private_note_says_the_fallback_post_is_not_in_the_thread(
    sender, fake_slack, fake_zoom, person
):
    ana = person()
    fake_slack.add_channel("G0SHUT", name="shut", is_private=True, bot_is_member=False)
    url = fake_slack.new_response_url()
    payload = message_shortcut(
        user=ana.slack_id, message_text="Roadmap", channel="G0SHUT", response_url=url
    )
    sender.interactive(payload)
    wait_created(fake_zoom)
    fake_slack.wait_for_response(url, lambda b: b.get("response_type") == "in_channel")
    note = fake_slack.wait_for_response(url, lambda b: "Created" in b.get("text", ""))
    assert "not in the message's thread" in str(note)

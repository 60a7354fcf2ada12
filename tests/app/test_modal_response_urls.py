"""Where the modal can post without being in the channel: the response_url Slack sends with
the submission for the picked conversation (`response_url_enabled`), or the `/zoom schedule`
command's own while it is still valid, never after."""

from __future__ import annotations

import json
import time

from bot.render import submitted
from tests.app.support import eventually, texts, wait_created
from tests.fakes.slack_requests import global_shortcut, view_submission


def in_a_day() -> int:
    return int(time.time()) + 86400


def test_the_channel_picker_asks_slack_for_a_response_url(sender, fake_slack, person):
    ana = person()
    sender.command("schedule", ana.slack_id)
    fake_slack.wait_for("views.open")
    view = fake_slack.last_view()
    channel = next(b for b in view["blocks"] if b["block_id"] == "channel")
    assert channel["element"]["response_url_enabled"] is True
    metadata = json.loads(view["private_metadata"])
    # The command's URL is used only until 29 minutes after the command.
    assert abs(metadata["response_url_until"] - (time.time() + 29 * 60)) < 60


def test_a_private_channel_the_bot_is_not_in_gets_the_submissions_response_url(
    sender, fake_slack, fake_zoom, person
):
    ana = person()
    fake_slack.add_channel("G0SECRET01", name="secret", is_private=True, bot_is_member=False)
    assert sender.interactive(global_shortcut(user=ana.slack_id)).status_code == 200
    fake_slack.wait_for("views.open")
    view = fake_slack.last_view()
    url = fake_slack.new_response_url()
    payload = view_submission(
        user=ana.slack_id,
        view=view,
        fill={"topic": "Secret plans", "start": in_a_day(), "channel": "G0SECRET01"},
        response_urls=[
            {
                "block_id": "channel",
                "action_id": "value",
                "channel_id": "G0SECRET01",
                "response_url": url,
            }
        ],
    )
    assert sender.interactive(payload).status_code == 200
    wait_created(fake_zoom)
    posted = fake_slack.wait_for_response(
        url, lambda b: b.get("response_type") == "in_channel" and "Secret plans" in texts(b)
    )
    assert "join_meeting" in json.dumps(posted.get("blocks"))


def test_a_command_response_url_past_its_life_is_not_used(sender, fake_slack, fake_zoom, person):
    ana = person()
    fake_slack.add_channel("G0STALE001", name="stale", is_private=True, bot_is_member=False)
    sender.command("schedule", ana.slack_id, channel="G0STALE001")
    command_url = sender.last_response_url
    fake_slack.wait_for("views.open")
    view = dict(fake_slack.last_view())
    # The person left the form open for half an hour: Slack no longer honours that URL.
    metadata = json.loads(view["private_metadata"])
    metadata["response_url_until"] = int(time.time()) - 60
    view["private_metadata"] = json.dumps(metadata)
    payload = view_submission(
        user=ana.slack_id,
        view=view,
        fill={"topic": "Too late", "start": in_a_day(), "channel": "G0STALE001"},
    )
    assert sender.interactive(payload).status_code == 200
    wait_created(fake_zoom)
    # The requester is told privately it could not be posted, with the link.
    eventually(
        lambda: any(
            "could not post" in json.dumps(c.params)
            for c in fake_slack.calls
            if c.method in ("chat.postEphemeral", "chat.postMessage")
        ),
        what="the private could-not-post note",
        timeout=15,
    )
    assert not any(
        b.get("response_type") == "in_channel" for b in fake_slack.responses(command_url)
    )


def submission(channel: str | None, metadata: dict) -> submitted.Submission:
    return submitted.Submission(
        topic="t",
        start=None,
        duration=30,
        repeat="none",
        channel=channel,
        alt_host_ids=(),
        agenda="",
        options=frozenset(),
        metadata=metadata,
    )


def test_response_url_for_prefers_slacks_then_a_valid_command_url():
    meta = {"channel": "C1", "response_url": "https://cmd", "response_url_until": 1000}
    given = {"response_urls": [{"channel_id": "C1", "response_url": "https://slack"}]}
    assert submitted.response_url_for(given, submission("C1", meta), 999) == ("https://slack", None)
    assert submitted.response_url_for({}, submission("C1", meta), 999) == ("https://cmd", 1000.0)
    assert submitted.response_url_for({}, submission("C1", meta), 1000) == (None, None)
    assert submitted.response_url_for({}, submission("C2", meta), 999) == (None, None)
    old = {"channel": "C1", "response_url": "https://cmd"}
    assert submitted.response_url_for({}, submission("C1", old), 999) == (None, None)

"""Helpers for the live-meeting tests: make a posted meeting, read the message Slack holds."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from tests.app.support import eventually, wait_created
from tests.fakes.slack import DEFAULT_CHANNEL, FakeSlack
from tests.fakes.slack_requests import SlackSender


@dataclass(frozen=True)
class Posted:
    meeting_id: int
    channel: str
    ts: str
    requester: str


def make_meeting(
    sender: SlackSender, fake_slack: FakeSlack, fake_zoom: Any, requester: str, text: str
) -> Posted:
    """`/zoom TEXT` by `requester`; returns once the message is posted and recorded (the
    private confirmation comes after the store knows the message's ts)."""
    before = set(fake_zoom.meetings)
    sender.command(text, requester)
    wait_created(fake_zoom, 1)
    meeting_id = eventually(lambda: next(iter(set(fake_zoom.meetings) - before), None))
    fake_slack.wait_for_response(sender.last_response_url, lambda b: "Created" in b["text"])
    post = eventually(
        lambda: next(
            (
                c
                for c in fake_slack.calls_to("chat.postMessage")
                if str(meeting_id) in json.dumps(c.params)
            ),
            None,
        ),
        what="the channel post",
    )
    message = next(
        m
        for m in fake_slack.channel_messages(DEFAULT_CHANNEL)
        if str(meeting_id) in json.dumps(m.get("blocks"))
    )
    assert post.params.get("channel") == DEFAULT_CHANNEL
    return Posted(int(meeting_id), DEFAULT_CHANNEL, message["ts"], requester)


def blocks_of(params: dict[str, Any]) -> list[dict[str, Any]]:
    blocks = params.get("blocks")
    return json.loads(blocks) if isinstance(blocks, str) else list(blocks or [])


def updates_of(fake_slack: FakeSlack, posted: Posted) -> list[list[dict[str, Any]]]:
    """The blocks of every chat.update of `posted`'s message, in order."""
    return [
        blocks_of(c.params)
        for c in fake_slack.calls_to("chat.update")
        if c.params.get("ts") == posted.ts and c.params.get("channel") == posted.channel
    ]


def wait_update(fake_slack: FakeSlack, posted: Posted, needle: str) -> list[dict[str, Any]]:
    """The first chat.update of the message whose blocks contain `needle`."""
    return eventually(
        lambda: next((b for b in updates_of(fake_slack, posted) if needle in json.dumps(b)), None),
        what=f"a chat.update containing {needle!r}",
    )


def action_ids(blocks: list[dict[str, Any]]) -> list[str]:
    return [
        element.get("action_id")
        for block in blocks
        if block.get("type") == "actions"
        for element in block.get("elements", [])
    ]


def current_blocks(fake_slack: FakeSlack, posted: Posted) -> list[dict[str, Any]]:
    """The message as the fake Slack holds it now."""
    message = next(
        m for m in fake_slack.channel_messages(posted.channel) if m.get("ts") == posted.ts
    )
    return blocks_of(message)

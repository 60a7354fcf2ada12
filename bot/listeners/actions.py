"""Buttons on zoombot's messages. The Join button is a link; Slack still tells the app when
it is clicked, and an unanswered click shows the person a warning, so it is acknowledged.

`UnusableActions` answers, before Bolt looks at any listener, the `block_actions` requests
that name no usable action (an empty or malformed `actions` list): Bolt reads
`body["actions"][0]["action_id"]` while matching listeners, and would answer 500."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.flows.answers import Outcome, OutcomeKind
from bot.listeners import clock, listen, log_done, payload
from bot.slack.middleware import Before

log = logging.getLogger("zoombot.actions")


def usable_actions(body: dict[str, Any]) -> bool:
    """True unless `body` is a block_actions (or attachment) payload whose first action is
    not an object with a text `action_id` (and `block_id`, when given)."""
    if not isinstance(body, dict) or body.get("type") not in (
        "block_actions",
        "interactive_message",
    ):
        return True
    actions = body.get("actions")
    if not isinstance(actions, list) or not actions:
        return False
    first = actions[0]
    if not isinstance(first, dict):
        return False
    if body.get("type") == "interactive_message":
        return True
    block_id = first.get("block_id", "")
    return isinstance(first.get("action_id"), str) and isinstance(block_id, str)


class UnusableActions(Before):
    """Acknowledge (200, empty) and log a `block_actions` request with no usable action."""

    def before(self, req: AsyncBoltRequest) -> BoltResponse | None:
        if usable_actions(req.body):
            return None
        user = (req.body.get("user") or {}) if isinstance(req.body.get("user"), dict) else {}
        log_done(
            "action:unusable", user.get("id"), None, clock(), clock(), Outcome(OutcomeKind.IGNORED)
        )
        return BoltResponse(status=200, body="")


async def join_clicked(ack: Any, body: dict[str, Any]) -> None:
    """The Join button (a link): acknowledged so Slack shows no warning."""
    started = clock()
    await ack()
    user = payload.user_id(body)
    channel = payload.channel_id(body)
    log_done("action:join_meeting", user, channel, started, clock(), Outcome(OutcomeKind.ACKED))


def register(app: AsyncApp) -> None:
    app.use(UnusableActions())
    listen(app.action("join_meeting"), join_clicked)

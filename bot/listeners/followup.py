"""The ended message's "Schedule a follow-up" button: acknowledged, then the pre-filled
form opened (bot/flows/followup.py)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext

from bot.flows.answers import Outcome, OutcomeKind
from bot.flows.followup import open_followup
from bot.listeners import after_ack, listen, log_done, logged, payload
from bot.listeners.pressed import ack_pressed
from bot.render.followup import FOLLOWUP


async def followup_clicked(
    ack: Any, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext
) -> None:
    pressed = await ack_pressed(ack, body, context)
    started, acked, user = pressed.started, pressed.acked, pressed.user
    channel = payload.channel_id(body)
    value = str(action.get("value") or "")
    trigger_id = body.get("trigger_id")
    if not value.isascii() or not value.isdigit() or not isinstance(trigger_id, str):
        log_done("action:followup", user, channel, started, acked, Outcome(OutcomeKind.INVALID))
        return
    outcome = open_followup(
        pressed.flows,
        trigger_id=trigger_id,
        requester=user,
        meeting_id=int(value),
        channel=channel,
        response_url=body.get("response_url")
        if isinstance(body.get("response_url"), str)
        else None,
    )
    after_ack(
        context,
        "followup_clicked",
        logged("action:followup", user, channel, started, acked, outcome),
    )


def register(app: AsyncApp) -> None:
    listen(app.action(FOLLOWUP), followup_clicked)

"""Buttons of meetings that require registration, and of the replies in a meeting's thread:
Register (bot/flows/registration.py `register`), Approve (`approve`, the host's), and the
recording's link (acknowledged only, so Slack shows no warning)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext

from bot.flows import registration
from bot.listeners import after_ack, listen, payload
from bot.listeners.buttons import link_opened
from bot.listeners.pressed import ack_pressed
from bot.render.registration import APPROVE_ACTION, REGISTER_ACTION


async def register_pressed(
    ack: Any, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext
) -> None:
    """Register: the clicking person registers; their link (or "waiting") comes privately."""
    pressed = await ack_pressed(ack, body, context)
    flows, user = pressed.flows, pressed.user
    channel = payload.channel_id(body)

    async def work() -> None:
        outcome = await registration.register(
            flows, user, str(action.get("value") or ""), channel, body.get("response_url")
        )
        pressed.done(f"action:{REGISTER_ACTION}", outcome, channel)

    after_ack(context, "register_pressed", work())


async def approve_pressed(
    ack: Any, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext
) -> None:
    """Approve (in the meeting's thread): the host lets a registrant in."""
    pressed = await ack_pressed(ack, body, context)
    flows, user = pressed.flows, pressed.user
    channel = payload.channel_id(body)
    message_ts = (body.get("container") or {}).get("message_ts") or (body.get("message") or {}).get(
        "ts"
    )

    async def work() -> None:
        outcome = await registration.approve(
            flows,
            user,
            str(action.get("value") or ""),
            channel,
            message_ts,
            body.get("response_url"),
        )
        pressed.done(f"action:{APPROVE_ACTION}", outcome, channel)

    after_ack(context, "approve_pressed", work())


def register(app: AsyncApp) -> None:
    listen(app.action(REGISTER_ACTION), register_pressed)
    listen(app.action(APPROVE_ACTION), approve_pressed)
    listen(app.action("open_recording"), link_opened)

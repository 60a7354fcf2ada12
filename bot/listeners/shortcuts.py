"""The global shortcut (the scheduling modal) and the message shortcut (an instant meeting
about a message, posted in its thread)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext

from bot.flows import create, modal
from bot.flows.asks import Ask, MessageAsk
from bot.flows.create import SHORTCUT_WINDOW
from bot.listeners import after_ack, clock, listen, logged, payload, services

GLOBAL = "schedule_meeting"
MESSAGE = "start_meeting_from_message"


async def schedule_meeting(ack: Any, body: dict[str, Any], context: AsyncBoltContext) -> None:
    """The global shortcut: open the modal (it asks for the channel)."""
    started = clock()
    await ack()
    user = payload.user_id(body) or ""
    # A global shortcut has no channel: the modal asks for one.
    outcome = modal.open_modal(
        services(context), trigger_id=body.get("trigger_id") or "", requester=user, channel=None
    )
    after_ack(
        context,
        "schedule_meeting",
        logged("shortcut:global", user, None, started, clock(), outcome),
    )


async def start_meeting_from_message(
    ack: Any, body: dict[str, Any], context: AsyncBoltContext
) -> None:
    """The message shortcut: an instant meeting named from the message, in its thread."""
    started = clock()
    await ack()
    acked = clock()
    user = payload.user_id(body) or ""
    channel = payload.channel_id(body)
    message = body.get("message") or {}
    ts = message.get("ts") or body.get("message_ts")
    ask = Ask(
        requester=user,
        key=f"shortcut:{user}:{channel}:{ts}",
        key_window=SHORTCUT_WINDOW,
        kind="message_shortcut",
        channel=channel,
        what=MessageAsk(message.get("text") or ""),
        response_url=body.get("response_url"),
        thread_ts=message.get("thread_ts") or ts,
    )
    # Recorded before Bolt answers Slack: an acknowledged shortcut is never lost.
    work = await create.take(services(context), ask)
    after_ack(
        context,
        "start_meeting_from_message",
        logged("shortcut:message", user, channel, started, acked, work),
    )


def register(app: AsyncApp) -> None:
    listen(app.shortcut(GLOBAL), schedule_meeting)
    listen(app.shortcut(MESSAGE), start_meeting_from_message)

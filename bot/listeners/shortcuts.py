"""The global shortcut (the scheduling modal) and the message shortcut (an instant meeting
about a message, posted in its thread)."""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.inflight import tracked
from bot.listeners import clock, logged, payload
from bot.scheduling import SHORTCUT_WINDOW, Ask, Scheduler

GLOBAL = "schedule_meeting"
MESSAGE = "start_meeting_from_message"


def register(app: AsyncApp, flow: Scheduler) -> None:
    @app.shortcut(GLOBAL)
    @tracked(flow.inflight)
    async def schedule_meeting(ack: Any, body: dict[str, Any]) -> Coroutine[Any, Any, None]:
        started = clock()
        await ack()
        user = payload.user_id(body) or ""
        # A global shortcut has no channel: the modal asks for one.
        outcome = flow.open_modal(
            trigger_id=body.get("trigger_id") or "", requester=user, channel=None
        )
        return logged("shortcut:global", user, None, started, clock(), outcome)

    @app.shortcut(MESSAGE)
    @tracked(flow.inflight)
    async def start_meeting_from_message(
        ack: Any, body: dict[str, Any]
    ) -> Coroutine[Any, Any, None]:
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
            message_text=message.get("text") or "",
            response_url=body.get("response_url"),
            thread_ts=message.get("thread_ts") or ts,
        )
        # Recorded before Bolt answers Slack: an acknowledged shortcut is never lost.
        work = await flow.take(ask)
        return logged("shortcut:message", user, channel, started, acked, work)

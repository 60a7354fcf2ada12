"""Buttons on zoombot's messages. The Join button is a link; Slack still tells the app when
it is clicked, and an unanswered click shows the person a warning, so it is acknowledged."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.inflight import tracked
from bot.listeners import clock, log_done
from bot.scheduling import Outcome, Scheduler


def register(app: AsyncApp, flow: Scheduler) -> None:
    @app.action("join_meeting")
    @tracked(flow.inflight)
    async def join_clicked(ack: Any, body: dict[str, Any]) -> None:
        started = clock()
        await ack()
        user = (body.get("user") or {}).get("id")
        channel = (body.get("channel") or {}).get("id")
        log_done("action:join_meeting", user, channel, started, clock(), Outcome("acked"))
        return None

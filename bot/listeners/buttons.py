"""Buttons on the meeting message and the Home tab: Cancel (Slack shows its confirmation
dialog first) goes through the scheduling flow's one cancel; the calendar buttons are links,
acknowledged so Slack shows no warning."""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.inflight import tracked
from bot.listeners import clock, log_done, payload
from bot.scheduling import Outcome, Scheduler

CALENDAR_LINKS = ("add_to_google_calendar", "add_to_outlook", "download_ics")


def register(app: AsyncApp, flow: Scheduler) -> None:
    @app.action("cancel_meeting")
    @tracked(flow.inflight)
    async def cancel_pressed(
        ack: Any, body: dict[str, Any], action: dict[str, Any]
    ) -> Coroutine[Any, Any, None]:
        started = clock()
        await ack()
        acked = clock()
        user = payload.user_id(body) or ""
        from_home = (body.get("container") or {}).get("type") == "view"
        channel = None if from_home else payload.channel_id(body)

        async def work() -> None:
            # The requester-or-host check, the Zoom delete, the message update and the
            # private answer are all the flow's (the same as `/zoom cancel ID`).
            outcome = await flow.cancel(
                user, str(action.get("value") or ""), body.get("response_url"), channel
            )
            if from_home:
                from bot.listeners.home import publish_home

                await publish_home(flow, user)
            log_done("action:cancel_meeting", user, channel, started, acked, outcome)

        return work()

    for action_id in CALENDAR_LINKS:

        @app.action(action_id)
        @tracked(flow.inflight)
        async def link_opened(ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
            started = clock()
            await ack()
            user = payload.user_id(body)
            channel = payload.channel_id(body)
            kind = f"action:{action.get('action_id')}"
            log_done(kind, user, channel, started, clock(), Outcome("acked"))
            return None

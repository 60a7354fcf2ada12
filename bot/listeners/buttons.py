"""Buttons on the meeting message and the Home tab: Cancel (Slack shows its confirmation
dialog first) goes through the one cancel (bot/flows/manage.py); the calendar buttons are
links, acknowledged so Slack shows no warning."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext

from bot.flows import manage
from bot.flows.answers import Outcome, OutcomeKind
from bot.listeners import after_ack, clock, listen, log_done, payload
from bot.listeners.pressed import ack_pressed

CALENDAR_LINKS = ("add_to_google_calendar", "add_to_outlook", "download_ics")


async def cancel_pressed(
    ack: Any, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext
) -> None:
    """Cancel, confirmed: the same as `/zoom cancel ID`; the Home tab is published again."""
    pressed = await ack_pressed(ack, body, context)
    from_home = (body.get("container") or {}).get("type") == "view"
    channel = None if from_home else payload.channel_id(body)

    async def work() -> None:
        # The requester-or-host check, the Zoom delete, the message update and the private
        # answer are all the flow's (the same as `/zoom cancel ID`).
        command = manage.Command(
            pressed.user, str(action.get("value") or ""), body.get("response_url"), channel
        )
        outcome = await manage.cancel(pressed.flows, command)
        if from_home:
            from bot.listeners.home import publish_home

            await publish_home(pressed.flows, pressed.user)
        pressed.done("action:cancel_meeting", outcome, channel)

    after_ack(context, "cancel_pressed", work())


async def link_opened(ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
    """A calendar button (a link): acknowledged so Slack shows no warning."""
    started = clock()
    await ack()
    user = payload.user_id(body)
    channel = payload.channel_id(body)
    kind = f"action:{action.get('action_id')}"
    log_done(kind, user, channel, started, clock(), Outcome(OutcomeKind.ACKED))


def register(app: AsyncApp) -> None:
    listen(app.action("cancel_meeting"), cancel_pressed)
    for action_id in CALENDAR_LINKS:
        listen(app.action(action_id), link_opened)

"""The Home tab's reminder choice (`pref_reminder`): saved, and the tab published again.
Reminders themselves are scheduled by bot/flows/reminders.py."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext

from bot.listeners import after_ack, listen
from bot.listeners.pressed import ack_pressed, choose_number, selected
from bot.preferences import REMINDERS
from bot.render.reminders import PREF_REMINDER


async def reminder_chosen(
    ack: Any, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext
) -> None:
    """The Home tab's reminder select: minutes before (0 = off), one of REMINDERS."""
    pressed = await ack_pressed(ack, body, context)
    work = choose_number(
        pressed, "action:pref_reminder", selected(action), REMINDERS, "reminder_minutes"
    )
    after_ack(context, "reminder_chosen", work)


def register(app: AsyncApp) -> None:
    listen(app.action(PREF_REMINDER), reminder_chosen)

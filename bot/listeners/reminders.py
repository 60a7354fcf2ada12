"""The Home tab's reminder choice (`pref_reminder`): saved, and the tab published again.
Reminders themselves are scheduled by bot/flows/reminders.py."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext

from bot.flows.answers import Outcome, OutcomeKind
from bot.listeners import after_ack, listen
from bot.listeners.home import publish_home
from bot.listeners.pressed import ack_pressed
from bot.preferences import REMINDERS
from bot.render.reminders import PREF_REMINDER


async def reminder_chosen(
    ack: Any, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext
) -> None:
    """The Home tab's reminder select: minutes before (0 = off), one of REMINDERS."""
    pressed = await ack_pressed(ack, body, context)
    flows, user = pressed.flows, pressed.user
    value = str((action.get("selected_option") or {}).get("value") or "")

    async def work() -> None:
        if not value.isascii() or not value.isdigit() or int(value) not in REMINDERS:
            pressed.done("action:pref_reminder", Outcome(OutcomeKind.INVALID))
            return
        await flows.store.set_preferences(user, reminder_minutes=int(value))
        outcome = await publish_home(flows, user)
        pressed.done("action:pref_reminder", outcome, None)

    after_ack(context, "reminder_chosen", work())


def register(app: AsyncApp) -> None:
    listen(app.action(PREF_REMINDER), reminder_chosen)

"""The Home tab's reminder choice (`pref_reminder`): saved, and the tab published again.
Reminders themselves are scheduled by bot/flows/reminders.py."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext

from bot.flows.answers import Outcome, OutcomeKind
from bot.listeners import after_ack, clock, listen, log_done, payload, services
from bot.listeners.home import publish_home
from bot.preferences import REMINDERS
from bot.render.reminders import PREF_REMINDER


async def reminder_chosen(
    ack: Any, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext
) -> None:
    """The Home tab's reminder select: minutes before (0 = off), one of REMINDERS."""
    started = clock()
    await ack()
    acked = clock()
    flows = services(context)
    user = payload.user_id(body) or ""
    value = str((action.get("selected_option") or {}).get("value") or "")

    async def work() -> None:
        if not value.isascii() or not value.isdigit() or int(value) not in REMINDERS:
            log_done(
                "action:pref_reminder", user, None, started, acked, Outcome(OutcomeKind.INVALID)
            )
            return
        await flows.store.set_preferences(user, reminder_minutes=int(value))
        outcome = await publish_home(flows, user)
        log_done("action:pref_reminder", user, None, started, acked, outcome)

    after_ack(context, "reminder_chosen", work())


def register(app: AsyncApp) -> None:
    listen(app.action(PREF_REMINDER), reminder_chosen)

"""Slack's `user_change` event: a profile changed (a person made a guest, renamed, moved to
another zone). The cached profile is replaced at once, so the guest check sees the change
(bot/hosts.py `remember_profile`)."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext

from bot.flows.answers import Outcome, OutcomeKind
from bot.flows.services import STORE_ERRORS, Services
from bot.listeners import after_ack, clock, listen, logged, services

log = logging.getLogger("zoombot.people")


async def remember(flows: Services, user: dict[str, Any]) -> Outcome:
    """Replace the cached profile of `user` (memory, and the store when it can)."""
    try:
        await flows.hosts.remember_profile(user["id"], user)
    except STORE_ERRORS as error:
        # Still held in memory; the store's copy ages out within the hour.
        log.warning("profile of %s not stored: %s", user["id"], type(error).__name__)
    return Outcome(OutcomeKind.PROFILE_UPDATED)


async def user_changed(event: dict[str, Any], context: AsyncBoltContext) -> None:
    """Bolt acknowledges events itself, when this returns."""
    user = event.get("user")
    if not isinstance(user, dict) or not isinstance(user.get("id"), str):
        return
    started = clock()
    work = remember(services(context), user)
    after_ack(
        context,
        "user_changed",
        logged("event:user_change", user["id"], None, started, started, work),
    )


def register(app: AsyncApp) -> None:
    listen(app.event("user_change"), user_changed)

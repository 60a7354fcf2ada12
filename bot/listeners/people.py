"""Slack's `user_change` event: a profile changed (a person made a guest, renamed, moved to
another zone). The cached profile is replaced at once, so the guest check sees the change
(bot/hosts.py `remember_profile`)."""

from __future__ import annotations

import logging
from collections.abc import Coroutine
from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.inflight import tracked
from bot.listeners import clock, logged
from bot.scheduling import STORE_ERRORS, Outcome, Scheduler

log = logging.getLogger("zoombot.people")


def register(app: AsyncApp, flow: Scheduler) -> None:
    @app.event("user_change")
    @tracked(flow.inflight)
    async def user_changed(event: dict[str, Any]) -> Coroutine[Any, Any, None] | None:
        # Bolt acknowledges events itself, when this returns.
        user = event.get("user")
        if not isinstance(user, dict) or not isinstance(user.get("id"), str):
            return None
        started = clock()

        async def work() -> Outcome:
            try:
                await flow.hosts.remember_profile(user["id"], user)
            except STORE_ERRORS as error:
                # Still held in memory; the store's copy ages out within the hour.
                log.warning("profile of %s not stored: %s", user["id"], type(error).__name__)
            return Outcome("profile updated")

        return logged("event:user_change", user["id"], None, started, started, work())

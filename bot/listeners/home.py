"""The App Home tab: published when a person opens it, and again after they change a
preference there or cancel a meeting from it."""

from __future__ import annotations

import logging
from collections.abc import Coroutine
from datetime import UTC, datetime
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError

from bot.inflight import tracked
from bot.listeners import clock, log_done, logged, payload
from bot.posting import TRANSPORT_ERRORS, PostFailed
from bot.preferences import DURATIONS
from bot.render import home
from bot.scheduling import Outcome, Scheduler
from zoom import ZoomError

log = logging.getLogger("zoombot.home")


async def publish_home(flow: Scheduler, user: str) -> Outcome:
    """Render `user`'s Home tab from the store (and their host) and `views.publish` it."""
    now = datetime.now(UTC)
    rows = await flow.store.meetings_by(user)
    prefs = await flow.preferences(user)
    email: str | None = None
    found_by: str | None = None
    host_unknown = False
    try:
        zoom_user, found_by, _ = await flow.hosts.own_zoom_user(user)
        if zoom_user is not None:
            email = zoom_user.email
        else:
            host = await flow.hosts.find_host(user)
            email, found_by = (host.email, host.found_by) if host else (None, None)
    except (ZoomError, SlackApiError, *TRANSPORT_ERRORS) as error:
        # Zoom or Slack refused, or Slack did not answer in time (users.info past
        # ZOOMBOT_SLACK_TIMEOUT): the tab still shows the meetings and preferences, and the
        # host line says the host could not be looked up.
        host_unknown = True
        log.info("home tab without a host for %s: %s", user, type(error).__name__)
    view = home.home_view(
        meetings=home.upcoming(rows, now),
        host_email=email,
        found_by=found_by,
        prefs=prefs,
        now=now,
        host_unknown=host_unknown,
    )
    try:
        await flow.poster.publish_home(user, view)
    except PostFailed as failure:
        return Outcome(f"home not published: {failure.error}")
    return Outcome("home published")


def register(app: AsyncApp, flow: Scheduler) -> None:
    @app.event("app_home_opened")
    @tracked(flow.inflight)
    async def home_opened(event: dict[str, Any]) -> Coroutine[Any, Any, None] | None:
        # Bolt acknowledges events itself, when this returns. The Messages tab opens this
        # event too.
        if event.get("tab", "home") != "home":
            return None
        started = clock()
        user = event.get("user") or ""
        outcome = publish_home(flow, user)
        return logged("event:app_home_opened", user, None, started, started, outcome)

    @app.action(home.PREF_DURATION)
    @tracked(flow.inflight)
    async def duration_chosen(
        ack: Any, body: dict[str, Any], action: dict[str, Any]
    ) -> Coroutine[Any, Any, None]:
        started = clock()
        await ack()
        acked = clock()
        user = payload.user_id(body) or ""
        value = str((action.get("selected_option") or {}).get("value") or "")

        async def work() -> None:
            # Any duration the select offers: the list, plus the workspace default and the
            # person's current one, which the Home tab adds to it (bot/home.py).
            current = await flow.preferences(user)
            offered = {*DURATIONS, flow.settings.default_duration, current.duration}
            if not value.isdigit() or int(value) not in offered:
                log_done("action:pref_duration", user, None, started, acked, Outcome("invalid"))
                return
            await flow.store.set_preferences(user, duration=int(value))
            outcome = await publish_home(flow, user)
            log_done("action:pref_duration", user, None, started, acked, outcome)

        return work()

    @app.action(home.PREF_OPTIONS)
    @tracked(flow.inflight)
    async def options_chosen(
        ack: Any, body: dict[str, Any], action: dict[str, Any]
    ) -> Coroutine[Any, Any, None]:
        started = clock()
        await ack()
        acked = clock()
        user = payload.user_id(body) or ""
        chosen = {o.get("value") for o in action.get("selected_options") or []}

        async def work() -> None:
            # A tick changes one box: only that one becomes the person's own choice; the
            # other keeps following the workspace default.
            current = await flow.preferences(user)
            changed = {
                name: int(name in chosen)
                for name, now_on in (
                    ("waiting_room", current.waiting_room),
                    ("post_passcode", current.post_passcode),
                )
                if (name in chosen) != now_on
            }
            if changed:
                await flow.store.set_preferences(user, **changed)
            outcome = await publish_home(flow, user)
            log_done("action:pref_options", user, None, started, acked, outcome)

        return work()

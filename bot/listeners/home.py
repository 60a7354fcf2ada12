"""The App Home tab: published when a person opens it, and again after they change a
preference there or cancel a meeting from it."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.errors import SlackApiError

from bot.flows.answers import Outcome, OutcomeKind
from bot.flows.services import Services
from bot.listeners import after_ack, clock, listen, logged, services
from bot.listeners.pressed import ack_pressed, choose_number, selected
from bot.posting import TRANSPORT_ERRORS, PostFailed
from bot.preferences import DURATIONS
from bot.render import home
from bot.render import people as people_render
from zoom import ZoomError

log = logging.getLogger("zoombot.home")


async def publish_home(flows: Services, user: str) -> Outcome:
    """Render `user`'s Home tab from the store (and their host) and `views.publish` it."""
    now = datetime.now(UTC)
    rows = await flows.meetings_of(user)
    prefs = await flows.preferences(user)
    email: str | None = None
    found_by: str | None = None
    host_unknown = False
    try:
        own = await flows.hosts.own_zoom_user(user)
        found_by = own.found_by
        if own.user is not None:
            email = own.user.email
        else:
            host = await flows.hosts.find_host(user)
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
    view["blocks"] += await people_home_blocks(flows, user)
    try:
        await flows.poster.publish_home(user, view)
    except PostFailed as failure:
        return Outcome(OutcomeKind.HOME_NOT_PUBLISHED, failure.error)
    return Outcome(OutcomeKind.HOME_PUBLISHED)


async def home_opened(event: dict[str, Any], context: AsyncBoltContext) -> None:
    """Bolt acknowledges events itself, when this returns. The Messages tab opens this event
    too: only the Home tab is published."""
    if event.get("tab", "home") != "home":
        return
    started = clock()
    user = event.get("user") or ""
    outcome = publish_home(services(context), user)
    after_ack(
        context,
        "home_opened",
        logged("event:app_home_opened", user, None, started, started, outcome),
    )


async def duration_chosen(
    ack: Any, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext
) -> None:
    """The Home tab's duration select."""
    pressed = await ack_pressed(ack, body, context)
    value = selected(action)

    async def work() -> None:
        # Any duration the select offers: the list, plus the workspace default and the
        # person's current one, which the Home tab adds to it (bot/home.py).
        flows = pressed.flows
        current = await flows.preferences(pressed.user)
        offered = {*DURATIONS, flows.settings.default_duration, current.duration}
        await choose_number(pressed, "action:pref_duration", value, offered, "duration")

    after_ack(context, "duration_chosen", work())


async def options_chosen(
    ack: Any, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext
) -> None:
    """The Home tab's checkboxes (waiting room, passcode in the channel)."""
    pressed = await ack_pressed(ack, body, context)
    flows, user = pressed.flows, pressed.user
    chosen = {o.get("value") for o in action.get("selected_options") or []}

    async def work() -> None:
        # A tick changes one box: only that one becomes the person's own choice; the other
        # keeps following the workspace default.
        current = await flows.preferences(user)
        changed = {
            name: int(name in chosen)
            for name, now_on in (
                ("waiting_room", current.waiting_room),
                ("post_passcode", current.post_passcode),
            )
            if (name in chosen) != now_on
        }
        if changed:
            await flows.store.set_preferences(user, **changed)
        pressed.done("action:pref_options", await publish_home(flows, user))

    after_ack(context, "options_chosen", work())


async def people_home_blocks(flows: Services, user: str) -> list[dict[str, Any]]:
    """Issue 16's preferences (personal room, working hours), after the others."""
    row = await flows.store.preferences(user) or {}
    return people_render.home_blocks(
        use_pmi=bool(row.get("use_pmi")),
        work_start=row.get("work_start") or "09:00",
        work_end=row.get("work_end") or "18:00",
    )


def register(app: AsyncApp) -> None:
    listen(app.event("app_home_opened"), home_opened)
    listen(app.action(home.PREF_DURATION), duration_chosen)
    listen(app.action(home.PREF_OPTIONS), options_chosen)

"""The buttons of everyone's own time (bot/flows/people.py): Create anyway, Find a time, a
picked time; and the Home tab's personal-room and working-hours preferences. Each acks at
once; a create claims its key before the listener returns (an acknowledged click is never
lost, and a second click finds it claimed)."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext

from bot.flows import people
from bot.flows.answers import Outcome, OutcomeKind
from bot.flows.services import STORE_ERRORS, Services
from bot.listeners import after_ack, clock, listen, log_done, logged, payload, services
from bot.render import people as render
from bot.render.people import Pending


async def create_pressed(
    ack: Any, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext
) -> None:
    """Create anyway, or one of the offered times: the meeting at the button's time."""
    started = clock()
    await ack()
    flows = services(context)
    user = payload.user_id(body) or ""
    pending = Pending.from_value(str(action.get("value") or ""))
    kind = f"action:{action.get('action_id')}"
    if pending is None:
        log_done(kind, user, None, started, clock(), Outcome(OutcomeKind.INVALID))
        return
    work = await people.take_pending(flows, user, pending, body.get("response_url"))
    after_ack(context, "people_create", logged(kind, user, pending.channel, started, clock(), work))


async def find_pressed(
    ack: Any, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext
) -> None:
    """Find a time: the nearest starts that fit everyone, privately."""
    started = clock()
    await ack()
    flows = services(context)
    user = payload.user_id(body) or ""
    pending = Pending.from_value(str(action.get("value") or ""))
    if pending is None:
        log_done("action:find_time", user, None, started, clock(), Outcome(OutcomeKind.INVALID))
        return
    work = people.offer_slots(flows, user, pending, pending.channel, body.get("response_url"))
    after_ack(
        context,
        "people_find",
        logged("action:find_time", user, pending.channel, started, clock(), work),
    )


async def _save_and_publish(
    flows: Services, user: str, kind: str, started: float, acked: float, **changes: Any
) -> None:
    from bot.listeners.home import publish_home

    try:
        await flows.store.set_preferences(user, **changes)
    except STORE_ERRORS as error:
        log_done(
            kind, user, None, started, acked, Outcome(OutcomeKind.FAILED, type(error).__name__)
        )
        return
    log_done(kind, user, None, started, acked, await publish_home(flows, user))


async def personal_room_chosen(
    ack: Any, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext
) -> None:
    """The Home tab's "use my personal room for instant meetings" box."""
    started = clock()
    await ack()
    acked = clock()
    user = payload.user_id(body) or ""
    on = any(o.get("value") == render.PMI_OPTION for o in action.get("selected_options") or [])
    after_ack(
        context,
        "pref_personal_room",
        _save_and_publish(
            services(context), user, "action:pref_personal_room", started, acked, use_pmi=int(on)
        ),
    )


HHMM = re.compile(r"^(?:[01]\d|2[0-3]):[0-5]\d$")


async def hours_chosen(
    ack: Any, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext
) -> None:
    """The Home tab's working hours selects (start or end, "HH:MM")."""
    started = clock()
    await ack()
    acked = clock()
    user = payload.user_id(body) or ""
    value = str((action.get("selected_option") or {}).get("value") or "")
    column = "work_start" if action.get("action_id") == render.PREF_WORK_START else "work_end"
    kind = f"action:{action.get('action_id')}"
    if not HHMM.match(value):
        log_done(kind, user, None, started, acked, Outcome(OutcomeKind.INVALID))
        return
    after_ack(
        context,
        "pref_work_hours",
        _save_and_publish(services(context), user, kind, started, acked, **{column: value}),
    )


def register(app: AsyncApp) -> None:
    listen(app.action(render.CREATE_ANYWAY), create_pressed)
    listen(app.action(re.compile(rf"^{render.PICK_SLOT}_\d+$")), create_pressed)
    listen(app.action(render.FIND_TIME), find_pressed)
    listen(app.action(render.PREF_PMI), personal_room_chosen)
    listen(app.action(render.PREF_WORK_START), hours_chosen)
    listen(app.action(render.PREF_WORK_END), hours_chosen)

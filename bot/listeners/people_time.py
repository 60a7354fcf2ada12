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
from bot.flows.services import STORE_ERRORS
from bot.listeners import after_ack, clock, listen, log_done, logged
from bot.listeners.pressed import Pressed, ack_pressed, selected
from bot.render import people as render
from bot.render.people import Pending


def _pending(pressed: Pressed, kind: str, action: dict[str, Any]) -> Pending | None:
    """The meeting a button carries; None (and the request logged INVALID) when unreadable."""
    pending = Pending.from_value(str(action.get("value") or ""))
    if pending is None:
        log_done(kind, pressed.user, None, pressed.started, clock(), Outcome(OutcomeKind.INVALID))
    return pending


async def create_pressed(
    ack: Any, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext
) -> None:
    """Create anyway, or one of the offered times: the meeting at the button's time."""
    pressed = await ack_pressed(ack, body, context)
    kind = f"action:{action.get('action_id')}"
    pending = _pending(pressed, kind, action)
    if pending is None:
        return
    user, started = pressed.user, pressed.started
    work = await people.take_pending(pressed.flows, user, pending, body.get("response_url"))
    after_ack(context, "people_create", logged(kind, user, pending.channel, started, clock(), work))


async def find_pressed(
    ack: Any, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext
) -> None:
    """Find a time: the nearest starts that fit everyone, privately."""
    pressed = await ack_pressed(ack, body, context)
    pending = _pending(pressed, "action:find_time", action)
    if pending is None:
        return
    user, started = pressed.user, pressed.started
    work = people.offer_slots(
        pressed.flows, user, pending, pending.channel, body.get("response_url")
    )
    after_ack(
        context,
        "people_find",
        logged("action:find_time", user, pending.channel, started, clock(), work),
    )


async def _save_and_publish(pressed: Pressed, kind: str, **changes: Any) -> None:
    from bot.listeners.home import publish_home

    try:
        await pressed.flows.store.set_preferences(pressed.user, **changes)
    except STORE_ERRORS as error:
        pressed.done(kind, Outcome(OutcomeKind.FAILED, type(error).__name__))
        return
    pressed.done(kind, await publish_home(pressed.flows, pressed.user))


async def personal_room_chosen(
    ack: Any, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext
) -> None:
    """The Home tab's "use my personal room for instant meetings" box."""
    pressed = await ack_pressed(ack, body, context)
    on = any(o.get("value") == render.PMI_OPTION for o in action.get("selected_options") or [])
    work = _save_and_publish(pressed, "action:pref_personal_room", use_pmi=int(on))
    after_ack(context, "pref_personal_room", work)


HHMM = re.compile(r"^(?:[01]\d|2[0-3]):[0-5]\d$")


async def hours_chosen(
    ack: Any, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext
) -> None:
    """The Home tab's working hours selects (start or end, "HH:MM")."""
    pressed = await ack_pressed(ack, body, context)
    value = selected(action)
    column = "work_start" if action.get("action_id") == render.PREF_WORK_START else "work_end"
    kind = f"action:{action.get('action_id')}"
    if not HHMM.match(value):
        pressed.done(kind, Outcome(OutcomeKind.INVALID))
        return
    after_ack(context, "pref_work_hours", _save_and_publish(pressed, kind, **{column: value}))


def register(app: AsyncApp) -> None:
    listen(app.action(render.CREATE_ANYWAY), create_pressed)
    listen(app.action(re.compile(rf"^{render.PICK_SLOT}_\d+$")), create_pressed)
    listen(app.action(render.FIND_TIME), find_pressed)
    listen(app.action(render.PREF_PMI), personal_room_chosen)
    listen(app.action(render.PREF_WORK_START), hours_chosen)
    listen(app.action(render.PREF_WORK_END), hours_chosen)

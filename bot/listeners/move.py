"""The Reschedule and Skip one… buttons on a meeting's message and their modals (issue 15).
Acknowledge first; the flows (bot/flows/move.py, skip.py) check who may, open the modal
(the trigger lives 3 s), and on submission make the change and answer privately."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext

from bot.flows import move, skip
from bot.flows.changes import Pressed
from bot.flows.manage import parse_meeting_id
from bot.listeners import after_ack, clock, listen, logged, payload, services
from bot.render import move as view


async def reschedule_pressed(
    ack: Any, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext
) -> None:
    """Reschedule: the requester or host gets the modal; anyone else a private refusal."""
    await _pressed(ack, body, action, context, move.open_reschedule, "reschedule")


async def skip_pressed(
    ack: Any, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext
) -> None:
    """Skip one…: a choice of the series' next occurrences."""
    await _pressed(ack, body, action, context, skip.open_skip, "skip_occurrence")


async def _pressed(
    ack: Any,
    body: dict[str, Any],
    action: dict[str, Any],
    context: AsyncBoltContext,
    opener: Any,
    name: str,
) -> None:
    started = clock()
    await ack()
    user = payload.user_id(body) or ""
    channel = payload.channel_id(body)
    meeting_id = parse_meeting_id(str(action.get("value") or "")) or 0
    pressed = Pressed(
        user, meeting_id, str(body.get("trigger_id") or ""), channel, body.get("response_url")
    )
    outcome = opener(services(context), pressed)
    after_ack(context, name, logged(f"action:{name}", user, channel, started, clock(), outcome))


async def reschedule_submitted(ack: Any, body: dict[str, Any], context: AsyncBoltContext) -> None:
    """The Reschedule modal: an empty field is an error in the modal; else it closes and
    the text is read as `/zoom move <ID> to <text>` reads it."""
    started = clock()
    view_body = body.get("view") if isinstance(body.get("view"), dict) else {}
    submitted = view.read_submission(view_body)
    if not submitted.text.strip():
        await ack(response_action="errors", errors={view.WHEN_BLOCK: "Say when, like Thu 3pm."})
        return
    await ack()
    user = payload.user_id(body) or ""
    outcome = move.move(
        services(context),
        user,
        target=str(submitted.meeting_id or ""),
        text=submitted.text,
        day=None,
        channel=submitted.channel,
        response_url=None,
        key=f"view:{view_body.get('id')}",
    )
    after_ack(
        context,
        "reschedule_submitted",
        logged("modal:reschedule", user, submitted.channel, started, clock(), outcome),
    )


async def skip_submitted(ack: Any, body: dict[str, Any], context: AsyncBoltContext) -> None:
    """The Skip one… modal: skip the occurrence chosen."""
    started = clock()
    view_body = body.get("view") if isinstance(body.get("view"), dict) else {}
    submitted = view.read_submission(view_body)
    if not submitted.occurrence_id:
        await ack(response_action="errors", errors={view.OCCURRENCE_BLOCK: "Pick one."})
        return
    await ack()
    user = payload.user_id(body) or ""
    outcome = skip.skip(
        services(context),
        user,
        target=str(submitted.meeting_id or ""),
        day=None,
        occurrence_id=submitted.occurrence_id,
        channel=submitted.channel,
        response_url=None,
        key=f"view:{view_body.get('id')}",
    )
    after_ack(
        context,
        "skip_submitted",
        logged("modal:skip_occurrence", user, submitted.channel, started, clock(), outcome),
    )


def register(app: AsyncApp) -> None:
    listen(app.action(view.RESCHEDULE), reschedule_pressed)
    listen(app.action(view.SKIP_ONE), skip_pressed)
    listen(app.view(view.RESCHEDULE_VIEW), reschedule_submitted)
    listen(app.view(view.SKIP_VIEW), skip_submitted)

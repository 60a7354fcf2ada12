"""The scheduling modal's submission: field errors answered in the ack, else close and run
the create flow after the ack.

Checking alternative hosts needs Zoom, and must finish inside Slack's 3 s: it goes through
the host cache and gives up after `flows.modal.ALT_HOST_CHECK_TIMEOUT`.
"""

from __future__ import annotations

import dataclasses
import time
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext

from bot.flows import create, modal, people
from bot.flows.answers import Outcome, OutcomeKind
from bot.flows.asks import Ask, ModalAsk
from bot.listeners import after_ack, clock, listen, log_done, payload, services
from bot.render import reminders as reminder_views
from bot.render import submitted, views
from bot.render.people import invited_from_view


async def schedule_submitted(ack: Any, body: dict[str, Any], context: AsyncBoltContext) -> None:
    """The modal was submitted: field errors in the ack, or close it and create after."""
    started = clock()
    flows = services(context)
    view = body.get("view")
    view = view if isinstance(view, dict) else {}
    user = payload.user_id(body) or ""
    submission = submitted.read_submission(view)
    errors = submitted.submission_errors(submission, flows.clock())
    emails: tuple[str, ...] = ()
    if submission.alt_host_ids and not errors:
        emails, problem = await modal.check_alternative_hosts(flows, submission.alt_host_ids, user)
        if problem:
            errors["alt_hosts"] = problem
    if errors:
        await ack(response_action="errors", errors=errors)
        invalid = Outcome(OutcomeKind.INVALID, ",".join(sorted(errors)))
        log_done("modal", user, submission.channel, started, clock(), invalid)
        return
    await ack()
    acked = clock()
    # Slack's own for the picked channel, else the command's while it holds.
    response_url, until = submitted.response_url_for(body, submission, time.time())

    async def prepare(ask: Ask) -> Ask:
        request = submitted.meeting_from_submission(
            submission,
            alternative_hosts=emails,
            join_before_host=flows.settings.join_before_host,
            tz=await flows.requester_zone(user, fallback=submission.tz),
        )
        chosen = submission.registration
        questions = chosen.questions if chosen else ()
        return dataclasses.replace(ask, what=ModalAsk(request, questions=questions))

    ask = Ask(
        requester=user,
        # One modal makes one meeting: a second submission of the same view repeats.
        key=f"view:{view.get('id')}",
        kind="modal",
        channel=submission.channel,
        response_url=response_url,
        response_url_until=until,
        reminder=reminder_views.modal_choice(view),
        people=submission.alt_host_ids,
    )
    # Recorded before Bolt answers Slack (the form closes): never lost after that.
    invited = people.invited_of(user, invited_from_view(view))
    if invited:
        # Invited people: their local times, and a question first if outside their hours.
        ask = dataclasses.replace(ask, invited=invited)
        work = await people.take(flows, ask, prepare=prepare)
    else:
        work = await create.take(flows, ask, prepare=prepare)

    async def logged_work() -> None:
        outcome = await work
        log_done("modal", user, submission.channel, started, acked, outcome)

    after_ack(context, "schedule_submitted", logged_work())


def register(app: AsyncApp) -> None:
    listen(app.view(views.CALLBACK_ID), schedule_submitted)

"""The scheduling modal's submission: field errors answered in the ack, else close and run
the flow after the ack.

Checking alternative hosts needs Zoom, and must finish inside Slack's 3 s: it goes
through the host cache and gives up after `scheduling.ALT_HOST_CHECK_TIMEOUT`.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Coroutine
from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.inflight import tracked
from bot.listeners import clock, log_done, payload
from bot.render import views
from bot.scheduling import Ask, Outcome, Scheduler


def register(app: AsyncApp, flow: Scheduler) -> None:
    @app.view(views.CALLBACK_ID)
    @tracked(flow.inflight)
    async def schedule_submitted(
        ack: Any, body: dict[str, Any]
    ) -> Coroutine[Any, Any, None] | None:
        started = clock()
        view = body.get("view")
        view = view if isinstance(view, dict) else {}
        user = payload.user_id(body) or ""
        submission = views.read_submission(view)
        errors = views.submission_errors(submission, flow.clock())
        emails: tuple[str, ...] = ()
        if submission.alt_host_ids and not errors:
            emails, problem = await flow.check_alternative_hosts(submission.alt_host_ids, user)
            if problem:
                errors["alt_hosts"] = problem
        if errors:
            await ack(response_action="errors", errors=errors)
            log_done(
                "modal",
                user,
                submission.channel,
                started,
                clock(),
                Outcome("invalid:" + ",".join(sorted(errors))),
            )
            return None
        await ack()
        acked = clock()
        # Slack's own for the picked channel, else the command's while it holds.
        response_url, until = views.response_url_for(body, submission, time.time())

        async def prepare(ask: Ask) -> Ask:
            request = views.meeting_from_submission(
                submission,
                alternative_hosts=emails,
                join_before_host=flow.settings.join_before_host,
                tz=await flow.requester_zone(user, fallback=submission.tz),
            )
            return dataclasses.replace(ask, request=request)

        ask = Ask(
            requester=user,
            # One modal makes one meeting: a second submission of the same view repeats.
            key=f"view:{view.get('id')}",
            kind="modal",
            channel=submission.channel,
            response_url=response_url,
            response_url_until=until,
        )
        # Recorded before Bolt answers Slack (the form closes): never lost after that.
        work = await flow.take(ask, prepare=prepare)

        async def logged_work() -> None:
            outcome = await work
            log_done("modal", user, submission.channel, started, acked, outcome)

        return logged_work()

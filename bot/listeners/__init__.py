"""Bolt listeners, grouped by the kind of Slack request: module-level functions taking only
the Bolt arguments they use (`ack`, `body`, `action`, `event`, `context`), as Bolt's own
examples write them. Each module has `register(app)`; `register_all(app, services)` attaches
them all, and a middleware (`ProvideServices`) puts the flows' `Services` in every request's
`context` (`services(context)`).

The rule, the same for all of them: acknowledge at once, in Bolt's own request task (the app
runs Bolt with `process_before_response=True`, so Bolt answers Slack when the listener
returns), and hand the rest to `after_ack(context, name, work)`, which runs it in a task of
its own counted as in flight from its creation; a stop waits for it (bot/inflight.py). The
listener's own run is counted too (`counted`, applied by `listen`). A create is recorded in
the store before the listener returns (`create.take`): an acknowledged request is never
lost. None of them talks to Zoom. Each request ends with one log line (`log_done`).
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.flows.answers import Outcome
from bot.flows.services import Services
from bot.logs import log_request
from bot.slack.middleware import Before

SERVICES = "zoombot_services"  # the context key


class ProvideServices(Before):
    """Put `services` in each request's context, for the listeners to reach the flows."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def before(self, req: AsyncBoltRequest) -> BoltResponse | None:
        req.context[SERVICES] = self.services
        return None


def services(context: AsyncBoltContext) -> Services:
    """The flows' services, from a request's context (put there by `ProvideServices`)."""
    return context[SERVICES]


def after_ack(context: AsyncBoltContext, name: str, work: Coroutine[Any, Any, Any]) -> None:
    """Run `work` after the ack, in a task of its own, counted in flight from now: Bolt
    answers Slack when the listener returns, and a stop that begins after that waits for it.
    A failure in `work` is logged ("listener:<name> failed after its ack")."""
    services(context).inflight.start(work, name=f"listener:{name}")


Listener = Callable[..., Awaitable[None]]


def counted(listener: Listener) -> Listener:
    """`listener`, with its own run (before Bolt answers Slack) counted in flight when it
    takes `context` (one that only acks and logs needs none). Keeps `__wrapped__`: Bolt reads
    the arguments a listener asks for from the unwrapped function and passes them by name."""

    @functools.wraps(listener)
    async def run(**kwargs: Any) -> None:
        context = kwargs.get("context")
        if context is None:
            await listener(**kwargs)
            return
        with services(context).inflight.track():
            await listener(**kwargs)

    return run


def listen(route: Callable[[Listener], Any], listener: Listener) -> None:
    """Register `listener` on `route` (`app.command("/zoom")`, `app.action(…)`, …), counted."""
    route(counted(listener))


def register_all(app: AsyncApp, services: Services) -> None:
    """Attach the services middleware and every listener zoombot has to `app`."""
    from bot.listeners import (
        actions,
        buttons,
        commands,
        followup,
        home,
        modal,
        people,
        people_time,
        reminders,
        shortcuts,
    )
    from bot.listeners import registration as registering

    app.use(ProvideServices(services))
    commands.register(app, services.settings.command)
    shortcuts.register(app)
    modal.register(app)
    actions.register(app)
    buttons.register(app)
    home.register(app)
    people_time.register(app)
    reminders.register(app)
    followup.register(app)
    people.register(app)
    from bot.listeners import move  # issue 15: Reschedule, Skip one…

    move.register(app)
    registering.register(app)


def log_done(
    kind: str,
    user: str | None,
    channel: str | None,
    started: float,
    acked: float,
    outcome: Outcome,
) -> None:
    """The one line per Slack request: kind, user, channel, time to ack, outcome, ref."""
    log_request(
        kind=kind,
        user=user,
        channel=channel,
        ack_ms=round((acked - started) * 1000, 1),
        outcome=outcome.outcome,
        ref=outcome.ref,
        level=logging.WARNING if outcome.ref else logging.INFO,
        **outcome.extra,
    )


async def logged(
    kind: str,
    user: str | None,
    channel: str | None,
    started: float,
    acked: float,
    outcome: Awaitable[Outcome],
) -> None:
    """After-the-ack work that is one flow call: await its outcome, then write the line."""
    log_done(kind, user, channel, started, acked, await outcome)


def clock() -> float:
    return time.perf_counter()

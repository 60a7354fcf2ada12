"""Bolt listeners, grouped by the kind of Slack request. Each module has `register(app, flow)`.

Listeners acknowledge at once and hand the work to the scheduling flow; none of them talks
to Zoom. Each is wrapped in `tracked` (bot/inflight.py): it acks, then returns the work to do
after the ack as a coroutine (often `logged(...)` around one flow call) instead of awaiting
it. Each request ends with one log line (`log_done`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable

from slack_bolt.async_app import AsyncApp

from bot.logs import log_request
from bot.scheduling import Outcome, Scheduler


def register_all(app: AsyncApp, flow: Scheduler) -> None:
    """Attach every listener zoombot has to `app`."""
    from bot.listeners import actions, buttons, commands, home, modal, people, shortcuts

    commands.register(app, flow)
    shortcuts.register(app, flow)
    modal.register(app, flow)
    actions.register(app, flow)
    buttons.register(app, flow)
    home.register(app, flow)
    people.register(app, flow)


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

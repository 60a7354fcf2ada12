"""The start every button and select listener shares: acknowledge at once, then know who
pressed, when, and the flows' services; `done` writes the one log line for the request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_bolt.context.async_context import AsyncBoltContext

from bot.flows.answers import Outcome
from bot.flows.services import Services
from bot.listeners import clock, log_done, payload, services


@dataclass(frozen=True)
class Pressed:
    """An acknowledged action: `started`/`acked` (clock()), the presser's `user` id ("" when
    the payload has none) and the `flows` services."""

    started: float
    acked: float
    user: str
    flows: Services

    def done(self, kind: str, outcome: Outcome, channel: str | None = None) -> None:
        log_done(kind, self.user, channel, self.started, self.acked, outcome)


async def ack_pressed(ack: Any, body: dict[str, Any], context: AsyncBoltContext) -> Pressed:
    """`ack()` first (Slack's 3 seconds), then read the rest."""
    started = clock()
    await ack()
    acked = clock()
    return Pressed(started, acked, payload.user_id(body) or "", services(context))

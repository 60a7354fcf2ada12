"""The start every button and select listener shares: acknowledge at once, then know who
pressed, when, and the flows' services; `done` writes the one log line for the request.
`selected(action)` reads a select's value; `choose_number` saves a Home tab select's number."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from slack_bolt.context.async_context import AsyncBoltContext

from bot.flows.answers import Outcome, OutcomeKind
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


def selected(action: dict[str, Any]) -> str:
    """The value of a select's chosen option ("" when there is none)."""
    return str((action.get("selected_option") or {}).get("value") or "")


async def choose_number(
    pressed: Pressed, kind: str, value: str, offered: Collection[int], column: str
) -> None:
    """Save `value` as the presser's preference `column` when it is one of the `offered`
    numbers (else log it INVALID), then publish their Home tab again and log the request."""
    from bot.listeners.home import publish_home

    if not value.isascii() or not value.isdigit() or int(value) not in offered:
        pressed.done(kind, Outcome(OutcomeKind.INVALID))
        return
    await pressed.flows.store.set_preferences(pressed.user, **{column: int(value)})
    pressed.done(kind, await publish_home(pressed.flows, pressed.user))

"""What every flow works with: one `Services`, built once at start (bot/web/runtime.py)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from slack_sdk.errors import SlackApiError

from bot.errors import StoreUnavailable
from bot.hosts import HostFinder
from bot.inflight import InFlight
from bot.posting import TRANSPORT_ERRORS, Poster
from bot.preferences import Preferences, preferences_from
from bot.settings import Settings
from bot.store import Store
from zoom import ZoomClient

if TYPE_CHECKING:
    from bot.flows.calls import SlackCalls

# What a store failure inside a flow is.
STORE_ERRORS: tuple[type[Exception], ...] = (StoreUnavailable,)


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Services:
    """The settings, the clients and the clock the flows use; `inflight` counts the work
    running after an ack (a stop waits for it); `started_at` (epoch seconds) tells this
    run's requests from an earlier run's (bot/flows/reconcile.py)."""

    settings: Settings
    store: Store
    hosts: HostFinder
    zoom: ZoomClient
    poster: Poster
    clock: Callable[[], datetime] = utc_now
    inflight: InFlight = field(default_factory=InFlight)
    started_at: float = field(default_factory=time.time)
    calls: SlackCalls | None = None  # the Slack Call card (bot/flows/calls.py)

    async def preferences(self, requester: str) -> Preferences:
        """The requester's own defaults (Home tab) over the workspace's."""
        return preferences_from(self.settings, await self.store.preferences(requester))

    async def requester_zone(self, requester: str, fallback: str = "UTC") -> str:
        """The requester's Slack time zone (cached profile), or `fallback` if Slack has none,
        refuses, does not answer in time, or the cache cannot be read."""
        try:
            profile = await self.hosts.profile(requester)
        except (SlackApiError, *TRANSPORT_ERRORS, *STORE_ERRORS):
            return fallback
        return profile.tz or fallback

"""What every flow works with: one `Services`, built once at start (bot/web/runtime.py)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from slack_sdk.errors import SlackApiError

from bot.errors import Refused, StoreUnavailable
from bot.flows.calls import SlackCalls
from bot.hosts import HostFinder
from bot.identities import FoundBy, Host
from bot.inflight import InFlight
from bot.posting import TRANSPORT_ERRORS, Poster
from bot.preferences import Preferences, preferences_from
from bot.settings import Settings
from bot.slack.workspaces import in_this_workspace
from bot.store import Store
from bot.zoom_accounts import ZoomAccounts
from zoom import ZoomClient

# What a store failure inside a flow is.
STORE_ERRORS: tuple[type[Exception], ...] = (StoreUnavailable,)


NOT_CONNECTED = (
    "Your Zoom account is no longer connected to zoombot, so nothing was done. "
    "Type `/zoom connect` to connect it again."
)


CONNECT_FIRST = (
    "zoombot makes meetings on your own Zoom account here: type `/zoom connect` to connect "
    "it first. Nothing was done."
)


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
    zoom: ZoomClient | None  # the account app; None when only connected accounts are set up
    poster: Poster
    clock: Callable[[], datetime] = utc_now
    inflight: InFlight = field(default_factory=InFlight)
    started_at: float = field(default_factory=time.time)
    # People's own connected Zoom accounts (None: "Connect your Zoom" is not set up).
    accounts: ZoomAccounts | None = None
    # The Slack Call card (bot/flows/calls.py): one per Services, so one per process.
    calls: SlackCalls | None = None

    def __post_init__(self) -> None:
        if self.calls is None:
            self.calls = SlackCalls(self.settings, self.store, self.poster)

    async def meetings_of(self, requester: str, *, latest_first: bool = False) -> list[dict]:
        """The requester's stored meetings made in this workspace (a person of an Enterprise
        Grid org has one id in every workspace of it), as `Store.meetings_by` orders them."""
        rows = await self.store.meetings_by(requester, latest_first=latest_first)
        return [row for row in rows if in_this_workspace(row)]

    async def connected_host(self, requester: str) -> Host | None:
        """The requester's own connected Zoom account as the host, if they connected one."""
        if self.accounts is None:
            return None
        connection = await self.accounts.connection(requester)
        if connection is None:
            return None
        return Host("me", connection.zoom_email, connection.zoom_name, FoundBy.CONNECTED)

    async def host_for(self, requester: str) -> Host | None:
        """Who hosts the requester's new meetings: their own connected Zoom first, then the
        account's user by mapping or email, then the default host; None if nobody can."""
        return await self.connected_host(requester) or await self.hosts.find_host(requester)

    async def zoom_for(self, found_by: str | None, requester: str) -> ZoomClient:
        """The client to reach a host found `found_by`: the requester's own connected
        account, else the account app. Raises Refused when that connection is gone."""
        if found_by != FoundBy.CONNECTED:
            if self.zoom is None:
                raise Refused(CONNECT_FIRST, "not connected")
            return self.zoom
        client = await self.accounts.client(requester) if self.accounts else None
        if client is None:
            raise Refused(NOT_CONNECTED, "not connected")
        return client

    async def zoom_for_meeting(self, host_zoom_id: str | None, requester: str) -> ZoomClient:
        """The client that may change a meeting hosted by `host_zoom_id`: the requester's
        own connected account when it is theirs, else the account app."""
        connection = None
        if self.accounts is not None and host_zoom_id:
            connection = await self.accounts.connection(requester)
        if connection is None or connection.zoom_user_id != host_zoom_id:
            return await self.zoom_for(None, requester)
        return await self.zoom_for(FoundBy.CONNECTED, requester)

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

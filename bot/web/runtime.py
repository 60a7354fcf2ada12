"""The runtime: everything zoombot builds at start and closes at stop, for either mode.

`build_runtime(settings, store)` builds, on the store `main` opened, the clients, the flows'
`Services`, the live-meeting handler and the Bolt app, with no network yet.
`Runtime.warm_up()` pays the first-call costs and sets `ready`; `finish_in_flight()`
then `aclose()` stop it.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from dataclasses import dataclass
from typing import Any

import aiohttp
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.directory import ZoomDirectory
from bot.errors import StoreUnavailable
from bot.flows.live import LiveMeetings
from bot.flows.services import Services
from bot.hosts import HostFinder
from bot.inflight import InFlight
from bot.listeners import register_all
from bot.metrics import Metrics, MetricsLogHandler
from bot.posting import LoggedWebClient, Poster
from bot.settings import Settings
from bot.slack.failures import retry_handlers
from bot.slack.oauth import build_oauth
from bot.store import Store, backend_of
from bot.turns import Turns, TurnTakingTransport
from bot.web.background import BackgroundJobs, Operations
from bot.web.bolt import bolt_app, plain_client, without_env
from bot.web.tweaks import SlackAuthorization, import_every_module, settle_garbage_collector
from bot.zoom_accounts import ZoomAccounts
from zoom import ZoomClient
from zoom.websocket import EventSocket

# What `import_every_module` leaves on SQLite: the PostgreSQL store's modules.
OTHER_BACKEND = ("bot.store.postgres",)

log = logging.getLogger("zoombot")

STOP_GRACE = 10.0  # seconds a stop waits for acknowledged work (ZOOMBOT_STOP_GRACE's default)
# How long readiness waits for Slack's `auth.test` (for Bolt) and the first read of Zoom's
# directory (bot/directory.py): a deploy's first commands then wait for neither; Slack or
# Zoom being slow or down at start delays readiness by this much at most.
WARM_WAIT = 1.0
SLACK_CONNECTIONS = 256  # the pool shared by the Web API calls and response_url posts


@dataclass
class Runtime(BackgroundJobs, Operations):
    """Everything built at start, closed at stop."""

    settings: Settings
    store: Store
    zoom: ZoomClient | None  # None: no account app (only people's own connected accounts)
    slack: AsyncWebClient
    services: Services
    bolt: AsyncApp
    ready: bool = False
    outbox_task: asyncio.Task | None = None
    zoom_check: asyncio.Task | None = None
    directory_task: asyncio.Task | None = None  # reads Zoom's users (bot/directory.py)
    slack_identity: asyncio.Task | None = None  # Bolt's auth.test, asked at start
    reconcile_task: asyncio.Task | None = None  # settles an earlier run (bot/flows/reconcile.py)
    heartbeat_task: asyncio.Task | None = None  # this instance is alive (PostgreSQL)
    live: LiveMeetings | None = None  # Zoom events → the meeting messages (bot/live.py)
    authorization: SlackAuthorization | None = None  # Bolt's `authorize`, primed at start
    # Operations (bot/web/ops.py): the metrics (None: off), the ops port's server, Zoom's
    # event WebSocket (ZOOM_EVENTS=websocket), and the facts /readyz reports.
    metrics: Metrics | None = None
    metrics_handler: MetricsLogHandler | None = None
    ops_server: Any = None  # uvicorn.Server on ZOOMBOT_METRICS_PORT
    ops_task: asyncio.Task | None = None
    zoom_socket: EventSocket | None = None
    zoom_socket_task: asyncio.Task | None = None
    socket_mode_client: Any = None  # Slack's Socket Mode client (bot/web/run.py sets it)
    zoom_state: str = "not checked yet"  # "ok" | "bad credentials: …" | "zoom unreachable: …"

    @property
    def in_flight(self) -> int:
        """Acknowledged Slack requests and Zoom events still being worked on."""
        return len(self.services.inflight) + (self.live.pending if self.live is not None else 0)

    async def finish_in_flight(self) -> None:
        """Stop taking work; let acknowledged flows finish (≤ settings.stop_grace s, default
        STOP_GRACE), then stop the outbox drain and the reconcile. When this returns, every
        acknowledged request is finished or durably handed to the next start: recorded
        before its ack, so a request cut short before Zoom is answered "nothing was made", a
        create cut short is looked up in Zoom (bot/flows/reconcile.py), and what is not posted
        stays in the outbox."""
        if self.zoom_socket_task is not None:  # no new Zoom events over the WebSocket
            self.zoom_socket_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.zoom_socket_task
        await self.services.inflight.finish(self.settings.stop_grace)
        if self.reconcile_task is not None and not self.reconcile_task.done():
            self.reconcile_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.reconcile_task
        if self.outbox_task is not None and not self.outbox_task.done():
            self.outbox_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.outbox_task

    async def warm_up(self) -> None:
        """Pay the reader's first-call costs off the event loop, then declare readiness."""
        from bot.reading import warm_up

        # The first meetings should not wait for a token nor for one Zoom look-up per person,
        # and bad credentials should show now: the token and the directory are fetched while
        # the reader warms up, with Bolt's `auth.test`. Readiness waits for them at most
        # WARM_WAIT seconds: Slack or Zoom may be down, and the app must still answer.
        self.zoom_check = asyncio.create_task(self.check_zoom(), name="zoom-credentials")
        self.start_ops()
        directory = self.services.hosts.directory
        if directory is not None:
            self.directory_task = asyncio.create_task(directory.run(), name="zoom-directory")
        self.slack_identity = asyncio.create_task(self.prime_slack_authorization())
        store_warm = asyncio.create_task(self.services.store.warm(), name="store-warm")
        try:
            await self.services.hosts.listen_for_changes()
        except StoreUnavailable as problem:
            log.warning("host mapping changes by other instances not heard: %s", problem)
        await asyncio.to_thread(warm_up)
        # On SQLite, the PostgreSQL store's modules (and asyncpg) are never needed.
        postgres = backend_of(self.settings.database_url) == "postgresql"
        await asyncio.to_thread(import_every_module, skip=() if postgres else OTHER_BACKEND)
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(WARM_WAIT):
                await asyncio.shield(self.slack_identity)
                if directory is not None:
                    await directory.first_read()
                await asyncio.shield(store_warm)
        settle_garbage_collector()
        self.ready = True
        log.info("zoombot is ready")
        self.start_reconcile()

    async def prime_slack_authorization(self) -> None:
        """Ask Slack `auth.test` once, now, for Bolt (bot/web/tweaks.py)."""
        if self.authorization is not None:
            await self.authorization.prime()

    async def aclose(self) -> None:
        self.ready = False
        if self.zoom_socket_task is not None and not self.zoom_socket_task.done():
            self.zoom_socket_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.zoom_socket_task
        if self.ops_server is not None and self.ops_task is not None:
            self.ops_server.should_exit = True
            with contextlib.suppress(Exception):  # its failure was logged by uvicorn
                await self.ops_task
        if self.metrics_handler is not None:
            logging.getLogger().removeHandler(self.metrics_handler)
        if self.live is not None:
            await self.live.drain()
        # The start-up calls use the Zoom and Slack clients: not to outlive them.
        for task in (self.zoom_check, self.directory_task, self.slack_identity):
            if task is not None and not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        if self.zoom is not None:
            await self.zoom.aclose()
        if self.services.accounts is not None:
            await self.services.accounts.aclose()
        if self.slack.session is not None:
            await self.slack.session.close()
        if self.heartbeat_task is not None and not self.heartbeat_task.done():
            self.heartbeat_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.heartbeat_task
        try:  # what this instance leaves is another's to take now, not when leases lapse
            await self.store.release_leases(self.services.poster.owner)
        except StoreUnavailable as problem:
            log.warning("leases not released (they lapse on their own): %s", problem)
        await self.store.aclose()


def build_runtime(settings: Settings, store: Store) -> Runtime:
    """Build the clients, the flow and the Bolt app on an open `store` (no network yet)."""
    # Work after the ack takes turns at its store calls and at Zoom's and Slack's answers.
    turns = Turns()
    store.turns = turns
    # The account app; None when only people's own connected Zoom accounts are set up.
    zoom = (
        ZoomClient(
            settings.zoom_account_id,
            settings.zoom_client_id,
            settings.zoom_client_secret,
            api_url=settings.zoom_api_url,
            oauth_url=settings.zoom_oauth_url,
            timeout=settings.zoom_timeout,
            wrap=functools.partial(TurnTakingTransport, turns=turns),
        )
        if settings.account_app
        else None
    )
    # One pooled session for every call to Slack, Web API and response_url alike: without it
    # slack_sdk opens a new aiohttp session (and TCP connection) per call.
    # slack_sdk applies its own timeout only to sessions it makes, so this one carries it.
    slack_session = aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=SLACK_CONNECTIONS, keepalive_timeout=30),
        timeout=aiohttp.ClientTimeout(total=settings.slack_timeout),
    )
    slack = LoggedWebClient(
        token=settings.slack_bot_token or None,  # several workspaces: each call's own
        base_url=settings.slack_api_url,
        timeout=settings.slack_timeout,  # type: ignore[arg-type]  # aiohttp takes floats
        session=slack_session,
        retry_handlers=retry_handlers(),  # what is re-sent blindly: bot/slack/failures.py
    )
    slack.turns = turns
    directory = ZoomDirectory(zoom) if zoom is not None else None
    hosts = HostFinder(store, slack, zoom, settings, directory=directory)
    poster = Poster(slack, slack_session, store=store, response_url_timeout=settings.slack_timeout)
    poster.command = settings.command
    poster.turns = turns
    services = Services(settings, store, hosts, zoom, poster, inflight=InFlight(turns))
    if settings.connect_mode:
        services.accounts = ZoomAccounts.from_settings(settings, store, turns)
    oauth = None
    authorization: SlackAuthorization | None = None
    if settings.several_workspaces:
        oauth = build_oauth(settings, store, plain_client(settings, slack_session))
        slack.bot_tokens = oauth.tokens
    else:
        authorization = SlackAuthorization(slack)
    with without_env("SLACK_BOT_TOKEN"):
        bolt = bolt_app(settings, slack_session, authorization, oauth)
    register_all(bolt, services)
    live = LiveMeetings(settings, store, poster, calls=services.calls, zoom=zoom)
    runtime = Runtime(
        settings, store, zoom, slack, services, bolt, live=live, authorization=authorization
    )
    if settings.metrics_port is not None or settings.metrics_token:
        from bot.metrics import install

        runtime.metrics = Metrics()
        runtime.metrics_handler = install(runtime.metrics)
    return runtime

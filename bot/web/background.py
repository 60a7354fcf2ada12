"""What the runtime runs beside the requests, mixed into `Runtime` (bot/web/runtime.py), whose
fields they read and set: `BackgroundJobs` (the heartbeat, the outbox's retakes, the reconcile
loop) and `Operations` (the Zoom credentials check behind /readyz, the ops port, Zoom's event
WebSocket). Each starts tasks that `Runtime.finish_in_flight` and `aclose` stop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from bot.errors import StoreUnavailable
from zoom import ZoomError
from zoom.errors import ZoomAuthError
from zoom.websocket import EventSocket

log = logging.getLogger("zoombot")

RETAKE_EVERY = 30.0  # seconds between outbox takes when the store has no lease
HEARTBEAT_EVERY = 5.0  # seconds between heartbeats at most (a quarter lease if shorter)


class BackgroundJobs:
    """The heartbeat, the outbox's retakes and the reconcile loop of a `Runtime`."""

    store: Any
    services: Any
    settings: Any
    heartbeat_task: asyncio.Task | None
    outbox_task: asyncio.Task | None
    reconcile_task: asyncio.Task | None

    def start_outbox(self) -> None:
        """Deliver, in the background, the meeting messages an earlier run (or, sharing a
        PostgreSQL store, a dead or stopped instance) left unposted: taken at start, then
        again every `retake_every` seconds (half the store's lease)."""
        if self.heartbeat_task is None:
            self.heartbeat_task = asyncio.create_task(self._heartbeat(), name="heartbeat")
        self.outbox_task = asyncio.create_task(self._retake_outbox(), name="outbox-drain")

    async def _heartbeat(self) -> None:
        """Say, every few seconds, that this instance (its poster's owner) is alive: while
        it does, what it owns is never taken by another instance (bot/store/postgres.py),
        however slow Zoom or Slack are. Stopped at `aclose`, which deletes the row."""
        lease = float(getattr(self.store, "lease", None) or 0.0)
        every = min(HEARTBEAT_EVERY, lease / 4) if lease else HEARTBEAT_EVERY
        while True:
            try:
                await self.store.heartbeat(self.services.poster.owner)
            except StoreUnavailable as problem:
                log.warning("heartbeat not recorded: %s", problem)
            await asyncio.sleep(every)

    @property
    def retake_every(self) -> float:
        return float(getattr(self.store, "lease", None) or 2 * RETAKE_EVERY) / 2

    async def _retake_outbox(self) -> None:
        deliveries: set[asyncio.Task[int]] = set()
        try:
            while True:
                # Each take runs on its own: one slow entry must not hold up the next take.
                task = asyncio.create_task(self.services.poster.deliver_pending())
                deliveries.add(task)
                task.add_done_callback(deliveries.discard)
                await asyncio.sleep(self.retake_every)
        finally:
            for task in list(deliveries):
                task.cancel()
            await asyncio.gather(*deliveries, return_exceptions=True)

    def start_reconcile(self) -> None:
        """Settle, in the background, the creates an earlier run started and did not see
        through (it died or its stop's grace ran out mid-create): see bot/flows/reconcile.py."""
        from bot.flows import reminders
        from bot.flows.reconcile import Reconciler

        reconciler = Reconciler(self.services, after=self.settings.reconcile_after)

        async def again() -> None:
            # Again and again: a create another instance left when it died is leased to
            # nobody once its lease lapses (the SQLite store: only an earlier run's).
            while True:
                with contextlib.suppress(StoreUnavailable):
                    await reconciler.run()
                # Then reminders an earlier run planned and did not schedule, a series' next
                # one (bot/flows/reminders.py: never raises): after telling people first.
                await reminders.keep_up(self.services)
                await asyncio.sleep(self.retake_every)

        self.reconcile_task = asyncio.create_task(again(), name="reconcile")


class Operations:
    """The Zoom credentials check, the ops port and Zoom's event WebSocket of a `Runtime`."""

    settings: Any
    zoom: Any
    live: Any
    metrics: Any
    zoom_state: str
    ops_server: Any
    ops_task: asyncio.Task | None
    zoom_socket: EventSocket | None
    zoom_socket_task: asyncio.Task | None

    async def check_zoom(self) -> None:
        """Fetch a token, so that `zoom_state` says whether Zoom's credentials work: "ok";
        "bad credentials: …" when Zoom refused them (not asked again); "zoom unreachable: …"
        while Zoom cannot be reached (asked again after 1 s, doubling up to 60 s)."""
        if self.zoom is None:
            self.zoom_state = "not used"  # no account app: people connect their own
            return
        failures = 0
        while True:
            try:
                await self.zoom.authenticate(deadline=30)
            except ZoomAuthError as error:
                self.zoom_state = f"bad credentials: {error}"
                log.error("Zoom did not accept the app's credentials at start: %s", error)
                return
            except ZoomError as error:
                failures += 1
                wait = min(60.0, 2.0 ** (failures - 1))
                self.zoom_state = f"zoom unreachable: {type(error).__name__}"
                log.warning(
                    "Zoom could not be reached to check the app's credentials (%s); "
                    "asking again in %.0f s",
                    type(error).__name__,
                    wait,
                )
                await asyncio.sleep(wait)
            else:
                self.zoom_state = "ok"
                log.info("Zoom accepted the app's credentials")
                return

    def start_ops(self) -> None:
        """Start what operations need: the ops port (ZOOMBOT_METRICS_PORT) and Zoom's event
        WebSocket (ZOOM_EVENTS=websocket), each in a task of its own."""
        settings = self.settings
        if settings.metrics_port is not None and self.ops_task is None:
            from bot.web.ops import build_ops_app
            from bot.web.tweaks import side_server

            self.ops_server = side_server(build_ops_app(self), settings.host, settings.metrics_port)
            self.ops_task = asyncio.create_task(self.ops_server.serve(), name="ops-port")
            log.info(
                "serving /metrics, /healthz and /readyz at http://%s:%s",
                settings.host,
                settings.metrics_port,
            )
        zoom = self.zoom
        if (
            settings.zoom_events == "websocket"
            and zoom is not None
            and self.zoom_socket_task is None
        ):
            assert settings.zoom_ws_subscription_id is not None  # checked by load_settings
            self.zoom_socket = EventSocket(
                settings.zoom_ws_url,
                settings.zoom_ws_subscription_id,
                lambda: zoom.access_token(deadline=30),
                self._zoom_event,
                forget=zoom.forget_token,
                on_connect=self._zoom_socket_connected,
            )
            self.zoom_socket_task = asyncio.create_task(self.zoom_socket.run(), name="zoom-ws")

    def _zoom_event(self, event: Any) -> None:
        """An event from Zoom's WebSocket: the same handling as POST /zoom/events'."""
        if self.live is not None:
            self.live.accept(event)

    def _zoom_socket_connected(self) -> None:
        if self.metrics is not None:
            self.metrics.zoom_socket_connects.inc()

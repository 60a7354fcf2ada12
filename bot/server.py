"""Serving zoombot: build the parts, the Bolt app and the Starlette app; `main()` runs it.

HTTP mode (no SLACK_APP_TOKEN): uvicorn on settings.host:settings.port serves
`POST /slack/events` (commands, interactivity, events, via Bolt's Starlette adapter) and
`GET /healthz` (200 once the store is open, the Zoom client built and the reader warmed;
503 before). Socket Mode (SLACK_APP_TOKEN set): Bolt's aiohttp Socket Mode handler, no
port needed; it exits with 1 if Slack refuses the app-level token, and keeps retrying while
Slack cannot be reached. Either way SIGTERM/SIGINT stop it cleanly: new Slack requests get
503 (Slack tries again later), the flows already acknowledged get up to `STOP_GRACE` seconds
to finish (Zoom create → record → post), then the Zoom client, the HTTP client and the store
are closed; a meeting message not yet posted stays in the outbox. On start, a background task
delivers what an earlier run left in the outbox; readiness does not wait for it. After
readiness another settles the creates an earlier run left in flight (bot/reconcile.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
import sys
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from types import FrameType

import aiohttp
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.directory import ZoomDirectory
from bot.hosts import HostFinder
from bot.listeners import register_all
from bot.live import LiveMeetings, calendar_route, zoom_events_route
from bot.logs import configure_logging
from bot.posting import Poster
from bot.scheduling import Scheduler
from bot.settings import WHERE, Settings, SettingsError, load_settings
from bot.store import Store
from zoom import ZoomClient, ZoomError

log = logging.getLogger("zoombot")

STOP_GRACE = 10.0  # seconds a stop waits for acknowledged work (ZOOMBOT_STOP_GRACE's default)
# How long readiness waits for Slack's `auth.test` (for Bolt) and the first read of Zoom's
# directory (bot/directory.py): a deploy's first commands then wait for neither; Slack or
# Zoom being slow or down at start delays readiness by this much at most.
WARM_WAIT = 1.0
SLACK_CONNECTIONS = 256  # the pool shared by the Web API calls and response_url posts


@dataclass
class Runtime:
    """Everything built at start, closed at stop."""

    settings: Settings
    store: Store
    zoom: ZoomClient
    slack: AsyncWebClient
    flow: Scheduler
    bolt: AsyncApp
    ready: bool = False
    outbox_task: asyncio.Task | None = None
    zoom_check: asyncio.Task | None = None
    directory_task: asyncio.Task | None = None  # reads Zoom's users (bot/directory.py)
    slack_identity: asyncio.Task | None = None  # Bolt's auth.test, asked at start
    reconcile_task: asyncio.Task | None = None  # creates an earlier run left (bot/reconcile.py)
    live: LiveMeetings | None = None  # Zoom events → the meeting messages (bot/live.py)

    @property
    def in_flight(self) -> int:
        """Acknowledged Slack requests and Zoom events still being worked on."""
        return len(self.flow.inflight) + (self.live.pending if self.live is not None else 0)

    def start_outbox(self) -> None:
        """Deliver, in the background, the meeting messages an earlier run left unposted."""
        self.outbox_task = asyncio.create_task(
            self.flow.poster.deliver_pending(), name="outbox-drain"
        )

    def start_reconcile(self) -> None:
        """Settle, in the background, the creates an earlier run started and did not see
        through (it died or its stop's grace ran out mid-create): see bot/reconcile.py."""
        from bot.reconcile import Reconciler

        reconciler = Reconciler(self.flow, after=self.settings.reconcile_after)
        self.reconcile_task = asyncio.create_task(reconciler.run(), name="reconcile")

    async def finish_in_flight(self) -> None:
        """Stop taking work; let acknowledged flows finish (≤ settings.stop_grace s, default
        STOP_GRACE), then stop the outbox drain and the reconcile. When this returns, every
        acknowledged request is finished or durably handed to the next start: recorded
        before its ack, so a request cut short before Zoom is answered "nothing was made", a
        create cut short is looked up in Zoom (bot/reconcile.py), and what is not posted
        stays in the outbox."""
        await self.flow.inflight.finish(self.settings.stop_grace)
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
        directory = self.flow.hosts.directory
        if directory is not None:
            self.directory_task = asyncio.create_task(directory.run(), name="zoom-directory")
        self.slack_identity = asyncio.create_task(self.prime_slack_authorization())
        await asyncio.to_thread(warm_up)
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(WARM_WAIT):
                await asyncio.shield(self.slack_identity)
                if directory is not None:
                    await directory.first_read()
        settle_garbage_collector()
        self.ready = True
        log.info("zoombot is ready")
        self.start_reconcile()

    async def prime_slack_authorization(self) -> None:
        """Ask Slack `auth.test` once, now, for Bolt.

        Bolt's single-workspace authorization asks `auth.test` on the first request and
        keeps the answer, but until it has one every request asks again: the burst of
        commands that meets a freshly started app waited for Slack before any of them was
        acknowledged. Bolt keeps the answer on that middleware (`auth_test_result`); the
        test suite checks that a command after the start makes no `auth.test` call, so a
        Bolt that stops reading it fails a test rather than getting slower unseen. If Slack
        cannot answer now, Bolt asks at the first request, as it would have anyway.
        """
        from slack_bolt.middleware.authorization.async_single_team_authorization import (
            AsyncSingleTeamAuthorization,
        )

        for middleware in getattr(self.bolt, "_async_middleware_list", ()):
            if isinstance(middleware, AsyncSingleTeamAuthorization):
                if middleware.auth_test_result is None:
                    try:
                        middleware.auth_test_result = await self.slack.auth_test()
                    except Exception as error:  # Bolt asks again at the first request
                        log.warning("Slack auth.test at start failed: %s", type(error).__name__)
                return

    async def check_zoom(self) -> None:
        try:
            await self.zoom.authenticate(deadline=30)
        except ZoomError as error:
            log.error("Zoom did not accept the app's credentials at start: %s", error)
        else:
            log.info("Zoom accepted the app's credentials")

    async def aclose(self) -> None:
        self.ready = False
        if self.live is not None:
            await self.live.drain()
        # The start-up calls use the Zoom and Slack clients: not to outlive them.
        for task in (self.zoom_check, self.directory_task, self.slack_identity):
            if task is not None and not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        await self.zoom.aclose()
        if self.slack.session is not None:
            await self.slack.session.close()
        await asyncio.to_thread(self.store.close)


def settle_garbage_collector() -> None:
    """Take what start-up built out of the garbage collector's way.

    Why: a full collection walked every object the imports made (Bolt, slack_sdk, aiohttp,
    dateparser's language data, …), about 50-70 ms with the event loop stopped, and one
    came every few hundred commands: under a burst those pauses were the longest waits
    in the acknowledgement and posting latencies (BENCHMARKS.md). `gc.freeze()` moves
    everything alive now to a generation the collector never walks (none of it is garbage:
    it lives as long as the process). The thresholds stay Python's: raising them made
    fewer but longer pauses (10 ms rather than 1-6 ms), for no less work in all.
    """
    gc.collect()
    gc.freeze()


def build_runtime(settings: Settings) -> Runtime:
    """Open the store and build the clients, the flow and the Bolt app (no network yet)."""
    store = Store(settings.database_path)
    zoom = ZoomClient(
        settings.zoom_account_id,
        settings.zoom_client_id,
        settings.zoom_client_secret,
        api_url=settings.zoom_api_url,
        oauth_url=settings.zoom_oauth_url,
        timeout=settings.zoom_timeout,
    )
    # One pooled session for every call to Slack, Web API and response_url alike: without it
    # slack_sdk opens a new aiohttp session (and TCP connection) per call.
    # slack_sdk applies its own timeout only to sessions it makes, so this one carries it.
    slack_session = aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=SLACK_CONNECTIONS, keepalive_timeout=30),
        timeout=aiohttp.ClientTimeout(total=settings.slack_timeout),
    )
    slack = AsyncWebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=settings.slack_timeout,  # type: ignore[arg-type]  # aiohttp takes floats
        session=slack_session,
    )
    hosts = HostFinder(store, slack, zoom, settings, directory=ZoomDirectory(zoom))
    poster = Poster(slack, slack_session, store=store, response_url_timeout=settings.slack_timeout)
    flow = Scheduler(settings, store, hosts, zoom, poster)
    bolt = AsyncApp(
        client=slack,
        signing_secret=settings.slack_signing_secret,
        # Ack first, work after: every listener (bot/inflight.py `tracked`) acks and returns
        # its after-the-ack work, which runs in a task of its own; Bolt answers Slack as
        # soon as the listener returns.
        process_before_response=True,
        logger=logging.getLogger("zoombot.bolt"),
    )
    register_all(bolt, flow)
    live = LiveMeetings(settings, store, poster)
    return Runtime(settings, store, zoom, slack, flow, bolt, live=live)


def build_http_app(settings: Settings) -> Starlette:
    """The Starlette app for HTTP mode. The runtime is built on startup, closed on shutdown."""
    from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler

    holder: dict[str, object] = {}

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        runtime = build_runtime(settings)
        holder["runtime"] = runtime
        holder["handler"] = AsyncSlackRequestHandler(runtime.bolt)
        warming = asyncio.create_task(runtime.warm_up())
        runtime.start_outbox()
        try:
            yield
        finally:
            holder["stopping"] = True
            warming.cancel()
            await runtime.finish_in_flight()
            await runtime.aclose()
            log.info("zoombot stopped")

    async def slack_events(request: Request) -> Response:
        handler = holder.get("handler")
        if handler is None:
            return JSONResponse({"error": "starting"}, status_code=503)
        if holder.get("stopping"):
            # Slack retries a 503 (events) or shows the person an error to try again: better
            # than starting work this process may not finish.
            return JSONResponse({"error": "stopping"}, status_code=503)
        return await handler.handle(request)  # type: ignore[attr-defined]

    async def healthz(_request: Request) -> Response:
        runtime = holder.get("runtime")
        if isinstance(runtime, Runtime) and runtime.ready:
            # How much acknowledged work is still running: an operator (or a test) can tell
            # when the app is idle.
            return JSONResponse({"ok": True, "in_flight": runtime.in_flight})
        return JSONResponse({"ok": False, "error": "starting"}, status_code=503)

    starlette = Starlette(
        routes=[
            Route("/slack/events", slack_events, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
            *zoom_routes(settings, lambda: holder.get("runtime")),
        ],
        lifespan=lifespan,
    )
    # `main` marks the stop as soon as the signal arrives (before uvicorn's own shutdown).
    starlette.state.zoombot = holder
    return starlette


def zoom_routes(settings: Settings, runtime: Callable[[], object]) -> list[Route]:
    """`POST /zoom/events` and `GET /calendar/{id}.ics` (bot/live.py), for either mode."""

    def live() -> LiveMeetings | None:
        current = runtime()
        return current.live if isinstance(current, Runtime) and current.ready else None

    def store() -> Store | None:
        current = runtime()
        return current.store if isinstance(current, Runtime) else None

    return [zoom_events_route(settings, live), calendar_route(settings, store)]


def zoom_events_server(settings: Settings, runtime: Runtime):  # -> uvicorn.Server
    """In Socket Mode: a small HTTP server on HOST:PORT for `/zoom/events`, the .ics files
    and `/healthz`, sharing the runtime. Its `serve()` leaves signals to the caller."""
    import uvicorn

    async def healthz(_request: Request) -> Response:
        if runtime.ready:
            return JSONResponse({"ok": True})
        return JSONResponse({"ok": False, "error": "starting"}, status_code=503)

    class QuietServer(uvicorn.Server):
        @contextlib.contextmanager
        def capture_signals(self):  # type: ignore[override]
            yield  # serve_socket_mode owns SIGTERM/SIGINT

    routes = [Route("/healthz", healthz, methods=["GET"]), *zoom_routes(settings, lambda: runtime)]
    config = uvicorn.Config(
        Starlette(routes=routes),
        host=settings.host,
        port=settings.port,
        lifespan="off",
        access_log=False,
        log_config=None,
    )
    log.info("serving Zoom events at http://%s:%s/zoom/events", settings.host, settings.port)
    return QuietServer(config)


# apps.connections.open answers these when the app-level token itself is wrong: retrying
# cannot help, so the app says so and exits instead of trying again forever.
REFUSED_APP_TOKEN = frozenset(
    {
        "invalid_auth",
        "not_authed",
        "not_allowed_token_type",
        "invalid_token",
        "token_revoked",
        "account_inactive",
        "missing_scope",
    }
)


def _refusal_watch(handler: object) -> asyncio.Future[str]:
    """Make the Socket Mode client's `issue_new_wss_url` report a refused app token.

    Returns a future that gets Slack's error code when apps.connections.open refuses
    SLACK_APP_TOKEN. slack_sdk would log it and retry forever; here the attempt that got the
    refusal waits (to be cancelled by `serve_socket_mode`) instead. Other failures (network,
    5xx) are raised as before, so slack_sdk keeps retrying them.
    """
    from slack_sdk.errors import SlackApiError

    client = handler.client  # type: ignore[attr-defined]
    refused: asyncio.Future[str] = asyncio.get_running_loop().create_future()

    async def issue_new_wss_url() -> str:
        while True:
            try:
                response = await client.web_client.apps_connections_open(app_token=client.app_token)
                return str(response["url"])
            except SlackApiError as error:
                code = error.response.get("error") if error.response is not None else None
                if code in REFUSED_APP_TOKEN:
                    if not refused.done():
                        refused.set_result(str(code))
                    await asyncio.Event().wait()  # until serve_socket_mode cancels it
                if code != "ratelimited":
                    raise
                # Rare on this method; Slack says how long to wait (Tier 1: 30 s by default).
                await asyncio.sleep(int(error.response.headers.get("Retry-After", "30")))

    # The handler builds its client itself, so its URL step is replaced on the instance.
    client.issue_new_wss_url = issue_new_wss_url
    return refused


async def serve_socket_mode(settings: Settings) -> int:
    """Connect over Socket Mode and run until SIGTERM/SIGINT. Returns the exit code.

    A stop works at any moment, connected or not (the connection attempt is cancelled).
    Returns 1 when Slack refuses SLACK_APP_TOKEN (after one error log line saying where to
    get a good one), 0 after a stop.
    """
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    runtime = build_runtime(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    handler = AsyncSocketModeHandler(runtime.bolt, settings.slack_app_token)
    refused = _refusal_watch(handler)
    # Zoom's events need an HTTP endpoint even here: served on PORT when its secret is set.
    secret = settings.zoom_webhook_secret_token
    zoom_port = zoom_events_server(settings, runtime) if secret else None
    zoom_serving = asyncio.create_task(zoom_port.serve()) if zoom_port else None
    code = 0
    stopping = asyncio.create_task(stop.wait(), name="stop-signal")
    connecting: asyncio.Task | None = None
    try:
        runtime.start_outbox()
        await runtime.warm_up()
        # The Socket Mode client opens its connection with apps.connections.open through
        # the app's own Web API client, so SLACK_API_URL applies to it too. slack_sdk retries
        # a failed connect forever, so it runs as a task that a stop (or a refusal) cancels.
        connecting = asyncio.create_task(handler.connect_async(), name="socket-mode-connect")
        await asyncio.wait({connecting, stopping, refused}, return_when=asyncio.FIRST_COMPLETED)
        if connecting.done() and not connecting.cancelled() and connecting.exception() is None:
            log.info("connected to Slack in Socket Mode")
            await asyncio.wait({stopping, refused}, return_when=asyncio.FIRST_COMPLETED)
        if refused.done():
            log.error(
                "Slack refused SLACK_APP_TOKEN (%s): it must be a valid app-level token "
                "(xapp-…) of this app. Get one from %s.",
                refused.result(),
                WHERE["SLACK_APP_TOKEN"],
            )
            code = 1
        elif connecting.done() and connecting.exception() is not None:
            raise connecting.exception()  # type: ignore[misc]
    finally:
        stopping.cancel()
        if connecting is not None and not connecting.done():
            connecting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await connecting
        # Stop taking work first; Slack sends what it had for us to another connection.
        await handler.close_async()
        if zoom_port is not None and zoom_serving is not None:
            zoom_port.should_exit = True
            await zoom_serving
        await runtime.finish_in_flight()
        await runtime.aclose()
        log.info("zoombot stopped")
    return code


def main(argv: list[str]) -> int:
    """Serve Slack until stopped. Returns the process exit code: 2 when settings are wrong."""
    if argv:
        print(f"zoombot: unknown arguments {argv!r}; try `python app.py`", file=sys.stderr)
        return 2
    try:
        settings = load_settings()
    except SettingsError as error:
        print("zoombot cannot start:", file=sys.stderr)
        for problem in error.problems:
            print(f"  - {problem}", file=sys.stderr)
        print("Set them in the environment or in a .env file (see .env.example).", file=sys.stderr)
        return 2
    configure_logging(settings.log_level, settings.log_format, settings.secrets)
    if settings.socket_mode:
        return asyncio.run(serve_socket_mode(settings))
    import uvicorn

    http_app = build_http_app(settings)

    class Server(uvicorn.Server):
        def handle_exit(self, sig: int, frame: FrameType | None) -> None:
            # From this moment new Slack requests get 503, even on an open keep-alive
            # connection; uvicorn then closes the listener and waits for open requests.
            http_app.state.zoombot["stopping"] = True
            super().handle_exit(sig, frame)

    config = uvicorn.Config(
        http_app,
        host=settings.host,
        port=settings.port,
        lifespan="on",
        access_log=False,
        log_config=None,  # keep zoombot's logging (and its redaction) for uvicorn too
        # uvicorn's own wait is for open HTTP connections; every Slack request is acked at
        # once, so they close fast. The real wait is the in-flight registry's (stop_grace,
        # in the lifespan's shutdown, after this one): kept short so the two do not add up
        # past Slack's and an orchestrator's patience (~10 s in all).
        timeout_graceful_shutdown=1,
    )
    server = Server(config)
    log.info("serving Slack at http://%s:%s/slack/events", settings.host, settings.port)
    server.run()
    return 0

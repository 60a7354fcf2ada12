"""Serving zoombot: build the parts, the Bolt app and the Starlette app; `main()` runs it.

HTTP mode (no SLACK_APP_TOKEN): uvicorn on settings.host:settings.port serves
`POST /slack/events` (commands, interactivity, events, via Bolt's Starlette adapter) and
`GET /healthz` (200 once the store is open, the Zoom client built and the reader warmed;
503 before). Socket Mode (SLACK_APP_TOKEN set): Bolt's aiohttp Socket Mode handler, no
port needed. Either way SIGTERM/SIGINT stop it cleanly: the Zoom client, the HTTP client
and the store are closed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.hosts import HostFinder
from bot.listeners import register_all
from bot.logs import configure_logging
from bot.posting import Poster
from bot.scheduling import Scheduler
from bot.settings import Settings, SettingsError, load_settings
from bot.store import Store
from zoom import ZoomClient

log = logging.getLogger("zoombot")

SLACK_TIMEOUT = 10  # seconds, every Web API call
ZOOM_TIMEOUT = 10.0


@dataclass
class Runtime:
    """Everything built at start, closed at stop."""

    settings: Settings
    store: Store
    zoom: ZoomClient
    slack: AsyncWebClient
    http: httpx.AsyncClient
    flow: Scheduler
    bolt: AsyncApp
    ready: bool = False

    async def warm_up(self) -> None:
        """Pay the reader's first-call costs off the event loop, then declare readiness."""
        from bot.reading import warm_up

        await asyncio.to_thread(warm_up)
        self.ready = True
        log.info("zoombot is ready")

    async def aclose(self) -> None:
        self.ready = False
        await self.zoom.aclose()
        await self.http.aclose()
        await asyncio.to_thread(self.store.close)


def build_runtime(settings: Settings) -> Runtime:
    """Open the store and build the clients, the flow and the Bolt app (no network yet)."""
    store = Store(settings.database_path)
    zoom = ZoomClient(
        settings.zoom_account_id,
        settings.zoom_client_id,
        settings.zoom_client_secret,
        api_url=settings.zoom_api_url,
        oauth_url=settings.zoom_oauth_url,
        timeout=ZOOM_TIMEOUT,
    )
    slack = AsyncWebClient(
        token=settings.slack_bot_token, base_url=settings.slack_api_url, timeout=SLACK_TIMEOUT
    )
    http = httpx.AsyncClient(timeout=SLACK_TIMEOUT)
    hosts = HostFinder(store, slack, zoom, settings)
    flow = Scheduler(settings, store, hosts, zoom, Poster(slack, http))
    bolt = AsyncApp(
        client=slack,
        signing_secret=settings.slack_signing_secret,
        # Ack first, work after: Bolt sends the ack as soon as a listener calls ack().
        process_before_response=False,
        logger=logging.getLogger("zoombot.bolt"),
    )
    register_all(bolt, flow)
    return Runtime(settings, store, zoom, slack, http, flow, bolt)


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
        try:
            yield
        finally:
            warming.cancel()
            await runtime.aclose()
            log.info("zoombot stopped")

    async def slack_events(request: Request) -> Response:
        handler = holder.get("handler")
        if handler is None:
            return JSONResponse({"error": "starting"}, status_code=503)
        return await handler.handle(request)  # type: ignore[attr-defined]

    async def healthz(_request: Request) -> Response:
        runtime = holder.get("runtime")
        if isinstance(runtime, Runtime) and runtime.ready:
            return JSONResponse({"ok": True})
        return JSONResponse({"ok": False, "error": "starting"}, status_code=503)

    return Starlette(
        routes=[
            Route("/slack/events", slack_events, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
        ],
        lifespan=lifespan,
    )


async def serve_socket_mode(settings: Settings) -> None:
    """Connect over Socket Mode and run until SIGTERM/SIGINT."""
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    runtime = build_runtime(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    handler = AsyncSocketModeHandler(runtime.bolt, settings.slack_app_token)
    try:
        await runtime.warm_up()
        # The Socket Mode client opens its connection with apps.connections.open through
        # the app's own Web API client, so SLACK_API_URL applies to it too.
        await handler.connect_async()
        log.info("connected to Slack in Socket Mode")
        await stop.wait()
    finally:
        await handler.close_async()
        await runtime.aclose()
        log.info("zoombot stopped")


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
        asyncio.run(serve_socket_mode(settings))
        return 0
    import uvicorn

    config = uvicorn.Config(
        build_http_app(settings),
        host=settings.host,
        port=settings.port,
        lifespan="on",
        access_log=False,
        log_config=None,  # keep zoombot's logging (and its redaction) for uvicorn too
        timeout_graceful_shutdown=10,
    )
    server = uvicorn.Server(config)
    log.info("serving Slack at http://%s:%s/slack/events", settings.host, settings.port)
    server.run()
    return 0

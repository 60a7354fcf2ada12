"""The process: `main(argv)` reads the settings and serves until SIGTERM/SIGINT.

HTTP mode (no SLACK_APP_TOKEN): uvicorn on HOST:PORT serving bot/web/app.py's app.
Socket Mode (SLACK_APP_TOKEN set): Bolt's Socket Mode handler, plus, when
ZOOM_WEBHOOK_SECRET_TOKEN is set, the small app for /zoom/events, the .ics files and /healthz
on PORT. Exit codes: 0 after a stop, 1 when Slack refuses SLACK_APP_TOKEN, 2 for bad
settings or arguments, or a database that cannot be used (one sentence naming
DATABASE_URL). On a stop, new Slack requests get 503, acknowledged work gets
`settings.stop_grace` seconds, then everything is closed.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import os
import signal
import sys
from collections.abc import Callable
from types import FrameType

import uvicorn

from bot.errors import StoreRefused, StoreUnavailable
from bot.logs import add_secrets, configure_logging
from bot.settings import WHERE, Settings, SettingsError, load_settings
from bot.store import Store, aopen_store
from bot.web.app import build_http_app, build_zoom_port_app
from bot.web.runtime import Runtime, build_runtime
from bot.web.tweaks import RefusalAwareSocketModeHandler, side_server

log = logging.getLogger("zoombot")


def zoom_events_server(settings: Settings, runtime: Runtime) -> uvicorn.Server:
    """In Socket Mode: a small HTTP server on HOST:PORT for `/zoom/events`, the .ics files
    and `/healthz`, sharing the runtime. Its `serve()` leaves signals to the caller."""

    log.info("serving Zoom events at http://%s:%s/zoom/events", settings.host, settings.port)
    return side_server(build_zoom_port_app(runtime), settings.host, settings.port)


async def serve_socket_mode(settings: Settings, store: Store) -> int:
    """Connect over Socket Mode and run until SIGTERM/SIGINT. Returns the exit code.

    A stop works at any moment, connected or not (the connection attempt is cancelled).
    Returns 1 when Slack refuses SLACK_APP_TOKEN (after one error log line saying where to
    get a good one), 0 after a stop.
    """
    runtime = build_runtime(settings, store)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    handler = RefusalAwareSocketModeHandler(runtime.bolt, settings.slack_app_token)
    refused = handler.refused
    runtime.socket_mode_client = handler.client  # for /readyz
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


async def load_from_store(store: Store) -> bytes:
    """What start needs from the store: the calendar links' key (made on first start), and
    every stored passcode taught to the log redaction (a restart re-sends messages that
    hold them). Returns the key."""
    add_secrets(*await store.meeting_passcodes())
    return await store.secret("calendar")


def main(argv: list[str]) -> int:
    """Serve Slack until stopped (`python app.py`), or apply the store's migrations and exit
    (`python app.py migrate`). Returns the process exit code: 2 when settings are wrong or
    the database cannot be used. Everything runs on one event loop (uvloop when installed):
    a PostgreSQL store's pool belongs to the loop that serves."""
    if argv not in ([], ["migrate"]):
        print(
            f"zoombot: unknown arguments {argv!r}; try `python app.py` or `python app.py migrate`",
            file=sys.stderr,
        )
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
    with asyncio.Runner(loop_factory=_loop_factory()) as runner:
        return runner.run(amain(settings, migrate_only=argv == ["migrate"]))


def _loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's loop when it is installed (as uvicorn would pick), else asyncio's."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def store_lease() -> float | None:
    """ZOOMBOT_STORE_LEASE (seconds a PostgreSQL outbox or create lease lasts without news
    from its instance; default the store's 60): shorter in tests of a killed instance."""
    value = os.environ.get("ZOOMBOT_STORE_LEASE")
    return float(value) if value else None


async def amain(settings: Settings, *, migrate_only: bool = False) -> int:
    """Open the store on this loop, then migrate-and-exit or serve. Returns the exit code."""
    try:
        store = await aopen_store(settings.database_url, lease=store_lease())
    except StoreRefused as refusal:
        print(f"zoombot cannot start: {refusal.sentence}", file=sys.stderr)
        return 2
    if migrate_only:
        log.info("migrations applied (%s store)", store.backend)
        await store.aclose()
        return 0
    try:
        calendar_key = await load_from_store(store)
    except StoreUnavailable as problem:
        await store.aclose()
        print(f"zoombot cannot start: DATABASE_URL: {problem.sentence}", file=sys.stderr)
        return 2
    settings = dataclasses.replace(settings, calendar_key=calendar_key)
    if settings.socket_mode:
        return await serve_socket_mode(settings, store)
    stopping = asyncio.Event()
    http_app = build_http_app(settings, store, stopping)

    class Server(uvicorn.Server):
        def handle_exit(self, sig: int, frame: FrameType | None) -> None:
            # From this moment new Slack requests get 503, even on an open keep-alive
            # connection; uvicorn then closes the listener and waits for open requests.
            stopping.set()
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
    await server.serve()
    return 0

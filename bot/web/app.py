"""The Starlette apps. Their state (`request.state.runtime`, `.stopping`, `.write_check`)
is yielded by the lifespan; nothing is global.

`build_http_app(settings, stopping)`: HTTP mode. The lifespan builds the runtime, warms it
and drains the outbox in the background, and at shutdown lets acknowledged work finish, then
closes it. Routes: /slack/events, /slack/install, /slack/oauth_redirect, /zoom/events,
/zoom/oauth/callback, /calendar/{id}.ics, /healthz, /readyz, /metrics (bot/web/ops.py).
`build_zoom_port_app(runtime)`: Socket Mode's small HTTP app on PORT (no /slack/events),
over a runtime the caller owns.
Setting `stopping` (an asyncio.Event) makes /slack/events answer 503 from then on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import TypedDict

from starlette.applications import Starlette
from starlette.routing import Route

from bot.settings import Settings
from bot.store import Store
from bot.web.calendar import calendar_file
from bot.web.health import WriteCheck, healthz
from bot.web.ops import metrics_on_port, readyz
from bot.web.runtime import Runtime, build_runtime
from bot.web.slack import slack_events
from bot.web.slack_oauth import slack_install, slack_oauth_redirect
from bot.web.zoom import zoom_events
from bot.web.zoom_oauth import zoom_oauth_callback

log = logging.getLogger("zoombot")


class State(TypedDict):
    """What every request sees as `request.state`."""

    runtime: Runtime
    stopping: asyncio.Event
    write_check: WriteCheck


SHARED_ROUTES = [
    Route("/zoom/events", zoom_events, methods=["POST"]),
    Route("/calendar/{meeting_id:int}.ics", calendar_file, methods=["GET"]),
    Route("/zoom/oauth/callback", zoom_oauth_callback, methods=["GET"]),
    Route("/slack/install", slack_install, methods=["GET"]),
    Route("/slack/oauth_redirect", slack_oauth_redirect, methods=["GET"]),
    Route("/healthz", healthz, methods=["GET"]),
    Route("/readyz", readyz, methods=["GET"]),
    Route("/metrics", metrics_on_port, methods=["GET"]),  # 404 without ZOOMBOT_METRICS_TOKEN
]


def build_http_app(settings: Settings, store: Store, stopping: asyncio.Event) -> Starlette:
    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[State]:
        runtime = build_runtime(settings, store)
        warming = asyncio.create_task(runtime.warm_up())
        runtime.start_outbox()
        try:
            yield {"runtime": runtime, "stopping": stopping, "write_check": WriteCheck()}
        finally:
            stopping.set()
            warming.cancel()
            await runtime.finish_in_flight()
            await runtime.aclose()
            log.info("zoombot stopped")

    routes = [Route("/slack/events", slack_events, methods=["POST"]), *SHARED_ROUTES]
    return Starlette(routes=routes, lifespan=lifespan)


def build_zoom_port_app(runtime: Runtime) -> Starlette:
    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[State]:
        yield {"runtime": runtime, "stopping": asyncio.Event(), "write_check": WriteCheck()}

    return Starlette(routes=SHARED_ROUTES, lifespan=lifespan)

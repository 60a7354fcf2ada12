"""Operations endpoints: `GET /metrics` and `GET /readyz` (README → Operating it).

- `/metrics` on PORT (`metrics_on_port`): 404 unless ZOOMBOT_METRICS_TOKEN is set, 401 without
  `Authorization: Bearer <that token>`, else Prometheus' text format (bot/metrics.py).
- The ops port (`build_ops_app`, on ZOOMBOT_METRICS_PORT when set): `/metrics` with no token,
  `/healthz` and `/readyz`. It serves nothing else: keep it off the internet all the same.
- `/readyz` (both ports): 200 `{"ready": true, "checks": {...}}` only when the app has
  started and every check holds, else 503 with the same shape. Checks: `store` ("ok" or why
  it cannot write), `slack` ("ok" once `auth.test` answered; else "slack unreachable: …" or
  "slack refused the bot token: …"), `socket_mode` ("not used", "connected" or "not
  connected"), `zoom` ("ok" once a token was fetched; "bad credentials: …", "zoom unreachable:
  …" or "not checked yet").
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from slack_sdk.errors import SlackApiError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.metrics import CONTENT_TYPE, bearer_matches
from bot.web.health import WriteCheck, healthz
from bot.web.runtime import Runtime

SLACK_CHECK_WAIT = 2.0  # seconds /readyz waits for Slack's auth.test, when not yet known
OK = "ok"


async def _metrics(runtime: Runtime) -> Response:
    if runtime.metrics is None:
        return JSONResponse({"error": "metrics are off"}, status_code=404)
    body = await runtime.metrics.render(runtime)
    return Response(body, media_type=CONTENT_TYPE)


async def metrics_on_port(request: Request) -> Response:
    runtime: Runtime = request.state.runtime
    token = runtime.settings.metrics_token
    if not token:
        return JSONResponse({"error": "not found"}, status_code=404)
    if not bearer_matches(request.headers.get("authorization"), token):
        return JSONResponse(
            {"error": "a bearer token is needed"},
            status_code=401,
            headers={"WWW-Authenticate": "Bearer"},
        )
    return await _metrics(runtime)


async def metrics_open(request: Request) -> Response:
    return await _metrics(request.state.runtime)


async def slack_check(runtime: Runtime) -> str:
    """ "ok" once Slack said who the bot is (asked again here while it has not)."""
    if runtime.authorization is None:
        return OK
    try:
        async with asyncio.timeout(SLACK_CHECK_WAIT):
            await runtime.authorization.identity()
    except SlackApiError as error:
        data = getattr(error.response, "data", None)  # a text answer is no dict
        code = data.get("error") if isinstance(data, dict) else None
        return f"slack refused the bot token: {code or 'error'}"
    except Exception as error:  # network, timeout, Slack's 5xx
        return f"slack unreachable: {type(error).__name__}"
    return OK


async def socket_mode_check(runtime: Runtime) -> str:
    if not runtime.settings.socket_mode:
        return "not used"
    client = runtime.socket_mode_client
    if client is None:
        return "not connected"
    try:
        connected = await client.is_connected()
    except Exception:  # a client between connections
        connected = False
    return "connected" if connected else "not connected"


async def readiness(runtime: Runtime, write_check: WriteCheck) -> dict[str, Any]:
    """The body of /readyz (see the module docstring)."""
    problem = await write_check.problem(runtime.store)
    checks = {
        "store": OK if problem is None else problem,
        "slack": await slack_check(runtime),
        "socket_mode": await socket_mode_check(runtime),
        "zoom": runtime.zoom_state,
    }
    fine = all(value in (OK, "not used", "connected") for value in checks.values())
    answer: dict[str, Any] = {"ready": runtime.ready and fine, "checks": checks}
    if not runtime.ready:
        answer["starting"] = True
    return answer


async def readyz(request: Request) -> Response:
    answer = await readiness(request.state.runtime, request.state.write_check)
    return JSONResponse(answer, status_code=200 if answer["ready"] else 503)


def build_ops_app(runtime: Runtime) -> Starlette:
    """The ops port's app over `runtime` (which the caller owns)."""

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[dict[str, Any]]:
        yield {"runtime": runtime, "stopping": asyncio.Event(), "write_check": WriteCheck()}

    routes = [
        Route("/metrics", metrics_open, methods=["GET"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
    ]
    return Starlette(routes=routes, lifespan=lifespan)

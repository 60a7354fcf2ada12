"""`GET /slack/install` (the "Add to Slack" page) and `GET /slack/oauth_redirect` (where
Slack sends the installer back): Bolt's own OAuth flow, with its state cookie. 404 unless
zoombot serves several workspaces (SLACK_CLIENT_ID set, SLACK_BOT_TOKEN not)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from slack_bolt.adapter.starlette.async_handler import (
    to_async_bolt_request,
    to_starlette_response,
)
from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from bot.web.runtime import Runtime


async def _through_flow(
    request: Request, step: Callable[[AsyncOAuthFlow, AsyncBoltRequest], Awaitable[BoltResponse]]
) -> Response:
    """`step` of Bolt's OAuth flow on `request`; 404 when zoombot serves one workspace."""
    runtime: Runtime = request.state.runtime
    flow = runtime.bolt.oauth_flow
    if flow is None:
        return PlainTextResponse("Not found", status_code=404)
    bolt_request = to_async_bolt_request(request, await request.body())
    return to_starlette_response(await step(flow, bolt_request))


async def slack_install(request: Request) -> Response:
    return await _through_flow(request, AsyncOAuthFlow.handle_installation)


async def slack_oauth_redirect(request: Request) -> Response:
    return await _through_flow(request, AsyncOAuthFlow.handle_callback)

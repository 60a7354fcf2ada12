"""`GET /slack/install` (the "Add to Slack" page) and `GET /slack/oauth_redirect` (where
Slack sends the installer back): Bolt's own OAuth flow, with its state cookie. 404 unless
zoombot serves several workspaces (SLACK_CLIENT_ID set, SLACK_BOT_TOKEN not)."""

from __future__ import annotations

from slack_bolt.adapter.starlette.async_handler import (
    to_async_bolt_request,
    to_starlette_response,
)
from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from bot.web.runtime import Runtime


async def _flow_or_404(request: Request) -> AsyncOAuthFlow | None:
    runtime: Runtime = request.state.runtime
    return runtime.bolt.oauth_flow


async def slack_install(request: Request) -> Response:
    flow = await _flow_or_404(request)
    if flow is None:
        return PlainTextResponse("Not found", status_code=404)
    bolt_request = to_async_bolt_request(request, await request.body())
    return to_starlette_response(await flow.handle_installation(bolt_request))


async def slack_oauth_redirect(request: Request) -> Response:
    flow = await _flow_or_404(request)
    if flow is None:
        return PlainTextResponse("Not found", status_code=404)
    bolt_request = to_async_bolt_request(request, await request.body())
    return to_starlette_response(await flow.handle_callback(bolt_request))

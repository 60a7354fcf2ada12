"""`GET /zoom/oauth/callback`: where Zoom sends a person back after "Connect your Zoom"
(both modes). Answers a small page; the connection and the Slack message are
bot/flows/connect.py's. 404 when connecting is not set up. Never logs the code."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse

from bot.flows import connect
from bot.web.runtime import Runtime


async def zoom_oauth_callback(request: Request) -> HTMLResponse:
    runtime: Runtime = request.state.runtime
    query = request.query_params
    status, page = await connect.finish(
        runtime.services, query.get("state"), query.get("code"), query.get("error")
    )
    # The page must not be kept, nor the address (with its code) sent on as a referrer.
    headers = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
    return HTMLResponse(page, status_code=status, headers=headers)

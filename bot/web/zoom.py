"""`POST /zoom/events`, Zoom's event notification endpoint (both modes).

404 when ZOOM_WEBHOOK_SECRET_TOKEN is not set (logged, with how to set it); 401 when
`x-zm-signature` is missing, wrong or older than 5 minutes; 400 for a body that is not a Zoom
event; `endpoint.url_validation` answered with {plainToken, encryptedToken}; every other event
answered 200 at once and handled after (`LiveMeetings.accept`); 503 while the app is starting
(Zoom retries).
"""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bot.flows import connect
from bot.web.runtime import Runtime
from zoom import BadEvent, EventKind, parse_event
from zoom.webhooks import url_validation_response, verify_signature

log = logging.getLogger("zoombot.live")


async def zoom_events(request: Request) -> Response:
    runtime: Runtime = request.state.runtime
    settings = runtime.settings
    # The account app's Secret Token, and the "Connect your Zoom" app's when it has its own.
    secrets = [
        s
        for s in (settings.zoom_webhook_secret_token, settings.zoom_oauth_webhook_secret_token)
        if s
    ]
    if not secrets:
        log.warning(
            "a Zoom event arrived at /zoom/events but ZOOM_WEBHOOK_SECRET_TOKEN is not set;"
            " set it to the Secret Token of your Zoom app (Feature → Event Subscriptions)"
        )
        return JSONResponse({"error": "zoom events are not configured"}, status_code=404)
    body = await request.body()
    timestamp = request.headers.get("x-zm-request-timestamp", "")
    signature = request.headers.get("x-zm-signature", "")
    secret = next((s for s in secrets if verify_signature(s, body, timestamp, signature)), None)
    if secret is None:
        log.warning("refused a Zoom event: signature missing, wrong or stale")
        return JSONResponse({"error": "bad signature"}, status_code=401)
    try:
        event = parse_event(body)
    except BadEvent as problem:
        log.warning("refused a Zoom event: %s", problem)
        return JSONResponse({"error": "not a zoom event"}, status_code=400)
    if event.kind is EventKind.URL_VALIDATION:
        assert event.plain_token is not None
        log.info("answered Zoom's endpoint.url_validation")
        return JSONResponse(url_validation_response(secret, event.plain_token))
    if not runtime.ready or runtime.live is None:
        return JSONResponse({"error": "starting"}, status_code=503)
    if event.kind is EventKind.APP_DEAUTHORIZED:
        user_id = (event.raw.get("payload") or {}).get("user_id")
        runtime.services.inflight.start(
            connect.deauthorized(runtime.services, user_id if isinstance(user_id, str) else None),
            name="zoom:app_deauthorized",
        )
        return JSONResponse({})
    runtime.live.accept(event)
    return JSONResponse({})

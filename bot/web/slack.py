"""`POST /slack/events`: commands, interactivity and events, checked at the edge, then Bolt.

Before Bolt sees a request (each refusal is one warning line, never a traceback):
- 413 when Content-Length says more than `MAX_BODY` bytes (the body is not read), or when
  the body streamed grows past it (read with that cap);
- 401 when the Slack signature is missing or wrong, or the timestamp is not an integer or
  more than 5 minutes from now (HMAC-SHA256 `v0:{ts}:{body}`, compared in constant time);
- 400 when it is signed but malformed: not UTF-8, JSON that is not an object with a `type`,
  a form with neither a `command`, a `payload` that is a JSON object, nor `ssl_check`;
- 503 once the stop signal has come (Slack retries, or the person is told to try again).
A client that disconnects mid-body is logged at info level and gets no answer.
Bolt's own request verification stays on behind this (a second HMAC, microseconds).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from urllib.parse import parse_qs

from slack_bolt.adapter.starlette.async_handler import to_async_bolt_request, to_starlette_response
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response

from bot.web.runtime import Runtime

log = logging.getLogger("zoombot.web")

MAX_BODY = 1024 * 1024  # bytes; Slack's requests are a few kB
MAX_AGE = 5 * 60  # seconds a signed request is good for, either side of now


class TooLarge(Exception):
    """The body is over MAX_BODY."""


async def slack_events(request: Request) -> Response:
    runtime: Runtime = request.state.runtime
    if request.state.stopping.is_set():
        return JSONResponse({"error": "stopping"}, status_code=503)
    try:
        body = await read_capped(request, MAX_BODY)
    except TooLarge:
        log.warning("refused a Slack request: body over %d bytes", MAX_BODY)
        return JSONResponse({"error": "request too large"}, status_code=413)
    except ValueError:
        log.warning("refused a Slack request: bad Content-Length")
        return JSONResponse({"error": "bad content-length"}, status_code=400)
    except ClientDisconnect:
        log.info("a Slack request's client went away before its body arrived")
        return Response(status_code=400)  # nobody is listening
    timestamp = request.headers.get("x-slack-request-timestamp", "")
    signature = request.headers.get("x-slack-signature", "")
    if not signed(runtime.settings.slack_signing_secret, body, timestamp, signature):
        log.warning("refused a Slack request: signature missing, wrong or stale")
        return JSONResponse({"error": "invalid signature"}, status_code=401)
    problem = malformed(body, request.headers.get("content-type", ""))
    if problem is not None:
        log.warning("refused a signed Slack request: %s", problem)
        return JSONResponse({"error": "malformed request"}, status_code=400)
    answer = await runtime.bolt.async_dispatch(to_async_bolt_request(request, body))
    return to_starlette_response(answer)


async def read_capped(request: Request, limit: int) -> bytes:
    """The body, or TooLarge as soon as it is known to exceed `limit` bytes (from
    Content-Length, before reading, or while reading). ValueError for a bad Content-Length."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not (declared.isascii() and declared.isdigit()):
            raise ValueError(declared)
        if int(declared) > limit:
            raise TooLarge
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise TooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def signed(secret: str, body: bytes, timestamp: str, signature: str) -> bool:
    """Slack's request signature: `v0=` HMAC-SHA256 of `v0:{timestamp}:{body}`, with a
    timestamp (whole seconds) within MAX_AGE of now."""
    if not (timestamp.isascii() and timestamp.isdigit()) or len(timestamp) > 12:
        return False
    if abs(time.time() - int(timestamp)) > MAX_AGE:
        return False
    base = b"v0:" + timestamp.encode() + b":" + body
    expected = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace"))


def malformed(body: bytes, content_type: str) -> str | None:
    """Why Bolt could not read this signed body, or None when it can."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return "body is not UTF-8"
    if content_type.startswith("application/json") or text.startswith("{"):
        return None if _json_object(text) else "JSON body is not an event object"
    form = parse_qs(text)
    if "payload" in form:
        return None if _json_object(form["payload"][0]) else "payload is not a JSON object"
    if "command" in form or "ssl_check" in form:
        return None
    return "form has neither command nor payload"


def _json_object(text: str) -> bool:
    try:
        value = json.loads(text)
    except ValueError:
        return False
    return isinstance(value, dict) and isinstance(value.get("type"), str)

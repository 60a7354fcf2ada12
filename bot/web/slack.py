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

The edge is the only verifier: the app's Bolt runs with `request_verification_enabled=False`
(bot/web/runtime.py), and the body is parsed once, by Bolt's request, whose parsed form the
edge then checks. Slack's requests reach Bolt by this route only (Socket Mode's are not
signed: Bolt never verifies them).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from typing import Any

from slack_bolt.adapter.starlette.async_handler import to_async_bolt_request, to_starlette_response
from slack_bolt.request.async_request import AsyncBoltRequest
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
    bolt_request = readable(request, body)
    if isinstance(bolt_request, str):
        log.warning("refused a signed Slack request: %s", bolt_request)
        return JSONResponse({"error": "malformed request"}, status_code=400)
    answer = await runtime.bolt.async_dispatch(bolt_request)
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


def readable(request: Request, body: bytes) -> AsyncBoltRequest | str:
    """Bolt's request for this signed body, or why Bolt could not act on it."""
    try:
        bolt_request = to_async_bolt_request(request, body)
    except UnicodeDecodeError:
        return "body is not UTF-8"
    except (ValueError, TypeError, AttributeError):
        # Bolt's parse: JSON that does not parse (ValueError), or a JSON value that is not
        # an object, which its context building then cannot read (TypeError, AttributeError).
        return "JSON body or payload is not an event object"
    problem = malformed(bolt_request.body)
    return bolt_request if problem is None else problem


def malformed(parsed: Any) -> str | None:
    """Why Bolt's parse of a signed body (`AsyncBoltRequest.body`) is nothing it can act on,
    or None: an event or interaction needs a JSON object with a `type`; a form, a `command`
    or `ssl_check`."""
    if not isinstance(parsed, dict):
        return "JSON body or payload is not an event object"
    if isinstance(parsed.get("type"), str) or "command" in parsed or "ssl_check" in parsed:
        return None
    return "neither an event, an interaction nor a command"

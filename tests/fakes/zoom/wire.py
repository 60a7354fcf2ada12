"""The fake Zoom on the wire: its ASGI app reads a request, records it (`Recorded`), plays the
next scripted `Answer` for its route (late, held, cut off, acted on or not) or hands it to
`_handle` (Zoom's behaviour), and sends the reply. Mixed into `FakeZoom`, whose lock,
records and scripts it uses."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from tests.fakes.zoom.routes import TOKEN, parse_body
from tests.fakes.zoom.routes import route as match_route
from tests.fakes.zoom.rules import DAILY_LIMIT_MESSAGE, QPS_MESSAGE, Reply, tracking_id


@dataclass(frozen=True)
class Answer:
    """One scripted answer for a route, used once, in the order queued.

    - `status`, `body`, `headers`: what to answer. A `body` of None gets a Zoom-like body for
      the status (`{"code": ..., "message": ...}`); 429 gets `X-RateLimit-Type: QPS` unless
      `headers` says otherwise.
    - `delay`: seconds to wait before answering.
    - `acted=True`: the fake first handles the request for real (e.g. creates the meeting),
      then answers `status` instead of the real answer: Zoom acted, then failed.
    - `timeout=True`: the fake handles the request for real, then holds the answer for
      `delay` seconds (default 30) or until the client hangs up, whichever comes first;
      it models a read timeout after Zoom acted. Set the client's timeout below `delay`.
    - `drop=True`: the connection is closed mid-answer (the client sees a protocol error);
      combine with `acted=True` to model Zoom having acted first.
    - `acted_after=seconds`: Zoom acts late. The request is handled for real that many
      seconds after it arrived (in the background), and the answer is `status` at once, or,
      with `timeout=True`, held as above, or, with `drop=True`, cut off: Zoom failed or was
      slow to answer and finished the work afterwards. A `reset()` in between cancels it.
    """

    status: int = 200
    body: Any = None
    headers: dict[str, str] | None = None
    delay: float = 0.0
    acted: bool = False
    timeout: bool = False
    drop: bool = False
    acted_after: float | None = None


@dataclass(frozen=True)
class Recorded:
    """One request as the fake received it. `body` is parsed JSON, a form dict, or None."""

    method: str
    path: str
    route: str | None
    query: dict[str, str]
    headers: dict[str, str]
    body: Any
    at: float = field(default_factory=time.time)


class _QuietDrops(logging.Filter):
    """Drop uvicorn's complaint about the answers `Answer(drop=True)` cuts off on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "without completing response" not in record.getMessage()


logging.getLogger("uvicorn.error").addFilter(_QuietDrops())


class Wire:
    """The ASGI side of `FakeZoom` (see the module docstring)."""

    async def _asgi(self, scope: dict[str, Any], receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            return
        raw = b""
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            raw += message.get("body", b"")
            more = message.get("more_body", False)

        method = scope["method"].upper()
        path = scope["path"]
        query = {k: v[-1] for k, v in parse_qs(scope["query_string"].decode()).items()}
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        route, params = match_route(path)
        body = parse_body(raw, headers)
        with self._lock:
            self._requests.append(Recorded(method, path, route, query, headers, body))
            if route == TOKEN:
                self._token_requests += 1
            queue = self._scripts.get((method, route)) if route else None
            answer = queue.popleft() if queue else None

        if self.latency:
            await asyncio.sleep(self.latency)
        if answer is not None and answer.delay and not answer.timeout:
            await asyncio.sleep(answer.delay)

        if answer is not None and answer.acted_after is not None:
            with self._lock:
                generation = self._generation
            task = asyncio.create_task(
                self._act_later(
                    answer.acted_after,
                    generation,
                    (method, route, params, query, headers, raw, body),
                )
            )
            self._late.add(task)
            task.add_done_callback(self._late.discard)
            reply = scripted_reply(answer)
        elif answer is not None and not (answer.acted or answer.timeout):
            reply = scripted_reply(answer)
        else:
            reply = self._handle(method, route, params, query, headers, raw, body)
            if answer is not None and answer.acted and not answer.timeout:
                reply = scripted_reply(answer)

        if answer is not None and answer.timeout:
            await self._hold(receive, answer.delay or 30.0)
        if answer is not None and answer.drop:
            await self._drop(send)
            return
        await self._send(send, reply)

    async def _act_later(self, seconds: float, generation: int, request: tuple) -> None:
        # Zoom finishing a request after it answered (or while the answer is held).
        await asyncio.sleep(seconds)
        with self._lock:
            if generation != self._generation:
                return  # the fake was reset meanwhile: that test is over
        self._handle(*request)

    async def _hold(self, receive: Callable, seconds: float) -> None:
        # Wait until the client gives up (it hangs up) or `seconds` pass.
        async def hung_up() -> None:
            while (await receive())["type"] != "http.disconnect":
                pass

        try:
            await asyncio.wait_for(hung_up(), seconds)
        except TimeoutError:
            pass

    async def _drop(self, send: Callable) -> None:
        # Promise a body and send none of it: the server closes the connection, and the client
        # sees the answer cut off (httpx.RemoteProtocolError), as when Zoom's edge drops it.
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", b"100")],
            }
        )
        await send({"type": "http.response.body", "body": b"{", "more_body": True})
        # Returning now makes uvicorn close the connection (and log a line we filter out).

    async def _send(self, send: Callable, reply: Reply) -> None:
        headers = {"x-zm-trackingid": tracking_id(), **reply.headers}
        if reply.body is None:
            payload = b""
        elif isinstance(reply.body, bytes):
            payload = reply.body
        else:
            payload = json.dumps(reply.body).encode()
            headers.setdefault("content-type", "application/json;charset=UTF-8")
        headers["content-length"] = str(len(payload))
        await send(
            {
                "type": "http.response.start",
                "status": reply.status,
                "headers": [(k.lower().encode(), str(v).encode()) for k, v in headers.items()],
            }
        )
        await send({"type": "http.response.body", "body": payload})


def scripted_reply(answer: Answer) -> Reply:
    """What a scripted `answer` sends: its own body, or a Zoom-like one for its status."""
    headers = dict(answer.headers or {})
    body = answer.body
    status = answer.status
    if status == 429:
        headers = {"X-RateLimit-Type": "QPS", **headers}
        daily = any(
            k.lower() == "x-ratelimit-type" and v.lower() == "daily-limit"
            for k, v in headers.items()
        )
        if body is None:
            message = DAILY_LIMIT_MESSAGE.format(api="Create a meeting") if daily else (QPS_MESSAGE)
            body = {"code": 429, "message": message}
    elif body is None and status >= 500:
        body = {"code": status, "message": "Internal Server Error"}
    elif body is None and status == 401:
        body = {"code": 124, "message": "Invalid access token."}
    elif body is None and status >= 400:
        body = {"code": 300, "message": "Bad Request"}
    if status in (204, 304):
        body = None
    return Reply(status, body, headers)

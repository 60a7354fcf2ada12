"""Zoom's event WebSocket, for Server-to-Server apps: events without a public URL.

`EventSocket(url, subscription_id, token, on_event).run()` keeps one connection to
`<url>?subscriptionId=…&access_token=…` open until cancelled:

- it authenticates with the account's access token (`token()`; after a refused handshake,
  `forget(token)` is called so the next attempt fetches a fresh one);
- it sends `{"module": "heartbeat"}` every `heartbeat` seconds (Zoom closes a connection that
  stays silent), and treats a connection that answers nothing for `3 × heartbeat` as dead;
- every `{"module": "message", "content": "<event JSON>"}` is read with `parse_event` and
  given to `on_event` (synchronous: it must only hand the event on); what cannot be read is
  logged and skipped;
- when the connection fails or closes, it reconnects after an exponential backoff with jitter
  (`backoff_base` doubling up to `backoff_cap` seconds), reset by each successful handshake.

Events over the socket are authenticated by the token: there is no signature to check.
`connected` says whether a connection is open now; `connects` counts the handshakes made.
Never logs the token or the URL's query.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
from collections.abc import Awaitable, Callable
from urllib.parse import urlencode

import aiohttp

from zoom.errors import ZoomAuthError, ZoomError
from zoom.events import BadEvent, ZoomEvent, parse_event

log = logging.getLogger("zoom.websocket")

HEARTBEAT = 30.0  # seconds between heartbeats, as Zoom's documentation advises
BACKOFF_BASE = 1.0
BACKOFF_CAP = 60.0


class EventSocket:
    """One Zoom event WebSocket subscription, kept open (see the module docstring)."""

    def __init__(
        self,
        url: str,
        subscription_id: str,
        token: Callable[[], Awaitable[str]],
        on_event: Callable[[ZoomEvent], None],
        *,
        forget: Callable[[str], None] | None = None,
        heartbeat: float = HEARTBEAT,
        backoff_base: float = BACKOFF_BASE,
        backoff_cap: float = BACKOFF_CAP,
        on_connect: Callable[[], None] | None = None,
    ) -> None:
        self.url = url
        self.subscription_id = subscription_id
        self._token = token
        self._forget = forget
        self._on_event = on_event
        self._on_connect = on_connect
        self.heartbeat = heartbeat
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.connected = False
        self.connects = 0
        self.failures = 0

    def backoff(self, failures: int) -> float:
        """The wait before the next attempt after `failures` failed ones in a row: full
        jitter over a doubling step, at least a tenth of `backoff_base`."""
        step = min(self.backoff_cap, self.backoff_base * 2 ** max(0, failures - 1))
        return max(self.backoff_base / 10, random.uniform(0, step))  # noqa: S311 - not crypto

    async def run(self) -> None:
        """Connect, read, reconnect, until cancelled. Never raises but CancelledError."""
        async with aiohttp.ClientSession() as session:
            while True:
                try:
                    await self._connect_once(session)
                    problem = "Zoom closed the connection"
                except ZoomAuthError as error:
                    problem = f"Zoom refused the account's credentials: {error}"
                except ZoomError as error:
                    problem = f"no access token ({type(error).__name__})"
                except (aiohttp.ClientError, OSError, TimeoutError) as error:
                    problem = _describe(error)
                finally:
                    self.connected = False
                self.failures += 1
                wait = self.backoff(self.failures)
                log.warning("Zoom event WebSocket: %s; reconnecting in %.1f s", problem, wait)
                await asyncio.sleep(wait)

    async def _connect_once(self, session: aiohttp.ClientSession) -> None:
        token = await self._token()
        query = urlencode({"subscriptionId": self.subscription_id, "access_token": token})
        try:
            ws = await session.ws_connect(
                f"{self.url}?{query}", heartbeat=None, timeout=aiohttp.ClientWSTimeout(30)
            )
        except aiohttp.WSServerHandshakeError as error:
            if error.status in (401, 403) and self._forget is not None:
                self._forget(token)
            raise
        async with ws:
            self.connected = True
            self.connects += 1
            self.failures = 0
            log.info("Zoom event WebSocket connected (subscription %s)", self.subscription_id)
            if self._on_connect is not None:
                self._on_connect()
            beating = asyncio.create_task(self._beat(ws), name="zoom-ws-heartbeat")
            try:
                await self._read(ws)
            finally:
                beating.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await beating

    async def _beat(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        heartbeat = json.dumps({"module": "heartbeat"})
        while not ws.closed:
            await ws.send_str(heartbeat)
            await asyncio.sleep(self.heartbeat)

    async def _read(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        while True:
            try:
                message = await ws.receive(timeout=3 * self.heartbeat)
            except TimeoutError:
                log.warning("Zoom event WebSocket: silent for %.0f s", 3 * self.heartbeat)
                return
            if message.type in (
                aiohttp.WSMsgType.CLOSE,
                aiohttp.WSMsgType.CLOSING,
                aiohttp.WSMsgType.CLOSED,
                aiohttp.WSMsgType.ERROR,
            ):
                return
            if message.type is aiohttp.WSMsgType.TEXT:
                self._dispatch(message.data)

    def _dispatch(self, text: str) -> None:
        try:
            frame = json.loads(text)
        except ValueError:
            log.warning("Zoom event WebSocket: a frame that is not JSON, skipped")
            return
        if not isinstance(frame, dict) or frame.get("module") != "message":
            return  # heartbeat answers and anything else Zoom adds
        try:
            event = parse_event(frame.get("content") or "")
        except BadEvent as problem:
            log.warning("Zoom event WebSocket: skipped an event: %s", problem)
            return
        self._on_event(event)


def _describe(error: BaseException) -> str:
    if isinstance(error, aiohttp.WSServerHandshakeError):
        return f"the handshake was refused (HTTP {error.status})"
    return f"connection failed ({type(error).__name__})"

"""The fake Zoom's event WebSocket (`FakeZoom.ws_url`), as Zoom serves it to S2S apps.

`GET <ws_url>?subscriptionId=<id>&access_token=<token>` upgrades when the subscription is the
fake's (`subscription_id`) and the token is one the fake issued and has not revoked; otherwise
401. On an open connection it answers `{"module": "heartbeat"}` with
`{"module": "heartbeat", "success": true}` and sends what the test pushes as
`{"module": "message", "content": "<event JSON>"}`.

uvicorn here has no WebSocket library, so this is an aiohttp site on the fake's own event
loop, on a port of its own (as tests/fakes/slack.py does for Socket Mode).
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable
from typing import Any

from aiohttp import WSMsgType, web

DEFAULT_SUBSCRIPTION = "fake-ws-subscription"


class EventSockets:
    """The WebSocket side of a FakeZoom. Thread-safe: tests call it from their thread."""

    def __init__(
        self,
        loop: Callable[[], asyncio.AbstractEventLoop],
        token_ok: Callable[[str], bool],
        subscription_id: str = DEFAULT_SUBSCRIPTION,
    ) -> None:
        self._loop = loop
        self._token_ok = token_ok
        self.subscription_id = subscription_id
        self._lock = threading.Lock()
        self._sockets: list[web.WebSocketResponse] = []
        self._runner: web.AppRunner | None = None
        self._port = 0
        self.opened = 0  # connections ever opened (only grows)
        self.refused = 0  # handshakes refused (bad token or subscription)
        self.heartbeats = 0

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self._port}/ws"

    def start(self) -> None:
        self._on_loop(self._start())

    def stop(self) -> None:
        self._on_loop(self._stop())

    def connections(self) -> int:
        with self._lock:
            return sum(1 for ws in self._sockets if not ws.closed)

    def wait_for_connection(self, opened_before: int, timeout: float = 10.0) -> None:
        """Wait until a connection opened after `opened_before` (an earlier `opened`) is open."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.opened > opened_before and self.connections():
                return
            time.sleep(0.01)
        raise AssertionError(f"no new Zoom WebSocket connection within {timeout} s")

    def push(self, body: dict[str, Any]) -> int:
        """Send an event body (FakeZoom.event_body's shape) to every open connection.
        Returns how many received it."""
        frame = json.dumps({"module": "message", "content": json.dumps(body)})
        with self._lock:
            open_sockets = [ws for ws in self._sockets if not ws.closed]
        for ws in open_sockets:
            self._on_loop(ws.send_str(frame))
        return len(open_sockets)

    def drop(self) -> int:
        """Close every open connection, as Zoom does when a token expires. Returns how many."""
        with self._lock:
            open_sockets = [ws for ws in self._sockets if not ws.closed]
        for ws in open_sockets:
            self._on_loop(ws.close(code=1001, message=b"going away"))
        return len(open_sockets)

    def _on_loop(self, coroutine: Any, timeout: float = 5.0) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop()).result(timeout)

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_get("/ws", self._serve)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = int(self._runner.addresses[0][1])

    async def _stop(self) -> None:
        with self._lock:
            open_sockets = list(self._sockets)
        for ws in open_sockets:
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _serve(self, request: web.Request) -> web.StreamResponse:
        token = request.query.get("access_token", "")
        if request.query.get("subscriptionId") != self.subscription_id or not self._token_ok(token):
            with self._lock:
                self.refused += 1
            return web.json_response({"error": "invalid access token or subscription"}, status=401)
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        with self._lock:
            self._sockets.append(ws)
            self.opened += 1
        try:
            async for message in ws:
                if message.type != WSMsgType.TEXT:
                    continue
                try:
                    frame = json.loads(message.data)
                except ValueError:
                    continue
                if isinstance(frame, dict) and frame.get("module") == "heartbeat":
                    with self._lock:
                        self.heartbeats += 1
                    await ws.send_str(json.dumps({"module": "heartbeat", "success": True}))
        finally:
            with self._lock:
                if ws in self._sockets:
                    self._sockets.remove(ws)
        return ws


class EventSocketSide:
    """`FakeZoom`'s API for its event WebSocket (`self._ws`, an `EventSockets`)."""

    # The app connects to `ws_url` with `ws_subscription_id` and a token the fake issued;
    # `push_ws_event(fake.start_meeting(id))` sends an event over every open connection.

    @property
    def ws_url(self) -> str:
        """The app's ZOOM_WS_URL (`ws://127.0.0.1:<port>/ws`)."""
        return self._ws.url

    @property
    def ws_subscription_id(self) -> str:
        """The app's ZOOM_WS_SUBSCRIPTION_ID (any other is refused with 401)."""
        return self._ws.subscription_id

    @property
    def ws_opened(self) -> int:
        """Connections ever opened (only grows): pass it to `wait_for_ws_connection`."""
        return self._ws.opened

    @property
    def ws_heartbeats(self) -> int:
        """Heartbeats received, over every connection so far."""
        return self._ws.heartbeats

    def ws_connections(self) -> int:
        """Connections open now."""
        return self._ws.connections()

    def wait_for_ws_connection(self, opened_before: int, timeout: float = 10.0) -> None:
        """Wait until a connection opened after `opened_before` (a past `ws_opened`) is open."""
        self._ws.wait_for_connection(opened_before, timeout)

    def push_ws_event(self, body: dict[str, Any]) -> int:
        """Send `body` (an `event_body`) over every open connection; returns how many."""
        return self._ws.push(body)

    def drop_ws_connections(self) -> int:
        """Close every open connection (as Zoom does when the token expires); returns how many."""
        return self._ws.drop()

    def _loop(self) -> asyncio.AbstractEventLoop:
        loop = self._server.loop
        assert loop is not None, "the fake Zoom is not started"
        return loop

    def _ws_token_ok(self, token: str) -> bool:
        with self._lock:
            issued = self._tokens.get(token)
            return issued is not None and token not in self._revoked and time.time() < issued[0]

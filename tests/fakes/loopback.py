"""Serve an ASGI app on an ephemeral loopback port from a background thread.

The fakes (Zoom here, Slack in `tests.fakes`) are real HTTP servers so that the
code under test goes through its real HTTP stack. Each runs its own event loop in
its own thread, so a test (sync or async) and the app under test can both talk to it.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from typing import Any

import uvicorn
import uvloop


class LoopbackServer:
    """Start with `start()` (or as a context manager); `url` is `http://127.0.0.1:PORT`."""

    def __init__(self, app: Any, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self._app = app
        self._host = host
        self._port = port
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.loop: asyncio.AbstractEventLoop | None = None

    @property
    def port(self) -> int:
        return self._port

    @property
    def url(self) -> str:
        return f"http://{self._host}:{self._port}"

    def start(self) -> LoopbackServer:
        # Bind the socket here so the port is known (and held) before the thread runs.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self._host, self._port))
        self._port = sock.getsockname()[1]
        config = uvicorn.Config(
            self._app, log_level="warning", lifespan="off", access_log=False, timeout_keep_alive=30
        )
        self._server = uvicorn.Server(config)
        ready = threading.Event()

        def run() -> None:
            # uvloop, as the app runs on: the fakes share the machine's cores with the app
            # under test, so the less CPU their I/O takes, the less they disturb it.
            self.loop = uvloop.new_event_loop()
            asyncio.set_event_loop(self.loop)
            self.loop.call_soon(ready.set)
            self.loop.run_until_complete(self._server.serve(sockets=[sock]))
            self.loop.close()

        self._thread = threading.Thread(target=run, name=f"loopback-{self._port}", daemon=True)
        self._thread.start()
        ready.wait(5)
        deadline = 50
        while not self._server.started and deadline:
            threading.Event().wait(0.02)
            deadline -= 1
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(5)

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

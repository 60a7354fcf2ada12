"""`GET /healthz` (both modes).

503 `{"ok": false, "error": "starting"}` until the runtime is ready; 503
`{"ok": false, "reason": …}` while the store cannot write; else 200
`{"ok": true, "in_flight": n}` (acknowledged work still running). Every answer after start
says which store serves: `"store": "sqlite"` or `"postgresql"`. The store's write check
runs at most once a second (`WriteCheck`), however often the probe asks.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bot.web.runtime import Runtime

CHECK_EVERY = 1.0  # seconds a write check's answer is reused


class WriteCheck:
    """Whether the store can write, asked of it at most once per `every` seconds.

    Uses the store's `check_writable()` (a tiny write; None when writes work, else a short
    reason) or else its `write_problem` attribute; a store with neither is taken as writable.
    """

    def __init__(self, every: float = CHECK_EVERY) -> None:
        self.every = every
        self._checked_at = -float("inf")
        self._problem: str | None = None
        self._lock = asyncio.Lock()

    async def problem(self, store: object) -> str | None:
        async with self._lock:
            if time.monotonic() - self._checked_at >= self.every:
                self._problem = await self._ask(store)
                self._checked_at = time.monotonic()
            return self._problem

    @staticmethod
    async def _ask(store: object) -> str | None:
        check: Callable[[], Awaitable[str | None]] | None = getattr(store, "check_writable", None)
        if check is not None:
            try:
                return await check()
            except Exception as error:  # the check itself broke: say so, not a 500
                return f"write check failed: {type(error).__name__}"
        return getattr(store, "write_problem", None)


async def healthz(request: Request) -> Response:
    runtime: Runtime = request.state.runtime
    if not runtime.ready:
        return JSONResponse({"ok": False, "error": "starting"}, status_code=503)
    backend = getattr(runtime.store, "backend", None)  # a test's stand-in store has none
    which = {"store": backend} if backend else {}
    problem = await request.state.write_check.problem(runtime.store)
    if problem is not None:
        return JSONResponse({"ok": False, "reason": problem, **which}, status_code=503)
    return JSONResponse({"ok": True, "in_flight": runtime.in_flight, **which})

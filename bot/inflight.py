"""The work running after Slack was acknowledged, so that a stop can let it finish.

Bolt runs each listener in a task of its own and answers Slack as soon as it calls `ack()`;
uvicorn's graceful shutdown waits for open connections, not for those tasks. Every listener
is wrapped in `tracked(flow.inflight)` (bot/listeners), so its whole body (the ack and all the
work after it) counts as in flight; the server's shutdown calls `finish(seconds)` before it
closes the clients: what ends in time ends normally, the rest is cancelled (a meeting message
not yet posted stays in the outbox for the next start).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, ParamSpec, TypeVar

log = logging.getLogger("zoombot.inflight")

P = ParamSpec("P")
R = TypeVar("R")


class InFlight:
    """A registry of in-flight asyncio tasks; `len()` is how many there are now."""

    def __init__(self) -> None:
        # A task may be tracked by nested calls (listener → schedule → _guarded); count them.
        self._tasks: Counter[asyncio.Task[Any]] = Counter()

    def __len__(self) -> int:
        return len(self._tasks)

    @contextlib.contextmanager
    def track(self) -> Iterator[None]:
        """Count the current task as in flight until the block ends."""
        task = asyncio.current_task()
        if task is None:  # pragma: no cover - always inside a task under asyncio
            yield
            return
        self._tasks[task] += 1
        try:
            yield
        finally:
            self._tasks[task] -= 1
            if self._tasks[task] <= 0:
                del self._tasks[task]

    async def finish(self, seconds: float) -> int:
        """Wait up to `seconds` for what is in flight, then cancel what is left. Returns how
        many tasks had to be cancelled. (New requests are refused by the server, not here.)"""
        current = asyncio.current_task()
        pending = {t for t in self._tasks if t is not current and not t.done()}
        if not pending:
            return 0
        log.info("waiting up to %.0f s for %d request(s) in flight", seconds, len(pending))
        _done, left = await asyncio.wait(pending, timeout=seconds)
        for task in left:
            task.cancel()
        if left:
            await asyncio.wait(left, timeout=1.0)
            log.warning(
                "stopped %d request(s) still in flight; unsent posts stay queued", len(left)
            )
        return len(left)


def tracked(
    inflight: InFlight,
) -> Callable[[Callable[P, Awaitable[R]]], Callable[P, Awaitable[R]]]:
    """Decorate an async listener so that its whole run counts as in flight in `inflight`.

    The wrapper keeps the listener's name and `__wrapped__`: Bolt unwraps a listener to read
    which arguments it asks for (`ack`, `body`, …), and passes them by name to the wrapper.
    It is applied under Bolt's decorator (`@app.command(...)` then `@tracked(...)`): Bolt runs
    the function it was given in a task of its own after the ack, so the function is the one
    place that lasts exactly as long as the work (a Bolt middleware returns at the ack)."""

    def wrap(listener: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
        @functools.wraps(listener)
        async def run(*args: P.args, **kwargs: P.kwargs) -> R:
            with inflight.track():
                return await listener(*args, **kwargs)

        run.zoombot_tracked = True  # type: ignore[attr-defined]  # checked by the tests
        return run

    return wrap

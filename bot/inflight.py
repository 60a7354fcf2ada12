"""The work running after Slack was acknowledged, so that a stop can let it finish.

Every listener is wrapped in `tracked(flow.inflight)` (bot/listeners). The wrapper runs the
listener's whole body (the ack and all the work after it) in a task of its own that counts as
in flight, and returns to Bolt as soon as the listener has called `ack()`: Bolt then answers
Slack at once. The server's shutdown calls `finish(seconds)` before it closes the clients
(uvicorn's graceful shutdown waits for open connections, not for those tasks): what ends in
time ends normally, the rest is cancelled (a meeting message not yet posted stays in the
outbox for the next start).

Why not Bolt's own "ack first, work after" (`process_before_response=False`): Bolt then
waits for `ack()` by polling every 10 ms. Under a burst of commands those polls added their
own wake-ups to a busy event loop and were most of the acknowledgement latency. So the app
runs Bolt with `process_before_response=True`, and this wrapper gives the same order
without the polling: `ack()` resolves a future the wrapper waits on, so Bolt answers at the
event loop's next turn.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import inspect
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

    def add(self, task: asyncio.Task[Any]) -> None:
        """Count `task` as in flight from now (not from its first step) until it ends."""
        self._tasks[task] += 1
        task.add_done_callback(self._ended)

    def _ended(self, task: asyncio.Task[Any]) -> None:
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


# Slack's limit for an acknowledgement, and Bolt's (`ack_timeout`): a listener that has not
# called ack() by then is left to go on, and Bolt answers without it.
ACK_LIMIT = 3.0


def tracked(
    inflight: InFlight,
) -> Callable[[Callable[P, Awaitable[R]]], Callable[P, Awaitable[R | None]]]:
    """Decorate an async listener: its whole run, in a task of its own, counts as in flight
    in `inflight`; the decorated function returns once the listener has called `ack()` (a
    listener that takes no `ack`, an event's, returns at once: Bolt acknowledges events).

    An exception before `ack()` is raised to Bolt, which answers Slack with an error and logs
    it, as it would for any listener; one after `ack()` is logged here.

    The wrapper keeps the listener's name and `__wrapped__`: Bolt unwraps a listener to read
    which arguments it asks for (`ack`, `body`, …), and passes them by name to the wrapper.
    It is applied under Bolt's decorator (`@app.command(...)` then `@tracked(...)`)."""

    def wrap(listener: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R | None]]:
        takes_ack = "ack" in inspect.signature(listener).parameters

        @functools.wraps(listener)
        async def run(*args: P.args, **kwargs: P.kwargs) -> R | None:
            loop = asyncio.get_running_loop()
            # Resolved by the ack, by the listener's end, or by the time limit: a bare
            # future, so that the wrapper wakes the very next turn of the event loop (each
            # turn waits behind everything else that is running, and under load every
            # turn between Slack's request and its answer showed in the ack latency).
            answered: asyncio.Future[None] = loop.create_future()
            acked = False

            def answer() -> None:
                if not answered.done():
                    answered.set_result(None)

            if takes_ack:
                bolt_ack = kwargs["ack"]

                async def ack(*a: Any, **kw: Any) -> Any:
                    nonlocal acked
                    try:
                        return await bolt_ack(*a, **kw)
                    finally:
                        acked = True
                        answer()
                        # Let Bolt answer Slack before the listener goes on: what follows
                        # the ack may run a while before it first waits for anything.
                        await asyncio.sleep(0)

                kwargs["ack"] = ack

            task = asyncio.create_task(
                listener(*args, **kwargs),  # type: ignore[arg-type]
                name=f"listener:{listener.__name__}",
            )
            # Counted before Bolt can answer Slack: a stop that begins right after the ack
            # still waits for this work.
            inflight.add(task)
            task.add_done_callback(lambda done: _log_failure(done, acked or not takes_ack))
            if not takes_ack:
                return None
            task.add_done_callback(lambda _: answer())
            limit = loop.call_later(ACK_LIMIT, answer)
            try:
                await answered
            finally:
                limit.cancel()
            if task.done() and not acked:
                return task.result()  # the listener ended without ack(): raise its error
            return None

        run.zoombot_tracked = True  # type: ignore[attr-defined]  # checked by the tests
        return run

    return wrap


def _log_failure(task: asyncio.Task[Any], after_ack: bool) -> None:
    """Log a listener's failure that Bolt will not see (it came after the ack)."""
    if task.cancelled():
        return
    error = task.exception()  # also marks it retrieved
    if error is not None and after_ack:
        log.error("listener %s failed after its ack", task.get_name(), exc_info=error)

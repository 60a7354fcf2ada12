"""The work running after Slack was acknowledged, so that a stop can let it finish.

Every listener follows one rule (bot/listeners/__init__.py): it runs in Bolt's own request
task, counted as in flight (`track`, by `counted`), acknowledges, and hands the work to do
after the ack to `after_ack`, which starts it in a task of its own counted from its creation
(`start`): Bolt answers Slack as soon as the listener returns (the app runs Bolt with
`process_before_response=True`), and a stop that begins right after the ack still waits for
the work. The server's shutdown calls `finish(seconds)` before it closes the
clients (uvicorn's graceful shutdown waits for open connections, not for those tasks): what
ends in time ends normally, the rest is cancelled (a meeting message not yet posted stays in
the outbox for the next start).

Why not Bolt's own "ack first, work after" (`process_before_response=False`): Bolt then runs
the listener in a task and waits for `ack()` by polling every 10 ms; and any hand-over from
one task to another costs a turn of the event loop, each turn waiting behind everything else
that is ready. Under a burst of commands those turns were the acknowledgement latency
(BENCHMARKS.md). Here the ack is answered in the very turn that read the request, and the
work it starts takes turns, so that the next requests are not held behind it (bot/turns.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from collections.abc import Coroutine, Iterator
from typing import Any

from bot.turns import Turns

log = logging.getLogger("zoombot.inflight")


class InFlight:
    """A registry of in-flight asyncio tasks; `len()` is how many there are now. The tasks
    it `start`s take turns (`turns`, bot/turns.py)."""

    def __init__(self, turns: Turns | None = None) -> None:
        # A task may be tracked by nested calls (listener → schedule → _guarded); count them.
        self._tasks: Counter[asyncio.Task[Any]] = Counter()
        self.turns = Turns() if turns is None else turns

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

    def start(self, work: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        """Run `work` in a task of its own, counted in flight from its creation (so a stop
        that begins before its first step still waits for it); its failure is logged."""
        task = asyncio.create_task(work, name=name)
        self.turns.add(task)
        self.add(task)
        task.add_done_callback(_log_failure)
        return task

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
                "stopped %d request(s) still in flight; they stay recorded for the next start "
                "to settle, and unsent posts stay queued",
                len(left),
            )
        return len(left)


def _log_failure(task: asyncio.Task[Any]) -> None:
    """Log a failure of a listener's after-the-ack work (Bolt never sees it)."""
    if task.cancelled():
        return
    error = task.exception()  # also marks it retrieved
    if error is not None:
        log.error("%s failed after its ack", task.get_name(), exc_info=error)

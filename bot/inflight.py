"""The work running after Slack was acknowledged, so that a stop can let it finish.

Bolt runs each listener in a task of its own and answers Slack as soon as it calls `ack()`;
uvicorn's graceful shutdown waits for open connections, not for those tasks. The flow marks
its work with `track()` (or starts it with `spawn()`), and the server's shutdown calls
`finish(seconds)` before it closes the clients: what ends in time ends normally, the rest is
cancelled (a meeting message not yet posted stays in the outbox for the next start).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from collections.abc import Coroutine, Iterator
from typing import Any

log = logging.getLogger("zoombot.inflight")


class InFlight:
    """A registry of in-flight asyncio tasks. `stopping` is set once a stop has begun."""

    def __init__(self) -> None:
        # A task may be tracked by nested calls (schedule → _guarded); count them.
        self._tasks: Counter[asyncio.Task[Any]] = Counter()
        self.stopping = False

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

    def spawn(self, work: Coroutine[Any, Any, Any], name: str | None = None) -> asyncio.Task:
        """Start `work` as a task that counts as in flight until it ends."""
        task = asyncio.create_task(work, name=name)
        self._tasks[task] += 1
        task.add_done_callback(lambda t: self._tasks.pop(t, None))
        return task

    async def finish(self, seconds: float) -> int:
        """Stop taking work, wait up to `seconds` for what is in flight, then cancel
        what is left. Returns how many tasks had to be cancelled."""
        self.stopping = True
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

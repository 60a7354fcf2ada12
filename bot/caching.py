"""In-process caching helpers: `SingleFlight` (one call in flight per key, its result shared)
and `Memo` (a bounded map whose entries expire).

Used in front of the store and of Slack and Zoom look-ups, so that a burst of commands from
the same people makes one read per person, not one per command (BENCHMARKS.md).
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

T = TypeVar("T")


class SingleFlight:
    """At most one call in flight per key; concurrent callers share its result.

    The call runs in a task of its own, so a caller that is cancelled (a timeout of its
    own) cancels only its wait: the call goes on for the other callers, and its outcome,
    value or exception, is theirs. Nobody waiting: the exception is still marked retrieved.
    """

    def __init__(self) -> None:
        self._inflight: dict[str, asyncio.Task[Any]] = {}

    async def do(self, key: str, fn: Callable[[], Awaitable[T]]) -> T:
        task = self._inflight.get(key)
        if task is None:

            async def call() -> T:
                return await fn()

            task = asyncio.ensure_future(call())
            self._inflight[key] = task
            task.add_done_callback(lambda done: self._forget(key, done))
        return await asyncio.shield(task)

    def _forget(self, key: str, task: asyncio.Task[Any]) -> None:
        if self._inflight.get(key) is task:
            del self._inflight[key]
        if not task.cancelled():
            task.exception()  # retrieved: no "exception was never retrieved" warning


class Memo:
    """A bounded in-memory map whose entries expire; the oldest go first when it is full.

    Why: under a burst of commands, reading the same rows again for every command (a turn
    of the loop on SQLite, a round trip on PostgreSQL) was the queue, not the reads.
    """

    def __init__(self, size: int = 10_000, clock: Callable[[], float] = time.monotonic) -> None:
        self._entries: OrderedDict[str, tuple[float, Any]] = OrderedDict()
        self._size = size
        self._clock = clock

    def get(self, key: str) -> tuple[bool, Any]:
        """(hit, value): a hit while the entry's time to live has not run out."""
        entry = self._entries.get(key)
        if entry is None or self._clock() >= entry[0]:
            return False, None
        return True, entry[1]

    def put(self, key: str, value: Any, ttl: float) -> None:
        self._entries.pop(key, None)
        self._entries[key] = (self._clock() + ttl, value)
        while len(self._entries) > self._size:
            self._entries.popitem(last=False)

    def forget(self, key: str) -> None:
        self._entries.pop(key, None)


__all__ = ["Memo", "SingleFlight"]

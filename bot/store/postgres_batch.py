"""`Coalesced`: the calls of one statement that come while it is in flight go as one.

Under a burst, three hundred commands each marking their post as sent made three hundred
round trips, each costing the app about 0.1 ms of CPU (and the server a transaction) while
the loop was the bottleneck. Like PostgreSQL's own group commit, nothing waits for a batch
to fill: a call with nothing in flight goes at once, alone; the calls that come while it is
in flight wait for it and then go together, as one statement over all of them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

A = TypeVar("A")
R = TypeVar("R")


class Coalesced(Generic[A, R]):
    """Call with one item, get its result; `run` takes every item waiting at once and
    returns their results in the same order (or raises: then every one of them raises).

    Each batch runs in a task of its own, so a caller that is cancelled cancels only its
    wait, never the statement the others are in (as `bot.caching.SingleFlight`)."""

    def __init__(self, run: Callable[[Sequence[A]], Awaitable[Sequence[R]]]) -> None:
        self._run = run
        self._waiting: list[tuple[A, asyncio.Future[R]]] = []
        self._in_flight: asyncio.Task[None] | None = None

    async def __call__(self, item: A) -> R:
        result: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._waiting.append((item, result))
        if self._in_flight is None:
            self._next()
        return await result

    def _next(self) -> None:
        batch, self._waiting = self._waiting, []
        self._in_flight = asyncio.ensure_future(self._go(batch))

    async def _go(self, batch: list[tuple[A, asyncio.Future[R]]]) -> None:
        try:
            results = await self._run([item for item, _ in batch])
        except asyncio.CancelledError:
            for _, result in batch:
                result.cancel()
            raise
        except Exception as error:  # every caller gets it
            for _, result in batch:
                if not result.done():
                    result.set_exception(error)
                    result.exception()  # retrieved: a caller that went away logs nothing
        else:
            for (_, result), value in zip(batch, results, strict=True):
                if not result.done():
                    result.set_result(value)
        finally:
            self._in_flight = None
            if self._waiting:
                self._next()


__all__ = ["Coalesced"]

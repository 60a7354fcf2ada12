"""Work after the ack takes turns, so that the requests Slack is waiting on come first.

Under a burst the event loop is saturated, and each of its iterations runs every piece of
work that became ready. With a hundred creates in flight a new request waits behind all of
them twice: once to be read from its socket, once to be handled (100–200 ms each at 300
commands; BENCHMARKS.md). So the work after the ack (the tasks `InFlight.start` runs) passes
through `take()` wherever its long pieces are cut (the store's calls) and `answered()` after
every answer from Zoom, Slack or PostgreSQL (the clients' and the store's hooks). At most
`per_iteration` pieces go on per iteration of the loop: those of work that has not yet had
an answer from Zoom or Slack first (a new create reaches Zoom early, where its wait overlaps
the rest), those of work whose message is already posted (`delivered`) last, for at most
DELIVERED_WAIT seconds; within each, the oldest work first (the order `add` saw it, that is
the order its requests came), so that a burst's first requests are answered first rather
than all of them together at its end. Everything else (a request's own handling, start-up,
the outbox drain) never waits: for it `take()` is one plain turn of the loop, as before,
and `answered()` nothing.
"""

from __future__ import annotations

import asyncio
import collections
import heapq
import itertools
import weakref
from typing import Any

import httpx

# Pieces of work after the ack let through per iteration of the event loop.
PER_ITERATION = 4
# The longest a piece of work whose message is out waits behind the others (seconds).
DELIVERED_WAIT = 0.5


class Turns:
    """The queue of pieces of work after the ack (see the module docstring)."""

    def __init__(self, per_iteration: int = PER_ITERATION) -> None:
        self.per_iteration = per_iteration
        # The tasks that take turns, each with its place in line: the order it was added in
        # (the order its request came).
        self._taking: weakref.WeakKeyDictionary[asyncio.Task[Any], int] = (
            weakref.WeakKeyDictionary()
        )
        self._births = itertools.count()
        self._pieces = itertools.count()
        self._answered: weakref.WeakSet[asyncio.Task[Any]] = weakref.WeakSet()
        self._delivered: weakref.WeakSet[asyncio.Task[Any]] = weakref.WeakSet()
        # (birth, piece, turn): the oldest work first, and its pieces in the order they asked
        self._new: list[tuple[int, int, asyncio.Future[None]]] = []
        self._rest: list[tuple[int, int, asyncio.Future[None]]] = []
        # (when it began to wait, turn) of work whose message is out
        self._last: collections.deque[tuple[float, asyncio.Future[None]]] = collections.deque()
        self._releasing = False

    @property
    def waiting(self) -> int:
        """Pieces waiting for their turn now."""
        return len(self._new) + len(self._rest) + len(self._last)

    def add(self, task: asyncio.Task[Any]) -> None:
        """`task` is work after the ack: its calls to `take` wait their turn."""
        self._taking[task] = next(self._births)

    async def take(self) -> None:
        """One turn of the loop (a store call's): work after the ack waits its turn."""
        task = asyncio.current_task()
        if task is None or task not in self._taking:
            await asyncio.sleep(0)
        else:
            await self._queue(task)

    async def answered(self, *, by_service: bool = True) -> None:
        """An answer came (Zoom's or Slack's; `by_service=False`: the database's): work after
        the ack waits its turn before it reads it, anything else goes on at once."""
        task = asyncio.current_task()
        if task is not None and task in self._taking:
            if by_service:
                self._answered.add(task)
            await self._queue(task)

    def delivered(self) -> None:
        """What the current work's requester waits for is out (its message is posted): the
        rest of it (recording that, the private confirmation) waits behind the work whose
        message is not out yet, at most DELIVERED_WAIT seconds per piece."""
        task = asyncio.current_task()
        if task is not None and task in self._taking:
            self._delivered.add(task)

    async def _queue(self, task: asyncio.Task[Any]) -> None:
        loop = asyncio.get_running_loop()
        turn: asyncio.Future[None] = loop.create_future()
        if task in self._delivered:
            self._last.append((loop.time(), turn))
        else:
            line = self._rest if task in self._answered else self._new
            heapq.heappush(line, (self._taking[task], next(self._pieces), turn))
        if not self._releasing:
            self._releasing = True
            loop.call_soon(self._release, loop)
        await turn

    def _release(self, loop: asyncio.AbstractEventLoop) -> None:
        """Once per iteration while pieces wait: let the next `per_iteration` go on."""
        released = 0
        overdue = loop.time() - DELIVERED_WAIT
        while released < self.per_iteration and self.waiting:
            if self._last and (self._last[0][0] < overdue or not (self._new or self._rest)):
                turn = self._last.popleft()[1]
            else:
                turn = heapq.heappop(self._new or self._rest)[2]
            if not turn.done():  # its task may have been cancelled meanwhile
                turn.set_result(None)
                released += 1
        if self.waiting:
            loop.call_soon(self._release, loop)
        else:
            self._releasing = False


class TurnTakingTransport(httpx.AsyncBaseTransport):
    """An httpx transport whose answers wait their turn (`Turns.answered`) before the caller
    reads them; everything else is `inner`'s."""

    def __init__(self, inner: httpx.AsyncBaseTransport, turns: Turns) -> None:
        self._inner = inner
        self._turns = turns

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self._inner.handle_async_request(request)
        await self._turns.answered()
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()

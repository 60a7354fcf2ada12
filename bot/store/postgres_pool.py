"""`Connections`: the PostgreSQL store's pools of asyncpg connections, lean per call.

The store makes about ten calls per `/zoom` command, each one statement; asyncpg's own
`Pool` costs about 50 µs of CPU more per call than the statement on a bare connection
(bench/store_pg.py) and one more turn of the event loop (its release runs in a task of its
own under `asyncio.shield`, behind every callback already waiting). Here a call takes an
idle connection (the last one given back first), runs, and gives it back without waiting.

What callers may rely on: at most `max_size` connections are open; `acquire(timeout)`
gives an idle one, or opens one, or waits its turn (first come, first served), raising
TimeoutError after `timeout` seconds. Given back, a connection left in a transaction is
rolled back and one in `NEEDS_RESET` gets asyncpg's full reset (`release_cheaply`); one
that is closed, or whose last use ended in anything but a PostgreSQL error (a cancel, a
timeout, a lost connection: its state is unknown), is closed and its place freed for a new
one. `execute`/`fetch`/`fetchrow`/`fetchval` are asyncpg's, on a connection of the pool.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from typing import Any

import asyncpg

from bot.store.postgres_base import NEEDS_RESET, release_cheaply

log = logging.getLogger("zoombot.store")

CLOSE_WAIT = 30.0  # seconds `close()` waits for connections in use to be given back


class Connections:
    """Open with `await Connections.open(connect_args, min_size=, max_size=)`."""

    def __init__(self, connect_args: dict[str, Any], *, max_size: int) -> None:
        self._connect_args = connect_args
        self._max = max(1, max_size)
        self._idle: list[asyncpg.Connection] = []
        self._open = 0  # connections open or being opened
        self._in_use = 0
        self._waiters: deque[asyncio.Future[asyncpg.Connection | None]] = deque()
        self._closing = False
        self._all: set[asyncpg.Connection] = set()
        self._released = asyncio.Event()

    @classmethod
    async def open(
        cls, connect_args: dict[str, Any], *, min_size: int, max_size: int
    ) -> Connections:
        pool = cls(connect_args, max_size=max_size)
        try:
            for _ in range(min(min_size, pool._max)):
                pool._open += 1
                try:
                    pool._idle.append(await pool._connect())
                except BaseException:
                    pool._open -= 1
                    raise
        except BaseException:
            await pool.close()
            raise
        return pool

    async def _connect(self) -> asyncpg.Connection:
        conn = await asyncpg.connect(**self._connect_args)
        self._all.add(conn)
        return conn

    # -- taking and giving back ------------------------------------------------------------

    def acquire(self, *, timeout: float | None = None) -> _Acquiring:
        """`await pool.acquire()` (then `release`), or `async with pool.acquire() as conn`."""
        return _Acquiring(self, timeout)

    async def _acquire(self, wait: float | None) -> asyncpg.Connection:
        if self._closing:
            raise asyncpg.InterfaceError("the store's connections are closing")
        while self._idle:
            conn = self._idle.pop()
            if not conn.is_closed():
                self._in_use += 1
                return conn
            self._dropped(conn)
        if self._open >= self._max:
            waiter: asyncio.Future[asyncpg.Connection | None] = (
                asyncio.get_running_loop().create_future()
            )
            self._waiters.append(waiter)
            try:
                async with asyncio.timeout(wait):
                    conn = await waiter
            except BaseException:
                if waiter.done() and not waiter.cancelled():
                    self._pass_on(waiter.result())  # handed over as we gave up
                else:
                    with contextlib.suppress(ValueError):
                        self._waiters.remove(waiter)
                raise
            if conn is not None:
                self._in_use += 1
                return conn
        else:
            self._open += 1  # (a waiter handed None was given this place already)
        try:
            async with asyncio.timeout(wait):
                conn = await self._connect()
        except BaseException:
            self._pass_on(None)  # the place is the next waiter's, or free
            raise
        self._in_use += 1
        return conn

    async def release(self, conn: asyncpg.Connection, *, broken: bool = False) -> None:
        """Give `conn` back (`broken`: its state is unknown, close it)."""
        self._in_use -= 1
        self._released.set()
        if broken or conn.is_closed() or self._closing:
            self._discard(conn)
            return
        try:
            if conn.is_in_transaction():
                await conn.execute("ROLLBACK")
            if conn in NEEDS_RESET:
                await release_cheaply(conn)
        except BaseException:
            self._discard(conn)
            raise
        self._pass_on(conn)

    def _pass_on(self, conn: asyncpg.Connection | None) -> None:
        """Hand `conn` (None: a free place to open one in) to the first waiter still waiting,
        else keep it idle."""
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(conn)
                return
        if conn is not None:
            self._idle.append(conn)
        else:
            self._open -= 1

    def _discard(self, conn: asyncpg.Connection) -> None:
        with contextlib.suppress(Exception):
            conn.terminate()
        self._all.discard(conn)
        self._pass_on(None)

    def _dropped(self, conn: asyncpg.Connection) -> None:
        """An idle connection found closed: its place is free."""
        self._all.discard(conn)
        self._open -= 1

    async def fill(self) -> int:
        """Open connections up to `max_size` now, side by side, so that a burst does not
        open them (and wait for them) on its way. Returns how many opened; one that fails
        is not retried (its place stays free for `acquire`)."""
        wanted = 0 if self._closing else self._max - self._open
        if wanted <= 0:
            return 0
        self._open += wanted
        results = await asyncio.gather(
            *(self._connect() for _ in range(wanted)), return_exceptions=True
        )
        opened = 0
        for result in results:
            if isinstance(result, BaseException):
                self._pass_on(None)
            else:
                self._pass_on(result)
                opened += 1
        return opened

    # -- one statement ---------------------------------------------------------------------

    async def execute(self, query: str, *args: Any) -> str:
        async with self.acquire() as conn:
            return await conn.execute(query, *args)

    async def fetch(self, query: str, *args: Any) -> list[Any]:
        async with self.acquire() as conn:
            return await conn.fetch(query, *args)

    async def fetchrow(self, query: str, *args: Any) -> Any:
        async with self.acquire() as conn:
            return await conn.fetchrow(query, *args)

    async def fetchval(self, query: str, *args: Any) -> Any:
        async with self.acquire() as conn:
            return await conn.fetchval(query, *args)

    # -- the end ---------------------------------------------------------------------------

    async def close(self) -> None:
        """Refuse new calls, wait (at most CLOSE_WAIT seconds) for the ones in progress, then
        close every connection."""
        self._closing = True
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_exception(asyncpg.InterfaceError("the store's connections are closing"))
        loop = asyncio.get_running_loop()
        deadline = loop.time() + CLOSE_WAIT
        while self._in_use > 0 and loop.time() < deadline:
            self._released.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._released.wait(), deadline - loop.time())
        if self._in_use > 0:
            log.warning("store: %d database connections still in use at close", self._in_use)
        for conn in list(self._all):
            try:
                await conn.close(timeout=5)
            except Exception:
                conn.terminate()
        self._all.clear()
        self._idle.clear()


class _Acquiring:
    """What `Connections.acquire()` returns: awaitable, or an async context manager that
    gives the connection back (closing it if the block ended in anything but a PostgreSQL
    error, after which the connection is known to be fine)."""

    __slots__ = ("_conn", "_pool", "_timeout")

    def __init__(self, pool: Connections, timeout: float | None) -> None:
        self._pool = pool
        self._timeout = timeout
        self._conn: asyncpg.Connection | None = None

    def __await__(self) -> Any:
        return self._pool._acquire(self._timeout).__await__()

    async def __aenter__(self) -> asyncpg.Connection:
        self._conn = await self._pool._acquire(self._timeout)
        return self._conn

    async def __aexit__(self, kind: Any, error: Any, _tb: Any) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            broken = kind is not None and not issubclass(kind, asyncpg.PostgresError)
            await self._pool.release(conn, broken=broken)

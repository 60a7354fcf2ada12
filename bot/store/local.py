"""The embedded store's share of what several instances need, done within one process.

`LocalShare` gives `SQLiteStore` the PostgreSQL store's extra surface so callers never
branch on the backend: `meeting_lock` is an in-process lock per meeting, `listen`/`notify`
call this process's callbacks, `release_leases` has no leases to release (one process
serves a SQLite file at a time: its process lock).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from bot.store.common import Callback, Callbacks


class LocalShare:
    """Mixin: in-process `meeting_lock`, `listen`/`unlisten`/`notify`, `release_leases`."""

    _meeting_locks: dict[int, tuple[asyncio.Lock, int]]
    _local_listeners: Callbacks

    def _share_init(self) -> None:
        self._meeting_locks = {}
        self._local_listeners = Callbacks()

    @contextlib.asynccontextmanager
    async def meeting_lock(self, meeting_id: int, *, wait: float = 30.0) -> AsyncIterator[None]:
        """Hold the meeting's lock (this process's only) for the block; a lock nobody holds
        or waits for is dropped."""
        key = int(meeting_id)
        lock, users = self._meeting_locks.get(key, (asyncio.Lock(), 0))
        self._meeting_locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._meeting_locks[key]
            if users <= 1:
                del self._meeting_locks[key]
            else:
                self._meeting_locks[key] = (lock, users - 1)

    async def release_leases(self, owner: str) -> int:
        """Nothing to release: the embedded store takes no leases. Returns 0."""
        return 0

    async def heartbeat(self, owner: str) -> None:
        """Nothing to record: one process serves the embedded store."""

    async def listen(self, channel: str, callback: Callback) -> None:
        """Call `callback(payload)` for each `notify(channel, …)` of this process."""
        self._local_listeners.add(channel, callback)

    async def unlisten(self, channel: str, callback: Callback) -> None:
        """Stop calling `callback` for `channel`."""
        self._local_listeners.remove(channel, callback)

    async def notify(self, channel: str, payload: str = "") -> None:
        """Call this process's callbacks listening on `channel` with `payload`."""
        self._local_listeners.call(channel, payload)

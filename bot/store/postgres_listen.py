"""The PostgreSQL store's LISTEN/NOTIFY: cache invalidations across instances, on a
connection of its own that is opened again when lost (mixed into `PostgresStore`)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import asyncpg

from bot.store.common import Callback
from bot.store.postgres_base import (
    DB_ERRORS,
    guarded,
)

log = logging.getLogger("zoombot.store")


class PostgresListening:
    """`listen`, `unlisten` and `notify` across instances."""

    @guarded("send a notification", write=False)
    async def notify(self, channel: str, payload: str = "") -> None:
        """Tell every instance's `listen(channel, …)` callbacks `payload` (PostgreSQL
        NOTIFY: delivered after the sending transaction commits, at most 8000 bytes)."""
        await self._pool.execute("SELECT pg_notify($1, $2)", channel, payload)

    @guarded("listen for notifications", write=False)
    async def listen(self, channel: str, callback: Callback) -> None:
        """Call `callback(payload)` for each notification on `channel`, this instance's own
        included; a coroutine it returns is run as a task. On a connection of its own. If
        that connection is lost, it is opened again and every callback is called with None:
        notifications may have been missed, so whatever they guard should be dropped."""
        async with self._listen_lock:
            conn = await self._listening_connection()
            if self._listeners.add(channel, callback):
                await conn.add_listener(channel, self._on_notification)

    async def unlisten(self, channel: str, callback: Callback) -> None:
        """Stop calling `callback` for `channel`."""
        async with self._listen_lock:
            if (
                self._listeners.remove(channel, callback)
                and self._listener is not None
                and not self._listener.is_closed()
            ):
                with contextlib.suppress(*DB_ERRORS):
                    await self._listener.remove_listener(channel, self._on_notification)

    async def _listening_connection(self) -> asyncpg.Connection:
        if self._listener is None or self._listener.is_closed():
            self._listener = await asyncpg.connect(**self._connect_args)
            self._listener.add_termination_listener(self._on_listener_lost)
        return self._listener

    def _on_notification(self, _conn: Any, _pid: int, channel: str, payload: str) -> None:
        self._listeners.call(channel, payload)

    def _on_listener_lost(self, _conn: Any) -> None:
        if self._closing:
            return
        task = asyncio.ensure_future(self._relisten())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _relisten(self) -> None:
        """Open the listening connection again (retrying every second), listen on every
        channel, and tell every callback that messages may have been missed."""
        while not self._closing:
            try:
                async with self._listen_lock:
                    self._listener = None
                    conn = await self._listening_connection()
                    for channel in self._listeners.channels():
                        await conn.add_listener(channel, self._on_notification)
                break
            except DB_ERRORS as error:
                log.warning("store: listening again failed (%s)", type(error).__name__)
                await asyncio.sleep(1.0)
        for channel in self._listeners.channels():
            self._listeners.call(channel, None)

"""What both store backends share: the timestamp text they keep, the outbox row as callers
see it, and the callbacks `listen` registers per channel."""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
import time
from collections.abc import Callable
from typing import Any

log = logging.getLogger("zoombot.store")

Callback = Callable[[str | None], Any]


def now_iso() -> str:
    """Now, in UTC, as the store's ISO text (seconds)."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def outbox_row(row: dict[str, Any]) -> dict[str, Any]:
    """An outbox row with its JSON columns (`message`, `fallback`) decoded."""
    row = dict(row)
    for key in ("message", "fallback"):
        row[key] = json.loads(row[key]) if row.get(key) else None
    return row


class Callbacks:
    """The callbacks listening on each channel. `call` calls them in order; a coroutine one
    returns runs as a task (kept until done, cancelled by `cancel`); one that raises is
    logged and the others still run."""

    def __init__(self) -> None:
        self._by_channel: dict[str, list[Callback]] = {}
        self._tasks: set[asyncio.Task[Any]] = set()

    def add(self, channel: str, callback: Callback) -> bool:
        """Listen; True when it is the channel's first callback."""
        callbacks = self._by_channel.setdefault(channel, [])
        callbacks.append(callback)
        return len(callbacks) == 1

    def remove(self, channel: str, callback: Callback) -> bool:
        """Stop listening; True when the channel has no callback left (and is forgotten)."""
        callbacks = self._by_channel.get(channel)
        if callbacks is None:
            return False
        if callback in callbacks:
            callbacks.remove(callback)
        if callbacks:
            return False
        del self._by_channel[channel]
        return True

    def channels(self) -> list[str]:
        return list(self._by_channel)

    def call(self, channel: str, payload: str | None) -> None:
        for callback in list(self._by_channel.get(channel, [])):
            try:
                result = callback(payload)
            except Exception:
                log.exception("store: a listener of %s failed", channel)
                continue
            if inspect.isawaitable(result):
                task = asyncio.ensure_future(result)
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)

    def cancel(self) -> None:
        """Cancel the tasks still running."""
        for task in list(self._tasks):
            task.cancel()

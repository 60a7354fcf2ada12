"""The SQLite file: what its errors mean to an operator (`problem_of`), the thread that
copies its write-ahead log into it (`Checkpointer`), and how a store read runs on it
(`SQLiteReads`, mixed into `SQLiteStore`)."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from bot.store.protocol import Row

if TYPE_CHECKING:
    from bot.turns import Turns

log = logging.getLogger("zoombot.store")


# SQLite's primary result codes → the short reason an operator is shown.
PROBLEMS = {
    "SQLITE_FULL": "the disk is full",
    "SQLITE_READONLY": "the database file is read-only",
    "SQLITE_BUSY": "the database is locked",
    "SQLITE_LOCKED": "the database is locked",
    "SQLITE_CORRUPT": "the database file is corrupted",
    "SQLITE_NOTADB": "the file is not a SQLite database",
    "SQLITE_IOERR": "the disk failed to read or write",
    "SQLITE_CANTOPEN": "the database file cannot be opened",
    "SQLITE_PERM": "the database file cannot be written",
}


def problem_of(error: sqlite3.Error) -> str:
    """The short reason for `error` ("the disk is full"), for `write_problem` and sentences."""
    name = getattr(error, "sqlite_errorname", "") or ""
    for code, reason in PROBLEMS.items():
        if name == code or name.startswith(code + "_"):
            return reason
    return str(error) or type(error).__name__


class Checkpointer:
    """Copies the write-ahead log into the database file every `interval` seconds, from a
    thread and a connection of its own.

    PASSIVE checkpoints never wait for, nor make wait, the store's readers and writers; once
    a checkpoint has copied everything, the next write starts the log from its beginning
    again, so the log file stays as small as a few seconds of writes.
    """

    def __init__(self, path: str, interval: float = 1.0) -> None:
        self._path = path
        self._interval = interval
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="store-checkpoint", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        conn = sqlite3.connect(self._path, check_same_thread=False)
        try:
            while not self._stopping.wait(self._interval):
                try:
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                except sqlite3.Error as error:
                    # Busy or a full disk: the log just grows until the next try.
                    log.warning("store checkpoint skipped: %s", error)
        finally:
            conn.close()

    def stop(self) -> None:
        """Stop and wait for the thread (closing the store's connection then checkpoints
        whatever is left)."""
        self._stopping.set()
        self._thread.join()


class SQLiteReads:
    """Reads as store calls: the loop takes a turn first (`_pause`: the store calls spread
    along a flow are where its long pieces are cut); a failure is StoreUnavailable. Uses the
    store's `_one`, `_all` and `_unreadable`."""

    # Set by the app: work after the ack waits its turn at each store call (bot/turns.py).
    turns: Turns | None = None

    async def _pause(self) -> None:
        """The turn of the loop every store call but the claim begins with."""
        if self.turns is None:
            await asyncio.sleep(0)
        else:
            await self.turns.take()

    async def _read_one(self, sql: str, args: Sequence[Any]) -> Row | None:
        """`_one` as a store read: the loop takes a turn first; a failure is
        StoreUnavailable."""
        await self._pause()
        try:
            return self._one(sql, args)
        except sqlite3.Error as error:
            raise self._unreadable(error) from error

    async def _read_all(self, sql: str, args: Sequence[Any]) -> list[Row]:
        """`_all` as a store read (see `_read_one`)."""
        await self._pause()
        try:
            return self._all(sql, args)
        except sqlite3.Error as error:
            raise self._unreadable(error) from error

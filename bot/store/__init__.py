"""zoombot's store: the `Store` protocol (bot/store/protocol.py), its SQLite backend
(bot/store/sqlite.py) and the schema (bot/store/schema.py).

`open_store(database_url)` opens the backend the URL names, or raises
`bot.errors.StoreRefused` with one sentence naming DATABASE_URL and the problem. Every store
operation is awaited directly: `await store.meeting(zoom_id)`.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from bot.errors import StoreRefused
from bot.store.protocol import Row, Store
from bot.store.schema import MIGRATIONS, SCHEMA_VERSION, migration
from bot.store.sqlite import UNSETTLED_CREATES, SQLiteStore

__all__ = [
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "UNSETTLED_CREATES",
    "Row",
    "SQLiteStore",
    "Store",
    "migration",
    "open_store",
]

SQLITE_PREFIX = "sqlite:///"


def open_store(database_url: str, *, clock: Callable[[], float] = time.time) -> Store:
    """The store at `database_url` (`sqlite:///path`), open, migrated and writable, or
    StoreRefused. Close it with `store.close()`."""
    if database_url.startswith(SQLITE_PREFIX):
        return SQLiteStore(database_url.removeprefix(SQLITE_PREFIX), clock=clock)
    raise StoreRefused(
        f"DATABASE_URL must be a SQLite URL such as sqlite:///zoombot.db, not {database_url!r}"
        " (PostgreSQL is not supported yet)."
    )

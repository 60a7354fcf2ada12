"""zoombot's store: the `Store` protocol (bot/store/protocol.py), its SQLite backend
(bot/store/sqlite.py, schema bot/store/schema.py) and its PostgreSQL backend
(bot/store/postgres.py, schema bot/store/postgres_schema.py).

`await aopen_store(database_url)` opens the backend the URL names (`sqlite:///path` or
`postgresql://…`), on the running event loop (a PostgreSQL pool belongs to it), or raises
`bot.errors.StoreRefused` with one sentence naming DATABASE_URL and the problem (never the
URL's password). `open_store` is the synchronous SQLite-only form. Every store operation is
awaited directly: `await store.meeting(zoom_id)`.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from bot.errors import StoreRefused, StoreUnavailable
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
    "aopen_store",
    "backend_of",
    "migration",
    "open_store",
]

SQLITE_PREFIX = "sqlite:///"
POSTGRES_PREFIXES = ("postgresql://", "postgres://")


def backend_of(database_url: str) -> str | None:
    """ "sqlite", "postgresql", or None for a URL neither backend takes."""
    if database_url.startswith(SQLITE_PREFIX):
        return "sqlite"
    if database_url.startswith(POSTGRES_PREFIXES):
        return "postgresql"
    return None


async def aopen_store(
    database_url: str,
    *,
    clock: Callable[[], float] = time.time,
    owner: str | None = None,
    server_settings: dict[str, str] | None = None,
    lease: float | None = None,
) -> Store:
    """The store at `database_url`, open, migrated (serialised across instances) and
    writable, or StoreRefused. PostgreSQL's pool belongs to the running loop: open it on
    the loop that serves. `owner` names this instance's leases. Close with `aclose()`."""
    if backend_of(database_url) != "postgresql":
        return open_store(database_url, clock=clock)
    from bot.store.postgres import PostgresStore, safe_url

    try:
        store = await PostgresStore.open(
            database_url,
            owner=owner,
            clock=clock,
            server_settings=server_settings,
            **({} if lease is None else {"lease": lease}),
        )
    except StoreUnavailable as problem:
        raise StoreRefused(f"DATABASE_URL: {problem.sentence}") from None
    problem_now = await store.check_writable()
    if problem_now is not None:
        await store.aclose()
        raise StoreRefused(
            f"DATABASE_URL points at {safe_url(database_url)}, which cannot be written:"
            f" {problem_now}"
        )
    return store  # type: ignore[return-value]


def open_store(database_url: str, *, clock: Callable[[], float] = time.time) -> Store:
    """The store at `database_url` (`sqlite:///path`), open, migrated and writable, or
    StoreRefused. Close it with `store.close()`."""
    if database_url.startswith(SQLITE_PREFIX):
        return SQLiteStore(database_url.removeprefix(SQLITE_PREFIX), clock=clock)
    if backend_of(database_url) == "postgresql":
        raise StoreRefused("DATABASE_URL: a PostgreSQL store is opened with aopen_store.")
    raise StoreRefused(
        "DATABASE_URL must be a SQLite URL such as sqlite:///zoombot.db or a PostgreSQL URL"
        " such as postgresql://user:pass@host:5432/db, not one starting with"
        f" {database_url.partition('://')[0][:20]!r}."  # never the rest: it may hold a password
    )

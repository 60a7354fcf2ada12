"""The store's tests on both backends: `backend`, a fixture parametrised over SQLite and
PostgreSQL (bot/store/protocol.py says what both promise).

`await backend.open(clock=…)` opens a store on the test's own place (a SQLite file in the
test's directory, or a PostgreSQL schema of its own, dropped after); opening again opens
the same place (a restart, or another instance); `await backend.another()` opens a
separate install. Every store is closed after the test. Without PostgreSQL at
ZOOMBOT_TEST_POSTGRES_URL the PostgreSQL half skips ("needs PostgreSQL at …"; under CI it
fails), as tests/store_pg/ does.

Use it in a test module with `from tests.app.store_backends import backend  # noqa: F401`.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from bot.store import SQLiteStore, Store
from tests.store_pg.conftest import Schema, fresh_schema


class Backend:
    """Stores of one backend for one test (see the module's docstring)."""

    def __init__(self, name: str, tmp_path: Path, schema: Schema | None) -> None:
        self.name = name
        self._tmp_path = tmp_path
        self._schema = schema
        self._stores: list[Any] = []
        self._schemas: list[str] = []

    async def open(self, *, clock: Callable[[], float] | None = None) -> Store:
        """A store on this test's place (the same one each time)."""
        return await self._open("main", clock)

    async def another(self, *, clock: Callable[[], float] | None = None) -> Store:
        """A store on a place of its own (another install)."""
        return await self._open(f"other_{secrets.token_hex(3)}", clock)

    async def close(self, store: Any) -> None:
        """Close `store` now (as a stop would)."""
        if store in self._stores:
            self._stores.remove(store)
        await store.aclose()

    async def _open(self, place: str, clock: Callable[[], float] | None) -> Store:
        extra: dict[str, Any] = {} if clock is None else {"clock": clock}
        if self._schema is None:
            store: Any = SQLiteStore(self._tmp_path / f"{place}.db", **extra)
        else:
            from bot.store.postgres import PostgresStore

            name = self._schema.name
            if place != "main":
                name = f"{name}_{place}"
                await self._schema.admin.execute(f'CREATE SCHEMA "{name}"')
                self._schemas.append(name)
            store = await PostgresStore.open(
                self._schema.url, server_settings={"search_path": name}, **extra
            )
        self._stores.append(store)
        return store

    async def aclose_all(self) -> None:
        for store in reversed(self._stores):
            with contextlib.suppress(Exception):
                await store.aclose()
        self._stores.clear()
        if self._schema is not None:
            for name in self._schemas:
                await self._schema.admin.execute(f'DROP SCHEMA "{name}" CASCADE')


@pytest.fixture(params=["sqlite", "postgresql"])
async def backend(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Backend]:
    if request.param == "sqlite":
        stores = Backend("sqlite", tmp_path, None)
        try:
            yield stores
        finally:
            await stores.aclose_all()
        return
    async with fresh_schema() as schema:
        stores = Backend("postgresql", tmp_path, schema)
        try:
            yield stores
        finally:
            await stores.aclose_all()

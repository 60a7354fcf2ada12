"""A fresh PostgreSQL schema per test, and stores opened on it.

The server is `ZOOMBOT_TEST_POSTGRES_URL` (default postgresql://postgres@127.0.0.1:5432/test).
When nothing answers there the tests skip, saying where they looked and why; under CI
(`CI=true`) they fail instead, so a CI run can never pass without having run them. Each
test gets its own schema `zb_<random>` (its stores' connections see only it, through
`search_path`), dropped after the test.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any, NoReturn

import asyncpg
import pytest

from bot.store.postgres import PostgresStore, safe_url

PG_URL = os.environ.get("ZOOMBOT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


@dataclass
class Schema:
    url: str
    name: str
    admin: asyncpg.Connection

    @property
    def settings(self) -> dict[str, str]:
        return {"search_path": self.name}


class Clock:
    """A clock a test moves by hand."""

    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def no_postgres(error: BaseException) -> NoReturn:
    """Nothing usable answers at PG_URL: skip ("needs PostgreSQL at …"), or fail under CI,
    which must run these tests (.ci/run looks for the reason)."""
    reason = f"needs PostgreSQL at {safe_url(PG_URL)}: {type(error).__name__}: {error}"
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI must run these tests)")
    pytest.skip(reason)


@contextlib.asynccontextmanager
async def fresh_schema() -> AsyncIterator[Schema]:
    """A new schema `zb_<random>` on the test server, dropped after the block. Skips the
    test ("needs PostgreSQL at …") when nothing answers there; fails instead under CI."""
    try:
        admin = await asyncpg.connect(PG_URL, timeout=5)
    except Exception as error:  # whatever it is, nothing usable answers there
        no_postgres(error)
    name = f"zb_{secrets.token_hex(6)}"
    await admin.execute(f'CREATE SCHEMA "{name}"')
    try:
        yield Schema(url=PG_URL, name=name, admin=admin)
    finally:
        await admin.execute(f'DROP SCHEMA "{name}" CASCADE')
        await admin.close()


@pytest.fixture
async def pg_schema() -> AsyncIterator[Schema]:
    async with fresh_schema() as schema:
        yield schema


OpenStore = Callable[..., Awaitable[PostgresStore]]


@pytest.fixture
async def open_pg(pg_schema: Schema) -> AsyncIterator[OpenStore]:
    """`await open_pg(**kwargs)`: a PostgresStore on the test's schema, closed after."""
    stores: list[PostgresStore] = []

    async def opener(**kwargs: Any) -> PostgresStore:
        kwargs.setdefault("server_settings", pg_schema.settings)
        store = await PostgresStore.open(pg_schema.url, **kwargs)
        stores.append(store)
        return store

    yield opener
    for store in stores:
        await store.close()


async def eventually(
    check: Callable[[], Any], *, within: float = 5.0, what: str = "the condition"
) -> Any:
    """Poll `check()` (sync or async) until it returns something truthy; fail at the
    deadline."""
    deadline = time.monotonic() + within
    while True:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {within} s")
        await asyncio.sleep(0.01)

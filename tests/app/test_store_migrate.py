"""The store's migrations: each step and its version bump are one transaction (the tests
taking `backend` on SQLite and on PostgreSQL)."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

from bot.store import MIGRATIONS, SCHEMA_VERSION, SQLiteStore, postgres_schema
from tests.app.store_backends import backend  # noqa: F401 - the fixture


async def test_a_step_failing_half_way_leaves_the_version_and_schema_as_they_were(
    tmp_path: Path,
):
    store = SQLiteStore(tmp_path / "z.db")
    assert store.migrate() == SCHEMA_VERSION
    fail = [True]

    def half_done(db: sqlite_utils.Database) -> None:
        # sqlite-utils runs each of these in a transaction of its own; none may stick.
        db["meetings"].add_column("half_column", str)
        db["half_table"].create({"id": int}, pk="id")
        if fail[0]:
            raise RuntimeError("power cut")

    steps = (*MIGRATIONS, half_done)
    with pytest.raises(RuntimeError):
        store.migrate(steps)
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert "half_column" not in store.db["meetings"].columns_dict
    assert "half_table" not in store.db.table_names()
    # The store still works, and the same step runs whole on the next try.
    await store.set_host_mapping("U1", "a@example.com", "U1")
    fail[0] = False
    assert store.migrate(steps) == SCHEMA_VERSION + 1
    assert "half_column" in store.db["meetings"].columns_dict
    assert "half_table" in store.db.table_names()
    assert (await store.host_mapping("U1"))["zoom_email"] == "a@example.com"
    store.close()


def test_migrating_again_changes_nothing(tmp_path: Path):
    SQLiteStore(tmp_path / "z.db").close()
    store = SQLiteStore(tmp_path / "z.db")
    assert store.migrate() == SCHEMA_VERSION
    store.close()


def test_migrations_are_registered_in_order_one_place():
    names = [step.__name__ for step in MIGRATIONS]
    assert [int(name.split("_")[0].removeprefix("v")) for name in names] == list(
        range(1, SCHEMA_VERSION + 1)
    )


async def test_a_step_failing_half_way_leaves_nothing_on_either_backend(backend):  # noqa: F811
    """The same on both backends, through the store's own `migrate` (SQLite above)."""
    store: Any = await backend.open()
    if backend.name == "sqlite":
        steps: tuple[Any, ...] = (*MIGRATIONS, _sqlite_half_done)
        version = SCHEMA_VERSION
    else:
        steps = (*postgres_schema.MIGRATIONS, _postgres_half_done)
        version = postgres_schema.SCHEMA_VERSION
    _FAIL[0] = True
    with pytest.raises(RuntimeError):
        await _migrate(store, steps)
    assert await _migrate(store) == version
    await store.set_host_mapping("U1", "a@example.com", "U1")  # the store still works
    _FAIL[0] = False
    assert await _migrate(store, steps) == version + 1
    assert (await store.host_mapping("U1"))["zoom_email"] == "a@example.com"
    assert await _migrate(store, steps) == version + 1  # and again changes nothing


_FAIL = [True]


def _sqlite_half_done(db: sqlite_utils.Database) -> None:
    db["meetings"].add_column("half_column", str)
    if _FAIL[0]:
        raise RuntimeError("power cut")


async def _postgres_half_done(conn: Any) -> None:
    await conn.execute("ALTER TABLE meetings ADD COLUMN half_column TEXT")
    if _FAIL[0]:
        raise RuntimeError("power cut")
    # (Had the failed try left its column, this would raise: it did not.)


async def _migrate(store: Any, steps: Any = None) -> int:
    result = store.migrate(steps)
    return await result if inspect.isawaitable(result) else result

"""The store's migrations: each step and its version bump are one transaction."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlite_utils

from bot.store import MIGRATIONS, SCHEMA_VERSION, SQLiteStore


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

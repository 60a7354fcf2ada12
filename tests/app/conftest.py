"""Fixtures of the app's end-to-end tests: `database_url`, parametrised over a SQLite file
in the test's directory and a PostgreSQL database of its own (dropped after; skipped with
"needs PostgreSQL at …" where none answers, failed under CI, as tests/store_pg/ does)."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.store_pg.conftest import PG_URL, no_postgres
from tests.store_pg.test_two_instances import _admin, _with


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'zoombot.db'}"
        return
    name = f"zb_{secrets.token_hex(6)}"
    try:
        asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    except Exception as error:
        no_postgres(error)
    try:
        yield _with(PG_URL, database=name)
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
async def runtime(app_env) -> AsyncIterator[Any]:
    """The app's runtime built in process (`build_runtime`) on `app_env`'s settings, against
    the fake Slack and Zoom; closed after the test."""
    from bot.settings import load_settings
    from bot.store import open_store
    from bot.web.runtime import build_runtime

    settings = load_settings(app_env)
    built = build_runtime(settings, open_store(settings.database_url))
    try:
        yield built
    finally:
        await built.aclose()

"""What an app under test stored: `rows(database_url, query)` on either backend (the
`database_url` fixture is tests/app/conftest.py's)."""

from __future__ import annotations

import asyncio
import sqlite3

import asyncpg


def rows(database_url: str, query: str) -> list[tuple]:
    """`query`'s rows in the app's database, as tuples."""
    if database_url.startswith("sqlite"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
            return db.execute(query).fetchall()

    async def read() -> list[tuple]:
        conn = await asyncpg.connect(database_url)
        try:
            return [tuple(r) for r in await conn.fetch(query)]
        finally:
            await conn.close()

    return asyncio.run(read())

"""The "Connect your Zoom" tables, for both backends: `SQLiteConnections` and
`PostgresConnections` are mixed into `SQLiteStore` and `PostgresStore`.

    zoom_connections  slack_user_id → zoom_user_id, zoom_email, zoom_name, access_token,
                      refresh_token (both encrypted by the caller), expires_at, connected_at
    oauth_states      state → slack_user_id, code_verifier (encrypted), channel, expires_at

The store keeps what it is given: encrypting the tokens is bot/secretbox.py's, in the flow.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any, TypeVar

from bot.errors import StoreUnavailable
from bot.store.protocol import Row

T = TypeVar("T")


class SQLiteConnections:
    """The connection tables on the SQLite store (uses its `_read_one`, `_read_all`, `_one`,
    `_upsert`, `_writing`)."""

    async def zoom_connection(self: Any, slack_user_id: str) -> Row | None:
        return await self._read_one(
            "SELECT * FROM zoom_connections WHERE slack_user_id = ?", [slack_user_id]
        )

    async def zoom_connections_of(self: Any, zoom_user_id: str) -> list[Row]:
        return await self._read_all(
            "SELECT * FROM zoom_connections WHERE zoom_user_id = ?", [zoom_user_id]
        )

    async def save_zoom_connection(self: Any, row: Row) -> None:
        await self._pause()
        with self._writing():
            self._upsert("zoom_connections", row, "slack_user_id")

    async def delete_zoom_connection(self: Any, slack_user_id: str) -> bool:
        await self._pause()
        with self._writing() as conn:
            cursor = conn.execute(
                "DELETE FROM zoom_connections WHERE slack_user_id = ?", [slack_user_id]
            )
            return cursor.rowcount > 0

    async def save_oauth_state(self: Any, row: Row) -> None:
        await self._pause()
        with self._writing() as conn:
            conn.execute(
                "DELETE FROM oauth_states WHERE expires_at < ?", [row["expires_at"] - 3600]
            )
            self._upsert("oauth_states", row, "state")

    async def take_oauth_state(self: Any, state: str) -> Row | None:
        await self._pause()
        with self._writing() as conn:
            row = self._one("SELECT * FROM oauth_states WHERE state = ?", [state])
            if row is not None:
                conn.execute("DELETE FROM oauth_states WHERE state = ?", [state])
            return row


class PostgresConnections:
    """The connection tables on the PostgreSQL store (uses its pool, `_one`, `_upsert`)."""

    async def _guard(self: Any, action: str, write: bool, work: Awaitable[T]) -> T:
        """`work`'s result; a database failure is StoreUnavailable, as the store's own
        methods turn it (`guarded` in bot/store/postgres_base.py)."""
        import asyncpg  # here: the SQLite store, which shares this module, never loads it

        try:
            result = await work
        except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError, TimeoutError) as error:
            sentence = self._failure(action, error)
            if write:
                self.write_problem = sentence
            raise StoreUnavailable(sentence) from error
        if write:
            self.write_problem = None
        return result

    async def zoom_connection(self: Any, slack_user_id: str) -> Row | None:
        return await self._guard(
            "read a Zoom connection",
            False,
            self._one("zoom_connections", "slack_user_id = $1", slack_user_id),
        )

    async def zoom_connections_of(self: Any, zoom_user_id: str) -> list[Row]:
        async def read() -> list[Row]:
            records = await self._pool.fetch(
                "SELECT * FROM zoom_connections WHERE zoom_user_id = $1", zoom_user_id
            )
            return [dict(record) for record in records]

        return await self._guard("read Zoom connections", False, read())

    async def save_zoom_connection(self: Any, row: Row) -> None:
        await self._guard(
            "save a Zoom connection", True, self._upsert("zoom_connections", row, "slack_user_id")
        )

    async def delete_zoom_connection(self: Any, slack_user_id: str) -> bool:
        async def delete() -> bool:
            status = await self._pool.execute(
                "DELETE FROM zoom_connections WHERE slack_user_id = $1", slack_user_id
            )
            return status != "DELETE 0"

        return await self._guard("delete a Zoom connection", True, delete())

    async def save_oauth_state(self: Any, row: Row) -> None:
        async def save() -> None:
            await self._pool.execute(
                "DELETE FROM oauth_states WHERE expires_at < $1", row["expires_at"] - 3600
            )
            await self._upsert("oauth_states", row, "state")

        await self._guard("save an authorization", True, save())

    async def take_oauth_state(self: Any, state: str) -> Row | None:
        async def take() -> Row | None:
            record = await self._pool.fetchrow(
                "DELETE FROM oauth_states WHERE state = $1 RETURNING *", state
            )
            return dict(record) if record is not None else None

        return await self._guard("take an authorization", True, take())

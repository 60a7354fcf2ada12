"""The Slack installation tables, for both backends: `SQLiteInstallations` and
`PostgresInstallations` are mixed into the stores (bot/slack/installations.py adapts them to
Bolt's installation and OAuth-state stores).

    slack_installations  workspace key → ids, bot token and refresh token (sealed by the
                         caller), expiry, scopes, the rest of Bolt's installation as JSON
    slack_oauth_states   state → expires_at (epoch seconds)

Also `drop_pending_outbox(workspace)`: an uninstalled workspace's posts are not sent.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from bot.store.protocol import Row


class SQLiteInstallations:
    async def slack_installation(self: Any, workspace: str) -> Row | None:
        await self._pause()
        try:
            return self._one("SELECT * FROM slack_installations WHERE workspace = ?", [workspace])
        except sqlite3.Error as error:
            raise self._unreadable(error) from error

    async def save_slack_installation(self: Any, row: Row) -> None:
        await self._pause()
        with self._writing():
            self._upsert("slack_installations", row, "workspace")

    async def delete_slack_installation(self: Any, workspace: str) -> bool:
        await self._pause()
        with self._writing() as conn:
            cursor = conn.execute(
                "DELETE FROM slack_installations WHERE workspace = ?", [workspace]
            )
            return cursor.rowcount > 0

    async def save_slack_state(self: Any, state: str, expires_at: float) -> None:
        await self._pause()
        with self._writing() as conn:
            conn.execute("DELETE FROM slack_oauth_states WHERE expires_at < ?", [self._clock()])
            conn.execute(
                "INSERT INTO slack_oauth_states (state, expires_at) VALUES (?, ?)",
                [state, expires_at],
            )

    async def take_slack_state(self: Any, state: str) -> bool:
        """True (once) for a state saved and not expired."""
        await self._pause()
        with self._writing() as conn:
            cursor = conn.execute(
                "DELETE FROM slack_oauth_states WHERE state = ? AND expires_at >= ?",
                [state, self._clock()],
            )
            return cursor.rowcount > 0

    async def drop_pending_outbox(self: Any, workspace: str) -> int:
        await self._pause()
        with self._writing() as conn:
            cursor = conn.execute(
                "UPDATE outbox SET state = 'failed', last_error = 'app uninstalled'"
                " WHERE state = 'pending' AND workspace = ?",
                [workspace],
            )
            return cursor.rowcount


class PostgresInstallations:
    async def slack_installation(self: Any, workspace: str) -> Row | None:
        return await self._guard(
            "read an installation",
            False,
            self._one("slack_installations", "workspace = $1", workspace),
        )

    async def save_slack_installation(self: Any, row: Row) -> None:
        saving = self._upsert("slack_installations", row, "workspace")
        await self._guard("save an installation", True, saving)

    async def delete_slack_installation(self: Any, workspace: str) -> bool:
        async def delete() -> bool:
            status = await self._pool.execute(
                "DELETE FROM slack_installations WHERE workspace = $1", workspace
            )
            return status != "DELETE 0"

        return await self._guard("delete an installation", True, delete())

    async def save_slack_state(self: Any, state: str, expires_at: float) -> None:
        async def save() -> None:
            await self._pool.execute(
                "DELETE FROM slack_oauth_states WHERE expires_at < $1", float(self._clock())
            )
            await self._pool.execute(
                "INSERT INTO slack_oauth_states (state, expires_at) VALUES ($1, $2)",
                state,
                expires_at,
            )

        await self._guard("save an install state", True, save())

    async def take_slack_state(self: Any, state: str) -> bool:
        async def take() -> bool:
            status = await self._pool.execute(
                "DELETE FROM slack_oauth_states WHERE state = $1 AND expires_at >= $2",
                state,
                float(self._clock()),
            )
            return status != "DELETE 0"

        return await self._guard("take an install state", True, take())

    async def drop_pending_outbox(self: Any, workspace: str) -> int:
        async def drop() -> int:
            status = await self._pool.execute(
                "UPDATE outbox SET state = 'failed', last_error = 'app uninstalled'"
                " WHERE state = 'pending' AND workspace = $1",
                workspace,
            )
            return int(status.rsplit(" ", 1)[-1])

        return await self._guard("drop an uninstalled workspace's posts", True, drop())

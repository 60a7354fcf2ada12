"""What every part of the PostgreSQL store uses: the errors that mean "the database could
not", the `guarded` method wrapper that turns them into StoreUnavailable, rows coerced to
what SQLite would have stored, the column lists, the heartbeat test in SQL, the pools'
cheap reset, the URL with its password hidden, and the small SQL helpers (`PostgresSql`:
one row, an update, an upsert)."""

from __future__ import annotations

import functools
import weakref
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from bot.errors import StoreUnavailable
from bot.store.postgres_columns import COLUMNS

if TYPE_CHECKING:
    from bot.turns import Turns

P = ParamSpec("P")
T = TypeVar("T")

_TYPES = {table: dict(columns) for table, columns in COLUMNS.items()}
# Each column's PostgreSQL array type, for statements over many rows (`unnest`).
_ARRAY_TYPES = {str: "text[]", int: "bigint[]", float: "float8[]"}
COLUMN_LIST = {table: ", ".join(f'"{c}"' for c, _ in columns) for table, columns in COLUMNS.items()}

# Connections that took a session-level advisory lock (`migrate`): asyncpg's full reset
# (`pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL`) runs on their release only.
NEEDS_RESET: weakref.WeakSet[asyncpg.Connection] = weakref.WeakSet()


async def release_cheaply(conn: asyncpg.Connection) -> None:
    """The pools' reset at release. The store's statements leave no session state behind
    (no session locks but `migrate`'s, no cursors, no LISTEN on pool connections, no SET),
    so asyncpg's default reset query, one more round trip for every call the store makes,
    is sent only for a connection `migrate` marked. (An open transaction is still rolled
    back: asyncpg does that before calling this.)"""
    if conn in NEEDS_RESET:
        NEEDS_RESET.discard(conn)
        await conn.execute(conn.get_reset_query())


# Errors that mean "the database could not do it"; anything else is a bug of ours.
DB_ERRORS = (asyncpg.PostgresError, asyncpg.InterfaceError, OSError, TimeoutError)


def safe_url(url: str) -> str:
    """`url` with its password replaced by `***` (for logs, errors and skip reasons)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "(a database URL that could not be read)"
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[1]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc}"))


def live_sql(column: str, now: str, lease: str) -> str:
    """SQL: the instance named in `column` heartbeat within a lease of `now`."""
    return (
        f"EXISTS (SELECT 1 FROM instances i WHERE i.owner = {column}"  # noqa: S608 - ours
        f" AND i.heartbeat_at > {now} - {lease}::float8)"
    )


def coerce(table: str, row: dict[str, Any]) -> dict[str, Any]:
    """`row`'s values as SQLite's column affinity would have stored them (an int for a
    boolean, text for a number given to a text column). Unknown columns are a ValueError,
    which also keeps every name that reaches SQL one of ours."""
    types = _TYPES[table]
    out: dict[str, Any] = {}
    for name, value in row.items():
        kind = types.get(name)
        if kind is None:
            raise ValueError(f"{table} has no column {name!r}")
        if value is not None and type(value) is not kind:
            if kind is str:
                value = str(int(value)) if isinstance(value, bool) else str(value)
            elif kind is int and (
                isinstance(value, bool) or (isinstance(value, float) and value.is_integer())
            ):
                value = int(value)
            elif kind is int and isinstance(value, str) and value.strip().lstrip("-").isdigit():
                value = int(value)
            elif kind is float and isinstance(value, int | str):
                value = float(value)
        out[name] = value
    return out


def record_dict(record: asyncpg.Record | None) -> dict[str, Any] | None:
    return dict(record) if record is not None else None


def guarded(action: str, *, write: bool) -> Callable[[Callable[P, Awaitable[T]]], Any]:
    """Turn a database failure inside the method into StoreUnavailable("The database could
    not <action> …"), logged once; a write's failure also sets `write_problem`."""

    def wrap(method: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[T]]:
        @functools.wraps(method)
        async def call(*args: P.args, **kwargs: P.kwargs) -> T:
            store = args[0]
            try:
                result = await method(*args, **kwargs)
            except ValueError:
                raise  # our bug (a bad argument), not the database's
            except DB_ERRORS as error:
                sentence = store._failure(action, error)
                if write:
                    store.write_problem = sentence
                raise StoreUnavailable(sentence) from error
            if write and store.write_problem is not None:
                store.write_problem = None
            if store.turns is not None:  # work after the ack waits its turn (bot/turns.py)
                await store.turns.answered(by_service=False)
            return result

        return call

    return wrap


class PostgresSql:
    """The small SQL helpers every part of the store uses (on `self._pool`)."""

    # Set by the app: work after the ack waits its turn after each call (bot/turns.py).
    turns: Turns | None = None

    async def _one(self, table: str, where: str, *args: Any) -> dict[str, Any] | None:
        return record_dict(
            await self._pool.fetchrow(
                f"SELECT {COLUMN_LIST[table]} FROM {table} WHERE {where}",  # noqa: S608 - our names
                *args,
            )
        )

    async def _update(self, table: str, pk: str, key: Any, changes: dict[str, Any]) -> None:
        if not changes:
            return
        changes = coerce(table, changes)
        key = coerce(table, {pk: key})[pk]
        sets = ", ".join(f'"{c}" = ${i}' for i, c in enumerate(changes, start=2))
        await self._pool.execute(
            f'UPDATE {table} SET {sets} WHERE "{pk}" = $1',  # noqa: S608 - our names
            key,
            *changes.values(),
        )

    async def _update_many(
        self, table: str, pk: str, rows: Sequence[tuple[Any, dict[str, Any]]]
    ) -> None:
        """`_update` for every (key, changes) in `rows`, which all change the same columns,
        in one statement."""
        columns = list(rows[0][1])
        if not columns:
            return
        names = [pk, *columns]
        coerced = [coerce(table, {pk: key, **changes}) for key, changes in rows]
        arrays = ", ".join(
            f"${i}::{_ARRAY_TYPES[_TYPES[table][name]]}" for i, name in enumerate(names, start=1)
        )
        sets = ", ".join(f'"{c}" = v."{c}"' for c in columns)
        quoted = ", ".join(f'"{name}"' for name in names)
        await self._pool.execute(
            f"UPDATE {table} SET {sets} FROM unnest({arrays}) AS v({quoted})"  # noqa: S608
            f' WHERE {table}."{pk}" = v."{pk}"',
            *([row[name] for row in coerced] for name in names),
        )

    @staticmethod
    def _upsert_sql(
        table: str, row: dict[str, Any], pk: str, *, returning: bool = False, first: int = 1
    ) -> str:
        """Insert `row`, or update only the columns it names where `pk` exists already; its
        values are the statement's parameters `$first`, `$first + 1`, …"""
        columns = ", ".join(f'"{c}"' for c in row)
        marks = ", ".join(f"${i}" for i in range(first, first + len(row)))
        updates = ", ".join(f'"{c}" = excluded."{c}"' for c in row if c != pk)
        action = f"DO UPDATE SET {updates}" if updates else "DO NOTHING"
        tail = f" RETURNING {COLUMN_LIST[table]}" if returning else ""
        return (
            f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 - our names
            f' ON CONFLICT ("{pk}") {action}{tail}'
        )

    async def _upsert(self, table: str, row: dict[str, Any], pk: str) -> None:
        row = coerce(table, row)
        await self._pool.execute(self._upsert_sql(table, row, pk), *row.values())

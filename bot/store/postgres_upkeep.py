"""The PostgreSQL store's upkeep (mixed into `PostgresStore`): the schema's migrations
applied under an advisory lock (`migrate`), the row `check_writable` writes for /healthz,
and the secrets generated once for every instance (`secret`)."""

from __future__ import annotations

import asyncio
import logging
import secrets as _secrets
from collections.abc import Sequence

from bot.errors import StoreUnavailable
from bot.store.postgres_base import NEEDS_RESET, guarded
from bot.store.postgres_schema import MIGRATIONS, Migration

log = logging.getLogger("zoombot.store")


class PostgresUpkeep:
    """`migrate`, `warm`, `check_writable` and `secret`."""

    # -- the one place that applies the schema ---------------------------------------------

    @guarded("apply the schema", write=True)
    async def migrate(self, migrations: Sequence[Migration] | None = None) -> int:
        """Apply the migrations not applied yet, each in a transaction with its record in
        `schema_migrations`, holding an advisory lock (per schema) while doing so: a second
        instance starting at the same moment waits, then finds them applied. Returns the
        version (the number of migrations applied, ever)."""
        steps = list(MIGRATIONS if migrations is None else migrations)
        async with self._pool.acquire() as conn:
            key = "hashtextextended('zoombot:migrate:' || COALESCE(current_schema(), ''), 0)"
            # Released with the full reset, whatever happens below.
            NEEDS_RESET.add(conn)
            await conn.execute(f"SELECT pg_advisory_lock({key})", timeout=600)
            try:
                if await conn.fetchval("SELECT to_regclass('schema_migrations')") is None:
                    await conn.execute(
                        "CREATE TABLE schema_migrations ("
                        " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                        " applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
                    )
                done = {r[0] for r in await conn.fetch("SELECT version FROM schema_migrations")}
                for number, step in enumerate(steps, start=1):
                    if number in done:
                        continue
                    async with conn.transaction():
                        await step(conn)
                        await conn.execute(
                            "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                            number,
                            step.__name__,
                        )
                    log.info("store: applied migration %d (%s)", number, step.__name__)
                return int(
                    await conn.fetchval("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
                )
            finally:
                await conn.execute(f"SELECT pg_advisory_unlock({key})")

    async def warm(self) -> None:
        """Open the connections a burst would open on its way: the store's pool and the
        acknowledgements' (their locks' pool stays lazy). Never raises: what does not open
        now opens when first needed."""
        try:
            if self._ack_pool is self._pool:
                opened = [await self._pool.fill()]
            else:
                opened = await asyncio.gather(self._pool.fill(), self._ack_pool.fill())
        except Exception as error:  # e.g. the store closing during start
            log.warning("store: connections not opened ahead: %s", type(error).__name__)
            return
        log.info("store: %d database connections opened ahead", sum(opened))

    # -- health and secrets ----------------------------------------------------------------

    async def check_writable(self) -> str | None:
        """Write one row now. None when that worked; else the sentence saying why not, which
        is also kept in `write_problem` (until a write succeeds)."""
        try:
            await self._write_health()
        except StoreUnavailable as error:
            return error.sentence
        return None

    @guarded("be written", write=True)
    async def _write_health(self) -> None:
        await self._pool.execute(
            "INSERT INTO store_health (id, checked_at, checked_by) VALUES (1, $1, $2)"
            " ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at,"
            " checked_by = excluded.checked_by",
            self._clock(),
            self.owner,
        )

    @guarded("read or write a secret", write=True)
    async def secret(self, name: str, *, size: int = 32) -> bytes:
        """The secret called `name`: `size` random bytes generated the first time any
        instance asks, and the same bytes for every instance ever after."""
        fresh = _secrets.token_bytes(size)
        async with self._pool.acquire() as conn:
            value = await conn.fetchval(
                "INSERT INTO secrets (name, value, created_at) VALUES ($1, $2, $3)"
                " ON CONFLICT (name) DO NOTHING RETURNING value",
                name,
                fresh,
                self._clock(),
            )
            if value is None:  # another instance made it first: read theirs
                value = await conn.fetchval("SELECT value FROM secrets WHERE name = $1", name)
        return bytes(value)

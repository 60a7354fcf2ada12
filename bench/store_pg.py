"""PostgreSQL store benchmark: how long each store call on a `/zoom` command's path takes.

The same calls as bench/store.py measures on SQLite, on `PostgresStore` (bot/store/postgres.py)
over loopback to a real server: each is a network round trip (or a transaction of a few),
awaited on the event loop (uvloop's, as the app's, when installed). Prints each call's wall
time one at a time and the app process's CPU per call (user + system), then the CPU per call
with `--concurrency` calls in flight at once (as under load). Runs in a schema of its own
(dropped after). Prints figures; asserts nothing.

    python bench/store_pg.py [--calls 2000] [--concurrency 30]
                             [--url postgresql://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import secrets
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import asyncpg

from bot.store.postgres import PostgresStore, safe_url

sys.path.insert(0, str(Path(__file__).resolve().parent))

from store_calls import FIRST_MEETING, command_calls, meeting_row

DEFAULT_URL = os.environ.get(
    "ZOOMBOT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


async def timings(call: Callable[[int], Awaitable[object]], n: int) -> tuple[list[float], float]:
    """Microseconds for each of `n` calls `await call(0)`, `await call(1)`, …, and this
    process's CPU microseconds per call."""
    spent = []
    cpu = time.process_time()
    for i in range(n):
        started = time.perf_counter()
        await call(i)
        spent.append((time.perf_counter() - started) * 1e6)
    return sorted(spent), (time.process_time() - cpu) / n * 1e6


async def concurrent_cpu(call: Callable[[int], Awaitable[object]], n: int, width: int) -> float:
    """This process's CPU microseconds per call for `n` calls, `width` in flight at once."""
    todo = iter(range(n))

    async def worker() -> None:
        for i in todo:
            await call(i)

    cpu = time.process_time()
    await asyncio.gather(*(worker() for _ in range(width)))
    return (time.process_time() - cpu) / n * 1e6


async def bench(url: str, n: int, width: int) -> None:
    admin = await asyncpg.connect(url)
    schema = f"zb_bench_{secrets.token_hex(4)}"
    await admin.execute(f'CREATE SCHEMA "{schema}"')
    store = await PostgresStore.open(url, owner="bench", server_settings={"search_path": schema})
    try:
        outbox_ids: list[int] = []
        reminder = {"minutes": 10, "state": "pending", "check_at": time.time(), "broadcast_done": 0}

        async def locked_reads(i: int) -> None:
            async with store.meeting_lock(FIRST_MEETING + i):
                await store.meeting(FIRST_MEETING + i)
                await store.reminder(FIRST_MEETING + i)

        calls = command_calls(store, outbox_ids)
        calls[2:2] = [
            (
                "record_created (write, 2 rows)",
                lambda i: store.record_created(meeting_row(i), f"command:bench-{i}"),
            )
        ]
        calls += [
            (
                "save_reminder (write)",
                lambda i: store.save_reminder(FIRST_MEETING + i, **reminder),
            ),
            ("meeting_lock + meeting + reminder", locked_reads),
        ]
        server = await admin.fetchval("SHOW server_version")
        print(f"zoombot PostgreSQL store: {n} calls of each, {safe_url(url)} schema {schema}")
        print(
            f"machine: {platform.machine()}, Python {platform.python_version()},"
            f" PostgreSQL {server}, asyncpg {asyncpg.__version__}"
        )
        print(f"one at a time (wall time per call; CPU per call), then {width} at once (CPU):")
        for name, call in calls:
            spent, cpu = await timings(call, n)
            p50, p99 = spent[len(spent) // 2], spent[min(len(spent) - 1, int(len(spent) * 0.99))]
            print(
                f"  {name:34} p50 {p50:6.0f} µs   p99 {p99:6.0f} µs   max {spent[-1]:6.0f} µs"
                f"   CPU {cpu:4.0f} µs"
            )
        # The same calls again (upserts and reads of the rows now there), many in flight.
        outbox_ids[:] = []
        for name, call in calls:
            if name.startswith("outbox_posted"):
                continue  # (its rows were posted above)
            cpu = await concurrent_cpu(call, n, width)
            print(f"  {name:34} {width} at once: CPU {cpu:4.0f} µs per call")
    finally:
        await store.close()
        await admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
        await admin.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=30)
    parser.add_argument("--url", default=DEFAULT_URL)
    args = parser.parse_args(argv)
    try:
        import uvloop
    except ImportError:
        asyncio.run(bench(args.url, args.calls, args.concurrency))
    else:
        uvloop.run(bench(args.url, args.calls, args.concurrency))
    return 0


if __name__ == "__main__":
    sys.exit(main())

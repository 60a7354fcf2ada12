"""Store benchmark: how long each store call on a `/zoom` command's path takes.

The store's methods are coroutines whose statements run on the event loop
(bot/store/sqlite.py): this prints what each one costs, on a real database file opened as
the app opens it (`open_store`: WAL, checkpoints on their own thread), as its tables fill
up. Each call is driven without an event loop, and timed from the turn it first gives the
loop (as `store.run` gave it before each call) to its end: the statements and their error
handling, as before the store's methods became coroutines. Prints figures; asserts nothing.

    python bench/store.py [--calls 2000]
"""

from __future__ import annotations

import argparse
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.store import open_store

sys.path.insert(0, str(Path(__file__).resolve().parent))

from store_calls import command_calls


def timed(coro: Coroutine[Any, Any, Any]) -> float:
    """Microseconds `coro`, a store call, takes after its first loop turn (`asyncio.sleep(0)`,
    a bare yield, so no event loop is needed) to its end. A call that gives no turn
    (`claim_request`, which the acknowledgement waits for) is timed whole."""
    started = time.perf_counter()
    try:
        coro.send(None)  # up to the turn it gives the loop
        started = time.perf_counter()
        while True:
            coro.send(None)
    except StopIteration:
        pass
    return (time.perf_counter() - started) * 1e6


def timings(call: Callable[[int], Coroutine[Any, Any, Any]], n: int) -> list[float]:
    """Microseconds for each of `n` calls `call(0)`, `call(1)`, …"""
    return sorted(timed(call(i)) for i in range(n))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=2000)
    args = parser.parse_args(argv)
    n = args.calls
    workdir = Path(tempfile.mkdtemp(prefix="zoombot-store-bench-"))
    store = open_store(f"sqlite:///{workdir / 'zoombot.db'}")
    outbox_ids: list[int] = []
    calls = command_calls(store, outbox_ids)
    print(f"zoombot store: {n} calls of each, database in {workdir}")
    print(f"machine: {platform.machine()}, Python {platform.python_version()}")
    for name, call in calls:
        spent = timings(call, n)
        p50, p99 = spent[len(spent) // 2], spent[min(len(spent) - 1, int(len(spent) * 0.99))]
        print(f"  {name:32} p50 {p50:6.0f} µs   p99 {p99:6.0f} µs   max {spent[-1]:6.0f} µs")
    store.close()
    shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

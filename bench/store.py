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
import json
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
    intent = {
        "kind": "command",
        "requester": "U0BENCH",
        "channel": "C0BENCH",
        "thread_ts": None,
        "response_url": "https://hooks.slack.com/commands/T0/1/abc",
        "host_zoom_id": "bench@example.com",
        "host_email": "bench@example.com",
        "host_name": "Bench User",
        "host_found_by": "slack_email",
        "request": json.dumps({"topic": "design review", "type": 2, "duration": 30}),
        "create_started_at": "2026-11-29T00:00:00Z",
        "create_owner": "bench",
    }
    message = {"text": "x" * 300, "blocks": [{"type": "section", "text": {"text": "y" * 900}}]}
    outbox_ids: list[int] = []

    async def add_to_outbox(i: int) -> None:
        outbox_ids.append(
            await store.add_to_outbox(
                {
                    "meeting_id": 80_000_000_000 + i,
                    "request_key": f"command:bench-{i}",
                    "requester": "U0BENCH",
                    "channel": "C0BENCH",
                    "thread_ts": None,
                    "response_url": "https://hooks.slack.com/commands/T0/1/abc",
                    "response_url_until": time.time() + 1800,
                    "message": message,
                    "fallback": message,
                    "next_attempt_at": time.time(),
                    "expires_at": time.time() + 3600,
                    "owner": "bench",
                }
            )
        )

    calls: list[tuple[str, Callable[[int], Coroutine[Any, Any, Any]]]] = [
        ("claim_request (write)", lambda i: store.claim_request(f"command:bench-{i}")),
        (
            "note_create_started (write)",
            lambda i: store.note_create_started(f"command:bench-{i}", intent),
        ),
        ("add_to_outbox (write)", add_to_outbox),
        (
            "outbox_posted (write, 3 rows)",
            lambda i: store.outbox_posted(
                outbox_ids[i],
                channel="C0BENCH",
                ts=f"{i}.000100",
                via="chat.postMessage",
                attempts=1,
            ),
        ),
        ("meeting (read by key)", lambda i: store.meeting(80_000_000_000 + i)),
        ("preferences (read)", lambda i: store.preferences("U0BENCH")),
    ]
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

"""The Slack Call rows (bot/flows/calls.py) on both stores: the same answers, with their
types, and a call ended once however many times (and by however many instances) it is
ended."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from bot.store import SQLiteStore
from tests.store_pg.conftest import Clock

Call = Callable[..., Awaitable[Any]]


async def scenario(call: Call) -> list[tuple[str, Any]]:
    seen: list[tuple[str, Any]] = []

    async def rec(label: str, name: str, *args: Any) -> None:
        seen.append((label, await call(name, *args)))

    await rec("none", "slack_call", 81234567890)
    await rec("end without a call", "end_slack_call", 81234567890, "2026-12-01T10:00:00Z")
    await rec("record", "record_slack_call", 81234567890, "R0CALL1", "81234567890", "t1")
    await rec("read", "slack_call", 81234567890)
    await rec("end", "end_slack_call", 81234567890, "2026-12-01T10:30:00Z")
    await rec("end again", "end_slack_call", 81234567890, "2026-12-01T10:31:00Z")
    await rec("read ended", "slack_call", 81234567890)
    await rec("a new run", "record_slack_call", 81234567890, "R0CALL2", "81234567890-2", "t2")
    await rec("read run 2", "slack_call", 81234567890)
    await rec("other meeting", "slack_call", 81234567891)
    return seen


def _typed(value: Any) -> Any:
    if isinstance(value, dict):
        return [(k, type(v).__name__, v) for k, v in value.items()]
    return (type(value).__name__, value)


async def test_sqlite_and_postgresql_answer_alike(open_pg, tmp_path):
    sqlite = SQLiteStore(tmp_path / "zoombot.db", clock=Clock())
    try:
        want = await scenario(lambda name, *a: getattr(sqlite, name)(*a))
    finally:
        await sqlite.aclose()
    pg = await open_pg(clock=Clock())
    got = await scenario(lambda name, *a: getattr(pg, name)(*a))
    assert [_typed(a) for _, a in got] == [_typed(a) for _, a in want]
    answers = dict(want)
    assert answers["none"] is None and answers["end without a call"] is None
    assert answers["end"]["ended_at"] == "2026-12-01T10:30:00Z"
    assert answers["end"]["call_id"] == "R0CALL1"
    assert answers["end again"] is None
    assert answers["read ended"]["ended_at"] == "2026-12-01T10:30:00Z"
    assert answers["read run 2"]["runs"] == 2 and answers["read run 2"]["ended_at"] is None


async def test_two_instances_ending_at_once_end_it_once(open_pg):
    one, two = await open_pg(), await open_pg()
    await one.record_slack_call(5, "R0CALL", "5", "t")
    ends = await asyncio.gather(
        *(store.end_slack_call(5, f"t{n}") for n in range(5) for store in (one, two))
    )
    assert sum(1 for row in ends if row is not None) == 1

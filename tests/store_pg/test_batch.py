"""Statements coalesced while one is in flight (bot/store/postgres_batch.py), and the
PostgreSQL store's posts marked sent that way: each caller gets its own row's answer."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from bot.store.postgres_batch import Coalesced
from tests.store_pg.test_lock_and_pool import meeting_row


class Doubling:
    """A `run` that doubles each item, held until `go` is set; records each batch. The
    batches numbered in `failing` (from 0) raise instead."""

    def __init__(self, failing: frozenset[int] = frozenset()) -> None:
        self.batches: list[list[int]] = []
        self.go = asyncio.Event()
        self.failing = failing

    async def __call__(self, items: Sequence[int]) -> list[int]:
        number = len(self.batches)
        self.batches.append(list(items))
        await self.go.wait()
        if number in self.failing:
            raise ConnectionResetError("the database went away")
        return [2 * item for item in items]


async def settle() -> None:
    """Let every task that can go on do so (a few turns of the loop)."""
    for _ in range(5):
        await asyncio.sleep(0)


async def test_a_call_alone_goes_at_once_and_those_meanwhile_go_together() -> None:
    run = Doubling()
    double = Coalesced(run)
    first = asyncio.ensure_future(double(1))
    await settle()
    assert run.batches == [[1]]  # nothing in flight: it did not wait for company
    rest = [asyncio.ensure_future(double(n)) for n in (2, 3, 4)]
    await settle()
    assert run.batches == [[1]]  # in flight: the others wait for it
    run.go.set()
    assert await first == 2
    assert await asyncio.gather(*rest) == [4, 6, 8]  # each its own answer
    assert run.batches == [[1], [2, 3, 4]]


async def test_a_failed_batch_fails_each_of_its_callers_and_the_next_batch_still_goes() -> None:
    run = Doubling(failing=frozenset({0, 2}))
    double = Coalesced(run)
    first = asyncio.ensure_future(double(1))
    await settle()
    later = [asyncio.ensure_future(double(n)) for n in (2, 3)]
    await settle()
    run.go.set()
    with pytest.raises(ConnectionResetError):
        await first
    assert await asyncio.gather(*later) == [4, 6]  # the next batch found the database back
    alone, after = await asyncio.gather(double(5), double(6), return_exceptions=True)
    assert isinstance(alone, ConnectionResetError) and after == 12
    assert run.batches == [[1], [2, 3], [5], [6]]


async def test_a_caller_that_stops_waiting_leaves_the_batch_to_the_others() -> None:
    run = Doubling()
    double = Coalesced(run)
    first = asyncio.ensure_future(double(1))
    await settle()
    gone, stays = asyncio.ensure_future(double(2)), asyncio.ensure_future(double(3))
    await settle()
    gone.cancel()
    run.go.set()
    assert await first == 2
    assert await stays == 6
    assert gone.cancelled()
    assert run.batches == [[1], [2, 3]]  # it went anyway: others were in it


async def test_posts_marked_at_once_are_one_statement_and_each_gets_its_meeting(open_pg):
    store = await open_pg()
    meetings = [81_300_000_000 + i for i in range(12)]
    entries = []
    for i, meeting in enumerate(meetings):
        await store.record_meeting(meeting_row(zoom_id=meeting, status="started" if i else None))
        entries.append(
            await store.add_to_outbox({"meeting_id": meeting, "channel": "C1", "message": {}})
        )
    statements: list[int] = []
    fetch = store._pool.fetch

    async def counted(query: str, *args):
        if "unnest" in query:
            statements.append(len(args[0]))  # the entries it marks
        return await fetch(query, *args)

    store._pool.fetch = counted
    statuses = await asyncio.gather(
        *(
            store.outbox_posted(entry, channel="C1", ts=f"1.{i}", via="chat", attempts=1)
            for i, entry in enumerate(entries)
        ),
        store.outbox_posted(999_999, channel="C1", ts="9.9", via="chat", attempts=1),
    )
    assert statuses == [None, *["started"] * 11, None]  # the unknown entry: None
    assert sum(statements) == 13 and len(statements) < 13
    for i, meeting in enumerate(meetings):
        row = await store.meeting(meeting)
        assert (row["state"], row["message_ts"]) == ("posted", f"1.{i}")
    assert all(e["state"] == "posted" for e in await store.outbox_entries(meeting_id=meetings[3]))


async def test_creates_noted_at_once_are_one_statement_and_each_row_gets_its_own(open_pg):
    store = await open_pg()
    keys = [f"command:T{i}" for i in range(10)]
    for key in keys:
        assert await store.claim_request(key) is None
    statements: list[str] = []
    execute = store._pool.execute

    async def counted(query: str, *args):
        statements.append(query)
        return await execute(query, *args)

    store._pool.execute = counted

    def intent(i: int) -> dict:
        return {
            "requester": f"U{i}",
            "channel": "C1",
            "thread_ts": None if i % 2 else f"{i}.5",
            "host_email": f"host{i}@example.com",
            "create_started_at": f"2026-12-01T20:0{i}:00+00:00",
        }

    await asyncio.gather(*(store.note_create_started(key, intent(i)) for i, key in enumerate(keys)))
    assert 1 < len(statements) < len(keys)  # the first alone, the others together
    for i, key in enumerate(keys):
        row = await store.request(key)
        assert {name: row[name] for name in intent(i)} == intent(i)
        assert row["state"] == "claimed"  # nothing else changed

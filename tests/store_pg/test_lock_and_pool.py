"""The meeting lock's rows read as it is taken (postgres_lock.py), and the store's own
connection pools (postgres_pool.py), against a real PostgreSQL."""

from __future__ import annotations

import asyncio

import pytest

from bot.store.postgres_pool import Connections
from tests.store_pg.conftest import eventually

MEETING = 81_234_567_001


async def b_waits(pg_schema) -> bool:
    """Someone waits for an advisory lock."""
    return bool(
        await pg_schema.admin.fetchval(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
        )
    )


def meeting_row(**changes):
    return {
        "zoom_id": MEETING,
        "topic": "design review",
        "type": 2,
        "start_time": "2026-12-02T15:00:00Z",
        "duration": 30,
        "requester": "U1",
        "channel": "C1",
        "join_url": f"https://zoom.us/j/{MEETING}",
        "passcode": "123456",
        **changes,
    }


async def test_rows_read_under_the_lock_are_the_rows_outside_it(open_pg):
    store = await open_pg()
    async with store.meeting_lock(MEETING):
        assert await store.meeting(MEETING) is None
        assert await store.reminder(MEETING) is None
    await store.record_meeting(meeting_row())
    await store.save_reminder(MEETING, minutes=10, state="pending", check_at=1.5)
    outside = (await store.meeting(MEETING), await store.reminder(MEETING))
    async with store.meeting_lock(MEETING):
        inside = (await store.meeting(MEETING), await store.reminder(MEETING))
        # A copy each time: a caller changing it changes nothing kept.
        inside[0]["topic"] = "changed by the caller"
        assert (await store.meeting(MEETING))["topic"] == "design review"
    inside[0]["topic"] = "design review"
    assert inside == outside
    assert list(inside[0]) == list(outside[0])  # same columns, same order
    assert [type(v) for v in inside[1].values()] == [type(v) for v in outside[1].values()]


async def test_a_write_inside_the_block_is_read_back(open_pg):
    store = await open_pg()
    await store.record_meeting(meeting_row())
    await store.save_reminder(MEETING, minutes=10, state="pending", check_at=1.5)
    async with store.meeting_lock(MEETING):
        await store.update_meeting(MEETING, message_ts="111.222")
        await store.save_reminder(MEETING, state="scheduled")
        assert (await store.meeting(MEETING))["message_ts"] == "111.222"
        assert (await store.reminder(MEETING))["state"] == "scheduled"


async def test_another_tasks_write_in_this_process_is_read_back(open_pg):
    store = await open_pg()
    await store.record_meeting(meeting_row())
    entry = await store.add_to_outbox({"meeting_id": MEETING, "channel": "C1", "message": {}})
    inside = asyncio.Event()
    written = asyncio.Event()
    seen: list[str | None] = []

    async def holder() -> None:
        async with store.meeting_lock(MEETING):
            assert (await store.meeting(MEETING))["message_ts"] is None
            inside.set()
            await written.wait()
            seen.append((await store.meeting(MEETING))["message_ts"])

    task = asyncio.create_task(holder())
    await inside.wait()
    await store.outbox_posted(entry, channel="C1", ts="333.444", via="chat", attempts=1)
    written.set()
    await asyncio.wait_for(task, 5)
    assert seen == ["333.444"]


async def test_what_the_last_holder_wrote_is_read_by_the_next_instance(open_pg, pg_schema):
    a, b = await open_pg(), await open_pg()
    await a.record_meeting(meeting_row())
    taken = asyncio.Event()
    release = asyncio.Event()

    async def first() -> None:
        async with a.meeting_lock(MEETING):
            taken.set()
            await release.wait()
            await a.update_meeting(MEETING, status="started")
            await a.save_reminder(MEETING, minutes=5, state="done")

    holder = asyncio.create_task(first())
    await taken.wait()

    async def second() -> tuple:
        async with b.meeting_lock(MEETING):
            return await b.meeting(MEETING), await b.reminder(MEETING)

    waiter = asyncio.create_task(second())
    await eventually(lambda: b_waits(pg_schema), what="b waiting on the lock")
    release.set()  # a's block writes now, while b waits
    row, reminder = await asyncio.wait_for(waiter, 5)
    await holder
    assert row["status"] == "started"
    assert reminder["state"] == "done"


async def test_a_cancelled_lock_wait_leaves_no_lock_behind(open_pg, pg_schema):
    a, b = await open_pg(), await open_pg()
    release = asyncio.Event()
    taken = asyncio.Event()

    async def first() -> None:
        async with a.meeting_lock(MEETING):
            taken.set()
            await release.wait()

    holder = asyncio.create_task(first())
    await taken.wait()
    waiter = asyncio.create_task(b.meeting_lock(MEETING).__aenter__())
    await eventually(lambda: b_waits(pg_schema), what="b waiting on the lock")
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    release.set()
    await holder
    # Both instances take it again at once: nothing was left held.
    async with a.meeting_lock(MEETING):
        pass
    async with b.meeting_lock(MEETING):
        pass

    async def none_held() -> bool:
        return not await pg_schema.admin.fetchval(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
        )

    await eventually(none_held, what="no advisory lock left")


async def test_the_pool_holds_at_most_its_size_and_serves_waiters_in_turn(pg_schema):
    args = {"dsn": pg_schema.url, "server_settings": pg_schema.settings}
    pool = await Connections.open(args, min_size=0, max_size=2)
    try:
        one, two = await pool.acquire(), await pool.acquire()
        third = asyncio.create_task(pool.fetchval("SELECT 3"))
        with pytest.raises(TimeoutError):
            await pool.acquire(timeout=0.05)
        assert not third.done()
        await pool.release(one)
        assert await asyncio.wait_for(third, 5) == 3
        # A connection whose use was cancelled is not given out again; its place is.
        slow = asyncio.create_task(two.execute("SELECT pg_sleep(5)"))
        await asyncio.sleep(0.05)
        slow.cancel()
        with pytest.raises(asyncio.CancelledError):
            await slow
        await pool.release(two, broken=True)
        assert await pool.fetchval("SELECT 1") == 1
        assert await asyncio.gather(pool.fetchval("SELECT 1"), pool.fetchval("SELECT 2")) == [1, 2]
        # A statement's error leaves its connection usable, and out of any transaction.
        async with pool.acquire() as conn:
            with pytest.raises(Exception, match="division by zero"):
                async with conn.transaction():
                    await conn.execute("SELECT 1/0")
        assert await pool.fetchval("SELECT 7") == 7
    finally:
        await pool.close()


async def test_a_filled_pool_opens_nothing_more_for_a_burst(pg_schema, monkeypatch):
    args = {"dsn": pg_schema.url, "server_settings": pg_schema.settings}
    pool = await Connections.open(args, min_size=1, max_size=4)
    try:
        assert await pool.fill() == 3
        assert await pool.fill() == 0  # full already
        opened = []
        real_connect = pool._connect

        async def counted() -> object:
            opened.append(1)
            return await real_connect()

        monkeypatch.setattr(pool, "_connect", counted)
        burst = [pool.fetchval("SELECT $1::int FROM pg_sleep(0.05)", n) for n in range(4)]
        assert await asyncio.gather(*burst) == [0, 1, 2, 3]
        assert opened == []
        busy = [await pool.acquire() for _ in range(4)]
        with pytest.raises(TimeoutError):
            await pool.acquire(timeout=0.05)  # never more than its size
        for conn in busy:
            await pool.release(conn)
    finally:
        await pool.close()

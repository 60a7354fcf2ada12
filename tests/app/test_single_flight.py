"""SingleFlight (bot/caching.py): callers share one call, and one caller's cancellation is
its own."""

from __future__ import annotations

import asyncio

import pytest

from bot.caching import SingleFlight


async def test_a_cancelled_first_caller_does_not_cancel_the_others() -> None:
    flights = SingleFlight()
    release = asyncio.Event()
    calls = 0

    async def slow() -> str:
        nonlocal calls
        calls += 1
        await release.wait()
        return "profile"

    async def impatient() -> str:
        async with asyncio.timeout(0.01):
            return await flights.do("slack:U1", slow)

    first = asyncio.create_task(impatient())
    await asyncio.sleep(0)  # the first caller starts the call
    second = asyncio.create_task(flights.do("slack:U1", slow))
    with pytest.raises(TimeoutError):
        await first
    release.set()
    assert await second == "profile"
    assert calls == 1


async def test_callers_share_one_call_and_its_exception() -> None:
    flights = SingleFlight()
    release = asyncio.Event()
    calls = 0

    async def failing() -> str:
        nonlocal calls
        calls += 1
        await release.wait()
        raise LookupError("no such user")

    waiters = [asyncio.create_task(flights.do("k", failing)) for _ in range(3)]
    await asyncio.sleep(0)
    release.set()
    results = await asyncio.gather(*waiters, return_exceptions=True)
    assert all(isinstance(r, LookupError) for r in results)
    assert calls == 1

    # Once settled, the next call runs afresh.
    async def fine() -> str:
        return "ok"

    assert await flights.do("k", fine) == "ok"

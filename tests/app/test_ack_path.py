"""The acknowledgement's path takes no turn of the event loop (BENCHMARKS.md, "Load regression
found and fixed (perf)"): under a burst, each turn a request task waits is spent behind every
other ready task, and one such turn was most of an ack's time."""

from __future__ import annotations

import asyncio

from bot.store import SQLiteStore


async def test_a_claim_is_recorded_without_letting_the_loop_turn(tmp_path):
    store = SQLiteStore(str(tmp_path / "z.db"))
    try:
        turned: list[str] = []
        asyncio.get_running_loop().call_soon(turned.append, "turn")
        assert await store.claim_request("command:T1", details={"requester": "U1"}) is None
        assert turned == []  # the claim ran (and committed) within this step
        assert (await store.request("command:T1"))["requester"] == "U1"
    finally:
        store.close()


async def test_a_repeated_claim_is_answered_with_the_first_without_a_turn(tmp_path):
    store = SQLiteStore(str(tmp_path / "z.db"))
    try:
        await store.claim_request("command:T1", details={"requester": "U1"})
        turned: list[str] = []
        asyncio.get_running_loop().call_soon(turned.append, "turn")
        earlier = await store.claim_request("command:T1", details={"requester": "U2"})
        assert turned == []
        assert earlier is not None and earlier["requester"] == "U1"
        assert (await store.request("command:T1"))["requester"] == "U1"  # unchanged
    finally:
        store.close()

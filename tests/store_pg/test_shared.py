"""Several instances on one PostgreSQL database: migrations, claims, leases, locks, notices."""

from __future__ import annotations

import asyncio
import json

from bot.store.postgres import HOST_MAPPING_CHANNEL
from bot.store.postgres_columns import COLUMNS, INTERNAL_COLUMNS
from bot.store.postgres_schema import MIGRATIONS, SCHEMA_VERSION
from tests.store_pg.conftest import Clock, eventually


async def test_two_instances_starting_together_migrate_once(open_pg, pg_schema):
    calls: list[str] = []

    async def first(conn):
        calls.append("first")
        await conn.execute("CREATE TABLE one (id INTEGER PRIMARY KEY)")

    async def second(conn):
        calls.append("second")
        await conn.execute("CREATE TABLE two (id INTEGER PRIMARY KEY)")

    steps = [*MIGRATIONS, first, second]
    a, b = await asyncio.gather(open_pg(migrations=steps), open_pg(migrations=steps))
    assert sorted(calls) == ["first", "second"]  # each step once, whichever instance ran it
    versions = await pg_schema.admin.fetch(
        f'SELECT version, name FROM "{pg_schema.name}".schema_migrations ORDER BY version'
    )
    assert [r["version"] for r in versions] == list(range(1, len(steps) + 1))
    assert await a.migrate(steps) == await b.migrate(steps) == len(steps)
    assert sorted(calls) == ["first", "second"]  # and never again


async def test_the_tables_have_the_columns_callers_see_in_sqlites_order(open_pg, pg_schema):
    store = await open_pg()
    assert await store.migrate() == SCHEMA_VERSION
    for table, columns in COLUMNS.items():
        names = [
            r["column_name"]
            for r in await pg_schema.admin.fetch(
                "SELECT column_name FROM information_schema.columns"
                " WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position",
                pg_schema.name,
                table,
            )
        ]
        internal = INTERNAL_COLUMNS.get(table, ())
        # The store's own columns (leases) may sit anywhere: columns added by later
        # migrations come after them.
        assert [n for n in names if n not in internal] == [c for c, _ in columns], table
        assert set(internal) <= set(names), table


async def test_fifty_claims_of_one_key_from_two_instances_make_one_winner(open_pg):
    a, b = await open_pg(max_size=5), await open_pg(max_size=5)
    results = await asyncio.gather(
        *((a if i % 2 else b).claim_request("command:trigger-1") for i in range(50))
    )
    winners = [r for r in results if r is None]
    assert len(winners) == 1
    assert all(r["key"] == "command:trigger-1" and r["state"] == "claimed" for r in results if r)


async def test_fifty_retryable_claims_also_make_one_winner(open_pg):
    """A failed request may be asked again: of many instances asking at once, one goes."""
    a, b = await open_pg(max_size=5), await open_pg(max_size=5)
    assert await a.claim_request("modal:V1") is None
    await a.settle_request("modal:V1", state="failed")
    results = await asyncio.gather(
        *((a if i % 2 else b).claim_request("modal:V1") for i in range(50))
    )
    assert sum(r is None for r in results) == 1


def _entry(i: int, owner: str | None, **extra) -> dict:
    return {
        "meeting_id": 81_000_000_000 + i,
        "request_key": f"command:{i}",
        "requester": "U1",
        "channel": "C1",
        "message": {"text": f"meeting {i}"},
        "fallback": {"text": "link"},
        "next_attempt_at": 1_800_000_000.0,
        "expires_at": 1_800_003_600.0,
        "owner": owner,
        **extra,
    }


async def test_two_owners_taking_the_outbox_at_once_never_share_an_entry(open_pg):
    clock = Clock()
    a = await open_pg(clock=clock, max_size=4)
    b = await open_pg(clock=clock, max_size=4)
    ids = [await a.add_to_outbox(_entry(i, owner=None)) for i in range(40)]
    taken = await asyncio.gather(
        *(
            (a if i % 2 else b).take_pending_outbox(f"instance-{i % 4}")
            for i in range(8)  # four owners, each asking twice, through two stores
        )
    )
    by_owner: dict[str, set[int]] = {}
    all_ids: list[int] = []
    for i, entries in enumerate(taken):
        assert all(e["owner"] == f"instance-{i % 4}" for e in entries)
        by_owner.setdefault(f"instance-{i % 4}", set()).update(e["id"] for e in entries)
        all_ids += [e["id"] for e in entries]
    assert sorted(all_ids) == ids  # each entry exactly once
    for entries in taken:
        assert [e["id"] for e in entries] == sorted(e["id"] for e in entries)
    # Nobody takes them again while the leases live.
    assert await a.take_pending_outbox("instance-9") == []


async def test_a_dead_instances_outbox_lease_expires_and_is_taken_over(open_pg):
    clock = Clock()
    alive = await open_pg(clock=clock, lease=60)
    other = await open_pg(clock=clock, lease=60)
    entry_id = await alive.add_to_outbox(_entry(1, owner="alive", next_attempt_at=clock.now))
    assert await other.take_pending_outbox("other") == []  # leased to its maker
    clock.now += 59
    # The maker is alive: a failed attempt renews its lease past the next attempt.
    await alive.outbox_attempted(entry_id, attempts=1, next_attempt_at=clock.now + 30, error="x")
    clock.now += 80  # 89 s after the renewal, but within 60 s of the next attempt
    assert await other.take_pending_outbox("other") == []
    clock.now += 11  # the maker died: no news for 60 s after its next attempt was due
    [taken] = await other.take_pending_outbox("other")
    assert taken["id"] == entry_id and taken["owner"] == "other"
    assert taken["message"] == {"text": "meeting 1"}
    assert await alive.take_pending_outbox("third") == []  # now the taker's lease
    await other.outbox_posted(entry_id, channel="C1", ts="1.2", via="chat.postMessage", attempts=2)
    clock.now += 1000
    assert await alive.take_pending_outbox("third") == []  # posted: nobody's work any more


async def test_a_stopping_instance_releases_its_leases_for_the_next(open_pg):
    clock = Clock()
    stopping = await open_pg(clock=clock)
    entry_id = await stopping.add_to_outbox(_entry(1, owner="stopping"))
    await stopping.claim_request("command:9")
    await stopping.note_create_started("command:9", _intent("dead", "2026-12-01T00:00:00Z"))
    assert [r["key"] for r in await stopping.unsettled_creates("stopping")] == ["command:9"]
    assert await stopping.take_pending_outbox("next") == []
    assert await stopping.release_leases("stopping") == 2
    assert [e["id"] for e in await stopping.take_pending_outbox("next")] == [entry_id]
    assert [r["key"] for r in await stopping.unsettled_creates("next")] == ["command:9"]


def _intent(owner: str, started: str) -> dict:
    return {
        "kind": "command",
        "requester": "U1",
        "channel": "C1",
        "host_email": "a@x.com",
        "request": json.dumps({"topic": "t", "type": 2}),
        "create_started_at": started,
        "create_owner": owner,
    }


async def test_unsettled_creates_are_leased_to_one_instance_at_a_time(open_pg):
    clock = Clock()
    a = await open_pg(clock=clock, lease=60)
    b = await open_pg(clock=clock, lease=60)
    for i in range(10):
        await a.claim_request(f"command:{i}")
        await a.note_create_started(f"command:{i}", _intent("dead", f"2026-12-01T00:00:{i:02}Z"))
    got_a, got_b = await asyncio.gather(a.unsettled_creates("A"), b.unsettled_creates("B"))
    keys_a, keys_b = {r["key"] for r in got_a}, {r["key"] for r in got_b}
    assert not keys_a & keys_b and len(keys_a | keys_b) == 10
    assert "lease_owner" not in (got_a or got_b)[0]
    # An instance sees again what it holds (the reconciler checks before it acts)...
    assert {r["key"] for r in await a.unsettled_creates("A")} == keys_a
    # ...and once A stops renewing, B takes A's over.
    clock.now += 61
    assert {r["key"] for r in await b.unsettled_creates("B")} == keys_a | keys_b
    assert [r["create_started_at"] for r in await b.unsettled_creates("B")] == sorted(
        f"2026-12-01T00:00:{i:02}Z" for i in range(10)
    )


async def test_meeting_lock_serialises_two_instances(open_pg, pg_schema):
    a, b = await open_pg(), await open_pg()
    order: list[str] = []
    release = asyncio.Event()

    async def first() -> None:
        async with a.meeting_lock(81234567890):
            order.append("a in")
            await release.wait()
            order.append("a out")

    async def second() -> None:
        async with b.meeting_lock(81234567890):
            order.append("b in")

    holder = asyncio.create_task(first())
    await eventually(lambda: order == ["a in"], what="a taking the lock")
    waiter = asyncio.create_task(second())

    async def b_is_waiting() -> bool:
        return bool(
            await pg_schema.admin.fetchval(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
            )
        )

    await eventually(b_is_waiting, what="b waiting on the lock")
    assert order == ["a in"]
    # Another meeting is not held up by this one.
    async with b.meeting_lock(81234567891):
        order.append("b other")
    release.set()
    await asyncio.wait_for(asyncio.gather(holder, waiter), 5)
    assert order == ["a in", "b other", "a out", "b in"]


async def test_a_host_mapping_change_is_heard_by_every_instance(open_pg):
    a, b = await open_pg(), await open_pg()
    heard: list[str | None] = []
    await a.listen(HOST_MAPPING_CHANNEL, heard.append)
    await b.set_host_mapping("U7", "seven@x.com", "U1")
    await eventually(lambda: heard == ["U7"], what="the notification")
    got: list[str | None] = []

    async def handler(payload: str | None) -> None:
        got.append(payload)

    await b.listen("zoombot_guest_flag", handler)
    await a.notify("zoombot_guest_flag", "U8")
    await eventually(lambda: got == ["U8"], what="the async handler")
    await b.unlisten("zoombot_guest_flag", handler)
    await a.notify("zoombot_guest_flag", "U9")
    await a.set_host_mapping("U7", "other@x.com", "U1")  # heard after the unheard one
    await eventually(lambda: heard == ["U7", "U7"], what="the second notification")
    assert got == ["U8"]


async def test_a_lost_listening_connection_is_reopened_and_says_so(open_pg, pg_schema):
    a = await open_pg(owner="listener-test")
    heard: list[str | None] = []
    await a.listen("zoombot_test_channel", heard.append)
    await pg_schema.admin.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
        " WHERE application_name = 'zoombot listener-test' AND query LIKE 'LISTEN%'"
    )
    await eventually(lambda: None in heard, what="the missed-messages call")
    await a.notify("zoombot_test_channel", "after")
    await eventually(lambda: "after" in heard, what="a notification after reconnecting")


async def test_a_secret_is_made_once_and_shared(open_pg):
    a, b = await open_pg(), await open_pg()
    first, second = await asyncio.gather(a.secret("calendar"), b.secret("calendar"))
    assert first == second and len(first) == 32
    assert await b.secret("calendar") == first
    assert await a.secret("other") != first


async def test_a_claim_keeps_who_asked_and_old_unstarted_claims_are_taken_once(open_pg):
    clock = Clock()
    a, b = await open_pg(clock=clock, owner="a"), await open_pg(clock=clock, owner="b")
    details = {"kind": "command", "requester": "U1", "channel": "C1", "response_url": "https://r"}
    assert await a.claim_request("command:T1", details=details) is None
    row = await b.request("command:T1")
    assert (row["requester"], row["channel"], row["response_url"]) == ("U1", "C1", "https://r")
    # Another instance may still be working on a fresh claim: not "unstarted" yet.
    assert await b.unstarted_claims(before=clock() + 1) == []
    clock.now += a.lease + 1
    taken = await asyncio.gather(
        a.unstarted_claims(before=clock()), b.unstarted_claims(before=clock())
    )
    assert sorted(len(t) for t in taken) == [0, 1]


async def test_a_live_owners_rows_are_never_taken_a_dead_ones_once_stale_a_stopped_ones_at_once(
    open_pg,
):
    clock = Clock()
    a = await open_pg(clock=clock, lease=2)
    b = await open_pg(clock=clock, lease=2)
    names = ["slow", "dead", "stopped"]
    for name in [*names, "other"]:
        await a.heartbeat(name)
    entries = {n: await a.add_to_outbox(_entry(i, owner=n)) for i, n in enumerate(names)}
    for i, name in enumerate(names):
        await a.claim_request(f"command:c{i}")
        await a.note_create_started(f"command:c{i}", _intent(name, f"2026-12-01T00:00:0{i}Z"))
    # A clean stop: its row goes with its leases, and what it owned is anyone's at once.
    await a.release_leases("stopped")
    assert [e["id"] for e in await b.take_pending_outbox("other")] == [entries["stopped"]]
    assert [r["key"] for r in await b.unsettled_creates("other")] == ["command:c2"]
    # Nothing else while every other owner's heartbeat is fresh.
    clock.now += 1.5
    assert await b.take_pending_outbox("other") == []
    assert [r["key"] for r in await b.unsettled_creates("other")] == ["command:c2"]
    # Long after any lease: "slow" and "other" kept beating, "dead" did not.
    for _ in range(100):
        clock.now += 1.5
        await a.heartbeat("slow")
        await b.heartbeat("other")
    assert [e["id"] for e in await b.take_pending_outbox("other")] == [entries["dead"]]
    assert {r["key"] for r in await b.unsettled_creates("other")} == {"command:c1", "command:c2"}
    # A live owner's rows are never taken, however old, by anyone.
    clock.now += 1.5
    await a.heartbeat("slow")
    await b.heartbeat("other")
    assert await a.take_pending_outbox("third") == []
    assert await a.unsettled_creates("third") == []
    # Once "slow" stops beating for longer than a lease, its rows are taken.
    clock.now += 2.5
    await b.heartbeat("other")
    assert [e["id"] for e in await a.take_pending_outbox("third")] == [entries["slow"]]
    assert [r["key"] for r in await a.unsettled_creates("third")] == ["command:c0"]


async def test_preferences_kept_by_an_instance_follow_a_change_made_by_another(open_pg):
    a, b = await open_pg(owner="a"), await open_pg(owner="b")
    assert await b.preferences("U1") is None  # read once: b keeps it from here on
    await a.set_preferences("U1", duration=45)
    assert (await a.preferences("U1"))["duration"] == 45  # the writer never reads its old
    await eventually(
        lambda: _duration(b, "U1", 45), what="the other instance reading the new preferences"
    )
    await b.set_preferences("U1", duration=15)
    assert (await b.preferences("U1"))["duration"] == 15
    await eventually(lambda: _duration(a, "U1", 15), what="the first instance hearing it back")


async def test_a_burst_of_one_persons_preference_reads_is_one_query(open_pg):
    store = await open_pg(owner="a")
    await store.set_preferences("U1", duration=30)
    read = store._read_preferences
    queries = 0
    answered = asyncio.Event()
    gate = asyncio.Event()

    async def counted(user: str):  # type: ignore[no-untyped-def]
        nonlocal queries
        queries += 1
        row = await read(user)
        if queries == 1:
            answered.set()
            await gate.wait()  # the first answer is slow: the burst piles up behind it
        return row

    store._read_preferences = counted
    burst = [asyncio.create_task(store.preferences("U1")) for _ in range(20)]
    await asyncio.wait_for(answered.wait(), 5)  # every caller of the burst is waiting on it
    # A change heard while that read is under way: later callers do not get its answer.
    await store.set_preferences("U1", duration=45)
    after = await asyncio.wait_for(store.preferences("U1"), 5)  # the first read still held
    gate.set()
    rows = await asyncio.gather(*burst)
    assert [row["duration"] for row in rows] == [30] * 20
    assert after["duration"] == 45
    assert queries == 2
    rows[0]["duration"] = 99  # each caller has its own copy
    assert rows[1]["duration"] == 30


async def _duration(store, user: str, expected: int) -> bool:  # type: ignore[no-untyped-def]
    row = await store.preferences(user)
    return row is not None and row["duration"] == expected


async def test_a_live_instances_claim_is_never_settled_as_unstarted_by_another(open_pg):
    clock = Clock()
    a = await open_pg(clock=clock, owner="a", lease=2)
    b = await open_pg(clock=clock, owner="b", lease=2)
    assert await a.claim_request("command:slow", details={"requester": "U1"}) is None
    # However old the claim, while `a` beats nobody takes it; `a` never takes its own.
    for _ in range(10):
        clock.now += 1.5
        await a.heartbeat("a-poster")  # the runtime's heartbeat, the store's owner with it
        assert await b.unstarted_claims(before=clock() + 100) == []
        assert await a.unstarted_claims(before=clock() + 100) == []
    # `a` dies: once its heartbeat is older than a lease, the other takes it, once.
    clock.now += 2.5
    taken = [r["key"] for r in await b.unstarted_claims(before=clock() - 100)]
    assert taken == ["command:slow"]  # (whenever it was claimed: `a` is gone)
    c = await open_pg(clock=clock, owner="c", lease=2)
    assert await c.unstarted_claims(before=clock()) == []  # b's lease on it is live


async def test_a_stopped_instances_claims_are_settled_at_once(open_pg):
    clock = Clock()
    a = await open_pg(clock=clock, owner="a", lease=2)
    b = await open_pg(clock=clock, owner="b", lease=2)
    assert await a.claim_request("command:left") is None
    assert await b.unstarted_claims(before=clock() + 100) == []
    await a.release_leases("a-poster")  # a clean stop: its instance rows go
    assert [r["key"] for r in await b.unstarted_claims(before=clock())] == ["command:left"]


async def test_a_claim_that_names_no_instance_keeps_the_time_rule(open_pg, pg_schema):
    clock = Clock()
    a = await open_pg(clock=clock, owner="a", lease=2)
    assert await a.claim_request("command:old") is None
    await pg_schema.admin.execute(
        f'UPDATE "{pg_schema.name}".requests SET claim_owner = NULL'  # a row from before v7
    )
    assert await a.unstarted_claims(before=clock() + 100) == []  # not a lease old yet
    clock.now += 3
    assert await a.unstarted_claims(before=clock() - 10) == []  # claimed after `before`
    assert [r["key"] for r in await a.unstarted_claims(before=clock())] == ["command:old"]

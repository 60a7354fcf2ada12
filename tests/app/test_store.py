"""The store: schema in one place, caches that expire, idempotency keys, the outbox's retry
state, the calendar key; checkpoints off the event loop. The tests taking `backend` run on
both backends (SQLite and PostgreSQL, tests/app/store_backends.py)."""

from __future__ import annotations

import asyncio
import sqlite3
import time

from bot.store import SCHEMA_VERSION, UNSETTLED_CREATES, SQLiteStore
from tests.app.store_backends import backend  # noqa: F401 - the fixture


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_migrate_creates_every_table_once_and_is_safe_to_rerun(tmp_path):
    path = tmp_path / "z.db"
    store = SQLiteStore(path)
    assert store.migrate() == SCHEMA_VERSION
    tables = set(store.db.table_names())
    assert {"host_mappings", "slack_users", "zoom_users", "meetings", "requests"} <= tables
    assert {"secrets", "health"} <= tables
    store.close()
    again = SQLiteStore(path)  # reopening migrates nothing and keeps the data
    assert again.migrate() == SCHEMA_VERSION
    mode = sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"
    again.close()


async def test_caches_expire(backend):  # noqa: F811 - the fixture
    clock = Clock()
    store = await backend.open(clock=clock)
    await store.cache_slack_user("U1", {"id": "U1", "tz": "UTC"})
    assert await store.cached_slack_user("U1", 3600) == {"id": "U1", "tz": "UTC"}
    clock.now += 3601
    assert await store.cached_slack_user("U1", 3600) is None
    await store.cache_zoom_user("Ana@X.com", {"id": "z"})
    assert await store.cached_zoom_user("ana@x.com", 60) == (True, {"id": "z"})
    await store.cache_zoom_user("bo@x.com", None)
    assert await store.cached_zoom_user("bo@x.com", 60) == (True, None)
    assert await store.cached_zoom_user("cy@x.com", 60) == (False, None)
    await store.forget_zoom_user("ANA@x.com")
    assert await store.cached_zoom_user("ana@x.com", 60) == (False, None)


async def test_a_key_is_claimed_once_and_a_window_lets_it_be_reused_later(backend):  # noqa: F811
    clock = Clock()
    store = await backend.open(clock=clock)
    assert await store.claim_request("command:T1") is None
    assert (await store.claim_request("command:T1"))["key"] == "command:T1"
    await store.settle_request("command:T1", state="posted", meeting_id=5)
    assert (await store.claim_request("command:T1"))["meeting_id"] == 5
    assert await store.claim_request("shortcut:U:C:1", window=60) is None
    clock.now += 30
    assert await store.claim_request("shortcut:U:C:1", window=60) is not None
    clock.now += 61
    assert await store.claim_request("shortcut:U:C:1", window=60) is None


async def test_meetings_and_mappings_are_plain_dicts(backend):  # noqa: F811
    store = await backend.open()
    await store.record_meeting({"zoom_id": 81234567890, "topic": "x", "requester": "U1"})
    await store.update_meeting(81234567890, state="posted", message_ts="1.2")
    row = await store.meeting(81234567890)
    assert row["state"] == "posted" and row["message_ts"] == "1.2"
    assert [m["zoom_id"] for m in await store.meetings_by("U1")] == [81234567890]
    await store.set_host_mapping("U1", "a@x.com", "U9")
    assert (await store.host_mapping("U1"))["set_by"] == "U9"
    assert await store.host_mapping("U2") is None
    saved = await store.set_preferences("U1", duration=45)
    assert saved["duration"] == 45 and (await store.preferences("U1"))["duration"] == 45


async def test_reading_a_meeting_teaches_the_log_redaction_nothing():
    """No side effects in reads: the passcodes are taught at start (bot/server.py), from
    `meeting_passcodes`."""
    from bot import logs

    store = SQLiteStore(":memory:")
    await store.record_meeting({"zoom_id": 1, "requester": "U1", "passcode": "Pq7Read0nly"})
    await store.meeting(1)
    await store.meetings_by("U1")
    assert logs.redact("Pq7Read0nly") == "Pq7Read0nly"
    assert await store.meeting_passcodes() == ["Pq7Read0nly"]


async def test_an_outbox_entrys_retry_state_is_kept_between_attempts(backend):  # noqa: F811
    """attempts, next_attempt_at and last_error survive a reopen (a restart), as the
    Poster's next attempt and the next run's drain read them."""
    store = await backend.open()
    entry_id = await store.add_to_outbox(
        {"meeting_id": 7, "requester": "U1", "channel": "C1", "message": {"text": "hi"}}
    )
    fresh = await store.outbox_entry(entry_id)
    assert fresh["attempts"] == 0 and fresh["last_error"] is None and fresh["state"] == "pending"
    await store.outbox_attempted(entry_id, attempts=1, next_attempt_at=1234.5, error="HTTP 503")
    await store.outbox_attempted(entry_id, attempts=2, next_attempt_at=1237.5, error="timeout")
    await backend.close(store)
    store = await backend.open()
    kept = await store.outbox_entry(entry_id)
    assert (kept["attempts"], kept["next_attempt_at"], kept["last_error"]) == (
        2,
        1237.5,
        "timeout",
    )
    assert kept["message"] == {"text": "hi"} and kept["state"] == "pending"
    [taken] = await store.take_pending_outbox("next-run")
    assert (taken["attempts"], taken["next_attempt_at"], taken["last_error"]) == (
        2,
        1237.5,
        "timeout",
    )
    await store.outbox_failed(entry_id, error="gave up", attempts=3)
    gone = await store.outbox_entry(entry_id)
    assert (gone["state"], gone["attempts"], gone["last_error"]) == ("failed", 3, "gave up")


async def test_a_meeting_its_reminder_and_its_message_are_recorded_together(backend):  # noqa: F811
    """`record_created(…, outbox=)` writes the meeting, settles its request, plans its
    reminder and queues its message in one transaction, and returns the entry's id."""
    store = await backend.open()
    assert await store.claim_request("command:r1") is None
    entry_id = await store.record_created(
        {"zoom_id": 81, "requester": "U1", "channel": "C1", "request_key": "command:r1"},
        "command:r1",
        reminder={"minutes": 10, "state": "pending", "check_at": 5.0, "broadcast_done": 0},
        outbox={
            "meeting_id": 81,
            "request_key": "command:r1",
            "requester": "U1",
            "channel": "C1",
            "message": {"text": "hi"},
            "owner": "me",
        },
    )
    entry = await store.outbox_entry(entry_id)
    assert (entry["meeting_id"], entry["state"], entry["message"]) == (
        81,
        "pending",
        {"text": "hi"},
    )
    assert (await store.meeting(81))["channel"] == "C1"
    assert (await store.reminder(81))["minutes"] == 10
    request = await store.claim_request("command:r1")
    assert (request["state"], request["meeting_id"]) == ("created", 81)
    # Without an entry, nothing is queued.
    assert await store.record_created({"zoom_id": 82}, "command:none") is None
    assert [e["meeting_id"] for e in await store.outbox_entries()] == [81]


async def test_the_calendar_key_is_made_once_random_and_kept(backend):  # noqa: F811
    store = await backend.open()
    key = await store.secret("calendar")
    assert len(key) == 32 and key != bytes(32)
    assert await store.secret("calendar") == key
    assert await store.secret("other") != key
    await backend.close(store)
    store = await backend.open()
    assert await store.secret("calendar") == key  # kept across a restart
    other = await backend.another()
    assert await other.secret("calendar") != key  # each install its own


async def test_checkpoints_happen_off_the_callers_thread(tmp_path):
    """Automatic checkpoints (which fsync) are off on the store's connection, whose methods
    run on the event loop; the checkpointer's thread copies the log into the file instead."""
    path = tmp_path / "z.db"
    store = SQLiteStore(path)
    try:
        assert store.db.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0
        size = path.stat().st_size
        for n in range(200):
            await store.claim_request(f"key-{n}-" + "x" * 200)
        deadline = time.monotonic() + 10
        while path.stat().st_size <= size and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.05)
        assert path.stat().st_size > size, "nothing was checkpointed into the database file"
    finally:
        store.close()
    # Closing checkpoints the rest and removes the log.
    assert not (tmp_path / "z.db-wal").exists()
    assert sqlite3.connect(path).execute("SELECT count(*) FROM requests").fetchone()[0] == 200


async def test_the_start_up_reconcile_reads_only_the_unsettled_requests(tmp_path):
    """Store calls run on the event loop: the reconcile's query uses the v6 partial index
    instead of reading every request ever made."""
    store = SQLiteStore(tmp_path / "z.db")
    try:
        plan = store.db.execute("EXPLAIN QUERY PLAN " + UNSETTLED_CREATES, ["me"]).fetchall()
        assert "requests_unsettled" in " ".join(str(row) for row in plan)
        for n in range(50):
            await store.claim_request(f"done-{n}")
            await store.settle_request(f"done-{n}", state="refused")
        await store.claim_request("open")
        await store.note_create_started(
            "open", {"create_started_at": "2026-11-29T00:00:00Z", "create_owner": "other"}
        )
        assert [r["key"] for r in await store.unsettled_creates("me")] == ["open"]
    finally:
        store.close()

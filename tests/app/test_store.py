"""The store: schema in one place, caches that expire, idempotency keys."""

from __future__ import annotations

import sqlite3

from bot.store import SCHEMA_VERSION, UNSETTLED_CREATES, Store


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_migrate_creates_every_table_once_and_is_safe_to_rerun(tmp_path):
    path = tmp_path / "z.db"
    store = Store(path)
    assert store.migrate() == SCHEMA_VERSION
    tables = set(store.db.table_names())
    assert {"host_mappings", "slack_users", "zoom_users", "meetings", "requests"} <= tables
    store.close()
    again = Store(path)  # reopening migrates nothing and keeps the data
    assert again.migrate() == SCHEMA_VERSION
    mode = sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"
    again.close()


def test_caches_expire():
    clock = Clock()
    store = Store(":memory:", clock=clock)
    store.cache_slack_user("U1", {"id": "U1", "tz": "UTC"})
    assert store.cached_slack_user("U1", 3600) == {"id": "U1", "tz": "UTC"}
    clock.now += 3601
    assert store.cached_slack_user("U1", 3600) is None
    store.cache_zoom_user("Ana@X.com", {"id": "z"})
    assert store.cached_zoom_user("ana@x.com", 60) == (True, {"id": "z"})
    store.cache_zoom_user("bo@x.com", None)
    assert store.cached_zoom_user("bo@x.com", 60) == (True, None)
    assert store.cached_zoom_user("cy@x.com", 60) == (False, None)


def test_a_key_is_claimed_once_and_a_window_lets_it_be_reused_later():
    clock = Clock()
    store = Store(":memory:", clock=clock)
    assert store.claim_request("command:T1") is None
    assert store.claim_request("command:T1")["key"] == "command:T1"
    store.settle_request("command:T1", state="posted", meeting_id=5)
    assert store.claim_request("command:T1")["meeting_id"] == 5
    assert store.claim_request("shortcut:U:C:1", window=60) is None
    clock.now += 30
    assert store.claim_request("shortcut:U:C:1", window=60) is not None
    clock.now += 61
    assert store.claim_request("shortcut:U:C:1", window=60) is None


def test_meetings_and_mappings_are_plain_dicts():
    store = Store(":memory:")
    store.record_meeting({"zoom_id": 81234567890, "topic": "x", "requester": "U1"})
    store.update_meeting(81234567890, state="posted", message_ts="1.2")
    row = store.meeting(81234567890)
    assert row["state"] == "posted" and row["message_ts"] == "1.2"
    assert [m["zoom_id"] for m in store.meetings_by("U1")] == [81234567890]
    store.set_host_mapping("U1", "a@x.com", "U9")
    assert store.host_mapping("U1")["set_by"] == "U9"
    assert store.host_mapping("U2") is None


def test_checkpoints_happen_off_the_callers_thread(tmp_path):
    """Automatic checkpoints (which fsync) are off on the store's connection, whose methods
    run on the event loop; the checkpointer's thread copies the log into the file instead."""
    import time

    path = tmp_path / "z.db"
    store = Store(path)
    try:
        assert store.db.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0
        size = path.stat().st_size
        for n in range(200):
            store.claim_request(f"key-{n}-" + "x" * 200)
        deadline = time.monotonic() + 10
        while path.stat().st_size <= size and time.monotonic() < deadline:
            time.sleep(0.05)
        assert path.stat().st_size > size, "nothing was checkpointed into the database file"
    finally:
        store.close()
    # Closing checkpoints the rest and removes the log.
    assert not (tmp_path / "z.db-wal").exists()
    assert sqlite3.connect(path).execute("SELECT count(*) FROM requests").fetchone()[0] == 200


def test_the_start_up_reconcile_reads_only_the_unsettled_requests(tmp_path):
    """Store calls run on the event loop: the reconcile's query uses the v6 partial index
    instead of reading every request ever made."""
    store = Store(tmp_path / "z.db")
    try:
        plan = store.db.execute("EXPLAIN QUERY PLAN " + UNSETTLED_CREATES, ["me"]).fetchall()
        assert "requests_unsettled" in " ".join(str(row) for row in plan)
        for n in range(50):
            store.claim_request(f"done-{n}")
            store.settle_request(f"done-{n}", state="refused")
        store.claim_request("open")
        store.note_create_started(
            "open", {"create_started_at": "2026-11-29T00:00:00Z", "create_owner": "other"}
        )
        assert [r["key"] for r in store.unsettled_creates("me")] == ["open"]
    finally:
        store.close()

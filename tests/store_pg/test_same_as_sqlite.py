"""The same calls on the SQLite store and the PostgreSQL store give the same answers: keys,
values and their types. This is what lets callers not care which backend they have."""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from bot.store import SQLiteStore
from bot.store.protocol import OccurrenceChange
from tests.store_pg.conftest import Clock

NOW_ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
# Columns the stores fill with the wall clock's "now" (to the second): compared by shape.
STAMPED = {"set_at", "created_at", "updated_at"}

Call = Callable[..., Awaitable[Any]]


def _plain(value: Any) -> Any:
    """`value` with wall-clock stamps replaced by a marker (after checking their shape)."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key in STAMPED and isinstance(item, str):
                assert NOW_ISO.match(item), (key, item)
                item = "<now>"
            out[key] = _plain(item)
        return out
    if isinstance(value, list | tuple):
        return type(value)(_plain(v) for v in value)
    return value


def _typed(value: Any) -> Any:
    """`value` with each leaf paired with its type: 1 and 1.0 and True must not pass as
    one another."""
    if isinstance(value, dict):
        return {k: _typed(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [type(value).__name__, *(_typed(v) for v in value)]
    return (type(value).__name__, value)


async def scenario(call: Call, clock: Clock) -> list[tuple[str, Any]]:
    """Every store method, with answers recorded as (label, answer)."""
    seen: list[tuple[str, Any]] = []

    async def rec(label: str, name: str, *args: Any, **kwargs: Any) -> Any:
        answer = await call(name, *args, **kwargs)
        seen.append((label, answer))
        return answer

    # host mappings
    await rec("no mapping", "host_mapping", "U1")
    await rec("set mapping", "set_host_mapping", "U1", "a@x.com", "U9")
    await rec("set again", "set_host_mapping", "U1", "b@x.com", "U8")
    await rec("mapping", "host_mapping", "U1")
    # caches
    await rec(
        "cache slack", "cache_slack_user", "U1", {"id": "U1", "tz": "UTC", "is_restricted": True}
    )
    await rec("slack hit", "cached_slack_user", "U1", 3600)
    clock.now += 10
    await rec("slack stale", "cached_slack_user", "U1", 5)
    await rec("slack missing", "cached_slack_user", "U2", 5)
    await rec("cache zoom", "cache_zoom_user", "Ana@X.com", {"id": "z1", "type": 2})
    await rec("zoom hit", "cached_zoom_user", "ana@x.com", 60)
    await rec("cache not a user", "cache_zoom_user", "bo@x.com", None)
    await rec("zoom none", "cached_zoom_user", "BO@x.com", 60)
    await rec("zoom miss", "cached_zoom_user", "cy@x.com", 60)
    await rec("forget", "forget_zoom_user", "ANA@x.com")
    await rec("zoom forgotten", "cached_zoom_user", "ana@x.com", 60)
    # idempotency keys
    await rec("claim", "claim_request", "command:T1")
    await rec("claim again", "claim_request", "command:T1")
    await rec("settle", "settle_request", "command:T1", state="posted", meeting_id=5)
    await rec("claim settled", "claim_request", "command:T1")
    await rec("request", "request", "command:T1")
    await rec("no request", "request", "command:nope")
    await rec("claim window", "claim_request", "shortcut:U:C:1", window=60)
    clock.now += 30
    await rec("within window", "claim_request", "shortcut:U:C:1", window=60)
    clock.now += 61
    await rec("after window", "claim_request", "shortcut:U:C:1", window=60)
    await rec("claim to fail", "claim_request", "modal:V1")
    await rec("fail", "settle_request", "modal:V1", state="failed")
    await rec("claim after failure", "claim_request", "modal:V1")
    await rec("claim refused", "claim_request", "modal:V2")
    await rec("refuse", "settle_request", "modal:V2", state="refused")
    await rec("claim after refusal", "claim_request", "modal:V2")
    # a create's intent, and creates left unsettled
    await rec("claim k3", "claim_request", "command:K3")
    intent = {
        "kind": "command",
        "requester": "U1",
        "channel": "C1",
        "thread_ts": None,
        "response_url": "https://hooks.slack.com/commands/T0/1/abc",
        "host_zoom_id": "zid",
        "host_email": "a@x.com",
        "host_name": "Ana",
        "host_found_by": "mapping",
        "request": json.dumps({"topic": "Design review", "type": 2, "duration": 45}),
        "create_started_at": "2026-12-01T00:00:01Z",
        "create_owner": "earlier-run",
    }
    await rec("note", "note_create_started", "command:K3", intent)
    await rec("claim k4", "claim_request", "command:K4")
    await rec(
        "note k4",
        "note_create_started",
        "command:K4",
        {**intent, "create_started_at": "2026-12-01T00:00:00Z"},
    )
    await rec("claim mine", "claim_request", "command:K5")
    await rec("note mine", "note_create_started", "command:K5", {**intent, "create_owner": "me"})
    await rec("unsettled", "unsettled_creates", "me")
    await rec("unsettled again", "unsettled_creates", "me")
    # meetings
    meeting = {
        "zoom_id": 81234567890,
        "uuid": "abc==",
        "topic": "Design review",
        "type": 2,
        "start_time": "2026-12-02T15:00:00Z",
        "duration": 45,
        "timezone": "America/Denver",
        "host_zoom_id": "zid",
        "host_email": "a@x.com",
        "requester": "U1",
        "channel": "C1",
        "request_key": "command:K3",
        "join_url": "https://zoom.us/j/81234567890",
        "passcode": "pc-123456",
        "show_passcode": True,
        "host_name": "Ana",
        "recurrence": None,
        "occurrences": json.dumps([]),
    }
    await rec("record", "record_meeting", meeting)
    await rec("meeting", "meeting", 81234567890)
    await rec("no meeting", "meeting", 1)
    await rec(
        "update",
        "update_meeting",
        81234567890,
        status="live",
        started_at="2026-12-02T15:01:00Z",
        status_event_ts=1_800_000_000_123,
        show_passcode=0,
    )
    await rec("updated", "meeting", 81234567890)
    await rec(
        "record created",
        "record_created",
        {**meeting, "zoom_id": 81234567891, "invited": "U2 U3"},
        "command:K4",
    )
    await rec("k4", "request", "command:K4")
    await rec(
        "record created with its reminder",
        "record_created",
        {**meeting, "zoom_id": 81234567892},
        "command:K5",
        reminder={"minutes": 10, "state": "pending", "check_at": 1.5e9, "broadcast_done": 0},
    )
    assert (await rec("its reminder", "reminder", 81234567892))["state"] == "pending"
    await rec("by requester", "meetings_by", "U1")
    await rec("by nobody", "meetings_by", "U404")
    # posts made once in a thread; registrants (bot/flows/recordings.py, registration.py)
    await rec("no thread post", "thread_post", "recording:81234567890:u1")
    await rec("thread post", "record_thread_post", "recording:81234567890:u1", 81234567890, "1.2")
    await rec("post again", "record_thread_post", "recording:81234567890:u1", 81234567890, "1.3")
    await rec("thread post read", "thread_post", "recording:81234567890:u1")
    await rec("no registrant", "registrant", 81234567890, "U1")
    await rec(
        "register",
        "save_registrant",
        81234567890,
        "U1",
        registrant_id="r1",
        status="pending",
        person_name="Ana",
    )
    await rec("approve", "save_registrant", 81234567890, "U1", status="approved")
    await rec("registrant", "registrant", 81234567890, "U1")
    await rec("registrant by id", "registrant_by_id", 81234567890, "r1")
    await rec("no registrant by id", "registrant_by_id", 81234567890, "r2")
    await rec("registration", "update_meeting", 81234567890, registration='{"approval_type":1}')
    await rec("meeting with registration", "meeting", 81234567890)
    await rec("unsettled with a created one", "unsettled_creates", "me")
    # the outbox
    message = {"text": "Design review", "blocks": [{"type": "section"}]}
    entry = {
        "meeting_id": 81234567891,
        "request_key": "command:K4",
        "requester": "U1",
        "channel": "C1",
        "thread_ts": None,
        "response_url": "https://hooks.slack.com/commands/T0/1/abc",
        "response_url_until": clock.now + 1800,
        "message": message,
        "fallback": {"text": "link", "ref": "ZB-AAAA"},
        "next_attempt_at": clock.now,
        "expires_at": clock.now + 3600,
    }
    first = await rec("add", "add_to_outbox", entry)
    await rec("entry", "outbox_entry", first)
    await rec("no entry", "outbox_entry", 999)
    await rec("unsettled once queued", "unsettled_creates", "me")
    await rec(
        "attempted",
        "outbox_attempted",
        first,
        attempts=1,
        next_attempt_at=clock.now + 1,
        error="ratelimited",
    )
    second = await rec(
        "add string json",
        "add_to_outbox",
        {**entry, "meeting_id": 81234567890, "request_key": "command:K3", "message": "{}"},
    )
    await rec("entries", "outbox_entries")
    await rec("entries of one", "outbox_entries", meeting_id=81234567890)
    await rec("taken", "take_pending_outbox", "me")
    await rec("taken again", "take_pending_outbox", "me")
    # The one deliberate difference: SQLite hands "someone" the entries "me" just took (one
    # process per file: "me" must be an earlier run), PostgreSQL not while me's lease lives
    # (test_shared.py). Once the leases lapse the two agree again.
    clock.now += 10_000
    await rec("by another later", "take_pending_outbox", "later")
    quiet = await rec(
        "posted",
        "outbox_posted",
        first,
        channel="C1",
        ts="1.000100",
        via="chat.postMessage",
        attempts=2,
    )
    assert quiet is None  # no Zoom event came before it
    # A Zoom event that came before the post: its status comes back with the post's record.
    await rec("started before posting", "update_meeting", 81234567892, status="started")
    third = await rec(
        "add third", "add_to_outbox", {**entry, "meeting_id": 81234567892, "request_key": ""}
    )
    live = await rec(
        "posted after a start",
        "outbox_posted",
        third,
        channel="C1",
        ts="1.000200",
        via="chat.postMessage",
        attempts=1,
    )
    assert live == "started"
    await rec("posted entry", "outbox_entry", first)
    await rec("posted meeting", "meeting", 81234567891)
    await rec("posted request", "request", "command:K4")
    await rec("posted unknown", "outbox_posted", 999, channel=None, ts=None, via="x", attempts=1)
    await rec("failed", "outbox_failed", second, error="channel_not_found", attempts=3)
    await rec("failed entry", "outbox_entry", second)
    await rec("people", "set_preferences", "U1", use_pmi=True, work_start="06:00", work_end="17:00")
    await rec("failed request", "request", "command:K3")
    await rec("all entries", "outbox_entries")
    # live meetings
    await rec("first delivery", "first_delivery", "d1")
    await rec("repeat delivery", "first_delivery", "d1")
    await rec("join", "participant_joined", 81234567890, "p1", "2026-12-02T15:01:00Z")
    await rec("join 2", "participant_joined", 81234567890, "p2", "2026-12-02T15:02:00Z")
    await rec("count", "participant_count", 81234567890)
    await rec("leave before join", "participant_left", 81234567890, "p3", "2026-12-02T15:05:00Z")
    await rec("late join", "participant_joined", 81234567890, "p3", "2026-12-02T15:04:00Z")
    await rec("leave", "participant_left", 81234567890, "p1", "2026-12-02T15:06:00Z")
    await rec("count after", "participant_count", 81234567890)
    await rec("rejoin", "participant_joined", 81234567890, "p1", "2026-12-02T15:07:00Z")
    await rec("count rejoined", "participant_count", 81234567890)
    await rec("forget", "forget_participants", 81234567890)
    await rec("count forgotten", "participant_count", 81234567890)
    # preferences
    await rec("no preferences", "preferences", "U1")
    await rec("set duration", "set_preferences", "U1", duration=45)
    await rec("set more", "set_preferences", "U1", waiting_room=True, post_passcode=False)
    await rec("preferences", "preferences", "U1")
    # moves and skips (issue 15): a later change keeps the first original start
    await rec("no changes", "occurrence_changes", 42)
    by = ("U1", "2031-03-01T10:00:00+00:00")
    start = "2031-03-04T15:00:00+00:00", "2031-03-04T16:00:00+00:00", "2031-03-05T09:00:00+00:00"
    moved = OccurrenceChange(42, "", "moved", start[0], start[1], 30, *by)
    await rec("move meeting", "change_occurrence", moved)
    moved = OccurrenceChange(42, "", "moved", start[1], start[2], 45, *by)
    await rec("move again", "change_occurrence", moved)
    skipped = OccurrenceChange(42, "1930000000000", "skipped", start[2], None, None, *by)
    await rec("skip one", "change_occurrence", skipped)
    changes = await rec("changes", "occurrence_changes", 42)
    assert [c["occurrence_id"] for c in changes] == ["", "1930000000000"]
    assert changes[0]["original_start"] == "2031-03-04T15:00:00+00:00"
    assert changes[0]["new_duration"] == 45
    return seen


@pytest.fixture
def sqlite_answers(tmp_path):
    async def run() -> list[tuple[str, Any]]:
        clock = Clock()
        store = SQLiteStore(tmp_path / "zoombot.db", clock=clock)

        async def call(name: str, *args: Any, **kwargs: Any) -> Any:
            return await getattr(store, name)(*args, **kwargs)

        try:
            return await scenario(call, clock)
        finally:
            await store.aclose()

    return run


async def test_every_method_answers_as_the_sqlite_store_does(open_pg, sqlite_answers):
    clock = Clock()
    pg = await open_pg(clock=clock)

    async def call(name: str, *args: Any, **kwargs: Any) -> Any:
        return await getattr(pg, name)(*args, **kwargs)

    expected = _plain(await sqlite_answers())
    got = _plain(await scenario(call, clock))
    assert [label for label, _ in got] == [label for label, _ in expected]
    for (label, answer), (_, want) in zip(got, expected, strict=True):
        assert _typed(answer) == _typed(want), label
        if isinstance(want, dict):
            assert list(answer) == list(want), f"{label}: key order"

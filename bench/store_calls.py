"""The store calls on a `/zoom` command's path, with the rows they write, as bench/store.py
(SQLite) and bench/store_pg.py (PostgreSQL) time them: `command_calls(store, outbox_ids)`
gives each call's name and a function of the call's number `i` that makes it."""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

FIRST_MEETING = 80_000_000_000

INTENT = {
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
MESSAGE = {"text": "x" * 300, "blocks": [{"type": "section", "text": {"text": "y" * 900}}]}

Call = Callable[[int], Awaitable[Any]]


def meeting_row(i: int) -> dict[str, Any]:
    """The `i`th meeting as the create flow records it."""
    return {
        "zoom_id": FIRST_MEETING + i,
        "topic": "design review",
        "type": 2,
        "start_time": "2026-11-30T15:00:00Z",
        "duration": 30,
        "timezone": "UTC",
        "host_email": "bench@example.com",
        "requester": "U0BENCH",
        "channel": "C0BENCH",
        "request_key": f"command:bench-{i}",
        "join_url": f"https://zoom.us/j/{FIRST_MEETING + i}",
        "passcode": "123456",
    }


def outbox_entry(i: int) -> dict[str, Any]:
    """The `i`th meeting's post, as the create flow puts it in the outbox."""
    return {
        "meeting_id": FIRST_MEETING + i,
        "request_key": f"command:bench-{i}",
        "requester": "U0BENCH",
        "channel": "C0BENCH",
        "thread_ts": None,
        "response_url": "https://hooks.slack.com/commands/T0/1/abc",
        "response_url_until": time.time() + 1800,
        "message": MESSAGE,
        "fallback": MESSAGE,
        "next_attempt_at": time.time(),
        "expires_at": time.time() + 3600,
        "owner": "bench",
    }


def command_calls(store: Any, outbox_ids: list[int]) -> list[tuple[str, Call]]:
    """A command's store calls in the order it makes them (`outbox_ids` collects the outbox
    ids `add_to_outbox` returns, for `outbox_posted`)."""

    async def add_to_outbox(i: int) -> None:
        outbox_ids.append(await store.add_to_outbox(outbox_entry(i)))

    return [
        ("claim_request (write)", lambda i: store.claim_request(f"command:bench-{i}")),
        (
            "note_create_started (write)",
            lambda i: store.note_create_started(f"command:bench-{i}", INTENT),
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
        ("meeting (read by key)", lambda i: store.meeting(FIRST_MEETING + i)),
        ("preferences (read)", lambda i: store.preferences("U0BENCH")),
    ]

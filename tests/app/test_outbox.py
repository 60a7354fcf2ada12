"""The outbox and the retry loop in-process: the schedule, giving up, taking over what an
earlier run left. Against the fake Slack over real HTTP, with a shortened retry policy."""

from __future__ import annotations

from pathlib import Path

import aiohttp
import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.posting import Delivery, Poster, RetryPolicy
from bot.store import SQLiteStore
from tests.fakes.slack import DEFAULT_CHANNEL, server_error

QUICK = RetryPolicy(first_wait=0.02, max_wait=0.05, post_for=0.4)
MESSAGE = {"text": "Zoom meeting: Standup. Join: https://zoom.example/j/1"}
FALLBACK = {"text": "I created the meeting but could not post it. Join: https://zoom.example/j/1"}


def test_the_retry_schedule_doubles_from_one_second_capped_at_thirty():
    policy = RetryPolicy()
    assert [policy.wait(n, None) for n in range(1, 8)] == [1, 2, 4, 8, 16, 30, 30]
    assert policy.wait(3, 7.0) == 7.0  # Retry-After wins
    assert policy.wait(1, 10_000.0) == policy.max_retry_after


@pytest.fixture
def store(tmp_path: Path):
    s = SQLiteStore(tmp_path / "zoombot.db")
    yield s
    s.close()


@pytest.fixture
async def clients(fake_slack):
    slack = AsyncWebClient(token=fake_slack.bot_token, base_url=fake_slack.api_url, timeout=5)
    async with aiohttp.ClientSession() as http:
        yield slack, http


def delivery(key: str, response_url: str | None = None) -> Delivery:
    return Delivery(
        meeting_id=81234567890,
        requester="U0REQUESTER",
        channel=DEFAULT_CHANNEL,
        message=MESSAGE,
        fallback=FALLBACK,
        request_key=key,
        response_url=response_url,
        ref="ZB-TEST",
    )


async def test_posting_gives_up_at_expiry_and_tells_the_requester(fake_slack, store, clients):
    slack, http = clients
    fake_slack.script("chat.postMessage", *[server_error(503)] * 100)
    await store.claim_request("command:T1")
    url = fake_slack.new_response_url()
    poster = Poster(slack, http, store=store, retry=QUICK)
    assert await poster.deliver(delivery("command:T1", url)) is None
    assert len(fake_slack.calls_to("chat.postMessage")) >= 3  # retried until the expiry
    [entry] = await store.outbox_entries()
    assert entry["state"] == "failed" and entry["last_error"] == "HTTP 503"
    assert entry["attempts"] == len(fake_slack.calls_to("chat.postMessage"))
    [note] = fake_slack.responses(url)
    assert note["response_type"] == "ephemeral"
    assert "https://zoom.example/j/1" in note["text"]
    assert (await store.claim_request("command:T1"))["state"] == "not_posted"


async def test_what_an_earlier_run_left_is_taken_over_once(fake_slack, store, clients):
    slack, http = clients
    await store.record_meeting({"zoom_id": 81234567890, "requester": "U0REQUESTER", "topic": "x"})
    await store.claim_request("command:T2")
    earlier = Poster(slack, http, store=store, retry=QUICK)
    await store.add_to_outbox(
        {
            "meeting_id": 81234567890,
            "request_key": "command:T2",
            "requester": "U0REQUESTER",
            "channel": DEFAULT_CHANNEL,
            "message": MESSAGE,
            "fallback": FALLBACK,
            "next_attempt_at": 0.0,
            "expires_at": 4e9,
            "owner": earlier.owner,
        }
    )
    # The earlier run's own entries are its business.
    assert await store.take_pending_outbox(earlier.owner) == []
    now = Poster(slack, http, store=store, retry=QUICK)
    assert await now.deliver_pending() == 1
    assert await now.deliver_pending() == 0
    [post] = fake_slack.calls_to("chat.postMessage")
    assert post.params["text"] == MESSAGE["text"]
    [entry] = await store.outbox_entries()
    assert entry["state"] == "posted" and entry["posted_ts"]
    assert (await store.meeting(81234567890))["state"] == "posted"
    assert (await store.claim_request("command:T2"))["state"] == "posted"


async def test_an_entry_posted_by_a_run_killed_before_marking_it_is_not_posted_again(
    fake_slack, store, clients
):
    """A SIGKILL inside chat.postMessage: the message landed, the entry still says pending
    with 0 attempts. The next start finds it in the channel's history and records it."""
    slack, http = clients
    await store.record_meeting({"zoom_id": 81234567890, "requester": "U0REQUESTER", "topic": "x"})
    await store.claim_request("command:T3")
    earlier = Poster(slack, http, store=store, retry=QUICK)
    entry = {
        "meeting_id": 81234567890,
        "request_key": "command:T3",
        "requester": "U0REQUESTER",
        "channel": DEFAULT_CHANNEL,
        "message": MESSAGE,
        "fallback": FALLBACK,
        "next_attempt_at": 0.0,
        "expires_at": 4e9,
        "owner": earlier.owner,
    }
    entry["id"] = await store.add_to_outbox(entry)
    # What the killed run sent; it never wrote the attempt down.
    landed = await earlier.post_meeting(DEFAULT_CHANNEL, MESSAGE, metadata=Poster._metadata(entry))
    [row] = await store.outbox_entries()
    assert row["state"] == "pending" and not row["attempts"]
    now = Poster(slack, http, store=store, retry=QUICK)
    assert await now.deliver_pending() == 1
    assert len(fake_slack.calls_to("chat.postMessage")) == 1  # not a second copy
    [row] = await store.outbox_entries()
    assert row["state"] == "posted" and row["posted_ts"] == landed.ts


async def test_an_entry_a_killed_run_never_sent_is_posted_by_the_next_start(
    fake_slack, store, clients
):
    """At least once: the look-up finds nothing, so the next start posts it."""
    slack, http = clients
    await store.claim_request("command:T4")
    await store.add_to_outbox(
        {
            "meeting_id": 81234567890,
            "request_key": "command:T4",
            "requester": "U0REQUESTER",
            "channel": DEFAULT_CHANNEL,
            "message": MESSAGE,
            "fallback": FALLBACK,
            "next_attempt_at": 0.0,
            "expires_at": 4e9,
            "owner": "an-earlier-run",
        }
    )
    now = Poster(slack, http, store=store, retry=QUICK)
    assert await now.deliver_pending() == 1
    assert len(fake_slack.calls_to("conversations.history")) == 1
    [post] = fake_slack.calls_to("chat.postMessage")
    assert post.params["text"] == MESSAGE["text"]
    [row] = await store.outbox_entries()
    assert row["state"] == "posted"


async def test_a_refused_request_may_be_asked_again_but_a_created_one_may_not(store):
    assert await store.claim_request("k1") is None
    await store.settle_request("k1", state="refused")
    assert await store.claim_request("k1") is None  # refused: nothing was made
    await store.settle_request("k1", state="created", meeting_id=5)
    assert (await store.claim_request("k1"))["meeting_id"] == 5

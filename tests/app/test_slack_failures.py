"""Slack misbehaving, in process: every shape of failure becomes one typed `PostFailed`, the
client's retry handlers re-send only what is safe, `chat.update` is retried, the outbox row
records every failed attempt before the wait, and a post Slack was slow to answer is looked
up instead of re-sent."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import ZoombotError
from bot.posting import EVENT_TYPE, Delivery, Poster, PostFailed, RetryPolicy
from bot.slack.failures import checked, retry_handlers
from bot.store import SQLiteStore
from tests.fakes.slack import (
    DEFAULT_CHANNEL,
    SlackAnswer,
    mislabelled,
    plain_text,
    ratelimited,
    server_error,
    slack_error,
    slow_but_done,
)

MESSAGE = {"text": "Zoom meeting: Standup. Join: https://zoom.example/j/1"}
FALLBACK = {"text": "I created the meeting but could not post it. Join: https://zoom.example/j/1"}


def client(fake_slack, *, timeout: float = 5.0, handlers: bool = True) -> AsyncWebClient:
    return AsyncWebClient(
        token=fake_slack.bot_token,
        base_url=fake_slack.api_url,
        timeout=timeout,  # type: ignore[arg-type]
        retry_handlers=retry_handlers() if handlers else [],
    )


async def failure_of(call: Any) -> PostFailed:
    with pytest.raises(PostFailed) as caught:
        await checked(call)
    return caught.value


@pytest.fixture
def store(tmp_path: Path):
    s = SQLiteStore(tmp_path / "zoombot.db")
    yield s
    s.close()


@pytest.fixture
async def http():
    async with aiohttp.ClientSession() as session:
        yield session


def delivery(meeting_id: int = 81234567890, key: str | None = None) -> Delivery:
    return Delivery(
        meeting_id=meeting_id,
        requester="U0REQUESTER",
        channel=DEFAULT_CHANNEL,
        message=MESSAGE,
        fallback=FALLBACK,
        request_key=key,
        ref="ZB-TEST",
    )


def copies(fake_slack) -> list[dict[str, Any]]:
    return [
        m
        for m in fake_slack.channel_messages(DEFAULT_CHANNEL)
        if "zoom.example/j/1" in str(m.get("text"))
    ]


# -- one classification ------------------------------------------------------------------


async def test_a_plain_text_503_is_a_typed_retryable_failure(fake_slack):
    fake_slack.script("users.info", *[plain_text(503)] * 5)
    failure = await failure_of(client(fake_slack).users_info(user="U1"))
    assert isinstance(failure, ZoombotError) and failure.sentence
    assert failure.retryable and failure.status == 503 and failure.error == "HTTP 503"
    assert failure.code is None
    # Safe to log: no body in the description.
    assert "upstream" not in failure.error


async def test_an_html_body_labelled_json_reports_its_real_status(fake_slack):
    fake_slack.script("chat.postMessage", mislabelled(500))
    failure = await failure_of(
        client(fake_slack).chat_postMessage(channel=DEFAULT_CHANNEL, text="x")
    )
    assert failure.status == 500 and failure.error == "HTTP 500"
    assert failure.retryable and failure.uncertain
    assert "<html>" not in repr(failure)


@pytest.mark.parametrize(
    "answer",
    [mislabelled(200), plain_text(200, "ok"), SlackAnswer(body={"unexpected": True})],
    ids=["html-labelled-json", "plain-text", "json-not-slack"],
)
async def test_a_200_that_is_not_slack_json_is_slack_failing(fake_slack, answer):
    fake_slack.script("views.publish", answer)
    failure = await failure_of(
        client(fake_slack, handlers=False).views_publish(
            user_id="U1", view={"type": "home", "blocks": []}
        )
    )
    assert failure.retryable and failure.uncertain and failure.status == 200


async def test_slack_errors_rate_limits_and_timeouts(fake_slack):
    slack = client(fake_slack, timeout=0.5)
    fake_slack.script("chat.postMessage", slack_error("channel_not_found"))
    failure = await failure_of(slack.chat_postMessage(channel=DEFAULT_CHANNEL, text="x"))
    assert failure.code == "channel_not_found" and not failure.retryable
    # A long Retry-After is the caller's to honour (the client waits out only short ones).
    fake_slack.script("chat.postMessage", ratelimited(retry_after=30))
    failure = await failure_of(slack.chat_postMessage(channel=DEFAULT_CHANNEL, text="x"))
    assert failure.retryable and failure.retry_after == 30 and not failure.uncertain
    fake_slack.script("chat.postMessage", slow_but_done(1.5))
    failure = await failure_of(slack.chat_postMessage(channel=DEFAULT_CHANNEL, text="x"))
    assert failure.retryable and failure.uncertain and failure.error == "timed out"


# -- the client's retry handlers ---------------------------------------------------------


async def test_the_client_retries_reads_but_never_resends_a_post(fake_slack):
    fake_slack.add_user("U1")
    slack = client(fake_slack)
    fake_slack.script("users.info", plain_text(503), mislabelled(502))
    answer = await slack.users_info(user="U1")
    assert answer["user"]["id"] == "U1"
    assert len(fake_slack.calls_to("users.info")) == 3
    fake_slack.script("chat.postMessage", mislabelled(500))
    await failure_of(slack.chat_postMessage(channel=DEFAULT_CHANNEL, text="x"))
    assert len(fake_slack.calls_to("chat.postMessage")) == 1
    # A short 429 is waited out for any method: Slack did nothing.
    fake_slack.script("chat.postMessage", ratelimited(retry_after=1))
    await slack.chat_postMessage(channel=DEFAULT_CHANNEL, text="x")
    first, second = fake_slack.calls_to("chat.postMessage")[1:]
    assert second.at - first.at >= 0.9


# -- Poster ------------------------------------------------------------------------------


async def test_open_view_with_a_plain_text_503_raises_post_failed(fake_slack, http):
    fake_slack.script("views.open", plain_text(503))
    poster = Poster(client(fake_slack, handlers=False), http)
    with pytest.raises(PostFailed) as caught:
        await poster.open_view(fake_slack.new_trigger_id(), {"type": "modal"})
    assert caught.value.error == "HTTP 503"


async def test_chat_update_is_retried_on_retryable_failures(fake_slack, http):
    slack = client(fake_slack, handlers=False)  # Poster's own retries, without the client's
    posted = await slack.chat_postMessage(channel=DEFAULT_CHANNEL, text="before")
    fake_slack.script("chat.update", plain_text(503), mislabelled(500), ratelimited(1))
    poster = Poster(slack, http, retry=RetryPolicy(first_wait=0.05, max_wait=0.1))
    await poster.update_message(DEFAULT_CHANNEL, posted["ts"], {"text": "after"})
    assert [c.status for c in fake_slack.calls_to("chat.update")] == [503, 500, 429, 200]
    [message] = fake_slack.channel_messages(DEFAULT_CHANNEL)
    assert message["text"] == "after"
    # A final refusal is not retried.
    fake_slack.script("chat.update", slack_error("message_not_found"))
    with pytest.raises(PostFailed):
        await poster.update_message(DEFAULT_CHANNEL, posted["ts"], {"text": "again"})
    assert len(fake_slack.calls_to("chat.update")) == 5


async def test_every_failed_attempt_is_written_to_the_outbox_before_the_wait(
    fake_slack, http, store
):
    fake_slack.script("chat.postMessage", server_error(503), ratelimited(30))
    poster = Poster(
        client(fake_slack, handlers=False),
        http,
        store=store,
        retry=RetryPolicy(first_wait=1.0, max_wait=1.0, max_retry_after=1.5),
    )
    task = asyncio.create_task(poster.deliver(delivery()))
    try:
        seen: list[tuple[int, str]] = []
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and len(seen) < 2:
            [entry] = await store.outbox_entries() or [{}]
            key = (entry.get("attempts") or 0, entry.get("last_error") or "")
            if key[0] and key not in seen:
                # Written while the poster waits: the next attempt is still ahead.
                assert entry["state"] == "pending"
                assert entry["next_attempt_at"] > time.time() - 0.2
                seen.append(key)
            await asyncio.sleep(0.02)
        assert seen == [(1, "HTTP 503"), (2, "ratelimited (HTTP 429)")]
        posted = await asyncio.wait_for(task, 10)
    finally:
        task.cancel()
    [entry] = await store.outbox_entries()
    assert entry["state"] == "posted" and entry["attempts"] == 3 and entry["posted_ts"] == posted.ts


async def test_a_post_slack_was_slow_to_answer_is_found_not_reposted(fake_slack, http, store):
    # The look-up comes 2 s after a 2 s timeout: the fake has recorded the post by then even
    # on a loaded machine (a post Slack records after the look-up is a second copy).
    fake_slack.slow_down("chat.postMessage", delay=6.0, seconds=30)
    poster = Poster(
        client(fake_slack, timeout=2.0),
        http,
        store=store,
        retry=RetryPolicy(first_wait=2.0, max_wait=2.0),
    )
    posted = await poster.deliver(delivery())
    [copy] = copies(fake_slack)
    assert posted is not None and posted.ts == copy["ts"]
    assert copy["metadata"]["event_type"] == EVENT_TYPE
    assert len(fake_slack.calls_to("chat.postMessage")) == 1
    [look] = fake_slack.calls_to("conversations.history")
    assert look.params["channel"] == DEFAULT_CHANNEL
    [entry] = await store.outbox_entries()
    assert entry["state"] == "posted" and entry["posted_ts"] == copy["ts"]


async def test_without_the_history_scope_a_slow_post_makes_at_most_two_copies(
    fake_slack, http, store
):
    fake_slack.missing_scopes = {"channels:history"}
    fake_slack.slow_down("chat.postMessage", delay=1.5, seconds=30)
    poster = Poster(
        client(fake_slack, timeout=0.5),
        http,
        store=store,
        retry=RetryPolicy(first_wait=0.1, max_wait=0.2),
    )
    await poster.deliver(delivery())
    assert len(copies(fake_slack)) == 2
    [entry] = await store.outbox_entries()
    assert entry["state"] == "posted"


async def test_a_look_up_that_finds_nothing_lets_the_post_go_again(fake_slack, http, store):
    # A 500 with an HTML page: maybe posted, so looked up; not there, so posted again.
    fake_slack.script("chat.postMessage", mislabelled(500))
    poster = Poster(client(fake_slack), http, store=store, retry=RetryPolicy(first_wait=0.1))
    posted = await poster.deliver(delivery())
    [copy] = copies(fake_slack)
    assert posted is not None and posted.ts == copy["ts"]
    assert [c.status for c in fake_slack.calls_to("chat.postMessage")] == [500, 200]
    assert len(fake_slack.calls_to("conversations.history")) == 1

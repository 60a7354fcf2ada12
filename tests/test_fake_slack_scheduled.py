"""The fake Slack's scheduled messages, as slack_sdk calls them: chat.scheduleMessage,
chat.deleteScheduledMessage, chat.scheduledMessages.list, and Slack's errors."""

from __future__ import annotations

import time

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from tests.fakes.slack import DEFAULT_CHANNEL, FakeSlack


@pytest.fixture
def client(fake_slack: FakeSlack) -> AsyncWebClient:
    return AsyncWebClient(token=fake_slack.bot_token, base_url=fake_slack.api_url, timeout=5)


async def error_of(call) -> str:
    with pytest.raises(SlackApiError) as raised:
        await call
    return raised.value.response["error"]


async def test_schedule_list_delete(fake_slack: FakeSlack, client: AsyncWebClient) -> None:
    post_at = int(time.time()) + 600
    answer = await client.chat_scheduleMessage(
        channel=DEFAULT_CHANNEL, post_at=post_at, text="soon", thread_ts="1.000100"
    )
    scheduled_id = answer["scheduled_message_id"]
    assert answer["post_at"] == post_at and answer["channel"] == DEFAULT_CHANNEL
    listed = await client.chat_scheduledMessages_list(channel=DEFAULT_CHANNEL)
    assert [(m["id"], m["post_at"]) for m in listed["scheduled_messages"]] == [
        (scheduled_id, post_at)
    ]
    assert fake_slack.scheduled_messages()[0]["thread_ts"] == "1.000100"
    await client.chat_deleteScheduledMessage(
        channel=DEFAULT_CHANNEL, scheduled_message_id=scheduled_id
    )
    assert fake_slack.scheduled_messages() == []
    again = client.chat_deleteScheduledMessage(
        channel=DEFAULT_CHANNEL, scheduled_message_id=scheduled_id
    )
    assert await error_of(again) == "invalid_scheduled_message_id"


async def test_slacks_refusals(fake_slack: FakeSlack, client: AsyncWebClient) -> None:
    now = int(time.time())
    past = client.chat_scheduleMessage(channel=DEFAULT_CHANNEL, post_at=now - 5, text="x")
    assert await error_of(past) == "time_in_past"
    far = client.chat_scheduleMessage(channel=DEFAULT_CHANNEL, post_at=now + 121 * 86400, text="x")
    assert await error_of(far) == "time_too_far"
    nowhere = client.chat_scheduleMessage(channel="C0NOWHERE", post_at=now + 60, text="x")
    assert await error_of(nowhere) == "channel_not_found"
    assert fake_slack.scheduled_messages() == []


async def test_a_scheduled_message_posts_when_told(fake_slack: FakeSlack, client) -> None:
    answer = await client.chat_scheduleMessage(
        channel=DEFAULT_CHANNEL, post_at=int(time.time()) + 60, text="now"
    )
    message = fake_slack.post_scheduled(answer["scheduled_message_id"])
    assert fake_slack.message(DEFAULT_CHANNEL, message["ts"])["text"] == "now"

"""The fake Slack's Calls API (tests/fakes/slack_calls.py) refuses what Slack refuses: it is
what the app's Slack Call card is tested against, so it must not accept app bugs."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from tests.fakes.slack import DEFAULT_CHANNEL, FakeSlack


@pytest.fixture
def client(fake_slack: FakeSlack) -> AsyncWebClient:
    fake_slack.add_user("U0ANA", name="ana", email="ana@example.com")
    return AsyncWebClient(token=fake_slack.bot_token, base_url=fake_slack.api_url)


async def error_of(call: Any) -> str:
    with pytest.raises(SlackApiError) as caught:
        await call
    return caught.value.response["error"]


async def test_calls_add_needs_its_arguments_and_a_real_creator(client):
    assert await error_of(client.calls_add(external_unique_id="1", join_url="")) == (
        "invalid_arguments"
    )
    # A bot token names who made the call.
    assert await error_of(client.calls_add(external_unique_id="1", join_url="https://j")) == (
        "invalid_arguments"
    )
    nobody = client.calls_add(external_unique_id="1", join_url="https://j", created_by="U0NOBODY")
    assert await error_of(nobody) == "user_not_found"
    added = await client.calls_add(
        external_unique_id="1", join_url="https://j", created_by="U0ANA", title="Sync"
    )
    call = added["call"]
    assert call["id"].startswith("R") and call["title"] == "Sync" and call["users"] == []
    info = await client.calls_info(id=call["id"])
    assert info["call"]["join_url"] == "https://j"


async def test_participants_are_slack_users_or_named_external_ones(client, fake_slack):
    call_id = (
        await client.calls_add(external_unique_id="2", join_url="https://j", created_by="U0ANA")
    )["call"]["id"]
    assert await error_of(client.calls_participants_add(id=call_id, users=[])) == "invalid_users"
    nameless = client.calls_participants_add(id=call_id, users=[{"external_id": "x"}])
    assert await error_of(nameless) == "invalid_users"
    ghost = client.calls_participants_add(id=call_id, users=[{"slack_id": "U0GHOST"}])
    assert await error_of(ghost) == "user_not_found"
    unknown = client.calls_participants_add(id="R0NONE", users=[{"slack_id": "U0ANA"}])
    assert await error_of(unknown) == "invalid_call_id"
    guest = {"external_id": "p1", "display_name": "Guest"}
    await client.calls_participants_add(id=call_id, users=[{"slack_id": "U0ANA"}, guest])
    assert len(fake_slack.slack_calls.calls[call_id]["users"]) == 2
    await client.calls_participants_remove(id=call_id, users=[guest])
    assert fake_slack.slack_calls.calls[call_id]["users"] == [{"slack_id": "U0ANA"}]


async def test_an_ended_call_takes_no_more_changes(client, fake_slack):
    call_id = (
        await client.calls_add(external_unique_id="3", join_url="https://j", created_by="U0ANA")
    )["call"]["id"]
    await client.calls_end(id=call_id, duration=90)
    assert fake_slack.slack_calls.calls[call_id]["duration"] == 90
    assert await error_of(client.calls_end(id=call_id)) == "inactive_call"
    assert await error_of(client.calls_update(id=call_id, title="x")) == "inactive_call"
    add = client.calls_participants_add(id=call_id, users=[{"slack_id": "U0ANA"}])
    assert await error_of(add) == "inactive_call"


async def test_a_call_block_must_name_a_known_call(client):
    call_id = (
        await client.calls_add(external_unique_id="4", join_url="https://j", created_by="U0ANA")
    )["call"]["id"]
    posted = await client.chat_postMessage(
        channel=DEFAULT_CHANNEL, text="t", blocks=[{"type": "call", "call_id": call_id}]
    )
    assert posted["ok"]
    bad = client.chat_postMessage(
        channel=DEFAULT_CHANNEL, text="t", blocks=[{"type": "call", "call_id": "R0NONE"}]
    )
    assert await error_of(bad) == "invalid_blocks"
    empty = client.chat_postMessage(channel=DEFAULT_CHANNEL, text="t", blocks=[{"type": "call"}])
    assert await error_of(empty) == "invalid_blocks"


async def test_without_the_scope_every_calls_method_says_missing_scope(client, fake_slack):
    fake_slack.missing_scopes.add("calls:write")
    add = client.calls_add(external_unique_id="5", join_url="https://j", created_by="U0ANA")
    assert await error_of(add) == "missing_scope"
    assert await error_of(client.calls_end(id="R1")) == "missing_scope"
    fake_slack.reset()  # the scope back, and a fresh fake
    fake_slack.add_user("U0ANA", name="ana")
    added = await client.calls_add(external_unique_id="5", join_url="https://j", created_by="U0ANA")
    assert added["ok"] and fake_slack.slack_calls.calls

"""The fake Slack speaks the Web API as slack_sdk uses it; the builders sign as Slack does.

The builders are checked against Bolt itself: a small Bolt app, served over real HTTP, must
accept the signed requests and hand its listeners the fields Slack would.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.routing import Route

from tests.fakes.app_process import AppFailedToStart, AppProcess
from tests.fakes.loopback import LoopbackServer
from tests.fakes.slack import (
    DEFAULT_CHANNEL,
    FakeSlack,
    SlackAnswer,
    mislabelled,
    plain_text,
    ratelimited,
    server_error,
    slack_error,
    slow_but_done,
)
from tests.fakes.slack_requests import (
    SlackSender,
    block_actions,
    global_shortcut,
    message_shortcut,
    signed_headers,
    slash_command_body,
    view_state,
    view_submission,
)


@pytest.fixture
def client(fake_slack: FakeSlack) -> AsyncWebClient:
    return AsyncWebClient(token=fake_slack.bot_token, base_url=fake_slack.api_url)


def modal(blocks: list[dict[str, Any]] | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": "schedule_meeting",
        "title": {"type": "plain_text", "text": "Schedule a meeting"},
        "submit": {"type": "plain_text", "text": "Schedule"},
        "blocks": blocks if blocks is not None else [],
        **extra,
    }


# -- Web API -----------------------------------------------------------------------------------


async def test_auth_test_names_the_bot(fake_slack: FakeSlack, client: AsyncWebClient) -> None:
    answer = await client.auth_test()
    assert answer["user_id"] == fake_slack.bot_user_id
    assert answer["bot_id"] == fake_slack.bot_id
    assert answer["team_id"] == fake_slack.team_id
    assert answer["url"].startswith("https://")


async def test_wrong_or_missing_token_is_refused(fake_slack: FakeSlack) -> None:
    wrong = AsyncWebClient(token="xoxb-wrong", base_url=fake_slack.api_url)
    with pytest.raises(SlackApiError) as e:
        await wrong.auth_test()
    assert e.value.response["error"] == "invalid_auth"
    async with httpx.AsyncClient() as http:
        answer = (await http.post(fake_slack.api_url + "auth.test")).json()
    assert answer == {"ok": False, "error": "not_authed"}


async def test_unknown_method(client: AsyncWebClient) -> None:
    with pytest.raises(SlackApiError) as e:
        await client.api_call("chat.sendCarrierPigeon")
    assert e.value.response["error"] == "unknown_method"


async def test_users_info_in_slacks_shape(fake_slack: FakeSlack, client: AsyncWebClient) -> None:
    fake_slack.add_user(
        "U123", name="ada", real_name="Ada Lovelace", email="ada@example.com",
        tz="Europe/Berlin", is_admin=True, is_restricted=True,
    )  # fmt: skip
    user = (await client.users_info(user="U123"))["user"]
    assert user["id"] == "U123"
    assert user["tz"] == "Europe/Berlin"
    assert user["tz_label"] in ("Central European Time", "CET", "CEST")
    assert user["tz_offset"] in (3600, 7200)
    assert user["profile"]["email"] == "ada@example.com"
    assert user["profile"]["real_name"] == "Ada Lovelace"
    assert user["is_admin"] is True and user["is_owner"] is False
    assert user["is_restricted"] is True and user["is_ultra_restricted"] is False
    assert user["deleted"] is False and user["is_bot"] is False
    with pytest.raises(SlackApiError) as e:
        await client.users_info(user="UNOBODY")
    assert e.value.response["error"] == "user_not_found"
    assert fake_slack.calls_to("users.info")[0].params["user"] == "U123"


async def test_a_zone_python_does_not_know_is_kept(
    fake_slack: FakeSlack, client: AsyncWebClient
) -> None:
    fake_slack.add_user("U1", tz="Mars/Olympus_Mons")
    user = (await client.users_info(user="U1"))["user"]
    assert user["tz"] == "Mars/Olympus_Mons"


async def test_lookup_by_email(fake_slack: FakeSlack, client: AsyncWebClient) -> None:
    fake_slack.add_user("U9", email="Grace@Example.com")
    assert (await client.users_lookupByEmail(email="grace@example.com"))["user"]["id"] == "U9"
    with pytest.raises(SlackApiError) as e:
        await client.users_lookupByEmail(email="nobody@example.com")
    assert e.value.response["error"] == "users_not_found"


async def test_post_message_records_and_answers_unique_ts(
    fake_slack: FakeSlack, client: AsyncWebClient
) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*Design review*"}}]
    first = await client.chat_postMessage(channel=DEFAULT_CHANNEL, text="Design", blocks=blocks)
    second = await client.chat_postMessage(channel=DEFAULT_CHANNEL, text="again")
    assert first["ts"] != second["ts"]
    assert first["channel"] == DEFAULT_CHANNEL
    assert first["message"]["blocks"] == blocks
    call = fake_slack.wait_for("chat.postMessage", lambda c: c.params["text"] == "Design")
    assert call.params["blocks"] == blocks
    assert call.headers["authorization"] == f"Bearer {fake_slack.bot_token}"
    assert call.answer["ts"] == first["ts"]
    assert [m["text"] for m in fake_slack.channel_messages(DEFAULT_CHANNEL)] == ["Design", "again"]


async def test_form_encoded_blocks_are_decoded(fake_slack: FakeSlack) -> None:
    blocks = [{"type": "divider"}]
    async with httpx.AsyncClient() as http:
        answer = await http.post(
            fake_slack.api_url + "chat.postMessage",
            data={"channel": DEFAULT_CHANNEL, "text": "x", "blocks": json.dumps(blocks)},
            headers={"Authorization": f"Bearer {fake_slack.bot_token}"},
        )
    assert answer.json()["ok"] is True
    assert fake_slack.calls_to("chat.postMessage")[0].params["blocks"] == blocks


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"channel": "CNOWHERE", "text": "x"}, "channel_not_found"),
        ({"channel": DEFAULT_CHANNEL}, "no_text"),
        ({"channel": DEFAULT_CHANNEL, "text": "x" * 40_001}, "msg_too_long"),
        (
            {"channel": DEFAULT_CHANNEL, "text": "x", "blocks": [{"type": "divider"}] * 51},
            "invalid_blocks",
        ),
        (
            {
                "channel": DEFAULT_CHANNEL,
                "text": "x",
                "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "y" * 3001}}],
            },
            "invalid_blocks",
        ),
        (
            {
                "channel": DEFAULT_CHANNEL,
                "text": "x",
                "blocks": [
                    {
                        "type": "actions",
                        "elements": [
                            {"type": "button", "text": {"type": "plain_text", "text": "b" * 76}}
                        ],
                    }
                ],
            },
            "invalid_blocks",
        ),
    ],
)
@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing:UserWarning")
async def test_post_message_rejects_what_slack_rejects(
    client: AsyncWebClient, kwargs: dict[str, Any], error: str
) -> None:
    with pytest.raises(SlackApiError) as e:
        await client.chat_postMessage(**kwargs)
    assert e.value.response["error"] == error


async def test_invalid_blocks_name_the_place(client: AsyncWebClient) -> None:
    with pytest.raises(SlackApiError) as e:
        await client.chat_postMessage(
            channel=DEFAULT_CHANNEL,
            text="x",
            blocks=[
                {"type": "divider"},
                {"type": "header", "text": {"type": "mrkdwn", "text": "h"}},
            ],
        )
    assert any("/blocks/1/text" in m for m in e.value.response["errors"])


async def test_where_the_bot_may_post(fake_slack: FakeSlack, client: AsyncWebClient) -> None:
    fake_slack.add_channel("CPUBLIC", name="random", bot_is_member=False)
    fake_slack.add_channel("GSECRET", name="secret", is_private=True, bot_is_member=False)
    fake_slack.add_channel("DSOMEONE", bot_is_member=False)
    fake_slack.add_user("U5")
    # chat:write.public lets it post to a public channel it is not in.
    assert (await client.chat_postMessage(channel="CPUBLIC", text="x"))["ok"]
    for private in ("GSECRET", "DSOMEONE"):
        with pytest.raises(SlackApiError) as e:
            await client.chat_postMessage(channel=private, text="x")
        assert e.value.response["error"] == "channel_not_found"
    fake_slack.can_write_public = False
    with pytest.raises(SlackApiError) as e:
        await client.chat_postMessage(channel="CPUBLIC", text="x")
    assert e.value.response["error"] == "not_in_channel"
    # A user id means the bot's DM with that user.
    dm = await client.chat_postMessage(channel="U5", text="psst")
    assert dm["channel"].startswith("D")


async def test_ephemeral_update_delete_permalink(
    fake_slack: FakeSlack, client: AsyncWebClient
) -> None:
    fake_slack.add_user("U1")
    eph = await client.chat_postEphemeral(channel=DEFAULT_CHANNEL, user="U1", text="only you")
    assert eph["message_ts"]
    with pytest.raises(SlackApiError) as e:
        await client.chat_postEphemeral(channel=DEFAULT_CHANNEL, user="UNOBODY", text="x")
    assert e.value.response["error"] == "user_not_found"

    posted = await client.chat_postMessage(channel=DEFAULT_CHANNEL, text="v1")
    updated = await client.chat_update(channel=DEFAULT_CHANNEL, ts=posted["ts"], text="v2")
    assert updated["ts"] == posted["ts"]
    assert fake_slack.channel_messages(DEFAULT_CHANNEL)[0]["text"] == "v2"
    link = await client.chat_getPermalink(channel=DEFAULT_CHANNEL, message_ts=posted["ts"])
    assert link["permalink"].endswith("p" + posted["ts"].replace(".", ""))
    await client.chat_delete(channel=DEFAULT_CHANNEL, ts=posted["ts"])
    assert fake_slack.channel_messages(DEFAULT_CHANNEL) == []
    with pytest.raises(SlackApiError) as e:
        await client.chat_update(channel=DEFAULT_CHANNEL, ts=posted["ts"], text="v3")
    assert e.value.response["error"] == "message_not_found"
    theirs = fake_slack.add_message(DEFAULT_CHANNEL, "someone else's")
    with pytest.raises(SlackApiError) as e:
        await client.chat_update(channel=DEFAULT_CHANNEL, ts=theirs["ts"], text="mine now")
    assert e.value.response["error"] == "cant_update_message"


async def test_conversations(fake_slack: FakeSlack, client: AsyncWebClient) -> None:
    fake_slack.add_channel("GPRIV", name="priv", is_private=True, members=["U1"])
    info = (await client.conversations_info(channel="GPRIV"))["channel"]
    assert info["is_private"] is True and info["is_member"] is True
    members = (await client.conversations_members(channel="GPRIV"))["members"]
    assert set(members) == {"U1", fake_slack.bot_user_id}
    with pytest.raises(SlackApiError) as e:
        await client.conversations_info(channel="CNOPE")
    assert e.value.response["error"] == "channel_not_found"


# -- views -------------------------------------------------------------------------------------


async def test_views_open_with_a_fresh_trigger(
    fake_slack: FakeSlack, client: AsyncWebClient
) -> None:
    trigger = fake_slack.new_trigger_id()
    opened = (await client.views_open(trigger_id=trigger, view=modal(private_metadata="C1")))[
        "view"
    ]
    assert opened["id"].startswith("V")
    assert opened["private_metadata"] == "C1"
    assert fake_slack.last_view()["id"] == opened["id"]
    with pytest.raises(SlackApiError) as e:
        await client.views_open(trigger_id=trigger, view=modal())
    assert e.value.response["error"] == "exchanged_trigger_id"


async def test_an_old_trigger_has_expired(client: AsyncWebClient) -> None:
    minted_4s_ago = f"123.{int((time.time() - 4) * 1000)}.abcdef"
    with pytest.raises(SlackApiError) as e:
        await client.views_open(trigger_id=minted_4s_ago, view=modal())
    assert e.value.response["error"] == "expired_trigger_id"
    with pytest.raises(SlackApiError) as e:
        await client.views_open(trigger_id="made-up", view=modal())
    assert e.value.response["error"] == "invalid_trigger_id"


@pytest.mark.parametrize(
    "view",
    [
        modal(title={"type": "plain_text", "text": "A title far too long for Slack"}),
        modal(blocks=[{"type": "divider"}] * 101),
        {**modal(), "type": "popup"},
        {
            k: v
            for k, v in modal(
                blocks=[
                    {
                        "type": "input",
                        "block_id": "topic",
                        "label": {"type": "plain_text", "text": "Topic"},
                        "element": {"type": "plain_text_input", "action_id": "topic"},
                    }
                ]
            ).items()
            if k != "submit"
        },
    ],
    ids=["long-title", "101-blocks", "bad-type", "inputs-without-submit"],
)
async def test_views_open_rejects_bad_views(
    fake_slack: FakeSlack, client: AsyncWebClient, view: dict[str, Any]
) -> None:
    with pytest.raises(SlackApiError) as e:
        await client.views_open(trigger_id=fake_slack.new_trigger_id(), view=view)
    assert e.value.response["error"] == "invalid_arguments"
    assert e.value.response["response_metadata"]["messages"]


async def test_views_update_push_publish(fake_slack: FakeSlack, client: AsyncWebClient) -> None:
    fake_slack.add_user("U1")
    opened = (await client.views_open(trigger_id=fake_slack.new_trigger_id(), view=modal()))["view"]
    updated = (await client.views_update(view_id=opened["id"], view=modal(private_metadata="x")))[
        "view"
    ]
    assert updated["id"] == opened["id"] and updated["private_metadata"] == "x"
    with pytest.raises(SlackApiError) as e:
        await client.views_update(view_id=opened["id"], hash="stale", view=modal())
    assert e.value.response["error"] == "hash_conflict"
    pushed = (await client.views_push(trigger_id=fake_slack.new_trigger_id(), view=modal()))["view"]
    assert pushed["root_view_id"] == opened["id"]
    home = {"type": "home", "blocks": [{"type": "divider"}]}
    await client.views_publish(user_id="U1", view=home)
    assert fake_slack.home_views["U1"]["blocks"] == home["blocks"]


# -- scripted failures and latency -------------------------------------------------------------


async def test_scripted_rate_limit_then_normal(
    fake_slack: FakeSlack, client: AsyncWebClient
) -> None:
    fake_slack.script("chat.postMessage", ratelimited(7))
    with pytest.raises(SlackApiError) as e:
        await client.chat_postMessage(channel=DEFAULT_CHANNEL, text="x")
    assert e.value.response.status_code == 429
    assert e.value.response.headers["Retry-After"] == "7"
    assert (await client.chat_postMessage(channel=DEFAULT_CHANNEL, text="x"))["ok"]
    assert [c.status for c in fake_slack.calls_to("chat.postMessage")] == [429, 200]


async def test_scripted_server_error_and_error_body(
    fake_slack: FakeSlack, client: AsyncWebClient
) -> None:
    fake_slack.script("chat.postMessage", server_error(503), slack_error("channel_not_found"))
    with pytest.raises(SlackApiError) as e:
        await client.chat_postMessage(channel=DEFAULT_CHANNEL, text="x")
    assert e.value.response.status_code == 503
    with pytest.raises(SlackApiError) as e:
        await client.chat_postMessage(channel=DEFAULT_CHANNEL, text="x")
    assert e.value.response["error"] == "channel_not_found"
    # Scripted answers created nothing.
    assert fake_slack.channel_messages(DEFAULT_CHANNEL) == []


async def test_scripted_delay_trips_a_client_timeout(fake_slack: FakeSlack) -> None:
    fake_slack.script("chat.postMessage", SlackAnswer(delay=1.0))
    impatient = AsyncWebClient(token=fake_slack.bot_token, base_url=fake_slack.api_url, timeout=0.2)
    with pytest.raises(asyncio.TimeoutError):
        await impatient.chat_postMessage(channel=DEFAULT_CHANNEL, text="x")


async def test_slow_but_done_posts_before_the_client_gives_up(fake_slack: FakeSlack) -> None:
    fake_slack.script("chat.postMessage", slow_but_done(1.0))
    impatient = AsyncWebClient(token=fake_slack.bot_token, base_url=fake_slack.api_url, timeout=0.2)
    with pytest.raises(asyncio.TimeoutError):
        await impatient.chat_postMessage(channel=DEFAULT_CHANNEL, text="slow")
    # Recorded in the channel as soon as it arrived, answer or no answer.
    [message] = fake_slack.channel_messages(DEFAULT_CHANNEL)
    assert message["text"] == "slow"
    fake_slack.slow_down("chat.postMessage", delay=1.0, seconds=60)
    with pytest.raises(asyncio.TimeoutError):
        await impatient.chat_postMessage(channel=DEFAULT_CHANNEL, text="slower")
    assert len(fake_slack.channel_messages(DEFAULT_CHANNEL)) == 2


async def test_answers_that_are_not_slack_json(fake_slack: FakeSlack) -> None:
    fake_slack.script("users.info", plain_text(503), mislabelled(500), mislabelled(200))
    async with httpx.AsyncClient() as http:
        first = await http.post(fake_slack.api_url + "users.info")
        second = await http.post(fake_slack.api_url + "users.info")
        third = await http.post(fake_slack.api_url + "users.info")
    assert first.status_code == 503 and first.headers["content-type"].startswith("text/plain")
    assert first.text == "upstream connect error"
    for answer, status in ((second, 500), (third, 200)):
        assert answer.status_code == status
        assert answer.headers["content-type"].startswith("application/json")
        assert answer.text.startswith("<html>")


async def test_history_and_replies_with_metadata(
    fake_slack: FakeSlack, client: AsyncWebClient
) -> None:
    metadata = {"event_type": "zoombot_meeting", "event_payload": {"meeting_id": "1"}}
    first = await client.chat_postMessage(channel=DEFAULT_CHANNEL, text="a", metadata=metadata)
    reply = await client.chat_postMessage(
        channel=DEFAULT_CHANNEL, text="r", thread_ts=first["ts"], metadata=metadata
    )
    second = await client.chat_postMessage(channel=DEFAULT_CHANNEL, text="b")
    history = await client.conversations_history(channel=DEFAULT_CHANNEL, limit=10)
    # Newest first, top level only, metadata only when asked for.
    assert [m["ts"] for m in history["messages"]] == [second["ts"], first["ts"]]
    assert "metadata" not in history["messages"][1]
    history = await client.conversations_history(
        channel=DEFAULT_CHANNEL, oldest=first["ts"], include_all_metadata=True
    )
    assert [m["ts"] for m in history["messages"]] == [second["ts"]]  # oldest is exclusive
    history = await client.conversations_history(
        channel=DEFAULT_CHANNEL, include_all_metadata=True, limit=1
    )
    assert history["has_more"] and len(history["messages"]) == 1
    replies = await client.conversations_replies(
        channel=DEFAULT_CHANNEL, ts=first["ts"], include_all_metadata=True
    )
    assert [m["ts"] for m in replies["messages"]] == [first["ts"], reply["ts"]]
    assert replies["messages"][1]["metadata"] == metadata
    fake_slack.missing_scopes = {"channels:history"}
    with pytest.raises(SlackApiError) as refused:
        await client.conversations_history(channel=DEFAULT_CHANNEL)
    assert refused.value.response["error"] == "missing_scope"
    assert refused.value.response["needed"] == "channels:history"


async def test_latency_does_not_serialise_calls(
    fake_slack: FakeSlack, client: AsyncWebClient
) -> None:
    # Twenty calls at once with latency: every one has arrived before the first is answered,
    # so the fake itself is no bottleneck for a load test.
    fake_slack.latency = 0.3
    calls = [asyncio.ensure_future(client.auth_test()) for _ in range(20)]
    first = next(asyncio.as_completed(calls))
    await first
    answered_at = time.monotonic()
    await asyncio.gather(*calls)
    arrivals = [c.at for c in fake_slack.calls_to("auth.test")]
    assert len(arrivals) == 20
    assert max(arrivals) < answered_at


def test_wait_for_lists_what_it_saw(fake_slack: FakeSlack) -> None:
    with pytest.raises(AssertionError, match=r"no chat\.update call"):
        fake_slack.wait_for("chat.update", timeout=0.05)


def test_reset_forgets_everything_but_the_default_channel(fake_slack: FakeSlack) -> None:
    fake_slack.add_user("U1")
    fake_slack.add_channel("C2")
    fake_slack.script("auth.test", ratelimited())
    fake_slack.latency = 1
    fake_slack.reset()
    assert fake_slack.users == {} and fake_slack.calls == []
    assert set(fake_slack.channels) == {DEFAULT_CHANNEL}
    assert fake_slack.latency == 0
    answer = httpx.post(
        fake_slack.api_url + "auth.test",
        headers={"Authorization": f"Bearer {fake_slack.bot_token}"},
    ).json()
    assert answer["ok"] is True


# -- response URLs -----------------------------------------------------------------------------


async def test_response_url_records_posts(fake_slack: FakeSlack) -> None:
    url = fake_slack.new_response_url()
    answer = await AsyncWebhookClient(url).send(text="Creating…", response_type="ephemeral")
    assert answer.status_code == 200 and answer.body == "ok"
    assert fake_slack.wait_for_response(url)["text"] == "Creating…"
    assert fake_slack.responses(fake_slack.new_response_url()) == []


async def test_response_url_limits_and_scripts(fake_slack: FakeSlack) -> None:
    url = fake_slack.new_response_url()
    hook = AsyncWebhookClient(url)
    fake_slack.script(url, ratelimited(3))
    assert (await hook.send(text="x")).status_code == 429
    for _ in range(5):
        assert (await hook.send(text="x")).status_code == 200
    used = await hook.send(text="sixth")
    assert (used.status_code, used.body) == (404, "used_url")
    other = fake_slack.new_response_url()
    fake_slack.expire_response_url(other)
    assert (await AsyncWebhookClient(other).send(text="x")).body == "expired_url"
    fake_slack.script("response_url", server_error(500))
    assert (
        await AsyncWebhookClient(fake_slack.new_response_url()).send(text="x")
    ).status_code == 500
    assert [p.status for p in fake_slack.response_posts][:1] == [429]


async def test_response_url_rejects_bad_bodies(fake_slack: FakeSlack) -> None:
    hook = AsyncWebhookClient(fake_slack.new_response_url())
    assert (await hook.send_dict({"response_type": "in_channel"})).body == "no_text"
    assert (await hook.send(text="x" * 40_001)).body == "msg_too_long"


# -- signing and payloads, checked by Bolt itself ----------------------------------------------


def test_signature_is_slacks_hmac() -> None:
    body = "token=x&text=hi"
    headers = signed_headers("s3cret", body, timestamp=1_700_000_000)
    expected = hmac.new(b"s3cret", f"v0:1700000000:{body}".encode(), hashlib.sha256).hexdigest()
    assert headers["X-Slack-Signature"] == "v0=" + expected
    assert headers["X-Slack-Request-Timestamp"] == "1700000000"


def test_slash_command_body_has_slacks_fields_in_order() -> None:
    body = slash_command_body("tomorrow 3pm", user="U1", channel="C1", response_url="https://r")
    fields = parse_qs(body)
    assert list(fields) == [
        "token", "team_id", "team_domain", "channel_id", "channel_name", "user_id", "user_name",
        "command", "text", "api_app_id", "is_enterprise_install", "response_url", "trigger_id",
    ]  # fmt: skip
    assert fields["text"] == ["tomorrow 3pm"]
    assert fields["command"] == ["/zoom"]


class BoltProbe:
    """A Bolt app over real HTTP that records what its listeners were given."""

    def __init__(self, slack: FakeSlack) -> None:
        self.seen: dict[str, Any] = {}
        self.event = threading.Event()
        self.bolt = AsyncApp(
            token=slack.bot_token,
            signing_secret=slack.signing_secret,
            client=AsyncWebClient(token=slack.bot_token, base_url=slack.api_url),
        )
        bolt = self.bolt

        @bolt.command("/zoom")
        async def command(ack, command, respond) -> None:  # type: ignore[no-untyped-def]
            await ack("Creating…")
            await respond(text=f"read {command['text']}", response_type="in_channel")
            self.seen["command"] = command

        @bolt.shortcut("start_meeting_from_message")
        async def message_action(ack, shortcut, client) -> None:  # type: ignore[no-untyped-def]
            await ack()
            await client.chat_postMessage(
                channel=shortcut["channel"]["id"],
                thread_ts=shortcut["message"]["ts"],
                text=shortcut["message"]["text"].splitlines()[0],
            )
            self.seen["message_action"] = shortcut

        @bolt.shortcut("schedule_meeting")
        async def global_action(ack, shortcut, client) -> None:  # type: ignore[no-untyped-def]
            await ack()
            await client.views_open(trigger_id=shortcut["trigger_id"], view=probe_modal())
            self.seen["shortcut"] = shortcut

        @bolt.view("schedule_meeting")
        async def submitted(ack, view) -> None:  # type: ignore[no-untyped-def]
            values = view["state"]["values"]
            if not values["topic"]["topic"]["value"]:
                await ack(response_action="errors", errors={"topic": "Say what it is about."})
                return
            await ack()
            self.seen["view"] = view

        @bolt.action("cancel_meeting")
        async def clicked(ack, action) -> None:  # type: ignore[no-untyped-def]
            await ack()
            self.seen["action"] = action

        handler = AsyncSlackRequestHandler(bolt)

        async def events(request: Request) -> Any:
            return await handler.handle(request)

        self.server = LoopbackServer(
            Starlette(routes=[Route("/slack/events", events, methods=["POST"])])
        ).start()
        self.url = self.server.url

    def wait(self, key: str, timeout: float = 5.0) -> Any:
        deadline = time.monotonic() + timeout
        while key not in self.seen:
            assert time.monotonic() < deadline, f"Bolt never saw {key}; saw {list(self.seen)}"
            time.sleep(0.01)
        return self.seen[key]


def probe_modal() -> dict[str, Any]:
    return modal(
        blocks=[
            {
                "type": "input",
                "block_id": "topic",
                "label": {"type": "plain_text", "text": "Topic"},
                "element": {"type": "plain_text_input", "action_id": "topic", "initial_value": ""},
            },
            {
                "type": "input",
                "block_id": "start",
                "label": {"type": "plain_text", "text": "Start"},
                "element": {"type": "datetimepicker", "action_id": "start"},
            },
            {
                "type": "input",
                "block_id": "repeat",
                "label": {"type": "plain_text", "text": "Repeat"},
                "element": {
                    "type": "static_select",
                    "action_id": "repeat",
                    "options": [
                        {
                            "text": {"type": "plain_text", "text": "Does not repeat"},
                            "value": "none",
                        },
                        {"text": {"type": "plain_text", "text": "Weekly"}, "value": "weekly"},
                    ],
                    "initial_option": {
                        "text": {"type": "plain_text", "text": "Does not repeat"},
                        "value": "none",
                    },
                },
            },
            {
                "type": "input",
                "block_id": "alt_hosts",
                "optional": True,
                "label": {"type": "plain_text", "text": "Alternative hosts"},
                "element": {"type": "multi_users_select", "action_id": "users"},
            },
            {
                "type": "input",
                "block_id": "channel",
                "label": {"type": "plain_text", "text": "Post in"},
                "element": {
                    "type": "conversations_select",
                    "action_id": "channel",
                    "default_to_current_conversation": True,
                },
            },
        ]
    )


@pytest.fixture
def bolt(fake_slack: FakeSlack) -> Any:
    probe = BoltProbe(fake_slack)
    yield probe
    probe.server.stop()


def test_bolt_accepts_a_signed_command(fake_slack: FakeSlack, bolt: BoltProbe) -> None:
    with SlackSender(bolt.url, fake_slack.signing_secret, fake=fake_slack) as sender:
        answer = sender.command("tomorrow 3pm Design review", "U1", "C1")
        assert answer.status_code == 200
        assert answer.text == "Creating…"
        command = bolt.wait("command")
        assert command["user_id"] == "U1" and command["channel_id"] == "C1"
        assert command["text"] == "tomorrow 3pm Design review"
        posted = fake_slack.wait_for_response(sender.last_response_url)
        assert posted == {"text": "read tomorrow 3pm Design review", "response_type": "in_channel"}


@pytest.mark.parametrize(
    ("timestamp", "signature"),
    [(None, "v0=" + "0" * 64), (int(time.time()) - 6 * 60, None), (None, "")],
    ids=["forged", "stale", "missing"],
)
def test_bolt_refuses_forged_or_stale(
    fake_slack: FakeSlack, bolt: BoltProbe, timestamp: int | None, signature: str | None
) -> None:
    # The builders sign correctly only with the right secret and a fresh time: proven by
    # Bolt saying 401 to each way of getting it wrong.
    with SlackSender(bolt.url, fake_slack.signing_secret) as sender:
        body = slash_command_body("x", user="U1")
        assert sender.post(body, timestamp=timestamp, signature=signature).status_code == 401
    with SlackSender(bolt.url, "another-secret") as wrong:
        assert wrong.command("x", "U1").status_code == 401
    assert "command" not in bolt.seen


def test_bolt_reads_a_message_shortcut(fake_slack: FakeSlack, bolt: BoltProbe) -> None:
    original = fake_slack.add_message(DEFAULT_CHANNEL, "Launch plan\nsecond line")
    payload = message_shortcut(user="U1", message_text=original["text"], message_ts=original["ts"])
    with SlackSender(bolt.url, fake_slack.signing_secret) as sender:
        assert sender.interactive(payload).status_code == 200
    shortcut = bolt.wait("message_action")
    assert shortcut["type"] == "message_action"
    assert shortcut["user"]["id"] == "U1"
    call = fake_slack.wait_for("chat.postMessage")
    assert call.params["thread_ts"] == original["ts"]
    assert call.params["text"] == "Launch plan"


def test_bolt_global_shortcut_opens_modal_and_submission_round_trips(
    fake_slack: FakeSlack, bolt: BoltProbe
) -> None:
    with SlackSender(bolt.url, fake_slack.signing_secret) as sender:
        assert sender.interactive(global_shortcut(user="U1")).status_code == 200
        bolt.wait("shortcut")
        opened = fake_slack.wait_for("views.open").answer["view"]

        empty = view_submission(user="U1", view=opened)
        refused = sender.interactive(empty)
        assert refused.json() == {
            "response_action": "errors",
            "errors": {"topic": "Say what it is about."},
        }

        start = 1_900_000_000
        good = view_submission(
            user="U1",
            view=opened,
            fill={"topic": "Design review", "start": start, "repeat": "weekly", "users": ["U2"]},
        )
        assert sender.interactive(good).status_code == 200
    values = bolt.wait("view")["state"]["values"]
    assert values["topic"]["topic"] == {"type": "plain_text_input", "value": "Design review"}
    assert values["start"]["start"]["selected_date_time"] == start
    assert values["repeat"]["repeat"]["selected_option"]["value"] == "weekly"
    assert values["repeat"]["repeat"]["selected_option"]["text"]["text"] == "Weekly"
    assert values["alt_hosts"]["users"]["selected_users"] == ["U2"]
    assert values["channel"]["channel"]["selected_conversation"] == DEFAULT_CHANNEL


def test_view_state_refuses_inputs_the_view_lacks() -> None:
    with pytest.raises(KeyError, match="no input"):
        view_state(probe_modal(), {"agenda": "x"})


def test_bolt_reads_block_actions(fake_slack: FakeSlack, bolt: BoltProbe) -> None:
    payload = block_actions(
        user="U1",
        actions=[{"type": "button", "action_id": "cancel_meeting", "block_id": "b", "value": "9"}],
    )
    with SlackSender(bolt.url, fake_slack.signing_secret) as sender:
        assert sender.interactive(payload).status_code == 200
    assert bolt.wait("action")["value"] == "9"


# -- AppProcess, with a stand-in app -----------------------------------------------------------

STAND_IN = textwrap.dedent(
    """
    import os, signal, sys
    from http.server import BaseHTTPRequestHandler, HTTPServer

    print("stand-in starting", os.environ.get("GREETING"), os.path.exists(".env"), flush=True)
    if os.environ.get("CRASH"):
        sys.exit("settings are wrong")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200 if self.path == "/healthz" else 404)
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler)

    def bye(*_):
        print("stopping on SIGTERM", flush=True)
        sys.exit(3)

    signal.signal(signal.SIGTERM, bye)
    server.serve_forever()
    """
)


@pytest.fixture
def stand_in(tmp_path: Path) -> Path:
    script = tmp_path / "stand_in.py"
    script.write_text(STAND_IN)
    return script


def test_app_process_starts_reports_and_stops(stand_in: Path, tmp_path: Path) -> None:
    proc = AppProcess({"GREETING": "hello"}, app_path=stand_in, cwd=tmp_path).start(timeout=10)
    try:
        assert httpx.get(proc.url + "/healthz").status_code == 200
        assert proc.events_url == proc.url + "/slack/events"
        assert proc.ready_seconds is not None and proc.ready_seconds > 0
        assert proc.peak_rss_kib() > 1000
        # It runs away from the repository, so no .env there reaches it.
        assert "stand-in starting hello False" in proc.wait_for_log("stand-in starting")
        port, first_pid = proc.port, proc.pid
        proc.restart(timeout=10)
        assert proc.port == port and proc.pid != first_pid
    finally:
        code = proc.stop()
    assert code == 3
    assert proc.logs().count("stopping on SIGTERM") == 2


def test_app_process_reports_a_crash_with_its_output(stand_in: Path, tmp_path: Path) -> None:
    with pytest.raises(AppFailedToStart, match="settings are wrong"):
        AppProcess({"CRASH": "1"}, app_path=stand_in, cwd=tmp_path).start(timeout=10)


def test_app_process_kills_what_never_gets_ready(tmp_path: Path) -> None:
    script = tmp_path / "silent.py"
    script.write_text("import time\nprint('thinking', flush=True)\ntime.sleep(60)\n")
    proc = AppProcess({}, app_path=script, cwd=tmp_path)
    with pytest.raises(AppFailedToStart, match="thinking"):
        proc.start(timeout=0.5)
    assert not proc.running


def test_app_process_passes_only_the_env_it_is_given(
    stand_in: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-stray")
    proc = AppProcess({"PORT": "0"}, app_path=stand_in, cwd=tmp_path)
    env = proc._child_env()
    assert "SLACK_APP_TOKEN" not in env
    assert env["PYTHONUNBUFFERED"] == "1"
    assert env["PYTHONPATH"].split(":")[0] == str(Path(__file__).resolve().parents[1])
    assert sys.executable  # the child runs under this same interpreter

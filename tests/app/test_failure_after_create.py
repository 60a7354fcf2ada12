"""A failure of ours after Zoom made the meeting (the store, a render, …) never reads as
"nothing was created", never frees the action for a second meeting, and the meeting is
still announced, or at least its join link reaches the requester privately.

In process: the flow is driven directly, against the fake Slack and fake Zoom, with a fault
injected into the store right after the create."""

from __future__ import annotations

from bot.flows.asks import Ask, TextAsk
from bot.flows.create import schedule
from bot.web.runtime import Runtime
from tests.app.support import creates, texts
from tests.fakes.slack import DEFAULT_CHANNEL


def break_record_meeting(runtime: Runtime, times: int) -> list[int]:
    """Make `store.record_created` (how the flow records a meeting) raise its first `times`
    calls; returns the call count."""
    calls = [0]
    real = runtime.store.record_created

    async def flaky(row, request_key, **options):
        calls[0] += 1
        if calls[0] <= times:
            raise RuntimeError("disk hiccup")
        return await real(row, request_key, **options)

    runtime.store.record_created = flaky  # type: ignore[method-assign]
    return calls


def ask(user: str, response_url: str, key: str = "command:T1") -> Ask:
    return Ask(
        requester=user,
        key=key,
        kind="command",
        channel=DEFAULT_CHANNEL,
        what=TextAsk("now Standup"),
        response_url=response_url,
    )


async def test_a_one_off_fault_after_create_still_posts_the_meeting(
    runtime, fake_slack, fake_zoom, person
):
    ana = person()
    break_record_meeting(runtime, times=1)
    url = fake_slack.new_response_url()
    outcome = await schedule(runtime.services, ask(ana.slack_id, url))
    assert outcome.outcome == "posted"
    assert outcome.ref  # the trace in the log carries it
    [meeting] = fake_zoom.meetings.values()
    posts = [
        c
        for c in fake_slack.calls_to("chat.postMessage")
        if isinstance(c.answer, dict) and c.answer.get("ok")
    ]
    assert [c.params["channel"] for c in posts] == [DEFAULT_CHANNEL]
    assert meeting["join_url"] in texts(posts[0].params)
    assert (await runtime.store.request("command:T1"))["state"] == "posted"


async def test_a_lasting_fault_after_create_tells_the_link_and_blocks_a_second_meeting(
    runtime, fake_slack, fake_zoom, person
):
    ana = person()
    break_record_meeting(runtime, times=10)
    url = fake_slack.new_response_url()
    outcome = await schedule(runtime.services, ask(ana.slack_id, url))
    assert outcome.outcome == "created_not_announced"
    [meeting] = fake_zoom.meetings.values()
    [note] = fake_slack.responses(url)
    assert meeting["join_url"] in note["text"]
    assert "I created the meeting" in note["text"]
    assert "nothing was" not in note["text"].lower()
    request = await runtime.store.request("command:T1")
    assert request["state"] == "created" and request["meeting_id"] == meeting["id"]

    # Slack delivers the same command again: no second meeting.
    again = await schedule(runtime.services, ask(ana.slack_id, fake_slack.new_response_url()))
    assert again.outcome == "duplicate"
    assert len(creates(fake_zoom)) == 1

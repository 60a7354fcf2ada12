"""`Poster.tell` reaches the person even when the response_url no longer works: it goes on
to chat.postEphemeral, then a DM from the bot."""

from __future__ import annotations

from tests.app.support import eventually, wait_created


def test_expired_response_url_in_a_private_channel_still_reaches_the_requester_by_dm(
    sender, fake_slack, fake_zoom, person
):
    ana = person()
    fake_slack.add_channel("G0HIDDEN", name="hidden", is_private=True, bot_is_member=False)
    url = fake_slack.new_response_url()
    fake_slack.expire_response_url(url)
    sender.command("now Standup", ana.slack_id, channel="G0HIDDEN", response_url=url)
    wait_created(fake_zoom)
    [meeting] = fake_zoom.meetings.values()

    def dm() -> list:
        return [
            c
            for c in fake_slack.calls_to("chat.postMessage")
            if c.params.get("channel") == ana.slack_id and (c.answer or {}).get("ok")
        ]

    [note] = eventually(dm, what="a DM to the requester")
    assert meeting["join_url"] in str(note.params)
    # The channel never got it, and the bot tried the private ways in order first.
    into_channel = [
        c for c in fake_slack.calls_to("chat.postMessage") if c.params.get("channel") == "G0HIDDEN"
    ]
    assert into_channel and not any((c.answer or {}).get("ok") for c in into_channel)
    assert fake_slack.calls_to("chat.postEphemeral")

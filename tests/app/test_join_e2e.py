"""`/zoom join` end to end (issue 16): a join card for a meeting that already exists, looked
up in Zoom when the account can see it; never a passcode it was not given."""

from __future__ import annotations

import json

import pytest

from bot.flows.join import Target, parse_target
from bot.listeners.commands import subcommand
from tests.app.live_support import make_meeting
from tests.app.support import MEETING, eventually, posts_to
from tests.fakes.slack import DEFAULT_CHANNEL


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("812 3456 7890", Target(81234567890)),
        ("812-3456-7890", Target(81234567890)),
        (
            "<https://us02web.zoom.us/j/81234567890?pwd=aBc.1>",
            Target(81234567890, "aBc.1", "us02web.zoom.us"),
        ),
        (
            "<https://zoom.us/j/81234567890?pwd=x&amp;from=addon|zoom.us/j/81234567890>",
            Target(81234567890, "x", "zoom.us"),
        ),
        ("zoommtg://zoom.us/join?action=join&confno=81234567890&pwd=p1", Target(81234567890, "p1")),
        ("https://evil.example.com/j/81234567890?pwd=x", None),
        ("https://zoom.us.evil.com/j/81234567890", None),
        ("http://zoom.us/j/81234567890", None),
        ("standup", None),
        ("", None),
    ],
)
def test_join_targets(text: str, target: Target | None) -> None:
    assert parse_target(text) == target


def test_join_and_me_are_subcommands_only_when_they_fit() -> None:
    assert subcommand("join 812 3456 7890") == ("join", "812 3456 7890")
    assert subcommand("join") == ("join", "")
    assert subcommand("join us tomorrow 3pm") == (None, "join us tomorrow 3pm")
    assert subcommand("me") == ("me", "")
    assert subcommand("me and bo tomorrow 3pm") == (None, "me and bo tomorrow 3pm")


def card_post(fake_slack, needle: str):
    return eventually(
        lambda: next(
            (p for p in posts_to(fake_slack, DEFAULT_CHANNEL) if needle in json.dumps(p.params)),
            None,
        ),
        what=f"a channel post with {needle!r}",
    )


def test_join_with_an_id_shows_topic_and_time_but_no_passcode(
    sender, fake_slack, fake_zoom, person
):
    ana, bo = person(), person()
    posted = make_meeting(sender, fake_slack, fake_zoom, ana.slack_id, "tomorrow 3pm Roadmap")
    meeting = fake_zoom.meetings[posted.meeting_id]
    digits = str(posted.meeting_id)
    spaced = f"{digits[:3]} {digits[3:7]} {digits[7:]}"
    sender.command(f"join {spaced}", bo.slack_id)
    post = card_post(fake_slack, "/zoom join")
    body = json.dumps(post.params)
    assert "Roadmap" in body and "<!date^" in body
    assert f"https://zoom.us/j/{digits}" in body
    # Bo does not host it: neither the passcode nor the link's pwd reach the channel.
    assert meeting["password"] not in body and "pwd=" not in body
    assert fake_zoom.requests_to(MEETING, "GET")
    fake_slack.wait_for_response(sender.last_response_url, lambda b: "Posted" in b["text"])


def test_join_with_a_link_keeps_its_pwd(sender, fake_slack, fake_zoom, person):
    ana, bo = person(), person()
    posted = make_meeting(sender, fake_slack, fake_zoom, ana.slack_id, "tomorrow 4pm Retro")
    link = f"https://us02web.zoom.us/j/{posted.meeting_id}?pwd=SharedPwd1"
    sender.command(f"join <{link}>", bo.slack_id)
    post = card_post(fake_slack, "/zoom join")
    body = json.dumps(post.params)
    assert link in body and "Retro" in body
    assert fake_zoom.meetings[posted.meeting_id]["password"] not in body


def test_join_a_meeting_the_account_cannot_see_is_a_plain_card(
    sender, fake_slack, fake_zoom, person
):
    bo = person()
    link = "https://us02web.zoom.us/j/81299998888?pwd=Outside9"
    sender.command(f"join <{link}>", bo.slack_id)
    post = card_post(fake_slack, "/zoom join")
    body = json.dumps(post.params)
    assert link in body and "812 9999 8888" in body
    assert "<!date^" not in body
    note = fake_slack.wait_for_response(sender.last_response_url, lambda b: "Posted" in b["text"])
    assert "did not show me" in json.dumps(note)


def test_join_without_a_target_says_how(sender, fake_slack, person):
    bo = person(zoom=False)
    sender.command("join", bo.slack_id)
    answer = fake_slack.wait_for_response(sender.last_response_url)
    assert "/zoom join 812 3456 7890" in json.dumps(answer)
    assert not posts_to(fake_slack, DEFAULT_CHANNEL)


def test_the_host_joining_their_own_meeting_gets_the_passcode_as_for_created_ones(
    sender, fake_slack, fake_zoom, person
):
    ana = person()
    posted = make_meeting(sender, fake_slack, fake_zoom, ana.slack_id, "tomorrow 5pm Mine")
    meeting = fake_zoom.meetings[posted.meeting_id]
    before = len(posts_to(fake_slack, DEFAULT_CHANNEL))
    sender.command(f"join {posted.meeting_id}", ana.slack_id)
    post = eventually(lambda: posts_to(fake_slack, DEFAULT_CHANNEL)[before:], what="the join card")[
        0
    ]
    body = json.dumps(post.params)
    # The workspace shows passcodes in the channel (the default), and Ana hosts it.
    assert meeting["password"] in body and meeting["join_url"] in body

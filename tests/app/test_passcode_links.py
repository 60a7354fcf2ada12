"""A private passcode stays out of every join link rendered for a channel: the message, its
calendar links and the .ics details; the requester's confirmation keeps the full link."""

from __future__ import annotations

import json

from bot.render import links, messages, private, words
from tests.app.test_messages import meeting


def test_join_url_without_passcode_drops_only_pwd():
    strip = words.join_url_without_passcode
    assert strip("https://z.us/j/812?pwd=abc") == "https://z.us/j/812"
    assert strip("https://z.us/j/812?pwd=abc&uname=x") == "https://z.us/j/812?uname=x"
    assert strip("https://z.us/j/812?a=1&pwd=abc") == "https://z.us/j/812?a=1"
    assert strip("https://z.us/j/812") == "https://z.us/j/812"


def test_a_hidden_passcode_is_not_in_the_message_nor_its_join_url():
    m = meeting(join_url="https://zoom.example/j/81234567890?pwd=SECRETPWD")
    hidden = json.dumps(
        messages.meeting_message(m, host_name="Ana", requester_id="U1", show_passcode=False)
    )
    assert "SECRETPWD" not in hidden and "pwd" not in hidden
    assert m.password not in hidden
    assert "https://zoom.example/j/81234567890" in hidden
    shown = json.dumps(
        messages.meeting_message(m, host_name="Ana", requester_id="U1", show_passcode=True)
    )
    assert "pwd=SECRETPWD" in shown
    confirmation = json.dumps(private.confirmation_message(m, channel="C1", passcode="x"))
    assert "pwd=SECRETPWD" in confirmation


def test_calendar_details_and_links_leave_out_pwd_when_the_passcode_is_private():
    m = meeting(join_url="https://zoom.example/j/81234567890?pwd=SECRETPWD")
    details = links.calendar_details(m, include_passcode=False)
    assert "pwd" not in details and "https://zoom.example/j/81234567890" in details
    assert "pwd=SECRETPWD" in links.calendar_details(m, include_passcode=True)


def test_shown_meeting_keeps_everything_when_the_passcode_is_shown():
    m = meeting()
    assert words.shown_meeting(m, show_passcode=True) is m
    hidden = words.shown_meeting(m, show_passcode=False)
    assert hidden.password is None and "pwd" not in hidden.join_url

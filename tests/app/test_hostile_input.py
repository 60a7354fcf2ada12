"""Hostile input gets a clear answer or a safe meeting: never a crash, never a stack trace.

"Safe" here: Zoom accepted the request (the fake validates it as Zoom does), the topic holds
no control characters, and the person got either "Created" or a refusal with a reference.
"""

from __future__ import annotations

import pytest

from tests.app.support import creates, eventually, posts_to, wait_created
from tests.fakes.slack import DEFAULT_CHANNEL
from tests.fakes.slack_requests import message_shortcut

HOSTILE = {
    "10k characters": "tomorrow 3pm " + "x" * 10_000,
    "10k words": "meeting " * 1_250,
    "control characters": "tomorrow 3pm Sync \x01\x07\x1b[31mred\x1b[0m\x7f\x9b done",
    "NUL bytes": "Launch\x00 party\x00",
    "right-to-left marks": "tomorrow 3pm \u202eweiver\u202c \u200fשלום\u200f Review",
    "emoji": "tomorrow 3pm 🎉🚀 Launch 👩\u200d👩\u200d👧 party 🇯🇵",
    "a lone <": "&lt;",
    "a lone > and &": "&gt; &amp;",
    "SQL-looking": "'; DROP TABLE meetings;--",
    "SQL in a time": "tomorrow 3pm'; DROP TABLE meetings;-- for 30 min",
    "only spaces": "      ",
    "newlines": "tomorrow 3pm\nSecond line\r\nThird",
    "format string": "%s %n {0} {__class__} ${HOME}",
    "huge numbers": "in 99999999999999999999 minutes for 99999999999999999999 hours",
    "unicode digits": "tomorrow ٣pm Sync",
}


def answer_for(fake_slack, url: str) -> dict:
    return fake_slack.wait_for_response(
        url, lambda b: "Created" in b.get("text", "") or "ZB-" in b.get("text", ""), timeout=10
    )


def assert_safe(answer: dict, app, fake_zoom) -> None:
    text = answer["text"]
    assert "Traceback" not in text and "Error" not in text
    assert "Something went wrong" not in text, app.logs()[-3000:]
    for create in creates(fake_zoom):
        topic = create.body["topic"]
        assert 0 < len(topic) <= 200
        assert not any(ord(c) < 32 or 127 <= ord(c) < 160 for c in topic), repr(topic)


@pytest.mark.parametrize("text", list(HOSTILE.values()), ids=list(HOSTILE))
def test_hostile_command_text(sender, app, fake_slack, fake_zoom, person, text):
    ana = person()
    response = sender.command(text, ana.slack_id)
    assert response.status_code == 200
    assert_safe(answer_for(fake_slack, sender.last_response_url), app, fake_zoom)
    assert "unexpected failure" not in app.logs()


@pytest.mark.parametrize(
    "text", [HOSTILE["10k characters"], HOSTILE["NUL bytes"], HOSTILE["control characters"]]
)
def test_hostile_message_shortcut(sender, app, fake_slack, fake_zoom, person, text):
    ana = person()
    url = fake_slack.new_response_url()
    sender.interactive(message_shortcut(user=ana.slack_id, message_text=text, response_url=url))
    assert "Created" in answer_for(fake_slack, url)["text"]
    wait_created(fake_zoom)
    assert_safe({"text": ""}, app, fake_zoom)


@pytest.mark.parametrize("text", ["schedule " + "y" * 10_000, "schedule \x00\x07<"])
def test_hostile_text_opens_a_form_that_slack_accepts(sender, fake_slack, person, text):
    ana = person()
    sender.command(text, ana.slack_id)
    # The fake Slack checks the view as Slack does (lengths, shapes): it must accept it.
    call = fake_slack.wait_for("views.open")
    assert call.params["view"]["type"] == "modal"
    blocks = {b["block_id"]: b for b in fake_slack.last_view()["blocks"]}
    initial = blocks["topic"]["element"].get("initial_value", "")
    assert "\x00" not in initial and "\x07" not in initial


@pytest.mark.parametrize("tz", ["Mars/Olympus", None, "", "../../etc/passwd"])
def test_a_time_zone_slack_should_not_send_reads_the_time_in_utc(
    sender, app, fake_slack, fake_zoom, person, tz
):
    ana = person(tz=tz)
    sender.command("tomorrow 3pm Planning", ana.slack_id)
    answer = answer_for(fake_slack, sender.last_response_url)
    assert_safe(answer, app, fake_zoom)
    assert "Created" in answer["text"]
    [create] = wait_created(fake_zoom)
    assert create.body["timezone"] == "UTC"
    assert create.body["start_time"].endswith("T15:00:00")
    assert "UTC" in str(answer)  # the person is told which zone was used
    eventually(lambda: posts_to(fake_slack, DEFAULT_CHANNEL), what="the post")


def test_a_bad_time_zone_still_opens_the_form(sender, fake_slack, person):
    ana = person(tz="Mars/Olympus")
    sender.command("schedule tomorrow 3pm Planning", ana.slack_id)
    fake_slack.wait_for("views.open")

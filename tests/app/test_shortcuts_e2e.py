"""The message shortcut: an instant meeting about a message, posted in its thread."""

from __future__ import annotations

from tests.app.support import eventually, posts_to, texts, wait_created
from tests.fakes.slack import DEFAULT_CHANNEL
from tests.fakes.slack_requests import message_shortcut


def test_message_shortcut_names_the_meeting_and_posts_in_the_thread(
    sender, fake_slack, fake_zoom, person
):
    ana = person()
    payload = message_shortcut(
        user=ana.slack_id,
        message_text="Prod is down: <https://status.example|status page> &amp; <!here>\nmore",
        message_ts="1700000000.000100",
    )
    assert sender.interactive(payload).status_code == 200
    [create] = wait_created(fake_zoom)
    assert create.body["type"] == 1
    assert create.body["topic"] == "Prod is down: status page & @here"
    post = eventually(lambda: posts_to(fake_slack, DEFAULT_CHANNEL), what="post")[0]
    assert post.params["thread_ts"] == "1700000000.000100"
    assert "<!here>" not in texts(post.params)


def test_message_shortcut_in_a_thread_posts_in_that_thread(sender, fake_slack, fake_zoom, person):
    ana = person()
    payload = message_shortcut(
        user=ana.slack_id,
        message_text="Reply",
        message_ts="1700000000.000300",
        thread_ts="1700000000.000200",
    )
    sender.interactive(payload)
    post = eventually(lambda: posts_to(fake_slack, DEFAULT_CHANNEL), what="post")[0]
    assert post.params["thread_ts"] == "1700000000.000200"


def test_the_same_shortcut_on_the_same_message_makes_one_meeting(
    sender, fake_slack, fake_zoom, person
):
    ana = person()
    payload = message_shortcut(user=ana.slack_id, message_text="Once", message_ts="1.000400")
    sender.interactive(payload)
    sender.interactive(
        message_shortcut(user=ana.slack_id, message_text="Once", message_ts="1.000400")
    )
    wait_created(fake_zoom)
    eventually(lambda: posts_to(fake_slack, DEFAULT_CHANNEL), what="post")
    assert len(fake_zoom.requests_to("/users/{userId}/meetings", "POST")) == 1

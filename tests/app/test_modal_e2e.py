"""The scheduling modal from open to submit, and the global shortcut that opens it."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from tests.app.support import eventually, posts_to, texts, wait_created
from tests.fakes.slack import DEFAULT_CHANNEL
from tests.fakes.slack_requests import global_shortcut, view_submission


def open_modal(sender, fake_slack, user: str, text: str = "") -> dict:
    sender.command(f"schedule {text}".strip(), user)
    fake_slack.wait_for("views.open")
    return fake_slack.last_view()


def in_a_day() -> int:
    return int(time.time()) + 86400


def test_a_good_submission_closes_and_the_meeting_is_posted(sender, fake_slack, fake_zoom, person):
    ana, bo = person(), person()
    view = open_modal(sender, fake_slack, ana.slack_id, "Roadmap")
    start = in_a_day()
    payload = view_submission(
        user=ana.slack_id,
        view=view,
        fill={
            "topic": "Roadmap review",
            "start": start,
            "duration": "90",
            "repeat": "weekly",
            "alt_hosts": [bo.slack_id],
            "agenda": "Q3 <!here>",
            "options": ["waiting_room", "mute_upon_entry", "meeting_authentication"],
        },
    )
    response = sender.interactive(payload)
    assert response.status_code == 200
    assert not response.content  # closes the modal
    [create] = wait_created(fake_zoom)
    body = create.body
    assert body["topic"] == "Roadmap review"
    assert body["type"] == 8 and body["duration"] == 90
    assert body["recurrence"]["type"] == 2
    assert body["settings"]["alternative_hosts"] == bo.email
    assert body["settings"]["mute_upon_entry"] is True
    assert body["settings"]["meeting_authentication"] is True
    assert body["settings"]["waiting_room"] is True
    local = datetime.fromtimestamp(start, UTC).astimezone(__import__("zoneinfo").ZoneInfo(ana.tz))
    assert body["start_time"] == local.strftime("%Y-%m-%dT%H:%M:00")
    post = eventually(lambda: posts_to(fake_slack, DEFAULT_CHANNEL), what="post")[0]
    assert "Roadmap review" in texts(post.params)
    assert "every" in texts(post.params)


def test_a_start_in_the_past_is_an_error_on_the_start_field(sender, fake_slack, fake_zoom, person):
    ana = person()
    view = open_modal(sender, fake_slack, ana.slack_id)
    past = datetime.now(UTC) - timedelta(hours=3)
    payload = view_submission(user=ana.slack_id, view=view, fill={"topic": "Late", "start": past})
    response = sender.interactive(payload)
    assert response.status_code == 200
    answer = response.json()
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == {"start"}
    assert not fake_zoom.requests_to("/users/{userId}/meetings", "POST")


def test_an_alternative_host_without_zoom_is_an_error_on_that_field(
    sender, fake_slack, fake_zoom, person
):
    ana = person()
    nozoom = person(zoom=False)
    view = open_modal(sender, fake_slack, ana.slack_id)
    payload = view_submission(
        user=ana.slack_id,
        view=view,
        fill={"topic": "Sync", "start": in_a_day(), "alt_hosts": [nozoom.slack_id]},
    )
    answer = sender.interactive(payload).json()
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == {"alt_hosts"}
    error = answer["errors"]["alt_hosts"]
    # A plain-text field error: the person's name, never `<@U…>` markup.
    assert "<@" not in error and nozoom.slack_id not in error
    from bot.identities import SlackProfile

    assert SlackProfile.from_slack(fake_slack.users[nozoom.slack_id]).label in error
    assert not fake_zoom.requests_to("/users/{userId}/meetings", "POST")


def test_an_empty_topic_is_an_error_on_the_topic_field(sender, fake_slack, person):
    ana = person()
    view = open_modal(sender, fake_slack, ana.slack_id)
    payload = view_submission(user=ana.slack_id, view=view, fill={"topic": "", "start": in_a_day()})
    answer = sender.interactive(payload).json()
    assert set(answer["errors"]) == {"topic"}


def test_the_global_shortcut_opens_the_modal_and_posts_where_picked(
    sender, fake_slack, fake_zoom, person
):
    ana = person()
    fake_slack.add_channel("C0PLANNING", name="planning")
    response = sender.interactive(global_shortcut(user=ana.slack_id))
    assert response.status_code == 200
    fake_slack.wait_for("views.open")
    view = fake_slack.last_view()
    channel_block = next(b for b in view["blocks"] if b["block_id"] == "channel")
    assert "initial_conversation" not in channel_block["element"]
    payload = view_submission(
        user=ana.slack_id,
        view=view,
        fill={"topic": "Planning", "start": in_a_day(), "channel": "C0PLANNING"},
    )
    assert sender.interactive(payload).status_code == 200
    wait_created(fake_zoom)
    post = eventually(lambda: posts_to(fake_slack, "C0PLANNING"), what="post in C0PLANNING")[0]
    assert "Planning" in texts(post.params)
    # The requester hears privately where it went.
    eventually(lambda: fake_slack.calls_to("chat.postEphemeral"), what="private confirmation")


def test_the_same_submission_twice_makes_one_meeting(sender, fake_slack, fake_zoom, person):
    ana = person()
    view = open_modal(sender, fake_slack, ana.slack_id)
    payload = view_submission(
        user=ana.slack_id, view=view, fill={"topic": "Once", "start": in_a_day()}
    )
    sender.interactive(payload)
    sender.interactive(payload)
    wait_created(fake_zoom)
    eventually(lambda: posts_to(fake_slack, DEFAULT_CHANNEL), what="post")
    assert len(fake_zoom.requests_to("/users/{userId}/meetings", "POST")) == 1

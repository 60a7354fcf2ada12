"""`/zoom list` for people without a Zoom account of their own: the default host holds their
meetings, so the list is the meetings they created here (upcoming, not cancelled)."""

from __future__ import annotations

import pytest

from tests.app.support import eventually, posts_to, texts, wait_created
from tests.fakes.app_process import AppProcess
from tests.fakes.slack import DEFAULT_CHANNEL
from tests.fakes.slack_requests import SlackSender


@pytest.fixture
def default_host_app(app_env, fake_slack, fake_zoom):
    default = fake_zoom.add_user("shared-host@example.com", first_name="Shared", last_name="Host")
    env = {**app_env, "ZOOMBOT_DEFAULT_HOST": default["email"]}
    process = AppProcess(
        env, cwd=app_env["DATABASE_URL"].removeprefix("sqlite:///").rsplit("/", 1)[0]
    ).start()
    try:
        with SlackSender(process.url, fake_slack.signing_secret, fake=fake_slack) as s:
            yield s
    finally:
        process.stop()


def test_list_shows_the_requesters_own_meetings_held_by_the_default_host(
    default_host_app, fake_slack, fake_zoom, person
):
    sender = default_host_app
    ana, bo = person(zoom=False), person(zoom=False)
    sender.command("tomorrow 3pm Ana planning", ana.slack_id)
    sender.command("tomorrow 4pm Bo retro", bo.slack_id)
    wait_created(fake_zoom, 2)
    eventually(lambda: len(posts_to(fake_slack, DEFAULT_CHANNEL)) >= 2, what="both posts")
    [anas] = [m for m in fake_zoom.meetings.values() if m["topic"] == "Ana planning"]
    [bos] = [m for m in fake_zoom.meetings.values() if m["topic"] == "Bo retro"]

    sender.command("list", ana.slack_id)
    answer = fake_slack.wait_for_response(
        sender.last_response_url, lambda b: "Upcoming" in b.get("text", "")
    )
    assert answer["response_type"] == "ephemeral"
    assert anas["join_url"] in texts(answer)
    assert bos["join_url"] not in texts(answer)
    assert "/zoom link" not in texts(answer)

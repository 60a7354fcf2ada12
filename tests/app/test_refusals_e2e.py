"""Refusals go only to the requester, with a reference; nothing reaches the channel."""

from __future__ import annotations

from tests.app.support import eventually, posts_to
from tests.fakes.slack import DEFAULT_CHANNEL
from zoom.testing.fake_zoom import Answer

CREATE = "/users/{userId}/meetings"


def refused(fake_slack, sender, needle: str) -> dict:
    answer = fake_slack.wait_for_response(
        sender.last_response_url, lambda b: needle in b.get("text", "")
    )
    assert answer["response_type"] == "ephemeral"
    assert "ZB-" in answer["text"]
    assert not posts_to(fake_slack, DEFAULT_CHANNEL)
    return answer


def test_a_time_in_the_past_is_refused(sender, fake_slack, fake_zoom, person):
    ana = person()
    sender.command("yesterday 3pm Retro", ana.slack_id)
    answer = fake_slack.wait_for_response(sender.last_response_url, lambda b: "ZB-" in b["text"])
    assert answer["response_type"] == "ephemeral"
    assert not fake_zoom.requests_to(CREATE, "POST")
    assert not posts_to(fake_slack, DEFAULT_CHANNEL)


def test_someone_without_zoom_and_no_default_host_is_told_how_to_link(
    sender, fake_slack, fake_zoom, person
):
    ana = person(zoom=False)
    sender.command("tomorrow 3pm Retro", ana.slack_id)
    answer = refused(fake_slack, sender, "/zoom link")
    assert "ZOOMBOT_DEFAULT_HOST" in answer["text"]
    assert not fake_zoom.requests_to(CREATE, "POST")


def test_zoom_down_says_nothing_was_created(sender, fake_slack, fake_zoom, person):
    ana = person()
    fake_zoom.script("POST", CREATE, *[Answer(status=503)] * 6)
    sender.command("now", ana.slack_id)
    refused(fake_slack, sender, "Zoom is not answering")


def test_zoom_auth_failure_points_at_the_admin(sender, fake_slack, fake_zoom, person):
    ana = person()
    fake_zoom.script("POST", CREATE, *[Answer(status=401, body={"code": 124, "message": "x"})] * 3)
    sender.command("now", ana.slack_id)
    refused(fake_slack, sender, "credentials and scopes")


def test_daily_limit_says_when_it_resets(sender, fake_slack, fake_zoom, person):
    ana = person(tz="Asia/Tokyo")
    fake_zoom.set_daily_limit(ana.email, 0)
    sender.command("now", ana.slack_id)
    answer = refused(fake_slack, sender, "midnight UTC")
    assert "09:00" in answer["text"]  # midnight UTC is 09:00 in Tokyo


def test_validation_error_names_the_field(sender, fake_slack, fake_zoom, person):
    ana = person()
    fake_zoom.script(
        "POST",
        CREATE,
        Answer(
            status=400,
            body={
                "code": 300,
                "message": "Validation Failed.",
                "errors": [{"field": "duration", "message": "bad"}],
            },
        ),
    )
    sender.command("now", ana.slack_id)
    refused(fake_slack, sender, "`duration`")
    eventually(lambda: True)

"""Refusals go only to the requester, in the words they should read, with a reference;
nothing reaches the channel."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from tests.app.support import posts_to
from tests.fakes.slack import DEFAULT_CHANNEL
from tests.fakes.zoom import Answer

CREATE = "/users/{userId}/meetings"

# Every refusal ends with the reference that is also in the app's log line.
REFERENCE = re.compile(r" \(ref `ZB-[0-9A-Z]{4,}`\)$")


def refused(fake_slack, sender, sentence: str) -> str:
    """The requester's ephemeral answer: exactly `sentence`, then the reference."""
    answer = fake_slack.wait_for_response(
        sender.last_response_url, lambda b: "ZB-" in b.get("text", "")
    )
    assert answer["response_type"] == "ephemeral"
    text = answer["text"]
    reference = REFERENCE.search(text)
    assert reference, f"no `(ref ZB-…)` at the end of {text!r}"
    assert text[: reference.start()] == sentence
    assert not posts_to(fake_slack, DEFAULT_CHANNEL)
    return text


def test_a_time_in_the_past_is_refused(sender, fake_slack, fake_zoom, person):
    ana = person()
    sender.command("yesterday 3pm Retro", ana.slack_id)
    refused(
        fake_slack,
        sender,
        "I read “yesterday” as a day in the past. Name a day ahead, like "
        "`/zoom next monday 10am Sync`.",
    )
    assert not fake_zoom.requests_to(CREATE, "POST")


def test_someone_without_zoom_and_no_default_host_is_told_how_to_link(
    sender, fake_slack, fake_zoom, person
):
    ana = person(zoom=False)
    sender.command("tomorrow 3pm Retro", ana.slack_id)
    refused(
        fake_slack,
        sender,
        "I can't find a Zoom account for you: your Slack email is not a Zoom user in this "
        "company's Zoom account, nobody has linked one for you, and there is no default host. "
        "Type `/zoom link you@company.com` with the email of your Zoom account, "
        "or ask a Slack admin to set `ZOOMBOT_DEFAULT_HOST`.",
    )
    assert not fake_zoom.requests_to(CREATE, "POST")


def test_zoom_down_says_nothing_was_created(sender, fake_slack, fake_zoom, person):
    ana = person()
    fake_zoom.script("POST", CREATE, *[Answer(status=503)] * 6)
    sender.command("now", ana.slack_id)
    refused(
        fake_slack, sender, "Zoom is not answering; nothing was created. Try again in a minute."
    )


def test_zoom_auth_failure_points_at_the_admin(sender, fake_slack, fake_zoom, person):
    ana = person()
    fake_zoom.script("POST", CREATE, *[Answer(status=401, body={"code": 124, "message": "x"})] * 3)
    sender.command("now", ana.slack_id)
    refused(
        fake_slack,
        sender,
        "zoombot could not sign in to Zoom. A workspace admin must check the Zoom app's "
        "credentials and scopes (ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID, ZOOM_CLIENT_SECRET). "
        "Nothing was created.",
    )


def test_daily_limit_says_when_it_resets(sender, fake_slack, fake_zoom, person):
    ana = person(tz="Asia/Tokyo")
    fake_zoom.set_daily_limit(ana.email, 0)
    sender.command("now", ana.slack_id)
    # Midnight UTC is 09:00 in Tokyo, on the day after today in UTC.
    day = (datetime.now(UTC) + timedelta(days=1)).strftime("%A")
    refused(
        fake_slack,
        sender,
        "This host has reached Zoom's daily limit for creating and changing meetings. "
        f"It resets at midnight UTC, which is {day} 09:00 your time (JST). Nothing was created.",
    )


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
    refused(
        fake_slack,
        sender,
        "Zoom did not accept the meeting in the field `duration`: Validation Failed.. "
        "Check the time, duration and options and try again. Nothing was created.",
    )

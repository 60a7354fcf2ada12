"""The private confirmation says how each time word was read (issue 10, part 5), and a text
with a time-like word zoombot could not read makes no meeting."""

from __future__ import annotations

import json

from tests.app.support import creates, wait_created


def test_the_confirmation_says_how_the_time_was_read(sender, fake_slack, fake_zoom, person):
    ana = person(tz="America/New_York")
    sender.command("Thu 8 am PST vendor call", ana.slack_id)
    [create] = wait_created(fake_zoom)
    assert create.body["timezone"] == "America/Los_Angeles"
    assert create.body["duration"] == 30
    confirmation = fake_slack.wait_for_response(
        sender.last_response_url, lambda b: "Created" in b.get("text", ""), timeout=10
    )
    shown = json.dumps(confirmation["blocks"])
    assert "How I read it" in shown
    assert "read 8 am PST as 8 AM Los Angeles time = 11 AM your time" in shown


def test_a_time_that_could_not_be_read_is_refused_not_made_instant(
    sender, fake_slack, fake_zoom, person
):
    ana = person()
    sender.command("sync in a few minutes", ana.slack_id)
    answer = fake_slack.wait_for_response(
        sender.last_response_url, lambda b: "in a few minutes" in b.get("text", ""), timeout=10
    )
    assert "looks like a time" in answer["text"]
    assert creates(fake_zoom) == []

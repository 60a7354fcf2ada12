"""A subcommand word starts a subcommand only when what follows fits it; otherwise the whole
text is a meeting (`/zoom help desk sync tomorrow 3pm` is a meeting about the help desk)."""

from __future__ import annotations

import pytest

from bot.listeners.commands import subcommand
from tests.app.live_support import make_meeting
from tests.app.support import creates, wait_created


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("help", ("help", "")),
        ("HELP", ("help", "")),
        ("list", ("list", "")),
        ("whoami", ("whoami", "")),
        ("cancel 812 3456 7890", ("cancel", "812 3456 7890")),
        ("cancel", ("cancel", "")),
        ("link ana@example.com", ("link", "ana@example.com")),
        ("link <@U0ANA> ana@example.com", ("link", "<@U0ANA> ana@example.com")),
        (
            "link <mailto:ana@example.com|ana@example.com>",
            ("link", "<mailto:ana@example.com|ana@example.com>"),
        ),
        ("link", ("link", "")),
        ("schedule", ("schedule", "")),
        ("schedule retro friday", ("schedule", "retro friday")),
        ("help desk sync tomorrow 3pm", (None, "help desk sync tomorrow 3pm")),
        ("list review at 3", (None, "list review at 3")),
        # Issue 10: words with no time after a subcommand word are that subcommand's.
        ("whoami session", ("whoami", "session")),
        ("help me", ("help", "me")),
        ("list me", ("list", "me")),
        ("cancel last", ("cancel", "last")),
        ("cancel 123", ("cancel", "123")),
        ("cancel culture chat", ("cancel", "culture chat")),
        ("link up with Bo", ("link", "up with Bo")),
        ("link up with <@U0BO>", ("link", "up with <@U0BO>")),
        # ... and with a time they are a meeting.
        ("cancel culture chat at 3pm", (None, "cancel culture chat at 3pm")),
        ("whoami session tomorrow 10am", (None, "whoami session tomorrow 10am")),
        ("link up with Bo friday 2pm", (None, "link up with Bo friday 2pm")),
        ("help desk sync in 20 minutes", (None, "help desk sync in 20 minutes")),
    ],
)
def test_subcommand_words(text: str, expected: tuple[str | None, str]) -> None:
    assert subcommand(text) == expected


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("help desk sync tomorrow 3pm", "help desk sync"),
        ("list review at 3", "list review"),
        ("cancel culture chat at 3pm", "cancel culture chat"),
        ("link up with Bo tomorrow 2pm", "link up with Bo"),
    ],
)
def test_a_topic_starting_with_a_subcommand_word_makes_a_meeting(
    sender, fake_slack, fake_zoom, person, text: str, topic: str
):
    ana = person()
    response = sender.command(text, ana.slack_id)
    assert response.status_code == 200
    [create] = wait_created(fake_zoom)
    assert create.body["topic"] == topic


def test_cancel_of_a_number_that_is_no_meeting_says_so_and_creates_nothing(
    sender, fake_slack, fake_zoom, person
):
    ana = person()
    sender.command("cancel 123", ana.slack_id)
    answer = fake_slack.wait_for_response(
        sender.last_response_url, lambda b: "no meeting 123" in b.get("text", "")
    )
    assert "zoombot has no meeting 123 of yours" in answer["text"]
    assert creates(fake_zoom) == []


def test_cancel_with_words_explains_how_to_cancel(sender, fake_slack, fake_zoom, person):
    ana = person()
    sender.command("cancel culture chat", ana.slack_id)
    answer = fake_slack.wait_for_response(
        sender.last_response_url, lambda b: "/zoom cancel last" in b.get("text", "")
    )
    assert "Tell me which meeting" in answer["text"]
    assert creates(fake_zoom) == []


def test_cancel_last_cancels_the_requesters_latest_meeting(sender, fake_slack, fake_zoom, person):
    ana, bo = person(), person()
    first = make_meeting(sender, fake_slack, fake_zoom, ana.slack_id, "tomorrow 3pm First")
    second = make_meeting(sender, fake_slack, fake_zoom, ana.slack_id, "friday 4pm Second")
    make_meeting(sender, fake_slack, fake_zoom, bo.slack_id, "tomorrow 5pm Bo's")
    sender.command("cancel last", ana.slack_id)
    answer = fake_slack.wait_for_response(
        sender.last_response_url, lambda b: "Cancelled" in b.get("text", ""), timeout=10
    )
    assert "Second" in answer["text"]
    assert second.meeting_id not in fake_zoom.meetings
    assert first.meeting_id in fake_zoom.meetings


def test_cancel_last_with_nothing_upcoming_says_so(sender, fake_slack, fake_zoom, person):
    ana = person()
    sender.command("cancel last", ana.slack_id)
    answer = fake_slack.wait_for_response(
        sender.last_response_url, lambda b: "no upcoming meeting" in b.get("text", "")
    )
    assert "made by zoombot" in answer["text"]
    assert creates(fake_zoom) == []


@pytest.mark.parametrize("text", ["list me", "help me", "whoami please"])
def test_subcommand_words_with_extra_words_create_no_meeting(
    sender, fake_slack, fake_zoom, person, text: str
):
    ana = person()
    response = sender.command(text, ana.slack_id)
    assert response.status_code == 200
    if text.startswith("help"):
        assert "/zoom" in response.text
    else:
        fake_slack.wait_for_response(sender.last_response_url, timeout=10)
    assert creates(fake_zoom) == []

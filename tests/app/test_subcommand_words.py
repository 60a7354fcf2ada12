"""A subcommand word starts a subcommand only when what follows fits it; otherwise the whole
text is a meeting (`/zoom help desk sync tomorrow 3pm` is a meeting about the help desk)."""

from __future__ import annotations

import pytest

from bot.listeners.commands import subcommand
from tests.app.support import wait_created


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
        ("whoami session", (None, "whoami session")),
        ("cancel culture chat", (None, "cancel culture chat")),
        ("link up with Bo", (None, "link up with Bo")),
        ("link up with <@U0BO>", (None, "link up with <@U0BO>")),
    ],
)
def test_subcommand_words(text: str, expected: tuple[str | None, str]) -> None:
    assert subcommand(text) == expected


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("help desk sync tomorrow 3pm", "help desk sync"),
        ("list review at 3", "list review"),
        ("cancel culture chat", "cancel culture chat"),
        ("link up with Bo", "link up with Bo"),
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

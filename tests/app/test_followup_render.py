"""The ended message's additions (bot/render/followup.py), pure: who joined, how long it ran,
the follow-up button, and the follow-up form's defaults."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from bot.render.followup import ended_blocks, followup_defaults, joined_words

NOW = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)


def test_joined_words():
    assert joined_words([]) == "nobody"
    assert joined_words(["Ana"]) == "Ana"
    assert joined_words(["Ana", "Bo", "Ana", " "]) == "Ana and Bo"
    assert joined_words(["<b>", "Bo", "Cy"]) == "&lt;b&gt;, Bo and Cy"
    many = [f"P{i}" for i in range(11)]
    assert joined_words(many).endswith("P7 and 3 others")


def test_without_participant_events_only_the_length_and_the_button():
    blocks = ended_blocks(81234567890, [], "42 minutes")
    assert "Joined" not in json.dumps(blocks) and "*Ran* 42 minutes" in json.dumps(blocks)
    assert blocks[-1]["elements"][0]["action_id"] == "schedule_followup"
    assert [b["type"] for b in ended_blocks(1, [], None)] == ["actions"]


def test_a_follow_up_is_a_week_after_the_start_and_ahead_of_now():
    row = {
        "zoom_id": 81234567890,
        "topic": "Design review",
        "duration": 45,
        "channel": "C1",
        "start_time": (NOW - timedelta(days=20)).isoformat(),
        "people": json.dumps(["U1", "U2"]),
    }
    defaults = followup_defaults(row, ["Ana"], NOW, 30)
    assert defaults.start == NOW + timedelta(days=1)  # 20 days ago + 3 weeks
    assert defaults.topic == "Design review" and defaults.duration == 45
    assert defaults.alt_hosts == ("U1", "U2") and defaults.channel == "C1"
    assert "Joined last time: Ana." in defaults.agenda
    series = {
        **row,
        "type": 8,
        "recurrence": "{}",
        "started_at": (NOW - timedelta(hours=1)).isoformat(),
    }
    assert followup_defaults(series, [], NOW, 30).start == NOW - timedelta(hours=1) + timedelta(
        days=7
    )

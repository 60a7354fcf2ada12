"""The meeting message, confirmations and lists: rendering only, no server."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from bot.render import messages, private, words
from zoom import INSTANT, RECURRING, SCHEDULED, Meeting, Recurrence


def meeting(**overrides) -> Meeting:
    values = {
        "id": 81234567890,
        "uuid": "abc==",
        "topic": "Design review",
        "type": SCHEDULED,
        "start_time": datetime(2030, 9, 10, 20, 0, tzinfo=UTC),
        "duration": 45,
        "timezone": "America/Denver",
        "join_url": "https://zoom.example/j/81234567890?pwd=x",
        "start_url": "https://zoom.example/s/81234567890?zak=SECRET-START",
        "password": "Ab3dE6gH9k",
        "host_id": "z1",
        "host_email": "ana@example.com",
    }
    values.update(overrides)
    return Meeting(**values)


def rendered(message: dict) -> str:
    return json.dumps(message)


def test_escape_turns_slack_control_characters_into_entities():
    assert words.escape("<!channel> & <@U1>") == "&lt;!channel&gt; &amp; &lt;@U1&gt;"


def test_meeting_message_has_everything_and_never_the_start_url():
    message = messages.meeting_message(
        meeting(), host_name="Ana Diaz", requester_id="U1", show_passcode=True
    )
    text = rendered(message)
    assert "Design review" in text
    assert "<!date^1915300800^{date_short_pretty} at {time}|Tue Sep 10 2030 at 20:00 UTC>" in text
    assert "45 minutes" in text
    assert "Ana Diaz" in text
    assert "812 3456 7890" in text
    assert "Ab3dE6gH9k" in text
    button = message["blocks"][2]["elements"][0]
    assert button["url"] == "https://zoom.example/j/81234567890?pwd=x"
    assert "SECRET-START" not in text and "start_url" not in text


def test_meeting_message_leaves_the_passcode_out_when_told():
    message = messages.meeting_message(
        meeting(), host_name="Ana", requester_id="U1", show_passcode=False
    )
    assert "Ab3dE6gH9k" not in rendered(message)


def test_a_hostile_topic_cannot_ping_mention_or_pose_as_a_link():
    hostile = "<!channel> <@U999> <https://evil.example|click> & more"
    message = messages.meeting_message(
        meeting(topic=hostile), host_name="<!here>", requester_id="U1", show_passcode=True
    )
    text = rendered(message)
    assert "<!channel>" not in text and "<@U999>" not in text and "<https://evil" not in text
    assert "<!here>" not in text
    assert "&lt;!channel&gt;" in text and "&amp; more" in text


def test_instant_meeting_says_now():
    message = messages.meeting_message(
        meeting(type=INSTANT), host_name="Ana", requester_id="U1", show_passcode=True
    )
    assert "*When*\\nNow" in rendered(message)


def test_repetition_in_words():
    weekdays = Recurrence(type=2, repeat_interval=1, weekly_days="2,3,4,5,6", end_times=10)
    assert words.repetition_words(weekdays) == "every weekday, 10 times"
    assert words.repetition_words(Recurrence(type=2, repeat_interval=2, weekly_days="3")) == (
        "every other Tuesday"
    )
    assert words.repetition_words(Recurrence(type=1, repeat_interval=1)) == "every day"
    assert words.repetition_words(Recurrence(type=3, monthly_day=23)) == ("every month on the 23rd")
    assert words.repetition_words(None) is None
    message = messages.meeting_message(
        meeting(type=RECURRING, recurrence=weekdays),
        host_name="Ana",
        requester_id="U1",
        show_passcode=True,
    )
    assert "every weekday" in rendered(message)


def test_meeting_ids_are_grouped_like_zoom_shows_them():
    assert words.format_meeting_id(81234567890) == "812 3456 7890"
    assert words.format_meeting_id(8123456789) == "812 345 6789"
    assert words.format_meeting_id(123) == "123"


def test_duration_words():
    assert words.duration_words(45) == "45 minutes"
    assert words.duration_words(60) == "1 hour"
    assert words.duration_words(90) == "1 hour 30 minutes"
    assert words.duration_words(120) == "2 hours"


def test_topic_from_message_reads_markup_as_plain_text():
    text = (
        "Incident in <#C1|ops>: <@U1|ana> says <https://x.example|the dashboard> &amp; <!here>\n2nd"
    )
    topic = words.topic_from_message(text, names={})
    assert topic == "Incident in #ops: @ana says the dashboard & @here"
    assert words.topic_from_message("hi <@U2>", names={"U2": "Bo"}) == "hi @Bo"
    assert words.topic_from_message("\n\n  x" * 1 + "y" * 300) == ("x" + "y" * 199)
    assert words.topic_from_message("") == ""


def test_confirmation_carries_guesses_and_the_passcode_when_asked():
    message = private.confirmation_message(
        meeting(),
        channel="C1",
        guesses=("read 3 as 3 PM",),
        passcode="Ab3dE6gH9k",
        notes=("<b>",),
    )
    text = rendered(message)
    assert "read 3 as 3 PM" in text and "Ab3dE6gH9k" in text and "<#C1>" in text
    assert "&lt;b&gt;" in text
    assert "SECRET-START" not in text


def test_list_shows_join_links_and_escapes_topics():
    message = private.meetings_list_message(
        [meeting(topic="<!channel> sync")], host_email="ana@example.com"
    )
    text = rendered(message)
    assert "<https://zoom.example/j/81234567890?pwd=x|Join>" in text
    assert "&lt;!channel&gt; sync" in text
    empty = private.meetings_list_message([], host_email="ana@example.com")
    assert "No upcoming meetings" in empty["text"]


def test_refusal_carries_its_reference():
    message = private.refusal_message("No.", "ab12cd")
    assert "ab12cd" in message["text"]


def test_whoami_says_how_the_host_was_found():
    text = private.whoami_message(email="a@x.com", found_by="slack_email")["text"]
    assert "a@x.com" in text and "Slack email" in text
    text = private.whoami_message(
        email="a@x.com", found_by="mapping", set_by="U9", set_at="2030-01-02T03:04:05Z"
    )["text"]
    assert "<@U9>" in text and "2030-01-02" in text
    assert "/zoom link" in private.whoami_message(email=None, found_by=None)["text"]

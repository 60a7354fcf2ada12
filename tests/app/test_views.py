"""The scheduling modal: building it and reading submissions, no server."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from bot.render import submitted, views
from zoom import RECURRING, SCHEDULED

NOW = datetime(2030, 3, 4, 15, 7, tzinfo=UTC)  # a Monday


def blocks_by_id(view: dict) -> dict:
    return {b["block_id"]: b for b in view["blocks"]}


def submitted_view(values: dict, metadata: dict | None = None) -> dict:
    state = {block: {views.ACTION: value} for block, value in values.items()}
    return {
        "id": "V1",
        "hash": "h1",
        "state": {"values": state},
        "private_metadata": json.dumps(metadata or {"tz": "Europe/Berlin", "channel": "C1"}),
    }


def test_next_half_hour():
    assert views.next_half_hour(NOW) == NOW.replace(minute=30)
    assert views.next_half_hour(NOW.replace(minute=30)) == NOW.replace(hour=16, minute=0)


def test_modal_has_every_field_and_carries_its_metadata():
    defaults = views.ModalDefaults(
        start=NOW + timedelta(days=1),
        topic="Retro",
        duration=20,
        repeat="weekly",
        channel="C1",
        options=frozenset({"waiting_room"}),
    )
    view = views.schedule_modal(defaults, {"channel": "C1", "tz": "Europe/Berlin"})
    blocks = blocks_by_id(view)
    assert set(blocks) == {
        "topic",
        "start",
        "duration",
        "repeat",
        "channel",
        "alt_hosts",
        "invite",
        "agenda",
        "options",
        "reminder",  # bot/render/reminders.py: the per-meeting override
        "registration",
        "registration_each",
        "registration_questions",
    }
    assert blocks["topic"]["element"]["initial_value"] == "Retro"
    assert blocks["start"]["element"]["type"] == "datetimepicker"
    assert blocks["start"]["element"]["initial_date_time"] == int(
        (NOW + timedelta(days=1)).timestamp()
    )
    durations = [o["value"] for o in blocks["duration"]["element"]["options"]]
    assert "20" in durations and "45" in durations
    assert blocks["repeat"]["element"]["initial_option"]["value"] == "weekly"
    assert blocks["channel"]["element"]["initial_conversation"] == "C1"
    assert blocks["alt_hosts"]["element"]["type"] == "multi_users_select"
    assert [o["value"] for o in blocks["options"]["element"]["initial_options"]] == ["waiting_room"]
    assert json.loads(view["private_metadata"]) == {"channel": "C1", "tz": "Europe/Berlin"}
    assert view["callback_id"] == views.CALLBACK_ID


def test_modal_without_a_channel_lets_the_user_pick():
    view = views.schedule_modal(views.ModalDefaults(start=NOW), {})
    channel = blocks_by_id(view)["channel"]
    assert "initial_conversation" not in channel["element"]
    assert "optional" not in channel


def test_reading_a_good_submission():
    start = NOW + timedelta(days=1)
    view = submitted_view(
        {
            "topic": {"value": "  Team   sync "},
            "start": {"selected_date_time": int(start.timestamp())},
            "duration": {"selected_option": {"value": "45"}},
            "repeat": {"selected_option": {"value": "weekly"}},
            "channel": {"selected_conversation": "C9"},
            "alt_hosts": {"selected_users": ["U2", "U3"]},
            "agenda": {"value": "Plans"},
            "options": {"selected_options": [{"value": "waiting_room"}, {"value": "e2ee"}]},
        }
    )
    sub = submitted.read_submission(view)
    assert sub.topic == "Team sync"
    assert sub.start == start
    assert sub.duration == 45 and sub.repeat == "weekly" and sub.channel == "C9"
    assert sub.alt_host_ids == ("U2", "U3")
    assert sub.options == {"waiting_room", "e2ee"}
    assert sub.tz == "Europe/Berlin"
    assert submitted.submission_errors(sub, NOW) == {}

    request = submitted.meeting_from_submission(sub, alternative_hosts=("b@x.com",))
    assert request.type == RECURRING
    assert request.timezone == "Europe/Berlin"
    assert request.start_time == "2030-03-05T16:07:00"  # 15:07 UTC is 16:07 in Berlin
    assert request.recurrence.weekly_days == "3"  # Tuesday, Zoom counts Sunday as 1
    body = request.to_json()
    assert body["settings"]["waiting_room"] is True
    assert body["settings"]["encryption_type"] == "e2ee"
    assert body["settings"]["alternative_hosts"] == "b@x.com"
    assert body["settings"]["join_before_host"] is False


def test_bad_submissions_name_the_field():
    past = NOW - timedelta(hours=2)
    sub = submitted.read_submission(
        submitted_view(
            {
                "topic": {"value": "   "},
                "start": {"selected_date_time": int(past.timestamp())},
                "channel": {},
            }
        )
    )
    errors = submitted.submission_errors(sub, NOW)
    assert set(errors) == {"topic", "start", "channel"}
    assert "passed" in errors["start"]


def test_garbage_metadata_and_values_do_not_raise():
    sub = submitted.read_submission({"private_metadata": "not json", "state": {"values": {}}})
    assert sub.tz == "UTC" and sub.start is None and sub.duration == 30


def test_recurrence_for_each_choice():
    local = datetime(2030, 3, 4, 9, 0)  # Monday
    assert submitted.recurrence_for("none", local) is None
    assert submitted.recurrence_for("daily", local).type == 1
    assert submitted.recurrence_for("weekdays", local).weekly_days == "2,3,4,5,6"
    assert submitted.recurrence_for("weekly", local).weekly_days == "2"
    biweekly = submitted.recurrence_for("biweekly", local)
    assert biweekly.repeat_interval == 2 and biweekly.weekly_days == "2"
    monthly = submitted.recurrence_for("monthly", local)
    assert monthly.type == 3 and monthly.monthly_day == 4
    for choice in views.SERIES_LENGTH:
        assert submitted.recurrence_for(choice, local).end_times <= 50


def test_a_one_off_submission_is_a_scheduled_meeting_without_options():
    start = NOW + timedelta(days=1)
    sub = submitted.read_submission(
        submitted_view(
            {
                "topic": {"value": "One off"},
                "start": {"selected_date_time": int(start.timestamp())},
                "channel": {"selected_conversation": "C1"},
            },
            {"tz": "Not/AZone"},
        )
    )
    request = submitted.meeting_from_submission(sub, join_before_host=True)
    assert request.type == SCHEDULED and request.recurrence is None
    assert request.timezone == "UTC"
    assert request.settings.waiting_room is False and request.settings.join_before_host is True

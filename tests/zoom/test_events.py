"""Reading Zoom webhook bodies into events (zoom.events).

The bodies in fixtures/webhook_bodies.json are in the shapes Zoom documents, including its
quirk that `payload.object.id` is a string in most meeting events and a number in others.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from zoom import BadEvent, EventKind, Meeting, ZoomEvent, parse_event

BODIES: dict[str, Any] = json.loads(
    (Path(__file__).parent / "fixtures" / "webhook_bodies.json").read_text()
)
MEETING_ID = 85749364211  # what the REST API calls this meeting: a number


def body(name: str) -> dict[str, Any]:
    return copy.deepcopy(BODIES[name])


def raw(name: str) -> bytes:
    return json.dumps(BODIES[name]).encode()


def test_url_validation() -> None:
    event = parse_event(raw("endpoint.url_validation"))
    assert event.kind is EventKind.URL_VALIDATION
    assert event.plain_token == "qgg8vlvZRS6UYooatFL8Aw"
    assert event.event_ts == 1654503849680
    assert event.meeting is None and event.meeting_id is None


def test_meeting_started_with_a_string_id_matches_the_rest_api_number() -> None:
    event = parse_event(raw("meeting.started"))
    assert event.kind is EventKind.MEETING_STARTED
    assert event.event == "meeting.started"
    assert event.account_id == "AAAAAABBBB"
    assert event.event_ts == 1762178539302
    assert event.occurred_at == datetime(2025, 11, 3, 14, 2, 19, 302000, tzinfo=UTC)
    meeting = event.meeting
    assert meeting is not None
    assert meeting.id == MEETING_ID and isinstance(meeting.id, int)
    # The same meeting as the REST API describes it has the same id.
    rest = Meeting.from_json({"id": 85749364211, "uuid": "x", "join_url": "https://j"})
    assert event.meeting_id == rest.id
    assert meeting.uuid == "4444AAAiAAAAAiAiAiiAii=="
    assert meeting.host_id == "x1yCzABCDEfg23HiJKl4mN"
    assert meeting.topic == "Design review"
    assert meeting.type == 2
    assert meeting.start_time == datetime(2025, 11, 3, 14, 2, 19, tzinfo=UTC)
    assert meeting.start_time.tzinfo is not None
    assert meeting.end_time is None
    assert meeting.duration == 30
    assert meeting.timezone == "America/New_York"
    assert event.participant is None


def test_meeting_ended_has_both_times() -> None:
    event = parse_event(raw("meeting.ended"))
    assert event.kind is EventKind.MEETING_ENDED
    assert event.meeting is not None
    assert event.meeting.start_time == datetime(2025, 11, 3, 14, 2, 19, tzinfo=UTC)
    assert event.meeting.end_time == datetime(2025, 11, 3, 14, 49, 5, tzinfo=UTC)
    lasted = event.meeting.end_time - event.meeting.start_time
    assert round(lasted.total_seconds() / 60) == 47


def test_meeting_deleted_with_a_number_id_and_its_operator() -> None:
    event = parse_event(raw("meeting.deleted"))
    assert event.kind is EventKind.MEETING_DELETED
    assert event.meeting_id == MEETING_ID
    assert event.operator == "ada@example.com"
    assert event.operator_id == "x1yCzABCDEfg23HiJKl4mN"
    assert event.operation == "all"
    assert event.meeting is not None and event.meeting.occurrence_ids == ()
    assert "ada@example.com" not in repr(event)  # an email is personal: kept out of logs


def test_deleting_one_occurrence_names_it() -> None:
    event = parse_event(raw("meeting.deleted (one occurrence)"))
    assert event.meeting is not None
    assert event.meeting.id == 81234567890
    assert event.meeting.occurrence_ids == ("1762351200000",)
    assert event.operation == "single"
    assert event.meeting.start_time is None  # Zoom sent none for the series


def test_meeting_updated_has_the_changes_and_what_was_before() -> None:
    event = parse_event(raw("meeting.updated"))
    assert event.kind is EventKind.MEETING_UPDATED
    assert event.meeting is not None
    assert event.meeting.topic == "Design review (moved)"
    assert event.meeting.start_time == datetime(2025, 11, 3, 15, 0, tzinfo=UTC)
    assert event.meeting.duration is None  # not changed, not sent
    assert event.previous["topic"] == "Design review"
    with pytest.raises(TypeError):
        event.previous["topic"] = "changed"  # type: ignore[index]


def test_participant_joined() -> None:
    event = parse_event(raw("meeting.participant_joined"))
    assert event.kind is EventKind.PARTICIPANT_JOINED
    assert event.meeting_id == MEETING_ID
    person = event.participant
    assert person is not None
    assert person.user_id == "16778240"
    assert person.user_name == "Grace Hopper"
    assert person.id == "iFxeBPYun6SAiWUzBcEkX"
    assert person.participant_user_id == "iFxeBPYun6SAiWUzBcEkX"
    assert person.participant_uuid == "1AB2C3D4-5E6F-7A8B-9C0D-1E2F3A4B5C6D"
    assert person.join_time == datetime(2025, 11, 3, 14, 3, 20, tzinfo=UTC)
    assert person.leave_time is None
    assert person.key == "1AB2C3D4-5E6F-7A8B-9C0D-1E2F3A4B5C6D"
    assert "grace@example.com" not in repr(event)


def test_a_guest_has_no_zoom_id_and_is_known_by_their_meeting_user_id() -> None:
    event = parse_event(raw("meeting.participant_joined (guest)"))
    assert event.meeting_id == MEETING_ID  # a number here: still the same int
    person = event.participant
    assert person is not None
    assert person.id is None and person.email is None  # Zoom's "" read as absent
    assert person.participant_uuid is None
    assert person.key == "16779264"


def test_participant_left_is_the_same_person_as_joined() -> None:
    joined = parse_event(raw("meeting.participant_joined"))
    left = parse_event(raw("meeting.participant_left"))
    assert left.kind is EventKind.PARTICIPANT_LEFT
    assert left.participant is not None and joined.participant is not None
    assert left.participant.key == joined.participant.key
    assert left.participant.leave_time == datetime(2025, 11, 3, 14, 40, tzinfo=UTC)
    assert left.participant.leave_reason is not None


def test_an_event_zoombot_does_not_handle_is_other() -> None:
    body = json.loads(raw("recording.completed"))
    body["event"] = "recording.transcript_completed"
    event = parse_event(body)
    assert event.kind is EventKind.OTHER
    assert event.event == "recording.transcript_completed"
    assert event.meeting is None  # not read: the app only acknowledges it
    assert event.raw["payload"]["object"]["topic"] == "Design review"


def test_recording_completed_names_its_meeting_and_keeps_the_share_url_in_raw() -> None:
    event = parse_event(raw("recording.completed"))
    assert event.kind is EventKind.RECORDING_COMPLETED
    assert event.meeting is not None and event.meeting.topic == "Design review"
    assert isinstance(event.meeting_id, int)
    assert event.raw["payload"]["object"]["recording_files"] == []


def test_summary_completed_reads_the_meeting_prefixed_names() -> None:
    event = parse_event(
        {
            "event": "meeting.summary_completed",
            "event_ts": 1,
            "payload": {
                "account_id": "a",
                "object": {
                    "meeting_id": 81234567890,
                    "meeting_uuid": "/ab//c==",
                    "meeting_host_id": "h",
                    "meeting_topic": "Retro",
                },
            },
        }
    )
    assert event.kind is EventKind.SUMMARY_COMPLETED
    assert event.meeting_id == 81234567890 and event.meeting is not None
    assert event.meeting.uuid == "/ab//c==" and event.meeting.topic == "Retro"


def test_an_unknown_event_needs_only_a_name() -> None:
    event = parse_event(b'{"event": "app.deauthorized"}')
    assert event.kind is EventKind.OTHER and event.event_ts is None


def test_bytes_and_dicts_read_the_same() -> None:
    assert parse_event(raw("meeting.started")) == parse_event(body("meeting.started"))
    assert parse_event(raw("meeting.started").decode()) == parse_event(body("meeting.started"))


def test_events_are_frozen() -> None:
    event = parse_event(raw("meeting.started"))
    with pytest.raises(AttributeError):
        event.event = "meeting.ended"  # type: ignore[misc]
    assert event.meeting is not None
    with pytest.raises(AttributeError):
        event.meeting.id = 1  # type: ignore[misc]


@pytest.mark.parametrize(
    "text",
    [
        b"",
        b"not json",
        b"\xff\xfe",
        b"[]",
        b'"meeting.started"',
        b"{}",
        b'{"event": ""}',
        b'{"event": 7}',
        b'{"event": "meeting.started", "payload": []}',
        b'{"event": "meeting.started", "payload": {"account_id": "a"}}',
        b'{"event": "meeting.started", "payload": {"object": "85749364211"}}',
        b'{"event": "meeting.started", "payload": {"object": {"topic": "no id"}}}',
        b'{"event": "endpoint.url_validation", "payload": {}}',
        b'{"event": "endpoint.url_validation", "payload": {"plainToken": 5}}',
    ],
)
def test_malformed_bodies_raise_bad_event(text: bytes) -> None:
    with pytest.raises(BadEvent):
        parse_event(text)


@pytest.mark.parametrize(
    ("where", "value"),
    [
        ("id", "85749364211abc"),
        ("id", True),
        ("id", 8.5),
        ("start_time", "yesterday"),
        ("start_time", 1762178539),
        ("duration", "long"),
    ],
)
def test_unreadable_meeting_fields_raise_bad_event(where: str, value: Any) -> None:
    data = body("meeting.started")
    data["payload"]["object"][where] = value
    with pytest.raises(BadEvent):
        parse_event(data)


def test_a_participant_event_without_the_participant_is_bad() -> None:
    data = body("meeting.participant_joined")
    del data["payload"]["object"]["participant"]
    with pytest.raises(BadEvent):
        parse_event(data)


def test_bad_event_is_a_value_error() -> None:
    assert issubclass(BadEvent, ValueError)


# -- delivery keys -------------------------------------------------------------------------


def test_a_repeated_delivery_has_the_same_key() -> None:
    # Zoom retries with the same body; the key must not depend on anything else.
    first = parse_event(raw("meeting.started"))
    again = parse_event(json.dumps(BODIES["meeting.started"], indent=2).encode())
    assert first.delivery_key == again.delivery_key


def test_different_events_have_different_keys() -> None:
    keys = {parse_event(body(name)).delivery_key for name in BODIES if not name.startswith("_")}
    assert len(keys) == len([n for n in BODIES if not n.startswith("_")])


def test_a_later_start_of_the_same_meeting_has_another_key() -> None:
    first = body("meeting.started")
    later = body("meeting.started")
    later["event_ts"] += 86_400_000
    later["payload"]["object"]["uuid"] = "7777CCCiAAAAAiAiAiiAii=="
    assert parse_event(first).delivery_key != parse_event(later).delivery_key


def test_two_people_joining_in_the_same_millisecond_have_different_keys() -> None:
    ada = body("meeting.participant_joined")
    bob = body("meeting.participant_joined")
    bob["payload"]["object"]["participant"].update(
        user_id="16780000", user_name="Bob", id="", participant_uuid="2BBB", email=""
    )
    assert ada["event_ts"] == bob["event_ts"]
    assert parse_event(ada).delivery_key != parse_event(bob).delivery_key


def test_the_key_names_the_event_and_the_meeting() -> None:
    event: ZoomEvent = parse_event(raw("meeting.ended"))
    assert "meeting.ended" in event.delivery_key
    assert "4444AAAiAAAAAiAiAiiAii==" in event.delivery_key
    assert "1762181345713" in event.delivery_key

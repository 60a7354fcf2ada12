"""The calls, over real HTTP against the local Zoom: what is sent and what comes back."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.fakes.zoom import FakeZoom
from zoom import (
    INSTANT,
    RECURRING,
    Meeting,
    MeetingNotFound,
    MeetingRequest,
    MeetingSettings,
    Recurrence,
    UserNotFound,
    ZoomClient,
    ZoomValidationError,
)

MEETINGS = "/users/{userId}/meetings"


async def test_create_scheduled_meeting_sends_local_time_and_reads_zooms_answer(
    zoom: ZoomClient, fake_zoom: FakeZoom, host: dict
) -> None:
    request = MeetingRequest(
        topic="Design review",
        start_time="2031-03-04T15:00:00",
        timezone="America/Denver",
        duration=45,
        settings=MeetingSettings(waiting_room=True, alternative_hosts=("bo@example.com",)),
    )
    meeting = await zoom.create_meeting("ada@example.com", request)

    assert isinstance(meeting, Meeting)
    assert meeting.id > 10**10  # Zoom ids outgrow 32 bits
    assert meeting.topic == "Design review"
    assert meeting.start_time == datetime(2031, 3, 4, 22, 0, tzinfo=UTC)
    assert meeting.timezone == "America/Denver"
    assert meeting.join_url.startswith("https://") and "pwd=" in meeting.join_url
    assert meeting.password and meeting.start_url
    assert meeting.host_id == host["id"]
    sent = fake_zoom.requests_to(MEETINGS, "POST")
    assert [r.body for r in sent] == [request.to_json()]
    assert sent[0].path == "/v2/users/ada@example.com/meetings"
    assert fake_zoom.meetings[meeting.id]["settings"]["alternative_hosts"] == "bo@example.com"


async def test_recurring_meeting_comes_back_with_its_occurrences(
    zoom: ZoomClient, host: dict
) -> None:
    request = MeetingRequest(
        topic="Standup",
        type=RECURRING,
        start_time="2031-03-03T09:30:00",  # a Monday
        timezone="America/Denver",
        duration=15,
        recurrence=Recurrence(type=2, weekly_days="2,4", end_times=4),
    )
    meeting = await zoom.create_meeting(host["id"], request)
    assert [o.start_time.weekday() for o in meeting.occurrences] == [0, 2, 0, 2]
    assert meeting.recurrence == request.recurrence


async def test_instant_meeting(zoom: ZoomClient, host: dict) -> None:
    meeting = await zoom.create_meeting(host["email"], MeetingRequest(topic="Now", type=INSTANT))
    assert meeting.type == INSTANT
    assert meeting.join_url


async def test_get_update_delete(zoom: ZoomClient, fake_zoom: FakeZoom, host: dict) -> None:
    made = await zoom.create_meeting(
        host["email"], MeetingRequest(topic="A", start_time="2031-01-01T10:00:00", timezone="UTC")
    )
    got = await zoom.get_meeting(made.id)
    assert (got.id, got.uuid, got.password) == (made.id, made.uuid, made.password)

    await zoom.update_meeting(made.id, {"topic": "B", "duration": 90})
    assert (fake_zoom.meetings[made.id]["topic"], fake_zoom.meetings[made.id]["duration"]) == (
        "B",
        90,
    )

    await zoom.delete_meeting(made.id)
    assert made.id not in fake_zoom.meetings
    with pytest.raises(MeetingNotFound) as caught:
        await zoom.get_meeting(made.id)
    assert (caught.value.status, caught.value.code) == (404, 3001)
    assert caught.value.tracking_id


async def test_get_user_and_unknown_user(zoom: ZoomClient, host: dict) -> None:
    user = await zoom.get_user("ADA@example.com")
    assert (user.id, user.email, user.timezone, user.is_active) == (
        host["id"],
        "ada@example.com",
        "America/Denver",
        True,
    )
    with pytest.raises(UserNotFound) as caught:
        await zoom.get_user("nobody@example.com")
    assert (caught.value.status, caught.value.code) == (404, 1001)
    with pytest.raises(UserNotFound):
        await zoom.create_meeting("nobody@example.com", MeetingRequest(topic="x"))


async def test_validation_errors_carry_zooms_fields(zoom: ZoomClient, host: dict) -> None:
    with pytest.raises(ZoomValidationError) as caught:
        await zoom.create_meeting(host["id"], MeetingRequest(topic="x" * 201))
    assert caught.value.code == 300
    assert caught.value.errors[0]["field"] == "topic"


async def test_list_upcoming_follows_next_page_token(
    zoom: ZoomClient, fake_zoom: FakeZoom, host: dict
) -> None:
    for day in range(1, 8):
        await zoom.create_meeting(
            host["id"],
            MeetingRequest(topic=f"M{day}", start_time=f"2031-05-0{day}T10:00:00", timezone="UTC"),
        )
    zoom.page_size = 3
    listed = await zoom.list_upcoming_meetings(host["email"])

    assert [m.topic for m in listed] == [f"M{d}" for d in range(1, 8)]
    pages = fake_zoom.requests_to(MEETINGS, "GET")
    assert [r.query.get("page_size") for r in pages] == ["3", "3", "3"]
    assert "next_page_token" not in pages[0].query
    assert pages[1].query["next_page_token"] and pages[2].query["next_page_token"]
    assert {r.query["type"] for r in pages} == {"upcoming"}


async def test_active_users_come_a_page_at_a_time_to_the_end(
    zoom: ZoomClient, fake_zoom: FakeZoom, host: dict
) -> None:
    for n in range(6):
        fake_zoom.add_user(f"user{n}@example.com", first_name=f"U{n}")
    fake_zoom.add_user("gone@example.com", status="inactive")
    fake_zoom.add_user("invited@example.com", status="pending")
    zoom.page_size = 3

    pages = [page async for page in zoom.active_users()]

    assert [len(page) for page in pages] == [3, 3, 1]
    emails = {user.email for page in pages for user in page}
    assert emails == {host["email"], *(f"user{n}@example.com" for n in range(6))}
    assert all(user.is_active for page in pages for user in page)
    calls = fake_zoom.requests_to("/users", "GET")
    assert [r.query.get("status") for r in calls] == ["active"] * 3
    assert "next_page_token" not in calls[0].query
    assert calls[1].query["next_page_token"] != calls[2].query["next_page_token"]

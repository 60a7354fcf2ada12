"""Contract tests: what the client sends fits Zoom's OpenAPI document, and so does the fake.

Every request body the client sends in these scenarios is validated against the requestBody
schema of the matching operation (strictly: a field the document does not name fails).
"""

from __future__ import annotations

import httpx
import jsonschema
import pytest

from tests.fakes.zoom import FakeZoom
from tests.openapi import validate_request, validate_response
from zoom import (
    INSTANT,
    RECURRING,
    MeetingRequest,
    MeetingSettings,
    Recurrence,
    ZoomClient,
)

pytestmark = pytest.mark.contract

MEETINGS = "/users/{userId}/meetings"
MEETING = "/meetings/{meetingId}"

FULL_SETTINGS = MeetingSettings(
    waiting_room=True,
    join_before_host=False,
    mute_upon_entry=True,
    host_video=True,
    participant_video=False,
    meeting_authentication=False,
    encryption_type="enhanced_encryption",
    auto_recording="cloud",
    alternative_hosts=("bo@example.com", "cy@example.com"),
    jbh_time=5,
)

REQUESTS = {
    "scheduled": MeetingRequest(
        topic="Design review",
        start_time="2031-03-04T15:00:00",
        timezone="America/Denver",
        duration=45,
        agenda="Walk through the mock-ups",
    ),
    "scheduled with settings and passcode": MeetingRequest(
        topic="Board",
        start_time="2031-03-04T09:00:00",
        timezone="Europe/Berlin",
        duration=60,
        password="a1-_*@",
        settings=FULL_SETTINGS,
    ),
    "weekly": MeetingRequest(
        topic="Standup",
        type=RECURRING,
        start_time="2031-03-03T09:30:00",
        timezone="America/New_York",
        duration=15,
        recurrence=Recurrence(type=2, repeat_interval=1, weekly_days="2,3,4,5,6", end_times=10),
    ),
    "monthly by day": MeetingRequest(
        topic="Retro",
        type=RECURRING,
        start_time="2031-03-15T16:00:00",
        timezone="UTC",
        duration=60,
        recurrence=Recurrence(type=3, monthly_day=15, end_date_time="2031-12-31T23:59:00Z"),
    ),
    "monthly by week": MeetingRequest(
        topic="All hands",
        type=RECURRING,
        start_time="2031-03-27T17:00:00",
        timezone="America/Los_Angeles",
        duration=30,
        recurrence=Recurrence(type=3, monthly_week=-1, monthly_week_day=5, end_times=6),
    ),
    "daily": MeetingRequest(
        topic="Check-in",
        type=RECURRING,
        start_time="2031-03-03T08:00:00",
        timezone="Asia/Tokyo",
        duration=10,
        recurrence=Recurrence(type=1, repeat_interval=2, end_times=5),
    ),
    "instant": MeetingRequest(topic="Quick sync", type=INSTANT, settings=FULL_SETTINGS),
}


@pytest.mark.parametrize("name", list(REQUESTS))
async def test_every_create_body_fits_meeting_create(
    name: str, zoom: ZoomClient, fake_zoom: FakeZoom, host: dict
) -> None:
    meeting = await zoom.create_meeting(host["email"], REQUESTS[name])
    await zoom.update_meeting(meeting.id, REQUESTS[name])
    await zoom.update_meeting(meeting.id, {"topic": "Renamed", "duration": 20})

    creates = fake_zoom.requests_to(MEETINGS, "POST")
    updates = fake_zoom.requests_to(MEETING, "PATCH")
    assert len(creates) == 1 and len(updates) == 2
    for recorded in creates:
        validate_request("meetingCreate", recorded.body)
    for recorded in updates:
        validate_request("meetingUpdate", recorded.body)


def test_the_validator_catches_what_zoom_would_not_take() -> None:
    # A misspelt field, a wrong type and an unlisted weekly day must all fail, or the
    # contract tests above prove nothing.
    for bad in (
        {"topic": "x", "alternate_hosts": "a@b.c"},
        {"topic": "x", "duration": "45"},
        {"topic": "x", "type": 8, "recurrence": {"type": 2, "weekly_days": "8"}},
        {"topic": "x", "password": "x" * 11},
    ):
        with pytest.raises(jsonschema.ValidationError):
            validate_request("meetingCreate", bad)
    validate_request(
        "meetingCreate", {"topic": "x", "type": 8, "recurrence": {"type": 2, "weekly_days": "1,3"}}
    )


async def bearer(http: httpx.AsyncClient, fake_zoom: FakeZoom) -> dict[str, str]:
    """An Authorization header with a token the fake issued, as Zoom's S2S grant gives."""
    grant = await http.post(
        fake_zoom.oauth_url,
        auth=(fake_zoom.client_id, fake_zoom.client_secret),
        data={"grant_type": "account_credentials", "account_id": fake_zoom.account_id},
    )
    return {"Authorization": f"Bearer {grant.json()['access_token']}"}


async def test_the_fakes_answers_fit_zooms_response_schemas(
    zoom: ZoomClient, fake_zoom: FakeZoom, host: dict
) -> None:
    meeting = await zoom.create_meeting(host["email"], REQUESTS["weekly"])
    async with httpx.AsyncClient() as http:
        headers = await bearer(http, fake_zoom)
        created = await http.post(
            f"{fake_zoom.api_url}/users/{host['id']}/meetings",
            json=REQUESTS["scheduled with settings and passcode"].to_json(),
            headers=headers,
        )
        got = await http.get(f"{fake_zoom.api_url}/meetings/{meeting.id}", headers=headers)
        listed = await http.get(f"{fake_zoom.api_url}/users/{host['id']}/meetings", headers=headers)
        user = await http.get(f"{fake_zoom.api_url}/users/{host['id']}", headers=headers)

    assert created.status_code == 201
    validate_response("meetingCreate", "201", created.json())
    validate_response("meeting", "200", got.json())
    validate_response("meetings", "200", listed.json())
    validate_response("user", "200", user.json())


async def test_the_user_list_query_and_answer_fit_zooms_document(
    zoom: ZoomClient, fake_zoom: FakeZoom, host: dict
) -> None:
    from tests.openapi import operation

    fake_zoom.add_user("bo@example.com")
    zoom.page_size = 1
    async for _ in zoom.active_users():
        pass
    method, path, op = operation("users")
    declared = {p["name"]: p.get("schema", {}) for p in op.get("parameters", [])}
    calls = fake_zoom.requests_to("/users", method)
    assert path == "/users" and len(calls) == 2
    for call in calls:
        for name, value in call.query.items():
            assert name in declared, f"{name} is not a parameter of GET /users"
            schema = declared[name]
            if "enum" in schema:
                assert value in schema["enum"]
            if schema.get("type") == "integer":
                assert int(value) <= schema.get("maximum", int(value))
    async with httpx.AsyncClient() as http:
        headers = await bearer(http, fake_zoom)
        listed = await http.get(f"{fake_zoom.api_url}/users", headers=headers)
    validate_response("users", "200", listed.json())

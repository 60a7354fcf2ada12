"""The client's registration and summary calls against the fake, and the bodies they send
checked against Zoom's OpenAPI document (contract: strict, a field it does not name fails)."""

from __future__ import annotations

import jsonschema
import pytest

from tests.fakes.zoom import FakeZoom
from tests.openapi import validate_request
from zoom import MeetingRequest, MeetingSettings, ZoomAuthError, ZoomClient, ZoomNotFound
from zoom.registrants import (
    ApprovalType,
    NewRegistrant,
    RegistrantAction,
    RegistrantQuestions,
    RegistrantRef,
    RegistrationType,
    uuid_segment,
)

pytestmark = pytest.mark.contract

REGISTRANTS = "/meetings/{meetingId}/registrants"
STATUS = "/meetings/{meetingId}/registrants/status"
QUESTIONS = "/meetings/{meetingId}/registrants/questions"


def registering(approval: ApprovalType) -> MeetingRequest:
    return MeetingRequest(
        topic="Town hall",
        start_time="2031-03-04T15:00:00",
        timezone="UTC",
        duration=30,
        settings=MeetingSettings(
            approval_type=approval, registration_type=RegistrationType.ONCE_FOR_ALL
        ),
    )


async def test_automatic_approval_gives_the_link_at_once(
    zoom: ZoomClient, fake_zoom: FakeZoom, host: dict
) -> None:
    meeting = await zoom.create_meeting(host["email"], registering(ApprovalType.AUTOMATIC))
    got = await zoom.add_registrant(meeting.id, NewRegistrant("Ana", "ana@example.com", "Lima"))
    assert got.registrant_id and got.join_url and "tk=" in got.join_url
    again = await zoom.add_registrant(meeting.id, NewRegistrant("Ana", "ana@example.com"))
    assert again.registrant_id == got.registrant_id
    validate_request("meetingCreate", fake_zoom.requests_to("/users/{userId}/meetings")[0].body)
    for call in fake_zoom.requests_to(REGISTRANTS, "POST"):
        validate_request("meetingRegistrantCreate", call.body)


async def test_manual_approval_waits_then_the_link_comes_once_approved(
    zoom: ZoomClient, fake_zoom: FakeZoom, host: dict
) -> None:
    meeting = await zoom.create_meeting(host["email"], registering(ApprovalType.MANUAL))
    await zoom.update_registrant_questions(meeting.id, RegistrantQuestions(("Your team?",)))
    got = await zoom.add_registrant(meeting.id, NewRegistrant("Bo", "bo@example.com"))
    assert got.join_url is None
    assert (await zoom.get_registrant(meeting.id, got.registrant_id)).join_url is None
    await zoom.set_registrant_status(
        meeting.id, RegistrantAction.APPROVE, (RegistrantRef(id=got.registrant_id),)
    )
    approved = await zoom.get_registrant(meeting.id, got.registrant_id)
    assert approved.join_url and "tk=" in approved.join_url
    assert [p["status"] for p in fake_zoom.registrants(meeting.id)] == ["approved"]
    assert fake_zoom.registrant_questions(meeting.id)["custom_questions"][0]["title"] == (
        "Your team?"
    )
    validate_request("meetingRegistrantStatus", fake_zoom.requests_to(STATUS, "PUT")[0].body)
    validate_request(
        "meetingRegistrantQuestionUpdate", fake_zoom.requests_to(QUESTIONS, "PATCH")[0].body
    )


async def test_a_meeting_without_registration_refuses_registrants(
    zoom: ZoomClient, fake_zoom: FakeZoom, host: dict
) -> None:
    meeting = await zoom.create_meeting(host["email"], MeetingRequest(topic="Plain"))
    with pytest.raises(Exception) as caught:
        await zoom.add_registrant(meeting.id, NewRegistrant("Cy", "cy@example.com"))
    assert getattr(caught.value, "code", None) == 3000


def test_the_validator_catches_bad_registration_bodies() -> None:
    for operation, bad in (
        ("meetingRegistrantCreate", {"first_name": "A"}),
        ("meetingRegistrantCreate", {"first_name": "A", "email": "a@b.c", "nickname": "x"}),
        ("meetingRegistrantStatus", {"action": "accept"}),
        ("meetingRegistrantQuestionUpdate", {"custom_questions": [{"type": "long"}]}),
    ):
        with pytest.raises(jsonschema.ValidationError):
            validate_request(operation, bad)


@pytest.mark.parametrize("uuid", ["aDYlohsHRtCd4ii1uC2+hA==", "/ajXp112QmuoKj4854875==", "ab//c=="])
async def test_summaries_are_read_by_run_uuid_encoded_as_zoom_asks(
    zoom: ZoomClient, fake_zoom: FakeZoom, host: dict, uuid: str
) -> None:
    fake_zoom.scopes = (*fake_zoom.scopes, "meeting_summary:read:admin")
    meeting = await zoom.create_meeting(host["email"], MeetingRequest(topic="Retro"))
    fake_zoom.complete_summary(meeting.id, uuid=uuid, overview="Shipped.", next_steps=("Cy: ship",))
    summary = await zoom.get_meeting_summary(uuid)
    assert summary.overview == "Shipped." and summary.next_steps == ("Cy: ship",)
    assert summary.meeting_uuid == uuid
    with pytest.raises(ZoomNotFound):
        await zoom.get_meeting_summary("someOtherRun==")


def test_double_encoding_only_where_zoom_asks_for_it() -> None:
    assert uuid_segment("abc/def==") == "abc%2Fdef%3D%3D"
    assert uuid_segment("/abc") == "%252Fabc"
    assert uuid_segment("a//b") == "a%252F%252Fb"


async def test_a_summary_without_its_scope_is_an_auth_error_naming_it(
    zoom: ZoomClient, fake_zoom: FakeZoom, host: dict
) -> None:
    meeting = await zoom.create_meeting(host["email"], MeetingRequest(topic="Retro"))
    fake_zoom.complete_summary(meeting.id)
    with pytest.raises(ZoomAuthError) as caught:
        await zoom.get_meeting_summary(meeting.uuid)
    assert "meeting_summary:read:admin" in caught.value.missing_scopes


BAD_BODIES = [
    ("POST", REGISTRANTS, "meetingRegistrantCreate", {"first_name": "A"}),
    (
        "POST",
        REGISTRANTS,
        "meetingRegistrantCreate",
        {"first_name": "A", "email": "a@b.co", "x": 1},
    ),
    ("POST", REGISTRANTS, "meetingRegistrantCreate", {"first_name": "A" * 65, "email": "a@b.co"}),
    ("PUT", STATUS, "meetingRegistrantStatus", {"action": "accept"}),
    ("PUT", STATUS, "meetingRegistrantStatus", {"action": "approve", "registrants": [{"x": 1}]}),
    ("PATCH", QUESTIONS, "meetingRegistrantQuestionUpdate", {"custom_questions": [{"type": "x"}]}),
    ("PATCH", QUESTIONS, "meetingRegistrantQuestionUpdate", {"answers": []}),
]


@pytest.mark.parametrize(("method", "route", "operation", "body"), BAD_BODIES)
async def test_the_fake_refuses_what_zooms_document_refuses(
    zoom: ZoomClient, fake_zoom: FakeZoom, host: dict, method, route, operation, body
) -> None:
    import httpx

    with pytest.raises(jsonschema.ValidationError):
        validate_request(operation, body)
    meeting = await zoom.create_meeting(host["email"], registering(ApprovalType.MANUAL))
    token = await zoom.access_token()
    path = route.replace("{meetingId}", str(meeting.id))
    async with httpx.AsyncClient() as http:
        answer = await http.request(
            method,
            fake_zoom.api_url + path,
            json=body,
            headers={"Authorization": f"Bearer {token}"},
        )
    assert answer.status_code == 400 and answer.json()["code"] == 300


async def test_the_fakes_registration_answers_fit_zooms_response_schemas(
    zoom: ZoomClient, fake_zoom: FakeZoom, host: dict
) -> None:
    import httpx

    from tests.openapi import validate_response

    meeting = await zoom.create_meeting(host["email"], registering(ApprovalType.AUTOMATIC))
    token = await zoom.access_token()
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient() as http:
        added = await http.post(
            f"{fake_zoom.api_url}/meetings/{meeting.id}/registrants",
            json={"first_name": "Ana", "email": "ana@example.com"},
            headers=headers,
        )
        got = await http.get(
            f"{fake_zoom.api_url}/meetings/{meeting.id}/registrants/"
            + added.json()["registrant_id"],
            headers=headers,
        )
    assert added.status_code == 201 and got.status_code == 200
    validate_response("meetingRegistrantCreate", "201", added.json())
    validate_response("meetingRegistrantGet", "200", got.json())

"""One occurrence of a series through the client and the fake (issue 15): `PATCH` and
`DELETE /meetings/{id}?occurrence_id=…`, what `GET /meetings/{id}` then says, and the PATCH
bodies checked against Zoom's OpenAPI document (strictly: a field it does not name fails)."""

from __future__ import annotations

import pytest

from tests.openapi import validate_request
from zoom import RECURRING, SCHEDULED, MeetingRequest, Recurrence, ZoomValidationError

pytestmark = pytest.mark.contract

MEETING = "/meetings/{meetingId}"
DAILY = MeetingRequest(
    topic="Standup",
    type=RECURRING,
    start_time="2031-03-04T09:00:00",
    timezone="America/Denver",
    duration=15,
    recurrence=Recurrence(type=1, repeat_interval=1, end_times=5),
)


@pytest.fixture(autouse=True)
def zoom_checks_patch_bodies(fake_zoom):
    """The fake Zoom refuses a PATCH body that Zoom's OpenAPI document does not allow."""
    fake_zoom.body_check = validate_request
    yield
    fake_zoom.body_check = None


async def test_move_one_occurrence_then_skip_another(fake_zoom, host, make_zoom) -> None:
    zoom = make_zoom()
    made = await zoom.create_meeting(host["id"], DAILY)
    second, third = made.occurrences[1], made.occurrences[2]
    await zoom.update_meeting(
        made.id,
        {"start_time": "2031-03-05T18:00:00Z", "duration": 30},
        occurrence_id=second.occurrence_id,
    )
    await zoom.delete_meeting(made.id, occurrence_id=third.occurrence_id)
    patch = fake_zoom.requests_to(MEETING, "PATCH")[-1]
    assert patch.query == {"occurrence_id": second.occurrence_id}
    validate_request("meetingUpdate", patch.body)
    assert fake_zoom.requests_to(MEETING, "DELETE")[-1].query == {
        "occurrence_id": third.occurrence_id
    }
    now = await zoom.get_meeting(made.id)
    assert now.start_time == made.start_time  # the series itself stays
    moved = now.occurrences[1]
    assert moved.occurrence_id == second.occurrence_id
    assert moved.start_time is not None and moved.start_time.isoformat().startswith(
        "2031-03-05T18:00"
    )
    assert moved.duration == 30
    assert now.occurrences[2].status == "deleted"
    assert [o.status for i, o in enumerate(now.occurrences) if i != 2] == ["available"] * 4


async def test_a_whole_meeting_patch_fits_the_document(fake_zoom, host, make_zoom) -> None:
    zoom = make_zoom()
    one = MeetingRequest(
        topic="Review", type=SCHEDULED, start_time="2031-03-04T15:00:00", timezone="UTC"
    )
    made = await zoom.create_meeting(host["id"], one)
    await zoom.update_meeting(made.id, {"start_time": "2031-03-04T16:30:00Z", "duration": 45})
    validate_request("meetingUpdate", fake_zoom.requests_to(MEETING, "PATCH")[-1].body)
    now = await zoom.get_meeting(made.id)
    assert now.start_time is not None and now.start_time.hour == 16 and now.duration == 45


async def test_the_fake_refuses_what_zoom_refuses_for_an_occurrence(
    fake_zoom, host, make_zoom
) -> None:
    zoom = make_zoom()
    made = await zoom.create_meeting(host["id"], DAILY)
    first = made.occurrences[0].occurrence_id
    with pytest.raises(ZoomValidationError):
        await zoom.update_meeting(made.id, {"topic": "Renamed"}, occurrence_id=first)
    with pytest.raises(Exception) as unknown:
        await zoom.delete_meeting(made.id, occurrence_id="123")
    assert getattr(unknown.value, "code", None) == 3000
    await zoom.delete_meeting(made.id, occurrence_id=first)
    with pytest.raises(Exception) as twice:
        await zoom.delete_meeting(made.id, occurrence_id=first)
    assert getattr(twice.value, "code", None) == 3000
    with pytest.raises(ValueError):
        await zoom.delete_meeting(made.id, occurrence_id="12; DROP")


async def test_the_fake_checks_patch_bodies_against_the_document(
    fake_zoom, host, make_zoom
) -> None:
    zoom = make_zoom()
    made = await zoom.create_meeting(host["id"], DAILY)
    with pytest.raises(ZoomValidationError):
        await zoom.update_meeting(made.id, {"start_time": "2031-03-05T18:00:00Z", "colour": 1})
    assert fake_zoom.meetings[made.id]["start_time"] == "2031-03-04T16:00:00Z"

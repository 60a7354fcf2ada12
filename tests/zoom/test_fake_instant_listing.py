"""FakeZoom lists meetings as Zoom does: instant meetings (type 1) are not in the listings
(Zoom's OpenAPI document: "This API does not return information about instant meetings"),
except under `live` while they are going on."""

from __future__ import annotations

import httpx
import pytest

from tests.fakes.zoom import FakeZoom
from zoom import INSTANT, MeetingRequest, ZoomClient

KINDS = ("scheduled", "upcoming", "upcoming_meetings", "live", "previous_meetings")


async def _listed(zoom: ZoomClient, fake: FakeZoom, host: dict) -> dict[str, set[int]]:
    token = await zoom._tokens.token()
    listed: dict[str, set[int]] = {}
    async with httpx.AsyncClient() as http:
        for kind in KINDS:
            answer = await http.get(
                f"{fake.api_url}/users/{host['id']}/meetings",
                params={"type": kind},
                headers={"Authorization": f"Bearer {token}"},
            )
            assert answer.status_code == 200
            listed[kind] = {m["id"] for m in answer.json()["meetings"]}
    return listed


@pytest.mark.parametrize("started", [False, True])
async def test_instant_meetings_are_listed_only_while_live(
    zoom: ZoomClient, fake_zoom: FakeZoom, host: dict, started: bool
) -> None:
    instant = await zoom.create_meeting(host["id"], MeetingRequest(topic="Now", type=INSTANT))
    scheduled = await zoom.create_meeting(
        host["id"], MeetingRequest(topic="Later", start_time="2031-01-01T10:00:00")
    )
    if started:
        fake_zoom.start_meeting(instant.id)

    listed = await _listed(zoom, fake_zoom, host)

    for kind in KINDS:
        assert (instant.id in listed[kind]) is (started and kind == "live"), kind
    assert scheduled.id in listed["scheduled"]
    assert scheduled.id in listed["upcoming"]
    assert (await zoom.get_meeting(instant.id)).id == instant.id  # it exists all the same

"""`ZoomClient.find_created_meeting`: the look-up a create makes after a 5xx or a timeout,
offered to a caller that lost track of a create (the app stopped while it was in flight)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from tests.fakes.zoom import Answer, FakeZoom
from zoom import INSTANT, RECURRING, MeetingRequest, Recurrence, ZoomClient, ZoomUnavailable

MEETINGS = "/users/{userId}/meetings"


def _request(topic: str = "Planning", start: str = "2031-06-01T10:00:00") -> MeetingRequest:
    return MeetingRequest(topic=topic, start_time=start, timezone="Europe/Paris", duration=30)


async def test_finds_the_meeting_a_create_made(
    make_zoom: Callable[..., ZoomClient], fake_zoom: FakeZoom, host: dict
) -> None:
    since = datetime.now(UTC)
    made = await make_zoom().create_meeting(host["email"], _request())

    # Asked by another client (a new process): a client never hands out again a meeting it
    # returned itself, so the one that made it would not offer it as a lost create's.
    found = await make_zoom().find_created_meeting(host["email"], _request(), since)

    assert found is not None
    assert found.id == made.id
    # The full meeting, as `get_meeting` gives it: what the announcement needs.
    assert found.join_url == fake_zoom.meetings[made.id]["join_url"]
    assert found.password == fake_zoom.meetings[made.id]["password"]
    assert fake_zoom.requests_to(MEETINGS, "GET")[0].query["type"] == "scheduled"


async def test_an_instant_meeting_cannot_be_checked(
    zoom: ZoomClient, fake_zoom: FakeZoom, host: dict
) -> None:
    # Zoom's list API does not return instant meetings: neither "found" nor "not made".
    since = datetime.now(UTC)
    await zoom.create_meeting(host["id"], MeetingRequest(topic="Now", type=INSTANT))

    with pytest.raises(ZoomUnavailable, match="instant"):
        await zoom.find_created_meeting(
            host["id"], MeetingRequest(topic="Now", type=INSTANT), since
        )
    assert fake_zoom.requests_to(MEETINGS, "GET") == []


async def test_none_when_zoom_made_nothing(
    zoom: ZoomClient, fake_zoom: FakeZoom, host: dict
) -> None:
    since = datetime.now(UTC)
    assert await zoom.find_created_meeting(host["email"], _request(), since) is None
    assert fake_zoom.meetings == {}


@pytest.mark.parametrize(
    "other",
    [
        _request(topic="Another topic"),
        _request(start="2031-06-01T11:00:00"),
        MeetingRequest(
            topic="Planning",
            type=RECURRING,
            start_time="2031-06-01T10:00:00",
            timezone="Europe/Paris",
            recurrence=Recurrence(type=1, end_times=3),
        ),
    ],
    ids=["topic", "start", "type"],
)
async def test_a_different_meeting_is_not_taken_for_it(
    zoom: ZoomClient, host: dict, other: MeetingRequest
) -> None:
    since = datetime.now(UTC)
    await zoom.create_meeting(host["email"], _request())

    assert await zoom.find_created_meeting(host["email"], other, since) is None


async def test_a_meeting_made_before_the_create_started_is_not_it(
    make_zoom: Callable[..., ZoomClient], host: dict
) -> None:
    zoom = make_zoom(clock_skew=0)
    await zoom.create_meeting(host["email"], _request())
    # The create being looked for started later than that meeting was made.
    later = datetime.now(UTC) + timedelta(seconds=5)

    assert await zoom.find_created_meeting(host["email"], _request(), later) is None


async def test_zoom_unreachable_raises_rather_than_guess(
    zoom: ZoomClient, fake_zoom: FakeZoom, host: dict
) -> None:
    fake_zoom.script("GET", MEETINGS, *[Answer(status=503)] * 3)
    with pytest.raises(ZoomUnavailable):
        await zoom.find_created_meeting(host["email"], _request(), datetime.now(UTC))


async def test_since_must_say_its_zone(zoom: ZoomClient, host: dict) -> None:
    with pytest.raises(ValueError, match="aware"):
        await zoom.find_created_meeting(host["email"], _request(), datetime(2031, 1, 1))

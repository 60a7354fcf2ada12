"""The look-up a create makes when Zoom may have acted: when it looks, what it takes for the
lost meeting, and what it says when it cannot tell.

Each test here failed before the fix it names (the review of issue 2's guarantees).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.fakes.zoom import Answer, FakeZoom
from zoom import (
    RECURRING,
    MeetingRequest,
    MeetingUnreadable,
    Recurrence,
    ZoomAuthError,
    ZoomClient,
    ZoomUnavailable,
)

MEETINGS = "/users/{userId}/meetings"
MEETING = "/meetings/{meetingId}"


def _request(topic: str = "Planning", start: str = "2031-06-01T10:00:00") -> MeetingRequest:
    return MeetingRequest(topic=topic, start_time=start, timezone="Europe/Paris", duration=30)


def _listing(*entries: dict[str, Any]) -> Answer:
    """A scripted `GET /users/{userId}/meetings` answer holding `entries`."""
    return Answer(
        status=200,
        body={
            "page_size": 300,
            "total_records": len(entries),
            "next_page_token": "",
            "meetings": list(entries),
        },
    )


def _entry(fake: FakeZoom, meeting_id: int, **changes: Any) -> dict[str, Any]:
    held = fake.meetings[meeting_id]
    keys = ("uuid", "id", "host_id", "topic", "type", "start_time", "duration", "timezone")
    return {**{k: held[k] for k in keys if k in held}, "created_at": held["created_at"], **changes}


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# -- 2. look after Zoom had time to finish -----------------------------------------------------


async def test_a_meeting_zoom_makes_after_the_timeout_is_found_not_made_again(
    make_zoom: Callable[..., ZoomClient], fake_zoom: FakeZoom, host: dict
) -> None:
    # Zoom is slow: the answer never comes, and the meeting appears 0.5 s after the request.
    # The client really waits (its default settle delay) before it looks.
    zoom = make_zoom(timeout=0.3, sleep=asyncio.sleep)
    fake_zoom.script("POST", MEETINGS, Answer(timeout=True, delay=10, acted_after=0.5))

    meeting = await zoom.create_meeting(host["id"], _request())

    assert list(fake_zoom.meetings) == [meeting.id]
    assert len(fake_zoom.requests_to(MEETINGS, "POST")) == 1


async def test_it_waits_before_looking_and_re_sends_right_after(
    make_zoom: Callable[..., ZoomClient], fake_zoom: FakeZoom, host: dict
) -> None:
    slept_after: list[int] = []  # how many meeting-list requests Zoom had got at each wait

    async def sleep(seconds: float) -> None:
        assert seconds >= 1.5
        slept_after.append(len(fake_zoom.requests_to(MEETINGS)))

    zoom = make_zoom(sleep=sleep, settle_delay=1.5)
    fake_zoom.script("POST", MEETINGS, Answer(status=500))

    await zoom.create_meeting(host["id"], _request())

    calls = [(r.method, r.query.get("type")) for r in fake_zoom.requests_to(MEETINGS)]
    assert calls == [("POST", None), ("GET", "scheduled"), ("POST", None)]
    assert slept_after == [1]  # after the failed POST, before the look; none before re-send


async def test_the_wait_before_looking_fits_the_deadline(
    zoom: ZoomClient, fake_zoom: FakeZoom, host: dict, sleeps
) -> None:
    fake_zoom.script("POST", MEETINGS, Answer(status=500, acted=True))
    meeting = await zoom.create_meeting(host["id"], _request(), deadline=0.5)

    assert list(fake_zoom.meetings) == [meeting.id]
    assert len(sleeps.waits) == 1
    assert 0 <= sleeps.waits[0] <= 0.5


# -- 3. never someone else's meeting -----------------------------------------------------------


async def test_a_second_create_of_the_same_meeting_does_not_get_the_first(
    zoom: ZoomClient, fake_zoom: FakeZoom, host: dict
) -> None:
    # One default host for everyone; two people ask for the same topic at the same time.
    first = await zoom.create_meeting(host["id"], _request())
    fake_zoom.script("POST", MEETINGS, Answer(status=500))  # failed before Zoom acted

    second = await zoom.create_meeting(host["id"], _request())

    assert second.id != first.id
    assert set(fake_zoom.meetings) == {first.id, second.id}


async def test_a_recurring_meeting_with_another_start_and_pattern_is_not_taken(
    zoom: ZoomClient, fake_zoom: FakeZoom, host: dict
) -> None:
    daily = MeetingRequest(
        topic="Standup",
        type=RECURRING,
        start_time="2031-03-03T09:30:00",
        timezone="UTC",
        recurrence=Recurrence(type=1, end_times=3),
    )
    weekly = MeetingRequest(
        topic="Standup",
        type=RECURRING,
        start_time="2031-05-05T15:00:00",
        timezone="UTC",
        recurrence=Recurrence(type=2, weekly_days="2", end_times=3),
    )
    first = await make_other_client(zoom).create_meeting(host["id"], daily)
    fake_zoom.script("POST", MEETINGS, Answer(status=502))

    second = await zoom.create_meeting(host["id"], weekly)

    assert second.id != first.id
    assert len(fake_zoom.meetings) == 2


def make_other_client(zoom: ZoomClient) -> ZoomClient:
    """Another client on the same Zoom (as another process would be): it has not handed out
    the meetings `zoom` made. Closed by the caller's event loop at the end of the test."""
    other = ZoomClient(
        "acct-test", "cid-test", "secret-test", api_url=zoom.api_url, oauth_url=zoom.oauth_url
    )
    _others.append(other)
    return other


_others: list[ZoomClient] = []


@pytest.fixture(autouse=True)
async def _close_others() -> Any:
    yield
    while _others:
        await _others.pop().aclose()


@pytest.mark.parametrize(("seconds_before", "taken"), [(20, True), (40, False)])
async def test_only_meetings_made_within_the_clock_skew_are_taken(
    zoom: ZoomClient, fake_zoom: FakeZoom, host: dict, seconds_before: int, taken: bool
) -> None:
    assert zoom.clock_skew == 30.0
    made = await make_other_client(zoom).create_meeting(host["id"], _request())
    created = datetime.now(UTC) - timedelta(seconds=seconds_before)
    fake_zoom.script("POST", MEETINGS, Answer(status=500))
    fake_zoom.script(
        "GET", MEETINGS, _listing(_entry(fake_zoom, made.id, created_at=_utc(created)))
    )

    meeting = await zoom.create_meeting(host["id"], _request())

    assert (meeting.id == made.id) is taken
    assert len(fake_zoom.meetings) == (1 if taken else 2)


@pytest.mark.parametrize(
    ("listed_at", "taken"),
    [
        ("2031-06-03T07:30:00Z", True),  # Tuesday 09:30 in Paris: the first real occurrence
        ("2031-06-03T08:30:00Z", False),  # another time of day
        ("2031-07-15T07:30:00Z", False),  # more than a month later
    ],
)
async def test_a_series_listed_under_its_first_occurrence_is_taken(
    zoom: ZoomClient, fake_zoom: FakeZoom, host: dict, listed_at: str, taken: bool
) -> None:
    # Asked to start on Monday 2 June, repeating on Tuesdays: Zoom may list it from 3 June.
    tuesdays = MeetingRequest(
        topic="Tuesday sync",
        type=RECURRING,
        start_time="2031-06-02T09:30:00",
        timezone="Europe/Paris",
        recurrence=Recurrence(type=2, weekly_days="3", end_times=4),
    )
    made = await make_other_client(zoom).create_meeting(host["id"], tuesdays)
    fake_zoom.script("POST", MEETINGS, Answer(status=500))
    fake_zoom.script("GET", MEETINGS, _listing(_entry(fake_zoom, made.id, start_time=listed_at)))

    meeting = await zoom.create_meeting(host["id"], tuesdays)

    assert (meeting.id == made.id) is taken


# -- 4. a listing cut short is not "not there" -------------------------------------------------


async def test_a_truncated_listing_is_could_not_check_and_nothing_is_re_sent(
    make_zoom: Callable[..., ZoomClient], fake_zoom: FakeZoom, host: dict
) -> None:
    zoom = make_zoom(page_size=2)
    for day in range(1, 11):  # five full pages of earlier meetings
        await zoom.create_meeting(host["id"], _request(f"x{day}", f"2030-01-{day:02d}T10:00:00"))
    fake_zoom.script("POST", MEETINGS, Answer(status=500, acted=True))

    with pytest.raises(ZoomUnavailable) as caught:
        await zoom.create_meeting(host["id"], _request("late", "2031-01-01T10:00:00"))

    assert "not sending it again" in caught.value.message
    assert sum(m["topic"] == "late" for m in fake_zoom.meetings.values()) == 1
    assert len(fake_zoom.requests_to(MEETINGS, "GET")) == 5


# -- 5. no raw httpx exception ----------------------------------------------------------------


async def test_an_undecodable_answer_after_zoom_acted_is_looked_up(
    zoom: ZoomClient, fake_zoom: FakeZoom, host: dict
) -> None:
    broken = Answer(status=201, acted=True, body=b"abcd", headers={"Content-Encoding": "gzip"})
    fake_zoom.script("POST", MEETINGS, broken)

    meeting = await zoom.create_meeting(host["id"], _request())

    assert list(fake_zoom.meetings) == [meeting.id]
    assert len(fake_zoom.requests_to(MEETINGS, "POST")) == 1


async def test_an_undecodable_answer_to_a_get_is_unavailable(
    zoom: ZoomClient, fake_zoom: FakeZoom, host: dict
) -> None:
    broken = Answer(status=200, body=b"abcd", headers={"Content-Encoding": "gzip"})
    fake_zoom.script("GET", MEETING, broken, broken, broken)
    with pytest.raises(ZoomUnavailable, match="could not be read"):
        await zoom.get_meeting(123)


# -- 6. found, but could not be read -----------------------------------------------------------


async def test_a_found_meeting_that_cannot_be_read_is_named_not_denied(
    zoom: ZoomClient, fake_zoom: FakeZoom, host: dict, sleeps
) -> None:
    fake_zoom.script("POST", MEETINGS, Answer(status=500, acted=True))
    fake_zoom.script("GET", MEETING, Answer(status=429, headers={"Retry-After": "30"}))

    with pytest.raises(MeetingUnreadable) as caught:
        await zoom.create_meeting(host["id"], _request(), deadline=5)

    (made,) = fake_zoom.meetings
    assert caught.value.meeting_id == made
    assert f"ID {made}" in caught.value.message
    assert isinstance(caught.value, ZoomUnavailable)
    assert 30 not in sleeps.waits  # the GET kept to the caller's deadline
    assert len(fake_zoom.requests_to(MEETINGS, "POST")) == 1


# -- 7. any failure of the look-up is "could not check" ----------------------------------------


async def test_a_look_up_refused_for_scopes_is_could_not_check(
    zoom: ZoomClient, fake_zoom: FakeZoom, host: dict
) -> None:
    fake_zoom.scopes = ("meeting:write:admin", "user:read:admin")  # may create, not list
    fake_zoom.script("POST", MEETINGS, Answer(status=502, acted=True))

    with pytest.raises(ZoomUnavailable) as caught:
        await zoom.create_meeting(host["id"], _request())

    assert "could not be checked" in caught.value.message
    assert "not sending it again" in caught.value.message
    assert isinstance(caught.value.__cause__, ZoomAuthError)
    assert len(fake_zoom.requests_to(MEETINGS, "POST")) == 1
    assert len(fake_zoom.meetings) == 1

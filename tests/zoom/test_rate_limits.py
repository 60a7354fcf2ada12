"""429s: each Retry-After form, none at all, the caller's deadline, and the daily limit."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from tests.fakes.zoom import Answer, FakeZoom
from zoom import DailyLimitReached, MeetingRequest, ZoomClient, ZoomRateLimited

MEETINGS = "/users/{userId}/meetings"
MEETING = "/meetings/{meetingId}"


def _request() -> MeetingRequest:
    return MeetingRequest(topic="Sync", start_time="2031-06-01T10:00:00", timezone="UTC")


async def _create_after_429(zoom: ZoomClient, fake_zoom: FakeZoom, host: dict, *answers) -> None:
    fake_zoom.script("POST", MEETINGS, *answers)
    meeting = await zoom.create_meeting(host["id"], _request(), deadline=30)
    assert list(fake_zoom.meetings) == [meeting.id]
    assert len(fake_zoom.requests_to(MEETINGS, "POST")) == len(answers) + 1
    assert fake_zoom.requests_to(MEETINGS, "GET") == []  # a 429 needs no look-up


async def test_retry_after_in_seconds(zoom, fake_zoom, host, sleeps) -> None:
    await _create_after_429(zoom, fake_zoom, host, Answer(status=429, headers={"Retry-After": "2"}))
    assert sleeps.waits == [2.0]


async def test_retry_after_as_http_date(zoom, fake_zoom, host, sleeps) -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=3), usegmt=True)
    await _create_after_429(
        zoom, fake_zoom, host, Answer(status=429, headers={"Retry-After": when})
    )
    (wait,) = sleeps.waits
    assert 1.0 < wait <= 3.0  # the date has whole seconds


async def test_retry_after_as_iso_date_time(zoom, fake_zoom, host, sleeps) -> None:
    when = (datetime.now(UTC) + timedelta(seconds=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
    await _create_after_429(
        zoom, fake_zoom, host, Answer(status=429, headers={"Retry-After": when})
    )
    (wait,) = sleeps.waits
    assert 3.0 < wait <= 5.0


async def test_without_retry_after_backs_off_exponentially_with_jitter(
    make_zoom, fake_zoom, host, sleeps
) -> None:
    zoom = make_zoom(backoff_base=0.5, backoff_cap=1.5)
    await _create_after_429(zoom, fake_zoom, host, *[Answer(status=429)] * 4)
    first, second, third, fourth = sleeps.waits
    assert 0.25 <= first <= 0.5
    assert 0.5 <= second <= 1.0
    assert 0.75 <= third <= 1.5 and 0.75 <= fourth <= 1.5  # capped


async def test_a_real_wait_of_zero_seconds(make_zoom, fake_zoom, host) -> None:
    zoom = make_zoom(sleep=asyncio.sleep)
    await _create_after_429(zoom, fake_zoom, host, Answer(status=429, headers={"Retry-After": "0"}))


async def test_a_wait_beyond_the_deadline_raises_at_once(zoom, fake_zoom, host, sleeps) -> None:
    fake_zoom.script("POST", MEETINGS, Answer(status=429, headers={"Retry-After": "30"}))
    with pytest.raises(ZoomRateLimited) as caught:
        await zoom.create_meeting(host["id"], _request(), deadline=5)
    assert not isinstance(caught.value, DailyLimitReached)
    assert caught.value.retry_after == 30.0
    assert (caught.value.status, caught.value.code) == (429, 429)
    assert sleeps.waits == []
    assert len(fake_zoom.requests_to(MEETINGS, "POST")) == 1
    assert fake_zoom.meetings == {}


async def test_get_is_retried_after_429_too(zoom, fake_zoom, host, sleeps) -> None:
    meeting = await zoom.create_meeting(host["id"], _request())
    fake_zoom.script("GET", MEETING, Answer(status=429, headers={"Retry-After": "1"}))
    assert (await zoom.get_meeting(meeting.id)).id == meeting.id
    assert sleeps.waits == [1.0]


async def test_daily_limit_is_raised_at_once_with_the_reset_time(
    zoom: ZoomClient, fake_zoom: FakeZoom, host: dict, sleeps
) -> None:
    fake_zoom.set_daily_limit(host["email"], 1)
    first = await zoom.create_meeting(host["id"], _request(), deadline=3600)

    with pytest.raises(DailyLimitReached) as caught:
        await zoom.create_meeting(host["id"], _request(), deadline=3600)

    today = datetime.now(UTC).date()
    assert caught.value.resets_at == datetime.combine(
        today + timedelta(days=1), datetime.min.time(), tzinfo=UTC
    )
    assert caught.value.status == 429
    assert sleeps.waits == []
    assert list(fake_zoom.meetings) == [first.id]
    assert len(fake_zoom.requests_to(MEETINGS, "POST")) == 2

    # An update counts toward the same limit.
    with pytest.raises(DailyLimitReached):
        await zoom.update_meeting(first.id, {"topic": "Renamed"})
    assert fake_zoom.meetings[first.id]["topic"] == "Sync"


async def test_daily_limit_is_recognised_from_the_message_alone(
    zoom: ZoomClient, fake_zoom: FakeZoom, host: dict, sleeps
) -> None:
    message = (
        "You have exceeded the daily rate limit of (100) for Create a meeting API requests "
        "permitted for this particular user."
    )
    fake_zoom.script(
        "POST", MEETINGS, Answer(status=429, body={"code": 429, "message": message}, headers={})
    )
    with pytest.raises(DailyLimitReached):
        await zoom.create_meeting(host["id"], _request())
    assert sleeps.waits == []


async def test_rate_limit_waits_are_bounded(
    make_zoom: Callable[..., ZoomClient], fake_zoom: FakeZoom, host: dict, sleeps
) -> None:
    zoom = make_zoom(max_rate_limit_waits=2)
    fake_zoom.script("POST", MEETINGS, *[Answer(status=429, headers={"Retry-After": "1"})] * 3)
    with pytest.raises(ZoomRateLimited):
        await zoom.create_meeting(host["id"], _request())
    assert sleeps.waits == [1.0, 1.0]
    assert fake_zoom.meetings == {}

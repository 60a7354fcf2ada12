"""Never two meetings for one create; GET/PATCH/DELETE retried; each failure's error type."""

from __future__ import annotations

import logging
from collections.abc import Callable

import httpx
import pytest

from tests.fakes.zoom import Answer, FakeZoom
from zoom import (
    INSTANT,
    MeetingRequest,
    ZoomClient,
    ZoomError,
    ZoomNotFound,
    ZoomUnavailable,
)

MEETINGS = "/users/{userId}/meetings"
MEETING = "/meetings/{meetingId}"


def _request(topic: str = "Planning") -> MeetingRequest:
    return MeetingRequest(
        topic=topic, start_time="2031-06-01T10:00:00", timezone="Europe/Paris", duration=30
    )


async def test_500_after_zoom_acted_returns_the_meeting_it_made(
    zoom: ZoomClient, fake_zoom: FakeZoom, host: dict
) -> None:
    fake_zoom.script("POST", MEETINGS, Answer(status=500, acted=True))
    meeting = await zoom.create_meeting(host["email"], _request())

    assert list(fake_zoom.meetings) == [meeting.id]
    assert meeting.password == fake_zoom.meetings[meeting.id]["password"]
    assert meeting.join_url == fake_zoom.meetings[meeting.id]["join_url"]
    assert len(fake_zoom.requests_to(MEETINGS, "POST")) == 1
    (look,) = fake_zoom.requests_to(MEETINGS, "GET")
    assert look.query["type"] == "scheduled"


async def test_500_before_zoom_acted_is_sent_again(
    zoom: ZoomClient, fake_zoom: FakeZoom, host: dict, sleeps
) -> None:
    fake_zoom.script("POST", MEETINGS, Answer(status=500), Answer(status=502))
    meeting = await zoom.create_meeting(host["email"], _request())

    assert list(fake_zoom.meetings) == [meeting.id]
    assert len(fake_zoom.requests_to(MEETINGS, "POST")) == 3
    assert len(fake_zoom.requests_to(MEETINGS, "GET")) == 2  # looked before each re-send
    assert len(sleeps.waits) == 2


async def test_read_timeout_after_zoom_acted_makes_no_second_meeting(
    make_zoom: Callable[..., ZoomClient], fake_zoom: FakeZoom, host: dict
) -> None:
    zoom = make_zoom(timeout=0.5)
    fake_zoom.script("POST", MEETINGS, Answer(timeout=True, delay=10))
    meeting = await zoom.create_meeting(host["email"], _request())

    assert list(fake_zoom.meetings) == [meeting.id]
    assert len(fake_zoom.requests_to(MEETINGS, "POST")) == 1


async def test_instant_meeting_after_read_timeout_is_sent_again_with_a_warning(
    make_zoom: Callable[..., ZoomClient],
    fake_zoom: FakeZoom,
    host: dict,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Zoom's list API does not return instant meetings, so there is nothing to look at: the
    # create is sent again. At worst the first is left unused, and nobody has its link.
    zoom = make_zoom(timeout=0.5)
    fake_zoom.script("POST", MEETINGS, Answer(timeout=True, delay=10))
    with caplog.at_level(logging.WARNING, logger="zoom"):
        meeting = await zoom.create_meeting(host["id"], MeetingRequest(topic="Now", type=INSTANT))

    assert meeting.id in fake_zoom.meetings
    assert len(fake_zoom.meetings) == 2
    assert len(fake_zoom.requests_to(MEETINGS, "POST")) == 2
    assert fake_zoom.requests_to(MEETINGS, "GET") == []
    (warning,) = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert "cannot be checked" in warning.getMessage()
    assert "Sending it again" in warning.getMessage()


async def test_answer_cut_off_after_zoom_acted_makes_no_second_meeting(
    zoom: ZoomClient, fake_zoom: FakeZoom, host: dict
) -> None:
    fake_zoom.script("POST", MEETINGS, Answer(drop=True, acted=True))
    meeting = await zoom.create_meeting(host["id"], _request())
    assert list(fake_zoom.meetings) == [meeting.id]
    assert len(fake_zoom.requests_to(MEETINGS, "POST")) == 1


async def test_a_different_meeting_is_not_taken_for_the_lost_one(
    zoom: ZoomClient, fake_zoom: FakeZoom, host: dict
) -> None:
    other = await zoom.create_meeting(host["id"], _request("Other"))
    same_topic_other_time = await zoom.create_meeting(
        host["id"], MeetingRequest(topic="Planning", start_time="2031-06-02T10:00:00")
    )
    fake_zoom.script("POST", MEETINGS, Answer(status=503))

    meeting = await zoom.create_meeting(host["id"], _request())

    assert meeting.id not in (other.id, same_topic_other_time.id)
    assert len(fake_zoom.meetings) == 3


async def test_create_gives_up_after_max_attempts(
    zoom: ZoomClient, fake_zoom: FakeZoom, host: dict, sleeps
) -> None:
    fake_zoom.script("POST", MEETINGS, Answer(status=500), Answer(status=502), Answer(status=503))
    with pytest.raises(ZoomUnavailable) as caught:
        await zoom.create_meeting(host["id"], _request())
    assert caught.value.status == 503
    assert caught.value.tracking_id
    assert fake_zoom.meetings == {}
    assert len(fake_zoom.requests_to(MEETINGS, "POST")) == 3
    # Before each look (the last one too), Zoom was given time to finish.
    assert len(sleeps.waits) == 3
    assert min(sleeps.waits) >= zoom.settle_delay


async def test_create_is_not_resent_when_zoom_cannot_be_asked(
    zoom: ZoomClient, fake_zoom: FakeZoom, host: dict
) -> None:
    fake_zoom.script("POST", MEETINGS, Answer(status=500, acted=True))
    fake_zoom.script("GET", MEETINGS, *[Answer(status=500)] * 3)
    with pytest.raises(ZoomUnavailable) as caught:
        await zoom.create_meeting(host["id"], _request())
    assert "duplicate" in caught.value.message
    assert len(fake_zoom.requests_to(MEETINGS, "POST")) == 1
    assert len(fake_zoom.meetings) == 1  # the one Zoom made; the caller is told to check


class FailFirstConnect(httpx.AsyncBaseTransport):
    """A transport whose first `failures` requests to a path fail before anything is sent."""

    def __init__(self, path_part: str, failures: int = 1) -> None:
        self._inner = httpx.AsyncHTTPTransport()
        self._path_part = path_part
        self.failures = failures
        self.refused = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self._path_part in request.url.path and self.refused < self.failures:
            self.refused += 1
            raise httpx.ConnectError("connection refused", request=request)
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


async def test_connect_failure_before_send_is_retried_without_a_look_up(
    make_zoom: Callable[..., ZoomClient], fake_zoom: FakeZoom, host: dict, sleeps
) -> None:
    transport = FailFirstConnect("/meetings", failures=2)
    async with httpx.AsyncClient(transport=transport) as http:
        zoom = make_zoom(http=http)
        meeting = await zoom.create_meeting(host["id"], _request())
    assert transport.refused == 2
    assert list(fake_zoom.meetings) == [meeting.id]
    assert fake_zoom.requests_to(MEETINGS, "GET") == []
    assert len(sleeps.waits) == 2


async def test_nothing_listening_is_unavailable(
    make_zoom: Callable[..., ZoomClient], sleeps
) -> None:
    zoom = make_zoom(api_url="http://127.0.0.1:9/v2", oauth_url="http://127.0.0.1:9/oauth/token")
    with pytest.raises(ZoomUnavailable) as caught:
        await zoom.get_user("ada@example.com")
    assert caught.value.status is None
    assert "connect" in caught.value.message.lower()


@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE"])
async def test_idempotent_calls_are_retried_after_5xx_and_timeouts(
    method: str,
    make_zoom: Callable[..., ZoomClient],
    fake_zoom: FakeZoom,
    host: dict,
) -> None:
    zoom = make_zoom(timeout=0.5)
    meeting = await zoom.create_meeting(host["id"], _request())
    fake_zoom.script(method, MEETING, Answer(status=502), Answer(timeout=True, delay=10))
    if method == "GET":
        assert (await zoom.get_meeting(meeting.id)).id == meeting.id
    elif method == "PATCH":
        await zoom.update_meeting(meeting.id, {"topic": "Moved"})
        assert fake_zoom.meetings[meeting.id]["topic"] == "Moved"
    else:
        await zoom.delete_meeting(meeting.id)
        assert fake_zoom.meetings == {}
    assert len(fake_zoom.requests_to(MEETING, method)) == 3


async def test_other_404s_and_errors_keep_zooms_details(
    zoom: ZoomClient, fake_zoom: FakeZoom, host: dict
) -> None:
    fake_zoom.script(
        "GET", MEETING, Answer(status=404, body={"code": 3322, "message": "Gone elsewhere."})
    )
    with pytest.raises(ZoomNotFound) as caught:
        await zoom.get_meeting(123)
    assert (caught.value.status, caught.value.code, caught.value.message) == (
        404,
        3322,
        "Gone elsewhere.",
    )
    fake_zoom.script(
        "GET", MEETING, Answer(status=403, body={"code": 200, "message": "No permission."})
    )
    with pytest.raises(ZoomError) as caught:
        await zoom.get_meeting(123)
    assert caught.value.code == 200
    assert "tracking id" in str(caught.value)

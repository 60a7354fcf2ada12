"""FakeZoom as Zoom's webhook sender: bodies in Zoom's shape, signed as Zoom signs them.

The receiver is a tiny Starlette app on a LoopbackServer that checks each delivery with
zoom.webhooks.verify_signature over the raw body, as the real app will.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import inspect
import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.fakes.zoom import FakeZoom, LoopbackServer
from zoom import BadEvent, EventKind, MeetingNotFound, MeetingRequest, ZoomClient, parse_event
from zoom.webhooks import url_validation_response, verify_signature

SECRET = "receiver-webhook-secret"


class Receiver:
    """Records every delivery and whether its signature held; answers as the app will."""

    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.deliveries: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self.server = LoopbackServer(
            Starlette(routes=[Route("/zoom/events", self.receive, methods=["POST"])])
        )

    async def receive(self, request: Request) -> Response:
        raw = await request.body()
        headers = dict(request.headers)
        good = verify_signature(
            self.secret,
            raw,
            headers.get("x-zm-request-timestamp", ""),
            headers.get("x-zm-signature", ""),
        )
        with self._lock:
            self.deliveries.append({"raw": raw, "headers": headers, "verified": good})
        if not good:
            return Response(status_code=401)
        try:
            event = parse_event(raw)
        except BadEvent:
            return Response(status_code=400)
        if event.kind is EventKind.URL_VALIDATION:
            assert event.plain_token is not None
            return JSONResponse(url_validation_response(self.secret, event.plain_token))
        return Response(status_code=200)

    @property
    def url(self) -> str:
        return self.server.url + "/zoom/events"


@pytest.fixture(scope="module")
def receiver_server() -> Iterator[Receiver]:
    receiver = Receiver(SECRET)
    receiver.server.start()
    yield receiver
    receiver.server.stop()


@pytest.fixture
def receiver(receiver_server: Receiver) -> Receiver:
    receiver_server.deliveries.clear()
    return receiver_server


@pytest.fixture
def fake(fake_zoom: FakeZoom) -> FakeZoom:
    fake_zoom.webhook_secret = SECRET
    return fake_zoom


async def create_meeting(zoom: ZoomClient, host: dict, **fields: Any) -> int:
    request = MeetingRequest(
        topic=fields.pop("topic", "Design review"),
        start_time=fields.pop("start_time", "2031-11-03T09:00:00"),
        timezone="America/New_York",
        duration=45,
        **fields,
    )
    meeting = await zoom.create_meeting(host["id"], request)
    return meeting.id


# -- signing ----------------------------------------------------------------------------------


def test_a_sent_event_verifies_at_the_receiver(fake: FakeZoom, receiver: Receiver) -> None:
    body = fake.event_body("meeting.started", 85749364211)
    answer = fake.send_event(receiver.url, body)
    assert answer.status_code == 200
    [delivery] = receiver.deliveries
    assert delivery["verified"] is True
    assert json.loads(delivery["raw"]) == body
    headers = delivery["headers"]
    assert headers["content-type"].startswith("application/json")
    assert headers["x-zm-signature"].startswith("v0=")
    assert abs(int(headers["x-zm-request-timestamp"]) - time.time()) < 60  # seconds, not ms
    # The signature, recomputed here from Zoom's documented recipe.
    message = b"v0:" + headers["x-zm-request-timestamp"].encode() + b":" + delivery["raw"]
    digest = hmac.new(SECRET.encode(), message, hashlib.sha256).hexdigest()
    assert headers["x-zm-signature"] == "v0=" + digest
    assert fake.sent_events[-1]["status"] == 200


def test_a_wrong_secret_is_refused(fake: FakeZoom, receiver: Receiver) -> None:
    answer = fake.send_event(receiver.url, fake.event_body("meeting.ended"), secret="not-it")
    assert answer.status_code == 401
    assert receiver.deliveries[-1]["verified"] is False


def test_a_forged_signature_is_refused(fake: FakeZoom, receiver: Receiver) -> None:
    answer = fake.send_event(
        receiver.url, fake.event_body("meeting.ended"), signature="v0=" + "0" * 64
    )
    assert answer.status_code == 401
    assert receiver.deliveries[-1]["headers"]["x-zm-signature"] == "v0=" + "0" * 64


def test_a_stale_delivery_is_refused_though_correctly_signed(
    fake: FakeZoom, receiver: Receiver
) -> None:
    body = fake.event_body("meeting.started")
    stale = time.time() - 6 * 60
    assert fake.send_event(receiver.url, body, timestamp=stale).status_code == 401
    future = time.time() + 6 * 60
    assert fake.send_event(receiver.url, body, timestamp=future).status_code == 401
    # Within the five minutes it is fine.
    recent = time.time() - 60
    assert fake.send_event(receiver.url, body, timestamp=recent).status_code == 200
    raw, headers = fake.event_request(body, timestamp=stale)
    assert verify_signature(
        SECRET, raw, headers["x-zm-request-timestamp"], headers["x-zm-signature"], now=stale
    )


def test_raw_bytes_are_sent_as_they_are(fake: FakeZoom, receiver: Receiver) -> None:
    answer = fake.send_event(receiver.url, b'{"event": "meeting.started", "payload": {}}')
    assert receiver.deliveries[-1]["raw"] == b'{"event": "meeting.started", "payload": {}}'
    assert receiver.deliveries[-1]["verified"] is True
    assert answer.status_code == 400  # the receiver's parse_event refuses it: BadEvent


def test_url_validation_challenge(fake: FakeZoom, receiver: Receiver) -> None:
    body = fake.url_validation_body("qgg8vlvZRS6UYooatFL8Aw")
    assert body["event"] == "endpoint.url_validation"
    assert body["payload"] == {"plainToken": "qgg8vlvZRS6UYooatFL8Aw"}
    answer = fake.send_event(receiver.url, body)
    assert answer.status_code == 200
    expected = hmac.new(SECRET.encode(), b"qgg8vlvZRS6UYooatFL8Aw", hashlib.sha256).hexdigest()
    assert answer.json() == {"plainToken": "qgg8vlvZRS6UYooatFL8Aw", "encryptedToken": expected}
    assert fake.url_validation_body()["payload"]["plainToken"]  # a fresh token when not given


def test_reset_restores_the_webhook_secret() -> None:
    with FakeZoom(webhook_secret="built-with") as fake:
        fake.webhook_secret = "changed"
        fake.reset()
        assert fake.webhook_secret == "built-with"


# -- bodies in Zoom's shape -------------------------------------------------------------------


async def test_lifecycle_of_a_meeting_the_fake_holds(
    fake: FakeZoom, zoom: ZoomClient, host: dict, receiver: Receiver
) -> None:
    meeting_id = await create_meeting(zoom, host)
    held = fake.meetings[meeting_id]

    started_body = fake.start_meeting(meeting_id)
    assert isinstance(started_body["payload"]["object"]["id"], str)  # Zoom's string id
    started = parse_event(started_body)
    assert started.kind is EventKind.MEETING_STARTED
    assert started.meeting_id == meeting_id
    assert started.account_id == fake.account_id
    assert started.meeting is not None
    assert started.meeting.uuid == held["uuid"]
    assert started.meeting.host_id == host["id"]
    assert started.meeting.topic == "Design review"
    assert started.meeting.start_time is not None
    assert abs(started.meeting.start_time - datetime.now(UTC)) < timedelta(minutes=1)
    assert fake.meetings[meeting_id]["status"] == "started"
    live = await zoom.list_upcoming_meetings(host["id"])
    assert meeting_id in [m.id for m in live]
    assert fake.send_event(receiver.url, started_body).status_code == 200

    joined = parse_event(fake.join_meeting(meeting_id, "Grace", email="grace@example.com"))
    fake.join_meeting(meeting_id, "Guest")
    assert [p["user_name"] for p in fake.participants(meeting_id)] == ["Grace", "Guest"]
    left = parse_event(fake.leave_meeting(meeting_id, "Grace"))
    assert joined.kind is EventKind.PARTICIPANT_JOINED and left.kind is EventKind.PARTICIPANT_LEFT
    assert joined.participant is not None and left.participant is not None
    assert joined.participant.key == left.participant.key
    assert left.participant.leave_time is not None
    assert [p["user_name"] for p in fake.participants(meeting_id)] == ["Guest"]

    ended = parse_event(fake.end_meeting(meeting_id))
    assert ended.kind is EventKind.MEETING_ENDED
    assert ended.meeting is not None and ended.meeting.end_time is not None
    assert ended.meeting.start_time == started.meeting.start_time
    assert ended.meeting.end_time >= ended.meeting.start_time
    assert fake.meetings[meeting_id]["status"] == "waiting"
    assert fake.participants(meeting_id) == []
    with pytest.raises(KeyError):
        fake.end_meeting(meeting_id)

    again = parse_event(fake.start_meeting(meeting_id))
    assert again.meeting is not None
    assert again.meeting.uuid != held["uuid"]  # a new instance of the meeting
    assert again.delivery_key != started.delivery_key


async def test_a_meeting_cancelled_in_zoom_is_gone(
    fake: FakeZoom, zoom: ZoomClient, host: dict
) -> None:
    meeting_id = await create_meeting(zoom, host)
    body = fake.cancel_meeting(meeting_id)
    assert body["payload"]["object"]["id"] == meeting_id  # a number in meeting.deleted
    event = parse_event(body)
    assert event.kind is EventKind.MEETING_DELETED
    assert event.operator == host["email"] and event.operator_id == host["id"]
    assert meeting_id not in fake.meetings
    with pytest.raises(MeetingNotFound):
        await zoom.get_meeting(meeting_id)
    with pytest.raises(KeyError):
        fake.cancel_meeting(meeting_id)


async def test_an_update_carries_the_old_values(
    fake: FakeZoom, zoom: ZoomClient, host: dict
) -> None:
    meeting_id = await create_meeting(zoom, host)
    body = fake.event_body("meeting.updated", meeting_id, topic="Moved")
    assert body["payload"]["object"] == {
        "id": meeting_id,
        "uuid": fake.meetings[meeting_id]["uuid"],
        "topic": "Moved",
    }
    assert body["payload"]["old_object"]["topic"] == "Design review"
    event = parse_event(body)
    assert event.meeting is not None and event.meeting.topic == "Moved"
    assert event.previous["topic"] == "Design review"
    assert fake.meetings[meeting_id]["topic"] == "Design review"  # a body, not a change


def test_a_body_for_a_meeting_the_fake_does_not_hold(fake: FakeZoom) -> None:
    body = fake.event_body(
        "meeting.participant_joined",
        "81234567890",
        topic="Someone else's",
        participant={"user_name": "Lin"},
        event_ts=1762178600123,
    )
    assert body["event_ts"] == 1762178600123
    assert body["payload"]["object"]["id"] == "81234567890"
    event = parse_event(body)
    assert event.meeting_id == 81234567890
    assert event.meeting is not None and event.meeting.topic == "Someone else's"
    assert event.participant is not None and event.participant.user_name == "Lin"
    assert event.participant.join_time is not None
    assert parse_event(fake.event_body("recording.transcript_completed")).kind is EventKind.OTHER
    assert parse_event(fake.event_body("recording.completed")).kind is EventKind.RECORDING_COMPLETED


def test_lifecycle_calls_need_a_meeting_the_fake_holds(fake: FakeZoom) -> None:
    for call in (fake.start_meeting, fake.end_meeting, fake.cancel_meeting):
        with pytest.raises(KeyError):
            call(81234567890)


def test_zoom_waits_three_seconds_by_default() -> None:
    # Zoom counts a delivery as failed when no answer comes within 3 s.
    default = inspect.signature(FakeZoom.send_event).parameters["timeout"].default
    assert default == 3.0


def test_a_receiver_slower_than_the_timeout_is_a_failed_delivery(fake: FakeZoom) -> None:
    slow = Starlette(routes=[Route("/", _slow, methods=["POST"])])
    with LoopbackServer(slow) as server, pytest.raises(httpx.TimeoutException):
        fake.send_event(server.url + "/", fake.event_body("meeting.started"), timeout=0.2)


async def _slow(request: Request) -> Response:
    await asyncio.sleep(0.5)
    return Response(status_code=200)

"""One INFO line per Zoom call on the "zoom" logger, with fields, and never a secret."""

from __future__ import annotations

import logging

import pytest

from tests.fakes.zoom import Answer, FakeZoom
from zoom import MeetingRequest, MeetingSettings, UserNotFound, ZoomClient

MEETINGS = "/users/{userId}/meetings"


async def test_one_line_per_call_with_fields_and_no_secrets(
    zoom: ZoomClient, fake_zoom: FakeZoom, host: dict, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="zoom")
    fake_zoom.script("POST", MEETINGS, Answer(status=429, headers={"Retry-After": "0"}))
    meeting = await zoom.create_meeting(
        host["email"],
        MeetingRequest(
            topic="Secret plans",
            password="pw123",
            settings=MeetingSettings(alternative_hosts=("bo@example.com",)),
        ),
    )
    await zoom.get_meeting(meeting.id)

    records = [r for r in caplog.records if r.name == "zoom"]
    fields = [r.zoom for r in records]
    assert [(f["method"], f["path"]) for f in fields] == [
        ("POST", "/oauth/token"),
        ("POST", "/users/{userId}/meetings"),
        ("GET", "/meetings/{meetingId}"),
    ]
    create = fields[1]
    assert create["status"] == 201 and create["retries"] == 1
    assert create["tracking_id"].startswith("v=2.0")
    assert isinstance(create["duration_ms"], int)
    assert all(r.levelno == logging.INFO for r in records)

    grant = fake_zoom.requests_to("/oauth/token")[0]
    token = fake_zoom.requests_to(MEETINGS)[0].headers["authorization"].split()[1]
    secrets = [
        token,
        fake_zoom.client_secret,
        grant.headers["authorization"].split()[1],
        "pw123",
        meeting.password,
        meeting.start_url,
        host["email"],
        str(meeting.id),
        "bo@example.com",
    ]
    for record in records:
        text = record.getMessage() + repr(record.zoom)
        for secret in secrets:
            assert secret not in text


async def test_failures_are_logged_with_zooms_code(
    zoom: ZoomClient, fake_zoom: FakeZoom, host: dict, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="zoom")
    with pytest.raises(UserNotFound):
        await zoom.get_user("nobody@example.com")
    (line,) = [
        r.zoom for r in caplog.records if r.name == "zoom" and r.zoom["path"] != "/oauth/token"
    ]
    assert (line["status"], line["code"], line["outcome"]) == (404, 1001, "UserNotFound")
    assert "nobody" not in caplog.text

"""Helpers for the app's end-to-end tests: polling the fakes and searching what Slack got."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from tests.fakes.slack import FakeSlack
from tests.openapi import validate_request

CREATE = "/users/{userId}/meetings"
MEETING = "/meetings/{meetingId}"


def eventually(check: Callable[[], Any], timeout: float = 8.0, what: str = "condition") -> Any:
    """Poll `check` until it returns something truthy; fail with `what` after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def creates(fake_zoom) -> list:
    return fake_zoom.requests_to(CREATE, "POST")


def wait_created(fake_zoom, count: int = 1) -> list:
    found = eventually(
        lambda: len(creates(fake_zoom)) >= count and creates(fake_zoom),
        what=f"{count} meeting create(s) at the fake Zoom",
    )
    for recorded in found:
        validate_request("meetingCreate", recorded.body)
    return found


def everything_slack_got(fake_slack: FakeSlack) -> str:
    """Every Web API call's params and every response_url body, as one string."""
    calls = [{"method": c.method, "params": c.params} for c in fake_slack.calls]
    return json.dumps({"calls": calls, "responses": fake_slack.responses()}, default=str)


def assert_no_start_url(fake_slack: FakeSlack, fake_zoom) -> None:
    seen = everything_slack_got(fake_slack)
    for meeting in fake_zoom.meetings.values():
        start_url = meeting.get("start_url")
        assert start_url and start_url not in seen
    assert "start_url" not in seen


def posts_to(fake_slack: FakeSlack, channel: str) -> list:
    return [
        c for c in fake_slack.calls_to("chat.postMessage") if c.params.get("channel") == channel
    ]


def texts(message: dict) -> str:
    return json.dumps(message)

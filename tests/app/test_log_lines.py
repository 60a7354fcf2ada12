"""Logs an operator can use: one line per Slack request and one per Zoom call, as JSON lines
with LOG_FORMAT=json and readable text otherwise, at LOG_LEVEL; a refusal's reference is in
both what the user read and the request's line."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest

from bot.redaction import Redactor
from tests.app.support import eventually, posts_to, wait_created
from tests.fakes.app_process import AppProcess
from tests.fakes.slack import DEFAULT_CHANNEL
from tests.fakes.slack_requests import SlackSender

REQUEST_KEYS = {"kind", "user", "channel", "ack_ms", "outcome"}
ZOOM_KEYS = {"method", "path", "status", "code", "tracking_id", "duration_ms", "retries"}


@pytest.fixture
def json_app(app_env, fake_slack) -> Iterator[tuple[AppProcess, SlackSender]]:
    env = {**app_env, "LOG_FORMAT": "json", "LOG_LEVEL": "INFO"}
    process = AppProcess(env).start()
    try:
        with SlackSender(process.url, fake_slack.signing_secret, fake=fake_slack) as s:
            yield process, s
    finally:
        process.stop()


def json_lines(app: AppProcess) -> list[dict]:
    lines = [line for line in app.logs().splitlines() if line.strip()]
    parsed = []
    for line in lines:
        try:
            parsed.append(json.loads(line))
        except ValueError:
            pytest.fail(f"not a JSON line: {line[:300]!r}")
    return parsed


def request_lines(app: AppProcess, user: str) -> list[dict]:
    return [
        line
        for line in json_lines(app)
        if line.get("logger") == "zoombot.requests" and line.get("user") == user
    ]


def test_json_lines_carry_the_request_and_zoom_fields(json_app, fake_slack, fake_zoom, person):
    app, sender = json_app
    ana = person()
    sender.command("tomorrow 3pm Review", ana.slack_id)
    wait_created(fake_zoom)
    eventually(lambda: posts_to(fake_slack, DEFAULT_CHANNEL), what="the post")
    [line] = eventually(lambda: request_lines(app, ana.slack_id), what="the request line")

    assert REQUEST_KEYS <= set(line)
    assert line["kind"] == "command" and line["channel"] == DEFAULT_CHANNEL
    assert line["outcome"] == "posted"
    assert isinstance(line["ack_ms"], int | float) and line["ack_ms"] >= 0
    assert {"ts", "level", "logger", "msg"} <= set(line)

    lines = json_lines(app)
    zoom = [z for z in lines if z.get("logger") == "zoom"]
    assert zoom and all(ZOOM_KEYS <= set(z) for z in zoom)
    create = [z for z in zoom if z["method"] == "POST" and z["path"] == "/users/{userId}/meetings"]
    assert len(create) == 1
    assert create[0]["status"] == 201 and create[0]["tracking_id"]
    assert create[0]["retries"] == 0
    # At LOG_LEVEL=INFO nothing below INFO is written.
    assert {z["level"] for z in lines} <= {"INFO", "WARNING", "ERROR", "CRITICAL"}


def test_a_refusal_reference_is_in_the_request_line(json_app, fake_slack, fake_zoom, person):
    app, sender = json_app
    ana = person(zoom=False)
    sender.command("Sync", ana.slack_id)
    answer = fake_slack.wait_for_response(sender.last_response_url, lambda b: "ZB-" in b["text"])
    [ref] = re.findall(r"ZB-[A-Z0-9]{4}", answer["text"])
    [line] = eventually(lambda: request_lines(app, ana.slack_id), what="the request line")
    assert line["ref"] == ref and line["outcome"].startswith("refused")
    assert line["level"] == "WARNING"


def test_text_lines_are_readable(app, sender, fake_slack, fake_zoom, person):
    ana = person()
    sender.command("Standup", ana.slack_id)
    wait_created(fake_zoom)
    fake_slack.wait_for_response(sender.last_response_url, lambda b: "Created" in b["text"])

    def request_line() -> list[str]:
        return [
            line
            for line in app.logs().splitlines()
            if " zoombot.requests command " in line and f"user={ana.slack_id}" in line
        ]

    [line] = eventually(request_line, what="the request line")
    assert re.match(
        r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INFO zoombot\.requests command ", line
    )
    for key in ("channel=C0GENERAL", "ack_ms=", "outcome=posted"):
        assert key in line
    zoom = [
        x for x in app.logs().splitlines() if " INFO zoom zoom POST /users/{userId}/meetings" in x
    ]
    assert zoom and "tracking_id=" in zoom[-1] and "retries=0" in zoom[-1]


def test_user_text_cannot_forge_a_log_line(app, sender, fake_slack, fake_zoom, person):
    ana = person()
    forged = "2026-01-01T00:00:00.000Z INFO zoombot.requests command user=UFORGED outcome=posted"
    sender.command("link x@y\n" + forged, ana.slack_id)
    fake_slack.wait_for_response(sender.last_response_url, lambda b: "ZB-" in b["text"])
    assert not any(line.startswith(forged[:30]) for line in app.logs().splitlines())


def test_passcodes_in_encoded_links_are_redacted():
    details = (
        "https://calendar.google.com/render?details=Join%3A%20https%3A%2F%2Fzoom.us%2Fj%2F8"
        "%3Fpwd%3DabC.d-9x%26next%3D1 and %253Fpwd%253Dxyz%2526a and ?pwd=plain&x"
    )
    text = Redactor().text(details)
    assert "abC.d-9x" not in text and "xyz" not in text and "plain" not in text
    assert "%26next%3D1" in text and "%2526a" in text

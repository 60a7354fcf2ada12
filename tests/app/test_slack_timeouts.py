"""users.info timing out (a transport error, not a Slack `ok: false`) is Slack's trouble, not
a zoombot bug: the requester reads "Slack did not answer… nothing was created. Try again.",
and the log has no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fakes.app_process import AppProcess
from tests.fakes.slack import SlackAnswer
from tests.fakes.slack_requests import SlackSender


@pytest.fixture
def impatient_app(app_env, fake_slack, tmp_path: Path):
    env = {**app_env, "ZOOMBOT_SLACK_TIMEOUT": "0.3"}
    process = AppProcess(env, cwd=tmp_path).start()
    try:
        with SlackSender(process.url, fake_slack.signing_secret, fake=fake_slack) as sender:
            yield process, sender
    finally:
        process.stop()


@pytest.mark.parametrize("text", ["now Standup", "list", "whoami"])
def test_users_info_timing_out_is_told_as_slack_not_answering(
    impatient_app, fake_slack, fake_zoom, person, text: str
):
    process, sender = impatient_app
    ana = person()
    fake_slack.script("users.info", *[SlackAnswer(delay=1.5)] * 3)
    sender.command(text, ana.slack_id)
    answer = fake_slack.wait_for_response(
        sender.last_response_url, lambda b: "ZB-" in b.get("text", ""), timeout=8
    )
    assert "Slack did not answer" in answer["text"]
    assert "nothing was created" in answer["text"]
    assert not fake_zoom.requests_to("/users/{userId}/meetings", "POST")
    logs = process.logs()
    assert "Traceback" not in logs
    assert "unexpected failure" not in logs

"""Every Zoom answer has its sentence: each failure the fake Zoom can be told to give ends in
the sentence `bot/render/sentences.py` has for it, with a reference that is also in the app's
log."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests.app.support import CREATE, MEETING, creates, eventually, posts_to, wait_created
from tests.fakes.app_process import AppProcess
from tests.fakes.slack import DEFAULT_CHANNEL
from tests.fakes.slack_requests import SlackSender
from tests.fakes.zoom import Answer

REFERENCE = re.compile(r"ZB-[A-Z0-9]{4}")


def refusal(fake_slack, url: str, app) -> tuple[str, str]:
    """The refusal the requester got, and its reference (which must be in the app's log)."""
    answer = fake_slack.wait_for_response(url, lambda b: "ZB-" in b.get("text", ""), timeout=15)
    assert answer["response_type"] == "ephemeral"
    text = answer["text"]
    [ref] = REFERENCE.findall(text)
    eventually(lambda: ref in app.logs(), what=f"{ref} in the app's log")
    return text, ref


def log_lines_with(app, ref: str) -> list[str]:
    return [line for line in app.logs().splitlines() if ref in line]


def test_unknown_user_1001_says_how_to_link(app, sender, fake_slack, fake_zoom, person):
    ana = person()
    body = {"code": 1001, "message": "User does not exist: " + ana.email}
    fake_zoom.script("POST", CREATE, Answer(status=404, body=body))
    sender.command("Sync", ana.slack_id)
    text, ref = refusal(fake_slack, sender.last_response_url, app)
    assert "1001" in text and "/zoom link" in text
    assert any("code=1001" in line for line in log_lines_with(app, ref))
    assert not posts_to(fake_slack, DEFAULT_CHANNEL)


def test_not_allowed_to_host_3161(app, sender, fake_slack, fake_zoom, person):
    ana = person()
    body = {"code": 3161, "message": "Your user account is not allowed meeting hosting."}
    fake_zoom.script("POST", CREATE, Answer(status=400, body=body))
    sender.command("Sync", ana.slack_id)
    text, ref = refusal(fake_slack, sender.last_response_url, app)
    assert "not allowed to host" in text and "Nothing was created" in text
    assert any("code=3161" in line for line in log_lines_with(app, ref))


def test_validation_300_names_the_field(app, sender, fake_slack, fake_zoom, person):
    ana = person()
    body = {
        "code": 300,
        "message": "Validation Failed.",
        "errors": [{"field": "settings.alternative_hosts", "message": "Invalid <email>"}],
    }
    fake_zoom.script("POST", CREATE, Answer(status=400, body=body))
    sender.command("tomorrow 3pm Sync", ana.slack_id)
    text, ref = refusal(fake_slack, sender.last_response_url, app)
    assert "`settings.alternative_hosts`" in text
    assert "Nothing was created" in text
    assert any("code=300" in line for line in log_lines_with(app, ref))


def test_rate_limited_is_retried_quietly(app, sender, fake_slack, fake_zoom, person):
    ana = person()
    fake_zoom.script("POST", CREATE, Answer(status=429, headers={"Retry-After": "1"}))
    sender.command("Sync", ana.slack_id)
    answer = fake_slack.wait_for_response(
        sender.last_response_url, lambda b: "Created" in b.get("text", ""), timeout=15
    )
    assert "ZB-" not in answer["text"]
    assert len(creates(fake_zoom)) == 2 and len(fake_zoom.meetings) == 1
    eventually(lambda: posts_to(fake_slack, DEFAULT_CHANNEL), what="the post")


def test_daily_limit_says_when_it_resets_in_the_users_zone(
    app, sender, fake_slack, fake_zoom, person
):
    ana = person(tz="Asia/Tokyo")
    fake_zoom.set_daily_limit(ana.email, 0)
    sender.command("Sync", ana.slack_id)
    text, _ = refusal(fake_slack, sender.last_response_url, app)
    # Midnight UTC is 09:00 in Tokyo (no daylight saving there).
    assert "midnight UTC" in text and "09:00" in text and "JST" in text
    assert len(creates(fake_zoom)) == 1  # the daily limit is never slept on or retried


def test_an_expired_token_is_renewed_once_quietly(app, sender, fake_slack, fake_zoom, person):
    ana = person()
    sender.command("Warm-up", ana.slack_id)
    wait_created(fake_zoom)
    before = fake_zoom.token_requests
    fake_zoom.revoke_tokens()
    sender.command("After revoke", ana.slack_id)
    fake_slack.wait_for_response(
        sender.last_response_url, lambda b: "Created" in b.get("text", ""), timeout=15
    )
    assert fake_zoom.token_requests == before + 1


def test_authentication_failing_twice_tells_the_admin_to_check(
    app, sender, fake_slack, fake_zoom, person
):
    ana = person()
    fake_zoom.script("POST", CREATE, Answer(status=401), Answer(status=401))
    sender.command("Sync", ana.slack_id)
    text, ref = refusal(fake_slack, sender.last_response_url, app)
    assert "admin must check the Zoom app's credentials and scopes" in text
    # The log says which settings to check.
    assert any("ZOOM_CLIENT_SECRET" in line for line in log_lines_with(app, ref))


def test_missing_scopes_are_named_in_the_log(app, sender, fake_slack, fake_zoom, person):
    ana = person()
    fake_zoom.scopes = ("user:read:admin", "meeting:read:admin")
    fake_zoom.revoke_tokens()  # the app's next token carries the reduced scopes
    sender.command("Sync", ana.slack_id)
    text, ref = refusal(fake_slack, sender.last_response_url, app)
    assert "credentials and scopes" in text
    assert "meeting:write:admin" not in text  # the operator's business, in the log
    assert any("meeting:write:admin" in line for line in log_lines_with(app, ref))
    assert fake_zoom.meetings == {}


def test_zoom_down_after_retries(app, sender, fake_slack, fake_zoom, person):
    ana = person()
    fake_zoom.script("POST", CREATE, *[Answer(status=503) for _ in range(5)])
    sender.command("Sync", ana.slack_id)
    text, ref = refusal(fake_slack, sender.last_response_url, app)
    assert "Zoom is not answering; nothing was created" in text
    assert len(creates(fake_zoom)) >= 2  # retried before giving up
    assert fake_zoom.meetings == {}
    assert any("status=503" in line for line in log_lines_with(app, ref))


def test_zoom_cut_off_after_retries(app, sender, fake_slack, fake_zoom, person):
    ana = person()
    fake_zoom.script("POST", CREATE, *[Answer(drop=True) for _ in range(5)])
    sender.command("Sync", ana.slack_id)
    text, _ = refusal(fake_slack, sender.last_response_url, app)
    assert "Zoom is not answering; nothing was created" in text
    assert fake_zoom.meetings == {}


@pytest.fixture
def impatient(app_env, fake_slack) -> Iterator[tuple[AppProcess, SlackSender]]:
    process = AppProcess({**app_env, "ZOOMBOT_ZOOM_TIMEOUT": "0.5"}).start()
    try:
        with SlackSender(process.url, fake_slack.signing_secret, fake=fake_slack) as s:
            yield process, s
    finally:
        process.stop()


def test_zoom_timing_out_after_retries(impatient, fake_slack, fake_zoom, person):
    app, sender = impatient
    ana = person()
    # Zoom holds every create answer past the client's timeout, without acting.
    fake_zoom.script("POST", CREATE, *[Answer(status=503, delay=3) for _ in range(5)])
    sender.command("Sync", ana.slack_id)
    text, _ = refusal(fake_slack, sender.last_response_url, app)
    assert "Zoom is not answering; nothing was created" in text
    assert fake_zoom.meetings == {}


def test_meeting_gone_3001_on_cancel(app, sender, fake_slack, fake_zoom, person):
    ana = person()
    sender.command("tomorrow 3pm Planning", ana.slack_id)
    wait_created(fake_zoom)
    meeting_id = next(iter(fake_zoom.meetings))
    body = {"code": 3001, "message": f"Meeting {meeting_id} is not found or has expired."}
    fake_zoom.script("DELETE", MEETING, Answer(status=404, body=body))
    fake_slack.wait_for_response(sender.last_response_url, lambda b: "Created" in b["text"])
    sender.command(f"cancel {meeting_id}", ana.slack_id)
    # Our meeting, already deleted in Zoom: no refusal; it is marked cancelled (see
    # tests/app/test_cancel_failures.py for the message).
    answer = fake_slack.wait_for_response(
        sender.last_response_url, lambda b: "already deleted in Zoom" in b.get("text", "")
    )
    assert "ZB-" not in answer["text"]

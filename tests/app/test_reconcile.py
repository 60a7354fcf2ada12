"""A meeting Zoom created is never left unannounced, even when the app dies or is stopped while
Zoom is still answering the create: the next start asks Zoom and announces the meeting once,
or tells the requester privately that nothing was made (bot/reconcile.py)."""

from __future__ import annotations

import json
import signal
import sqlite3
from pathlib import Path

from tests.app.support import CREATE, creates, eventually, posts_to, texts
from tests.fakes.app_process import AppProcess
from tests.fakes.slack import DEFAULT_CHANNEL, SlackAnswer
from tests.fakes.slack_requests import SlackSender
from tests.fakes.zoom import Answer

# Zoom makes the meeting, then holds its answer (the app is stopped before it comes).
MADE_THEN_SLOW = Answer(timeout=True, delay=30)
# Zoom takes its time and makes nothing (the app is stopped before it answers).
SLOW_AND_NOTHING_MADE = Answer(status=503, delay=30)
# Scheduled meetings: Zoom lists them, so the next start can ask whether one was made.
# (Instant ones it does not list; see the last test.)


def settle_env(app_env: dict[str, str], **extra: str) -> dict[str, str]:
    # The earlier run is dead for sure in these tests: no need to wait for its create to end.
    return {**app_env, "ZOOMBOT_RECONCILE_AFTER": "0", "ZOOMBOT_ZOOM_TIMEOUT": "30", **extra}


def accepted(fake_slack) -> list:
    return [c for c in posts_to(fake_slack, DEFAULT_CHANNEL) if c.status == 200]


def request_rows(app_env: dict[str, str]) -> list[dict]:
    database = app_env["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(database) as db:
        db.row_factory = sqlite3.Row
        return [dict(r) for r in db.execute("SELECT * FROM requests ORDER BY created_at")]


def app_sent(
    env: dict[str, str], fake_slack, tmp_path: Path, text: str, user: str, **command: str
) -> AppProcess:
    """A started app to which `/zoom text` has been sent (its create held by the fake)."""
    process = AppProcess(env, cwd=tmp_path).start()
    with SlackSender(process.url, fake_slack.signing_secret, fake=fake_slack) as sender:
        assert sender.command(text, user, **command).status_code == 200
    return process


def test_a_meeting_made_as_the_app_died_is_announced_once_after_restart(
    app_env, fake_slack, fake_zoom, person, tmp_path: Path
):
    ana = person()
    env = settle_env(app_env)
    fake_zoom.script("POST", CREATE, MADE_THEN_SLOW)
    process = app_sent(env, fake_slack, tmp_path, "tomorrow 3pm Standup", ana.slack_id)
    try:
        eventually(lambda: fake_zoom.meetings, what="Zoom to make the meeting")
        # The intent was written before Zoom was called, without the passcode.
        [row] = request_rows(env)
        assert row["state"] == "claimed" and row["create_started_at"]
        assert json.loads(row["request"])["topic"] == "Standup"
        assert "password" not in json.loads(row["request"])
        process.stop(sig=signal.SIGKILL)
        assert not accepted(fake_slack)

        process.start()
        [post] = eventually(lambda: accepted(fake_slack), what="the post after the restart")
        [meeting] = fake_zoom.meetings.values()
        assert meeting["join_url"] in texts(post.params)
        eventually(lambda: request_rows(env)[0]["state"] == "posted", what="the request to settle")
        assert request_rows(env)[0]["meeting_id"] == meeting["id"]
        # The requester hears about it privately too, on the command's response_url.
        eventually(
            lambda: any(meeting["join_url"] in texts(r) for r in fake_slack.responses()),
            what="the private confirmation",
        )
    finally:
        process.stop()
    assert len(creates(fake_zoom)) == 1
    assert len(fake_zoom.meetings) == 1
    assert len(accepted(fake_slack)) == 1
    # A further start finds nothing left to settle and posts nothing again.
    process.start()
    try:
        process.wait_for_log("zoombot is ready")
        assert process.logs().count("left unfinished by an earlier run") == 1
        assert len(accepted(fake_slack)) == 1
    finally:
        process.stop()


def test_a_create_zoom_never_finished_is_reported_and_may_be_asked_again(
    app_env, fake_slack, fake_zoom, person, tmp_path: Path
):
    ana = person()
    env = settle_env(app_env)
    fake_zoom.script("POST", CREATE, SLOW_AND_NOTHING_MADE)
    process = AppProcess(env, cwd=tmp_path).start()
    try:
        with SlackSender(process.url, fake_slack.signing_secret, fake=fake_slack) as sender:
            trigger = fake_slack.new_trigger_id()
            response_url = fake_slack.new_response_url()
            sender.command(
                "tomorrow 3pm Standup", ana.slack_id, response_url=response_url, trigger_id=trigger
            )
            eventually(lambda: creates(fake_zoom), what="the create to reach Zoom")
            process.stop(sig=signal.SIGKILL)
            assert fake_zoom.meetings == {}

            process.start()
            told = fake_slack.wait_for_response(
                response_url, lambda body: "nothing was made" in texts(body), timeout=10
            )
            assert told["response_type"] == "ephemeral"
            assert "Standup" in texts(told) and "ZB-" in texts(told)
            assert "`/zoom` command again" in texts(told)
            eventually(lambda: request_rows(env)[0]["state"] == "failed", what="the request failed")
            assert not accepted(fake_slack)
            assert fake_zoom.meetings == {}

            # The same action again (Slack's same trigger_id) is no longer a repeat: it creates.
            again = fake_slack.new_response_url()
            sender.command(
                "tomorrow 3pm Standup", ana.slack_id, response_url=again, trigger_id=trigger
            )
            [post] = eventually(lambda: accepted(fake_slack), what="the meeting asked again")
        [meeting] = fake_zoom.meetings.values()
        assert meeting["join_url"] in texts(post.params)
        assert len(creates(fake_zoom)) == 2
    finally:
        process.stop()


def test_a_stop_while_telling_nothing_was_made_tells_again_at_the_next_start(
    app_env, fake_slack, fake_zoom, person, tmp_path: Path
):
    """The request is settled only after the requester was told: a kill while the note is on
    its way leaves it for the next start, which tells them (not nobody)."""
    ana = person()
    env = settle_env(app_env)
    fake_zoom.script("POST", CREATE, SLOW_AND_NOTHING_MADE)
    response_url = fake_slack.new_response_url()
    process = app_sent(
        env, fake_slack, tmp_path, "tomorrow 3pm Standup", ana.slack_id, response_url=response_url
    )
    try:
        eventually(lambda: creates(fake_zoom), what="the create to reach Zoom")
        process.stop(sig=signal.SIGKILL)
        # The next start's note reaches Slack, which holds its answer: killed meanwhile.
        fake_slack.script(response_url, SlackAnswer(status=503, delay=30))
        process.start()
        eventually(lambda: response_url in fake_slack.response_arrivals, what="the note on its way")
        process.stop(sig=signal.SIGKILL)
        assert request_rows(env)[0]["state"] == "claimed"
        process.start()
        told = fake_slack.wait_for_response(
            response_url, lambda body: "nothing was made" in texts(body), timeout=10
        )
        assert "Standup" in texts(told) and "ZB-" in texts(told)
        eventually(lambda: request_rows(env)[0]["state"] == "failed", what="the request failed")
        assert fake_zoom.meetings == {}
    finally:
        process.stop()


def test_a_create_cut_short_by_sigterm_is_announced_after_restart(
    app_env, fake_slack, fake_zoom, person, tmp_path: Path
):
    ana = person()
    env = settle_env(app_env, ZOOMBOT_STOP_GRACE="0.5")
    fake_zoom.script("POST", CREATE, MADE_THEN_SLOW)
    process = app_sent(env, fake_slack, tmp_path, "tomorrow 3pm Design review", ana.slack_id)
    try:
        eventually(lambda: fake_zoom.meetings, what="Zoom to make the meeting")
        # A clean stop whose grace runs out while Zoom still holds its answer.
        process.stop(sig=signal.SIGTERM, timeout=20)
        logs = process.logs()
        assert "stopped 1 request(s) still in flight" in logs
        assert "zoombot stopped" in logs
        assert not accepted(fake_slack)
        assert request_rows(env)[0]["state"] == "claimed"

        process.start()
        [post] = eventually(lambda: accepted(fake_slack), what="the post after the restart")
        [meeting] = fake_zoom.meetings.values()
        assert meeting["join_url"] in texts(post.params)
        eventually(lambda: request_rows(env)[0]["state"] == "posted", what="the request to settle")
    finally:
        process.stop()
    assert len(creates(fake_zoom)) == 1
    assert len(accepted(fake_slack)) == 1


def test_zoom_unreachable_at_restart_leaves_the_request_for_later(
    app_env, fake_slack, fake_zoom, person, tmp_path: Path
):
    ana = person()
    env = settle_env(app_env)
    fake_zoom.script("POST", CREATE, MADE_THEN_SLOW)
    response_url = fake_slack.new_response_url()
    process = app_sent(
        env, fake_slack, tmp_path, "tomorrow 3pm Standup", ana.slack_id, response_url=response_url
    )
    try:
        eventually(lambda: fake_zoom.meetings, what="Zoom to make the meeting")
        process.stop(sig=signal.SIGKILL)

        # Zoom cannot be asked whether it made the meeting: nothing is guessed.
        fake_zoom.script("GET", CREATE, *[Answer(status=503)] * 3)
        process.start()
        process.wait_for_log("could not ask Zoom about request", timeout=10)
        assert request_rows(env)[0]["state"] == "claimed"
        assert not accepted(fake_slack)
        assert fake_slack.responses(response_url) == []
    finally:
        process.stop()
    # The next start asks again, and Zoom answers this time.
    process.start()
    try:
        [post] = eventually(lambda: accepted(fake_slack), what="the post at the next start")
        [meeting] = fake_zoom.meetings.values()
        assert meeting["join_url"] in texts(post.params)
    finally:
        process.stop()
    assert len(creates(fake_zoom)) == 1


def test_an_instant_create_cut_short_is_reported_since_zoom_cannot_be_asked(
    app_env, fake_slack, fake_zoom, person, tmp_path: Path
):
    ana = person()
    env = settle_env(app_env)
    fake_zoom.script("POST", CREATE, MADE_THEN_SLOW)
    response_url = fake_slack.new_response_url()
    process = app_sent(
        env, fake_slack, tmp_path, "now Standup", ana.slack_id, response_url=response_url
    )
    try:
        eventually(lambda: fake_zoom.meetings, what="Zoom to make the meeting")
        process.stop(sig=signal.SIGKILL)

        process.start()
        told = fake_slack.wait_for_response(
            response_url, lambda body: "cannot tell whether" in texts(body), timeout=10
        )
        assert told["response_type"] == "ephemeral"
        assert "Standup" in texts(told) and "ZB-" in texts(told)
        eventually(lambda: request_rows(env)[0]["state"] == "failed", what="the request failed")
        # Nobody was given a link that may not work; the person may simply ask again.
        assert not accepted(fake_slack)
    finally:
        process.stop()

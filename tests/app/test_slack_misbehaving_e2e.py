"""Slack misbehaving, over real HTTP with the app as a subprocess: a plain-text 503 from
users.info or views.open becomes a sentence with a reference; a 500 with an HTML page labelled
JSON is retried and posted; a Slack slower than the client's timeout (but posting) for 90 s
gets the meeting posted once (twice at most without the history scopes); a SIGKILL between
attempts resumes from the attempt count and time written to the outbox."""

from __future__ import annotations

import signal
import sqlite3
import time
from pathlib import Path
from typing import Any

from tests.app.support import eventually, posts_to, texts, wait_created
from tests.fakes.app_process import AppProcess
from tests.fakes.slack import DEFAULT_CHANNEL, mislabelled, plain_text, server_error
from tests.fakes.slack_requests import SlackSender

REFERENCE = "(ref `ZB-"


def accepted(fake_slack) -> list:
    return [
        c
        for c in posts_to(fake_slack, DEFAULT_CHANNEL)
        if c.status == 200 and isinstance(c.answer, dict) and c.answer.get("ok")
    ]


def copies(fake_slack, join_url: str) -> list[dict[str, Any]]:
    return [m for m in fake_slack.channel_messages(DEFAULT_CHANNEL) if join_url in texts(m)]


def outbox(database: str) -> list[dict[str, Any]]:
    with sqlite3.connect(database) as db:
        db.row_factory = sqlite3.Row
        return [dict(r) for r in db.execute("SELECT * FROM outbox ORDER BY id")]


def database_of(env: dict[str, str]) -> str:
    return env["DATABASE_URL"].removeprefix("sqlite:///")


# -- the shared app (default timeouts) ---------------------------------------------------


def test_users_info_503_in_plain_text_tells_the_requester(sender, fake_slack, fake_zoom, person):
    ana = person()
    # More than the client's own retries (2): Slack stays down.
    fake_slack.script("users.info", *[plain_text(503)] * 6)
    sender.command("now Standup", ana.slack_id)
    note = fake_slack.wait_for_response(
        sender.last_response_url, lambda b: REFERENCE in b.get("text", ""), timeout=10
    )
    assert "Slack did not answer" in note["text"]
    assert note["response_type"] == "ephemeral"
    assert not fake_zoom.meetings
    assert [c.status for c in fake_slack.calls_to("users.info")][:3] == [503, 503, 503]


def test_a_500_with_an_html_page_labelled_json_is_retried_and_posted(
    sender, fake_slack, fake_zoom, person, app
):
    ana = person()
    fake_slack.script("chat.postMessage", mislabelled(500))
    sender.command("now Standup", ana.slack_id)
    wait_created(fake_zoom)
    [post] = eventually(lambda: accepted(fake_slack), what="the post after the 500")
    [meeting] = fake_zoom.meetings.values()
    assert meeting["join_url"] in texts(post.params)
    assert [c.status for c in posts_to(fake_slack, DEFAULT_CHANNEL)] == [500, 200]
    # Maybe posted, so looked up first (nothing there), then posted once.
    assert fake_slack.calls_to("conversations.history")
    assert len(copies(fake_slack, meeting["join_url"])) == 1
    assert "HTTP 200" not in app.logs()


def test_views_open_503_in_plain_text_tells_the_user(sender, fake_slack, person):
    ana = person()
    fake_slack.script("views.open", plain_text(503))
    sender.command("schedule Roadmap", ana.slack_id)
    note = fake_slack.wait_for_response(
        sender.last_response_url, lambda b: REFERENCE in b.get("text", ""), timeout=10
    )
    assert "form" in note["text"]
    assert len(fake_slack.calls_to("views.open")) == 1  # a trigger is never used twice


# -- an app of its own: a short Slack timeout --------------------------------------------


def slow_slack_run(app_env, fake_slack, fake_zoom, person, tmp_path: Path) -> tuple[int, dict]:
    """90 s of a Slack that posts but answers chat.postMessage after 6 s, with a 2 s client
    timeout (on a loaded machine a 1 s timeout can end before the fake has even read the
    request: then nothing is in the history to find). Returns the copies in the channel and
    the outbox row once it settled."""
    ana = person()
    env = {**app_env, "ZOOMBOT_SLACK_TIMEOUT": "2"}
    fake_slack.slow_down("chat.postMessage", delay=6.0, seconds=90)
    process = AppProcess(env, cwd=tmp_path).start()
    try:
        with SlackSender(process.url, fake_slack.signing_secret, fake=fake_slack) as sender:
            sender.command("now Standup", ana.slack_id)
        wait_created(fake_zoom)
        database = database_of(env)
        [row] = eventually(
            lambda: [r for r in outbox(database) if r["state"] != "pending"],
            timeout=60,
            what="the outbox entry settled",
        )
        [meeting] = fake_zoom.meetings.values()
    finally:
        process.stop()
    # Stopped: nothing more can come. Every copy the slow Slack made is in the channel.
    return len(copies(fake_slack, meeting["join_url"])), row


def test_a_slow_slack_that_posts_anyway_gets_one_copy(
    app_env, fake_slack, fake_zoom, person, tmp_path
):
    count, row = slow_slack_run(app_env, fake_slack, fake_zoom, person, tmp_path)
    assert count == 1
    assert row["state"] == "posted" and row["posted_ts"]
    [message] = fake_slack.channel_messages(DEFAULT_CHANNEL)
    assert row["posted_ts"] == message["ts"]
    assert message["metadata"]["event_payload"]["outbox_id"] == str(row["id"])


def test_without_the_history_scopes_a_slow_slack_gets_at_most_two_copies(
    app_env, fake_slack, fake_zoom, person, tmp_path
):
    fake_slack.missing_scopes = {"channels:history"}
    count, row = slow_slack_run(app_env, fake_slack, fake_zoom, person, tmp_path)
    assert count == 2
    assert row["state"] == "posted"


def test_a_sigkill_between_attempts_resumes_from_the_recorded_state(
    app_env, fake_slack, fake_zoom, person, tmp_path
):
    ana = person()
    # Slack is down (503: it never reached Slack's app) for the first three attempts.
    fake_slack.script("chat.postMessage", *[server_error(503)] * 3)
    database = database_of(app_env)
    process = AppProcess(app_env, cwd=tmp_path).start()
    try:
        with SlackSender(process.url, fake_slack.signing_secret, fake=fake_slack) as sender:
            sender.command("now Standup", ana.slack_id)
        wait_created(fake_zoom)
        [row] = eventually(
            lambda: [r for r in outbox(database) if r["attempts"] == 3],
            timeout=15,
            what="the third failed attempt written to the outbox",
        )
        process.stop(sig=signal.SIGKILL)
        assert row["state"] == "pending" and row["last_error"] == "HTTP 503"
        # The next attempt is 4 s after the third (1, 2, 4 s): still ahead.
        assert row["next_attempt_at"] > time.time()
        process.start()
        [post] = eventually(lambda: accepted(fake_slack), timeout=20, what="the post")
        posted_at = time.time() - (time.monotonic() - post.at)
        assert posted_at >= row["next_attempt_at"] - 0.2
        [done] = eventually(
            lambda: [r for r in outbox(database) if r["state"] == "posted"], what="posted"
        )
        assert done["attempts"] == 4  # counted on from the recorded 3
        assert len(accepted(fake_slack)) == 1
    finally:
        process.stop()

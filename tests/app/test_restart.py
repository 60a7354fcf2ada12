"""Nothing lost across a restart: the app dies between Zoom's answer and Slack's post, and the
next start posts the meeting, exactly once, from the outbox."""

from __future__ import annotations

import signal
import sqlite3
from pathlib import Path

from tests.app.support import eventually, posts_to, texts, wait_created
from tests.fakes.app_process import AppProcess
from tests.fakes.slack import DEFAULT_CHANNEL, server_error
from tests.fakes.slack_requests import SlackSender


def accepted(fake_slack) -> list:
    return [c for c in posts_to(fake_slack, DEFAULT_CHANNEL) if c.status == 200]


def outbox_states(database: str) -> list[str]:
    with sqlite3.connect(database) as db:
        return [row[0] for row in db.execute("SELECT state FROM outbox ORDER BY id")]


def test_a_post_pending_at_a_crash_is_delivered_after_restart(
    app_env, fake_slack, fake_zoom, person, tmp_path: Path
):
    ana = person()
    # Slack is down when the meeting is made: the first attempts fail.
    fake_slack.script("chat.postMessage", server_error(503), server_error(503))
    process = AppProcess(app_env, cwd=tmp_path).start()
    try:
        with SlackSender(process.url, fake_slack.signing_secret, fake=fake_slack) as sender:
            sender.command("now Standup", ana.slack_id)
        wait_created(fake_zoom)
        eventually(lambda: posts_to(fake_slack, DEFAULT_CHANNEL), what="a failed post")
        # Killed outright between Zoom's answer and a successful post: no clean-up runs.
        process.stop(sig=signal.SIGKILL)
        assert not accepted(fake_slack)
        database = app_env["DATABASE_URL"].removeprefix("sqlite:///")
        assert outbox_states(database) == ["pending"]

        process.start()
        [post] = eventually(lambda: accepted(fake_slack), what="the post after the restart")
        [meeting] = fake_zoom.meetings.values()
        assert meeting["join_url"] in texts(post.params)
        eventually(lambda: outbox_states(database) == ["posted"], what="the outbox settled")
        assert len(accepted(fake_slack)) == 1
        assert len(fake_zoom.meetings) == 1
    finally:
        process.stop()
    # A further restart finds nothing left to post.
    process.start()
    try:
        process.wait_for_log("zoombot is ready")
        assert len(accepted(fake_slack)) == 1
        # The log holds every run's lines: only the second run took anything over.
        assert process.logs().count("left by an earlier run") == 1
    finally:
        process.stop()

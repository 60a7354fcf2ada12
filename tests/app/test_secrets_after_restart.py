"""A restart forgets the passcodes the last run learned; the outbox it drains re-sends
messages that hold them. The store teaches them to the log redaction when it loads them."""

from __future__ import annotations

import signal
from pathlib import Path

from tests.app.support import eventually, posts_to, wait_created
from tests.fakes.app_process import AppProcess
from tests.fakes.slack import DEFAULT_CHANNEL, server_error
from tests.fakes.slack_requests import SlackSender


def test_a_passcode_stays_out_of_the_debug_log_after_a_restart(
    app_env, fake_slack, fake_zoom, person, tmp_path: Path
):
    ana = person()
    # Slack is down long enough for the post to be pending when the process dies.
    fake_slack.script("chat.postMessage", *[server_error(503)] * 3)
    process = AppProcess({**app_env, "LOG_LEVEL": "DEBUG"}, cwd=tmp_path).start()
    try:
        with SlackSender(process.url, fake_slack.signing_secret, fake=fake_slack) as sender:
            sender.command("now Standup", ana.slack_id)
        wait_created(fake_zoom)
        eventually(lambda: posts_to(fake_slack, DEFAULT_CHANNEL), what="a failed post")
        process.stop(sig=signal.SIGKILL)
        first_run = process.logs()
        process.start()

        def posted() -> list:
            return [
                c
                for c in posts_to(fake_slack, DEFAULT_CHANNEL)
                if isinstance(c.answer, dict) and c.answer.get("ok")
            ]

        [post] = eventually(posted, timeout=15, what="the post after the restart")
        eventually(
            lambda: "posted after" in process.logs()[len(first_run) :], what="the drain's log"
        )
        second_run = process.logs()[len(first_run) :]
    finally:
        process.stop()
    [meeting] = fake_zoom.meetings.values()
    passcode = meeting["password"]
    assert passcode in str(post.params)  # the message re-sent really holds it
    assert "DEBUG" in second_run  # and the second run logged at DEBUG while sending it
    assert passcode not in second_run
    assert passcode not in first_run

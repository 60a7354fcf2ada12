"""SIGTERM stops taking new work and finishes what is in flight before the process exits."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import httpx

from tests.app.support import creates, eventually, texts
from tests.fakes.app_process import AppProcess
from tests.fakes.slack import DEFAULT_CHANNEL
from tests.fakes.slack_requests import SlackSender


def test_sigterm_finishes_a_flow_in_flight_and_refuses_new_work(
    app_env, fake_slack, fake_zoom, person, tmp_path: Path
):
    ana, bo = person(), person()
    process = AppProcess(app_env, cwd=tmp_path).start()
    try:
        fake_zoom.latency = 0.5  # the flow (token, user, create) is still running at SIGTERM
        with SlackSender(process.url, fake_slack.signing_secret, fake=fake_slack) as sender:
            acked = sender.command("now Standup", ana.slack_id)
            assert acked.status_code == 200
            codes: list[int] = []
            stopping = threading.Thread(target=lambda: codes.append(process.stop(timeout=20)))
            stopping.start()  # one SIGTERM, then wait for the exit
            eventually(lambda: "Shutting down" in process.logs(), what="the stop to begin")
            # New work after SIGTERM: refused with 503, or the listener is already closed.
            try:
                late = sender.command("now Late", bo.slack_id)
            except httpx.TransportError:
                late = None
            assert late is None or late.status_code == 503
            stopping.join(30)
    finally:
        fake_zoom.latency = 0.0
        process.stop()
    # uvicorn re-raises the SIGTERM it handled once it has shut down.
    assert codes and codes[0] in (0, -15)
    # Everything happened before the process exited: nothing is polled for here.
    assert len(fake_zoom.meetings) == 1
    [meeting] = fake_zoom.meetings.values()
    assert meeting["topic"] == "Standup"
    posts = [c for c in fake_slack.calls_to("chat.postMessage") if c.status == 200]
    assert [c.params["channel"] for c in posts] == [DEFAULT_CHANNEL]
    assert meeting["join_url"] in texts(posts[0].params)
    assert len(creates(fake_zoom)) == 1
    logs = process.logs()
    assert "Traceback" not in logs
    assert "zoombot stopped" in logs
    # The flow really was in flight when the stop began, and the stop waited for it.
    assert re.search(r"waiting up to \d+ s for [1-9]\d* request\(s\) in flight", logs)
    assert "still in flight" not in logs

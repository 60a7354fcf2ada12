"""Every listener's whole run counts as in flight (bot/inflight.py `tracked`): a stop waits
for work that is not a scheduling flow (the modal opening, the Home tab), and /healthz counts
it."""

from __future__ import annotations

import asyncio
import json
import re
import threading
from pathlib import Path
from types import SimpleNamespace

import httpx
from slack_bolt.async_app import AsyncApp

from bot.inflight import InFlight, tracked
from bot.listeners import register_all
from bot.testing.app_process import AppProcess
from bot.testing.slack import SlackAnswer, SlackSender
from tests.app.support import eventually


def test_every_registered_listener_is_tracked():
    inflight = InFlight()
    bolt = AsyncApp(
        token="xoxb-not-used",
        signing_secret="not-used",
        request_verification_enabled=False,
    )
    register_all(bolt, SimpleNamespace(inflight=inflight))  # type: ignore[arg-type]
    listeners = bolt._async_listeners
    names = {listener.ack_function.__name__ for listener in listeners}
    # The listeners zoombot has today, so that this test notices if registration changes.
    assert {"zoom_command", "schedule_submitted", "home_opened", "cancel_pressed"} <= names
    untracked = [
        listener.ack_function.__name__
        for listener in listeners
        if not getattr(listener.ack_function, "zoombot_tracked", False)
    ]
    assert untracked == []


async def test_a_tracked_listener_counts_while_it_runs_and_keeps_its_arguments():
    inflight = InFlight()
    started, release = asyncio.Event(), asyncio.Event()
    seen: list[object] = []

    @tracked(inflight)
    async def listener(ack: object, body: dict) -> str:
        seen.append((ack, body))
        started.set()
        await release.wait()
        return "done"

    task = asyncio.create_task(listener(ack="A", body={"x": 1}))
    await started.wait()
    assert len(inflight) == 1
    release.set()
    assert await task == "done"
    assert seen == [("A", {"x": 1})]
    assert len(inflight) == 0
    # Bolt reads the arguments a listener asks for from the unwrapped function.
    assert listener.__wrapped__.__name__ == "listener"  # type: ignore[attr-defined]


def test_sigterm_right_after_schedule_is_acked_still_opens_the_form(
    app_env, fake_slack, fake_zoom, person, tmp_path: Path
):
    ana = person()
    process = AppProcess(app_env, cwd=tmp_path).start()
    codes: list[int] = []
    try:
        # views.open is still waiting on Slack when the stop begins.
        fake_slack.script("views.open", SlackAnswer(delay=1.0))
        with SlackSender(process.url, fake_slack.signing_secret, fake=fake_slack) as sender:
            acked = sender.command("schedule tomorrow 3pm Design review", ana.slack_id)
            assert acked.status_code == 200
            stopping = threading.Thread(target=lambda: codes.append(process.stop(timeout=20)))
            stopping.start()
            stopping.join(30)
    finally:
        process.stop()
    assert codes and codes[0] in (0, -15)
    # The process has exited: whatever Slack saw happened before then, nothing is polled.
    [opened] = fake_slack.calls_to("views.open")
    assert opened.status == 200
    assert "Design review" in json.dumps(opened.params["view"])
    logs = process.logs()
    assert re.search(r"waiting up to \d+ s for [1-9]\d* request\(s\) in flight", logs)
    assert "still in flight" not in logs
    assert "Traceback" not in logs


def healthz_in_flight(url: str) -> int:
    answer = httpx.get(f"{url}/healthz", timeout=2)
    return int(answer.json().get("in_flight", 0))


def open_home(sender: SlackSender, user: str) -> None:
    event = {"type": "app_home_opened", "user": user, "channel": "D0HOME0001", "tab": "home"}
    assert sender.event(event).status_code == 200


def test_healthz_counts_a_slow_home_publish(app, sender, fake_slack, person):
    ana = person()
    fake_slack.script("views.publish", SlackAnswer(delay=1.0))
    open_home(sender, ana.slack_id)
    eventually(lambda: healthz_in_flight(app.url) >= 1, what="the Home publish in flight")
    fake_slack.wait_for("views.publish", lambda c: c.params["user_id"] == ana.slack_id)
    eventually(lambda: healthz_in_flight(app.url) == 0, what="nothing in flight after it")


def test_home_publishes_when_users_info_times_out(app_env, fake_slack, person, tmp_path: Path):
    ana = person()
    env = {**app_env, "ZOOMBOT_SLACK_TIMEOUT": "0.3"}
    process = AppProcess(env, cwd=tmp_path).start()
    try:
        # Slower than the app waits, however many times it asks.
        fake_slack.script("users.info", *[SlackAnswer(delay=1.0)] * 3)
        with SlackSender(process.url, fake_slack.signing_secret, fake=fake_slack) as sender:
            open_home(sender, ana.slack_id)
            call = fake_slack.wait_for(
                "views.publish", lambda c: c.params["user_id"] == ana.slack_id, timeout=8
            )
    finally:
        process.stop()
    assert call.status == 200
    view = call.params["view"]
    text = json.dumps(view if isinstance(view, dict) else json.loads(view))
    assert "could not be looked up right now" in text
    assert "No Zoom account hosts your meetings yet" not in text
    assert fake_slack.calls_to("users.info")  # the look-up really was tried
    logs = process.logs()
    assert "home tab without a host" in logs
    assert "Traceback" not in logs

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
from tests.app.support import eventually
from tests.fakes.app_process import AppProcess
from tests.fakes.slack import SlackAnswer
from tests.fakes.slack_requests import SlackSender


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


async def until_idle(inflight: InFlight, seconds: float = 2.0) -> None:
    """Poll until nothing is in flight; fail after `seconds`."""
    for _ in range(int(seconds / 0.01)):
        if len(inflight) == 0:
            return
        await asyncio.sleep(0.01)
    assert len(inflight) == 0, f"{len(inflight)} still in flight after {seconds} s"


async def test_a_tracked_listener_acks_and_its_returned_work_counts_until_it_ends():
    inflight = InFlight()
    release, finished = asyncio.Event(), asyncio.Event()
    bolt_acks: list[tuple] = []
    seen: list[object] = []

    async def bolt_ack(*args: object, **kwargs: object) -> None:
        assert len(inflight) == 1  # the listener itself counts while it runs
        bolt_acks.append((args, kwargs))

    async def the_work() -> None:
        await release.wait()
        finished.set()

    @tracked(inflight)
    async def listener(ack, body: dict):
        seen.append(body)
        await ack(text="Creating")
        return the_work()

    # Back to Bolt (which then answers Slack) with the work not yet done, but counted.
    assert await asyncio.wait_for(listener(ack=bolt_ack, body={"x": 1}), 5) is None
    assert bolt_acks == [((), {"text": "Creating"})]
    assert seen == [{"x": 1}]
    assert len(inflight) == 1 and not finished.is_set()
    release.set()
    await asyncio.wait_for(finished.wait(), 5)
    await until_idle(inflight)  # the task leaves the registry as it ends
    # Bolt reads the arguments a listener asks for from the unwrapped function.
    assert listener.__wrapped__.__name__ == "listener"  # type: ignore[attr-defined]


async def test_a_failure_in_the_listener_reaches_bolt_and_one_in_its_work_is_logged(caplog):
    inflight = InFlight()

    async def bolt_ack(*args: object, **kwargs: object) -> None:
        pass

    @tracked(inflight)
    async def fails_first(ack):
        raise ValueError("before the ack")

    async def failing_work() -> None:
        await asyncio.sleep(0)
        raise ValueError("after the ack")

    @tracked(inflight)
    async def fails_later(ack):
        await ack()
        return failing_work()

    try:
        await fails_first(ack=bolt_ack)
    except ValueError as error:
        assert str(error) == "before the ack"
    else:
        raise AssertionError("the failure before the ack did not reach Bolt")
    assert await fails_later(ack=bolt_ack) is None
    for _ in range(100):
        if "after its ack" in caplog.text:
            break
        await asyncio.sleep(0.01)
    assert "listener:fails_later failed after its ack" in caplog.text
    assert "after the ack" in caplog.text
    assert "fails_first" not in caplog.text  # Bolt logs that one
    await until_idle(inflight)


async def test_an_event_listeners_work_is_counted_before_the_listener_returns():
    inflight = InFlight()
    release = asyncio.Event()

    async def publish() -> None:
        await release.wait()

    @tracked(inflight)
    async def home_opened(event: dict):
        return publish()

    assert await asyncio.wait_for(home_opened(event={}), 5) is None
    assert len(inflight) == 1  # no turn of the loop needed
    release.set()
    await until_idle(inflight)


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


async def test_an_event_is_acknowledged_only_once_its_work_counts_as_in_flight():
    """With Bolt's process_before_response=True (as bot/web builds it), Bolt acks an event
    after the listener returns, and `tracked` has started the tracked task by then: a stop
    that begins right after the ack still waits for the work (no gap between the two)."""
    from slack_bolt.authorization import AuthorizeResult
    from slack_bolt.request.async_request import AsyncBoltRequest

    inflight = InFlight()
    release = asyncio.Event()

    async def authorize(**_: object) -> AuthorizeResult:
        return AuthorizeResult(enterprise_id=None, team_id="T0", bot_token="xoxb-not-used")

    bolt = AsyncApp(
        signing_secret="not-used",
        authorize=authorize,
        request_verification_enabled=False,
        process_before_response=True,
    )

    @bolt.event("app_home_opened")
    @tracked(inflight)
    async def home_opened(event: dict):
        return release.wait()

    body = {
        "type": "event_callback",
        "team_id": "T0",
        "api_app_id": "A0",
        "event_id": "Ev0",
        "event_time": 1,
        "event": {"type": "app_home_opened", "user": "U0", "channel": "D0", "tab": "home"},
    }
    response = await bolt.async_dispatch(
        AsyncBoltRequest(body=json.dumps(body), headers={"content-type": ["application/json"]})
    )
    assert response.status == 200
    assert len(inflight) == 1  # acknowledged, and already counted
    release.set()
    await until_idle(inflight)

"""Every listener's run and its after-the-ack work count as in flight (bot/listeners
`counted`, `after_ack`): a stop waits for work that is not a create (the modal opening, the
Home tab), and /healthz counts it."""

from __future__ import annotations

import asyncio
import json
import re
import threading
from pathlib import Path
from types import SimpleNamespace

import httpx
from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.request.async_request import AsyncBoltRequest

from bot.flows.services import Services
from bot.inflight import InFlight
from bot.listeners import SERVICES, after_ack, counted, register_all
from tests.app.support import eventually
from tests.fakes.app_process import AppProcess
from tests.fakes.slack import SlackAnswer
from tests.fakes.slack_requests import SlackSender


class BlockingStore:
    """Enough of a store for the Home tab, whose first read waits for `release`."""

    def __init__(self) -> None:
        self.release = asyncio.Event()

    async def meetings_by(self, user: str) -> list:
        await self.release.wait()
        return []


def stub_services(store: object) -> Services:
    return Services(
        settings=SimpleNamespace(command="/zoom"),  # type: ignore[arg-type]
        store=store,  # type: ignore[arg-type]
        hosts=SimpleNamespace(),  # type: ignore[arg-type]
        zoom=SimpleNamespace(),  # type: ignore[arg-type]
        poster=SimpleNamespace(),  # type: ignore[arg-type]
    )


async def authorize(**_: object) -> AuthorizeResult:
    return AuthorizeResult(enterprise_id=None, team_id="T0", bot_token="xoxb-not-used")


def zoombot_bolt(services: Services) -> AsyncApp:
    """A Bolt app as bot/web builds it (process_before_response=True), with every listener."""
    bolt = AsyncApp(
        signing_secret="not-used",
        authorize=authorize,
        request_verification_enabled=False,
        process_before_response=True,
    )
    register_all(bolt, services)
    return bolt


async def until_idle(inflight: InFlight, seconds: float = 2.0) -> None:
    """Poll until nothing is in flight; fail after `seconds`."""
    for _ in range(int(seconds / 0.01)):
        if len(inflight) == 0:
            return
        await asyncio.sleep(0.01)
    assert len(inflight) == 0, f"{len(inflight)} still in flight after {seconds} s"


async def test_started_work_counts_from_its_creation_until_it_ends():
    inflight = InFlight()
    release = asyncio.Event()
    inflight.start(release.wait(), name="listener:test")
    assert len(inflight) == 1  # no turn of the loop needed
    release.set()
    await until_idle(inflight)


async def test_a_failure_in_work_after_the_ack_is_logged(caplog):
    inflight = InFlight()

    async def failing_work() -> None:
        await asyncio.sleep(0)
        raise ValueError("after the ack")

    inflight.start(failing_work(), name="listener:fails_later")
    await until_idle(inflight)
    for _ in range(100):
        if "after its ack" in caplog.text:
            break
        await asyncio.sleep(0.01)
    assert "listener:fails_later failed after its ack" in caplog.text
    assert "after the ack" in caplog.text


async def test_a_counted_listener_counts_while_it_runs_and_its_work_after():
    services = stub_services(BlockingStore())
    inflight = services.inflight
    release, finished = asyncio.Event(), asyncio.Event()
    acks: list[tuple] = []

    async def bolt_ack(*args: object, **kwargs: object) -> None:
        assert len(inflight) == 1  # the listener itself counts while it runs
        acks.append((args, kwargs))

    async def the_work() -> None:
        await release.wait()
        finished.set()

    async def listener(ack, context):
        await ack(text="Creating")
        after_ack(context, "listener", the_work())

    run = counted(listener)
    context = AsyncBoltContext({SERVICES: services})
    assert await asyncio.wait_for(run(ack=bolt_ack, context=context), 5) is None
    assert acks == [((), {"text": "Creating"})]
    # Back to Bolt (which then answers Slack) with the work not yet done, but counted.
    assert len(inflight) == 1 and not finished.is_set()
    release.set()
    await asyncio.wait_for(finished.wait(), 5)
    await until_idle(inflight)
    # Bolt reads the arguments a listener asks for from the unwrapped function.
    assert run.__wrapped__ is listener  # type: ignore[attr-defined]


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
    """Through Bolt as bot/web builds it (process_before_response=True) and zoombot's own
    registration: Bolt acks the Home tab event after the listener returns, and its work is
    counted in flight by then: a stop that begins right after the ack still waits for it."""
    store = BlockingStore()
    services = stub_services(store)
    bolt = zoombot_bolt(services)
    body = {
        "type": "event_callback",
        "team_id": "T0",
        "api_app_id": "A0",
        "event_id": "Ev0",
        "event_time": 1,
        "event": {"type": "app_home_opened", "user": "U0", "channel": "D0", "tab": "messages"},
    }
    response = await bolt.async_dispatch(
        AsyncBoltRequest(body=json.dumps(body), headers={"content-type": ["application/json"]})
    )
    assert response.status == 200
    assert len(services.inflight) == 0  # the Messages tab: nothing to do
    body["event"]["tab"] = "home"
    response = await bolt.async_dispatch(
        AsyncBoltRequest(body=json.dumps(body), headers={"content-type": ["application/json"]})
    )
    assert response.status == 200
    assert len(services.inflight) == 1  # acknowledged, and already counted
    # A stop waits for it: it ends (here, failing on the stub's missing parts) within grace.
    stop = asyncio.create_task(services.inflight.finish(5.0))
    store.release.set()
    assert await asyncio.wait_for(stop, 6) == 0
    await until_idle(services.inflight)

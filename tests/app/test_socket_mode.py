"""Socket Mode end to end (issue 4): the app with SLACK_APP_TOKEN connects to the fake Slack's
WebSocket, answers envelopes with acks, does the work, and stops on SIGTERM whether or not it
is connected; a token Slack refuses ends it with a sentence naming SLACK_APP_TOKEN.

The app serves /healthz on PORT in Socket Mode because the environment sets
ZOOM_WEBHOOK_SECRET_TOKEN (bot/web/run.py), which is how AppProcess knows it is up.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.app.support import assert_no_start_url, eventually, posts_to, texts, wait_created
from tests.conftest import make_app_env
from tests.fakes.app_process import AppFailedToStart, AppProcess, free_port
from tests.fakes.slack import DEFAULT_CHANNEL, FakeSlack, server_error
from tests.fakes.slack_requests import global_shortcut, slash_command_payload

STOPPED = (0, -signal.SIGTERM)  # a clean stop; SIGKILL after AppProcess.stop's wait is -9


def socket_env(slack: FakeSlack, zoom, workdir: Path, **changes: str) -> dict[str, str]:
    env = make_app_env(slack, zoom, workdir)
    env["SLACK_APP_TOKEN"] = slack.app_token
    env["ZOOMBOT_STOP_GRACE"] = "5"
    env.update(changes)
    return env


def wait_exit(proc: AppProcess, timeout: float = 10.0) -> int:
    """The exit code of an app expected to exit by itself (SIGTERM only after `timeout`)."""
    eventually(lambda: not proc.running, timeout, "the app to exit by itself")
    return proc.stop()


@pytest.fixture(scope="module")
def socket_app(
    fake_slack_server: FakeSlack, fake_zoom_server, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[AppProcess]:
    workdir = tmp_path_factory.mktemp("socket-app")
    proc = AppProcess(socket_env(fake_slack_server, fake_zoom_server, workdir), cwd=workdir)
    # Counted before the start: the app may connect before start() returns.
    opened = fake_slack_server.sockets_opened
    proc.start()
    fake_slack_server.wait_for_new_socket(opened, timeout=10)
    yield proc
    proc.stop()


def test_a_command_envelope_is_acked_then_the_meeting_is_created_and_posted(
    socket_app, fake_slack, fake_zoom, person
):
    ana = person()
    response_url = fake_slack.new_response_url()
    envelope = fake_slack.send_socket_envelope(
        "slash_commands",
        slash_command_payload(
            "tomorrow 3pm Socket sync", user=ana.slack_id, response_url=response_url
        ),
    )
    ack = fake_slack.wait_for_ack(envelope)
    # The ack carries the private "Creating…" note (or nothing): never the meeting itself.
    assert ack.payload is None or "Creating" in ack.payload.get("text", "")
    [create] = wait_created(fake_zoom)
    assert create.body["type"] == 2
    assert create.body["topic"] == "Socket sync"
    assert create.path.endswith(f"/users/{ana.zoom_id}/meetings")
    [post] = eventually(lambda: posts_to(fake_slack, DEFAULT_CHANNEL), what="chat.postMessage")
    meeting = next(iter(fake_zoom.meetings.values()))
    assert meeting["join_url"] in texts(post.params)
    assert "Socket sync" in texts(post.params)
    fake_slack.wait_for_response(response_url, lambda b: "Created" in b.get("text", ""))
    assert_no_start_url(fake_slack, fake_zoom)
    # Each envelope is acked once.
    assert [a.envelope_id for a in fake_slack.socket_acks].count(envelope) == 1


def test_help_is_answered_in_the_ack(socket_app, fake_slack, fake_zoom, person):
    ana = person()
    envelope = fake_slack.send_socket_envelope(
        "slash_commands", slash_command_payload("help", user=ana.slack_id)
    )
    ack = fake_slack.wait_for_ack(envelope)
    assert ack.payload is not None
    assert ack.payload["blocks"], ack.payload
    assert "/zoom" in texts(ack.payload)
    assert not fake_zoom.meetings


def test_a_shortcut_envelope_is_acked_and_opens_the_modal(socket_app, fake_slack, person):
    ana = person()
    envelope = fake_slack.send_socket_envelope(
        "interactive", global_shortcut(user=ana.slack_id, trigger_id=fake_slack.new_trigger_id())
    )
    ack = fake_slack.wait_for_ack(envelope)
    assert ack.payload is None
    call = fake_slack.wait_for("views.open")
    assert call.answer["ok"] is True, call.answer


def test_sigterm_stops_a_connected_app(fake_slack, fake_zoom, tmp_path):
    before = fake_slack.socket_connections()
    opened = fake_slack.sockets_opened
    proc = AppProcess(socket_env(fake_slack, fake_zoom, tmp_path), cwd=tmp_path).start()
    fake_slack.wait_for_new_socket(opened, timeout=10)
    assert proc.stop(timeout=10) in STOPPED, proc.logs()
    assert "zoombot stopped" in proc.logs()
    # It closed its connection on the way out.
    eventually(lambda: fake_slack.socket_connections() <= before, 5, "the socket to close")


def test_a_refused_app_token_ends_the_app_with_a_sentence_naming_it(
    fake_slack, fake_zoom, tmp_path
):
    wrong = "xapp-1-A0ZOOMBOT-9999-notTheAppsToken"
    proc = AppProcess(socket_env(fake_slack, fake_zoom, tmp_path, SLACK_APP_TOKEN=wrong))
    # It may exit before or after /healthz first answers: either way it must end by itself.
    try:
        proc.start()
    except AppFailedToStart:
        pass
    code = wait_exit(proc)
    logs = proc.logs()
    assert code not in (0, -signal.SIGTERM, -signal.SIGKILL), logs
    assert "Slack refused SLACK_APP_TOKEN (invalid_auth)" in logs
    assert "App-Level Tokens" in logs  # where to get a good one
    assert wrong not in logs
    # Refused once is enough: no retrying with a token that cannot work.
    assert len(fake_slack.calls_to("apps.connections.open")) == 1


def test_a_bot_token_in_place_of_the_app_token_is_refused(fake_slack, fake_zoom, tmp_path):
    # Slack answers not_allowed_token_type for an xoxb- token; settings reject it even
    # earlier (it must start with xapp-), so the app never gets that far: exit code 2.
    proc = AppProcess(
        socket_env(fake_slack, fake_zoom, tmp_path, SLACK_APP_TOKEN=fake_slack.bot_token)
    )
    with pytest.raises(AppFailedToStart):
        proc.start()
    assert proc.returncode == 2
    assert "SLACK_APP_TOKEN" in proc.logs()


# slack_sdk logs a traceback for every failed connection attempt; and for a 500 whose body is
# not JSON, bot/server.py's issue_new_wss_url fails with AttributeError (error.response.get on
# a str) before it re-raises: known, left to the owner of bot/server.py.
@pytest.mark.allow_app_errors("slack_sdk logs each failed connect with a traceback")
@pytest.mark.parametrize("failure", ["unreachable", "server_error"])
def test_sigterm_stops_the_app_while_it_retries_to_connect(
    failure, fake_slack, fake_zoom, tmp_path
):
    changes: dict[str, str] = {}
    if failure == "unreachable":
        # Nothing listens there: every apps.connections.open is a connection error.
        changes["SLACK_API_URL"] = f"http://127.0.0.1:{free_port()}/api/"
    else:
        fake_slack.script("apps.connections.open", *[server_error(500)] * 50)
    proc = AppProcess(socket_env(fake_slack, fake_zoom, tmp_path, **changes)).start()
    proc.wait_for_log("Failed to connect", timeout=10)
    if failure == "server_error":
        assert fake_slack.calls_to("apps.connections.open")
    code = proc.stop(timeout=8)
    assert code in STOPPED, proc.logs()
    assert "zoombot stopped" in proc.logs()
    # Still retrying when stopped: network errors and 5xx are not a refused token.
    assert "Slack refused SLACK_APP_TOKEN" not in proc.logs()


def test_the_fake_opens_connections_only_for_the_app_token(fake_slack):
    open_url = fake_slack.api_url + "apps.connections.open"

    def opened(token: str | None) -> dict:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.post(open_url, headers=headers, timeout=5).json()

    assert opened(None)["error"] == "not_authed"
    assert opened(fake_slack.bot_token)["error"] == "not_allowed_token_type"
    assert opened("xapp-1-someone-else")["error"] == "invalid_auth"
    answer = opened(fake_slack.app_token)
    assert answer["ok"] is True
    assert answer["url"].startswith("ws://127.0.0.1:")

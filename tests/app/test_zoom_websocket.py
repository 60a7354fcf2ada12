"""Zoom events without a public URL (issue 17, part 5), end to end: the app in Socket Mode
with ZOOM_EVENTS=websocket and no ZOOM_WEBHOOK_SECRET_TOKEN listens on no port for Slack or
Zoom; only the ops port (ZOOMBOT_METRICS_PORT) answers, for /healthz, /readyz and /metrics.
It connects to the fake Zoom's event WebSocket with the account's token; events pushed there
turn the channel message live, and after Zoom drops the connection it reconnects and the next
event still lands."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from tests.app.live_support import Posted, wait_update
from tests.app.support import eventually, wait_created
from tests.conftest import make_app_env
from tests.fakes.app_process import AppFailedToStart, AppProcess, free_port
from tests.fakes.slack import DEFAULT_CHANNEL, FakeSlack
from tests.fakes.slack_requests import slash_command_payload


class OpsPortApp(AppProcess):
    """An app whose only port is the ops port (ZOOMBOT_METRICS_PORT): polled for /healthz."""

    @property
    def port(self) -> int:
        return int(self.env["ZOOMBOT_METRICS_PORT"])


def websocket_env(slack: FakeSlack, zoom, workdir: Path) -> dict[str, str]:
    env = make_app_env(slack, zoom, workdir)
    del env["ZOOM_WEBHOOK_SECRET_TOKEN"]  # no /zoom/events: no inbound port for Zoom
    env.update(
        SLACK_APP_TOKEN=slack.app_token,
        ZOOM_EVENTS="websocket",
        ZOOM_WS_URL=zoom.ws_url,
        ZOOM_WS_SUBSCRIPTION_ID=zoom.ws_subscription_id,
        ZOOMBOT_METRICS_PORT=str(free_port()),
        ZOOMBOT_STOP_GRACE="5",
    )
    return env


def create_over_socket_mode(fake_slack: FakeSlack, fake_zoom, user: str) -> Posted:
    """/zoom over Socket Mode; returns once the message is posted and its ts stored (the
    private confirmation comes after the store knows it)."""
    before = set(fake_zoom.meetings)
    response_url = fake_slack.new_response_url()
    envelope = fake_slack.send_socket_envelope(
        "slash_commands",
        slash_command_payload("tomorrow 3pm No port", user=user, response_url=response_url),
    )
    fake_slack.wait_for_ack(envelope)
    wait_created(fake_zoom, 1)
    meeting_id = eventually(lambda: next(iter(set(fake_zoom.meetings) - before), None))
    fake_slack.wait_for_response(response_url, lambda b: "Created" in b.get("text", ""))
    message = next(
        m
        for m in fake_slack.channel_messages(DEFAULT_CHANNEL)
        if str(meeting_id) in json.dumps(m.get("blocks"))
    )
    return Posted(int(meeting_id), DEFAULT_CHANNEL, message["ts"], user)


def test_zoom_events_arrive_over_the_websocket_and_survive_a_dropped_connection(
    fake_slack, fake_zoom, person, tmp_path
):
    env = websocket_env(fake_slack, fake_zoom, tmp_path)
    opened_slack, opened_zoom = fake_slack.sockets_opened, fake_zoom.ws_opened
    with OpsPortApp(env, cwd=tmp_path) as app:
        fake_slack.wait_for_new_socket(opened_slack, timeout=10)
        fake_zoom.wait_for_ws_connection(opened_zoom, timeout=10)
        # No port for Slack or Zoom: PORT is not listened on at all.
        with pytest.raises(httpx.TransportError):
            httpx.get(f"http://127.0.0.1:{app.env['PORT']}/healthz", timeout=2)
        ready = eventually(
            lambda: (r := httpx.get(app.url + "/readyz", timeout=5)).status_code == 200 and r,
            10,
            "ready",
        )
        assert ready.json()["checks"]["socket_mode"] == "connected"

        ana = person()
        posted = create_over_socket_mode(fake_slack, fake_zoom, ana.slack_id)
        assert fake_zoom.push_ws_event(fake_zoom.start_meeting(posted.meeting_id)) == 1
        wait_update(fake_slack, posted, "*Live*")

        # Zoom drops the connection (as when the token expires): the app reconnects.
        opened = fake_zoom.ws_opened
        assert fake_zoom.drop_ws_connections() == 1
        fake_zoom.wait_for_ws_connection(opened, timeout=15)
        eventually(lambda: fake_zoom.push_ws_event(fake_zoom.end_meeting(posted.meeting_id)))
        wait_update(fake_slack, posted, "Ended")

        metrics = httpx.get(app.url + "/metrics", timeout=5).text
        assert "zoombot_zoom_websocket_connected 1.0" in metrics
        assert "zoombot_zoom_websocket_connects_total 2.0" in metrics
        assert 'zoombot_zoom_events_total{event="meeting.started"} 1.0' in metrics
    logs = app.logs()
    assert "Zoom event WebSocket connected" in logs
    assert "access_token=" not in logs
    assert "will be unused" not in logs


def test_websocket_events_need_the_subscription_id(fake_slack, fake_zoom, tmp_path):
    env = websocket_env(fake_slack, fake_zoom, tmp_path)
    del env["ZOOM_WS_SUBSCRIPTION_ID"]
    app = OpsPortApp(env, cwd=tmp_path)
    with pytest.raises(AppFailedToStart):
        app.start()
    assert app.returncode == 2
    assert "ZOOM_EVENTS=websocket needs ZOOM_WS_SUBSCRIPTION_ID" in app.logs()

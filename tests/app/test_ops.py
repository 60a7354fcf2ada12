"""Operations end to end over real HTTP (issue 17, parts 3–4): GET /metrics on the ops port
(ZOOMBOT_METRICS_PORT) and on PORT behind ZOOMBOT_METRICS_TOKEN, and GET /readyz telling
which check fails: bad Zoom credentials apart from an unreachable Zoom."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.app.live_support import make_meeting, wait_update
from tests.app.support import eventually
from tests.conftest import make_app_env
from tests.fakes.app_process import AppProcess, free_port
from tests.fakes.slack_requests import SlackSender


def sample(text: str, name: str, **labels: str) -> float | None:
    """The value of one series in Prometheus' text format, or None when absent."""
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        match = re.fullmatch(r"([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)", line)
        if not match or match.group(1) != name:
            continue
        found = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', match.group(2) or ""))
        if all(found.get(k) == v for k, v in labels.items()):
            return float(match.group(3))
    return None


def readyz(url: str) -> httpx.Response:
    return httpx.get(url + "/readyz", timeout=5)


def test_metrics_on_the_ops_port_count_commands_calls_events_and_the_outbox(
    fake_slack, fake_zoom, person, tmp_path
):
    ops_port = free_port()
    env = make_app_env(fake_slack, fake_zoom, tmp_path, ZOOMBOT_METRICS_PORT=str(ops_port))
    with AppProcess(env, cwd=tmp_path) as app:
        ops = f"http://127.0.0.1:{ops_port}"
        ana = person()
        with SlackSender(app.url, fake_slack.signing_secret, fake=fake_slack) as sender:
            posted = make_meeting(sender, fake_slack, fake_zoom, ana.slack_id, "tomorrow 3pm M")
        fake_zoom.send_event(app.url + "/zoom/events", fake_zoom.start_meeting(posted.meeting_id))
        wait_update(fake_slack, posted, "*Live*")

        def scraped() -> str | None:
            answer = httpx.get(ops + "/metrics", timeout=5)
            assert answer.status_code == 200, answer.text
            text = answer.text
            wanted = [
                sample(text, "zoombot_requests_total", kind="command", outcome="posted"),
                sample(text, "zoombot_zoom_events_total", event="meeting.started"),
                sample(text, "zoombot_slack_calls_total", method="chat.postMessage", result="ok"),
            ]
            return text if all(v and v >= 1 for v in wanted) else None

        text = eventually(scraped, 10, "the command, the event and the post counted")
        assert answer_type_ok(httpx.get(ops + "/metrics", timeout=5))
        assert (
            sample(
                text,
                "zoombot_zoom_calls_total",
                method="POST",
                route="/users/{userId}/meetings",
                result="ok",
            )
            == 1
        )
        assert (
            sample(
                text,
                "zoombot_zoom_call_seconds_count",
                method="POST",
                route="/users/{userId}/meetings",
            )
            == 1
        )
        assert (sample(text, "zoombot_request_ack_seconds_count", kind="command") or 0) >= 1
        assert sample(text, "zoombot_outbox_depth") == 0
        assert sample(text, "zoombot_outbox_oldest_age_seconds") == 0
        assert sample(text, "zoombot_in_flight", kind="slack_requests") is not None
        assert sample(text, "zoombot_ready") == 1
        # No token, no user id, no email in the exposition.
        assert fake_slack.bot_token not in text and ana.email not in text
        # The ops port serves health too; PORT has no /metrics without a token.
        assert httpx.get(ops + "/healthz", timeout=5).status_code == 200
        assert readyz(ops).status_code == 200
        assert httpx.get(app.url + "/metrics", timeout=5).status_code == 404
    assert "will be unused" not in app.logs()


def answer_type_ok(answer: httpx.Response) -> bool:
    return answer.headers["content-type"].startswith("text/plain")


def test_metrics_on_port_need_the_bearer_token(fake_slack, fake_zoom, tmp_path):
    env = make_app_env(fake_slack, fake_zoom, tmp_path, ZOOMBOT_METRICS_TOKEN="scrape-me-42")
    with AppProcess(env, cwd=tmp_path) as app:
        url = app.url + "/metrics"
        assert httpx.get(url, timeout=5).status_code == 401
        wrong = httpx.get(url, headers={"Authorization": "Bearer nope"}, timeout=5)
        assert wrong.status_code == 401
        right = httpx.get(url, headers={"Authorization": "Bearer scrape-me-42"}, timeout=5)
        assert right.status_code == 200
        assert "zoombot_outbox_depth" in right.text
    assert "scrape-me-42" not in app.logs()


def test_readyz_is_ready_when_every_check_holds(fake_slack, fake_zoom, tmp_path):
    with AppProcess(make_app_env(fake_slack, fake_zoom, tmp_path), cwd=tmp_path) as app:
        answer = eventually(lambda: (r := readyz(app.url)).status_code == 200 and r, 10)
        assert answer.json() == {
            "ready": True,
            "checks": {"store": "ok", "slack": "ok", "socket_mode": "not used", "zoom": "ok"},
        }
    assert "will be unused" not in app.logs()


@pytest.mark.allow_app_errors("bad Zoom credentials are logged as an error at start")
def test_readyz_names_bad_zoom_credentials(fake_slack, fake_zoom, tmp_path):
    env = make_app_env(fake_slack, fake_zoom, tmp_path, ZOOM_CLIENT_SECRET="not-the-secret")
    with AppProcess(env, cwd=tmp_path) as app:
        body = eventually(
            lambda: (
                (r := readyz(app.url)).json()["checks"]["zoom"].startswith("bad credentials") and r
            ),
            10,
        )
        assert body.status_code == 503
        assert body.json()["ready"] is False
        assert body.json()["checks"]["slack"] == "ok"


def test_readyz_says_zoom_is_unreachable_not_bad_credentials(fake_slack, fake_zoom, tmp_path):
    closed = f"http://127.0.0.1:{free_port()}/oauth/token"  # nothing listens there
    env = make_app_env(fake_slack, fake_zoom, tmp_path, ZOOM_OAUTH_URL=closed)
    with AppProcess(env, cwd=tmp_path) as app:
        body = eventually(
            lambda: (
                (r := readyz(app.url)).json()["checks"]["zoom"].startswith("zoom unreachable") and r
            ),
            20,
        )
        assert body.status_code == 503
        assert "bad credentials" not in app.logs()
        assert "did not accept" not in app.logs()

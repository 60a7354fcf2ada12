"""The operations settings (README → Operating it): metrics port and token, Zoom's events by
webhook or WebSocket; checked at start with sentences that name the variable."""

from __future__ import annotations

import logging

import pytest

from bot.metrics import Metrics, bearer_matches
from bot.settings import DEFAULT_ZOOM_WS_URL, SettingsError, load_settings
from zoom.websocket import EventSocket

BASE = {
    "SLACK_BOT_TOKEN": "xoxb-1",
    "SLACK_SIGNING_SECRET": "s",
    "ZOOM_ACCOUNT_ID": "a",
    "ZOOM_CLIENT_ID": "c",
    "ZOOM_CLIENT_SECRET": "z",
}


def problems(**env: str) -> str:
    with pytest.raises(SettingsError) as error:
        load_settings({**BASE, **env})
    return str(error.value)


def test_defaults_are_webhooks_and_no_metrics():
    settings = load_settings(BASE)
    assert settings.metrics_port is None and settings.metrics_token is None
    assert settings.zoom_events == "webhook" and settings.zoom_ws_url == DEFAULT_ZOOM_WS_URL


def test_the_metrics_token_is_a_secret():
    settings = load_settings({**BASE, "ZOOMBOT_METRICS_TOKEN": "t0ken-xyz"})
    assert "t0ken-xyz" in settings.secrets and "t0ken-xyz" not in repr(settings)


def test_the_metrics_port_must_be_a_port_other_than_port():
    assert "ZOOMBOT_METRICS_PORT must be a whole number" in problems(ZOOMBOT_METRICS_PORT="x")
    assert "must differ from PORT" in problems(ZOOMBOT_METRICS_PORT="3000")
    assert load_settings({**BASE, "ZOOMBOT_METRICS_PORT": "9100"}).metrics_port == 9100


def test_websocket_events_need_a_subscription_id_and_a_ws_url():
    assert "needs ZOOM_WS_SUBSCRIPTION_ID" in problems(ZOOM_EVENTS="websocket")
    assert "ZOOM_EVENTS must be webhook or websocket" in problems(ZOOM_EVENTS="poll")
    assert "ZOOM_WS_URL must be a ws(s):// URL" in problems(
        ZOOM_EVENTS="websocket", ZOOM_WS_SUBSCRIPTION_ID="s", ZOOM_WS_URL="https://x"
    )
    settings = load_settings({**BASE, "ZOOM_EVENTS": "WebSocket", "ZOOM_WS_SUBSCRIPTION_ID": "s"})
    assert settings.zoom_events == "websocket"


def test_the_websocket_backoff_grows_with_jitter_up_to_the_cap():
    socket = EventSocket("ws://x", "s", None, print, backoff_base=1.0, backoff_cap=8.0)  # type: ignore[arg-type]
    waits = [socket.backoff(n) for n in range(1, 12) for _ in range(20)]
    assert all(0.1 <= w <= 8.0 for w in waits)
    assert max(socket.backoff(10) for _ in range(50)) > 1.0


def test_bearer_tokens_are_compared_whole():
    assert bearer_matches("Bearer abc", "abc") and bearer_matches("bearer  abc", "abc")
    assert not bearer_matches("Bearer abcd", "abc") and not bearer_matches("abc", "abc")
    assert not bearer_matches(None, "abc")


def test_metrics_read_structured_fields_not_text():
    metrics = Metrics()
    record = logging.LogRecord("zoombot.requests", logging.INFO, "", 0, "%s", ("command",), None)
    record.fields = {"kind": "command", "outcome": "posted", "ack_ms": 3.0}
    metrics.observe(record)
    zoom = logging.LogRecord("zoom", logging.INFO, "", 0, "zoom …", None, None)
    zoom.zoom = {
        "method": "GET",
        "path": "/users/{userId}",
        "duration_ms": 12,
        "retries": 2,
        "outcome": "ok",
    }
    metrics.observe(zoom)
    registry = metrics.registry
    assert (
        registry.get_sample_value(
            "zoombot_requests_total", {"kind": "command", "outcome": "posted"}
        )
        == 1
    )
    assert (
        registry.get_sample_value(
            "zoombot_zoom_calls_total",
            {"method": "GET", "route": "/users/{userId}", "result": "ok"},
        )
        == 1
    )
    assert registry.get_sample_value("zoombot_zoom_call_retries_total") == 2

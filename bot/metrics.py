"""zoombot's Prometheus metrics, on a registry of its own (never prometheus-client's global one).

Decoupled from the flows: most series are fed by `MetricsLogHandler`, a `logging.Handler` on
the root logger that reads the structured fields of the lines zoombot already writes, never
their text:

- the one line per Slack request (`bot.logs.log_request`: `extra={"fields": {kind, outcome,
  ack_ms}}`) → `zoombot_requests_total{kind,outcome}`, `zoombot_request_ack_seconds{kind}`;
- the Zoom client's line per call (`extra={"zoom": {method, path, duration_ms, retries,
  outcome}}`) → `zoombot_zoom_calls_total{method,route,result}`,
  `zoombot_zoom_call_seconds{method,route}`, `zoombot_zoom_call_retries_total`;
- the Slack line per Web API call (`extra={"slack_call": {method, result, duration_ms}}`,
  bot/posting.py `LoggedWebClient`) → `zoombot_slack_calls_total{method,result}`,
  `zoombot_slack_call_seconds{method}`;
- the line per handled Zoom event (bot/live.py, its `args`: event, meeting, outcome) →
  `zoombot_zoom_events_total{event}`;
- the reconcile's line per settled create (`extra={"fields": {"reconcile": outcome}}`) →
  `zoombot_reconcile_total{outcome}`.

What is a state rather than an event (outbox depth and oldest age, work in flight, readiness,
the Zoom WebSocket) is read from the runtime when `/metrics` is scraped (`Metrics.render`).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

if TYPE_CHECKING:
    from bot.web.runtime import Runtime

log = logging.getLogger("zoombot")

CONTENT_TYPE = CONTENT_TYPE_LATEST
# Latency buckets for calls to Slack and Zoom (seconds): from a fast answer to a timeout.
CALL_BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
ACK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)
# The loggers whose INFO lines feed the counters: kept at INFO even when LOG_LEVEL is higher
# (the stderr handler then filters at LOG_LEVEL itself, so what is written does not change).
FEEDING_LOGGERS = ("zoombot", "zoom")
SLACK_CALLS_LOGGER = "zoombot.slack"  # bot/posting.py's LoggedWebClient
LIVE_EVENT_MESSAGE = "zoom event %s meeting=%s: %s"  # bot/live.py's line per handled event


class Metrics:
    """Every series zoombot exports, on `registry`."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.requests = Counter(
            "zoombot_requests",
            "Slack requests (commands, shortcuts, buttons, views) by kind and outcome.",
            ["kind", "outcome"],
            registry=r,
        )
        self.ack_seconds = Histogram(
            "zoombot_request_ack_seconds",
            "Time from a Slack request's arrival to its ack.",
            ["kind"],
            buckets=ACK_BUCKETS,
            registry=r,
        )
        self.zoom_calls = Counter(
            "zoombot_zoom_calls",
            "Calls to Zoom's API by method, route template and result (ok or the error).",
            ["method", "route", "result"],
            registry=r,
        )
        self.zoom_seconds = Histogram(
            "zoombot_zoom_call_seconds",
            "Duration of calls to Zoom's API, retries included.",
            ["method", "route"],
            buckets=CALL_BUCKETS,
            registry=r,
        )
        self.zoom_retries = Counter(
            "zoombot_zoom_call_retries", "Retried attempts of calls to Zoom.", registry=r
        )
        self.slack_calls = Counter(
            "zoombot_slack_calls",
            "Slack Web API calls by method and result (ok, Slack's error code or the failure).",
            ["method", "result"],
            registry=r,
        )
        self.slack_seconds = Histogram(
            "zoombot_slack_call_seconds",
            "Duration of Slack Web API calls.",
            ["method"],
            buckets=CALL_BUCKETS,
            registry=r,
        )
        self.zoom_events = Counter(
            "zoombot_zoom_events",
            "Zoom events handled (webhook or WebSocket), by event type.",
            ["event"],
            registry=r,
        )
        self.reconcile = Counter(
            "zoombot_reconcile",
            "Creates an earlier run left unfinished, by what became of them.",
            ["outcome"],
            registry=r,
        )
        self.outbox_depth = Gauge(
            "zoombot_outbox_depth", "Meeting messages waiting in the outbox.", registry=r
        )
        self.outbox_age = Gauge(
            "zoombot_outbox_oldest_age_seconds",
            "Age of the oldest message waiting in the outbox (0 when empty).",
            registry=r,
        )
        self.in_flight = Gauge(
            "zoombot_in_flight",
            "Acknowledged work still running, by kind.",
            ["kind"],
            registry=r,
        )
        self.ready = Gauge("zoombot_ready", "1 when /readyz says ready.", registry=r)
        self.zoom_socket_connected = Gauge(
            "zoombot_zoom_websocket_connected",
            "1 while the Zoom event WebSocket is open (ZOOM_EVENTS=websocket).",
            registry=r,
        )
        self.zoom_socket_connects = Counter(
            "zoombot_zoom_websocket_connects",
            "Zoom event WebSocket connections opened (a reconnect counts again).",
            registry=r,
        )

    def observe(self, record: logging.LogRecord) -> None:
        """Count what `record` says, if it is one of the lines listed in the module doc."""
        zoom = getattr(record, "zoom", None)
        if isinstance(zoom, dict) and "method" in zoom and "path" in zoom:
            method, route = str(zoom["method"]), str(zoom["path"])
            self.zoom_calls.labels(method, route, str(zoom.get("outcome") or "ok")).inc()
            duration = zoom.get("duration_ms")
            if isinstance(duration, int | float):
                self.zoom_seconds.labels(method, route).observe(duration / 1000)
            retries = zoom.get("retries")
            if isinstance(retries, int) and retries > 0:
                self.zoom_retries.inc(retries)
            return
        slack = getattr(record, "slack_call", None)
        if isinstance(slack, dict):
            method = str(slack.get("method"))
            self.slack_calls.labels(method, str(slack.get("result"))).inc()
            duration = slack.get("duration_ms")
            if isinstance(duration, int | float):
                self.slack_seconds.labels(method).observe(duration / 1000)
            return
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            if "reconcile" in fields:
                self.reconcile.labels(str(fields["reconcile"])).inc()
            elif "kind" in fields and "outcome" in fields:
                kind = str(fields["kind"])
                self.requests.labels(kind, str(fields["outcome"])).inc()
                ack_ms = fields.get("ack_ms")
                if isinstance(ack_ms, int | float):
                    self.ack_seconds.labels(kind).observe(ack_ms / 1000)
            return
        if record.msg == LIVE_EVENT_MESSAGE and isinstance(record.args, tuple) and record.args:
            self.zoom_events.labels(str(record.args[0])).inc()

    async def render(self, runtime: Runtime) -> bytes:
        """The text exposition, after reading the states from `runtime` (and its store)."""
        try:
            depth, age = await runtime.store.outbox_stats()
        except Exception as error:  # a store that cannot be read: the rest still shows
            log.warning("metrics: the outbox could not be read: %s", type(error).__name__)
        else:
            self.outbox_depth.set(depth)
            self.outbox_age.set(age)
        self.in_flight.labels("slack_requests").set(len(runtime.services.inflight))
        self.in_flight.labels("zoom_events").set(
            runtime.live.pending if runtime.live is not None else 0
        )
        self.ready.set(1 if runtime.ready else 0)
        socket = runtime.zoom_socket
        self.zoom_socket_connected.set(1 if socket is not None and socket.connected else 0)
        return generate_latest(self.registry)


class MetricsLogHandler(logging.Handler):
    """Feeds `Metrics.observe` from every record that reaches the root logger."""

    def __init__(self, metrics: Metrics) -> None:
        super().__init__(logging.NOTSET)
        self.metrics = metrics

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.metrics.observe(record)
        except Exception:  # a metric must never break the line being logged
            self.handleError(record)


def install(metrics: Metrics) -> MetricsLogHandler:
    """Attach the handler to the root logger, first. The feeding loggers are opened to INFO (Slack's
    per-call line, `zoombot.slack`, to DEBUG) and the root's other handlers filter at the
    root's level instead, so the lines written stay those LOG_LEVEL asks for. Undo with
    `uninstall`."""
    root = logging.getLogger()
    for handler in root.handlers:
        if handler.level < root.level:
            handler.setLevel(root.level)
    levels = [(name, logging.INFO) for name in FEEDING_LOGGERS]
    for name, level in [*levels, (SLACK_CALLS_LOGGER, logging.DEBUG)]:
        logger = logging.getLogger(name)
        if logger.getEffectiveLevel() > level:
            logger.setLevel(level)
    handler = MetricsLogHandler(metrics)
    # First among the root's handlers: it reads each record before the writing handler's
    # redaction merges the message's arguments into its text (bot/redaction.py RedactingFilter).
    root.handlers.insert(0, handler)
    return handler


def uninstall(handler: MetricsLogHandler) -> None:
    logging.getLogger().removeHandler(handler)


def bearer_matches(header: str | None, token: str) -> bool:
    """Whether an `Authorization` header is `Bearer <token>` (compared in constant time)."""
    import hmac

    if not header or not header.lower().startswith("bearer "):
        return False
    return hmac.compare_digest(header[7:].strip().encode(), token.encode())

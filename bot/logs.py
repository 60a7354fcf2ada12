"""Logging for operators: one handler on stderr, text or JSON lines, secrets redacted (what
is secret, in every shape it is written, is bot/redaction.py; the handler here applies it).

- `configure_logging(level, fmt, secrets)` sets it up once at start (calling it again
  replaces the previous set-up).
- Text lines read `2026-11-28T22:00:00.123Z INFO zoombot.requests command user=U1 channel=C1
  ack_ms=3 outcome=created ref=ZB-4F7K`; JSON lines carry `ts`, `level`, `logger`, `msg`, plus
  every field given as `extra={"fields": {...}}` and, from the Zoom client, every field of
  `extra={"zoom": {...}}`.
- Redaction happens on the handler, after formatting inputs are known and before anything is
  written: the known secret values and anything shaped like a token, a bearer header, a
  Zoom `pwd=`/`zak=` parameter, a start URL, or a `"password": "…"` pair become `[redacted]`,
  in the message, its arguments, the fields and exception text.
- `new_reference()` makes the short reference (`ZB-4F7K`) shown to a user in a refusal and
  written in the log line, so an operator can find one from the other.
- `log_request(...)` writes the one line per Slack request.
"""

from __future__ import annotations

import json
import logging
import secrets as _random
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from bot.redaction import RedactingFilter, Redactor

REQUESTS_LOGGER = "zoombot.requests"
BOLT_LOGGER = "zoombot.bolt"  # Bolt's own lines (bot/web/bolt.py)
SLACK_SDK_LOGGER = "slack_sdk.web.async_base_client"  # the Web API client's

# No 0/O, 1/I/L, so a reference can be read aloud or copied from a screenshot.
_REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def _timestamp(record: logging.LogRecord) -> str:
    moment = datetime.fromtimestamp(record.created, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _record_fields(record: logging.LogRecord) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for attr in ("zoom", "fields"):
        value = getattr(record, attr, None)
        if isinstance(value, dict):
            fields.update(value)
    return fields


def _text_value(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "true" if value else "false"
    text = value if isinstance(value, str) else json.dumps(value, default=str, ensure_ascii=False)
    if not text or any(c in text for c in ' ="\n\r\t'):
        return json.dumps(text, ensure_ascii=False)
    return text


def _one_line(text: str) -> str:
    # User text can hold newlines; escaped, it can never forge a second log line.
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")


class TextFormatter(logging.Formatter):
    """`<ts> <LEVEL> <logger> <msg> key=value …` (fields from `extra={"fields": …}`)."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        line = f"{_timestamp(record)} {record.levelname} {record.name} {_one_line(message)}"
        # The Zoom client already writes its fields into the message, so only `fields` follow;
        # a `kind` that is the message itself is not repeated.
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            line += "".join(
                f" {k}={_one_line(_text_value(v))}"
                for k, v in fields.items()
                if not (k == "kind" and v == message)
            )
        if record.exc_text:
            line += "\n" + record.exc_text
        if record.stack_info:
            line += "\n" + record.stack_info
        return line


_RESERVED = ("ts", "level", "logger", "msg")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts, level, logger, msg, every field, and `exc` if any."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": _timestamp(record),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in _record_fields(record).items():
            line[f"field_{key}" if key in _RESERVED else key] = value
        if record.exc_text:
            line["exc"] = record.exc_text
        if record.stack_info:
            line["stack"] = record.stack_info
        return json.dumps(line, default=str, ensure_ascii=False)


_active: Redactor | None = None


def configure_logging(level: str, fmt: str, secrets: Iterable[str] = ()) -> None:
    """Send every log record (zoombot's, Bolt's, uvicorn's, httpx's) to one stderr handler.

    `level` is a level name (DEBUG, INFO, …); `fmt` is "text" or "json"; `secrets` are values
    that must never be written (tokens, client and signing secrets). Replaces any handlers the
    root logger had, so calling it twice leaves one handler.
    """
    global _active
    redactor = Redactor(secrets)
    _active = redactor
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt.lower() == "json" else TextFormatter())
    handler.addFilter(RedactingFilter(redactor))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
        old.close()
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        # uvicorn may have attached its own handlers; its lines go through ours instead.
        lib = logging.getLogger(name)
        lib.handlers.clear()
        lib.propagate = True
    # Byte-level connection chatter says nothing an operator needs, even at DEBUG.
    for name in ("httpcore", "hpack", "charset_normalizer"):
        logging.getLogger(name).setLevel(max(logging.INFO, root.level))
    # httpx says "HTTP Request: POST <url>" at INFO for every Zoom call: the Zoom client's own
    # line already says it without the host's email in the path, so only httpx's warnings stay.
    logging.getLogger("httpx").setLevel(max(logging.WARNING, root.level))
    # slack_sdk's Web API client and Bolt build their DEBUG lines (a call's whole parameters
    # and answer, a message's blocks included) whenever their logger's own level is unset
    # (`logger.level <= DEBUG`, not `isEnabledFor`), only for logging to drop them: with the
    # root's level of their own they build them only when DEBUG is on.
    for name in (SLACK_SDK_LOGGER, BOLT_LOGGER):
        logging.getLogger(name).setLevel(root.level)


def add_secrets(*values: str | None) -> None:
    """Redact these values too from now on (e.g. a passcode the app learned at run time)."""
    if _active is not None:
        _active.add(*values)


def redact(text: str) -> str:
    """`text` as the log handler would write it."""
    return (_active or Redactor()).text(text)


def new_reference() -> str:
    """A short random reference such as `ZB-4F7K`, easy to read aloud (no 0/O, 1/I/L)."""
    # One read of the system's randomness, not one per character: every meeting makes one.
    # (A reference needs to be hard to collide with, not secret; the modulo bias is harmless.)
    raw = _random.token_bytes(4)
    return "ZB-" + "".join(_REFERENCE_ALPHABET[b % len(_REFERENCE_ALPHABET)] for b in raw)


def log_request(
    logger: logging.Logger | str | None = None,
    kind: str = "request",
    *,
    user: str | None,
    channel: str | None,
    ack_ms: float | None,
    outcome: str,
    ref: str | None = None,
    level: int = logging.INFO,
    **fields: Any,
) -> None:
    """Write the one line for a Slack request: `<kind> user=… channel=… ack_ms=… outcome=…`.

    `logger` defaults to `zoombot.requests`. `ref` is the reference shown to the user, if any;
    extra keyword fields are appended (and become JSON keys).
    """
    if not isinstance(logger, logging.Logger):
        logger = logging.getLogger(logger or REQUESTS_LOGGER)
    record_fields: dict[str, Any] = {
        "user": user,
        "channel": channel,
        "ack_ms": ack_ms,
        "outcome": outcome,
    }
    if ref is not None:
        record_fields["ref"] = ref
    record_fields.update(fields)
    # `kind` is the message in text lines and a field too, so JSON consumers can filter on it.
    logger.log(level, "%s", kind, extra={"fields": {"kind": kind, **record_fields}})

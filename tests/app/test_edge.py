"""Junk at `/slack/events` gets its status before Bolt sees it, and never a traceback.

Over real HTTP against the app process: unsigned or stale → 401, signed but malformed → 400,
over 1 MB → 413 (declared, or streamed), a client that hangs up mid-body → nothing logged as
an error. After each, the app's log gained no "Traceback" and at most one warning line.
"""

from __future__ import annotations

import hashlib
import hmac
import select
import socket
import time
from urllib.parse import urlsplit

import httpx
import pytest

from tests.app.support import eventually
from tests.fakes.slack_requests import sign

FORM = "application/x-www-form-urlencoded"
MB = 1024 * 1024


def new_log(app, since: int) -> str:
    return app.logs()[since:]


def assert_quiet(log: str) -> None:
    assert "Traceback" not in log, log
    assert " ERROR " not in log, log
    assert sum(" WARNING " in line for line in log.splitlines()) <= 1, log


def unsigned(sender, body: str, content_type: str = FORM, **headers: str) -> httpx.Response:
    return httpx.post(
        sender.events_url,
        content=body.encode(),
        headers={"Content-Type": content_type, **headers},
        timeout=10,
    )


UNSIGNED = {
    "payload=not-json, unsigned": lambda s: unsigned(s, "payload=not-json"),
    "{ as JSON, unsigned": lambda s: unsigned(s, "{", "application/json"),
    "a timestamp of abc": lambda s: s.post(
        "payload=not-json",
        headers={"X-Slack-Request-Timestamp": "abc"},
        signature=sign(s.signing_secret, "payload=not-json", "abc"),
    ),
    "a timestamp of 1e9": lambda s: s.post(
        "command=/zoom", headers={"X-Slack-Request-Timestamp": "1e9"}
    ),
    "a stale timestamp": lambda s: s.post("command=/zoom", timestamp=int(time.time()) - 400),
    "a signature for another body": lambda s: s.post(
        "command=/zoom", signature=sign(s.signing_secret, "command=/other", int(time.time()))
    ),
    "a signature that is not ASCII": lambda s: s.post(
        "command=/zoom",
        headers={"X-Slack-Signature": b"v0=\xe9"},  # type: ignore[dict-item]
    ),
}

SIGNED_MALFORMED = {
    "payload=not-json": ("payload=not-json", FORM),
    "payload is a JSON list": ("payload=%5B1%5D", FORM),
    "{ as JSON": ("{", "application/json"),
    "JSON without a type": ('{"token": "x"}', "application/json"),
    "a form without the fields": ("team_id=T1&user_id=U1", FORM),
    "an empty body": ("", FORM),
}


@pytest.mark.parametrize("send", list(UNSIGNED.values()), ids=list(UNSIGNED))
def test_unsigned_or_stale_junk_is_401_without_a_traceback(app, sender, fake_slack, send):
    since = len(app.logs())
    response = send(sender)
    assert response.status_code == 401
    assert "Traceback" not in response.text
    assert_quiet(new_log(app, since))
    assert fake_slack.calls == []


@pytest.mark.parametrize(
    ("body", "content_type"), list(SIGNED_MALFORMED.values()), ids=list(SIGNED_MALFORMED)
)
def test_signed_but_malformed_is_400_without_a_traceback(
    app, sender, fake_slack, body, content_type
):
    since = len(app.logs())
    response = sender.post(body, content_type=content_type)
    assert response.status_code == 400
    assert_quiet(new_log(app, since))
    assert fake_slack.calls == []


def test_a_signed_body_that_is_not_utf8_is_400(app, sender):
    body = b"command=/zoom&text=\xff\xfe"
    ts = str(int(time.time()))
    mac = hmac.new(
        sender.signing_secret.encode(), b"v0:" + ts.encode() + b":" + body, hashlib.sha256
    )
    since = len(app.logs())
    response = httpx.post(
        sender.events_url,
        content=body,
        headers={
            "Content-Type": FORM,
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": "v0=" + mac.hexdigest(),
        },
        timeout=10,
    )
    assert response.status_code == 400
    assert_quiet(new_log(app, since))


def raw_request(app, head: str) -> socket.socket:
    where = urlsplit(app.url)
    conn = socket.create_connection((where.hostname, where.port), timeout=10)
    conn.sendall(head.encode())
    return conn


def read_status(conn: socket.socket) -> int:
    data = b""
    while b"\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    return int(data.split(b" ", 2)[1])


def test_a_declared_body_over_1mb_is_413_before_it_is_sent(app):
    since = len(app.logs())
    head = (
        "POST /slack/events HTTP/1.1\r\nHost: x\r\n"
        f"Content-Type: {FORM}\r\nContent-Length: {MB + 1}\r\n\r\n"
    )
    with raw_request(app, head) as conn:  # no body sent at all
        assert read_status(conn) == 413
    assert_quiet(new_log(app, since))


def test_a_streamed_body_growing_past_1mb_is_413(app):
    since = len(app.logs())
    head = (
        "POST /slack/events HTTP/1.1\r\nHost: x\r\n"
        f"Content-Type: {FORM}\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    piece = b"x" * 65536
    with raw_request(app, head) as conn:
        for _ in range(64):  # up to 4 MB; the answer must come before that
            readable, _, _ = select.select([conn], [], [], 0)
            if readable:
                break
            try:
                conn.sendall(b"%x\r\n%s\r\n" % (len(piece), piece))
            except OSError:  # the app answered and closed: read what it said
                break
        assert read_status(conn) == 413
    assert_quiet(new_log(app, since))


def test_a_client_that_hangs_up_mid_body_is_not_an_error(app):
    since = len(app.logs())
    head = (
        "POST /slack/events HTTP/1.1\r\nHost: x\r\n"
        f"Content-Type: {FORM}\r\nContent-Length: 1000\r\n\r\ncommand=/z"
    )
    raw_request(app, head).close()
    eventually(lambda: "client went away" in new_log(app, since), what="the disconnect's info line")
    log = new_log(app, since)
    assert "Traceback" not in log and " ERROR " not in log and " WARNING " not in log, log

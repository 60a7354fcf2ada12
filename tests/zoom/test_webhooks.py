"""Zoom webhook signatures and the endpoint.url_validation answer."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

from zoom.webhooks import sign, url_validation_response, verify_signature

SECRET = "wh-secret-token"
BODY = json.dumps({"event": "meeting.started", "payload": {"object": {"id": 85746065432}}}).encode()


def _zoom_signature(secret: str, timestamp: str, body: bytes) -> str:
    # Written out from Zoom's documentation, independently of zoom.webhooks.
    message = f"v0:{timestamp}:{body.decode()}"
    return "v0=" + hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def test_a_good_signature_verifies() -> None:
    ts = str(int(time.time()))
    assert verify_signature(SECRET, BODY, ts, _zoom_signature(SECRET, ts, BODY))
    assert sign(SECRET, BODY, ts) == (ts, _zoom_signature(SECRET, ts, BODY))


def test_forged_signatures_fail() -> None:
    ts, signature = sign(SECRET, BODY)
    assert not verify_signature("another-secret", BODY, ts, signature)
    assert not verify_signature(SECRET, BODY + b" ", ts, signature)
    assert not verify_signature(SECRET, BODY, str(int(ts) + 1), signature)
    assert not verify_signature(SECRET, BODY, ts, signature.upper())
    assert not verify_signature(SECRET, BODY, ts, "")
    assert not verify_signature(SECRET, BODY, "not-a-number", signature)


def test_stale_and_future_timestamps_fail_outside_five_minutes() -> None:
    now = 1_900_000_000.0
    old_ts, old_sig = sign(SECRET, BODY, int(now) - 301)
    assert not verify_signature(SECRET, BODY, old_ts, old_sig, now=now)
    future_ts, future_sig = sign(SECRET, BODY, int(now) + 301)
    assert not verify_signature(SECRET, BODY, future_ts, future_sig, now=now)
    edge_ts, edge_sig = sign(SECRET, BODY, int(now) - 300)
    assert verify_signature(SECRET, BODY, edge_ts, edge_sig, now=now)


def test_url_validation_answer() -> None:
    answer = url_validation_response(SECRET, "qgg8vlvZRS6UYooatFL8Aw")
    expected = hmac.new(SECRET.encode(), b"qgg8vlvZRS6UYooatFL8Aw", hashlib.sha256).hexdigest()
    assert answer == {"plainToken": "qgg8vlvZRS6UYooatFL8Aw", "encryptedToken": expected}

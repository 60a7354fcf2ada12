"""Zoom webhook helpers: check `x-zm-signature`, answer `endpoint.url_validation`.

Zoom signs `v0:{x-zm-request-timestamp}:{raw body}` with HMAC-SHA256 under the app's secret
token and sends `v0=<hex digest>` in `x-zm-signature`.
"""

from __future__ import annotations

import hashlib
import hmac
import time


def _digest(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def sign(secret: str, body: bytes, timestamp: str | int | None = None) -> tuple[str, str]:
    """`(timestamp, signature)` as Zoom would send them for `body` (timestamp: now if None)."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    return ts, "v0=" + _digest(secret, b"v0:" + ts.encode() + b":" + body)


def verify_signature(
    secret: str,
    body: bytes,
    timestamp: str,
    signature: str,
    *,
    now: float | None = None,
    tolerance: int = 300,
) -> bool:
    """True when `signature` is Zoom's for this exact `body` and `timestamp`, and the timestamp
    (seconds since the epoch) is within `tolerance` seconds of `now`. Constant-time compare."""
    try:
        sent_at = int(timestamp)
    except (TypeError, ValueError):
        return False
    current = time.time() if now is None else now
    if abs(current - sent_at) > tolerance:
        return False
    _, expected = sign(secret, body, timestamp)
    return hmac.compare_digest(expected.encode(), (signature or "").encode())


def url_validation_response(secret: str, plain_token: str) -> dict[str, str]:
    """The answer to an `endpoint.url_validation` event: the token and its HMAC-SHA256 (hex)."""
    return {"plainToken": plain_token, "encryptedToken": _digest(secret, plain_token.encode())}

"""Settle: Zoom's answer (or the failure to get one) as a typed `ZoomError`.

`error_from` maps a non-2xx Meeting API answer; `transport_error` maps an httpx failure to a
`ZoomUnavailable` whose message names the kind of failure, never the URL.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import httpx

from zoom import errors
from zoom._retry import next_midnight_utc, parse_retry_after

# The request never left: Zoom cannot have acted, so even a create may be sent again.
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# The request may have reached Zoom: a create must look before it sends again. Any other
# httpx.RequestError (an undecodable body, a protocol error of ours…) is treated the same way.
MAYBE_SENT = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)

_SCOPES = re.compile(r"scopes?\s*:?\s*\[([^\]]*)\]", re.IGNORECASE)

AUTH_CAUSES = (
    "Likely causes: a wrong ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID or ZOOM_CLIENT_SECRET; the "
    "Server-to-Server OAuth app was deactivated; or the app lacks scopes such as "
    "meeting:write:admin, meeting:read:admin and user:read:admin."
)


def body_of(response: httpx.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def code_of(response: httpx.Response) -> int | None:
    """Zoom's own error code in a non-2xx answer, if it gave one."""
    if response.is_success:
        return None
    code = body_of(response).get("code")
    return code if isinstance(code, int) else None


def transport_error(exc: Exception, *, what: str = "Zoom") -> errors.ZoomUnavailable:
    """`exc` (an httpx failure) as a `ZoomUnavailable` chained to it."""
    kind = type(exc).__name__
    if isinstance(exc, NOT_SENT):
        message = f"Could not connect to {what} ({kind})"
    elif isinstance(exc, httpx.TimeoutException):
        message = f"{what} did not answer in time ({kind})"
    elif isinstance(exc, MAYBE_SENT):
        message = f"The connection to {what} failed mid-answer ({kind})"
    else:
        message = f"{what}'s answer could not be read ({kind})"
    error = errors.ZoomUnavailable(message)
    error.__cause__ = exc
    return error


def error_from(response: httpx.Response) -> errors.ZoomError:
    """The typed error for a non-2xx answer from the Meeting API."""
    status = response.status_code
    data = body_of(response)
    code = data.get("code") if isinstance(data.get("code"), int) else None
    message = str(data.get("message") or response.reason_phrase or f"HTTP {status}")
    common: dict[str, Any] = {
        "status": status,
        "code": code,
        "tracking_id": response.headers.get("x-zm-trackingid"),
    }
    if code in (4700, 4711) or "does not contain scope" in message.lower():
        match = _SCOPES.search(message)
        scopes = tuple(s.strip() for s in match.group(1).split(",") if s.strip()) if match else ()
        named = ", ".join(scopes) if scopes else "see Zoom's message"
        return errors.ZoomAuthError(
            f"The Zoom app lacks scopes this call needs ({named}): add them on the app's "
            f"Scopes page in the Zoom App Marketplace. Zoom said: {message}",
            missing_scopes=scopes,
            **common,
        )
    if status == 401:
        return errors.ZoomAuthError(
            f"Zoom refused the app's access token even after a fresh one ({message}). "
            + AUTH_CAUSES,
            **common,
        )
    if code == 1001:
        return errors.UserNotFound(message, **common)
    if code == 3001:
        return errors.MeetingNotFound(message, **common)
    if status == 404:
        return errors.ZoomNotFound(message, **common)
    if status == 429:
        now = datetime.now(UTC)
        kind = response.headers.get("x-ratelimit-type", "")
        if kind.lower() == "daily-limit" or "daily" in message.lower():
            return errors.DailyLimitReached(
                message, resets_at=next_midnight_utc(now), retry_after=None, **common
            )
        retry_after = parse_retry_after(response.headers.get("retry-after"), now)
        return errors.ZoomRateLimited(message, retry_after=retry_after, **common)
    if status >= 500:
        return errors.ZoomUnavailable(f"Zoom answered HTTP {status}: {message}", **common)
    if status in (400, 409, 412, 422) or code == 300:
        details = data.get("errors")
        return errors.ZoomValidationError(
            message, errors=details if isinstance(details, list) else None, **common
        )
    return errors.ZoomError(message, **common)

"""One exception hierarchy for everything that can go wrong talking to Zoom.

    ZoomError                      status, code, message, tracking_id
    ├── ZoomAuthError              credentials refused, app deactivated, missing_scopes
    │   └── GrantRevoked           a user's OAuth grant is gone: they must connect again
    ├── ZoomNotFound
    │   ├── UserNotFound           Zoom code 1001
    │   └── MeetingNotFound        Zoom code 3001
    ├── ZoomValidationError        code 300 or another 400; errors (per field)
    ├── ZoomRateLimited            429 not waited out; retry_after
    │   └── DailyLimitReached      per-host daily limit; resets_at
    └── ZoomUnavailable            5xx, timeout or connection failure, after retries
        ├── CreateUnconfirmed      a create Zoom may have made; could not be checked
        └── MeetingUnreadable      a create Zoom did make; meeting_id, not read back

No raw httpx or aiohttp exception leaves `zoom`, and no message carries a URL path (which
can carry a host's email). `tracking_id` is Zoom's `x-zm-trackingid`, for Zoom's logs.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any


class ZoomError(Exception):
    """Zoom refused or could not answer. `status` is None when no answer came."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: int | None = None,
        tracking_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.tracking_id = tracking_id

    def __str__(self) -> str:
        parts = [self.message]
        if self.status is not None:
            parts.append(f"HTTP {self.status}")
        if self.code is not None:
            parts.append(f"Zoom code {self.code}")
        if self.tracking_id:
            parts.append(f"tracking id {self.tracking_id}")
        return " · ".join(parts)


class ZoomAuthError(ZoomError):
    """The app could not authenticate (bad credentials, missing scopes, app deactivated).

    `missing_scopes` lists the scopes Zoom named (code 4711), if any.
    """

    def __init__(self, message: str, *, missing_scopes: tuple[str, ...] = (), **kw: Any) -> None:
        super().__init__(message, **kw)
        self.missing_scopes = missing_scopes


class GrantRevoked(ZoomAuthError):
    """Zoom refused a connected user's refresh token (they revoked the app or removed it):
    the user has to connect again."""


class ZoomNotFound(ZoomError):
    """The user (code 1001) or meeting (code 3001) does not exist."""


class UserNotFound(ZoomNotFound):
    """Zoom code 1001: no such user in this Zoom account."""


class MeetingNotFound(ZoomNotFound):
    """Zoom code 3001: no such meeting, or it has expired."""


class ZoomValidationError(ZoomError):
    """Zoom code 300 (or another 400): the request is not acceptable.

    `errors` is Zoom's per-field list: `[{"field": ..., "message": ...}]`.
    """

    def __init__(self, message: str, *, errors: list[dict[str, Any]] | None = None, **kw: Any):
        super().__init__(message, **kw)
        self.errors = errors or []


class ZoomRateLimited(ZoomError):
    """HTTP 429 that could not be waited out within the caller's deadline."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.retry_after = retry_after


class DailyLimitReached(ZoomRateLimited):
    """The per-host daily limit (100 create/update calls) is used up; never slept on.

    `resets_at` is the next 00:00 UTC.
    """

    def __init__(self, message: str, *, resets_at: datetime, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.resets_at = resets_at


class ZoomUnavailable(ZoomError):
    """Zoom did not answer usefully: 5xx, a timeout or a connection failure, after retries."""


class CreateUnconfirmed(ZoomUnavailable):
    """A create failed in a way Zoom may have acted on, and whether it did could not be
    checked: it was not sent again. The meeting may exist; never tell anyone it does not."""


class MeetingUnreadable(ZoomUnavailable):
    """A failed create's look-up found the meeting Zoom made, but could not read it.

    `meeting_id` is that meeting: it exists, and was not created again.
    """

    def __init__(self, meeting_id: int, cause: ZoomError) -> None:
        super().__init__(
            f"Zoom made the meeting (ID {meeting_id}) but it could not be read back "
            f"({type(cause).__name__}); it was not created again. Look it up in Zoom.",
            status=cause.status,
            code=cause.code,
            tracking_id=cause.tracking_id,
        )
        self.meeting_id = meeting_id

"""ZoomClient: the one place zoombot talks to Zoom's REST API.

What a caller may rely on:

- One shared `httpx.AsyncClient` (connection pooling) with explicit timeouts; every call
  leaves with a timeout no longer than `timeout` seconds.
- Server-to-Server OAuth: the token is cached until 60 s before it expires, and concurrent
  calls that find none share one token request. A 401 (Zoom code 124) drops the token, fetches
  a new one and sends the call once more; a second 401 is a `ZoomAuthError` naming the likely
  causes. Code 4711 (missing scopes) is a `ZoomAuthError` whose `missing_scopes` names them.
- Rate limits: a 429 is retried after `Retry-After` (seconds, HTTP date or ISO date-time;
  without one, capped exponential backoff with jitter) as long as the wait fits the caller's
  `deadline`; otherwise `ZoomRateLimited` at once. The per-host daily limit raises
  `DailyLimitReached` at once with `resets_at` (next 00:00 UTC); it is never slept on.
- Never two meetings for one `create_meeting`: it is re-sent blindly only when Zoom cannot
  have acted (the connection failed before the request went out, or a 429). After a 5xx, a
  read timeout or a cut-off answer it first lists the host's meetings and returns the one
  created moments ago with the same topic and start, if any. GET/PATCH/DELETE are retried on
  connection errors, timeouts, 429 and 5xx. At most `max_attempts` attempts per call.
- One INFO line per call on the "zoom" logger: method, path template, status, Zoom code,
  tracking id, duration and retries, also as `extra={"zoom": {...}}`. Never a token, an
  email, a meeting id, a passcode, a start URL or a request body.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import httpx

from zoom._auth import TokenSource
from zoom._retry import backoff, next_midnight_utc, parse_retry_after
from zoom._transport import AiohttpTransport
from zoom.errors import (
    DailyLimitReached,
    MeetingNotFound,
    UserNotFound,
    ZoomAuthError,
    ZoomError,
    ZoomNotFound,
    ZoomRateLimited,
    ZoomUnavailable,
    ZoomValidationError,
)
from zoom.models import INSTANT, RECURRING, Meeting, MeetingRequest, ZoomUser

DEFAULT_API_URL = "https://api.zoom.us/v2"
DEFAULT_OAUTH_URL = "https://zoom.us/oauth/token"

logger = logging.getLogger("zoom")

MEETINGS = "/users/{userId}/meetings"
MEETING = "/meetings/{meetingId}"
USER = "/users/{userId}"
TOKEN = "/oauth/token"  # noqa: S105 - a path template, not a secret

# The request never left: Zoom cannot have acted, so even a create may be sent again.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# The request may have reached Zoom: a create must look before it sends again.
_MAYBE_SENT = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)

_SCOPES = re.compile(r"scopes?\s*:?\s*\[([^\]]*)\]", re.IGNORECASE)

AUTH_CAUSES = (
    "Likely causes: a wrong ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID or ZOOM_CLIENT_SECRET; the "
    "Server-to-Server OAuth app was deactivated; or the app lacks scopes such as "
    "meeting:write:admin, meeting:read:admin and user:read:admin."
)


class _Budget:
    """The caller's deadline (seconds from now, or None) as a monotonic instant."""

    def __init__(self, deadline: float | None, timeout: float) -> None:
        self._ends = None if deadline is None else time.monotonic() + deadline
        self._timeout = timeout

    def remaining(self) -> float | None:
        return None if self._ends is None else self._ends - time.monotonic()

    def fits(self, wait: float) -> bool:
        remaining = self.remaining()
        return remaining is None or wait <= remaining

    def http_timeout(self) -> float:
        # Never hold a connection past the deadline, but give the call a fair chance: a
        # create's look-up must be able to run even when the deadline has just passed.
        remaining = self.remaining()
        if remaining is None:
            return self._timeout
        return max(1.0, min(self._timeout, remaining))


@dataclass
class _CallRecord:
    method: str
    template: str
    started: float = field(default_factory=time.monotonic)
    status: int | None = None
    code: int | None = None
    tracking_id: str | None = None
    attempts: int = 0
    outcome: str = "ok"

    def log(self) -> None:
        fields = {
            "method": self.method,
            "path": self.template,
            "status": self.status,
            "code": self.code,
            "tracking_id": self.tracking_id,
            "duration_ms": round((time.monotonic() - self.started) * 1000),
            "retries": max(0, self.attempts - 1),
            "outcome": self.outcome,
        }
        logger.info(
            "zoom %s %s -> %s code=%s tracking_id=%s %sms retries=%s %s",
            fields["method"],
            fields["path"],
            fields["status"],
            fields["code"],
            fields["tracking_id"],
            fields["duration_ms"],
            fields["retries"],
            fields["outcome"],
            extra={"zoom": fields},
        )


class ZoomClient:
    """An async Zoom Meeting API client for one Server-to-Server OAuth app.

    `api_url` and `oauth_url` default to Zoom's commercial cloud; Zoom for Government uses
    `https://api.zoomgov.com/v2` and `https://zoomgov.com/oauth/token`. When `http` is given,
    the caller owns it and `aclose()` leaves it open. `sleep` is how the client waits between
    attempts (tests may pass a recorder). `page_size` is how many meetings each list page
    asks for (Zoom allows up to 300). `clock_skew` widens, in seconds, the window in which
    a create's look-up accepts a meeting as the one it just made.
    """

    def __init__(
        self,
        account_id: str,
        client_id: str,
        client_secret: str,
        *,
        api_url: str = DEFAULT_API_URL,
        oauth_url: str = DEFAULT_OAUTH_URL,
        http: httpx.AsyncClient | None = None,
        timeout: float = 10.0,
        max_attempts: int = 3,
        max_rate_limit_waits: int = 5,
        max_wait: float = 60.0,
        backoff_base: float = 0.5,
        backoff_cap: float = 8.0,
        clock_skew: float = 60.0,
        page_size: int = 300,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.api_url = api_url.rstrip("/")
        self.oauth_url = oauth_url
        self.timeout = timeout
        self.max_attempts = max(1, max_attempts)
        self.max_rate_limit_waits = max_rate_limit_waits
        self.max_wait = max_wait
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.clock_skew = clock_skew
        self.page_size = page_size
        self._sleep = sleep
        self._owns_http = http is None
        self._http = http or httpx.AsyncClient(
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
            transport=AiohttpTransport(limit=256),
            headers={"User-Agent": "zoombot"},
        )
        self._tokens = TokenSource(self._http, oauth_url, account_id, client_id, client_secret)

    # -- the calls -------------------------------------------------------------------------

    async def create_meeting(
        self, user_id: str, request: MeetingRequest, *, deadline: float | None = None
    ) -> Meeting:
        """Create a meeting for the host `user_id` (a Zoom user id or email).

        Returns the meeting with `join_url` and `password`. Never creates two: see the module
        docstring. Raises `UserNotFound`, `ZoomValidationError`, `ZoomRateLimited`,
        `DailyLimitReached`, `ZoomAuthError` or `ZoomUnavailable`.
        """
        budget = _Budget(deadline, self.timeout)
        since = datetime.now(UTC)
        path = f"/users/{_segment(user_id)}/meetings"

        async def look_for_it() -> Meeting | None:
            return await self._find_created(user_id, request, since, budget)

        result = await self._call(
            "POST", MEETINGS, path, json=request.to_json(), budget=budget, recover=look_for_it
        )
        if isinstance(result, Meeting):
            return result
        return Meeting.from_json(result.json())

    async def get_meeting(self, meeting_id: int, *, deadline: float | None = None) -> Meeting:
        """The meeting with everything Zoom says about it. Raises `MeetingNotFound`."""
        response = await self._call(
            "GET", MEETING, f"/meetings/{int(meeting_id)}", budget=_Budget(deadline, self.timeout)
        )
        return Meeting.from_json(response.json())

    async def update_meeting(
        self, meeting_id: int, changes: MeetingRequest | dict, *, deadline: float | None = None
    ) -> None:
        """Change the fields in `changes` (a `MeetingRequest` sends every field it sets).
        Counts toward the host's daily limit. Raises `MeetingNotFound`, `ZoomValidationError`."""
        body = changes.to_json() if isinstance(changes, MeetingRequest) else dict(changes)
        await self._call(
            "PATCH",
            MEETING,
            f"/meetings/{int(meeting_id)}",
            json=body,
            budget=_Budget(deadline, self.timeout),
        )

    async def delete_meeting(self, meeting_id: int, *, deadline: float | None = None) -> None:
        """Delete the meeting. Raises `MeetingNotFound` if Zoom has no such meeting (but not
        when an earlier attempt that timed out turns out to have deleted it)."""
        await self._call(
            "DELETE",
            MEETING,
            f"/meetings/{int(meeting_id)}",
            budget=_Budget(deadline, self.timeout),
            gone_is_done=True,
        )

    async def get_user(self, user_id: str, *, deadline: float | None = None) -> ZoomUser:
        """The Zoom user with this id or email. Raises `UserNotFound` (code 1001)."""
        response = await self._call(
            "GET", USER, f"/users/{_segment(user_id)}", budget=_Budget(deadline, self.timeout)
        )
        return ZoomUser.from_json(response.json())

    async def list_upcoming_meetings(
        self, user_id: str, *, deadline: float | None = None
    ) -> list[Meeting]:
        """Every upcoming meeting of the host, following `next_page_token` to the end.

        The meetings are Zoom's list entries: no `password` or `start_url`.
        """
        entries = await self._list(user_id, "upcoming", _Budget(deadline, self.timeout))
        return [Meeting.from_json(entry) for entry in entries]

    async def aclose(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> ZoomClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # -- listing and finding -----------------------------------------------------------------

    async def _list(
        self, user_id: str, kind: str, budget: _Budget, *, max_pages: int | None = None
    ) -> list[dict[str, Any]]:
        entries: list[dict[str, Any]] = []
        token = ""
        pages = 0
        while True:
            params = {"type": kind, "page_size": str(self.page_size)}
            if token:
                params["next_page_token"] = token
            response = await self._call(
                "GET",
                MEETINGS,
                f"/users/{_segment(user_id)}/meetings",
                params=params,
                budget=budget,
            )
            data = response.json()
            entries.extend(data.get("meetings") or [])
            token = data.get("next_page_token") or ""
            pages += 1
            if not token or (max_pages is not None and pages >= max_pages):
                return entries

    async def _find_created(
        self, user_id: str, request: MeetingRequest, since: datetime, budget: _Budget
    ) -> Meeting | None:
        """The meeting a failed create may have made after all, or None.

        Instant meetings are looked for among `upcoming` (it includes live meetings), the
        others among `scheduled`. A match has the same topic and type, was created no earlier
        than `clock_skew` seconds before the first attempt, and (for a one-off scheduled
        meeting) starts at the same moment. Raises `ZoomUnavailable` when Zoom cannot be asked:
        re-sending then could make a second meeting.
        """
        kind = "upcoming" if request.type == INSTANT else "scheduled"
        try:
            entries = await self._list(user_id, kind, budget, max_pages=5)
        except (ZoomUnavailable, ZoomRateLimited) as exc:
            raise ZoomUnavailable(
                "Zoom failed while creating the meeting and could not then be asked whether it "
                "was created; not sending it again, to avoid a duplicate. Check the host's "
                "meetings in Zoom.",
                status=exc.status,
                code=exc.code,
                tracking_id=exc.tracking_id,
            ) from exc
        earliest = since - timedelta(seconds=self.clock_skew)
        starts = request.starts_at()
        wanted_start = starts.astimezone(UTC) if starts and request.type != RECURRING else None
        for entry in sorted(entries, key=lambda e: str(e.get("created_at", "")), reverse=True):
            if entry.get("topic") != request.topic or entry.get("type") != request.type:
                continue
            created = _zoom_time(entry.get("created_at"))
            if created is None or created < earliest:
                continue
            if wanted_start is not None and _zoom_time(entry.get("start_time")) != wanted_start:
                continue
            return await self.get_meeting(int(entry["id"]))
        return None

    # -- the machinery -------------------------------------------------------------------------

    async def _call(
        self,
        method: str,
        template: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        json: dict[str, Any] | None = None,
        budget: _Budget,
        recover: Callable[[], Awaitable[Meeting | None]] | None = None,
        gone_is_done: bool = False,
    ) -> Any:
        """Send a call with retries; return the 2xx response (or what `recover` found).

        `recover` marks a call that must not be re-sent blindly once it may have reached
        Zoom: it is asked first, and a non-None answer ends the call. `gone_is_done` (DELETE)
        takes a 404 on a re-send after an attempt that may have acted as success (None).
        """
        record = _CallRecord(method, template)
        failures = 0
        rate_waits = 0
        maybe_done = False  # an attempt may have reached Zoom and acted
        try:
            while True:
                record.attempts += 1
                failure: ZoomError
                try:
                    response = await self._send(method, path, params, json, budget, record)
                except _NOT_SENT as exc:
                    failure, maybe_acted = _transport_error(exc), False
                except _MAYBE_SENT as exc:
                    failure, maybe_acted = _transport_error(exc), True
                else:
                    if response.is_success:
                        return response
                    error = _error_from(response)
                    if isinstance(error, DailyLimitReached):
                        raise error
                    if isinstance(error, ZoomRateLimited):
                        wait = error.retry_after
                        if wait is None:
                            wait = backoff(
                                rate_waits + 1, base=self.backoff_base, cap=self.backoff_cap
                            )
                            error.retry_after = wait
                        if (
                            rate_waits >= self.max_rate_limit_waits
                            or wait > self.max_wait
                            or not budget.fits(wait)
                        ):
                            raise error
                        rate_waits += 1
                        await self._sleep(wait)
                        continue
                    if isinstance(error, ZoomNotFound) and gone_is_done and maybe_done:
                        # An earlier attempt that timed out did the delete after all.
                        record.outcome = "already gone"
                        return None
                    if not isinstance(error, ZoomUnavailable):
                        raise error
                    failure, maybe_acted = error, True

                failures += 1
                maybe_done = maybe_done or maybe_acted
                if maybe_acted and recover is not None:
                    record.outcome = "looking"
                    found = await recover()
                    if found is not None:
                        record.outcome = "found after failure"
                        return found
                    record.outcome = "ok"
                if failures >= self.max_attempts:
                    raise failure
                wait = backoff(failures, base=self.backoff_base, cap=self.backoff_cap)
                if not budget.fits(wait):
                    raise failure
                await self._sleep(wait)
        except ZoomError as error:
            record.outcome = type(error).__name__
            if record.status is None and error.status is not None:
                record.status = error.status
            raise
        finally:
            record.log()

    async def _send(
        self,
        method: str,
        path: str,
        params: dict[str, str] | None,
        json: dict[str, Any] | None,
        budget: _Budget,
        record: _CallRecord,
    ) -> httpx.Response:
        """One exchange with a valid token. A 401 (code 124) gets one fresh token and one more
        try: Zoom refused the call before acting on it."""
        response: httpx.Response | None = None
        for _ in range(2):
            token = await self._token(budget)
            response = await self._http.request(
                method,
                self.api_url + path,
                params=params,
                json=json,
                headers={"Authorization": f"Bearer {token}"},
                timeout=budget.http_timeout(),
            )
            record.status = response.status_code
            record.tracking_id = response.headers.get("x-zm-trackingid")
            record.code = _code_of(response)
            if response.status_code != 401:
                return response
            self._tokens.invalidate(token)
        assert response is not None
        return response

    async def authenticate(self, *, deadline: float | None = None) -> None:
        """Get an access token now (it is cached as usual).

        An app calls this at start: the first meeting then does not wait for the token, and
        wrong credentials or missing scopes show at once. Raises `ZoomAuthError` (naming the
        likely cause) or `ZoomUnavailable`.
        """
        await self._token(_Budget(deadline, self.timeout))

    async def _token(self, budget: _Budget) -> str:
        cached = self._tokens.cached()
        if cached is not None:
            return cached

        async def fetch() -> httpx.Response:
            return await self._fetch_token(budget)

        return await self._tokens.token(fetch)

    async def _fetch_token(self, budget: _Budget) -> httpx.Response:
        """The token request, retried like a GET (it creates nothing)."""
        record = _CallRecord("POST", TOKEN)
        try:
            attempt = 0
            while True:
                attempt += 1
                record.attempts = attempt
                retry_after: float | None = None
                try:
                    response = await self._tokens.request(budget.http_timeout())
                except httpx.TransportError as exc:
                    error: ZoomError = _transport_error(exc, what="Zoom's token endpoint")
                else:
                    record.status = response.status_code
                    record.tracking_id = response.headers.get("x-zm-trackingid")
                    if response.status_code < 500 and response.status_code != 429:
                        if response.status_code != 200:
                            record.outcome = "refused"  # _read_token raises ZoomAuthError
                        return response
                    error = ZoomUnavailable(
                        f"Zoom's token endpoint answered HTTP {response.status_code}",
                        status=response.status_code,
                        tracking_id=record.tracking_id,
                    )
                    retry_after = parse_retry_after(
                        response.headers.get("retry-after"), datetime.now(UTC)
                    )
                if attempt >= self.max_attempts:
                    raise error
                wait = backoff(attempt, base=self.backoff_base, cap=self.backoff_cap)
                if retry_after is not None:
                    wait = retry_after
                if not budget.fits(wait) or wait > self.max_wait:
                    raise error
                await self._sleep(wait)
        except ZoomError as error:
            record.outcome = type(error).__name__
            raise
        finally:
            record.log()


# -- reading Zoom's answers --------------------------------------------------------------------


def _segment(value: str) -> str:
    # Emails go into the path as they are ("@" and "+" are legal there); anything else that
    # could break out of the segment is escaped.
    return quote(str(value), safe="@+")


def _zoom_time(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _body_of(response: httpx.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _code_of(response: httpx.Response) -> int | None:
    if response.is_success:
        return None
    code = _body_of(response).get("code")
    return code if isinstance(code, int) else None


def _transport_error(exc: Exception, *, what: str = "Zoom") -> ZoomUnavailable:
    kind = type(exc).__name__
    if isinstance(exc, _NOT_SENT):
        message = f"Could not connect to {what} ({kind})"
    elif isinstance(exc, httpx.TimeoutException):
        message = f"{what} did not answer in time ({kind})"
    else:
        message = f"The connection to {what} failed mid-answer ({kind})"
    error = ZoomUnavailable(message)
    error.__cause__ = exc
    return error


def _error_from(response: httpx.Response) -> ZoomError:
    """The typed error for a non-2xx answer from the Meeting API."""
    status = response.status_code
    data = _body_of(response)
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
        return ZoomAuthError(
            f"The Zoom app lacks scopes this call needs ({named}): add them on the app's "
            f"Scopes page in the Zoom App Marketplace. Zoom said: {message}",
            missing_scopes=scopes,
            **common,
        )
    if status == 401:
        return ZoomAuthError(
            f"Zoom refused the app's access token even after a fresh one ({message}). "
            + AUTH_CAUSES,
            **common,
        )
    if code == 1001:
        return UserNotFound(message, **common)
    if code == 3001:
        return MeetingNotFound(message, **common)
    if status == 404:
        return ZoomNotFound(message, **common)
    if status == 429:
        now = datetime.now(UTC)
        kind = response.headers.get("x-ratelimit-type", "")
        if kind.lower() == "daily-limit" or "daily" in message.lower():
            return DailyLimitReached(
                message, resets_at=next_midnight_utc(now), retry_after=None, **common
            )
        retry_after = parse_retry_after(response.headers.get("retry-after"), now)
        return ZoomRateLimited(message, retry_after=retry_after, **common)
    if status >= 500:
        return ZoomUnavailable(f"Zoom answered HTTP {status}: {message}", **common)
    if status in (400, 409, 412, 422) or code == 300:
        errors = data.get("errors")
        return ZoomValidationError(
            message, errors=errors if isinstance(errors, list) else None, **common
        )
    return ZoomError(message, **common)

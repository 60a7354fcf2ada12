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
  read timeout, a cut-off or unreadable answer (any other transport failure) it waits
  `settle_delay` seconds (within the caller's deadline) for Zoom to finish what it may be
  doing, lists the host's meetings, and returns the one created moments ago with the same
  topic, type and start that this client has not already handed out; only if there is none
  is it sent again, right after that look. When Zoom cannot be asked, or the listing is too
  long to read whole, it raises `ZoomUnavailable` and does not send it again. Exception:
  Zoom does not list instant meetings (type 1), so an instant create cannot be checked and
  is sent again (logged as a warning; at worst an unused instant meeting whose link nobody
  has is left in the host's account). GET/PATCH/DELETE are retried on connection errors,
  timeouts, 429 and 5xx. At most `max_attempts` attempts per call.
- Every call's timeouts: `timeout` seconds (or what is left of the deadline) per phase,
  and at most 5 s to connect. Transport failures become `ZoomUnavailable`; no raw httpx or
  aiohttp exception escapes, and none of their messages carries a URL path (which can carry
  a host's email).
- One INFO line per call on the "zoom" logger: method, path template, status, Zoom code,
  tracking id, duration and retries, also as `extra={"zoom": {...}}`. Never a token, an
  email, a meeting id, a passcode, a start URL or a request body.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections import OrderedDict
from collections.abc import AsyncGenerator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import httpx

from zoom._auth import TokenSource, request_timeout
from zoom._retry import backoff, next_midnight_utc, parse_retry_after
from zoom._transport import AiohttpTransport
from zoom.errors import (
    CreateUnconfirmed,
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
from zoom.models import INSTANT, RECURRING, SCHEDULED, Meeting, MeetingRequest, ZoomUser
from zoom.timezones import zoom_timezone

DEFAULT_API_URL = "https://api.zoom.us/v2"
DEFAULT_OAUTH_URL = "https://zoom.us/oauth/token"

logger = logging.getLogger("zoom")

MEETINGS = "/users/{userId}/meetings"
MEETING = "/meetings/{meetingId}"
USER = "/users/{userId}"
USERS = "/users"
TOKEN = "/oauth/token"  # noqa: S105 - a path template, not a secret

# The request never left: Zoom cannot have acted, so even a create may be sent again.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# The request may have reached Zoom: a create must look before it sends again. Any other
# httpx.RequestError (an undecodable body, a protocol error of ours…) is treated the same way.
_MAYBE_SENT = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)

# How many meeting ids a client remembers having handed out (see ZoomClient._claim).
_REMEMBERED_IDS = 4096

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

    def bounded(self, wait: float) -> float:
        """`wait`, shortened to what is left of the deadline (never below 0)."""
        remaining = self.remaining()
        return wait if remaining is None else max(0.0, min(wait, remaining))

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
    asks for (Zoom allows up to 300). `clock_skew` (seconds) is how much earlier than the
    create's first attempt Zoom's `created_at` may say a meeting was made and still be taken
    for it: Zoom's clock and ours may disagree a little (NTP keeps both within a second or
    so), and `created_at` is whole seconds; 30 s covers that with room, while a meeting made
    longer before cannot be the one this create made. `settle_delay` is how long a create
    waits after a failure that Zoom may have acted on before it looks for the meeting, so
    that a Zoom still finishing the create has done so (shortened to fit the deadline).
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
        clock_skew: float = 30.0,
        settle_delay: float = 1.5,
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
        self.settle_delay = settle_delay
        self.page_size = page_size
        # Meeting ids this client returned from a create or a look-up: a look-up never hands
        # out one of them again (two creates of the same topic and start for one host).
        self._claimed: OrderedDict[int, None] = OrderedDict()
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
        settle = self.settle_delay
        failures = 0

        async def look_for_it() -> Meeting | None:
            try:
                return await self._find_created(user_id, request, since, budget)
            except MeetingUnreadable:
                raise  # it says the meeting exists: more than "could not check"
            except ZoomError as exc:
                raise _could_not_check(exc) from exc

        async def send_instant_again() -> Meeting | None:
            # Zoom's list API leaves instant meetings out: there is nothing to look at.
            nonlocal failures
            failures += 1
            logger.warning(
                "zoom: an instant meeting create failed after it may have reached Zoom; Zoom "
                "does not list instant meetings, so whether it was made cannot be checked. %s",
                "Sending it again (at worst an unused instant meeting nobody has the link to "
                "is left in the host's account)."
                if failures < self.max_attempts
                else "Giving up: one may exist that nobody has the link to.",
            )
            return None

        recover: Callable[[], Awaitable[Meeting | None]] = look_for_it
        if request.type == INSTANT:
            recover, settle = send_instant_again, 0.0
        result = await self._call(
            "POST",
            MEETINGS,
            path,
            json=zoom_body(request),
            budget=budget,
            recover=recover,
            settle=settle,
        )
        meeting = result if isinstance(result, Meeting) else Meeting.from_json(result.json())
        self._claim(meeting.id)
        return meeting

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
        body = zoom_body(changes) if isinstance(changes, MeetingRequest) else dict(changes)
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

    async def active_users(
        self, *, deadline: float | None = None
    ) -> AsyncGenerator[list[ZoomUser], None]:
        """The account's active users, a page (up to `page_size`) at a time, following
        `next_page_token` to the end. Each page is its own call, with its own retries and
        `deadline` seconds (default `timeout`). Needs the same scope as `get_user`."""
        token = ""
        while True:
            params = {"status": "active", "page_size": str(self.page_size)}
            if token:
                params["next_page_token"] = token
            response = await self._call(
                "GET", USERS, USERS, params=params, budget=_Budget(deadline, self.timeout)
            )
            data = response.json()
            yield [ZoomUser.from_json(user) for user in data.get("users") or [] if user.get("id")]
            token = data.get("next_page_token") or ""
            if not token:
                return

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

    async def find_created_meeting(
        self,
        user_id: str,
        request: MeetingRequest,
        since: datetime,
        *,
        deadline: float | None = None,
    ) -> Meeting | None:
        """The meeting an earlier `create_meeting` of `request` for the host `user_id` made,
        or None if Zoom holds no such meeting. `since` is when that create was first sent.

        The same look-up `create_meeting` makes after a 5xx or a timeout: same topic and
        type, created no earlier than `clock_skew` seconds before `since`, the same start
        (see `_find_created` for recurring meetings), and not a meeting this client already
        returned. For a caller that lost track of a create (a process stopped mid-call) and
        must not guess. Raises `ZoomUnavailable` when Zoom cannot be asked, when the host has
        more meetings than the look-up reads, and for an instant meeting (Zoom does not list
        them: it cannot be checked); `MeetingUnreadable` (a `ZoomUnavailable`) when the
        meeting was found but could not be read; `UserNotFound` when the host is gone;
        `ZoomAuthError`.
        """
        if since.tzinfo is None:
            raise ValueError("since must be an aware datetime")
        return await self._find_created(user_id, request, since, _Budget(deadline, self.timeout))

    # -- listing and finding -----------------------------------------------------------------

    async def _list(
        self, user_id: str, kind: str, budget: _Budget, *, max_pages: int | None = None
    ) -> list[dict[str, Any]]:
        """Every entry of the listing. Past `max_pages` pages with more to come, raises
        `ZoomUnavailable`: a partial listing is not proof that a meeting is not there."""
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
            if not token:
                return entries
            if max_pages is not None and pages >= max_pages:
                raise ZoomUnavailable(
                    f"The host has more meetings than the look-up reads ({pages} pages of "
                    f"{self.page_size}); whether Zoom made this one could not be checked"
                )

    async def _find_created(
        self, user_id: str, request: MeetingRequest, since: datetime, budget: _Budget
    ) -> Meeting | None:
        """The meeting a failed create may have made after all, or None.

        Looked for among the host's `scheduled` meetings (at most 5 pages). A match has the
        same topic and type; was created no earlier than `clock_skew` seconds before `since`;
        starts at the requested moment (a recurring one at the first occurrence on or after
        it, at the same wall-clock time: Zoom may list a series under its first real
        occurrence); has the same recurrence type when Zoom says; and is not a meeting this
        client already returned (from a create or a look-up), which keeps two creates of the
        same topic and start for one host (a shared default host) from both getting the
        first. The match is read in full with a GET within the caller's deadline.

        Raises `ZoomUnavailable` when Zoom cannot be asked or the listing is longer than the
        pages read, and for an instant meeting (Zoom does not list them); `MeetingUnreadable`
        when the match could not be read; other `ZoomError`s as the listing raised them.
        """
        if request.type == INSTANT:
            raise ZoomUnavailable(
                "Zoom does not list instant meetings: whether this one was made cannot be checked"
            )
        entries = await self._list(user_id, "scheduled", budget, max_pages=5)
        earliest = since - timedelta(seconds=self.clock_skew)
        for entry in sorted(entries, key=lambda e: str(e.get("created_at", "")), reverse=True):
            if not _may_be(entry, request, earliest):
                continue
            meeting_id = int(entry["id"])
            if meeting_id in self._claimed:
                continue
            self._claim(meeting_id)  # before the GET: a concurrent look-up must skip it
            try:
                response = await self._call(
                    "GET", MEETING, f"/meetings/{meeting_id}", budget=budget
                )
            except MeetingNotFound:
                self._claimed.pop(meeting_id, None)  # deleted since it was listed
                continue
            except ZoomError as exc:
                raise MeetingUnreadable(meeting_id, exc) from exc
            meeting = Meeting.from_json(response.json())
            if (
                request.recurrence is not None
                and meeting.recurrence is not None
                and meeting.recurrence.type != request.recurrence.type
            ):
                self._claimed.pop(meeting_id, None)
                continue
            return meeting
        return None

    def _claim(self, meeting_id: int) -> None:
        """Remember that this client handed out `meeting_id` (the newest few thousand)."""
        self._claimed[meeting_id] = None
        self._claimed.move_to_end(meeting_id)
        while len(self._claimed) > _REMEMBERED_IDS:
            self._claimed.popitem(last=False)

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
        settle: float = 0.0,
        gone_is_done: bool = False,
    ) -> Any:
        """Send a call with retries; return the 2xx response (or what `recover` found).

        `recover` marks a call that must not be re-sent blindly once it may have reached
        Zoom: after `settle` seconds (and the backoff, if another attempt follows; both
        within the deadline) it is asked, and a non-None answer ends the call; otherwise the
        call is sent again at once, so that nothing happens between the look and the
        re-send. `gone_is_done` (DELETE) takes a 404 on a re-send after an attempt that may
        have acted as success (None).
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
                except httpx.RequestError as exc:  # _MAYBE_SENT, or anything else on the way
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
                    last = failures >= self.max_attempts
                    # Give Zoom time to finish a create it may still be making, then look.
                    pause = settle
                    if not last:
                        wait = backoff(failures, base=self.backoff_base, cap=self.backoff_cap)
                        pause = max(pause, wait)
                    pause = budget.bounded(pause)
                    if pause > 0:
                        await self._sleep(pause)
                    record.outcome = "looking"
                    found = await recover()
                    if found is not None:
                        record.outcome = "found after failure"
                        return found
                    record.outcome = "ok"
                    remaining = budget.remaining()
                    if last or (remaining is not None and remaining <= 0):
                        raise failure
                    continue  # re-send straight after the look: it is still true
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
                timeout=request_timeout(budget.http_timeout()),
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

        # A caller joining a fetch another started waits no longer than its own deadline
        # allows (at least a second, as for any request: see _Budget.http_timeout).
        remaining = budget.remaining()
        wait = None if remaining is None else max(1.0, remaining)
        return await self._tokens.token(fetch, wait=wait)

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
                except httpx.RequestError as exc:
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
    elif isinstance(exc, _MAYBE_SENT):
        message = f"The connection to {what} failed mid-answer ({kind})"
    else:
        message = f"{what}'s answer could not be read ({kind})"
    error = ZoomUnavailable(message)
    error.__cause__ = exc
    return error


def _may_be(entry: dict[str, Any], request: MeetingRequest, earliest: datetime) -> bool:
    """Whether a list entry could be the meeting `request` made (see `_find_created`)."""
    if entry.get("topic") != request.topic or entry.get("type") != request.type:
        return False
    created = _zoom_time(entry.get("created_at"))
    if created is None or created < earliest:
        return False
    recurrence = entry.get("recurrence")
    if (
        request.recurrence is not None
        and isinstance(recurrence, dict)
        and recurrence.get("type") != request.recurrence.type
    ):
        return False
    wanted = request.starts_at()
    if wanted is None or request.type not in (SCHEDULED, RECURRING):
        return True
    listed = _zoom_time(entry.get("start_time"))
    if listed is None:
        return False
    if request.type == SCHEDULED:
        return listed == wanted
    # A series may be listed under its first occurrence on or after the requested start
    # (Zoom moves the start to a day the pattern allows): same local time, within a month.
    local = listed.astimezone(wanted.tzinfo)
    return wanted <= listed <= wanted + timedelta(days=32) and local.time() == wanted.time()


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


def zoom_body(request: MeetingRequest) -> dict[str, Any]:
    """The JSON Zoom takes for `request`, with a time zone Zoom knows.

    Zoom's `timezone` takes only the names on its own list: a zone it lacks becomes one on the
    list with the same clock (zoom/timezones.py); with none, the start is sent in UTC (Zoom's
    `…Z` form), which is exact for one meeting and, for a series, keeps UTC's clock.
    """
    body = request.to_json()
    if not (request.timezone and request.start_time):
        return body
    starts = request.starts_at()
    known = zoom_timezone(request.timezone, around=starts)
    if known == request.timezone:
        return body
    if known is not None:
        body["timezone"] = known
        return body
    assert starts is not None
    logger.warning(
        "zoom: no zone on Zoom's list keeps %s's clock; sending the start in UTC%s",
        request.timezone,
        " (a series then keeps UTC's clock across daylight-saving changes)"
        if request.recurrence
        else "",
    )
    body["start_time"] = starts.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    body["timezone"] = "UTC"
    return body


def _could_not_check(cause: ZoomError) -> CreateUnconfirmed:
    # Whatever stopped the look-up (Zoom down, throttled, a missing read scope, the host
    # gone), the create may have worked: never re-send, never say nothing was made. The
    # cause stays chained for the log; its text is not repeated (Zoom's can name the host).
    return CreateUnconfirmed(
        "Zoom failed while creating the meeting, and whether it was made could not be "
        f"checked ({type(cause).__name__}); not sending it again, to avoid a duplicate. "
        "Check the host's meetings in Zoom.",
        status=cause.status,
        code=cause.code,
        tracking_id=cause.tracking_id,
    )


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

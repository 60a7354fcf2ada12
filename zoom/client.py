"""ZoomClient: the one place zoombot talks to Zoom's REST API.

What a caller may rely on:

- One shared `httpx.AsyncClient` (connection pooling); every request's timeouts are
  `timeout` seconds (or what is left of the deadline) per phase, at most 5 s to connect.
- Server-to-Server OAuth: the token is cached until 60 s before it expires; concurrent calls
  share one token request. A 401 (code 124) gets one fresh token and one more try; a second
  is a `ZoomAuthError`. Code 4711 is a `ZoomAuthError` whose `missing_scopes` names them.
- Rate limits: a 429 is retried after `Retry-After` (or capped backoff with jitter) while the
  wait fits the caller's `deadline`; otherwise `ZoomRateLimited` at once. `DailyLimitReached`
  is raised at once, never slept on.
- GET/PATCH/DELETE are retried on connection errors, timeouts, 429 and 5xx; at most
  `max_attempts` attempts per call. A create is never made twice (zoom/_create.py).
- Failures are `ZoomError`s (zoom/errors.py); no httpx or aiohttp exception escapes, and no
  message carries a URL path.
- One INFO line per call on the "zoom" logger: method, path template, status, Zoom code,
  tracking id, duration and retries, also as `extra={"zoom": {...}}`. Never a token, an
  email, a meeting id, a passcode, a start URL or a request body.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncGenerator, Awaitable, Callable
from datetime import datetime

import httpx

from zoom._auth import TokenSource
from zoom._body import zoom_body
from zoom._call import Budget, Caller, segment
from zoom._create import MEETING, Creator
from zoom._pages import active_users, list_meetings
from zoom._registration_calls import RegistrationCalls
from zoom._transport import default_transport
from zoom.models import Meeting, MeetingRequest, ZoomUser

DEFAULT_API_URL = "https://api.zoom.us/v2"
DEFAULT_OAUTH_URL = "https://zoom.us/oauth/token"

USER = "/users/{userId}"
_OCCURRENCE_ID = re.compile(r"^[0-9]{1,20}$")


def _occurrence(occurrence_id: str | None) -> dict[str, str] | None:
    """The `occurrence_id` query parameter (Zoom's are digits), or None for the whole meeting."""
    if occurrence_id is None:
        return None
    if not _OCCURRENCE_ID.match(str(occurrence_id)):
        raise ValueError("an occurrence_id is digits")
    return {"occurrence_id": str(occurrence_id)}


class ZoomClient(RegistrationCalls):
    """An async Zoom Meeting API client for one Server-to-Server OAuth app.

    `api_url` and `oauth_url` default to Zoom's commercial cloud (Zoom for Government:
    `https://api.zoomgov.com/v2`, `https://zoomgov.com/oauth/token`). When `http` is given,
    the caller owns it and `aclose()` leaves it open; otherwise the client's own runs on
    `wrap(default_transport())` (`wrap`: e.g. a transport that holds each answer). `sleep`
    is how the client waits between attempts. `page_size`: meetings per list page (Zoom
    allows up to 300). `clock_skew`: how much earlier than a create's first attempt Zoom's
    `created_at` may be and still be that create's meeting. `settle_delay`: how long a
    create waits, after a failure Zoom may have acted on, before it looks (shortened to fit
    the deadline). Every call takes
    `deadline`: seconds from now the caller can wait in total (default: no limit but
    `timeout` per request). `tokens`: where access tokens come from instead of the account's
    credentials (a connected user's: `ZoomUserOAuth.client_for`).
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
        tokens: TokenSource | None = None,
        wrap: Callable[[httpx.AsyncBaseTransport], httpx.AsyncBaseTransport] | None = None,
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
        self._owns_http = http is None
        self._http = http or httpx.AsyncClient(
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
            transport=wrap(default_transport()) if wrap else default_transport(),
            headers={"User-Agent": "zoombot"},
        )
        self._tokens = tokens or TokenSource(
            self._http, oauth_url, account_id, client_id, client_secret
        )
        self._caller = Caller(self._http, self._tokens, self.api_url, self, sleep)
        self._creator = Creator(self._caller, self)

    def _budget(self, deadline: float | None) -> Budget:
        return Budget(deadline, self.timeout)

    async def create_meeting(
        self, user_id: str, request: MeetingRequest, *, deadline: float | None = None
    ) -> Meeting:
        """Create a meeting for the host `user_id` (a Zoom user id or email), never two.

        Returns the meeting with `join_url` and `password`. Raises `UserNotFound`,
        `ZoomValidationError`, `ZoomRateLimited`, `DailyLimitReached`, `ZoomAuthError`,
        `ZoomUnavailable`, or its kinds `CreateUnconfirmed` (the meeting may exist) and
        `MeetingUnreadable` (it does).
        """
        return await self._creator.create(user_id, request, self._budget(deadline))

    async def get_meeting(self, meeting_id: int, *, deadline: float | None = None) -> Meeting:
        """The meeting with everything Zoom says about it. Raises `MeetingNotFound`."""
        response = await self._caller.call(
            "GET", MEETING, f"/meetings/{int(meeting_id)}", budget=self._budget(deadline)
        )
        return Meeting.from_json(response.json())

    async def update_meeting(
        self,
        meeting_id: int,
        changes: MeetingRequest | dict,
        *,
        occurrence_id: str | None = None,
        deadline: float | None = None,
    ) -> None:
        """Change the fields in `changes` (a `MeetingRequest` sends every field it sets);
        with `occurrence_id`, only that occurrence of a series (Zoom then takes only
        `start_time`, `duration`, `timezone`, `agenda` and some settings). Counts toward the
        host's daily limit. Raises `MeetingNotFound`, `ZoomValidationError`."""
        body = zoom_body(changes) if isinstance(changes, MeetingRequest) else dict(changes)
        await self._caller.call(
            "PATCH",
            MEETING,
            f"/meetings/{int(meeting_id)}",
            params=_occurrence(occurrence_id),
            json=body,
            budget=self._budget(deadline),
        )

    async def delete_meeting(
        self, meeting_id: int, *, occurrence_id: str | None = None, deadline: float | None = None
    ) -> None:
        """Delete the meeting, or with `occurrence_id` only that occurrence of a series.
        Raises `MeetingNotFound` if Zoom has no such meeting (but not when an earlier attempt
        that timed out turns out to have deleted it)."""
        await self._caller.call(
            "DELETE",
            MEETING,
            f"/meetings/{int(meeting_id)}",
            params=_occurrence(occurrence_id),
            budget=self._budget(deadline),
            gone_is_done=True,
        )

    async def get_user(self, user_id: str, *, deadline: float | None = None) -> ZoomUser:
        """The Zoom user with this id or email. Raises `UserNotFound` (code 1001)."""
        response = await self._caller.call(
            "GET", USER, f"/users/{segment(user_id)}", budget=self._budget(deadline)
        )
        return ZoomUser.from_json(response.json())

    async def active_users(
        self, *, deadline: float | None = None
    ) -> AsyncGenerator[list[ZoomUser], None]:
        """The account's active users, a page (up to `page_size`) at a time, to the end.
        Each page is its own call with its own retries and `deadline`. Needs the same scope
        as `get_user`."""
        pages = active_users(self._caller, self.page_size, lambda: self._budget(deadline))
        async for page in pages:
            yield [ZoomUser.from_json(user) for user in page]

    async def list_upcoming_meetings(
        self, user_id: str, *, deadline: float | None = None
    ) -> list[Meeting]:
        """Every upcoming meeting of the host, following `next_page_token` to the end.

        The meetings are Zoom's list entries: no `password` or `start_url`.
        """
        entries = await list_meetings(
            self._caller, user_id, "upcoming", self._budget(deadline), page_size=self.page_size
        )
        return [Meeting.from_json(entry) for entry in entries]

    async def find_created_meeting(
        self,
        user_id: str,
        request: MeetingRequest,
        since: datetime,
        *,
        deadline: float | None = None,
    ) -> Meeting | None:
        """The meeting an earlier `create_meeting` of `request` for the host `user_id` made,
        or None if Zoom holds none. `since` (aware) is when that create was first sent.

        The same look-up `create_meeting` makes after a 5xx or a timeout, for a caller that
        lost track of a create (a process stopped mid-call). Raises `ZoomUnavailable` when
        Zoom cannot be asked, the host has more meetings than the look-up reads, or the
        meeting is instant (Zoom does not list them); `MeetingUnreadable` when it was found
        but could not be read; `UserNotFound`; `ZoomAuthError`.
        """
        if since.tzinfo is None:
            raise ValueError("since must be an aware datetime")
        return await self._creator.find_created(user_id, request, since, self._budget(deadline))

    # -- recordings' summaries and registration (zoom/registrants.py) -----------------

    async def authenticate(self, *, deadline: float | None = None) -> None:
        """Get an access token now (cached as usual), so that wrong credentials or missing
        scopes show at start. Raises `ZoomAuthError` (naming the likely cause) or
        `ZoomUnavailable`."""
        await self._caller.token(self._budget(deadline))

    async def access_token(self, *, deadline: float | None = None) -> str:
        """The account's access token (cached as usual), for what authenticates with it
        outside the REST API: Zoom's event WebSocket (zoom/websocket.py). Raises as
        `authenticate` does."""
        return await self._caller.token(self._budget(deadline))

    def forget_token(self, token: str) -> None:
        """Drop `token` if it is the cached one (Zoom refused it): the next call fetches anew."""
        self._caller.forget(token)

    async def aclose(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> ZoomClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

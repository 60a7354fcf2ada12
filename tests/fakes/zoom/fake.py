"""FakeZoom: a local Zoom that is a real HTTP server on an ephemeral loopback port.

It answers Zoom's token endpoint and the Meeting API calls zoombot makes, in the shapes of
Zoom's OpenAPI document, validates what it receives the way Zoom does, records every
request, and can be told to misbehave:

    fake = FakeZoom().start()
    fake.add_user("ada@example.com")
    fake.latency = 0.2                                     # added to every answer
    fake.script("POST", "/users/{userId}/meetings",        # the next three creates get these
                Answer(status=500, acted=True),            # Zoom created it, then failed
                Answer(timeout=True),                      # created; answer held past timeout
                Answer(timeout=True, acted_after=0.5),     # held; created 0.5 s later
                Answer(status=429, headers={"Retry-After": "1"}))
    fake.revoke_tokens()                                   # every issued token now gets 124
    fake.set_daily_limit("ada@example.com", 0)             # next create/update is Daily-limit
    fake.remove_user("ada@example.com")                    # gone: 1001 for her from now on

It also sends Zoom's webhooks, signed as Zoom signs them, to a URL you give it:

    fake.webhook_secret = "…"                              # the app's ZOOM_WEBHOOK_SECRET_TOKEN
    body = fake.start_meeting(meeting_id)                  # status "started"; meeting.started
    fake.send_event(app_url + "/zoom/events", body)        # POSTed, signed; an httpx.Response
    fake.send_event(url, body, secret="wrong")             # forged
    fake.send_event(url, body, timestamp=time.time() - 600)  # stale
    fake.join_meeting(meeting_id, "Ada"); fake.leave_meeting(meeting_id, "Ada")
    fake.end_meeting(meeting_id); fake.cancel_meeting(meeting_id)  # meeting.ended / .deleted
    fake.event_body("meeting.updated", meeting_id, topic="New")    # any event, Zoom's shape

One occurrence of a series: `PATCH /meetings/{id}?occurrence_id=…` changes its start and
length (other fields are refused, as Zoom refuses them), `DELETE` with `occurrence_id` marks
it "deleted" (a second time is 3000 "Invalid occurrence_id."), and `GET /meetings/{id}` lists
the occurrences as they now are.

Routes are named by their template, without the `/v2` prefix: `/users/{userId}/meetings`,
`/users/{userId}`, `/users` (the user list), `/meetings/{meetingId}`, and `/oauth/token` for
the token endpoint. The API
answers under any path prefix that ends in `/v2` (so `fake.url + "/gov/v2"` stands in for
Zoom for Government), and the token endpoint under any path that ends in `/oauth/token`.

All state lives behind one lock: the server runs in its own thread, tests read from theirs.
This class holds the state, the set-up and reading API and the dispatch table; the behaviour
is in mixins by concern: wire.py (ASGI, scripted answers), accounts.py (users, tokens),
meetings.py, registrants.py, events.py (webhooks), websocket.py, user_grants.py; the routes
in routes.py and Zoom's rules in rules.py.
"""

from __future__ import annotations

import asyncio
import secrets
import threading
from collections import deque
from collections.abc import Callable
from typing import Any, ClassVar

from tests.fakes.loopback import LoopbackServer
from tests.fakes.zoom import registrants as fake_registrants
from tests.fakes.zoom.accounts import Accounts
from tests.fakes.zoom.events import EventSender, WebhookDelivery
from tests.fakes.zoom.meetings import Meetings
from tests.fakes.zoom.registrants import Registration
from tests.fakes.zoom.routes import (
    AUTHORIZE,
    DEFAULT_SCOPES,
    MEETING,
    MEETINGS,
    REGISTRANT,
    REGISTRANT_QUESTIONS,
    REGISTRANT_STATUS,
    REGISTRANTS,
    REVOKE,
    SUMMARY,
    TOKEN,
    USER,
    USERS,
)
from tests.fakes.zoom.rules import Reply, ZoomFailure, basic_client
from tests.fakes.zoom.user_grants import UserGrants
from tests.fakes.zoom.websocket import EventSockets, EventSocketSide
from tests.fakes.zoom.wire import Answer, Recorded, Wire

__all__ = ["Answer", "FakeZoom", "Recorded"]


class FakeZoom(
    Wire, Accounts, Meetings, EventSender, WebhookDelivery, Registration, EventSocketSide
):
    """A local Zoom. See the module docstring; `docs/CONTRACTS.md` fixes the public API."""

    def __init__(
        self,
        account_id: str = "acct-test",
        client_id: str = "cid-test",
        client_secret: str = "secret-test",
        *,
        scopes: tuple[str, ...] = DEFAULT_SCOPES,
        token_ttl: int = 3599,
        webhook_secret: str = "fake-webhook-secret-token",
    ) -> None:
        self.account_id = account_id
        self.client_id = client_id
        self.client_secret = client_secret
        self.scopes: tuple[str, ...] = tuple(scopes)
        self.token_ttl = token_ttl
        self._initial = (self.scopes, token_ttl)
        # The app's Zoom "Secret Token" (ZOOM_WEBHOOK_SECRET_TOKEN): what send_event signs with.
        self.webhook_secret = webhook_secret
        self._initial_webhook_secret = webhook_secret
        self.latency: float = 0.0
        # Checks a PATCH body beyond the fake's own rules, e.g. against Zoom's OpenAPI document
        # (tests/openapi.py): called with the operationId and the body; raising refuses it
        # as Zoom does (400, code 300). Tests set it; `reset()` leaves it.
        self.body_check: Callable[[str, Any], None] | None = None
        self._lock = threading.Lock()

        # A plain coroutine function, so uvicorn sees an ASGI 3 app (a bound method looks like
        # ASGI 2 to its check).
        async def app(scope: dict[str, Any], receive: Callable, send: Callable) -> None:
            await self._asgi(scope, receive, send)

        self._server = LoopbackServer(app)
        # Zoom's event WebSocket (tests/fakes/zoom/websocket.py), on the same loop, its own port.
        self._ws = EventSockets(lambda: self._loop(), self._ws_token_ok)
        self._clear()

    def _clear(self) -> None:
        self._users: dict[str, dict[str, Any]] = {}
        self._meetings: dict[int, dict[str, Any]] = {}
        self._requests: list[Recorded] = []
        self._scripts: dict[tuple[str, str], deque[Answer]] = {}
        self._tokens: dict[str, tuple[float, tuple[str, ...]]] = {}  # token -> (expires, scopes)
        self._revoked: set[str] = set()
        self._daily: dict[str, int] = {}  # user id -> create/update calls left today
        # token -> (user id, or "users" for the user list; type or status; offset)
        self._page_tokens: dict[str, tuple[str, str, int]] = {}
        self._token_requests = 0
        self._live: dict[int, dict[str, Any]] = {}  # meeting id -> {uuid, started_at}
        self._instances: dict[int, int] = {}  # meeting id -> times started
        self._participants: dict[int, dict[str, dict[str, Any]]] = {}  # id -> name -> person
        self._sent: list[dict[str, Any]] = []
        # The user-managed OAuth app ("Connect your Zoom"): tests/fakes/zoom/user_grants.py.
        self.grants = UserGrants(self)
        # Registration and summaries (tests/fakes/zoom/registrants.py).
        self._registrants: dict[int, dict[str, dict[str, Any]]] = {}  # id -> registrant id -> …
        self._questions: dict[int, dict[str, Any]] = {}
        self._summaries: dict[str, dict[str, Any]] = {}  # meeting instance uuid -> summary
        self._recordings: dict[int, dict[str, Any]] = {}  # meeting id -> the last recording
        # Bumped by every reset: work scheduled with `acted_after` before it is dropped.
        self._generation = getattr(self, "_generation", 0) + 1
        self._late: set[asyncio.Task[None]] = getattr(self, "_late", set())

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> FakeZoom:
        self._server.start()
        self._ws.start()
        return self

    def stop(self) -> None:
        self._ws.stop()
        self._server.stop()

    def __enter__(self) -> FakeZoom:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def reset(self) -> None:
        """Forget meetings, requests, scripts, users, tokens and limits; keep credentials.

        Latency goes back to 0; scopes, token lifetime and webhook secret back to what the fake
        was built with.
        """
        with self._lock:
            self._clear()
            self.latency = 0.0
            self.scopes, self.token_ttl = self._initial
            self.webhook_secret = self._initial_webhook_secret

    @property
    def url(self) -> str:
        return self._server.url

    @property
    def api_url(self) -> str:
        return self.url + "/v2"

    @property
    def oauth_url(self) -> str:
        return self.url + TOKEN

    # -- set-up ----------------------------------------------------------------------------

    def script(self, method: str, route: str, *answers: Answer) -> None:
        """Queue `answers` for the next requests to `route` (a template such as
        `/users/{userId}/meetings`, or `/oauth/token`). Each is used once, in order; once the
        queue is empty the fake answers normally again. A scripted answer comes before the
        fake's own checks (token, user, validation) unless it is `acted` or `timeout`.
        """
        with self._lock:
            self._scripts.setdefault((method.upper(), route), deque()).extend(answers)

    # -- reading what happened ---------------------------------------------------------------

    @property
    def meetings(self) -> dict[int, dict[str, Any]]:
        """Every meeting the fake holds, by id, as Zoom's JSON (a snapshot of the dict)."""
        with self._lock:
            return dict(self._meetings)

    @property
    def users(self) -> dict[str, dict[str, Any]]:
        with self._lock:
            return dict(self._users)

    @property
    def requests(self) -> list[Recorded]:
        """Every request received, in arrival order (a snapshot)."""
        with self._lock:
            return list(self._requests)

    def requests_to(self, route: str, method: str | None = None) -> list[Recorded]:
        return [
            r
            for r in self.requests
            if r.route == route and (method is None or r.method == method.upper())
        ]

    @property
    def token_requests(self) -> int:
        with self._lock:
            return self._token_requests

    # -- Zoom's behaviour ------------------------------------------------------------------

    def _handle(
        self,
        method: str,
        route: str | None,
        params: dict[str, str],
        query: dict[str, str],
        headers: dict[str, str],
        raw: bytes,
        body: Any,
    ) -> Reply:
        try:
            if route == TOKEN:
                return self._token(method, headers, body, query)
            if route == AUTHORIZE:
                with self._lock:
                    status, extra, answer = self.grants.authorize(query)
                return Reply(status, answer, extra)
            if route == REVOKE:
                form = {**query, **(body if isinstance(body, dict) else {})}
                with self._lock:
                    status, answer = self.grants.revoke(form, basic_client(headers))
                return Reply(status, answer)
            if route is None:
                raise ZoomFailure(404, 404, "The requested resource was not found.")
            handler = self._HANDLERS.get((method, route))
            if handler is None:
                raise ZoomFailure(405, 405, f"Method {method} not allowed.")
            with self._lock:
                self._authorize(headers, method, route)
                if params.get("userId") == "me":
                    params = {**params, "userId": self._token_user(headers)}
            if method in ("POST", "PATCH", "PUT"):
                if not isinstance(body, dict):
                    raise ZoomFailure(400, 300, "Request Body should be a valid JSON object.")
            with self._lock:
                return handler(self, params, query, body)
        except ZoomFailure as failure:
            return failure.reply

    def _page(
        self, query: dict[str, str], listing: tuple[str, str], chosen: list[dict[str, Any]]
    ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """One page of `chosen` as Zoom pages lists: `page_size` (default 30, at most 300)
        and a `next_page_token` good only for the same `listing` (who, which list). Returns
        the page and the paging fields of the answer."""
        try:
            page_size = int(query.get("page_size", 30))
        except ValueError:
            page_size = 30
        page_size = max(1, min(page_size, 300))
        offset = 0
        token = query.get("next_page_token")
        if token:
            saved = self._page_tokens.get(token)
            if saved is None or saved[:2] != listing:
                raise ZoomFailure(400, 300, "Invalid next_page_token.")
            offset = saved[2]
        next_token = ""
        if offset + page_size < len(chosen):
            next_token = secrets.token_urlsafe(24)
            self._page_tokens[next_token] = (*listing, offset + page_size)
        fields = {
            "page_size": page_size,
            "total_records": len(chosen),
            "next_page_token": next_token,
        }
        return chosen[offset : offset + page_size], fields

    _HANDLERS: ClassVar[dict[tuple[str, str], Callable[..., Reply]]] = {
        ("GET", USERS): Accounts._list_users,
        ("GET", USER): Accounts._get_user,
        ("POST", MEETINGS): Meetings._create_meeting,
        ("GET", MEETINGS): Meetings._list_meetings,
        ("GET", MEETING): Meetings._get_meeting,
        ("PATCH", MEETING): Meetings._update_meeting,
        ("DELETE", MEETING): Meetings._delete_meeting,
        ("GET", SUMMARY): fake_registrants.get_summary,
        ("POST", REGISTRANTS): fake_registrants.add_registrant,
        ("GET", REGISTRANT): fake_registrants.get_registrant,
        ("PUT", REGISTRANT_STATUS): fake_registrants.set_status,
        ("PATCH", REGISTRANT_QUESTIONS): fake_registrants.set_questions,
    }

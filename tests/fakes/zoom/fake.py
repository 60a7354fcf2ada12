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
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import re
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import parse_qs

from tests.fakes.loopback import LoopbackServer
from tests.fakes.zoom import registrants as fake_registrants
from tests.fakes.zoom.events import EventSender
from tests.fakes.zoom.rules import (
    Reply,
    ZoomFailure,
    basic_client,
    create_answer,
    default_settings,
    digits,
    listed,
    next_midnight_utc,
    occurrence_or_400,
    occurrences,
    random_password,
    summary,
    to_utc,
    tracking_id,
    utc_text,
    validate_meeting,
    validate_occurrence_update,
    validation,
    zone_name,
)
from tests.fakes.zoom.user_grants import UserGrants
from tests.fakes.zoom.websocket import EventSockets

MEETINGS = "/users/{userId}/meetings"
USER = "/users/{userId}"
USERS = "/users"
MEETING = "/meetings/{meetingId}"
SUMMARY = "/meetings/{meetingUUID}/meeting_summary"
REGISTRANTS = "/meetings/{meetingId}/registrants"
REGISTRANT = "/meetings/{meetingId}/registrants/{registrantId}"
REGISTRANT_STATUS = "/meetings/{meetingId}/registrants/status"
REGISTRANT_QUESTIONS = "/meetings/{meetingId}/registrants/questions"
TOKEN = "/oauth/token"
AUTHORIZE = "/oauth/authorize"
REVOKE = "/oauth/revoke"

DEFAULT_SCOPES = ("meeting:read:admin", "meeting:write:admin", "user:read:admin")
# What each route needs, as Zoom's classic scopes; a token without one gets code 4711.
_ROUTE_SCOPES = {
    ("POST", MEETINGS): ("meeting:write:admin", "meeting:write"),
    ("GET", MEETINGS): ("meeting:read:admin", "meeting:read"),
    ("GET", MEETING): ("meeting:read:admin", "meeting:read"),
    ("PATCH", MEETING): ("meeting:write:admin", "meeting:write"),
    ("DELETE", MEETING): ("meeting:write:admin", "meeting:write"),
    ("GET", USER): ("user:read:admin", "user:read"),
    ("GET", USERS): ("user:read:admin",),
    ("GET", SUMMARY): ("meeting_summary:read:admin", "meeting_summary:read"),
    ("POST", REGISTRANTS): ("meeting:write:admin", "meeting:write"),
    ("GET", REGISTRANT): ("meeting:read:admin", "meeting:read"),
    ("PUT", REGISTRANT_STATUS): ("meeting:write:admin", "meeting:write"),
    ("PATCH", REGISTRANT_QUESTIONS): ("meeting:write:admin", "meeting:write"),
}

_V2 = r"^(?P<prefix>(?:/[^/]+)*/v2)"
_API_ROUTES = (
    # A meeting UUID may hold "/" (the path arrives decoded once): matched before the rest.
    (re.compile(_V2 + r"/meetings/(?P<meetingUUID>.+)/meeting_summary/?$"), SUMMARY),
    (re.compile(_V2 + r"/meetings/(?P<meetingId>[^/]+)/registrants/?$"), REGISTRANTS),
    (re.compile(_V2 + r"/meetings/(?P<meetingId>[^/]+)/registrants/status/?$"), REGISTRANT_STATUS),
    (
        re.compile(_V2 + r"/meetings/(?P<meetingId>[^/]+)/registrants/questions/?$"),
        REGISTRANT_QUESTIONS,
    ),
    (
        re.compile(_V2 + r"/meetings/(?P<meetingId>[^/]+)/registrants/(?P<registrantId>[^/]+)/?$"),
        REGISTRANT,
    ),
    (re.compile(r"^(?P<prefix>(?:/[^/]+)*/v2)/users/(?P<userId>[^/]+)/meetings/?$"), MEETINGS),
    (re.compile(r"^(?P<prefix>(?:/[^/]+)*/v2)/users/(?P<userId>[^/]+)/?$"), USER),
    (re.compile(r"^(?P<prefix>(?:/[^/]+)*/v2)/meetings/(?P<meetingId>[^/]+)/?$"), MEETING),
    (re.compile(r"^(?P<prefix>(?:/[^/]+)*/v2)/users/?$"), USERS),
)
_TOKEN_PATH = re.compile(r"^(?:/[^/]+)*/oauth/token/?$")
_OAUTH_PATHS = (
    (re.compile(r"^(?:/[^/]+)*/oauth/authorize/?$"), AUTHORIZE),
    (re.compile(r"^(?:/[^/]+)*/oauth/revoke/?$"), REVOKE),
)


DAILY_LIMIT_MESSAGE = (
    "You have exceeded the daily rate limit of (100) for {api} API requests permitted for "
    "this particular user. You can resume these API requests at GMT 00:00:00."
)
QPS_MESSAGE = "You have reached the maximum per-second rate limit for this API. Try again later."


@dataclass(frozen=True)
class Answer:
    """One scripted answer for a route, used once, in the order queued.

    - `status`, `body`, `headers`: what to answer. A `body` of None gets a Zoom-like body for
      the status (`{"code": ..., "message": ...}`); 429 gets `X-RateLimit-Type: QPS` unless
      `headers` says otherwise.
    - `delay`: seconds to wait before answering.
    - `acted=True`: the fake first handles the request for real (e.g. creates the meeting),
      then answers `status` instead of the real answer: Zoom acted, then failed.
    - `timeout=True`: the fake handles the request for real, then holds the answer for
      `delay` seconds (default 30) or until the client hangs up, whichever comes first;
      it models a read timeout after Zoom acted. Set the client's timeout below `delay`.
    - `drop=True`: the connection is closed mid-answer (the client sees a protocol error);
      combine with `acted=True` to model Zoom having acted first.
    - `acted_after=seconds`: Zoom acts late. The request is handled for real that many
      seconds after it arrived (in the background), and the answer is `status` at once, or,
      with `timeout=True`, held as above, or, with `drop=True`, cut off: Zoom failed or was
      slow to answer and finished the work afterwards. A `reset()` in between cancels it.
    """

    status: int = 200
    body: Any = None
    headers: dict[str, str] | None = None
    delay: float = 0.0
    acted: bool = False
    timeout: bool = False
    drop: bool = False
    acted_after: float | None = None


@dataclass(frozen=True)
class Recorded:
    """One request as the fake received it. `body` is parsed JSON, a form dict, or None."""

    method: str
    path: str
    route: str | None
    query: dict[str, str]
    headers: dict[str, str]
    body: Any
    at: float = field(default_factory=time.time)


class _QuietDrops(logging.Filter):
    """Drop uvicorn's complaint about the answers `Answer(drop=True)` cuts off on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "without completing response" not in record.getMessage()


logging.getLogger("uvicorn.error").addFilter(_QuietDrops())


class FakeZoom(EventSender):
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

    def add_user(
        self,
        email: str,
        *,
        id: str | None = None,
        first_name: str = "",
        last_name: str = "",
        status: str = "active",
        timezone: str | None = None,
        type: int = 2,  # 2 = licensed, as Zoom numbers it
    ) -> dict[str, Any]:
        """Add a Zoom user to the account and return it as `GET /users/{userId}` answers."""
        user_id = id or base64.urlsafe_b64encode(secrets.token_bytes(16)).decode()[:22]
        pmi = int("8" + digits(9))
        pmi_pwd = secrets.token_urlsafe(24).replace("-", "a").replace("_", "b")
        user = {
            "id": user_id,
            "first_name": first_name,
            "last_name": last_name,
            "display_name": f"{first_name} {last_name}".strip() or email.split("@")[0],
            "email": email,
            "type": type,
            "role_name": "Member",
            "pmi": pmi,
            "use_pmi": False,
            "personal_meeting_url": f"https://us06web.zoom.us/j/{pmi}?pwd={pmi_pwd}",
            "timezone": timezone or "",
            "verified": 1,
            "dept": "",
            "created_at": utc_text(datetime.now(UTC)),
            "last_login_time": utc_text(datetime.now(UTC)),
            "language": "en-US",
            "status": status,
            "role_id": "2",
            "account_id": self.account_id,
            "account_number": 12345678,
            "cluster": "us06",
        }
        with self._lock:
            self._users[user_id] = user
        return dict(user)

    def remove_user(self, email_or_id: str) -> None:
        """Remove a user from the account (with their meetings): Zoom answers 1001 for them."""
        with self._lock:
            user = self._find_user(email_or_id)
            if user is None:
                raise KeyError(email_or_id)
            del self._users[user["id"]]
            for meeting_id in [m for m, v in self._meetings.items() if v["host_id"] == user["id"]]:
                del self._meetings[meeting_id]

    def script(self, method: str, route: str, *answers: Answer) -> None:
        """Queue `answers` for the next requests to `route` (a template such as
        `/users/{userId}/meetings`, or `/oauth/token`). Each is used once, in order; once the
        queue is empty the fake answers normally again. A scripted answer comes before the
        fake's own checks (token, user, validation) unless it is `acted` or `timeout`.
        """
        with self._lock:
            self._scripts.setdefault((method.upper(), route), deque()).extend(answers)

    def revoke_tokens(self) -> None:
        """Every token issued so far now gets 401 code 124 ("Invalid access token.")."""
        with self._lock:
            self._revoked.update(self._tokens)

    def set_daily_limit(self, user: str, remaining: int) -> None:
        """`user` (id or email) may make `remaining` more create/update calls today; after
        that Zoom answers 429 with `X-RateLimit-Type: Daily-limit`."""
        with self._lock:
            found = self._find_user(user)
            if found is None:
                raise KeyError(f"no such user in the fake: {user}")
            self._daily[found["id"]] = remaining

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

    # -- the ASGI app ----------------------------------------------------------------------

    async def _asgi(self, scope: dict[str, Any], receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            return
        raw = b""
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            raw += message.get("body", b"")
            more = message.get("more_body", False)

        method = scope["method"].upper()
        path = scope["path"]
        query = {k: v[-1] for k, v in parse_qs(scope["query_string"].decode()).items()}
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        route, params = self._route(path)
        body = self._parse_body(raw, headers)
        with self._lock:
            self._requests.append(Recorded(method, path, route, query, headers, body))
            if route == TOKEN:
                self._token_requests += 1
            queue = self._scripts.get((method, route)) if route else None
            answer = queue.popleft() if queue else None

        if self.latency:
            await asyncio.sleep(self.latency)
        if answer is not None and answer.delay and not answer.timeout:
            await asyncio.sleep(answer.delay)

        if answer is not None and answer.acted_after is not None:
            with self._lock:
                generation = self._generation
            task = asyncio.create_task(
                self._act_later(
                    answer.acted_after,
                    generation,
                    (method, route, params, query, headers, raw, body),
                )
            )
            self._late.add(task)
            task.add_done_callback(self._late.discard)
            reply = self._scripted_reply(answer)
        elif answer is not None and not (answer.acted or answer.timeout):
            reply = self._scripted_reply(answer)
        else:
            reply = self._handle(method, route, params, query, headers, raw, body)
            if answer is not None and answer.acted and not answer.timeout:
                reply = self._scripted_reply(answer)

        if answer is not None and answer.timeout:
            await self._hold(receive, answer.delay or 30.0)
        if answer is not None and answer.drop:
            await self._drop(send)
            return
        await self._send(send, reply)

    async def _act_later(self, seconds: float, generation: int, request: tuple) -> None:
        # Zoom finishing a request after it answered (or while the answer is held).
        await asyncio.sleep(seconds)
        with self._lock:
            if generation != self._generation:
                return  # the fake was reset meanwhile: that test is over
        self._handle(*request)

    async def _hold(self, receive: Callable, seconds: float) -> None:
        # Wait until the client gives up (it hangs up) or `seconds` pass.
        async def hung_up() -> None:
            while (await receive())["type"] != "http.disconnect":
                pass

        try:
            await asyncio.wait_for(hung_up(), seconds)
        except TimeoutError:
            pass

    async def _drop(self, send: Callable) -> None:
        # Promise a body and send none of it: the server closes the connection, and the client
        # sees the answer cut off (httpx.RemoteProtocolError), as when Zoom's edge drops it.
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", b"100")],
            }
        )
        await send({"type": "http.response.body", "body": b"{", "more_body": True})
        # Returning now makes uvicorn close the connection (and log a line we filter out).

    async def _send(self, send: Callable, reply: Reply) -> None:
        headers = {"x-zm-trackingid": tracking_id(), **reply.headers}
        if reply.body is None:
            payload = b""
        elif isinstance(reply.body, bytes):
            payload = reply.body
        else:
            payload = json.dumps(reply.body).encode()
            headers.setdefault("content-type", "application/json;charset=UTF-8")
        headers["content-length"] = str(len(payload))
        await send(
            {
                "type": "http.response.start",
                "status": reply.status,
                "headers": [(k.lower().encode(), str(v).encode()) for k, v in headers.items()],
            }
        )
        await send({"type": "http.response.body", "body": payload})

    @staticmethod
    def _route(path: str) -> tuple[str | None, dict[str, str]]:
        if _TOKEN_PATH.match(path):
            return TOKEN, {}
        for pattern, route in _OAUTH_PATHS:
            if pattern.match(path):
                return route, {}
        for pattern, route in _API_ROUTES:
            match = pattern.match(path)
            if match:
                params = {k: v for k, v in match.groupdict().items() if k != "prefix"}
                return route, params
        return None, {}

    @staticmethod
    def _parse_body(raw: bytes, headers: dict[str, str]) -> Any:
        if not raw:
            return None
        kind = headers.get("content-type", "")
        if "application/x-www-form-urlencoded" in kind:
            return {k: v[-1] for k, v in parse_qs(raw.decode()).items()}
        try:
            return json.loads(raw)
        except ValueError:
            return raw.decode(errors="replace")

    @staticmethod
    def _scripted_reply(answer: Answer) -> Reply:
        headers = dict(answer.headers or {})
        body = answer.body
        status = answer.status
        if status == 429:
            headers = {"X-RateLimit-Type": "QPS", **headers}
            daily = any(
                k.lower() == "x-ratelimit-type" and v.lower() == "daily-limit"
                for k, v in headers.items()
            )
            if body is None:
                message = (
                    DAILY_LIMIT_MESSAGE.format(api="Create a meeting") if daily else (QPS_MESSAGE)
                )
                body = {"code": 429, "message": message}
        elif body is None and status >= 500:
            body = {"code": status, "message": "Internal Server Error"}
        elif body is None and status == 401:
            body = {"code": 124, "message": "Invalid access token."}
        elif body is None and status >= 400:
            body = {"code": 300, "message": "Bad Request"}
        if status in (204, 304):
            body = None
        return Reply(status, body, headers)

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

    def _token(
        self, method: str, headers: dict[str, str], body: Any, query: dict[str, str]
    ) -> Reply:
        if method != "POST":
            raise ZoomFailure(405, 405, "Method not allowed.")
        form = {**query, **(body if isinstance(body, dict) else {})}
        client_id, client_secret = basic_client(headers)
        if form.get("grant_type") in ("authorization_code", "refresh_token"):
            with self._lock:
                status, answer = self.grants.token(form, (client_id, client_secret))
            return Reply(status, answer)
        if client_id != self.client_id or client_secret != self.client_secret:
            return Reply(
                401, {"reason": "Invalid client_id or client_secret", "error": "invalid_client"}
            )
        if form.get("grant_type") != "account_credentials":
            return Reply(
                400, {"reason": "Unsupported grant type", "error": "unsupported_grant_type"}
            )
        if form.get("account_id") != self.account_id:
            return Reply(
                400,
                {"reason": "Invalid request : Account ID is invalid.", "error": "invalid_request"},
            )
        token = "fake." + secrets.token_urlsafe(32)
        with self._lock:
            self._tokens[token] = (time.time() + self.token_ttl, self.scopes)
        return Reply(
            200,
            {
                "access_token": token,
                "token_type": "bearer",
                "expires_in": self.token_ttl,
                "scope": " ".join(self.scopes),
                "api_url": "https://api.zoom.us",
            },
        )

    def _authorize(self, headers: dict[str, str], method: str, route: str) -> None:
        auth = headers.get("authorization", "")
        if not auth.lower().startswith("bearer "):
            raise ZoomFailure(401, 124, "Invalid access token.")
        token = auth[7:].strip()
        issued = self._tokens.get(token)
        if issued is None or token in self._revoked:
            raise ZoomFailure(401, 124, "Invalid access token.")
        expires, scopes = issued
        if time.time() >= expires:
            raise ZoomFailure(401, 124, "Access token is expired.")
        needed = _ROUTE_SCOPES.get((method, route), ())
        if needed and not any(s in scopes for s in needed):
            raise ZoomFailure(
                400,
                4711,
                f"Invalid access token, does not contain scopes:[{', '.join(needed)}].",
            )

    def _token_user(self, headers: dict[str, str]) -> str:
        """The Zoom user a user-level token acts for ("me"); an account token has none."""
        token = headers.get("authorization", "")[7:].strip()
        user_id = self.grants.access.get(token)
        if user_id is None:
            raise ZoomFailure(400, 1001, "User does not exist: me.")
        return user_id

    def _find_user(self, key: str) -> dict[str, Any] | None:
        if key in self._users:
            return self._users[key]
        lowered = key.lower()
        for user in self._users.values():
            if user["email"].lower() == lowered:
                return user
        return None

    def _user_or_404(self, key: str) -> dict[str, Any]:
        user = self._find_user(key)
        if user is None:
            raise ZoomFailure(404, 1001, f"User does not exist: {key}.")
        return user

    def _meeting_or_404(self, key: str) -> dict[str, Any]:
        try:
            meeting = self._meetings.get(int(key))
        except ValueError:
            meeting = None
        if meeting is None:
            raise ZoomFailure(404, 3001, f"Meeting does not exist: {key}.")
        return meeting

    def _spend_daily(self, user: dict[str, Any], api: str) -> None:
        remaining = self._daily.get(user["id"])
        if remaining is None:
            return
        if remaining <= 0:
            resets = next_midnight_utc()
            failure = ZoomFailure(429, 429, DAILY_LIMIT_MESSAGE.format(api=api))
            failure.reply.headers = {
                "X-RateLimit-Type": "Daily-limit",
                "X-RateLimit-Limit": "100",
                "X-RateLimit-Remaining": "0",
                "Retry-After": utc_text(resets),
            }
            raise failure
        self._daily[user["id"]] = remaining - 1

    # GET /users/{userId}
    def _get_user(self, params: dict[str, str], query: dict[str, str], body: Any) -> Reply:
        return Reply(200, dict(self._user_or_404(params["userId"])))

    # POST /users/{userId}/meetings
    def _create_meeting(self, params: dict[str, str], query: dict[str, str], body: Any) -> Reply:
        user = self._user_or_404(params["userId"])
        validate_meeting(body, creating=True)
        self._spend_daily(user, "Create a meeting")
        meeting = self._new_meeting(user, body)
        self._meetings[meeting["id"]] = meeting
        return Reply(201, create_answer(meeting))

    def _new_meeting(self, user: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
        now = datetime.now(UTC).replace(microsecond=0)
        meeting_type = int(body.get("type", 2))
        timezone = zone_name(body.get("timezone")) or user.get("timezone") or "America/New_York"
        if meeting_type in (2, 8) and body.get("start_time"):
            start = to_utc(body["start_time"], timezone)
        else:
            start = now
        meeting_id = int("8" + digits(10))  # 11 digits, more than an int32 holds
        while meeting_id in self._meetings:
            meeting_id = int("8" + digits(10))
        password = body.get("password") or random_password()
        encrypted = secrets.token_urlsafe(24).replace("-", "a").replace("_", "b")
        settings = default_settings()
        settings.update(body.get("settings") or {})
        meeting: dict[str, Any] = {
            "uuid": base64.b64encode(secrets.token_bytes(16)).decode(),
            "id": meeting_id,
            "host_id": user["id"],
            "host_email": user["email"],
            "assistant_id": "",
            "topic": body.get("topic", "Zoom meeting"),
            "type": meeting_type,
            "status": "waiting",
            "start_time": utc_text(start),
            "duration": int(body.get("duration", 60)),
            "timezone": timezone,
            "agenda": body.get("agenda", ""),
            "created_at": utc_text(now),
            "start_url": f"https://us06web.zoom.us/s/{meeting_id}?zak={secrets.token_urlsafe(32)}",
            "join_url": f"https://us06web.zoom.us/j/{meeting_id}?pwd={encrypted}",
            "password": password,
            "h323_password": digits(6),
            "pstn_password": digits(6),
            "encrypted_password": encrypted,
            "settings": settings,
            "pre_schedule": False,
        }
        if meeting_type == 1:
            meeting.pop("timezone")
        if meeting_type in (3, 8) and body.get("recurrence"):
            meeting["recurrence"] = dict(body["recurrence"])
            if meeting_type == 8:
                meeting["occurrences"] = occurrences(start, timezone, meeting)
        return meeting

    # GET /meetings/{meetingId}
    def _get_meeting(self, params: dict[str, str], query: dict[str, str], body: Any) -> Reply:
        meeting = self._meeting_or_404(params["meetingId"])
        return Reply(200, json.loads(json.dumps(meeting)))

    # PATCH /meetings/{meetingId}
    def _update_meeting(self, params: dict[str, str], query: dict[str, str], body: Any) -> Reply:
        meeting = self._meeting_or_404(params["meetingId"])
        validate_meeting(body, creating=False)
        if self.body_check is not None:
            try:
                self.body_check("meetingUpdate", body)
            except Exception as problem:  # whatever the checker raises: Zoom's 300
                raise validation("body", str(problem).splitlines()[0][:200]) from None
        user = self._users.get(meeting["host_id"]) or {"id": meeting["host_id"]}
        if "occurrence_id" in query:
            occurrence = occurrence_or_400(meeting, query["occurrence_id"])
            validate_occurrence_update(body)
            self._spend_daily(user, "Update a meeting")
            if "start_time" in body:
                tz = zone_name(body.get("timezone")) or meeting.get("timezone") or "UTC"
                occurrence["start_time"] = utc_text(to_utc(body["start_time"], tz))
            if "duration" in body:
                occurrence["duration"] = body["duration"]
            return Reply(204)
        self._spend_daily(user, "Update a meeting")
        for key, value in body.items():
            if key == "settings":
                meeting["settings"].update(value)
            elif key == "start_time":
                tz = zone_name(body.get("timezone")) or meeting.get("timezone") or "UTC"
                meeting["start_time"] = utc_text(to_utc(value, tz))
            elif key in ("topic", "type", "duration", "timezone", "agenda", "password"):
                meeting[key] = value
            elif key == "recurrence":
                meeting["recurrence"] = dict(value)
        if meeting.get("type") == 8 and meeting.get("recurrence"):
            start = datetime.fromisoformat(meeting["start_time"].replace("Z", "+00:00"))
            meeting["occurrences"] = occurrences(start, meeting.get("timezone") or "UTC", meeting)
        return Reply(204)

    # DELETE /meetings/{meetingId}
    def _delete_meeting(self, params: dict[str, str], query: dict[str, str], body: Any) -> Reply:
        meeting = self._meeting_or_404(params["meetingId"])
        if "occurrence_id" in query:
            # Zoom keeps a deleted occurrence in the series, marked "deleted".
            occurrence = occurrence_or_400(meeting, query["occurrence_id"])
            if occurrence.get("status") == "deleted":
                raise ZoomFailure(400, 3000, "Invalid occurrence_id.")
            occurrence["status"] = "deleted"
            return Reply(204)
        del self._meetings[meeting["id"]]
        return Reply(204)

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

    # GET /users/{userId}/meetings
    def _list_meetings(self, params: dict[str, str], query: dict[str, str], body: Any) -> Reply:
        user = self._user_or_404(params["userId"])
        kind = query.get("type", "scheduled")
        if kind not in ("scheduled", "live", "upcoming", "upcoming_meetings", "previous_meetings"):
            raise ZoomFailure(
                400, 300, "Invalid field.", errors=[{"field": "type", "message": "Invalid field."}]
            )
        chosen = [m for m in self._meetings.values() if m["host_id"] == user["id"]]
        chosen = [m for m in chosen if listed(m, kind)]
        chosen.sort(key=lambda m: (m["start_time"], m["id"]))
        page, fields = self._page(query, (user["id"], kind), chosen)
        return Reply(200, {**fields, "meetings": [summary(m) for m in page]})

    # GET /users
    def _list_users(self, params: dict[str, str], query: dict[str, str], body: Any) -> Reply:
        status = query.get("status", "active")
        if status not in ("active", "inactive", "pending"):
            invalid = [{"field": "status", "message": "Invalid field."}]
            raise ZoomFailure(400, 300, "Invalid field.", errors=invalid)
        chosen = [u for u in self._users.values() if u.get("status", "active") == status]
        page, fields = self._page(query, ("users", status), chosen)
        pages = max(1, -(-len(chosen) // fields["page_size"]))
        return Reply(200, {**fields, "page_count": pages, "users": [dict(u) for u in page]})

    _HANDLERS: ClassVar[dict[tuple[str, str], Callable[..., Reply]]] = {
        ("GET", USERS): _list_users,
        ("GET", USER): _get_user,
        ("POST", MEETINGS): _create_meeting,
        ("GET", MEETINGS): _list_meetings,
        ("GET", MEETING): _get_meeting,
        ("PATCH", MEETING): _update_meeting,
        ("DELETE", MEETING): _delete_meeting,
        ("GET", SUMMARY): fake_registrants.get_summary,
        ("POST", REGISTRANTS): fake_registrants.add_registrant,
        ("GET", REGISTRANT): fake_registrants.get_registrant,
        ("PUT", REGISTRANT_STATUS): fake_registrants.set_status,
        ("PATCH", REGISTRANT_QUESTIONS): fake_registrants.set_questions,
    }


# -- Zoom's rules, as plain functions ------------------------------------------------------

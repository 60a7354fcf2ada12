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
import binascii
import calendar
import json
import logging
import re
import secrets
import string
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, ClassVar
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import httpx

from zoom.testing.server import LoopbackServer
from zoom.testing.user_grants import UserGrants
from zoom.testing.websocket import EventSockets
from zoom.webhooks import sign

MEETINGS = "/users/{userId}/meetings"
USER = "/users/{userId}"
USERS = "/users"
MEETING = "/meetings/{meetingId}"
TOKEN = "/oauth/token"  # noqa: S105 - a route, not a secret
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
}

_API_ROUTES = (
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

_START_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z?$")
_PASSWORD = re.compile(r"^[A-Za-z0-9@\-_*]{1,10}$")
_WEEKLY_DAYS = re.compile(r"^[1-7](,[1-7])*$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")

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


@dataclass
class _Reply:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


class _ZoomFailure(Exception):
    def __init__(self, status: int, code: int, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.reply = _Reply(status, {"code": code, "message": message, **extra})


class _QuietDrops(logging.Filter):
    """Drop uvicorn's complaint about the answers `Answer(drop=True)` cuts off on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "without completing response" not in record.getMessage()


logging.getLogger("uvicorn.error").addFilter(_QuietDrops())


def _utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _random_password() -> str:
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(6))


def _digits(n: int) -> str:
    return "".join(secrets.choice(string.digits) for _ in range(n))


def _tracking_id() -> str:
    return f"v=2.0;clid=us06;rid=WEB_{secrets.token_hex(16)}"


def _now_ms() -> int:
    return int(time.time() * 1000)


def _new_uuid() -> str:
    # Zoom's meeting and participant uuids: 16 random bytes, base64 (may hold "/" and "=").
    return base64.b64encode(uuid.uuid4().bytes).decode()


def _made_up_participant(event: str, now: datetime) -> dict[str, Any]:
    person: dict[str, Any] = {
        "user_id": str(16_000_000 + secrets.randbelow(1_000_000)),
        "user_name": "Guest",
        "id": "",
        "participant_uuid": _new_uuid(),
        "email": "",
        "join_time": _utc_text(now),
    }
    if event == "meeting.participant_left":
        person["leave_time"] = _utc_text(now)
        person["leave_reason"] = "left the meeting. Reason : left the meeting"
    return person


def _next_midnight_utc(now: datetime | None = None) -> datetime:
    now = now or datetime.now(UTC)
    return datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), tzinfo=UTC)


class FakeZoom:
    """A local Zoom. See the module docstring; `docs/CONTRACTS.md` fixes the public API."""

    def __init__(
        self,
        account_id: str = "acct-test",
        client_id: str = "cid-test",
        client_secret: str = "secret-test",  # noqa: S107 - the fake's own test secret
        *,
        scopes: tuple[str, ...] = DEFAULT_SCOPES,
        token_ttl: int = 3599,
        webhook_secret: str = "fake-webhook-secret-token",  # noqa: S107 - the fake's own
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
        # Zoom's event WebSocket (zoom/testing/websocket.py), on the same loop, its own port.
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
        # The user-managed OAuth app ("Connect your Zoom"): zoom/testing/user_grants.py.
        self.grants = UserGrants(self)
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
        user = {
            "id": user_id,
            "first_name": first_name,
            "last_name": last_name,
            "display_name": f"{first_name} {last_name}".strip() or email.split("@")[0],
            "email": email,
            "type": type,
            "role_name": "Member",
            "pmi": int("8" + _digits(9)),
            "use_pmi": False,
            "timezone": timezone or "",
            "verified": 1,
            "dept": "",
            "created_at": _utc_text(datetime.now(UTC)),
            "last_login_time": _utc_text(datetime.now(UTC)),
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

    # -- webhooks: the fake as Zoom's event sender -------------------------------------------

    def url_validation_body(self, plain_token: str | None = None) -> dict[str, Any]:
        """The `endpoint.url_validation` challenge Zoom sends when an endpoint URL is saved."""
        return {
            "payload": {"plainToken": plain_token or secrets.token_urlsafe(16)},
            "event_ts": _now_ms(),
            "event": "endpoint.url_validation",
        }

    def event_body(
        self, event: str, meeting_id: int | str | None = None, **fields: Any
    ) -> dict[str, Any]:
        """A webhook body for `event` in Zoom's shape, about the meeting the fake holds under
        `meeting_id` (or, when it holds none, one made up from `fields` and defaults).

        `payload.object.id` is a string of digits for started/ended/participant events and a
        number for `meeting.deleted` / `meeting.updated`, as Zoom sends them. Keyword fields:
        `event_ts` and `account_id` set those; `participant` (a dict) is merged over the made-up
        participant of participant events; `payload` (a dict) is merged into `payload`
        (`operator`, `operation`, …); for `meeting.updated` the other fields are the changes
        (`object`) and `old_object` gets the fake's values before them; for every other event
        the other fields are merged into `payload.object`. The fake's state does not change.
        """
        with self._lock:
            return self._event_body(event, meeting_id, dict(fields))

    def _event_body(
        self, event: str, meeting_id: int | str | None, fields: dict[str, Any]
    ) -> dict[str, Any]:
        now = datetime.now(UTC).replace(microsecond=0)
        event_ts = int(fields.pop("event_ts", None) or _now_ms())
        account_id = fields.pop("account_id", self.account_id)
        participant_fields = fields.pop("participant", None) or {}
        payload_fields = fields.pop("payload", None) or {}
        key = int(meeting_id) if meeting_id is not None and str(meeting_id).isdigit() else None
        held = self._meetings.get(key) if key is not None else None
        live = self._live.get(key) if key is not None else None
        numeric_id = event in ("meeting.deleted", "meeting.updated")

        if held is not None:
            base: dict[str, Any] = {
                "uuid": (live or {}).get("uuid") or held["uuid"],
                "id": held["id"],
                "host_id": held["host_id"],
                "topic": held["topic"],
                "type": held["type"],
                "start_time": held["start_time"],
                "duration": held["duration"],
                "timezone": held.get("timezone", ""),
            }
            if live is not None and event != "meeting.deleted":
                base["start_time"] = _utc_text(live["started_at"])
            host = self._users.get(held["host_id"]) or {}
        else:
            made_up_id = meeting_id if meeting_id is not None else int("8" + _digits(10))
            base = {
                "uuid": base64.b64encode(secrets.token_bytes(16)).decode(),
                "id": made_up_id,
                "host_id": base64.urlsafe_b64encode(secrets.token_bytes(16)).decode()[:22],
                "topic": "Zoom meeting",
                "type": 2,
                "start_time": _utc_text(now),
                "duration": 60,
                "timezone": "America/New_York",
            }
            host = {}
        base["id"] = int(base["id"]) if numeric_id else str(base["id"])

        payload: dict[str, Any] = {"account_id": account_id}
        if event == "meeting.updated":
            obj = {"id": base["id"], "uuid": base["uuid"], **fields}
            old = {"id": base["id"], "uuid": base["uuid"]}
            for name in fields:
                if held is not None and name in held:
                    old[name] = held[name]
            payload.update(
                {
                    "operator": host.get("email", "someone@example.com"),
                    "operator_id": base["host_id"],
                    "operation": "all",
                    "object": obj,
                    "old_object": old,
                    "time_stamp": event_ts,
                }
            )
        else:
            obj = {**base, **fields}
            if event == "meeting.ended" and "end_time" not in obj:
                obj["end_time"] = _utc_text(now)
            if event in ("meeting.participant_joined", "meeting.participant_left"):
                obj["participant"] = {
                    **_made_up_participant(event, now),
                    **participant_fields,
                }
            if event == "meeting.deleted":
                payload["operator"] = host.get("email", "someone@example.com")
                payload["operator_id"] = base["host_id"]
                payload["operation"] = "all"
            payload["object"] = obj
        payload.update(payload_fields)
        return {"event": event, "payload": payload, "event_ts": event_ts}

    def start_meeting(self, meeting_id: int, *, at: datetime | None = None) -> dict[str, Any]:
        """The host starts the meeting: its status becomes "started" (GET and the `live` list
        show it) and the `meeting.started` body is returned. The first start keeps the
        meeting's uuid; a later start after an end gets a new one, as Zoom gives each instance
        of a meeting its own uuid."""
        with self._lock:
            meeting = self._held(meeting_id)
            times = self._instances.get(meeting["id"], 0)
            instance = meeting["uuid"] if times == 0 else _new_uuid()
            self._instances[meeting["id"]] = times + 1
            started = (at or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
            self._live[meeting["id"]] = {"uuid": instance, "started_at": started}
            self._participants[meeting["id"]] = {}
            meeting["status"] = "started"
            return self._event_body("meeting.started", meeting["id"], {})

    def end_meeting(self, meeting_id: int, *, at: datetime | None = None) -> dict[str, Any]:
        """The meeting ends (everyone leaves): status back to "waiting", and the `meeting.ended`
        body with the actual `start_time` and `end_time`. KeyError if it was not started."""
        with self._lock:
            meeting = self._held(meeting_id)
            if meeting["id"] not in self._live:
                raise KeyError(f"meeting {meeting_id} was not started in the fake")
            ended = (at or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
            body = self._event_body("meeting.ended", meeting["id"], {"end_time": _utc_text(ended)})
            del self._live[meeting["id"]]
            self._participants.pop(meeting["id"], None)
            meeting["status"] = "waiting"
            return body

    def join_meeting(
        self,
        meeting_id: int,
        user_name: str,
        *,
        email: str = "",
        zoom_user_id: str = "",
    ) -> dict[str, Any]:
        """`user_name` joins the (started) meeting; returns the `meeting.participant_joined`
        body. `zoom_user_id` is their Zoom user id ("" for a guest, as Zoom sends it)."""
        with self._lock:
            meeting = self._held(meeting_id)
            if meeting["id"] not in self._live:
                raise KeyError(f"meeting {meeting_id} was not started in the fake")
            person = {
                "user_id": str(16_000_000 + secrets.randbelow(1_000_000)),
                "user_name": user_name,
                "id": zoom_user_id,
                "participant_uuid": _new_uuid(),
                "email": email,
                "join_time": _utc_text(datetime.now(UTC)),
            }
            if zoom_user_id:
                person["participant_user_id"] = zoom_user_id
            self._participants[meeting["id"]][user_name] = person
            return self._event_body(
                "meeting.participant_joined", meeting["id"], {"participant": dict(person)}
            )

    def leave_meeting(self, meeting_id: int, user_name: str) -> dict[str, Any]:
        """`user_name` leaves; returns the `meeting.participant_left` body (same participant
        ids as their join). KeyError if they are not in it."""
        with self._lock:
            meeting = self._held(meeting_id)
            person = self._participants.get(meeting["id"], {}).pop(user_name)
            left = {
                **person,
                "leave_time": _utc_text(datetime.now(UTC)),
                "leave_reason": "left the meeting. Reason : left the meeting",
            }
            return self._event_body(
                "meeting.participant_left", meeting["id"], {"participant": left}
            )

    def participants(self, meeting_id: int) -> list[dict[str, Any]]:
        """Who is in the meeting now, in join order, as the join events described them."""
        with self._lock:
            return [dict(p) for p in self._participants.get(int(meeting_id), {}).values()]

    def cancel_meeting(self, meeting_id: int, *, operator: str | None = None) -> dict[str, Any]:
        """Someone deletes the meeting in Zoom itself (not through the API): the fake forgets
        it and returns the `meeting.deleted` body. `operator` is the email shown as deleting."""
        with self._lock:
            meeting = self._held(meeting_id)
            payload = {"operator": operator} if operator else {}
            body = self._event_body("meeting.deleted", meeting["id"], {"payload": payload})
            del self._meetings[meeting["id"]]
            self._live.pop(meeting["id"], None)
            self._participants.pop(meeting["id"], None)
            return body

    def _held(self, meeting_id: int | str) -> dict[str, Any]:
        meeting = self._meetings.get(int(meeting_id))
        if meeting is None:
            raise KeyError(f"no such meeting in the fake: {meeting_id}")
        return meeting

    def event_request(
        self,
        body: dict[str, Any] | bytes,
        *,
        secret: str | None = None,
        timestamp: float | str | None = None,
        signature: str | None = None,
    ) -> tuple[bytes, dict[str, str]]:
        """The raw body and headers Zoom would POST for `body` (a dict is sent as compact
        JSON; bytes as they are). Signed with `secret` (default: `webhook_secret`) at
        `timestamp` (seconds; default now); `signature` replaces the signature outright."""
        raw = body if isinstance(body, bytes) else json.dumps(body, separators=(",", ":")).encode()
        ts = str(int(time.time() if timestamp is None else float(timestamp)))
        _, signed = sign(self.webhook_secret if secret is None else secret, raw, ts)
        headers = {
            "content-type": "application/json; charset=utf-8",
            "user-agent": "Zoom Marketplace/1.0a",
            "clientid": self.client_id,
            "x-zm-request-timestamp": ts,
            "x-zm-signature": signed if signature is None else signature,
            "x-zm-trackingid": _tracking_id(),
        }
        return raw, headers

    def send_event(
        self,
        url: str,
        body: dict[str, Any] | bytes,
        *,
        secret: str | None = None,
        timestamp: float | str | None = None,
        signature: str | None = None,
        timeout: float = 3.0,
    ) -> httpx.Response:
        """POST `body` to `url` as Zoom delivers a webhook (see `event_request` for the
        overrides that forge or age it) and return the answer. `timeout` defaults to the 3 s
        Zoom waits before it counts a delivery as failed (httpx raises past it). Blocking: call
        it from a test's thread, not from the event loop of a server it posts to."""
        raw, headers = self.event_request(
            body, secret=secret, timestamp=timestamp, signature=signature
        )
        response = httpx.post(url, content=raw, headers=headers, timeout=timeout)
        with self._lock:
            self._sent.append(
                {"url": url, "body": raw.decode(errors="replace"), "status": response.status_code}
            )
        return response

    @property
    def sent_events(self) -> list[dict[str, Any]]:
        """Every `send_event` so far: `{"url", "body" (the raw JSON text), "status"}`."""
        with self._lock:
            return list(self._sent)

    # -- the event WebSocket: the fake as Zoom's WebSocket event subscription ----------------
    # The app connects to `ws_url` with `ws_subscription_id` and a token the fake issued;
    # `push_ws_event(fake.start_meeting(id))` sends an event over every open connection.

    @property
    def ws_url(self) -> str:
        """The app's ZOOM_WS_URL (`ws://127.0.0.1:<port>/ws`)."""
        return self._ws.url

    @property
    def ws_subscription_id(self) -> str:
        """The app's ZOOM_WS_SUBSCRIPTION_ID (any other is refused with 401)."""
        return self._ws.subscription_id

    @property
    def ws_opened(self) -> int:
        """Connections ever opened (only grows): pass it to `wait_for_ws_connection`."""
        return self._ws.opened

    @property
    def ws_heartbeats(self) -> int:
        """Heartbeats received, over every connection so far."""
        return self._ws.heartbeats

    def ws_connections(self) -> int:
        """Connections open now."""
        return self._ws.connections()

    def wait_for_ws_connection(self, opened_before: int, timeout: float = 10.0) -> None:
        """Wait until a connection opened after `opened_before` (a past `ws_opened`) is open."""
        self._ws.wait_for_connection(opened_before, timeout)

    def push_ws_event(self, body: dict[str, Any]) -> int:
        """Send `body` (an `event_body`) over every open connection; returns how many."""
        return self._ws.push(body)

    def drop_ws_connections(self) -> int:
        """Close every open connection (as Zoom does when the token expires); returns how many."""
        return self._ws.drop()

    def _loop(self) -> asyncio.AbstractEventLoop:
        loop = self._server.loop
        assert loop is not None, "the fake Zoom is not started"
        return loop

    def _ws_token_ok(self, token: str) -> bool:
        with self._lock:
            issued = self._tokens.get(token)
            return issued is not None and token not in self._revoked and time.time() < issued[0]

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

    async def _send(self, send: Callable, reply: _Reply) -> None:
        headers = {"x-zm-trackingid": _tracking_id(), **reply.headers}
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
    def _scripted_reply(answer: Answer) -> _Reply:
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
        return _Reply(status, body, headers)

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
    ) -> _Reply:
        try:
            if route == TOKEN:
                return self._token(method, headers, body, query)
            if route == AUTHORIZE:
                with self._lock:
                    status, extra, answer = self.grants.authorize(query)
                return _Reply(status, answer, extra)
            if route == REVOKE:
                form = {**query, **(body if isinstance(body, dict) else {})}
                with self._lock:
                    status, answer = self.grants.revoke(form, _basic_client(headers))
                return _Reply(status, answer)
            if route is None:
                raise _ZoomFailure(404, 404, "The requested resource was not found.")
            handler = self._HANDLERS.get((method, route))
            if handler is None:
                raise _ZoomFailure(405, 405, f"Method {method} not allowed.")
            with self._lock:
                self._authorize(headers, method, route)
                if params.get("userId") == "me":
                    params = {**params, "userId": self._token_user(headers)}
            if method in ("POST", "PATCH"):
                if not isinstance(body, dict):
                    raise _ZoomFailure(400, 300, "Request Body should be a valid JSON object.")
            with self._lock:
                return handler(self, params, query, body)
        except _ZoomFailure as failure:
            return failure.reply

    def _token(
        self, method: str, headers: dict[str, str], body: Any, query: dict[str, str]
    ) -> _Reply:
        if method != "POST":
            raise _ZoomFailure(405, 405, "Method not allowed.")
        form = {**query, **(body if isinstance(body, dict) else {})}
        client_id, client_secret = _basic_client(headers)
        if form.get("grant_type") in ("authorization_code", "refresh_token"):
            with self._lock:
                status, answer = self.grants.token(form, (client_id, client_secret))
            return _Reply(status, answer)
        if client_id != self.client_id or client_secret != self.client_secret:
            return _Reply(
                401, {"reason": "Invalid client_id or client_secret", "error": "invalid_client"}
            )
        if form.get("grant_type") != "account_credentials":
            return _Reply(
                400, {"reason": "Unsupported grant type", "error": "unsupported_grant_type"}
            )
        if form.get("account_id") != self.account_id:
            return _Reply(
                400,
                {"reason": "Invalid request : Account ID is invalid.", "error": "invalid_request"},
            )
        token = "fake." + secrets.token_urlsafe(32)
        with self._lock:
            self._tokens[token] = (time.time() + self.token_ttl, self.scopes)
        return _Reply(
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
            raise _ZoomFailure(401, 124, "Invalid access token.")
        token = auth[7:].strip()
        issued = self._tokens.get(token)
        if issued is None or token in self._revoked:
            raise _ZoomFailure(401, 124, "Invalid access token.")
        expires, scopes = issued
        if time.time() >= expires:
            raise _ZoomFailure(401, 124, "Access token is expired.")
        needed = _ROUTE_SCOPES.get((method, route), ())
        if needed and not any(s in scopes for s in needed):
            raise _ZoomFailure(
                400,
                4711,
                f"Invalid access token, does not contain scopes:[{', '.join(needed)}].",
            )

    def _token_user(self, headers: dict[str, str]) -> str:
        """The Zoom user a user-level token acts for ("me"); an account token has none."""
        token = headers.get("authorization", "")[7:].strip()
        user_id = self.grants.access.get(token)
        if user_id is None:
            raise _ZoomFailure(400, 1001, "User does not exist: me.")
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
            raise _ZoomFailure(404, 1001, f"User does not exist: {key}.")
        return user

    def _meeting_or_404(self, key: str) -> dict[str, Any]:
        try:
            meeting = self._meetings.get(int(key))
        except ValueError:
            meeting = None
        if meeting is None:
            raise _ZoomFailure(404, 3001, f"Meeting does not exist: {key}.")
        return meeting

    def _spend_daily(self, user: dict[str, Any], api: str) -> None:
        remaining = self._daily.get(user["id"])
        if remaining is None:
            return
        if remaining <= 0:
            resets = _next_midnight_utc()
            failure = _ZoomFailure(429, 429, DAILY_LIMIT_MESSAGE.format(api=api))
            failure.reply.headers = {
                "X-RateLimit-Type": "Daily-limit",
                "X-RateLimit-Limit": "100",
                "X-RateLimit-Remaining": "0",
                "Retry-After": _utc_text(resets),
            }
            raise failure
        self._daily[user["id"]] = remaining - 1

    # GET /users/{userId}
    def _get_user(self, params: dict[str, str], query: dict[str, str], body: Any) -> _Reply:
        return _Reply(200, dict(self._user_or_404(params["userId"])))

    # POST /users/{userId}/meetings
    def _create_meeting(self, params: dict[str, str], query: dict[str, str], body: Any) -> _Reply:
        user = self._user_or_404(params["userId"])
        _validate_meeting(body, creating=True)
        self._spend_daily(user, "Create a meeting")
        meeting = self._new_meeting(user, body)
        self._meetings[meeting["id"]] = meeting
        return _Reply(201, _create_answer(meeting))

    def _new_meeting(self, user: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
        now = datetime.now(UTC).replace(microsecond=0)
        meeting_type = int(body.get("type", 2))
        timezone = _zone_name(body.get("timezone")) or user.get("timezone") or "America/New_York"
        if meeting_type in (2, 8) and body.get("start_time"):
            start = _to_utc(body["start_time"], timezone)
        else:
            start = now
        meeting_id = int("8" + _digits(10))  # 11 digits, more than an int32 holds
        while meeting_id in self._meetings:
            meeting_id = int("8" + _digits(10))
        password = body.get("password") or _random_password()
        encrypted = secrets.token_urlsafe(24).replace("-", "a").replace("_", "b")
        settings = _default_settings()
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
            "start_time": _utc_text(start),
            "duration": int(body.get("duration", 60)),
            "timezone": timezone,
            "agenda": body.get("agenda", ""),
            "created_at": _utc_text(now),
            "start_url": f"https://us06web.zoom.us/s/{meeting_id}?zak={secrets.token_urlsafe(32)}",
            "join_url": f"https://us06web.zoom.us/j/{meeting_id}?pwd={encrypted}",
            "password": password,
            "h323_password": _digits(6),
            "pstn_password": _digits(6),
            "encrypted_password": encrypted,
            "settings": settings,
            "pre_schedule": False,
        }
        if meeting_type == 1:
            meeting.pop("timezone")
        if meeting_type in (3, 8) and body.get("recurrence"):
            meeting["recurrence"] = dict(body["recurrence"])
            if meeting_type == 8:
                meeting["occurrences"] = _occurrences(start, timezone, meeting)
        return meeting

    # GET /meetings/{meetingId}
    def _get_meeting(self, params: dict[str, str], query: dict[str, str], body: Any) -> _Reply:
        meeting = self._meeting_or_404(params["meetingId"])
        return _Reply(200, json.loads(json.dumps(meeting)))

    # PATCH /meetings/{meetingId}
    def _update_meeting(self, params: dict[str, str], query: dict[str, str], body: Any) -> _Reply:
        meeting = self._meeting_or_404(params["meetingId"])
        _validate_meeting(body, creating=False)
        if self.body_check is not None:
            try:
                self.body_check("meetingUpdate", body)
            except Exception as problem:  # whatever the checker raises: Zoom's 300
                raise _validation("body", str(problem).splitlines()[0][:200]) from None
        user = self._users.get(meeting["host_id"]) or {"id": meeting["host_id"]}
        if "occurrence_id" in query:
            occurrence = _occurrence_or_400(meeting, query["occurrence_id"])
            _validate_occurrence_update(body)
            self._spend_daily(user, "Update a meeting")
            if "start_time" in body:
                tz = _zone_name(body.get("timezone")) or meeting.get("timezone") or "UTC"
                occurrence["start_time"] = _utc_text(_to_utc(body["start_time"], tz))
            if "duration" in body:
                occurrence["duration"] = body["duration"]
            return _Reply(204)
        self._spend_daily(user, "Update a meeting")
        for key, value in body.items():
            if key == "settings":
                meeting["settings"].update(value)
            elif key == "start_time":
                tz = _zone_name(body.get("timezone")) or meeting.get("timezone") or "UTC"
                meeting["start_time"] = _utc_text(_to_utc(value, tz))
            elif key in ("topic", "type", "duration", "timezone", "agenda", "password"):
                meeting[key] = value
            elif key == "recurrence":
                meeting["recurrence"] = dict(value)
        if meeting.get("type") == 8 and meeting.get("recurrence"):
            start = datetime.fromisoformat(meeting["start_time"].replace("Z", "+00:00"))
            meeting["occurrences"] = _occurrences(start, meeting.get("timezone") or "UTC", meeting)
        return _Reply(204)

    # DELETE /meetings/{meetingId}
    def _delete_meeting(self, params: dict[str, str], query: dict[str, str], body: Any) -> _Reply:
        meeting = self._meeting_or_404(params["meetingId"])
        if "occurrence_id" in query:
            # Zoom keeps a deleted occurrence in the series, marked "deleted".
            occurrence = _occurrence_or_400(meeting, query["occurrence_id"])
            if occurrence.get("status") == "deleted":
                raise _ZoomFailure(400, 3000, "Invalid occurrence_id.")
            occurrence["status"] = "deleted"
            return _Reply(204)
        del self._meetings[meeting["id"]]
        return _Reply(204)

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
                raise _ZoomFailure(400, 300, "Invalid next_page_token.")
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
    def _list_meetings(self, params: dict[str, str], query: dict[str, str], body: Any) -> _Reply:
        user = self._user_or_404(params["userId"])
        kind = query.get("type", "scheduled")
        if kind not in ("scheduled", "live", "upcoming", "upcoming_meetings", "previous_meetings"):
            raise _ZoomFailure(
                400, 300, "Invalid field.", errors=[{"field": "type", "message": "Invalid field."}]
            )
        chosen = [m for m in self._meetings.values() if m["host_id"] == user["id"]]
        chosen = [m for m in chosen if _listed(m, kind)]
        chosen.sort(key=lambda m: (m["start_time"], m["id"]))
        page, fields = self._page(query, (user["id"], kind), chosen)
        return _Reply(200, {**fields, "meetings": [_summary(m) for m in page]})

    # GET /users
    def _list_users(self, params: dict[str, str], query: dict[str, str], body: Any) -> _Reply:
        status = query.get("status", "active")
        if status not in ("active", "inactive", "pending"):
            invalid = [{"field": "status", "message": "Invalid field."}]
            raise _ZoomFailure(400, 300, "Invalid field.", errors=invalid)
        chosen = [u for u in self._users.values() if u.get("status", "active") == status]
        page, fields = self._page(query, ("users", status), chosen)
        pages = max(1, -(-len(chosen) // fields["page_size"]))
        return _Reply(200, {**fields, "page_count": pages, "users": [dict(u) for u in page]})

    _HANDLERS: ClassVar[dict[tuple[str, str], Callable[..., _Reply]]] = {
        ("GET", USERS): _list_users,
        ("GET", USER): _get_user,
        ("POST", MEETINGS): _create_meeting,
        ("GET", MEETINGS): _list_meetings,
        ("GET", MEETING): _get_meeting,
        ("PATCH", MEETING): _update_meeting,
        ("DELETE", MEETING): _delete_meeting,
    }


# -- Zoom's rules, as plain functions ------------------------------------------------------


def _basic_client(headers: dict[str, str]) -> tuple[str | None, str | None]:
    """The client id and secret of an `Authorization: Basic …` header, else (None, None)."""
    auth = headers.get("authorization", "")
    if auth.lower().startswith("basic "):
        try:
            client_id, _, client_secret = base64.b64decode(auth[6:].strip()).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None, None
        return client_id, client_secret
    return None, None


def _zone_name(name: Any) -> str | None:
    if not name or not isinstance(name, str):
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None  # Zoom ignores a zone it does not know and uses the host's
    return name


def _to_utc(start_time: str, timezone: str) -> datetime:
    if start_time.endswith("Z"):
        return datetime.fromisoformat(start_time[:-1]).replace(tzinfo=UTC)
    return datetime.fromisoformat(start_time).replace(tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def _validation(field_name: str, message: str) -> _ZoomFailure:
    return _ZoomFailure(
        400, 300, "Validation Failed.", errors=[{"field": field_name, "message": message}]
    )


def _validate_meeting(body: dict[str, Any], *, creating: bool) -> None:
    """Raise the 300 Zoom gives for what zoombot could get wrong."""
    topic = body.get("topic")
    if topic is not None and (not isinstance(topic, str) or len(topic) > 200):
        raise _validation("topic", "size must be between 0 and 200")
    meeting_type = body.get("type", 2)
    if meeting_type not in (1, 2, 3, 8):
        raise _validation("type", "Invalid field.")
    start_time = body.get("start_time")
    if start_time is not None:
        valid = isinstance(start_time, str) and bool(_START_TIME.match(start_time))
        if valid:
            try:
                datetime.fromisoformat(start_time.rstrip("Z"))
            except ValueError:
                valid = False
        if not valid:
            raise _validation("start_time", "Invalid field.")
    duration = body.get("duration")
    if duration is not None and (not isinstance(duration, int) or duration < 0):
        raise _validation("duration", "Invalid field.")
    password = body.get("password")
    if password is not None and (not isinstance(password, str) or not _PASSWORD.match(password)):
        raise _validation(
            "password",
            "Password can only contain the following characters: [a-z A-Z 0-9 @ - _ *] "
            "and can have a maximum of 10 characters.",
        )
    recurrence = body.get("recurrence")
    if recurrence is not None:
        _validate_recurrence(recurrence)
    settings = body.get("settings")
    if settings is not None:
        if not isinstance(settings, dict):
            raise _validation("settings", "Invalid field.")
        hosts = settings.get("alternative_hosts")
        if hosts:
            for email in str(hosts).replace(",", ";").split(";"):
                if email and not _EMAIL.match(email.strip()):
                    raise _validation("settings.alternative_hosts", "Invalid field.")
        recording = settings.get("auto_recording")
        if recording is not None and recording not in ("local", "cloud", "none"):
            raise _validation("settings.auto_recording", "Invalid field.")


# What Zoom changes of one occurrence (`PATCH /meetings/{id}?occurrence_id=…`).
_OCCURRENCE_FIELDS = frozenset({"start_time", "duration", "timezone", "agenda", "settings"})


def _occurrence_or_400(meeting: dict[str, Any], occurrence_id: str) -> dict[str, Any]:
    for occurrence in meeting.get("occurrences") or ():
        if str(occurrence.get("occurrence_id")) == str(occurrence_id):
            return occurrence
    raise _ZoomFailure(400, 3000, "Invalid occurrence_id.")


def _validate_occurrence_update(body: dict[str, Any]) -> None:
    """Zoom takes only some fields for one occurrence; the rest are the series'."""
    for key in body:
        if key not in _OCCURRENCE_FIELDS:
            raise _validation(key, "Can not update this field for an occurrence.")


def _validate_recurrence(recurrence: Any) -> None:
    if not isinstance(recurrence, dict) or recurrence.get("type") not in (1, 2, 3):
        raise _validation("recurrence.type", "Invalid field.")
    kind = recurrence["type"]
    if "end_times" in recurrence and "end_date_time" in recurrence:
        raise _validation(
            "recurrence.end_times", "end_times and end_date_time can not be set at the same time."
        )
    end_times = recurrence.get("end_times")
    if end_times is not None and (not isinstance(end_times, int) or not 1 <= end_times <= 60):
        raise _validation("recurrence.end_times", "must be between 1 and 60")
    end = recurrence.get("end_date_time")
    if end is not None and (not isinstance(end, str) or not _START_TIME.match(end)):
        raise _validation("recurrence.end_date_time", "Invalid field.")
    interval = recurrence.get("repeat_interval")
    limit = {1: 99, 2: 50, 3: 10}[kind]
    if interval is not None and (not isinstance(interval, int) or not 1 <= interval <= limit):
        raise _validation("recurrence.repeat_interval", f"must be between 1 and {limit}")
    if kind == 2:
        days = recurrence.get("weekly_days")
        if not isinstance(days, str) or not _WEEKLY_DAYS.match(days):
            raise _validation("recurrence.weekly_days", "weekly_days is required for weekly.")
    if kind == 3:
        by_day = recurrence.get("monthly_day")
        by_week = recurrence.get("monthly_week"), recurrence.get("monthly_week_day")
        if by_day is None and None in by_week:
            raise _validation(
                "recurrence.monthly_day", "monthly_day or monthly_week is required for monthly."
            )
        if by_day is not None and (not isinstance(by_day, int) or not 1 <= by_day <= 31):
            raise _validation("recurrence.monthly_day", "must be between 1 and 31")


def _default_settings() -> dict[str, Any]:
    return {
        "host_video": False,
        "participant_video": False,
        "cn_meeting": False,
        "in_meeting": False,
        "join_before_host": False,
        "jbh_time": 0,
        "mute_upon_entry": False,
        "watermark": False,
        "use_pmi": False,
        "approval_type": 2,
        "audio": "voip",
        "auto_recording": "none",
        "enforce_login": False,
        "enforce_login_domains": "",
        "alternative_hosts": "",
        "alternative_host_update_polls": False,
        "close_registration": False,
        "show_share_button": False,
        "allow_multiple_devices": False,
        "registrants_confirmation_email": True,
        "waiting_room": True,
        "request_permission_to_unmute_participants": False,
        "registrants_email_notification": True,
        "meeting_authentication": False,
        "encryption_type": "enhanced_encryption",
        "approved_or_denied_countries_or_regions": {"enable": False},
        "breakout_room": {"enable": False},
        "alternative_hosts_email_notification": True,
        "device_testing": False,
        "focus_mode": False,
        "private_meeting": False,
        "email_notification": True,
        "host_save_video_order": False,
    }


def _occurrences(start: datetime, timezone: str, meeting: dict[str, Any]) -> list[dict[str, Any]]:
    """Up to 60 occurrences (Zoom's maximum), computed in the meeting's local time."""
    recurrence = meeting["recurrence"]
    zone = ZoneInfo(timezone)
    local = start.astimezone(zone)
    interval = int(recurrence.get("repeat_interval") or 1)
    count = int(recurrence.get("end_times") or 0) or None
    until = None
    if recurrence.get("end_date_time"):
        until = _to_utc(recurrence["end_date_time"], "UTC")
    if count is None and until is None:
        count = 7  # Zoom's default when neither is given
    days: list[date] = []
    kind = recurrence["type"]
    day = local.date()
    limit = min(count or 60, 60)
    for _ in range(3700):  # enough for 60 occurrences at any interval
        if len(days) >= limit:
            break
        if kind == 1:
            if (day - local.date()).days % interval == 0:
                days.append(day)
        elif kind == 2:
            wanted = {int(d) for d in str(recurrence["weekly_days"]).split(",")}
            zoom_weekday = (day.isoweekday() % 7) + 1  # Zoom: 1 = Sunday
            week = ((day - local.date()).days + local.date().weekday()) // 7
            if zoom_weekday in wanted and week % interval == 0:
                days.append(day)
        elif kind == 3:
            months = (day.year - local.year) * 12 + day.month - local.month
            if months % interval == 0 and _monthly_match(day, recurrence):
                days.append(day)
        day += timedelta(days=1)
    occurrences = []
    for d in days:
        moment = datetime.combine(d, local.timetz().replace(tzinfo=None), tzinfo=zone)
        if until is not None and moment > until:
            break
        occurrences.append(
            {
                "occurrence_id": str(int(moment.timestamp() * 1000)),
                "start_time": _utc_text(moment),
                "duration": meeting["duration"],
                "status": "available",
            }
        )
    return occurrences


def _monthly_match(day: date, recurrence: dict[str, Any]) -> bool:
    if recurrence.get("monthly_day") is not None:
        wanted = min(int(recurrence["monthly_day"]), calendar.monthrange(day.year, day.month)[1])
        return day.day == wanted
    week = int(recurrence["monthly_week"])  # -1 = last, 1..4
    weekday = int(recurrence["monthly_week_day"])  # 1 = Sunday
    if (day.isoweekday() % 7) + 1 != weekday:
        return False
    if week == -1:
        return day.day + 7 > calendar.monthrange(day.year, day.month)[1]
    return (day.day - 1) // 7 + 1 == week


def _listed(meeting: dict[str, Any], kind: str) -> bool:
    now = datetime.now(UTC)
    start = datetime.fromisoformat(meeting["start_time"].replace("Z", "+00:00"))
    end = start + timedelta(minutes=meeting.get("duration") or 0)
    occurrences = meeting.get("occurrences") or []
    if occurrences:
        last = occurrences[-1]["start_time"]
        end = datetime.fromisoformat(last.replace("Z", "+00:00")) + timedelta(
            minutes=meeting.get("duration") or 0
        )
    if meeting["type"] == 1:
        # Zoom's list API "does not return information about instant meetings" (its OpenAPI
        # document); the live listing shows them while they are going on.
        return kind == "live" and meeting.get("status") == "started"
    if kind == "live":
        return meeting.get("status") == "started"
    if kind in ("upcoming", "upcoming_meetings"):
        return meeting["type"] == 3 or end >= now or meeting.get("status") == "started"
    if kind == "previous_meetings":
        return meeting["type"] in (2, 8) and end < now
    return True  # scheduled: every unexpired meeting the fake holds


def _summary(meeting: dict[str, Any]) -> dict[str, Any]:
    keys = (
        "uuid",
        "id",
        "host_id",
        "topic",
        "type",
        "start_time",
        "duration",
        "timezone",
        "agenda",
        "created_at",
        "join_url",
    )
    return {k: meeting[k] for k in keys if k in meeting}


def _create_answer(meeting: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(meeting))  # a deep copy: later changes don't leak into it

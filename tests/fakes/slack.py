"""A fake Slack (Web API + response URLs) and builders for the requests Slack sends to an app.

`FakeSlack` is a real HTTP server on a loopback port (a Starlette app served by
`tests.fakes.loopback.LoopbackServer`). The app under test points its `AsyncWebClient` at
`fake.api_url` (`SLACK_API_URL`) and talks to it exactly as it would talk to Slack: POSTs (or
GETs) to `{api_url}{method}` with form, query or JSON parameters and `Authorization: Bearer`.
The fake answers in Slack's shapes, records every call, checks the basic shape of what it gets
(so app bugs show up here rather than in production), and can be told to answer with a rate
limit, a server error, a delay, a body that is not JSON or is labelled JSON but is not, on any
status (`script`), or to carry a call out and answer only after the client gave up
(`SlackAnswer(act=True)`, `slow_but_done`, `slow_down`). `conversations.history` and
`conversations.replies` return the bot's messages with their `metadata` (when asked with
`include_all_metadata`); `missing_scopes` makes them answer `missing_scope`. The Calls API
(`calls.*`, and `call` blocks) is in tests/fakes/slack_calls.py (`slack_calls`).

It also speaks Socket Mode: `apps.connections.open` (with the app-level token) hands out a
`ws://` URL to a WebSocket endpoint that says hello, carries envelopes to the app
(`send_socket_envelope`) and records the acks it sends back (`socket_acks`, `wait_for_ack`).

The builders (`signed_headers`, `slash_command_body`, `interactive_body`, the payload builders
and `SlackSender`) produce byte for byte what Slack sends to an app's request URL: form bodies
signed with `v0=HMAC-SHA256("v0:{timestamp}:{body}")`.

Everything here is for tests and benchmarks; nothing in the app imports it.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import secrets
import string
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl
from zoneinfo import ZoneInfo

from aiohttp import WSMsgType, web
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from tests.fakes.loopback import LoopbackServer
from tests.fakes.slack_oauth import Workspace, Workspaces

TEAM_ID = "T0ZOOMBOT"
TEAM_DOMAIN = "zoombot-test"
API_APP_ID = "A0ZOOMBOT"
BOT_USER_ID = "U0BOTUSER"
BOT_ID = "B0BOTUSER"
DEFAULT_CHANNEL = "C0GENERAL"
DEFAULT_CHANNEL_NAME = "general"
APP_TOKEN = "xapp-1-A0ZOOMBOT-1111111111-zoombotTestAppToken"
# Deprecated by Slack, still sent in bodies; not a secret.
VERIFICATION_TOKEN = "legacy-verification-token"

TRIGGER_LIFETIME = 3.0  # seconds a trigger_id can open a view, as on Slack
RESPONSE_URL_USES = 5  # Slack accepts up to 5 posts to one response_url
RESPONSE_URL_LIFETIME = 30 * 60.0

MAX_TEXT = 40_000
MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
SCHEDULE_AHEAD = 120 * 86400.0  # chat.scheduleMessage: at most 120 days ahead

# Slack's request-URL payloads carry ids of this shape; anything goes in the fake, but realistic
# ids catch code that assumes a length or a prefix.
_ID_CHARS = string.ascii_uppercase + string.digits


def new_id(prefix: str, length: int = 10) -> str:
    """A fresh Slack-looking id such as `U4F7KQ2M9XA` (prefix + upper-case letters/digits)."""
    return prefix + "".join(secrets.choice(_ID_CHARS) for _ in range(length))


def new_trigger_id() -> str:
    """A trigger id that the fake accepts for `TRIGGER_LIFETIME` seconds from now.

    The minting time is part of the id (as Slack's ids carry a time too), so any builder can
    mint one without asking the fake, and expiry still works.
    """
    return f"{secrets.randbelow(10**11)}.{int(time.time() * 1000)}.{secrets.token_hex(10)}"


def _trigger_minted_at(trigger_id: str) -> float | None:
    parts = trigger_id.split(".")
    if len(parts) != 3 or not parts[1].isdigit():
        return None
    return int(parts[1]) / 1000


# --------------------------------------------------------------------------------------------
# What the fake records and how it can be told to answer
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    """One Web API call as the fake received it.

    `params` merges query, form and JSON parameters; JSON-encoded form values (`blocks`, `view`,
    `attachments`) are decoded. `headers` have lower-case names. `at` is `time.monotonic()` on
    arrival. `status` and `answer` are what the fake answered, `done` when (filled in when it
    answered; 0 until then).
    """

    method: str
    params: dict[str, Any]
    headers: dict[str, str]
    at: float
    status: int = 0
    answer: Any = None
    done: float = 0.0


@dataclass(frozen=True)
class SocketAck:
    """What the app sent back over Socket Mode for one envelope: `{"envelope_id", "payload"?}`.

    `payload` is None when the app acked with no body (an empty 200 over HTTP); `at` is
    `time.monotonic()` on arrival.
    """

    envelope_id: str
    payload: dict[str, Any] | None
    at: float


@dataclass(frozen=True)
class ResponsePost:
    """One POST to a response URL: the URL, the JSON body, the status answered and `at`, the
    `time.monotonic()` when the fake answered it (after any latency)."""

    url: str
    body: dict[str, Any]
    at: float
    status: int


@dataclass(frozen=True)
class SlackAnswer:
    """A scripted answer.

    `status=200, body=None`: answer normally, after `delay` seconds (use it to slow one call).
    `status=429`: a rate limit; `Retry-After` defaults to 1 and the body to `ratelimited`.
    `status>=500`: a server error with a plain-text body unless `body` is given.
    `body` as a dict is sent as JSON (e.g. `{"ok": False, "error": "channel_not_found"}`);
    as a string, as plain text, or labelled `content_type` when given (e.g. an HTML page
    labelled `application/json`: a mislabelled answer).
    `act=True`: carry the call out when it arrives (a chat.postMessage posts), then answer
    after `delay` (normally, or with `status`/`body` when given): Slack slower than the
    client's timeout, but doing the work.
    """

    status: int = 200
    body: dict[str, Any] | str | None = None
    headers: dict[str, str] | None = None
    delay: float = 0.0
    content_type: str | None = None
    act: bool = False


def ratelimited(retry_after: int = 1) -> SlackAnswer:
    """Slack's rate-limit answer: HTTP 429 with `Retry-After`."""
    return SlackAnswer(status=429, headers={"Retry-After": str(retry_after)})


def slack_error(error: str, **extra: Any) -> SlackAnswer:
    """An `ok: false` answer with HTTP 200, as Slack reports most errors."""
    return SlackAnswer(body={"ok": False, "error": error, **extra})


def server_error(status: int = 503) -> SlackAnswer:
    return SlackAnswer(status=status)


def plain_text(status: int = 503, body: str = "upstream connect error") -> SlackAnswer:
    """A proxy's answer: `text/plain`, not Slack's JSON (any status)."""
    return SlackAnswer(status=status, body=body, content_type="text/plain; charset=utf-8")


def mislabelled(status: int = 500, body: str | None = None) -> SlackAnswer:
    """An HTML error page labelled `application/json` (any status)."""
    html = body if body is not None else "<html><body><h1>500 Internal Error</h1></body></html>"
    return SlackAnswer(status=status, body=html, content_type="application/json")


def slow_but_done(delay: float) -> SlackAnswer:
    """Carry the call out at once (the message is in the channel), answer after `delay`."""
    return SlackAnswer(delay=delay, act=True)


class SlackError(Exception):
    """Raised inside a handler: becomes `{"ok": false, "error": error, ...}`."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra


# --------------------------------------------------------------------------------------------
# Shape checks: the parts of Slack's validation that catch real app bugs
# --------------------------------------------------------------------------------------------


def _text_len_errors(obj: Any, pointer: str, limit: int, *, plain_only: bool = False) -> list[str]:
    if not isinstance(obj, dict) or "type" not in obj or "text" not in obj:
        return [f"must provide a text object [json-pointer:{pointer}]"]
    if obj["type"] not in ("plain_text", "mrkdwn") or (plain_only and obj["type"] != "plain_text"):
        return [f"must be a valid enum value [json-pointer:{pointer}/type]"]
    text = obj["text"]
    if not isinstance(text, str) or not text:
        return [f"must be more than 0 characters [json-pointer:{pointer}/text]"]
    if len(text) > limit:
        return [f"must be less than {limit + 1} characters [json-pointer:{pointer}/text]"]
    return []


def _element_errors(element: Any, pointer: str) -> list[str]:
    if not isinstance(element, dict) or not isinstance(element.get("type"), str):
        return [f"must be an object with a type [json-pointer:{pointer}]"]
    errors: list[str] = []
    if len(str(element.get("action_id", ""))) > 255:
        errors.append(f"must be less than 256 characters [json-pointer:{pointer}/action_id]")
    if element["type"] == "button":
        errors += _text_len_errors(element.get("text"), f"{pointer}/text", 75, plain_only=True)
        if len(str(element.get("url", ""))) > 3000:
            errors.append(f"must be less than 3001 characters [json-pointer:{pointer}/url]")
        if len(str(element.get("value", ""))) > 2000:
            errors.append(f"must be less than 2001 characters [json-pointer:{pointer}/value]")
    for key in ("options", "initial_options"):
        for i, option in enumerate(element.get(key) or []):
            errors += _text_len_errors(option.get("text"), f"{pointer}/{key}/{i}/text", 75)
            if len(str(option.get("value", ""))) > 150:
                errors.append(
                    f"must be less than 151 characters [json-pointer:{pointer}/{key}/{i}]"
                )
    if element["type"] == "plain_text_input" and "initial_value" in element:
        limit = element.get("max_length", 3000)
        if len(str(element["initial_value"])) > limit:
            errors.append(f"initial_value too long [json-pointer:{pointer}/initial_value]")
    return errors


def block_errors(blocks: Any, limit: int, pointer: str = "/blocks") -> list[str]:
    """Slack-style messages (with JSON pointers) for what Slack would reject in `blocks`."""
    if not isinstance(blocks, list):
        return [f"must be an array [json-pointer:{pointer}]"]
    errors: list[str] = []
    if len(blocks) > limit:
        errors.append(f"must be less than {limit + 1} items [json-pointer:{pointer}]")
    block_ids: set[str] = set()
    for i, block in enumerate(blocks):
        here = f"{pointer}/{i}"
        if not isinstance(block, dict) or not isinstance(block.get("type"), str):
            errors.append(f"must be an object with a type [json-pointer:{here}]")
            continue
        block_id = block.get("block_id")
        if block_id is not None:
            if block_id in block_ids:
                errors.append(f"duplicate block_id [json-pointer:{here}/block_id]")
            block_ids.add(block_id)
        kind = block["type"]
        if kind == "section":
            if "text" not in block and "fields" not in block:
                errors.append(f"must provide text or fields [json-pointer:{here}]")
            if "text" in block:
                errors += _text_len_errors(block["text"], f"{here}/text", 3000)
            for j, item in enumerate(block.get("fields") or []):
                errors += _text_len_errors(item, f"{here}/fields/{j}", 2000)
            if len(block.get("fields") or []) > 10:
                errors.append(f"must be less than 11 items [json-pointer:{here}/fields]")
            if "accessory" in block:
                errors += _element_errors(block["accessory"], f"{here}/accessory")
        elif kind == "header":
            errors += _text_len_errors(block.get("text"), f"{here}/text", 150, plain_only=True)
        elif kind == "context":
            elements = block.get("elements") or []
            if not elements or len(elements) > 10:
                errors.append(f"must have 1 to 10 elements [json-pointer:{here}/elements]")
            for j, item in enumerate(elements):
                if isinstance(item, dict) and item.get("type") in ("plain_text", "mrkdwn"):
                    errors += _text_len_errors(item, f"{here}/elements/{j}", 3000)
        elif kind == "actions":
            elements = block.get("elements") or []
            if not elements or len(elements) > 25:
                errors.append(f"must have 1 to 25 elements [json-pointer:{here}/elements]")
            for j, item in enumerate(elements):
                errors += _element_errors(item, f"{here}/elements/{j}")
        elif kind == "input":
            errors += _text_len_errors(block.get("label"), f"{here}/label", 2000, plain_only=True)
            errors += _element_errors(block.get("element"), f"{here}/element")
        elif kind == "call":
            if not isinstance(block.get("call_id"), str) or not block["call_id"]:
                errors.append(f"must provide a call_id [json-pointer:{here}/call_id]")
        elif kind not in ("divider", "image", "rich_text", "file", "video", "markdown"):
            errors.append(f"unsupported block type {kind!r} [json-pointer:{here}/type]")
    return errors


def view_errors(view: Any) -> list[str]:
    """What Slack would reject in a `view` given to views.open/update/push/publish."""
    if not isinstance(view, dict):
        return ["must provide an object [json-pointer:/view]"]
    errors: list[str] = []
    kind = view.get("type")
    if kind not in ("modal", "home"):
        errors.append("must be modal or home [json-pointer:/view/type]")
    if kind == "modal":
        errors += _text_len_errors(view.get("title"), "/view/title", 24, plain_only=True)
        for key in ("submit", "close"):
            if key in view:
                errors += _text_len_errors(view[key], f"/view/{key}", 24, plain_only=True)
        has_input = any(
            isinstance(b, dict) and b.get("type") == "input" for b in view.get("blocks") or []
        )
        if has_input and "submit" not in view:
            errors.append("submit is required when blocks contain input [json-pointer:/view]")
    errors += block_errors(view.get("blocks"), MAX_VIEW_BLOCKS, "/view/blocks")
    if len(str(view.get("private_metadata", ""))) > 3000:
        errors.append("must be less than 3001 characters [json-pointer:/view/private_metadata]")
    if len(str(view.get("callback_id", ""))) > 255:
        errors.append("must be less than 256 characters [json-pointer:/view/callback_id]")
    return errors


def _tz_fields(tz: str | None) -> dict[str, Any]:
    if tz is None:
        return {}
    try:
        now = datetime.now(ZoneInfo(tz))
    except (KeyError, ValueError):
        # Slack has been seen to send zones Python does not know; keep them as sent.
        return {"tz": tz, "tz_label": tz, "tz_offset": 0}
    offset = now.utcoffset()
    return {
        "tz": tz,
        "tz_label": now.tzname() or tz,
        "tz_offset": int(offset.total_seconds()) if offset else 0,
    }


# --------------------------------------------------------------------------------------------
# The fake
# --------------------------------------------------------------------------------------------

Handler = Callable[[dict[str, Any]], dict[str, Any]]


class FakeSlack:
    """Slack's Web API and response URLs, on `http://127.0.0.1:PORT`.

    Thread-safe: the server runs in its own thread; tests read `calls`, `responses` and the
    other state from theirs. Start with `start()` (returns self) and stop with `stop()`.
    Holds a default public channel `DEFAULT_CHANNEL` ("general") that the bot is a member of.
    """

    def __init__(
        self,
        bot_token: str = "xoxb-test-0000000000-zoombot",
        signing_secret: str = "test-signing-secret",
        *,
        team_id: str = TEAM_ID,
        team_domain: str = TEAM_DOMAIN,
        bot_user_id: str = BOT_USER_ID,
        bot_id: str = BOT_ID,
        api_app_id: str = API_APP_ID,
        app_token: str = APP_TOKEN,
    ) -> None:
        self.bot_token = bot_token
        self.app_token = app_token
        self.signing_secret = signing_secret
        self.team_id = team_id
        self.team_domain = team_domain
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.api_app_id = api_app_id
        self.latency = 0.0
        # With the chat:write.public scope (as in manifest.yml) the bot can post to public
        # channels it is not in; set False to see Slack's not_in_channel.
        self.can_write_public = True
        # Scopes the app lacks: conversations.history/replies answer `missing_scope`.
        self.missing_scopes: set[str] = set()
        self._lock = threading.RLock()
        self._server = LoopbackServer(self._asgi())
        # Socket Mode: uvicorn here has no WebSocket library, so the WebSocket side is an
        # aiohttp site (aiohttp ships with slack_sdk's client) on the same loop, its own port.
        self._socket_runner: web.AppRunner | None = None
        self._socket_port = 0
        self._sockets: list[web.WebSocketResponse] = []
        # Every connection ever opened (a count that only grows): a test waits for the next
        # one without counting a previous app's socket that is still closing.
        self.sockets_opened = 0
        self._tickets: set[str] = set()
        self._last_ts = 0  # microseconds of the last ts handed out
        self._handlers: dict[str, Handler] = {
            "api.test": self._api_test,
            "auth.test": self._auth_test,
            "users.info": self._users_info,
            "users.lookupByEmail": self._users_lookup_by_email,
            "chat.postMessage": self._chat_post_message,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.update": self._chat_update,
            "chat.delete": self._chat_delete,
            "chat.getPermalink": self._chat_get_permalink,
            "chat.scheduleMessage": self._chat_schedule_message,
            "chat.deleteScheduledMessage": self._chat_delete_scheduled_message,
            "chat.scheduledMessages.list": self._chat_scheduled_messages_list,
            "views.open": self._views_open,
            "views.update": self._views_update,
            "views.push": self._views_push,
            "views.publish": self._views_publish,
            "conversations.info": self._conversations_info,
            "conversations.members": self._conversations_members,
            "conversations.history": self._conversations_history,
            "conversations.replies": self._conversations_replies,
            "apps.connections.open": self._apps_connections_open,
            "oauth.v2.access": lambda params: {},  # answered by `workspaces`, before tokens
        }
        from tests.fakes.slack_calls import FakeCalls  # imports this module

        self.slack_calls = FakeCalls(lambda: self.users, lambda: self.missing_scopes)
        self._handlers.update(self.slack_calls.handlers())
        self._clear()

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> FakeSlack:
        self._server.start()
        self._on_loop(self._start_socket_site())
        return self

    def stop(self) -> None:
        if self._socket_runner is not None:
            self._on_loop(self._stop_socket_site())
        self._server.stop()

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return self._server.url

    @property
    def api_url(self) -> str:
        """The Web API base, with the trailing slash slack_sdk expects (`SLACK_API_URL`)."""
        return self.url + "/api/"

    def reset(self) -> None:
        """Forget calls, responses, scripts, users, channels, messages and views; latency 0.

        Keeps the tokens, the bot's identity and the default channel.
        """
        with self._lock:
            self._clear()
        self.latency = 0.0
        self.can_write_public = True
        self.missing_scopes = set()

    def _clear(self) -> None:
        self.calls: list[Call] = []
        if hasattr(self, "slack_calls"):
            self.slack_calls.clear()
        self.socket_acks: list[SocketAck] = []
        self.response_posts: list[ResponsePost] = []
        self.response_arrivals: list[str] = []  # response URLs posted to, as each arrives
        self.users: dict[str, dict[str, Any]] = {}
        self.channels: dict[str, dict[str, Any]] = {}
        self.members: dict[str, set[str]] = {}
        self.messages: dict[tuple[str, str], dict[str, Any]] = {}
        self.ephemerals: list[dict[str, Any]] = []
        # chat.scheduleMessage: scheduled_message_id -> {channel, post_at, text, blocks, ...}
        self.scheduled: dict[str, dict[str, Any]] = {}
        self.views: dict[str, dict[str, Any]] = {}
        self.home_views: dict[str, dict[str, Any]] = {}
        self._view_stacks: dict[str, list[str]] = {}  # root view id -> stack of view ids
        self._used_triggers: set[str] = set()
        self._response_urls: dict[str, dict[str, Any]] = {}
        self._scripts: dict[str, deque[SlackAnswer]] = {}
        self._slow: dict[str, tuple[float, float]] = {}  # method -> (until, delay)
        # Workspaces that installed the app through OAuth (tests/fakes/slack_oauth.py), and
        # the one whose token the call being answered carries (None: the default token).
        self.workspaces = Workspaces(self)
        self.calling_workspace: Workspace | None = None
        self.add_channel(DEFAULT_CHANNEL, name=DEFAULT_CHANNEL_NAME)

    # -- state set-up ----------------------------------------------------------------------

    def add_user(
        self,
        id: str,
        *,
        name: str | None = None,
        real_name: str | None = None,
        email: str | None = None,
        tz: str | None = "America/Denver",
        is_admin: bool = False,
        is_owner: bool = False,
        is_restricted: bool = False,
        is_ultra_restricted: bool = False,
        deleted: bool = False,
        is_bot: bool = False,
        display_name: str | None = None,
    ) -> dict[str, Any]:
        """Add (or replace) a user; returns the user object as `users.info` answers it."""
        name = name or id.lower()
        real_name = real_name if real_name is not None else name.replace(".", " ").title()
        profile: dict[str, Any] = {
            "real_name": real_name,
            "real_name_normalized": real_name,
            "display_name": display_name if display_name is not None else name,
            "display_name_normalized": display_name if display_name is not None else name,
            "status_text": "",
            "status_emoji": "",
            "avatar_hash": secrets.token_hex(6),
            "image_48": f"https://avatars.example.com/{id}_48.png",
            "team": self.team_id,
        }
        if email is not None:
            profile["email"] = email
        user: dict[str, Any] = {
            "id": id,
            "team_id": self.team_id,
            "name": name,
            "deleted": deleted,
            "color": "9f69e7",
            "real_name": real_name,
            **_tz_fields(tz),
            "profile": profile,
            "is_admin": is_admin,
            "is_owner": is_owner,
            "is_primary_owner": False,
            "is_restricted": is_restricted,
            "is_ultra_restricted": is_ultra_restricted,
            "is_bot": is_bot,
            "is_app_user": False,
            "updated": int(time.time()),
            "has_2fa": False,
        }
        with self._lock:
            self.users[id] = user
            # Everyone is in #general, so ephemerals to it work for every test user.
            self.members.setdefault(DEFAULT_CHANNEL, set()).add(id)
        return user

    def add_channel(
        self,
        id: str,
        *,
        name: str | None = None,
        is_private: bool = False,
        bot_is_member: bool = True,
        members: Iterable[str] = (),
    ) -> dict[str, Any]:
        """Add a conversation. Ids starting with D are DMs, G or `is_private` private channels."""
        is_im = id.startswith("D")
        private = is_private or is_im or id.startswith("G")
        channel: dict[str, Any] = {
            "id": id,
            "name": name or ("" if is_im else id.lower()),
            "is_channel": not is_im and not private,
            "is_group": private and not is_im,
            "is_im": is_im,
            "is_mpim": False,
            "is_private": private,
            "is_archived": False,
            "is_general": id == DEFAULT_CHANNEL,
            "is_member": bot_is_member,
            "is_shared": False,
            "is_ext_shared": False,
            "created": int(time.time()) - 86400,
            "context_team_id": self.team_id,
        }
        with self._lock:
            self.channels[id] = channel
            ids = set(members)
            if bot_is_member:
                ids.add(self.bot_user_id)
            self.members[id] = ids
        return channel

    def add_message(
        self, channel: str, text: str, *, user: str = "U0SOMEONE", thread_ts: str | None = None
    ) -> dict[str, Any]:
        """A message someone (not the bot) wrote, e.g. for a message shortcut to refer to."""
        with self._lock:
            ts = self._next_ts()
            message = {
                "type": "message",
                "user": user,
                "text": text,
                "ts": ts,
                "team": self.team_id,
            }
            if thread_ts:
                message["thread_ts"] = thread_ts
            self.messages[(channel, ts)] = {"channel": channel, **message}
        return message

    # -- scripting -------------------------------------------------------------------------

    def script(self, method: str, *answers: SlackAnswer) -> None:
        """Queue answers for a Web API method (e.g. "chat.postMessage"), for one response URL
        (the full URL from `new_response_url()`), or for every response URL ("response_url").

        Each call takes the next queued answer; when the queue is empty the fake answers normally.
        """
        with self._lock:
            self._scripts.setdefault(method, deque()).extend(answers)

    def slow_down(self, method: str, delay: float, seconds: float) -> None:
        """For the next `seconds`, every call to `method` is carried out at once and answered
        after `delay` (`slow_but_done`), unless a scripted answer is queued."""
        with self._lock:
            self._slow[method] = (time.monotonic() + seconds, delay)

    def _next_scripted(self, *keys: str) -> SlackAnswer | None:
        with self._lock:
            for key in keys:
                slow = self._slow.get(key)
                if slow and time.monotonic() < slow[0] and not self._scripts.get(key):
                    return slow_but_done(slow[1])
            for key in keys:
                queue = self._scripts.get(key)
                if queue:
                    return queue.popleft()
        return None

    # -- triggers and response URLs --------------------------------------------------------

    def new_trigger_id(self) -> str:
        """A trigger id that `views.open` / `views.push` accept once, within 3 s."""
        return new_trigger_id()

    def new_response_url(self) -> str:
        """A response URL on this fake; bodies POSTed to it are recorded (`responses`)."""
        token = secrets.token_urlsafe(16)
        path = f"/commands/{self.team_id}/{secrets.randbelow(10**12)}/{token}"
        with self._lock:
            self._response_urls[path] = {"uses": 0, "created": time.monotonic()}
        return self.url + path

    def expire_response_url(self, url: str) -> None:
        """Make a response URL answer 404 `expired_url` from now on (as after 30 minutes)."""
        with self._lock:
            state = self._response_urls.get(url.removeprefix(self.url))
            if state is not None:
                state["created"] = -RESPONSE_URL_LIFETIME * 2

    # -- reading what happened -------------------------------------------------------------

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def wait_for(
        self,
        method: str,
        predicate: Callable[[Call], bool] | None = None,
        timeout: float = 5.0,
    ) -> Call:
        """The first answered call to `method` matching `predicate`, polling until `timeout`.

        Raises AssertionError listing the calls it saw (method and a short view of params).
        """
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                for call in self.calls:
                    if (
                        call.method == method
                        and call.status
                        and (predicate is None or predicate(call))
                    ):
                        return call
            if time.monotonic() >= deadline:
                raise AssertionError(
                    f"no {method} call{' matching the predicate' if predicate else ''} within "
                    f"{timeout} s; saw:\n{self._describe_calls()}"
                )
            time.sleep(0.01)

    def _describe_calls(self) -> str:
        with self._lock:
            lines = [
                f"  {c.method} -> {c.status} {_short(c.params)}" for c in self.calls[-30:]
            ] or ["  (no calls)"]
            posts = [f"  response_url -> {p.status} {_short(p.body)}" for p in self.response_posts]
        return "\n".join(lines + posts[-10:])

    def responses(self, url: str | None = None) -> list[dict[str, Any]]:
        """Bodies POSTed to response URLs (to `url` only, when given), in arrival order.

        Only posts the fake accepted (HTTP 200) are listed; `response_posts` has them all.
        """
        with self._lock:
            return [
                p.body
                for p in self.response_posts
                if p.status == 200 and (url is None or p.url == url)
            ]

    def wait_for_response(
        self,
        url: str | None,
        predicate: Callable[[dict[str, Any]], bool] | None = None,
        timeout: float = 5.0,
    ) -> dict[str, Any]:
        """The first accepted body POSTed to `url` (any response URL when None) matching."""
        deadline = time.monotonic() + timeout
        while True:
            for body in self.responses(url):
                if predicate is None or predicate(body):
                    return body
            if time.monotonic() >= deadline:
                raise AssertionError(
                    f"no response_url post{' matching the predicate' if predicate else ''} to "
                    f"{url} within {timeout} s; saw:\n{self._describe_calls()}"
                )
            time.sleep(0.01)

    def channel_messages(self, channel: str) -> list[dict[str, Any]]:
        """Messages currently in `channel` (posted and not deleted), oldest first."""
        with self._lock:
            found = [m for (c, _), m in self.messages.items() if c == channel]
        return sorted(found, key=lambda m: float(m["ts"]))

    def message(self, channel: str, ts: str) -> dict[str, Any] | None:
        """A copy of message `ts` in `channel` as stored now; None if absent or deleted."""
        with self._lock:
            found = self.messages.get((channel, ts))
            return dict(found) if found is not None else None

    def modal_views(self) -> list[dict[str, Any]]:
        """Copies of the modals opened, pushed or updated so far, oldest first (`_seq`)."""
        with self._lock:
            return sorted((dict(v) for v in self.views.values()), key=lambda v: v["_seq"])

    def last_view(self) -> dict[str, Any]:
        """The most recently opened, pushed or updated modal (as `views.open` answered it)."""
        with self._lock:
            if not self.views:
                raise AssertionError("no view has been opened")
            return max(self.views.values(), key=lambda v: v["_seq"])

    # -- Socket Mode -----------------------------------------------------------------------

    def socket_connections(self) -> int:
        """How many Socket Mode connections are open now."""
        with self._lock:
            return sum(1 for ws in self._sockets if not ws.closed)

    def wait_for_new_socket(self, opened_before: int, timeout: float = 5.0) -> None:
        """Poll until a connection opens after `sockets_opened` was `opened_before`."""
        deadline = time.monotonic() + timeout
        while self.sockets_opened <= opened_before:
            if time.monotonic() >= deadline:
                raise AssertionError(
                    f"no new Socket Mode connection after {timeout} s; calls:\n"
                    f"{self._describe_calls()}"
                )
            time.sleep(0.01)

    def wait_for_socket(self, count: int = 1, timeout: float = 5.0) -> None:
        """Poll until at least `count` Socket Mode connections are open (AssertionError if not)."""
        deadline = time.monotonic() + timeout
        while self.socket_connections() < count:
            if time.monotonic() >= deadline:
                raise AssertionError(
                    f"{self.socket_connections()} Socket Mode connection(s) after {timeout} s, "
                    f"wanted {count}; calls:\n{self._describe_calls()}"
                )
            time.sleep(0.01)

    def send_socket_envelope(
        self,
        type: str,
        payload: Mapping[str, Any],
        *,
        accepts_response_payload: bool | None = None,
        retry_attempt: int = 0,
        retry_reason: str = "",
        envelope_id: str | None = None,
        timeout: float = 5.0,
    ) -> str:
        """Deliver an envelope over Socket Mode, as Slack does; returns its `envelope_id`.

        `type` is "slash_commands" (payload: the command's form fields as a dict, see
        `slash_command_payload`), "interactive" (the interactivity payload, e.g.
        `message_shortcut(...)`) or "events_api" (an `event_callback` body, see
        `event_callback`). `accepts_response_payload` defaults as on Slack: true for slash
        commands and for interactions that can answer in the ack (view_submission,
        block_suggestion), false otherwise. Events carry `retry_attempt` and `retry_reason`.
        Waits up to `timeout` s for a connection; it goes to the most recent open one.
        """
        if accepts_response_payload is None:
            accepts_response_payload = type == "slash_commands" or (
                type == "interactive"
                and payload.get("type") in ("view_submission", "block_suggestion")
            )
        envelope_id = envelope_id or str(uuid.uuid4())
        envelope: dict[str, Any] = {
            "envelope_id": envelope_id,
            "payload": dict(payload),
            "type": type,
            "accepts_response_payload": accepts_response_payload,
        }
        if type == "events_api":
            envelope["retry_attempt"] = retry_attempt
            envelope["retry_reason"] = retry_reason
        self.wait_for_socket(timeout=timeout)
        with self._lock:
            open_sockets = [ws for ws in self._sockets if not ws.closed]
        if not open_sockets:
            raise AssertionError("the Socket Mode connection closed before the envelope went out")
        self._on_loop(open_sockets[-1].send_str(json.dumps(envelope)), timeout)
        return envelope_id

    def wait_for_ack(self, envelope_id: str, timeout: float = 5.0) -> SocketAck:
        """The app's ack of `envelope_id`, polling until `timeout` (AssertionError if none)."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                for ack in self.socket_acks:
                    if ack.envelope_id == envelope_id:
                        return ack
                seen = [a.envelope_id for a in self.socket_acks]
            if time.monotonic() >= deadline:
                raise AssertionError(
                    f"no ack of envelope {envelope_id} within {timeout} s; acks seen: {seen}"
                )
            time.sleep(0.01)

    def disconnect_sockets(self, reason: str = "refresh_requested") -> None:
        """Send Slack's `disconnect` message to every open connection (the app reconnects)."""
        message = json.dumps(
            {"type": "disconnect", "reason": reason, "debug_info": {"host": "applink-fake"}}
        )
        with self._lock:
            open_sockets = [ws for ws in self._sockets if not ws.closed]
        for ws in open_sockets:
            self._on_loop(ws.send_str(message))

    def _on_loop(self, coroutine: Any, timeout: float = 5.0) -> Any:
        """Run `coroutine` on the server's loop (its thread) and wait for its result."""
        return asyncio.run_coroutine_threadsafe(coroutine, self._server.loop).result(timeout)

    async def _start_socket_site(self) -> None:
        app = web.Application()
        app.router.add_get("/socket-mode", self._socket_mode)
        self._socket_runner = web.AppRunner(app, access_log=None)
        await self._socket_runner.setup()
        site = web.TCPSite(self._socket_runner, "127.0.0.1", 0)
        await site.start()
        self._socket_port = int(self._socket_runner.addresses[0][1])

    async def _stop_socket_site(self) -> None:
        with self._lock:
            open_sockets = list(self._sockets)
        for ws in open_sockets:
            await ws.close()
        if self._socket_runner is not None:
            await self._socket_runner.cleanup()
            self._socket_runner = None

    def _apps_connections_open(self, params: dict[str, Any]) -> dict[str, Any]:
        ticket = str(uuid.uuid4())
        self._tickets.add(ticket)
        url = (
            f"ws://127.0.0.1:{self._socket_port}/socket-mode"
            f"?ticket={ticket}&app_id={self.api_app_id}"
        )
        return {"url": url}

    async def _socket_mode(self, request: web.Request) -> web.StreamResponse:
        ticket = request.query.get("ticket", "")
        with self._lock:
            valid = ticket in self._tickets
            self._tickets.discard(ticket)  # a URL opens one connection, as on Slack
        if not valid:
            return web.Response(status=401, text="invalid or used ticket")
        ws = web.WebSocketResponse(autoping=True)  # answers the client's pings
        await ws.prepare(request)
        with self._lock:
            self._sockets.append(ws)
            self.sockets_opened += 1
        try:
            await ws.send_str(
                json.dumps(
                    {
                        "type": "hello",
                        "num_connections": self.socket_connections(),
                        "debug_info": {
                            "host": "applink-fake",
                            "build_number": 1,
                            "approximate_connection_time": 18060,
                        },
                        "connection_info": {"app_id": self.api_app_id},
                    }
                )
            )
            async for message in ws:
                if message.type != WSMsgType.TEXT:
                    continue
                try:
                    body = json.loads(message.data)
                except ValueError:
                    continue  # Slack ignores what it cannot read; so does the fake
                if isinstance(body, dict) and body.get("envelope_id"):
                    payload = body.get("payload")
                    ack = SocketAck(
                        str(body["envelope_id"]),
                        payload if isinstance(payload, dict) else None,
                        time.monotonic(),
                    )
                    with self._lock:
                        self.socket_acks.append(ack)
        finally:
            with self._lock:
                if ws in self._sockets:
                    self._sockets.remove(ws)
        return ws

    # -- the ASGI app ----------------------------------------------------------------------

    def _asgi(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/api/{method}", self._web_api, methods=["GET", "POST"]),
                Route("/commands/{rest:path}", self._response_url, methods=["POST"]),
                Route("/oauth/v2/authorize", self._oauth_authorize, methods=["GET"]),
            ]
        )

    async def _delay(self, extra: float) -> None:
        wait = self.latency + extra
        if wait > 0:
            await asyncio.sleep(wait)

    async def _web_api(self, request: Request) -> Response:
        method = request.path_params["method"]
        headers = {k.lower(): v for k, v in request.headers.items()}
        params = await _read_params(request)
        call = Call(method=method, params=params, headers=headers, at=time.monotonic())
        with self._lock:
            calls = self.calls  # a reset during the delay starts a new list: leave it alone
            index = len(calls)
            calls.append(call)
        scripted = self._next_scripted(method)
        done: Any = None
        if scripted is not None and scripted.act:
            done = self._answer(method, params, headers)  # carried out before the delay
        await self._delay(scripted.delay if scripted else 0.0)
        if scripted is not None and (scripted.status != 200 or scripted.body is not None):
            response = _scripted_response(scripted)
            answer: Any = scripted.body
        else:
            answer = done if done is not None else self._answer(method, params, headers)
            response = JSONResponse(answer)
        with self._lock:
            calls[index] = Call(
                method,
                params,
                headers,
                call.at,
                status=response.status_code,
                answer=answer,
                done=time.monotonic(),
            )
        return response

    def _answer(
        self, method: str, params: dict[str, Any], headers: Mapping[str, str]
    ) -> dict[str, Any]:
        auth = headers.get("authorization", "")
        token = auth.removeprefix("Bearer ").strip() if auth.startswith("Bearer ") else None
        token = token or params.get("token")
        handler = self._handlers.get(method)
        if handler is None:
            return {"ok": False, "error": "unknown_method"}
        if method == "apps.connections.open":
            # Only an app-level token opens a connection, as on Slack.
            if not token:
                return {"ok": False, "error": "not_authed"}
            if not token.startswith("xapp-"):
                return {"ok": False, "error": "not_allowed_token_type"}
            if token != self.app_token:
                return {"ok": False, "error": "invalid_auth"}
        elif method == "oauth.v2.access":
            with self._lock:
                return self.workspaces.oauth_v2_access(params, _basic(headers))
        workspace = None
        if method not in ("api.test", "apps.connections.open"):
            if not token:
                return {"ok": False, "error": "not_authed"}
            if token != self.bot_token:
                with self._lock:
                    workspace = self.workspaces.workspace_of(token)
                if workspace == "expired":
                    return {"ok": False, "error": "token_expired"}
                if workspace is None:
                    return {"ok": False, "error": "invalid_auth"}
        try:
            with self._lock:
                self.calling_workspace = workspace
                body = handler(params)
        except SlackError as e:
            return {"ok": False, "error": e.error, **e.extra}
        return {"ok": True, **body}

    async def _oauth_authorize(self, request: Request) -> Response:
        status, headers = self.workspaces.authorize_page(dict(request.query_params))
        return Response(status_code=status, headers=headers)

    async def _response_url(self, request: Request) -> Response:
        path = request.url.path
        url = self.url + path
        try:
            body = json.loads(await request.body() or b"{}")
        except ValueError:
            body = {"_invalid_json": True}
        with self._lock:
            self.response_arrivals.append(url)
        scripted = self._next_scripted(url, "response_url")
        await self._delay(scripted.delay if scripted else 0.0)
        if scripted is not None and (scripted.status != 200 or scripted.body is not None):
            response = _scripted_response(scripted)
        else:
            response = self._accept_response_post(path, body)
        with self._lock:
            self.response_posts.append(
                ResponsePost(url=url, body=body, at=time.monotonic(), status=response.status_code)
            )
        return response

    def _accept_response_post(self, path: str, body: Any) -> Response:
        with self._lock:
            state = self._response_urls.get(path)
            if state is None:
                return PlainTextResponse("invalid_token", status_code=404)
            if time.monotonic() - state["created"] > RESPONSE_URL_LIFETIME:
                return PlainTextResponse("expired_url", status_code=404)
            if state["uses"] >= RESPONSE_URL_USES:
                return PlainTextResponse("used_url", status_code=404)
            if not isinstance(body, dict) or body.get("_invalid_json"):
                return PlainTextResponse("invalid_payload", status_code=400)
            if not any(key in body for key in ("text", "blocks", "attachments", "delete_original")):
                return PlainTextResponse("no_text", status_code=400)
            if len(str(body.get("text", ""))) > MAX_TEXT:
                return PlainTextResponse("msg_too_long", status_code=400)
            if "blocks" in body and block_errors(body["blocks"], MAX_MESSAGE_BLOCKS):
                return PlainTextResponse("invalid_blocks", status_code=400)
            if body.get("response_type", "ephemeral") not in ("ephemeral", "in_channel"):
                return PlainTextResponse("invalid_response_type", status_code=400)
            state["uses"] += 1
        return PlainTextResponse("ok")

    # -- Web API methods (called with the lock held) ---------------------------------------

    def _next_ts(self) -> str:
        """A message ts as Slack makes them: the time it was posted (epoch seconds with six
        decimals), unique and increasing. A ts that stood still at the fake's start would
        fall out of `conversations.history`'s `oldest` window in a long test session."""
        self._last_ts = max(time.time_ns() // 1000, self._last_ts + 1)
        return f"{self._last_ts // 1_000_000}.{self._last_ts % 1_000_000:06d}"

    def _user(self, user_id: Any) -> dict[str, Any]:
        user = self.users.get(str(user_id or ""))
        if user is None:
            raise SlackError("user_not_found")
        return user

    def _writable_channel(self, channel_id: Any) -> str:
        """The channel a message to `channel_id` lands in, or Slack's error for it."""
        channel_id = str(channel_id or "")
        if not channel_id:
            raise SlackError("channel_not_found")
        if channel_id[0] in "UW" and channel_id in self.users:
            # Posting to a user id lands in the bot's DM with them (the app's Messages tab).
            dm = "D" + channel_id[1:]
            if dm not in self.channels:
                self.add_channel(dm, members=[channel_id])
            return dm
        channel = self.channels.get(channel_id)
        if channel is None:
            raise SlackError("channel_not_found")
        if not channel["is_member"]:
            if channel["is_private"]:
                # Slack does not reveal private conversations the bot cannot see.
                raise SlackError("channel_not_found")
            if not self.can_write_public:
                raise SlackError("not_in_channel")
        if channel["is_archived"]:
            raise SlackError("is_archived")
        return channel_id

    def _message_errors(self, params: dict[str, Any]) -> None:
        text = params.get("text")
        blocks = params.get("blocks")
        if not text and not blocks and not params.get("attachments"):
            raise SlackError("no_text")
        if text is not None and len(str(text)) > MAX_TEXT:
            raise SlackError("msg_too_long")
        if blocks is not None:
            errors = block_errors(blocks, MAX_MESSAGE_BLOCKS)
            errors += self.slack_calls.block_errors(blocks)
            if errors:
                raise SlackError("invalid_blocks", errors=errors)

    def _api_test(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"args": {k: v for k, v in params.items() if k != "token"}}

    def _auth_test(self, params: dict[str, Any]) -> dict[str, Any]:
        workspace = self.calling_workspace
        if workspace is not None:
            return {
                "url": f"https://{workspace.team_id.lower()}.slack.com/",
                "team": workspace.name,
                "user": "zoombot",
                "team_id": workspace.team_id,
                "enterprise_id": workspace.enterprise_id,
                "user_id": workspace.bot_user_id,
                "bot_id": workspace.bot_id,
                "app_id": self.api_app_id,
                "is_enterprise_install": workspace.org_install,
            }
        return {
            "url": f"https://{self.team_domain}.slack.com/",
            "team": "Zoombot Test",
            "user": "zoombot",
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "app_id": self.api_app_id,
            "is_enterprise_install": False,
        }

    def _users_info(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"user": self._user(params.get("user"))}

    def _users_lookup_by_email(self, params: dict[str, Any]) -> dict[str, Any]:
        email = str(params.get("email") or "").lower()
        for user in self.users.values():
            if str(user["profile"].get("email", "")).lower() == email and not user["deleted"]:
                return {"user": user}
        raise SlackError("users_not_found")

    def _store_message(self, channel: str, params: dict[str, Any]) -> dict[str, Any]:
        ts = self._next_ts()
        message: dict[str, Any] = {
            "type": "message",
            "subtype": "bot_message",
            "user": self.bot_user_id,
            "bot_id": self.bot_id,
            "app_id": self.api_app_id,
            "team": self.team_id,
            "text": params.get("text") or "",
            "ts": ts,
        }
        for key in ("blocks", "attachments", "thread_ts", "metadata"):
            if params.get(key) is not None:
                message[key] = params[key]
        self.messages[(channel, ts)] = {"channel": channel, **message}
        return message

    def _chat_post_message(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._writable_channel(params.get("channel"))
        self._message_errors(params)
        message = self._store_message(channel, params)
        return {"channel": channel, "ts": message["ts"], "message": message}

    def _chat_post_ephemeral(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._writable_channel(params.get("channel"))
        user = self._user(params.get("user"))
        self._message_errors(params)
        if channel in self.channels and not self.channels[channel]["is_im"]:
            if (
                user["id"] not in self.members.get(channel, set())
                and not self.channels[channel]["is_channel"]
            ):
                raise SlackError("user_not_in_channel")
        ts = self._next_ts()
        self.ephemerals.append({"channel": channel, "user": user["id"], "ts": ts, **params})
        return {"message_ts": ts}

    def _existing_message(self, params: dict[str, Any], ts_key: str = "ts") -> dict[str, Any]:
        channel = str(params.get("channel") or "")
        if channel not in self.channels:
            raise SlackError("channel_not_found")
        message = self.messages.get((channel, str(params.get(ts_key) or "")))
        if message is None:
            raise SlackError("message_not_found")
        return message

    def _chat_update(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._existing_message(params)
        if message.get("bot_id") != self.bot_id:
            raise SlackError("cant_update_message")
        self._message_errors(params)
        for key in ("text", "blocks", "attachments"):
            if key in params:
                message[key] = params[key]
        message["edited"] = {"user": self.bot_user_id, "ts": self._next_ts()}
        public = {k: v for k, v in message.items() if k != "channel"}
        return {
            "channel": message["channel"],
            "ts": message["ts"],
            "text": message["text"],
            "message": public,
        }

    def _chat_delete(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._existing_message(params)
        if message.get("bot_id") != self.bot_id:
            raise SlackError("cant_delete_message")
        del self.messages[(message["channel"], message["ts"])]
        return {"channel": message["channel"], "ts": message["ts"]}

    def _chat_schedule_message(self, params: dict[str, Any]) -> dict[str, Any]:
        """Slack's chat.scheduleMessage: `post_at` (epoch seconds) must be in the future
        (`time_in_past`) and at most 120 days ahead (`time_too_far`)."""
        channel = self._writable_channel(params.get("channel"))
        self._message_errors(params)
        try:
            post_at = int(float(str(params.get("post_at"))))
        except ValueError:
            raise SlackError("invalid_time") from None
        now = time.time()
        if post_at <= now:
            raise SlackError("time_in_past")
        if post_at > now + SCHEDULE_AHEAD:
            raise SlackError("time_too_far")
        near = [
            m
            for m in self.scheduled.values()
            if m["channel"] == channel and abs(m["post_at"] - post_at) < 300
        ]
        if len(near) >= 30:  # Slack: at most 30 in one channel within any 5 minutes
            raise SlackError("restricted_too_many")
        scheduled_id = new_id("Q", 10)
        message = {
            "id": scheduled_id,
            "channel": channel,
            "post_at": post_at,
            "date_created": int(now),
            "text": params.get("text") or "",
        }
        for key in ("blocks", "thread_ts", "reply_broadcast", "metadata"):
            if params.get(key) is not None:
                message[key] = params[key]
        self.scheduled[scheduled_id] = message
        public = {
            "type": "delayed_message",
            "text": message["text"],
            "bot_id": self.bot_id,
            "team": self.team_id,
            "user": self.bot_user_id,
        }
        return {
            "channel": channel,
            "scheduled_message_id": scheduled_id,
            "post_at": post_at,
            "message": public,
        }

    def _chat_delete_scheduled_message(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = str(params.get("channel") or "")
        if channel not in self.channels:
            raise SlackError("channel_not_found")
        scheduled_id = str(params.get("scheduled_message_id") or "")
        message = self.scheduled.get(scheduled_id)
        if message is None or message["channel"] != channel:
            raise SlackError("invalid_scheduled_message_id")
        del self.scheduled[scheduled_id]
        return {}

    def _chat_scheduled_messages_list(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = params.get("channel")
        listed = [
            {
                "id": m["id"],
                "channel_id": m["channel"],
                "post_at": m["post_at"],
                "date_created": m["date_created"],
                "text": m["text"],
            }
            for m in sorted(self.scheduled.values(), key=lambda m: m["post_at"])
            if not channel or m["channel"] == channel
        ]
        return {"scheduled_messages": listed, "response_metadata": {"next_cursor": ""}}

    def scheduled_messages(self, channel: str | None = None) -> list[dict[str, Any]]:
        """The messages scheduled and not yet deleted (or posted), the soonest first."""
        with self._lock:
            return [
                dict(m)
                for m in sorted(self.scheduled.values(), key=lambda m: m["post_at"])
                if channel is None or m["channel"] == channel
            ]

    def post_scheduled(self, scheduled_id: str) -> dict[str, Any]:
        """Post a scheduled message now, as Slack does at its `post_at` (tests don't wait)."""
        with self._lock:
            message = self.scheduled.pop(scheduled_id)
            return self._store_message(message["channel"], message)

    def _chat_get_permalink(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = str(params.get("channel") or "")
        ts = str(params.get("message_ts") or "")
        if channel not in self.channels:
            raise SlackError("channel_not_found")
        if not ts:
            raise SlackError("message_not_found")
        return {
            "channel": channel,
            "permalink": f"https://{self.team_domain}.slack.com/archives/{channel}/"
            f"p{ts.replace('.', '')}",
        }

    def _take_trigger(self, trigger_id: Any) -> None:
        trigger_id = str(trigger_id or "")
        if not trigger_id:
            raise SlackError(
                "invalid_arguments",
                response_metadata={"messages": ["[ERROR] missing required field: trigger_id"]},
            )
        minted = _trigger_minted_at(trigger_id)
        if minted is None:
            raise SlackError("invalid_trigger_id")
        if trigger_id in self._used_triggers:
            raise SlackError("exchanged_trigger_id")
        if time.time() - minted > TRIGGER_LIFETIME:
            raise SlackError("expired_trigger_id")
        self._used_triggers.add(trigger_id)

    def _checked_view(self, params: dict[str, Any]) -> dict[str, Any]:
        view = params.get("view")
        errors = view_errors(view)
        if errors:
            raise SlackError(
                "invalid_arguments",
                response_metadata={"messages": [f"[ERROR] {e}" for e in errors]},
            )
        return view  # type: ignore[return-value]

    def _store_view(
        self, view: dict[str, Any], *, user: str | None, root: str | None, previous: str | None
    ) -> dict[str, Any]:
        view_id = new_id("V")
        stored: dict[str, Any] = {
            "id": view_id,
            "team_id": self.team_id,
            "type": view["type"],
            "title": view.get("title"),
            "submit": view.get("submit"),
            "close": view.get("close"),
            "blocks": view.get("blocks", []),
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "external_id": view.get("external_id", ""),
            "notify_on_close": bool(view.get("notify_on_close", False)),
            "clear_on_close": bool(view.get("clear_on_close", False)),
            "state": {"values": {}},
            "hash": f"{int(time.time())}.{secrets.token_hex(4)}",
            "root_view_id": root or view_id,
            "previous_view_id": previous,
            "app_id": self.api_app_id,
            "app_installed_team_id": self.team_id,
            "bot_id": self.bot_id,
            "user": user,
            "_seq": len(self.views) + 1,
        }
        self.views[view_id] = stored
        return stored

    @staticmethod
    def _public(view: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in view.items() if not k.startswith("_") and k != "user"}

    def _views_open(self, params: dict[str, Any]) -> dict[str, Any]:
        self._take_trigger(params.get("trigger_id"))
        view = self._checked_view(params)
        stored = self._store_view(view, user=None, root=None, previous=None)
        self._view_stacks[stored["id"]] = [stored["id"]]
        return {"view": self._public(stored)}

    def _views_push(self, params: dict[str, Any]) -> dict[str, Any]:
        self._take_trigger(params.get("trigger_id"))
        view = self._checked_view(params)
        # A trigger from inside a modal pushes onto that modal's stack; the fake pushes onto
        # the most recent stack, which is what a test that just opened one means.
        if not self._view_stacks:
            raise SlackError("view_not_found")
        root = max(self._view_stacks, key=lambda r: self.views[self._view_stacks[r][-1]]["_seq"])
        stack = self._view_stacks[root]
        if len(stack) >= 3:
            raise SlackError("push_limit_reached")
        stored = self._store_view(view, user=None, root=root, previous=stack[-1])
        stack.append(stored["id"])
        return {"view": self._public(stored)}

    def _views_update(self, params: dict[str, Any]) -> dict[str, Any]:
        view = self._checked_view(params)
        view_id = params.get("view_id")
        external_id = params.get("external_id")
        if not view_id and not external_id:
            raise SlackError("invalid_arguments")
        old = self.views.get(str(view_id or ""))
        if old is None and external_id:
            old = next((v for v in self.views.values() if v["external_id"] == external_id), None)
        if old is None:
            raise SlackError("not_found")
        if params.get("hash") and params["hash"] != old["hash"]:
            raise SlackError("hash_conflict")
        updated = self._store_view(
            view, user=old["user"], root=old["root_view_id"], previous=old["previous_view_id"]
        )
        # An update keeps the view's id, as on Slack.
        del self.views[updated["id"]]
        updated["id"] = old["id"]
        updated["_seq"] = max(v["_seq"] for v in self.views.values()) + 1
        self.views[old["id"]] = updated
        return {"view": self._public(updated)}

    def _views_publish(self, params: dict[str, Any]) -> dict[str, Any]:
        user = self._user(params.get("user_id"))
        view = self._checked_view(params)
        if view.get("type") != "home":
            raise SlackError("invalid_arguments")
        stored = self._store_view(view, user=user["id"], root=None, previous=None)
        del self.views[stored["id"]]
        self.home_views[user["id"]] = stored
        return {"view": self._public(stored)}

    def _conversations_info(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self.channels.get(str(params.get("channel") or ""))
        if channel is None or (channel["is_private"] and not channel["is_member"]):
            raise SlackError("channel_not_found")
        return {"channel": channel}

    def _conversations_members(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self.channels.get(str(params.get("channel") or ""))
        if channel is None or (channel["is_private"] and not channel["is_member"]):
            raise SlackError("channel_not_found")
        return {
            "members": sorted(self.members.get(channel["id"], set())),
            "response_metadata": {"next_cursor": ""},
        }

    def _readable_channel(self, params: dict[str, Any]) -> dict[str, Any]:
        """The conversation whose history the bot may read, or Slack's error."""
        channel = self.channels.get(str(params.get("channel") or ""))
        if channel is None or (channel["is_private"] and not channel["is_member"]):
            raise SlackError("channel_not_found")
        if channel["is_im"]:
            scope = "im:history"
        elif channel["is_mpim"]:
            scope = "mpim:history"
        elif channel["is_private"]:
            scope = "groups:history"
        else:
            scope = "channels:history"
        if scope in self.missing_scopes:
            raise SlackError("missing_scope", needed=scope, provided="chat:write,commands")
        if not channel["is_member"]:
            raise SlackError("not_in_channel")
        return channel

    def _listed(self, message: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
        shown = {k: v for k, v in message.items() if k != "channel"}
        if str(params.get("include_all_metadata", "")).lower() not in ("1", "true"):
            shown.pop("metadata", None)
        return shown

    @staticmethod
    def _between(ts: str, params: dict[str, Any]) -> bool:
        oldest, latest = params.get("oldest"), params.get("latest")
        inclusive = str(params.get("inclusive", "")).lower() in ("1", "true")
        value = float(ts)
        if oldest not in (None, ""):
            low = float(oldest)
            if value < low or (value == low and not inclusive):
                return False
        if latest not in (None, ""):
            high = float(latest)
            if value > high or (value == high and not inclusive):
                return False
        return True

    def _limit(self, params: dict[str, Any]) -> int:
        try:
            return max(1, min(999, int(params.get("limit") or 100)))
        except ValueError as e:
            raise SlackError("invalid_arguments") from e

    def _conversations_history(self, params: dict[str, Any]) -> dict[str, Any]:
        """Top-level messages, newest first, between `oldest` and `latest` (exclusive)."""
        channel = self._readable_channel(params)
        found = [
            m
            for (cid, ts), m in self.messages.items()
            if cid == channel["id"]
            and m.get("thread_ts") in (None, ts)
            and self._between(ts, params)
        ]
        found.sort(key=lambda m: float(m["ts"]), reverse=True)
        limit = self._limit(params)
        return {
            "messages": [self._listed(m, params) for m in found[:limit]],
            "has_more": len(found) > limit,
            "response_metadata": {"next_cursor": ""},
        }

    def _conversations_replies(self, params: dict[str, Any]) -> dict[str, Any]:
        """A thread: its parent then its replies, oldest first."""
        channel = self._readable_channel(params)
        parent = str(params.get("ts") or "")
        if (channel["id"], parent) not in self.messages:
            raise SlackError("thread_not_found")
        found = [
            m
            for (cid, ts), m in self.messages.items()
            if cid == channel["id"]
            and (ts == parent or m.get("thread_ts") == parent)
            and (ts == parent or self._between(ts, params))
        ]
        found.sort(key=lambda m: float(m["ts"]))
        limit = self._limit(params)
        return {
            "messages": [self._listed(m, params) for m in found[:limit]],
            "has_more": len(found) > limit,
            "response_metadata": {"next_cursor": ""},
        }


_JSON_FORM_FIELDS = ("blocks", "attachments", "view", "metadata", "unfurl")


async def _read_params(request: Request) -> dict[str, Any]:
    """Query, form and JSON parameters merged, JSON-in-form fields decoded (as Slack does)."""
    params: dict[str, Any] = dict(request.query_params)
    raw = await request.body()
    content_type = request.headers.get("content-type", "")
    if raw and content_type.startswith("application/json"):
        try:
            body = json.loads(raw)
        except ValueError:
            body = {}
        if isinstance(body, dict):
            params.update(body)
    elif raw:
        params.update(dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True)))
    for key in _JSON_FORM_FIELDS:
        if isinstance(params.get(key), str):
            try:
                params[key] = json.loads(params[key])
            except ValueError:
                pass  # left as the string; the shape checks will then reject it
    return params


def _scripted_response(answer: SlackAnswer) -> Response:
    headers = dict(answer.headers or {})
    if answer.status == 429:
        headers.setdefault("Retry-After", "1")
    body = answer.body
    if body is None:
        body = {"ok": False, "error": "ratelimited"} if answer.status == 429 else "upstream error"
    if answer.content_type is not None:
        text = json.dumps(body) if isinstance(body, dict) else body
        return Response(
            text, status_code=answer.status, headers=headers, media_type=answer.content_type
        )
    if isinstance(body, dict):
        return JSONResponse(body, status_code=answer.status, headers=headers)
    return PlainTextResponse(body, status_code=answer.status, headers=headers)


def _short(data: Any, limit: int = 160) -> str:
    text = json.dumps(data, default=str, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _basic(headers: Mapping[str, str]) -> tuple[str, str] | None:
    """The client id and secret of an `Authorization: Basic …` header, if there is one."""
    auth = headers.get("authorization", "")
    if not auth.lower().startswith("basic "):
        return None
    try:
        client_id, _, secret = base64.b64decode(auth[6:].strip()).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return client_id, secret

"""What Slack sends to an app: signed request bodies, interactive payloads, and `SlackSender`.

Byte for byte what Slack sends to a request URL: form bodies signed with
`v0=HMAC-SHA256("v0:{timestamp}:{body}")`. For tests and benchmarks only.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode

import httpx

from tests.fakes.slack import (
    API_APP_ID,
    BOT_ID,
    BOT_USER_ID,
    DEFAULT_CHANNEL,
    DEFAULT_CHANNEL_NAME,
    TEAM_DOMAIN,
    TEAM_ID,
    VERIFICATION_TOKEN,
    FakeSlack,
    new_id,
    new_trigger_id,
)

# --------------------------------------------------------------------------------------------
# What Slack sends to the app
# --------------------------------------------------------------------------------------------


def sign(secret: str, body: str | bytes, timestamp: int | str) -> str:
    """Slack's signature for `body` sent at `timestamp`: `v0=<hex HMAC-SHA256>`."""
    if isinstance(body, bytes):
        body = body.decode("utf-8")
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def signed_headers(
    secret: str,
    body: str | bytes,
    timestamp: int | None = None,
    *,
    content_type: str = "application/x-www-form-urlencoded",
) -> dict[str, str]:
    """The headers Slack sends with `body`: timestamp, signature and content type."""
    ts = int(time.time()) if timestamp is None else timestamp
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": str(ts),
        "X-Slack-Signature": sign(secret, body, ts),
        "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
    }


def slash_command_body(
    text: str,
    *,
    user: str,
    channel: str = DEFAULT_CHANNEL,
    command: str = "/zoom",
    response_url: str = "https://hooks.slack.com/commands/T0ZOOMBOT/1/none",
    trigger_id: str | None = None,
    user_name: str | None = None,
    channel_name: str | None = None,
    team_id: str = TEAM_ID,
    team_domain: str = TEAM_DOMAIN,
    api_app_id: str = API_APP_ID,
) -> str:
    """The form body Slack POSTs for a slash command, fields in Slack's order."""
    if channel_name is None:
        channel_name = (
            "directmessage"
            if channel.startswith("D")
            else DEFAULT_CHANNEL_NAME
            if channel == DEFAULT_CHANNEL
            else channel.lower()
        )
    fields = [
        ("token", VERIFICATION_TOKEN),
        ("team_id", team_id),
        ("team_domain", team_domain),
        ("channel_id", channel),
        ("channel_name", channel_name),
        ("user_id", user),
        ("user_name", user_name or user.lower()),
        ("command", command),
        ("text", text),
        ("api_app_id", api_app_id),
        ("is_enterprise_install", "false"),
        ("response_url", response_url),
        ("trigger_id", trigger_id or new_trigger_id()),
    ]
    return urlencode(fields)


def slash_command_payload(text: str, **fields: Any) -> dict[str, str]:
    """A slash command as Socket Mode carries it: `slash_command_body`'s fields as a dict."""
    return dict(parse_qsl(slash_command_body(text, **fields), keep_blank_values=True))


def event_callback(event: Mapping[str, Any], *, event_id: str | None = None) -> dict[str, Any]:
    """The `event_callback` body Slack sends for the inner `event` (HTTP or Socket Mode)."""
    return {
        "token": VERIFICATION_TOKEN,
        "team_id": TEAM_ID,
        "api_app_id": API_APP_ID,
        "event": dict(event),
        "type": "event_callback",
        "event_id": event_id or new_id("Ev"),
        "event_time": int(time.time()),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": TEAM_ID,
                "user_id": BOT_USER_ID,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
    }


def interactive_body(payload: Mapping[str, Any]) -> str:
    """The form body Slack POSTs for interactivity: `payload=<json>`."""
    return urlencode({"payload": json.dumps(payload, separators=(",", ":"))})


def _team(team_id: str, team_domain: str) -> dict[str, str]:
    return {"id": team_id, "domain": team_domain}


def _user(user: str, team_id: str) -> dict[str, str]:
    return {"id": user, "username": user.lower(), "name": user.lower(), "team_id": team_id}


def message_shortcut(
    *,
    user: str,
    message_text: str,
    channel: str = DEFAULT_CHANNEL,
    channel_name: str | None = None,
    message_ts: str | None = None,
    message_user: str = "U0SOMEONE",
    thread_ts: str | None = None,
    callback_id: str = "start_meeting_from_message",
    trigger_id: str | None = None,
    response_url: str = "https://hooks.slack.com/app/T0ZOOMBOT/1/none",
    team_id: str = TEAM_ID,
    team_domain: str = TEAM_DOMAIN,
) -> dict[str, Any]:
    """The payload of a message shortcut (`type: message_action`) run on a message."""
    ts = message_ts or f"{int(time.time())}.{secrets.randbelow(10**6):06d}"
    message: dict[str, Any] = {
        "type": "message",
        "user": message_user,
        "text": message_text,
        "ts": ts,
        "team": team_id,
    }
    if thread_ts:
        message["thread_ts"] = thread_ts
    return {
        "type": "message_action",
        "token": VERIFICATION_TOKEN,
        "action_ts": f"{time.time():.6f}",
        "team": _team(team_id, team_domain),
        "user": _user(user, team_id),
        "channel": {"id": channel, "name": channel_name or _channel_name(channel)},
        "is_enterprise_install": False,
        "enterprise": None,
        "callback_id": callback_id,
        "trigger_id": trigger_id or new_trigger_id(),
        "response_url": response_url,
        "message_ts": ts,
        "message": message,
    }


def global_shortcut(
    *,
    user: str,
    callback_id: str = "schedule_meeting",
    trigger_id: str | None = None,
    team_id: str = TEAM_ID,
    team_domain: str = TEAM_DOMAIN,
) -> dict[str, Any]:
    """The payload of a global shortcut (`type: shortcut`). It has no channel nor response_url."""
    return {
        "type": "shortcut",
        "token": VERIFICATION_TOKEN,
        "action_ts": f"{time.time():.6f}",
        "team": _team(team_id, team_domain),
        "user": _user(user, team_id),
        "is_enterprise_install": False,
        "enterprise": None,
        "callback_id": callback_id,
        "trigger_id": trigger_id or new_trigger_id(),
    }


def _channel_name(channel: str) -> str:
    if channel == DEFAULT_CHANNEL:
        return DEFAULT_CHANNEL_NAME
    return "directmessage" if channel.startswith("D") else channel.lower()


# State values, one builder per input element kind, in the shape view_submission carries them.


def plain_text_value(value: str | None) -> dict[str, Any]:
    return {"type": "plain_text_input", "value": value}


def number_value(value: int | float | str | None) -> dict[str, Any]:
    return {"type": "number_input", "value": None if value is None else str(value)}


def static_select_value(value: str | None, text: str | None = None) -> dict[str, Any]:
    option = None if value is None else {"text": _plain(text or value), "value": value}
    return {"type": "static_select", "selected_option": option}


def radio_value(value: str | None, text: str | None = None) -> dict[str, Any]:
    option = None if value is None else {"text": _plain(text or value), "value": value}
    return {"type": "radio_buttons", "selected_option": option}


def checkboxes_value(values: Iterable[str]) -> dict[str, Any]:
    return {
        "type": "checkboxes",
        "selected_options": [{"text": _plain(v), "value": v} for v in values],
    }


def datetime_value(when: datetime | int | None) -> dict[str, Any]:
    """A `datetimepicker` value: Unix seconds (what Slack sends), from an aware datetime."""
    if isinstance(when, datetime):
        when = int(when.timestamp())
    return {"type": "datetimepicker", "selected_date_time": when}


def date_value(day: str | None) -> dict[str, Any]:
    return {"type": "datepicker", "selected_date": day}


def time_value(hhmm: str | None, timezone: str | None = None) -> dict[str, Any]:
    value: dict[str, Any] = {"type": "timepicker", "selected_time": hhmm}
    if timezone:
        value["timezone"] = timezone
    return value


def users_value(users: Iterable[str]) -> dict[str, Any]:
    return {"type": "multi_users_select", "selected_users": list(users)}


def user_value(user: str | None) -> dict[str, Any]:
    return {"type": "users_select", "selected_user": user}


def conversation_value(channel: str | None) -> dict[str, Any]:
    return {"type": "conversations_select", "selected_conversation": channel}


def channel_value(channel: str | None) -> dict[str, Any]:
    return {"type": "channels_select", "selected_channel": channel}


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}


def state_value(element: Mapping[str, Any], value: Any) -> dict[str, Any]:
    """The state value Slack sends for input `element` (from a view's blocks) set to `value`.

    `value` is what a person picks: text, a number, an option value (or a list of them for
    checkboxes and multi-selects), a datetime or Unix seconds for a date-time picker, user or
    channel ids. Options' texts are copied from the element so the payload matches Slack's.
    """
    kind = element.get("type")
    options = {o["value"]: o["text"]["text"] for o in _all_options(element)}
    if kind in ("plain_text_input", "email_text_input", "url_text_input"):
        return {"type": kind, "value": value}
    if kind == "number_input":
        return number_value(value)
    if kind in ("static_select", "radio_buttons", "external_select"):
        option = (
            None if value is None else {"text": _plain(options.get(value, value)), "value": value}
        )
        return {"type": kind, "selected_option": option}
    if kind in ("checkboxes", "multi_static_select"):
        values = [value] if isinstance(value, str) else list(value or [])
        return {
            "type": kind,
            "selected_options": [{"text": _plain(options.get(v, v)), "value": v} for v in values],
        }
    if kind == "datetimepicker":
        return datetime_value(value)
    if kind == "datepicker":
        return date_value(value)
    if kind == "timepicker":
        return time_value(value)
    if kind == "multi_users_select":
        return users_value([value] if isinstance(value, str) else value or [])
    if kind == "users_select":
        return user_value(value)
    if kind == "conversations_select":
        return conversation_value(value)
    if kind == "multi_conversations_select":
        return {"type": kind, "selected_conversations": list(value or [])}
    if kind == "channels_select":
        return channel_value(value)
    raise ValueError(f"no state builder for element type {kind!r}")


def _all_options(element: Mapping[str, Any]) -> list[dict[str, Any]]:
    options = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        options += group.get("options") or []
    return options


def _initial_state(element: Mapping[str, Any]) -> dict[str, Any] | None:
    """What Slack submits for an input nobody touched: its initial value, if any."""
    kind = element.get("type")
    if kind in ("plain_text_input", "email_text_input", "url_text_input", "number_input"):
        return {"type": kind, "value": element.get("initial_value")}
    if kind in ("static_select", "radio_buttons"):
        return {"type": kind, "selected_option": element.get("initial_option")}
    if kind in ("checkboxes", "multi_static_select"):
        return {"type": kind, "selected_options": element.get("initial_options") or []}
    if kind == "datetimepicker":
        return {"type": kind, "selected_date_time": element.get("initial_date_time")}
    if kind == "datepicker":
        return {"type": kind, "selected_date": element.get("initial_date")}
    if kind == "timepicker":
        return {"type": kind, "selected_time": element.get("initial_time")}
    if kind == "multi_users_select":
        return {"type": kind, "selected_users": element.get("initial_users") or []}
    if kind == "users_select":
        return {"type": kind, "selected_user": element.get("initial_user")}
    if kind == "conversations_select":
        initial = element.get("initial_conversation")
        if initial is None and element.get("default_to_current_conversation"):
            initial = DEFAULT_CHANNEL
        return {"type": kind, "selected_conversation": initial}
    if kind == "multi_conversations_select":
        return {"type": kind, "selected_conversations": element.get("initial_conversations") or []}
    if kind == "channels_select":
        return {"type": kind, "selected_channel": element.get("initial_channel")}
    return None


def view_state(view: Mapping[str, Any], fill: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """`state.values` for submitting `view`: every input at its initial value, then `fill`.

    `fill` maps a block_id or an action_id to what the person entered (see `state_value`);
    a key that names no input raises KeyError listing the inputs the view has.
    """
    fill = dict(fill or {})
    values: dict[str, dict[str, Any]] = {}
    for block in view.get("blocks") or []:
        elements: list[dict[str, Any]] = []
        if block.get("type") == "input" and isinstance(block.get("element"), dict):
            elements = [block["element"]]
        elif block.get("type") == "actions":
            elements = [e for e in block.get("elements") or [] if isinstance(e, dict)]
        elif block.get("type") == "section" and isinstance(block.get("accessory"), dict):
            elements = [block["accessory"]]
        block_id = block.get("block_id")
        if not block_id:
            continue
        for element in elements:
            action_id = element.get("action_id")
            if not action_id or element.get("type") in ("button", "overflow"):
                continue
            for key in (block_id, action_id):
                if key in fill:
                    state = state_value(element, fill.pop(key))
                    break
            else:
                state = _initial_state(element)  # type: ignore[assignment]
            if state is not None:
                values.setdefault(block_id, {})[action_id] = state
    if fill:
        raise KeyError(f"view has no input {sorted(fill)}; its inputs: {sorted(values)}")
    return values


def view_submission(
    *,
    user: str,
    view: Mapping[str, Any],
    values: Mapping[str, Mapping[str, Any]] | None = None,
    fill: Mapping[str, Any] | None = None,
    trigger_id: str | None = None,
    response_urls: list[dict[str, Any]] | None = None,
    team_id: str = TEAM_ID,
    team_domain: str = TEAM_DOMAIN,
    api_app_id: str = API_APP_ID,
) -> dict[str, Any]:
    """The payload Slack sends when `user` submits `view` (as `views.open` answered it).

    Give the state either exactly (`values[block_id][action_id] = {type, value…}`) or as
    `fill` (block or action id -> what the person entered; the rest keep initial values).
    `response_urls` is what Slack sends for a modal with `response_url_enabled` inputs.
    """
    state = dict(values) if values is not None else view_state(view, fill)
    submitted = {
        "id": view.get("id") or new_id("V"),
        "team_id": team_id,
        "type": view.get("type", "modal"),
        "blocks": view.get("blocks", []),
        "private_metadata": view.get("private_metadata", ""),
        "callback_id": view.get("callback_id", ""),
        "state": {"values": state},
        "hash": view.get("hash") or f"{int(time.time())}.{secrets.token_hex(4)}",
        "title": view.get("title"),
        "clear_on_close": view.get("clear_on_close", False),
        "notify_on_close": view.get("notify_on_close", False),
        "close": view.get("close"),
        "submit": view.get("submit"),
        "previous_view_id": view.get("previous_view_id"),
        "root_view_id": view.get("root_view_id") or view.get("id"),
        "app_id": api_app_id,
        "external_id": view.get("external_id", ""),
        "app_installed_team_id": team_id,
        "bot_id": view.get("bot_id", BOT_ID),
    }
    return {
        "type": "view_submission",
        "team": _team(team_id, team_domain),
        "user": _user(user, team_id),
        "api_app_id": api_app_id,
        "token": VERIFICATION_TOKEN,
        "trigger_id": trigger_id or new_trigger_id(),
        "view": submitted,
        "response_urls": response_urls or [],
        "is_enterprise_install": False,
        "enterprise": None,
    }


def block_actions(
    *,
    user: str,
    actions: list[dict[str, Any]],
    channel: str | None = DEFAULT_CHANNEL,
    message: Mapping[str, Any] | None = None,
    view: Mapping[str, Any] | None = None,
    trigger_id: str | None = None,
    response_url: str | None = "https://hooks.slack.com/actions/T0ZOOMBOT/1/none",
    team_id: str = TEAM_ID,
    team_domain: str = TEAM_DOMAIN,
    api_app_id: str = API_APP_ID,
) -> dict[str, Any]:
    """The payload of interactions with blocks: in a message (`message`, `channel`) or a view.

    Each action is e.g. `{"type": "button", "action_id": "cancel", "block_id": "b1",
    "value": "123"}`; `action_ts` is added when missing.
    """
    stamped = [{"action_ts": f"{time.time():.6f}", **action} for action in actions]
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": _user(user, team_id),
        "api_app_id": api_app_id,
        "token": VERIFICATION_TOKEN,
        "container": {},
        "trigger_id": trigger_id or new_trigger_id(),
        "team": _team(team_id, team_domain),
        "enterprise": None,
        "is_enterprise_install": False,
        "actions": stamped,
    }
    if view is not None:
        payload["container"] = {"type": "view", "view_id": view.get("id")}
        payload["view"] = dict(view)
    else:
        ts = (message or {}).get("ts", f"{int(time.time())}.000100")
        payload["container"] = {
            "type": "message",
            "message_ts": ts,
            "channel_id": channel,
            "is_ephemeral": False,
        }
        payload["channel"] = {"id": channel, "name": _channel_name(channel or "")}
        payload["message"] = dict(message or {"type": "message", "ts": ts, "text": ""})
        payload["state"] = {"values": {}}
        if response_url:
            payload["response_url"] = response_url
    return payload


class SlackSender:
    """Sends signed requests to an app's `/slack/events`, as Slack does; returns the response.

    With `fake` (a FakeSlack), response URLs and trigger ids default to fresh ones the fake
    accepts; the response URL used by the last `command` is in `last_response_url`.
    """

    def __init__(
        self,
        app_url: str,
        signing_secret: str,
        *,
        fake: FakeSlack | None = None,
        timeout: float = 10.0,
        path: str = "/slack/events",
    ) -> None:
        self.app_url = app_url.rstrip("/")
        self.events_url = self.app_url + path
        self.signing_secret = signing_secret
        self.fake = fake
        self.last_response_url: str | None = None
        self._http = httpx.Client(timeout=timeout)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> SlackSender:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def post(
        self,
        body: str,
        *,
        content_type: str = "application/x-www-form-urlencoded",
        timestamp: int | None = None,
        headers: Mapping[str, str] | None = None,
        signature: str | None = None,
    ) -> httpx.Response:
        """POST `body` signed (or with `signature` to forge one, `timestamp` to age one)."""
        sent = signed_headers(self.signing_secret, body, timestamp, content_type=content_type)
        if signature is not None:
            sent["X-Slack-Signature"] = signature
        sent.update(headers or {})
        return self._http.post(self.events_url, content=body.encode(), headers=sent)

    def command(
        self,
        text: str,
        user: str,
        channel: str = DEFAULT_CHANNEL,
        *,
        response_url: str | None = None,
        trigger_id: str | None = None,
        command: str = "/zoom",
        **fields: Any,
    ) -> httpx.Response:
        """`/zoom text` typed by `user` in `channel`. Extra `fields` go to `slash_command_body`."""
        if response_url is None:
            response_url = (
                self.fake.new_response_url()
                if self.fake
                else "https://hooks.slack.com/commands/T0ZOOMBOT/1/none"
            )
        self.last_response_url = response_url
        body = slash_command_body(
            text,
            user=user,
            channel=channel,
            command=command,
            response_url=response_url,
            trigger_id=trigger_id,
            **fields,
        )
        return self.post(body)

    def interactive(
        self, payload: Mapping[str, Any], *, headers: Mapping[str, str] | None = None
    ) -> httpx.Response:
        """A `payload=<json>` interactivity request."""
        return self.post(interactive_body(payload), headers=headers)

    def event(
        self,
        event: Mapping[str, Any],
        *,
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
        event_id: str | None = None,
    ) -> httpx.Response:
        """An Events API delivery. `event` is the inner event, or a whole `event_callback` body
        (anything with a "type" of "event_callback" or "url_verification" is sent as is).
        `retry_num` adds Slack's `X-Slack-Retry-Num` / `X-Slack-Retry-Reason` headers.
        """
        if event.get("type") in ("event_callback", "url_verification"):
            body: Mapping[str, Any] = event
        else:
            body = event_callback(event, event_id=event_id)
        headers: dict[str, str] = {}
        if retry_num is not None:
            headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": retry_reason}
        return self.post(
            json.dumps(body, separators=(",", ":")),
            content_type="application/json",
            headers=headers,
        )

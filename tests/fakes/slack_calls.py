"""The fake Slack's Calls API: `calls.add`, `calls.info`, `calls.update`,
`calls.participants.add/remove` and `calls.end`, validating their arguments as Slack does
(required ones, `created_by` and `slack_id` users that exist, a `users` list of Slack or
external users, an ended call refusing changes with `inactive_call`), and the `call` block
of a message naming a call that exists.

`FakeSlack.missing_scopes.add("calls:write")` makes every Calls method answer
`missing_scope`, as Slack does for an app installed without the scope. State: `calls`
(call id → the call as `calls.info` shows it, plus `ended` and `duration`).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from tests.fakes.slack import SlackError, new_id

Handler = Callable[[dict[str, Any]], dict[str, Any]]
SCOPE = "calls:write"


class FakeCalls:
    """The Calls API of one FakeSlack (called with the fake's lock held)."""

    def __init__(self, users: Callable[[], dict[str, dict[str, Any]]], scopes: Callable[[], set]):
        self._users = users
        self._missing_scopes = scopes
        self.calls: dict[str, dict[str, Any]] = {}

    def clear(self) -> None:
        self.calls = {}

    def handlers(self) -> dict[str, Handler]:
        return {
            "calls.add": self._scoped(self._add),
            "calls.info": self._scoped(self._info),
            "calls.update": self._scoped(self._update),
            "calls.participants.add": self._scoped(self._participants_add),
            "calls.participants.remove": self._scoped(self._participants_remove),
            "calls.end": self._scoped(self._end),
        }

    def by_external_id(self, external_unique_id: str) -> dict[str, Any] | None:
        return next(
            (c for c in self.calls.values() if c["external_unique_id"] == external_unique_id),
            None,
        )

    def block_errors(self, blocks: Any) -> list[str]:
        """A `call` block naming a call Slack does not know."""
        errors = []
        for i, block in enumerate(blocks if isinstance(blocks, list) else []):
            if isinstance(block, dict) and block.get("type") == "call":
                if block.get("call_id") not in self.calls:
                    errors.append(f"invalid call_id [json-pointer:/blocks/{i}/call_id]")
        return errors

    # -- methods ---------------------------------------------------------------------------

    def _scoped(self, handler: Handler) -> Handler:
        def checked(params: dict[str, Any]) -> dict[str, Any]:
            if SCOPE in self._missing_scopes():
                raise SlackError("missing_scope", needed=SCOPE, provided="chat:write,commands")
            return handler(params)

        return checked

    def _add(self, params: dict[str, Any]) -> dict[str, Any]:
        _required(params, "external_unique_id", "join_url")
        # With a bot token `created_by` is required (a user token defaults to its user).
        created_by = params.get("created_by")
        if not created_by:
            raise SlackError("invalid_arguments", response_metadata=_missing("created_by"))
        if str(created_by) not in self._users():
            raise SlackError("user_not_found")
        date_start = params.get("date_start", int(time.time()))
        try:
            date_start = int(date_start)
        except (TypeError, ValueError):
            raise SlackError("invalid_arguments") from None
        call_id = new_id("R")
        call = {
            "id": call_id,
            "external_unique_id": str(params["external_unique_id"]),
            "join_url": str(params["join_url"]),
            "date_start": date_start,
            "created_by": str(created_by),
            "users": self._users_of(params, required=False),
            "ended": False,
            "duration": None,
        }
        for key in ("title", "external_display_id", "desktop_app_join_url"):
            if params.get(key) is not None:
                call[key] = str(params[key])
        self.calls[call_id] = call
        return {"call": _public(call)}

    def _info(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"call": _public(self._call(params))}

    def _update(self, params: dict[str, Any]) -> dict[str, Any]:
        call = self._active(params)
        for key in ("title", "join_url", "desktop_app_join_url"):
            if params.get(key) is not None:
                call[key] = str(params[key])
        return {"call": _public(call)}

    def _participants_add(self, params: dict[str, Any]) -> dict[str, Any]:
        call = self._active(params)
        for user in self._users_of(params, required=True):
            if user not in call["users"]:
                call["users"].append(user)
        return {}

    def _participants_remove(self, params: dict[str, Any]) -> dict[str, Any]:
        call = self._active(params)
        gone = self._users_of(params, required=True)
        call["users"] = [u for u in call["users"] if u not in gone]
        return {}

    def _end(self, params: dict[str, Any]) -> dict[str, Any]:
        call = self._active(params)
        duration = params.get("duration")
        if duration is not None:
            try:
                duration = int(duration)
            except (TypeError, ValueError):
                raise SlackError("invalid_arguments") from None
        call["ended"] = True
        call["duration"] = duration
        return {}

    # -- checks ----------------------------------------------------------------------------

    def _call(self, params: dict[str, Any]) -> dict[str, Any]:
        _required(params, "id")
        call = self.calls.get(str(params["id"]))
        if call is None:
            raise SlackError("invalid_call_id")
        return call

    def _active(self, params: dict[str, Any]) -> dict[str, Any]:
        call = self._call(params)
        if call["ended"]:
            raise SlackError("inactive_call")
        return call

    def _users_of(self, params: dict[str, Any], *, required: bool) -> list[dict[str, str]]:
        raw = params.get("users")
        if raw is None:
            if required:
                raise SlackError("invalid_arguments", response_metadata=_missing("users"))
            return []
        if isinstance(raw, str):
            try:
                raw = json.loads(raw)
            except ValueError:
                raise SlackError("invalid_users") from None
        if not isinstance(raw, list) or (required and not raw):
            raise SlackError("invalid_users")
        users: list[dict[str, str]] = []
        for user in raw:
            if not isinstance(user, dict):
                raise SlackError("invalid_users")
            if "slack_id" in user:
                if str(user["slack_id"]) not in self._users():
                    raise SlackError("user_not_found")
                users.append({"slack_id": str(user["slack_id"])})
            elif user.get("external_id") and user.get("display_name"):
                users.append(
                    {"external_id": str(user["external_id"]), "display_name": user["display_name"]}
                )
            else:
                # Slack wants a slack_id, or an external_id with a display_name.
                raise SlackError("invalid_users")
        return users


def _required(params: dict[str, Any], *names: str) -> None:
    for name in names:
        if params.get(name) in (None, ""):
            raise SlackError("invalid_arguments", response_metadata=_missing(name))


def _missing(name: str) -> dict[str, list[str]]:
    return {"messages": [f"[ERROR] missing required field: {name}"]}


def _public(call: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in call.items() if k not in ("ended", "duration")} | (
        {"date_end": call["date_start"] + (call["duration"] or 0)} if call["ended"] else {}
    )

"""The fake Zoom's routing table: the route templates (named as Zoom's OpenAPI document
names them, without `/v2`), the scopes each needs, the patterns that match a path under any
prefix ending in `/v2` (or `/oauth/…`), and how a request body is read. No state."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qs

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
ROUTE_SCOPES = {
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


def route(path: str) -> tuple[str | None, dict[str, str]]:
    """The route template `path` asks for and its parameters; (None, {}) when none."""
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


def parse_body(raw: bytes, headers: dict[str, str]) -> Any:
    """A request body as the fake reads it: a form dict, parsed JSON, text, or None."""
    if not raw:
        return None
    kind = headers.get("content-type", "")
    if "application/x-www-form-urlencoded" in kind:
        return {k: v[-1] for k, v in parse_qs(raw.decode()).items()}
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode(errors="replace")

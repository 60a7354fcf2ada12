"""The fake Slack's side of installing an app: `Workspaces` holds the workspaces that
installed it and their tokens, serves Slack's authorization page and `oauth.v2.access`
(the code grant and, with token rotation, the refresh grant), and answers `auth.test` per
token.

    fake.workspaces.installing = fake.workspaces.add("T0ACME", "Acme")   # who clicks Allow
    GET {fake.url}/oauth/v2/authorize?client_id=…&scope=…&state=…&redirect_uri=…
        → 302 redirect_uri?code=…&state=…
    POST {fake.api_url}oauth.v2.access   (client_id/client_secret, code | refresh_token)
    fake.workspaces.expire("T0ACME")       # its bot token expires now (token_expired)
    fake.workspaces.uninstall("T0ACME")    # tokens revoked; the app_uninstalled event body

A workspace's bot token is good only for its own workspace's calls; the fake's original
`bot_token` stays the single-workspace token of `FakeSlack.team_id`.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

CLIENT_ID = "1111.2222"
CLIENT_SECRET = "fake-slack-client-secret"
TOKEN_LIFETIME = 43200  # Slack's rotating tokens live 12 hours


@dataclass
class Workspace:
    team_id: str
    name: str
    enterprise_id: str | None = None
    org_install: bool = False  # an Enterprise Grid org-wide install (no team)
    bot_user_id: str = field(default_factory=lambda: "U" + secrets.token_hex(5).upper())
    bot_id: str = field(default_factory=lambda: "B" + secrets.token_hex(5).upper())


@dataclass
class _Token:
    workspace: Workspace
    expires: float | None  # epoch seconds; None: never (no rotation)


class Workspaces:
    def __init__(self, fake: Any) -> None:
        self._fake = fake
        self.client_id = CLIENT_ID
        self.client_secret = CLIENT_SECRET
        self.rotation = False  # token rotation on: tokens expire, refresh tokens issued
        self.token_lifetime = TOKEN_LIFETIME  # seconds, with rotation on
        self.installing: Workspace | None = None
        self.known: dict[str, Workspace] = {}
        self._codes: dict[str, tuple[Workspace, str]] = {}  # code → (workspace, redirect)
        self._tokens: dict[str, _Token] = {}
        self._refresh: dict[str, Workspace] = {}
        self.refreshes = 0

    # -- for tests -----------------------------------------------------------------------

    def add(
        self,
        team_id: str,
        name: str,
        *,
        enterprise_id: str | None = None,
        org_install: bool = False,
    ) -> Workspace:
        with self._fake._lock:
            found = Workspace(team_id, name, enterprise_id, org_install)
            self.known[team_id] = found
            return found

    def tokens_of(self, team_id: str) -> list[str]:
        """Every bot token issued to this workspace (the live one last)."""
        with self._fake._lock:
            return [t for t, v in self._tokens.items() if v.workspace.team_id == team_id]

    def expire(self, team_id: str) -> None:
        """Its bot tokens expire now: calls with them get `token_expired`."""
        with self._fake._lock:
            for value in self._tokens.values():
                if value.workspace.team_id == team_id:
                    value.expires = time.time() - 1

    def uninstall(self, team_id: str) -> dict[str, Any]:
        """The workspace removes the app: its tokens are revoked. Returns the Events API
        body of `app_uninstalled` Slack then sends."""
        workspace = self._revoke(team_id)
        return self._event(workspace, {"type": "app_uninstalled"})

    def revoke_bot_token(self, team_id: str) -> dict[str, Any]:
        """An admin revokes the app's bot token (the app stays installed). Returns the
        Events API body of `tokens_revoked` Slack then sends."""
        workspace = self._revoke(team_id)
        tokens = {"oauth": [], "bot": [workspace.bot_user_id]}
        return self._event(workspace, {"type": "tokens_revoked", "tokens": tokens})

    def _revoke(self, team_id: str) -> Workspace:
        with self._fake._lock:
            workspace = self.known[team_id]
            for token in [t for t, v in self._tokens.items() if v.workspace is workspace]:
                del self._tokens[token]
            for token in [t for t, w in self._refresh.items() if w is workspace]:
                del self._refresh[token]
        return workspace

    def _event(self, workspace: Workspace, event: dict[str, Any]) -> dict[str, Any]:
        return {
            "token": "unused-verification-token",
            "team_id": workspace.team_id,
            "enterprise_id": workspace.enterprise_id,
            "api_app_id": self._fake.api_app_id,
            "event": {**event, "event_ts": f"{time.time():.6f}"},
            "type": "event_callback",
            "event_id": "Ev" + secrets.token_hex(5).upper(),
            "event_time": int(time.time()),
            "authorizations": [
                {
                    "enterprise_id": workspace.enterprise_id,
                    "team_id": workspace.team_id,
                    "user_id": workspace.bot_user_id,
                    "is_bot": True,
                    "is_enterprise_install": workspace.org_install,
                }
            ],
            "is_ext_shared_channel": False,
        }

    # -- the fake's routes and checks --------------------------------------------------------

    def authorize_page(self, query: dict[str, str]) -> tuple[int, dict[str, str]]:
        """GET /oauth/v2/authorize: the person in `installing` clicks Allow at once."""
        if query.get("client_id") != self.client_id or not query.get("redirect_uri"):
            return 400, {}
        if self.installing is None:
            return 400, {}
        code = secrets.token_urlsafe(16)
        with self._fake._lock:
            self._codes[code] = (self.installing, query["redirect_uri"])
        back = {"code": code, "state": query.get("state", "")}
        return 302, {"location": f"{query['redirect_uri']}?{urlencode(back)}"}

    def oauth_v2_access(self, params: dict[str, Any], basic: tuple[str, str] | None) -> dict:
        client = basic or (params.get("client_id"), params.get("client_secret"))
        if tuple(client) != (self.client_id, self.client_secret):
            return {"ok": False, "error": "invalid_client_id"}
        if params.get("grant_type") == "refresh_token":
            workspace = self._refresh.pop(str(params.get("refresh_token") or ""), None)
            if workspace is None:
                return {"ok": False, "error": "invalid_refresh_token"}
            self.refreshes += 1
            return {"ok": True, **self._issue(workspace)}
        found = self._codes.pop(str(params.get("code") or ""), None)
        if found is None:
            return {"ok": False, "error": "invalid_code"}
        workspace, redirect = found
        if params.get("redirect_uri") and params["redirect_uri"] != redirect:
            return {"ok": False, "error": "bad_redirect_uri"}
        return {"ok": True, **self._issue(workspace)}

    def workspace_of(self, token: str) -> Workspace | str | None:
        """The workspace a bot token belongs to; "expired" for an expired one; None if the
        fake never issued it."""
        value = self._tokens.get(token)
        if value is None:
            return None
        if value.expires is not None and value.expires < time.time():
            return "expired"
        return value.workspace

    def _issue(self, workspace: Workspace) -> dict[str, Any]:
        token = "xoxb-" + workspace.team_id + "-" + secrets.token_hex(12)
        answer: dict[str, Any] = {
            "access_token": token,
            "token_type": "bot",
            "scope": "commands,chat:write,chat:write.public,users:read,users:read.email",
            "bot_user_id": workspace.bot_user_id,
            "app_id": self._fake.api_app_id,
            "team": None
            if workspace.org_install
            else {"id": workspace.team_id, "name": workspace.name},
            "enterprise": (
                {"id": workspace.enterprise_id, "name": workspace.name + " org"}
                if workspace.enterprise_id
                else None
            ),
            "is_enterprise_install": workspace.org_install,
            "authed_user": {"id": "U" + secrets.token_hex(5).upper()},
        }
        expires = None
        if self.rotation:
            refresh = "xoxe-1-" + secrets.token_hex(16)
            self._refresh[refresh] = workspace
            answer["refresh_token"] = refresh
            answer["expires_in"] = self.token_lifetime
            expires = time.time() + self.token_lifetime
        self._tokens[token] = _Token(workspace, expires)
        return answer

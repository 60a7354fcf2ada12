"""The fake Zoom's user-managed OAuth app: what "Connect your Zoom" talks to.

    fake.grants.sign_in("ana@example.com")      # the Zoom user whose browser visits Zoom
    GET  {fake.url}/oauth/authorize?...          # 302 to redirect_uri?code=…&state=…
    POST {fake.url}/oauth/token                  # authorization_code (PKCE S256 checked),
                                                 # refresh_token (rotated: the old one dies)
    POST {fake.url}/oauth/revoke?token=…         # the grant is gone
    fake.grants.expire("ana@example.com")        # her access tokens expire now
    fake.grants.deauthorize("ana@example.com")   # she removed the app: grant gone, and the
                                                 # `app_deauthorized` body to send the app

Each rule follows Zoom's OAuth documentation: codes live 10 minutes and are used once, the
redirect_uri must match the authorization's, a refresh token is good once, the client
authenticates with HTTP Basic. User tokens carry user-level scopes and act as "me".
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

CODE_TTL = 600.0
USER_SCOPES = ("meeting:read", "meeting:write", "user:read")


@dataclass
class _Code:
    user_id: str
    redirect_uri: str
    challenge: str | None
    expires: float


class UserGrants:
    """State of the fake's OAuth app; its methods are called under the fake's lock, except
    the test-facing ones, which take it themselves."""

    def __init__(
        self,
        fake: Any,
        client_id: str = "oauth-cid-test",
        client_secret: str = "oauth-secret-test",
        token_ttl: int = 3599,
    ) -> None:
        self._fake = fake
        self.client_id = client_id
        self.client_secret = client_secret
        self.token_ttl = token_ttl
        self.signed_in: str | None = None  # a Zoom user id
        self._codes: dict[str, _Code] = {}
        self._refresh: dict[str, str] = {}  # refresh token -> user id
        self.access: dict[str, str] = {}  # access token -> user id
        self.refreshes = 0

    # -- for tests -----------------------------------------------------------------------

    def sign_in(self, email: str) -> None:
        """The next visits to the authorization page are by this Zoom user, who consents."""
        with self._fake._lock:
            user = self._fake._find_user(email)
            if user is None:
                raise KeyError(f"no such user in the fake: {email}")
            self.signed_in = user["id"]

    def expire(self, email: str) -> None:
        """Every access token of this user expires now (the next call gets code 124)."""
        with self._fake._lock:
            user_id = self._fake._find_user(email)["id"]
            for token, owner in self.access.items():
                if owner == user_id:
                    _, scopes = self._fake._tokens[token]
                    self._fake._tokens[token] = (time.time() - 1, scopes)

    def deauthorize(self, email: str) -> dict[str, Any]:
        """The user removed the app in Zoom: their grant is gone. Returns the
        `app_deauthorized` event body Zoom sends (`fake.send_event(url, body)`)."""
        with self._fake._lock:
            user = self._fake._find_user(email)
            self._drop_grant(user["id"])
            now_ms = int(time.time() * 1000)
            return {
                "event": "app_deauthorized",
                "event_ts": now_ms,
                "payload": {
                    "account_id": user["account_id"],
                    "user_id": user["id"],
                    "signature": secrets.token_hex(32),
                    "deauthorization_time": time.strftime(
                        "%Y-%m-%dT%H:%M:%SZ", time.gmtime(now_ms / 1000)
                    ),
                    "client_id": self.client_id,
                },
            }

    def connected(self, email: str) -> bool:
        """Whether this user has a live grant (a refresh token the fake would honour)."""
        with self._fake._lock:
            user_id = self._fake._find_user(email)["id"]
            return user_id in self._refresh.values()

    # -- the fake's routes ---------------------------------------------------------------

    def authorize(self, query: dict[str, str]) -> tuple[int, dict[str, str], Any]:
        """GET /oauth/authorize: the consent page, consented to at once by `signed_in`."""
        if query.get("client_id") != self.client_id:
            return 400, {}, {"error": "invalid_client", "reason": "Invalid client_id"}
        if query.get("response_type") != "code" or not query.get("redirect_uri"):
            return 400, {}, {"error": "invalid_request", "reason": "Invalid request"}
        method = query.get("code_challenge_method")
        if query.get("code_challenge") and method != "S256":
            return 400, {}, {"error": "invalid_request", "reason": "Unsupported challenge"}
        if self.signed_in is None:
            return 401, {}, {"error": "login_required", "reason": "Nobody is signed in"}
        code = secrets.token_urlsafe(24)
        self._codes[code] = _Code(
            self.signed_in,
            query["redirect_uri"],
            query.get("code_challenge"),
            time.time() + CODE_TTL,
        )
        back = {"code": code}
        if "state" in query:
            back["state"] = query["state"]
        return 302, {"location": f"{query['redirect_uri']}?{urlencode(back)}"}, None

    def token(self, form: dict[str, str], client: tuple[str | None, str | None]) -> tuple[int, Any]:
        """POST /oauth/token for the authorization_code and refresh_token grants."""
        if client != (self.client_id, self.client_secret):
            return 401, {"reason": "Invalid client_id or client_secret", "error": "invalid_client"}
        grant = form.get("grant_type")
        if grant == "authorization_code":
            found = self._codes.pop(form.get("code") or "", None)
            if found is None or found.expires < time.time():
                return 400, {"reason": "Invalid authorization code", "error": "invalid_grant"}
            if form.get("redirect_uri") != found.redirect_uri:
                return 400, {"reason": "Redirect URI mismatch.", "error": "invalid_request"}
            if found.challenge is not None and _s256(form.get("code_verifier") or "") != (
                found.challenge
            ):
                return 400, {"reason": "Invalid code verifier", "error": "invalid_grant"}
            return 200, self._issue(found.user_id)
        if grant == "refresh_token":
            user_id = self._refresh.pop(form.get("refresh_token") or "", None)
            if user_id is None or user_id not in self._fake._users:
                return 400, {"reason": "Invalid Token!", "error": "invalid_grant"}
            self.refreshes += 1
            return 200, self._issue(user_id)
        return 400, {"reason": "Unsupported grant type", "error": "unsupported_grant_type"}

    def revoke(
        self, form: dict[str, str], client: tuple[str | None, str | None]
    ) -> tuple[int, Any]:
        """POST /oauth/revoke: the grant the token belongs to is gone."""
        if client != (self.client_id, self.client_secret):
            return 401, {"reason": "Invalid client_id or client_secret", "error": "invalid_client"}
        token = form.get("token") or ""
        user_id = self.access.get(token) or self._refresh.get(token)
        if user_id is None:
            return 400, {"reason": "Invalid Token!", "error": "invalid_request"}
        self._drop_grant(user_id)
        return 200, {"status": "success"}

    def _issue(self, user_id: str) -> dict[str, Any]:
        access = "fake-user." + secrets.token_urlsafe(32)
        refresh = "fake-refresh." + secrets.token_urlsafe(32)
        self.access[access] = user_id
        self._refresh[refresh] = user_id
        self._fake._tokens[access] = (time.time() + self.token_ttl, USER_SCOPES)
        return {
            "access_token": access,
            "token_type": "bearer",
            "refresh_token": refresh,
            "expires_in": self.token_ttl,
            "scope": " ".join(USER_SCOPES),
            "api_url": "https://api.zoom.us",
        }

    def _drop_grant(self, user_id: str) -> None:
        for token in [t for t, owner in self.access.items() if owner == user_id]:
            self._fake._revoked.add(token)
        for token in [t for t, owner in self._refresh.items() if owner == user_id]:
            del self._refresh[token]


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii", errors="replace")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

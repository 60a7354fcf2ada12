"""The fake Zoom's account: its users (added, removed, listed, looked up by id or email),
the Server-to-Server token endpoint and the bearer check with its scopes, the user-level
tokens that act as "me", and the daily create/update limit. Mixed into `FakeZoom`, whose
state and lock it uses; the `_`-handlers run under the lock."""

from __future__ import annotations

import base64
import secrets
import time
from datetime import UTC, datetime
from typing import Any

from tests.fakes.zoom.routes import ROUTE_SCOPES
from tests.fakes.zoom.rules import (
    DAILY_LIMIT_MESSAGE,
    Reply,
    ZoomFailure,
    basic_client,
    digits,
    next_midnight_utc,
    utc_text,
)


class Accounts:
    """Users, tokens and limits of `FakeZoom` (see the module docstring)."""

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
        needed = ROUTE_SCOPES.get((method, route), ())
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

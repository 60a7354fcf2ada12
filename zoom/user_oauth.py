"""Zoom user OAuth ("Connect your Zoom"): the authorization-code grant with PKCE (S256), and
the tokens of one connected user, refreshed as they expire.

    oauth = ZoomUserOAuth(http, client_id, client_secret, redirect_uri, oauth_url=...)
    grant = oauth.authorize()                  # grant.url for the user; keep state + verifier
    tokens = await oauth.exchange(code, grant.code_verifier)
    client = oauth.client_for(tokens, save)    # a ZoomClient acting as that user ("me")
    await oauth.revoke(tokens.access_token)

A refresh Zoom refuses (the user revoked the app, or removed it) raises `GrantRevoked`: the
user has to connect again. `save` is awaited with every new pair of tokens (Zoom rotates the
refresh token on each refresh), before the new access token is used. With several processes
sharing where the pairs are saved, pass `load` too (it reads the saved pair): a process then
takes a pair another one refreshed instead of refreshing a retired token, and a refusal of a
token another process has just rotated is not mistaken for a revoked grant.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import httpx
from authlib.common.security import generate_token
from authlib.oauth2.auth import ClientAuth
from authlib.oauth2.rfc7636 import create_s256_code_challenge

from zoom._auth import REFRESH_MARGIN, TokenSource, request_timeout
from zoom.errors import GrantRevoked, ZoomAuthError, ZoomUnavailable

DEFAULT_OAUTH_URL = "https://zoom.us/oauth/token"

Save = Callable[["UserTokens"], Awaitable[None]]
Load = Callable[[], Awaitable["UserTokens | None"]]

# After a refused refresh, how long to look for the pair another process may be saving.
ROTATED_WAIT = 2.0


@dataclass(frozen=True)
class UserTokens:
    """A connected user's tokens. `expires_at`: epoch seconds when the access token dies."""

    access_token: str
    refresh_token: str
    expires_at: float
    scope: str = ""

    def __repr__(self) -> str:  # never print a token
        return f"UserTokens(expires_at={self.expires_at!r}, scope={self.scope!r})"


@dataclass(frozen=True)
class Authorization:
    """Where to send the user (`url`), and what to keep until they come back: `state` (the
    `state` parameter Zoom returns) and `code_verifier` (PKCE, for `exchange`)."""

    url: str
    state: str
    code_verifier: str

    def __repr__(self) -> str:
        return "Authorization(…)"


def authorize_url_for(oauth_url: str) -> str:
    """Zoom's authorization page on the host of its token endpoint `oauth_url`."""
    parts = urlsplit(oauth_url)
    path = parts.path.rstrip("/")
    base = path[: -len("/token")] if path.endswith("/token") else "/oauth"
    return urlunsplit((parts.scheme, parts.netloc, base + "/authorize", "", ""))


class ZoomUserOAuth:
    """One Zoom OAuth app (user-managed) and the grants users give it."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        client_id: str,
        client_secret: str,
        redirect_uri: str,
        *,
        oauth_url: str = DEFAULT_OAUTH_URL,
        api_url: str = "https://api.zoom.us/v2",
        timeout: float = 10.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._http = http
        self.client_id = client_id
        self._auth = ClientAuth(client_id, client_secret, "client_secret_basic")
        self.redirect_uri = redirect_uri
        self.oauth_url = oauth_url
        self.api_url = api_url
        self.timeout = timeout
        self._clock = clock

    def authorize(self, state: str | None = None) -> Authorization:
        """A new authorization: its URL on Zoom, its state and its PKCE verifier."""
        state = state or generate_token(32)
        verifier = generate_token(64)
        query = urlencode(
            {
                "response_type": "code",
                "client_id": self.client_id,
                "redirect_uri": self.redirect_uri,
                "state": state,
                "code_challenge": create_s256_code_challenge(verifier),
                "code_challenge_method": "S256",
            }
        )
        return Authorization(f"{authorize_url_for(self.oauth_url)}?{query}", state, verifier)

    async def exchange(self, code: str, code_verifier: str) -> UserTokens:
        """The tokens for the `code` Zoom sent back. Raises `ZoomAuthError` (a code that is
        wrong, used or expired) or `ZoomUnavailable`."""
        response = await self._post(
            self.oauth_url,
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": self.redirect_uri,
                "code_verifier": code_verifier,
            },
        )
        return self._tokens(response, refreshing=False)

    async def refresh(self, refresh_token: str) -> UserTokens:
        """New tokens for `refresh_token` (which Zoom then retires). Raises `GrantRevoked`
        when Zoom refuses it, `ZoomUnavailable` when Zoom cannot be asked."""
        response = await self._post(
            self.oauth_url, {"grant_type": "refresh_token", "refresh_token": refresh_token}
        )
        return self._tokens(response, refreshing=True)

    async def revoke(self, token: str) -> None:
        """Revoke the grant `token` belongs to. Zoom answering that it is already gone is
        fine; raises `ZoomUnavailable` when Zoom cannot be asked."""
        revoke_url = self.oauth_url.rstrip("/")
        revoke_url = (
            revoke_url[: -len("/token")] + "/revoke"
            if revoke_url.endswith("/token")
            else revoke_url
        )
        response = await self._post(revoke_url, {"token": token})
        if response.status_code >= 500 or response.status_code == 429:
            raise ZoomUnavailable(
                f"Zoom's revoke endpoint answered HTTP {response.status_code}",
                status=response.status_code,
            )

    def client_for(
        self, tokens: UserTokens, save: Save, *, load: Load | None = None, **client_options: Any
    ) -> Any:
        """A `ZoomClient` that calls Zoom as the user holding `tokens` (use `"me"` as the
        user id); it refreshes them when they expire and awaits `save` with the new pair
        (`load`: see the module docstring)."""
        from zoom.client import ZoomClient

        source = UserTokenSource(self, tokens, save, load=load, clock=self._clock)
        return ZoomClient(
            "",
            "",
            "",
            api_url=self.api_url,
            oauth_url=self.oauth_url,
            http=self._http,
            timeout=self.timeout,
            tokens=source,
            **client_options,
        )

    async def _post(self, url: str, form: dict[str, str]) -> httpx.Response:
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        url, headers, body = self._auth.prepare("POST", url, headers, urlencode(form))
        try:
            return await self._http.post(
                url, headers=headers, content=body, timeout=request_timeout(self.timeout)
            )
        except httpx.RequestError as exc:
            raise ZoomUnavailable(
                f"Zoom's OAuth endpoint could not be reached ({type(exc).__name__})"
            ) from None

    def _tokens(self, response: httpx.Response, *, refreshing: bool) -> UserTokens:
        try:
            data = response.json()
        except ValueError:
            data = {}
        if not isinstance(data, dict):
            data = {}
        if response.status_code == 200 and data.get("access_token") and data.get("refresh_token"):
            return UserTokens(
                access_token=str(data["access_token"]),
                refresh_token=str(data["refresh_token"]),
                expires_at=self._clock() + float(data.get("expires_in") or 3600),
                scope=str(data.get("scope") or ""),
            )
        status = response.status_code
        tracking_id = response.headers.get("x-zm-trackingid")
        if status >= 500 or status == 429 or status == 200:
            raise ZoomUnavailable(
                f"Zoom's token endpoint answered HTTP {status}",
                status=status,
                tracking_id=tracking_id,
            )
        error = str(data.get("error") or "")
        reason = str(data.get("reason") or error or "no reason given")
        if error == "invalid_client" or status == 401:
            raise ZoomAuthError(
                f"Zoom refused the OAuth app's credentials ({reason}): check "
                "ZOOM_OAUTH_CLIENT_ID and ZOOM_OAUTH_CLIENT_SECRET",
                status=status,
                tracking_id=tracking_id,
            )
        if refreshing:
            raise GrantRevoked(
                f"Zoom refused the user's refresh token ({reason}): they must connect again",
                status=status,
                tracking_id=tracking_id,
            )
        raise ZoomAuthError(
            f"Zoom refused the authorization code ({reason})",
            status=status,
            tracking_id=tracking_id,
        )


class UserTokenSource(TokenSource):
    """A connected user's access token for `ZoomClient`: the one in hand until it expires,
    then one refresh at a time (concurrent callers share it), saved before use. With `load`,
    a newer saved pair (another process refreshed) is taken instead of refreshing."""

    def __init__(
        self,
        oauth: ZoomUserOAuth,
        tokens: UserTokens,
        save: Save,
        *,
        load: Load | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(oauth._http, oauth.oauth_url, "", "", "", clock=clock)
        self._oauth = oauth
        self._save = save
        self._load = load
        self._refresh_token = tokens.refresh_token
        self._token = tokens.access_token
        self._expires_at = tokens.expires_at

    async def _fetch(self, fetch: Callable[[], Awaitable[httpx.Response]]) -> str:
        stored = await self._rotated_elsewhere()
        if stored is None or stored.expires_at - REFRESH_MARGIN <= self._clock():
            if stored is not None:
                self._refresh_token = stored.refresh_token  # the one Zoom still takes
            return await super()._fetch(fetch)
        try:
            return self._take(stored)
        finally:
            self._fetching = None

    async def request(self, http_timeout: float | None = None) -> httpx.Response:
        """The refresh request, sent once."""
        return await self._oauth._post(
            self._oauth.oauth_url,
            {"grant_type": "refresh_token", "refresh_token": self._refresh_token},
        )

    async def _accept(self, response: httpx.Response) -> tuple[str, float]:
        try:
            tokens = self._oauth._tokens(response, refreshing=True)
        except GrantRevoked:
            # Refused: revoked, or another process refreshed the same token a moment ago and
            # is saving the new pair. Only the first is the end of the grant.
            tokens = await self._saved_by_another(ROTATED_WAIT)
            if tokens is None:
                raise
            if tokens.expires_at - REFRESH_MARGIN <= self._clock():
                tokens = await self._oauth.refresh(tokens.refresh_token)
                await self._save(tokens)
        else:
            await self._save(tokens)
        self._refresh_token = tokens.refresh_token
        return tokens.access_token, tokens.expires_at - self._clock()

    async def _rotated_elsewhere(self) -> UserTokens | None:
        """The saved pair, if it is not the one in hand (another process refreshed)."""
        if self._load is None:
            return None
        try:
            stored = await self._load()
        except Exception:  # cannot tell (the store is down): as without `load`
            return None
        if stored is None or stored.refresh_token == self._refresh_token:
            return None
        return stored

    async def _saved_by_another(self, wait: float) -> UserTokens | None:
        """`_rotated_elsewhere`, looked at until `wait` seconds have passed."""
        deadline = time.monotonic() + wait
        while True:
            stored = await self._rotated_elsewhere()
            if stored is not None or self._load is None or time.monotonic() >= deadline:
                return stored
            await asyncio.sleep(0.2)

    def _take(self, tokens: UserTokens) -> str:
        self._refresh_token = tokens.refresh_token
        self._token, self._expires_at = tokens.access_token, tokens.expires_at
        return tokens.access_token

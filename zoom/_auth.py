"""Server-to-Server OAuth: one cached access token, fetched by one request at a time."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

import httpx
from authlib.oauth2.auth import ClientAuth

from zoom.errors import ZoomAuthError, ZoomUnavailable

# Refresh this long before Zoom says the token expires, so a call never carries a token that
# dies in flight.
REFRESH_MARGIN = 60.0


class TokenSource:
    """Hands out a valid access token for the account.

    The token is cached until `REFRESH_MARGIN` seconds before it expires. Callers that find no
    valid token share one in-flight fetch (a shared task) and its outcome, the token or the
    error: a burst of 100 calls makes one token request (series of retries), during an outage
    as well as in good times. A failed fetch is not remembered: the next caller after it
    starts a new one. `invalidate(token)` drops the token Zoom refused, once, however many
    callers report it.
    """

    def __init__(
        self,
        http: httpx.AsyncClient,
        oauth_url: str,
        account_id: str,
        client_id: str,
        client_secret: str,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._http = http
        self._oauth_url = oauth_url
        self._account_id = account_id
        self._auth = ClientAuth(client_id, client_secret, "client_secret_basic")
        self._clock = clock
        self._token: str | None = None
        self._expires_at = 0.0
        self._fetching: asyncio.Task[str] | None = None

    def cached(self) -> str | None:
        """The cached token if it is still good, else None."""
        if self._token is not None and self._clock() < self._expires_at - REFRESH_MARGIN:
            return self._token
        return None

    def invalidate(self, token: str) -> None:
        if self._token == token:
            self._token = None

    async def token(
        self,
        fetch: Callable[[], Awaitable[httpx.Response]] | None = None,
        *,
        wait: float | None = None,
    ) -> str:
        """A valid token; fetches one if needed. `fetch` sends the token request (the client
        passes its retrying sender; the fetch a caller joins is the one the first caller
        started); by default it is sent once. `wait` is how long this caller may wait for
        a fetch (None: until it ends); past it, `ZoomUnavailable`, and the fetch goes on for
        the others. Raises what the fetch raised: `ZoomAuthError` or `ZoomUnavailable`."""
        token = self.cached()
        if token is not None:
            return token
        if self._fetching is None or self._fetching.get_loop() is not asyncio.get_running_loop():
            # (A fetch left on another event loop, one that stopped mid-fetch, never ends.)
            self._fetching = asyncio.create_task(self._fetch(fetch or self.request))
        fetching = self._fetching
        try:
            # shield: one caller giving up (its deadline, a cancel) must not end the fetch the
            # others are waiting for.
            return await asyncio.wait_for(asyncio.shield(fetching), wait)
        except TimeoutError:
            raise ZoomUnavailable(
                "Zoom's token endpoint did not answer within the time this call had"
            ) from None

    async def _fetch(self, fetch: Callable[[], Awaitable[httpx.Response]]) -> str:
        try:
            response = await fetch()
            token, lifetime = await self._accept(response)
            self._token, self._expires_at = token, self._clock() + lifetime
            return token
        finally:
            self._fetching = None

    async def _accept(self, response: httpx.Response) -> tuple[str, float]:
        """The token and its lifetime from the token endpoint's answer, or its error."""
        return _read_token(response)

    async def request(self, http_timeout: float | None = None) -> httpx.Response:
        """Send the token request once: Basic client auth and the account_credentials grant.
        `http_timeout` bounds each phase; connecting gets at most 5 s of it."""
        body = f"grant_type=account_credentials&account_id={_form(self._account_id)}"
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        url, headers, body = self._auth.prepare("POST", self._oauth_url, headers, body)
        kwargs: dict[str, Any] = {"headers": headers, "content": body}
        if http_timeout is not None:
            kwargs["timeout"] = request_timeout(http_timeout)
        return await self._http.post(url, **kwargs)


def request_timeout(seconds: float) -> httpx.Timeout:
    """httpx's timeouts for one request of `seconds`: connecting never takes more than 5 s
    (a host that does not accept a connection by then is not going to)."""
    return httpx.Timeout(seconds, connect=min(seconds, 5.0))


def _form(value: str) -> str:
    return quote(value, safe="")


def _read_token(response: httpx.Response) -> tuple[str, float]:
    """The token and its lifetime in seconds, or the error that says why there is none."""
    tracking_id = response.headers.get("x-zm-trackingid")
    try:
        data = response.json()
    except ValueError:
        data = {}
    if response.status_code == 200 and isinstance(data, dict) and data.get("access_token"):
        return str(data["access_token"]), float(data.get("expires_in") or 3600)
    if response.status_code >= 500 or response.status_code == 429:
        raise ZoomUnavailable(
            f"Zoom's token endpoint answered HTTP {response.status_code}",
            status=response.status_code,
            tracking_id=tracking_id,
        )
    reason = str(data.get("reason") or data.get("error") or "no reason given")
    error = str(data.get("error") or "")
    if "account" in reason.lower():
        hint = "check ZOOM_ACCOUNT_ID (the Account ID on the app's App Credentials page)"
    elif error == "invalid_client" or response.status_code == 401:
        hint = (
            "check ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET, and that the Server-to-Server OAuth "
            "app is activated"
        )
    else:
        hint = "check that the app is a Server-to-Server OAuth app and is activated"
    raise ZoomAuthError(
        f"Zoom refused the app's credentials ({reason}): {hint}",
        status=response.status_code,
        tracking_id=tracking_id,
    )

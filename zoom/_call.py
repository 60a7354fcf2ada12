"""One Zoom call in three steps: send, recover, settle.

- send: one exchange with a valid token (`Caller.send`); a 401 gets one fresh token.
- recover: after a failure, wait out a rate limit, back off and re-send, or, for a call that
  must not be re-sent blindly once Zoom may have acted, look for what it did (`Caller.call`).
- settle: the answer as the 2xx response or a typed `ZoomError` (`zoom/_settle.py`).

Every call logs one INFO line on the "zoom" logger (`CallRecord`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol
from urllib.parse import quote

import httpx

from zoom._auth import TokenSource, request_timeout
from zoom._retry import backoff, parse_retry_after
from zoom._settle import NOT_SENT, code_of, error_from, transport_error
from zoom.errors import (
    DailyLimitReached,
    ZoomError,
    ZoomNotFound,
    ZoomRateLimited,
    ZoomUnavailable,
)

logger = logging.getLogger("zoom")

TOKEN = "/oauth/token"  # noqa: S105 - a path template, not a secret

# What `recover` may find: the thing the call was meant to make, or None (send it again).
Look = Callable[[], Awaitable[Any]]


def segment(value: str) -> str:
    """`value` as one path segment: emails go in as they are ("@" and "+" are legal there);
    anything else that could break out of the segment is escaped."""
    return quote(str(value), safe="@+")


class Budget:
    """The caller's deadline (seconds from now, or None) as a monotonic instant."""

    def __init__(self, deadline: float | None, timeout: float) -> None:
        self._ends = None if deadline is None else time.monotonic() + deadline
        self._timeout = timeout

    def remaining(self) -> float | None:
        return None if self._ends is None else self._ends - time.monotonic()

    def fits(self, wait: float) -> bool:
        remaining = self.remaining()
        return remaining is None or wait <= remaining

    def bounded(self, wait: float) -> float:
        """`wait`, shortened to what is left of the deadline (never below 0)."""
        remaining = self.remaining()
        return wait if remaining is None else max(0.0, min(wait, remaining))

    def http_timeout(self) -> float:
        # Never hold a connection past the deadline, but give the call a fair chance: a
        # create's look-up must be able to run even when the deadline has just passed.
        remaining = self.remaining()
        if remaining is None:
            return self._timeout
        return max(1.0, min(self._timeout, remaining))


@dataclass
class CallRecord:
    """What the call's one log line says: never a token, email, id or body."""

    method: str
    template: str
    started: float = field(default_factory=time.monotonic)
    status: int | None = None
    code: int | None = None
    tracking_id: str | None = None
    attempts: int = 0
    outcome: str = "ok"

    def log(self) -> None:
        fields = {
            "method": self.method,
            "path": self.template,
            "status": self.status,
            "code": self.code,
            "tracking_id": self.tracking_id,
            "duration_ms": round((time.monotonic() - self.started) * 1000),
            "retries": max(0, self.attempts - 1),
            "outcome": self.outcome,
        }
        logger.info(
            "zoom %s %s -> %s code=%s tracking_id=%s %sms retries=%s %s",
            fields["method"],
            fields["path"],
            fields["status"],
            fields["code"],
            fields["tracking_id"],
            fields["duration_ms"],
            fields["retries"],
            fields["outcome"],
            extra={"zoom": fields},
        )


class RetryPolicy(Protocol):
    """The retry settings, read at each call (`ZoomClient` is one)."""

    max_attempts: int
    max_rate_limit_waits: int
    max_wait: float
    backoff_base: float
    backoff_cap: float


@dataclass
class _Attempts:
    failures: int = 0
    rate_waits: int = 0
    maybe_done: bool = False  # an attempt may have reached Zoom and acted


class Caller:
    """Sends calls to `api_url` with tokens from `tokens`, retrying as `policy` says."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        tokens: TokenSource,
        api_url: str,
        policy: RetryPolicy,
        sleep: Callable[[float], Awaitable[None]],
    ) -> None:
        self._http = http
        self._tokens = tokens
        self._api_url = api_url
        self._policy = policy
        self._sleep = sleep

    def _backoff(self, attempt: int) -> float:
        return backoff(attempt, base=self._policy.backoff_base, cap=self._policy.backoff_cap)

    async def call(
        self,
        method: str,
        template: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        json: dict[str, Any] | None = None,
        budget: Budget,
        look: Look | None = None,
        settle: float = 0.0,
        gone_is_done: bool = False,
    ) -> Any:
        """Send a call with retries; return the 2xx response (or what `look` found).

        `look` marks a call that must not be re-sent blindly once it may have reached Zoom:
        after `settle` seconds (and the backoff, if another attempt follows; both within the
        deadline) it is asked, and a non-None answer ends the call; otherwise the call is
        sent again at once, so that nothing happens between the look and the re-send.
        `gone_is_done` (DELETE) takes a 404 on a re-send after an attempt that may have acted
        as success (None).
        """
        record = CallRecord(method, template)
        state = _Attempts()
        try:
            while True:
                record.attempts += 1
                failure: ZoomError
                try:
                    response = await self.send(method, path, params, json, budget, record)
                except httpx.RequestError as exc:  # NOT_SENT, MAYBE_SENT or anything else
                    failure, maybe_acted = transport_error(exc), not isinstance(exc, NOT_SENT)
                else:
                    if response.is_success:
                        return response
                    failure, maybe_acted = error_from(response), True
                    if isinstance(failure, ZoomNotFound) and gone_is_done and state.maybe_done:
                        # An earlier attempt that timed out did the delete after all.
                        record.outcome = "already gone"
                        return None
                    if isinstance(failure, ZoomRateLimited):
                        await self._wait_out(failure, state, budget)
                        continue
                    if not isinstance(failure, ZoomUnavailable):
                        raise failure
                found = await self._recover(
                    failure, maybe_acted, state, budget, record, look, settle
                )
                if found is not None:
                    return found
        except ZoomError as error:
            record.outcome = type(error).__name__
            if record.status is None and error.status is not None:
                record.status = error.status
            raise
        finally:
            record.log()

    async def _wait_out(self, error: ZoomRateLimited, state: _Attempts, budget: Budget) -> None:
        """Sleep through a rate limit, or raise `error` when the wait does not fit."""
        if isinstance(error, DailyLimitReached):
            raise error  # never slept on: it lasts until midnight UTC
        policy = self._policy
        wait = error.retry_after
        if wait is None:
            wait = error.retry_after = self._backoff(state.rate_waits + 1)
        if (
            state.rate_waits >= policy.max_rate_limit_waits
            or wait > policy.max_wait
            or not budget.fits(wait)
        ):
            raise error
        state.rate_waits += 1
        await self._sleep(wait)

    async def _recover(
        self,
        failure: ZoomError,
        maybe_acted: bool,
        state: _Attempts,
        budget: Budget,
        record: CallRecord,
        look: Look | None,
        settle: float,
    ) -> Any:
        """After a failed attempt: what `look` found, or None to send again; raises `failure`
        when no attempt is left or the deadline does not allow one."""
        state.failures += 1
        state.maybe_done = state.maybe_done or maybe_acted
        last = state.failures >= self._policy.max_attempts
        if maybe_acted and look is not None:
            # Give Zoom time to finish a create it may still be making, then look.
            pause = settle if last else max(settle, self._backoff(state.failures))
            pause = budget.bounded(pause)
            if pause > 0:
                await self._sleep(pause)
            record.outcome = "looking"
            found = await look()
            if found is not None:
                record.outcome = "found after failure"
                return found
            record.outcome = "ok"
            remaining = budget.remaining()
            if last or (remaining is not None and remaining <= 0):
                raise failure
            return None  # re-send straight after the look: it is still true
        if last:
            raise failure
        wait = self._backoff(state.failures)
        if not budget.fits(wait):
            raise failure
        await self._sleep(wait)
        return None

    async def send(
        self,
        method: str,
        path: str,
        params: dict[str, str] | None,
        json: dict[str, Any] | None,
        budget: Budget,
        record: CallRecord,
    ) -> httpx.Response:
        """One exchange with a valid token. A 401 (code 124) gets one fresh token and one more
        try: Zoom refused the call before acting on it."""
        response: httpx.Response | None = None
        for _ in range(2):
            token = await self.token(budget)
            response = await self._http.request(
                method,
                self._api_url + path,
                params=params,
                json=json,
                headers={"Authorization": f"Bearer {token}"},
                timeout=request_timeout(budget.http_timeout()),
            )
            record.status = response.status_code
            record.tracking_id = response.headers.get("x-zm-trackingid")
            record.code = code_of(response)
            if response.status_code != 401:
                return response
            self._tokens.invalidate(token)
        assert response is not None
        return response

    def forget(self, token: str) -> None:
        """Drop `token` if it is the cached one (Zoom refused it somewhere else)."""
        self._tokens.invalidate(token)

    async def token(self, budget: Budget) -> str:
        """A valid access token, fetched (once for all concurrent callers) if needed."""
        cached = self._tokens.cached()
        if cached is not None:
            return cached

        async def fetch() -> httpx.Response:
            return await self._fetch_token(budget)

        # A caller joining a fetch another started waits no longer than its own deadline
        # allows (at least a second, as for any request: see Budget.http_timeout).
        remaining = budget.remaining()
        wait = None if remaining is None else max(1.0, remaining)
        return await self._tokens.token(fetch, wait=wait)

    async def _fetch_token(self, budget: Budget) -> httpx.Response:
        """The token request, retried like a GET (it creates nothing)."""
        record = CallRecord("POST", TOKEN)
        try:
            attempt = 0
            while True:
                attempt += 1
                record.attempts = attempt
                retry_after: float | None = None
                try:
                    response = await self._tokens.request(budget.http_timeout())
                except httpx.RequestError as exc:
                    error: ZoomError = transport_error(exc, what="Zoom's token endpoint")
                else:
                    record.status = response.status_code
                    record.tracking_id = response.headers.get("x-zm-trackingid")
                    if response.status_code < 500 and response.status_code != 429:
                        if response.status_code != 200:
                            record.outcome = "refused"  # _read_token raises ZoomAuthError
                        return response
                    error = ZoomUnavailable(
                        f"Zoom's token endpoint answered HTTP {response.status_code}",
                        status=response.status_code,
                        tracking_id=record.tracking_id,
                    )
                    retry_after = parse_retry_after(
                        response.headers.get("retry-after"), datetime.now(UTC)
                    )
                if attempt >= self._policy.max_attempts:
                    raise error
                wait = self._backoff(attempt) if retry_after is None else retry_after
                if not budget.fits(wait) or wait > self._policy.max_wait:
                    raise error
                await self._sleep(wait)
        except ZoomError as error:
            record.outcome = type(error).__name__
            raise
        finally:
            record.log()

"""The one place that says what a failed Slack Web API call means, whatever its shape.

`slack_failure(error)` turns anything a Slack call raised into a `PostFailed`:

- `SlackApiError` with Slack's `{"ok": false, "error": ...}`: that code; retryable when it
  is a 429 (with `Retry-After`), an HTTP 5xx or one of Slack's transient codes.
- `SlackApiError` whose `response.data` is a str, bytes, None or a dict that is no Slack
  answer (a proxy's `text/plain` 503, an empty body), and the `SlackApiError` slack_sdk
  raises with the raw aiohttp response when a body labelled JSON is not JSON (its
  `.status` is the real status; it has no `status_code`, so it used to read as "HTTP 200"):
  Slack failing, retryable, whatever the status.
- `AttributeError` from slack_sdk's own `validate()`: a 200 whose body is not a dict.
- Timeouts, connection errors: retryable.

`uncertain` says the call may have been carried out anyway (a timeout after sending, a 5xx,
an unreadable answer): a non-idempotent call (`chat.postMessage`) is then not re-sent
blindly. `error` is a short description safe for logs: Slack's code or the HTTP status and
content type, never a body, a header value or a token.

`retry_handlers()` are the slack_sdk retry handlers every `AsyncWebClient` of the app
carries (see its docstring for what is retried blindly and what is not).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable
from typing import Any, TypeVar

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from bot.errors import ZoombotError

__all__ = [
    "NOT_IDEMPOTENT",
    "RAW_TRANSPORT_ERRORS",
    "TRANSIENT",
    "PostFailed",
    "checked",
    "retry_handlers",
    "slack_failure",
]

T = TypeVar("T")

# Slack's `ok: false` errors that say "try again later" rather than "never".
TRANSIENT = frozenset(
    {"internal_error", "fatal_error", "service_unavailable", "request_timeout", "ratelimited"}
)
# Slack codes after which the call may have been carried out in part ("fatal_error": "it's
# possible some aspect of the operation succeeded").
MAYBE_DONE = frozenset({"internal_error", "fatal_error"})
# Failures below the HTTP answer: nothing (or nothing readable) came back.
RAW_TRANSPORT_ERRORS: tuple[type[BaseException], ...] = (
    aiohttp.ClientError,
    OSError,
    TimeoutError,
)
# Failures where the request never reached Slack: always safe to send again.
NEVER_SENT: tuple[type[BaseException], ...] = (
    aiohttp.ClientConnectorError,
    aiohttp.ConnectionTimeoutError,
)
# Web API methods that must not be sent twice blindly: a second call makes a second message
# (or consumes a trigger_id twice).
NOT_IDEMPOTENT = frozenset(
    {
        "chat.postMessage",
        "chat.postEphemeral",
        "chat.meMessage",
        "chat.scheduleMessage",
        "views.open",
        "views.push",
        "calls.add",  # a second one registers a second Slack Call
    }
)
# The longest Retry-After the client itself waits out; longer ones reach the caller.
MAX_INLINE_RETRY_AFTER = 10.0
_CODE = re.compile(r"[^A-Za-z0-9_.:-]")

DEFAULT_SENTENCE = "Slack did not answer properly; try again in a moment."


class PostFailed(ZoombotError):
    """A Slack Web API call (or response_url post) failed.

    `error`: a short description safe to log (Slack's code, or "HTTP 503 text/plain" ...);
    `retryable`: trying again later may work; `retry_after`: Slack's `Retry-After` in
    seconds, when given; `uncertain`: it may have been carried out anyway; `status`: the
    HTTP status when there was an answer; `code`: Slack's own `error` code, when Slack
    answered. `sentence` (ZoombotError) is what a person is told.
    """

    def __init__(
        self,
        error: str,
        *,
        retryable: bool = False,
        retry_after: float | None = None,
        uncertain: bool = False,
        status: int | None = None,
        code: str | None = None,
        sentence: str = DEFAULT_SENTENCE,
    ) -> None:
        super().__init__(sentence)
        self.error = error
        self.code = code
        self.retryable = retryable
        self.retry_after = retry_after
        self.uncertain = uncertain
        self.status = status

    def __str__(self) -> str:
        return self.error

    def __repr__(self) -> str:
        return (
            f"PostFailed({self.error!r}, retryable={self.retryable}, "
            f"retry_after={self.retry_after}, uncertain={self.uncertain})"
        )


def _safe(text: Any, limit: int = 60) -> str:
    return _CODE.sub("", str(text))[:limit] or "unknown"


def retry_after_of(headers: Any) -> float | None:
    """`Retry-After` in seconds (>= 0), or None when absent or unreadable. `headers`: aiohttp's
    (case-insensitive) or slack_sdk's retry response's (a dict of lists, keys as sent)."""
    try:
        value = None
        for key, found in (headers or {}).items():
            if str(key).lower() == "retry-after":
                value = found[0] if isinstance(found, list) else found
                break
        return max(0.0, float(value)) if value is not None else None
    except (TypeError, ValueError, AttributeError, IndexError):
        return None


def _content_type(headers: Any) -> str:
    try:
        value = headers.get("Content-Type") if headers is not None else None
    except AttributeError:
        value = None
    return _safe(str(value or "no content type").split(";")[0].strip(), 40)


def _unreadable(status: int, headers: Any) -> str:
    """The log description of an answer that is not Slack's JSON."""
    if status >= 400:
        return f"HTTP {status}"
    return f"HTTP {status} not a Slack answer ({_content_type(headers)})"


def _maybe_done(status: int) -> bool:
    """Whether a call answered with `status` and no readable Slack answer may have been
    carried out: yes, except for a 429 (refused) and a 503 (never reached Slack's app)."""
    return status not in (429, 503)


def _unreadable_failure(status: int, headers: Any) -> PostFailed:
    """An answer that is not Slack's JSON: Slack failing, retryable whatever the status."""
    return PostFailed(
        _unreadable(status, headers),
        retryable=True,
        retry_after=retry_after_of(headers),
        uncertain=_maybe_done(status),
        status=status or None,
    )


def _from_api_error(error: SlackApiError) -> PostFailed:
    response = error.response
    headers = getattr(response, "headers", None)
    if isinstance(response, aiohttp.ClientResponse) or not hasattr(response, "data"):
        # slack_sdk could not decode a body labelled JSON: it hands over the raw response.
        status = int(getattr(response, "status", 0) or 0)
        return _unreadable_failure(status, headers)
    status = int(getattr(response, "status_code", 0) or 0)
    data = response.data
    code = data.get("error") if isinstance(data, dict) else None
    if isinstance(data, dict) and (code or "ok" in data):
        code = _safe(code or "unknown_error")
        return PostFailed(
            code if status in (0, 200) else f"{code} (HTTP {status})",
            retryable=status == 429 or status >= 500 or code in TRANSIENT,
            retry_after=retry_after_of(headers),
            uncertain=(status >= 500 and _maybe_done(status)) or code in MAYBE_DONE,
            status=status or None,
            code=code,
        )
    # A str, bytes, None or some other dict: not Slack's answer (a proxy, an HTML error page).
    return _unreadable_failure(status, headers)


def slack_failure(error: BaseException) -> PostFailed:
    """What `error`, raised by a Slack Web API call, means (see the module docstring)."""
    if isinstance(error, PostFailed):
        return error
    if isinstance(error, SlackApiError):
        failure = _from_api_error(error)
    elif isinstance(error, NEVER_SENT):
        failure = PostFailed("could not connect", retryable=True)
    elif isinstance(error, TimeoutError):
        failure = PostFailed("timed out", retryable=True, uncertain=True)
    elif isinstance(error, RAW_TRANSPORT_ERRORS):
        failure = PostFailed(
            f"connection lost ({type(error).__name__})", retryable=True, uncertain=True
        )
    elif isinstance(error, AttributeError):
        # slack_sdk's validate() calls `.get` on a 200 body that is a str.
        failure = PostFailed(
            "HTTP 200 not a Slack answer", retryable=True, uncertain=True, status=200
        )
    else:
        failure = PostFailed(f"unexpected {type(error).__name__}", retryable=False)
    return failure


def _from_slack_sdk(error: AttributeError) -> bool:
    tb = error.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return tb is not None and "slack_sdk" in tb.tb_frame.f_code.co_filename


async def checked(call: Awaitable[T]) -> T:
    """Await a Slack Web API call; any failure is raised as `PostFailed` (from the original).
    An AttributeError raised elsewhere than in slack_sdk (a bug of ours) is left alone."""
    try:
        return await call
    except AttributeError as error:
        if not _from_slack_sdk(error):
            raise
        raise slack_failure(error) from error
    except (SlackApiError, *RAW_TRANSPORT_ERRORS) as error:
        raise slack_failure(error) from error


# -- the client's retry handlers ------------------------------------------------------------


def method_of(request: HttpRequest) -> str:
    """The Web API method a request is for: the last segment of its URL."""
    return str(request.url).rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0]


class _Decides(AsyncRetryHandler):
    """slack_sdk's `_can_retry_async` hook, answered by `decide(request, response, error)`."""

    def decide(
        self, request: HttpRequest, response: HttpResponse | None, error: Exception | None
    ) -> bool:
        raise NotImplementedError

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        return self.decide(request, response, error)


class _RateLimitRetry(_Decides, AsyncRateLimitErrorRetryHandler):
    """A 429 is retried after `Retry-After` (Slack did nothing, so every method is safe), when
    that is short; a longer wait is the caller's (`PostFailed.retry_after`). slack_sdk's own
    handler reads only the first digit of `Retry-After`."""

    def decide(
        self, request: HttpRequest, response: HttpResponse | None, error: Exception | None
    ) -> bool:
        if response is None or response.status_code != 429:
            return False
        wait = retry_after_of(response.headers)
        return wait is None or wait <= MAX_INLINE_RETRY_AFTER

    async def prepare_for_next_attempt_async(  # slack_sdk passes request and error too
        self, *, state: RetryState, response: HttpResponse | None = None, **_: object
    ) -> None:
        wait = retry_after_of(response.headers if response is not None else None)
        state.next_attempt_requested = True
        await asyncio.sleep(1.0 if wait is None else wait)
        state.increment_current_attempt()


class _ConnectionRetry(_Decides, AsyncConnectionErrorRetryHandler):
    """Connection errors: retried for every method when the request never left (refused,
    connect timeout); for idempotent methods also when it may have arrived (reset,
    disconnected, read timeout)."""

    def decide(
        self, request: HttpRequest, response: HttpResponse | None, error: Exception | None
    ) -> bool:
        if error is None:
            return False
        if isinstance(error, NEVER_SENT):
            return True
        if method_of(request) in NOT_IDEMPOTENT:
            return False
        return isinstance(error, (aiohttp.ServerConnectionError, aiohttp.ClientOSError))


class _ServerErrorRetry(_Decides):
    """HTTP 5xx and unreadable answers, for idempotent methods only (a `chat.postMessage`
    that got a 500 may have posted: its caller checks before posting again)."""

    def decide(
        self, request: HttpRequest, response: HttpResponse | None, error: Exception | None
    ) -> bool:
        if method_of(request) in NOT_IDEMPOTENT:
            return False
        if response is not None:
            return response.status_code >= 500
        if isinstance(error, SlackApiError):
            return slack_failure(error).retryable and error.response is not None
        return False


def retry_handlers(max_retries: int = 2) -> list[AsyncRetryHandler]:
    """The retry handlers for the app's `AsyncWebClient` (every Web API call goes through
    them; Bolt uses the same client).

    - 429: every method, after `Retry-After` when it is at most 10 s (Slack did nothing).
    - Connection errors: every method when the request never left; idempotent methods (reads,
      `chat.update`, `views.update`, `views.publish`, ...) also when it may have arrived.
    - HTTP 5xx and unreadable answers: idempotent methods only.
    - `chat.postMessage`, `chat.postEphemeral`, `views.open`/`views.push` are never re-sent
      blindly once they may have arrived: a second message (or trigger use) would follow.
      `bot.posting.Poster.deliver` retries posts itself and checks first whether the
      earlier attempt landed (`conversations.history`).
    """
    return [
        _RateLimitRetry(max_retry_count=max_retries),
        _ConnectionRetry(max_retry_count=max_retries),
        _ServerErrorRetry(max_retry_count=max_retries),
    ]

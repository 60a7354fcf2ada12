"""The one place that posts to Slack: the channel message, and private notes to a person.

`post_meeting` uses `chat.postMessage`; where the bot is not in a private channel or DM
(`not_in_channel`, `channel_not_found`) it falls back to the command's `response_url` with
`response_type: in_channel`. `tell` reaches one person privately: the `response_url`
(ephemeral) when there is one, else `chat.postEphemeral`, else a DM from the bot.

Every call has a timeout (the Web API client's and `RESPONSE_URL_TIMEOUT`).

`deliver` is how a created meeting reaches its channel, and what a caller may rely on:

- The message is written to the store's outbox BEFORE the first attempt, with its target
  (channel, thread, response_url), the private note to send if it never posts, the attempt
  count, the next attempt's time and an expiry. A restart delivers what is still pending
  (`deliver_pending`, run in the background at start).
- Retry schedule (`RetryPolicy`): attempts at 0, 1, 3, 7, 15, 31 s and then every 30 s (the
  wait doubles from 1 s, capped at 30 s), for up to 60 minutes after the meeting was created.
  A 429's `Retry-After` is honoured instead of the backoff (capped at 5 minutes). Retried:
  429, HTTP 5xx, Slack's `internal_error`/`fatal_error`/`service_unavailable`/
  `request_timeout`/`ratelimited`, timeouts and connection errors, for chat.postMessage and
  response_url posts alike (one loop; slack_sdk's own retry handlers only cover connection
  errors). Anything else (`channel_not_found` with no usable response_url, `is_archived`,
  `invalid_auth`, ...) is final at once.
- The response_url fallback is used only while it is valid: 29 minutes after the request
  (Slack's limit is 30); chat.postMessage is tried for the whole hour.
- When it finally cannot be posted, the requester is told privately (the response_url while
  valid, else a DM) with the join link, and the request is marked `not_posted`.
- At least once, not exactly once: an attempt that timed out may have been posted by Slack
  after all, and is sent again; everything else is posted once.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

if TYPE_CHECKING:
    from bot.store import Store

log = logging.getLogger("zoombot.posting")

RESPONSE_URL_TIMEOUT = 10.0
# Slack's answers that mean "the bot can't post there, but the person who asked can".
NOT_A_MEMBER = frozenset({"not_in_channel", "channel_not_found"})
# Slack's `ok: false` errors that say "try again later" rather than "never".
TRANSIENT = frozenset(
    {"internal_error", "fatal_error", "service_unavailable", "request_timeout", "ratelimited"}
)
# Failures below the HTTP answer: nothing (or nothing readable) came back.
TRANSPORT_ERRORS = (aiohttp.ClientError, OSError, TimeoutError)


SLACK_CALLS_LOGGER = "zoombot.slack"


class LoggedWebClient(AsyncWebClient):
    """slack_sdk's AsyncWebClient, writing one DEBUG line per Web API call on
    `zoombot.slack`: `slack <method> <result> <ms>ms`, the same as
    `extra={"slack_call": {method, result, duration_ms}}` (result: `ok`, Slack's error code,
    or the failure's type). Never a parameter or an answer's body (bot/metrics.py counts them).
    """

    async def api_call(self, api_method: str, **kwargs: Any) -> Any:  # type: ignore[override]
        started = time.monotonic()
        result = "ok"
        try:
            return await super().api_call(api_method, **kwargs)
        except SlackApiError as error:
            code = error.response.get("error") if error.response is not None else None
            result = str(code or "error")
            raise
        except BaseException as error:
            result = type(error).__name__
            raise
        finally:
            fields = {
                "method": api_method,
                "result": result,
                "duration_ms": round((time.monotonic() - started) * 1000, 1),
            }
            logging.getLogger(SLACK_CALLS_LOGGER).debug(
                "slack %s %s %sms",
                api_method,
                result,
                fields["duration_ms"],
                extra={"slack_call": fields},
            )


class PostFailed(Exception):
    """Slack would not take the message. `error` is Slack's error string or the HTTP failure.

    `retryable` says whether trying again later may work; `retry_after` is Slack's
    `Retry-After` in seconds, when it gave one."""

    def __init__(
        self, error: str, *, retryable: bool = False, retry_after: float | None = None
    ) -> None:
        super().__init__(error)
        self.error = error
        self.retryable = retryable
        self.retry_after = retry_after


def _api_failure(error: SlackApiError) -> PostFailed:
    """A Web API failure as PostFailed. 5xx answers carry a text body, not a dict."""
    response = error.response
    status = getattr(response, "status_code", 200) or 200
    data = getattr(response, "data", None)
    code = data.get("error") if isinstance(data, dict) else None
    code = str(code or f"HTTP {status}")
    retry_after = _retry_after(getattr(response, "headers", None))
    retryable = status == 429 or status >= 500 or code in TRANSIENT
    return PostFailed(code, retryable=retryable, retry_after=retry_after)


def _retry_after(headers: Any) -> float | None:
    try:
        value = headers.get("Retry-After") if headers is not None else None
        return max(0.0, float(value)) if value is not None else None
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class RetryPolicy:
    """How `deliver` retries (see the module docstring). Tests shorten it."""

    first_wait: float = 1.0
    max_wait: float = 30.0
    max_retry_after: float = 300.0
    post_for: float = 60 * 60.0  # chat.postMessage: keep trying this long
    response_url_for: float = 29 * 60.0  # Slack honours a response_url for 30 minutes

    def wait(self, failures: int, retry_after: float | None) -> float:
        """Seconds to wait after the `failures`-th failed attempt."""
        if retry_after is not None:
            return min(retry_after, self.max_retry_after)
        return min(self.first_wait * 2 ** max(0, failures - 1), self.max_wait)


@dataclass(frozen=True)
class Delivery:
    """A meeting message to post in `channel` (in `thread_ts`'s thread), with `fallback`, the
    private note (join link included) the requester gets if it never posts. `ref` is the short
    reference in that note and in the log line."""

    meeting_id: int
    requester: str
    channel: str
    message: dict[str, Any]
    fallback: dict[str, Any]
    request_key: str | None = None
    thread_ts: str | None = None
    response_url: str | None = None
    ref: str | None = None
    # When the response_url stops being valid (epoch seconds); None: 29 minutes from now.
    # A meeting announced by a later start (bot/reconcile.py) has less of it left.
    response_url_until: float | None = None


@dataclass(frozen=True)
class Posted:
    """Where the message went. `ts` is None when it went through a response_url."""

    channel: str | None
    ts: str | None
    via: str  # "chat.postMessage" or "response_url"


class Poster:
    def __init__(
        self,
        slack: AsyncWebClient,
        http: aiohttp.ClientSession,
        *,
        store: Store | None = None,
        retry: RetryPolicy | None = None,
        response_url_timeout: float = RESPONSE_URL_TIMEOUT,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.slack = slack
        self.http = http
        self.store = store
        self.retry = retry or RetryPolicy()
        self.response_url_timeout = response_url_timeout
        self.clock = clock
        # Marks the outbox entries this process delivers; others' pending ones are taken over.
        self.owner = f"{os.getpid()}-{secrets.token_hex(4)}"

    async def post_meeting(
        self,
        channel: str,
        message: dict[str, Any],
        *,
        thread_ts: str | None = None,
        response_url: str | None = None,
    ) -> Posted:
        """Post `message` in `channel` (in `thread_ts`'s thread if given). Raises PostFailed."""
        try:
            response = await self.slack.chat_postMessage(
                channel=channel,
                thread_ts=thread_ts,
                text=message["text"],
                blocks=message.get("blocks"),
                unfurl_links=False,
                unfurl_media=False,
            )
        except SlackApiError as error:
            failure = _api_failure(error)
            if failure.error in NOT_A_MEMBER and response_url:
                log.info(
                    "chat.postMessage said %s; posting through the response_url", failure.error
                )
                await self.respond(response_url, message, in_channel=True)
                return Posted(channel=channel, ts=None, via="response_url")
            raise failure from error
        except TRANSPORT_ERRORS as error:
            raise PostFailed(type(error).__name__, retryable=True) from error
        return Posted(
            channel=str(response.get("channel") or channel),
            ts=response.get("ts"),
            via="chat.postMessage",
        )

    async def open_view(self, trigger_id: str, view: dict[str, Any]) -> dict[str, Any]:
        """`views.open`; returns Slack's answer (with `view.id` and `view.hash`)."""
        try:
            response = await self.slack.views_open(trigger_id=trigger_id, view=view)
        except SlackApiError as error:
            raise PostFailed(str(error.response.get("error") or "unknown_error")) from error
        except (aiohttp.ClientError, OSError, TimeoutError) as error:
            raise PostFailed(type(error).__name__) from error
        return dict(response.data) if isinstance(response.data, dict) else {}

    async def update_view(
        self, view_id: str | None, view_hash: str | None, view: dict[str, Any]
    ) -> None:
        """`views.update`, guarded by `hash` so a user's edits are never overwritten.
        Best effort: a failure leaves the view as it was."""
        if not view_id:
            return
        try:
            await self.slack.views_update(view_id=view_id, hash=view_hash, view=view)
        except (SlackApiError, aiohttp.ClientError, OSError, TimeoutError) as error:
            log.info("views.update skipped: %s", type(error).__name__)

    async def update_message(
        self, channel: str, ts: str, message: dict[str, Any], *, attempts: int = 5
    ) -> None:
        """`chat.update` of a message the bot posted, retried on the same transient failures
        as `deliver` (with its backoff and Retry-After), up to `attempts` tries. Raises
        PostFailed when Slack refuses for good or the tries run out."""
        failures = 0
        while True:
            try:
                await self.slack.chat_update(
                    channel=channel, ts=ts, text=message["text"], blocks=message.get("blocks")
                )
                return
            except SlackApiError as error:
                failure = _api_failure(error)
            except TRANSPORT_ERRORS as error:
                failure = PostFailed(type(error).__name__, retryable=True)
            failures += 1
            if not failure.retryable or failures >= attempts:
                raise failure
            await asyncio.sleep(self.retry.wait(failures, failure.retry_after))

    async def publish_home(self, user_id: str, view: dict[str, Any]) -> None:
        """`views.publish` of a user's Home tab. Raises PostFailed."""
        try:
            await self.slack.views_publish(user_id=user_id, view=view)
        except SlackApiError as error:
            raise _api_failure(error) from error
        except TRANSPORT_ERRORS as error:
            raise PostFailed(type(error).__name__, retryable=True) from error

    async def respond(
        self, response_url: str, message: dict[str, Any], *, in_channel: bool = False
    ) -> None:
        """POST `message` to a response_url. Raises PostFailed."""
        body = {
            "response_type": "in_channel" if in_channel else "ephemeral",
            "replace_original": False,
            "text": message["text"],
        }
        if message.get("blocks"):
            body["blocks"] = message["blocks"]
        try:
            async with self.http.post(
                response_url,
                json=body,
                timeout=aiohttp.ClientTimeout(total=self.response_url_timeout),
            ) as answer:
                status, headers = answer.status, answer.headers
                await answer.read()
        except TRANSPORT_ERRORS as error:
            raise PostFailed(type(error).__name__, retryable=True) from error
        if status >= 400:
            raise PostFailed(
                f"HTTP {status}",
                retryable=status == 429 or status >= 500,
                retry_after=_retry_after(headers),
            )

    async def tell(
        self,
        user: str,
        message: dict[str, Any],
        *,
        channel: str | None = None,
        response_url: str | None = None,
    ) -> None:
        """Say something to `user` only, best effort: failures are logged, never raised.

        Tried in order until one works: the `response_url` (ephemeral), `chat.postEphemeral`
        in `channel` (the person must be in it), then a DM from the bot (`chat.postMessage`
        to the user's id opens the app's Messages tab). A response_url that expired, was used
        up or answers 404 therefore still reaches the person."""
        if response_url:
            try:
                await self.respond(response_url, message)
                return
            except PostFailed as failure:
                log.info("the response_url said %s; telling %s another way", failure.error, user)
        if channel:
            try:
                await self.slack.chat_postEphemeral(
                    channel=channel,
                    user=user,
                    text=message["text"],
                    blocks=message.get("blocks"),
                )
                return
            except SlackApiError as error:
                log.info(
                    "chat.postEphemeral said %s; sending a DM instead", _api_failure(error).error
                )
            except TRANSPORT_ERRORS as error:
                log.info("chat.postEphemeral failed (%s); sending a DM", type(error).__name__)
        try:
            await self.slack.chat_postMessage(
                channel=user, text=message["text"], blocks=message.get("blocks")
            )
        except (SlackApiError, *TRANSPORT_ERRORS) as error:
            log.warning("could not reach %s privately: %s", user, type(error).__name__)

    # -- delivering meetings: the outbox and the retry loop -------------------------------

    async def deliver(self, delivery: Delivery) -> Posted | None:
        """Post a created meeting, retrying as the module docstring says. Returns where it
        went, or None when it finally could not be posted (the requester has then been told
        privately, with the join link). Never raises PostFailed.

        Without a store (unit tests of other parts) the message is posted once, no outbox.
        """
        now = self.clock()
        entry: dict[str, Any] = {
            "meeting_id": delivery.meeting_id,
            "request_key": delivery.request_key,
            "requester": delivery.requester,
            "channel": delivery.channel,
            "thread_ts": delivery.thread_ts,
            "response_url": delivery.response_url,
            "response_url_until": (
                (delivery.response_url_until or now + self.retry.response_url_for)
                if delivery.response_url
                else None
            ),
            "message": delivery.message,
            "fallback": {**delivery.fallback, "ref": delivery.ref},
            "next_attempt_at": now,
            "expires_at": now + self.retry.post_for,
            "owner": self.owner,
        }
        if self.store is not None:
            entry["id"] = await self.store.add_to_outbox(entry)
        return await self._deliver_entry(entry)

    async def deliver_pending(self, concurrency: int = 8) -> int:
        """Deliver what earlier runs left in the outbox (each at its next attempt's time).
        Returns how many entries were taken over. Run in the background at start."""
        if self.store is None:
            return 0
        entries = await self.store.take_pending_outbox(self.owner)
        if entries:
            log.info("delivering %d meeting message(s) left by an earlier run", len(entries))
        gate = asyncio.Semaphore(concurrency)

        async def one(entry: dict[str, Any]) -> None:
            async with gate:
                await self._deliver_entry(entry)

        await asyncio.gather(*(one(e) for e in entries))
        return len(entries)

    async def _deliver_entry(self, entry: dict[str, Any]) -> Posted | None:
        attempts = int(entry.get("attempts") or 0)
        delay = float(entry.get("next_attempt_at") or 0) - self.clock()
        if delay > 0:
            await asyncio.sleep(delay)
        while True:
            now = self.clock()
            until = entry.get("response_url_until")
            response_url = entry.get("response_url") if until and now < until else None
            try:
                posted = await self.post_meeting(
                    entry["channel"],
                    entry["message"],
                    thread_ts=entry.get("thread_ts"),
                    response_url=response_url,
                )
            except PostFailed as failure:
                attempts += 1
                wait = self.retry.wait(attempts, failure.retry_after)
                expires = float(entry.get("expires_at") or 0)
                if not failure.retryable or self.clock() + wait > expires:
                    await self._give_up(entry, failure.error, attempts, response_url)
                    return None
                log.info(
                    "posting meeting %s failed (%s, attempt %d); trying again in %.1f s",
                    entry["meeting_id"],
                    failure.error,
                    attempts,
                    wait,
                )
                if self.store is not None and "id" in entry:
                    await self.store.outbox_attempted(
                        entry["id"],
                        attempts=attempts,
                        next_attempt_at=self.clock() + wait,
                        error=failure.error,
                    )
                await asyncio.sleep(wait)
                continue
            attempts += 1
            if self.store is not None and "id" in entry:
                await self.store.outbox_posted(
                    entry["id"],
                    channel=posted.channel,
                    ts=posted.ts,
                    via=posted.via,
                    attempts=attempts,
                )
            if attempts > 1:
                log.info("meeting %s posted after %d attempts", entry["meeting_id"], attempts)
            return posted

    async def _give_up(
        self, entry: dict[str, Any], error: str, attempts: int, response_url: str | None
    ) -> None:
        fallback = dict(entry.get("fallback") or {})
        ref = fallback.pop("ref", None)
        log.error(
            "meeting %s created but not posted after %d attempt(s): %s (ref %s)",
            entry["meeting_id"],
            attempts,
            error,
            ref,
        )
        if self.store is not None and "id" in entry:
            await self.store.outbox_failed(entry["id"], error=error, attempts=attempts)
        if fallback.get("text"):
            await self.tell(
                entry["requester"],
                fallback,
                channel=entry.get("channel"),
                response_url=response_url,
            )

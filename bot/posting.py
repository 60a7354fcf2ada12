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
- Every post carries `metadata` (`event_type` "zoombot_meeting", payload: the meeting id and
  the outbox entry id). An attempt whose outcome is unknown (a timeout, a lost connection, a
  5xx, an unreadable answer: `PostFailed.uncertain`) is not re-sent blindly: before the next
  attempt `conversations.history` (`conversations.replies` in a thread) is asked for the
  bot's message with that metadata since the entry was made; if it is there, the entry is
  recorded posted with its ts. If that look-up is refused for good (a missing scope, a DM
  by user id), the post is re-sent once, and after a second unknown outcome it is recorded
  posted unconfirmed (ts unknown): at most 2 copies. A look-up that fails for now (timeout,
  5xx) counts as a failed attempt and is tried again after the wait.
- Every failed attempt writes attempts, the next attempt's time and the error to the outbox
  row before waiting; a restart (`deliver_pending`) carries on from there, and checks first
  whether every entry it takes over already landed: the earlier run may have been killed
  inside chat.postMessage, before any attempt was written down.
- Failures are classified in one place, `bot.slack.failures` (`PostFailed`); the client's
  own retry handlers (`bot.slack.failures.retry_handlers`) never re-send a post blindly.
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

from bot.render.messages import named
from bot.slack.failures import (
    RAW_TRANSPORT_ERRORS,
    TRANSIENT,
    PostFailed,
    checked,
    retry_after_of,
    slack_failure,
)
from bot.slack.installations import WorkspaceGone
from bot.slack.workspaces import current as current_workspace
from bot.slack.workspaces import current_key, scope

if TYPE_CHECKING:
    from bot.store import Store

log = logging.getLogger("zoombot.posting")

RESPONSE_URL_TIMEOUT = 10.0
# Slack's answers that mean "the bot can't post there, but the person who asked can".
NOT_A_MEMBER = frozenset({"not_in_channel", "channel_not_found"})
# What a Slack call here (or hosts.py's users.info) may raise besides SlackApiError: transport
# errors, and PostFailed (the classified failure, bot.slack.failures). Callers catching
# `(SlackApiError, *TRANSPORT_ERRORS)` thus catch every Slack failure, whatever its shape.
TRANSPORT_ERRORS: tuple[type[BaseException], ...] = (*RAW_TRANSPORT_ERRORS, PostFailed)
# The `metadata.event_type` of a meeting post: how a post that timed out is found again.
EVENT_TYPE = "zoombot_meeting"
# How far before the entry was made the look-up starts (clock differences with Slack).
HISTORY_SLACK_SECONDS = 120.0
HISTORY_LIMIT = 200  # Slack's advised page size
HISTORY_PAGES = 5

__all__ = [
    "EVENT_TYPE",
    "TRANSIENT",
    "TRANSPORT_ERRORS",
    "Delivery",
    "PostFailed",
    "Posted",
    "Poster",
    "RetryPolicy",
]

SLACK_CALLS_LOGGER = "zoombot.slack"


class LoggedWebClient(AsyncWebClient):
    """slack_sdk's AsyncWebClient, writing one DEBUG line per Web API call on
    `zoombot.slack`: `slack <method> <result> <ms>ms`, the same as
    `extra={"slack_call": {method, result, duration_ms}}` (result: `ok`, Slack's error code,
    or the failure's type). Never a parameter or an answer's body (bot/metrics.py counts them).

    With `bot_tokens` set (several workspaces) and no token of its own, each call carries the
    bot token of the workspace the running work is for (bot/slack/workspaces.py); work for
    no workspace, or one that uninstalled zoombot, is `PostFailed("workspace_gone")`.
    """

    bot_tokens: Any = None  # bot.slack.installations.BotTokens

    async def api_call(self, api_method: str, **kwargs: Any) -> Any:  # type: ignore[override]
        started = time.monotonic()
        result = "ok"
        try:
            if self.bot_tokens is not None and not self.token:
                token = await self._workspace_token()
                kwargs["headers"] = {
                    **(kwargs.get("headers") or {}),
                    "Authorization": f"Bearer {token}",
                }
            return await super().api_call(api_method, **kwargs)
        except SlackApiError as error:
            data = getattr(error.response, "data", None)  # a text answer is no dict
            code = data.get("error") if isinstance(data, dict) else None
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

    async def _workspace_token(self) -> str:
        workspace = current_workspace.get()
        if workspace is None:
            raise PostFailed("workspace_gone", code="workspace_gone")
        try:
            return await self.bot_tokens.bot_token(workspace)
        except WorkspaceGone:
            raise PostFailed("workspace_gone", code="workspace_gone") from None


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
    # A meeting announced by a later start (bot/flows/reconcile.py) has less of it left.
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
        # The slash command's name in what is said privately (ZOOMBOT_COMMAND).
        self.command = "/zoom"
        # Marks the outbox entries this process delivers; others' pending ones are taken over.
        self.owner = f"{os.getpid()}-{secrets.token_hex(4)}"

    async def post_meeting(
        self,
        channel: str,
        message: dict[str, Any],
        *,
        thread_ts: str | None = None,
        response_url: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> Posted:
        """Post `message` in `channel` (in `thread_ts`'s thread if given), with Slack message
        `metadata` if given. Raises PostFailed (classified: bot.slack.failures)."""
        try:
            response = await checked(
                self.slack.chat_postMessage(
                    channel=channel,
                    thread_ts=thread_ts,
                    text=message["text"],
                    blocks=message.get("blocks"),
                    unfurl_links=False,
                    unfurl_media=False,
                    metadata=metadata,
                )
            )
        except PostFailed as failure:
            if failure.code in NOT_A_MEMBER and response_url:
                log.info("chat.postMessage said %s; posting through the response_url", failure.code)
                await self.respond(response_url, message, in_channel=True)
                return Posted(channel=channel, ts=None, via="response_url")
            raise
        return Posted(
            channel=str(response.get("channel") or channel),
            ts=response.get("ts"),
            via="chat.postMessage",
        )

    async def open_view(self, trigger_id: str, view: dict[str, Any]) -> dict[str, Any]:
        """`views.open`; returns Slack's answer (with `view.id` and `view.hash`). Raises
        PostFailed, whatever Slack answered (a 503 in plain text included)."""
        response = await checked(self.slack.views_open(trigger_id=trigger_id, view=view))
        return dict(response.data) if isinstance(response.data, dict) else {}

    async def update_view(
        self, view_id: str | None, view_hash: str | None, view: dict[str, Any]
    ) -> None:
        """`views.update`, guarded by `hash` so a user's edits are never overwritten.
        Best effort: a failure leaves the view as it was."""
        if not view_id:
            return
        try:
            await checked(self.slack.views_update(view_id=view_id, hash=view_hash, view=view))
        except PostFailed as failure:
            log.info("views.update skipped: %s", failure.error)

    async def update_message(
        self, channel: str, ts: str, message: dict[str, Any], *, attempts: int = 5
    ) -> None:
        """`chat.update` of a message the bot posted (safe to repeat), retried on retryable
        failures (429, 5xx, unreadable answers, timeouts, connection errors) with `deliver`'s
        backoff or Slack's Retry-After, up to `attempts` tries in all (the client's own retry
        handlers come first). Raises PostFailed when Slack refuses for good or the tries run
        out."""
        failures = 0
        while True:
            try:
                await checked(
                    self.slack.chat_update(
                        channel=channel, ts=ts, text=message["text"], blocks=message.get("blocks")
                    )
                )
                if failures:
                    log.info("chat.update of %s done after %d failure(s)", ts, failures)
                return
            except PostFailed as failure:
                failures += 1
                if not failure.retryable or failures >= attempts:
                    raise
                wait = self.retry.wait(failures, failure.retry_after)
                log.info(
                    "chat.update of %s failed (%s, attempt %d); trying again in %.1f s",
                    ts,
                    failure.error,
                    failures,
                    wait,
                )
            await asyncio.sleep(wait)

    async def publish_home(self, user_id: str, view: dict[str, Any]) -> None:
        """`views.publish` of a user's Home tab. Raises PostFailed."""
        await checked(self.slack.views_publish(user_id=user_id, view=view))

    async def respond(
        self, response_url: str, message: dict[str, Any], *, in_channel: bool = False
    ) -> None:
        """POST `message` to a response_url. Raises PostFailed."""
        message = named(message, self.command)
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
        except RAW_TRANSPORT_ERRORS as error:
            raise slack_failure(error) from error
        if status >= 400:
            raise PostFailed(
                f"HTTP {status}",
                retryable=status == 429 or status >= 500,
                retry_after=retry_after_of(headers),
                status=status,
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
        message = named(message, self.command)
        if response_url:
            try:
                await self.respond(response_url, message)
                return
            except PostFailed as failure:
                log.info("the response_url said %s; telling %s another way", failure.error, user)
        if channel:
            try:
                await checked(
                    self.slack.chat_postEphemeral(
                        channel=channel,
                        user=user,
                        text=message["text"],
                        blocks=message.get("blocks"),
                    )
                )
                return
            except PostFailed as failure:
                log.info("chat.postEphemeral said %s; sending a DM instead", failure.error)
        try:
            await checked(
                self.slack.chat_postMessage(
                    channel=user, text=message["text"], blocks=message.get("blocks")
                )
            )
        except PostFailed as failure:
            log.warning("could not reach %s privately: %s", user, failure.error)

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
            "workspace": current_key(),
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
                with scope(entry.get("workspace")):
                    # The earlier run may have been stopped (SIGKILL) inside chat.postMessage,
                    # before it could write the attempt down: its outcome is unknown.
                    await self._deliver_entry(entry, taken_over=True)

        await asyncio.gather(*(one(e) for e in entries))
        return len(entries)

    async def _deliver_entry(
        self, entry: dict[str, Any], *, taken_over: bool = False
    ) -> Posted | None:
        attempts = int(entry.get("attempts") or 0)
        # Attempts whose outcome is unknown since Slack last showed the message is not there.
        # An entry an earlier run left pending may have landed, whether or not that run wrote
        # an attempt down (a kill during chat.postMessage writes nothing): look before posting.
        maybe = 1 if attempts > 0 or taken_over else 0
        entry.setdefault("created_at", self.clock())
        delay = float(entry.get("next_attempt_at") or 0) - self.clock()
        if delay > 0:
            await asyncio.sleep(delay)
        while True:
            now = self.clock()
            until = entry.get("response_url_until")
            response_url = entry.get("response_url") if until and now < until else None
            try:
                posted: Posted | None = None
                posting = False
                if maybe:
                    posted, usable = await self._landed(entry)
                    if usable:
                        maybe = 0
                    elif maybe >= 2:
                        # Two unknown outcomes and no way to look: a third copy is not risked.
                        log.warning(
                            "meeting %s: not posted again (it may be there twice already); "
                            "recorded as posted, unconfirmed",
                            entry["meeting_id"],
                        )
                        posted = Posted(entry["channel"], None, "chat.postMessage?")
                if posted is None:
                    posting = True
                    posted = await self.post_meeting(
                        entry["channel"],
                        entry["message"],
                        thread_ts=entry.get("thread_ts"),
                        response_url=response_url,
                        metadata=self._metadata(entry),
                    )
            except PostFailed as failure:
                attempts += 1
                maybe += 1 if posting and failure.uncertain else 0
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
                # Written before waiting: a restart carries on from here (deliver_pending).
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

    @staticmethod
    def _metadata(entry: dict[str, Any]) -> dict[str, Any]:
        """The Slack message metadata a meeting post carries, to be found again."""
        payload = {"meeting_id": str(entry["meeting_id"])}
        if entry.get("id") is not None:
            payload["outbox_id"] = str(entry["id"])
        return {"event_type": EVENT_TYPE, "event_payload": payload}

    async def _landed(self, entry: dict[str, Any]) -> tuple[Posted | None, bool]:
        """Whether an earlier attempt of `entry` landed: (where, True) if the bot's message
        with its metadata is in the channel (thread) since the entry was made, (None, True)
        if it is not, (None, False) if Slack will not let us look (a missing scope, a DM by
        user id: then the caller re-posts once). Raises PostFailed when the look-up failed
        for now (the caller waits and asks again)."""
        channel, thread_ts = entry["channel"], entry.get("thread_ts")
        oldest = f"{max(0.0, float(entry['created_at']) - HISTORY_SLACK_SECONDS):.6f}"
        want = self._metadata(entry)
        cursor: str | None = None
        # A busy channel may hold more than one page since the entry was made: follow the
        # cursor (a bounded number of pages).
        for _page in range(HISTORY_PAGES):
            try:
                if thread_ts:
                    answer = await checked(
                        self.slack.conversations_replies(
                            channel=channel,
                            ts=thread_ts,
                            oldest=oldest,
                            limit=HISTORY_LIMIT,
                            include_all_metadata=True,
                            cursor=cursor,
                        )
                    )
                else:
                    answer = await checked(
                        self.slack.conversations_history(
                            channel=channel,
                            oldest=oldest,
                            limit=HISTORY_LIMIT,
                            include_all_metadata=True,
                            cursor=cursor,
                        )
                    )
            except PostFailed as failure:
                if failure.retryable:
                    raise
                log.warning(
                    "meeting %s: cannot check whether the earlier attempt was posted (%s); "
                    "posting again",
                    entry["meeting_id"],
                    failure.error,
                )
                return None, False
            data = answer.data if isinstance(answer.data, dict) else {}
            for message in data.get("messages") or []:
                metadata = message.get("metadata") if isinstance(message, dict) else None
                if (
                    isinstance(metadata, dict)
                    and metadata.get("event_type") == want["event_type"]
                    and metadata.get("event_payload") == want["event_payload"]
                ):
                    log.info(
                        "meeting %s: the earlier attempt was posted after all (ts %s)",
                        entry["meeting_id"],
                        message.get("ts"),
                    )
                    return Posted(channel, message.get("ts"), "chat.postMessage"), True
            cursor = (data.get("response_metadata") or {}).get("next_cursor") or None
            if not data.get("has_more") or not cursor:
                break
        return None, True

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

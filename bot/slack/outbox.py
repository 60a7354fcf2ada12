"""How a created meeting reaches its channel: the outbox and its retry loop, the part of
`Poster` (bot/posting.py) that `deliver`s. What a caller may rely on:

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
import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.failures import PostFailed, checked
from bot.slack.workspaces import current_key, scope

if TYPE_CHECKING:
    from bot.store import Store
    from bot.turns import Turns

log = logging.getLogger("zoombot.posting")

# The `metadata.event_type` of a meeting post: how a post that timed out is found again.
EVENT_TYPE = "zoombot_meeting"
# How far before the entry was made the look-up starts (clock differences with Slack).
HISTORY_SLACK_SECONDS = 120.0
HISTORY_LIMIT = 200  # Slack's advised page size
HISTORY_PAGES = 5


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
    # The meeting's live status when it was recorded posted: a Zoom event came first, and
    # the message just posted does not show it yet (Store.outbox_posted).
    live_status: str | None = None


class OutboxDelivery:
    """`deliver` and `deliver_pending`, for `Poster` (bot/posting.py), which provides the
    attributes below and the two calls they post with, `post_meeting` and `tell`."""

    slack: AsyncWebClient
    store: Store | None
    retry: RetryPolicy
    clock: Callable[[], float]
    owner: str
    turns: Turns | None

    async def deliver(self, delivery: Delivery) -> Posted | None:
        """Post a created meeting, retrying as the module docstring says. Returns where it
        went, or None when it finally could not be posted (the requester has then been told
        privately, with the join link). Never raises PostFailed.

        Without a store (unit tests of other parts) the message is posted once, no outbox.
        """
        entry = self.outbox_entry(delivery)
        if self.store is not None:
            entry["id"] = await self.store.add_to_outbox(entry)
        return await self._deliver_entry(entry)

    async def deliver_recorded(self, entry: dict[str, Any]) -> Posted | None:
        """`deliver` for an `outbox_entry` the caller wrote to the outbox itself (with the
        meeting, `store.record_created(…, outbox=)`), `id` set to the one it was given."""
        return await self._deliver_entry(entry)

    def outbox_entry(self, delivery: Delivery) -> dict[str, Any]:
        """The outbox row that delivers `delivery`, first attempt due now."""
        now = self.clock()
        return {
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
                    if self.turns is not None:
                        self.turns.delivered()  # the rest of this work goes last
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
                status = await self.store.outbox_posted(
                    entry["id"],
                    channel=posted.channel,
                    ts=posted.ts,
                    via=posted.via,
                    attempts=attempts,
                )
                if status:
                    posted = dataclasses.replace(posted, live_status=status)
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
            page = {
                "channel": channel,
                "oldest": oldest,
                "limit": HISTORY_LIMIT,
                "include_all_metadata": True,
                "cursor": cursor,
            }
            try:
                answer = await checked(
                    self.slack.conversations_replies(ts=thread_ts, **page)
                    if thread_ts
                    else self.slack.conversations_history(**page)
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

"""The one place that posts to Slack: the channel message, and private notes to a person.

`post_meeting` uses `chat.postMessage`; where the bot is not in a private channel or DM
(`not_in_channel`, `channel_not_found`) it falls back to the command's `response_url` with
`response_type: in_channel`. `tell` reaches one person privately: the `response_url`
(ephemeral) when there is one, else `chat.postEphemeral`, else a DM from the bot.

Every call has a timeout (the Web API client's and `RESPONSE_URL_TIMEOUT`).

`deliver` and `deliver_pending` (the outbox and its retry loop) are bot/slack/outbox.py's;
the Web API client that logs each call is bot/slack/client.py's.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient

from bot.render.private import named
from bot.slack.client import LoggedWebClient
from bot.slack.failures import (
    RAW_TRANSPORT_ERRORS,
    TRANSIENT,
    PostFailed,
    checked,
    retry_after_of,
    slack_failure,
)
from bot.slack.outbox import EVENT_TYPE, Delivery, OutboxDelivery, Posted, RetryPolicy

if TYPE_CHECKING:
    from bot.store import Store
    from bot.turns import Turns

log = logging.getLogger("zoombot.posting")

RESPONSE_URL_TIMEOUT = 10.0
# Slack's answers that mean "the bot can't post there, but the person who asked can".
NOT_A_MEMBER = frozenset({"not_in_channel", "channel_not_found"})
# What a Slack call here (or hosts.py's users.info) may raise besides SlackApiError: transport
# errors, and PostFailed (the classified failure, bot.slack.failures). Callers catching
# `(SlackApiError, *TRANSPORT_ERRORS)` thus catch every Slack failure, whatever its shape.
TRANSPORT_ERRORS: tuple[type[BaseException], ...] = (*RAW_TRANSPORT_ERRORS, PostFailed)

__all__ = [
    "EVENT_TYPE",
    "TRANSIENT",
    "TRANSPORT_ERRORS",
    "Delivery",
    "LoggedWebClient",
    "PostFailed",
    "Posted",
    "Poster",
    "RetryPolicy",
]


class Poster(OutboxDelivery):
    """Posts to Slack (below) and delivers created meetings (OutboxDelivery)."""

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
        # The slash command's name in what is said privately (ZOOMBOT_COMMAND).
        self.command = "/zoom"
        # Set by the app: an answer to work after the ack waits its turn (bot/turns.py).
        self.turns: Turns | None = None

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
        if self.turns is not None:
            await self.turns.answered()
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
    ) -> bool:
        """Say something to `user` only, best effort: failures are logged, never raised.
        True when one of the ways below took it.

        Tried in order until one works: the `response_url` (ephemeral), `chat.postEphemeral`
        in `channel` (the person must be in it), then a DM from the bot (`chat.postMessage`
        to the user's id opens the app's Messages tab). A response_url that expired, was used
        up or answers 404 therefore still reaches the person."""
        message = named(message, self.command)
        if response_url:
            try:
                await self.respond(response_url, message)
                return True
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
                return True
            except PostFailed as failure:
                log.info("chat.postEphemeral said %s; sending a DM instead", failure.error)
        try:
            await checked(
                self.slack.chat_postMessage(
                    channel=user, text=message["text"], blocks=message.get("blocks")
                )
            )
            return True
        except PostFailed as failure:
            log.warning("could not reach %s privately: %s", user, failure.error)
            return False

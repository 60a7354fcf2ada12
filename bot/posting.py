"""The one place that posts to Slack: the channel message, and private notes to a person.

`post_meeting` uses `chat.postMessage`; where the bot is not in a private channel or DM
(`not_in_channel`, `channel_not_found`) it falls back to the command's `response_url` with
`response_type: in_channel`. `tell` reaches one person privately: the `response_url`
(ephemeral) when there is one, else `chat.postEphemeral`, else a DM from the bot.

Every call has a timeout (the Web API client's and `RESPONSE_URL_TIMEOUT`). Retries and
pending posts kept across restarts belong here too (issue 5): callers only see
`post_meeting`/`tell` and `PostFailed`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import httpx
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger("zoombot.posting")

RESPONSE_URL_TIMEOUT = 10.0
# Slack's answers that mean "the bot can't post there, but the person who asked can".
NOT_A_MEMBER = frozenset({"not_in_channel", "channel_not_found"})


class PostFailed(Exception):
    """Slack would not take the message. `error` is Slack's error string or the HTTP failure."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


@dataclass(frozen=True)
class Posted:
    """Where the message went. `ts` is None when it went through a response_url."""

    channel: str | None
    ts: str | None
    via: str  # "chat.postMessage" or "response_url"


class Poster:
    def __init__(self, slack: AsyncWebClient, http: httpx.AsyncClient) -> None:
        self.slack = slack
        self.http = http

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
            code = str(error.response.get("error") or "unknown_error")
            if code in NOT_A_MEMBER and response_url:
                log.info("chat.postMessage said %s; posting through the response_url", code)
                await self.respond(response_url, message, in_channel=True)
                return Posted(channel=channel, ts=None, via="response_url")
            raise PostFailed(code) from error
        except (httpx.HTTPError, OSError, TimeoutError) as error:
            raise PostFailed(type(error).__name__) from error
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
        except (httpx.HTTPError, OSError, TimeoutError) as error:
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
        except (SlackApiError, httpx.HTTPError, OSError, TimeoutError) as error:
            log.info("views.update skipped: %s", type(error).__name__)

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
            answer = await self.http.post(response_url, json=body, timeout=RESPONSE_URL_TIMEOUT)
        except httpx.HTTPError as error:
            raise PostFailed(type(error).__name__) from error
        if answer.status_code >= 400:
            raise PostFailed(f"HTTP {answer.status_code}")

    async def tell(
        self,
        user: str,
        message: dict[str, Any],
        *,
        channel: str | None = None,
        response_url: str | None = None,
    ) -> None:
        """Say something to `user` only. Best effort: failures are logged, never raised."""
        try:
            if response_url:
                await self.respond(response_url, message)
                return
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
                        "chat.postEphemeral said %s; sending a DM instead",
                        error.response.get("error"),
                    )
            await self.slack.chat_postMessage(
                channel=user, text=message["text"], blocks=message.get("blocks")
            )
        except (SlackApiError, PostFailed, httpx.HTTPError, OSError, TimeoutError) as error:
            log.warning("could not reach %s privately: %s", user, type(error).__name__)

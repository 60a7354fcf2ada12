"""The Slack Web API client the app uses: slack_sdk's, with one DEBUG line per call, and
each call with its workspace's bot token when zoombot serves several."""

from __future__ import annotations

import logging
import time
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.failures import PostFailed
from bot.slack.installations import WorkspaceGone
from bot.slack.workspaces import current as current_workspace
from bot.turns import Turns

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
    # Set by the app: an answer to work after the ack waits its turn (bot/turns.py).
    turns: Turns | None = None

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
            answer = await super().api_call(api_method, **kwargs)
            if self.turns is not None:
                await self.turns.answered()
            return answer
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

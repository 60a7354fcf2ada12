"""The Slack Web API client the app uses: slack_sdk's, with one DEBUG line per call."""

from __future__ import annotations

import logging
import time
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

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

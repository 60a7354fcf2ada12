"""The JSON body Zoom takes for a `MeetingRequest` (create and update)."""

from __future__ import annotations

import logging
from datetime import UTC
from typing import Any

from zoom.models import MeetingRequest
from zoom.timezones import zoom_timezone

logger = logging.getLogger("zoom")


def zoom_body(request: MeetingRequest) -> dict[str, Any]:
    """The JSON Zoom takes for `request`, with a time zone Zoom knows.

    Zoom's `timezone` takes only the names on its own list: a zone it lacks becomes one on the
    list with the same clock (zoom/timezones.py); with none, the start is sent in UTC (Zoom's
    `…Z` form), which is exact for one meeting and, for a series, keeps UTC's clock.
    """
    body = request.to_json()
    if not (request.timezone and request.start_time):
        return body
    starts = request.starts_at()
    known = zoom_timezone(request.timezone, around=starts)
    if known == request.timezone:
        return body
    if known is not None:
        body["timezone"] = known
        return body
    assert starts is not None
    logger.warning(
        "zoom: no zone on Zoom's list keeps %s's clock; sending the start in UTC%s",
        request.timezone,
        " (a series then keeps UTC's clock across daylight-saving changes)"
        if request.recurrence
        else "",
    )
    body["start_time"] = starts.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    body["timezone"] = "UTC"
    return body

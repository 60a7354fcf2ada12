"""A Zoom Meeting API client. Knows nothing of Slack.

Public names: `ZoomClient`, the request and answer types, and the `ZoomError` hierarchy.
"""

from zoom.client import ZoomClient
from zoom.errors import (
    DailyLimitReached,
    MeetingNotFound,
    UserNotFound,
    ZoomAuthError,
    ZoomError,
    ZoomNotFound,
    ZoomRateLimited,
    ZoomUnavailable,
    ZoomValidationError,
)
from zoom.models import (
    INSTANT,
    RECURRING,
    SCHEDULED,
    Meeting,
    MeetingRequest,
    MeetingSettings,
    Occurrence,
    Recurrence,
    ZoomUser,
)

__all__ = [
    "INSTANT",
    "RECURRING",
    "SCHEDULED",
    "DailyLimitReached",
    "Meeting",
    "MeetingNotFound",
    "MeetingRequest",
    "MeetingSettings",
    "Occurrence",
    "Recurrence",
    "UserNotFound",
    "ZoomAuthError",
    "ZoomClient",
    "ZoomError",
    "ZoomNotFound",
    "ZoomRateLimited",
    "ZoomUnavailable",
    "ZoomUser",
    "ZoomValidationError",
]

"""A Zoom Meeting API client. Knows nothing of Slack.

Public names: `ZoomClient`, the request and answer types, the `ZoomError` hierarchy, and
`parse_event` with the webhook event types (`ZoomEvent`, `BadEvent`, …).
"""

from zoom.client import MeetingUnreadable, ZoomClient
from zoom.errors import (
    CreateUnconfirmed,
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
from zoom.events import BadEvent, EventKind, EventMeeting, Participant, ZoomEvent, parse_event
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
    "BadEvent",
    "CreateUnconfirmed",
    "DailyLimitReached",
    "EventKind",
    "EventMeeting",
    "Meeting",
    "MeetingNotFound",
    "MeetingRequest",
    "MeetingSettings",
    "MeetingUnreadable",
    "Occurrence",
    "Participant",
    "Recurrence",
    "UserNotFound",
    "ZoomAuthError",
    "ZoomClient",
    "ZoomError",
    "ZoomEvent",
    "ZoomNotFound",
    "ZoomRateLimited",
    "ZoomUnavailable",
    "ZoomUser",
    "ZoomValidationError",
    "parse_event",
]

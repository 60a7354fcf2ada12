"""A Zoom Meeting API client. Knows nothing of Slack.

Public names (`__all__`, pinned by tests/zoom/test_exported_members.py): `ZoomClient`, the
request and answer types (`MeetingRequest`, `Meeting`, `MeetingType` with its members as
`INSTANT`, `SCHEDULED`, …), the `ZoomError` tree (zoom/errors.py), and `parse_event` with
the webhook event types (`ZoomEvent`, `BadEvent`, …). Everything in `zoom._*` is private.
"""

from zoom.client import ZoomClient
from zoom.errors import (
    CreateUnconfirmed,
    DailyLimitReached,
    GrantRevoked,
    MeetingNotFound,
    MeetingUnreadable,
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
    RECURRING_NO_FIXED_TIME,
    SCHEDULED,
    Meeting,
    MeetingRequest,
    MeetingSettings,
    MeetingType,
    Occurrence,
    Recurrence,
    ZoomUser,
)
from zoom.user_oauth import Authorization, UserTokens, ZoomUserOAuth

__all__ = [
    "INSTANT",
    "RECURRING",
    "RECURRING_NO_FIXED_TIME",
    "SCHEDULED",
    "Authorization",
    "BadEvent",
    "CreateUnconfirmed",
    "DailyLimitReached",
    "EventKind",
    "EventMeeting",
    "GrantRevoked",
    "Meeting",
    "MeetingNotFound",
    "MeetingRequest",
    "MeetingSettings",
    "MeetingType",
    "MeetingUnreadable",
    "Occurrence",
    "Participant",
    "Recurrence",
    "UserNotFound",
    "UserTokens",
    "ZoomAuthError",
    "ZoomClient",
    "ZoomError",
    "ZoomEvent",
    "ZoomNotFound",
    "ZoomRateLimited",
    "ZoomUnavailable",
    "ZoomUser",
    "ZoomUserOAuth",
    "ZoomValidationError",
    "parse_event",
]

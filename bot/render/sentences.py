"""What the requester reads when something goes wrong: one table, no I/O.

Every Zoom failure and every refusal the app makes is turned into a sentence here,
so the wording lives in one place. The clock and the time zone are passed in.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.render.submitted import zone as _zone
from bot.render.words import escape as _quoted
from zoom import (
    CreateUnconfirmed,
    DailyLimitReached,
    MeetingNotFound,
    MeetingUnreadable,
    UserNotFound,
    ZoomAuthError,
    ZoomError,
    ZoomRateLimited,
    ZoomUnavailable,
    ZoomValidationError,
)

HOW_TO_LINK = (
    "Type `/zoom link you@company.com` with the email of your Zoom account, "
    "or ask a Slack admin to set `ZOOMBOT_DEFAULT_HOST`."
)

NO_HOST = (
    "I can't find a Zoom account for you: your Slack email is not a Zoom user in this "
    "company's Zoom account, nobody has linked one for you, and there is no default host. "
    + HOW_TO_LINK
)

NOT_ALLOWED_TO_HOST = (
    "Zoom says this host is not allowed to host meetings (Zoom code 3161). Ask your Zoom admin "
    "to turn on meeting hosting for that user, or link another Zoom user with "
    "`/zoom link you@company.com`. Nothing was created."
)


GUESTS_NOT_ALLOWED = (
    "Guests of this Slack workspace can't create or change Zoom meetings with zoombot. "
    "Ask a full member of the workspace to make the meeting for you."
)


# What did not happen, per operation: the sentences say it in the words of what was asked.
CREATE, CANCEL, LIST = "create", "cancel", "list"
NOT_DONE = {
    CREATE: "Nothing was created.",
    CANCEL: "The meeting was not cancelled.",
    LIST: "I could not list your meetings.",
}
# Registration (bot/flows/registration.py): the Register and Approve buttons.
REGISTER, APPROVE = "register", "approve"
NOT_DONE[REGISTER] = "You are not registered."
NOT_DONE[APPROVE] = "Nobody was approved."
NOT_DONE_CLAUSE = {
    CREATE: "nothing was created",
    CANCEL: "the meeting was not cancelled",
    LIST: "I could not list your meetings",
}
# Moving and skipping (issue 15, bot/flows/move.py).
MOVE, SKIP = "move", "skip"
NOT_DONE[MOVE] = "The meeting was not moved."
NOT_DONE[SKIP] = "Nothing was skipped."
NOT_DONE_CLAUSE[MOVE] = "the meeting was not moved"
NOT_DONE_CLAUSE[SKIP] = "nothing was skipped"
NOT_DONE_CLAUSE[REGISTER] = "you are not registered"
NOT_DONE_CLAUSE[APPROVE] = "nobody was approved"


def _user_not_found(error: ZoomError, tz: str, now: datetime, op: str) -> str:
    return "Zoom doesn't know the host's Zoom user (Zoom code 1001). " + HOW_TO_LINK


def _not_allowed(error: ZoomError, tz: str, now: datetime, op: str) -> str:
    return NOT_ALLOWED_TO_HOST


def _validation(error: ZoomError, tz: str, now: datetime, op: str) -> str:
    fields = [str(e.get("field")) for e in getattr(error, "errors", []) if e.get("field")]
    named = f" in the field `{_quoted(fields[0])}`" if fields else ""
    if op != CREATE:
        return f"Zoom did not accept that{named}: {_quoted(error.message)}. {NOT_DONE[op]}"
    return (
        f"Zoom did not accept the meeting{named}: {_quoted(error.message)}. "
        "Check the time, duration and options and try again. Nothing was created."
    )


def _daily_limit(error: ZoomError, tz: str, now: datetime, op: str) -> str:
    resets_at = getattr(error, "resets_at", None)
    if resets_at is None:
        nxt = (now.astimezone(ZoneInfo("UTC")) + timedelta(days=1)).date()
        resets_at = datetime(nxt.year, nxt.month, nxt.day, tzinfo=ZoneInfo("UTC"))
    local = resets_at.astimezone(_zone(tz))
    return (
        "This host has reached Zoom's daily limit for creating and changing meetings. "
        f"It resets at midnight UTC, which is {local:%A %H:%M} your time ({local.tzname()}). "
        + NOT_DONE[op]
    )


def _rate_limited(error: ZoomError, tz: str, now: datetime, op: str) -> str:
    return (
        "Zoom is busy right now and asked us to slow down; "
        f"{NOT_DONE_CLAUSE[op]}. Try again in a minute."
    )


def _auth(error: ZoomError, tz: str, now: datetime, op: str) -> str:
    return (
        "zoombot could not sign in to Zoom. A workspace admin must check the Zoom app's "
        "credentials and scopes (ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID, ZOOM_CLIENT_SECRET). "
        + NOT_DONE[op]
    )


def _unavailable(error: ZoomError, tz: str, now: datetime, op: str) -> str:
    return f"Zoom is not answering; {NOT_DONE_CLAUSE[op]}. Try again in a minute."


def _unconfirmed(error: ZoomError, tz: str, now: datetime, op: str) -> str:
    return (
        "Zoom failed while creating the meeting, and I could not check whether it made it, so "
        "I did not try again (that could make it twice). Look for it in your Zoom app's "
        "meetings before asking again."
    )


def _unreadable(error: ZoomError, tz: str, now: datetime, op: str) -> str:
    meeting_id = getattr(error, "meeting_id", None)
    which = f" (ID {meeting_id})" if meeting_id else ""
    return (
        f"Zoom made the meeting{which} but would not show me its details, so I could not "
        "post it. You will find it in your Zoom app's meetings."
    )


def _meeting_not_found(error: ZoomError, tz: str, now: datetime, op: str) -> str:
    return (
        "Zoom has no such meeting (it may have been deleted or have ended). "
        "Check the meeting ID with `/zoom list`."
    )


def _other(error: ZoomError, tz: str, now: datetime, op: str) -> str:
    return f"Zoom refused: {_quoted(error.message)}. {NOT_DONE[op]}"


Sentence = Callable[[ZoomError, str, datetime, str], str]

# Zoom error codes that need their own sentence whatever class carries them.
BY_CODE: dict[int, Sentence] = {3161: _not_allowed, 1001: _user_not_found}

# Most specific first: the first class that matches wins.
BY_CLASS: tuple[tuple[type[ZoomError], Sentence], ...] = (
    (UserNotFound, _user_not_found),
    (MeetingNotFound, _meeting_not_found),
    (ZoomValidationError, _validation),
    (DailyLimitReached, _daily_limit),
    (ZoomRateLimited, _rate_limited),
    (ZoomAuthError, _auth),
    # Both are ZoomUnavailable, but the meeting may (or does) exist: never "nothing created".
    (MeetingUnreadable, _unreadable),
    (CreateUnconfirmed, _unconfirmed),
    (ZoomUnavailable, _unavailable),
)


def sentence_for(error: ZoomError, *, tz: str, now: datetime, operation: str = CREATE) -> str:
    """What the requester reads for `error`. Never contains secrets or a stack trace.

    `operation` (CREATE, CANCEL or LIST) is what was being done: the sentence says what did
    not happen in its words ("the meeting was not cancelled"), never "nothing was created"
    for a cancel."""
    op = operation if operation in NOT_DONE else CREATE
    if error.code in BY_CODE and not isinstance(error, MeetingNotFound):
        return BY_CODE[error.code](error, tz, now, op)
    for cls, sentence in BY_CLASS:
        if isinstance(error, cls):
            return sentence(error, tz, now, op)
    return _other(error, tz, now, op)


def with_reference(sentence: str, reference: str) -> str:
    """The sentence with the short reference that also appears in the log line."""
    return f"{sentence} (ref `{reference}`)"

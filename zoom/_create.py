"""Create a meeting, never two: after a failure Zoom may have acted on, look before re-sending.

A create is re-sent blindly only when Zoom cannot have acted (the request never left, or a
429). After a 5xx, a read timeout or a cut-off answer it waits `settle_delay`, lists the
host's scheduled meetings and takes the one this create made (`find_created`); only if there
is none is it sent again, right after that look. If the look itself fails, `CreateUnconfirmed`;
if it found the meeting but could not read it, `MeetingUnreadable`. Zoom does not list
instant meetings: an instant create is sent again without a look (logged as a warning).
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from zoom._body import zoom_body
from zoom._call import Budget, Caller, Look, segment
from zoom._pages import MEETINGS, list_meetings
from zoom.errors import (
    CreateUnconfirmed,
    MeetingNotFound,
    MeetingUnreadable,
    ZoomError,
    ZoomUnavailable,
)
from zoom.models import Meeting, MeetingRequest, MeetingType

logger = logging.getLogger("zoom")

MEETING = "/meetings/{meetingId}"

# How many meeting ids a client remembers having handed out (see Creator.claim).
_REMEMBERED_IDS = 4096
# A look-up reads at most this many pages of the host's meetings.
_LOOKUP_PAGES = 5


class CreateSettings(Protocol):
    """Read at each create (`ZoomClient` is one)."""

    max_attempts: int
    clock_skew: float
    settle_delay: float
    page_size: int


class Creator:
    """Creates meetings and finds the ones failed creates made, for one client.

    Remembers the meeting ids it handed out, so that a look-up never returns one twice (two
    creates of the same topic and start for one host, a shared default host).
    """

    def __init__(self, caller: Caller, settings: CreateSettings) -> None:
        self._caller = caller
        self._settings = settings
        self._claimed: OrderedDict[int, None] = OrderedDict()

    async def create(self, user_id: str, request: MeetingRequest, budget: Budget) -> Meeting:
        since = datetime.now(UTC)
        failures = 0

        async def look_for_it() -> Meeting | None:
            try:
                return await self.find_created(user_id, request, since, budget)
            except MeetingUnreadable:
                raise  # it says the meeting exists: more than "could not check"
            except ZoomError as exc:
                raise _could_not_check(exc) from exc

        async def send_instant_again() -> Meeting | None:
            # Zoom's list API leaves instant meetings out: there is nothing to look at.
            nonlocal failures
            failures += 1
            logger.warning(
                "zoom: an instant meeting create failed after it may have reached Zoom; Zoom "
                "does not list instant meetings, so whether it was made cannot be checked. %s",
                "Sending it again (at worst an unused instant meeting nobody has the link to "
                "is left in the host's account)."
                if failures < self._settings.max_attempts
                else "Giving up: one may exist that nobody has the link to.",
            )
            return None

        look: Look = look_for_it
        settle = self._settings.settle_delay
        if request.type == MeetingType.INSTANT:
            look, settle = send_instant_again, 0.0
        result = await self._caller.call(
            "POST",
            MEETINGS,
            f"/users/{segment(user_id)}/meetings",
            json=zoom_body(request),
            budget=budget,
            look=look,
            settle=settle,
        )
        meeting = result if isinstance(result, Meeting) else Meeting.from_json(result.json())
        self.claim(meeting.id)
        return meeting

    async def find_created(
        self, user_id: str, request: MeetingRequest, since: datetime, budget: Budget
    ) -> Meeting | None:
        """The meeting a failed create may have made after all, or None.

        Looked for among the host's `scheduled` meetings (at most 5 pages). A match has the
        same topic and type; was created no earlier than `clock_skew` seconds before `since`;
        starts at the requested moment (a recurring one at the first occurrence on or after
        it, at the same wall-clock time: Zoom may list a series under its first real
        occurrence); has the same recurrence type when Zoom says; and is not a meeting this
        client already returned. The match is read in full with a GET within the deadline.

        Raises `ZoomUnavailable` when Zoom cannot be asked or the listing is longer than the
        pages read, and for an instant meeting (Zoom does not list them); `MeetingUnreadable`
        when the match could not be read; other `ZoomError`s as the listing raised them.
        """
        if request.type == MeetingType.INSTANT:
            raise ZoomUnavailable(
                "Zoom does not list instant meetings: whether this one was made cannot be checked"
            )
        entries = await list_meetings(
            self._caller,
            user_id,
            "scheduled",
            budget,
            page_size=self._settings.page_size,
            max_pages=_LOOKUP_PAGES,
        )
        earliest = since - timedelta(seconds=self._settings.clock_skew)
        for entry in sorted(entries, key=lambda e: str(e.get("created_at", "")), reverse=True):
            if not _may_be(entry, request, earliest):
                continue
            meeting_id = int(entry["id"])
            if meeting_id in self._claimed:
                continue
            self.claim(meeting_id)  # before the GET: a concurrent look-up must skip it
            try:
                response = await self._caller.call(
                    "GET", MEETING, f"/meetings/{meeting_id}", budget=budget
                )
            except MeetingNotFound:
                self._claimed.pop(meeting_id, None)  # deleted since it was listed
                continue
            except ZoomError as exc:
                raise MeetingUnreadable(meeting_id, exc) from exc
            meeting = Meeting.from_json(response.json())
            if (
                request.recurrence is not None
                and meeting.recurrence is not None
                and meeting.recurrence.type != request.recurrence.type
            ):
                self._claimed.pop(meeting_id, None)
                continue
            return meeting
        return None

    def claim(self, meeting_id: int) -> None:
        """Remember that this client handed out `meeting_id` (the newest few thousand)."""
        self._claimed[meeting_id] = None
        self._claimed.move_to_end(meeting_id)
        while len(self._claimed) > _REMEMBERED_IDS:
            self._claimed.popitem(last=False)


def _zoom_time(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _may_be(entry: dict[str, Any], request: MeetingRequest, earliest: datetime) -> bool:
    """Whether a list entry could be the meeting `request` made (see `find_created`)."""
    if entry.get("topic") != request.topic or entry.get("type") != request.type:
        return False
    created = _zoom_time(entry.get("created_at"))
    if created is None or created < earliest:
        return False
    recurrence = entry.get("recurrence")
    if (
        request.recurrence is not None
        and isinstance(recurrence, dict)
        and recurrence.get("type") != request.recurrence.type
    ):
        return False
    wanted = request.starts_at()
    if wanted is None or request.type not in (MeetingType.SCHEDULED, MeetingType.RECURRING):
        return True
    listed = _zoom_time(entry.get("start_time"))
    if listed is None:
        return False
    if request.type == MeetingType.SCHEDULED:
        return listed == wanted
    # A series may be listed under its first occurrence on or after the requested start
    # (Zoom moves the start to a day the pattern allows): same local time, within a month.
    local = listed.astimezone(wanted.tzinfo)
    return wanted <= listed <= wanted + timedelta(days=32) and local.time() == wanted.time()


def _could_not_check(cause: ZoomError) -> CreateUnconfirmed:
    # Whatever stopped the look-up (Zoom down, throttled, a missing read scope, the host
    # gone), the create may have worked: never re-send, never say nothing was made. The
    # cause stays chained for the log; its text is not repeated (Zoom's can name the host).
    return CreateUnconfirmed(
        "Zoom failed while creating the meeting, and whether it was made could not be "
        f"checked ({type(cause).__name__}); not sending it again, to avoid a duplicate. "
        "Check the host's meetings in Zoom.",
        status=cause.status,
        code=cause.code,
        tracking_id=cause.tracking_id,
    )

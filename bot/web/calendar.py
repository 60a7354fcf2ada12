"""`GET /calendar/{meeting_id}.ics?sig=…`: a meeting's iCalendar file (both modes).

For anyone with the link from its message (signed with the store's calendar key). 404
for a wrong or missing `sig`, no calendar key, an unknown or cancelled
meeting. The passcode is in it only if the channel message shows it.
"""

from __future__ import annotations

import hmac

from starlette.requests import Request
from starlette.responses import Response

from bot.render import calendar
from bot.render.links import calendar_details, ics_signature
from bot.render.words import shown_meeting
from bot.store.rows import meeting_from_row
from bot.web.runtime import Runtime


def not_found() -> Response:
    return Response("Not found", status_code=404, media_type="text/plain")


async def calendar_file(request: Request) -> Response:
    runtime: Runtime = request.state.runtime
    settings, db = runtime.settings, runtime.store
    meeting_id = int(request.path_params["meeting_id"])
    if not settings.calendar_key:
        return not_found()
    expected = ics_signature(settings.calendar_key, meeting_id)
    given = request.query_params.get("sig", "")
    if not hmac.compare_digest(expected.encode(), given.encode()):
        return not_found()
    row = await db.meeting(meeting_id)
    if row is None or row.get("status") == "cancelled" or row.get("state") == "cancelled":
        return not_found()
    show = bool(row.get("show_passcode"))
    meeting = shown_meeting(meeting_from_row(row), show_passcode=show)
    try:
        text = calendar.ics(meeting, details=calendar_details(meeting, include_passcode=show))
    except ValueError:
        return not_found()
    return Response(
        text,
        media_type="text/calendar; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="zoom-{meeting_id}.ics"'},
    )
